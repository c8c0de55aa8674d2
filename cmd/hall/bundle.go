package main

import (
	"flag"
	"fmt"
	"io"

	"yizhan/hall"
	"yizhan/hall/httpapi"
	"yizhan/sync/bundle"
)

func init() {
	register(command{"bundle import", "FILE --reply OUT: import a station's USB bundle (its scans checked by SHA-256) and write the sealed reply", cmdBundleImport})
}

// cmdBundleImport imports a station's USB bundle and writes the sealed
// reply, and says in plain words what came in.
func cmdBundleImport(e *env, args []string) error {
	fs := flag.NewFlagSet("bundle import", flag.ContinueOnError)
	reply := fs.String("reply", "", "where to write the reply bundle for the station")
	pos, err := parse(fs, args, 1, 1, "FILE")
	if err != nil {
		return err
	}
	if *reply == "" {
		return usageErr("--reply OUT is required: the station needs the reply")
	}
	svc, closeFn, err := e.open(hall.Config{})
	if err != nil {
		return err
	}
	defer closeFn()
	rep, err := bundle.HallImport(e.Ctx, httpapi.BundleSide(svc), pos[0], *reply)
	if err != nil {
		return err
	}
	return e.Out(rep, func(w io.Writer) { printImport(w, rep, *reply) })
}

// printImport says what a bundle import did, in English and Chinese.
func printImport(w io.Writer, rep *bundle.HallReport, reply string) {
	a, b := rep.Acks, rep.Attachments
	fmt.Fprintf(w, "bundle %s from station %s imported; the reply for the station is %s\n", rep.Bundle, rep.Station, reply)
	fmt.Fprintf(w, "events: %d received — %d accepted, %d already here, %d conflicts, %d refused\n",
		rep.Events, a.Accepted-a.Duplicates, a.Duplicates, a.Conflicts, a.Rejected)
	fmt.Fprintf(w, "attachments: %d stored (checked by SHA-256), %d already here, %d refused, %d still at the station\n",
		b.Stored, b.Present, b.Refused, b.Left)
	fmt.Fprintf(w, "the reply carries %d events for the station", rep.Pulled)
	if rep.More {
		fmt.Fprint(w, "; more are waiting: import the station's next bundle")
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "已导入站点 %s 的数据包：记录 %d 条（新接收 %d，已有 %d，冲突 %d，被拒 %d）；附件 %d 个已校验保存，%d 个已有，%d 个被拒，%d 个留在站点待下次。回执已写入 %s，请带回站点导入。\n",
		rep.Station, rep.Events, a.Accepted-a.Duplicates, a.Duplicates, a.Conflicts, a.Rejected, b.Stored, b.Present, b.Refused, b.Left, reply)
}
