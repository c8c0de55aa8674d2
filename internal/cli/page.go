package cli

import (
	"flag"
	"fmt"
	"io"
)

// Page is the --limit and --offset of a list command. Values out of range
// are refused (Check), never clamped: a script that asks for 501 rows and
// silently gets 50 draws wrong conclusions.
type Page struct {
	Limit  int
	Offset int
	max    int
}

// PageFlags registers --limit (default def, at most max) and --offset.
func PageFlags(fs *flag.FlagSet, def, max int) *Page {
	p := &Page{max: max}
	fs.IntVar(&p.Limit, "limit", def, fmt.Sprintf("rows to show, 1 to %d", max))
	fs.IntVar(&p.Offset, "offset", 0, "rows to skip")
	return p
}

// Check refuses a limit outside 1..max or a negative offset.
func (p *Page) Check() error {
	if p.Limit < 1 || p.Limit > p.max {
		return Usagef("--limit %d is out of range: 1 to %d", p.Limit, p.max)
	}
	if p.Offset < 0 {
		return Usagef("--offset %d is out of range: 0 or more", p.Offset)
	}
	return nil
}

// Of returns the page of all, for lists read whole.
func Of[T any](all []T, p *Page) []T {
	lo := min(p.Offset, len(all))
	hi := min(lo+p.Limit, len(all))
	return all[lo:hi]
}

// ListOut is the JSON of every list command: the rows shown and where they
// sit in the whole list.
type ListOut struct {
	Items  any `json:"items"`
	Total  int `json:"total"`
	Limit  int `json:"limit"`
	Offset int `json:"offset"`
}

// List prints a page of a list: with --json a ListOut of items (a slice;
// nil prints as []), otherwise human's rows and a line saying which rows of
// how many were shown. shown is len(items).
func (e *Env) List(items any, shown, total int, p *Page, human func(w io.Writer)) error {
	if e.JSON {
		if shown == 0 {
			items = []struct{}{}
		}
		return PrintJSON(e.Stdout, ListOut{Items: items, Total: total, Limit: p.Limit, Offset: p.Offset})
	}
	human(e.Stdout)
	switch {
	case total == 0:
		fmt.Fprintln(e.Stdout, "none / 无")
	case shown == 0:
		fmt.Fprintf(e.Stdout, "no rows from %d: there are %d / 共 %d 条，第 %d 条之后没有了\n", p.Offset+1, total, total, p.Offset)
	default:
		fmt.Fprintf(e.Stdout, "%d–%d of %d / 共 %d 条，显示第 %d–%d 条\n", p.Offset+1, p.Offset+shown, total, total, p.Offset+1, p.Offset+shown)
	}
	return nil
}
