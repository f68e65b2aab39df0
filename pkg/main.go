// Command gpx_mlwatch is the backend of the mlwatch-ml-datasource plugin.
// Grafana starts it and talks to it over gRPC (hashicorp/go-plugin).
package main

import (
	"os"

	"github.com/grafana/grafana-plugin-sdk-go/backend/datasource"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"

	"github.com/mlwatch/mlwatch/pkg/plugin"
)

func main() {
	if err := datasource.Manage(plugin.PluginID, plugin.NewDatasource, datasource.ManageOpts{}); err != nil {
		log.DefaultLogger.Error("mlwatch datasource stopped", "error", err.Error())
		os.Exit(1)
	}
}
