package plugin

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"

	"github.com/mlwatch/mlwatch/pkg/diagnose"
	"github.com/mlwatch/mlwatch/pkg/engine"
	"github.com/mlwatch/mlwatch/pkg/models"
)

// maxParallelQueries bounds the queries of one request run at once.
const maxParallelQueries = 4

// QueryData answers each query independently: one bad query never fails its
// siblings, and errors are returned per refId.
func (d *Datasource) QueryData(ctx context.Context, req *backend.QueryDataRequest) (*backend.QueryDataResponse, error) {
	resp := backend.NewQueryDataResponse()
	if d.settingsErr != nil {
		msg := d.redactor.Redact("The datasource settings need fixing: " + d.settingsErr.Error())
		for _, q := range req.Queries {
			resp.Responses[q.RefID] = backend.ErrDataResponseWithSource(backend.StatusBadRequest, backend.ErrorSourceDownstream, msg)
		}
		return resp, nil
	}
	fromAlert := req.Headers[backend.FromAlertHeaderName] == "true"
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, maxParallelQueries)
	for _, q := range req.Queries {
		wg.Add(1)
		sem <- struct{}{}
		go func(q backend.DataQuery) {
			defer wg.Done()
			defer func() { <-sem }()
			r := d.query(ctx, q, fromAlert)
			mu.Lock()
			resp.Responses[q.RefID] = r
			mu.Unlock()
		}(q)
	}
	wg.Wait()
	return resp, nil
}

// query runs one query; a panic is turned into that query's error so that
// the plugin process and the other queries survive it.
func (d *Datasource) query(ctx context.Context, q backend.DataQuery, fromAlert bool) (res backend.DataResponse) {
	defer func() {
		if r := recover(); r != nil {
			log.DefaultLogger.Error("query panicked", "refId", q.RefID, "panic", d.redactor.Redact(fmt.Sprint(r)), "stack", string(debug.Stack()))
			res = backend.ErrDataResponseWithSource(backend.StatusInternal, backend.ErrorSourcePlugin,
				"mlwatch failed on this query (an internal error; the plugin log has details)")
		}
	}()
	mq, err := models.ParseQueryWith(q.JSON, q.QueryType, d.settings.Defaults)
	if err != nil {
		return d.errorResponse(err)
	}
	frames, err := d.engine.Run(ctx, engine.Request{
		Query:     mq,
		TimeRange: engine.TimeRange{From: q.TimeRange.From, To: q.TimeRange.To},
		Interval:  q.Interval,
		FromAlert: fromAlert,
	})
	if err != nil {
		return d.errorResponse(err)
	}
	for _, f := range frames {
		f.RefID = q.RefID
	}
	return backend.DataResponse{Frames: frames}
}

// errorResponse classifies an error: bad input and upstream faults are
// downstream errors (the user or the server must act), the rest are ours.
func (d *Datasource) errorResponse(err error) backend.DataResponse {
	msg := d.redactor.Redact(err.Error())
	var qe *models.QueryError
	var p *diagnose.Problem
	switch {
	case errors.As(err, &qe):
		return backend.ErrDataResponseWithSource(backend.StatusBadRequest, backend.ErrorSourceDownstream, msg)
	case errors.Is(err, engine.ErrNotConfigured):
		return backend.ErrDataResponseWithSource(backend.StatusBadRequest, backend.ErrorSourceDownstream, msg)
	case errors.As(err, &p):
		status := backend.StatusBadGateway
		switch p.Kind {
		case diagnose.KindTimeout:
			status = backend.StatusTimeout
		case diagnose.KindUnauthorized:
			status = backend.StatusUnauthorized
		case diagnose.KindForbidden:
			status = backend.StatusForbidden
		case diagnose.KindCanceled:
			status = backend.StatusBadRequest
		}
		src := backend.ErrorSourcePlugin
		// A canceled request was canceled by Grafana or the user, not
		// failed by the plugin.
		if p.Downstream || p.Kind == diagnose.KindCanceled {
			src = backend.ErrorSourceDownstream
		}
		return backend.ErrDataResponseWithSource(status, src, msg)
	case errors.Is(err, context.Canceled):
		return backend.ErrDataResponseWithSource(backend.StatusBadRequest, backend.ErrorSourceDownstream, "the query was canceled")
	case errors.Is(err, context.DeadlineExceeded):
		return backend.ErrDataResponseWithSource(backend.StatusTimeout, backend.ErrorSourceDownstream, "the query did not finish in time; narrow the time range or raise the timeout")
	}
	return backend.ErrDataResponseWithSource(backend.StatusInternal, backend.ErrorSourcePlugin, msg)
}
