package main

import (
	"flag"
	"fmt"
	"io"

	"yizhan/app"
	"yizhan/internal/cli"
)

func init() {
	register(
		command{"queue issue", "[--item CODE] [--appointment ID]: take a number", cmdQueueIssue},
		command{"queue call", "[--window W]: call the next number", cmdQueueCall},
		command{"queue done", "TICKET [--absent]", cmdQueueDone},
		command{"queue list", "[--limit N] [--offset N]: today's queue", cmdQueueList},
		command{"evaluate", "[--case ID] [--ticket T] --level 1-5 [--comment C] [--source pad|qr|paper] [--real-name --contact PHONE]", cmdEvaluate},
		command{"rectification list", "[--all] [--limit N] [--offset N]: bad-review follow-ups", cmdRectList},
	)
}

func printTicket(w io.Writer, t app.Ticket) {
	fmt.Fprintf(w, "%s %-8s waited %ds window=%s\n", t.Number, t.Status, t.WaitSecs, t.Window)
}

func cmdQueueIssue(e *env, args []string) error {
	fs := flag.NewFlagSet("queue issue", flag.ContinueOnError)
	item := fs.String("item", "", "item code")
	appt := fs.String("appointment", "", "appointment ID")
	if _, err := parse(fs, args, 0, ""); err != nil {
		return err
	}
	st, err := e.station()
	if err != nil {
		return err
	}
	t, err := st.IssueTicket(e.ctx, app.Actor{ID: "kiosk", Login: "kiosk", Name: "自助取号", Role: "kiosk"}, *item, *appt)
	if err != nil {
		return err
	}
	return e.out(t, func(w io.Writer) { fmt.Fprintf(w, "%s\n", t.Number) })
}

func cmdQueueCall(e *env, args []string) error {
	fs := flag.NewFlagSet("queue call", flag.ContinueOnError)
	win := fs.String("window", "1", "window")
	if _, err := parse(fs, args, 0, ""); err != nil {
		return err
	}
	st, a, err := e.actor()
	if err != nil {
		return err
	}
	t, err := st.CallNext(e.ctx, a, *win)
	if err != nil {
		return err
	}
	return e.out(t, func(w io.Writer) { printTicket(w, t) })
}

func cmdQueueDone(e *env, args []string) error {
	fs := flag.NewFlagSet("queue done", flag.ContinueOnError)
	absent := fs.Bool("absent", false, "called but not present")
	pos, err := parse(fs, args, 1, "TICKET")
	if err != nil {
		return err
	}
	st, a, err := e.actor()
	if err != nil {
		return err
	}
	t, err := st.FinishTicket(e.ctx, a, pos[0], *absent)
	if err != nil {
		return err
	}
	return e.out(t, func(w io.Writer) { printTicket(w, t) })
}

func cmdQueueList(e *env, args []string) error {
	fs := flag.NewFlagSet("queue list", flag.ContinueOnError)
	p := page(fs, 100, 1000)
	if _, err := parse(fs, args, 0, ""); err != nil {
		return err
	}
	if err := p.Check(); err != nil {
		return err
	}
	st, err := e.station()
	if err != nil {
		return err
	}
	all, err := st.Queue(e.ctx)
	if err != nil {
		return err
	}
	ts := cli.Of(all, p)
	return e.list(ts, len(ts), len(all), p, func(w io.Writer) {
		for _, t := range ts {
			printTicket(w, t)
		}
	})
}

func cmdEvaluate(e *env, args []string) error {
	fs := flag.NewFlagSet("evaluate", flag.ContinueOnError)
	var in app.EvaluationInput
	fs.StringVar(&in.CaseID, "case", "", "case ID or number")
	fs.StringVar(&in.TicketID, "ticket", "", "ticket ID")
	fs.IntVar(&in.Level, "level", 0, "overall 1-5")
	fs.IntVar(&in.Efficiency, "efficiency", 0, "1-5")
	fs.IntVar(&in.Service, "service", 0, "1-5")
	fs.IntVar(&in.Attitude, "attitude", 0, "1-5")
	fs.StringVar(&in.Comment, "comment", "", "comment")
	fs.StringVar(&in.Source, "source", "pad", "pad, qr, paper, online, kiosk")
	fs.BoolVar(&in.RealName, "real-name", false, "real-name rating")
	fs.StringVar(&in.Contact, "contact", "", "phone for the call-back")
	if _, err := parse(fs, args, 0, ""); err != nil {
		return err
	}
	st, a, err := e.actor()
	if err != nil {
		return err
	}
	id, err := st.Evaluate(e.ctx, a, in)
	if err != nil {
		return err
	}
	return e.out(map[string]any{"id": id, "level": in.Level, "bad": in.Bad()}, func(w io.Writer) {
		fmt.Fprintf(w, "rating %d recorded", in.Level)
		if in.Bad() {
			fmt.Fprint(w, "; bad review: a rectification was opened / 差评已转整改")
		}
		fmt.Fprintln(w)
	})
}

func cmdRectList(e *env, args []string) error {
	fs := flag.NewFlagSet("rectification list", flag.ContinueOnError)
	all := fs.Bool("all", false, "include closed")
	p := page(fs, 100, 1000)
	if _, err := parse(fs, args, 0, ""); err != nil {
		return err
	}
	if err := p.Check(); err != nil {
		return err
	}
	st, err := e.station()
	if err != nil {
		return err
	}
	every, err := st.Rectifications(e.ctx, *all)
	if err != nil {
		return err
	}
	rs := cli.Of(every, p)
	return e.list(rs, len(rs), len(every), p, func(w io.Writer) {
		for _, r := range rs {
			fmt.Fprintf(w, "%s level=%d due %s %s overdue=%v\n", r.ID, r.Level, r.Due, r.Status, r.Overdue)
		}
	})
}
