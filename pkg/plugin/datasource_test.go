package plugin

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

func TestQueryTypes(t *testing.T) {
	d := newDatasource([]byte(`{"prometheus":{"url":"http://127.0.0.1:1"}}`), nil)
	defer d.Dispose()
	resp, err := d.QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{
		{RefID: "A", QueryType: "nope", JSON: json.RawMessage(`{}`)},
		{RefID: "B", QueryType: QueryTypeTraces, JSON: json.RawMessage(`{}`)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if e := resp.Responses["A"].Error; e == nil || !strings.Contains(e.Error(), `Unknown query type "nope"`) {
		t.Errorf("A: %v", e)
	}
	if r := resp.Responses["B"]; r.Error == nil || r.Status != backend.StatusNotImplemented {
		t.Errorf("B: %+v", r)
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
