package engine

import (
	"math"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlwatch/mlwatch/pkg/gpu"
)

// gpuTableFrame has one row per GPU: identity, metric columns (null where
// a GPU has no series), group, straggler_score and straggler. The
// topology panel and Grafana's table read it.
func gpuTableFrame(fleet *gpu.Fleet, gpus []*gpu.GPU, p *gpuPlan) *data.Frame {
	n := len(gpus)
	str := func(get func(*gpu.GPU) string) []string {
		out := make([]string, n)
		for i, g := range gpus {
			out[i] = get(g)
		}
		return out
	}
	fields := []*data.Field{
		data.NewField("host", nil, str(func(g *gpu.GPU) string { return g.Host })),
		data.NewField("gpu", nil, str(func(g *gpu.GPU) string { return g.GPU })),
	}
	for _, g := range gpus {
		if g.MIG != "" {
			fields = append(fields, data.NewField("gpu_instance", nil, str(func(g *gpu.GPU) string { return g.MIG })))
			break
		}
	}
	fields = append(fields,
		data.NewField("uuid", nil, str(func(g *gpu.GPU) string { return g.UUID })),
		data.NewField("model", nil, str(func(g *gpu.GPU) string { return g.Model })),
		data.NewField("namespace", nil, str(func(g *gpu.GPU) string { return g.Namespace })),
		data.NewField("pod", nil, str(func(g *gpu.GPU) string { return g.Pod })),
		data.NewField("container", nil, str(func(g *gpu.GPU) string { return g.Container })),
		data.NewField("hpc_job", nil, str(func(g *gpu.GPU) string { return g.HPCJob })),
		data.NewField("group", nil, str(func(g *gpu.GPU) string { return g.Group })),
	)
	for col, m := range p.metrics {
		if m.Optional && !fleet.HasColumn(col) {
			continue
		}
		vals := make([]*float64, n)
		for i, g := range gpus {
			vals[i] = finitePtr(g.Values[col])
		}
		f := data.NewField(m.Column, nil, vals)
		f.Config = &data.FieldConfig{DisplayNameFromDS: m.Display, Unit: m.Unit}
		fields = append(fields, f)
	}
	median := make([]*float64, n)
	size := make([]int64, n)
	score := make([]*float64, n)
	straggler := make([]bool, n)
	for i, g := range gpus {
		median[i], size[i], score[i], straggler[i] = finitePtr(g.GroupMedian), int64(g.GroupSize), finitePtr(g.Score), g.Straggler
	}
	medianField := data.NewField("group_median", nil, median)
	medianField.Config = &data.FieldConfig{DisplayNameFromDS: "Group median utilisation", Unit: "percent"}
	scoreField := data.NewField("straggler_score", nil, score)
	scoreField.Config = &data.FieldConfig{
		DisplayNameFromDS: "Straggler score",
		Decimals:          ptrUint16(2),
		Custom:            map[string]any{"threshold": p.opts.Threshold, "minGroupMedian": p.opts.MinGroupMedian, "groupLabels": p.opts.GroupLabels},
	}
	fields = append(fields, medianField, data.NewField("group_size", nil, size), scoreField, data.NewField("straggler", nil, straggler))
	frame := data.NewFrame("gpus", fields...)
	frame.Meta = &data.FrameMeta{Type: data.FrameTypeTable, TypeVersion: data.FrameTypeVersion{0, 1}}
	return frame
}

// gpuNumericFrames are numeric-multi: one straggler_score per GPU,
// labelled with its identity, for Grafana-managed alerting (one alert
// instance per GPU). Only GPUs that were judged are present: GPUs in idle
// groups, without a group or without utilisation are left out, so that
// "score < threshold" fires exactly for stragglers and their instances
// resolve when a job goes idle.
func gpuNumericFrames(gpus []*gpu.GPU, p *gpuPlan) []*data.Frame {
	var frames []*data.Frame
	for _, g := range gpus {
		if g.Idle || g.Group == "" || math.IsNaN(g.Score) {
			continue
		}
		labels := data.Labels{"host": g.Host, "gpu": g.GPU}
		for k, v := range map[string]string{"gpu_instance": g.MIG, "uuid": g.UUID, "namespace": g.Namespace, "pod": g.Pod, "container": g.Container, "hpc_job": g.HPCJob, "group": g.Group} {
			if v != "" {
				labels[k] = v
			}
		}
		f := data.NewField("straggler_score", labels, []*float64{finitePtr(g.Score)})
		f.Config = &data.FieldConfig{Custom: map[string]any{"threshold": p.opts.Threshold}}
		frame := data.NewFrame("gpu", f)
		frame.Meta = &data.FrameMeta{Type: data.FrameTypeNumericMulti, TypeVersion: data.FrameTypeVersion{0, 1}}
		frames = append(frames, frame)
	}
	if len(frames) == 0 {
		f := data.NewFrame("gpu")
		f.Meta = &data.FrameMeta{Type: data.FrameTypeNumericMulti, TypeVersion: data.FrameTypeVersion{0, 1}}
		frames = append(frames, f)
	}
	return frames
}

// linksFrame lists GPU peer links (DCGM_EXP_P2P_STATUS), one row per
// ordered pair, for the topology panel's edges.
func linksFrame(links []gpu.Link) *data.Frame {
	n := len(links)
	host, src, dst, status := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	code := make([]float64, n)
	for i, l := range links {
		host[i], src[i], dst[i], status[i], code[i] = l.Host, l.GPU, l.PeerGPU, l.Status, l.Code
	}
	frame := data.NewFrame("gpu_links",
		data.NewField("host", nil, host),
		data.NewField("gpu", nil, src),
		data.NewField("peer_gpu", nil, dst),
		data.NewField("link_status", nil, status),
		data.NewField("status_code", nil, code),
	)
	frame.Meta = &data.FrameMeta{Type: data.FrameTypeTable, TypeVersion: data.FrameTypeVersion{0, 1}}
	return frame
}

func ptrUint16(v uint16) *uint16 { return &v }
