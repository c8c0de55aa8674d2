package desktop

import (
	"os"
	"strings"

	"yizhan/app"
	"yizhan/domain"
)

// AppInfo tells the first screen what to show.
type AppInfo struct {
	Version     string       `json:"version"`
	Initialised bool         `json:"initialised"`
	Identity    app.Identity `json:"identity"`
	Catalog     string       `json:"catalog"`
	Items       int          `json:"items"`
	DataDir     string       `json:"data_dir"`
	User        *app.Staff   `json:"user"`
	Locked      bool         `json:"locked"`
}

// Info returns the version, station identity and session.
func (s *API) Info() (*AppInfo, error) {
	st, err := s.station()
	if err != nil {
		return nil, err
	}
	ctx := s.context()
	id, _ := st.Identity(ctx)
	cat, _ := st.Meta(ctx, "catalog_version")
	items, err := st.FindItems(ctx, "")
	if err != nil {
		return nil, err
	}
	user, locked := s.sess.get()
	return &AppInfo{Version: Version, Initialised: id.Code != "", Identity: id, Catalog: cat, Items: len(items), DataDir: s.cfg.Dir, User: user, Locked: locked}, nil
}

// SetupInput is the first-run form.
type SetupInput struct {
	Identity      app.Identity `json:"identity"`
	AdminLogin    string       `json:"admin_login"`
	AdminName     string       `json:"admin_name"`
	AdminPassword string       `json:"admin_password"`
}

// Setup initialises a new station and its first account (the station head).
func (s *API) Setup(in SetupInput) (*AppInfo, error) {
	st, err := s.station()
	if err != nil {
		return nil, err
	}
	ctx := s.context()
	if id, _ := st.Identity(ctx); id.Code != "" {
		return nil, domain.Errorf(domain.EConflict, "本站已初始化。", "already initialised")
	}
	if err := st.Init(ctx, in.Identity); err != nil {
		return nil, err
	}
	if _, err := st.AddStaff(ctx, app.System, in.AdminLogin, in.AdminName, app.RoleHead, in.AdminPassword); err != nil {
		return nil, err
	}
	return s.Info()
}

// SignIn signs a staff member in; it also switches user at a shared PC.
func (s *API) SignIn(login, password string) (*app.Staff, error) {
	st, err := s.station()
	if err != nil {
		return nil, err
	}
	staff, err := st.SignIn(s.context(), login, password)
	if err != nil {
		return nil, err
	}
	s.sess.set(&staff)
	return &staff, nil
}

// SignOut ends the session.
func (s *API) SignOut() error {
	s.sess.set(nil)
	return nil
}

// Lock locks the screen (idle timeout or the clerk leaving the counter); the
// same user unlocks with their password, or another signs in.
func (s *API) Lock() error {
	s.sess.lock()
	return nil
}

// Unlock unlocks the screen for the signed-in user.
func (s *API) Unlock(password string) (*app.Staff, error) {
	u, _ := s.sess.get()
	if u == nil {
		return nil, domain.Errorf(domain.EUnauthorized, "请先登录。", "not signed in")
	}
	return s.SignIn(u.Login, password)
}

// FindItems searches the catalog by name, code or pinyin initials.
func (s *API) FindItems(q string) ([]app.ItemSummary, error) {
	st, err := s.station()
	if err != nil {
		return nil, err
	}
	return st.FindItems(s.context(), q)
}

// Item returns the newest published version of an item.
func (s *API) Item(code string) (*domain.Item, error) {
	st, err := s.station()
	if err != nil {
		return nil, err
	}
	return st.Item(s.context(), code, 0)
}

// ImportCatalog imports a catalog JSON text (the file's content).
func (s *API) ImportCatalog(jsonText string) (*app.ImportResult, error) {
	st, a, err := s.session(app.RoleHead)
	if err != nil {
		return nil, err
	}
	res, err := st.ImportCatalog(s.context(), a, []byte(jsonText))
	return &res, err
}

// ImportCatalogFile imports a catalog from a file path.
func (s *API) ImportCatalogFile(path string) (*app.ImportResult, error) {
	if _, _, err := s.session(app.RoleHead); err != nil {
		return nil, err // before the file is even opened
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, domain.Errorf(domain.EInvalid, "无法读取文件："+path, "read %s: %v", path, err)
	}
	return s.ImportCatalog(string(b))
}

// CheckIntake validates an intake form and returns warnings and the checklist.
func (s *API) CheckIntake(in app.OpenCaseInput) (*app.IntakeCheck, error) {
	st, _, err := s.session()
	if err != nil {
		return nil, err
	}
	chk, err := st.CheckIntake(s.context(), in)
	return &chk, err
}

// OpenCase receives an application.
func (s *API) OpenCase(in app.OpenCaseInput) (*domain.Case, error) {
	st, a, err := s.session()
	if err != nil {
		return nil, err
	}
	return st.OpenCase(s.context(), a, in)
}

// FindCases searches cases; personal data comes masked.
func (s *API) FindCases(f app.CaseFilter) (*app.CasePage, error) {
	st, a, err := s.session()
	if err != nil {
		return nil, err
	}
	p, err := st.FindCases(s.context(), a, f)
	return &p, err
}

// ShowCase returns a case's detail, masked.
func (s *API) ShowCase(id string) (*app.CaseView, error) {
	st, a, err := s.session()
	if err != nil {
		return nil, err
	}
	return st.ShowCase(s.context(), a, id, false, "")
}

// RevealCase returns a case's detail unmasked; the purpose is logged.
func (s *API) RevealCase(id, purpose string) (*app.CaseView, error) {
	st, a, err := s.session()
	if err != nil {
		return nil, err
	}
	return st.ShowCase(s.context(), a, id, true, purpose)
}

// RecordMaterial records how one material was collected.
func (s *API) RecordMaterial(caseID string, m app.MaterialInput) (*domain.Case, error) {
	st, a, err := s.session()
	if err != nil {
		return nil, err
	}
	return st.RecordMaterial(s.context(), a, caseID, m)
}

// StepInput carries the arguments any lifecycle step may need.
type StepInput struct {
	Kind      string   `json:"kind"`
	Reason    string   `json:"reason,omitempty"`
	Extra     []string `json:"extra,omitempty"`
	Procedure string   `json:"procedure,omitempty"`
	Unit      string   `json:"unit,omitempty"`
	Result    string   `json:"result,omitempty"`
	CertNo    string   `json:"cert_no,omitempty"`
	Method    string   `json:"method,omitempty"`
	Waybill   string   `json:"waybill,omitempty"`
	Address   string   `json:"address,omitempty"`
	Addressee string   `json:"addressee,omitempty"`
	SignedBy  string   `json:"signed_by,omitempty"`
	Text      string   `json:"text,omitempty"`
	// Materials are what the applicant brought, for 补齐材料 (supplement).
	Materials []app.MaterialInput `json:"materials,omitempty"`
}

// Step performs one lifecycle step named by kind, as the case detail's
// buttons offer them.
func (s *API) Step(caseID string, in StepInput) (*domain.Case, error) {
	st, a, err := s.session()
	if err != nil {
		return nil, err
	}
	ctx := s.context()
	switch domain.EventKind(in.Kind) {
	case domain.EvRequestCorrection:
		return st.RequestCorrection(ctx, a, caseID, in.Reason, in.Extra)
	case domain.EvSupplement:
		return st.Supplement(ctx, a, caseID, in.Materials)
	case domain.EvCorrectionTimeout:
		return st.CorrectionTimeout(ctx, a, caseID)
	case domain.EvAccept:
		return st.Accept(ctx, a, caseID)
	case domain.EvNotAccept:
		return st.NotAccept(ctx, a, caseID, in.Reason)
	case domain.EvForward:
		return st.Forward(ctx, a, caseID)
	case domain.EvStartProcess:
		return st.StartProcess(ctx, a, caseID)
	case domain.EvSuspend:
		return st.Suspend(ctx, a, caseID, in.Reason, in.Procedure, in.Unit)
	case domain.EvResume:
		return st.Resume(ctx, a, caseID)
	case domain.EvConclude:
		return st.Conclude(ctx, a, caseID, in.Result, in.Reason, in.CertNo)
	case domain.EvStartDelivery:
		return st.StartDelivery(ctx, a, caseID, domain.Delivery{Method: in.Method, Waybill: strings.TrimSpace(in.Waybill), Address: in.Address, Addressee: in.Addressee})
	case domain.EvDeliver:
		return st.Deliver(ctx, a, caseID, in.SignedBy)
	case domain.EvNote:
		return st.AddNote(ctx, a, caseID, in.Text)
	}
	return nil, domain.Errorf(domain.EInvalid, "无法识别的操作。", "unknown step %q", in.Kind)
}

// UpdateApplicant changes free-form applicant fields.
func (s *API) UpdateApplicant(caseID string, u domain.ApplicantUpdate) (*domain.Case, error) {
	st, a, err := s.session()
	if err != nil {
		return nil, err
	}
	return st.UpdateApplicant(s.context(), a, caseID, u)
}

// Evaluate records a rating at the counter.
func (s *API) Evaluate(in app.EvaluationInput) (string, error) {
	st, a, err := s.session()
	if err != nil {
		return "", err
	}
	return st.Evaluate(s.context(), a, in)
}

// Rectifications lists bad-review follow-ups.
func (s *API) Rectifications(all bool) ([]app.Rectification, error) {
	st, _, err := s.session()
	if err != nil {
		return nil, err
	}
	return st.Rectifications(s.context(), all)
}

// CloseRectification records a bad review's call-back and outcome.
func (s *API) CloseRectification(id, status, callback, result string) error {
	st, a, err := s.session()
	if err != nil {
		return err
	}
	return st.CloseRectification(s.context(), a, id, status, callback, result)
}

// IssueTicket takes a queue number.
func (s *API) IssueTicket(itemCode string) (*app.Ticket, error) {
	st, a, err := s.session()
	if err != nil {
		return nil, err
	}
	t, err := st.IssueTicket(s.context(), a, itemCode, "")
	return &t, err
}

// CallNext calls the next number to a window.
func (s *API) CallNext(window string) (*app.Ticket, error) {
	st, a, err := s.session()
	if err != nil {
		return nil, err
	}
	t, err := st.CallNext(s.context(), a, window)
	return &t, err
}

// FinishTicket ends service of a ticket (absent: called and not there).
func (s *API) FinishTicket(id string, absent bool) (*app.Ticket, error) {
	st, a, err := s.session()
	if err != nil {
		return nil, err
	}
	t, err := st.FinishTicket(s.context(), a, id, absent)
	return &t, err
}

// TransferTicket sends a ticket back to the queue for another item.
func (s *API) TransferTicket(id, toItem, reason string) (*app.Ticket, error) {
	st, a, err := s.session()
	if err != nil {
		return nil, err
	}
	t, err := st.TransferTicket(s.context(), a, id, toItem, reason)
	return &t, err
}

// Queue lists today's tickets.
func (s *API) Queue() ([]app.Ticket, error) {
	st, _, err := s.session()
	if err != nil {
		return nil, err
	}
	return st.Queue(s.context())
}

// BookAppointment books a slot.
func (s *API) BookAppointment(ap app.Appointment) (*app.Appointment, error) {
	st, a, err := s.session()
	if err != nil {
		return nil, err
	}
	out, err := st.BookAppointment(s.context(), a, ap)
	return &out, err
}

// Appointments lists a day's appointments.
func (s *API) Appointments(day string) ([]app.Appointment, error) {
	st, _, err := s.session()
	if err != nil {
		return nil, err
	}
	return st.Appointments(s.context(), day)
}

// SetAppointmentStatus cancels an appointment or marks a no-show or served.
func (s *API) SetAppointmentStatus(id, status string) error {
	st, a, err := s.session()
	if err != nil {
		return err
	}
	return st.SetAppointmentStatus(s.context(), a, id, status)
}

// Slots returns the appointment slots of a day.
func (s *API) Slots() []string { return app.Slots }

// ChangeMark changes whenever a case, ticket or rating is recorded or
// pulled: the dashboard polls it and reloads its figures only then.
func (s *API) ChangeMark() (string, error) {
	st, _, err := s.session()
	if err != nil {
		return "", err
	}
	return st.ChangeMark(s.context())
}

// Dashboard returns the dashboard figures.
func (s *API) Dashboard() (*app.Dashboard, error) {
	st, _, err := s.session()
	if err != nil {
		return nil, err
	}
	return st.Dashboard(s.context())
}

// Conflicts lists sync conflicts; open only unless all.
func (s *API) Conflicts(all bool) ([]app.ConflictView, error) {
	st, a, err := s.session()
	if err != nil {
		return nil, err
	}
	return st.Conflicts(s.context(), a, all)
}

// ResolveConflict records how a conflict was settled.
func (s *API) ResolveConflict(eventID, resolution string) error {
	st, a, err := s.session()
	if err != nil {
		return err
	}
	return st.ResolveConflict(s.context(), a, eventID, resolution)
}

// ListStaff lists accounts.
func (s *API) ListStaff() ([]app.Staff, error) {
	st, a, err := s.session()
	if err != nil {
		return nil, err
	}
	return st.ListStaff(s.context(), a)
}

// AddStaff adds an account (station head only).
func (s *API) AddStaff(login, name, role, password string) (*app.Staff, error) {
	st, a, err := s.session(app.RoleHead)
	if err != nil {
		return nil, err
	}
	out, err := st.AddStaff(s.context(), a, login, name, role, password)
	return &out, err
}

// StaffUpdate changes an account; nil fields stay.
type StaffUpdate struct {
	Role     *string `json:"role,omitempty"`
	Password *string `json:"password,omitempty"`
	Disabled *bool   `json:"disabled,omitempty"`
	Unlock   bool    `json:"unlock,omitempty"`
}

// UpdateStaff changes an account.
func (s *API) UpdateStaff(id string, u StaffUpdate) error {
	st, a, err := s.session(app.RoleHead)
	if err != nil {
		return err
	}
	return st.UpdateStaff(s.context(), a, id, u.Role, u.Password, u.Disabled, u.Unlock)
}

// Backup writes a backup of the database to path (station head only: it
// holds every applicant's data).
func (s *API) Backup(path string) error {
	st, a, err := s.session(app.RoleHead)
	if err != nil {
		return err
	}
	return st.Backup(s.context(), a, path)
}

// KioskIssueTicket takes a number at the self-service kiosk (no sign-in).
func (s *API) KioskIssueTicket(itemCode string) (*app.Ticket, error) {
	st, err := s.station()
	if err != nil {
		return nil, err
	}
	t, err := st.KioskIssueTicket(s.context(), itemCode)
	return &t, err
}

// KioskProgress answers "where is my case" at the kiosk (no sign-in): for a
// scanned signed receipt QR code, or a case number (full or short) with its
// query password.
func (s *API) KioskProgress(q app.KioskQuery) (*app.Progress, error) {
	st, err := s.station()
	if err != nil {
		return nil, err
	}
	return st.KioskLookup(s.context(), q)
}

// KioskEvaluate records a rating from the kiosk or rating pad (no sign-in),
// tied to a case (receipt QR, or number and password) or today's ticket.
func (s *API) KioskEvaluate(in app.KioskRatingInput) (string, error) {
	st, err := s.station()
	if err != nil {
		return "", err
	}
	return st.KioskEvaluate(s.context(), in)
}

// InviteRating offers the citizen just served at this window a rating on
// the window's rating pad (the clerk's screen never hosts the rating).
func (s *API) InviteRating(window, ticketID, caseID string) (*app.RatingInvite, error) {
	st, a, err := s.session()
	if err != nil {
		return nil, err
	}
	return st.InviteRating(s.context(), a, window, ticketID, caseID)
}

// KioskPadInvitation is the rating pad's question (no sign-in): the open
// invitation of its window, or nil.
func (s *API) KioskPadInvitation(window string) (*app.RatingInvite, error) {
	st, err := s.station()
	if err != nil {
		return nil, err
	}
	return st.PadInvitation(s.context(), window)
}

// KioskPadEvaluate records the rating given on the pad for an open
// invitation (no sign-in: the invitation is the proof).
func (s *API) KioskPadEvaluate(inviteID string, ev domain.Evaluation, contact string) (string, error) {
	st, err := s.station()
	if err != nil {
		return "", err
	}
	return st.PadEvaluate(s.context(), inviteID, ev, contact)
}

// KioskQueueBoard is what the waiting-room display shows (no sign-in):
// the numbers being called to which window, and the next numbers.
func (s *API) KioskQueueBoard() (*app.QueueBoard, error) {
	st, err := s.station()
	if err != nil {
		return nil, err
	}
	return st.KioskQueueBoard(s.context())
}

// KioskItems lists every item the station takes in, for the kiosk's ticket
// screen (no sign-in): those handled here and those decided at the hall.
func (s *API) KioskItems() ([]app.ItemSummary, error) {
	st, err := s.station()
	if err != nil {
		return nil, err
	}
	return st.KioskItems(s.context())
}
