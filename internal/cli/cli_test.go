package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"strings"
	"testing"

	"yizhan/domain"
	"yizhan/internal/cli"
)

// program is a small App with a list command, a failing command and a
// command that does part of its work.
func program(dir *string) *cli.App {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.StringVar(dir, "dir", "", "data directory")
	app := &cli.App{Name: "demo", Synopsis: "demo [--dir DIR] COMMAND", Globals: fs}
	rows := []string{"a", "b", "c", "d", "e"}
	app.Add(
		cli.Command{Name: "thing list", Usage: "[--limit N] [--offset N]: list things", Run: func(e *cli.Env, args []string) error {
			fs := flag.NewFlagSet("thing list", flag.ContinueOnError)
			p := cli.PageFlags(fs, 2, 3)
			if _, err := cli.ParseFlags(fs, args, 0, 0, ""); err != nil {
				return err
			}
			if err := p.Check(); err != nil {
				return err
			}
			page := cli.Of(rows, p)
			return e.List(page, len(page), len(rows), p, func(w io.Writer) {})
		}},
		cli.Command{Name: "thing show", Usage: "ID: one thing", Run: func(e *cli.Env, args []string) error {
			pos, err := cli.ParseFlags(flag.NewFlagSet("thing show", flag.ContinueOnError), args, 1, 1, "ID")
			if err != nil {
				return err
			}
			return e.Out(map[string]string{"id": pos[0], "dir": *dir}, func(w io.Writer) {
				w.Write([]byte("thing " + pos[0] + " in " + *dir + "\n"))
			})
		}},
		cli.Command{Name: "fail", Usage: "always fails", Run: func(e *cli.Env, args []string) error {
			return domain.Errorf(domain.ENotFound, "找不到。", "not found")
		}},
		cli.Command{Name: "half", Usage: "does half and says so", Run: func(e *cli.Env, args []string) error {
			e.Out(map[string]int{"done": 1}, func(w io.Writer) { w.Write([]byte("did one of two\n")) })
			return errors.New("the second half failed")
		}},
	)
	return app
}

func TestConventions(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		code      int
		out, errs string // substrings wanted
		jsonTotal int    // >0: stdout is a ListOut with this total
		jsonItems int
	}{
		{name: "JSONFirst", args: []string{"--json", "thing", "list"}, jsonTotal: 5, jsonItems: 2},
		{name: "JSONLast", args: []string{"thing", "list", "--json"}, jsonTotal: 5, jsonItems: 2},
		{name: "JSONBetween", args: []string{"thing", "--json", "list", "--offset", "4"}, jsonTotal: 5, jsonItems: 1},
		{name: "GlobalAfterCommand", args: []string{"thing", "show", "X", "--dir", "/d"}, out: "thing X in /d"},
		{name: "GlobalWithEquals", args: []string{"--dir=/e", "thing", "show", "Y"}, out: "thing Y in /e"},
		{name: "LimitAtMax", args: []string{"thing", "list", "--limit", "3", "--json"}, jsonTotal: 5, jsonItems: 3},
		{name: "LimitOverMax", args: []string{"thing", "list", "--limit", "4"}, code: 2, errs: "out of range: 1 to 3"},
		{name: "LimitZero", args: []string{"thing", "list", "--limit", "0"}, code: 2, errs: "out of range"},
		{name: "OffsetNegative", args: []string{"thing", "list", "--offset", "-1"}, code: 2, errs: "out of range"},
		{name: "OffsetPastEnd", args: []string{"thing", "list", "--offset", "9"}, out: "there are 5"},
		{name: "HumanTotal", args: []string{"thing", "list"}, out: "1–2 of 5"},
		{name: "Help", args: []string{"--help"}, out: "thing list"},
		{name: "HelpWord", args: []string{"help"}, out: "half"},
		{name: "HelpOfCommand", args: []string{"thing", "show", "-h"}, out: "usage: demo thing show ID"},
		{name: "NoCommand", args: nil, code: 2, errs: "thing list"},
		{name: "UnknownCommand", args: []string{"frob"}, code: 2, errs: `unknown command "frob"`},
		{name: "MissingArgument", args: []string{"thing", "show"}, code: 2, errs: "missing ID"},
		{name: "TooManyArguments", args: []string{"thing", "show", "A", "B"}, code: 2, errs: "too many"},
		{name: "BadFlag", args: []string{"thing", "list", "--nope"}, code: 2, errs: "nope"},
		{name: "GlobalWithoutValue", args: []string{"thing", "show", "A", "--dir"}, code: 2, errs: "needs a value"},
		{name: "Failure", args: []string{"fail"}, code: 1, errs: "错误：找不到。"},
		{name: "PartFailed", args: []string{"half"}, code: 1, out: "did one of two", errs: "second half failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var dir string
			var out, errs bytes.Buffer
			code := program(&dir).Run(context.Background(), tt.args, &out, &errs)
			if code != tt.code || !strings.Contains(out.String(), tt.out) || !strings.Contains(errs.String(), tt.errs) {
				t.Fatalf("exit %d, want %d\nstdout %q (want %q)\nstderr %q (want %q)", code, tt.code, out.String(), tt.out, errs.String(), tt.errs)
			}
			if tt.jsonTotal > 0 {
				var l struct {
					Items []string `json:"items"`
					Total int      `json:"total"`
				}
				if err := json.Unmarshal(out.Bytes(), &l); err != nil || l.Total != tt.jsonTotal || len(l.Items) != tt.jsonItems {
					t.Fatalf("JSON %s: %v; want total %d, %d items", out.String(), err, tt.jsonTotal, tt.jsonItems)
				}
			}
		})
	}
}

func TestHelpListsEveryCommand(t *testing.T) {
	var dir string
	app := program(&dir)
	var out bytes.Buffer
	app.Run(context.Background(), []string{"help"}, &out, &out)
	for _, n := range app.Commands() {
		if !strings.Contains(out.String(), n) {
			t.Errorf("help lacks %q:\n%s", n, out.String())
		}
	}
}
