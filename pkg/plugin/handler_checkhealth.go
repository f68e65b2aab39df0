package plugin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/mlwatch/mlwatch/pkg/diagnose"
	"github.com/mlwatch/mlwatch/pkg/source/prometheus"
)

// SourceStatus is the health of one configured source. It is also served by
// the /sources resource for the app's overview page.
type SourceStatus struct {
	Source     string `json:"source"`
	Configured bool   `json:"configured"`
	OK         bool   `json:"ok"`
	Address    string `json:"address,omitempty"`
	Version    string `json:"version,omitempty"`
	Problem    string `json:"problem,omitempty"`
	Message    string `json:"message"`
}

// CheckHealth contacts every configured source and reports each in one
// message, so "Save & test" tells the user everything at once.
func (d *Datasource) CheckHealth(ctx context.Context, _ *backend.CheckHealthRequest) (*backend.CheckHealthResult, error) {
	if d.settingsErr != nil {
		return &backend.CheckHealthResult{
			Status:  backend.HealthStatusError,
			Message: d.redactor.Redact("Settings need fixing: " + d.settingsErr.Error()),
		}, nil
	}
	statuses := d.sourceStatuses(ctx)
	configured, healthy := 0, 0
	parts := make([]string, 0, len(statuses))
	for _, s := range statuses {
		if !s.Configured {
			continue
		}
		configured++
		if s.OK {
			healthy++
		}
		parts = append(parts, s.Message)
	}
	details, _ := json.Marshal(map[string]any{"sources": statuses})
	if configured == 0 {
		return &backend.CheckHealthResult{
			Status:      backend.HealthStatusError,
			Message:     "No source is configured. Set a Prometheus URL, a ClickHouse host, or both.",
			JSONDetails: details,
		}, nil
	}
	status := backend.HealthStatusOk
	if healthy < configured {
		status = backend.HealthStatusError
	}
	return &backend.CheckHealthResult{
		Status:      status,
		Message:     d.redactor.Redact(strings.Join(parts, " ")),
		JSONDetails: details,
	}, nil
}

// sourceStatuses checks the sources concurrently; each has its own timeout
// from the settings, and all honour ctx.
func (d *Datasource) sourceStatuses(ctx context.Context) []SourceStatus {
	out := []SourceStatus{{Source: "prometheus"}, {Source: "clickhouse"}}
	var wg sync.WaitGroup
	if d.prom != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[0] = d.prometheusStatus(ctx)
		}()
	}
	if d.clickhouse != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[1] = d.clickhouseStatus(ctx)
		}()
	}
	wg.Wait()
	return out
}

func (d *Datasource) prometheusStatus(ctx context.Context) SourceStatus {
	t := d.prom.Target()
	st := SourceStatus{Source: "prometheus", Configured: true, Address: t.Address}
	bi, err := d.prom.BuildInfo(ctx)
	switch {
	case errors.Is(err, prometheus.ErrNoBuildInfo):
		st.OK = true
		st.Message = fmt.Sprintf("Prometheus: connected to %s (version unknown: the server has no buildinfo endpoint).", t.Address)
	case err != nil:
		st.Problem, st.Message = problemOf(err)
		st.Message = "Prometheus: " + strings.TrimPrefix(st.Message, "Prometheus at ")
	default:
		st.OK, st.Version = true, bi.Version
		st.Message = fmt.Sprintf("Prometheus: connected to %s, version %s.", t.Address, bi.Version)
	}
	return st
}

func (d *Datasource) clickhouseStatus(ctx context.Context) SourceStatus {
	s := d.settings.ClickHouse
	st := SourceStatus{Source: "clickhouse", Configured: true, Address: s.Address()}
	v, err := d.clickhouse.Version(ctx)
	if err != nil {
		st.Problem, st.Message = problemOf(err)
		st.Message = "ClickHouse: " + strings.TrimPrefix(st.Message, "ClickHouse at ")
		return st
	}
	st.OK, st.Version = true, v
	st.Message = fmt.Sprintf("ClickHouse: connected to %s (%s protocol), version %s, database %q.", s.Address(), s.Protocol, v, s.Database)
	return st
}

func problemOf(err error) (kind, message string) {
	var p *diagnose.Problem
	if errors.As(err, &p) {
		return string(p.Kind), p.Message
	}
	return string(diagnose.KindOther), err.Error()
}
