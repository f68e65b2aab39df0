package engine

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/mlwatch/mlwatch/pkg/chsql"
	"github.com/mlwatch/mlwatch/pkg/models"
	"github.com/mlwatch/mlwatch/pkg/source/clickhouse"
)

// This file resolves a ClickHouse drift or distribution query into a
// chInput: validated and quoted identifiers, the columns and types of the
// source (read from the server), rendered filters, and the features. The
// SQL builders (ch_sql.go) only ever see what chInput holds.

// chColumn is one column of a source.
type chColumn struct {
	Name, Type string
}

// chSchema is a source's columns in order.
type chSchema struct {
	cols  []chColumn
	types map[string]string
}

func newSchema(cols []chColumn) chSchema {
	s := chSchema{cols: cols, types: make(map[string]string, len(cols))}
	for _, c := range cols {
		s.types[c.Name] = c.Type
	}
	return s
}

func (s chSchema) has(name string) bool { _, ok := s.types[name]; return ok }

// names lists up to n column names, for messages.
func (s chSchema) names(n int) string {
	var out []string
	for i, c := range s.cols {
		if i == n {
			out = append(out, "…")
			break
		}
		out = append(out, c.Name)
	}
	return strings.Join(out, ", ")
}

// chFeature is one compared variable: a column of a wide source, or one
// value of the feature column of a long source.
type chFeature struct {
	Name string
	// Key is the feature's number in the SQL (1-based, stable for a query).
	Key int
	// Column is the quoted column of a wide source (empty for long).
	Column  string
	Numeric bool
}

// chSource is where the rows of one window come from.
type chSource struct {
	// table is `db`.`table` for a table source; sql is the user's SQL
	// (macros not yet expanded) for a SQL source.
	table string
	sql   string
	// label names the source in messages.
	label  string
	schema chSchema
	// filters are rendered conditions that apply to this source.
	filters []string
}

// chInput is a resolved ClickHouse query.
type chInput struct {
	current chSource
	// baseline is set when the reference is a table (Reference.Mode
	// "baseline").
	baseline *chSource
	// timeCol is the quoted time column and timeType its type; empty when
	// there is none (a baseline comparison of whole tables).
	timeCol, timeType string
	long              bool
	// featureCol and valueCol are the quoted columns of a long source;
	// numericValues says whether the value column is numeric.
	featureCol, valueCol string
	numericValues        bool
	// featureFilter restricts a long source to one feature (distribution).
	featureFilter string
	// features of a wide source (long sources discover theirs).
	features []chFeature
	notices  []string
}

// chQuerier runs queries and records them for the query inspector.
type chQuerier struct {
	client   clickhouse.Client
	limits   Limits
	executed []string
	notices  []string
}

func (q *chQuerier) run(ctx context.Context, sql string, maxRows int64) (*clickhouse.Result, error) {
	q.executed = append(q.executed, sql)
	s := clickhouse.Settings{MaxRows: maxRows, MaxBytes: q.limits.MaxBytes}
	res, err := q.client.Query(ctx, sql, s)
	if err != nil {
		return nil, err
	}
	for _, n := range res.Notices {
		q.notice(n)
	}
	return res, nil
}

func (q *chQuerier) notice(n string) {
	for _, have := range q.notices {
		if have == n {
			return
		}
	}
	q.notices = append(q.notices, n)
}

func fieldErr(field, format string, args ...any) error {
	return &models.QueryError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// identErr turns a refused identifier into a field error.
func identErr(field string, err error) error {
	var ie *chsql.IdentError
	if errors.As(err, &ie) {
		return fieldErr(field, "%s", ie.Error())
	}
	return err
}

// splitTable accepts "db.table" in the table field when no database is
// set, as people often type it.
func splitTable(db, table string) (string, string) {
	if db == "" && strings.Count(table, ".") == 1 {
		if i := strings.IndexByte(table, '.'); i > 0 && i < len(table)-1 {
			return table[:i], table[i+1:]
		}
	}
	return db, table
}

// resolveCH validates a query's ClickHouse input and reads the schema of
// its sources.
func resolveCH(ctx context.Context, qr *chQuerier, req Request, w Windows) (*chInput, error) {
	q := req.Query
	c := q.ClickHouse
	in := &chInput{long: c.Layout == "long"}
	var err error
	if c.SQL != "" {
		in.current.sql = c.SQL
		in.current.label = "the SQL query"
		if _, err := chsql.Subquery(c.SQL); err != nil {
			return nil, fieldErr("clickhouse.sql", "%v", err)
		}
	} else {
		db, table := splitTable(c.Database, c.Table)
		if in.current.table, err = chsql.Table(db, table); err != nil {
			return nil, identErr("clickhouse.table", err)
		}
		in.current.label = "table " + in.current.table
	}
	if err := validateIdents(q); err != nil {
		return nil, err
	}
	// The schema of the current source: DESCRIBE for a table (it lists
	// ALIAS and MATERIALIZED columns too), the header of an empty result
	// for SQL.
	macros := chsql.Macros{From: w.Current.From, To: w.Current.To, Interval: req.Interval}
	if in.current.schema, err = readSchema(ctx, qr, in.current, macros); err != nil {
		return nil, err
	}
	if c.TimeColumn != "" {
		t, ok := in.current.schema.types[c.TimeColumn]
		if !ok {
			return nil, fieldErr("clickhouse.timeColumn", "column %q does not exist in %s (columns: %s)", c.TimeColumn, in.current.label, in.current.schema.names(20))
		}
		if chsql.TimeKindOf(t) == chsql.NotTime {
			return nil, fieldErr("clickhouse.timeColumn", "column %q has type %s; pick a Date or DateTime column", c.TimeColumn, t)
		}
		in.timeCol, in.timeType = chsql.Quote(c.TimeColumn), t
	} else if !w.Baseline {
		return nil, fieldErr("clickhouse.timeColumn", "pick the time column, so that the windows can be selected")
	}
	if q.OverTime && in.timeCol == "" {
		return nil, fieldErr("clickhouse.timeColumn", "drift over time needs the time column")
	}
	if in.current.filters, err = renderFilters(c.Filters, in.current.schema, in.current.label, "clickhouse.filters"); err != nil {
		return nil, err
	}
	if err := in.resolveFeatures(q); err != nil {
		return nil, err
	}
	if w.Baseline {
		if err := in.resolveBaseline(ctx, qr, q); err != nil {
			return nil, err
		}
	}
	return in, nil
}

// reserved reports names that collide with mlwatch's own aliases.
func reserved(name string) bool { return strings.HasPrefix(name, "__") }

// validateIdents checks every picked name before anything is sent.
func validateIdents(q *models.Query) error {
	c := q.ClickHouse
	for _, f := range []struct{ field, name string }{{"clickhouse.timeColumn", c.TimeColumn}, {"clickhouse.featureColumn", c.FeatureColumn}, {"clickhouse.valueColumn", c.ValueColumn}} {
		if reserved(f.name) {
			return fieldErr(f.field, "column names starting with __ are reserved by mlwatch; give %q an alias in SQL", f.name)
		}
	}
	checks := []struct{ field, what, name string }{
		{"clickhouse.timeColumn", "time column", c.TimeColumn},
		{"clickhouse.featureColumn", "feature column", c.FeatureColumn},
		{"clickhouse.valueColumn", "value column", c.ValueColumn},
	}
	for _, ch := range checks {
		if ch.name == "" {
			continue
		}
		if err := chsql.ValidIdent(ch.what, ch.name); err != nil {
			return identErr(ch.field, err)
		}
	}
	for i, col := range c.Columns {
		// In a long layout Columns names features (values, not columns).
		if c.Layout == "long" {
			continue
		}
		if err := chsql.ValidIdent("column", col); err != nil {
			return identErr(fmt.Sprintf("clickhouse.columns[%d]", i), err)
		}
		if reserved(col) {
			return fieldErr(fmt.Sprintf("clickhouse.columns[%d]", i), "column names starting with __ are reserved by mlwatch; give %q an alias in SQL", col)
		}
	}
	for i, f := range c.Filters {
		if err := chsql.ValidIdent("filter column", f.Column); err != nil {
			return identErr(fmt.Sprintf("clickhouse.filters[%d].column", i), err)
		}
	}
	return nil
}

func readSchema(ctx context.Context, qr *chQuerier, src chSource, m chsql.Macros) (chSchema, error) {
	var sql string
	if src.sql != "" {
		from, err := expandSQL(src.sql, m)
		if err != nil {
			return chSchema{}, err
		}
		sql = "SELECT * FROM " + from + " LIMIT 0"
	} else {
		sql = "DESCRIBE TABLE " + src.table
	}
	res, err := qr.run(ctx, sql, 100_000)
	if err != nil {
		return chSchema{}, err
	}
	var cols []chColumn
	if src.sql != "" {
		for _, c := range res.Columns {
			cols = append(cols, chColumn{Name: c.Name, Type: c.Type})
		}
	} else {
		name, typ := res.Column("name"), res.Column("type")
		if name == nil || typ == nil {
			return chSchema{}, fmt.Errorf("DESCRIBE TABLE %s: unexpected answer without name and type", src.table)
		}
		for i := 0; i < res.Rows; i++ {
			cols = append(cols, chColumn{Name: name.String(i), Type: typ.String(i)})
		}
	}
	if len(cols) == 0 {
		return chSchema{}, fmt.Errorf("%s has no columns", src.label)
	}
	return newSchema(cols), nil
}

// expandSQL expands the macros of user SQL and wraps it as a subquery.
func expandSQL(sql string, m chsql.Macros) (string, error) {
	s, err := chsql.ExpandMacros(sql, m)
	if err != nil {
		return "", fieldErr("clickhouse.sql", "%v", err)
	}
	sub, err := chsql.Subquery(s)
	if err != nil {
		return "", fieldErr("clickhouse.sql", "%v", err)
	}
	return sub, nil
}

// renderFilters renders the builder's filters against a source's schema.
func renderFilters(filters []models.Filter, schema chSchema, label, field string) ([]string, error) {
	var out []string
	for i, f := range filters {
		t, ok := schema.types[f.Column]
		if !ok {
			return nil, fieldErr(fmt.Sprintf("%s[%d].column", field, i), "column %q does not exist in %s (columns: %s)", f.Column, label, schema.names(20))
		}
		cond, err := chsql.Condition(f.Column, f.Op, f.Value, t)
		if err != nil {
			return nil, fieldErr(fmt.Sprintf("%s[%d]", field, i), "%v", err)
		}
		out = append(out, cond)
	}
	return out, nil
}

// resolveFeatures fills the features of a wide source, or checks the
// feature and value columns of a long one.
func (in *chInput) resolveFeatures(q *models.Query) error {
	c := q.ClickHouse
	schema := in.current.schema
	if in.long {
		for _, f := range []struct{ field, name string }{{"clickhouse.featureColumn", c.FeatureColumn}, {"clickhouse.valueColumn", c.ValueColumn}} {
			if !schema.has(f.name) {
				return fieldErr(f.field, "column %q does not exist in %s (columns: %s)", f.name, in.current.label, schema.names(20))
			}
		}
		in.featureCol, in.valueCol = chsql.Quote(c.FeatureColumn), chsql.Quote(c.ValueColumn)
		in.numericValues = chsql.IsNumeric(schema.types[c.ValueColumn])
		if len(c.Columns) > 0 {
			// In a long layout, Columns lists the features to compare.
			lits := make([]string, len(c.Columns))
			for i, name := range c.Columns {
				lits[i] = chsql.String(name)
			}
			in.featureFilter = fmt.Sprintf("%s IN (%s)", in.featureCol, strings.Join(lits, ", "))
		}
		return nil
	}
	names := c.Columns
	if len(names) == 0 {
		// SQL without a column list: every column but the time column.
		for _, col := range schema.cols {
			if col.Name != c.TimeColumn {
				names = append(names, col.Name)
			}
		}
		if len(names) == 0 {
			return fieldErr("clickhouse.columns", "the SQL returns no column besides the time column")
		}
	}
	seen := map[string]bool{}
	for i, name := range names {
		if seen[name] {
			continue
		}
		seen[name] = true
		t, ok := schema.types[name]
		if !ok {
			return fieldErr(fmt.Sprintf("clickhouse.columns[%d]", i), "column %q does not exist in %s (columns: %s)", name, in.current.label, schema.names(20))
		}
		if err := chsql.ValidIdent("column", name); err != nil || reserved(name) {
			// A column of the user's SQL with a name the safe pattern
			// refuses: name it in the SQL with an alias.
			return fieldErr("clickhouse.sql", "column %q cannot be compared under this name; give it a simple alias in the SQL (letters, digits and _, not starting with __)", name)
		}
		in.features = append(in.features, chFeature{Name: name, Key: len(in.features) + 1, Column: chsql.Quote(name), Numeric: chsql.IsNumeric(t)})
	}
	return nil
}

// resolveBaseline reads the baseline table and checks that it has the
// columns the comparison needs. Filters apply to it when it has their
// columns; otherwise a notice says which were left out.
func (in *chInput) resolveBaseline(ctx context.Context, qr *chQuerier, q *models.Query) error {
	r := q.Reference
	db, table := splitTable(r.Database, r.Table)
	if db == "" && in.current.table != "" {
		db, _ = splitTable(q.ClickHouse.Database, q.ClickHouse.Table)
	}
	name, err := chsql.Table(db, table)
	if err != nil {
		return identErr("reference.table", err)
	}
	b := &chSource{table: name, label: "baseline table " + name}
	if b.schema, err = readSchema(ctx, qr, *b, chsql.Macros{}); err != nil {
		return err
	}
	var need []string
	if in.long {
		need = []string{q.ClickHouse.FeatureColumn, q.ClickHouse.ValueColumn}
	} else {
		for _, f := range in.features {
			need = append(need, f.Name)
		}
	}
	for _, n := range need {
		t, ok := b.schema.types[n]
		if !ok {
			return fieldErr("reference.table", "the baseline table %s has no column %q, which the comparison needs (its columns: %s)", name, n, b.schema.names(20))
		}
		if n == q.ClickHouse.FeatureColumn && in.long {
			continue
		}
		if cur := in.current.schema.types[n]; chsql.IsNumeric(cur) != chsql.IsNumeric(t) {
			return fieldErr("reference.table", "column %q is %s in %s but %s in the baseline table %s; both must be numbers, or both text", n, cur, in.current.label, t, name)
		}
	}
	var skipped []string
	for i, f := range q.ClickHouse.Filters {
		t, ok := b.schema.types[f.Column]
		if !ok {
			skipped = append(skipped, f.Column)
			continue
		}
		cond, err := chsql.Condition(f.Column, f.Op, f.Value, t)
		if err != nil {
			return fieldErr(fmt.Sprintf("clickhouse.filters[%d]", i), "%v", err)
		}
		b.filters = append(b.filters, cond)
	}
	if len(skipped) > 0 {
		sort.Strings(skipped)
		in.notices = append(in.notices, fmt.Sprintf("the filters on %s were not applied to the baseline table, which has no such column", strings.Join(skipped, ", ")))
	}
	in.baseline = b
	return nil
}

// hashColumns are the per-row expressions whose hash orders rows for
// deterministic sampling: the time (not for a baseline table, which has
// none) and every compared column of the query.
func (in *chInput) hashColumns(baseline bool) []string {
	var cols []string
	if in.timeCol != "" && !baseline {
		cols = append(cols, in.timeCol)
	}
	if in.long {
		return append(cols, "ifNull(toString("+in.featureCol+"), '')", in.valueExpr(in.valueCol, in.numericValues))
	}
	for _, f := range in.features {
		cols = append(cols, in.valueExpr(f.Column, f.Numeric))
	}
	return cols
}

// valueExpr normalises a column: numbers to Float64 with NULL as NaN,
// everything else to String with NULL as ”. Both sides of a UNION ALL
// then have the same types whatever the source types are.
func (in *chInput) valueExpr(col string, numeric bool) string {
	if numeric {
		return "ifNull(toFloat64(" + col + "), nan)"
	}
	return "ifNull(toString(" + col + "), '')"
}

// chWindow is a source and the time range to read, with the label (__w)
// of its rows.
type chWindow struct {
	// baseline reads the baseline table (no time filter).
	baseline bool
	// from..to is the time range; ignored when there is no time column.
	from, to time.Time
	// w is the SQL expression (Int64) that labels the window's rows: a
	// constant, or the over-time bucket of the row.
	w string
	// ref marks the reference window; bucketed windows label each row with
	// its over-time bucket.
	ref, bucketed bool
}

// chBranch is one SELECT of a UNION ALL: the rows of one window, with the
// columns __k (feature key), __w (window label), __v (value) and, when
// sampling, __h (row hash).
//
// A wide source has one branch per (feature, window): each reads one
// column, and the aggregate over it runs inside the branch. On ClickHouse
// 18.16 this is several times faster than turning the columns into rows
// with ARRAY JOIN, and the per-feature constants (bin edges) are literals.
// A long source has one branch per window; its feature names map to keys
// with transform (a hash table built once per query).
type chBranch struct {
	sql string
	// key is the feature of a wide branch (0 for long).
	key int
	win chWindow
}

// fromWhere renders "FROM src WHERE time AND filters" for a window.
func (in *chInput) fromWhere(win chWindow, interval time.Duration) (string, error) {
	src := in.current
	if win.baseline {
		src = *in.baseline
	}
	from := src.table
	if src.sql != "" {
		var err error
		if from, err = expandSQL(src.sql, chsql.Macros{From: win.from, To: win.to, Interval: interval}); err != nil {
			return "", err
		}
	}
	var conds []string
	if in.timeCol != "" && !win.baseline {
		tr, err := chsql.TimeRange(in.timeCol, in.timeType, win.from, win.to)
		if err != nil {
			return "", err
		}
		conds = append(conds, tr)
	}
	conds = append(conds, src.filters...)
	if in.featureFilter != "" {
		conds = append(conds, in.featureFilter)
	}
	if len(conds) == 0 {
		return "FROM " + from, nil
	}
	return "FROM " + from + " WHERE " + strings.Join(conds, " AND "), nil
}

// branches builds the branches of windows × features. names maps the
// feature names of a long source to keys; nil while discovering them (the
// key is then the name itself).
func (in *chInput) branches(wins []chWindow, feats []chFeature, names map[string]int, hash bool, interval time.Duration) ([]chBranch, error) {
	var out []chBranch
	for _, win := range wins {
		fw, err := in.fromWhere(win, interval)
		if err != nil {
			return nil, err
		}
		h := ""
		if hash {
			h = ", cityHash64(" + strings.Join(in.hashColumns(win.baseline), ", ") + ") AS __h"
		}
		if in.long {
			key := "ifNull(toString(" + in.featureCol + "), '')"
			var cond string
			if names == nil {
				cond = "__k != ''"
			} else {
				ns, ks := sortedNames(names)
				key = fmt.Sprintf("toUInt16(transform(%s, %s, %s, 0))", key, chsql.Strings(ns), chsql.Ints(ks))
				cond = "__k > 0"
			}
			sql := fmt.Sprintf("SELECT %s AS __k, %s AS __w, %s AS __v%s %s", key, win.w, in.valueExpr(in.valueCol, in.numericValues), h, fw)
			sql = "SELECT * FROM (" + sql + ") WHERE " + cond
			out = append(out, chBranch{sql: sql, win: win})
			continue
		}
		for _, f := range feats {
			sql := fmt.Sprintf("SELECT toUInt16(%d) AS __k, %s AS __w, %s AS __v%s %s", f.Key, win.w, in.valueExpr(f.Column, f.Numeric), h, fw)
			out = append(out, chBranch{sql: sql, key: f.Key, win: win})
		}
	}
	return out, nil
}

// countBranches count the rows of each window (missing values included):
// one per window for a wide source (all its features share the rows), per
// feature and window for a long one.
func (in *chInput) countBranches(wins []chWindow, names map[string]int, interval time.Duration) ([]chBranch, error) {
	if in.long {
		return in.branches(wins, nil, names, false, interval)
	}
	var out []chBranch
	for _, win := range wins {
		fw, err := in.fromWhere(win, interval)
		if err != nil {
			return nil, err
		}
		out = append(out, chBranch{sql: fmt.Sprintf("SELECT toUInt16(0) AS __k, %s AS __w, nan AS __v %s", win.w, fw), win: win})
	}
	return out, nil
}

func sortedNames(names map[string]int) ([]string, []int64) {
	ns := make([]string, 0, len(names))
	for n := range names {
		ns = append(ns, n)
	}
	sort.Strings(ns)
	ks := make([]int64, len(ns))
	for i, n := range ns {
		ks[i] = int64(names[n])
	}
	return ns, ks
}
