package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"
)

// row is one line of the table: a figure, ours beside the peer's where one
// exists, their ratio and the goal it is held to.
type row struct {
	Section string `json:"section"`
	Figure  string `json:"figure"`
	Ours    string `json:"yizhan"`
	Peer    string `json:"peer,omitempty"`
	Ratio   string `json:"ratio,omitempty"`
	Goal    string `json:"goal,omitempty"`
	Status  string `json:"status,omitempty"` // met, short
	Load    string `json:"load,omitempty"`   // 1-minute load average when measured
}

type report struct {
	Started  time.Time `json:"started"`
	Mode     string    `json:"mode"`
	Command  string    `json:"command"`
	Machine  string    `json:"machine"`
	Rows     []row     `json:"rows"`
	Notes    []string  `json:"notes,omitempty"`
	Duration string    `json:"duration"`
}

func (r *report) add(x row) {
	if x.Load == "" {
		x.Load = loadAvg()
	}
	r.Rows = append(r.Rows, x)
	fmt.Fprintf(os.Stderr, "  %-58s %s", x.Figure, x.Ours)
	if x.Peer != "" {
		fmt.Fprintf(os.Stderr, " | peer %s | %s", x.Peer, x.Ratio)
	}
	if x.Status != "" {
		fmt.Fprintf(os.Stderr, " [%s]", x.Status)
	}
	fmt.Fprintln(os.Stderr)
}

func (r *report) note(format string, a ...any) { r.Notes = append(r.Notes, fmt.Sprintf(format, a...)) }

// loadAvg returns the 1-minute load average (Linux), for the table: the
// bench machine has two cores and is shared.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

func machine() string {
	s := fmt.Sprintf("%s/%s, %d CPUs, %s", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "model name") {
				if _, v, ok := strings.Cut(l, ":"); ok {
					s += ", " + strings.TrimSpace(v)
				}
				break
			}
		}
	}
	return s
}

// markdown writes the table as Markdown.
func (r *report) markdown(w io.Writer) {
	fmt.Fprintf(w, "Run %s (%s mode, %s), `%s`, took %s.\n\n", r.Started.Format("2006-01-02 15:04 MST"), r.Mode, r.Machine, r.Command, r.Duration)
	fmt.Fprintln(w, "| | figure | Yizhan | peer | ratio | goal | | load |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|")
	for _, x := range r.Rows {
		st := ""
		switch x.Status {
		case "met":
			st = "✅"
		case "short":
			st = "❌"
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", x.Section, x.Figure, x.Ours, x.Peer, x.Ratio, x.Goal, st, x.Load)
	}
	if len(r.Notes) > 0 {
		fmt.Fprintln(w)
		for _, n := range r.Notes {
			fmt.Fprintf(w, "- %s\n", n)
		}
	}
}

// text writes the table for a terminal.
func (r *report) text(w io.Writer) {
	fmt.Fprintf(w, "Yizhan bench, %s mode, %s, %s (took %s)\n", r.Mode, r.Started.Format("2006-01-02 15:04 MST"), r.Machine, r.Duration)
	width := []int{9, 10, 6, 6, 6, 6, 6, 5}
	cells := [][]string{{"section", "figure", "Yizhan", "peer", "ratio", "goal", "", "load"}}
	for _, x := range r.Rows {
		cells = append(cells, []string{x.Section, x.Figure, x.Ours, x.Peer, x.Ratio, x.Goal, x.Status, x.Load})
	}
	for _, c := range cells {
		for i, v := range c {
			width[i] = max(width[i], len([]rune(v)))
		}
	}
	for j, c := range cells {
		var b strings.Builder
		for i, v := range c {
			b.WriteString(v)
			b.WriteString(strings.Repeat(" ", width[i]-len([]rune(v))+2))
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
		if j == 0 {
			n := 0
			for _, x := range width {
				n += x + 2
			}
			fmt.Fprintln(w, strings.Repeat("-", n))
		}
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "* %s\n", n)
	}
}

// Formatting helpers.

func rate(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

func fnum(v float64) string {
	switch {
	case v >= 100:
		return commas(int64(v + 0.5))
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.2f", v)
	}
}

func commas(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func fbytes(n int64) string {
	switch {
	case n >= 10<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	case n >= 1<<20:
		return fmt.Sprintf("%.2f MB", float64(n)/1e6)
	case n >= 10_000:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	default:
		return fmt.Sprintf("%d B", n)
	}
}

func fdur(d time.Duration) string {
	switch {
	case d >= 10*time.Second:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d >= time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	case d >= 10*time.Millisecond:
		return fmt.Sprintf("%.0f ms", float64(d)/1e6)
	default:
		return fmt.Sprintf("%.2f ms", float64(d)/1e6)
	}
}

func ratio(a, b float64) string {
	if b == 0 {
		return ""
	}
	return fmt.Sprintf("%.2f×", a/b)
}

func status(ok bool) string {
	if ok {
		return "met"
	}
	return "short"
}
