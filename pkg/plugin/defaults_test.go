package plugin

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/mlwatch/mlwatch/pkg/engine"
	"github.com/mlwatch/mlwatch/pkg/models"
)

// recordingProm answers every Prometheus API call with an empty result and
// records the PromQL and selectors it was sent.
func recordingProm(t *testing.T) (*httptest.Server, func() string) {
	var mu sync.Mutex
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		mu.Lock()
		seen = append(seen, r.Form["query"]...)
		seen = append(seen, r.Form["match[]"]...)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.HasSuffix(r.URL.Path, "/query_range"):
			fmt.Fprint(w, `{"status":"success","data":{"resultType":"matrix","result":[]}}`)
		case strings.HasSuffix(r.URL.Path, "/query"):
			fmt.Fprint(w, `{"status":"success","data":{"resultType":"vector","result":[]}}`)
		default:
			fmt.Fprint(w, `{"status":"success","data":[]}`)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, func() string {
		mu.Lock()
		defer mu.Unlock()
		return strings.Join(seen, "\n")
	}
}

// TestDefaultsReachQueries: what a query leaves empty is taken from
// jsonData.defaults, all the way to the PromQL sent.
func TestDefaultsReachQueries(t *testing.T) {
	tr := backend.TimeRange{From: time.Now().Add(-time.Hour), To: time.Now()}
	tests := []struct {
		name      string
		defaults  string
		queryType string
		json      string
		want      []string // substrings of the PromQL and selectors sent
	}{
		{"drift: default feature metric and label", `{"featureMetric":"org_features","featureLabel":"feat"}`, "drift", `{}`,
			[]string{"org_features_bucket", "feat"}},
		{"drift: built-in metric", `{}`, "drift", `{}`, []string{"ml_feature_value_bucket"}},
		{"drift: the query's metric wins", `{"featureMetric":"org_features"}`, "drift", `{"prometheus":{"metric":"mine"}}`, []string{"mine_bucket"}},
		{"distribution: default confidence metric", `{"confidenceMetric":"org_conf"}`, "distribution", `{}`, []string{"org_conf_bucket"}},
		{"classes: default counter and label", `{"predictionsMetric":"org_preds_total","classLabel":"label"}`, "distribution", `{"mode":"classes"}`,
			[]string{"org_preds_total"}},
		{"gpu: default group label", `{"gpuGroupLabel":"hpc_job"}`, "gpu", `{}`, []string{"DCGM_FI_DEV_GPU_UTIL"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, seen := recordingProm(t)
			d := newDatasource([]byte(fmt.Sprintf(`{"prometheus":{"url":%q},"defaults":%s}`, srv.URL, tt.defaults)), nil)
			defer d.Dispose()
			if d.settingsErr != nil {
				t.Fatal(d.settingsErr)
			}
			resp, err := d.QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{
				{RefID: "A", QueryType: tt.queryType, JSON: json.RawMessage(tt.json), TimeRange: tr, Interval: time.Minute},
			}})
			if err != nil {
				t.Fatal(err)
			}
			got := seen()
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("nothing sent contains %q (response error: %v); sent:\n%s", w, resp.Responses["A"].Error, got)
				}
			}
		})
	}
}

func TestEngineLimitsFromDefaults(t *testing.T) {
	def := engine.DefaultLimits()
	tests := []struct {
		name string
		in   models.Defaults
		want engine.Limits
	}{
		{"none keeps the engine's", models.Defaults{}, def},
		{"each set", models.Defaults{MaxSeries: 10, MaxPoints: 20, MaxRows: 30, MaxBytes: 40, QueryTimeout: 5 * time.Second},
			func() engine.Limits {
				l := def
				l.MaxSeries, l.MaxPoints, l.MaxRows, l.MaxBytes, l.QueryTimeout = 10, 20, 30, 40, 5*time.Second
				return l
			}()},
		{"one set", models.Defaults{MaxRows: 7}, func() engine.Limits { l := def; l.MaxRows = 7; return l }()},
	}
	for _, tt := range tests {
		if got := engineLimits(tt.in); got != tt.want {
			t.Errorf("%s: got %+v, want %+v", tt.name, got, tt.want)
		}
	}
	d := newDatasource([]byte(`{"prometheus":{"url":"http://127.0.0.1:1"},"defaults":{"maxSeries":123,"queryTimeoutSeconds":"9"}}`), nil)
	if d.engine.Limits.MaxSeries != 123 || d.engine.Limits.QueryTimeout != 9*time.Second {
		t.Errorf("datasource limits = %+v", d.engine.Limits)
	}
}

func TestBadDefaultsReachHealth(t *testing.T) {
	d := newDatasource([]byte(`{"prometheus":{"url":"http://127.0.0.1:1"},"defaults":{"stragglerThreshold":3}}`), nil)
	res, err := d.CheckHealth(context.Background(), &backend.CheckHealthRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != backend.HealthStatusError || !strings.Contains(res.Message, "defaults.stragglerThreshold") {
		t.Errorf("health = %+v", res)
	}
}

func TestFeaturesRouteUsesDefaults(t *testing.T) {
	tests := []struct{ name, defaults, path, want string }{
		{"built-in", `{}`, "features", `{__name__="ml_feature_value_bucket"}`},
		{"datasource defaults", `{"featureMetric":"org_features","featureLabel":"feat"}`, "features", `{__name__="org_features_bucket"}`},
		{"parameters win", `{"featureMetric":"org_features"}`, "features?metric=mine", `{__name__="mine_bucket"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, seen := recordingProm(t)
			d := newDatasource([]byte(fmt.Sprintf(`{"prometheus":{"url":%q},"defaults":%s}`, srv.URL, tt.defaults)), nil)
			defer d.Dispose()
			status, body := callResource(t, d, tt.path)
			if status != 200 || !strings.Contains(seen(), tt.want) {
				t.Errorf("%d %v; sent %s, want %s", status, body, seen(), tt.want)
			}
		})
	}
}
