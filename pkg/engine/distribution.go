package engine

import (
	"context"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlwatch/mlwatch/pkg/drift"
	"github.com/mlwatch/mlwatch/pkg/models"
)

// DistributionRun is the bins of one variable in both windows (Mode
// "histogram"), or the share per class (Mode "classes").
type DistributionRun struct {
	// Histogram mode: bin bounds.
	Lower, Upper []float64
	// Classes mode: class names.
	Classes []string
	// Counts per bin or class in each window.
	Reference, Current []float64
	// Result is the drift verdict of the chosen method on these bins.
	Result   drift.Result
	Notices  []string
	Executed []string
}

func (e *Engine) runDistribution(ctx context.Context, req Request) ([]*data.Frame, error) {
	var run *DistributionRun
	var err error
	switch req.Query.Source {
	case models.SourcePrometheus:
		run, err = e.promDistribution(ctx, req)
	default:
		run, err = e.clickhouseDistribution(ctx, req)
	}
	if err != nil {
		return nil, err
	}
	return distributionFrames(req, run), nil
}

// distributionFrames returns shares (so windows of different volume
// compare), with counts and the drift verdict in the frame's meta.
func distributionFrames(req Request, run *DistributionRun) []*data.Frame {
	refShare, curShare := shares(run.Reference), shares(run.Current)
	var frame *data.Frame
	if run.Classes != nil {
		frame = data.NewFrame("distribution",
			data.NewField("class", nil, run.Classes),
			data.NewField("reference", nil, refShare),
			data.NewField("current", nil, curShare),
		)
	} else {
		frame = data.NewFrame("distribution",
			data.NewField("lower", nil, run.Lower),
			data.NewField("upper", nil, run.Upper),
			data.NewField("reference", nil, refShare),
			data.NewField("current", nil, curShare),
		)
	}
	r := run.Result
	custom := map[string]any{
		"reference_counts": run.Reference,
		"current_counts":   run.Current,
		"reference_total":  sumOf(run.Reference),
		"current_total":    sumOf(run.Current),
		"method":           r.Method,
		"kind":             string(r.Kind),
		"score":            finitePtr(r.Score),
		"statistic":        finitePtr(r.Statistic),
		"threshold":        r.Threshold,
		"drifted":          r.Drifted,
	}
	frame.Meta = &data.FrameMeta{Type: data.FrameTypeTable, TypeVersion: data.FrameTypeVersion{0, 1}, Custom: custom}
	for _, n := range append(run.Notices, r.Notices...) {
		frame.Meta.Notices = append(frame.Meta.Notices, data.Notice{Severity: data.NoticeSeverityInfo, Text: n})
	}
	if len(run.Executed) > 0 {
		frame.Meta.ExecutedQueryString = strings.Join(run.Executed, "\n")
	}
	if format(req) == "numeric" {
		score := data.NewField("score", data.Labels{"method": r.Method}, []*float64{finitePtr(r.Score)})
		n := data.NewFrame("distribution_drift", score)
		n.Meta = &data.FrameMeta{Type: data.FrameTypeNumericMulti, TypeVersion: data.FrameTypeVersion{0, 1}}
		return []*data.Frame{n}
	}
	return []*data.Frame{frame}
}

func shares(counts []float64) []float64 {
	total := sumOf(counts)
	out := make([]float64, len(counts))
	for i, c := range counts {
		if total > 0 {
			out[i] = c / total
		}
	}
	return out
}

func sumOf(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v
	}
	return s
}
