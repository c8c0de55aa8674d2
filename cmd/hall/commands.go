package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/google/uuid"

	"yizhan/domain"
	"yizhan/hall"
	"yizhan/internal/cli"
	"yizhan/workday"
)

func init() {
	register(
		command{"station add", "CODE NAME [--region R] [--kind village|township|postal|helper]: announce a station; prints its one-time enrolment code", cmdStationAdd},
		command{"station edit", "CODE [--kind K] [--region R] [--name N]: change a station's registry row (what it may do)", cmdStationEdit},
		command{"station list", "[--limit N] [--offset N]: the registry: kind, region, status, last seen, lag, conflicts, set aside, app version, audit", cmdStationList},
		command{"station quarantine", "[CODE]: events stations could not apply from their pulls and set aside", cmdStationQuarantine},
		command{"station revoke", "CODE: a lost laptop: its credentials stop working at once", cmdStationRevoke},
		command{"station reenrol", "CODE: a new PC for a station (old one dead or stolen): the old PC's token and keys die now; prints a new code", cmdStationReenrol},
		command{"station move", "CODE|--all --url URL: the hall's new address: prints the code stations confirm it with (station hall set-url)", cmdStationMove},
		command{"catalog publish", "FILE: publish a catalog of service items to every station", cmdCatalogPublish},
		command{"calendar publish", "FILE: publish a year's holidays and make-up workdays (one year spec or an array)", cmdCalendarPublish},
		command{"case list", "[--state S] [--station S] [--limit N] [--offset N]: cases, personal data masked, newest first", cmdCaseList},
		command{"case show", "ID [--full --purpose P]: a case with its history (--full unmasks; logged)", cmdCaseShow},
		command{"case serial", "ID SERIAL: record the hall's application serial number", cmdCaseSerial},
		command{"case route", "ID OFFICE: hand a case to a station (or the hall)", cmdCaseRoute},
	)
	for _, a := range []struct{ name, usage string }{
		{"accept", "ID: 受理 a case a station forwarded unaccepted (refused for one accepted already: review it)"},
		{"not-accept", "ID --reason R: 不予受理 a case a station forwarded unaccepted"},
		{"review", "ID: take an accepted case up for review (审查/承办)"},
		{"approve", "ID [--cert N]: conclude approved"},
		{"refuse", "ID --reason R: conclude refused"},
		{"request-correction", "ID --reason R [--items A,B]: ask the applicant for missing materials"},
		{"return", "ID --reason R: return the case"},
		{"suspend", "ID --reason R: special procedure; the clock stops"},
		{"resume", "ID: end a suspension"},
	} {
		register(command{"case " + a.name, a.usage, caseStep(a.name)})
	}
}

func cmdStationAdd(e *env, args []string) error {
	fs := flag.NewFlagSet("station add", flag.ContinueOnError)
	region := fs.String("region", "", "administrative region of the station (division code, e.g. 370112001)")
	kind := fs.String("kind", "", "village, township (default), postal or helper: with the catalog, what the station may do")
	pos, err := parse(fs, args, 2, 2, "CODE NAME")
	if err != nil {
		return err
	}
	svc, closeFn, err := e.open(hall.Config{})
	if err != nil {
		return err
	}
	defer closeFn()
	code, err := svc.RegisterStation(e.Ctx, hall.StationSpec{Code: pos[0], Name: pos[1], Region: *region, Kind: *kind})
	if err != nil {
		return err
	}
	until := time.Now().Add(svc.EnrolTTL)
	return e.Out(map[string]any{"station": pos[0], "code": code, "expires": until}, func(w io.Writer) {
		fmt.Fprintf(w, "站点 %s 已登记。一次性注册码（仅显示这一次，%s 前有效）：\n%s\n", pos[0], until.Format("2006-01-02 15:04"), code)
	})
}

// cmdStationReenrol: a new PC for an existing station (the old one died or
// was stolen): its token and keys stop working now; the new PC enrols with
// this code and pulls the station's whole scope.
func cmdStationReenrol(e *env, args []string) error {
	pos, err := parse(flag.NewFlagSet("station reenrol", flag.ContinueOnError), args, 1, 1, "CODE")
	if err != nil {
		return err
	}
	svc, closeFn, err := e.open(hall.Config{})
	if err != nil {
		return err
	}
	defer closeFn()
	code, err := svc.Reenrol(e.Ctx, pos[0])
	if err != nil {
		return err
	}
	until := time.Now().Add(svc.EnrolTTL)
	return e.Out(map[string]any{"station": pos[0], "code": code, "expires": until}, func(w io.Writer) {
		fmt.Fprintf(w, "站点 %s 的旧凭证和密钥已作废。新电脑的一次性注册码（仅显示这一次，%s 前有效）：\n%s\n", pos[0],
			until.Format("2006-01-02 15:04"), code)
	})
}

func cmdStationRevoke(e *env, args []string) error {
	pos, err := parse(flag.NewFlagSet("station revoke", flag.ContinueOnError), args, 1, 1, "CODE")
	if err != nil {
		return err
	}
	svc, closeFn, err := e.open(hall.Config{})
	if err != nil {
		return err
	}
	defer closeFn()
	if err := svc.Revoke(e.Ctx, pos[0]); err != nil {
		return err
	}
	return e.Out(map[string]string{"station": pos[0], "status": "revoked"}, func(w io.Writer) {
		fmt.Fprintf(w, "站点 %s 已停用。\n", pos[0])
	})
}

// cmdStationMove issues the code with which a station (or every station)
// confirms the hall's new address; the station checks the hall's
// signature there before it switches.
func cmdStationMove(e *env, args []string) error {
	fs := flag.NewFlagSet("station move", flag.ContinueOnError)
	newURL := fs.String("url", "", "the hall's new address")
	all := fs.Bool("all", false, "every station")
	pos, err := parse(fs, args, 0, 1, "CODE")
	if err != nil {
		return err
	}
	switch {
	case *all == (len(pos) == 1):
		return usageErr("name one station, or --all")
	case *newURL == "":
		return usageErr("--url is required")
	case *all:
		pos = []string{hall.AllStations}
	}
	svc, closeFn, err := e.open(hall.Config{})
	if err != nil {
		return err
	}
	defer closeFn()
	code, expires, err := svc.MoveCode(e.Ctx, pos[0], *newURL)
	if err != nil {
		return err
	}
	who := "站点 " + pos[0]
	if *all {
		who = "所有站点"
	}
	return e.Out(map[string]any{"station": pos[0], "url": *newURL, "code": code, "expires": expires}, func(w io.Writer) {
		fmt.Fprintf(w, "%s 改用大厅新地址 %s 的迁移码（%s 前有效）：\n%s\n在站点上执行：station hall set-url %s --code %s\n",
			who, *newURL, expires.Local().Format("2006-01-02 15:04"), code, *newURL, code)
	})
}

func cmdStationList(e *env, args []string) error {
	fs := flag.NewFlagSet("station list", flag.ContinueOnError)
	p := cli.PageFlags(fs, 100, 1000)
	if _, err := parse(fs, args, 0, 0, ""); err != nil {
		return err
	}
	if err := p.Check(); err != nil {
		return err
	}
	svc, closeFn, err := e.open(hall.Config{})
	if err != nil {
		return err
	}
	defer closeFn()
	all, err := svc.Stations(e.Ctx)
	if err != nil {
		return err
	}
	list := cli.Of(all, p)
	return e.List(list, len(list), len(all), p, func(w io.Writer) {
		tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "CODE\tNAME\tKIND\tREGION\tSTATUS\tLAST SEEN\tLAG\tCONFLICTS\tSET ASIDE\tAPP\tAUDIT\tTAMPERED")
		for _, st := range list {
			seen := "-"
			if st.LastSeen != nil {
				seen = st.LastSeen.Local().Format("2006-01-02 15:04")
			}
			tamper := ""
			if st.Tampered {
				tamper = "YES"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%s\t%d\t%s\n", st.Code, st.Name, st.Kind, st.Region, st.Status,
				seen, st.Lag, st.Conflicts, st.Quarantined, st.AppVersion, st.AuditSeq, tamper)
		}
		tw.Flush()
	})
}

// cmdStationEdit changes the flags given of a station's registry row.
func cmdStationEdit(e *env, args []string) error {
	fs := flag.NewFlagSet("station edit", flag.ContinueOnError)
	name := fs.String("name", "", "the station's name")
	region := fs.String("region", "", "administrative region (division code)")
	kind := fs.String("kind", "", "village, township, postal or helper")
	pos, err := parse(fs, args, 1, 1, "CODE")
	if err != nil {
		return err
	}
	var ed hall.StationEdit
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "name":
			ed.Name = name
		case "region":
			ed.Region = region
		case "kind":
			ed.Kind = kind
		}
	})
	if ed.Name == nil && ed.Region == nil && ed.Kind == nil {
		return usageErr("station edit CODE needs --name, --region or --kind")
	}
	svc, closeFn, err := e.open(hall.Config{})
	if err != nil {
		return err
	}
	defer closeFn()
	if err := svc.EditStation(e.Ctx, pos[0], ed); err != nil {
		return err
	}
	return e.Out(map[string]string{"station": pos[0], "status": "edited"}, func(w io.Writer) {
		fmt.Fprintf(w, "站点 %s 已修改；大厅即按新的登记信息审核其操作，站点在下次同步时获知。\n", pos[0])
	})
}

// cmdStationQuarantine lists what stations set aside from their pull pages.
func cmdStationQuarantine(e *env, args []string) error {
	fs := flag.NewFlagSet("station quarantine", flag.ContinueOnError)
	p := cli.PageFlags(fs, 100, 500)
	pos, err := parse(fs, args, 0, 1, "[CODE]")
	if err != nil {
		return err
	}
	if err := p.Check(); err != nil {
		return err
	}
	station := ""
	if len(pos) == 1 {
		station = pos[0]
	}
	svc, closeFn, err := e.open(hall.Config{})
	if err != nil {
		return err
	}
	defer closeFn()
	all, err := svc.Quarantined(e.Ctx, station)
	if err != nil {
		return err
	}
	list := cli.Of(all, p)
	return e.List(list, len(list), len(all), p, func(w io.Writer) {
		tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "STATION\tREPORTED\tEVENT\tCASE\tSEQ\tCODE\tREASON")
		for _, q := range list {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%s\n", q.Station, q.Reported.Local().Format("2006-01-02 15:04"), q.EventID,
				q.CaseID, q.LogSeq, q.Code, q.Reason)
		}
		tw.Flush()
	})
}

func cmdCatalogPublish(e *env, args []string) error {
	data, svc, closeFn, err := readAndOpen(e, "catalog publish", args)
	if err != nil {
		return err
	}
	defer closeFn()
	res, err := svc.PublishCatalog(e.Ctx, data)
	if err != nil {
		return err
	}
	return e.Out(res, func(w io.Writer) {
		fmt.Fprintf(w, "事项清单 %s：共 %d 项，新发布 %d 项，状态变更 %d 项，未变 %d 项。\n",
			res.Catalog, res.Items, res.Added, res.StatusChanged, res.Unchanged)
	})
}

func cmdCalendarPublish(e *env, args []string) error {
	data, svc, closeFn, err := readAndOpen(e, "calendar publish", args)
	if err != nil {
		return err
	}
	defer closeFn()
	years, err := parseYears(data)
	if err != nil {
		return err
	}
	type yearOut struct {
		Year    int  `json:"year"`
		Changed bool `json:"changed"`
	}
	var out []yearOut
	for _, y := range years {
		changed, err := svc.PublishCalendar(e.Ctx, y)
		if err != nil {
			return err
		}
		out = append(out, yearOut{y.Year, changed})
	}
	return e.Out(out, func(w io.Writer) {
		for _, y := range out {
			verb := "已发布"
			if !y.Changed {
				verb = "未变"
			}
			fmt.Fprintf(w, "%d 年节假日安排%s。\n", y.Year, verb)
		}
	})
}

// readAndOpen reads the one FILE argument of a publish command, then opens
// the service.
func readAndOpen(e *env, name string, args []string) ([]byte, *hall.Service, func(), error) {
	pos, err := parse(flag.NewFlagSet(name, flag.ContinueOnError), args, 1, 1, "FILE")
	if err != nil {
		return nil, nil, nil, err
	}
	data, err := os.ReadFile(pos[0])
	if err != nil {
		return nil, nil, nil, err
	}
	svc, closeFn, err := e.open(hall.Config{})
	return data, svc, closeFn, err
}

// parseYears reads one year spec or an array of them.
func parseYears(data []byte) ([]workday.YearSpec, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var years []workday.YearSpec
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '[' {
		if err := dec.Decode(&years); err != nil {
			return nil, fmt.Errorf("calendar file: %w", err)
		}
		return years, nil
	}
	var y workday.YearSpec
	if err := dec.Decode(&y); err != nil {
		return nil, fmt.Errorf("calendar file: %w", err)
	}
	return append(years, y), nil
}

func cmdCaseList(e *env, args []string) error {
	fs := flag.NewFlagSet("case list", flag.ContinueOnError)
	state := fs.String("state", "", "only cases in this state")
	station := fs.String("station", "", "only cases opened by this station")
	p := cli.PageFlags(fs, 50, 1000)
	if _, err := parse(fs, args, 0, 0, ""); err != nil {
		return err
	}
	if err := p.Check(); err != nil {
		return err
	}
	svc, closeFn, err := e.open(hall.Config{})
	if err != nil {
		return err
	}
	defer closeFn()
	// Every match is read to count them (a negative limit): the total is
	// what tells a script whether it saw all.
	all, err := svc.Cases(e.Ctx, hall.CaseFilter{State: domain.State(*state), Station: *station, Limit: -1})
	if err != nil {
		return err
	}
	list := cli.Of(all, p)
	return e.List(list, len(list), len(all), p, func(w io.Writer) {
		tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNUMBER\tSTATION\tHOLDER\tSTATE\tITEM\tAPPLICANT\tID NUMBER")
		for _, c := range list {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.ID, c.Number, c.Station, c.Holder, c.StateZh, c.ItemName,
				c.Applicant, c.ApplicantID)
		}
		tw.Flush()
	})
}

// caseFlags are the flags of the case commands that act as someone.
type caseFlags struct {
	reason, cert, items, actor string
}

func (f *caseFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.reason, "reason", "", "reason (required to refuse, not accept, return, suspend, request correction)")
	fs.StringVar(&f.cert, "cert", "", "certificate number, when approving")
	fs.StringVar(&f.items, "items", "", "missing items, comma-separated, for request-correction")
	fs.StringVar(&f.actor, "actor", envOr("USER", "hall-cli"), "who is acting (for the record)")
}

// caseStep returns the command of one hall step on a case.
func caseStep(step string) func(e *env, args []string) error {
	return func(e *env, args []string) error {
		fs := flag.NewFlagSet("case "+step, flag.ContinueOnError)
		var f caseFlags
		f.register(fs)
		pos, err := parse(fs, args, 1, 1, "ID")
		if err != nil {
			return err
		}
		return onCase(e, pos[0], f.actor, func(svc *hall.Service, a hall.Actor, id string) error {
			switch step {
			case "accept":
				// The case's one acceptance; an accepted case is reviewed.
				return svc.Accept(e.Ctx, a, id)
			case "not-accept":
				return svc.NotAccept(e.Ctx, a, id, f.reason)
			case "review":
				return svc.StartProcess(e.Ctx, a, id)
			case "approve":
				return svc.Approve(e.Ctx, a, id, f.cert)
			case "refuse":
				return svc.Refuse(e.Ctx, a, id, f.reason)
			case "return":
				return svc.Return(e.Ctx, a, id, f.reason)
			case "request-correction":
				return svc.RequestCorrection(e.Ctx, a, id, f.reason, splitList(f.items))
			case "suspend":
				return svc.Suspend(e.Ctx, a, id, f.reason)
			case "resume":
				return svc.Resume(e.Ctx, a, id)
			}
			return fmt.Errorf("case %s: no such step", step)
		}, step)
	}
}

func cmdCaseSerial(e *env, args []string) error {
	fs := flag.NewFlagSet("case serial", flag.ContinueOnError)
	var f caseFlags
	f.register(fs)
	pos, err := parse(fs, args, 2, 2, "ID SERIAL")
	if err != nil {
		return err
	}
	return onCase(e, pos[0], f.actor, func(svc *hall.Service, a hall.Actor, id string) error {
		return svc.AssignSerial(e.Ctx, a, id, pos[1])
	}, "serial")
}

func cmdCaseRoute(e *env, args []string) error {
	fs := flag.NewFlagSet("case route", flag.ContinueOnError)
	var f caseFlags
	f.register(fs)
	pos, err := parse(fs, args, 2, 2, "ID OFFICE")
	if err != nil {
		return err
	}
	return onCase(e, pos[0], f.actor, func(svc *hall.Service, a hall.Actor, id string) error {
		return svc.Route(e.Ctx, a, id, pos[1])
	}, "route")
}

// onCase opens the service, finds the case ref names and runs do on it as
// actor, then says what was recorded.
func onCase(e *env, ref, actor string, do func(svc *hall.Service, a hall.Actor, id string) error, what string) error {
	svc, closeFn, err := e.open(hall.Config{})
	if err != nil {
		return err
	}
	defer closeFn()
	id, err := resolveCase(e, svc, ref)
	if err != nil {
		return err
	}
	if err := do(svc, hall.Actor{ID: actor, Name: actor}, id); err != nil {
		return err
	}
	return e.Out(map[string]string{"case": id, "step": what}, func(w io.Writer) {
		fmt.Fprintf(w, "办件 %s：%s 已记录，将在下次同步时送达相关站点。\n", ref, what)
	})
}

func cmdCaseShow(e *env, args []string) error {
	fs := flag.NewFlagSet("case show", flag.ContinueOnError)
	full := fs.Bool("full", false, "show personal data unmasked (needs --purpose; logged)")
	purpose := fs.String("purpose", "", "why the full record is viewed")
	actor := fs.String("actor", envOr("USER", "hall-cli"), "who is looking (for the record)")
	pos, err := parse(fs, args, 1, 1, "ID")
	if err != nil {
		return err
	}
	svc, closeFn, err := e.open(hall.Config{})
	if err != nil {
		return err
	}
	defer closeFn()
	id, err := resolveCase(e, svc, pos[0])
	if err != nil {
		return err
	}
	d, err := svc.ShowCase(e.Ctx, hall.Actor{ID: *actor, Name: *actor}, id, *full, *purpose)
	if err != nil {
		return err
	}
	return cli.PrintJSON(e.Stdout, d) // a case's detail is JSON either way
}

// resolveCase returns the id of the case ref names: a case id as it is, or
// the one case whose number or hall serial is ref.
func resolveCase(e *env, svc *hall.Service, ref string) (string, error) {
	if _, err := uuid.Parse(ref); err == nil {
		return ref, nil
	}
	list, err := svc.Cases(e.Ctx, hall.CaseFilter{Query: ref})
	if err != nil {
		return "", err
	}
	var ids []string
	for _, c := range list {
		if strings.EqualFold(c.Number, ref) || c.Serial != "" && strings.EqualFold(c.Serial, ref) {
			ids = append(ids, c.ID)
		}
	}
	switch len(ids) {
	case 1:
		return ids[0], nil
	case 0:
		return "", domain.Errorf(domain.ENotFound, "没有办件编号为 "+ref+" 的办件。", "no case with id, number or serial %q", ref)
	}
	return "", domain.Errorf(domain.EInvalid, "编号 "+ref+" 对应多个办件，请用办件 ID。", "%d cases have number or serial %q: use the case id", len(ids), ref)
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
