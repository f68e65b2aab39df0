package models

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// jargon is what a user should never have to read in an error.
var jargon = []string{"Go struct", "Go value", "models.", "reflect", "%!", "json: ", "unmarshal", "runtime error", "<nil>"}

// checkUserError fails unless err is a QueryError a user can read: it
// names a field, says something, is one short paragraph of valid text
// and holds no Go jargon (unless the user typed it: values are quoted
// back).
func checkUserError(t *testing.T, err error, inputs ...string) {
	t.Helper()
	var qe *QueryError
	if !errors.As(err, &qe) {
		t.Fatalf("error %T %q is not a QueryError", err, err)
	}
	msg := qe.Error()
	if qe.Field == "" || strings.TrimSpace(qe.Message) == "" {
		t.Fatalf("error without a field or a message: %q", msg)
	}
	if !utf8.ValidString(msg) || len(msg) > 1000 || strings.ContainsAny(msg, "\x00\n\r") {
		t.Fatalf("unreadable error (%d bytes): %q", len(msg), msg)
	}
	typed := strings.Join(inputs, "\x00")
	for _, j := range jargon {
		if strings.Contains(msg, j) && !strings.Contains(typed, j) {
			t.Fatalf("error %q holds %q", msg, j)
		}
	}
}

func TestQueryJSONErrorsAreReadable(t *testing.T) {
	tests := []struct{ name, json, field, want string }{
		{"cut short", `{"prometheus":`, "query", "not valid JSON"},
		{"not JSON", `drift please`, "query", "not valid JSON (near character 1)"},
		{"text for a number", `{"threshold":"0.1"}`, "threshold", "expected a number, got text"},
		{"number for text", `{"prometheus":{"metric":5}}`, "prometheus.metric", "expected text, got a number"},
		{"fraction for a whole number", `{"minCount":1.5}`, "minCount", "expected a whole number, got the number 1.5"},
		{"object for a list", `{"prometheus":{"features":{"a":1}}}`, "prometheus.features", "expected a list, got an object"},
		{"list for an object", `{"gpu":[1]}`, "gpu", "expected an object, got a list"},
		{"bad time", `{"reference":{"from":"yesterday"}}`, "reference", `"yesterday" is not a time`},
		{"bad duration", `{"step":"5 minutes"}`, "query", "is not a duration: use a number with a unit"},
		{"long value is cut", `{"queryType":"` + strings.Repeat("x", 5000) + `"}`, "queryType", "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := ParseQuery([]byte(tt.json), "")
			if err == nil {
				err = q.Validate()
			}
			if err == nil {
				t.Fatal("no error")
			}
			checkUserError(t, err)
			var qe *QueryError
			errors.As(err, &qe)
			if qe.Field != tt.field || !strings.Contains(qe.Message, tt.want) {
				t.Errorf("got %q, want field %s and %q", err, tt.field, tt.want)
			}
		})
	}
}

// FuzzParseQuery: any bytes as a query, with any query type, never panic
// in ParseQuery, Validate or DriftOptions, and every error is one a user
// can read. Run briefly with:
//
//	go test ./pkg/models -run '^$' -fuzz FuzzParseQuery -fuzztime 20s
func FuzzParseQuery(f *testing.F) {
	seeds := []string{
		``, `{}`, `null`, `[]`, `"x"`,
		`{"queryType":"drift","prometheus":{"metric":"ml_feature_value","features":["a","b"]},"reference":{"mode":"offset","offset":"7d"}}`,
		`{"prometheus":{"expr":"rate(x[5m])","input":"samples"},"method":"wasserstein","threshold":0.2,"overTime":true,"step":"5m","window":"1h"}`,
		`{"source":"clickhouse","clickhouse":{"database":"ml","table":"t","timeColumn":"ts","columns":["a"],"filters":[{"column":"m","op":"in","value":["x"]}]},"reference":{"mode":"baseline","table":"train"}}`,
		`{"clickhouse":{"sql":"SELECT 1","layout":"long","featureColumn":"f","valueColumn":"v"},"reference":{"mode":"absolute","from":"2026-01-01T00:00:00Z","to":"2026-01-02T00:00:00Z"}}`,
		`{"mode":"classes","classLabel":"class","bins":20,"binning":{"policy":"quantiles","bins":10,"edges":[0,1,2]}}`,
		`{"gpu":{"groupLabel":"namespace","stragglerThreshold":0.75,"minGroupMedian":40,"metrics":["DCGM_FI_DEV_POWER_USAGE"]}}`,
		`{"traces":{"schema":"signoz","traceId":"4bf92f3577b34da6a3ce929d0e0e4736","attributes":[{"key":"k","op":"=","value":"v"}],"limit":10}}`,
		`{"threshold":-1,"minCount":-5,"format":"pie","step":"1h","window":"5m","overTime":true}`,
		`{"step":1e400}`, `{"step":-3}`, `{"reference":{"offset":"99999999999999w"}}`, `{"threshold":1e309}`,
		`{"prometheus":{"metric":"\u0000\ud800"}}`, `{"queryType":"drift","queryType":"gpu"}`,
	}
	types := []string{"", "drift", "distribution", "gpu", "traces", "nope"}
	for i, s := range seeds {
		f.Add([]byte(s), types[i%len(types)])
	}
	f.Fuzz(func(t *testing.T, raw []byte, queryType string) {
		q, err := ParseQuery(raw, queryType)
		if err != nil {
			checkUserError(t, err, string(raw), queryType)
			return
		}
		_ = q.DriftOptions()
		if err := q.Validate(); err != nil {
			checkUserError(t, err, string(raw), queryType)
		}
		// Datasource defaults never make a query unparseable or an error
		// unreadable.
		if _, err := ParseQueryWith(raw, queryType, Defaults{MinCount: 3, TracesSchema: "signoz"}); err != nil {
			checkUserError(t, err, string(raw), queryType)
		}
	})
}
