// Command hallload is a load benchmark of the hall's sync API, not a test:
// it starts halls in-process on 127.0.0.1 (one on SQLite in a temporary
// directory, or one or two on one PostgreSQL database), enrols simulated
// stations, and has them sync concurrently: each station opens a case and
// walks it through a few steps, one sync per step, pulling what the hall
// sends back after each. It prints events/s and the median and 99th
// percentile latency of pushes and pulls for each configuration.
//
//	hallload [--stations 1000] [--events 4] [--concurrency 64] [--duration 100s]
//	         [--pg postgres://...] [--configs sqlite,pg1,pg2]
//
// --configs defaults to "sqlite", or to "pg2" (two hall instances on one
// database, requests alternating between them) when --pg is given. Each
// PostgreSQL configuration runs in a new schema that is dropped afterwards.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"text/tabwriter"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "hallload:", err)
		os.Exit(1)
	}
}

// options are the command line.
type options struct {
	Stations    int
	Events      int
	Concurrency int
	Duration    time.Duration
	PG          string
	Configs     []string
}

func parseOptions(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("hallload", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.Stations, "stations", 1000, "simulated stations")
	fs.IntVar(&o.Events, "events", 4, "events each station pushes (open, then steps of its case)")
	fs.IntVar(&o.Concurrency, "concurrency", 64, "stations syncing at once")
	fs.DurationVar(&o.Duration, "duration", 100*time.Second, "bound on each configuration's sync phase")
	fs.StringVar(&o.PG, "pg", os.Getenv("YIZHAN_PG_DSN"), "PostgreSQL server DSN ($YIZHAN_PG_DSN)")
	configs := fs.String("configs", "", "comma-separated: sqlite, pg1, pg2 (default sqlite, or pg2 with --pg)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if *configs == "" {
		*configs = "sqlite"
		if o.PG != "" && flagSet(fs, "pg") {
			*configs = "pg2"
		}
	}
	for _, c := range strings.Split(*configs, ",") {
		switch c = strings.TrimSpace(c); c {
		case "sqlite":
		case "pg1", "pg2":
			if o.PG == "" {
				return o, fmt.Errorf("config %s needs --pg or $YIZHAN_PG_DSN", c)
			}
		default:
			return o, fmt.Errorf("unknown config %q", c)
		}
		o.Configs = append(o.Configs, c)
	}
	if o.Stations < 1 || o.Events < 1 || o.Concurrency < 1 {
		return o, errors.New("--stations, --events and --concurrency must be positive")
	}
	return o, nil
}

func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseOptions(args, stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "hallload: %d stations x %d events, %d in flight, bound %v\n",
		o.Stations, o.Events, o.Concurrency, o.Duration)
	var results []result
	for _, c := range o.Configs {
		r, err := runConfig(ctx, o, c, stderr)
		if err != nil {
			return fmt.Errorf("%s: %w", c, err)
		}
		results = append(results, r)
	}
	printTable(stdout, results)
	return nil
}

func printTable(w io.Writer, rs []result) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "config\tstations\tevents\tsecs\tevents/s\tsyncs/s\tpush p50\tpush p99\tpull p50\tpull p99\tenrol/s\terrors\t")
	for _, r := range rs {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.1f\t%.0f\t%.0f\t%s\t%s\t%s\t%s\t%.0f\t%d\t\n", r.config, r.stations, r.events,
			r.elapsed.Seconds(), float64(r.events)/r.elapsed.Seconds(), float64(len(r.push)+len(r.pull))/r.elapsed.Seconds(),
			ms(pct(r.push, 50)), ms(pct(r.push, 99)), ms(pct(r.pull, 50)), ms(pct(r.pull, 99)),
			float64(r.stations)/r.enrolTime.Seconds(), r.errors)
	}
	tw.Flush()
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }
