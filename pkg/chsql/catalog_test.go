package chsql

import (
	"errors"
	"strings"
	"testing"
)

func TestKindOfType(t *testing.T) {
	tests := []struct {
		typ  string
		want ColumnKind
	}{
		{"Float64", KindNumeric},
		{"Nullable(Int32)", KindNumeric},
		{"UInt64", KindNumeric},
		{"Decimal(18, 4)", KindNumeric},
		{"DateTime", KindTime},
		{"DateTime64(9, 'UTC')", KindTime},
		{"Nullable(Date)", KindTime},
		{"LowCardinality(String)", KindString},
		{"FixedString(16)", KindString},
		{"Enum8('a' = 1, 'b' = 2)", KindString},
		{"Array(Float64)", KindOther},
		{"Map(LowCardinality(String), String)", KindOther},
		{"IntervalSecond", KindOther},
	}
	for _, tt := range tests {
		if got := KindOfType(tt.typ); got != tt.want {
			t.Errorf("KindOfType(%q) = %s, want %s", tt.typ, got, tt.want)
		}
	}
}

func TestCatalogSQL(t *testing.T) {
	tests := []struct {
		name string
		sql  func() (string, error)
		want string
	}{
		{"databases", func() (string, error) { return DatabasesSQL("", 10), nil },
			"SELECT name FROM system.databases WHERE 1 ORDER BY name LIMIT 11"},
		{"databases with search", func() (string, error) { return DatabasesSQL("ML", 5), nil },
			"SELECT name FROM system.databases WHERE 1 AND position(lowerUTF8(name), 'ml') > 0 ORDER BY name LIMIT 6"},
		{"search is a literal", func() (string, error) { return DatabasesSQL(`x') > 0 OR 1=1 --\`, 5), nil },
			`SELECT name FROM system.databases WHERE 1 AND position(lowerUTF8(name), 'x\') > 0 or 1=1 --\\') > 0 ORDER BY name LIMIT 6`},
		{"tables", func() (string, error) { return TablesSQL("ml-features", "", 500) },
			"SELECT name FROM system.tables WHERE database = 'ml-features' ORDER BY name LIMIT 501"},
		{"columns", func() (string, error) { return ColumnsSQL("db", "t.v1", "", 500) },
			"SELECT name, type FROM system.columns WHERE database = 'db' AND table = 't.v1' LIMIT 501"},
		{"table exists", func() (string, error) { return TableExistsSQL("db", "t") },
			"SELECT count() AS n FROM system.tables WHERE database = 'db' AND name = 't'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.sql()
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

// TestCatalogRefusesInjection: names that are not identifiers never reach
// the SQL, whatever they hold.
func TestCatalogRefusesInjection(t *testing.T) {
	bad := []string{
		"", "db' OR '1'='1", "db`; DROP TABLE x", "x\\", "a b", "t;SELECT 1", "../etc", "x\n", "ñ",
		strings.Repeat("a", 300),
	}
	for _, name := range bad {
		for what, f := range map[string]func() (string, error){
			"tables db":     func() (string, error) { return TablesSQL(name, "", 1) },
			"columns db":    func() (string, error) { return ColumnsSQL(name, "t", "", 1) },
			"columns table": func() (string, error) { return ColumnsSQL("db", name, "", 1) },
			"exists table":  func() (string, error) { return TableExistsSQL("db", name) },
		} {
			sql, err := f()
			var ie *IdentError
			if !errors.As(err, &ie) {
				t.Errorf("%s %q: err = %v, sql = %s", what, name, err, sql)
			}
		}
	}
}
