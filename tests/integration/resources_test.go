//go:build integration

package integration

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

func TestPrometheusResources(t *testing.T) {
	ds := datasource(map[string]any{"prometheus": map[string]any{"url": env.prom.URL}}, nil)
	get := func(t *testing.T, path string) (int, map[string]any) {
		t.Helper()
		resp, err := env.plugin.CallResource(context.Background(), ds, "GET", path, nil)
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]any
		if err := json.Unmarshal(resp.Body, &body); err != nil {
			t.Fatalf("%s: %s: %v", path, resp.Body, err)
		}
		return resp.Status, body
	}
	values := func(body map[string]any) []string {
		var out []string
		for _, v := range body["values"].([]any) {
			out = append(out, v.(string))
		}
		return out
	}
	tests := []struct {
		name, path string
		status     int
		check      func(t *testing.T, body map[string]any)
	}{
		{"metric names", "prometheus/metrics", 200, func(t *testing.T, b map[string]any) {
			if !slices.Contains(values(b), "ml_requests_total") {
				t.Errorf("values = %v", values(b))
			}
		}},
		{"search", "prometheus/metrics?search=REQUESTS", 200, func(t *testing.T, b map[string]any) {
			if v := values(b); len(v) != 1 || v[0] != "ml_requests_total" {
				t.Errorf("values = %v", v)
			}
		}},
		{"limit truncates and says so", "prometheus/labels?metric=ml_requests_total&limit=1", 200, func(t *testing.T, b map[string]any) {
			if len(values(b)) != 1 || b["truncated"] != true {
				t.Errorf("body = %v", b)
			}
		}},
		{"label names", "prometheus/labels?metric=ml_requests_total", 200, func(t *testing.T, b map[string]any) {
			if v := values(b); !slices.Contains(v, "model") || !slices.Contains(v, "code") {
				t.Errorf("values = %v", v)
			}
		}},
		{"label values with matchers", `prometheus/label-values?label=model&metric=ml_requests_total&matchers=code%3D%22200%22`, 200, func(t *testing.T, b map[string]any) {
			if v := values(b); len(v) != 1 || v[0] != "fraud" {
				t.Errorf("values = %v", v)
			}
		}},
		{"bad metric name", "prometheus/labels?metric=bad%20name", 400, func(t *testing.T, b map[string]any) {
			if !strings.Contains(b["error"].(string), "not a valid metric name") {
				t.Errorf("body = %v", b)
			}
		}},
		{"matchers with braces", "prometheus/label-values?label=model&matchers=%7Bx%3D%22y%22%7D", 400, func(t *testing.T, b map[string]any) {
			if !strings.Contains(b["error"].(string), "without braces") {
				t.Errorf("body = %v", b)
			}
		}},
		{"label missing", "prometheus/label-values", 400, func(t *testing.T, b map[string]any) {
			if !strings.Contains(b["error"].(string), "say which label") {
				t.Errorf("body = %v", b)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := get(t, tt.path)
			if status != tt.status {
				t.Fatalf("status = %d, want %d: %v", status, tt.status, body)
			}
			tt.check(t, body)
		})
	}
	noProm := datasource(map[string]any{"clickhouse": map[string]any{"host": "127.0.0.1", "port": env.clickhouse.NativePort}}, nil)
	resp, err := env.plugin.CallResource(context.Background(), noProm, "GET", "prometheus/metrics", nil)
	if err != nil || resp.Status != 400 || !strings.Contains(string(resp.Body), "no Prometheus URL") {
		t.Errorf("without Prometheus: %v %d %s", err, resp.Status, resp.Body)
	}
}
