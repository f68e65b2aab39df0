package plugin

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/resource/httpadapter"
)

// CallResource serves the HTTP routes the frontend uses (query editor
// autocomplete, the app's overview page).
func (d *Datasource) CallResource(ctx context.Context, req *backend.CallResourceRequest, sender backend.CallResourceResponseSender) error {
	return d.resources.CallResource(ctx, req, sender)
}

func (d *Datasource) newResourceHandler() backend.CallResourceHandler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /sources", d.handleSources)
	return httpadapter.New(mux)
}

// handleSources reports each source's status without secrets.
func (d *Datasource) handleSources(w http.ResponseWriter, r *http.Request) {
	if d.settingsErr != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": d.redactor.Redact(d.settingsErr.Error())})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"sources": d.sourceStatuses(r.Context())})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
