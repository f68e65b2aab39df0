//go:build integration

package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/mlwatch/mlwatch/internal/pluginharness"
)

var nextDatasourceID atomic.Int64

// datasource builds instance settings with a fresh id, so that the plugin's
// instance cache never hands one test another test's settings.
func datasource(jsonData map[string]any, secure map[string]string) pluginharness.Datasource {
	b, err := json.Marshal(jsonData)
	if err != nil {
		panic(err)
	}
	id := nextDatasourceID.Add(1)
	return pluginharness.Datasource{ID: id, UID: fmt.Sprintf("ds%d", id), JSONData: b, Secure: secure}
}

func checkHealth(t *testing.T, ds pluginharness.Datasource) *backend.CheckHealthResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := env.plugin.CheckHealth(ctx, ds)
	if err != nil {
		t.Fatalf("CheckHealth over gRPC: %v", err)
	}
	return res
}

// silentListener accepts connections and never answers, to provoke timeouts.
func silentListener(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return l.Addr().String()
}

// closedPort returns a loopback port with nothing listening.
func closedPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}

func TestPrometheusHealth(t *testing.T) {
	pem := func(b []byte) string { return string(b) }
	// Prometheus never answers 403 itself; a reverse proxy in front of it
	// does. This stand-in plays that proxy.
	forbidden := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "forbidden by proxy policy", http.StatusForbidden)
	}))
	t.Cleanup(forbidden.Close)

	tests := []struct {
		name       string
		prom       map[string]any
		secure     map[string]string
		wantStatus backend.HealthStatus
		want       []string
	}{
		{
			name:       "reachable, reports version",
			prom:       map[string]any{"url": env.prom.URL},
			wantStatus: backend.HealthStatusOk,
			want:       []string{"Prometheus: connected to " + env.prom.URL, "version 2."},
		},
		{
			name:       "connection refused",
			prom:       map[string]any{"url": fmt.Sprintf("http://127.0.0.1:%d", closedPort(t))},
			wantStatus: backend.HealthStatusError,
			want:       []string{"connection refused", "Is the server running"},
		},
		{
			name:       "unknown host",
			prom:       map[string]any{"url": "http://prometheus.does-not-exist.invalid:9090"},
			wantStatus: backend.HealthStatusError,
			want:       []string{`cannot resolve host "prometheus.does-not-exist.invalid"`, "Check the host name"},
		},
		{
			name:       "timeout",
			prom:       map[string]any{"url": "http://" + silentListener(t), "timeoutSeconds": 1},
			wantStatus: backend.HealthStatusError,
			want:       []string{"no answer within 1s", "raise the timeout"},
		},
		{
			name:       "wrong path",
			prom:       map[string]any{"url": env.prom.URL + "/not-prometheus"},
			wantStatus: backend.HealthStatusError,
			want:       []string{"(404)", "Check the URL path"},
		},
		{
			name:       "basic auth missing",
			prom:       map[string]any{"url": env.promBasic.URL},
			wantStatus: backend.HealthStatusError,
			want:       []string{"authentication failed (401)"},
		},
		{
			name:       "basic auth wrong password",
			prom:       map[string]any{"url": env.promBasic.URL, "auth": "basic", "basicAuthUser": basicUser},
			secure:     map[string]string{"prometheusBasicAuthPassword": basicPassword + "-wrong"},
			wantStatus: backend.HealthStatusError,
			want:       []string{"authentication failed (401)", "Check the user and password"},
		},
		{
			name:       "basic auth right password",
			prom:       map[string]any{"url": env.promBasic.URL, "auth": "basic", "basicAuthUser": basicUser},
			secure:     map[string]string{"prometheusBasicAuthPassword": basicPassword},
			wantStatus: backend.HealthStatusOk,
			want:       []string{"Prometheus: connected to " + env.promBasic.URL},
		},
		{
			name:       "bearer token and headers reach a proxy that refuses them",
			prom:       map[string]any{"url": forbidden.URL, "auth": "bearer", "headers": []map[string]string{{"name": "X-Scope-OrgID"}}},
			secure:     map[string]string{"prometheusBearerToken": bearerSecret, "prometheusHeaderValue1": headerSecret},
			wantStatus: backend.HealthStatusError,
			want:       []string{"access denied (403)"},
		},
		{
			name:       "TLS with unknown CA",
			prom:       map[string]any{"url": env.promTLS.URL},
			wantStatus: backend.HealthStatusError,
			want:       []string{"unknown authority", "Add the CA certificate"},
		},
		{
			name:       "TLS with CA",
			prom:       map[string]any{"url": env.promTLS.URL, "tlsWithCACert": true},
			secure:     map[string]string{"prometheusTlsCACert": pem(env.pki.CACert)},
			wantStatus: backend.HealthStatusOk,
			want:       []string{"Prometheus: connected to " + env.promTLS.URL},
		},
		{
			name:       "TLS with skip verify",
			prom:       map[string]any{"url": env.promTLS.URL, "tlsSkipVerify": true},
			wantStatus: backend.HealthStatusOk,
			want:       []string{"connected"},
		},
		{
			name:       "https to a plain HTTP server",
			prom:       map[string]any{"url": strings.Replace(env.prom.URL, "http://", "https://", 1)},
			wantStatus: backend.HealthStatusError,
			want:       []string{"does not speak TLS"},
		},
		{
			name:       "client certificate required but missing",
			prom:       map[string]any{"url": env.promMTLS.URL, "tlsWithCACert": true},
			secure:     map[string]string{"prometheusTlsCACert": pem(env.pki.CACert)},
			wantStatus: backend.HealthStatusError,
			want:       []string{"TLS", "client certificate"},
		},
		{
			name:   "client certificate given",
			prom:   map[string]any{"url": env.promMTLS.URL, "tlsWithCACert": true, "tlsClientAuth": true},
			secure: map[string]string{"prometheusTlsCACert": pem(env.pki.CACert), "prometheusTlsClientCert": pem(env.pki.ClientCert), "prometheusTlsClientKey": pem(env.pki.ClientKey)},
			// Checked against the real server's client-certificate requirement.
			wantStatus: backend.HealthStatusOk,
			want:       []string{"Prometheus: connected to " + env.promMTLS.URL},
		},
		{
			name:       "invalid settings are explained",
			prom:       map[string]any{"url": "prometheus:9090"},
			wantStatus: backend.HealthStatusError,
			want:       []string{"Settings need fixing", "prometheus.url", "http://host:port"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := checkHealth(t, datasource(map[string]any{"prometheus": tt.prom}, tt.secure))
			if res.Status != tt.wantStatus {
				t.Errorf("status = %v, want %v; message: %s", res.Status, tt.wantStatus, res.Message)
			}
			for _, w := range tt.want {
				if !strings.Contains(res.Message, w) {
					t.Errorf("message %q does not contain %q", res.Message, w)
				}
			}
			assertNoSecrets(t, res.Message, string(res.JSONDetails))
		})
	}
}

func TestClickHouseHealth(t *testing.T) {
	ch := env.clickhouse
	tests := []struct {
		name       string
		cfg        map[string]any
		secure     map[string]string
		wantStatus backend.HealthStatus
		want       []string
	}{
		{
			name:       "native protocol, reports version",
			cfg:        map[string]any{"host": "127.0.0.1", "port": ch.NativePort, "protocol": "native"},
			wantStatus: backend.HealthStatusOk,
			want:       []string{fmt.Sprintf("ClickHouse: connected to 127.0.0.1:%d (native protocol), version 18.", ch.NativePort)},
		},
		{
			name:       "HTTP protocol, reports version",
			cfg:        map[string]any{"host": "127.0.0.1", "port": ch.HTTPPort, "protocol": "http"},
			wantStatus: backend.HealthStatusOk,
			want:       []string{"(http protocol), version 18."},
		},
		{
			name:       "user with password, native",
			cfg:        map[string]any{"host": "127.0.0.1", "port": ch.NativePort, "username": chUser},
			secure:     map[string]string{"clickhousePassword": chPassword},
			wantStatus: backend.HealthStatusOk,
			want:       []string{"connected"},
		},
		{
			name:       "wrong password, native",
			cfg:        map[string]any{"host": "127.0.0.1", "port": ch.NativePort, "username": chUser},
			secure:     map[string]string{"clickhousePassword": "nope-" + chPassword},
			wantStatus: backend.HealthStatusError,
			want:       []string{"authentication failed", "Check the user and password"},
		},
		{
			name:       "wrong password, HTTP",
			cfg:        map[string]any{"host": "127.0.0.1", "port": ch.HTTPPort, "protocol": "http", "username": chUser},
			secure:     map[string]string{"clickhousePassword": "nope-" + chPassword},
			wantStatus: backend.HealthStatusError,
			want:       []string{"authentication failed"},
		},
		{
			name:       "user not allowed from this address",
			cfg:        map[string]any{"host": "127.0.0.1", "port": ch.HTTPPort, "protocol": "http", "username": chLimitedUser},
			secure:     map[string]string{"clickhousePassword": chLimitedPass},
			wantStatus: backend.HealthStatusError,
			want:       []string{"access denied", "not allowed to connect from address"},
		},
		{
			name:       "unknown database",
			cfg:        map[string]any{"host": "127.0.0.1", "port": ch.HTTPPort, "protocol": "http", "database": "no_such_db"},
			wantStatus: backend.HealthStatusError,
			want:       []string{`database "no_such_db" does not exist`},
		},
		{
			name:       "connection refused",
			cfg:        map[string]any{"host": "127.0.0.1", "port": closedPort(t)},
			wantStatus: backend.HealthStatusError,
			want:       []string{"connection refused"},
		},
		{
			name:       "native protocol on the HTTP port",
			cfg:        map[string]any{"host": "127.0.0.1", "port": ch.HTTPPort, "protocol": "native", "timeoutSeconds": 5},
			wantStatus: backend.HealthStatusError,
			want:       []string{"did not answer the native protocol", "switch the protocol to HTTP"},
		},
		{
			name:       "HTTP protocol on the native port",
			cfg:        map[string]any{"host": "127.0.0.1", "port": ch.NativePort, "protocol": "http", "timeoutSeconds": 5},
			wantStatus: backend.HealthStatusError,
			want:       []string{"did not answer HTTP", "switch the protocol to native"},
		},
		{
			name:       "timeout",
			cfg:        map[string]any{"host": "127.0.0.1", "port": portOf(silentListener(t)), "protocol": "http", "timeoutSeconds": 1},
			wantStatus: backend.HealthStatusError,
			want:       []string{"no answer within 1s"},
		},
		{
			name:       "unknown host",
			cfg:        map[string]any{"host": "clickhouse.does-not-exist.invalid", "port": 9000},
			wantStatus: backend.HealthStatusError,
			want:       []string{"cannot resolve host"},
		},
		{
			name:       "URL instead of host",
			cfg:        map[string]any{"host": "http://clickhouse:8123"},
			wantStatus: backend.HealthStatusError,
			want:       []string{"clickhouse.host", "give only the host"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := checkHealth(t, datasource(map[string]any{"clickhouse": tt.cfg}, tt.secure))
			if res.Status != tt.wantStatus {
				t.Errorf("status = %v, want %v; message: %s", res.Status, tt.wantStatus, res.Message)
			}
			for _, w := range tt.want {
				if !strings.Contains(res.Message, w) {
					t.Errorf("message %q does not contain %q", res.Message, w)
				}
			}
			assertNoSecrets(t, res.Message, string(res.JSONDetails))
		})
	}
}

func TestHealthBothSources(t *testing.T) {
	ch := env.clickhouse
	t.Run("both healthy", func(t *testing.T) {
		res := checkHealth(t, datasource(map[string]any{
			"prometheus": map[string]any{"url": env.prom.URL},
			"clickhouse": map[string]any{"host": "127.0.0.1", "port": ch.NativePort},
		}, nil))
		if res.Status != backend.HealthStatusOk {
			t.Fatalf("status = %v: %s", res.Status, res.Message)
		}
		if !strings.Contains(res.Message, "Prometheus: connected") || !strings.Contains(res.Message, "ClickHouse: connected") {
			t.Errorf("message should report both sources: %s", res.Message)
		}
		var details struct {
			Sources []struct {
				Source  string `json:"source"`
				OK      bool   `json:"ok"`
				Version string `json:"version"`
			} `json:"sources"`
		}
		if err := json.Unmarshal(res.JSONDetails, &details); err != nil {
			t.Fatalf("details: %v", err)
		}
		if len(details.Sources) != 2 || !details.Sources[0].OK || !details.Sources[1].OK || details.Sources[0].Version == "" || details.Sources[1].Version == "" {
			t.Errorf("details = %+v, want two healthy sources with versions", details.Sources)
		}
	})
	t.Run("one failing fails the check but reports both", func(t *testing.T) {
		res := checkHealth(t, datasource(map[string]any{
			"prometheus": map[string]any{"url": env.prom.URL},
			"clickhouse": map[string]any{"host": "127.0.0.1", "port": closedPort(t)},
		}, nil))
		if res.Status != backend.HealthStatusError {
			t.Fatalf("status = %v, want error", res.Status)
		}
		if !strings.Contains(res.Message, "Prometheus: connected") || !strings.Contains(res.Message, "connection refused") {
			t.Errorf("message should report the healthy and the failing source: %s", res.Message)
		}
	})
	t.Run("nothing configured", func(t *testing.T) {
		res := checkHealth(t, datasource(map[string]any{}, nil))
		if res.Status != backend.HealthStatusError || !strings.Contains(res.Message, "No source is configured") {
			t.Errorf("got %v %q", res.Status, res.Message)
		}
	})
}

// TestBackfilledDataIsServed proves the test Prometheus serves the
// promtool-backfilled fixture, which later query tests rely on.
func TestBackfilledDataIsServed(t *testing.T) {
	u := fmt.Sprintf("%s/api/v1/query?query=%s&time=%d", env.prom.URL, "ml_requests_total", env.start.Unix())
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Status string `json:"status"`
		Data   struct {
			Result []struct {
				Metric map[string]string `json:"metric"`
				Value  [2]any            `json:"value"`
			} `json:"result"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	if body.Status != "success" || len(body.Data.Result) != 1 {
		t.Fatalf("query result = %+v, want one series", body)
	}
	if got := body.Data.Result[0].Value[1]; got != "1200" {
		t.Errorf("value at fixture end = %v, want 1200", got)
	}
	if m := body.Data.Result[0].Metric; m["model"] != "fraud" || m["code"] != "200" {
		t.Errorf("labels = %v", m)
	}
}

func assertNoSecrets(t *testing.T, texts ...string) {
	t.Helper()
	for _, s := range []string{basicPassword, chPassword, chLimitedPass, bearerSecret, headerSecret, "PRIVATE KEY"} {
		for _, text := range texts {
			if strings.Contains(text, s) {
				t.Errorf("a secret leaked into %q", text)
			}
		}
	}
}

func portOf(addr string) int {
	_, p, _ := net.SplitHostPort(addr)
	var n int
	fmt.Sscan(p, &n)
	return n
}
