package plugin

import (
	"net/http"
)

// clickhouseRoutes adds the ClickHouse pickers (databases, tables, columns,
// trace services) once the ClickHouse query client is available.
func (d *Datasource) clickhouseRoutes(mux *http.ServeMux) {}
