package traces

import (
	"fmt"
	"strings"
	"time"
)

// TraceQuery reads one trace's spans.
type TraceQuery struct {
	// TraceID is normalised (NormalizeTraceID).
	TraceID string
	// From and To bound the spans when the lookup table is absent or does
	// not know the trace; they are widened by Slack.
	From, To time.Time
	// MaxSpans caps the spans read; one more is asked for, so that a cut
	// can be reported.
	MaxSpans int
}

// TraceSQL reads every span of one trace, oldest first. With byLookup the
// time bounds come from the trace-id lookup table (the exporter's
// <table>_trace_id_ts, SigNoz's trace_summary), which lets ClickHouse skip
// all other partitions; otherwise the query's time range (widened by
// Slack) bounds the scan. Composite values come as JSON text made by
// ClickHouse (toJSONString), so any client can carry them.
func (s *Source) TraceSQL(q TraceQuery, byLookup bool) (string, error) {
	id, err := NormalizeTraceID(q.TraceID)
	if err != nil {
		return "", err
	}
	if q.MaxSpans <= 0 {
		return "", inputErr("limit", "the span limit must be positive")
	}
	if byLookup && !s.HasLookup {
		return "", fmt.Errorf("the lookup table %s was not found", s.LookupTable)
	}
	d := s.dialect()
	var with string
	var where []string
	where = append(where, fmt.Sprintf("%s = mlw_id", d.traceID))
	lookup := s.qualified(s.LookupTable)
	if byLookup {
		if s.Schema == SigNoz {
			with = fmt.Sprintf(`WITH
    %[1]s AS mlw_id,
    (SELECT min(start) FROM %[2]s WHERE trace_id = mlw_id) AS mlw_from,
    (SELECT max(%[3]s) FROM %[2]s WHERE trace_id = mlw_id) AS mlw_to
`, Literal(id), lookup, Ident("end"))
			where = append(where,
				fmt.Sprintf("ts_bucket_start >= toInt64(toUnixTimestamp(mlw_from)) - %d", signozBucket),
				"ts_bucket_start <= toInt64(toUnixTimestamp(mlw_to))")
		} else {
			// Start and End are whole seconds (DateTime) in current
			// exporters: the end is widened by one second.
			with = fmt.Sprintf(`WITH
    %[1]s AS mlw_id,
    (SELECT min(Start) FROM %[2]s WHERE TraceId = mlw_id) AS mlw_from,
    (SELECT max(End) + 1 FROM %[2]s WHERE TraceId = mlw_id) AS mlw_to
`, Literal(id), lookup)
		}
		where = append(where, d.ts+" >= mlw_from", d.ts+" <= mlw_to")
	} else {
		with = fmt.Sprintf("WITH %s AS mlw_id\n", Literal(id))
		where = append(where, d.spanConditions(Search{}, q.From.Add(-Slack), q.To.Add(Slack))...)
	}
	cols := s.traceColumns()
	return fmt.Sprintf("%sSELECT\n    %s\nFROM %s\nWHERE %s\nORDER BY %s, %s\nLIMIT %d",
		with, strings.Join(cols, ",\n    "), s.qualified(s.Table), strings.Join(where, "\n  AND "), d.ts, d.spanID, q.MaxSpans+1), nil
}

// traceColumns are the selected columns of a span, aliased mlw_* (the
// prefix keeps aliases from shadowing table columns such as SigNoz's
// serviceName).
func (s *Source) traceColumns() []string {
	if s.Schema == SigNoz {
		cols := []string{
			"trace_id AS mlw_trace",
			"span_id AS mlw_span",
			"parent_span_id AS mlw_parent",
			"name AS mlw_operation",
			Ident("resource_string_service$$name") + " AS mlw_service",
			"toUnixTimestamp64Nano(timestamp) / 1000000 AS mlw_start_ms",
			"duration_nano / 1000000 AS mlw_duration_ms",
			"toJSONString(resources_string) AS mlw_service_tags",
			"toJSONString(attributes_string) AS mlw_tags",
			"toJSONString(attributes_number) AS mlw_tags_number",
			"toJSONString(attributes_bool) AS mlw_tags_bool",
			"kind AS mlw_kind_number",
			"status_code AS mlw_status_code",
			"status_message AS mlw_status_message",
		}
		if s.has("kind_string") {
			cols = append(cols, "kind_string AS mlw_kind")
		}
		if s.has("trace_state") {
			cols = append(cols, "trace_state AS mlw_trace_state")
		}
		if s.has("events") {
			cols = append(cols, "toJSONString(events) AS mlw_events_json")
		}
		if s.has("links") {
			cols = append(cols, "links AS mlw_links_json")
		}
		return cols
	}
	cols := []string{
		"TraceId AS mlw_trace",
		"SpanId AS mlw_span",
		"ParentSpanId AS mlw_parent",
		"SpanName AS mlw_operation",
		"ServiceName AS mlw_service",
		"toUnixTimestamp64Nano(Timestamp) / 1000000 AS mlw_start_ms",
		"Duration / 1000000 AS mlw_duration_ms",
		"toJSONString(ResourceAttributes) AS mlw_service_tags",
		"toJSONString(SpanAttributes) AS mlw_tags",
		"SpanKind AS mlw_kind",
		"StatusCode AS mlw_status",
		"StatusMessage AS mlw_status_message",
	}
	if s.has("TraceState") {
		cols = append(cols, "TraceState AS mlw_trace_state")
	}
	if s.has("ScopeName") && s.has("ScopeVersion") {
		cols = append(cols, "ScopeName AS mlw_scope", "ScopeVersion AS mlw_scope_version")
	}
	if s.has("Events.Timestamp") && s.has("Events.Name") && s.has("Events.Attributes") {
		cols = append(cols, "toJSONString(arrayMap((t, n, a) -> (toUnixTimestamp64Nano(t), n, a), `Events.Timestamp`, `Events.Name`, `Events.Attributes`)) AS mlw_events")
	}
	if s.has("Links.TraceId") && s.has("Links.SpanId") && s.has("Links.Attributes") {
		cols = append(cols, "toJSONString(arrayMap((i, p, a) -> (i, p, a), `Links.TraceId`, `Links.SpanId`, `Links.Attributes`)) AS mlw_links")
	}
	return cols
}
