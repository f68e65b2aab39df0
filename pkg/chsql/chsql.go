// Package chsql builds ClickHouse SQL safely: identifiers from pickers are
// validated and backquoted, values are escaped into literals, free SQL is
// only ever used as a subquery, and Grafana-style macros ($__timeFilter,
// $__fromTime, $__toTime, $__interval_s) are expanded.
//
// The SQL it writes runs on ClickHouse 18.16 and on current servers: it
// uses no function newer than 18.16 except where a column type only exists
// on newer servers (DateTime64, Date32), whose literals need newer functions
// anyway.
package chsql

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// maxIdentLen bounds identifiers; ClickHouse has no hard limit, but names
// longer than this are not picked from a list.
const maxIdentLen = 256

// identRe is the safe identifier pattern: letters, digits, underscore, and
// (after the first character) dots and hyphens, which appear in database
// names ("ml-features") and nested columns ("attrs.key"). Everything else
// (quotes, backquotes, spaces, semicolons, parentheses, backslashes,
// control characters, non-ASCII) is refused rather than escaped, so a name
// that reaches SQL is always one a user could have picked from a list.
var identRe = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.\-]*$`)

// IdentError says why a name was refused.
type IdentError struct {
	What string // "table", "column", ...
	Name string
}

func (e *IdentError) Error() string {
	name := e.Name
	if len(name) > 64 {
		name = name[:64] + "…"
	}
	if e.Name == "" {
		return fmt.Sprintf("the %s name is empty", e.What)
	}
	return fmt.Sprintf("%s name %q is not allowed: use letters, digits and _ (also . and - after the first character)", e.What, name)
}

// ValidIdent checks a name from a picker against the safe pattern.
func ValidIdent(what, name string) error {
	if name == "" || len(name) > maxIdentLen || !identRe.MatchString(name) || strings.Contains(name, "..") {
		return &IdentError{What: what, Name: name}
	}
	return nil
}

// Ident validates a name and returns it backquoted.
func Ident(what, name string) (string, error) {
	if err := ValidIdent(what, name); err != nil {
		return "", err
	}
	return Quote(name), nil
}

// Quote backquotes a name, escaping backslashes and backquotes. Names that
// passed ValidIdent contain neither; the escaping makes Quote safe on its
// own (for names read back from the server, such as the columns of a user's
// SQL).
func Quote(name string) string {
	var b strings.Builder
	b.Grow(len(name) + 2)
	b.WriteByte('`')
	for i := 0; i < len(name); i++ {
		switch c := name[i]; c {
		case '`', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			writeEscapedByte(&b, c)
		}
	}
	b.WriteByte('`')
	return b.String()
}

// Table returns `db`.`table`, or `table` when db is empty (the connection's
// default database).
func Table(db, table string) (string, error) {
	t, err := Ident("table", table)
	if err != nil {
		return "", err
	}
	if db == "" {
		return t, nil
	}
	d, err := Ident("database", db)
	if err != nil {
		return "", err
	}
	return d + "." + t, nil
}

// String returns a single-quoted string literal. Backslashes and quotes are
// escaped, and so are control bytes, so the literal is one line and cannot
// end early whatever the value holds.
func String(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\'', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			writeEscapedByte(&b, c)
		}
	}
	b.WriteByte('\'')
	return b.String()
}

func writeEscapedByte(b *strings.Builder, c byte) {
	if c < 0x20 || c == 0x7f {
		fmt.Fprintf(b, `\x%02X`, c)
		return
	}
	b.WriteByte(c)
}

// ErrNotFinite is returned for NaN and infinite numbers, which have no
// portable literal.
var ErrNotFinite = errors.New("the number is not finite")

// Float returns a numeric literal that parses back to exactly v (the
// shortest representation that round-trips; ClickHouse parses literals
// with strtod, which rounds correctly).
func Float(v float64) (string, error) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "", ErrNotFinite
	}
	s := strconv.FormatFloat(v, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eEn") {
		// An integer-looking literal would be typed UInt/Int; keep Float64
		// so that expressions over it stay floating point.
		s += ".0"
	}
	// Negative values stay plain literals ("-1.5") so that arrays of them
	// are literal arrays, which functions such as transform require; the
	// SQL builders always put a space or a comma before a literal, so "-"
	// never meets another "-" to start a comment.
	return s, nil
}

// MustFloat is Float for values known to be finite (edges computed from
// finite data).
func MustFloat(v float64) string {
	s, err := Float(v)
	if err != nil {
		panic(fmt.Sprintf("chsql.MustFloat(%v): %v", v, err))
	}
	return s
}

// Int returns an integer literal.
func Int(v int64) string { return strconv.FormatInt(v, 10) }

// Array renders an array literal from already-rendered elements. An empty
// array needs a type on ClickHouse 18.16, so empty gives emptyType's
// constructor (e.g. "emptyArrayFloat64()").
func Array(elems []string, emptyType string) string {
	if len(elems) == 0 {
		return "emptyArray" + emptyType + "()"
	}
	return "[" + strings.Join(elems, ", ") + "]"
}

// Floats renders a Float64 array literal.
func Floats(v []float64) string {
	elems := make([]string, len(v))
	for i, x := range v {
		elems[i] = MustFloat(x)
	}
	// Every element has a dot or an exponent (see Float), so the literal
	// array is Array(Float64).
	return Array(elems, "Float64")
}

// Ints renders an integer array literal (ClickHouse picks the smallest
// integer type that holds every element).
func Ints(v []int64) string {
	elems := make([]string, len(v))
	for i, x := range v {
		elems[i] = Int(x)
	}
	return Array(elems, "Int64")
}

// Strings renders a String array literal.
func Strings(v []string) string {
	elems := make([]string, len(v))
	for i, x := range v {
		elems[i] = String(x)
	}
	return Array(elems, "String")
}

// Subquery wraps free SQL so that it can only be a subquery: trailing
// semicolons are removed, and the SQL is placed on its own lines inside
// parentheses so that a trailing "-- comment" cannot swallow the closing
// parenthesis. ClickHouse refuses several statements in one request and
// anything but a SELECT inside parentheses, so the result is always one
// SELECT over the user's query, and the client sends it read-only.
func Subquery(sql string) (string, error) {
	s := strings.TrimSpace(sql)
	for strings.HasSuffix(s, ";") {
		s = strings.TrimSpace(strings.TrimSuffix(s, ";"))
	}
	if s == "" {
		return "", errors.New("the SQL is empty")
	}
	if strings.ContainsRune(s, 0) {
		return "", errors.New("the SQL contains a NUL byte")
	}
	if f := formatClause(s); f != "" {
		return "", fmt.Errorf("remove %q from the SQL: mlwatch chooses the output format itself", f)
	}
	return "(\n" + s + "\n)", nil
}

var formatRe = regexp.MustCompile(`(?i)\bFORMAT\s+[A-Za-z]+\s*$`)

// formatClause finds a trailing FORMAT clause, which is not allowed in a
// subquery and would otherwise give a syntax error far from its cause.
func formatClause(s string) string {
	return strings.TrimSpace(formatRe.FindString(s))
}
