package prometheus

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/mlwatch/mlwatch/pkg/diagnose"
)

// Limits bound one answer. Zero means no limit. They are checked while the
// answer streams in, so memory stays bounded whatever the server sends.
type Limits struct {
	MaxBytes  int64
	MaxSeries int
	MaxPoints int // float samples and native histogram samples
}

// LimitError says which limit an answer passed. The request is abandoned
// at that point.
type LimitError struct {
	What  string // "bytes", "series" or "points"
	Limit int64
}

func (e *LimitError) Error() string {
	switch e.What {
	case "bytes":
		return fmt.Sprintf("the answer is larger than the limit of %d MiB", e.Limit>>20)
	default:
		return fmt.Sprintf("the answer has more than %d %s (the limit)", e.Limit, e.What)
	}
}

// Series is one series of a query answer: float samples as parallel T (ms)
// and V slices, native histogram samples as HT and H.
type Series struct {
	Labels map[string]string
	T      []int64
	V      []float64
	HT     []int64
	H      []*Histogram
}

// Histogram is a native histogram sample as the API renders it.
type Histogram struct {
	Count, Sum float64
	Buckets    []HistogramBucket
}

// HistogramBucket is [boundaryRule, lower, upper, count]. Boundaries: 0 is
// (lower, upper], 1 is [lower, upper), 2 is (lower, upper), 3 is
// [lower, upper].
type HistogramBucket struct {
	Boundaries          int
	Lower, Upper, Count float64
}

// Result is a query answer.
type Result struct {
	// Type is "vector", "matrix", "scalar" or "string".
	Type   string
	Series []Series
	// String holds a string result's value.
	String   string
	Warnings []string
	// Points counts float and histogram samples; Bytes the body read.
	Points int
	Bytes  int64
}

// Query evaluates an instant query at a time.
func (c *Client) Query(ctx context.Context, expr string, at time.Time, lim Limits) (*Result, error) {
	form := url.Values{"query": {expr}, "time": {FormatTime(at)}}
	return c.query(ctx, "/api/v1/query", form, lim)
}

// QueryRange evaluates a range query; Prometheus aligns nothing itself, so
// callers pass start on a multiple of step if they want stable steps.
func (c *Client) QueryRange(ctx context.Context, expr string, start, end time.Time, step time.Duration, lim Limits) (*Result, error) {
	if step <= 0 {
		return nil, errors.New("query_range: the step must be positive")
	}
	form := url.Values{
		"query": {expr}, "start": {FormatTime(start)}, "end": {FormatTime(end)},
		"step": {strconv.FormatFloat(step.Seconds(), 'f', -1, 64)},
	}
	return c.query(ctx, "/api/v1/query_range", form, lim)
}

// RawRange returns the raw samples of a series selector in (end-rng, end]
// (inclusive of the start on Prometheus 2): the instant query
// `selector[rng]` at end, the one way the API returns samples unchanged
// (no step alignment, no lookback).
func (c *Client) RawRange(ctx context.Context, selector string, rng time.Duration, end time.Time, lim Limits) (*Result, error) {
	return c.Query(ctx, selector+"["+FormatDuration(rng)+"]", end, lim)
}

func (c *Client) query(ctx context.Context, path string, form url.Values, lim Limits) (*Result, error) {
	res := &Result{}
	var dec *decoder
	env, n, err := c.post(ctx, path, form, lim, func(d *decoder) error {
		dec = d
		return d.queryData(res)
	})
	res.Bytes = n
	if dec != nil {
		res.Points = dec.points
	}
	if err != nil {
		return nil, err
	}
	res.Warnings = env.Warnings
	return res, nil
}

// SeriesSets lists the label sets of the series matching any of the
// selectors in [start, end].
func (c *Client) SeriesSets(ctx context.Context, selectors []string, start, end time.Time, lim Limits) ([]map[string]string, error) {
	form := url.Values{"match[]": selectors, "start": {FormatTime(start)}, "end": {FormatTime(end)}}
	var out []map[string]string
	_, _, err := c.post(ctx, "/api/v1/series", form, lim, func(d *decoder) error { return d.labelSets(&out) })
	return out, err
}

// LabelValues lists the values of a label, optionally among the series
// matching selectors.
func (c *Client) LabelValues(ctx context.Context, label string, selectors []string, start, end time.Time, lim Limits) ([]string, error) {
	form := url.Values{"start": {FormatTime(start)}, "end": {FormatTime(end)}}
	if len(selectors) > 0 {
		form["match[]"] = selectors
	}
	var out []string
	// Label values are a GET-only endpoint on Prometheus 2.
	_, _, err := c.do(ctx, http.MethodGet, "/api/v1/label/"+url.PathEscape(label)+"/values", form, lim, func(d *decoder) error { return d.stringList(&out) })
	return out, err
}

// LabelNames lists label names, optionally among the series matching
// selectors.
func (c *Client) LabelNames(ctx context.Context, selectors []string, start, end time.Time, lim Limits) ([]string, error) {
	form := url.Values{"start": {FormatTime(start)}, "end": {FormatTime(end)}}
	if len(selectors) > 0 {
		form["match[]"] = selectors
	}
	var out []string
	_, _, err := c.post(ctx, "/api/v1/labels", form, lim, func(d *decoder) error { return d.stringList(&out) })
	return out, err
}

// post sends a form (POST keeps long selectors out of URLs and logs, as
// Grafana's Prometheus datasource does).
func (c *Client) post(ctx context.Context, path string, form url.Values, lim Limits, data func(*decoder) error) (apiResponse, int64, error) {
	return c.do(ctx, http.MethodPost, path, form, lim, data)
}

// do sends a request and streams the answer through the bounded decoder.
// The returned byte count is what was read of the body.
func (c *Client) do(ctx context.Context, method, path string, form url.Values, lim Limits, data func(*decoder) error) (apiResponse, int64, error) {
	u := *c.base
	u.Path = strings.TrimRight(u.Path, "/") + path
	var body io.Reader
	if method == http.MethodGet {
		u.RawQuery = form.Encode()
	} else {
		body = strings.NewReader(form.Encode())
	}
	// Cancelling on return stops the server's transfer when an answer is
	// abandoned at a limit.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return apiResponse{}, 0, fmt.Errorf("build request for %s: %w", path, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Accept", "application/json")
	c.authorize(req)
	resp, err := c.http.Do(req)
	if err != nil {
		return apiResponse{}, 0, c.scrub(diagnose.Network(c.target, err))
	}
	defer resp.Body.Close()
	ok := resp.StatusCode/100 == 2
	// 400 (bad_data), 422 (execution) and 503 (timeout, canceled) carry
	// the API envelope with the server's own message.
	apiErr := resp.StatusCode == http.StatusBadRequest || resp.StatusCode == http.StatusUnprocessableEntity || resp.StatusCode == http.StatusServiceUnavailable
	if !ok && !apiErr {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		return apiResponse{}, 0, c.scrub(diagnose.HTTPStatus(c.target, path, resp.StatusCode, errorText(b)))
	}
	lb := &limitedBody{r: resp.Body, max: lim.MaxBytes}
	if !ok {
		lb.max = maxErrorBody
	}
	d := newDecoder(lb, lim)
	env, err := d.envelope(func() error {
		if !ok {
			return d.skip()
		}
		return data(d)
	})
	if err != nil {
		if !ok {
			return env, lb.n, c.scrub(diagnose.HTTPStatus(c.target, path, resp.StatusCode, env.Error))
		}
		return env, lb.n, c.decodeError(path, lim, err)
	}
	if env.Status != "success" {
		msg := env.Error
		if msg == "" {
			msg = "the server answered " + resp.Status + " without an error message"
		}
		kind := diagnose.KindHTTPStatus
		if env.ErrorType == "timeout" {
			kind = diagnose.KindTimeout
		}
		return env, lb.n, c.scrub(&diagnose.Problem{
			Kind:       kind,
			Message:    fmt.Sprintf("Prometheus at %s: %s", c.target.Address, apiErrorText(env)),
			Downstream: true,
			Err:        &APIError{Type: env.ErrorType, Message: env.Error},
		})
	}
	return env, lb.n, nil
}

// APIError is the server's own error (errorType and error of the
// envelope), kept for callers that branch on it.
type APIError struct {
	Type, Message string
}

func (e *APIError) Error() string { return e.Type + ": " + e.Message }

func apiErrorText(env apiResponse) string {
	if env.ErrorType == "" {
		return env.Error
	}
	return env.ErrorType + ": " + env.Error
}

// decodeError classifies a failure while reading an answer.
func (c *Client) decodeError(path string, lim Limits, err error) error {
	var le *LimitError
	switch {
	case errors.As(err, &le):
		return le
	case errors.Is(err, errTooLarge):
		return &LimitError{What: "bytes", Limit: lim.MaxBytes}
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return c.scrub(diagnose.Network(c.target, err))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return c.scrub(&diagnose.Problem{
			Kind:       diagnose.KindProtocol,
			Message:    fmt.Sprintf("Prometheus at %s: the answer of %s was cut off before its end (a proxy limit, or the server stopped). Narrow the query, or check the server and any proxy in between.", c.target.Address, path),
			Downstream: true,
			Err:        err,
		})
	}
	var se *syntaxError
	if errors.As(err, &se) {
		return c.scrub(&diagnose.Problem{
			Kind:       diagnose.KindProtocol,
			Message:    fmt.Sprintf("Prometheus at %s: the answer of %s is not valid Prometheus API JSON (%s). Check that the URL points at a Prometheus API.", c.target.Address, path, shortErr(se)),
			Downstream: true,
			Err:        err,
		})
	}
	return c.scrub(diagnose.Network(c.target, err))
}

// IsLimit reports whether err is a LimitError, and returns it.
func IsLimit(err error) (*LimitError, bool) {
	var le *LimitError
	ok := errors.As(err, &le)
	return le, ok
}

// IsTooManySamples reports whether the server refused a query for loading
// too many samples (Prometheus --query.max-samples, or the like in Thanos,
// Mimir and VictoriaMetrics).
func IsTooManySamples(err error) bool {
	var ae *APIError
	if !errors.As(err, &ae) {
		return false
	}
	m := strings.ToLower(ae.Message)
	return strings.Contains(m, "too many samples") || strings.Contains(m, "max samples") ||
		strings.Contains(m, "maximum number of samples") || strings.Contains(m, "exceeded maximum resolution") ||
		strings.Contains(m, "max-samples") || strings.Contains(m, "too many points")
}

// FormatTime writes a time as the API takes it: Unix seconds with ms.
func FormatTime(t time.Time) string {
	return strconv.FormatFloat(float64(t.UnixMilli())/1000, 'f', 3, 64)
}

// FormatDuration writes a PromQL duration in whole seconds, or ms when the
// duration is not a whole number of seconds.
func FormatDuration(d time.Duration) string {
	if d%time.Second == 0 {
		return strconv.FormatInt(int64(d/time.Second), 10) + "s"
	}
	ms := d.Milliseconds()
	if ms < 1 {
		ms = 1
	}
	return strconv.FormatInt(ms, 10) + "ms"
}
