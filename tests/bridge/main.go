// Command bridge answers Grafana's datasource HTTP API with the built mlwatch
// plugin binary, so that the browser harness can run the real frontend
// against the real backend without Grafana:
//
//	go run ./tests/bridge --datasource provisioning/datasources/mlwatch.yaml --listen 127.0.0.1:0
//
// It starts dist/datasource/gpx_mlwatch_<os>_<arch> the way Grafana does
// (internal/pluginharness: go-plugin handshake, gRPC) with the settings of
// the one mlwatch datasource in a provisioning YAML ($VAR and ${VAR} are
// expanded from the environment, $$ is a literal $), and serves:
//
//	GET  /api/datasources/uid/{uid}                 the settings (secrets as secureJsonFields)
//	PUT  /api/datasources/uid/{uid}                 store new settings ("Save")
//	GET  /api/datasources/uid/{uid}/health          CheckHealth ("Test")
//	ANY  /api/datasources/uid/{uid}/resources/{...} CallResource
//	POST /api/ds/query                              QueryData; the body is Grafana's {queries, from, to}
//
// With --prometheus-fixture FILE it first starts a Prometheus backfilled with
// the OpenMetrics text in FILE (internal/testenv) and points the
// datasource's jsonData.prometheus.url at it. It prints "bridge listening on
// URL" when ready and stops the plugin and Prometheus on SIGINT/SIGTERM (and
// on end of standard input with --stdin-eof, so a test runner that dies
// leaves nothing behind).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"github.com/mlwatch/mlwatch/pkg/provisioning"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/mlwatch/mlwatch/internal/pluginharness"
	"github.com/mlwatch/mlwatch/internal/testenv"
)

const pluginID = "mlwatch-ml-datasource"

func main() {
	dsFile := flag.String("datasource", "", "Grafana datasource provisioning YAML holding one mlwatch datasource (default: an empty one)")
	name := flag.String("name", "", "which mlwatch datasource of the file, when it holds several")
	listen := flag.String("listen", "127.0.0.1:0", "address to serve on")
	binary := flag.String("plugin", "", "plugin binary (default: dist/datasource/gpx_mlwatch_<os>_<arch> of this repository)")
	promFixture := flag.String("prometheus-fixture", "", "OpenMetrics file to backfill into a Prometheus started for the datasource")
	pluginLog := flag.String("plugin-log", "", "file for the plugin's log, - for standard error (default: discarded)")
	stdinEOF := flag.Bool("stdin-eof", false, "stop when standard input ends (for test runners)")
	flag.Parse()
	if err := run(*dsFile, *name, *listen, *binary, *promFixture, *pluginLog, *stdinEOF); err != nil {
		fmt.Fprintln(os.Stderr, "bridge:", err)
		os.Exit(1)
	}
}

func run(dsFile, name, listen, binary, promFixture, pluginLog string, stdinEOF bool) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if stdinEOF {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop()
		}()
	}
	ds, err := loadDatasource(dsFile, name)
	if err != nil {
		return err
	}
	if promFixture != "" {
		om, err := os.ReadFile(promFixture)
		if err != nil {
			return fmt.Errorf("--prometheus-fixture: %w", err)
		}
		startCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		prom, err := testenv.StartPrometheus(startCtx, testenv.PrometheusOptions{OpenMetrics: string(om)})
		cancel()
		if err != nil {
			return fmt.Errorf("start Prometheus: %w", err)
		}
		defer prom.Stop()
		ds.setPrometheusURL(prom.URL)
		fmt.Printf("bridge prometheus on %s\n", prom.URL)
	}
	if binary == "" {
		root, err := repoRoot()
		if err != nil {
			return err
		}
		binary = pluginharness.BinaryPath(filepath.Join(root, "dist", "datasource"), "gpx_mlwatch")
	}
	var logOut io.Writer
	switch pluginLog {
	case "":
	case "-":
		logOut = os.Stderr
	default:
		f, err := os.Create(pluginLog)
		if err != nil {
			return fmt.Errorf("--plugin-log: %w", err)
		}
		defer f.Close()
		logOut = f
	}
	startCtx, cancel := context.WithTimeout(ctx, time.Minute)
	plugin, err := pluginharness.Start(startCtx, binary, pluginharness.Options{PluginID: pluginID, Log: logOut})
	cancel()
	if err != nil {
		return err
	}
	defer plugin.Stop()

	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: newBridge(plugin, ds), ReadHeaderTimeout: 10 * time.Second}
	fmt.Printf("bridge listening on http://%s\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
	case err := <-errc:
		return err
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}

// settings is the one datasource the bridge serves; PUT replaces it.
type settings struct {
	mu       sync.Mutex
	id       int64
	uid      string
	name     string
	jsonData map[string]any
	secure   map[string]string
	updated  time.Time
}

func (s *settings) setPrometheusURL(url string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	prom, _ := s.jsonData["prometheus"].(map[string]any)
	if prom == nil {
		prom = map[string]any{}
	}
	prom["url"] = url
	s.jsonData["prometheus"] = prom
}

// instance is the datasource as the plugin gets it on each call.
func (s *settings) instance() (pluginharness.Datasource, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	jd, err := json.Marshal(s.jsonData)
	if err != nil {
		return pluginharness.Datasource{}, err
	}
	secure := make(map[string]string, len(s.secure))
	for k, v := range s.secure {
		secure[k] = v
	}
	return pluginharness.Datasource{ID: s.id, UID: s.uid, Name: s.name, JSONData: jd, Secure: secure, Updated: s.updated}, nil
}

// view is GET /api/datasources/uid/{uid}: secrets only as "is set".
func (s *settings) view() map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	fields := map[string]bool{}
	for k, v := range s.secure {
		if v != "" {
			fields[k] = true
		}
	}
	return map[string]any{
		"id": s.id, "uid": s.uid, "orgId": 1, "name": s.name, "type": pluginID, "access": "proxy",
		"jsonData": s.jsonData, "secureJsonFields": fields, "readOnly": false,
	}
}

func loadDatasource(path, name string) (*settings, error) {
	s := &settings{id: 1, uid: "mlwatch", name: "mlwatch", jsonData: map[string]any{}, secure: map[string]string{}, updated: time.Now()}
	if path == "" {
		return s, nil
	}
	d, err := provisioning.Find(path, pluginID, name)
	if err != nil {
		return nil, err
	}
	s.name = d.Name
	if d.UID != "" {
		s.uid = d.UID
	}
	if d.JSONData != nil {
		s.jsonData = d.JSONData
	}
	for k, v := range d.SecureJSONData {
		s.secure[k] = v
	}
	return s, nil
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found above the working directory; pass --plugin")
		}
		dir = parent
	}
}

type bridge struct {
	plugin *pluginharness.Plugin
	ds     *settings
}

func newBridge(p *pluginharness.Plugin, ds *settings) http.Handler {
	b := &bridge{plugin: p, ds: ds}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/datasources/uid/{uid}", b.withUID(b.getSettings))
	mux.HandleFunc("PUT /api/datasources/uid/{uid}", b.withUID(b.putSettings))
	mux.HandleFunc("GET /api/datasources/uid/{uid}/health", b.withUID(b.health))
	mux.HandleFunc("/api/datasources/uid/{uid}/resources/{path...}", b.withUID(b.resource))
	mux.HandleFunc("POST /api/ds/query", b.query)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not found"})
	})
	return logRequests(mux)
}

func (b *bridge) withUID(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		b.ds.mu.Lock()
		uid := b.ds.uid
		b.ds.mu.Unlock()
		if r.PathValue("uid") != uid {
			writeJSON(w, http.StatusNotFound, map[string]string{"message": "Data source not found"})
			return
		}
		h(w, r)
	}
}

func (b *bridge) getSettings(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, b.ds.view())
}

// putSettings stores settings as Grafana's "Save" does: jsonData replaced,
// secureJsonData merged (an empty value removes a secret).
func (b *bridge) putSettings(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Name           string            `json:"name"`
		JSONData       map[string]any    `json:"jsonData"`
		SecureJSONData map[string]string `json:"secureJsonData"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&body); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": "bad request data: " + err.Error()})
		return
	}
	b.ds.mu.Lock()
	if body.Name != "" {
		b.ds.name = body.Name
	}
	if body.JSONData != nil {
		b.ds.jsonData = body.JSONData
	}
	for k, v := range body.SecureJSONData {
		if v == "" {
			delete(b.ds.secure, k)
		} else {
			b.ds.secure[k] = v
		}
	}
	// A new Updated time makes the SDK create a new instance with the new settings.
	b.ds.updated = time.Now()
	b.ds.mu.Unlock()
	view := b.ds.view()
	writeJSON(w, http.StatusOK, map[string]any{"datasource": view, "id": view["id"], "name": view["name"], "message": "Datasource updated"})
}

// health answers as Grafana's /health: 200 with status OK, else 400.
func (b *bridge) health(w http.ResponseWriter, r *http.Request) {
	ds, err := b.ds.instance()
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"message": err.Error()})
		return
	}
	res, err := b.plugin.CheckHealth(r.Context(), ds)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"message": "Plugin health check failed", "error": err.Error()})
		return
	}
	payload := map[string]any{"status": res.Status.String(), "message": res.Message}
	if len(res.JSONDetails) > 0 {
		var details map[string]any
		if json.Unmarshal(res.JSONDetails, &details) == nil {
			payload["details"] = details
		}
	}
	status := http.StatusOK
	if res.Status != backend.HealthStatusOk {
		status = http.StatusBadRequest
	}
	writeJSON(w, status, payload)
}

// resource forwards to CallResource with the path after /resources/ and the
// query string, as Grafana sends them, and copies the answer back.
func (b *bridge) resource(w http.ResponseWriter, r *http.Request) {
	ds, err := b.ds.instance()
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"message": err.Error()})
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 16<<20))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": err.Error()})
		return
	}
	path := r.PathValue("path")
	if r.URL.RawQuery != "" {
		path += "?" + r.URL.RawQuery
	}
	resp, err := b.plugin.CallResource(r.Context(), ds, r.Method, path, body)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"message": "Failed to call resource", "error": err.Error()})
		return
	}
	for k, vs := range resp.Headers {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	status := resp.Status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	_, _ = w.Write(resp.Body)
}

// queryRequest is the body of Grafana's POST /api/ds/query.
type queryRequest struct {
	Queries []json.RawMessage `json:"queries"`
	From    string            `json:"from"`
	To      string            `json:"to"`
}

// query runs QueryData and answers {"results":{...}} with 200, or 400 when
// a query failed (Grafana's status without the multi-status feature flag).
func (b *bridge) query(w http.ResponseWriter, r *http.Request) {
	var req queryRequest
	if err := json.NewDecoder(io.LimitReader(r.Body, 16<<20)).Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": "bad request data: " + err.Error()})
		return
	}
	if len(req.Queries) == 0 {
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": "No queries found"})
		return
	}
	now := time.Now()
	from, err := parseTime(req.From, now, now.Add(-time.Hour))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": "from: " + err.Error()})
		return
	}
	to, err := parseTime(req.To, now, now)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": "to: " + err.Error()})
		return
	}
	ds, err := b.ds.instance()
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"message": err.Error()})
		return
	}
	queries := make([]backend.DataQuery, 0, len(req.Queries))
	for i, raw := range req.Queries {
		var head struct {
			RefID         string `json:"refId"`
			QueryType     string `json:"queryType"`
			IntervalMs    int64  `json:"intervalMs"`
			MaxDataPoints int64  `json:"maxDataPoints"`
			Datasource    *struct {
				UID  string `json:"uid"`
				Type string `json:"type"`
			} `json:"datasource"`
		}
		if err := json.Unmarshal(raw, &head); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"message": fmt.Sprintf("query %d: %v", i+1, err)})
			return
		}
		if head.Datasource != nil && head.Datasource.UID != "" && head.Datasource.UID != ds.UID {
			writeJSON(w, http.StatusBadRequest, map[string]string{"message": fmt.Sprintf("query %s: data source %s not found", head.RefID, head.Datasource.UID)})
			return
		}
		if head.RefID == "" {
			head.RefID = "A"
		}
		interval := time.Duration(head.IntervalMs) * time.Millisecond
		if interval <= 0 {
			interval = time.Second
		}
		if head.MaxDataPoints <= 0 {
			head.MaxDataPoints = 100
		}
		queries = append(queries, backend.DataQuery{
			RefID: head.RefID, QueryType: head.QueryType, JSON: raw,
			TimeRange: backend.TimeRange{From: from, To: to}, Interval: interval, MaxDataPoints: head.MaxDataPoints,
		})
	}
	resp, err := b.plugin.QueryData(r.Context(), ds, queries)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"message": "Query data error", "error": err.Error()})
		return
	}
	status := http.StatusOK
	for _, res := range resp.Responses {
		if res.Error != nil {
			status = http.StatusBadRequest
		}
	}
	writeJSON(w, status, resp)
}

var relTime = regexp.MustCompile(`^now(?:-(\d+)([smhdw]))?$`)

// parseTime reads Unix milliseconds (what the frontend sends) or now-<n><unit>.
func parseTime(s string, now, fallback time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return fallback, nil
	}
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.UnixMilli(ms), nil
	}
	if m := relTime.FindStringSubmatch(s); m != nil {
		if m[1] == "" {
			return now, nil
		}
		n, _ := strconv.Atoi(m[1])
		unit := map[string]time.Duration{"s": time.Second, "m": time.Minute, "h": time.Hour, "d": 24 * time.Hour, "w": 7 * 24 * time.Hour}[m[2]]
		return now.Add(-time.Duration(n) * unit), nil
	}
	return time.Time{}, fmt.Errorf("%q is not Unix milliseconds or now-<duration>", s)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// logRequests writes one line per request to standard error.
func logRequests(next http.Handler) http.Handler {
	logger := log.New(os.Stderr, "bridge: ", log.Ltime)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		start := time.Now()
		next.ServeHTTP(rec, r)
		logger.Printf("%s %s %d %s", r.Method, r.URL.RequestURI(), rec.status, time.Since(start).Round(time.Millisecond))
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}
