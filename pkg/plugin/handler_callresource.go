package plugin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/resource/httpadapter"

	"github.com/mlwatch/mlwatch/pkg/diagnose"
	"github.com/mlwatch/mlwatch/pkg/models"
	"github.com/mlwatch/mlwatch/pkg/source/prometheus"
)

// Resource routes serve the query editor's pickers. Every list is bounded
// (limit, default 500, at most 5000) and looks back a bounded time (from/to,
// default the last 6 hours), so autocomplete never scans a whole server.
const (
	defaultListLimit = 500
	maxListLimit     = 5000
	defaultLookback  = 6 * time.Hour
	resourceTimeout  = 20 * time.Second
)

// CallResource serves the HTTP routes the frontend uses (query editor
// autocomplete, the app's overview page).
func (d *Datasource) CallResource(ctx context.Context, req *backend.CallResourceRequest, sender backend.CallResourceResponseSender) error {
	return d.resources.CallResource(ctx, req, sender)
}

func (d *Datasource) newResourceHandler() backend.CallResourceHandler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /sources", d.handleSources)
	mux.HandleFunc("GET /prometheus/metrics", d.promList(metricNames))
	mux.HandleFunc("GET /prometheus/labels", d.promList(labelNames))
	mux.HandleFunc("GET /prometheus/label-values", d.promList(labelValues))
	mux.HandleFunc("GET /features", d.promList(featureNames))
	mux.HandleFunc("GET /gpu/label-values", d.promList(gpuLabelValues))
	d.clickhouseRoutes(mux)
	return httpadapter.New(mux)
}

// handleSources reports each source's status without secrets.
func (d *Datasource) handleSources(w http.ResponseWriter, r *http.Request) {
	if d.settingsErr != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": d.redactor.Redact(d.settingsErr.Error())})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"sources": d.sourceStatuses(r.Context())})
}

// listParams are the common query parameters of the list routes.
type listParams struct {
	limit      int
	from, to   time.Time
	search     string
	metric     string
	label      string
	matchers   string
	featureLbl string
	// defaults are the datasource's (jsonData.defaults).
	defaults models.Defaults
}

var (
	metricNameRe = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)
	labelNameRe  = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
)

func parseListParams(r *http.Request) (listParams, error) {
	q := r.URL.Query()
	p := listParams{limit: defaultListLimit, to: time.Now()}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return p, fmt.Errorf("limit must be a positive number")
		}
		p.limit = min(n, maxListLimit)
	}
	p.from = p.to.Add(-defaultLookback)
	for name, dst := range map[string]*time.Time{"from": &p.from, "to": &p.to} {
		if s := q.Get(name); s != "" {
			ms, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return p, fmt.Errorf("%s must be Unix milliseconds", name)
			}
			*dst = time.UnixMilli(ms)
		}
	}
	p.search = strings.ToLower(q.Get("search"))
	p.metric = q.Get("metric")
	p.label = q.Get("label")
	p.matchers = q.Get("matchers")
	p.featureLbl = q.Get("featureLabel")
	if p.metric != "" && !metricNameRe.MatchString(p.metric) {
		return p, fmt.Errorf("metric %q is not a valid metric name", p.metric)
	}
	for _, l := range []string{p.label, p.featureLbl} {
		if l != "" && !labelNameRe.MatchString(l) {
			return p, fmt.Errorf("label %q is not a valid label name", l)
		}
	}
	if strings.ContainsAny(p.matchers, "{}") {
		return p, fmt.Errorf("matchers are written without braces, e.g. model=\"fraud\"")
	}
	return p, nil
}

// selector builds {__name__=metric, matchers...}.
func (p listParams) selector(metric string) string {
	var parts []string
	if metric != "" {
		parts = append(parts, fmt.Sprintf("__name__=%q", metric))
	}
	if m := strings.TrimSpace(p.matchers); m != "" {
		parts = append(parts, m)
	}
	if len(parts) == 0 {
		return ""
	}
	return "{" + strings.Join(parts, ",") + "}"
}

type promLister func(ctx context.Context, c *prometheus.Client, p listParams, lim prometheus.Limits) ([]string, error)

func metricNames(ctx context.Context, c *prometheus.Client, p listParams, lim prometheus.Limits) ([]string, error) {
	return c.LabelValues(ctx, "__name__", selectors(p.selector("")), p.from, p.to, lim)
}

func labelNames(ctx context.Context, c *prometheus.Client, p listParams, lim prometheus.Limits) ([]string, error) {
	if p.metric == "" {
		return nil, &missingParam{"say which metric: ?metric=<name>"}
	}
	return c.LabelNames(ctx, selectors(p.selector(p.metric)), p.from, p.to, lim)
}

func labelValues(ctx context.Context, c *prometheus.Client, p listParams, lim prometheus.Limits) ([]string, error) {
	if p.label == "" {
		return nil, &missingParam{"say which label: ?label=<name>"}
	}
	return c.LabelValues(ctx, p.label, selectors(p.selector(p.metric)), p.from, p.to, lim)
}

// featureNames lists a histogram's features: the feature label's values on
// its _bucket series.
func featureNames(ctx context.Context, c *prometheus.Client, p listParams, lim prometheus.Limits) ([]string, error) {
	metric := p.metric
	if metric == "" {
		metric = p.defaults.FeatureMetric
	}
	if metric == "" {
		return nil, &missingParam{"say which histogram: ?metric=<base name>"}
	}
	label := p.featureLbl
	if label == "" {
		label = p.defaults.FeatureLabel
	}
	if label == "" {
		label = "feature"
	}
	if !strings.HasSuffix(metric, "_bucket") {
		metric += "_bucket"
	}
	return c.LabelValues(ctx, label, selectors(p.selector(metric)), p.from, p.to, lim)
}

// gpuLabelValues lists hosts, namespaces or pods seen on DCGM's utilisation
// metric, for the gpu query's filters.
func gpuLabelValues(ctx context.Context, c *prometheus.Client, p listParams, lim prometheus.Limits) ([]string, error) {
	if p.label == "" {
		return nil, &missingParam{"say which label: ?label=Hostname|namespace|pod"}
	}
	return c.LabelValues(ctx, p.label, selectors(p.selector("DCGM_FI_DEV_GPU_UTIL")), p.from, p.to, lim)
}

// missingParam is a route called without a parameter it needs.
type missingParam struct{ msg string }

func (e *missingParam) Error() string { return e.msg }

func selectors(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// promList adapts a lister to a route: parameters, bounds, errors.
func (d *Datasource) promList(list promLister) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if d.prom == nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "the datasource has no Prometheus URL"})
			return
		}
		p, err := parseListParams(r)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		p.defaults = d.settings.Defaults
		ctx, cancel := context.WithTimeout(r.Context(), resourceTimeout)
		defer cancel()
		lim := prometheus.Limits{MaxBytes: 16 << 20, MaxSeries: 100_000, MaxPoints: 1}
		values, err := list(ctx, d.prom, p, lim)
		if err != nil {
			var missing *missingParam
			if errors.As(err, &missing) {
				writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
				return
			}
			d.writeError(w, err)
			return
		}
		writeList(w, values, p)
	}
}

// writeList filters by search, sorts, truncates to the limit and says so.
func writeList(w http.ResponseWriter, values []string, p listParams) {
	out := make([]string, 0, min(len(values), p.limit))
	truncated := false
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	for _, v := range sorted {
		if p.search != "" && !strings.Contains(strings.ToLower(v), p.search) {
			continue
		}
		if len(out) == p.limit {
			truncated = true
			break
		}
		out = append(out, v)
	}
	writeJSON(w, http.StatusOK, map[string]any{"values": out, "truncated": truncated})
}

func (d *Datasource) writeError(w http.ResponseWriter, err error) {
	status := http.StatusBadGateway
	var qe *models.QueryError
	var p *diagnose.Problem
	switch {
	case errors.As(err, &qe):
		status = http.StatusBadRequest
	case errors.As(err, &p) && p.Kind == diagnose.KindTimeout:
		status = http.StatusGatewayTimeout
	}
	writeJSON(w, status, map[string]string{"error": d.redactor.Redact(err.Error())})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
