package chsql

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// FilterOps are the operators of the query builder's filters.
var FilterOps = []string{"=", "!=", "<", "<=", ">", ">=", "in", "not in", "like", "not like"}

// maxInValues bounds the list of an IN filter.
const maxInValues = 10_000

// Condition renders one filter: a validated, backquoted column, a
// whitelisted operator and an escaped value. colType is the column's
// ClickHouse type when known (""): numeric columns get numeric literals
// (a string "5" becomes 5), so the condition works on ClickHouse 18.16,
// which does not compare numbers with strings. A nil value with = or !=
// tests for NULL.
func Condition(column, op string, value any, colType string) (string, error) {
	col, err := Ident("filter column", column)
	if err != nil {
		return "", err
	}
	op = strings.ToLower(strings.Join(strings.Fields(op), " "))
	numeric := colType != "" && IsNumeric(colType)
	switch op {
	case "=", "!=", "<", "<=", ">", ">=":
		if value == nil {
			switch op {
			case "=":
				return fmt.Sprintf("isNull(%s)", col), nil
			case "!=":
				return fmt.Sprintf("isNotNull(%s)", col), nil
			}
			return "", fmt.Errorf("filter on %s: %s needs a value", column, op)
		}
		lit, err := Literal(value, numeric)
		if err != nil {
			return "", fmt.Errorf("filter on %s: %w", column, err)
		}
		return fmt.Sprintf("%s %s %s", col, op, lit), nil
	case "in", "not in":
		values, ok := value.([]any)
		if !ok {
			if value == nil {
				return "", fmt.Errorf("filter on %s: %s needs a list of values", column, op)
			}
			values = []any{value}
		}
		if len(values) > maxInValues {
			return "", fmt.Errorf("filter on %s: the list has %d values; at most %d are allowed", column, len(values), maxInValues)
		}
		if len(values) == 0 {
			// x IN () is a syntax error; the empty set matches nothing.
			if op == "in" {
				return "0", nil
			}
			return "1", nil
		}
		lits := make([]string, len(values))
		for i, v := range values {
			if lits[i], err = Literal(v, numeric); err != nil {
				return "", fmt.Errorf("filter on %s: %w", column, err)
			}
		}
		return fmt.Sprintf("%s %s (%s)", col, strings.ToUpper(op), strings.Join(lits, ", ")), nil
	case "like", "not like":
		s, ok := value.(string)
		if !ok {
			return "", fmt.Errorf("filter on %s: %s needs a text pattern such as %q", column, op, "fraud%")
		}
		return fmt.Sprintf("%s %s %s", col, strings.ToUpper(op), String(s)), nil
	}
	return "", fmt.Errorf("filter on %s: unknown operator %q; use one of %s", column, op, strings.Join(FilterOps, ", "))
}

// Literal renders a JSON value as a literal: strings are escaped (or parsed
// as numbers when numeric is set), numbers must be finite, booleans are 1
// and 0. Lists and objects are refused.
func Literal(v any, numeric bool) (string, error) {
	switch x := v.(type) {
	case string:
		if numeric {
			f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
			if err != nil {
				return "", fmt.Errorf("%q is not a number, and the column is numeric", x)
			}
			return number(f)
		}
		return String(x), nil
	case float64:
		return number(x)
	case float32:
		return number(float64(x))
	case int:
		return Int(int64(x)), nil
	case int64:
		return Int(x), nil
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return "", fmt.Errorf("%q is not a number", x.String())
		}
		return number(f)
	case bool:
		if x {
			return "1", nil
		}
		return "0", nil
	case nil:
		return "NULL", nil
	}
	return "", fmt.Errorf("a filter value must be text, a number or true/false, not %T", v)
}

// number writes integers without a fraction (so that they compare with
// integer columns exactly) and other values as floats.
func number(f float64) (string, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "", fmt.Errorf("the value %v is not a finite number", f)
	}
	if f == math.Trunc(f) && math.Abs(f) < 1<<53 {
		return strconv.FormatInt(int64(f), 10), nil
	}
	return Float(f)
}
