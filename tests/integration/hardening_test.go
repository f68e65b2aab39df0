//go:build integration

package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/mlwatch/mlwatch/pkg/diagnose"
)

// TestHungServersOverGRPC: the plugin binary, called as Grafana calls it,
// against servers that accept connections and never answer (Prometheus,
// ClickHouse over HTTP and over the native protocol). With a short
// datasource timeout each query gets an error that says so; when Grafana
// cancels a request the call returns at once, the plugin's goroutines go
// back to where they were, and the plugin keeps answering.
func TestHungServersOverGRPC(t *testing.T) {
	sources := []struct {
		name  string
		cfg   func(timeout int) map[string]any
		query backend.DataQuery
	}{
		{"prometheus", func(timeout int) map[string]any {
			return map[string]any{"prometheus": map[string]any{"url": "http://" + silentListener(t), "timeoutSeconds": timeout}}
		}, backend.DataQuery{QueryType: "drift", JSON: json.RawMessage(`{"prometheus":{"metric":"m"}}`)}},
		{"clickhouse http", func(timeout int) map[string]any {
			return map[string]any{"clickhouse": map[string]any{"host": "127.0.0.1", "port": portOf(silentListener(t)), "protocol": "http", "timeoutSeconds": timeout}}
		}, backend.DataQuery{QueryType: "drift", JSON: json.RawMessage(`{"clickhouse":{"table":"t","timeColumn":"ts","columns":["a"]}}`)}},
		{"clickhouse native", func(timeout int) map[string]any {
			return map[string]any{"clickhouse": map[string]any{"host": "127.0.0.1", "port": portOf(silentListener(t)), "protocol": "native", "timeoutSeconds": timeout}}
		}, backend.DataQuery{QueryType: "traces", JSON: json.RawMessage(`{}`)}},
	}
	now := time.Now()
	for _, src := range sources {
		q := src.query
		q.RefID = "A"
		q.TimeRange = backend.TimeRange{From: now.Add(-time.Hour), To: now}
		q.Interval = time.Minute
		t.Run(src.name+": datasource timeout", func(t *testing.T) {
			ds := datasource(src.cfg(1), nil)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			start := time.Now()
			resp, err := env.plugin.QueryData(ctx, ds, []backend.DataQuery{q})
			took := time.Since(start)
			if err != nil {
				t.Fatal(err)
			}
			r := resp.Responses["A"]
			if r.Error == nil || !strings.Contains(r.Error.Error(), "no answer within 1s") || r.Status != backend.StatusTimeout || r.ErrorSource != backend.ErrorSourceDownstream {
				t.Errorf("after %v: %v (status %d, %s)", took, r.Error, r.Status, r.ErrorSource)
			}
			// The client waits out max_execution_time plus a grace period
			// for the server's own timeout message.
			if took > 10*time.Second {
				t.Errorf("took %v with a 1s timeout", took)
			}
			t.Logf("after %v: %v", took.Round(10*time.Millisecond), r.Error)
		})
		t.Run(src.name+": Grafana cancels", func(t *testing.T) {
			ds := datasource(src.cfg(5), nil)
			before := pluginRuntime(t, env.plugin, ds)
			ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
			defer cancel()
			start := time.Now()
			_, err := env.plugin.QueryData(ctx, ds, []backend.DataQuery{q})
			took := time.Since(start)
			if err == nil || took > 3*time.Second {
				t.Errorf("a canceled call returned %v after %v", err, took)
			}
			// The plugin lets go of the hung server: its goroutines come
			// back (the native driver's dial gives up after the 5s
			// datasource timeout at the latest).
			var after pluginState
			for deadline := time.Now().Add(20 * time.Second); ; {
				after = pluginRuntime(t, env.plugin, ds)
				if after.goroutines <= before.goroutines+2 || time.Now().After(deadline) {
					break
				}
				time.Sleep(250 * time.Millisecond)
			}
			if after.goroutines > before.goroutines+2 {
				t.Errorf("plugin goroutines %v before the canceled call, %v well after it", before.goroutines, after.goroutines)
			}
			// And it keeps answering.
			check := checkHealth(t, datasource(map[string]any{"prometheus": map[string]any{"url": env.prom.URL}}, nil))
			if check.Status != backend.HealthStatusOk {
				t.Errorf("health after the canceled call: %s", check.Message)
			}
		})
	}
}

// TestSecretsOverGRPC: a datasource full of secrets against servers that
// fail in every way (refused, wrong password, hung, and a server that
// echoes the request back) never shows a secret in a health message, a
// query error, a resource error or the plugin's log.
func TestSecretsOverGRPC(t *testing.T) {
	echo := echoingServer(t)
	silent := silentListener(t)
	configs := []struct {
		name   string
		cfg    map[string]any
		secure map[string]string
	}{
		{"prometheus basic auth, echoing server", map[string]any{"prometheus": map[string]any{"url": echo, "auth": "basic", "basicAuthUser": basicUser, "headers": []map[string]string{{"name": "X-Scope-OrgID"}}}},
			map[string]string{"prometheusBasicAuthPassword": basicPassword, "prometheusHeaderValue1": headerSecret}},
		{"prometheus bearer, hung server", map[string]any{"prometheus": map[string]any{"url": "http://" + silent, "auth": "bearer", "timeoutSeconds": 1}},
			map[string]string{"prometheusBearerToken": bearerSecret}},
		{"prometheus wrong password", map[string]any{"prometheus": map[string]any{"url": env.promBasic.URL, "auth": "basic", "basicAuthUser": basicUser}},
			map[string]string{"prometheusBasicAuthPassword": "x" + basicPassword}},
		{"clickhouse wrong password, native", map[string]any{"clickhouse": map[string]any{"host": "127.0.0.1", "port": env.clickhouse.NativePort, "username": chUser}},
			map[string]string{"clickhousePassword": "x" + chPassword}},
		{"clickhouse http, echoing server", map[string]any{"clickhouse": map[string]any{"host": "127.0.0.1", "port": portOf(strings.TrimPrefix(echo, "http://")), "protocol": "http", "username": chUser}},
			map[string]string{"clickhousePassword": chPassword}},
		{"clickhouse refused", map[string]any{"clickhouse": map[string]any{"host": "127.0.0.1", "port": closedPort(t), "protocol": "http", "username": chUser}},
			map[string]string{"clickhousePassword": chPassword}},
		{"password in the Prometheus URL", map[string]any{"prometheus": map[string]any{"url": "http://" + basicUser + ":" + basicPassword + "@" + strings.TrimPrefix(echo, "http://")}}, nil},
		{"password in the ClickHouse host", map[string]any{"clickhouse": map[string]any{"host": chUser + ":" + chPassword + "@127.0.0.1", "port": env.clickhouse.HTTPPort, "protocol": "http"}}, nil},
	}
	now := time.Now()
	tr := backend.TimeRange{From: now.Add(-time.Hour), To: now}
	for _, c := range configs {
		t.Run(c.name, func(t *testing.T) {
			ds := datasource(c.cfg, c.secure)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			var texts []string
			h := checkHealth(t, ds)
			if h.Status == backend.HealthStatusOk {
				t.Errorf("health ok: %s", h.Message)
			}
			texts = append(texts, h.Message, string(h.JSONDetails))
			resp, err := env.plugin.QueryData(ctx, ds, []backend.DataQuery{
				{RefID: "A", QueryType: "drift", TimeRange: tr, Interval: time.Minute, JSON: json.RawMessage(`{"prometheus":{"metric":"m"}}`)},
				{RefID: "B", QueryType: "traces", TimeRange: tr, JSON: json.RawMessage(`{}`)},
			})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range resp.Responses {
				if r.Error != nil {
					texts = append(texts, r.Error.Error())
				}
			}
			for _, path := range []string{"prometheus/metrics", "clickhouse/databases", "sources"} {
				res, err := env.plugin.CallResource(ctx, ds, "GET", path, nil)
				if err != nil {
					t.Fatal(err)
				}
				texts = append(texts, string(res.Body))
			}
			assertNoSecrets(t, texts...)
			assertNoBasicAuth(t, texts...)
		})
	}
	if env.plugin.Exited() {
		t.Fatal("the plugin exited")
	}
	log := env.pluginLog
	logMu.Lock()
	text := log.String()
	logMu.Unlock()
	assertNoSecrets(t, text)
	assertNoBasicAuth(t, text)
}

// assertNoBasicAuth fails when a text holds the "Authorization: Basic"
// credential of a test user, which an echoing server sends back.
func assertNoBasicAuth(t *testing.T, texts ...string) {
	t.Helper()
	for _, cred := range []string{diagnose.BasicAuth(basicUser, basicPassword), diagnose.BasicAuth(chUser, chPassword)} {
		for _, text := range texts {
			if strings.Contains(text, cred) {
				t.Errorf("a Basic credential leaked into %q", text)
			}
		}
	}
}

// echoingServer fails every request with a body that repeats the request:
// its URL, headers (Authorization included) and body.
func echoingServer(t *testing.T) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 4096))
		var b strings.Builder
		fmt.Fprintf(&b, "Code: 516. DB::Exception: %s %s failed; ", r.Method, r.URL)
		for k, v := range r.Header {
			fmt.Fprintf(&b, "%s: %s; ", k, strings.Join(v, ","))
		}
		if u, p, ok := r.BasicAuth(); ok {
			fmt.Fprintf(&b, "user %s password %s; ", u, p)
		}
		fmt.Fprintf(&b, "body %s", body)
		w.WriteHeader(http.StatusInternalServerError)
		io.WriteString(w, b.String())
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}
