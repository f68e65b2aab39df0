package diagnose

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestNetwork(t *testing.T) {
	target := Target{System: "Prometheus", Address: "http://prom:9090", Timeout: 3 * time.Second}
	tlsTarget := target
	tlsTarget.TLS = true
	urlErr := func(err error) error { return &url.Error{Op: "Get", URL: "http://prom:9090/x", Err: err} }
	tests := []struct {
		name     string
		target   Target
		err      error
		wantKind Kind
		want     string
	}{
		{"refused", target, urlErr(&net.OpError{Op: "dial", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}), KindRefused, "connection refused"},
		{"dns", target, urlErr(&net.DNSError{Name: "prom", Err: "no such host", IsNotFound: true}), KindDNS, `cannot resolve host "prom"`},
		{"deadline", target, urlErr(context.DeadlineExceeded), KindTimeout, "no answer within 3s"},
		{"canceled", target, urlErr(context.Canceled), KindCanceled, "canceled"},
		{"unknown authority", target, urlErr(x509.UnknownAuthorityError{}), KindTLS, "unknown authority"},
		{"hostname", target, urlErr(x509.HostnameError{Host: "prom"}), KindTLS, "not valid for this host name"},
		{"expired", target, urlErr(x509.CertificateInvalidError{Reason: x509.Expired}), KindTLS, "expired"},
		{"plain HTTP answered a TLS client", target, urlErr(errors.New("http: server gave HTTP response to HTTPS client")), KindTLS, "does not speak TLS"},
		{"certificate required", tlsTarget, urlErr(errors.New("remote error: tls: certificate required")), KindTLS, "requires a client certificate"},
		{"TLS connection dropped without client cert", tlsTarget, urlErr(errors.New("EOF")), KindTLS, "probably because it requires a client certificate"},
		{"plain connection dropped", target, urlErr(errors.New("unexpected EOF")), KindProtocol, "closed the connection"},
		{"other", target, errors.New("something odd\nsecond line"), KindOther, "something odd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Network(tt.target, tt.err)
			if p.Kind != tt.wantKind {
				t.Errorf("kind = %s, want %s (%s)", p.Kind, tt.wantKind, p.Message)
			}
			if !strings.Contains(p.Message, tt.want) {
				t.Errorf("message %q does not contain %q", p.Message, tt.want)
			}
			if strings.Contains(p.Message, "\n") {
				t.Errorf("message %q has a line break", p.Message)
			}
			if !errors.Is(p, tt.err) && tt.wantKind != KindCanceled {
				t.Errorf("problem does not wrap the cause")
			}
		})
	}
	if Network(target, nil) != nil {
		t.Error("nil error should give nil problem")
	}
	already := &Problem{Kind: KindDNS, Message: "kept"}
	if got := Network(target, fmt.Errorf("wrapped: %w", already)); got != already {
		t.Error("an existing problem should pass through unchanged")
	}
}

func TestHTTPStatus(t *testing.T) {
	target := Target{System: "Prometheus", Address: "http://prom"}
	tests := []struct {
		status   int
		body     string
		wantKind Kind
		want     string
	}{
		{401, "", KindUnauthorized, "authentication failed (401)"},
		{403, "", KindForbidden, "access denied (403)"},
		{404, "", KindNotFound, "Check the URL path"},
		{502, "bad gateway from upstream", KindHTTPStatus, "502 Bad Gateway: bad gateway from upstream"},
		{500, strings.Repeat("x", 1000), KindHTTPStatus, "…"},
	}
	for _, tt := range tests {
		p := HTTPStatus(target, "/api/v1/query", tt.status, tt.body)
		if p.Kind != tt.wantKind || !strings.Contains(p.Message, tt.want) || !p.Downstream {
			t.Errorf("%d: got %+v, want kind %s containing %q", tt.status, p, tt.wantKind, tt.want)
		}
		if len(p.Message) > 400 {
			t.Errorf("%d: message not shortened (%d bytes)", tt.status, len(p.Message))
		}
	}
}

func TestRedactor(t *testing.T) {
	r := NewRedactor("hunter22", "", "abc")
	got := r.Redact("password hunter22 and abc")
	if got != "password [redacted] and abc" {
		t.Errorf("Redact = %q", got)
	}
	tests := []struct{ secret, text, want string }{
		{"p@ss w/rd+1", "url ?password=p%40ss+w%2Frd%2B1 path /p@ss%20w%2Frd+1 raw p@ss w/rd+1", "url ?password=[redacted] path /[redacted] raw [redacted]"},
		{BasicAuth("grafana", "hunter22"), "Authorization: Basic Z3JhZmFuYTpodW50ZXIyMg==", "Authorization: Basic [redacted]"},
	}
	for _, tt := range tests {
		if got := NewRedactor("hunter", tt.secret).Redact(tt.text); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
	if BasicAuth("u", "") != "" {
		t.Error("no password, no credential")
	}
	var nilR *Redactor
	if nilR.Redact("x") != "x" {
		t.Error("nil redactor should pass text through")
	}
}
