package models

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Defaults are the datasource-wide values a query falls back to when it
// leaves a field empty (jsonData.defaults, set in the config editor's
// "Defaults" section). They let an organisation whose metrics are named
// differently from ARCHITECTURE §5 say so once, for every dashboard and
// alert rule.
type Defaults struct {
	// Prometheus metric (base) names.
	FeatureMetric     string // drift over classic/native histograms
	ConfidenceMetric  string // distribution of one variable
	PredictionsMetric string // distribution of classes
	FeatureLabel      string
	ClassLabel        string
	// GPU straggler analysis.
	GPUGroupLabel      string
	StragglerThreshold float64
	MinGroupMedian     float64
	// MinCount is the least number of values per window for a verdict.
	MinCount int
	// Traces: schema ("otel" or "signoz") and where the spans are (empty:
	// the schema's default).
	TracesSchema   string
	TracesDatabase string
	TracesTable    string
	TracesLimit    int
	// Limits of one query; zero keeps the engine's default.
	MaxSeries    int
	MaxPoints    int
	MaxRows      int
	MaxBytes     int64
	QueryTimeout time.Duration
}

// BuiltinDefaults are the defaults when jsonData sets none: the metric
// conventions of ARCHITECTURE §5 and the straggler rule.
func BuiltinDefaults() Defaults {
	return Defaults{
		FeatureMetric:      "ml_feature_value",
		ConfidenceMetric:   "ml_prediction_confidence",
		PredictionsMetric:  "ml_predictions_total",
		FeatureLabel:       "feature",
		ClassLabel:         "class",
		GPUGroupLabel:      "namespace",
		StragglerThreshold: 0.75,
		MinGroupMedian:     40,
		MinCount:           1,
		TracesSchema:       "otel",
		TracesLimit:        100,
	}
}

// Bounds of the limits a user may set.
const (
	maxMaxSeries = 1_000_000
	maxMaxPoints = 100_000_000
	maxMaxRows   = 100_000_000
	maxMaxBytes  = 4 << 30
)

// jsonDefaults is jsonData.defaults.
type jsonDefaults struct {
	FeatureMetric       string     `json:"featureMetric"`
	ConfidenceMetric    string     `json:"confidenceMetric"`
	PredictionsMetric   string     `json:"predictionsMetric"`
	FeatureLabel        string     `json:"featureLabel"`
	ClassLabel          string     `json:"classLabel"`
	GPUGroupLabel       string     `json:"gpuGroupLabel"`
	StragglerThreshold  flexNumber `json:"stragglerThreshold"`
	MinGroupMedian      flexNumber `json:"minGroupMedian"`
	MinCount            flexNumber `json:"minCount"`
	TracesSchema        string     `json:"tracesSchema"`
	TracesDatabase      string     `json:"tracesDatabase"`
	TracesTable         string     `json:"tracesTable"`
	TracesLimit         flexNumber `json:"tracesLimit"`
	MaxSeries           flexNumber `json:"maxSeries"`
	MaxPoints           flexNumber `json:"maxPoints"`
	MaxRows             flexNumber `json:"maxRows"`
	MaxBytes            flexNumber `json:"maxBytes"`
	QueryTimeoutSeconds flexNumber `json:"queryTimeoutSeconds"`
}

var (
	promNameRe  = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)
	promLabelRe = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
	chNameRe    = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

// loadDefaults validates jsonData.defaults over the built-in ones. Each
// error names the field to fix.
func loadDefaults(j *jsonDefaults) (Defaults, error) {
	d := BuiltinDefaults()
	if j == nil {
		return d, nil
	}
	const p = "defaults."
	for _, f := range []struct {
		field string
		v     string
		dst   *string
	}{
		{"featureMetric", j.FeatureMetric, &d.FeatureMetric},
		{"confidenceMetric", j.ConfidenceMetric, &d.ConfidenceMetric},
		{"predictionsMetric", j.PredictionsMetric, &d.PredictionsMetric},
	} {
		v := strings.TrimSpace(f.v)
		if v == "" {
			continue
		}
		if !promNameRe.MatchString(v) {
			return d, &FieldError{p + f.field, fmt.Sprintf("%q is not a Prometheus metric name", v)}
		}
		if f.field != "predictionsMetric" && strings.HasSuffix(v, "_bucket") {
			return d, &FieldError{p + f.field, fmt.Sprintf("give the histogram's base name without _bucket (%s)", strings.TrimSuffix(v, "_bucket"))}
		}
		*f.dst = v
	}
	for _, f := range []struct {
		field string
		v     string
		dst   *string
	}{
		{"featureLabel", j.FeatureLabel, &d.FeatureLabel},
		{"classLabel", j.ClassLabel, &d.ClassLabel},
		{"gpuGroupLabel", j.GPUGroupLabel, &d.GPUGroupLabel},
	} {
		v := strings.TrimSpace(f.v)
		if v == "" {
			continue
		}
		if !promLabelRe.MatchString(v) {
			return d, &FieldError{p + f.field, fmt.Sprintf("%q is not a Prometheus label name", v)}
		}
		*f.dst = v
	}
	if n := j.StragglerThreshold; n.set && n.v != 0 {
		if n.v <= 0 || n.v >= 1 {
			return d, &FieldError{p + "stragglerThreshold", "use a share between 0 and 1, such as 0.75"}
		}
		d.StragglerThreshold = n.v
	}
	if n := j.MinGroupMedian; n.set && n.v != 0 {
		if n.v < 0 || n.v > 100 {
			return d, &FieldError{p + "minGroupMedian", "use a utilisation percentage from 0 to 100, such as 40"}
		}
		d.MinGroupMedian = n.v
	}
	var err error
	if d.MinCount, err = positiveInt(p+"minCount", j.MinCount, d.MinCount, 1_000_000_000); err != nil {
		return d, err
	}
	switch s := strings.ToLower(strings.TrimSpace(j.TracesSchema)); s {
	case "":
	case "otel", "signoz":
		d.TracesSchema = s
	default:
		return d, &FieldError{p + "tracesSchema", fmt.Sprintf("unknown trace schema %q: use otel (OpenTelemetry collector exporter) or signoz", j.TracesSchema)}
	}
	for _, f := range []struct {
		field string
		v     string
		dst   *string
	}{
		{"tracesDatabase", j.TracesDatabase, &d.TracesDatabase},
		{"tracesTable", j.TracesTable, &d.TracesTable},
	} {
		v := strings.TrimSpace(f.v)
		if v != "" && (!chNameRe.MatchString(v) || len(v) > 200) {
			return d, &FieldError{p + f.field, fmt.Sprintf("%q is not a plain ClickHouse name (letters, digits and _ only)", v)}
		}
		*f.dst = v
	}
	if d.TracesLimit, err = positiveInt(p+"tracesLimit", j.TracesLimit, d.TracesLimit, 10_000); err != nil {
		return d, err
	}
	if d.MaxSeries, err = positiveInt(p+"maxSeries", j.MaxSeries, 0, maxMaxSeries); err != nil {
		return d, err
	}
	if d.MaxPoints, err = positiveInt(p+"maxPoints", j.MaxPoints, 0, maxMaxPoints); err != nil {
		return d, err
	}
	if d.MaxRows, err = positiveInt(p+"maxRows", j.MaxRows, 0, maxMaxRows); err != nil {
		return d, err
	}
	maxBytes, err := positiveInt(p+"maxBytes", j.MaxBytes, 0, maxMaxBytes)
	if err != nil {
		return d, err
	}
	d.MaxBytes = int64(maxBytes)
	if n := j.QueryTimeoutSeconds; n.set && n.v != 0 {
		if d.QueryTimeout, err = loadTimeout(p+"queryTimeoutSeconds", n); err != nil {
			return d, err
		}
	}
	return d, nil
}

// positiveInt reads a whole number from 1 to upper; unset or 0 keeps def.
func positiveInt(field string, n flexNumber, def, upper int) (int, error) {
	if !n.set || n.v == 0 {
		return def, nil
	}
	if n.v != float64(int64(n.v)) || n.v < 1 || n.v > float64(upper) {
		return 0, &FieldError{field, fmt.Sprintf("%v is out of range: use a whole number from 1 to %d", n.v, upper)}
	}
	return int(n.v), nil
}
