// Package gpu joins NVIDIA dcgm-exporter series into one record per GPU and
// finds stragglers: GPUs whose mean utilisation falls well below that of
// their peers (the GPUs of the same job, namespace or other group).
//
// The package is pure Go: it knows the exporter's label conventions but
// nothing about Prometheus' HTTP API or Grafana. The engine queries the
// series and builds frames from the result.
package gpu

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"
)

// Labels that dcgm-exporter puts on GPU series (internal/pkg/rendermetrics
// and internal/pkg/transformation in NVIDIA/dcgm-exporter).
const (
	// LabelHostnameUpper is the host label of released exporters up to
	// 4.5.x; LabelHostname is its name from commit d5e5f51 (#655) on.
	LabelHostnameUpper = "Hostname"
	LabelHostname      = "hostname"
	// LabelInstance is Prometheus' scrape target, the host of last resort
	// (exporters started with --no-hostname have no host label).
	LabelInstance  = "instance"
	LabelGPU       = "gpu"
	LabelUUID      = "UUID"
	LabelUUIDOld   = "uuid" // --use-old-namespace
	LabelModel     = "modelName"
	LabelMIG       = "GPU_I_ID" // MIG instance id; absent on whole GPUs
	LabelNamespace = "namespace"
	LabelPod       = "pod"
	LabelContainer = "container"
	LabelHPCJob    = "hpc_job"
	// Kubernetes label names with --use-old-namespace.
	LabelNamespaceOld = "pod_namespace"
	LabelPodOld       = "pod_name"
	LabelContainerOld = "container_name"
	// LabelPeerGPU and LabelLinkStatus are on DCGM_EXP_P2P_STATUS.
	LabelPeerGPU    = "peer_gpu"
	LabelLinkStatus = "link_status"
)

// GroupByHost is the pseudo label that groups GPUs by their resolved host
// (whichever of Hostname, hostname or instance they carry).
const GroupByHost = "host"

// IdentityLabels are the labels kept when series are aggregated before
// they are fetched: enough to tell GPUs apart and to say who uses them.
// Everything else (driver version, PCI bus id, XID message, ...) is dropped
// server-side so that a large fleet moves few bytes.
var IdentityLabels = []string{
	LabelHostnameUpper, LabelHostname, LabelInstance, LabelGPU, LabelMIG,
	LabelUUID, LabelUUIDOld, LabelModel,
	LabelNamespace, LabelPod, LabelContainer, LabelHPCJob,
	LabelNamespaceOld, LabelPodOld, LabelContainerOld,
}

// Sample is one series of an instant vector: its labels and value.
type Sample struct {
	Labels map[string]string
	Value  float64
}

// Key identifies one GPU (or one MIG instance of a GPU).
type Key struct {
	Host string
	GPU  string
	// MIG is the GPU instance id of a MIG slice, empty for a whole GPU.
	MIG string
}

// HostOf is the host a series belongs to: the exporter's host label in
// either spelling, else the scrape instance.
func HostOf(labels map[string]string) string {
	for _, l := range []string{LabelHostname, LabelHostnameUpper, LabelInstance} {
		if v := labels[l]; v != "" {
			return v
		}
	}
	return ""
}

// KeyOf is the GPU a series belongs to; ok is false for series without a
// gpu label (NVSwitch, CPU or link entities).
func KeyOf(labels map[string]string) (Key, bool) {
	g := labels[LabelGPU]
	if g == "" {
		return Key{}, false
	}
	return Key{Host: HostOf(labels), GPU: g, MIG: labels[LabelMIG]}, true
}

// GPU is one GPU with its identity, the values of each metric column and,
// after Analyze, its straggler verdict.
type GPU struct {
	Key
	UUID, Model                       string
	Namespace, Pod, Container, HPCJob string
	// Labels are the identity labels of the first series seen, for group
	// lookups.
	Labels map[string]string
	// Values holds one value per fleet column (NaN where the GPU has no
	// series for that metric).
	Values []float64
	// Util is the mean utilisation used for the analysis (NaN if unknown).
	Util float64

	// Filled by Analyze.
	Group       string
	GroupSize   int
	GroupMedian float64
	Score       float64
	Straggler   bool
	// Idle is set when the GPU's group is below the minimum median: no
	// straggler verdict is given there.
	Idle bool

	sums   []float64
	counts []int
	// conflicts names identity labels that differed between the series
	// merged into this GPU (a pod restarted elsewhere, two scrape jobs).
	conflicts map[string]bool
	ownLabels bool
}

// Fleet collects series into GPUs.
type Fleet struct {
	Columns []string
	byKey   map[Key]*GPU
	gpus    []*GPU
	// Duplicates counts series that were merged into a GPU that already
	// had a value for the same column.
	Duplicates int
	// Unkeyed counts series without a gpu label (ignored).
	Unkeyed int
}

// NewFleet prepares a fleet with the given metric columns.
func NewFleet(columns []string) *Fleet {
	return &Fleet{Columns: columns, byKey: map[Key]*GPU{}}
}

// Add merges one series of column col. Series of the same GPU and column
// (scraped twice, or relabelled within the window) are averaged.
func (f *Fleet) Add(col int, s Sample) {
	k, ok := KeyOf(s.Labels)
	if !ok {
		f.Unkeyed++
		return
	}
	g := f.byKey[k]
	if g == nil {
		g = f.newGPU(k, s.Labels)
	} else {
		g.mergeLabels(s.Labels)
	}
	if math.IsNaN(s.Value) || math.IsInf(s.Value, 0) {
		return
	}
	if g.counts[col] > 0 {
		f.Duplicates++
	}
	g.sums[col] += s.Value
	g.counts[col]++
}

func (f *Fleet) newGPU(k Key, labels map[string]string) *GPU {
	n := len(f.Columns)
	g := &GPU{
		Key:       k,
		UUID:      first(labels, LabelUUID, LabelUUIDOld),
		Model:     labels[LabelModel],
		Namespace: first(labels, LabelNamespace, LabelNamespaceOld),
		Pod:       first(labels, LabelPod, LabelPodOld),
		Container: first(labels, LabelContainer, LabelContainerOld),
		HPCJob:    labels[LabelHPCJob],
		Labels:    labels,
		Values:    make([]float64, n),
		sums:      make([]float64, n),
		counts:    make([]int, n),
		Util:      math.NaN(),
		Score:     math.NaN(),
	}
	f.byKey[k] = g
	f.gpus = append(f.gpus, g)
	return g
}

// mergeLabels fills identity fields the GPU does not have yet and records
// those that disagree; the first value seen is kept.
func (g *GPU) mergeLabels(labels map[string]string) {
	fill := func(field *string, name string, v string) {
		switch {
		case v == "" || v == *field:
		case *field == "":
			*field = v
		default:
			if g.conflicts == nil {
				g.conflicts = map[string]bool{}
			}
			g.conflicts[name] = true
		}
	}
	fill(&g.UUID, "uuid", first(labels, LabelUUID, LabelUUIDOld))
	fill(&g.Model, "model", labels[LabelModel])
	fill(&g.Namespace, "namespace", first(labels, LabelNamespace, LabelNamespaceOld))
	fill(&g.Pod, "pod", first(labels, LabelPod, LabelPodOld))
	fill(&g.Container, "container", first(labels, LabelContainer, LabelContainerOld))
	fill(&g.HPCJob, "hpc_job", labels[LabelHPCJob])
	for k, v := range labels {
		if _, ok := g.Labels[k]; !ok && v != "" {
			if !g.ownLabels {
				// The first map came from a decoded series that may be
				// shared: copy it before the first write.
				g.Labels = maps.Clone(g.Labels)
				if g.Labels == nil {
					g.Labels = map[string]string{}
				}
				g.ownLabels = true
			}
			g.Labels[k] = v
		}
	}
}

// Conflicts lists the identity labels that differed between the series
// merged into this GPU, sorted.
func (g *GPU) Conflicts() []string {
	out := make([]string, 0, len(g.conflicts))
	for k := range g.conflicts {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Label returns an identity label of the GPU; "host" is the resolved host.
func (g *GPU) Label(name string) string {
	switch name {
	case GroupByHost:
		return g.Host
	case LabelNamespace:
		return g.Namespace
	case LabelPod:
		return g.Pod
	case LabelContainer:
		return g.Container
	case LabelHPCJob:
		return g.HPCJob
	case LabelUUID:
		return g.UUID
	case LabelModel:
		return g.Model
	}
	return g.Labels[name]
}

// GPUs finishes the merge and returns the GPUs sorted by host (natural
// order, so node2 comes before node10), GPU index and MIG instance. utilCol
// is the column whose mean drives the analysis (-1 for none).
func (f *Fleet) GPUs(utilCol int) []*GPU {
	for _, g := range f.gpus {
		for i := range g.Values {
			if g.counts[i] == 0 {
				g.Values[i] = math.NaN()
			} else {
				g.Values[i] = g.sums[i] / float64(g.counts[i])
			}
		}
		if utilCol >= 0 && utilCol < len(g.Values) {
			g.Util = g.Values[utilCol]
		}
	}
	out := slices.Clone(f.gpus)
	slices.SortFunc(out, func(a, b *GPU) int {
		if c := NaturalCompare(a.Host, b.Host); c != 0 {
			return c
		}
		if c := NaturalCompare(a.GPU, b.GPU); c != 0 {
			return c
		}
		return NaturalCompare(a.MIG, b.MIG)
	})
	return out
}

// Len is the number of GPUs seen so far.
func (f *Fleet) Len() int { return len(f.gpus) }

// HasColumn reports whether any GPU has a value for column col.
func (f *Fleet) HasColumn(col int) bool {
	for _, g := range f.gpus {
		if g.counts[col] > 0 {
			return true
		}
	}
	return false
}

// NaturalCompare orders strings with embedded numbers by value: "gpu2" <
// "gpu10", "10.0.0.9:9400" < "10.0.0.10:9400".
func NaturalCompare(a, b string) int {
	for a != "" && b != "" {
		da, db := isDigit(a[0]), isDigit(b[0])
		if da && db {
			na, ra := splitDigits(a)
			nb, rb := splitDigits(b)
			ta, tb := strings.TrimLeft(na, "0"), strings.TrimLeft(nb, "0")
			if len(ta) != len(tb) {
				return cmpInt(len(ta), len(tb))
			}
			if c := strings.Compare(ta, tb); c != 0 {
				return c
			}
			if c := cmpInt(len(na), len(nb)); c != 0 {
				return c
			}
			a, b = ra, rb
			continue
		}
		if a[0] != b[0] {
			return cmpInt(int(a[0]), int(b[0]))
		}
		a, b = a[1:], b[1:]
	}
	return cmpInt(len(a), len(b))
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func splitDigits(s string) (string, string) {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return s[:i], s[i:]
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func first(labels map[string]string, names ...string) string {
	for _, n := range names {
		if v := labels[n]; v != "" {
			return v
		}
	}
	return ""
}

// String is "host/gpu" or "host/gpu/mig", for messages.
func (k Key) String() string {
	if k.MIG != "" {
		return fmt.Sprintf("%s/%s/mig%s", k.Host, k.GPU, k.MIG)
	}
	return k.Host + "/" + k.GPU
}
