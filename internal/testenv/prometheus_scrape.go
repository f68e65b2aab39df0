package testenv

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// ScrapeOptions configure a test Prometheus that scrapes live targets
// (exporters run by the test itself on loopback).
type ScrapeOptions struct {
	// Targets are host:port addresses scraped at /metrics.
	Targets []string
	// Interval is the scrape and evaluation interval (default 1s).
	Interval time.Duration
	// FeatureFlags are passed as --enable-feature (for example
	// "native-histograms", which also makes Prometheus scrape protobuf).
	FeatureFlags []string
	// OpenMetrics, when set, is backfilled with promtool before start-up.
	OpenMetrics string
}

// StartPrometheusScraping starts Prometheus on a free loopback port with a
// scrape configuration for the targets. Call Stop when done.
func StartPrometheusScraping(ctx context.Context, opts ScrapeOptions) (*Prometheus, error) {
	for _, t := range opts.Targets {
		if !strings.HasPrefix(t, "127.0.0.1:") && !strings.HasPrefix(t, "localhost:") && !strings.HasPrefix(t, "[::1]:") {
			return nil, fmt.Errorf("scrape target %q is not on loopback", t)
		}
	}
	dir, err := os.MkdirTemp("", "mlwatch-prometheus-")
	if err != nil {
		return nil, fmt.Errorf("prometheus temp dir: %w", err)
	}
	fail := func(err error) (*Prometheus, error) {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	dataDir := filepath.Join(dir, "data")
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return fail(fmt.Errorf("prometheus data dir: %w", err))
	}
	if opts.OpenMetrics != "" {
		if err := Backfill(ctx, opts.OpenMetrics, dataDir); err != nil {
			return fail(err)
		}
	}
	interval := opts.Interval
	if interval <= 0 {
		interval = time.Second
	}
	var cfg strings.Builder
	fmt.Fprintf(&cfg, "global:\n  scrape_interval: %s\n  evaluation_interval: %s\n", interval, interval)
	if len(opts.Targets) > 0 {
		fmt.Fprintf(&cfg, "scrape_configs:\n  - job_name: test\n    scrape_timeout: %s\n    static_configs:\n      - targets: [%s]\n",
			interval, `"`+strings.Join(opts.Targets, `", "`)+`"`)
	}
	cfgPath := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(cfgPath, []byte(cfg.String()), 0o644); err != nil {
		return fail(fmt.Errorf("write prometheus.yml: %w", err))
	}
	port, err := FreePort()
	if err != nil {
		return fail(err)
	}
	args := []string{
		"--config.file=" + cfgPath,
		"--storage.tsdb.path=" + dataDir,
		"--storage.tsdb.retention.time=100y",
		fmt.Sprintf("--web.listen-address=127.0.0.1:%d", port),
		"--log.level=warn",
	}
	if len(opts.FeatureFlags) > 0 {
		args = append(args, "--enable-feature="+strings.Join(opts.FeatureFlags, ","))
	}
	srv, err := start("prometheus", dir, "prometheus", args...)
	if err != nil {
		return fail(err)
	}
	p := &Prometheus{URL: fmt.Sprintf("http://127.0.0.1:%d", port), Port: port, Dir: dir, srv: srv}
	waitCtx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if err := srv.waitHTTP(waitCtx, p.URL+"/-/ready", false); err != nil {
		srv.stop()
		return nil, err
	}
	return p, nil
}
