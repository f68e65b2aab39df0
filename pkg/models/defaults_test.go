package models

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestLoadDefaults(t *testing.T) {
	tests := []struct {
		name     string
		jsonData string
		check    func(t *testing.T, d Defaults)
		errField string
	}{
		{"none: built-in", `{}`, func(t *testing.T, d Defaults) {
			if d != BuiltinDefaults() {
				t.Errorf("%+v", d)
			}
		}, ""},
		{"all set", `{"defaults":{"featureMetric":"my_features","confidenceMetric":"my_conf","predictionsMetric":"my_preds_total",
			"featureLabel":"feat","classLabel":"label","gpuGroupLabel":"hpc_job","stragglerThreshold":0.5,"minGroupMedian":"20",
			"minCount":"50","tracesSchema":"SigNoz","tracesDatabase":"spans","tracesTable":"idx","tracesLimit":20,
			"maxSeries":1000,"maxPoints":"200000","maxRows":5000,"maxBytes":1048576,"queryTimeoutSeconds":15}}`,
			func(t *testing.T, d Defaults) {
				want := Defaults{FeatureMetric: "my_features", ConfidenceMetric: "my_conf", PredictionsMetric: "my_preds_total",
					FeatureLabel: "feat", ClassLabel: "label", GPUGroupLabel: "hpc_job", StragglerThreshold: 0.5, MinGroupMedian: 20,
					MinCount: 50, TracesSchema: "signoz", TracesDatabase: "spans", TracesTable: "idx", TracesLimit: 20,
					MaxSeries: 1000, MaxPoints: 200000, MaxRows: 5000, MaxBytes: 1 << 20, QueryTimeout: 15 * time.Second}
				if d != want {
					t.Errorf("got  %+v\nwant %+v", d, want)
				}
			}, ""},
		{"blanks keep the built-in", `{"defaults":{"featureMetric":" ","stragglerThreshold":0,"minCount":null}}`, func(t *testing.T, d Defaults) {
			if d != BuiltinDefaults() {
				t.Errorf("%+v", d)
			}
		}, ""},
		{"metric name", `{"defaults":{"featureMetric":"ml feature"}}`, nil, "defaults.featureMetric"},
		{"histogram with _bucket", `{"defaults":{"confidenceMetric":"c_bucket"}}`, nil, "defaults.confidenceMetric"},
		{"label name", `{"defaults":{"gpuGroupLabel":"a-b"}}`, nil, "defaults.gpuGroupLabel"},
		{"threshold above 1", `{"defaults":{"stragglerThreshold":1.5}}`, nil, "defaults.stragglerThreshold"},
		{"median above 100", `{"defaults":{"minGroupMedian":140}}`, nil, "defaults.minGroupMedian"},
		{"fractional min count", `{"defaults":{"minCount":2.5}}`, nil, "defaults.minCount"},
		{"negative max rows", `{"defaults":{"maxRows":-1}}`, nil, "defaults.maxRows"},
		{"huge max bytes", `{"defaults":{"maxBytes":1e12}}`, nil, "defaults.maxBytes"},
		{"trace schema", `{"defaults":{"tracesSchema":"jaeger"}}`, nil, "defaults.tracesSchema"},
		{"trace table", `{"defaults":{"tracesTable":"x; DROP"}}`, nil, "defaults.tracesTable"},
		{"trace limit", `{"defaults":{"tracesLimit":20000}}`, nil, "defaults.tracesLimit"},
		{"timeout", `{"defaults":{"queryTimeoutSeconds":9999}}`, nil, "defaults.queryTimeoutSeconds"},
		{"not a number", `{"defaults":{"minCount":"many"}}`, nil, "jsonData"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Load([]byte(tt.jsonData), nil)
			if tt.errField != "" {
				var fe *FieldError
				switch {
				case err == nil:
					t.Fatalf("no error, defaults %+v", s.Defaults)
				case tt.errField == "jsonData":
					if !strings.Contains(err.Error(), "not valid JSON") {
						t.Errorf("err = %v", err)
					}
				case !errors.As(err, &fe) || fe.Field != tt.errField:
					t.Errorf("err = %v, want a %s error", err, tt.errField)
				}
				if s.Defaults != BuiltinDefaults() {
					t.Errorf("a bad defaults section must leave the built-in ones: %+v", s.Defaults)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, s.Defaults)
		})
	}
}

func TestParseQueryWithDefaults(t *testing.T) {
	custom := Defaults{FeatureMetric: "org_features", ConfidenceMetric: "org_conf", PredictionsMetric: "org_preds_total",
		FeatureLabel: "feat", ClassLabel: "label", GPUGroupLabel: "hpc_job", StragglerThreshold: 0.6, MinGroupMedian: 25,
		MinCount: 30, TracesSchema: "signoz", TracesDatabase: "tr", TracesTable: "spans", TracesLimit: 7}
	tests := []struct {
		name      string
		queryType string
		json      string
		defaults  Defaults
		check     func(q *Query) string // what differs, or ""
	}{
		{"drift without a metric reads the default feature histogram", "drift", `{}`, custom, func(q *Query) string {
			return diff("metric/label/input", q.Prometheus.Metric+"/"+q.Prometheus.FeatureLabel+"/"+q.Prometheus.Input, "org_features/feat/histogram")
		}},
		{"built-in when the datasource sets none", "drift", `{"prometheus":{}}`, Defaults{}, func(q *Query) string {
			return diff("metric/label/minCount", q.Prometheus.Metric+"/"+q.Prometheus.FeatureLabel+"/"+itoa(q.MinCount), "ml_feature_value/feature/1")
		}},
		{"the query's own values win", "drift", `{"minCount":5,"prometheus":{"metric":"mine","featureLabel":"f"}}`, custom, func(q *Query) string {
			return diff("metric/label/minCount", q.Prometheus.Metric+"/"+q.Prometheus.FeatureLabel+"/"+itoa(q.MinCount), "mine/f/5")
		}},
		{"min count", "drift", `{}`, custom, func(q *Query) string { return diff("minCount", itoa(q.MinCount), "30") }},
		{"samples need no metric", "drift", `{"prometheus":{"expr":"rate(x[5m])"}}`, custom, func(q *Query) string {
			return diff("metric/input", q.Prometheus.Metric+"/"+q.Prometheus.Input, "/samples")
		}},
		{"distribution reads the confidence histogram", "distribution", `{}`, custom, func(q *Query) string {
			return diff("metric/classLabel", q.Prometheus.Metric+"/"+q.ClassLabel, "org_conf/")
		}},
		{"class distribution reads the predictions counter", "distribution", `{"mode":"classes"}`, custom, func(q *Query) string {
			return diff("metric/classLabel", q.Prometheus.Metric+"/"+q.ClassLabel, "org_preds_total/label")
		}},
		{"ClickHouse queries take no Prometheus defaults", "distribution", `{"mode":"classes","clickhouse":{"table":"t","timeColumn":"ts","columns":["c"]}}`, custom, func(q *Query) string {
			return diff("prometheus/classLabel", fmtPtr(q.Prometheus != nil)+"/"+q.ClassLabel, "false/")
		}},
		{"gpu", "gpu", `{}`, custom, func(q *Query) string {
			return diff("group/threshold/median", q.GPU.GroupLabel+"/"+ftoa(q.GPU.StragglerThreshold)+"/"+ftoa(q.GPU.MinGroupMedian), "hpc_job/0.6/25")
		}},
		{"gpu query values win", "gpu", `{"gpu":{"groupLabel":"pod","stragglerThreshold":0.9,"minGroupMedian":10}}`, custom, func(q *Query) string {
			return diff("group/threshold/median", q.GPU.GroupLabel+"/"+ftoa(q.GPU.StragglerThreshold)+"/"+ftoa(q.GPU.MinGroupMedian), "pod/0.9/10")
		}},
		{"gpu built-in", "gpu", `{}`, Defaults{}, func(q *Query) string {
			return diff("group/threshold/median", q.GPU.GroupLabel+"/"+ftoa(q.GPU.StragglerThreshold)+"/"+ftoa(q.GPU.MinGroupMedian), "namespace/0.75/40")
		}},
		{"traces take the default schema and table", "traces", `{}`, custom, func(q *Query) string {
			t := q.Traces
			return diff("schema/db/table/limit", t.Schema+"/"+t.Database+"/"+t.Table+"/"+itoa(t.Limit), "signoz/tr/spans/7")
		}},
		{"traces of the other schema keep its own tables", "traces", `{"traces":{"schema":"otel"}}`, custom, func(q *Query) string {
			t := q.Traces
			return diff("schema/db/table", t.Schema+"/"+t.Database+"/"+t.Table, "otel//")
		}},
		{"traces with their own table", "traces", `{"traces":{"table":"mine","limit":3}}`, custom, func(q *Query) string {
			t := q.Traces
			return diff("schema/db/table/limit", t.Schema+"/"+t.Database+"/"+t.Table+"/"+itoa(t.Limit), "signoz//mine/3")
		}},
		{"traces built-in", "traces", `{}`, Defaults{}, func(q *Query) string {
			t := q.Traces
			return diff("schema/table/limit", t.Schema+"/"+t.Table+"/"+itoa(t.Limit), "otel//100")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := ParseQueryWith([]byte(tt.json), tt.queryType, tt.defaults)
			if err != nil {
				t.Fatal(err)
			}
			if d := tt.check(q); d != "" {
				t.Error(d)
			}
			if err := q.Validate(); err != nil {
				t.Errorf("a query completed by defaults must be valid: %v", err)
			}
		})
	}
}

func diff(what, got, want string) string {
	if got == want {
		return ""
	}
	return what + " = " + got + ", want " + want
}

func itoa(n int) string     { return strconv.Itoa(n) }
func ftoa(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
func fmtPtr(b bool) string  { return strconv.FormatBool(b) }
