package clickhouse

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/mlwatch/mlwatch/pkg/diagnose"
	"github.com/mlwatch/mlwatch/pkg/models"
	"github.com/mlwatch/mlwatch/pkg/source/tlsconfig"
)

// maxErrorBody bounds how much of an error body is read.
const maxErrorBody = 4 << 10

// httpClient speaks ClickHouse's HTTP interface directly. It is written
// against the interface's oldest stable surface (query in the body, basic
// auth, FORMAT in the query) so that it works with old servers too.
type httpClient struct {
	endpoint *url.URL
	http     *http.Client
	// queries has no client-wide timeout: each query's context carries
	// max_execution_time plus a grace period, so that the server's own
	// "timeout exceeded" answer arrives before the connection is cut.
	queries  *http.Client
	settings models.ClickHouse
	target   diagnose.Target
	redactor *diagnose.Redactor
	state    queryState
}

func newHTTPClient(s models.ClickHouse, t diagnose.Target, r *diagnose.Redactor) (*httpClient, error) {
	scheme := "http"
	if s.Secure {
		scheme = "https"
	}
	tlsCfg, err := tlsconfig.Build(s.TLS)
	if err != nil {
		return nil, fmt.Errorf("clickhouse TLS: %w", err)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = tlsCfg
	t.Address = scheme + "://" + s.Address()
	return &httpClient{
		endpoint: &url.URL{Scheme: scheme, Host: s.Address(), Path: "/"},
		http:     &http.Client{Transport: tr, Timeout: s.Timeout},
		queries:  &http.Client{Transport: tr},
		settings: s,
		target:   t,
		redactor: r,
	}, nil
}

func (c *httpClient) Close() error {
	c.http.CloseIdleConnections()
	return nil
}

func (c *httpClient) Version(ctx context.Context) (string, error) {
	var out struct {
		Data [][]string `json:"data"`
	}
	if err := c.query(ctx, "SELECT version() FORMAT JSONCompact", &out); err != nil {
		return "", err
	}
	if len(out.Data) != 1 || len(out.Data[0]) != 1 {
		return "", &diagnose.Problem{Kind: diagnose.KindProtocol, Message: fmt.Sprintf("ClickHouse at %s: unexpected answer to SELECT version()", c.target.Address), Downstream: true}
	}
	return out.Data[0][0], nil
}

// query runs one statement and decodes its JSON output into out.
func (c *httpClient) query(ctx context.Context, sql string, out any) error {
	u := *c.endpoint
	q := url.Values{}
	if c.settings.Database != "" {
		q.Set("database", c.settings.Database)
	}
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), strings.NewReader(sql))
	if err != nil {
		return fmt.Errorf("build ClickHouse request: %w", err)
	}
	req.SetBasicAuth(c.settings.User, c.settings.Password)
	req.Header.Set("User-Agent", "mlwatch")
	resp, err := c.http.Do(req)
	if err != nil {
		return scrub(c.redactor, c.networkProblem(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		if e, ok := parseException(string(body)); ok {
			return scrub(c.redactor, problemFromServer(c.target, c.settings.Database, e))
		}
		if strings.Contains(string(body), "is for clickhouse-client") {
			return c.wrongPortProblem(nil)
		}
		return scrub(c.redactor, diagnose.HTTPStatus(c.target, "/", resp.StatusCode, string(body)))
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return scrub(c.redactor, &diagnose.Problem{
			Kind:       diagnose.KindProtocol,
			Message:    fmt.Sprintf("ClickHouse at %s: the answer is not ClickHouse JSON. Is this the HTTP port (usually 8123, or 8443 with TLS)?", c.target.Address),
			Downstream: true,
			Err:        err,
		})
	}
	return nil
}

func (c *httpClient) networkProblem(err error) *diagnose.Problem {
	p := diagnose.Network(c.target, err)
	if p.Kind == diagnose.KindProtocol {
		return c.wrongPortProblem(err)
	}
	return p
}

func (c *httpClient) wrongPortProblem(err error) *diagnose.Problem {
	return &diagnose.Problem{
		Kind:       diagnose.KindProtocol,
		Message:    fmt.Sprintf("ClickHouse at %s: the server did not answer HTTP. Is this the native port (usually 9000)? Use the HTTP port (usually 8123) or switch the protocol to native.", c.target.Address),
		Downstream: true,
		Err:        err,
	}
}

// Query runs one SELECT and returns its typed columns. It is sent with
// readonly=2 and the limits in s; when the user's profile is readonly=1
// (which refuses every setting), it is sent again without settings, and
// the client keeps enforcing the row and size limits itself.
func (c *httpClient) Query(ctx context.Context, sql string, s Settings) (*Result, error) {
	return c.state.query(c.redactor, func(withSettings bool) (*Result, error) {
		return c.runQuery(ctx, sql, s, withSettings)
	})
}

func (c *httpClient) runQuery(ctx context.Context, sql string, s Settings, withSettings bool) (*Result, error) {
	deadline, hasDeadline := ctx.Deadline()
	exec := executionTime(s, c.settings.Timeout, deadline, hasDeadline)
	if s.MaxExecutionTime <= 0 {
		s.MaxExecutionTime = exec
	}
	q := url.Values{}
	if c.settings.Database != "" {
		q.Set("database", c.settings.Database)
	}
	// The whole answer is produced before it is sent, so an exception
	// (a limit hit half-way) comes as an HTTP error, not after a 200.
	q.Set("wait_end_of_query", "1")
	if withSettings {
		for k, v := range settingsMap(s, exec, true) {
			q.Set(k, fmt.Sprint(v))
		}
	}
	u := *c.endpoint
	u.RawQuery = q.Encode()
	if exec > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, exec+readGrace)
		defer cancel()
	}
	body := sql + "\nFORMAT TabSeparatedWithNamesAndTypes"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), strings.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("build ClickHouse request: %w", err)
	}
	req.SetBasicAuth(c.settings.User, c.settings.Password)
	req.Header.Set("User-Agent", "mlwatch")
	resp, err := c.queries.Do(req)
	if err != nil {
		return nil, c.networkProblem(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		text, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		if e, ok := parseException(string(text)); ok {
			if withSettings && isSettingsRefused(e) {
				return nil, &refusal{e}
			}
			return nil, queryProblem(c.target, s, e)
		}
		if strings.Contains(string(text), "is for clickhouse-client") {
			return nil, c.wrongPortProblem(nil)
		}
		return nil, diagnose.HTTPStatus(c.target, "/", resp.StatusCode, string(text))
	}
	var r io.Reader = resp.Body
	if s.MaxBytes > 0 {
		r = &byteLimit{r: resp.Body, left: s.MaxBytes}
	}
	dec := &tsvDecoder{r: bufio.NewReaderSize(r, 64<<10), maxRows: s.MaxRows, location: func() *time.Location { return c.serverLocation(ctx) }}
	res, err := dec.decode()
	var se *streamException
	switch {
	case err == nil:
		return res, nil
	case errors.Is(err, errTooManyRows):
		return nil, tooManyRows(c.target, s)
	case errors.Is(err, errTooManyBytes):
		return nil, tooManyBytes(c.target, s)
	case errors.As(err, &se):
		return nil, queryProblem(c.target, s, se.e)
	}
	var p *diagnose.Problem
	if errors.As(err, &p) {
		return nil, p
	}
	if ctx.Err() != nil {
		return nil, c.networkProblem(ctx.Err())
	}
	return nil, &diagnose.Problem{Kind: diagnose.KindProtocol, Message: fmt.Sprintf("ClickHouse at %s: could not read the answer: %v", c.target.Address, err), Downstream: true, Err: err}
}

// serverLocation is the server's time zone, asked once; DateTime columns
// without their own zone are printed in it.
func (c *httpClient) serverLocation(ctx context.Context) *time.Location {
	return c.state.location(func() (string, error) {
		res, err := c.runQuery(ctx, "SELECT timezone()", Settings{MaxRows: 1}, !c.state.noSettings.Load())
		if err != nil {
			return "", err
		}
		if res.Rows != 1 || len(res.Columns) != 1 {
			return "", errors.New("no time zone")
		}
		return res.Columns[0].String(0), nil
	})
}
