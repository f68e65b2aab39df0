package traces

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Attr is a span attribute condition.
type Attr struct {
	Key string
	// Op is "=" (the default), "!=" or "exists".
	Op    string
	Value string
}

// Search finds traces with at least one span matching every condition, in
// a time range.
type Search struct {
	Service  string
	SpanName string
	// MinDuration applies to a matching span, as in Jaeger's search: with
	// no service or span name it finds traces with any span that long,
	// which includes their root.
	MinDuration time.Duration
	// Status is "" (any), "error" (the matching spans include an error)
	// or "ok" (none of them is an error).
	Status     string
	Attributes []Attr
	From, To   time.Time
	Limit      int
}

// maxAttributes bounds the attribute conditions of one search.
const maxAttributes = 20

// Slack widens the time range when the spans of found traces are read, so
// that a trace that started just before the range (or ends after it) is
// shown whole.
const Slack = time.Hour

// Validate checks a search's values before any SQL is written.
func (q *Search) Validate() error {
	if err := validText("traces.service", q.Service); err != nil {
		return err
	}
	if err := validText("traces.spanName", q.SpanName); err != nil {
		return err
	}
	if q.MinDuration < 0 {
		return inputErr("traces.minDurationMs", "must be 0 or more")
	}
	switch q.Status {
	case "", "error", "ok":
	default:
		return inputErr("traces.status", "unknown status %q; use error, ok or leave it empty", q.Status)
	}
	if len(q.Attributes) > maxAttributes {
		return inputErr("traces.attributes", "at most %d attribute conditions", maxAttributes)
	}
	for i, a := range q.Attributes {
		field := fmt.Sprintf("traces.attributes[%d]", i)
		if strings.TrimSpace(a.Key) == "" {
			return inputErr(field, "the attribute key is empty")
		}
		if err := validText(field+".key", a.Key); err != nil {
			return err
		}
		if err := validText(field+".value", a.Value); err != nil {
			return err
		}
		switch a.Op {
		case "", "=", "!=", "exists":
		default:
			return inputErr(field+".op", "unknown operator %q; use =, != or exists", a.Op)
		}
	}
	if !q.To.After(q.From) {
		return inputErr("time range", "the end must be after the start")
	}
	if q.Limit <= 0 {
		return inputErr("traces.limit", "must be 1 or more")
	}
	return nil
}

// dialect holds the column expressions of one schema.
type dialect struct {
	ts, traceID, spanID, parent, name, service, duration string
	isError                                              string
	// rangeCond adds conditions that make ClickHouse skip data by time
	// beyond ts (SigNoz's ts_bucket_start).
	rangeCond func(from, to time.Time) string
	attrEq    func(k, v string) string
	attrHas   func(k string) string
	// tokenValue lists (has, value) expressions for one attribute key, in
	// the order they are tried.
	tokenValue func(k string) [][2]string
}

func (s *Source) dialect() dialect {
	if s.Schema == SigNoz {
		return dialect{
			ts: "timestamp", traceID: "trace_id", spanID: "span_id", parent: "parent_span_id", name: "name",
			service: Ident("resource_string_service$$name"), duration: "duration_nano", isError: "has_error",
			rangeCond: func(from, to time.Time) string {
				return fmt.Sprintf("ts_bucket_start >= %d AND ts_bucket_start <= %d", from.Unix()-signozBucket, to.Unix())
			},
			attrEq: func(k, v string) string {
				kl := Literal(k)
				parts := []string{
					fmt.Sprintf("(mapContains(attributes_string, %s) AND attributes_string[%s] = %s)", kl, kl, Literal(v)),
					fmt.Sprintf("(mapContains(resources_string, %s) AND resources_string[%s] = %s)", kl, kl, Literal(v)),
				}
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
					parts = append(parts, fmt.Sprintf("(mapContains(attributes_number, %s) AND attributes_number[%s] = %s)", kl, kl, floatLiteral(f)))
				}
				if b, err := strconv.ParseBool(v); err == nil && (v == "true" || v == "false") {
					parts = append(parts, fmt.Sprintf("(mapContains(attributes_bool, %s) AND attributes_bool[%s] = %t)", kl, kl, b))
				}
				return "(" + strings.Join(parts, " OR ") + ")"
			},
			attrHas: func(k string) string {
				kl := Literal(k)
				return fmt.Sprintf("(mapContains(attributes_string, %[1]s) OR mapContains(attributes_number, %[1]s) OR mapContains(attributes_bool, %[1]s) OR mapContains(resources_string, %[1]s))", kl)
			},
			tokenValue: func(k string) [][2]string {
				kl := Literal(k)
				return [][2]string{
					{fmt.Sprintf("mapContains(attributes_number, %s)", kl), fmt.Sprintf("attributes_number[%s]", kl)},
					{fmt.Sprintf("mapContains(attributes_string, %s)", kl), fmt.Sprintf("toFloat64OrZero(attributes_string[%s])", kl)},
				}
			},
		}
	}
	return dialect{
		ts: "Timestamp", traceID: "TraceId", spanID: "SpanId", parent: "ParentSpanId", name: "SpanName",
		service: "ServiceName", duration: "Duration", isError: "StatusCode IN ('Error', 'STATUS_CODE_ERROR')",
		rangeCond: func(from, to time.Time) string { return "" },
		attrEq: func(k, v string) string {
			kl, vl := Literal(k), Literal(v)
			return fmt.Sprintf("((mapContains(SpanAttributes, %[1]s) AND SpanAttributes[%[1]s] = %[2]s) OR (mapContains(ResourceAttributes, %[1]s) AND ResourceAttributes[%[1]s] = %[2]s))", kl, vl)
		},
		attrHas: func(k string) string {
			kl := Literal(k)
			return fmt.Sprintf("(mapContains(SpanAttributes, %[1]s) OR mapContains(ResourceAttributes, %[1]s))", kl)
		},
		tokenValue: func(k string) [][2]string {
			kl := Literal(k)
			return [][2]string{{fmt.Sprintf("mapContains(SpanAttributes, %s)", kl), fmt.Sprintf("toFloat64OrZero(SpanAttributes[%s])", kl)}}
		},
	}
}

func floatLiteral(f float64) string {
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(s, ".e") {
		s += ".0" // keep it a Float64 literal
	}
	return s
}

// Token attribute names, newest first: OpenTelemetry GenAI semantic
// conventions (input/output since v1.28, prompt/completion before), then
// OpenLLMetry's older llm.usage.* names.
var (
	inputTokenKeys  = []string{"gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens", "llm.usage.prompt_tokens"}
	outputTokenKeys = []string{"gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens", "llm.usage.completion_tokens"}
	totalTokenKeys  = []string{"gen_ai.usage.total_tokens", "llm.usage.total_tokens"}
)

// tokens is the per-span token count: the first of the keys the span has
// (so a span with both the new and the old name counts once), else 0.
func (d dialect) tokens(keys []string) string {
	var args []string
	for _, k := range keys {
		for _, hv := range d.tokenValue(k) {
			args = append(args, hv[0], hv[1])
		}
	}
	return "multiIf(" + strings.Join(args, ", ") + ", 0)"
}

// spanConditions are the WHERE conditions a matching span meets.
func (d dialect) spanConditions(q Search, from, to time.Time) []string {
	conds := []string{
		fmt.Sprintf("%s >= %s", d.ts, nanos(from)),
		fmt.Sprintf("%s <= %s", d.ts, nanos(to)),
	}
	if c := d.rangeCond(from, to); c != "" {
		conds = append(conds, c)
	}
	return conds
}

// SearchSQL finds the most recent traces that match, and summarises each
// over all its spans: root service and span, start, duration, span and
// error counts, and GenAI token totals.
func (s *Source) SearchSQL(q Search) (string, error) {
	if err := q.Validate(); err != nil {
		return "", err
	}
	d := s.dialect()
	table := s.qualified(s.Table)
	match := d.spanConditions(q, q.From, q.To)
	match = append(match, d.traceID+" != ''")
	if q.Service != "" {
		match = append(match, d.service+" = "+Literal(q.Service))
	}
	if q.SpanName != "" {
		match = append(match, d.name+" = "+Literal(q.SpanName))
	}
	if q.MinDuration > 0 {
		match = append(match, fmt.Sprintf("%s >= %d", d.duration, q.MinDuration.Nanoseconds()))
	}
	for _, a := range q.Attributes {
		switch a.Op {
		case "exists":
			match = append(match, d.attrHas(a.Key))
		case "!=":
			match = append(match, "NOT "+d.attrEq(a.Key, a.Value))
		default:
			match = append(match, d.attrEq(a.Key, a.Value))
		}
	}
	having := ""
	switch q.Status {
	case "error":
		having = fmt.Sprintf("\n    HAVING countIf(%s) > 0", d.isError)
	case "ok":
		having = fmt.Sprintf("\n    HAVING countIf(%s) = 0", d.isError)
	}
	outer := d.spanConditions(q, q.From.Add(-Slack), q.To.Add(Slack))
	// The inner SELECT reads each span of the found traces once, with its
	// token counts; the outer one summarises per trace. GLOBAL IN runs the
	// trace-id subquery once on the initiator: with SigNoz's Distributed
	// tables a plain IN would be a double-distributed subquery, which
	// ClickHouse refuses by default (distributed_product_mode = deny). The root span is
	// the one without a parent (else the earliest: traces whose root was
	// not stored still get a name).
	sql := fmt.Sprintf(`SELECT
    mlw_s_trace AS mlw_trace,
    argMin(mlw_s_service, (mlw_s_parent != '', mlw_s_ts)) AS mlw_service,
    argMin(mlw_s_name, (mlw_s_parent != '', mlw_s_ts)) AS mlw_operation,
    toUnixTimestamp64Nano(min(mlw_s_ts)) / 1000000 AS mlw_start_ms,
    (max(toUnixTimestamp64Nano(mlw_s_ts) + toInt64(mlw_s_duration)) - toUnixTimestamp64Nano(min(mlw_s_ts))) / 1000000 AS mlw_duration_ms,
    count() AS mlw_spans,
    countIf(mlw_s_error) AS mlw_errors,
    sum(mlw_s_in) AS mlw_input_tokens,
    sum(mlw_s_out) AS mlw_output_tokens,
    sum(if(mlw_s_in + mlw_s_out > 0, mlw_s_in + mlw_s_out, mlw_s_total)) AS mlw_total_tokens
FROM (
    SELECT
        %[1]s AS mlw_s_trace,
        %[2]s AS mlw_s_service,
        %[3]s AS mlw_s_name,
        %[4]s AS mlw_s_parent,
        %[5]s AS mlw_s_ts,
        %[6]s AS mlw_s_duration,
        %[7]s AS mlw_s_error,
        %[8]s AS mlw_s_in,
        %[9]s AS mlw_s_out,
        %[10]s AS mlw_s_total
    FROM %[11]s
    WHERE %[1]s GLOBAL IN (
        SELECT %[1]s
        FROM %[11]s
        WHERE %[12]s
        GROUP BY %[1]s%[13]s
        ORDER BY max(%[5]s) DESC
        LIMIT %[14]d
    )
      AND %[15]s
)
GROUP BY mlw_s_trace
ORDER BY mlw_start_ms DESC, mlw_trace
LIMIT %[14]d`,
		d.traceID, d.service, d.name, d.parent, d.ts, d.duration, d.isError,
		d.tokens(inputTokenKeys), d.tokens(outputTokenKeys), d.tokens(totalTokenKeys),
		table, strings.Join(match, "\n          AND "), strings.Replace(having, "\n    ", "\n        ", 1), q.Limit, strings.Join(outer, "\n      AND "))
	return sql, nil
}
