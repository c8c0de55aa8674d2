package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"yizhan/hall"
	"yizhan/hall/console"
	"yizhan/internal/cli"
	"yizhan/workday"
)

// The console's actions for operators at the server: accounts, bad-review
// call-backs and statistics. Case handling, stations and publishing have
// their own commands.

func init() {
	register(
		command{"staff add", "LOGIN NAME clerk|approver|supervisor|admin --password P: a console account", cmdStaffAdd},
		command{"staff list", "[--limit N] [--offset N]: console accounts", cmdStaffList},
		command{"staff set", "LOGIN [--name N] [--role R] [--password P] [--disable|--enable] [--unlock]: change an account", cmdStaffSet},
		command{"review list", "[--open] [--station S] [--limit N] [--offset N]: bad reviews and their call-backs", cmdReviewList},
		command{"review callback", "CASE --status fixed|fixed_by_deadline|explained|appealed --callback T --result R [--fix-by DATE]: record a call-back", cmdReviewCallback},
		command{"stats", "[--from DATE] [--to DATE] [--station S] [--item CODE] [--xlsx FILE [--lang en-US]]: statistics by station and month", cmdStats},
	)
}

func cmdStaffAdd(e *env, args []string) error {
	fs := flag.NewFlagSet("staff add", flag.ContinueOnError)
	password := fs.String("password", os.Getenv("YIZHAN_HALL_STAFF_PASSWORD"), "password ($YIZHAN_HALL_STAFF_PASSWORD; at least 10 characters)")
	pos, err := parse(fs, args, 3, 3, "LOGIN NAME ROLE")
	if err != nil {
		return err
	}
	svc, closeFn, err := e.open(hall.Config{})
	if err != nil {
		return err
	}
	defer closeFn()
	st, err := svc.AddStaff(e.Ctx, pos[0], pos[1], hall.Role(pos[2]), *password)
	if err != nil {
		return err
	}
	return e.Out(st, func(w io.Writer) {
		fmt.Fprintf(w, "账号 %s（%s，%s）已创建。\n", st.Login, st.Name, st.RoleZh)
	})
}

func cmdStaffSet(e *env, args []string) error {
	fs := flag.NewFlagSet("staff set", flag.ContinueOnError)
	password := fs.String("password", "", "new password (at least 10 characters)")
	name := fs.String("name", "", "new display name")
	role := fs.String("role", "", "new role")
	disable := fs.Bool("disable", false, "disable the account and end its sessions")
	enable := fs.Bool("enable", false, "enable a disabled account")
	unlock := fs.Bool("unlock", false, "end a lockout after wrong passwords")
	pos, err := parse(fs, args, 1, 1, "LOGIN")
	if err != nil {
		return err
	}
	if *disable && *enable {
		return usageErr("--disable and --enable exclude each other")
	}
	upd := hall.StaffUpdate{Unlock: *unlock}
	if *name != "" {
		upd.Name = name
	}
	if *role != "" {
		r := hall.Role(*role)
		upd.Role = &r
	}
	// Only a password given on this command line changes it, never one
	// left in the environment for `staff add`.
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "password" {
			upd.Password = password
		}
	})
	if *disable || *enable {
		d := *disable
		upd.Disabled = &d
	}
	svc, closeFn, err := e.open(hall.Config{})
	if err != nil {
		return err
	}
	defer closeFn()
	st, err := svc.UpdateStaff(e.Ctx, pos[0], upd)
	if err != nil {
		return err
	}
	return e.Out(st, func(w io.Writer) { fmt.Fprintf(w, "账号 %s 已更新。\n", st.Login) })
}

func cmdStaffList(e *env, args []string) error {
	fs := flag.NewFlagSet("staff list", flag.ContinueOnError)
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
	all, err := svc.ListStaff(e.Ctx)
	if err != nil {
		return err
	}
	list := cli.Of(all, p)
	return e.List(list, len(list), len(all), p, func(w io.Writer) {
		tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "LOGIN\tNAME\tROLE\tSTATUS\tLAST LOGIN")
		for _, st := range list {
			status := "active"
			switch {
			case st.Disabled:
				status = "disabled"
			case st.LockedUntil != nil:
				status = "locked until " + st.LockedUntil.Local().Format("15:04")
			}
			last := "-"
			if st.LastLogin != nil {
				last = st.LastLogin.Local().Format("2006-01-02 15:04")
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", st.Login, st.Name, st.Role, status, last)
		}
		tw.Flush()
	})
}

func cmdReviewCallback(e *env, args []string) error {
	fs := flag.NewFlagSet("review callback", flag.ContinueOnError)
	var in hall.CallbackInput
	fs.StringVar(&in.Status, "status", "", "fixed, fixed_by_deadline, explained or appealed")
	fs.StringVar(&in.Callback, "callback", "", "what was said on the call-back")
	fs.StringVar(&in.Result, "result", "", "the rectification, as told to the applicant")
	fs.StringVar(&in.FixBy, "fix-by", "", "rectification deadline YYYY-MM-DD (fixed_by_deadline)")
	actorID := fs.String("actor", envOr("USER", "hall-cli"), "who is acting (for the record)")
	pos, err := parse(fs, args, 1, 1, "CASE")
	if err != nil {
		return err
	}
	svc, closeFn, err := e.open(hall.Config{})
	if err != nil {
		return err
	}
	defer closeFn()
	cb, err := svc.RecordCallback(e.Ctx, hall.Actor{ID: *actorID, Name: *actorID}, pos[0], in)
	if err != nil {
		return err
	}
	return e.Out(cb, func(w io.Writer) { fmt.Fprintf(w, "办件 %s 的差评回访已记录。\n", pos[0]) })
}

func cmdReviewList(e *env, args []string) error {
	fs := flag.NewFlagSet("review list", flag.ContinueOnError)
	open := fs.Bool("open", false, "only bad reviews without a call-back")
	station := fs.String("station", "", "only this station's")
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
	all, err := svc.BadReviews(e.Ctx, hall.ReviewFilter{Station: *station, Open: *open})
	if err != nil {
		return err
	}
	list := cli.Of(all, p)
	return e.List(list, len(list), len(all), p, func(w io.Writer) {
		tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "CASE\tNUMBER\tSTATION\tLEVEL\tRATED\tDUE\tCALL-BACK")
		for _, b := range list {
			cb := "-"
			switch {
			case b.Callback != nil:
				cb = b.Callback.Status
			case b.Overdue:
				cb = "OVERDUE"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\t%s\n", b.CaseID, b.Number, b.Station, b.Level,
				b.RatedAt.In(workday.China).Format("2006-01-02"), b.Due, cb)
		}
		tw.Flush()
	})
}

func cmdStats(e *env, args []string) error {
	fs := flag.NewFlagSet("stats", flag.ContinueOnError)
	from := fs.String("from", "", "first day received, YYYY-MM-DD (default: twelve months back)")
	to := fs.String("to", "", "last day received, YYYY-MM-DD (default: today)")
	station := fs.String("station", "", "only this station's cases")
	item := fs.String("item", "", "only this item's cases")
	xlsx := fs.String("xlsx", "", "write an Excel workbook to this file")
	lang := fs.String("lang", "zh-CN", "workbook language: zh-CN or en-US")
	if _, err := parse(fs, args, 0, 0, ""); err != nil {
		return err
	}
	var err error
	f := hall.StatsFilter{Station: *station, Item: *item}
	end := workday.DateOf(time.Now(), workday.China)
	if *to != "" {
		if end, err = workday.ParseDate(*to); err != nil {
			return usageErr("--to: %v", err)
		}
	}
	f.To = end.AddDays(1).Time(workday.China)
	y, m, _ := end.Date()
	f.From = workday.NewDate(y, m, 1).Time(workday.China).AddDate(0, -11, 0)
	if *from != "" {
		d, err := workday.ParseDate(*from)
		if err != nil {
			return usageErr("--from: %v", err)
		}
		f.From = d.Time(workday.China)
	}
	svc, closeFn, err := e.open(hall.Config{})
	if err != nil {
		return err
	}
	defer closeFn()
	st, err := svc.Stats(e.Ctx, f)
	if err != nil {
		return err
	}
	if *xlsx != "" {
		var buf bytes.Buffer
		if err := console.WriteStatsWorkbook(&buf, st, *lang); err != nil {
			return err
		}
		if err := os.WriteFile(*xlsx, buf.Bytes(), 0o600); err != nil {
			return fmt.Errorf("stats: %w", err)
		}
		if err := svc.RecordAccess(e.Ctx, hall.Access{Actor: envOr("USER", "hall-cli"), Action: "stats.export",
			Detail: st.From + ".." + st.To + " cli"}); err != nil {
			return err
		}
		return e.Out(map[string]string{"xlsx": *xlsx}, func(w io.Writer) { fmt.Fprintf(w, "统计表已写入 %s。\n", *xlsx) })
	}
	if e.JSON {
		return cli.PrintJSON(e.Stdout, st)
	}
	tw := tabwriter.NewWriter(e.Stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "%s – %s\n", st.From, st.To)
	fmt.Fprintln(tw, "STATION\tNAME\tINTAKE\tCONCLUDED\tON TIME\tAVG DAYS\tSATISFACTION\tBAD\tOVERDUE")
	for _, r := range append(st.ByStation, st.Total) {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%.2f\t%s\t%d\t%d\n", r.Key, r.Label, r.Intake, r.Concluded,
			rate(r.Timed, r.OnTimeRate), r.AvgHandleDays, rate(r.Rated, r.Satisfaction), r.Bad, r.Overdue)
	}
	return tw.Flush()
}

func rate(n int, v float64) string {
	if n == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", v*100)
}
