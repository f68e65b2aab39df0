package chsql

import (
	"strings"
)

// BaseType strips the Nullable and LowCardinality wrappers:
// "LowCardinality(Nullable(String))" is "String".
func BaseType(t string) string {
	t = strings.TrimSpace(t)
	for {
		switch {
		case strings.HasPrefix(t, "Nullable(") && strings.HasSuffix(t, ")"):
			t = strings.TrimSpace(t[len("Nullable(") : len(t)-1])
		case strings.HasPrefix(t, "LowCardinality(") && strings.HasSuffix(t, ")"):
			t = strings.TrimSpace(t[len("LowCardinality(") : len(t)-1])
		default:
			return t
		}
	}
}

// typeName is the name before any parameters: "DateTime64(3, 'UTC')" is
// "DateTime64".
func typeName(t string) string {
	t = BaseType(t)
	if i := strings.IndexByte(t, '('); i >= 0 {
		return t[:i]
	}
	return t
}

// IsNumeric reports integer, float and decimal types: the feature types
// compared as numbers. Bool is categorical, as in Evidently.
func IsNumeric(t string) bool {
	switch n := typeName(t); {
	case strings.HasPrefix(n, "Int"), strings.HasPrefix(n, "UInt"), strings.HasPrefix(n, "Float"), strings.HasPrefix(n, "Decimal"):
		// "Interval..." types are not features.
		return !strings.HasPrefix(n, "Interval")
	}
	return false
}

// TimeKind classifies a time column type.
type TimeKind int

const (
	NotTime    TimeKind = iota
	Date                // days; Date32 too
	DateTime            // seconds
	DateTime64          // sub-second ticks
)

// TimeKindOf returns the kind of a time column type.
func TimeKindOf(t string) TimeKind {
	switch typeName(t) {
	case "Date", "Date32":
		return Date
	case "DateTime":
		return DateTime
	case "DateTime64":
		return DateTime64
	}
	return NotTime
}

// IsDate32 reports Date32, which needs Int32 day arithmetic.
func IsDate32(t string) bool { return typeName(t) == "Date32" }
