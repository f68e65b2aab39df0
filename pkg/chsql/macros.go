package chsql

import (
	"fmt"
	"strings"
	"time"
)

// Macros are the values the $__ macros of free SQL expand to.
type Macros struct {
	From, To time.Time
	// Interval is the panel's suggested step; $__interval_s is at least 1.
	Interval time.Duration
}

// MacroNames lists the supported macros, for messages and editors.
var MacroNames = []string{"$__timeFilter(column)", "$__fromTime", "$__toTime", "$__interval_s"}

// ExpandMacros replaces the macros in user SQL:
//
//	$__timeFilter(expr)  expr >= toDateTime(<from>) AND expr < toDateTime(<to>)
//	$__fromTime          toDateTime(<from>)
//	$__toTime            toDateTime(<to>)
//	$__interval_s        the interval in whole seconds (at least 1)
//
// Times are Unix seconds rounded up, so that the window is exactly [from,
// to) for DateTime columns; the condition also works for DateTime64
// columns on current servers (at whole-second precision). The argument of
// $__timeFilter is copied as written (it is the user's own SQL), with
// balanced parentheses. Unknown $__ macros are errors, so that a typo does
// not reach the server as a confusing syntax error.
func ExpandMacros(sql string, m Macros) (string, error) {
	from := fmt.Sprintf("toDateTime(%d)", ceilSeconds(m.From))
	to := fmt.Sprintf("toDateTime(%d)", ceilSeconds(m.To))
	interval := int64(m.Interval / time.Second)
	if interval < 1 {
		interval = 1
	}
	var b strings.Builder
	rest := sql
	for {
		i := strings.Index(rest, "$__")
		if i < 0 {
			b.WriteString(rest)
			return b.String(), nil
		}
		b.WriteString(rest[:i])
		rest = rest[i:]
		name := macroName(rest)
		switch name {
		case "$__timeFilter":
			arg, n, err := macroArg(rest[len(name):])
			if err != nil {
				return "", fmt.Errorf("$__timeFilter: %w", err)
			}
			fmt.Fprintf(&b, "(%s >= %s AND %s < %s)", arg, from, arg, to)
			rest = rest[len(name)+n:]
		case "$__fromTime":
			b.WriteString(from)
			rest = rest[len(name):]
		case "$__toTime":
			b.WriteString(to)
			rest = rest[len(name):]
		case "$__interval_s":
			fmt.Fprintf(&b, "%d", interval)
			rest = rest[len(name):]
		default:
			return "", fmt.Errorf("unknown macro %s; supported: %s", name, strings.Join(MacroNames, ", "))
		}
	}
}

// macroName reads "$__" and the identifier after it.
func macroName(s string) string {
	n := 3
	for n < len(s) {
		c := s[n]
		if c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			n++
			continue
		}
		break
	}
	return s[:n]
}

// macroArg reads "(arg)" with balanced parentheses, returning the trimmed
// argument and the bytes consumed.
func macroArg(s string) (string, int, error) {
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	if i >= len(s) || s[i] != '(' {
		return "", 0, fmt.Errorf("expected a column in parentheses, as in $__timeFilter(timestamp)")
	}
	depth := 0
	for j := i; j < len(s); j++ {
		switch s[j] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				arg := strings.TrimSpace(s[i+1 : j])
				if arg == "" {
					return "", 0, fmt.Errorf("the column is missing, as in $__timeFilter(timestamp)")
				}
				return arg, j + 1, nil
			}
		}
	}
	return "", 0, fmt.Errorf("the closing parenthesis is missing")
}
