// Package traces reads spans that the OpenTelemetry collector's ClickHouse
// exporter (table otel_traces) or SigNoz (signoz_index_v3) wrote: it
// writes the SQL for a trace search and for one trace by id, and turns the
// answers into Grafana frames (a search table, and the trace frame that
// Grafana's trace view and the mlwatch waterfall panel read).
//
// Every value from a query (service, span name, attribute keys and values,
// trace id) reaches the SQL only as a quoted string literal or a number;
// database and table names must be plain identifiers and are quoted too.
package traces

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// InputError is a problem with one input field, in words a user can act
// on.
type InputError struct {
	Field   string
	Message string
}

func (e *InputError) Error() string { return e.Field + ": " + e.Message }

func inputErr(field, format string, args ...any) error {
	return &InputError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// Literal quotes s as a ClickHouse string literal. Backslash and quote are
// escaped, and so are control characters, so that the literal is one line
// and the server reads back exactly s. Invalid UTF-8 is rejected by the
// validators before it gets here; Literal still escapes every byte it
// cannot print.
func Literal(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\\':
			b.WriteString(`\\`)
		case '\'':
			b.WriteString(`\'`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case 0:
			b.WriteString(`\0`)
		default:
			if c < 0x20 || c == 0x7f {
				fmt.Fprintf(&b, `\x%02X`, c)
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte('\'')
	return b.String()
}

var identRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Ident quotes a validated database, table or column name with backticks.
// Names with `$` (SigNoz's materialised columns) are allowed here since
// they are fixed in this package, never user input.
func Ident(name string) string {
	return "`" + strings.ReplaceAll(name, "`", "``") + "`"
}

// ValidIdent checks a user-supplied database or table name: letters,
// digits and underscores, not starting with a digit.
func ValidIdent(field, name string) error {
	if !identRe.MatchString(name) || len(name) > 200 {
		return inputErr(field, "%q is not a plain ClickHouse name (letters, digits and _ only)", name)
	}
	return nil
}

var hexRe = regexp.MustCompile(`^[0-9a-fA-F]+$`)

// NormalizeTraceID validates a trace id and returns it as the exporters
// store it: 32 lower-case hex characters. 16-character ids (64-bit, from
// Jaeger or Zipkin clients) are left-padded with zeros, as OTLP does.
func NormalizeTraceID(id string) (string, error) {
	id = strings.TrimSpace(id)
	if id == "" {
		return "", inputErr("traces.traceId", "enter a trace id")
	}
	if !hexRe.MatchString(id) || (len(id) != 32 && len(id) != 16) {
		return "", inputErr("traces.traceId", "%q is not a trace id: use 32 (or 16) hexadecimal characters", shorten(id, 80))
	}
	id = strings.ToLower(id)
	if len(id) == 16 {
		id = strings.Repeat("0", 16) + id
	}
	if id == strings.Repeat("0", 32) {
		return "", inputErr("traces.traceId", "the all-zero trace id is invalid")
	}
	return id, nil
}

// maxText bounds service names, span names and attribute values.
const maxText = 4096

// validText checks free text that goes into a literal.
func validText(field, s string) error {
	if len(s) > maxText {
		return inputErr(field, "is longer than %d bytes", maxText)
	}
	if !utf8.ValidString(s) {
		return inputErr(field, "is not valid UTF-8 text")
	}
	for _, r := range s {
		if r < 0x20 && r != '\t' {
			return inputErr(field, "contains a control character")
		}
	}
	return nil
}

// nanos writes a time as a DateTime64(9) expression. The integer goes
// through toInt64 because fromUnixTimestamp64Nano takes Int64 only.
func nanos(t time.Time) string {
	return "fromUnixTimestamp64Nano(toInt64(" + strconv.FormatInt(t.UnixNano(), 10) + "))"
}

func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
