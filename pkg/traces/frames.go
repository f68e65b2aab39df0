package traces

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// SearchFrame is the search answer as a table, one row per trace, with
// the column names of Grafana's trace search results (traceID,
// serviceName, operationName, startTime, duration) plus counts and GenAI
// token totals.
func SearchFrame(r *Result) *data.Frame {
	n := len(r.Rows)
	idx := func(name string) int { return r.Index(name) }
	cTrace, cService, cOp, cStart, cDur := idx("mlw_trace"), idx("mlw_service"), idx("mlw_operation"), idx("mlw_start_ms"), idx("mlw_duration_ms")
	cSpans, cErrors, cIn, cOut, cTotal := idx("mlw_spans"), idx("mlw_errors"), idx("mlw_input_tokens"), idx("mlw_output_tokens"), idx("mlw_total_tokens")
	traceID, service, op := make([]string, n), make([]string, n), make([]string, n)
	start := make([]time.Time, n)
	dur := make([]float64, n)
	spans, errs := make([]int64, n), make([]int64, n)
	in, out, total := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range r.Rows {
		traceID[i], service[i], op[i] = r.Str(i, cTrace), r.Str(i, cService), r.Str(i, cOp)
		start[i] = msTime(r.Num(i, cStart))
		dur[i] = zeroNaN(r.Num(i, cDur))
		spans[i], errs[i] = int64(zeroNaN(r.Num(i, cSpans))), int64(zeroNaN(r.Num(i, cErrors)))
		in[i], out[i], total[i] = zeroNaN(r.Num(i, cIn)), zeroNaN(r.Num(i, cOut)), zeroNaN(r.Num(i, cTotal))
	}
	durField := data.NewField("duration", nil, dur)
	durField.Config = &data.FieldConfig{Unit: "ms", DisplayNameFromDS: "Duration"}
	frame := data.NewFrame("traces",
		data.NewField("traceID", nil, traceID).SetConfig(&data.FieldConfig{DisplayNameFromDS: "Trace ID"}),
		data.NewField("serviceName", nil, service).SetConfig(&data.FieldConfig{DisplayNameFromDS: "Root service"}),
		data.NewField("operationName", nil, op).SetConfig(&data.FieldConfig{DisplayNameFromDS: "Root span"}),
		data.NewField("startTime", nil, start).SetConfig(&data.FieldConfig{DisplayNameFromDS: "Start"}),
		durField,
		data.NewField("spanCount", nil, spans).SetConfig(&data.FieldConfig{DisplayNameFromDS: "Spans"}),
		data.NewField("errorCount", nil, errs).SetConfig(&data.FieldConfig{DisplayNameFromDS: "Errors"}),
		data.NewField("inputTokens", nil, in).SetConfig(&data.FieldConfig{DisplayNameFromDS: "Input tokens"}),
		data.NewField("outputTokens", nil, out).SetConfig(&data.FieldConfig{DisplayNameFromDS: "Output tokens"}),
		data.NewField("totalTokens", nil, total).SetConfig(&data.FieldConfig{DisplayNameFromDS: "Total tokens"}),
	)
	frame.Meta = &data.FrameMeta{Type: data.FrameTypeTable, TypeVersion: data.FrameTypeVersion{0, 1}, PreferredVisualization: data.VisTypeTable}
	return frame
}

// keyValue is Grafana's TraceKeyValuePair.
type keyValue struct {
	Key   string `json:"key"`
	Value any    `json:"value"`
}

// traceLog is Grafana's TraceLog (timestamp in ms).
type traceLog struct {
	Timestamp float64    `json:"timestamp"`
	Name      string     `json:"name,omitempty"`
	Fields    []keyValue `json:"fields"`
}

// traceRef is Grafana's TraceSpanReference.
type traceRef struct {
	TraceID string     `json:"traceID"`
	SpanID  string     `json:"spanID"`
	Tags    []keyValue `json:"tags,omitempty"`
}

// TraceFrame is one trace in Grafana's trace frame contract
// (TraceSpanRow: traceID, spanID, parentSpanID, operationName,
// serviceName, serviceTags, startTime and duration in ms, logs,
// references, tags, kind, statusCode, statusMessage, ...), with
// preferredVisualisationType "trace". Spans with an error status also get
// the tag error=true, which is how Grafana marks them.
func TraceFrame(r *Result, schema Schema) (*data.Frame, error) {
	n := len(r.Rows)
	idx := r.Index
	traceID, spanID, parent := make([]string, n), make([]string, n), make([]string, n)
	op, service := make([]string, n), make([]string, n)
	start, dur := make([]float64, n), make([]float64, n)
	serviceTags, tags, logs, refs := make([]json.RawMessage, n), make([]json.RawMessage, n), make([]json.RawMessage, n), make([]json.RawMessage, n)
	kind, statusMsg, traceState, scope, scopeVersion := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	status := make([]int64, n)

	c := map[string]int{}
	for _, name := range []string{"mlw_trace", "mlw_span", "mlw_parent", "mlw_operation", "mlw_service", "mlw_start_ms", "mlw_duration_ms",
		"mlw_service_tags", "mlw_tags", "mlw_tags_number", "mlw_tags_bool", "mlw_kind", "mlw_kind_number", "mlw_status", "mlw_status_code",
		"mlw_status_message", "mlw_trace_state", "mlw_scope", "mlw_scope_version", "mlw_events", "mlw_links", "mlw_events_json", "mlw_links_json"} {
		c[name] = idx(name)
	}
	for i := range r.Rows {
		traceID[i], spanID[i], parent[i] = r.Str(i, c["mlw_trace"]), r.Str(i, c["mlw_span"]), r.Str(i, c["mlw_parent"])
		op[i], service[i] = r.Str(i, c["mlw_operation"]), r.Str(i, c["mlw_service"])
		start[i], dur[i] = zeroNaN(r.Num(i, c["mlw_start_ms"])), zeroNaN(r.Num(i, c["mlw_duration_ms"]))
		statusMsg[i], traceState[i] = r.Str(i, c["mlw_status_message"]), r.Str(i, c["mlw_trace_state"])
		scope[i], scopeVersion[i] = r.Str(i, c["mlw_scope"]), r.Str(i, c["mlw_scope_version"])

		svcTags, err := objectPairs(r.Str(i, c["mlw_service_tags"]))
		if err != nil {
			return nil, fmt.Errorf("span %s: resource attributes: %w", spanID[i], err)
		}
		spanTags, err := objectPairs(r.Str(i, c["mlw_tags"]))
		if err != nil {
			return nil, fmt.Errorf("span %s: attributes: %w", spanID[i], err)
		}
		var spanLogs []traceLog
		var spanRefs []traceRef
		if schema == SigNoz {
			for _, col := range []string{"mlw_tags_number", "mlw_tags_bool"} {
				more, err := objectPairs(r.Str(i, c[col]))
				if err != nil {
					return nil, fmt.Errorf("span %s: attributes: %w", spanID[i], err)
				}
				spanTags = append(spanTags, more...)
			}
			kind[i] = normalizeKind(r.Str(i, c["mlw_kind"]), r.Num(i, c["mlw_kind_number"]))
			status[i] = statusFromNumber(r.Num(i, c["mlw_status_code"]))
			if spanLogs, err = signozEvents(r.Str(i, c["mlw_events_json"])); err != nil {
				return nil, fmt.Errorf("span %s: events: %w", spanID[i], err)
			}
			if spanRefs, err = signozLinks(r.Str(i, c["mlw_links_json"])); err != nil {
				return nil, fmt.Errorf("span %s: links: %w", spanID[i], err)
			}
		} else {
			kind[i] = normalizeKind(r.Str(i, c["mlw_kind"]), math.NaN())
			status[i] = statusFromText(r.Str(i, c["mlw_status"]))
			if spanLogs, err = otelEvents(r.Str(i, c["mlw_events"])); err != nil {
				return nil, fmt.Errorf("span %s: events: %w", spanID[i], err)
			}
			if spanRefs, err = otelLinks(r.Str(i, c["mlw_links"])); err != nil {
				return nil, fmt.Errorf("span %s: links: %w", spanID[i], err)
			}
		}
		if status[i] == 2 && !hasKey(spanTags, "error") {
			spanTags = append(spanTags, keyValue{Key: "error", Value: true})
		}
		sortPairs(spanTags)
		serviceTags[i], tags[i] = mustJSON(svcTags), mustJSON(spanTags)
		logs[i], refs[i] = mustJSON(spanLogs), mustJSON(spanRefs)
	}
	startField := data.NewField("startTime", nil, start)
	startField.Config = &data.FieldConfig{Unit: "ms"}
	durField := data.NewField("duration", nil, dur)
	durField.Config = &data.FieldConfig{Unit: "ms"}
	frame := data.NewFrame("trace",
		data.NewField("traceID", nil, traceID),
		data.NewField("spanID", nil, spanID),
		data.NewField("parentSpanID", nil, parent),
		data.NewField("operationName", nil, op),
		data.NewField("serviceName", nil, service),
		data.NewField("serviceTags", nil, serviceTags),
		startField,
		durField,
		data.NewField("logs", nil, logs),
		data.NewField("references", nil, refs),
		data.NewField("tags", nil, tags),
		data.NewField("kind", nil, kind),
		data.NewField("statusCode", nil, status),
		data.NewField("statusMessage", nil, statusMsg),
		data.NewField("instrumentationLibraryName", nil, scope),
		data.NewField("instrumentationLibraryVersion", nil, scopeVersion),
		data.NewField("traceState", nil, traceState),
	)
	frame.Meta = &data.FrameMeta{PreferredVisualization: data.VisTypeTrace}
	return frame, nil
}

// objectPairs turns a JSON object into sorted key/value pairs; numbers and
// booleans keep their type.
func objectPairs(s string) ([]keyValue, error) {
	if s == "" || s == "{}" {
		return nil, nil
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	out := make([]keyValue, 0, len(m))
	for k, v := range m {
		out = append(out, keyValue{Key: k, Value: plain(v)})
	}
	sortPairs(out)
	return out, nil
}

// plain turns json.Number into float64 (or int64 when whole).
func plain(v any) any {
	if n, ok := v.(json.Number); ok {
		if i, err := n.Int64(); err == nil {
			return i
		}
		f, _ := n.Float64()
		return f
	}
	return v
}

func sortPairs(p []keyValue) {
	sort.SliceStable(p, func(a, b int) bool { return p[a].Key < p[b].Key })
}

func hasKey(p []keyValue, k string) bool {
	for _, kv := range p {
		if kv.Key == k {
			return true
		}
	}
	return false
}

// otelEvents reads [[time_ns, name, {attributes}], ...] (toJSONString of
// the Events Nested columns as tuples; 64-bit integers may be quoted).
func otelEvents(s string) ([]traceLog, error) {
	if s == "" || s == "[]" {
		return nil, nil
	}
	var raw [][3]json.RawMessage
	if err := json.Unmarshal([]byte(s), &raw); err != nil {
		return nil, err
	}
	out := make([]traceLog, 0, len(raw))
	for _, e := range raw {
		ns, err := jsonInt(e[0])
		if err != nil {
			return nil, fmt.Errorf("event time: %w", err)
		}
		var name string
		if err := json.Unmarshal(e[1], &name); err != nil {
			return nil, fmt.Errorf("event name: %w", err)
		}
		fields, err := objectPairs(string(e[2]))
		if err != nil {
			return nil, err
		}
		if fields == nil {
			fields = []keyValue{}
		}
		out = append(out, traceLog{Timestamp: float64(ns) / 1e6, Name: name, Fields: fields})
	}
	return out, nil
}

// otelLinks reads [[trace_id, span_id, {attributes}], ...].
func otelLinks(s string) ([]traceRef, error) {
	if s == "" || s == "[]" {
		return nil, nil
	}
	var raw [][3]json.RawMessage
	if err := json.Unmarshal([]byte(s), &raw); err != nil {
		return nil, err
	}
	out := make([]traceRef, 0, len(raw))
	for _, l := range raw {
		var ref traceRef
		if err := json.Unmarshal(l[0], &ref.TraceID); err != nil {
			return nil, err
		}
		if err := json.Unmarshal(l[1], &ref.SpanID); err != nil {
			return nil, err
		}
		tags, err := objectPairs(string(l[2]))
		if err != nil {
			return nil, err
		}
		ref.Tags = tags
		out = append(out, ref)
	}
	return out, nil
}

// signozEvents reads the events column: JSON strings of
// {"name","timeUnixNano","attributeMap","isError"} (signoz-otel-collector
// clickhousetracesexporter Event).
func signozEvents(s string) ([]traceLog, error) {
	if s == "" || s == "[]" {
		return nil, nil
	}
	var items []string
	if err := json.Unmarshal([]byte(s), &items); err != nil {
		return nil, err
	}
	out := make([]traceLog, 0, len(items))
	for _, it := range items {
		var e struct {
			Name         string            `json:"name"`
			TimeUnixNano json.Number       `json:"timeUnixNano"`
			AttributeMap map[string]string `json:"attributeMap"`
		}
		if err := json.Unmarshal([]byte(it), &e); err != nil {
			return nil, err
		}
		ns, _ := e.TimeUnixNano.Int64()
		fields := make([]keyValue, 0, len(e.AttributeMap))
		for k, v := range e.AttributeMap {
			fields = append(fields, keyValue{Key: k, Value: v})
		}
		sortPairs(fields)
		out = append(out, traceLog{Timestamp: float64(ns) / 1e6, Name: e.Name, Fields: fields})
	}
	return out, nil
}

// signozLinks reads the links column (Jaeger-style references); the
// CHILD_OF reference to the parent is already parentSpanID.
func signozLinks(s string) ([]traceRef, error) {
	if s == "" || s == "null" || s == "[]" {
		return nil, nil
	}
	var items []struct {
		TraceID string `json:"traceId"`
		SpanID  string `json:"spanId"`
		RefType string `json:"refType"`
	}
	if err := json.Unmarshal([]byte(s), &items); err != nil {
		return nil, err
	}
	var out []traceRef
	for _, it := range items {
		if it.RefType == "CHILD_OF" {
			continue
		}
		ref := traceRef{TraceID: it.TraceID, SpanID: it.SpanID}
		if it.RefType != "" {
			ref.Tags = []keyValue{{Key: "refType", Value: it.RefType}}
		}
		out = append(out, ref)
	}
	return out, nil
}

func jsonInt(raw json.RawMessage) (int64, error) {
	var v any
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return 0, err
	}
	switch x := v.(type) {
	case json.Number:
		return x.Int64()
	case string:
		return strconv.ParseInt(x, 10, 64)
	}
	return 0, fmt.Errorf("%s is not an integer", raw)
}

// normalizeKind maps "Server", "SPAN_KIND_SERVER" or OTLP's number to
// Grafana's lower-case kind ("" when unspecified).
func normalizeKind(s string, number float64) string {
	s = strings.ToLower(strings.TrimPrefix(strings.ToUpper(s), "SPAN_KIND_"))
	switch s {
	case "server", "client", "producer", "consumer", "internal":
		return s
	case "", "unspecified":
	default:
		return s
	}
	names := []string{"", "internal", "server", "client", "producer", "consumer"}
	if !math.IsNaN(number) && number >= 0 && int(number) < len(names) {
		return names[int(number)]
	}
	return ""
}

// statusFromText maps the exporter's StatusCode ("Unset", "Ok", "Error",
// or the STATUS_CODE_* spelling) to 0, 1, 2.
func statusFromText(s string) int64 {
	switch strings.ToUpper(strings.TrimPrefix(strings.ToUpper(s), "STATUS_CODE_")) {
	case "ERROR":
		return 2
	case "OK":
		return 1
	}
	return 0
}

func statusFromNumber(f float64) int64 {
	if f == 1 || f == 2 {
		return int64(f)
	}
	return 0
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil || string(b) == "null" {
		return json.RawMessage("[]")
	}
	return b
}

func zeroNaN(f float64) float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	return f
}

func msTime(ms float64) time.Time {
	if math.IsNaN(ms) {
		return time.Time{}
	}
	return time.UnixMilli(int64(ms)).UTC().Add(time.Duration((ms - math.Floor(ms)) * float64(time.Millisecond)))
}
