package drift

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func TestJSON(t *testing.T) {
	r := Result{Method: "ks", Kind: PValue, Score: math.NaN(), Statistic: math.NaN(), Threshold: 0.05, Notices: []string{"insufficient data: the current window is empty"}}
	c := ColumnResult{Column: "age", Type: "num", Result: r, MissingCurrent: 3}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	for _, want := range []string{`"column":"age"`, `"type":"num"`, `"score":null`, `"statistic":null`, `"notice":"insufficient data: the current window is empty"`, `"missing_current":3`, `"method":"ks"`} {
		if !strings.Contains(got, want) {
			t.Errorf("%s lacks %s", got, want)
		}
	}
	var back map[string]any
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("not valid JSON: %v", err)
	}
	d, _ := json.Marshal(DatasetResult{Share: math.NaN(), DriftShare: 0.5})
	if !strings.Contains(string(d), `"share":null`) {
		t.Errorf("dataset %s", d)
	}
}
