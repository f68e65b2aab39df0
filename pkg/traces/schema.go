package traces

import (
	"fmt"
	"sort"
	"strings"
)

// Schema names a span table layout.
type Schema string

const (
	// OTel is the OpenTelemetry collector contrib ClickHouse exporter
	// (exporter/clickhouseexporter, sqltemplates/traces_table.sql): table
	// otel_traces with Map attribute columns, Nested Events and Links, and
	// the optional trace-id lookup table otel_traces_trace_id_ts.
	OTel Schema = "otel"
	// SigNoz is signoz-otel-collector's schema (schema migrator 1000+):
	// signoz_traces.signoz_index_v3 and its Distributed twin
	// distributed_signoz_index_v3, with the trace_summary lookup table.
	SigNoz Schema = "signoz"
)

// Defaults of the two schemas.
const (
	OTelTable         = "otel_traces"
	OTelLookupSuffix  = "_trace_id_ts"
	SigNozDatabase    = "signoz_traces"
	SigNozTable       = "distributed_signoz_index_v3"
	SigNozLookup      = "distributed_trace_summary"
	SigNozLocalLookup = "trace_summary"
	// signozBucket is the width of SigNoz's ts_bucket_start (seconds).
	signozBucket = 1800
)

// Source is one span table, checked against the server.
type Source struct {
	Schema Schema
	// Database is empty for the connection's default database.
	Database string
	Table    string
	// LookupTable is the candidate trace-id lookup table; HasLookup is set
	// by Check when it exists with the expected columns.
	LookupTable string
	HasLookup   bool
	// Optional columns found by Check.
	cols map[string]string
}

// NewSource validates names and fills the schema's defaults.
func NewSource(schema, database, table string) (*Source, error) {
	s := &Source{Schema: Schema(schema), Database: database, Table: table}
	switch s.Schema {
	case OTel:
		if s.Table == "" {
			s.Table = OTelTable
		}
		s.LookupTable = s.Table + OTelLookupSuffix
	case SigNoz:
		if s.Database == "" {
			s.Database = SigNozDatabase
		}
		if s.Table == "" {
			s.Table = SigNozTable
		}
		s.LookupTable = SigNozLocalLookup
		if strings.HasPrefix(s.Table, "distributed_") {
			s.LookupTable = SigNozLookup
		}
	default:
		return nil, inputErr("traces.schema", "unknown schema %q; use otel or signoz", schema)
	}
	if s.Database != "" {
		if err := ValidIdent("traces.database", s.Database); err != nil {
			return nil, err
		}
	}
	if err := ValidIdent("traces.table", s.Table); err != nil {
		return nil, err
	}
	return s, nil
}

// qualified is db.table, or table alone for the default database.
func (s *Source) qualified(table string) string {
	if s.Database == "" {
		return Ident(table)
	}
	return Ident(s.Database) + "." + Ident(table)
}

// Name is the span table as written in messages ("signoz_traces.x").
func (s *Source) Name() string {
	if s.Database == "" {
		return s.Table
	}
	return s.Database + "." + s.Table
}

// ColumnsSQL lists the columns of the span table and of the lookup table.
// It runs on every ClickHouse version (system.columns and currentDatabase()
// exist on 18.16 too), so that an unsupported server or table is
// explained rather than failing on a function it lacks.
func (s *Source) ColumnsSQL() string {
	db := "currentDatabase()"
	if s.Database != "" {
		db = Literal(s.Database)
	}
	return fmt.Sprintf("SELECT table, name, type FROM system.columns WHERE database = %s AND table IN (%s, %s) ORDER BY table, name",
		db, Literal(s.Table), Literal(s.LookupTable))
}

// required columns of each schema, and the columns the lookup needs.
var (
	otelRequired = []string{"Timestamp", "TraceId", "SpanId", "ParentSpanId", "SpanName", "SpanKind", "ServiceName",
		"ResourceAttributes", "SpanAttributes", "Duration", "StatusCode", "StatusMessage"}
	signozRequired = []string{"timestamp", "trace_id", "span_id", "parent_span_id", "name", "kind", "duration_nano",
		"status_code", "status_message", "attributes_string", "attributes_number", "attributes_bool", "resources_string",
		"ts_bucket_start", "has_error", "resource_string_service$$name"}
	otelLookupCols   = []string{"TraceId", "Start", "End"}
	signozLookupCols = []string{"trace_id", "start", "end"}
	otelMapCols      = []string{"ResourceAttributes", "SpanAttributes"}
	signozMapCols    = []string{"attributes_string", "attributes_number", "attributes_bool", "resources_string"}
)

// SchemaError says why a table cannot be read as the chosen schema.
type SchemaError struct{ Message string }

func (e *SchemaError) Error() string { return e.Message }

// Check reads the answer of ColumnsSQL (rows of table, name, type) and
// says whether the span table can be read; it also notes the lookup table
// and optional columns. serverVersion is only used in messages (may be "").
func (s *Source) Check(r *Result, serverVersion string) error {
	span, lookup := map[string]string{}, map[string]string{}
	for i := range r.Rows {
		table, name, typ := r.Str(i, 0), r.Str(i, 1), r.Str(i, 2)
		switch table {
		case s.Table:
			span[name] = typ
		case s.LookupTable:
			lookup[name] = typ
		}
	}
	if len(span) == 0 {
		msg := fmt.Sprintf("table %s does not exist (or this user cannot see it). ", s.Name())
		if s.Schema == OTel {
			msg += "The OpenTelemetry collector's ClickHouse exporter creates otel_traces in the database of its endpoint (default: default); set the database and table of the traces query to where your spans are."
		} else {
			msg += "SigNoz keeps spans in signoz_traces.distributed_signoz_index_v3 (schema migrations 1000 and later); older SigNoz versions use signoz_index_v2, which mlwatch does not read."
		}
		return &SchemaError{Message: msg + oldServerHint(serverVersion)}
	}
	required, maps, lookupCols := otelRequired, otelMapCols, otelLookupCols
	if s.Schema == SigNoz {
		required, maps, lookupCols = signozRequired, signozMapCols, signozLookupCols
	}
	var missing []string
	for _, c := range required {
		if _, ok := span[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return &SchemaError{Message: fmt.Sprintf("table %s is not a %s span table: it lacks %s. Pick the schema that wrote it (otel or signoz), or the right table.%s",
			s.Name(), s.Schema, strings.Join(missing, ", "), oldServerHint(serverVersion))}
	}
	for _, c := range maps {
		t := span[c]
		switch {
		case strings.HasPrefix(t, "Map("):
		case strings.HasPrefix(t, "JSON"):
			return &SchemaError{Message: fmt.Sprintf("table %s stores %s as JSON (the exporter's json: true mode); mlwatch reads the default Map columns only", s.Name(), c)}
		default:
			return &SchemaError{Message: fmt.Sprintf("column %s of %s has type %s, not a Map: this is not a layout mlwatch knows", c, s.Name(), t)}
		}
	}
	s.cols = span
	s.HasLookup = true
	for _, c := range lookupCols {
		if _, ok := lookup[c]; !ok {
			s.HasLookup = false
		}
	}
	return nil
}

// has reports an optional column of the span table (after Check).
func (s *Source) has(name string) bool {
	_, ok := s.cols[name]
	return ok
}

// Columns lists the span table's columns (after Check), for tests.
func (s *Source) Columns() []string {
	out := make([]string, 0, len(s.cols))
	for c := range s.cols {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// oldServerHint explains servers older than the exporters' schemas: the
// Map type became generally available in ClickHouse 21.8.
func oldServerHint(version string) string {
	major, minor := 0, 0
	fmt.Sscanf(version, "%d.%d", &major, &minor)
	if major == 0 || major > 21 || (major == 21 && minor >= 8) {
		return ""
	}
	return fmt.Sprintf(" This server is ClickHouse %s: span tables of the OpenTelemetry exporter and SigNoz need Map columns (ClickHouse 21.8 or newer; mlwatch's trace SQL is tested on ClickHouse 26).", version)
}
