// Package prometheus is a small client for the Prometheus HTTP API, as served
// by Prometheus, Thanos, Mimir and VictoriaMetrics.
package prometheus

import (
	"context"
	"encoding/json"
	"errors"
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

// maxSmallBody bounds the answers of small endpoints read by get.
const maxSmallBody = 1 << 20

// Client talks to one Prometheus-compatible server.
type Client struct {
	base     *url.URL
	http     *http.Client
	settings models.Prometheus
	target   diagnose.Target
	redactor *diagnose.Redactor
}

// New builds a client; it does not contact the server.
func New(s models.Prometheus) (*Client, error) {
	base, err := url.Parse(s.URL)
	if err != nil {
		return nil, fmt.Errorf("prometheus URL: %w", err)
	}
	tlsCfg, err := tlsconfig.Build(s.TLS)
	if err != nil {
		return nil, fmt.Errorf("prometheus TLS: %w", err)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = tlsCfg
	tr.MaxIdleConnsPerHost = 16
	secrets := []string{s.BasicAuthPassword, diagnose.BasicAuth(s.BasicAuthUser, s.BasicAuthPassword), s.BearerToken}
	for _, h := range s.Headers {
		secrets = append(secrets, h.Value)
	}
	return &Client{
		base:     base,
		http:     &http.Client{Transport: tr, Timeout: s.Timeout},
		settings: s,
		target: diagnose.Target{
			System: "Prometheus", Address: base.Redacted(), Timeout: s.Timeout,
			TLS: base.Scheme == "https", HasClientCert: s.TLS.ClientCert != "",
		},
		redactor: diagnose.NewRedactor(secrets...),
	}, nil
}

// Close releases idle connections.
func (c *Client) Close() { c.http.CloseIdleConnections() }

// Target describes the server for messages.
func (c *Client) Target() diagnose.Target { return c.target }

// BuildInfo is the answer of /api/v1/status/buildinfo.
type BuildInfo struct {
	Version   string `json:"version"`
	Revision  string `json:"revision"`
	GoVersion string `json:"goVersion"`
}

// apiResponse is the envelope of every Prometheus API answer.
type apiResponse struct {
	Status    string          `json:"status"`
	Data      json.RawMessage `json:"data"`
	ErrorType string          `json:"errorType"`
	Error     string          `json:"error"`
	Warnings  []string        `json:"warnings"`
}

// ErrNoBuildInfo means the server does not serve the buildinfo endpoint
// (some Prometheus-compatible servers do not).
var ErrNoBuildInfo = errors.New("the server has no buildinfo endpoint")

// BuildInfo asks the server for its version. Servers without the endpoint
// return ErrNoBuildInfo after a successful probe query.
func (c *Client) BuildInfo(ctx context.Context) (BuildInfo, error) {
	var bi BuildInfo
	err := c.get(ctx, "/api/v1/status/buildinfo", nil, &bi)
	if err == nil {
		return bi, nil
	}
	var p *diagnose.Problem
	if errors.As(err, &p) && p.Kind == diagnose.KindNotFound {
		// Not every compatible server has buildinfo; a query tells whether
		// the API is there at all.
		var q json.RawMessage
		if qerr := c.get(ctx, "/api/v1/query", url.Values{"query": {"1"}}, &q); qerr != nil {
			return bi, qerr
		}
		return bi, ErrNoBuildInfo
	}
	return bi, err
}

// get calls an API path and decodes the data member into out.
func (c *Client) get(ctx context.Context, path string, params url.Values, out any) error {
	u := *c.base
	u.Path = strings.TrimRight(u.Path, "/") + path
	u.RawQuery = params.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return fmt.Errorf("build request for %s: %w", path, err)
	}
	c.authorize(req)
	resp, err := c.http.Do(req)
	if err != nil {
		return c.scrub(diagnose.Network(c.target, err))
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 && resp.StatusCode != http.StatusBadRequest && resp.StatusCode != http.StatusUnprocessableEntity {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		return c.scrub(diagnose.HTTPStatus(c.target, path, resp.StatusCode, errorText(body)))
	}
	var env apiResponse
	// Small endpoints only (buildinfo, probes): a bounded read keeps a
	// misdirected URL from streaming gigabytes into memory.
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxSmallBody)).Decode(&env); err != nil {
		return c.scrub(&diagnose.Problem{
			Kind:       diagnose.KindProtocol,
			Message:    fmt.Sprintf("Prometheus at %s: %s did not return valid JSON (%v). Check that the URL points at a Prometheus API.", c.target.Address, path, shortErr(err)),
			Downstream: true,
			Err:        err,
		})
	}
	if env.Status != "success" {
		return c.scrub(&diagnose.Problem{
			Kind:       diagnose.KindHTTPStatus,
			Message:    fmt.Sprintf("Prometheus at %s: %s: %s", c.target.Address, env.ErrorType, env.Error),
			Downstream: true,
		})
	}
	if out != nil {
		if err := json.Unmarshal(env.Data, out); err != nil {
			return fmt.Errorf("decode %s: %w", path, err)
		}
	}
	return nil
}

func (c *Client) authorize(req *http.Request) {
	switch c.settings.Auth {
	case models.AuthBasic:
		req.SetBasicAuth(c.settings.BasicAuthUser, c.settings.BasicAuthPassword)
	case models.AuthBearer:
		req.Header.Set("Authorization", "Bearer "+c.settings.BearerToken)
	}
	for _, h := range c.settings.Headers {
		req.Header.Set(h.Name, h.Value)
	}
	req.Header.Set("User-Agent", "mlwatch")
}

// scrub removes secrets from a problem's message; a server may echo a header.
func (c *Client) scrub(p *diagnose.Problem) error {
	if p == nil {
		return nil
	}
	p.Message = c.redactor.Redact(p.Message)
	return p
}

// errorText picks the error member of a JSON error body, else the raw text.
func errorText(body []byte) string {
	var env apiResponse
	if json.Unmarshal(body, &env) == nil && env.Error != "" {
		return env.Error
	}
	return string(body)
}

func shortErr(err error) string {
	s := err.Error()
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return s
}
