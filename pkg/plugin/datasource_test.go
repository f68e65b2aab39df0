package plugin

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

func TestQueryErrorsArePerQuery(t *testing.T) {
	d := newDatasource([]byte(`{"prometheus":{"url":"http://127.0.0.1:1"}}`), nil)
	defer d.Dispose()
	tr := backend.TimeRange{From: mustTime("2026-01-01T00:00:00Z"), To: mustTime("2026-01-01T01:00:00Z")}
	resp, err := d.QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{
		{RefID: "A", QueryType: "nope", JSON: json.RawMessage(`{}`), TimeRange: tr},
		{RefID: "B", JSON: json.RawMessage(`{}`), TimeRange: tr},
		{RefID: "C", QueryType: "traces", JSON: json.RawMessage(`{}`), TimeRange: tr},
		{RefID: "D", QueryType: "drift", JSON: json.RawMessage(`{"prometheus":`), TimeRange: tr},
		{RefID: "E", QueryType: "drift", JSON: json.RawMessage(`{"prometheus":{"metric":"x_bucket"}}`), TimeRange: tr},
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"A": `unknown query type "nope"`,
		"B": "the query has no type",
		"C": "the datasource has no ClickHouse host",
		"D": "not valid JSON",
		"E": "without _bucket",
	}
	for ref, msg := range want {
		r := resp.Responses[ref]
		if r.Error == nil || !strings.Contains(r.Error.Error(), msg) {
			t.Errorf("%s: error = %v, want %q", ref, r.Error, msg)
		}
		if r.ErrorSource != backend.ErrorSourceDownstream {
			t.Errorf("%s: error source %q, want downstream", ref, r.ErrorSource)
		}
	}
}

func TestSettingsErrorsReachHealthAndQueries(t *testing.T) {
	d := newDatasource([]byte(`{"prometheus":{"url":"http://u:pw-SECRET@p"}}`), map[string]string{"x": "pw-SECRET"})
	res, err := d.CheckHealth(context.Background(), &backend.CheckHealthRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != backend.HealthStatusError || !strings.Contains(res.Message, "prometheus.url") {
		t.Errorf("health = %+v", res)
	}
	if strings.Contains(res.Message, "pw-SECRET") {
		t.Errorf("secret in %q", res.Message)
	}
}

func mustTime(s string) (t time.Time) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}
