package main

import (
	"bytes"
	"context"
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
	"yizhan/workday"
)

func stationCmd(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return usageErr("station add|edit|list|quarantine|revoke|reenrol")
	}
	fs := flag.NewFlagSet("station "+args[0], flag.ContinueOnError)
	var c common
	c.register(fs)
	region := fs.String("region", "", "administrative region of the station (division code, e.g. 370112001)")
	kind := fs.String("kind", "", "village, township (default), postal or helper: with the catalog, what the station may do")
	name := fs.String("name", "", "new name, for edit")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	want := map[string]int{"add": 2, "edit": 1, "list": 0, "quarantine": -1, "revoke": 1, "reenrol": 1}
	n, ok := want[args[0]]
	if !ok {
		return usageErr("unknown station command %q", args[0])
	}
	if n >= 0 && len(pos) != n || n < 0 && len(pos) > 1 {
		return usageErr("station %s takes %d argument(s)", args[0], max(n, 0))
	}
	svc, closeFn, err := c.open(ctx, hall.Config{})
	if err != nil {
		return err
	}
	defer closeFn()
	switch args[0] {
	case "add":
		code, err := svc.RegisterStation(ctx, hall.StationSpec{Code: pos[0], Name: pos[1], Region: *region, Kind: *kind})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "站点 %s 已登记。一次性注册码（仅显示这一次，%s 前有效）：\n%s\n", pos[0],
			time.Now().Add(svc.EnrolTTL).Format("2006-01-02 15:04"), code)
		return nil
	case "reenrol":
		// A new PC for an existing station (the old one died or was
		// stolen): its token stops working now; the new PC enrols with
		// this code and pulls the station's whole scope.
		code, err := svc.Reenrol(ctx, pos[0])
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "站点 %s 的旧凭证已作废。新电脑的一次性注册码（仅显示这一次，%s 前有效）：\n%s\n", pos[0],
			time.Now().Add(svc.EnrolTTL).Format("2006-01-02 15:04"), code)
		return nil
	case "revoke":
		if err := svc.Revoke(ctx, pos[0]); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "站点 %s 已停用。\n", pos[0])
		return nil
	case "edit":
		return editStation(ctx, svc, fs, pos[0], *name, *region, *kind, stdout)
	case "quarantine":
		return listQuarantine(ctx, svc, pos, *asJSON, stdout)
	}
	list, err := svc.Stations(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(stdout, list)
	}
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CODE\tNAME\tKIND\tREGION\tSTATUS\tLAST SEEN\tLAG\tCONFLICTS\tQUARANTINED\tAPP\tAUDIT\tTAMPERED")
	for _, st := range list {
		seen := "-"
		if st.LastSeen != nil {
			seen = st.LastSeen.Local().Format("2006-01-02 15:04")
		}
		tamper := ""
		if st.Tampered {
			tamper = "YES"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%s\t%d\t%s\n", st.Code, st.Name, st.Kind, st.Region, st.Status, seen,
			st.Lag, st.Conflicts, st.Quarantined, st.AppVersion, st.AuditSeq, tamper)
	}
	return tw.Flush()
}

// editStation changes the flags given of a station's registry row.
func editStation(ctx context.Context, svc *hall.Service, fs *flag.FlagSet, code, name, region, kind string, stdout io.Writer) error {
	var e hall.StationEdit
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "name":
			e.Name = &name
		case "region":
			e.Region = &region
		case "kind":
			e.Kind = &kind
		}
	})
	if e.Name == nil && e.Region == nil && e.Kind == nil {
		return usageErr("station edit CODE needs --name, --region or --kind")
	}
	if err := svc.EditStation(ctx, code, e); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "站点 %s 已修改；大厅即按新的登记信息审核其操作，站点在下次同步时获知。\n", code)
	return nil
}

// listQuarantine prints what stations set aside from their pull pages.
func listQuarantine(ctx context.Context, svc *hall.Service, pos []string, asJSON bool, stdout io.Writer) error {
	station := ""
	if len(pos) == 1 {
		station = pos[0]
	}
	list, err := svc.Quarantined(ctx, station)
	if err != nil {
		return err
	}
	if asJSON {
		if list == nil {
			list = []*hall.Quarantine{}
		}
		return printJSON(stdout, list)
	}
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STATION\tREPORTED\tEVENT\tCASE\tSEQ\tCODE\tREASON")
	for _, q := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%s\n", q.Station, q.Reported.Local().Format("2006-01-02 15:04"), q.EventID,
			q.CaseID, q.LogSeq, q.Code, q.Reason)
	}
	return tw.Flush()
}

func publishCmd(ctx context.Context, what string, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "publish" {
		return usageErr("%s publish FILE", what)
	}
	fs := flag.NewFlagSet(what+" publish", flag.ContinueOnError)
	var c common
	c.register(fs)
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErr("%s publish takes one FILE", what)
	}
	data, err := os.ReadFile(pos[0])
	if err != nil {
		return err
	}
	svc, closeFn, err := c.open(ctx, hall.Config{})
	if err != nil {
		return err
	}
	defer closeFn()
	if what == "catalog" {
		res, err := svc.PublishCatalog(ctx, data)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "事项清单 %s：共 %d 项，新发布 %d 项，状态变更 %d 项，未变 %d 项。\n",
			res.Catalog, res.Items, res.Added, res.StatusChanged, res.Unchanged)
		return nil
	}
	years, err := parseYears(data)
	if err != nil {
		return err
	}
	for _, y := range years {
		changed, err := svc.PublishCalendar(ctx, y)
		if err != nil {
			return err
		}
		verb := "已发布"
		if !changed {
			verb = "未变"
		}
		fmt.Fprintf(stdout, "%d 年节假日安排%s。\n", y.Year, verb)
	}
	return nil
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

func caseCmd(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return usageErr("case list|show|accept|not-accept|review|approve|refuse|request-correction|return|suspend|resume|serial|route")
	}
	sub := args[0]
	fs := flag.NewFlagSet("case "+sub, flag.ContinueOnError)
	var c common
	c.register(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	state := fs.String("state", "", "list only cases in this state")
	station := fs.String("station", "", "list only cases opened by this station")
	reason := fs.String("reason", "", "reason (required to refuse, not accept, return, suspend, request correction)")
	cert := fs.String("cert", "", "certificate number, when approving")
	items := fs.String("items", "", "missing items, comma-separated, for request-correction")
	full := fs.Bool("full", false, "show personal data unmasked (needs --purpose; logged)")
	purpose := fs.String("purpose", "", "why the full record is viewed")
	actorID := fs.String("actor", envOr("USER", "hall-cli"), "who is acting (for the record)")
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	want := map[string]int{"list": 0, "show": 1, "accept": 1, "not-accept": 1, "review": 1, "approve": 1, "refuse": 1, "request-correction": 1, "return": 1,
		"suspend": 1, "resume": 1, "serial": 2, "route": 2}
	n, ok := want[sub]
	if !ok {
		return usageErr("unknown case command %q", sub)
	}
	if len(pos) != n {
		return usageErr("case %s takes %d argument(s)", sub, n)
	}
	svc, closeFn, err := c.open(ctx, hall.Config{})
	if err != nil {
		return err
	}
	defer closeFn()
	a := hall.Actor{ID: *actorID, Name: *actorID}
	switch sub {
	case "list":
		return listCases(ctx, svc, stdout, hall.CaseFilter{State: domain.State(*state), Station: *station}, *asJSON)
	}
	// A case is named by its id or, as staff know it, by its case number
	// (or hall serial).
	id, err := resolveCase(ctx, svc, pos[0])
	if err != nil {
		return err
	}
	if sub == "show" {
		d, err := svc.ShowCase(ctx, a, id, *full, *purpose)
		if err != nil {
			return err
		}
		return printJSON(stdout, d)
	}
	switch sub {
	case "accept":
		// 受理 a case a station took in and forwarded unaccepted; one a
		// station accepted is reviewed instead (review), never accepted twice.
		err = svc.Accept(ctx, a, id)
	case "not-accept":
		err = svc.NotAccept(ctx, a, id, *reason)
	case "review":
		err = svc.StartProcess(ctx, a, id)
	case "approve":
		err = svc.Approve(ctx, a, id, *cert)
	case "refuse":
		err = svc.Refuse(ctx, a, id, *reason)
	case "return":
		err = svc.Return(ctx, a, id, *reason)
	case "request-correction":
		err = svc.RequestCorrection(ctx, a, id, *reason, splitList(*items))
	case "suspend":
		err = svc.Suspend(ctx, a, id, *reason)
	case "resume":
		err = svc.Resume(ctx, a, id)
	case "serial":
		err = svc.AssignSerial(ctx, a, id, pos[1])
	case "route":
		err = svc.Route(ctx, a, id, pos[1])
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "办件 %s：%s 已记录，将在下次同步时送达相关站点。\n", pos[0], sub)
	return nil
}

// resolveCase returns the id of the case ref names: a case id as it is, or
// the one case whose number or hall serial is ref.
func resolveCase(ctx context.Context, svc *hall.Service, ref string) (string, error) {
	if _, err := uuid.Parse(ref); err == nil {
		return ref, nil
	}
	list, err := svc.Cases(ctx, hall.CaseFilter{Query: ref})
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

func listCases(ctx context.Context, svc *hall.Service, stdout io.Writer, f hall.CaseFilter, asJSON bool) error {
	list, err := svc.Cases(ctx, f)
	if err != nil {
		return err
	}
	if asJSON {
		if list == nil {
			list = []hall.CaseSummary{}
		}
		return printJSON(stdout, list)
	}
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNUMBER\tSTATION\tHOLDER\tSTATE\tITEM\tAPPLICANT\tID NUMBER")
	for _, c := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.ID, c.Number, c.Station, c.Holder, c.StateZh, c.ItemName,
			c.Applicant, c.ApplicantID)
	}
	return tw.Flush()
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

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
