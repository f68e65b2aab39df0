package plugin

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// hungHTTP accepts requests and never answers them, until the client goes
// away.
func hungHTTP(t *testing.T) *httptest.Server {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	return srv
}

// hungTCP accepts connections and never writes a byte (a native
// ClickHouse port that hangs before its hello).
func hungTCP(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
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

// TestHungServers: a server that accepts and never answers gives, within
// the configured limit, an error that says what happened and what to
// change; a request Grafana cancels returns at once. Nothing hangs.
func TestHungServers(t *testing.T) {
	prom := hungHTTP(t)
	chHTTP, _ := url.Parse(hungHTTP(t).URL)
	nativeHost, nativePort, _ := net.SplitHostPort(hungTCP(t))
	sources := []struct {
		name, settings, query string // settings: %s is the timeout in seconds
	}{
		{"prometheus", `{"prometheus":{"url":"` + prom.URL + `","timeoutSeconds":%s}%s}`, `drift:{"prometheus":{"metric":"m"}}`},
		{"clickhouse http", `{"clickhouse":{"host":"` + chHTTP.Hostname() + `","port":` + chHTTP.Port() + `,"protocol":"http","timeoutSeconds":%s}%s}`,
			`drift:{"clickhouse":{"table":"t","timeColumn":"ts","columns":["a"]}}`},
		{"clickhouse native", `{"clickhouse":{"host":"` + nativeHost + `","port":` + nativePort + `,"protocol":"native","timeoutSeconds":%s}%s}`,
			`traces:{}`},
	}
	tests := []struct {
		name          string
		sourceTimeout string
		defaults      string
		cancelAfter   time.Duration
		within        time.Duration
		want          []string // any of these in the error
		status        backend.Status
	}{
		{"the source timeout", "1", "", 0, 8 * time.Second, []string{"did not answer within 1s", "timeout", "did not finish"}, backend.StatusTimeout},
		{"the query timeout of the defaults", "30", `,"defaults":{"queryTimeoutSeconds":1}`, 0, 8 * time.Second, []string{"did not finish within 1s", "within 1s"}, backend.StatusTimeout},
		{"Grafana cancels the request", "30", "", 300 * time.Millisecond, 5 * time.Second, []string{"cancel"}, 0},
	}
	for _, src := range sources {
		for _, tt := range tests {
			t.Run(src.name+": "+tt.name, func(t *testing.T) {
				t.Parallel()
				d := newDatasource([]byte(fmt.Sprintf(src.settings, tt.sourceTimeout, tt.defaults)), nil)
				defer d.Dispose()
				if d.settingsErr != nil {
					t.Fatal(d.settingsErr)
				}
				ctx := context.Background()
				if tt.cancelAfter > 0 {
					var cancel context.CancelFunc
					ctx, cancel = context.WithCancel(ctx)
					time.AfterFunc(tt.cancelAfter, cancel)
				}
				qt, qj, _ := strings.Cut(src.query, ":")
				start := time.Now()
				resp, err := d.QueryData(ctx, &backend.QueryDataRequest{Queries: []backend.DataQuery{{RefID: "A", QueryType: qt, JSON: json.RawMessage(qj),
					TimeRange: backend.TimeRange{From: time.Now().Add(-time.Hour), To: time.Now()}, Interval: time.Minute}}})
				took := time.Since(start)
				if err != nil {
					t.Fatal(err)
				}
				r := resp.Responses["A"]
				if took > tt.within {
					t.Errorf("took %v, want under %v", took, tt.within)
				}
				if r.Error == nil {
					t.Fatal("no error from a hung server")
				}
				msg := r.Error.Error()
				ok := false
				for _, w := range tt.want {
					ok = ok || strings.Contains(strings.ToLower(msg), strings.ToLower(w))
				}
				if !ok {
					t.Errorf("error %q says none of %q", msg, tt.want)
				}
				if tt.status != 0 && r.Status != tt.status {
					t.Errorf("status %d, want %d (%s)", r.Status, tt.status, msg)
				}
				if r.ErrorSource != backend.ErrorSourceDownstream {
					t.Errorf("error source %q, want downstream: %s", r.ErrorSource, msg)
				}
				t.Logf("after %v: %s", took.Round(10*time.Millisecond), msg)
			})
		}
	}
	t.Run("resource routes", func(t *testing.T) {
		for _, tc := range []struct{ settings, path string }{
			{fmt.Sprintf(sources[0].settings, "1", ""), "prometheus/metrics"},
			{fmt.Sprintf(sources[1].settings, "1", ""), "clickhouse/databases"},
			{fmt.Sprintf(sources[2].settings, "1", ""), "traces/services"},
		} {
			d := newDatasource([]byte(tc.settings), nil)
			start := time.Now()
			status, body := callResource(t, d, tc.path)
			if took := time.Since(start); took > 8*time.Second || status != http.StatusGatewayTimeout {
				t.Errorf("%s: %d after %v: %v", tc.path, status, took, body)
			}
			d.Dispose()
		}
	})
}
