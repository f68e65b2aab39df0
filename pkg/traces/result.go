package traces

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"
)

// Result is a query answer: column names and rows of scalar values. The
// SQL of this package only selects strings and numbers (composite values
// such as attribute maps come as JSON text made by ClickHouse), so any
// client can carry it: values may be string, []byte, bool, any integer or
// float type, json.Number, time.Time or nil.
type Result struct {
	Names []string
	Rows  [][]any
	// Notices from the client (how the query was run), passed on to the
	// frame.
	Notices []string
}

// Index is the position of a column, or -1.
func (r *Result) Index(name string) int {
	for i, n := range r.Names {
		if n == name {
			return i
		}
	}
	return -1
}

// Str is a value as text ("" for NULL or a missing column).
func (r *Result) Str(row, col int) string {
	if col < 0 || col >= len(r.Rows[row]) {
		return ""
	}
	return text(r.Rows[row][col])
}

// Num is a value as a number (NaN for NULL, text that is not a number, or
// a missing column).
func (r *Result) Num(row, col int) float64 {
	if col < 0 || col >= len(r.Rows[row]) {
		return math.NaN()
	}
	return number(r.Rows[row][col])
}

func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []byte:
		return string(x)
	case json.Number:
		return x.String()
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(x), 'g', -1, 32)
	case bool:
		return strconv.FormatBool(x)
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}

func number(v any) float64 {
	switch x := v.(type) {
	case nil:
		return math.NaN()
	case float64:
		return x
	case float32:
		return float64(x)
	case int:
		return float64(x)
	case int8:
		return float64(x)
	case int16:
		return float64(x)
	case int32:
		return float64(x)
	case int64:
		return float64(x)
	case uint:
		return float64(x)
	case uint8:
		return float64(x)
	case uint16:
		return float64(x)
	case uint32:
		return float64(x)
	case uint64:
		return float64(x)
	case bool:
		if x {
			return 1
		}
		return 0
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return math.NaN()
		}
		return f
	case time.Time:
		return float64(x.UnixNano()) / 1e6
	}
	f, err := strconv.ParseFloat(text(v), 64)
	if err != nil {
		return math.NaN()
	}
	return f
}
