package engine

import (
	"context"

	"github.com/mlwatch/mlwatch/pkg/diagnose"
	"github.com/mlwatch/mlwatch/pkg/source/clickhouse"
	"github.com/mlwatch/mlwatch/pkg/traces"
)

// tracesCHSource adapts the ClickHouse client to tracesSource.
//
// PENDING: this build's ClickHouse client can only ask the server's
// version; the traces query needs Client.Query, which is being added to
// pkg/source/clickhouse. The adapter for it (query with
// clickhouse.Settings{MaxRows, MaxBytes}, rows read through
// Result.Columns[j].Value(i)) is ready in the gputraces scratch copy and
// replaces this file when Query lands.
type tracesCHSource struct {
	c      clickhouse.Client
	limits Limits
}

func newTracesCHSource(c clickhouse.Client, l Limits) *tracesCHSource {
	return &tracesCHSource{c: c, limits: l}
}

func (s *tracesCHSource) query(context.Context, string, int) (*traces.Result, error) {
	return nil, &diagnose.Problem{
		Kind:    diagnose.KindOther,
		Message: "the traces query is not available in this build: its ClickHouse client cannot run queries yet",
	}
}

func (s *tracesCHSource) version(ctx context.Context) string {
	v, err := s.c.Version(ctx)
	if err != nil {
		return ""
	}
	return v
}
