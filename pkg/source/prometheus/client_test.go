package prometheus

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mlwatch/mlwatch/pkg/diagnose"
	"github.com/mlwatch/mlwatch/pkg/models"
)

// These tests use stand-in servers for what a real Prometheus cannot be made
// to do (echo headers, malformed answers); the integration tests cover the
// real server.

func TestAuthAndHeadersAreSent(t *testing.T) {
	var got http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		w.Write([]byte(`{"status":"success","data":{"version":"9.9.9"}}`))
	}))
	defer srv.Close()
	c, err := New(models.Prometheus{
		URL: srv.URL, Auth: models.AuthBearer, BearerToken: "tok",
		Headers: []models.Header{{Name: "X-Scope-OrgID", Value: "tenant"}}, Timeout: time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	bi, err := c.BuildInfo(context.Background())
	if err != nil || bi.Version != "9.9.9" {
		t.Fatalf("BuildInfo = %+v, %v", bi, err)
	}
	if got.Get("Authorization") != "Bearer tok" || got.Get("X-Scope-OrgID") != "tenant" {
		t.Errorf("headers = %v", got)
	}
}

func TestServerWithoutBuildInfo(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/v1/query" {
			w.Write([]byte(`{"status":"success","data":{"resultType":"scalar","result":[0,"1"]}}`))
			return
		}
		http.NotFound(w, r)
	}))
	defer srv.Close()
	c, _ := New(models.Prometheus{URL: srv.URL, Timeout: time.Second})
	if _, err := c.BuildInfo(context.Background()); !errors.Is(err, ErrNoBuildInfo) {
		t.Errorf("err = %v, want ErrNoBuildInfo", err)
	}
}

func TestBadAnswers(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		body     string
		wantKind diagnose.Kind
		want     string
	}{
		{"truncated JSON", 200, `{"status":"succ`, diagnose.KindProtocol, "did not return valid JSON"},
		{"HTML page", 200, `<html>login</html>`, diagnose.KindProtocol, "did not return valid JSON"},
		{"API error", 400, `{"status":"error","errorType":"bad_data","error":"parse error at char 3"}`, diagnose.KindHTTPStatus, "bad_data: parse error at char 3"},
		{"5xx with body", 503, `{"status":"error","error":"overloaded"}`, diagnose.KindHTTPStatus, "503 Service Unavailable: overloaded"},
		{"echoed secret is redacted", 500, `bad header value tenant-secret-value`, diagnose.KindHTTPStatus, "[redacted]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tt.status)
				w.Write([]byte(tt.body))
			}))
			defer srv.Close()
			c, _ := New(models.Prometheus{URL: srv.URL, Timeout: time.Second, Headers: []models.Header{{Name: "X-T", Value: "tenant-secret-value"}}})
			_, err := c.BuildInfo(context.Background())
			var p *diagnose.Problem
			if !errors.As(err, &p) || p.Kind != tt.wantKind || !strings.Contains(p.Message, tt.want) {
				t.Fatalf("err = %v, want kind %s containing %q", err, tt.wantKind, tt.want)
			}
			if strings.Contains(p.Message, "tenant-secret-value") {
				t.Errorf("secret in message %q", p.Message)
			}
		})
	}
}

func TestInvalidTLSMaterial(t *testing.T) {
	_, err := New(models.Prometheus{URL: "https://p", TLS: models.TLS{CACert: "not pem"}})
	if err == nil || !strings.Contains(err.Error(), "not valid PEM") {
		t.Errorf("err = %v", err)
	}
	_, err = New(models.Prometheus{URL: "https://p", TLS: models.TLS{ClientCert: "x", ClientKey: "SECRETKEY"}})
	if err == nil || strings.Contains(err.Error(), "SECRETKEY") || !strings.Contains(err.Error(), "client certificate and key") {
		t.Errorf("err = %v", err)
	}
}
