// Package engine runs mlwatch queries (drift, distribution, gpu, traces)
// against Prometheus and ClickHouse and returns Grafana data frames. The
// datasource's QueryData and `mlwatch query` both call it, so a query
// behaves the same on a dashboard, in an alert rule and on the command line.
package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlwatch/mlwatch/pkg/diagnose"
	"github.com/mlwatch/mlwatch/pkg/models"
	"github.com/mlwatch/mlwatch/pkg/source/clickhouse"
	"github.com/mlwatch/mlwatch/pkg/source/prometheus"
)

// Limits bound what one query may fetch and return. Exceeding a limit is
// reported as a notice (data truncated) or an error (nothing sensible to
// show), never silently.
type Limits struct {
	MaxSeries    int           // series per Prometheus answer
	MaxPoints    int           // samples per Prometheus answer
	MaxRows      int           // rows per ClickHouse answer
	MaxBytes     int64         // bytes per answer
	MaxFeatures  int           // features per drift query
	MaxSteps     int           // over-time steps
	QueryTimeout time.Duration // per query, within the request's deadline
}

// DefaultLimits are generous for dashboards and safe for the plugin process.
func DefaultLimits() Limits {
	return Limits{
		MaxSeries:    20_000,
		MaxPoints:    5_000_000,
		MaxRows:      1_000_000,
		MaxBytes:     256 << 20,
		MaxFeatures:  2_000,
		MaxSteps:     2_000,
		QueryTimeout: 60 * time.Second,
	}
}

// Engine holds the source clients of one datasource instance.
type Engine struct {
	Prom       *prometheus.Client
	ClickHouse clickhouse.Client
	Limits     Limits
}

// TimeRange is the query's time range (the dashboard's, or the alert rule's
// relative range).
type TimeRange struct {
	From, To time.Time
}

// Request is one query to run.
type Request struct {
	Query     *models.Query
	TimeRange TimeRange
	// Interval is Grafana's suggested step for the panel width.
	Interval time.Duration
	// FromAlert is set for alert evaluation: frames are numeric or wide
	// series only, since alerting rejects tables.
	FromAlert bool
}

// Response is a query's frames; Err is a per-query error (the query's
// siblings still run).
type Response struct {
	Frames data.Frames
	Err    error
}

// ErrNotConfigured is returned when a query needs a source the datasource
// has no settings for.
var ErrNotConfigured = errors.New("source not configured")

// Run executes one query. The caller's context bounds it; so does
// Limits.QueryTimeout.
func (e *Engine) Run(ctx context.Context, req Request) ([]*data.Frame, error) {
	q := req.Query
	if err := q.Validate(); err != nil {
		return nil, err
	}
	if !req.TimeRange.To.After(req.TimeRange.From) {
		return nil, &models.QueryError{Field: "time range", Message: "the time range is empty: its end must be after its start"}
	}
	if e.Limits.QueryTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, e.Limits.QueryTimeout)
		defer cancel()
	}
	switch q.Source {
	case models.SourcePrometheus:
		if e.Prom == nil {
			return nil, fmt.Errorf("%w: this query reads Prometheus, but the datasource has no Prometheus URL; add one in the datasource settings", ErrNotConfigured)
		}
	case models.SourceClickHouse:
		if e.ClickHouse == nil {
			return nil, fmt.Errorf("%w: this query reads ClickHouse, but the datasource has no ClickHouse host; add one in the datasource settings", ErrNotConfigured)
		}
	}
	var frames []*data.Frame
	var err error
	switch q.QueryType {
	case models.TypeDrift:
		frames, err = e.runDrift(ctx, req)
	case models.TypeDistribution:
		frames, err = e.runDistribution(ctx, req)
	case models.TypeGPU:
		frames, err = e.runGPU(ctx, req)
	case models.TypeTraces:
		frames, err = e.runTraces(ctx, req)
	}
	if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return nil, &diagnose.Problem{
			Kind:       diagnose.KindTimeout,
			Message:    fmt.Sprintf("the query did not finish within %s; narrow the time range or the features, or raise the timeout", e.Limits.QueryTimeout),
			Downstream: true,
			Err:        err,
		}
	}
	return frames, err
}

// format resolves the output format: numeric for alerts unless a query asks
// for time series.
func format(req Request) string {
	f := req.Query.Format
	if f == "" {
		if req.FromAlert {
			if req.Query.OverTime {
				return "timeseries"
			}
			return "numeric"
		}
		return "table"
	}
	if req.FromAlert && f == "table" {
		// Alerting rejects tables; numbers carry the same verdicts.
		return "numeric"
	}
	return f
}
