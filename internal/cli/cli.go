// Package cli is the one command-line framework of both binaries, station
// and hall, so that both behave alike:
//
//   - global flags (--json, and the program's own, such as --dir) are
//     accepted anywhere on the line, before or after the command;
//   - `PROGRAM help`, `--help` or `-h` anywhere lists every command, or
//     describes the command named;
//   - a list command takes --limit and --offset (Page), refuses values out
//     of range instead of clamping them, and reports the total (List);
//   - the exit status is 0 on success, 1 when anything failed (a command
//     that did part of its work prints what it did and still returns an
//     error), 2 for a command line that cannot be understood;
//   - errors are printed in English and Chinese (Report).
//
// A program registers its commands, each a name ("case list"), a usage line
// and a function, and calls Run. The framework holds no state between runs
// and imports nothing of either side.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"yizhan/domain"
)

// Command is one subcommand of a program.
type Command struct {
	// Name is the command's words, separated by single spaces: "case list".
	Name string
	// Usage is one line: arguments and flags, then ": " and what it does.
	Usage string
	// Run does the work. args are what follows the command's name, with
	// the global flags taken out.
	Run func(e *Env, args []string) error
}

// Env is what a command gets.
type Env struct {
	Ctx    context.Context
	Stdout io.Writer
	Stderr io.Writer
	// JSON is set by --json anywhere on the line: print machine-readable
	// output (Out, List).
	JSON bool
	// Command is the name of the command running.
	Command string
}

// App is a program: its commands and the flags it takes anywhere.
type App struct {
	// Name is the program's name in messages: "station", "hall".
	Name string
	// Synopsis is the usage line printed above the commands.
	Synopsis string
	// Globals are the flags accepted anywhere on the line (--json is
	// built in). Nil: none.
	Globals *flag.FlagSet
	// Footer is printed after the commands in the help (environment
	// variables, where the data lives).
	Footer string
	// Report prints an error; default ReportError.
	Report func(w io.Writer, err error)

	cmds map[string]Command
}

// Add registers commands. A name registered twice is a programming error.
func (a *App) Add(cs ...Command) {
	if a.cmds == nil {
		a.cmds = map[string]Command{}
	}
	for _, c := range cs {
		if _, dup := a.cmds[c.Name]; dup || c.Run == nil || c.Name == "" {
			panic("cli: bad or duplicate command " + c.Name)
		}
		a.cmds[c.Name] = c
	}
}

// Commands returns the registered command names in order.
func (a *App) Commands() []string {
	names := make([]string, 0, len(a.cmds))
	for n := range a.cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// UsageError is a command line that cannot be understood: exit status 2,
// with the usage of the command.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// Usagef returns a UsageError.
func Usagef(format string, args ...any) error {
	return &UsageError{Msg: fmt.Sprintf(format, args...)}
}

// Run runs one command line and returns the exit status.
func (a *App) Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	e := &Env{Ctx: ctx, Stdout: stdout, Stderr: stderr}
	rest, help, err := a.globals(args, e)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n\n", a.Name, err)
		a.usage(stderr)
		return 2
	}
	if len(rest) > 0 && rest[0] == "help" {
		rest, help = rest[1:], true
	}
	if len(rest) == 0 {
		if help {
			a.usage(stdout)
			return 0
		}
		a.usage(stderr)
		return 2
	}
	cmd, cargs, ok := a.lookup(rest)
	if !ok {
		if help {
			a.usage(stdout)
			return 0
		}
		fmt.Fprintf(stderr, "%s: unknown command %q\n\n", a.Name, strings.Join(rest, " "))
		a.usage(stderr)
		return 2
	}
	if help {
		fmt.Fprintf(stdout, "usage: %s %s %s\n", a.Name, cmd.Name, cmd.Usage)
		return 0
	}
	e.Command = cmd.Name
	err = cmd.Run(e, cargs)
	var ue *UsageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "%s %s: %s\n错误：命令行参数不正确。\nusage: %s %s %s\n", a.Name, cmd.Name, ue.Msg, a.Name, cmd.Name, cmd.Usage)
		return 2
	}
	report := a.Report
	if report == nil {
		report = ReportError
	}
	report(stderr, err)
	return 1
}

// globals takes --json, --help and the App's global flags out of args,
// wherever they are; "--" ends flags (everything after it is left as is).
func (a *App) globals(args []string, e *Env) (rest []string, help bool, err error) {
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			return append(rest, args[i:]...), help, nil
		}
		if len(arg) < 2 || arg[0] != '-' {
			rest = append(rest, arg)
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		switch name {
		case "json":
			e.JSON = true
			continue
		case "help", "h":
			help = true
			continue
		}
		var f *flag.Flag
		if a.Globals != nil {
			f = a.Globals.Lookup(name)
		}
		if f == nil {
			rest = append(rest, arg)
			continue
		}
		if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && bf.IsBoolFlag() && !hasValue {
			value = "true"
		} else if !hasValue {
			if i+1 >= len(args) {
				return nil, false, fmt.Errorf("flag --%s needs a value", name)
			}
			i++
			value = args[i]
		}
		if err := a.Globals.Set(name, value); err != nil {
			return nil, false, fmt.Errorf("flag --%s: %v", name, err)
		}
	}
	return rest, help, nil
}

// lookup finds the longest registered command name that prefixes args.
func (a *App) lookup(args []string) (Command, []string, bool) {
	for n := min(3, len(args)); n >= 1; n-- {
		if c, ok := a.cmds[strings.Join(args[:n], " ")]; ok {
			return c, args[n:], true
		}
	}
	return Command{}, nil, false
}

// usage lists every command.
func (a *App) usage(w io.Writer) {
	fmt.Fprintf(w, "usage: %s\n\ncommands:\n", a.Synopsis)
	for _, n := range a.Commands() {
		fmt.Fprintf(w, "  %-22s %s\n", n, a.cmds[n].Usage)
	}
	fmt.Fprintf(w, "\nEvery command takes --json (machine-readable output) and --help, anywhere on the line.\n")
	if a.Footer != "" {
		fmt.Fprintln(w, a.Footer)
	}
}

// ReportError prints an error in both languages: the English for logs and
// scripts, the Chinese for the clerk at the terminal; the detail of an
// unexpected failure too, since a command line is where support looks.
func ReportError(w io.Writer, err error) {
	fmt.Fprintf(w, "error: %s\n", domain.ErrorMessage(err))
	if domain.ErrorCode(err) == domain.EInternal {
		fmt.Fprintf(w, "detail: %v\n", err)
	}
	fmt.Fprintf(w, "错误：%s\n", domain.ZhMessage(err))
}

// Out prints v as indented JSON with --json, else calls human.
func (e *Env) Out(v any, human func(w io.Writer)) error {
	if e.JSON {
		return PrintJSON(e.Stdout, v)
	}
	human(e.Stdout)
	return nil
}

// PrintJSON writes v as indented JSON, HTML characters unescaped.
func PrintJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// ParseFlags parses a command's flags, which may come before, between or
// after its positional arguments, and returns the positional ones; "--"
// ends the flags. want is how many positional arguments there must be at
// least, and most how many at most (-1: any); names describe them for the
// message.
func ParseFlags(fs *flag.FlagSet, args []string, want, most int, names string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, Usagef("%v", err)
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		if args[0] == "--" {
			pos = append(pos, args[1:]...)
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	switch {
	case len(pos) < want:
		return nil, Usagef("missing %s", names)
	case most >= 0 && len(pos) > most:
		return nil, Usagef("too many arguments: %s", strings.Join(pos[most:], " "))
	}
	return pos, nil
}
