package desktop

import (
	"slices"

	"yizhan/app"
	"yizhan/domain"
)

// Access says who may call a bound method. The desktop window is one user;
// the HTTP adapter (http.go) serves many clients, and checks the class of
// every call before the method runs. The methods check sign-in and role
// themselves as well (API.session), so the window, which calls them
// without the adapter, is held to the same rules.
type Access int

// The access classes, from the most open.
const (
	// Public is the kiosk's public set: anyone at the kiosk screen, with
	// no browser session. Only methods named Kiosk* belong here.
	Public Access = iota
	// Anyone needs a browser session (cookie and CSRF token) but nobody
	// signed in: the sign-in screen, the first-run form, the catalog the
	// kiosk shows. Nothing here changes a case or shows personal data.
	Anyone
	// Member needs a signed-in staff member whose screen is not locked.
	Member
	// Head needs the head of station (站长).
	Head
)

// String names the class as docs/security.md does.
func (a Access) String() string {
	switch a {
	case Public:
		return "public (kiosk)"
	case Anyone:
		return "browser session"
	case Member:
		return "signed-in member"
	case Head:
		return "head of station"
	}
	return "unknown"
}

// methodAccess is who may call each bound method: the one list the HTTP
// adapter serves from. A method missing here is not served over HTTP at
// all, and a test requires every exported method of API to be listed
// (and docs/security.md to show the same table). The public kiosk set is
// the entries marked Public.
var methodAccess = map[string]Access{
	// The public kiosk set.
	"KioskIssueTicket":   Public,
	"KioskProgress":      Public,
	"KioskEvaluate":      Public,
	"KioskItems":         Public,
	"KioskQueueBoard":    Public, // the waiting-room display: numbers and windows only
	"KioskPadInvitation": Public, // the rating pad: its window's open invitation
	"KioskPadEvaluate":   Public, // the rating pad: a rating for an open invitation (the proof)

	// A browser session, nobody signed in.
	"Info":      Anyone, // version, station name and who is signed in here, for the sign-in screen
	"Setup":     Anyone, // the first-run form; refused once the station is initialised
	"SignIn":    Anyone,
	"SignOut":   Anyone,
	"Lock":      Anyone,
	"Unlock":    Anyone, // needs the signed-in user's password
	"FindItems": Anyone, // the published catalog, as the kiosk shows it
	"Item":      Anyone,
	"Slots":     Anyone,
	"HasWindow": Anyone,

	// Signed-in members.
	"CheckField":           Member,
	"CheckIntake":          Member,
	"OpenCase":             Member,
	"FindCases":            Member,
	"ShowCase":             Member,
	"RevealCase":           Member,
	"PrintDocument":        Member,
	"RecordMaterial":       Member,
	"AttachScan":           Member,
	"ImportScan":           Member,
	"ScanDataURL":          Member,
	"Step":                 Member,
	"UpdateApplicant":      Member,
	"Evaluate":             Member,
	"Rectifications":       Member,
	"CloseRectification":   Member,
	"IssueTicket":          Member,
	"CallNext":             Member,
	"FinishTicket":         Member,
	"TransferTicket":       Member,
	"Queue":                Member,
	"BookAppointment":      Member,
	"Appointments":         Member,
	"SetAppointmentStatus": Member,
	"Dashboard":            Member,
	"ChangeMark":           Member,
	"InviteRating":         Member,
	"Conflicts":            Member,
	"ResolveConflict":      Member,
	"ListStaff":            Member,
	"SyncStatus":           Member,
	"SyncNow":              Member,
	"ExportBundle":         Member,
	"ImportBundle":         Member,
	"ChooseOpenFile":       Member,
	"ChooseSaveFile":       Member,

	// The head of station.
	"Enroll":            Head, // re-points the station at a hall: every new case would go there
	"Backup":            Head, // a copy of every applicant's data
	"AddStaff":          Head,
	"UpdateStaff":       Head,
	"ImportCatalog":     Head,
	"ImportCatalogFile": Head,
}

// MethodAccess returns the access class of a bound method, and false for a
// name that is not a bound method.
func MethodAccess(name string) (Access, bool) {
	a, ok := methodAccess[name]
	return a, ok
}

// Methods returns the bound methods' names in order, for the docs table.
func Methods() []string {
	var out []string
	for m := range methodAccess {
		out = append(out, m)
	}
	slices.Sort(out)
	return out
}

var (
	errNotSignedIn = domain.Errorf(domain.EUnauthorized, "请先登录。", "not signed in")
	errLocked      = domain.Errorf(domain.EUnauthorized, "屏幕已锁定，请输入密码解锁。", "session locked")
)

// allowed checks a caller's sign-in against the roles a method needs
// (none: any staff member).
func allowed(user *app.Staff, locked bool, roles []string) error {
	if user == nil {
		return errNotSignedIn
	}
	if locked {
		return errLocked
	}
	if len(roles) > 0 && !slices.Contains(roles, user.Role) {
		return domain.Errorf(domain.EForbidden, "您没有权限执行此操作，请由站长办理。", "staff %s (%s) lacks role %v", user.Login, user.Role, roles)
	}
	return nil
}

// rolesFor is what API.session is given for a class.
func rolesFor(a Access) []string {
	if a == Head {
		return []string{app.RoleHead}
	}
	return nil
}
