package prometheus

import (
	"context"
	"errors"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mlwatch/mlwatch/pkg/diagnose"
	"github.com/mlwatch/mlwatch/pkg/models"
)

// These stand-in servers send what a real Prometheus rarely or never sends
// (cut bodies, huge answers, odd member order); the integration tests use
// the real server.

func serve(t *testing.T, status int, body string) *Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	c, err := New(models.Prometheus{URL: srv.URL, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestDecodeResults(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		check func(t *testing.T, r *Result)
	}{
		{"vector", `{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"up","job":"a\"b\u00e9\ud83d\ude00"},"value":[1700000000.123,"1.5"]},{"metric":{},"value":[1700000000,"NaN"]}]}}`,
			func(t *testing.T, r *Result) {
				if r.Type != "vector" || len(r.Series) != 2 {
					t.Fatalf("%+v", r)
				}
				s := r.Series[0]
				if s.Labels["job"] != "a\"bé😀" || s.T[0] != 1700000000123 || s.V[0] != 1.5 {
					t.Errorf("series = %+v", s)
				}
				if !math.IsNaN(r.Series[1].V[0]) {
					t.Errorf("NaN lost")
				}
			}},
		{"matrix, members in another order, unknown members", `{"data":{"result":[{"values":[[1,"1"],[2,"+Inf"],[3,"-2e3"]],"metric":{"le":"0.5"},"extra":{"a":[1,true,null]}}],"resultType":"matrix"},"status":"success","warnings":["w1"]}`,
			func(t *testing.T, r *Result) {
				s := r.Series[0]
				if r.Type != "matrix" || len(s.T) != 3 || !math.IsInf(s.V[1], 1) || s.V[2] != -2000 || s.Labels["le"] != "0.5" || r.Points != 3 {
					t.Errorf("%+v", r)
				}
				if len(r.Warnings) != 1 {
					t.Errorf("warnings = %v", r.Warnings)
				}
			}},
		{"native histograms", `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"feature":"x"},"histograms":[[10,{"count":"6","sum":"3.5","buckets":[[3,"-0.001","0.001","1"],[0,"1","2","5"]]}]]},{"metric":{},"histogram":[11,{"count":"0","sum":"0"}]}]}}`,
			func(t *testing.T, r *Result) {
				h := r.Series[0].H[0]
				if r.Series[0].HT[0] != 10000 || h.Count != 6 || h.Sum != 3.5 || len(h.Buckets) != 2 {
					t.Fatalf("%+v", h)
				}
				if b := h.Buckets[1]; b.Boundaries != 0 || b.Lower != 1 || b.Upper != 2 || b.Count != 5 {
					t.Errorf("bucket = %+v", b)
				}
				if len(r.Series[1].H) != 1 || r.Series[1].H[0].Count != 0 {
					t.Errorf("empty histogram = %+v", r.Series[1])
				}
			}},
		{"scalar", `{"status":"success","data":{"resultType":"scalar","result":[5,"42"]}}`,
			func(t *testing.T, r *Result) {
				if len(r.Series) != 1 || r.Series[0].V[0] != 42 {
					t.Errorf("%+v", r)
				}
			}},
		{"empty", ` {"status" : "success" , "data" : { "resultType" : "vector" , "result" : [ ] } } `,
			func(t *testing.T, r *Result) {
				if len(r.Series) != 0 || r.Type != "vector" {
					t.Errorf("%+v", r)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := serve(t, 200, tc.body)
			r, err := c.Query(context.Background(), "x", time.Unix(0, 0), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, r)
		})
	}
}

func TestDecodeLargeAnswerAcrossBuffers(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"status":"success","data":{"resultType":"matrix","result":[`)
	for s := 0; s < 50; s++ {
		if s > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"metric":{"feature":"f` + strings.Repeat("x", s*100) + `","le":"1"},"values":[`)
		for i := 0; i < 1000; i++ {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(`[1700000000.5,"12345.678"]`)
		}
		b.WriteString("]}")
	}
	b.WriteString("]}}")
	c := serve(t, 200, b.String())
	r, err := c.Query(context.Background(), "x", time.Now(), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Series) != 50 || r.Points != 50_000 || r.Series[49].V[999] != 12345.678 || len(r.Series[49].Labels["feature"]) != 4901 {
		t.Errorf("series=%d points=%d", len(r.Series), r.Points)
	}
	if r.Bytes != int64(b.Len()) {
		t.Errorf("bytes = %d, want %d", r.Bytes, b.Len())
	}
	// The same answer against limits.
	for _, tc := range []struct {
		lim  Limits
		what string
	}{
		{Limits{MaxSeries: 10}, "series"},
		{Limits{MaxPoints: 1000}, "points"},
		{Limits{MaxBytes: 100_000}, "bytes"},
	} {
		_, err := c.Query(context.Background(), "x", time.Now(), tc.lim)
		le, ok := IsLimit(err)
		if !ok || le.What != tc.what {
			t.Errorf("limits %+v: err = %v, want a %s limit", tc.lim, err, tc.what)
		}
	}
	// Exactly at the byte limit is fine.
	if _, err := c.Query(context.Background(), "x", time.Now(), Limits{MaxBytes: int64(b.Len())}); err != nil {
		t.Errorf("at the byte limit: %v", err)
	}
}

func TestDecodeFaults(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   string
		kind   diagnose.Kind
	}{
		{"cut off", 200, `{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"1"]}`, "cut off", diagnose.KindProtocol},
		{"not JSON", 200, `<html>hello</html>`, "not valid Prometheus API JSON", diagnose.KindProtocol},
		{"bad value", 200, `{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"abc"]}]}}`, "invalid sample value", diagnose.KindProtocol},
		{"trailing garbage", 200, `{"status":"success","data":null} x`, "unexpected data", diagnose.KindProtocol},
		{"bad PromQL", 400, `{"status":"error","errorType":"bad_data","error":"1:5: parse error: unexpected right bracket ']'"}`, "bad_data: 1:5: parse error: unexpected right bracket", diagnose.KindHTTPStatus},
		{"execution", 422, `{"status":"error","errorType":"execution","error":"query processing would load too many samples into memory in query execution"}`, "too many samples", diagnose.KindHTTPStatus},
		{"timeout", 503, `{"status":"error","errorType":"timeout","error":"query timed out in expression evaluation"}`, "timed out", diagnose.KindTimeout},
		{"bad gateway", 502, `upstream down`, "502 Bad Gateway: upstream down", diagnose.KindHTTPStatus},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := serve(t, tc.status, tc.body)
			_, err := c.Query(context.Background(), "x", time.Now(), Limits{})
			var p *diagnose.Problem
			if !errors.As(err, &p) {
				t.Fatalf("err = %v (%T), want a diagnose.Problem", err, err)
			}
			if !strings.Contains(p.Message, tc.want) || p.Kind != tc.kind || !p.Downstream {
				t.Errorf("problem = %+v, want %q (%s, downstream)", p, tc.want, tc.kind)
			}
		})
	}
	c := serve(t, 422, `{"status":"error","errorType":"execution","error":"query processing would load too many samples into memory in query execution"}`)
	_, err := c.Query(context.Background(), "x", time.Now(), Limits{})
	if !IsTooManySamples(err) {
		t.Errorf("IsTooManySamples(%v) = false", err)
	}
}

func TestQuerySendsFormAndHonoursContext(t *testing.T) {
	got := make(chan string, 1)
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		got <- r.Method + " " + r.URL.Path + " " + r.PostForm.Get("query") + " " + r.PostForm.Get("step")
		if r.PostForm.Get("query") == "slow" {
			select {
			case <-block:
			case <-r.Context().Done():
			}
			return
		}
		io.WriteString(w, `{"status":"success","data":{"resultType":"matrix","result":[]}}`)
	}))
	defer srv.Close()
	defer close(block)
	c, _ := New(models.Prometheus{URL: srv.URL + "/prefix/", Timeout: 5 * time.Second})
	if _, err := c.QueryRange(context.Background(), `sum(rate(x{a="b"}[5m]))`, time.Unix(0, 0), time.Unix(60, 0), 15*time.Second, Limits{}); err != nil {
		t.Fatal(err)
	}
	if g := <-got; g != `POST /prefix/api/v1/query_range sum(rate(x{a="b"}[5m])) 15` {
		t.Errorf("request = %q", g)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Query(ctx, "slow", time.Now(), Limits{})
	<-got
	var p *diagnose.Problem
	if !errors.As(err, &p) || p.Kind != diagnose.KindTimeout || time.Since(start) > 3*time.Second {
		t.Errorf("err = %v after %s, want a timeout", err, time.Since(start))
	}
}

func TestFormat(t *testing.T) {
	if s := FormatDuration(90 * time.Minute); s != "5400s" {
		t.Error(s)
	}
	if s := FormatDuration(1500 * time.Millisecond); s != "1500ms" {
		t.Error(s)
	}
	if s := FormatTime(time.UnixMilli(1700000000123)); s != "1700000000.123" {
		t.Error(s)
	}
}

func TestFastNumberPaths(t *testing.T) {
	for _, tc := range []struct {
		in   string
		ms   int64
		fast bool
	}{
		{"1700000000.123,", 1700000000123, true}, {"1700000000,", 1700000000000, true}, {"1.5]", 1500, true},
		{"1.25 ", 1250, true}, {"1700000000.1234,", 0, false}, {"1e3,", 0, false}, {"-1,", 0, false},
		{"17", 0, false}, // the buffer ends inside the number
	} {
		ms, _, ok := parseMillis([]byte(tc.in))
		if ok != tc.fast || (ok && ms != tc.ms) {
			t.Errorf("parseMillis(%q) = %d, %v", tc.in, ms, ok)
		}
	}
	for _, tc := range []struct {
		in   string
		v    float64
		fast bool
	}{{"0", 0, true}, {"123456789012345", 123456789012345, true}, {"1234567890123456", 0, false}, {"1.5", 0, false}, {"-3", 0, false}, {"", 0, false}} {
		v, ok := parseWhole([]byte(tc.in))
		if ok != tc.fast || v != tc.v {
			t.Errorf("parseWhole(%q) = %g, %v", tc.in, v, ok)
		}
	}
	// Slow paths decode the same values.
	c := serve(t, 200, `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1700000000.1234,"1234567890123456"],[1e3,"-3"]]}]}}`)
	r, err := c.Query(context.Background(), "x", time.Now(), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	s := r.Series[0]
	if s.T[0] != 1700000000123 || s.V[0] != 1234567890123456 || s.T[1] != 1_000_000 || s.V[1] != -3 {
		t.Errorf("%+v", s)
	}
}
