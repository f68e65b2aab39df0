package engine

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlwatch/mlwatch/pkg/drift"
	"github.com/mlwatch/mlwatch/pkg/models"
)

// FeatureDrift is one feature's drift over the whole current window, and
// with OverTime its score at each step.
type FeatureDrift struct {
	Feature string
	Result  drift.Result
	// Scores holds one score per DriftRun.Times entry (NaN where a step had
	// insufficient data).
	Scores []float64
}

// DriftRun is what a source-specific drift computation produces; the frames
// are built from it in one place.
type DriftRun struct {
	Features []FeatureDrift
	Times    []time.Time
	// Notices apply to the whole query (how counts were computed, limits).
	Notices []string
	// Executed lists the queries sent upstream, for Grafana's query
	// inspector.
	Executed []string
}

// Windows are the concrete reference and current ranges of a request.
type Windows struct {
	Reference, Current TimeRange
	// Baseline is set when the reference is a ClickHouse table, not a
	// time range.
	Baseline bool
}

// windows resolves the reference window of a query for a current range.
func windows(q *models.Query, current TimeRange) (Windows, error) {
	w := Windows{Current: current}
	switch r := q.Reference; r.Mode {
	case "offset":
		off := time.Duration(r.Offset)
		w.Reference = TimeRange{From: current.From.Add(-off), To: current.To.Add(-off)}
	case "absolute":
		w.Reference = TimeRange{From: r.From, To: r.To}
		if r.To.After(current.From) && r.From.Before(current.To) {
			return w, &models.QueryError{Field: "reference", Message: "the reference range overlaps the current range; compare with a range before it"}
		}
	case "baseline":
		w.Baseline = true
	}
	return w, nil
}

// steps returns the end times of the over-time steps across a range, and
// the current window length of each step.
func steps(q *models.Query, tr TimeRange, interval time.Duration, maxSteps int) ([]time.Time, time.Duration, []string, error) {
	step := time.Duration(q.Step)
	if step <= 0 {
		step = interval
	}
	span := tr.To.Sub(tr.From)
	if step <= 0 {
		step = span / 60
	}
	var notices []string
	if n := int(span / step); maxSteps > 0 && n > maxSteps {
		step = span / time.Duration(maxSteps)
		notices = append(notices, fmt.Sprintf("the step was raised to %s to stay within %d steps", models.FormatDuration(step), maxSteps))
	}
	window := time.Duration(q.Window)
	if window <= 0 {
		window = step
	}
	var out []time.Time
	// Steps end on multiples of the step, like Prometheus range queries,
	// so that refreshing the dashboard keeps the cells stable.
	first := tr.From.Truncate(step)
	if first.Before(tr.From) {
		first = first.Add(step)
	}
	for t := first; !t.After(tr.To); t = t.Add(step) {
		out = append(out, t)
	}
	if len(out) == 0 {
		return nil, 0, nil, &models.QueryError{Field: "step", Message: fmt.Sprintf("the step (%s) is longer than the time range", models.FormatDuration(step))}
	}
	return out, window, notices, nil
}

func (e *Engine) runDrift(ctx context.Context, req Request) ([]*data.Frame, error) {
	var run *DriftRun
	var err error
	switch req.Query.Source {
	case models.SourcePrometheus:
		run, err = e.promDrift(ctx, req)
	default:
		run, err = e.clickhouseDrift(ctx, req)
	}
	if err != nil {
		return nil, err
	}
	if e.Limits.MaxFeatures > 0 && len(run.Features) > e.Limits.MaxFeatures {
		run.Notices = append(run.Notices, fmt.Sprintf("%d features found; only the first %d (by name) are shown. Narrow the query with matchers or a feature list", len(run.Features), e.Limits.MaxFeatures))
		run.Features = run.Features[:e.Limits.MaxFeatures]
	}
	return driftFrames(req, run), nil
}

// driftFrames builds the frames of a drift query in the requested format.
func driftFrames(req Request, run *DriftRun) []*data.Frame {
	slices.SortFunc(run.Features, func(a, b FeatureDrift) int { return strings.Compare(a.Feature, b.Feature) })
	var frames []*data.Frame
	switch format(req) {
	case "numeric":
		frames = numericDriftFrames(run)
	case "timeseries":
		frames = []*data.Frame{seriesDriftFrame(run)}
	default:
		frames = []*data.Frame{summaryFrame(run)}
		if req.Query.OverTime {
			frames = append(frames, seriesDriftFrame(run))
		}
	}
	meta := frames[0].Meta
	if meta == nil {
		meta = &data.FrameMeta{}
		frames[0].Meta = meta
	}
	for _, n := range run.Notices {
		meta.Notices = append(meta.Notices, data.Notice{Severity: data.NoticeSeverityInfo, Text: n})
	}
	if len(run.Executed) > 0 {
		meta.ExecutedQueryString = strings.Join(run.Executed, "\n")
	}
	return frames
}

// summaryFrame has one row per feature.
func summaryFrame(run *DriftRun) *data.Frame {
	n := len(run.Features)
	feature := make([]string, n)
	method := make([]string, n)
	kind := make([]string, n)
	score := make([]*float64, n)
	statistic := make([]*float64, n)
	threshold := make([]float64, n)
	drifted := make([]bool, n)
	refCount := make([]int64, n)
	curCount := make([]int64, n)
	notices := make([]string, n)
	for i, f := range run.Features {
		r := f.Result
		feature[i], method[i], kind[i] = f.Feature, r.Method, string(r.Kind)
		score[i], statistic[i] = finitePtr(r.Score), finitePtr(r.Statistic)
		threshold[i], drifted[i] = r.Threshold, r.Drifted
		refCount[i], curCount[i] = int64(r.ReferenceCount), int64(r.CurrentCount)
		notices[i] = strings.Join(r.Notices, "; ")
	}
	f := data.NewFrame("drift",
		data.NewField("feature", nil, feature),
		data.NewField("method", nil, method),
		data.NewField("kind", nil, kind),
		data.NewField("score", nil, score),
		data.NewField("statistic", nil, statistic),
		data.NewField("threshold", nil, threshold),
		data.NewField("drifted", nil, drifted),
		data.NewField("reference_count", nil, refCount),
		data.NewField("current_count", nil, curCount),
		data.NewField("notices", nil, notices),
	)
	f.Meta = &data.FrameMeta{Type: data.FrameTypeTable, TypeVersion: data.FrameTypeVersion{0, 1}}
	return f
}

// seriesDriftFrame is a wide time series: one score field per feature,
// labelled feature=<name>, which alerting and the heatmap panel read.
func seriesDriftFrame(run *DriftRun) *data.Frame {
	fields := []*data.Field{data.NewField("time", nil, slices.Clone(run.Times))}
	for _, f := range run.Features {
		vals := make([]*float64, len(run.Times))
		for i := range vals {
			if i < len(f.Scores) {
				vals[i] = finitePtr(f.Scores[i])
			}
		}
		field := data.NewField("score", data.Labels{"feature": f.Feature}, vals)
		field.Config = &data.FieldConfig{DisplayNameFromDS: f.Feature}
		if len(run.Features) > 0 {
			field.Config.Custom = map[string]any{"method": f.Result.Method, "kind": string(f.Result.Kind), "threshold": f.Result.Threshold}
		}
		fields = append(fields, field)
	}
	frame := data.NewFrame("drift_over_time", fields...)
	frame.Meta = &data.FrameMeta{Type: data.FrameTypeTimeSeriesWide, TypeVersion: data.FrameTypeVersion{0, 1}}
	return frame
}

// numericDriftFrames are numeric-multi: one frame per feature with one
// labelled score, the shape Grafana-managed alerting reads as one alert
// instance per feature. Features without a verdict have no value (NaN): the
// rule's no-data handling applies rather than a false "no drift".
func numericDriftFrames(run *DriftRun) []*data.Frame {
	frames := make([]*data.Frame, 0, len(run.Features))
	for _, f := range run.Features {
		field := data.NewField("score", data.Labels{"feature": f.Feature, "method": f.Result.Method}, []*float64{finitePtr(f.Result.Score)})
		frame := data.NewFrame("drift", field)
		frame.Meta = &data.FrameMeta{Type: data.FrameTypeNumericMulti, TypeVersion: data.FrameTypeVersion{0, 1}}
		frames = append(frames, frame)
	}
	if len(frames) == 0 {
		f := data.NewFrame("drift")
		f.Meta = &data.FrameMeta{Type: data.FrameTypeNumericMulti, TypeVersion: data.FrameTypeVersion{0, 1}}
		frames = append(frames, f)
	}
	return frames
}

func finitePtr(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}
