package gpu

import (
	"math"
	"slices"
)

// Link is a GPU-to-GPU peer link from DCGM_EXP_P2P_STATUS: one per ordered
// pair of GPUs on a host.
type Link struct {
	Host    string
	GPU     string
	PeerGPU string
	// Status is the exporter's link_status label: OK, ChipsetNotSupported,
	// GPUNotSupported, TopologyNotSupported, DisabledByRegKey,
	// NotSupported or Unknown.
	Status string
	// Code is the series value: 0 for OK, else the NVML P2P status code.
	Code float64
}

// p2pStatusNames maps the exporter's status codes to names, for series
// that lack the link_status label (p2pStatusToString in dcgm-exporter).
var p2pStatusNames = []string{"OK", "ChipsetNotSupported", "GPUNotSupported", "TopologyNotSupported", "DisabledByRegKey", "NotSupported", "Unknown"}

// StatusName is the link status name of a P2P code.
func StatusName(code float64) string {
	if code >= 0 && code < float64(len(p2pStatusNames)) && code == math.Trunc(code) {
		return p2pStatusNames[int(code)]
	}
	return "Unknown"
}

// Links turns DCGM_EXP_P2P_STATUS series into links, one per (host, gpu,
// peer). When a pair has several series in the window (its status changed,
// or it was scraped twice) the worst status wins: a link that failed at
// any point in the window is shown as failed.
func Links(samples []Sample) []Link {
	type key struct{ host, gpu, peer string }
	byKey := map[key]int{}
	var out []Link
	for _, s := range samples {
		gpu, peer := s.Labels[LabelGPU], s.Labels[LabelPeerGPU]
		if gpu == "" || peer == "" || math.IsNaN(s.Value) {
			continue
		}
		l := Link{Host: HostOf(s.Labels), GPU: gpu, PeerGPU: peer, Status: s.Labels[LabelLinkStatus], Code: s.Value}
		if l.Status == "" {
			l.Status = StatusName(l.Code)
		}
		k := key{l.Host, gpu, peer}
		if i, ok := byKey[k]; ok {
			if worse(l, out[i]) {
				out[i] = l
			}
			continue
		}
		byKey[k] = len(out)
		out = append(out, l)
	}
	slices.SortFunc(out, func(a, b Link) int {
		if c := NaturalCompare(a.Host, b.Host); c != 0 {
			return c
		}
		if c := NaturalCompare(a.GPU, b.GPU); c != 0 {
			return c
		}
		return NaturalCompare(a.PeerGPU, b.PeerGPU)
	})
	return out
}

func worse(a, b Link) bool {
	aok, bok := a.Status == "OK" && a.Code == 0, b.Status == "OK" && b.Code == 0
	if aok != bok {
		return !aok
	}
	return a.Code > b.Code
}
