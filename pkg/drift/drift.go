// Package drift compares a reference sample with a current sample and says
// whether, and how much, the distribution has drifted. It covers raw numeric
// samples, categorical counts, binned counts (Prometheus histogram buckets)
// and multivariate rows, with the methods of Evidently and Alibi Detect,
// computed to match scipy.
//
// The package is pure Go with no Grafana dependency: the datasource backend
// and the mlwatch CLI both use it.
package drift

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
)

// Kind tells how a score is read.
type Kind string

const (
	// PValue scores are p-values: drifted when score < threshold.
	PValue Kind = "p_value"
	// Distance scores are distances: drifted when score >= threshold.
	Distance Kind = "distance"
)

// Default thresholds, as in Evidently.
const (
	DefaultPValueThreshold   = 0.05
	DefaultDistanceThreshold = 0.1
)

// Result is the outcome of one method on one column.
type Result struct {
	Method string `json:"method"`
	Kind   Kind   `json:"kind"`
	// Score is the p-value for p-value methods and the distance for distance
	// methods. It is NaN when there is not enough data for a verdict.
	Score float64 `json:"score"`
	// Statistic is the test statistic (D for ks, chi-square for chisquare);
	// for distances it equals Score.
	Statistic      float64  `json:"statistic"`
	Threshold      float64  `json:"threshold"`
	Drifted        bool     `json:"drifted"`
	ReferenceCount int      `json:"reference_count"`
	CurrentCount   int      `json:"current_count"`
	Notices        []string `json:"notices,omitempty"`
}

// Insufficient reports whether the result carries no verdict.
func (r Result) Insufficient() bool { return math.IsNaN(r.Score) }

// decide fills Drifted from Score, Kind and Threshold. A NaN score never
// counts as drift nor as "no drift": callers check Insufficient.
func (r *Result) decide() {
	switch {
	case math.IsNaN(r.Score):
		r.Drifted = false
	case r.Kind == PValue:
		r.Drifted = r.Score < r.Threshold
	default:
		r.Drifted = r.Score >= r.Threshold
	}
}

func (r *Result) notice(format string, args ...any) {
	r.Notices = append(r.Notices, fmt.Sprintf(format, args...))
}

// Options tune a method. The zero value means the method's defaults.
type Options struct {
	// Threshold overrides the method's default threshold when > 0.
	Threshold float64
	// Binning is used by the binned distances (psi, kl_div, jensenshannon,
	// hellinger, tvd) on raw numeric samples.
	Binning Binning
	// MinCount is the least number of values each side needs for a verdict;
	// below it the result is "insufficient data". Default 1.
	MinCount int
	// Permutations and Seed drive permutation tests (mmd). Defaults: 100
	// permutations, seed 0.
	Permutations int
	Seed         uint64
	// MaxEffectiveN, when > 0, caps the sample sizes used in asymptotic
	// p-values: monitoring data is autocorrelated, so its raw N overstates
	// the evidence.
	MaxEffectiveN int
}

// ErrUnknownMethod is returned for a method name that does not exist or
// does not apply to the data type.
var ErrUnknownMethod = errors.New("unknown method")

// outcome is what a method computes; the caller turns it into a Result.
type outcome struct {
	score     float64
	statistic float64 // NaN for distances: it is then the score
	notices   []string
}

// methodInfo describes one method. Each data type has its own entry point;
// nil means the method does not apply to that type.
type methodInfo struct {
	kind      Kind
	threshold float64
	numeric   func(ref, cur *Sample, o Options) (outcome, error)
	cat       func(t *Contingency, o Options) (outcome, error)
	binned    func(ref, cur *Histogram, o Options) (outcome, error)
}

// registry maps method names (as in Evidently) to their implementations.
// Files that implement a method register it in init.
var registry = map[string]*methodInfo{}

func register(name string, kind Kind, threshold float64) *methodInfo {
	if _, dup := registry[name]; dup {
		panic("drift: method registered twice: " + name)
	}
	m := &methodInfo{kind: kind, threshold: threshold}
	registry[name] = m
	return m
}

// Methods lists the method names for a data type: "num", "cat", "binned".
func Methods(dataType string) []string {
	var out []string
	for name, m := range registry {
		if (dataType == "num" && m.numeric != nil) || (dataType == "cat" && m.cat != nil) || (dataType == "binned" && m.binned != nil) {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// MethodKind returns the kind and default threshold of a method.
func MethodKind(name string) (Kind, float64, bool) {
	m, ok := registry[name]
	if !ok {
		return "", 0, false
	}
	return m.kind, m.threshold, true
}

func lookup(name, dataType string) (*methodInfo, error) {
	m, ok := registry[name]
	avail := Methods(dataType)
	if !ok {
		return nil, fmt.Errorf("%w %q: use one of %s", ErrUnknownMethod, name, strings.Join(avail, ", "))
	}
	if (dataType == "num" && m.numeric == nil) || (dataType == "cat" && m.cat == nil) || (dataType == "binned" && m.binned == nil) {
		return nil, fmt.Errorf("%w: %q does not apply to %s data; use one of %s", ErrUnknownMethod, name, typeWord(dataType), strings.Join(avail, ", "))
	}
	return m, nil
}

func typeWord(t string) string {
	switch t {
	case "num":
		return "numeric"
	case "cat":
		return "categorical"
	}
	return t
}

// newResult starts a result for a method with the threshold resolved.
func newResult(name string, m *methodInfo, o Options, nRef, nCur int) Result {
	th := m.threshold
	if o.Threshold > 0 {
		th = o.Threshold
	}
	return Result{Method: name, Kind: m.kind, Threshold: th, ReferenceCount: nRef, CurrentCount: nCur, Score: math.NaN(), Statistic: math.NaN()}
}

func minCount(o Options) int {
	if o.MinCount < 1 {
		return 1
	}
	return o.MinCount
}

// insufficient returns a result without a verdict and says why.
func insufficient(r Result, o Options) Result {
	r.Score, r.Statistic, r.Drifted = math.NaN(), math.NaN(), false
	switch {
	case r.ReferenceCount == 0 && r.CurrentCount == 0:
		r.notice("insufficient data: both windows are empty")
	case r.ReferenceCount == 0:
		r.notice("insufficient data: the reference window is empty")
	case r.CurrentCount == 0:
		r.notice("insufficient data: the current window is empty")
	default:
		r.notice("insufficient data: %d reference and %d current values, at least %d each are needed", r.ReferenceCount, r.CurrentCount, minCount(o))
	}
	return r
}

// Numeric runs a method on two raw numeric samples.
func Numeric(method string, ref, cur *Sample, o Options) (Result, error) {
	m, err := lookup(method, "num")
	if err != nil {
		return Result{}, err
	}
	r := newResult(method, m, o, ref.Len(), cur.Len())
	if ref.Len() < minCount(o) || cur.Len() < minCount(o) {
		return insufficient(r, o), nil
	}
	out, err := m.numeric(ref, cur, o)
	if err != nil {
		return Result{}, fmt.Errorf("%s: %w", method, err)
	}
	return finish(r, out), nil
}

// Categorical runs a method on categorical counts.
func Categorical(method string, t *Contingency, o Options) (Result, error) {
	m, err := lookup(method, "cat")
	if err != nil {
		return Result{}, err
	}
	nRef, nCur := int(math.Round(t.RefTotal())), int(math.Round(t.CurTotal()))
	r := newResult(method, m, o, nRef, nCur)
	if nRef < minCount(o) || nCur < minCount(o) {
		return insufficient(r, o), nil
	}
	out, err := m.cat(t, o)
	if err != nil {
		return Result{}, fmt.Errorf("%s: %w", method, err)
	}
	return finish(r, out), nil
}

// Binned runs a method on two histograms with the same edges (see
// AlignHistograms).
func Binned(method string, ref, cur *Histogram, o Options) (Result, error) {
	m, err := lookup(method, "binned")
	if err != nil {
		return Result{}, err
	}
	if err := ref.sameEdges(cur); err != nil {
		return Result{}, err
	}
	nRef, nCur := int(math.Round(ref.Total())), int(math.Round(cur.Total()))
	r := newResult(method, m, o, nRef, nCur)
	if ref.Total() < float64(minCount(o)) || cur.Total() < float64(minCount(o)) {
		return insufficient(r, o), nil
	}
	out, err := m.binned(ref, cur, o)
	if err != nil {
		return Result{}, fmt.Errorf("%s: %w", method, err)
	}
	return finish(r, out), nil
}

// finish merges what a method computed into the prepared result.
func finish(r Result, out outcome) Result {
	r.Score, r.Statistic = out.score, out.statistic
	if r.Kind == Distance {
		r.Statistic = r.Score
	}
	r.Notices = append(r.Notices, out.notices...)
	r.decide()
	return r
}

// dist is a distance outcome.
func dist(v float64) outcome { return outcome{score: v, statistic: v} }

// pval is a p-value outcome with its statistic.
func pval(p, stat float64) outcome { return outcome{score: p, statistic: stat} }
