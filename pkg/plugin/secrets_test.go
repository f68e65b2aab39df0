package plugin

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// echoServer fails every request with a body that repeats everything the
// request carried: headers (Authorization, custom ones), the URL and the
// body, as some proxies and misconfigured servers do.
func echoServer(t *testing.T, status int) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var b strings.Builder
		fmt.Fprintf(&b, "Code: 516. DB::Exception: request %s %s failed. ", r.Method, r.URL.String())
		for k, v := range r.Header {
			fmt.Fprintf(&b, "%s: %s; ", k, strings.Join(v, ","))
		}
		if u, p, ok := r.BasicAuth(); ok {
			fmt.Fprintf(&b, "user %s password %s; ", u, p)
		}
		fmt.Fprintf(&b, "body %s", body)
		w.Header().Set("X-ClickHouse-Exception-Code", "516")
		w.WriteHeader(status)
		io.WriteString(w, b.String())
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestSecretsNeverLeak: with secrets in the settings and a failing server
// that echoes them, no health message, query error or resource error
// holds a secret, in plain text or as the Basic authorization it was sent
// in.
func TestSecretsNeverLeak(t *testing.T) {
	const (
		promPass   = "prom-S3cret-pass"
		bearer     = "bearer-S3cret-token"
		headerVal  = "tenant-S3cret-value"
		chPass     = "ch-S3cret-pass"
		urlPass    = "url-S3cret-pass"
		hostPass   = "host-S3cret-pass"
		basicUser  = "grafana"
		chUserName = "mlwatch"
	)
	secrets := []string{promPass, bearer, headerVal, chPass, urlPass, hostPass,
		base64.StdEncoding.EncodeToString([]byte(basicUser + ":" + promPass)),
		base64.StdEncoding.EncodeToString([]byte(chUserName + ":" + chPass)),
		url.QueryEscape(promPass), url.QueryEscape(chPass)}
	for _, status := range []int{400, 401, 500} {
		srv := echoServer(t, status)
		u, _ := url.Parse(srv.URL)
		tests := []struct {
			name     string
			jsonData string
			secure   map[string]string
			query    string // queryType:json
			resource string
		}{
			{"prometheus basic auth",
				fmt.Sprintf(`{"prometheus":{"url":%q,"auth":"basic","basicAuthUser":%q}}`, srv.URL, basicUser),
				map[string]string{"prometheusBasicAuthPassword": promPass}, `drift:{"prometheus":{"metric":"m"}}`, "prometheus/metrics"},
			{"prometheus bearer and a custom header",
				fmt.Sprintf(`{"prometheus":{"url":%q,"auth":"bearer","headers":[{"name":"X-Scope-OrgID"}]}}`, srv.URL),
				map[string]string{"prometheusBearerToken": bearer, "prometheusHeaderValue1": headerVal}, `gpu:{}`, "gpu/label-values?label=pod"},
			{"clickhouse over HTTP",
				fmt.Sprintf(`{"clickhouse":{"host":%q,"port":%s,"protocol":"http","username":%q}}`, u.Hostname(), u.Port(), chUserName),
				map[string]string{"clickhousePassword": chPass}, `traces:{}`, "clickhouse/databases"},
			{"password in the Prometheus URL",
				fmt.Sprintf(`{"prometheus":{"url":"http://user:%s@%s"}}`, urlPass, u.Host), nil, `drift:{}`, "prometheus/metrics"},
			{"password in the ClickHouse host",
				fmt.Sprintf(`{"clickhouse":{"host":"user:%s@%s","port":%s,"protocol":"http"}}`, hostPass, u.Hostname(), u.Port()), nil, `traces:{}`, "clickhouse/databases"},
		}
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s, status %d", tt.name, status), func(t *testing.T) {
				d := newDatasource([]byte(tt.jsonData), tt.secure)
				defer d.Dispose()
				var texts []string
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				health, err := d.CheckHealth(ctx, &backend.CheckHealthRequest{})
				if err != nil {
					t.Fatal(err)
				}
				if health.Status == backend.HealthStatusOk {
					t.Errorf("health ok against a failing server: %s", health.Message)
				}
				texts = append(texts, health.Message, string(health.JSONDetails))
				qt, qj, _ := strings.Cut(tt.query, ":")
				resp, err := d.QueryData(ctx, &backend.QueryDataRequest{Queries: []backend.DataQuery{{RefID: "A", QueryType: qt, JSON: json.RawMessage(qj),
					TimeRange: backend.TimeRange{From: time.Now().Add(-time.Hour), To: time.Now()}, Interval: time.Minute}}})
				if err != nil {
					t.Fatal(err)
				}
				if r := resp.Responses["A"]; r.Error == nil {
					t.Errorf("query ok against a failing server")
				} else {
					texts = append(texts, r.Error.Error())
				}
				status, body, raw := callResourceRaw(t, d, tt.resource)
				if status == 200 {
					t.Errorf("resource ok against a failing server: %v", body)
				}
				texts = append(texts, raw)
				for _, text := range texts {
					for _, s := range secrets {
						if strings.Contains(text, s) {
							t.Errorf("secret %q leaked into %q", s, text)
						}
					}
				}
				if testing.Verbose() {
					t.Logf("health: %s\nquery: %s\nresource: %s", texts[0], texts[len(texts)-2], raw)
				}
			})
		}
	}
}
