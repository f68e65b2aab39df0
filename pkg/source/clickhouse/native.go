package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/mlwatch/mlwatch/pkg/diagnose"
	"github.com/mlwatch/mlwatch/pkg/models"
	"github.com/mlwatch/mlwatch/pkg/source/tlsconfig"
)

// nativeClient uses clickhouse-go over the native TCP protocol.
type nativeClient struct {
	conn     driver.Conn
	settings models.ClickHouse
	target   diagnose.Target
	redactor *diagnose.Redactor
}

func newNativeClient(s models.ClickHouse, t diagnose.Target, r *diagnose.Redactor) (*nativeClient, error) {
	tlsCfg, err := tlsconfig.Build(s.TLS)
	if err != nil {
		return nil, fmt.Errorf("clickhouse TLS: %w", err)
	}
	if s.Secure && tlsCfg == nil {
		tlsCfg = tlsconfig.Default()
	}
	opts := &ch.Options{
		Addr:             []string{s.Address()},
		Protocol:         ch.Native,
		Auth:             ch.Auth{Database: s.Database, Username: s.User, Password: s.Password},
		TLS:              tlsCfg,
		DialTimeout:      s.Timeout,
		ReadTimeout:      s.Timeout,
		MaxOpenConns:     8,
		MaxIdleConns:     2,
		ClientInfo:       ch.ClientInfo{Products: []struct{ Name, Version string }{{Name: "mlwatch", Version: "0"}}},
		ConnOpenStrategy: ch.ConnOpenInOrder,
	}
	conn, err := ch.Open(opts)
	if err != nil {
		return nil, scrub(r, fmt.Errorf("open ClickHouse connection: %w", err))
	}
	return &nativeClient{conn: conn, settings: s, target: t, redactor: r}, nil
}

func (c *nativeClient) Close() error { return c.conn.Close() }

func (c *nativeClient) Version(ctx context.Context) (string, error) {
	var v string
	if err := c.conn.QueryRow(ctx, "SELECT version()").Scan(&v); err != nil {
		return "", scrub(c.redactor, c.problem(ctx, err))
	}
	return v, nil
}

func (c *nativeClient) problem(ctx context.Context, err error) error {
	var ex *ch.Exception
	if errors.As(err, &ex) {
		return problemFromServer(c.target, c.settings.Database, serverError{Code: int(ex.Code), Message: ex.Message})
	}
	p := diagnose.Network(c.target, err)
	switch p.Kind {
	case diagnose.KindOther, diagnose.KindProtocol, diagnose.KindTimeout:
		// An HTTP port waits for a request line and never answers the
		// native hello: ask it over HTTP before blaming the network.
		if isClickHouseHTTP(ctx, c.settings) {
			p.Kind = diagnose.KindProtocol
			p.Message = fmt.Sprintf("ClickHouse at %s: the server did not answer the native protocol. This is an HTTP port: use the native port (usually 9000, or 9440 with TLS) or switch the protocol to HTTP.", c.target.Address)
		}
	}
	return p
}

// isClickHouseHTTP reports whether the configured address answers
// ClickHouse's HTTP /ping.
func isClickHouseHTTP(ctx context.Context, s models.ClickHouse) bool {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	scheme := "http"
	if s.Secure {
		scheme = "https"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, scheme+"://"+s.Address()+"/ping", nil)
	if err != nil {
		return false
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64))
	return resp.StatusCode == http.StatusOK && strings.HasPrefix(string(body), "Ok.")
}
