package models

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mlwatch/mlwatch/pkg/drift"
)

// Query is one panel or alert query, as the query editor saves it. Every
// field reaches the backend as JSON; nothing depends on the browser, so the
// same JSON works in Grafana-managed alert rules.
type Query struct {
	RefID     string `json:"refId"`
	QueryType string `json:"queryType"`
	// Source is "prometheus" or "clickhouse".
	Source string `json:"source,omitempty"`

	Prometheus *PromInput       `json:"prometheus,omitempty"`
	ClickHouse *ClickHouseInput `json:"clickhouse,omitempty"`
	Reference  *Reference       `json:"reference,omitempty"`

	// Drift and distribution options.
	Method    string        `json:"method,omitempty"` // "auto" or a drift method name
	Threshold float64       `json:"threshold,omitempty"`
	Binning   *BinningInput `json:"binning,omitempty"`
	MinCount  int           `json:"minCount,omitempty"`
	// OverTime adds one series per feature: the score at each Step of a
	// current Window sliding over the query's time range.
	OverTime bool     `json:"overTime,omitempty"`
	Step     Duration `json:"step,omitempty"`
	Window   Duration `json:"window,omitempty"`
	// Format picks the frames: "table" (summary table, and series with
	// OverTime), "timeseries", or "numeric" (one labelled number per
	// feature or GPU). Empty: "numeric" for alert evaluation, else "table".
	Format string `json:"format,omitempty"`

	// Distribution options: Mode "histogram" (bins of one variable) or
	// "classes" (share per predicted class).
	Mode       string `json:"mode,omitempty"`
	ClassLabel string `json:"classLabel,omitempty"`
	Bins       int    `json:"bins,omitempty"`

	GPU    *GPUInput    `json:"gpu,omitempty"`
	Traces *TracesInput `json:"traces,omitempty"`
}

// PromInput says where the data is in Prometheus.
type PromInput struct {
	// Input is "histogram" (classic buckets of Metric), "native" (native
	// histograms of Metric) or "samples" (raw values of Expr).
	Input  string `json:"input,omitempty"`
	Metric string `json:"metric,omitempty"`
	Expr   string `json:"expr,omitempty"`
	// FeatureLabel names the label that tells features apart (default
	// "feature"). Series without it form one feature named after the
	// metric or expression.
	FeatureLabel string `json:"featureLabel,omitempty"`
	// Matchers are extra label matchers, e.g. `model="fraud"`, added to the
	// metric selector.
	Matchers string `json:"matchers,omitempty"`
	// Features restricts the result to these feature names.
	Features []string `json:"features,omitempty"`
}

// ClickHouseInput says where the data is in ClickHouse.
type ClickHouseInput struct {
	Database   string `json:"database,omitempty"`
	Table      string `json:"table,omitempty"`
	TimeColumn string `json:"timeColumn,omitempty"`
	// Layout is "wide" (one column per feature) or "long" (feature and
	// value columns).
	Layout        string   `json:"layout,omitempty"`
	Columns       []string `json:"columns,omitempty"`
	FeatureColumn string   `json:"featureColumn,omitempty"`
	ValueColumn   string   `json:"valueColumn,omitempty"`
	// SQL replaces Database/Table: a SELECT whose result has the time
	// column and the feature columns; macros $__timeFilter(col),
	// $__fromTime, $__toTime and $__interval_s are expanded.
	SQL     string   `json:"sql,omitempty"`
	Filters []Filter `json:"filters,omitempty"`
}

// Filter is a column condition from the query builder.
type Filter struct {
	Column string `json:"column"`
	Op     string `json:"op"` // =, !=, <, <=, >, >=, in, not in, like
	Value  any    `json:"value"`
}

// Reference is the window the current data is compared with.
type Reference struct {
	// Mode is "offset" (the same range shifted back by Offset), "absolute"
	// (From..To) or "baseline" (a ClickHouse table, e.g. the training set).
	Mode     string    `json:"mode,omitempty"`
	Offset   Duration  `json:"offset,omitempty"`
	From     time.Time `json:"from,omitempty"`
	To       time.Time `json:"to,omitempty"`
	Database string    `json:"database,omitempty"`
	Table    string    `json:"table,omitempty"`
}

// BinningInput mirrors drift.Binning.
type BinningInput struct {
	Policy string    `json:"policy,omitempty"`
	Bins   int       `json:"bins,omitempty"`
	Edges  []float64 `json:"edges,omitempty"`
}

// GPUInput configures the gpu query.
type GPUInput struct {
	// GroupLabel groups GPUs for the straggler analysis (default
	// "namespace").
	GroupLabel string `json:"groupLabel,omitempty"`
	// StragglerThreshold: a GPU is a straggler below this share of its
	// group's median utilisation (default 0.75).
	StragglerThreshold float64 `json:"stragglerThreshold,omitempty"`
	// MinGroupMedian: groups whose median utilisation is below this
	// percentage are idle, not straggling (default 40).
	MinGroupMedian float64 `json:"minGroupMedian,omitempty"`
	// Metrics lists extra DCGM metric names to include as columns.
	Metrics []string `json:"metrics,omitempty"`
	// Filters on Kubernetes and host labels.
	Namespace string `json:"namespace,omitempty"`
	Pod       string `json:"pod,omitempty"`
	Host      string `json:"host,omitempty"`
}

// TracesInput configures the traces query.
type TracesInput struct {
	// Schema is "otel" (OpenTelemetry collector ClickHouse exporter) or
	// "signoz".
	Schema   string `json:"schema,omitempty"`
	Database string `json:"database,omitempty"`
	Table    string `json:"table,omitempty"`
	// TraceID opens one trace; otherwise the other fields search.
	TraceID       string      `json:"traceId,omitempty"`
	Service       string      `json:"service,omitempty"`
	SpanName      string      `json:"spanName,omitempty"`
	MinDurationMs float64     `json:"minDurationMs,omitempty"`
	Status        string      `json:"status,omitempty"` // "", "error", "ok"
	Attributes    []Attribute `json:"attributes,omitempty"`
	Limit         int         `json:"limit,omitempty"`
}

// Attribute is a span attribute condition.
type Attribute struct {
	Key   string `json:"key"`
	Op    string `json:"op,omitempty"` // =, !=, exists
	Value string `json:"value,omitempty"`
}

// Duration is a Prometheus-style duration ("5m", "1h30m", "7d", "2w") in
// JSON; plain numbers are seconds.
type Duration time.Duration

var durationRe = regexp.MustCompile(`^((\d+)w)?((\d+)d)?((\d+)h)?((\d+)m)?((\d+)s)?((\d+)ms)?$`)

// ParseDuration parses "30s", "5m", "1h30m", "7d", "2w".
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "0" {
		return 0, nil
	}
	m := durationRe.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("%q is not a duration: use a number with a unit, such as 30s, 5m, 1h or 7d", s)
	}
	units := []time.Duration{7 * 24 * time.Hour, 24 * time.Hour, time.Hour, time.Minute, time.Second, time.Millisecond}
	var d time.Duration
	for i, u := range units {
		if v := m[2+2*i]; v != "" {
			var n int64
			fmt.Sscan(v, &n)
			d += time.Duration(n) * u
		}
	}
	return d, nil
}

// UnmarshalJSON accepts "5m" or a number of seconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	switch x := v.(type) {
	case string:
		p, err := ParseDuration(x)
		if err != nil {
			return err
		}
		*d = Duration(p)
	case float64:
		*d = Duration(time.Duration(x * float64(time.Second)))
	case nil:
		*d = 0
	default:
		return fmt.Errorf("a duration must be a string such as \"5m\" or a number of seconds")
	}
	return nil
}

// MarshalJSON writes the duration in Prometheus style.
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(FormatDuration(time.Duration(d)))
}

// FormatDuration writes "1h30m", "7d", "45s".
func FormatDuration(d time.Duration) string {
	if d == 0 {
		return "0s"
	}
	var b strings.Builder
	for _, u := range []struct {
		d    time.Duration
		unit string
	}{{24 * time.Hour, "d"}, {time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}, {time.Millisecond, "ms"}} {
		if n := d / u.d; n > 0 {
			fmt.Fprintf(&b, "%d%s", n, u.unit)
			d -= n * u.d
		}
	}
	return b.String()
}

// Query types and sources.
const (
	TypeDrift        = "drift"
	TypeDistribution = "distribution"
	TypeGPU          = "gpu"
	TypeTraces       = "traces"

	SourcePrometheus = "prometheus"
	SourceClickHouse = "clickhouse"
)

// QueryError is a problem with one query field, in words a user can act
// on.
type QueryError struct {
	Field   string
	Message string
}

func (e *QueryError) Error() string { return e.Field + ": " + e.Message }

func qerr(field, format string, args ...any) error {
	for i, a := range args {
		if s, ok := a.(string); ok {
			args[i] = shorten(s)
		}
	}
	return &QueryError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// maxQuoted bounds a user's value quoted back in a message.
const maxQuoted = 80

// shorten cuts a long value for a message, on a character boundary.
func shorten(s string) string {
	if len(s) <= maxQuoted {
		return s
	}
	cut := maxQuoted
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// ParseQuery decodes a query's JSON and fills the built-in defaults.
// Unknown fields are ignored (older and newer editors may add some); wrong
// types are errors.
func ParseQuery(raw []byte, queryType string) (*Query, error) {
	return ParseQueryWith(raw, queryType, BuiltinDefaults())
}

// ParseQueryWith is ParseQuery with the datasource's defaults
// (jsonData.defaults) for what the query leaves empty.
func ParseQueryWith(raw []byte, queryType string, d Defaults) (*Query, error) {
	q := &Query{}
	if len(strings.TrimSpace(string(raw))) > 0 {
		if err := json.Unmarshal(raw, q); err != nil {
			return nil, jsonError(err)
		}
	}
	if queryType != "" {
		q.QueryType = queryType
	}
	q.applyDefaults(d.orBuiltin())
	return q, nil
}

// orBuiltin fills the fields a zero Defaults (or a partly filled one built
// in code) lacks with the built-in values, so that applyDefaults never
// writes an empty default.
func (d Defaults) orBuiltin() Defaults {
	b := BuiltinDefaults()
	str := func(v *string, def string) {
		if *v == "" {
			*v = def
		}
	}
	str(&d.FeatureMetric, b.FeatureMetric)
	str(&d.ConfidenceMetric, b.ConfidenceMetric)
	str(&d.PredictionsMetric, b.PredictionsMetric)
	str(&d.FeatureLabel, b.FeatureLabel)
	str(&d.ClassLabel, b.ClassLabel)
	str(&d.GPUGroupLabel, b.GPUGroupLabel)
	str(&d.TracesSchema, b.TracesSchema)
	if d.StragglerThreshold == 0 {
		d.StragglerThreshold = b.StragglerThreshold
	}
	if d.MinGroupMedian == 0 {
		d.MinGroupMedian = b.MinGroupMedian
	}
	if d.MinCount == 0 {
		d.MinCount = b.MinCount
	}
	if d.TracesLimit == 0 {
		d.TracesLimit = b.TracesLimit
	}
	return d
}

func (q *Query) applyDefaults(d Defaults) {
	if q.Method == "" {
		q.Method = "auto"
	}
	if q.MinCount == 0 {
		q.MinCount = d.MinCount
	}
	if q.Source == "" {
		switch {
		case q.ClickHouse != nil && q.Prometheus == nil:
			q.Source = SourceClickHouse
		case q.QueryType == TypeTraces:
			q.Source = SourceClickHouse
		default:
			q.Source = SourcePrometheus
		}
	}
	// A drift or distribution query over Prometheus that names nothing
	// reads the datasource's default metric.
	if q.Prometheus == nil && q.Source == SourcePrometheus && (q.QueryType == TypeDrift || q.QueryType == TypeDistribution) {
		q.Prometheus = &PromInput{}
	}
	if p := q.Prometheus; p != nil {
		if p.Input == "" {
			p.Input = "histogram"
			if p.Expr != "" && p.Metric == "" {
				p.Input = "samples"
			}
		}
		if p.Metric == "" && p.Input != "samples" && q.Source == SourcePrometheus {
			switch {
			case q.QueryType == TypeDistribution && q.Mode == "classes":
				p.Metric = d.PredictionsMetric
			case q.QueryType == TypeDistribution:
				p.Metric = d.ConfidenceMetric
			case q.QueryType == TypeDrift:
				p.Metric = d.FeatureMetric
			}
		}
		if p.FeatureLabel == "" {
			p.FeatureLabel = d.FeatureLabel
		}
		// ClassLabel names a column for ClickHouse, so only Prometheus
		// class distributions take the label default.
		if q.ClassLabel == "" && q.Source == SourcePrometheus && q.QueryType == TypeDistribution && q.Mode == "classes" {
			q.ClassLabel = d.ClassLabel
		}
	}
	if c := q.ClickHouse; c != nil && c.Layout == "" {
		c.Layout = "wide"
		if c.FeatureColumn != "" {
			c.Layout = "long"
		}
	}
	if q.Reference == nil {
		q.Reference = &Reference{}
	}
	if q.Reference.Mode == "" {
		switch {
		case q.Reference.Table != "":
			q.Reference.Mode = "baseline"
		case !q.Reference.From.IsZero():
			q.Reference.Mode = "absolute"
		default:
			q.Reference.Mode = "offset"
		}
	}
	if q.Reference.Mode == "offset" && q.Reference.Offset == 0 {
		q.Reference.Offset = Duration(7 * 24 * time.Hour)
	}
	if q.GPU == nil && q.QueryType == TypeGPU {
		q.GPU = &GPUInput{}
	}
	if g := q.GPU; g != nil {
		if g.GroupLabel == "" {
			g.GroupLabel = d.GPUGroupLabel
		}
		if g.StragglerThreshold == 0 {
			g.StragglerThreshold = d.StragglerThreshold
		}
		if g.MinGroupMedian == 0 {
			g.MinGroupMedian = d.MinGroupMedian
		}
	}
	if q.Traces == nil && q.QueryType == TypeTraces {
		q.Traces = &TracesInput{}
	}
	if t := q.Traces; t != nil {
		if t.Schema == "" {
			t.Schema = d.TracesSchema
		}
		// The default database and table belong to the default schema:
		// a query that picks the other schema keeps that schema's own.
		if t.Schema == d.TracesSchema && t.Database == "" && t.Table == "" {
			t.Database, t.Table = d.TracesDatabase, d.TracesTable
		}
		if t.Limit == 0 {
			t.Limit = d.TracesLimit
		}
	}
}

// DriftOptions turns the query's drift settings into engine options.
func (q *Query) DriftOptions() drift.Options {
	o := drift.Options{Threshold: q.Threshold, MinCount: q.MinCount}
	if b := q.Binning; b != nil {
		o.Binning = drift.Binning{Policy: drift.BinningPolicy(b.Policy), Bins: b.Bins, Edges: b.Edges}
	}
	return o
}

// Validate checks the fields a query type needs, before anything is sent
// to a server.
func (q *Query) Validate() error {
	switch q.QueryType {
	case TypeDrift, TypeDistribution, TypeGPU, TypeTraces:
	case "":
		return qerr("queryType", "the query has no type; choose drift, distribution, gpu or traces")
	default:
		return qerr("queryType", "unknown query type %q; choose drift, distribution, gpu or traces", q.QueryType)
	}
	if q.Source != SourcePrometheus && q.Source != SourceClickHouse {
		return qerr("source", "unknown source %q; use prometheus or clickhouse", q.Source)
	}
	if q.Threshold < 0 {
		return qerr("threshold", "must be positive")
	}
	if q.MinCount < 0 {
		return qerr("minCount", "must be 0 or more")
	}
	switch q.Format {
	case "", "table", "timeseries", "numeric":
	default:
		return qerr("format", "unknown format %q; use table, timeseries or numeric", q.Format)
	}
	if q.Method != "auto" {
		if _, _, ok := drift.MethodKind(q.Method); !ok {
			if _, _, ok := drift.MultivariateMethodKind(q.Method); !ok {
				return qerr("method", "unknown method %q", q.Method)
			}
		}
	}
	if q.OverTime && q.Step > 0 && q.Window > 0 && q.Step > q.Window {
		return qerr("step", "the step (%s) is longer than the window (%s): some data would never be compared", FormatDuration(time.Duration(q.Step)), FormatDuration(time.Duration(q.Window)))
	}
	switch r := q.Reference; r.Mode {
	case "offset":
		if r.Offset <= 0 {
			return qerr("reference.offset", "must be a positive duration such as 7d")
		}
	case "absolute":
		if r.From.IsZero() || r.To.IsZero() || !r.To.After(r.From) {
			return qerr("reference", "an absolute reference needs from and to, with to after from")
		}
	case "baseline":
		if q.Source != SourceClickHouse {
			return qerr("reference.mode", "a baseline table needs the ClickHouse source (source: clickhouse)")
		}
		if r.Table == "" {
			return qerr("reference.table", "name the baseline table, for example the training set")
		}
	default:
		return qerr("reference.mode", "unknown reference mode %q; use offset, absolute or baseline", r.Mode)
	}
	switch q.QueryType {
	case TypeDrift, TypeDistribution:
		if q.Source == SourcePrometheus {
			return q.validateProm()
		}
		return q.validateClickHouse()
	case TypeGPU:
		if q.Source != SourcePrometheus {
			return qerr("source", "the gpu query reads DCGM metrics from Prometheus")
		}
		if g := q.GPU; g.StragglerThreshold <= 0 || g.StragglerThreshold >= 1 {
			return qerr("gpu.stragglerThreshold", "use a share between 0 and 1, such as 0.75")
		}
	case TypeTraces:
		if q.Source != SourceClickHouse {
			return qerr("source", "traces are read from ClickHouse")
		}
		if s := q.Traces.Schema; s != "otel" && s != "signoz" {
			return qerr("traces.schema", "unknown schema %q; use otel or signoz", s)
		}
		if q.Traces.Limit < 0 || q.Traces.Limit > 10000 {
			return qerr("traces.limit", "use 1 to 10000")
		}
	}
	return nil
}

func (q *Query) validateProm() error {
	p := q.Prometheus
	if p == nil {
		return qerr("prometheus", "say which metric or expression to read")
	}
	switch p.Input {
	case "histogram", "native":
		if p.Metric == "" && q.Mode != "classes" {
			return qerr("prometheus.metric", "name the histogram metric, for example ml_feature_value")
		}
		if strings.HasSuffix(p.Metric, "_bucket") {
			return qerr("prometheus.metric", "give the histogram's base name without _bucket (%s)", strings.TrimSuffix(p.Metric, "_bucket"))
		}
	case "samples":
		if p.Expr == "" {
			return qerr("prometheus.expr", "enter a PromQL expression whose values are compared")
		}
	default:
		return qerr("prometheus.input", "unknown input %q; use histogram, native or samples", p.Input)
	}
	return nil
}

func (q *Query) validateClickHouse() error {
	c := q.ClickHouse
	if c == nil {
		return qerr("clickhouse", "say which table or SQL to read")
	}
	if c.SQL == "" && c.Table == "" {
		return qerr("clickhouse.table", "pick a table, or write SQL")
	}
	if c.TimeColumn == "" && q.Reference.Mode != "baseline" {
		return qerr("clickhouse.timeColumn", "pick the time column, so that the windows can be selected")
	}
	switch c.Layout {
	case "wide":
		if len(c.Columns) == 0 && c.SQL == "" {
			return qerr("clickhouse.columns", "pick at least one feature column")
		}
	case "long":
		if c.FeatureColumn == "" || c.ValueColumn == "" {
			return qerr("clickhouse.featureColumn", "a long table needs a feature column and a value column")
		}
	default:
		return qerr("clickhouse.layout", "unknown layout %q; use wide or long", c.Layout)
	}
	return nil
}
