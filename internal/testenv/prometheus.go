package testenv

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// PrometheusOptions configure a test Prometheus.
type PrometheusOptions struct {
	// OpenMetrics, when set, is backfilled with promtool before start-up.
	// It must end with "# EOF".
	OpenMetrics string
	// WebConfig is the content of --web.config.file (TLS, basic auth).
	// File paths in it may use {{dir}} for the server's directory.
	WebConfig string
	// Files are extra files written into the server's directory before
	// start-up (certificates for WebConfig, for example).
	Files map[string][]byte
}

// Prometheus is a running Prometheus server.
type Prometheus struct {
	// URL is http://127.0.0.1:PORT, or https:// when WebConfig enables TLS.
	URL  string
	Port int
	Dir  string
	srv  *server
}

// StartPrometheus backfills the given data and starts Prometheus on a free
// loopback port. Call Stop when done.
func StartPrometheus(ctx context.Context, opts PrometheusOptions) (*Prometheus, error) {
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
	for name, content := range opts.Files {
		if err := os.WriteFile(filepath.Join(dir, name), content, 0o600); err != nil {
			return fail(fmt.Errorf("write %s: %w", name, err))
		}
	}
	if opts.OpenMetrics != "" {
		if err := Backfill(ctx, opts.OpenMetrics, dataDir); err != nil {
			return fail(err)
		}
	}
	cfgPath := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(cfgPath, []byte("global:\n  scrape_interval: 15s\n"), 0o644); err != nil {
		return fail(fmt.Errorf("write prometheus.yml: %w", err))
	}
	port, err := FreePort()
	if err != nil {
		return fail(err)
	}
	args := []string{
		"--config.file=" + cfgPath,
		"--storage.tsdb.path=" + dataDir,
		// Backfilled fixtures can be old; keep them all.
		"--storage.tsdb.retention.time=100y",
		fmt.Sprintf("--web.listen-address=127.0.0.1:%d", port),
		"--log.level=warn",
	}
	scheme := "http"
	if opts.WebConfig != "" {
		webPath := filepath.Join(dir, "web.yml")
		content := strings.ReplaceAll(opts.WebConfig, "{{dir}}", dir)
		if err := os.WriteFile(webPath, []byte(content), 0o600); err != nil {
			return fail(fmt.Errorf("write web.yml: %w", err))
		}
		args = append(args, "--web.config.file="+webPath)
		if strings.Contains(content, "tls_server_config") {
			scheme = "https"
		}
	}
	srv, err := start("prometheus", dir, "prometheus", args...)
	if err != nil {
		return fail(err)
	}
	p := &Prometheus{URL: fmt.Sprintf("%s://127.0.0.1:%d", scheme, port), Port: port, Dir: dir, srv: srv}
	waitCtx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if err := srv.waitHTTP(waitCtx, p.URL+"/-/ready", opts.WebConfig != ""); err != nil {
		srv.stop()
		return nil, err
	}
	return p, nil
}

// Stop stops the server and removes its data.
func (p *Prometheus) Stop() { p.srv.stop() }

// Backfill converts OpenMetrics text into TSDB blocks in dataDir with
// `promtool tsdb create-blocks-from openmetrics`.
func Backfill(ctx context.Context, openMetrics, dataDir string) error {
	src, err := os.CreateTemp("", "mlwatch-backfill-*.om")
	if err != nil {
		return fmt.Errorf("backfill temp file: %w", err)
	}
	defer os.Remove(src.Name())
	if _, err := src.WriteString(openMetrics); err != nil {
		src.Close()
		return fmt.Errorf("write backfill file: %w", err)
	}
	if err := src.Close(); err != nil {
		return fmt.Errorf("write backfill file: %w", err)
	}
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		return fmt.Errorf("promtool is not installed (%w); scripts/install-deps.sh installs it", err)
	}
	out, err := exec.CommandContext(ctx, promtool, "tsdb", "create-blocks-from", "openmetrics", src.Name(), dataDir).CombinedOutput()
	if err != nil {
		return fmt.Errorf("promtool backfill: %w: %s", err, strings.TrimSpace(string(out)))
	}
	return nil
}
