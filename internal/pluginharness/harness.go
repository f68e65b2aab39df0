// Package pluginharness starts a built backend plugin binary the way Grafana
// does (hashicorp/go-plugin handshake with Grafana's magic cookie, protocol
// version 2, gRPC) and calls it over that connection. Tests use it to prove
// the plugin's contract with Grafana without running Grafana.
package pluginharness

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/grpcplugin"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	"github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"
)

// Options configure how the plugin process is started.
type Options struct {
	// PluginID is sent in every request's plugin context.
	PluginID string
	// GrafanaVersion is passed as GF_VERSION, as Grafana does.
	GrafanaVersion string
	// Log receives the plugin's log output; nil discards it.
	Log io.Writer
	// StartTimeout bounds the handshake; default 30s.
	StartTimeout time.Duration
	// Env adds variables to the plugin's environment (for example GORACE
	// for a binary built with -race).
	Env []string
}

// Plugin is a running plugin process and its gRPC clients.
type Plugin struct {
	client      *goplugin.Client
	diagnostics grpcplugin.DiagnosticsClient
	data        grpcplugin.DataClient
	resource    grpcplugin.ResourceClient
	pluginID    string
	stopOnce    sync.Once
}

// BinaryPath returns the path of the binary Grafana would start for this
// machine, given the plugin's folder in dist and its executable name.
func BinaryPath(pluginDir, executable string) string {
	name := fmt.Sprintf("%s_%s_%s", executable, runtime.GOOS, runtime.GOARCH)
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	return filepath.Join(pluginDir, name)
}

// Start launches the binary and completes the go-plugin handshake.
func Start(ctx context.Context, binary string, opts Options) (*Plugin, error) {
	if _, err := os.Stat(binary); err != nil {
		return nil, fmt.Errorf("plugin binary %s: %w (run `npm run build:backend` first)", binary, err)
	}
	if opts.StartTimeout == 0 {
		opts.StartTimeout = 30 * time.Second
	}
	if opts.GrafanaVersion == "" {
		opts.GrafanaVersion = "13.1.0"
	}
	logOut := opts.Log
	if logOut == nil {
		logOut = io.Discard
	}
	// The process lives until Stop, not until ctx ends: ctx only bounds the
	// start-up.
	cmd := exec.Command(binary)
	// Grafana passes its own version and the plugin's settings through the
	// environment; go-plugin adds the magic cookie itself.
	cmd.Env = append(os.Environ(),
		"GF_VERSION="+opts.GrafanaVersion,
		"GF_EDITION=oss",
		"GF_PLUGIN_VERSION=harness",
	)
	cmd.Env = append(cmd.Env, opts.Env...)
	handshake := goplugin.HandshakeConfig{
		ProtocolVersion:  grpcplugin.ProtocolVersion,
		MagicCookieKey:   grpcplugin.MagicCookieKey,
		MagicCookieValue: grpcplugin.MagicCookieValue,
	}
	pluginSet := goplugin.PluginSet{
		"diagnostics": &grpcplugin.DiagnosticsGRPCPlugin{},
		"resource":    &grpcplugin.ResourceGRPCPlugin{},
		"data":        &grpcplugin.DataGRPCPlugin{},
	}
	client := goplugin.NewClient(&goplugin.ClientConfig{
		HandshakeConfig:  handshake,
		VersionedPlugins: map[int]goplugin.PluginSet{grpcplugin.ProtocolVersion: pluginSet},
		Cmd:              cmd,
		AllowedProtocols: []goplugin.Protocol{goplugin.ProtocolGRPC},
		StartTimeout:     opts.StartTimeout,
		Logger: hclog.New(&hclog.LoggerOptions{
			Name:   "plugin",
			Output: logOut,
			Level:  hclog.Debug,
		}),
	})
	type result struct {
		rpc goplugin.ClientProtocol
		err error
	}
	started := make(chan result, 1)
	go func() {
		rpc, err := client.Client()
		started <- result{rpc, err}
	}()
	var rpc goplugin.ClientProtocol
	var err error
	select {
	case r := <-started:
		rpc, err = r.rpc, r.err
	case <-ctx.Done():
		client.Kill()
		return nil, fmt.Errorf("start %s: %w", binary, ctx.Err())
	}
	if err != nil {
		client.Kill()
		return nil, fmt.Errorf("go-plugin handshake with %s: %w", binary, err)
	}
	p := &Plugin{client: client, pluginID: opts.PluginID}
	for name, dst := range map[string]any{"diagnostics": &p.diagnostics, "data": &p.data, "resource": &p.resource} {
		raw, err := rpc.Dispense(name)
		if err != nil {
			client.Kill()
			return nil, fmt.Errorf("dispense %s: %w", name, err)
		}
		if err := assign(dst, raw); err != nil {
			client.Kill()
			return nil, fmt.Errorf("dispense %s: %w", name, err)
		}
	}
	return p, nil
}

func assign(dst, raw any) error {
	switch d := dst.(type) {
	case *grpcplugin.DiagnosticsClient:
		c, ok := raw.(grpcplugin.DiagnosticsClient)
		if !ok {
			return fmt.Errorf("unexpected type %T", raw)
		}
		*d = c
	case *grpcplugin.DataClient:
		c, ok := raw.(grpcplugin.DataClient)
		if !ok {
			return fmt.Errorf("unexpected type %T", raw)
		}
		*d = c
	case *grpcplugin.ResourceClient:
		c, ok := raw.(grpcplugin.ResourceClient)
		if !ok {
			return fmt.Errorf("unexpected type %T", raw)
		}
		*d = c
	default:
		return fmt.Errorf("unknown client %T", dst)
	}
	return nil
}

// Stop kills the plugin process. It is safe to call more than once.
func (p *Plugin) Stop() {
	p.stopOnce.Do(p.client.Kill)
}

// Exited reports whether the plugin process has exited (for example after a
// crash).
func (p *Plugin) Exited() bool { return p.client.Exited() }

// Datasource is a datasource instance as Grafana would send it.
type Datasource struct {
	ID       int64
	UID      string
	Name     string
	JSONData []byte
	Secure   map[string]string
	// Updated changes the instance cache key; bump it after changing settings.
	Updated time.Time
}

func (p *Plugin) pluginContext(ds Datasource) backend.PluginContext {
	if ds.UID == "" {
		ds.UID = "ds-" + strconv.FormatInt(ds.ID, 10)
	}
	if ds.Name == "" {
		ds.Name = "mlwatch"
	}
	if ds.Updated.IsZero() {
		ds.Updated = time.Unix(1_700_000_000, 0)
	}
	return backend.PluginContext{
		OrgID:    1,
		PluginID: p.pluginID,
		User:     &backend.User{Login: "admin", Name: "Admin", Role: "Admin"},
		DataSourceInstanceSettings: &backend.DataSourceInstanceSettings{
			ID:                      ds.ID,
			UID:                     ds.UID,
			Name:                    ds.Name,
			Type:                    p.pluginID,
			JSONData:                ds.JSONData,
			DecryptedSecureJSONData: ds.Secure,
			Updated:                 ds.Updated,
		},
	}
}

// CheckHealth calls the plugin's CheckHealth over gRPC.
func (p *Plugin) CheckHealth(ctx context.Context, ds Datasource) (*backend.CheckHealthResult, error) {
	req := &pluginv2.CheckHealthRequest{PluginContext: backend.ToProto().PluginContext(p.pluginContext(ds))}
	resp, err := p.diagnostics.CheckHealth(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("CheckHealth: %w", err)
	}
	return backend.FromProto().CheckHealthResponse(resp), nil
}

// QueryData calls the plugin's QueryData over gRPC. Each query's JSON is sent
// as Grafana sends it.
func (p *Plugin) QueryData(ctx context.Context, ds Datasource, queries []backend.DataQuery) (*backend.QueryDataResponse, error) {
	req := &backend.QueryDataRequest{
		PluginContext: p.pluginContext(ds),
		Headers:       map[string]string{},
		Queries:       queries,
	}
	resp, err := p.data.QueryData(ctx, backend.ToProto().QueryDataRequest(req))
	if err != nil {
		return nil, fmt.Errorf("QueryData: %w", err)
	}
	out, err := backend.FromProto().QueryDataResponse(resp)
	if err != nil {
		return nil, fmt.Errorf("QueryData: decode response: %w", err)
	}
	return out, nil
}

// CallResource calls a resource route and collects the streamed response.
func (p *Plugin) CallResource(ctx context.Context, ds Datasource, method, path string, body []byte) (*backend.CallResourceResponse, error) {
	// As Grafana sends it: Path without the query string, URL with it.
	route, _, _ := strings.Cut(path, "?")
	req := &backend.CallResourceRequest{
		PluginContext: p.pluginContext(ds),
		Path:          route,
		Method:        method,
		URL:           "/" + path,
		Headers:       map[string][]string{},
		Body:          body,
	}
	stream, err := p.resource.CallResource(ctx, backend.ToProto().CallResourceRequest(req))
	if err != nil {
		return nil, fmt.Errorf("CallResource: %w", err)
	}
	var out *backend.CallResourceResponse
	for {
		msg, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("CallResource: receive: %w", err)
		}
		part := backend.FromProto().CallResourceResponse(msg)
		if out == nil {
			out = part
			continue
		}
		out.Body = append(out.Body, part.Body...)
	}
	if out == nil {
		return nil, errors.New("CallResource: empty response stream")
	}
	return out, nil
}

// CollectMetrics returns the plugin's metrics in the Prometheus text
// format, as Grafana scrapes them (the process's Go runtime metrics
// included: go_goroutines, go_memstats_*).
func (p *Plugin) CollectMetrics(ctx context.Context, ds Datasource) (string, error) {
	pc := p.pluginContext(ds)
	resp, err := p.diagnostics.CollectMetrics(ctx, &pluginv2.CollectMetricsRequest{PluginContext: backend.ToProto().PluginContext(pc)})
	if err != nil {
		return "", fmt.Errorf("CollectMetrics: %w", err)
	}
	if resp.GetMetrics() == nil {
		return "", nil
	}
	return string(resp.GetMetrics().GetPrometheus()), nil
}

// Metric reads one unlabelled sample (such as go_goroutines) from the text
// CollectMetrics returns.
func Metric(text, name string) (float64, bool) {
	for _, line := range strings.Split(text, "\n") {
		rest, ok := strings.CutPrefix(line, name+" ")
		if !ok {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(rest), 64)
		return v, err == nil
	}
	return 0, false
}
