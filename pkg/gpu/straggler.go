package gpu

import (
	"math"
	"slices"
	"sort"
	"strings"
)

// Options of the straggler analysis.
type Options struct {
	// GroupLabels are the labels whose values form a peer group (for
	// example namespace, or hpc_job, or namespace and pod prefix via
	// relabelling). "host" groups by the resolved host.
	GroupLabels []string
	// Threshold: a GPU is a straggler when its score (its mean utilisation
	// over the group median) is below it. NVIDIA's nvidia-resiliency-ext
	// uses 0.75 by default.
	Threshold float64
	// MinGroupMedian (percent): groups whose median utilisation is below
	// it are idle; nobody in them is called a straggler.
	MinGroupMedian float64
}

// Group summarises one peer group after Analyze.
type Group struct {
	Name       string
	Size       int // GPUs with a utilisation value
	Median     float64
	Idle       bool
	Stragglers int
}

// ParseGroupLabels splits "namespace" or "namespace, hpc_job" into label
// names.
func ParseGroupLabels(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// GroupOf is the GPU's group name under the given labels: their values
// joined by "/", or "" when the GPU has none of them.
func GroupOf(g *GPU, labels []string) string {
	vals := make([]string, len(labels))
	any := false
	for i, l := range labels {
		vals[i] = g.Label(l)
		any = any || vals[i] != ""
	}
	if !any {
		return ""
	}
	return strings.Join(vals, "/")
}

// Analyze scores every GPU against its group:
//
//	score = util / median(util of the group's GPUs)
//
// where util is each GPU's mean utilisation over the window. A GPU is a
// straggler when score < Threshold and the group median >= MinGroupMedian.
// Groups of one GPU score 1. GPUs without a utilisation value, or without
// any group label, get no score (NaN) and are never stragglers. When the
// median is 0 (at least half the group did nothing) every GPU scores 1:
// there is no work rate to fall behind. Groups are returned sorted by name.
func Analyze(gpus []*GPU, o Options) []Group {
	members := map[string][]*GPU{}
	for _, g := range gpus {
		g.Group = GroupOf(g, o.GroupLabels)
		g.Score, g.Straggler, g.Idle, g.GroupMedian, g.GroupSize = math.NaN(), false, false, math.NaN(), 0
		if g.Group == "" {
			continue
		}
		members[g.Group] = append(members[g.Group], g)
	}
	names := make([]string, 0, len(members))
	for n := range members {
		names = append(names, n)
	}
	sort.Strings(names)
	groups := make([]Group, 0, len(names))
	utils := make([]float64, 0, 16)
	for _, name := range names {
		utils = utils[:0]
		for _, g := range members[name] {
			if !math.IsNaN(g.Util) {
				utils = append(utils, g.Util)
			}
		}
		grp := Group{Name: name, Size: len(utils), Median: Median(utils)}
		grp.Idle = !(grp.Median >= o.MinGroupMedian)
		for _, g := range members[name] {
			g.GroupSize, g.GroupMedian, g.Idle = grp.Size, grp.Median, grp.Idle
			if math.IsNaN(g.Util) {
				continue
			}
			switch {
			case grp.Size == 1 || grp.Median <= 0:
				g.Score = 1
			default:
				g.Score = g.Util / grp.Median
			}
			if !grp.Idle && g.Score < o.Threshold {
				g.Straggler = true
				grp.Stragglers++
			}
		}
		groups = append(groups, grp)
	}
	return groups
}

// Median of values (NaN for none); the mean of the two middle values for
// an even count, as numpy.median.
func Median(values []float64) float64 {
	n := len(values)
	if n == 0 {
		return math.NaN()
	}
	s := slices.Clone(values)
	slices.Sort(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
