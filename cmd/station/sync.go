package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"yizhan/app"
	"yizhan/app/hallclient"
	"yizhan/domain"
	"yizhan/support"
	"yizhan/sync/bundle"
)

func init() {
	register(
		command{"enroll", "--hall URL --code CODE: register this station with the hall (one-time code from `hall station add`)", cmdEnroll},
		command{"sync", "push pending work (attachments included) and pull news from the hall once; exit 1 unless all of it went through", cmdSync},
		command{"hall set-url", "URL --code CODE: use the hall's new address, once the hall proves it is there (code from `hall station move`)", cmdHallSetURL},
		command{"sync status", "online or not, pending work, last success and error, conflicts, clock skew", cmdSyncStatus},
		command{"sync quarantine", "events from the hall this station set aside instead of applying (reported to the hall)", cmdSyncQuarantine},
		command{"sync run", "sync in the foreground until Ctrl-C: retries with backoff while the hall is away", cmdSyncRun},
		command{"bundle export", "FILE [--attach-budget 64MB]: write everything the hall has not acknowledged, scans within the budget, to a sealed USB bundle", cmdBundleExport},
		command{"bundle import", "FILE: apply a sealed reply bundle from the hall", cmdBundleImport},
		command{"bundle relay", "SRC DST: carry another station's sealed bundle on, unread and unchanged", cmdBundleRelay},
		command{"attach", "CASE FILE --material CODE [--mime TYPE]: store a scan and record it on the case's material", cmdAttach},
	)
}

// syncErr maps sync and bundle errors to domain errors at the edge, so
// report prints their English and Chinese messages as they are.
func syncErr(err error) error {
	var ce *hallclient.Error
	if errors.As(err, &ce) {
		return &domain.Error{Code: ce.Code, Message: ce.Error(), Zh: ce.Zh}
	}
	var be *bundle.Error
	if errors.As(err, &be) {
		return &domain.Error{Code: be.ErrorCode(), Message: be.Error(), Zh: be.Zh}
	}
	return err
}

func cmdEnroll(e *env, args []string) error {
	fs := flag.NewFlagSet("enroll", flag.ContinueOnError)
	hall := fs.String("hall", "", "hall URL, e.g. https://hall.example.gov.cn")
	code := fs.String("code", "", "one-time enrolment code")
	if _, err := parse(fs, args, 0, ""); err != nil {
		return err
	}
	st, err := e.station()
	if err != nil {
		return err
	}
	k, err := hallclient.Enroll(e.ctx, st, *hall, *code)
	if err != nil {
		return syncErr(err)
	}
	out := map[string]string{"station": k.Station, "name": st.Name(), "hall": k.HallURL}
	return e.out(out, func(w io.Writer) {
		fmt.Fprintf(w, "enrolled as %s (%s) with %s\n已在大厅登记为 %s（%s）。\n", k.Station, st.Name(), k.HallURL, k.Station, st.Name())
	})
}

func cmdHallSetURL(e *env, args []string) error {
	fs := flag.NewFlagSet("hall set-url", flag.ContinueOnError)
	code := fs.String("code", "", "move code from the hall")
	pos, err := parse(fs, args, 1, "URL")
	if err != nil {
		return err
	}
	if *code == "" {
		return domain.Errorf(domain.EInvalid, "请用 --code 填写大厅出具的迁移码。", "hall set-url: --code required")
	}
	st, err := e.station()
	if err != nil {
		return err
	}
	// Three tries (pauses of 2 and 4 s): a wrong address should not keep
	// the clerk waiting long.
	u, err := (&hallclient.HallMover{Attempts: 3}).Move(e.ctx, st, pos[0], *code)
	if err != nil {
		return syncErr(err)
	}
	return e.out(map[string]string{"hall": u}, func(w io.Writer) {
		fmt.Fprintf(w, "the hall proved it is at %s; this station syncs there from now on\n大厅已在新地址 %s 验证身份，本站此后与该地址同步。\n", u, u)
	})
}

func newClient(e *env) (*hallclient.Client, error) {
	st, err := e.station()
	if err != nil {
		return nil, err
	}
	c, err := hallclient.New(st)
	if err != nil {
		return nil, syncErr(err)
	}
	return c, nil
}

func cmdSync(e *env, args []string) error {
	if _, err := parse(flag.NewFlagSet("sync", flag.ContinueOnError), args, 0, ""); err != nil {
		return err
	}
	c, err := newClient(e)
	if err != nil {
		return err
	}
	res, err := c.SyncOnce(e.ctx)
	if oerr := e.out(res, func(w io.Writer) { printSync(w, res) }); oerr != nil {
		return oerr
	}
	if err != nil {
		return syncErr(err)
	}
	return unfinished(res)
}

// printSync says in plain words what one sync did.
func printSync(w io.Writer, res hallclient.Result) {
	fmt.Fprintf(w, "sent %d (accepted %d, conflicts %d, refused by the hall %d); received %d, catalog and calendar %d; %d round trips\n",
		res.Pushed, res.Accepted, res.Conflicts, res.Rejected, res.Pulled, res.Published, res.Rounds)
	fmt.Fprintf(w, "上传 %d 条（已接收 %d，冲突 %d，被拒 %d），下载 %d 条。\n", res.Pushed, res.Accepted, res.Conflicts, res.Rejected, res.Pulled)
	if b := res.Blobs; b.Uploaded+b.Present+b.Pending > 0 || b.Err != "" {
		fmt.Fprintf(w, "attachments: %d uploaded, %d already at the hall, %d waiting / 附件：已上传 %d，大厅已有 %d，待上传 %d\n",
			b.Uploaded, b.Present, b.Pending, b.Uploaded, b.Present, b.Pending)
	}
	if res.Conflicts+res.Rejected > 0 {
		fmt.Fprintln(w, "see `station conflict list` / 有冲突待处理，请查看冲突列表。")
	}
	if res.Upgrade {
		fmt.Fprintln(w, "a newer version is available; please upgrade / 有新版本，请尽快升级。")
	}
}

// unfinished is the error for a sync that ran but did not finish: the
// attachment upload failed or ran out of time, or the round-trip bound
// stopped it. Scripts see exit status 1 and the reason.
func unfinished(res hallclient.Result) error {
	switch b := res.Blobs; {
	case b.Err != "":
		return &domain.Error{Code: hallclient.CodeOffline, Message: fmt.Sprintf("events synced, but the attachment upload failed (%d waiting): %s", b.Pending, b.Err),
			Zh: fmt.Sprintf("记录已同步，但附件上传失败（%d 个待上传）：%s", b.Pending, b.ErrZh)}
	case b.Pending > 0:
		return &domain.Error{Code: hallclient.CodeOffline, Message: fmt.Sprintf("events synced, but %d attachments still wait: the time for attachments ran out; sync again", b.Pending),
			Zh: fmt.Sprintf("记录已同步，但还有 %d 个附件未上传完（本次上传时间已用完），请再次同步。", b.Pending)}
	case res.Partial:
		return &domain.Error{Code: hallclient.CodeOffline, Message: "more is waiting than one sync carries; sync again",
			Zh: "待同步的内容较多，本次未能全部完成，请再次同步。"}
	}
	return nil
}

// cmdSyncQuarantine lists the events of pull pages this station could not
// apply and set aside, so the rest of its sync went on.
func cmdSyncQuarantine(e *env, args []string) error {
	fs := flag.NewFlagSet("sync quarantine", flag.ContinueOnError)
	if _, err := parse(fs, args, 0, ""); err != nil {
		return err
	}
	st, err := e.station()
	if err != nil {
		return err
	}
	list, err := st.QuarantineList(e.ctx, false, 1000)
	if err != nil {
		return err
	}
	return e.out(list, func(w io.Writer) {
		for _, q := range list {
			reported := "not yet reported / 未报告"
			if q.Reported {
				reported = "reported / 已报告大厅"
			}
			fmt.Fprintf(w, "%s  %s  case %s  from %s  seq %d  %s\n  %s\n  %s\n", q.At, q.Kind, q.CaseID, q.Office, q.HallSeq, reported, q.Reason, q.Zh)
		}
		fmt.Fprintf(w, "%d events set aside / 已隔离 %d 条\n", len(list), len(list))
	})
}

func cmdSyncStatus(e *env, args []string) error {
	fs := flag.NewFlagSet("sync status", flag.ContinueOnError)
	if _, err := parse(fs, args, 0, ""); err != nil {
		return err
	}
	st, err := e.station()
	if err != nil {
		return err
	}
	s, err := hallclient.StatusOf(e.ctx, st)
	if err != nil {
		return err
	}
	return e.out(s, func(w io.Writer) { printStatus(w, s) })
}

func printStatus(w io.Writer, s hallclient.Status) {
	when := func(t *time.Time) string {
		if t == nil {
			return "never / 从未"
		}
		return t.Local().Format("2006-01-02 15:04:05")
	}
	online := "offline / 离线"
	if s.Online {
		online = "online / 在线"
	}
	fmt.Fprintf(w, "station:        %s  hall: %s\n", s.Station, s.HallURL)
	fmt.Fprintf(w, "state:          %s (%s) %s\n", s.State, online, s.StateZh)
	fmt.Fprintf(w, "pending:        %d events, %d attachments / 待上传 %d 条，附件 %d 个\n", s.PendingEvents, s.PendingBlobs, s.PendingEvents, s.PendingBlobs)
	fmt.Fprintf(w, "conflicts:      %d open / 待处理冲突 %d 条\n", s.OpenConflicts, s.OpenConflicts)
	fmt.Fprintf(w, "cursor:         %d\n", s.Cursor)
	fmt.Fprintf(w, "last success:   %s / 上次成功\n", when(s.LastSuccess))
	if s.LastError != nil {
		fmt.Fprintf(w, "last error:     %s (%s)\n                %s\n", s.LastError.Message, s.LastError.At.Local().Format("2006-01-02 15:04:05"), s.LastError.Zh)
	}
	fmt.Fprintf(w, "clock skew:     %+.1f s (hall minus this PC)\n", float64(s.ClockSkewMS)/1000)
	if s.ClockNote != "" {
		fmt.Fprintf(w, "                %s\n                %s\n", s.ClockNote, s.ClockNoteZh)
	}
	if s.UpgradeAdvised {
		fmt.Fprintln(w, "upgrade:        a newer version is available / 有新版本，请升级")
	}
}

func cmdSyncRun(e *env, args []string) error {
	if _, err := parse(flag.NewFlagSet("sync run", flag.ContinueOnError), args, 0, ""); err != nil {
		return err
	}
	c, err := newClient(e)
	if err != nil {
		return err
	}
	c.Logger = support.Tee(slog.New(slog.NewTextHandler(e.stderr, nil)), e.logger())
	ctx, stop := signal.NotifyContext(e.ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Fprintln(e.stdout, "syncing until Ctrl-C / 正在同步，按 Ctrl-C 停止")
	if err := c.Run(ctx); err != nil {
		return syncErr(err)
	}
	return nil
}

func cmdBundleExport(e *env, args []string) error {
	fs := flag.NewFlagSet("bundle export", flag.ContinueOnError)
	budget := fs.String("attach-budget", "64MB", "attachments carried at most, e.g. 20MB (0: none)")
	pos, err := parse(fs, args, 1, "FILE")
	if err != nil {
		return err
	}
	n, err := parseSize(*budget)
	if err != nil {
		return err
	}
	if n == 0 {
		n = -1 // none
	}
	st, err := e.station()
	if err != nil {
		return err
	}
	res, err := bundle.Export(e.ctx, st, pos[0], bundle.ExportOptions{AttachBytes: n})
	if err != nil {
		return syncErr(err)
	}
	return e.out(res, func(w io.Writer) {
		fmt.Fprintf(w, "wrote %s: %d events, %d attachments (%s of %s allowed), %d bytes, bundle %s\n",
			res.File, res.Events, res.Attachments, sizeText(res.AttachmentBytes), sizeText(res.AttachBudget), res.Bytes, res.ID)
		fmt.Fprintf(w, "已导出 %d 条待同步记录、%d 个附件到 %s，请带到大厅导入。\n", res.Events, res.Attachments, res.File)
		if res.Left > 0 {
			fmt.Fprintf(w, "%d events did not fit; export again after the reply is imported / 还有 %d 条未能放入，导入回执后请再次导出。\n", res.Left, res.Left)
		}
		if len(res.AttachmentsLeft) > 0 {
			fmt.Fprintf(w, "%d attachments wait for the next bundle / 还有 %d 个附件留待下一个数据包：\n", len(res.AttachmentsLeft), len(res.AttachmentsLeft))
			for _, l := range res.AttachmentsLeft {
				fmt.Fprintf(w, "  %s  %8s  %s\n", l.SHA256[:16], sizeText(l.Size), leftText(l.Reason))
			}
		}
	})
}

// leftText says why an attachment stayed behind, and what to do.
func leftText(reason string) string {
	switch reason {
	case bundle.LeftTooLarge:
		return "larger than the budget: raise --attach-budget / 超过附件上限，请调大 --attach-budget"
	case bundle.LeftDamaged:
		return "file damaged on this PC: scan the material again / 本机文件已损坏，请重新扫描该材料"
	}
	return "did not fit: goes in the next bundle / 本次放不下，下次导出时携带"
}

// parseSize reads a byte count such as 64MB, 512KB, 1GB or 1048576.
func parseSize(v string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(v))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		m      int64
	}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSuffix(t, u.suffix), u.m
			break
		}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(t), 10, 64)
	if err != nil || n < 0 || n > (1<<40)/mult {
		return 0, domain.Errorf(domain.EInvalid, "大小格式不正确："+v+"（例如 64MB、512KB）。", "size %q: want a number with KB, MB or GB", v)
	}
	return n * mult, nil
}

// sizeText renders a byte count for people.
func sizeText(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func cmdBundleImport(e *env, args []string) error {
	pos, err := parse(flag.NewFlagSet("bundle import", flag.ContinueOnError), args, 1, "FILE")
	if err != nil {
		return err
	}
	st, err := e.station()
	if err != nil {
		return err
	}
	res, err := bundle.ImportReply(e.ctx, st, pos[0])
	if err != nil {
		return syncErr(err)
	}
	return e.out(res, func(w io.Writer) {
		if res.Already {
			fmt.Fprintf(w, "reply %s was imported before; nothing changed / 该回执已导入过，未作任何更改。\n", res.ID)
			return
		}
		if res.NothingNew {
			fmt.Fprintf(w, "reply %s holds nothing this station does not have already (a later reply or sync brought it): nothing new was applied\n", res.ID)
			fmt.Fprintln(w, "该回执中的内容本站都已有（之后的回执或同步已带来），没有新的内容。")
			return
		}
		fmt.Fprintf(w, "imported reply %s: %d accepted, %d conflicts, %d rejected, %d pulled, %d attachments confirmed, cursor %d\n",
			res.ID, res.Acks.Accepted, res.Acks.Conflicts, res.Acks.Rejected, res.Pulled, res.Attachments, res.Cursor)
		fmt.Fprintf(w, "已导入大厅回执：确认 %d 条，冲突 %d 条，被拒 %d 条，收到 %d 条，大厅已收到附件 %d 个。\n", res.Acks.Accepted, res.Acks.Conflicts, res.Acks.Rejected, res.Pulled, res.Attachments)
		for _, r := range res.AttachmentsRefused {
			fmt.Fprintf(w, "attachment %s refused by the hall: %s / 附件未被大厅接收：%s\n", r.SHA256[:16], r.Reason, r.Zh)
		}
	})
}

func cmdBundleRelay(e *env, args []string) error {
	pos, err := parse(flag.NewFlagSet("bundle relay", flag.ContinueOnError), args, 2, "SRC DST")
	if err != nil {
		return err
	}
	h, err := bundle.Relay(pos[0], pos[1])
	if err != nil {
		return syncErr(err)
	}
	return e.out(h, func(w io.Writer) {
		fmt.Fprintf(w, "copied %s bundle %s from %s to %s (%d bytes sealed; this station cannot read it)\n已转交 %s 发往 %s 的数据包（本站无法读取或修改其内容）。\n",
			h.Kind, h.ID, h.From, h.To, h.Size, h.From, h.To)
	})
}

func cmdAttach(e *env, args []string) error {
	fs := flag.NewFlagSet("attach", flag.ContinueOnError)
	material := fs.String("material", "", "material code on the case checklist")
	mimeType := fs.String("mime", "", "content type (default: from the file name)")
	pos, err := parse(fs, args, 2, "CASE FILE")
	if err != nil {
		return err
	}
	if *material == "" {
		return domain.Errorf(domain.EInvalid, "请用 --material 指定材料编号。", "attach: --material required")
	}
	st, a, err := e.actor()
	if err != nil {
		return err
	}
	f, err := os.Open(pos[1])
	if err != nil {
		return domain.Errorf(domain.EInvalid, "无法打开文件："+pos[1], "attach: %v", err)
	}
	defer f.Close()
	if *mimeType == "" {
		*mimeType = mime.TypeByExtension(filepath.Ext(pos[1]))
	}
	sha, err := st.ImportBlob(e.ctx, a, filepath.Base(pos[1]), *mimeType, f)
	if err != nil {
		return err
	}
	c, err := st.RecordMaterial(e.ctx, a, pos[0], app.MaterialInput{Code: *material, Collected: domain.CollectScan, Blobs: []string{sha}})
	if err != nil {
		return err
	}
	return e.out(map[string]string{"case": c.Number, "material": *material, "sha256": sha}, func(w io.Writer) {
		fmt.Fprintf(w, "attached %s to %s material %s (sha256 %s); it uploads with the next sync\n已将扫描件登记到办件 %s 的材料 %s，下次同步时上传。\n",
			filepath.Base(pos[1]), c.Number, *material, sha, c.Number, *material)
	})
}
