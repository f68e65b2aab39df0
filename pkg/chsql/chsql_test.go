package chsql

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

func TestIdent(t *testing.T) {
	tests := []struct {
		name string
		want string // "" means refused
	}{
		{"features", "`features`"},
		{"ml-features", "`ml-features`"},
		{"attrs.key", "`attrs.key`"},
		{"_x1", "`_x1`"},
		{"1st", "`1st`"},
		{"", ""},
		{"a`b", ""},
		{"a`; DROP TABLE t; --", ""},
		{"t; DROP TABLE t", ""},
		{"a b", ""},
		{"a'b", ""},
		{`a"b`, ""},
		{`a\b`, ""},
		{"a(b)", ""},
		{"a\nb", ""},
		{"a\x00b", ""},
		{"-a", ""},
		{".a", ""},
		{"a..b", ""},
		{"é", ""},
		{strings.Repeat("a", 257), ""},
		{strings.Repeat("a", 256), "`" + strings.Repeat("a", 256) + "`"},
	}
	for _, tt := range tests {
		got, err := Ident("column", tt.name)
		if tt.want == "" {
			var ie *IdentError
			if !errors.As(err, &ie) {
				t.Errorf("Ident(%q) = %q, %v; want refusal", tt.name, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Ident(%q) = %q, %v; want %q", tt.name, got, err, tt.want)
		}
	}
}

func TestQuoteEscapes(t *testing.T) {
	tests := map[string]string{
		"plain":    "`plain`",
		"a`b":      "`a\\`b`",
		`a\b`:      "`a\\\\b`",
		"a\nb":     "`a\\x0Ab`",
		"a\x00b":   "`a\\x00b`",
		"`; DROP ": "`\\`; DROP `",
	}
	for in, want := range tests {
		if got := Quote(in); got != want {
			t.Errorf("Quote(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestTable(t *testing.T) {
	if got, err := Table("db", "t"); err != nil || got != "`db`.`t`" {
		t.Errorf("Table = %q, %v", got, err)
	}
	if got, err := Table("", "t"); err != nil || got != "`t`" {
		t.Errorf("Table without db = %q, %v", got, err)
	}
	if _, err := Table("db`", "t"); err == nil || !strings.Contains(err.Error(), "database name") {
		t.Errorf("bad database accepted: %v", err)
	}
	if _, err := Table("db", "t;"); err == nil || !strings.Contains(err.Error(), "table name") {
		t.Errorf("bad table accepted: %v", err)
	}
}

func TestString(t *testing.T) {
	tests := map[string]string{
		"fraud":               `'fraud'`,
		"it's":                `'it\'s'`,
		`back\slash`:          `'back\\slash'`,
		`\'`:                  `'\\\''`,
		"x' OR '1'='1":        `'x\' OR \'1\'=\'1'`,
		"line\nbreak\ttab":    `'line\x0Abreak\x09tab'`,
		"nul\x00":             `'nul\x00'`,
		"ünïcode":             `'ünïcode'`,
		"'; DROP TABLE t; --": `'\'; DROP TABLE t; --'`,
	}
	for in, want := range tests {
		if got := String(in); got != want {
			t.Errorf("String(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestFloat(t *testing.T) {
	tests := []struct {
		v    float64
		want string
	}{
		{1, "1.0"}, {-2, "-2.0"}, {0.1, "0.1"}, {1e21, "1e+21"}, {-1.5e-7, "-1.5e-07"},
		{0.010997999999999999, "0.010997999999999999"}, {math.MaxFloat64, "1.7976931348623157e+308"},
	}
	for _, tt := range tests {
		got, err := Float(tt.v)
		if err != nil || got != tt.want {
			t.Errorf("Float(%v) = %q, %v; want %q", tt.v, got, err, tt.want)
		}
	}
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if _, err := Float(v); !errors.Is(err, ErrNotFinite) {
			t.Errorf("Float(%v) accepted", v)
		}
	}
}

func TestArrays(t *testing.T) {
	if got := Floats([]float64{1, -0.5}); got != "[1.0, -0.5]" {
		t.Errorf("Floats = %s", got)
	}
	if got := Floats(nil); got != "emptyArrayFloat64()" {
		t.Errorf("empty Floats = %s", got)
	}
	if got := Ints([]int64{1, -2}); got != "[1, -2]" {
		t.Errorf("Ints = %s", got)
	}
	if got := Strings([]string{"a", "b'c"}); got != `['a', 'b\'c']` {
		t.Errorf("Strings = %s", got)
	}
}

func TestSubquery(t *testing.T) {
	tests := []struct {
		sql, want, err string
	}{
		{"SELECT 1", "(\nSELECT 1\n)", ""},
		{"  SELECT 1 ;; ", "(\nSELECT 1\n)", ""},
		// A trailing comment cannot swallow the closing parenthesis.
		{"SELECT 1 -- note", "(\nSELECT 1 -- note\n)", ""},
		{"", "", "empty"},
		{" ; ", "", "empty"},
		{"SELECT 1 FORMAT JSON", "", "FORMAT JSON"},
		{"SELECT 1\x00", "", "NUL"},
	}
	for _, tt := range tests {
		got, err := Subquery(tt.sql)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("Subquery(%q) = %q, %v; want error with %q", tt.sql, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Subquery(%q) = %q, %v; want %q", tt.sql, got, err, tt.want)
		}
	}
}

func TestExpandMacros(t *testing.T) {
	m := Macros{From: time.Unix(1700000000, 500e6), To: time.Unix(1700003600, 0), Interval: 90 * time.Second}
	tests := []struct {
		sql, want, err string
	}{
		{"SELECT * FROM t WHERE $__timeFilter(ts)", "SELECT * FROM t WHERE (ts >= toDateTime(1700000001) AND ts < toDateTime(1700003600))", ""},
		{"WHERE $__timeFilter( toDateTime(ms / 1000) )", "WHERE (toDateTime(ms / 1000) >= toDateTime(1700000001) AND toDateTime(ms / 1000) < toDateTime(1700003600))", ""},
		{"$__fromTime, $__toTime, $__interval_s", "toDateTime(1700000001), toDateTime(1700003600), 90", ""},
		{"no macros", "no macros", ""},
		{"$__timeFilter", "", "parentheses"},
		{"$__timeFilter()", "", "missing"},
		{"$__timeFilter(ts", "", "closing"},
		{"$__timeFiltr(ts)", "", "unknown macro $__timeFiltr"},
	}
	for _, tt := range tests {
		got, err := ExpandMacros(tt.sql, m)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ExpandMacros(%q) = %q, %v; want error with %q", tt.sql, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ExpandMacros(%q) =\n %q, %v; want\n %q", tt.sql, got, err, tt.want)
		}
	}
	if got, _ := ExpandMacros("$__interval_s", Macros{Interval: 200 * time.Millisecond}); got != "1" {
		t.Errorf("sub-second interval = %s, want 1", got)
	}
}

func TestTimeRange(t *testing.T) {
	from, to := time.Unix(1700000000, 250e6).UTC(), time.Unix(1700086400, 0).UTC()
	tests := []struct {
		typ, want string
	}{
		{"DateTime", "`ts` >= toDateTime(1700000001) AND `ts` < toDateTime(1700086400)"},
		{"Nullable(DateTime('UTC'))", "`ts` >= toDateTime(1700000001) AND `ts` < toDateTime(1700086400)"},
		{"DateTime64(3)", "`ts` >= fromUnixTimestamp64Milli(toInt64(1700000000250)) AND `ts` < fromUnixTimestamp64Milli(toInt64(1700086400000))"},
		{"Date", "`ts` >= toDate('2023-11-15') AND `ts` < toDate('2023-11-16')"},
		{"Date32", "`ts` >= toDate32('2023-11-15') AND `ts` < toDate32('2023-11-16')"},
	}
	for _, tt := range tests {
		got, err := TimeRange("`ts`", tt.typ, from, to)
		if err != nil || got != tt.want {
			t.Errorf("TimeRange(%s) =\n %s, %v; want\n %s", tt.typ, got, err, tt.want)
		}
	}
	if _, err := TimeRange("`ts`", "UInt32", from, to); err == nil {
		t.Error("a UInt32 time column was accepted")
	}
	for typ, want := range map[string]string{
		"DateTime":      "toInt64(toUInt32(`ts`)) * 1000",
		"DateTime64(6)": "toInt64(toUnixTimestamp64Milli(`ts`))",
		"Date":          "toInt64(toUInt32(`ts`)) * 86400000",
		"Date32":        "toInt64(toInt32(`ts`)) * 86400000",
	} {
		if got, err := EpochMillis("`ts`", typ); err != nil || got != want {
			t.Errorf("EpochMillis(%s) = %s, %v", typ, got, err)
		}
	}
}

func TestTypes(t *testing.T) {
	numeric := []string{"Float64", "Nullable(Int8)", "UInt64", "Decimal(10, 2)", "LowCardinality(Nullable(Float32))", "Int128"}
	text := []string{"String", "LowCardinality(String)", "Enum8('a' = 1)", "Bool", "UUID", "DateTime", "IntervalSecond", "Array(Float64)"}
	for _, typ := range numeric {
		if !IsNumeric(typ) {
			t.Errorf("%s not numeric", typ)
		}
	}
	for _, typ := range text {
		if IsNumeric(typ) {
			t.Errorf("%s numeric", typ)
		}
	}
	if TimeKindOf("LowCardinality(Nullable(DateTime64(3, 'UTC')))") != DateTime64 || TimeKindOf("String") != NotTime {
		t.Error("TimeKindOf")
	}
}

func TestCondition(t *testing.T) {
	tests := []struct {
		col, op string
		value   any
		typ     string
		want    string
		err     string
	}{
		{"model", "=", "fraud", "String", "`model` = 'fraud'", ""},
		{"model", "!=", "it's", "String", "`model` != 'it\\'s'", ""},
		{"score", ">=", 0.5, "Float64", "`score` >= 0.5", ""},
		{"score", "<", "0.5", "Float64", "`score` < 0.5", ""},
		{"n", "=", 3.0, "UInt32", "`n` = 3", ""},
		{"n", "=", json.Number("-4"), "Int32", "`n` = -4", ""},
		{"flag", "=", true, "UInt8", "`flag` = 1", ""},
		{"model", "in", []any{"a", "b'c"}, "String", "`model` IN ('a', 'b\\'c')", ""},
		{"model", "NOT  IN", []any{"a"}, "String", "`model` NOT IN ('a')", ""},
		{"n", "in", []any{1.0, "2"}, "Int64", "`n` IN (1, 2)", ""},
		{"model", "in", []any{}, "String", "0", ""},
		{"model", "not in", []any{}, "String", "1", ""},
		{"model", "in", "a", "String", "`model` IN ('a')", ""},
		{"model", "like", "fr%", "String", "`model` LIKE 'fr%'", ""},
		{"model", "=", nil, "Nullable(String)", "isNull(`model`)", ""},
		{"model", "!=", nil, "Nullable(String)", "isNotNull(`model`)", ""},
		// Injection attempts: refused or quoted harmlessly.
		{"model", "=", "x' OR 1=1 --", "String", "`model` = 'x\\' OR 1=1 --'", ""},
		{"model", "=", `x\' OR 1=1 --`, "String", "`model` = 'x\\\\\\' OR 1=1 --'", ""},
		{"model`; DROP TABLE t", "=", "x", "String", "", "not allowed"},
		{"model", "= 1 OR 1 =", "x", "String", "", "unknown operator"},
		{"model", ";", "x", "String", "", "unknown operator"},
		{"score", ">", "1 OR 1=1", "Float64", "", "not a number"},
		{"score", ">", math.NaN(), "Float64", "", "finite"},
		{"model", "like", 5.0, "String", "", "text pattern"},
		{"model", "=", map[string]any{"a": 1}, "String", "", "must be text"},
		{"model", "in", []any{[]any{"nested"}}, "String", "", "must be text"},
		{"model", "<", nil, "String", "", "needs a value"},
	}
	for _, tt := range tests {
		got, err := Condition(tt.col, tt.op, tt.value, tt.typ)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("Condition(%q %q %v) = %q, %v; want error with %q", tt.col, tt.op, tt.value, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Condition(%q %q %v) = %q, %v; want %q", tt.col, tt.op, tt.value, got, err, tt.want)
		}
	}
}

// TestLiteralsStayLiterals checks that no escaped string can end its
// literal early: after the opening quote, an unescaped quote appears only
// at the end.
func TestLiteralsStayLiterals(t *testing.T) {
	inputs := []string{"'", "\\", "\\'", "''", "a\\\\'b", "\x00'", "'\n'", "`", "\\\\\\'"}
	for _, in := range inputs {
		lit := String(in)
		body := lit[1 : len(lit)-1]
		for i := 0; i < len(body); i++ {
			switch body[i] {
			case '\\':
				i++ // the escaped byte
			case '\'':
				t.Errorf("String(%q) = %s ends early at byte %d", in, lit, i+1)
			}
		}
	}
}
