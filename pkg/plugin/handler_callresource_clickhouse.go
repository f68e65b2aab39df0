package plugin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/mlwatch/mlwatch/pkg/chsql"
	"github.com/mlwatch/mlwatch/pkg/source/clickhouse"
	"github.com/mlwatch/mlwatch/pkg/traces"
)

// clickhouseRoutes adds the ClickHouse pickers (databases, tables, columns,
// trace services). They answer like the Prometheus routes: the parameters
// limit, search, from and to, a bounded {"values", "truncated"} list, and
// 400 for what the user must fix, 502/504 for the server.
func (d *Datasource) clickhouseRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /clickhouse/databases", d.chList(chDatabases))
	mux.HandleFunc("GET /clickhouse/tables", d.chList(chTables))
	mux.HandleFunc("GET /clickhouse/columns", d.chList(chColumns))
	mux.HandleFunc("GET /traces/services", d.chList(traceServices))
}

// Bounds of one picker query on the server.
const (
	chListMaxBytes = 16 << 20
)

// chListing is a list for the editor; Columns is set for the columns route.
type chListing struct {
	values  []string
	columns []columnInfo
}

// columnInfo is one column as the editor needs it: its name, its
// ClickHouse type, and what it can be used for (numeric, time, string,
// other).
type columnInfo struct {
	Name string           `json:"name"`
	Type string           `json:"type"`
	Kind chsql.ColumnKind `json:"kind"`
}

type chLister func(ctx context.Context, d *Datasource, r *http.Request, p listParams) (chListing, error)

// chList adapts a ClickHouse lister to a route: parameters, bounds, errors.
func (d *Datasource) chList(list chLister) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if d.clickhouse == nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "the datasource has no ClickHouse host: set one in the datasource settings"})
			return
		}
		p, err := parseListParams(r)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), resourceTimeout)
		defer cancel()
		out, err := list(ctx, d, r, p)
		if err != nil {
			if userErr := inputError(err); userErr != "" {
				writeJSON(w, http.StatusBadRequest, map[string]string{"error": d.redactor.Redact(userErr)})
				return
			}
			d.writeError(w, err)
			return
		}
		if out.columns != nil {
			writeColumns(w, out.columns, p)
			return
		}
		writeList(w, out.values, p)
	}
}

// inputError is the message of an error the user must fix by changing a
// parameter, or "".
func inputError(err error) string {
	var (
		missing *missingParam
		ident   *chsql.IdentError
		tin     *traces.InputError
		schema  *traces.SchemaError
		notice  *notFound
	)
	switch {
	case errors.As(err, &missing), errors.As(err, &ident), errors.As(err, &tin), errors.As(err, &schema), errors.As(err, &notice):
		return err.Error()
	}
	return ""
}

// notFound is a database or table that does not exist.
type notFound struct{ msg string }

func (e *notFound) Error() string { return e.msg }

// chQuery runs one catalog query, read-only and bounded.
func (d *Datasource) chQuery(ctx context.Context, sql string, limit int) (*clickhouse.Result, error) {
	// No MaxExecutionTime: the datasource's timeout applies, lowered by
	// the route's deadline.
	res, err := d.clickhouse.Query(ctx, sql, clickhouse.Settings{MaxRows: int64(limit) + 1, MaxBytes: chListMaxBytes})
	if err != nil {
		return nil, fmt.Errorf("listing from ClickHouse: %w", err)
	}
	return res, nil
}

// database is the ?database= parameter, else the datasource's database.
func (d *Datasource) database(r *http.Request) string {
	if db := strings.TrimSpace(r.URL.Query().Get("database")); db != "" {
		return db
	}
	return d.settings.ClickHouse.Database
}

func chDatabases(ctx context.Context, d *Datasource, _ *http.Request, p listParams) (chListing, error) {
	res, err := d.chQuery(ctx, chsql.DatabasesSQL(p.search, p.limit), p.limit)
	if err != nil {
		return chListing{}, err
	}
	return chListing{values: firstColumn(res)}, nil
}

func chTables(ctx context.Context, d *Datasource, r *http.Request, p listParams) (chListing, error) {
	db := d.database(r)
	sql, err := chsql.TablesSQL(db, p.search, p.limit)
	if err != nil {
		return chListing{}, err
	}
	res, err := d.chQuery(ctx, sql, p.limit)
	if err != nil {
		return chListing{}, err
	}
	values := firstColumn(res)
	if len(values) == 0 && p.search == "" {
		exists, err := d.chQuery(ctx, chsql.DatabaseExistsSQL(db), 1)
		if err == nil && exists.Rows == 1 && exists.Columns[0].Int(0) == 0 {
			return chListing{}, &notFound{fmt.Sprintf("database %q does not exist (or this user cannot see it): pick one from the database list", db)}
		}
	}
	return chListing{values: values}, nil
}

func chColumns(ctx context.Context, d *Datasource, r *http.Request, p listParams) (chListing, error) {
	db := d.database(r)
	table := strings.TrimSpace(r.URL.Query().Get("table"))
	if table == "" {
		return chListing{}, &missingParam{"say which table: ?table=<name> (and ?database=<name> unless it is the datasource's database)"}
	}
	kind := chsql.ColumnKind(r.URL.Query().Get("kind"))
	switch kind {
	case "", chsql.KindNumeric, chsql.KindTime, chsql.KindString, chsql.KindOther:
	default:
		return chListing{}, &missingParam{fmt.Sprintf("unknown kind %q: use numeric, time, string or other", kind)}
	}
	sql, err := chsql.ColumnsSQL(db, table, p.search, maxListLimit)
	if err != nil {
		return chListing{}, err
	}
	res, err := d.chQuery(ctx, sql, maxListLimit)
	if err != nil {
		return chListing{}, err
	}
	names, types := res.Column("name"), res.Column("type")
	if names == nil || types == nil {
		return chListing{}, errors.New("ClickHouse answered the column list without name and type")
	}
	cols := make([]columnInfo, 0, res.Rows)
	for i := range res.Rows {
		c := columnInfo{Name: names.String(i), Type: types.String(i), Kind: chsql.KindOfType(types.String(i))}
		if kind == "" || c.Kind == kind {
			cols = append(cols, c)
		}
	}
	if res.Rows == 0 && p.search == "" {
		exists, err := chsql.TableExistsSQL(db, table)
		if err != nil {
			return chListing{}, err
		}
		n, err := d.chQuery(ctx, exists, 1)
		if err == nil && n.Rows == 1 && n.Columns[0].Int(0) == 0 {
			return chListing{}, &notFound{fmt.Sprintf("table %s.%s does not exist (or this user cannot see it): pick one from the table list", db, table)}
		}
	}
	return chListing{columns: cols}, nil
}

// traceServices lists service names from the span table: the schema,
// database and table come from the parameters, else from the datasource's
// trace defaults.
func traceServices(ctx context.Context, d *Datasource, r *http.Request, p listParams) (chListing, error) {
	q := r.URL.Query()
	def := d.settings.Defaults
	schema, db, table := q.Get("schema"), q.Get("database"), q.Get("table")
	if schema == "" {
		schema = def.TracesSchema
		if db == "" && table == "" {
			db, table = def.TracesDatabase, def.TracesTable
		}
	}
	src, err := traces.NewSource(schema, db, table)
	if err != nil {
		return chListing{}, err
	}
	cols, err := d.chQuery(ctx, src.ColumnsSQL(), maxColumnsRows)
	if err != nil {
		return chListing{}, err
	}
	if err := src.CheckServices(tracesResult(cols)); err != nil {
		return chListing{}, err
	}
	sql, err := src.ServicesSQL(p.from, p.to, p.search, p.limit)
	if err != nil {
		return chListing{}, err
	}
	res, err := d.chQuery(ctx, sql, p.limit)
	if err != nil {
		return chListing{}, err
	}
	return chListing{values: firstColumn(res)}, nil
}

// maxColumnsRows bounds the schema lookup of a span table.
const maxColumnsRows = 10_000

// tracesResult adapts a ClickHouse answer to the traces package's rows.
func tracesResult(res *clickhouse.Result) *traces.Result {
	out := &traces.Result{Names: make([]string, len(res.Columns)), Rows: make([][]any, res.Rows)}
	for j, c := range res.Columns {
		out.Names[j] = c.Name
	}
	for i := range out.Rows {
		row := make([]any, len(res.Columns))
		for j, c := range res.Columns {
			row[j] = c.Value(i)
		}
		out.Rows[i] = row
	}
	return out
}

func firstColumn(res *clickhouse.Result) []string {
	if len(res.Columns) == 0 {
		return nil
	}
	out := make([]string, res.Rows)
	for i := range out {
		out[i] = res.Columns[0].String(i)
	}
	return out
}

// writeColumns writes the columns in the table's order, bounded like
// writeList; values holds the names, so that any list picker can read it.
func writeColumns(w http.ResponseWriter, cols []columnInfo, p listParams) {
	truncated := len(cols) > p.limit
	if truncated {
		cols = cols[:p.limit]
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	writeJSON(w, http.StatusOK, map[string]any{"values": names, "columns": cols, "truncated": truncated})
}
