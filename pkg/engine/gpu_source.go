package engine

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/mlwatch/mlwatch/pkg/gpu"
	"github.com/mlwatch/mlwatch/pkg/models"
	"github.com/mlwatch/mlwatch/pkg/source/prometheus"
)

// gpuPromSource adapts the Prometheus client to gpuSource, applying the
// engine's series, point and byte limits to every answer.
type gpuPromSource struct {
	c      *prometheus.Client
	limits Limits
}

func newGPUPromSource(c *prometheus.Client, l Limits) *gpuPromSource {
	return &gpuPromSource{c: c, limits: l}
}

func (s *gpuPromSource) seriesLimit() int { return s.limits.MaxSeries }

func (s *gpuPromSource) vector(ctx context.Context, expr string, at time.Time) ([]gpu.Sample, []string, error) {
	res, err := s.c.Query(ctx, expr, at, prometheus.Limits{MaxSeries: s.limits.MaxSeries, MaxPoints: s.limits.MaxPoints, MaxBytes: s.limits.MaxBytes})
	if err != nil {
		if le, ok := prometheus.IsLimit(err); ok && le.What == "series" {
			return nil, nil, fmt.Errorf("%w: %v", errTooManySeries, err)
		}
		if _, ok := prometheus.IsLimit(err); ok {
			return nil, nil, &models.QueryError{Field: "gpu", Message: err.Error() + "; filter by namespace, pod or host"}
		}
		if prometheus.IsTooManySamples(err) {
			return nil, nil, &models.QueryError{Field: "gpu", Message: "Prometheus refused to load that many samples (its query.max-samples limit); shorten the time range or filter by namespace, pod or host"}
		}
		return nil, nil, err
	}
	if res.Type != "vector" {
		return nil, res.Warnings, fmt.Errorf("the query returned a %s, not an instant vector", res.Type)
	}
	out := make([]gpu.Sample, 0, len(res.Series))
	for _, se := range res.Series {
		v := math.NaN()
		if len(se.V) > 0 {
			v = se.V[len(se.V)-1]
		}
		out = append(out, gpu.Sample{Labels: se.Labels, Value: v})
	}
	return out, res.Warnings, nil
}
