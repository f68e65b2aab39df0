package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlwatch/mlwatch/pkg/models"
	"github.com/mlwatch/mlwatch/pkg/traces"
)

// runTraces searches traces or returns one trace from ClickHouse.
func (e *Engine) runTraces(ctx context.Context, req Request) ([]*data.Frame, error) {
	return runTracesWith(ctx, newTracesCHSource(e.ClickHouse, e.Limits), req, e.Limits)
}

// tracesSource is what the traces query needs from ClickHouse: rows of
// scalar values for a SELECT, and the server version for messages.
type tracesSource interface {
	query(ctx context.Context, sql string, maxRows int) (*traces.Result, error)
	version(ctx context.Context) string
}

// maxTraceSpans bounds one trace: beyond some tens of thousands of spans
// no trace view stays usable, and each span costs about a kilobyte.
const maxTraceSpans = 50_000

// maxColumnsRows bounds the schema lookup (columns of two tables).
const maxColumnsRows = 10_000

func runTracesWith(ctx context.Context, src tracesSource, req Request, limits Limits) ([]*data.Frame, error) {
	in := req.Query.Traces
	if in == nil {
		in = &models.TracesInput{Schema: "otel", Limit: 100}
	}
	// Alerting reads numbers: the count of traces a search finds.
	f := format(req)
	alert := f == "numeric" || (f == "timeseries" && req.FromAlert)
	if alert && in.TraceID != "" {
		return nil, &models.QueryError{Field: "traces.traceId", Message: "one trace cannot be an alert condition; leave the trace id empty to alert on the number of traces a search finds"}
	}
	// Validate everything the user typed before anything is sent.
	s, err := traces.NewSource(in.Schema, in.Database, in.Table)
	if err != nil {
		return nil, queryErr(err)
	}
	var search traces.Search
	var traceID string
	if in.TraceID != "" {
		if traceID, err = traces.NormalizeTraceID(in.TraceID); err != nil {
			return nil, queryErr(err)
		}
	} else {
		search = searchOf(in, req.TimeRange, limits)
		if err := search.Validate(); err != nil {
			return nil, queryErr(err)
		}
	}

	run := &tracesRun{src: src}
	cols, err := run.query(ctx, s.ColumnsSQL(), maxColumnsRows)
	if err != nil {
		return nil, err
	}
	if err := s.Check(cols, ""); err != nil {
		var se *traces.SchemaError
		if errors.As(err, &se) {
			// Ask the version only now, to explain an old server.
			err = s.Check(cols, src.version(ctx))
			return nil, &models.QueryError{Field: "traces.table", Message: err.Error()}
		}
		return nil, err
	}

	var frame *data.Frame
	if traceID != "" {
		frame, err = run.trace(ctx, s, traceID, req.TimeRange, limits)
	} else if alert {
		return run.count(ctx, s, search)
	} else {
		frame, err = run.search(ctx, s, search)
	}
	if err != nil {
		return nil, err
	}
	run.finish(frame)
	return []*data.Frame{frame}, nil
}

// tracesRun collects the SQL sent and the notices of one query.
type tracesRun struct {
	src      tracesSource
	executed []string
	notices  []string
}

func (r *tracesRun) query(ctx context.Context, sql string, maxRows int) (*traces.Result, error) {
	r.executed = append(r.executed, sql)
	res, err := r.src.query(ctx, sql, maxRows)
	if err != nil {
		return nil, err
	}
	for _, n := range res.Notices {
		r.note(n)
	}
	return res, nil
}

func (r *tracesRun) note(n string) {
	for _, x := range r.notices {
		if x == n {
			return
		}
	}
	r.notices = append(r.notices, n)
}

func (r *tracesRun) finish(f *data.Frame) {
	if f.Meta == nil {
		f.Meta = &data.FrameMeta{}
	}
	for _, n := range r.notices {
		f.Meta.Notices = append(f.Meta.Notices, data.Notice{Severity: data.NoticeSeverityInfo, Text: n})
	}
	f.Meta.ExecutedQueryString = strings.Join(r.executed, ";\n\n")
}

// searchOf turns the query input into a search over the request's range.
func searchOf(in *models.TracesInput, tr TimeRange, limits Limits) traces.Search {
	q := traces.Search{
		Service:     strings.TrimSpace(in.Service),
		SpanName:    strings.TrimSpace(in.SpanName),
		MinDuration: time.Duration(in.MinDurationMs * float64(time.Millisecond)),
		Status:      strings.ToLower(strings.TrimSpace(in.Status)),
		From:        tr.From,
		To:          tr.To,
		Limit:       in.Limit,
	}
	if q.Limit <= 0 {
		q.Limit = 100
	}
	if limits.MaxRows > 0 && q.Limit > limits.MaxRows {
		q.Limit = limits.MaxRows
	}
	for _, a := range in.Attributes {
		q.Attributes = append(q.Attributes, traces.Attr{Key: a.Key, Op: a.Op, Value: a.Value})
	}
	return q
}

func (r *tracesRun) search(ctx context.Context, s *traces.Source, q traces.Search) (*data.Frame, error) {
	sql, err := s.SearchSQL(q)
	if err != nil {
		return nil, queryErr(err)
	}
	res, err := r.query(ctx, sql, q.Limit)
	if err != nil {
		return nil, err
	}
	if len(res.Rows) >= q.Limit {
		r.note(fmt.Sprintf("the %d most recent matching traces are shown; narrow the search or raise the limit to see more", q.Limit))
	}
	if len(res.Rows) == 0 {
		r.note(fmt.Sprintf("no trace in %s matches the search in this time range", s.Name()))
	}
	return traces.SearchFrame(res), nil
}

// count answers alerting: the number of traces the search finds (at most
// the limit), as one number.
func (r *tracesRun) count(ctx context.Context, s *traces.Source, q traces.Search) ([]*data.Frame, error) {
	sql, err := s.SearchSQL(q)
	if err != nil {
		return nil, queryErr(err)
	}
	res, err := r.query(ctx, sql, q.Limit)
	if err != nil {
		return nil, err
	}
	labels := data.Labels{}
	if q.Service != "" {
		labels["service"] = q.Service
	}
	if q.SpanName != "" {
		labels["span"] = q.SpanName
	}
	if q.Status != "" {
		labels["status"] = q.Status
	}
	f := data.NewFrame("traces", data.NewField("traces", labels, []float64{float64(len(res.Rows))}))
	f.Meta = &data.FrameMeta{Type: data.FrameTypeNumericMulti, TypeVersion: data.FrameTypeVersion{0, 1}}
	if len(res.Rows) >= q.Limit {
		r.note(fmt.Sprintf("the count stops at the limit of %d traces", q.Limit))
	}
	r.finish(f)
	return []*data.Frame{f}, nil
}

func (r *tracesRun) trace(ctx context.Context, s *traces.Source, id string, tr TimeRange, limits Limits) (*data.Frame, error) {
	maxSpans := maxTraceSpans
	if limits.MaxRows > 0 && limits.MaxRows < maxSpans {
		maxSpans = limits.MaxRows
	}
	tq := traces.TraceQuery{TraceID: id, From: tr.From, To: tr.To, MaxSpans: maxSpans}
	var res *traces.Result
	if s.HasLookup {
		sql, err := s.TraceSQL(tq, true)
		if err != nil {
			return nil, queryErr(err)
		}
		if res, err = r.query(ctx, sql, maxSpans+1); err != nil {
			return nil, err
		}
	}
	if res == nil || len(res.Rows) == 0 {
		// No lookup table, or it does not know the trace (its view was
		// created after the spans were written): bound by the time range.
		sql, err := s.TraceSQL(tq, false)
		if err != nil {
			return nil, queryErr(err)
		}
		if res, err = r.query(ctx, sql, maxSpans+1); err != nil {
			return nil, err
		}
	}
	if len(res.Rows) == 0 {
		where := fmt.Sprintf("between %s and %s (the time range widened by %s)", tr.From.Add(-traces.Slack).UTC().Format(time.RFC3339), tr.To.Add(traces.Slack).UTC().Format(time.RFC3339), models.FormatDuration(traces.Slack))
		if s.HasLookup {
			where = "in " + s.LookupTable + ", nor " + where
		}
		r.note(fmt.Sprintf("no spans of trace %s in %s %s; check the id or widen the time range", id, s.Name(), where))
	}
	if len(res.Rows) > maxSpans {
		res.Rows = res.Rows[:maxSpans]
		r.note(fmt.Sprintf("the trace has more than %d spans; the first %d by start time are shown", maxSpans, maxSpans))
	}
	frame, err := traces.TraceFrame(res, s.Schema)
	if err != nil {
		return nil, fmt.Errorf("read the spans of trace %s: %w", id, err)
	}
	return frame, nil
}

// queryErr turns an input error of the traces package into the engine's
// QueryError.
func queryErr(err error) error {
	var ie *traces.InputError
	if errors.As(err, &ie) {
		return &models.QueryError{Field: ie.Field, Message: ie.Message}
	}
	return err
}
