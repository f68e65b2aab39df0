package plugin

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/mlwatch/mlwatch/pkg/diagnose"
	"github.com/mlwatch/mlwatch/pkg/source/clickhouse"
)

// fakeCH answers catalog queries from canned rows and records the SQL.
type fakeCH struct {
	mu     sync.Mutex
	sqls   []string
	answer func(sql string) (*clickhouse.Result, error)
}

func (f *fakeCH) Version(context.Context) (string, error) { return "26.1", nil }
func (f *fakeCH) Close() error                            { return nil }
func (f *fakeCH) Query(_ context.Context, sql string, _ clickhouse.Settings) (*clickhouse.Result, error) {
	f.mu.Lock()
	f.sqls = append(f.sqls, sql)
	f.mu.Unlock()
	return f.answer(sql)
}

func strResult(cols []string, rows ...[]string) *clickhouse.Result {
	r := &clickhouse.Result{Rows: len(rows)}
	for j, name := range cols {
		c := &clickhouse.Column{Name: name, Type: "String", Kind: clickhouse.KindString}
		for _, row := range rows {
			c.Strings = append(c.Strings, row[j])
		}
		r.Columns = append(r.Columns, c)
	}
	return r
}

func countResult(n int64) *clickhouse.Result {
	return &clickhouse.Result{Rows: 1, Columns: []*clickhouse.Column{{Name: "n", Type: "UInt64", Kind: clickhouse.KindInt, Ints: []int64{n}}}}
}

func catalogAnswer(sql string) (*clickhouse.Result, error) {
	switch {
	case strings.Contains(sql, "FROM system.databases WHERE name ="):
		if strings.Contains(sql, "'ml'") {
			return countResult(1), nil
		}
		return countResult(0), nil
	case strings.Contains(sql, "FROM system.databases"):
		return strResult([]string{"name"}, []string{"default"}, []string{"ml"}, []string{"system"}), nil
	case strings.Contains(sql, "count() AS n FROM system.tables"):
		return countResult(0), nil
	case strings.Contains(sql, "FROM system.tables"):
		if strings.Contains(sql, "'ml'") {
			return strResult([]string{"name"}, []string{"features"}, []string{"training"}), nil
		}
		return strResult([]string{"name"}), nil
	case strings.Contains(sql, "SELECT table, name, type FROM system.columns"):
		return strResult([]string{"table", "name", "type"}, []string{"otel_traces", "Timestamp", "DateTime64(9)"}, []string{"otel_traces", "ServiceName", "LowCardinality(String)"}), nil
	case strings.Contains(sql, "FROM system.columns"):
		if strings.Contains(sql, "'features'") {
			return strResult([]string{"name", "type"}, []string{"ts", "DateTime"}, []string{"age", "Float64"}, []string{"country", "LowCardinality(String)"}, []string{"n", "Nullable(UInt32)"}), nil
		}
		return strResult([]string{"name", "type"}), nil
	case strings.Contains(sql, "mlw_service"):
		return strResult([]string{"mlw_service"}, []string{"fraud-scoring"}, []string{"rag-api"}), nil
	}
	return nil, errors.New("unexpected SQL: " + sql)
}

func callResource(t *testing.T, d *Datasource, path string) (int, map[string]any) {
	t.Helper()
	status, body, _ := callResourceRaw(t, d, path)
	return status, body
}

func callResourceRaw(t *testing.T, d *Datasource, path string) (int, map[string]any, string) {
	t.Helper()
	var resp *backend.CallResourceResponse
	err := d.CallResource(context.Background(), &backend.CallResourceRequest{Method: "GET", Path: strings.SplitN(path, "?", 2)[0], URL: path},
		backend.CallResourceResponseSenderFunc(func(r *backend.CallResourceResponse) error { resp = r; return nil }))
	if err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	if err := json.Unmarshal(resp.Body, &body); err != nil {
		t.Fatalf("%s: %s", path, resp.Body)
	}
	return resp.Status, body, string(resp.Body)
}

func newCHDatasource(t *testing.T, fake *fakeCH, jsonData string) *Datasource {
	t.Helper()
	d := newDatasource([]byte(jsonData), map[string]string{"clickhousePassword": "ch-SECRET-pw"})
	if d.settingsErr != nil {
		t.Fatal(d.settingsErr)
	}
	d.clickhouse = fake
	d.engine.ClickHouse = fake
	return d
}

func TestClickHouseRoutes(t *testing.T) {
	tests := []struct {
		name, path string
		status     int
		body       string // a substring of the JSON body
		sql        string // a substring of the last SQL sent
	}{
		{"databases", "clickhouse/databases", 200, `"values":["default","ml","system"]`, "LIMIT 501"},
		{"databases search and limit", "clickhouse/databases?search=M&limit=2", 200, `"truncated":false`, "position(lowerUTF8(name), 'm') > 0 ORDER BY name LIMIT 3"},
		{"databases limit cuts", "clickhouse/databases?limit=2", 200, `"truncated":true`, "LIMIT 3"},
		{"tables of a database", "clickhouse/tables?database=ml", 200, `"values":["features","training"]`, "database = 'ml'"},
		{"tables default to the datasource's database", "clickhouse/tables", 400, `database \"mlw\" does not exist`, "name = 'mlw'"},
		{"tables: injection refused", "clickhouse/tables?database=ml'%20OR%201=1%20--", 400, "database name", ""},
		{"tables: backquote refused", "clickhouse/tables?database=a%60b", 400, "database name", ""},
		{"columns with kinds", "clickhouse/columns?database=ml&table=features", 200,
			`"columns":[{"name":"ts","type":"DateTime","kind":"time"},{"name":"age","type":"Float64","kind":"numeric"},{"name":"country","type":"LowCardinality(String)","kind":"string"},{"name":"n","type":"Nullable(UInt32)","kind":"numeric"}]`,
			"table = 'features'"},
		{"numeric columns only", "clickhouse/columns?database=ml&table=features&kind=numeric", 200, `"values":["age","n"]`, ""},
		{"columns limit", "clickhouse/columns?database=ml&table=features&limit=1", 200, `"truncated":true,"values":["ts"]`, ""},
		{"columns need a table", "clickhouse/columns?database=ml", 400, "say which table", ""},
		{"columns of a missing table", "clickhouse/columns?database=ml&table=nope", 400, `table ml.nope does not exist`, ""},
		{"columns: unknown kind", "clickhouse/columns?table=t&kind=blob", 400, "unknown kind", ""},
		{"columns: injection in the table", "clickhouse/columns?database=ml&table=t'%3B%20DROP%20TABLE%20x", 400, "table name", ""},
		{"bad limit", "clickhouse/databases?limit=-1", 400, "limit must be a positive number", ""},
		{"services from the default schema", "traces/services?from=1000&to=2000", 200, `"values":["fraud-scoring","rag-api"]`, "WHERE Timestamp >= toDateTime(1) AND Timestamp <= toDateTime(2) AND ServiceName != ''"},
		{"services: search is a literal", "traces/services?search=x'%20OR%201=1", 200, `"values"`, `position(lowerUTF8(ServiceName), 'x\' or 1=1') > 0`},
		{"services: signoz", "traces/services?schema=signoz", 400, "table signoz_traces.distributed_signoz_index_v3 does not exist", ""},
		{"services: unknown schema", "traces/services?schema=jaeger", 400, "unknown schema", ""},
		{"services: bad table", "traces/services?table=a.b", 400, "not a plain ClickHouse name", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := &fakeCH{answer: catalogAnswer}
			d := newCHDatasource(t, fake, `{"clickhouse":{"host":"127.0.0.1","database":"mlw"}}`)
			status, _, b := callResourceRaw(t, d, tt.path)
			if status != tt.status || !strings.Contains(b, tt.body) {
				t.Errorf("%s: %d %s, want %d with %s", tt.path, status, b, tt.status, tt.body)
			}
			if tt.sql != "" {
				found := false
				for _, s := range fake.sqls {
					found = found || strings.Contains(s, tt.sql)
				}
				if !found {
					t.Errorf("no SQL contains %q: %q", tt.sql, fake.sqls)
				}
			}
			if tt.status == 400 && strings.Contains(tt.name, "injection") && len(fake.sqls) > 0 {
				t.Errorf("SQL was sent for a refused name: %q", fake.sqls)
			}
		})
	}
}

func TestClickHouseRoutesErrors(t *testing.T) {
	t.Run("no ClickHouse configured", func(t *testing.T) {
		d := newDatasource([]byte(`{"prometheus":{"url":"http://127.0.0.1:1"}}`), nil)
		status, body := callResource(t, d, "clickhouse/databases")
		if status != 400 || !strings.Contains(body["error"].(string), "no ClickHouse host") {
			t.Errorf("%d %v", status, body)
		}
	})
	for _, tt := range []struct {
		name   string
		err    error
		status int
		want   string
	}{
		{"server fault", &diagnose.Problem{Kind: diagnose.KindHTTPStatus, Message: "ClickHouse at h:1: server error 60: boom (password ch-SECRET-pw)", Downstream: true}, 502, "server error 60"},
		{"timeout", &diagnose.Problem{Kind: diagnose.KindTimeout, Message: "ClickHouse at h:1 did not answer in time", Downstream: true}, 504, "did not answer"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fake := &fakeCH{answer: func(string) (*clickhouse.Result, error) { return nil, tt.err }}
			d := newCHDatasource(t, fake, `{"clickhouse":{"host":"127.0.0.1"}}`)
			status, body := callResource(t, d, "clickhouse/databases")
			msg, _ := body["error"].(string)
			if status != tt.status || !strings.Contains(msg, tt.want) {
				t.Errorf("%d %v", status, body)
			}
			if strings.Contains(msg, "ch-SECRET-pw") {
				t.Errorf("secret in %q", msg)
			}
		})
	}
}
