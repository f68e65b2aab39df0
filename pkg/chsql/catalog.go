package chsql

import (
	"fmt"
	"strings"
)

// Catalog queries list databases, tables and columns from ClickHouse's
// system tables for the query editor's pickers. Names given by the caller
// are validated as identifiers (so that a picker never offers a path the
// drift query would refuse) and reach the SQL only as escaped string
// literals. Each list is bounded: the queries ask for limit+1 rows so that
// the caller can tell a cut list from a complete one. They run on
// ClickHouse 18.16 and on current servers.

// ColumnKind is how the editor may use a column.
type ColumnKind string

const (
	KindNumeric ColumnKind = "numeric"
	KindTime    ColumnKind = "time"
	KindString  ColumnKind = "string"
	KindOther   ColumnKind = "other"
)

// KindOfType classifies a ClickHouse column type for the pickers: numeric
// features, time columns, categorical (string-like) features, or other
// (arrays, maps, tuples...), which the drift query cannot read.
func KindOfType(t string) ColumnKind {
	switch {
	case IsNumeric(t):
		return KindNumeric
	case TimeKindOf(t) != NotTime:
		return KindTime
	}
	switch typeName(t) {
	case "String", "FixedString", "Enum8", "Enum16", "Enum", "Bool", "UUID", "IPv4", "IPv6":
		return KindString
	}
	return KindOther
}

// searchCond is a case-insensitive substring match on a name column.
func searchCond(col, search string) string {
	if search == "" {
		return ""
	}
	return fmt.Sprintf(" AND position(lowerUTF8(%s), %s) > 0", col, String(strings.ToLower(search)))
}

// DatabasesSQL lists database names.
func DatabasesSQL(search string, limit int) string {
	return fmt.Sprintf("SELECT name FROM system.databases WHERE 1%s ORDER BY name LIMIT %d", searchCond("name", search), limit+1)
}

// TablesSQL lists the tables (and views) of a database.
func TablesSQL(database, search string, limit int) (string, error) {
	if err := ValidIdent("database", database); err != nil {
		return "", err
	}
	return fmt.Sprintf("SELECT name FROM system.tables WHERE database = %s%s ORDER BY name LIMIT %d",
		String(database), searchCond("name", search), limit+1), nil
}

// ColumnsSQL lists a table's columns with their types, in the table's
// order.
func ColumnsSQL(database, table, search string, limit int) (string, error) {
	if err := ValidIdent("database", database); err != nil {
		return "", err
	}
	if err := ValidIdent("table", table); err != nil {
		return "", err
	}
	return fmt.Sprintf("SELECT name, type FROM system.columns WHERE database = %s AND table = %s%s LIMIT %d",
		String(database), String(table), searchCond("name", search), limit+1), nil
}

// TableExistsSQL counts the tables of this name (0 or 1), to tell "no such
// table" from "a table without columns that match".
func TableExistsSQL(database, table string) (string, error) {
	if err := ValidIdent("database", database); err != nil {
		return "", err
	}
	if err := ValidIdent("table", table); err != nil {
		return "", err
	}
	return fmt.Sprintf("SELECT count() AS n FROM system.tables WHERE database = %s AND name = %s", String(database), String(table)), nil
}

// DatabaseExistsSQL counts the databases of this name (0 or 1). The name
// is only ever a literal here, so any text is safe.
func DatabaseExistsSQL(database string) string {
	return fmt.Sprintf("SELECT count() AS n FROM system.databases WHERE name = %s", String(database))
}
