// Package plugin is the Grafana-facing layer of the mlwatch datasource: it
// parses instance settings, routes queries by type and answers health checks
// and resource calls. The statistics and source clients live in their own
// packages, so this layer stays thin.
package plugin

import (
	"context"
	"fmt"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/instancemgmt"

	"github.com/mlwatch/mlwatch/pkg/diagnose"
	"github.com/mlwatch/mlwatch/pkg/engine"
	"github.com/mlwatch/mlwatch/pkg/models"
	"github.com/mlwatch/mlwatch/pkg/source/clickhouse"
	"github.com/mlwatch/mlwatch/pkg/source/prometheus"
)

// PluginID is the id in src/datasource/plugin.json.
const PluginID = "mlwatch-ml-datasource"

var (
	_ backend.QueryDataHandler      = (*Datasource)(nil)
	_ backend.CheckHealthHandler    = (*Datasource)(nil)
	_ backend.CallResourceHandler   = (*Datasource)(nil)
	_ instancemgmt.InstanceDisposer = (*Datasource)(nil)
)

// Datasource is one configured instance of the mlwatch datasource.
type Datasource struct {
	settings models.Settings
	// settingsErr is kept rather than returned from the factory, so that the
	// health check and each query can say what to fix instead of Grafana
	// showing a generic "failed to create instance".
	settingsErr error
	prom        *prometheus.Client
	clickhouse  clickhouse.Client
	redactor    *diagnose.Redactor
	engine      *engine.Engine
	resources   backend.CallResourceHandler
}

// NewDatasource is the instance factory given to datasource.Manage.
func NewDatasource(_ context.Context, s backend.DataSourceInstanceSettings) (instancemgmt.Instance, error) {
	return newDatasource(s.JSONData, s.DecryptedSecureJSONData), nil
}

func newDatasource(jsonData []byte, secure map[string]string) *Datasource {
	settings, err := models.Load(jsonData, secure)
	secrets := make([]string, 0, len(secure))
	for _, v := range secure {
		secrets = append(secrets, v)
	}
	// Servers may echo the Authorization header they were sent.
	if p := settings.Prometheus; p != nil {
		secrets = append(secrets, diagnose.BasicAuth(p.BasicAuthUser, p.BasicAuthPassword))
	}
	if c := settings.ClickHouse; c != nil {
		secrets = append(secrets, diagnose.BasicAuth(c.User, c.Password))
	}
	d := &Datasource{settings: settings, settingsErr: err, redactor: diagnose.NewRedactor(secrets...)}
	if settings.Prometheus != nil {
		if c, err := prometheus.New(*settings.Prometheus); err != nil {
			d.settingsErr = joinErr(d.settingsErr, err)
		} else {
			d.prom = c
		}
	}
	if settings.ClickHouse != nil {
		if c, err := clickhouse.New(*settings.ClickHouse); err != nil {
			d.settingsErr = joinErr(d.settingsErr, err)
		} else {
			d.clickhouse = c
		}
	}
	d.engine = &engine.Engine{Prom: d.prom, ClickHouse: d.clickhouse, Limits: engineLimits(settings.Defaults)}
	d.resources = d.newResourceHandler()
	return d
}

// Dispose closes the clients when Grafana replaces this instance after a
// settings change.
func (d *Datasource) Dispose() {
	if d.prom != nil {
		d.prom.Close()
	}
	if d.clickhouse != nil {
		_ = d.clickhouse.Close()
	}
}

func joinErr(a, b error) error {
	if a == nil {
		return b
	}
	return fmt.Errorf("%w; %w", a, b)
}

// engineLimits are the engine's default limits with the ones the datasource
// settings lower or raise (jsonData.defaults; zero keeps the default).
func engineLimits(d models.Defaults) engine.Limits {
	l := engine.DefaultLimits()
	if d.MaxSeries > 0 {
		l.MaxSeries = d.MaxSeries
	}
	if d.MaxPoints > 0 {
		l.MaxPoints = d.MaxPoints
	}
	if d.MaxRows > 0 {
		l.MaxRows = d.MaxRows
	}
	if d.MaxBytes > 0 {
		l.MaxBytes = d.MaxBytes
	}
	if d.QueryTimeout > 0 {
		l.QueryTimeout = d.QueryTimeout
	}
	return l
}
