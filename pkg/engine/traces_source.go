package engine

import (
	"context"

	"github.com/mlwatch/mlwatch/pkg/source/clickhouse"
	"github.com/mlwatch/mlwatch/pkg/traces"
)

// tracesCHSource adapts the ClickHouse client to tracesSource, with the
// engine's size limit on every answer.
type tracesCHSource struct {
	c      clickhouse.Client
	limits Limits
}

func newTracesCHSource(c clickhouse.Client, l Limits) *tracesCHSource {
	return &tracesCHSource{c: c, limits: l}
}

func (s *tracesCHSource) query(ctx context.Context, sql string, maxRows int) (*traces.Result, error) {
	res, err := s.c.Query(ctx, sql, clickhouse.Settings{MaxRows: int64(maxRows), MaxBytes: s.limits.MaxBytes})
	if err != nil {
		return nil, err
	}
	out := &traces.Result{Names: make([]string, len(res.Columns)), Rows: make([][]any, res.Rows), Notices: res.Notices}
	for j, c := range res.Columns {
		out.Names[j] = c.Name
	}
	for i := range out.Rows {
		row := make([]any, len(res.Columns))
		for j, c := range res.Columns {
			row[j] = c.Value(i)
		}
		out.Rows[i] = row
	}
	return out, nil
}

func (s *tracesCHSource) version(ctx context.Context) string {
	v, err := s.c.Version(ctx)
	if err != nil {
		return ""
	}
	return v
}
