//go:build integration

// Package integration runs the built datasource binary through the protocol
// harness against real Prometheus and ClickHouse servers. Run it with
// `go test -tags integration ./tests/integration/` after `npm run build:backend`.
package integration

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
	"golang.org/x/sync/errgroup"

	"github.com/mlwatch/mlwatch/internal/pluginharness"
	"github.com/mlwatch/mlwatch/internal/testenv"
)

// env is shared by every test in the package; TestMain starts and stops it.
var env struct {
	plugin     *pluginharness.Plugin
	pluginLog  *strings.Builder
	prom       *testenv.Prometheus // plain HTTP, backfilled
	promBasic  *testenv.Prometheus // basic auth
	promTLS    *testenv.Prometheus // TLS, server certificate from pki
	promMTLS   *testenv.Prometheus // TLS requiring a client certificate
	clickhouse *testenv.ClickHouse
	pki        *testenv.PKI
	start      time.Time // the fixture's "now"
}

// Credentials used against the test servers. They are checked to never
// appear in any message or log.
const (
	basicUser       = "grafana"
	basicPassword   = "pr0m-S3cret-pass"
	chUser          = "mlwatch"
	chPassword      = "ch-S3cret-pass"
	chLimitedUser   = "limited"
	chLimitedPass   = "limited-S3cret"
	bearerSecret    = "bearer-S3cret-token"
	headerSecret    = "tenant-S3cret-value"
	fixtureSeries   = `ml_requests_total{model="fraud",code="200"}`
	fixtureStepSecs = 15
)

func TestMain(m *testing.M) {
	code, err := run(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "integration setup failed:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

func run(m *testing.M) (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	root, err := repoRoot()
	if err != nil {
		return 0, err
	}
	env.pki, err = testenv.NewPKI()
	if err != nil {
		return 0, err
	}
	env.start = time.Now().Truncate(time.Second)
	hash, err := bcrypt.GenerateFromPassword([]byte(basicPassword), bcrypt.MinCost)
	if err != nil {
		return 0, fmt.Errorf("bcrypt: %w", err)
	}
	certFiles := map[string][]byte{"ca.pem": env.pki.CACert, "server.pem": env.pki.ServerCert, "server.key": env.pki.ServerKey}
	tlsConfig := "tls_server_config:\n  cert_file: {{dir}}/server.pem\n  key_file: {{dir}}/server.key\n"

	// Stop everything that did start, whatever happens next.
	defer stopAll()
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		env.prom, err = testenv.StartPrometheus(gctx, testenv.PrometheusOptions{OpenMetrics: fixture(env.start)})
		return err
	})
	g.Go(func() (err error) {
		env.promBasic, err = testenv.StartPrometheus(gctx, testenv.PrometheusOptions{
			WebConfig: fmt.Sprintf("basic_auth_users:\n  %s: %s\n", basicUser, hash),
		})
		return err
	})
	g.Go(func() (err error) {
		env.promTLS, err = testenv.StartPrometheus(gctx, testenv.PrometheusOptions{WebConfig: tlsConfig, Files: certFiles})
		return err
	})
	g.Go(func() (err error) {
		env.promMTLS, err = testenv.StartPrometheus(gctx, testenv.PrometheusOptions{
			WebConfig: tlsConfig + "  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: {{dir}}/ca.pem\n",
			Files:     certFiles,
		})
		return err
	})
	g.Go(func() (err error) {
		env.clickhouse, err = testenv.StartClickHouse(gctx, testenv.ClickHouseOptions{Users: clickhouseUsers})
		return err
	})
	g.Go(func() (err error) {
		env.pluginLog = &strings.Builder{}
		bin := pluginharness.BinaryPath(filepath.Join(root, "dist", "datasource"), "gpx_mlwatch")
		env.plugin, err = pluginharness.Start(gctx, bin, pluginharness.Options{PluginID: "mlwatch-ml-datasource", Log: &lockedWriter{b: env.pluginLog}})
		return err
	})
	if err := g.Wait(); err != nil {
		return 0, err
	}
	return m.Run(), nil
}

func stopAll() {
	if env.plugin != nil {
		env.plugin.Stop()
	}
	for _, p := range []*testenv.Prometheus{env.prom, env.promBasic, env.promTLS, env.promMTLS} {
		if p != nil {
			p.Stop()
		}
	}
	if env.clickhouse != nil {
		env.clickhouse.Stop()
	}
}

var clickhouseUsers = fmt.Sprintf(`
    <%[1]s>
      <password>%[2]s</password>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </%[1]s>
    <%[3]s>
      <password>%[4]s</password>
      <networks><ip>10.255.255.254</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </%[3]s>`, chUser, chPassword, chLimitedUser, chLimitedPass)

// fixture is 30 minutes of one counter at a 15s step, ending at now, in
// OpenMetrics text for promtool.
func fixture(now time.Time) string {
	var b strings.Builder
	b.WriteString("# TYPE ml_requests counter\n")
	for i := 120; i >= 0; i-- {
		ts := now.Add(-time.Duration(i*fixtureStepSecs) * time.Second)
		fmt.Fprintf(&b, "%s %d %d\n", fixtureSeries, (120-i)*10, ts.Unix())
	}
	b.WriteString("# EOF\n")
	return b.String()
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found above the working directory")
		}
		dir = parent
	}
}
