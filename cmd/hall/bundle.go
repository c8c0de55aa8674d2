package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"yizhan/hall"
	"yizhan/sync/bundle"
	"yizhan/sync/hallserver"
)

// bundleCmd imports a station's USB bundle and writes the sealed reply.
func bundleCmd(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "import" {
		return usageErr("bundle import FILE --reply OUT")
	}
	fs := flag.NewFlagSet("bundle import", flag.ContinueOnError)
	var c common
	c.register(fs)
	reply := fs.String("reply", "", "where to write the reply bundle for the station")
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != 1 || *reply == "" {
		return usageErr("bundle import FILE --reply OUT")
	}
	svc, closeFn, err := c.open(ctx, hall.Config{})
	if err != nil {
		return err
	}
	defer closeFn()
	rep, err := bundle.HallImport(ctx, hallserver.BundleSide(svc), pos[0], *reply)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "bundle from %s imported; reply written to %s\n", rep.Station, *reply)
	fmt.Fprintf(stdout, "events %d (accepted %d, duplicates %d, conflicts %d, rejected %d); attachments stored %d, already held %d, refused %d, still at the station %d\n",
		rep.Events, rep.Acks.Accepted, rep.Acks.Duplicates, rep.Acks.Conflicts, rep.Acks.Rejected,
		rep.Attachments.Stored, rep.Attachments.Present, rep.Attachments.Refused, rep.Attachments.Left)
	return nil
}
