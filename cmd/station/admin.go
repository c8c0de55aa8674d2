package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"filippo.io/age"

	"yizhan/app"
	appsqlite "yizhan/app/sqlite"
	"yizhan/domain"
	"yizhan/ident"
	"yizhan/internal/cli"
	"yizhan/workday"
)

func init() {
	register(
		command{"init", "--code C --name N [--region R] [--kind township|village|postal|helper] --admin LOGIN --admin-name NAME --admin-password PW: set up the station (after `enroll`, code, name and region are known already)", cmdInit},
		command{"staff add", "LOGIN NAME clerk|head|helper --new-password PW", cmdStaffAdd},
		command{"staff list", "[--limit N] [--offset N]: list accounts", cmdStaffList},
		command{"staff unlock", "LOGIN  (station head)", cmdStaffUnlock},
		command{"catalog import", "FILE", cmdCatalogImport},
		command{"catalog export", "[FILE]", cmdCatalogExport},
		command{"catalog find", "[QUERY] [--limit N] [--offset N]: items by name, code or pinyin initials", cmdCatalogFind},
		command{"validate", "id|uscc|phone|name VALUE", cmdValidate},
		command{"calendar due", "--from DATE --limit N --unit G|Z", cmdCalendarDue},
		command{"calendar publish", "FILE  (a year spec JSON)", cmdCalendarPublish},
		command{"backup", "[--recipient age1… | --recipients-file FILE] FILE  (station head; encrypted for copies that leave the PC)", cmdBackup},
		command{"backup-keygen", "IDENTITY-FILE  a key pair for encrypted backups: keep the file away from the PC", cmdBackupKeygen},
		command{"restore", "[--identity FILE] FILE", cmdRestore},
		command{"audit verify", "check the hash chain", cmdAuditVerify},
		command{"audit log", "[--target ID] [--limit N] [--offset N]: the audit trail, newest first (station head)", cmdAuditLog},
		command{"rebuild", "refold every case from its events", cmdRebuild},
	)
}

func cmdInit(e *env, args []string) error {
	fs := flag.NewFlagSet("init", flag.ContinueOnError)
	var id app.Identity
	var admin, adminName, adminPW string
	fs.StringVar(&id.Code, "code", "", "station code")
	fs.StringVar(&id.Name, "name", "", "station name")
	fs.StringVar(&id.Region, "region", "", "administrative division code")
	fs.StringVar(&id.Kind, "kind", "township", "township, village, postal or helper")
	fs.StringVar(&admin, "admin", "", "first account (station head) login")
	fs.StringVar(&adminName, "admin-name", "", "first account name")
	fs.StringVar(&adminPW, "admin-password", "", "first account password")
	if _, err := parse(fs, args, 0, ""); err != nil {
		return err
	}
	st, err := e.station()
	if err != nil {
		return err
	}
	if st.Code() != "" {
		// Enrolment (or an earlier init) set the identity: what is not
		// given again stays as it is.
		cur, err := st.Identity(e.ctx)
		if err != nil {
			return err
		}
		kindSet := false
		fs.Visit(func(f *flag.Flag) { kindSet = kindSet || f.Name == "kind" })
		if id.Code == "" {
			id.Code = cur.Code
		}
		if id.Name == "" {
			id.Name = cur.Name
		}
		if id.Region == "" {
			id.Region = cur.Region
		}
		if !kindSet && cur.Kind != "" {
			id.Kind = cur.Kind
		}
	}
	if err := st.Init(e.ctx, id); err != nil {
		return err
	}
	if admin != "" {
		if _, err := st.AddStaff(e.ctx, app.System, admin, adminName, app.RoleHead, adminPW); err != nil {
			return err
		}
	}
	return e.out(id, func(w io.Writer) { fmt.Fprintf(w, "station %s (%s) ready in %s\n", id.Code, id.Name, e.dir) })
}

func cmdStaffAdd(e *env, args []string) error {
	fs := flag.NewFlagSet("staff add", flag.ContinueOnError)
	pw := fs.String("new-password", "", "password for the new account")
	pos, err := parse(fs, args, 3, "LOGIN NAME ROLE")
	if err != nil {
		return err
	}
	st, a, err := e.actor()
	if err != nil {
		return err
	}
	s, err := st.AddStaff(e.ctx, a, pos[0], pos[1], pos[2], *pw)
	if err != nil {
		return err
	}
	return e.out(s, func(w io.Writer) { fmt.Fprintf(w, "added %s (%s, %s)\n", s.Login, s.Name, s.Role) })
}

func cmdStaffList(e *env, args []string) error {
	fs := flag.NewFlagSet("staff list", flag.ContinueOnError)
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
	all, err := st.ListStaff(e.ctx, a)
	if err != nil {
		return err
	}
	list := cli.Of(all, p)
	return e.list(list, len(list), len(all), p, func(w io.Writer) {
		for _, s := range list {
			fmt.Fprintf(w, "%-16s %-10s %-7s disabled=%v locked=%s\n", s.Login, s.Name, s.Role, s.Disabled, s.LockedUntil)
		}
	})
}

func cmdStaffUnlock(e *env, args []string) error {
	pos, err := parse(flag.NewFlagSet("staff unlock", flag.ContinueOnError), args, 1, "LOGIN")
	if err != nil {
		return err
	}
	st, a, err := e.actor()
	if err != nil {
		return err
	}
	list, err := st.ListStaff(e.ctx, a)
	if err != nil {
		return err
	}
	for _, s := range list {
		if s.Login == strings.ToLower(pos[0]) {
			return st.UpdateStaff(e.ctx, a, s.ID, nil, nil, nil, true)
		}
	}
	return domain.Errorf(domain.ENotFound, "找不到该账号。", "staff %s not found", pos[0])
}

func cmdCatalogImport(e *env, args []string) error {
	pos, err := parse(flag.NewFlagSet("catalog import", flag.ContinueOnError), args, 1, "FILE")
	if err != nil {
		return err
	}
	data, err := os.ReadFile(pos[0])
	if err != nil {
		return domain.Errorf(domain.EInvalid, "无法读取文件："+pos[0], "read %s: %v", pos[0], err)
	}
	st, a, err := e.actor()
	if err != nil {
		return err
	}
	res, err := st.ImportCatalog(e.ctx, a, data)
	if err != nil {
		return err
	}
	return e.out(res, func(w io.Writer) {
		fmt.Fprintf(w, "catalog %s: %d items, %d new, %d unchanged\n", res.Catalog, res.Items, res.Added, res.Unchanged)
	})
}

func cmdCatalogExport(e *env, args []string) error {
	pos, err := parse(flag.NewFlagSet("catalog export", flag.ContinueOnError), args, 0, "")
	if err != nil {
		return err
	}
	st, err := e.station()
	if err != nil {
		return err
	}
	data, err := st.ExportCatalog(e.ctx)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		_, err = e.stdout.Write(append(data, '\n'))
		return err
	}
	return os.WriteFile(pos[0], data, 0o644)
}

func cmdCatalogFind(e *env, args []string) error {
	fs := flag.NewFlagSet("catalog find", flag.ContinueOnError)
	p := page(fs, 50, 1000)
	pos, err := parse(fs, args, 0, "")
	if err != nil {
		return err
	}
	if err := p.Check(); err != nil {
		return err
	}
	st, err := e.station()
	if err != nil {
		return err
	}
	all, err := st.FindItems(e.ctx, strings.Join(pos, " "))
	if err != nil {
		return err
	}
	items := cli.Of(all, p)
	return e.list(items, len(items), len(all), p, func(w io.Writer) {
		for _, it := range items {
			fmt.Fprintf(w, "%-22s %s%s  %s %s  材料%d\n", it.Code, it.Name, paren(it.Handling), it.Kind, it.Promised, it.Materials)
			for _, s := range it.Situations {
				fmt.Fprintf(w, "%24s情形 %s\n", "", s)
			}
		}
	})
}

func paren(s string) string {
	if s == "" {
		return ""
	}
	return "（" + s + "）"
}

func cmdValidate(e *env, args []string) error {
	pos, err := parse(flag.NewFlagSet("validate", flag.ContinueOnError), args, 2, "KIND VALUE")
	if err != nil {
		return err
	}
	f, err := ident.CheckField(pos[0], pos[1], time.Now())
	if err != nil {
		return err
	}
	res := map[string]any{"kind": pos[0], "valid": true, "value": f.Value}
	if pos[0] == ident.FieldID {
		res["birth_date"], res["sex"], res["age"], res["division_known"] = f.BirthDate, f.Sex, f.Age, f.DivisionKnown
	}
	return e.out(res, func(w io.Writer) {
		fmt.Fprintf(w, "valid %s: %v", pos[0], res["value"])
		if pos[0] == "id" {
			fmt.Fprintf(w, " (born %v, sex %v, age %v)", res["birth_date"], res["sex"], res["age"])
		}
		fmt.Fprintln(w)
	})
}

func cmdCalendarDue(e *env, args []string) error {
	fs := flag.NewFlagSet("calendar due", flag.ContinueOnError)
	from := fs.String("from", "", "acceptance date YYYY-MM-DD (default today)")
	limit := fs.Int("limit", 20, "limit value")
	unit := fs.String("unit", "G", "G (working days) or Z (calendar days)")
	if _, err := parse(fs, args, 0, ""); err != nil {
		return err
	}
	lim := workday.Limit{Value: *limit, Unit: workday.Unit(strings.ToUpper(*unit))}
	if err := lim.Validate(); err != nil {
		return err
	}
	cal := workday.New()
	// Published years live in the station database; use them when there is one.
	if _, err := os.Stat(filepath.Join(e.dir, app.DBFile)); err == nil {
		st, err := e.station()
		if err != nil {
			return err
		}
		cal = st.Calendar()
	}
	start := workday.DateOf(time.Now(), workday.China)
	if *from != "" {
		d, err := workday.ParseDate(*from)
		if err != nil {
			return err
		}
		start = d
	}
	dl := cal.Due(start, lim, nil)
	res := map[string]any{"from": start.String(), "limit": lim.String(), "due": dl.Due.String(), "provisional": dl.Provisional, "weekday": dl.Due.Weekday().String()}
	return e.out(res, func(w io.Writer) {
		fmt.Fprintf(w, "%s\n", dl.Due)
		if dl.Provisional {
			fmt.Fprintln(w, "(provisional: the holiday calendar for that year is not published yet / 该年度节假日安排尚未公布，日期为暂定)")
		}
	})
}

func cmdCalendarPublish(e *env, args []string) error {
	pos, err := parse(flag.NewFlagSet("calendar publish", flag.ContinueOnError), args, 1, "FILE")
	if err != nil {
		return err
	}
	data, err := os.ReadFile(pos[0])
	if err != nil {
		return domain.Errorf(domain.EInvalid, "无法读取文件："+pos[0], "read %s: %v", pos[0], err)
	}
	var y workday.YearSpec
	if err := jsonStrict(data, &y); err != nil {
		return err
	}
	st, a, err := e.actor()
	if err != nil {
		return err
	}
	if err := st.PublishCalendar(e.ctx, a, y); err != nil {
		return err
	}
	return e.out(y, func(w io.Writer) {
		fmt.Fprintf(w, "calendar %d published (%d holidays, %d make-up days)\n", y.Year, len(y.Holidays), len(y.Workdays))
	})
}

func cmdBackup(e *env, args []string) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	var recipients multi
	fs.Var(&recipients, "recipient", "encrypt to this age recipient (age1…); repeatable")
	recipientsFile := fs.String("recipients-file", "", "encrypt to the age recipients in this file, one a line")
	pos, err := parse(fs, args, 1, "FILE")
	if err != nil {
		return err
	}
	if *recipientsFile != "" {
		rs, err := app.ReadRecipients(*recipientsFile)
		if err != nil {
			return err
		}
		recipients = append(recipients, rs...)
	}
	st, a, err := e.actor()
	if err != nil {
		return err
	}
	if err := st.Backup(e.ctx, a, pos[0], recipients...); err != nil {
		return err
	}
	fi, err := os.Stat(pos[0])
	if err != nil {
		return err
	}
	enc := len(recipients) > 0
	return e.out(map[string]any{"file": pos[0], "bytes": fi.Size(), "encrypted": enc}, func(w io.Writer) {
		what := "backup"
		if enc {
			what = "encrypted backup"
		}
		fmt.Fprintf(w, "%s written to %s (%d bytes)\n", what, pos[0], fi.Size())
	})
}

// cmdBackupKeygen writes a new age identity for encrypted backups (mode
// 0600, never overwriting a file) and prints its recipient, which goes to
// `backup --recipient` on the stations.
func cmdBackupKeygen(e *env, args []string) error {
	pos, err := parse(flag.NewFlagSet("backup-keygen", flag.ContinueOnError), args, 1, "IDENTITY-FILE")
	if err != nil {
		return err
	}
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return fmt.Errorf("backup-keygen: %w", err)
	}
	f, err := os.OpenFile(pos[0], os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return domain.Errorf(domain.EInvalid, "无法创建密钥文件（已存在的文件不会被覆盖）："+pos[0], "backup-keygen: %v", err)
	}
	_, err = fmt.Fprintf(f, "# Yizhan backup key. Restores encrypted station backups: keep it off the station PCs.\n# recipient: %s\n%s\n",
		id.Recipient(), id)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("backup-keygen: %w", err)
	}
	return e.out(map[string]any{"identity_file": pos[0], "recipient": id.Recipient().String()}, func(w io.Writer) {
		fmt.Fprintf(w, "identity written to %s\nrecipient (for station backup --recipient): %s\n", pos[0], id.Recipient())
	})
}

func cmdRestore(e *env, args []string) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	identity := fs.String("identity", "", "age identity file for an encrypted backup")
	pos, err := parse(fs, args, 1, "FILE")
	if err != nil {
		return err
	}
	// Restore replaces the file: make sure this process holds it closed.
	if e.st != nil {
		_ = e.st.Close() // the restore replaces the file; a failed close cannot keep it
		e.st = nil
	}
	dbPath := filepath.Join(e.dir, app.DBFile)
	if err := app.Restore(context.Background(), e.dir, pos[0], *identity, appsqlite.Restore); err != nil {
		if domain.ErrorCode(err) == domain.EInvalid {
			return err
		}
		return domain.Errorf(domain.EInvalid, "恢复失败，原数据未改动："+err.Error(), "restore: %v", err)
	}
	st, err := e.station()
	if err != nil {
		return err
	}
	rep, err := st.VerifyAudit(e.ctx)
	if err != nil {
		return err
	}
	return e.out(map[string]any{"restored": pos[0], "audit_ok": rep.OK, "previous": dbPath + ".before-restore"}, func(w io.Writer) {
		fmt.Fprintf(w, "restored from %s; previous database kept as %s.before-restore; audit chain ok=%v\n", pos[0], dbPath, rep.OK)
	})
}

func cmdAuditVerify(e *env, args []string) error {
	st, err := e.station()
	if err != nil {
		return err
	}
	rep, err := st.VerifyAudit(e.ctx)
	if err != nil {
		return err
	}
	if err := e.out(rep, func(w io.Writer) {
		if rep.OK {
			fmt.Fprintf(w, "audit chain ok: %d rows, head %s\n", rep.Rows, rep.Head[:16])
		}
	}); err != nil {
		return err
	}
	if !rep.OK {
		return domain.Errorf(domain.EConflict, fmt.Sprintf("审计日志被篡改：第 %d 行起校验失败（%s）。", rep.Broken, rep.Detail), "audit chain broken at row %d: %s", rep.Broken, rep.Detail)
	}
	return nil
}

func cmdAuditLog(e *env, args []string) error {
	fs := flag.NewFlagSet("audit log", flag.ContinueOnError)
	target := fs.String("target", "", "only rows about this record")
	p := page(fs, 50, 1000)
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
	rows, total, err := st.AuditPage(e.ctx, a, *target, p.Limit, p.Offset)
	if err != nil {
		return err
	}
	return e.list(rows, len(rows), total, p, func(w io.Writer) {
		for _, r := range rows {
			fmt.Fprintf(w, "%6d %s %-10s %-20s %s %s\n", r.Seq, r.At[:19], r.Actor, r.Action, r.Target, r.Detail)
		}
	})
}

func cmdRebuild(e *env, args []string) error {
	st, err := e.station()
	if err != nil {
		return err
	}
	checked, fixed, err := st.Rebuild(e.ctx)
	if err != nil {
		return err
	}
	return e.out(map[string]int{"checked": checked, "fixed": fixed}, func(w io.Writer) {
		fmt.Fprintf(w, "%d cases refolded from their events, %d differed\n", checked, fixed)
	})
}
