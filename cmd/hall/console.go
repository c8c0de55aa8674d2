package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"yizhan/hall"
	"yizhan/hall/console"
	"yizhan/workday"
)

// The console's actions for operators at the server: accounts, bad-review
// call-backs and statistics. Case handling, stations and publishing have
// their own commands.

func staffCmd(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return usageErr("staff add|list|set")
	}
	sub := args[0]
	fs := flag.NewFlagSet("staff "+sub, flag.ContinueOnError)
	var c common
	c.register(fs)
	password := fs.String("password", os.Getenv("YIZHAN_HALL_STAFF_PASSWORD"), "password ($YIZHAN_HALL_STAFF_PASSWORD; at least 10 characters)")
	asJSON := fs.Bool("json", false, "print JSON")
	name := fs.String("name", "", "new display name (set)")
	role := fs.String("role", "", "new role (set)")
	disable := fs.Bool("disable", false, "disable the account and end its sessions (set)")
	enable := fs.Bool("enable", false, "enable a disabled account (set)")
	unlock := fs.Bool("unlock", false, "end a lockout after wrong passwords (set)")
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	want := map[string]int{"add": 3, "list": 0, "set": 1}
	n, ok := want[sub]
	if !ok {
		return usageErr("unknown staff command %q", sub)
	}
	if len(pos) != n {
		return usageErr("staff %s takes %d argument(s)", sub, n)
	}
	if *disable && *enable {
		return usageErr("--disable and --enable exclude each other")
	}
	svc, closeFn, err := c.open(ctx, hall.Config{})
	if err != nil {
		return err
	}
	defer closeFn()
	switch sub {
	case "add":
		st, err := svc.AddStaff(ctx, pos[0], pos[1], hall.Role(pos[2]), *password)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "账号 %s（%s，%s）已创建。\n", st.Login, st.Name, st.RoleZh)
		return nil
	case "set":
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
		st, err := svc.UpdateStaff(ctx, pos[0], upd)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "账号 %s 已更新。\n", st.Login)
		return nil
	}
	list, err := svc.ListStaff(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		if list == nil {
			list = []hall.Staff{}
		}
		return printJSON(stdout, list)
	}
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
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
	return tw.Flush()
}

func reviewCmd(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return usageErr("review list|callback")
	}
	sub := args[0]
	fs := flag.NewFlagSet("review "+sub, flag.ContinueOnError)
	var c common
	c.register(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	open := fs.Bool("open", false, "only bad reviews without a call-back")
	station := fs.String("station", "", "only this station's")
	var in hall.CallbackInput
	fs.StringVar(&in.Status, "status", "", "fixed, fixed_by_deadline, explained or appealed")
	fs.StringVar(&in.Callback, "callback", "", "what was said on the call-back")
	fs.StringVar(&in.Result, "result", "", "the rectification, as told to the applicant")
	fs.StringVar(&in.FixBy, "fix-by", "", "rectification deadline YYYY-MM-DD (fixed_by_deadline)")
	actorID := fs.String("actor", envOr("USER", "hall-cli"), "who is acting (for the record)")
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	want := map[string]int{"list": 0, "callback": 1}
	n, ok := want[sub]
	if !ok {
		return usageErr("unknown review command %q", sub)
	}
	if len(pos) != n {
		return usageErr("review %s takes %d argument(s)", sub, n)
	}
	svc, closeFn, err := c.open(ctx, hall.Config{})
	if err != nil {
		return err
	}
	defer closeFn()
	if sub == "callback" {
		if _, err := svc.RecordCallback(ctx, hall.Actor{ID: *actorID, Name: *actorID}, pos[0], in); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "办件 %s 的差评回访已记录。\n", pos[0])
		return nil
	}
	list, err := svc.BadReviews(ctx, hall.ReviewFilter{Station: *station, Open: *open})
	if err != nil {
		return err
	}
	if *asJSON {
		if list == nil {
			list = []hall.BadReview{}
		}
		return printJSON(stdout, list)
	}
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
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
	return tw.Flush()
}

func statsCmd(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("stats", flag.ContinueOnError)
	var c common
	c.register(fs)
	from := fs.String("from", "", "first day received, YYYY-MM-DD (default: twelve months back)")
	to := fs.String("to", "", "last day received, YYYY-MM-DD (default: today)")
	station := fs.String("station", "", "only this station's cases")
	item := fs.String("item", "", "only this item's cases")
	asJSON := fs.Bool("json", false, "print JSON")
	xlsx := fs.String("xlsx", "", "write an Excel workbook to this file")
	lang := fs.String("lang", "zh-CN", "workbook language: zh-CN or en-US")
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usageErr("stats takes no arguments")
	}
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
	svc, closeFn, err := c.open(ctx, hall.Config{})
	if err != nil {
		return err
	}
	defer closeFn()
	st, err := svc.Stats(ctx, f)
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
		if err := svc.RecordAccess(ctx, hall.Access{Actor: envOr("USER", "hall-cli"), Action: "stats.export",
			Detail: st.From + ".." + st.To + " cli"}); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "统计表已写入 %s。\n", *xlsx)
		return nil
	}
	if *asJSON {
		return printJSON(stdout, st)
	}
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
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
