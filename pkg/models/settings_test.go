package models

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestLoad(t *testing.T) {
	tests := []struct {
		name    string
		json    string
		secure  map[string]string
		wantErr string
		check   func(t *testing.T, s Settings)
	}{
		{
			name: "empty settings configure nothing",
			json: ``,
			check: func(t *testing.T, s Settings) {
				if s.Prometheus != nil || s.ClickHouse != nil {
					t.Errorf("got %+v, want no sources", s)
				}
			},
		},
		{
			name: "prometheus defaults",
			json: `{"prometheus":{"url":"http://prom:9090/"}}`,
			check: func(t *testing.T, s Settings) {
				p := s.Prometheus
				if p.URL != "http://prom:9090" || p.Auth != AuthNone || p.Timeout != DefaultTimeout {
					t.Errorf("got %+v", p)
				}
			},
		},
		{
			name:   "basic auth with password from secure data",
			json:   `{"prometheus":{"url":"https://prom","auth":"basic","basicAuthUser":"u","timeoutSeconds":"5"}}`,
			secure: map[string]string{SecretPrometheusBasicAuthPassword: "pw"},
			check: func(t *testing.T, s Settings) {
				p := s.Prometheus
				if p.BasicAuthUser != "u" || p.BasicAuthPassword != "pw" || p.Timeout != 5*time.Second {
					t.Errorf("got %+v", p)
				}
			},
		},
		{
			name:   "headers pair with secure values by position",
			json:   `{"prometheus":{"url":"http://p","headers":[{"name":"X-Scope-OrgID"},{"name":""},{"name":"X-Other"}]}}`,
			secure: map[string]string{"prometheusHeaderValue1": "tenant", "prometheusHeaderValue3": "other"},
			check: func(t *testing.T, s Settings) {
				h := s.Prometheus.Headers
				if len(h) != 2 || h[0] != (Header{"X-Scope-OrgID", "tenant"}) || h[1] != (Header{"X-Other", "other"}) {
					t.Errorf("headers = %+v", h)
				}
			},
		},
		{name: "URL without scheme", json: `{"prometheus":{"url":"prom:9090"}}`, wantErr: "prometheus.url"},
		{name: "URL with credentials", json: `{"prometheus":{"url":"http://u:secretpw@prom"}}`, wantErr: "not in the URL"},
		{name: "basic auth without user", json: `{"prometheus":{"url":"http://p","auth":"basic"}}`, wantErr: "needs a user"},
		{name: "bearer without token", json: `{"prometheus":{"url":"http://p","auth":"bearer"}}`, wantErr: "needs a token"},
		{name: "unknown auth", json: `{"prometheus":{"url":"http://p","auth":"oauth"}}`, wantErr: "unknown authentication method"},
		{name: "CA flag without CA", json: `{"prometheus":{"url":"https://p","tlsWithCACert":true}}`, wantErr: "no CA certificate"},
		{name: "client auth without key", json: `{"prometheus":{"url":"https://p","tlsClientAuth":true}}`, secure: map[string]string{SecretPrometheusTLSClientCert: "CERT-SECRET-TEXT"}, wantErr: "both a client certificate and a client key"},
		{name: "bad header name", json: `{"prometheus":{"url":"http://p","headers":[{"name":"bad header"}]}}`, wantErr: "not valid"},
		{name: "timeout too large", json: `{"prometheus":{"url":"http://p","timeoutSeconds":100000}}`, wantErr: "out of range"},
		{name: "timeout not a number", json: `{"prometheus":{"url":"http://p","timeoutSeconds":"soon"}}`, wantErr: "not a number"},
		{name: "invalid JSON", json: `{"prometheus":`, wantErr: "not valid JSON"},
		{
			name: "clickhouse defaults by protocol and TLS",
			json: `{"clickhouse":{"host":"ch","protocol":"http","secure":true}}`,
			check: func(t *testing.T, s Settings) {
				c := s.ClickHouse
				if c.Port != 8443 || c.User != "default" || c.Database != "default" || c.Address() != "ch:8443" {
					t.Errorf("got %+v", c)
				}
			},
		},
		{
			name: "clickhouse native default port",
			json: `{"clickhouse":{"host":"ch"}}`,
			check: func(t *testing.T, s Settings) {
				if s.ClickHouse.Port != 9000 || s.ClickHouse.Protocol != ProtocolNative {
					t.Errorf("got %+v", s.ClickHouse)
				}
			},
		},
		{
			name: "IPv6 host",
			json: `{"clickhouse":{"host":"::1","port":9000}}`,
			check: func(t *testing.T, s Settings) {
				if s.ClickHouse.Address() != "[::1]:9000" {
					t.Errorf("address = %s", s.ClickHouse.Address())
				}
			},
		},
		{name: "clickhouse URL as host", json: `{"clickhouse":{"host":"http://ch:8123"}}`, wantErr: "clickhouse.host"},
		{name: "clickhouse credentials in the host", json: `{"clickhouse":{"host":"u:pw-in-host@ch"}}`, wantErr: "clickhouse.host"},
		{name: "clickhouse bad port", json: `{"clickhouse":{"host":"ch","port":70000}}`, wantErr: "clickhouse.port"},
		{name: "clickhouse fractional port", json: `{"clickhouse":{"host":"ch","port":9000.5}}`, wantErr: "clickhouse.port"},
		{name: "clickhouse bad protocol", json: `{"clickhouse":{"host":"ch","protocol":"grpc"}}`, wantErr: "use native or http"},
		{
			name:    "both sources broken report both",
			json:    `{"prometheus":{"url":"nope"},"clickhouse":{"host":"ch","port":0.5}}`,
			wantErr: "prometheus.url",
			check:   nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Load([]byte(tt.json), tt.secure)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
				}
				for _, v := range tt.secure {
					if strings.Contains(err.Error(), v) {
						t.Errorf("error %q contains a secret", err)
					}
				}
				if strings.Contains(err.Error(), "secretpw") {
					t.Errorf("error %q contains the URL password", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			tt.check(t, s)
		})
	}
}

func TestLoadReportsEveryBrokenSource(t *testing.T) {
	_, err := Load([]byte(`{"prometheus":{"url":"nope"},"clickhouse":{"host":"ch","protocol":"x"}}`), nil)
	var fe *FieldError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "prometheus.url") || !strings.Contains(err.Error(), "clickhouse.protocol") {
		t.Errorf("err = %v, want both field errors", err)
	}
}

func TestSecretsListsEverySecret(t *testing.T) {
	s, err := Load([]byte(`{"prometheus":{"url":"http://p","auth":"basic","basicAuthUser":"u","headers":[{"name":"H"}]},"clickhouse":{"host":"c"}}`),
		map[string]string{SecretPrometheusBasicAuthPassword: "p1", "prometheusHeaderValue1": "h1", SecretClickHousePassword: "c1"})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(s.Secrets(), ",")
	for _, want := range []string{"p1", "h1", "c1"} {
		if !strings.Contains(got, want) {
			t.Errorf("Secrets() = %q, missing %q", got, want)
		}
	}
}
