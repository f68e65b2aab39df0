package clickhouse

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mlwatch/mlwatch/pkg/diagnose"
)

// Settings bound one query. Every query is sent read-only (readonly=2,
// which still allows the settings below) with them; a zero field leaves
// the server's value.
type Settings struct {
	// MaxRows is max_result_rows with result_overflow_mode=throw: a larger
	// result is an error that says so, never a silently cut one. The
	// client also counts rows itself.
	MaxRows int64
	// MaxBytes is max_result_bytes; the client also stops reading an
	// answer larger than this.
	MaxBytes int64
	// MaxExecutionTime is max_execution_time. Zero means the datasource's
	// timeout; the context's deadline lowers it further.
	MaxExecutionTime time.Duration
}

// Kind is how a column's values are held in Go.
type Kind int

const (
	KindString Kind = iota // String, FixedString, Enum, UUID, IPs, Bool, arrays (as text) ...
	KindInt                // (U)Int8..64 (UInt64 above MaxInt64 becomes KindFloat)
	KindFloat              // Float32/64, Decimal, UInt64 that may overflow int64
	KindTime               // Date, Date32, DateTime, DateTime64
)

// Column is one result column: its name, its ClickHouse type, and its
// values in the slice that matches Kind. Nulls[i] marks a NULL (nil when
// the column has no NULL).
type Column struct {
	Name    string
	Type    string
	Kind    Kind
	Floats  []float64
	Ints    []int64
	Strings []string
	Times   []time.Time
	Nulls   []bool
}

// Result is the answer of a query.
type Result struct {
	Columns []*Column
	Rows    int
	// Notices say how the query was run when that matters to a user (for
	// example that the user's profile is read-only, so limits could not be
	// set on the server).
	Notices []string
}

// Column returns the column with this name, or nil.
func (r *Result) Column(name string) *Column {
	for _, c := range r.Columns {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// IsNull reports whether row i is NULL.
func (c *Column) IsNull(i int) bool { return c.Nulls != nil && c.Nulls[i] }

// Float returns row i as a number (NaN for NULL or text that is not a
// number).
func (c *Column) Float(i int) float64 {
	if c.IsNull(i) {
		return math.NaN()
	}
	switch c.Kind {
	case KindFloat:
		return c.Floats[i]
	case KindInt:
		return float64(c.Ints[i])
	case KindTime:
		return float64(c.Times[i].UnixMilli()) / 1000
	}
	f, err := strconv.ParseFloat(c.Strings[i], 64)
	if err != nil {
		return math.NaN()
	}
	return f
}

// Int returns row i as an integer (0 for NULL).
func (c *Column) Int(i int) int64 {
	if c.IsNull(i) {
		return 0
	}
	switch c.Kind {
	case KindInt:
		return c.Ints[i]
	case KindFloat:
		return int64(c.Floats[i])
	case KindTime:
		return c.Times[i].Unix()
	}
	n, _ := strconv.ParseInt(c.Strings[i], 10, 64)
	return n
}

// String returns row i as text ("" for NULL).
func (c *Column) String(i int) string {
	if c.IsNull(i) {
		return ""
	}
	switch c.Kind {
	case KindFloat:
		return strconv.FormatFloat(c.Floats[i], 'g', -1, 64)
	case KindInt:
		return strconv.FormatInt(c.Ints[i], 10)
	case KindTime:
		return c.Times[i].Format(time.RFC3339Nano)
	}
	return c.Strings[i]
}

// Value returns row i as float64, int64, string, time.Time or nil.
func (c *Column) Value(i int) any {
	if c.IsNull(i) {
		return nil
	}
	switch c.Kind {
	case KindFloat:
		return c.Floats[i]
	case KindInt:
		return c.Ints[i]
	case KindTime:
		return c.Times[i]
	}
	return c.Strings[i]
}

func (c *Column) len() int {
	switch c.Kind {
	case KindFloat:
		return len(c.Floats)
	case KindInt:
		return len(c.Ints)
	case KindTime:
		return len(c.Times)
	}
	return len(c.Strings)
}

// kindOf maps a ClickHouse type to how its values are held.
func kindOf(t string) Kind {
	base := baseType(t)
	name := base
	if i := strings.IndexByte(name, '('); i >= 0 {
		name = name[:i]
	}
	switch name {
	case "Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32":
		return KindInt
	case "UInt64", "Float32", "Float64", "Decimal", "Decimal32", "Decimal64", "Decimal128", "Decimal256":
		// UInt64 is read as int64 when it fits (see parseValue).
		if name == "UInt64" {
			return KindInt
		}
		return KindFloat
	case "Date", "Date32", "DateTime", "DateTime64":
		return KindTime
	}
	return KindString
}

func baseType(t string) string {
	t = strings.TrimSpace(t)
	for {
		switch {
		case strings.HasPrefix(t, "Nullable(") && strings.HasSuffix(t, ")"):
			t = t[len("Nullable(") : len(t)-1]
		case strings.HasPrefix(t, "LowCardinality(") && strings.HasSuffix(t, ")"):
			t = t[len("LowCardinality(") : len(t)-1]
		default:
			return t
		}
	}
}

func nullable(t string) bool {
	return strings.HasPrefix(t, "Nullable(") || strings.HasPrefix(t, "LowCardinality(Nullable(")
}

// typeLocation is the time zone named in a DateTime type ("DateTime('UTC')",
// "DateTime64(3, 'Europe/Berlin')"), or nil.
func typeLocation(t string) *time.Location {
	base := baseType(t)
	i := strings.IndexByte(base, '\'')
	j := strings.LastIndexByte(base, '\'')
	if i < 0 || j <= i {
		return nil
	}
	loc, err := time.LoadLocation(base[i+1 : j])
	if err != nil {
		return nil
	}
	return loc
}

// ClickHouse error codes that queries run into.
const (
	codeNoSuchColumn       = 16
	codeIllegalType        = 43
	codeUnknownIdentifier  = 47
	codeTypeMismatch       = 53
	codeUnknownTable       = 60
	codeSyntaxError        = 62
	codeTooManyRows        = 158
	codeTimeoutExceeded    = 159
	codeMemoryLimit        = 241
	codeQueryCancelled     = 394
	codeTooManyRowsOrBytes = 396
)

var (
	unknownTableRe  = regexp.MustCompile("[Tt]able ([^ ]+) (?:doesn't|does not) exist")
	unknownColumnRe = []*regexp.Regexp{
		regexp.MustCompile(`Missing columns: '([^']+)'`),
		regexp.MustCompile("Unknown (?:expression )?identifier:? `?([^`, ]+)`?"),
		regexp.MustCompile("There is no column `?([^` ]+)`? in"),
		regexp.MustCompile("No such column `?([^` ]+)`?"),
	}
	unknownDatabaseRe = regexp.MustCompile("Database `?([^` ]+)`? (?:doesn't|does not) exist")
)

// queryProblem turns an exception raised by a query into a message a user
// can act on. Every such error is the server's answer: downstream.
func queryProblem(t diagnose.Target, limits Settings, e serverError) *diagnose.Problem {
	where := fmt.Sprintf("%s at %s", t.System, t.Address)
	mk := func(k diagnose.Kind, format string, args ...any) *diagnose.Problem {
		return &diagnose.Problem{Kind: k, Message: fmt.Sprintf(format, args...), Downstream: true, Err: &ServerError{Code: e.Code, Message: e.Message}}
	}
	msg := firstLine(e.Message)
	switch e.Code {
	case codeUnknownTable:
		if m := unknownTableRe.FindStringSubmatch(msg); m != nil {
			return mk(diagnose.KindNotFound, "%s: table %s does not exist. Check the database and table names.", where, strings.TrimSuffix(m[1], "."))
		}
		return mk(diagnose.KindNotFound, "%s: unknown table: %s", where, msg)
	case codeUnknownDatabase:
		if m := unknownDatabaseRe.FindStringSubmatch(msg); m != nil {
			return mk(diagnose.KindNotFound, "%s: database %s does not exist. Check the database name.", where, strings.TrimSuffix(m[1], "."))
		}
		return mk(diagnose.KindNotFound, "%s: unknown database: %s", where, msg)
	case codeUnknownIdentifier, codeNoSuchColumn:
		for _, re := range unknownColumnRe {
			if m := re.FindStringSubmatch(msg); m != nil {
				return mk(diagnose.KindNotFound, "%s: column %s does not exist. Check the column names (%s).", where, m[1], shorten(msg, 300))
			}
		}
		return mk(diagnose.KindNotFound, "%s: unknown column: %s", where, shorten(msg, 300))
	case codeSyntaxError:
		return mk(diagnose.KindHTTPStatus, "%s: syntax error in the SQL: %s", where, shorten(msg, 500))
	case codeTimeoutExceeded:
		limit := "the time limit"
		if limits.MaxExecutionTime > 0 {
			limit = limits.MaxExecutionTime.String()
		}
		return mk(diagnose.KindTimeout, "%s: the query ran longer than %s (max_execution_time) and was stopped. Narrow the time range or the features, or raise the timeout in the datasource settings.", where, limit)
	case codeTooManyRowsOrBytes, codeTooManyRows:
		return mk(diagnose.KindHTTPStatus, "%s: %s Narrow the query or raise the limit.", where, limitText(limits, msg))
	case codeMemoryLimit:
		return mk(diagnose.KindHTTPStatus, "%s: the query needs more memory than the server allows (%s). Narrow the time range or the features.", where, shorten(msg, 200))
	case codeQueryCancelled:
		return mk(diagnose.KindCanceled, "%s: the query was cancelled.", where)
	case codeIllegalType, codeTypeMismatch:
		return mk(diagnose.KindHTTPStatus, "%s: a column has a type the query cannot use: %s", where, shorten(msg, 400))
	}
	return problemFromServer(t, "", e)
}

// limitText words a result-limit exception as "more than N rows".
func limitText(limits Settings, msg string) string {
	switch {
	case strings.Contains(msg, "max rows") && limits.MaxRows > 0:
		return fmt.Sprintf("the result has more than %d rows (the row limit).", limits.MaxRows)
	case strings.Contains(msg, "max bytes") && limits.MaxBytes > 0:
		return fmt.Sprintf("the result is larger than %d bytes (the size limit).", limits.MaxBytes)
	}
	return "the result is over the limit: " + shorten(msg, 200) + "."
}

// TooManyRows is the error for an answer over Settings.MaxRows seen by the
// client itself (when the server could not be told the limit).
func tooManyRows(t diagnose.Target, limits Settings) *diagnose.Problem {
	return &diagnose.Problem{Kind: diagnose.KindHTTPStatus, Downstream: true,
		Message: fmt.Sprintf("%s at %s: the result has more than %d rows (the row limit). Narrow the query or raise the limit.", t.System, t.Address, limits.MaxRows)}
}

func tooManyBytes(t diagnose.Target, limits Settings) *diagnose.Problem {
	return &diagnose.Problem{Kind: diagnose.KindHTTPStatus, Downstream: true,
		Message: fmt.Sprintf("%s at %s: the result is larger than %d bytes (the size limit). Narrow the query or raise the limit.", t.System, t.Address, limits.MaxBytes)}
}

// ServerError is a ClickHouse exception, kept inside the user-facing
// Problem so callers can test the code.
type ServerError struct {
	Code    int
	Message string
}

func (e *ServerError) Error() string { return fmt.Sprintf("code %d: %s", e.Code, e.Message) }

// readonlyNotice explains why server-side limits are missing.
const readonlyNotice = "the ClickHouse user's profile is read-only (readonly=1), so mlwatch cannot set max_execution_time and result limits on the server; it enforces the row and size limits itself, and the query may run on after a timeout. Give the user a profile with readonly=2 to let mlwatch bound its queries."

// isSettingsRefused reports the exception of a readonly=1 profile refusing
// any setting ("Cannot override setting (x) in readonly mode", "Cannot
// modify 'x' setting in readonly mode").
func isSettingsRefused(e serverError) bool {
	return e.Code == codeReadonly && strings.Contains(e.Message, "setting") && strings.Contains(e.Message, "readonly mode")
}

// executionTime resolves max_execution_time: the query's own, else the
// datasource timeout, lowered to what is left of the context's deadline.
func executionTime(s Settings, dsTimeout time.Duration, deadline time.Time, hasDeadline bool) time.Duration {
	d := s.MaxExecutionTime
	if d <= 0 {
		d = dsTimeout
	}
	if hasDeadline {
		if left := time.Until(deadline); left > 0 && (d <= 0 || left < d) {
			d = left
		}
	}
	if d > 0 && d < time.Second {
		d = time.Second
	}
	return d.Round(time.Second)
}

// settingsMap is the settings every query carries, as name → value.
// overflowMode says whether result_overflow_mode may be sent (the native
// protocol of old servers can only carry integer settings; throw is the
// default there).
func settingsMap(s Settings, execTime time.Duration, overflowMode bool) map[string]any {
	m := map[string]any{"readonly": 2}
	if execTime > 0 {
		m["max_execution_time"] = int(execTime / time.Second)
	}
	if s.MaxRows > 0 {
		m["max_result_rows"] = int(s.MaxRows)
	}
	if s.MaxBytes > 0 {
		m["max_result_bytes"] = int(s.MaxBytes)
	}
	if overflowMode && (s.MaxRows > 0 || s.MaxBytes > 0) {
		m["result_overflow_mode"] = "throw"
	}
	return m
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func shorten(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// queryState is what a client learns about the server across queries.
type queryState struct {
	// noSettings is set once the user's profile refused a setting
	// (readonly=1): queries then go without settings.
	noSettings atomic.Bool

	mu  sync.Mutex
	loc *time.Location
}

// query runs one SELECT through run, with settings unless the user's
// profile has refused them before; a first refusal (readonly=1) is
// remembered and the query sent again without settings, with a notice that
// the client enforces the limits itself. Errors are scrubbed of secrets.
func (s *queryState) query(r *diagnose.Redactor, run func(withSettings bool) (*Result, error)) (*Result, error) {
	withSettings := !s.noSettings.Load()
	res, err := run(withSettings)
	if withSettings && isRefusal(err) {
		s.noSettings.Store(true)
		res, err = run(false)
	}
	if err != nil {
		return nil, scrub(r, err)
	}
	if s.noSettings.Load() {
		res.Notices = append(res.Notices, readonlyNotice)
	}
	return res, nil
}

// location returns the cached server zone, asking ask() the first time (and
// again after a failure, which falls back to UTC meanwhile).
func (s *queryState) location(ask func() (string, error)) *time.Location {
	s.mu.Lock()
	loc := s.loc
	s.mu.Unlock()
	if loc != nil {
		return loc
	}
	name, err := ask()
	if err != nil {
		return time.UTC
	}
	loc, err = time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	s.mu.Lock()
	s.loc = loc
	s.mu.Unlock()
	return loc
}

// refusal is a readonly=1 profile refusing the query's settings.
type refusal struct{ e serverError }

func (r *refusal) Error() string { return r.e.Message }

func isRefusal(err error) bool {
	var r *refusal
	return errors.As(err, &r)
}
