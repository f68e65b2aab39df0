//go:build integration

package integration

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

func TestQueryDataErrorsArePerQuery(t *testing.T) {
	ds := datasource(map[string]any{"prometheus": map[string]any{"url": env.prom.URL}}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	tr := backend.TimeRange{From: env.start.Add(-time.Hour), To: env.start}
	resp, err := env.plugin.QueryData(ctx, ds, []backend.DataQuery{
		{RefID: "A", QueryType: "bogus", JSON: json.RawMessage(`{"queryType":"bogus"}`), TimeRange: tr},
		{RefID: "B", JSON: json.RawMessage(`{}`), TimeRange: tr},
		{RefID: "C", QueryType: "traces", JSON: json.RawMessage(`{"queryType":"traces"}`), TimeRange: tr},
	})
	if err != nil {
		t.Fatalf("QueryData over gRPC: %v", err)
	}
	want := map[string]string{
		"A": `unknown query type "bogus"`,
		"B": "the query has no type",
		"C": "the datasource has no ClickHouse host",
	}
	for ref, msg := range want {
		r, ok := resp.Responses[ref]
		if !ok {
			t.Errorf("no response for refId %s", ref)
			continue
		}
		if r.Error == nil || !strings.Contains(r.Error.Error(), msg) {
			t.Errorf("refId %s: error = %v, want it to contain %q", ref, r.Error, msg)
		}
	}
}

func TestQueryDataWithBrokenSettings(t *testing.T) {
	ds := datasource(map[string]any{"prometheus": map[string]any{"url": "ftp://x"}}, nil)
	resp, err := env.plugin.QueryData(context.Background(), ds, []backend.DataQuery{{RefID: "A", QueryType: "drift", JSON: json.RawMessage(`{}`)}})
	if err != nil {
		t.Fatal(err)
	}
	r := resp.Responses["A"]
	if r.Error == nil || !strings.Contains(r.Error.Error(), "settings need fixing") {
		t.Errorf("error = %v, want a settings message", r.Error)
	}
	if r.ErrorSource != backend.ErrorSourceDownstream {
		t.Errorf("error source = %q, want downstream (the user's settings)", r.ErrorSource)
	}
}

func TestCallResourceSources(t *testing.T) {
	ds := datasource(map[string]any{
		"prometheus": map[string]any{"url": env.prom.URL},
		"clickhouse": map[string]any{"host": "127.0.0.1", "port": env.clickhouse.HTTPPort, "protocol": "http", "username": chUser},
	}, map[string]string{"clickhousePassword": chPassword})
	resp, err := env.plugin.CallResource(context.Background(), ds, "GET", "sources", nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != 200 {
		t.Fatalf("status %d: %s", resp.Status, resp.Body)
	}
	var body struct {
		Sources []struct {
			Source, Version string
			OK, Configured  bool
		} `json:"sources"`
	}
	if err := json.Unmarshal(resp.Body, &body); err != nil {
		t.Fatalf("body %s: %v", resp.Body, err)
	}
	if len(body.Sources) != 2 {
		t.Fatalf("sources = %+v", body.Sources)
	}
	for _, s := range body.Sources {
		if !s.OK || !s.Configured || s.Version == "" {
			t.Errorf("source %+v, want configured, ok and a version", s)
		}
	}
	assertNoSecrets(t, string(resp.Body))

	missing, err := env.plugin.CallResource(context.Background(), ds, "GET", "no-such-route", nil)
	if err != nil {
		t.Fatal(err)
	}
	if missing.Status != 404 {
		t.Errorf("unknown route status = %d, want 404", missing.Status)
	}
}

// TestPluginLogHasNoSecrets runs last in this file's order of declaration
// but reads the log of everything before it in the package run.
func TestPluginLogHasNoSecrets(t *testing.T) {
	// Provoke a failing check with secrets set, then read the log.
	ds := datasource(map[string]any{"prometheus": map[string]any{"url": env.promBasic.URL, "auth": "basic", "basicAuthUser": basicUser}},
		map[string]string{"prometheusBasicAuthPassword": "x" + basicPassword})
	checkHealth(t, ds)
	if env.plugin.Exited() {
		t.Fatal("the plugin process exited")
	}
	logMu.Lock()
	log := env.pluginLog.String()
	logMu.Unlock()
	if log == "" {
		t.Fatal("the plugin wrote no log at all; the harness should capture it")
	}
	assertNoSecrets(t, log)
}

var logMu sync.Mutex

// lockedWriter serialises writes from the plugin's log goroutines.
type lockedWriter struct{ b *strings.Builder }

func (w *lockedWriter) Write(p []byte) (int, error) {
	logMu.Lock()
	defer logMu.Unlock()
	return w.b.Write(p)
}
