package gpu

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Agg says how a metric's samples over the window become one number.
type Agg int

const (
	// Mean is avg_over_time: gauges such as utilisation, power, memory.
	Mean Agg = iota
	// Max is max_over_time: codes such as the last XID error.
	Max
	// Rate is rate() of a counter, summed over the GPU's series.
	Rate
	// SumOfMax sums max_over_time over the series of one GPU (one per
	// clock event reason, for example).
	SumOfMax
	// Last is last_over_time: states such as P2P link status.
	Last
)

// Metric is one column of the GPU table.
type Metric struct {
	// Column is the field name. Plain window means keep the DCGM metric
	// name, so that a table from mlwatch and raw DCGM series pivoted by
	// the topology panel have the same columns.
	Column string
	// Name is the exporter's metric name.
	Name string
	Agg  Agg
	// Matchers are extra label matchers, e.g. clock_event=~"...".
	Matchers string
	// Scale multiplies the value (1e-9 turns violation ns/s into a share).
	Scale float64
	// Unit is a Grafana unit id for the field.
	Unit string
	// Display is the human name.
	Display string
	// Optional columns are left out when no GPU has the metric (fields the
	// exporter's default counters do not enable).
	Optional bool
}

// UtilMetric is the work-rate signal of the straggler analysis.
const UtilMetric = "DCGM_FI_DEV_GPU_UTIL"

// P2PMetric carries GPU-to-GPU link status.
const P2PMetric = "DCGM_EXP_P2P_STATUS"

// DefaultMetrics are the columns of the GPU table: the exporter's default
// counters plus throttling and NVLink fields when they are enabled. The
// first is the utilisation the analysis uses.
func DefaultMetrics() []Metric {
	return []Metric{
		{Column: UtilMetric, Name: UtilMetric, Agg: Mean, Unit: "percent", Display: "Utilisation (mean)"},
		{Column: "DCGM_FI_PROF_PIPE_TENSOR_ACTIVE", Name: "DCGM_FI_PROF_PIPE_TENSOR_ACTIVE", Agg: Mean, Unit: "percentunit", Display: "Tensor pipe active (mean)"},
		{Column: "DCGM_FI_DEV_SM_CLOCK", Name: "DCGM_FI_DEV_SM_CLOCK", Agg: Mean, Unit: "rotmhz", Display: "SM clock (mean)"},
		{Column: "DCGM_FI_DEV_GPU_TEMP", Name: "DCGM_FI_DEV_GPU_TEMP", Agg: Mean, Unit: "celsius", Display: "Temperature (mean)"},
		{Column: "DCGM_FI_DEV_POWER_USAGE", Name: "DCGM_FI_DEV_POWER_USAGE", Agg: Mean, Unit: "watt", Display: "Power (mean)"},
		{Column: "DCGM_FI_DEV_FB_USED", Name: "DCGM_FI_DEV_FB_USED", Agg: Mean, Unit: "mbytes", Display: "Memory used (mean)"},
		{Column: "DCGM_FI_DEV_FB_FREE", Name: "DCGM_FI_DEV_FB_FREE", Agg: Mean, Unit: "mbytes", Display: "Memory free (mean)"},
		{Column: "xid_max", Name: "DCGM_FI_DEV_XID_ERRORS", Agg: Max, Unit: "none", Display: "Highest XID error (0: none)"},
		{Column: "throttle_events", Name: "DCGM_EXP_CLOCK_EVENTS_COUNT", Agg: SumOfMax,
			Matchers: `clock_event=~"hw_slowdown|hw_thermal|sw_thermal|power_cap|hw_power_brake"`,
			Unit:     "none", Display: "Throttling clock events", Optional: true},
		{Column: "thermal_violation_share", Name: "DCGM_FI_DEV_THERMAL_VIOLATION", Agg: Rate, Scale: 1e-9, Unit: "percentunit", Display: "Time throttled by temperature", Optional: true},
		{Column: "power_violation_share", Name: "DCGM_FI_DEV_POWER_VIOLATION", Agg: Rate, Scale: 1e-9, Unit: "percentunit", Display: "Time throttled by power", Optional: true},
		// The clock event (throttle) reason bitmask, when a custom counters
		// CSV enables the field; DCGM renamed it from CLOCK_THROTTLE_REASONS.
		// A bitmask cannot be averaged: the value at the window's end.
		{Column: "DCGM_FI_DEV_CLOCKS_EVENT_REASONS", Name: "DCGM_FI_DEV_CLOCKS_EVENT_REASONS", Agg: Last, Unit: "none", Display: "Clock event reasons (bitmask, latest)", Optional: true},
		{Column: "DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", Name: "DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", Agg: Last, Unit: "none", Display: "Clock throttle reasons (bitmask, latest)", Optional: true},
		{Column: "nvlink_bandwidth_rate", Name: "DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL", Agg: Rate, Unit: "none", Display: "NVLink bandwidth counter rate", Optional: true},
		{Column: "DCGM_FI_PROF_NVLINK_TX_BYTES", Name: "DCGM_FI_PROF_NVLINK_TX_BYTES", Agg: Mean, Unit: "Bps", Display: "NVLink transmit (mean)", Optional: true},
		{Column: "DCGM_FI_PROF_NVLINK_RX_BYTES", Name: "DCGM_FI_PROF_NVLINK_RX_BYTES", Agg: Mean, Unit: "Bps", Display: "NVLink receive (mean)", Optional: true},
	}
}

// Filter restricts the GPUs fetched. Values are Prometheus regular
// expressions (anchored), so dashboard variables with several values
// ("a|b") work; empty means no filter.
type Filter struct {
	Namespace string
	Pod       string
	Host      string
}

// Validate checks the filter's regular expressions.
func (f Filter) Validate() error {
	for _, c := range []struct{ field, re string }{{"namespace", f.Namespace}, {"pod", f.Pod}, {"host", f.Host}} {
		if c.re == "" {
			continue
		}
		if _, err := regexp.Compile("^(?:" + c.re + ")$"); err != nil {
			return fmt.Errorf("%s: %q is not a valid regular expression: %v", c.field, c.re, err)
		}
	}
	return nil
}

// HostMatcher reports whether a resolved host passes the host filter
// (anchored, as Prometheus anchors regular expressions). The server-side
// selector matches any of the three host labels; this check applies the
// precedence of HostOf. The expression is compiled once.
func (f Filter) HostMatcher() func(host string) bool {
	if f.Host == "" {
		return func(string) bool { return true }
	}
	re, err := regexp.Compile("^(?:" + f.Host + ")$")
	if err != nil {
		return func(string) bool { return false }
	}
	return re.MatchString
}

var (
	metricNameRe = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)
	labelNameRe  = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
)

// ValidMetricName reports whether s is a Prometheus metric name.
func ValidMetricName(s string) bool { return metricNameRe.MatchString(s) }

// ValidLabelName reports whether s is a Prometheus label name.
func ValidLabelName(s string) bool { return labelNameRe.MatchString(s) }

// Window is the range each metric is reduced over, evaluated at End.
type Window struct {
	Length time.Duration
	// Step, when set, evaluates the metric at this resolution in a
	// subquery instead of reading every raw sample: a day of a 16k-GPU
	// fleet at a 15s scrape is 94M samples, beyond Prometheus' default
	// query.max-samples, while the same day at 2m steps is 12M.
	Step time.Duration
}

// MinWindow is the shortest window: shorter ones may hold no sample at
// the exporter's 30s collection interval.
const MinWindow = time.Minute

// maxRawSamplesPerSeries bounds samples read per series before a subquery
// takes over (at a 15s scrape: 3 hours).
const maxRawSamplesPerSeries = 720

// NewWindow picks the window for a time range: the whole range, read raw
// when short and through a subquery at range/720 steps when long.
func NewWindow(length time.Duration) Window {
	if length < MinWindow {
		length = MinWindow
	}
	length = length.Truncate(time.Second)
	w := Window{Length: length}
	if length/(15*time.Second) > maxRawSamplesPerSeries {
		step := (length / maxRawSamplesPerSeries).Truncate(time.Second)
		if step < 15*time.Second {
			step = 15 * time.Second
		}
		w.Step = step
	}
	return w
}

func (w Window) rangeText() string {
	if w.Step > 0 {
		return fmt.Sprintf("[%ds:%ds]", int64(w.Length/time.Second), int64(w.Step/time.Second))
	}
	return fmt.Sprintf("[%ds]", int64(w.Length/time.Second))
}

// ByLabels is the identity label list plus any group labels not in it.
func ByLabels(groupLabels []string) []string {
	out := append([]string(nil), IdentityLabels...)
	for _, l := range groupLabels {
		if l == GroupByHost {
			continue
		}
		seen := false
		for _, x := range out {
			seen = seen || x == l
		}
		if !seen {
			out = append(out, l)
		}
	}
	return out
}

// Expr is the PromQL for one metric column: one instant query returns one
// series per GPU (per identity label set) with the metric reduced over
// the window.
func (m Metric) Expr(f Filter, w Window, by []string) string {
	inner := map[Agg]string{Mean: "avg_over_time", Max: "max_over_time", Rate: "rate", SumOfMax: "max_over_time", Last: "last_over_time"}[m.Agg]
	outer := map[Agg]string{Mean: "avg", Max: "max", Rate: "sum", SumOfMax: "sum", Last: "max"}[m.Agg]
	parts := make([]string, 0, 3)
	for _, sel := range selectors(m.Name, m.Matchers, f) {
		parts = append(parts, fmt.Sprintf("%s(%s%s)", inner, sel, w.rangeText()))
	}
	expr := fmt.Sprintf("%s by (%s) (%s)", outer, strings.Join(by, ", "), strings.Join(parts, " or "))
	if m.Scale != 0 && m.Scale != 1 {
		expr += " * " + strconv.FormatFloat(m.Scale, 'g', -1, 64)
	}
	return expr
}

// selectors are the series selectors for a metric under a filter. A host
// filter needs one selector per host label, joined with "or".
func selectors(name, extra string, f Filter) []string {
	var base []string
	if extra != "" {
		base = append(base, extra)
	}
	if f.Namespace != "" {
		base = append(base, LabelNamespace+"=~"+strconv.Quote(f.Namespace))
	}
	if f.Pod != "" {
		base = append(base, LabelPod+"=~"+strconv.Quote(f.Pod))
	}
	mk := func(ms []string) string {
		if len(ms) == 0 {
			return name
		}
		return name + "{" + strings.Join(ms, ", ") + "}"
	}
	if f.Host == "" {
		return []string{mk(base)}
	}
	out := make([]string, 0, 3)
	for _, l := range []string{LabelHostname, LabelHostnameUpper, LabelInstance} {
		out = append(out, mk(append(append([]string(nil), base...), l+"=~"+strconv.Quote(f.Host))))
	}
	return out
}

// LinksExpr is the PromQL for the P2P link status of the filtered GPUs.
// onlyBad keeps links whose status is not OK (for fleets too large to list
// every pair).
func LinksExpr(f Filter, w Window, onlyBad bool) string {
	by := []string{LabelHostnameUpper, LabelHostname, LabelInstance, LabelGPU, LabelPeerGPU, LabelLinkStatus}
	m := Metric{Name: P2PMetric, Agg: Last}
	expr := m.Expr(f, w, by)
	if onlyBad {
		expr += " > 0"
	}
	return expr
}

// CountExpr counts the series of a metric (to tell "no exporter" from
// "nothing matches the filter").
func CountExpr(name string, w Window) string {
	return fmt.Sprintf("count(last_over_time(%s%s))", name, w.rangeText())
}
