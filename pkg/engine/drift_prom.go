package engine

import (
	"context"
	"errors"
)

// promDrift computes drift from Prometheus (classic or native histograms,
// or raw samples of an expression).
func (e *Engine) promDrift(ctx context.Context, req Request) (*DriftRun, error) {
	return nil, errors.New("drift over Prometheus is not available in this build")
}

// promDistribution computes a distribution from Prometheus.
func (e *Engine) promDistribution(ctx context.Context, req Request) (*DistributionRun, error) {
	return nil, errors.New("distributions over Prometheus are not available in this build")
}
