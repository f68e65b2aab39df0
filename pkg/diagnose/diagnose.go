// Package diagnose turns low-level connection and HTTP errors into short
// messages that tell a user what went wrong and what to change. It knows
// nothing about Grafana: the datasource and the CLI both use it.
package diagnose

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"syscall"
	"time"
)

// Kind classifies a failure so callers (and tests) can branch on it without
// parsing messages.
type Kind string

const (
	KindRefused      Kind = "connection_refused"
	KindDNS          Kind = "dns"
	KindTimeout      Kind = "timeout"
	KindTLS          Kind = "tls"
	KindUnauthorized Kind = "unauthorized"
	KindForbidden    Kind = "forbidden"
	KindNotFound     Kind = "not_found"
	KindHTTPStatus   Kind = "http_status"
	KindProtocol     Kind = "protocol"
	KindCanceled     Kind = "canceled"
	KindOther        Kind = "other"
)

// Problem is a classified failure with a message meant for people.
type Problem struct {
	Kind    Kind
	Message string
	// Downstream is true when the remote server (or the network to it) is at
	// fault rather than the plugin; Grafana shows such errors differently.
	Downstream bool
	Err        error
}

func (p *Problem) Error() string { return p.Message }
func (p *Problem) Unwrap() error { return p.Err }

// Target names what was being contacted, for messages such as
// "Prometheus at http://prom:9090".
type Target struct {
	System  string // "Prometheus", "ClickHouse"
	Address string // host:port or URL without credentials
	Timeout time.Duration
	// TLS is true when the connection uses TLS; HasClientCert when it
	// presents a client certificate. Both shape the advice for a server
	// that drops the connection.
	TLS           bool
	HasClientCert bool
}

// Network classifies an error returned while connecting to or talking with a
// server. It never includes credentials: callers pass addresses without them.
func Network(t Target, err error) *Problem {
	if err == nil {
		return nil
	}
	var p *Problem
	if errors.As(err, &p) {
		return p
	}
	where := fmt.Sprintf("%s at %s", t.System, t.Address)
	mk := func(k Kind, format string, args ...any) *Problem {
		return &Problem{Kind: k, Message: fmt.Sprintf(format, args...), Downstream: true, Err: err}
	}

	var dnsErr *net.DNSError
	var unknownAuthority x509.UnknownAuthorityError
	var hostnameErr x509.HostnameError
	var certInvalid x509.CertificateInvalidError
	var recordHeader tls.RecordHeaderError
	var certVerify *tls.CertificateVerificationError

	switch {
	case errors.Is(err, context.Canceled):
		return &Problem{Kind: KindCanceled, Message: where + ": the request was canceled", Err: err}
	case errors.As(err, &dnsErr):
		return mk(KindDNS, "%s: cannot resolve host %q. Check the host name in the settings.", where, dnsErr.Name)
	case errors.Is(err, syscall.ECONNREFUSED):
		return mk(KindRefused, "%s: connection refused. Is the server running, and is the port right?", where)
	case errors.As(err, &unknownAuthority) || (errors.As(err, &certVerify) && isUnknownAuthority(certVerify)):
		return mk(KindTLS, "%s: TLS certificate is signed by an unknown authority. Add the CA certificate in the TLS settings, or turn on \"Skip TLS verify\" for testing.", where)
	case errors.As(err, &hostnameErr):
		return mk(KindTLS, "%s: TLS certificate is not valid for this host name. Use the name in the certificate, or set the TLS server name.", where)
	case errors.As(err, &certInvalid):
		return mk(KindTLS, "%s: TLS certificate is invalid (%s). Check the server certificate.", where, certInvalidReason(certInvalid))
	case errors.As(err, &recordHeader) || strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		return mk(KindTLS, "%s: the server does not speak TLS. Use http:// (or turn TLS off), or check the port.", where)
	case strings.Contains(err.Error(), "certificate required"):
		return mk(KindTLS, "%s: TLS: the server requires a client certificate. Add a client certificate and key in the TLS settings.", where)
	case t.TLS && !t.HasClientCert && isConnectionDrop(err):
		return mk(KindTLS, "%s: TLS: the server closed the connection, probably because it requires a client certificate. Add a client certificate and key in the TLS settings, or check the port.", where)
	case isTLSHandshakeFailure(err):
		return mk(KindTLS, "%s: TLS handshake failed (%s). Check the client certificate and key, and the CA.", where, tlsReason(err))
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return mk(KindTimeout, "%s: no answer within %s. Check the host, port and firewall, or raise the timeout.", where, formatTimeout(t.Timeout))
	case isConnectionDrop(err):
		return mk(KindProtocol, "%s: the server closed the connection. Check the port and protocol (TLS or not, HTTP or native).", where)
	case strings.Contains(err.Error(), "malformed HTTP response"):
		return mk(KindProtocol, "%s: the server did not answer as expected (%s). Check the port and protocol.", where, firstLine(err.Error()))
	}
	return mk(KindOther, "%s: %s", where, firstLine(err.Error()))
}

// HTTPStatus classifies a non-2xx HTTP answer. body is the start of the
// response body (it is shortened here).
func HTTPStatus(t Target, path string, status int, body string) *Problem {
	where := fmt.Sprintf("%s at %s", t.System, t.Address)
	detail := shorten(body, 200)
	mk := func(k Kind, msg string) *Problem {
		return &Problem{Kind: k, Message: msg, Downstream: true}
	}
	switch status {
	case http.StatusUnauthorized:
		return mk(KindUnauthorized, fmt.Sprintf("%s: authentication failed (401). Check the user and password, or the token.", where))
	case http.StatusForbidden:
		return mk(KindForbidden, fmt.Sprintf("%s: access denied (403). The credentials were accepted but lack permission for %s.", where, path))
	case http.StatusNotFound:
		return mk(KindNotFound, fmt.Sprintf("%s: %s was not found (404). Check the URL path: it must point at the Prometheus API root (for example http://host:9090, or .../prometheus for Mimir).", where, path))
	}
	msg := fmt.Sprintf("%s: %s answered %d %s", where, path, status, http.StatusText(status))
	if detail != "" {
		msg += ": " + detail
	}
	return mk(KindHTTPStatus, msg)
}

func isConnectionDrop(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) || strings.Contains(err.Error(), "EOF")
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func isUnknownAuthority(e *tls.CertificateVerificationError) bool {
	var ua x509.UnknownAuthorityError
	return errors.As(e.Err, &ua)
}

func isTLSHandshakeFailure(err error) bool {
	s := err.Error()
	return strings.Contains(s, "tls: ") || strings.Contains(s, "remote error: tls")
}

func tlsReason(err error) string {
	s := err.Error()
	if i := strings.Index(s, "tls: "); i >= 0 {
		return firstLine(s[i:])
	}
	return firstLine(s)
}

func certInvalidReason(e x509.CertificateInvalidError) string {
	switch e.Reason {
	case x509.Expired:
		return "expired or not yet valid"
	case x509.NotAuthorizedToSign:
		return "not authorized to sign"
	default:
		return firstLine(e.Error())
	}
}

func formatTimeout(d time.Duration) string {
	if d <= 0 {
		return "the time limit"
	}
	return d.String()
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return shorten(s, 300)
}

func shorten(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// Redactor removes known secret values from text before it is shown or
// logged. Secrets shorter than 4 bytes are ignored to avoid mangling text.
type Redactor struct{ secrets []string }

// NewRedactor returns a Redactor for the given secret values. Each secret
// is also removed in the URL-escaped forms a server may echo it in; the
// longest secrets are removed first, so that one containing another goes
// whole.
func NewRedactor(secrets ...string) *Redactor {
	r := &Redactor{}
	seen := map[string]bool{}
	for _, s := range secrets {
		if len(s) < 4 {
			continue
		}
		for _, v := range []string{s, url.QueryEscape(s), url.PathEscape(s)} {
			if !seen[v] {
				seen[v] = true
				r.secrets = append(r.secrets, v)
			}
		}
	}
	sort.SliceStable(r.secrets, func(i, j int) bool { return len(r.secrets[i]) > len(r.secrets[j]) })
	return r
}

// BasicAuth is the credential of an "Authorization: Basic" header, which
// a server may echo back in an error: give it to NewRedactor beside the
// password.
func BasicAuth(user, password string) string {
	if password == "" {
		return ""
	}
	return base64.StdEncoding.EncodeToString([]byte(user + ":" + password))
}

// Redact replaces every secret in s with "[redacted]".
func (r *Redactor) Redact(s string) string {
	if r == nil {
		return s
	}
	for _, sec := range r.secrets {
		s = strings.ReplaceAll(s, sec, "[redacted]")
	}
	return s
}
