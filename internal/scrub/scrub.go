// Package scrub keeps personal data out of logs and diagnostics: it masks
// resident ID numbers and mobile numbers wherever they appear, the names
// and numbers a station holds when it is given them, and the user's home
// folder in paths.
package scrub

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// Redacted replaces personal data in logs and diagnostics.
const Redacted = "[redacted]"

var (
	// Resident ID numbers (GB 11643, 18 characters; old 15-digit ones) and
	// mainland mobile numbers, not inside a longer run of digits (so UUIDs,
	// hashes, sequence numbers and timestamps survive).
	reID    = regexp.MustCompile(`(^|[^0-9A-Za-z])([1-9][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx]|[1-9][0-9]{7}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3})($|[^0-9A-Za-z])`)
	rePhone = regexp.MustCompile(`(^|[^0-9])(\+?86[ -]?)?(1[3-9][0-9][ -]?[0-9]{4}[ -]?[0-9]{4})($|[^0-9])`)
)

// Text masks resident ID numbers and mobile numbers in s.
func Text(s string) string {
	if !hasDigitRun(s, 11) {
		return s
	}
	s = replaceAll(reID, s)
	s = replaceAll(rePhone, s)
	return s
}

// replaceAll replaces the match while keeping the delimiters the pattern
// had to consume on both sides; it runs until nothing changes, because two
// numbers separated by one character share that character.
func replaceAll(re *regexp.Regexp, s string) string {
	for range 8 {
		out := re.ReplaceAllStringFunc(s, func(m string) string {
			sub := re.FindStringSubmatch(m)
			return sub[1] + Redacted + sub[len(sub)-1]
		})
		if out == s {
			return out
		}
		s = out
	}
	return s
}

func hasDigitRun(s string, n int) bool {
	run := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			run++
			if run >= n {
				return true
			}
		} else if s[i] != ' ' && s[i] != '-' {
			run = 0
		}
	}
	return false
}

// Scrubber masks a known list of personal strings (the names, ID numbers,
// phones and addresses a station holds) as well as anything Text finds.
type Scrubber struct {
	r *strings.Replacer
}

// New returns a scrubber for the given personal strings. Strings shorter
// than two characters are ignored: they would mask ordinary words.
func New(personal []string) *Scrubber {
	seen := map[string]bool{}
	var list []string
	for _, p := range personal {
		p = strings.TrimSpace(p)
		if utf8.RuneCountInString(p) < 2 || seen[p] {
			continue
		}
		seen[p] = true
		list = append(list, p)
	}
	// Longest first, so "张三丰" is masked whole before "张三" could match.
	sort.Slice(list, func(i, j int) bool { return len(list[i]) > len(list[j]) })
	var pairs []string
	for _, p := range list {
		pairs = append(pairs, p, Redacted)
	}
	return &Scrubber{r: strings.NewReplacer(pairs...)}
}

// String scrubs s.
func (sc *Scrubber) String(s string) string {
	if sc != nil && sc.r != nil {
		s = sc.r.Replace(s)
	}
	return Text(s)
}

// HomeRel shows a path with the user's home directory as "~": a Windows
// account name is often the clerk's real name.
func HomeRel(path string) string {
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return path
	}
	if path == home {
		return "~"
	}
	if rest, ok := strings.CutPrefix(path, home+string(filepath.Separator)); ok {
		return "~" + string(filepath.Separator) + rest
	}
	return path
}
