package engine

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlwatch/mlwatch/pkg/models"
)

var updateDistributionFrames = flag.Bool("update-distribution-frames", false, "rewrite tests/fixtures/frames/confidence-backend-*.json")

// The confidence histogram panel's browser tests read these files: the
// frames the engine returns for distribution queries (classic buckets of
// ml_prediction_confidence and ml_predictions_total by class) against a
// stand-in Prometheus that serves raw counter samples, in Grafana's
// data-frame JSON (the +Inf bucket included, as Grafana sends it).
var (
	fxDistNow = time.Unix(1_764_000_000, 0).UTC()
	// Per-bucket counts for le = 0.1 ... 1.0; nothing above 1.
	fxConfRef = []float64{20, 30, 60, 120, 260, 520, 900, 1700, 3300, 7100}
	fxConfCur = []float64{60, 110, 210, 380, 700, 1100, 1500, 1900, 2100, 1900}
	fxClasses = []string{"bird", "cat", "dog", "fish"}
	fxClsRef  = []float64{1800, 5200, 2900, 900}
	fxClsCur  = []float64{1300, 3600, 5800, 500}
)

// fakeCounterProm answers raw range reads (selector[range] @ time) with two
// samples per series, one before the window and one at its end, so the
// exact increase is the given count. The reference window is the one a
// week back.
func fakeCounterProm(t *testing.T) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			t.Error(err)
		}
		if r.URL.Path != "/api/v1/query" {
			http.NotFound(w, r)
			return
		}
		q := r.Form.Get("query")
		at, err := strconv.ParseFloat(r.Form.Get("time"), 64)
		if err != nil {
			t.Errorf("time %q: %v", r.Form.Get("time"), err)
		}
		ref := at < float64(fxDistNow.Add(-24*time.Hour).Unix())
		start, end := at-3590, at-10
		type series struct {
			Metric map[string]string `json:"metric"`
			Values [][2]any          `json:"values"`
		}
		var out []series
		add := func(labels map[string]string, count float64) {
			base := 1000.0
			out = append(out, series{Metric: labels, Values: [][2]any{
				{start, strconv.FormatFloat(base, 'f', -1, 64)},
				{end, strconv.FormatFloat(base+count, 'f', -1, 64)},
			}})
		}
		switch {
		case strings.HasPrefix(q, "ml_prediction_confidence_bucket"):
			per := fxConfCur
			if ref {
				per = fxConfRef
			}
			cum := 0.0
			for i, c := range per {
				cum += c
				add(map[string]string{"__name__": "ml_prediction_confidence_bucket", "model": "fraud", "le": strconv.FormatFloat(float64(i+1)/10, 'f', -1, 64)}, cum)
			}
			add(map[string]string{"__name__": "ml_prediction_confidence_bucket", "model": "fraud", "le": "+Inf"}, cum)
		case strings.HasPrefix(q, "ml_predictions_total"):
			per := fxClsCur
			if ref {
				per = fxClsRef
			}
			for i, c := range per {
				add(map[string]string{"__name__": "ml_predictions_total", "model": "fraud", "class": fxClasses[i]}, c)
			}
		default:
			t.Errorf("unexpected query %q", q)
		}
		b, _ := json.Marshal(map[string]any{"status": "success", "data": map[string]any{"resultType": "matrix", "result": out}})
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(b)
	}
}

func TestDistributionFrameFixtures(t *testing.T) {
	e := fakePromEngine(t, fakeCounterProm(t), DefaultLimits())
	cases := []struct {
		file, query string
	}{
		{"confidence-backend-histogram.json", `{"queryType":"distribution","prometheus":{"metric":"ml_prediction_confidence","matchers":"model=\"fraud\""},"reference":{"mode":"offset","offset":"7d"},"method":"wasserstein"}`},
		{"confidence-backend-classes.json", `{"queryType":"distribution","mode":"classes","prometheus":{"metric":"ml_predictions_total","matchers":"model=\"fraud\""},"reference":{"mode":"offset","offset":"7d"}}`},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			q, err := models.ParseQuery([]byte(tc.query), "")
			if err != nil {
				t.Fatal(err)
			}
			frames, err := e.Run(context.Background(), Request{Query: q, TimeRange: TimeRange{From: fxDistNow.Add(-time.Hour), To: fxDistNow}, Interval: time.Minute})
			if err != nil {
				t.Fatal(err)
			}
			if len(frames) != 1 {
				t.Fatalf("%d frames, want 1", len(frames))
			}
			f := frames[0]
			f.RefID = "A"
			custom, _ := f.Meta.Custom.(map[string]any)
			if custom == nil || custom["method"] == "" || custom["reference_total"] == 0.0 {
				t.Fatalf("meta.custom = %v", f.Meta.Custom)
			}
			// The counts served must come back as the counts of the frame.
			want := fxConfCur
			if strings.Contains(tc.file, "classes") {
				want = fxClsCur
			}
			got, _ := custom["current_counts"].([]float64)
			if fmt.Sprint(got[:len(want)]) != fmt.Sprint(want) {
				t.Errorf("current counts = %v, want %v", got, want)
			}
			// The two windows are read in parallel: their order in the
			// executed query is not fixed.
			lines := strings.Split(f.Meta.ExecutedQueryString, "\n")
			slices.Sort(lines)
			f.Meta.ExecutedQueryString = strings.Join(lines, "\n")
			b, err := data.FrameToJSON(f, data.IncludeAll)
			if err != nil {
				t.Fatal(err)
			}
			var v any
			if err := json.Unmarshal(b, &v); err != nil {
				t.Fatal(err)
			}
			b, err = json.MarshalIndent([]any{v}, "", " ")
			if err != nil {
				t.Fatal(err)
			}
			b = append(b, '\n')
			path := filepath.Join("..", "..", "tests", "fixtures", "frames", tc.file)
			if *updateDistributionFrames {
				if err := os.WriteFile(path, b, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			old, err := os.ReadFile(path)
			if err != nil || string(old) != string(b) {
				t.Errorf("%s is out of date (%v): run go test ./pkg/engine -run TestDistributionFrameFixtures -update-distribution-frames", path, err)
			}
		})
	}
}
