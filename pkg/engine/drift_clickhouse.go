package engine

import (
	"context"
	"errors"
)

// clickhouseDrift computes drift from a ClickHouse table or SQL.
func (e *Engine) clickhouseDrift(ctx context.Context, req Request) (*DriftRun, error) {
	return nil, errors.New("drift over ClickHouse is not available in this build")
}

// clickhouseDistribution computes a distribution from ClickHouse.
func (e *Engine) clickhouseDistribution(ctx context.Context, req Request) (*DistributionRun, error) {
	return nil, errors.New("distributions over ClickHouse are not available in this build")
}
