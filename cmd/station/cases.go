package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"yizhan/app"
	"yizhan/domain"
	"yizhan/internal/cli"
	"yizhan/notice"
)

func init() {
	register(
		command{"case open", "--item CODE [--situation S] --name N --id ID --phone P [--type person|legal|organisation] [--legal-rep R] [--address A] [--channel C] [--material CODE=paper|scan|e_license|rongque|commitment ...] [--agent-mode assist|proxy --agent-name --agent-id --agent-phone --agent-relation --attorney SHA|paper]", cmdCaseOpen},
		command{"case check", "same flags as case open: validate and show warnings and the checklist without opening", cmdCaseCheck},
		command{"case materials", "ID [--set CODE=HOW ...]: show the checklist, or record materials", cmdCaseMaterials},
		command{"case correct", "ID [--reason R] [--extra ITEM ...]: one-time correction notice", stepCmd(func(e *env, st *app.Station, a app.Actor, id string, f *stepFlags) (*domain.Case, error) {
			return st.RequestCorrection(e.ctx, a, id, f.reason, f.extra)
		})},
		command{"case supplement", "ID [--material CODE=HOW ...]: corrections received, with the materials brought", stepCmd(func(e *env, st *app.Station, a app.Actor, id string, f *stepFlags) (*domain.Case, error) {
			brought, err := materialInputs(f.material)
			if err != nil {
				return nil, err
			}
			return st.Supplement(e.ctx, a, id, brought)
		})},
		command{"case timeout", "ID: corrections never came", stepCmd(func(e *env, st *app.Station, a app.Actor, id string, f *stepFlags) (*domain.Case, error) {
			return st.CorrectionTimeout(e.ctx, a, id)
		})},
		command{"case accept", "ID: 受理", stepCmd(func(e *env, st *app.Station, a app.Actor, id string, f *stepFlags) (*domain.Case, error) {
			return st.Accept(e.ctx, a, id)
		})},
		command{"case reject", "ID --reason R: 不予受理", stepCmd(func(e *env, st *app.Station, a app.Actor, id string, f *stepFlags) (*domain.Case, error) {
			return st.NotAccept(e.ctx, a, id, f.reason)
		})},
		command{"case forward", "ID: send to the hall", stepCmd(func(e *env, st *app.Station, a app.Actor, id string, f *stepFlags) (*domain.Case, error) {
			return st.Forward(e.ctx, a, id)
		})},
		command{"case process", "ID: start review at this station", stepCmd(func(e *env, st *app.Station, a app.Actor, id string, f *stepFlags) (*domain.Case, error) {
			return st.StartProcess(e.ctx, a, id)
		})},
		command{"case suspend", "ID --reason R [--procedure P] [--unit G|Z]: special procedure", stepCmd(func(e *env, st *app.Station, a app.Actor, id string, f *stepFlags) (*domain.Case, error) {
			return st.Suspend(e.ctx, a, id, f.reason, f.procedure, f.unit)
		})},
		command{"case resume", "ID", stepCmd(func(e *env, st *app.Station, a app.Actor, id string, f *stepFlags) (*domain.Case, error) {
			return st.Resume(e.ctx, a, id)
		})},
		command{"case conclude", "ID --result approved|refused|returned|voided [--reason R] [--cert NO]", stepCmd(func(e *env, st *app.Station, a app.Actor, id string, f *stepFlags) (*domain.Case, error) {
			return st.Conclude(e.ctx, a, id, f.result, f.reason, f.cert)
		})},
		command{"case deliver", "ID --method pickup|ems|electronic [--waybill W] [--address A]", stepCmd(func(e *env, st *app.Station, a app.Actor, id string, f *stepFlags) (*domain.Case, error) {
			return st.StartDelivery(e.ctx, a, id, domain.Delivery{Method: f.method, Waybill: f.waybill, Address: f.address})
		})},
		command{"case sign", "ID --by NAME: delivery signed for", stepCmd(func(e *env, st *app.Station, a app.Actor, id string, f *stepFlags) (*domain.Case, error) {
			return st.Deliver(e.ctx, a, id, f.by)
		})},
		command{"case note", "ID --text T", stepCmd(func(e *env, st *app.Station, a app.Actor, id string, f *stepFlags) (*domain.Case, error) {
			return st.AddNote(e.ctx, a, id, f.text)
		})},
		command{"case list", "[--q TEXT] [--state S] [--item CODE] [--channel C] [--from D] [--to D] [--overdue] [--due-soon] [--limit N] [--offset N]", cmdCaseList},
		command{"case show", "ID [--reveal --purpose P]: detail with history", cmdCaseShow},
		command{"case document", "ID KIND: a notice to print (" + strings.Join(notice.Kinds, ", ") + "), with its signed QR code; shows personal data, so it is logged", cmdCaseDocument},
		command{"conflict list", "[--all] [--limit N] [--offset N]: conflicts and refusals to settle", cmdConflictList},
		command{"conflict resolve", "EVENT_ID --resolution TEXT", cmdConflictResolve},
	)
}

type stepFlags struct {
	reason, procedure, unit, result, cert, method, waybill, address, by, text string
	extra, material                                                           multi
}

// stepCmd builds a lifecycle command: sign in, run the step, print the case.
func stepCmd(do func(e *env, st *app.Station, a app.Actor, id string, f *stepFlags) (*domain.Case, error)) func(*env, []string) error {
	return func(e *env, args []string) error {
		fs := flag.NewFlagSet("case", flag.ContinueOnError)
		var f stepFlags
		fs.StringVar(&f.reason, "reason", "", "reason")
		fs.StringVar(&f.procedure, "procedure", "", "special procedure")
		fs.StringVar(&f.unit, "unit", "", "G or Z")
		fs.StringVar(&f.result, "result", "", "conclusion result")
		fs.StringVar(&f.cert, "cert", "", "certificate number")
		fs.StringVar(&f.method, "method", "", "delivery method")
		fs.StringVar(&f.waybill, "waybill", "", "EMS waybill number")
		fs.StringVar(&f.address, "address", "", "delivery address")
		fs.StringVar(&f.by, "by", "", "signed by")
		fs.StringVar(&f.text, "text", "", "note text")
		fs.Var(&f.extra, "extra", "extra correction item (repeatable)")
		fs.Var(&f.material, "material", "CODE=HOW brought with a supplement (repeatable)")
		pos, err := parse(fs, args, 1, "ID")
		if err != nil {
			return err
		}
		st, a, err := e.actor()
		if err != nil {
			return err
		}
		c, err := do(e, st, a, pos[0], &f)
		if err != nil {
			return err
		}
		return e.out(summary(c), func(w io.Writer) {
			fmt.Fprintf(w, "%s %s\n", c.Number, c.State.Zh())
			if c.State == domain.StateCorrection {
				fmt.Fprintf(w, "一次性告知补正：%s\n", strings.Join(c.CorrectionList, "、"))
			}
		})
	}
}

func summary(c *domain.Case) map[string]any {
	m := map[string]any{"id": c.ID, "number": c.Number, "state": c.State, "state_zh": c.State.Zh(), "holder": c.Holder}
	if c.Result != "" {
		m["result"] = c.Result
	}
	if len(c.CorrectionList) > 0 {
		m["correction_list"] = c.CorrectionList
	}
	return m
}

func openFlags(fs *flag.FlagSet) (*app.OpenCaseInput, *multi, *domain.Agent) {
	in := &app.OpenCaseInput{}
	var mats multi
	ag := &domain.Agent{}
	fs.StringVar(&in.ItemCode, "item", "", "item implementation code")
	fs.IntVar(&in.ItemVersion, "item-version", 0, "item version (default newest)")
	fs.StringVar(&in.Situation, "situation", "", "situation code")
	fs.StringVar(&in.Channel, "channel", "window", "window, village, postal, home or online")
	fs.StringVar(&in.Applicant.Type, "type", "person", "person, legal or organisation")
	fs.StringVar(&in.Applicant.Name, "name", "", "applicant name")
	fs.StringVar(&in.Applicant.IDNumber, "id", "", "ID number or credit code")
	fs.StringVar(&in.Applicant.Phone, "phone", "", "phone")
	fs.StringVar(&in.Applicant.Address, "address", "", "address")
	fs.StringVar(&in.Applicant.LegalRep, "legal-rep", "", "legal representative")
	fs.StringVar(&in.TicketID, "ticket", "", "queue ticket ID")
	fs.Var(&mats, "material", "CODE=HOW (repeatable)")
	fs.StringVar(&ag.Mode, "agent-mode", "", "assist or proxy")
	fs.StringVar(&ag.Name, "agent-name", "", "agent name")
	fs.StringVar(&ag.IDNumber, "agent-id", "", "agent ID number")
	fs.StringVar(&ag.Phone, "agent-phone", "", "agent phone")
	fs.StringVar(&ag.Relationship, "agent-relation", "", "relationship to the applicant")
	fs.StringVar(&ag.AttorneyBlob, "attorney", "", "power of attorney: scan SHA-256 or 'paper'")
	return in, &mats, ag
}

func materialInputs(ms []string) ([]app.MaterialInput, error) {
	var out []app.MaterialInput
	for _, m := range ms {
		code, how, ok := strings.Cut(m, "=")
		if !ok {
			return nil, domain.Errorf(domain.EInvalid, "材料参数格式应为 编号=方式，如 M1=paper。", "material %q: want CODE=HOW", m)
		}
		out = append(out, app.MaterialInput{Code: code, Collected: how, Count: 1})
	}
	return out, nil
}

func readOpen(args []string) (*app.OpenCaseInput, error) {
	fs := flag.NewFlagSet("case open", flag.ContinueOnError)
	in, mats, ag := openFlags(fs)
	if _, err := parse(fs, args, 0, ""); err != nil {
		return nil, err
	}
	var err error
	if in.Materials, err = materialInputs(*mats); err != nil {
		return nil, err
	}
	if ag.Mode != "" {
		in.Agent = ag
	}
	if in.ItemCode == "" {
		return nil, domain.Errorf(domain.EInvalid, "请用 --item 指定事项实施编码。", "case open: --item required")
	}
	return in, nil
}

func cmdCaseOpen(e *env, args []string) error {
	in, err := readOpen(args)
	if err != nil {
		return err
	}
	st, a, err := e.actor()
	if err != nil {
		return err
	}
	chk, err := st.CheckIntake(e.ctx, *in)
	if err != nil {
		return err
	}
	c, err := st.OpenCase(e.ctx, a, *in)
	if err != nil {
		return err
	}
	res := summary(c)
	res["query_password"] = c.QueryPassword
	res["warnings"] = chk.Warnings
	res["missing"] = names(c.Missing())
	return e.out(res, func(w io.Writer) {
		fmt.Fprintf(w, "opened %s (%s), query password %s\n", c.Number, c.ItemName, c.QueryPassword)
		for _, wn := range chk.Warnings {
			fmt.Fprintf(w, "warning: %s\n", wn)
		}
		printMissing(w, c)
	})
}

func cmdCaseCheck(e *env, args []string) error {
	in, err := readOpen(args)
	if err != nil {
		return err
	}
	st, err := e.station()
	if err != nil {
		return err
	}
	chk, err := st.CheckIntake(e.ctx, *in)
	if err != nil {
		return err
	}
	return e.out(chk, func(w io.Writer) {
		fmt.Fprintf(w, "age %d, sex %s, born %s\n", chk.Age, chk.Sex, chk.BirthDate)
		for _, wn := range chk.Warnings {
			fmt.Fprintf(w, "warning: %s\n", wn)
		}
		fmt.Fprintf(w, "materials: %d, missing %d (%d blocking, %d waivable)\n", len(chk.Materials), chk.Missing, chk.Blocking, chk.Waivable)
	})
}

func names(ms []domain.CaseMaterial) []string {
	out := []string{}
	for _, m := range ms {
		out = append(out, m.Code+" "+m.Name)
	}
	return out
}

func printMissing(w io.Writer, c *domain.Case) {
	miss := c.Missing()
	if len(miss) == 0 {
		fmt.Fprintln(w, "materials complete / 材料齐全")
		return
	}
	fmt.Fprintln(w, "still missing / 尚缺材料:")
	for _, m := range miss {
		tag := m.Required
		if m.ELicense {
			tag += "，可用电子证照"
		}
		fmt.Fprintf(w, "  %s %s（%s）\n", m.Code, m.Name, tag)
	}
}

func cmdCaseMaterials(e *env, args []string) error {
	fs := flag.NewFlagSet("case materials", flag.ContinueOnError)
	var set multi
	fs.Var(&set, "set", "CODE=HOW (repeatable)")
	pos, err := parse(fs, args, 1, "ID")
	if err != nil {
		return err
	}
	st, a, err := e.actor()
	if err != nil {
		return err
	}
	ins, err := materialInputs(set)
	if err != nil {
		return err
	}
	for _, in := range ins {
		if _, err := st.RecordMaterial(e.ctx, a, pos[0], in); err != nil {
			return err
		}
	}
	v, err := st.ShowCase(e.ctx, a, pos[0], false, "")
	if err != nil {
		return err
	}
	c := v.Case
	return e.out(map[string]any{"number": c.Number, "materials": c.Materials, "missing": names(c.Missing()), "waived": c.Waived(), "complete": c.Complete()}, func(w io.Writer) {
		for _, m := range c.Materials {
			fmt.Fprintf(w, "  %-4s %-30s %-6s %s\n", m.Code, m.Name, m.Required, m.Collected)
		}
		printMissing(w, c)
	})
}

func cmdCaseList(e *env, args []string) error {
	fs := flag.NewFlagSet("case list", flag.ContinueOnError)
	var f app.CaseFilter
	fs.StringVar(&f.Query, "q", "", "case number, name, partial ID number or phone")
	fs.StringVar(&f.State, "state", "", "state")
	fs.StringVar(&f.ItemCode, "item", "", "item code")
	fs.StringVar(&f.Channel, "channel", "", "channel")
	fs.StringVar(&f.From, "from", "", "received from YYYY-MM-DD")
	fs.StringVar(&f.To, "to", "", "received to YYYY-MM-DD")
	fs.BoolVar(&f.Overdue, "overdue", false, "only overdue")
	fs.BoolVar(&f.DueSoon, "due-soon", false, "only due within 2 working days")
	p := page(fs, 50, 500) // 500: what FindCases serves at most
	if _, err := parse(fs, args, 0, ""); err != nil {
		return err
	}
	if err := p.Check(); err != nil {
		return err
	}
	f.Limit, f.Offset = p.Limit, p.Offset
	st, a, err := e.actor()
	if err != nil {
		return err
	}
	res, err := st.FindCases(e.ctx, a, f)
	if err != nil {
		return err
	}
	return e.list(res.Cases, len(res.Cases), res.Total, p, func(w io.Writer) {
		for _, c := range res.Cases {
			flag := ""
			if c.Overdue {
				flag = " 逾期"
			} else if c.DueSoon {
				flag = " 临期"
			}
			fmt.Fprintf(w, "%-26s %-8s %-8s %-20s %-12s %s %s%s\n", c.Number, c.StateZh, c.Applicant, c.IDNumber, c.Phone, c.ItemName, c.Due, flag)
		}
	})
}

// cmdCaseDocument prints the content of a notice, as the app's print
// preview shows it (--json: the whole document, for a script that lays it
// out itself).
func cmdCaseDocument(e *env, args []string) error {
	pos, err := parse(flag.NewFlagSet("case document", flag.ContinueOnError), args, 2, "ID KIND")
	if err != nil {
		return err
	}
	st, a, err := e.actor()
	if err != nil {
		return err
	}
	d, err := st.PrintDocument(e.ctx, a, pos[0], pos[1])
	if err != nil {
		return err
	}
	return e.out(d, func(w io.Writer) {
		fmt.Fprintf(w, "%s %s — %s (%s), %s\n", d.Kind, d.Case.Number, d.Station.Name, d.Station.Code, d.Date)
		fmt.Fprintf(w, "applicant: %s   item: %s\n", d.Case.Applicant.Name, d.Case.ItemName)
		if d.QueryPasswd != "" {
			fmt.Fprintf(w, "query password: %s   kiosk number: %s\n", d.QueryPasswd, d.ShortNumber)
		}
		if d.Due != "" {
			fmt.Fprintf(w, "due: %s\n", d.Due)
		}
		for _, m := range d.Missing {
			fmt.Fprintf(w, "missing: %s\n", m)
		}
		fmt.Fprintf(w, "QR (signed: %v): %s\n", d.Signed, d.QR)
	})
}

func cmdCaseShow(e *env, args []string) error {
	fs := flag.NewFlagSet("case show", flag.ContinueOnError)
	reveal := fs.Bool("reveal", false, "show personal data unmasked (logged)")
	purpose := fs.String("purpose", "", "why the data is revealed")
	pos, err := parse(fs, args, 1, "ID")
	if err != nil {
		return err
	}
	st, a, err := e.actor()
	if err != nil {
		return err
	}
	v, err := st.ShowCase(e.ctx, a, pos[0], *reveal, *purpose)
	if err != nil {
		return err
	}
	return e.out(v, func(w io.Writer) {
		c := v.Case
		fmt.Fprintf(w, "%s  %s  [%s]\n", c.Number, c.ItemName, v.StateZh)
		fmt.Fprintf(w, "applicant: %s %s %s\n", c.Applicant.Name, c.Applicant.IDNumber, c.Applicant.Phone)
		if v.Deadline.Due != "" {
			fmt.Fprintf(w, "due %s (legal %s), %d working days left overdue=%v\n", v.Deadline.Due, v.Deadline.LegalDue, v.Deadline.WorkdaysLeft, v.Deadline.Overdue)
		}
		printMissing(w, c)
		fmt.Fprintln(w, "history:")
		for _, ev := range v.Events {
			fmt.Fprintf(w, "  %s %-10s %-12s %s/%s %s\n", ev.At[:19], ev.Status, ev.Zh, ev.Office, ev.Actor, compact(ev.Payload))
		}
		var steps []string
		for _, s := range v.Steps {
			if s.Allowed {
				steps = append(steps, string(s.Kind))
			}
		}
		fmt.Fprintf(w, "next: %s\n", strings.Join(steps, ", "))
		for _, s := range v.Steps {
			if !s.Allowed {
				fmt.Fprintf(w, "not here: %s — %s\n", s.Kind, s.Refusal)
			}
		}
	})
}

func compact(b json.RawMessage) string {
	if len(b) == 0 {
		return ""
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return string(b)
	}
	return buf.String()
}

func cmdConflictList(e *env, args []string) error {
	fs := flag.NewFlagSet("conflict list", flag.ContinueOnError)
	all := fs.Bool("all", false, "include resolved")
	p := page(fs, 100, 1000)
	if _, err := parse(fs, args, 0, ""); err != nil {
		return err
	}
	if err := p.Check(); err != nil {
		return err
	}
	st, a, err := e.actor()
	if err != nil {
		return err
	}
	every, err := st.Conflicts(e.ctx, a, *all)
	if err != nil {
		return err
	}
	cs := cli.Of(every, p)
	return e.list(cs, len(cs), len(every), p, func(w io.Writer) {
		for _, c := range cs {
			fmt.Fprintf(w, "%s %s %s %s %s\n", c.EventID, c.CaseNumber, c.Kind, c.Zh, c.ResolvedAt)
		}
	})
}

func cmdConflictResolve(e *env, args []string) error {
	fs := flag.NewFlagSet("conflict resolve", flag.ContinueOnError)
	res := fs.String("resolution", "", "what was done")
	pos, err := parse(fs, args, 1, "EVENT_ID")
	if err != nil {
		return err
	}
	st, a, err := e.actor()
	if err != nil {
		return err
	}
	return st.ResolveConflict(e.ctx, a, pos[0], *res)
}

func jsonStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return domain.Errorf(domain.EInvalid, "文件格式不正确："+err.Error(), "decode: %v", err)
	}
	return nil
}
