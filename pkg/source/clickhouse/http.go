package clickhouse

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

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
	settings models.ClickHouse
	target   diagnose.Target
	redactor *diagnose.Redactor
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
	q := url.Values{"database": {c.settings.Database}}
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
