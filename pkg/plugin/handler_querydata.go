package plugin

import (
	"context"
	"fmt"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/datasource"
)

// Query types of ARCHITECTURE.md §2.
const (
	QueryTypeDrift        = "drift"
	QueryTypeDistribution = "distribution"
	QueryTypeGPU          = "gpu"
	QueryTypeTraces       = "traces"
)

// QueryData answers each query independently: one bad query never fails its
// siblings, and errors are returned per refId.
func (d *Datasource) QueryData(ctx context.Context, req *backend.QueryDataRequest) (*backend.QueryDataResponse, error) {
	if d.settingsErr != nil {
		resp := backend.NewQueryDataResponse()
		msg := d.redactor.Redact("The datasource settings need fixing: " + d.settingsErr.Error())
		for _, q := range req.Queries {
			resp.Responses[q.RefID] = backend.ErrDataResponseWithSource(backend.StatusBadRequest, backend.ErrorSourceDownstream, msg)
		}
		return resp, nil
	}
	return d.queries.QueryData(ctx, req)
}

func (d *Datasource) newQueryMux() *datasource.QueryTypeMux {
	mux := datasource.NewQueryTypeMux()
	for _, qt := range []string{QueryTypeDrift, QueryTypeDistribution, QueryTypeGPU, QueryTypeTraces} {
		mux.HandleFunc(qt, notAvailable(qt))
	}
	mux.HandleFunc("", unknownQueryType)
	return mux
}

// notAvailable answers query types whose handlers are not in this build yet.
func notAvailable(queryType string) backend.QueryDataHandlerFunc {
	return func(_ context.Context, req *backend.QueryDataRequest) (*backend.QueryDataResponse, error) {
		return perQueryError(req, backend.StatusNotImplemented,
			fmt.Sprintf("The %q query type is not available in this version of mlwatch.", queryType)), nil
	}
}

func unknownQueryType(_ context.Context, req *backend.QueryDataRequest) (*backend.QueryDataResponse, error) {
	resp := backend.NewQueryDataResponse()
	for _, q := range req.Queries {
		msg := "The query has no type. Choose one of: drift, distribution, gpu, traces."
		if q.QueryType != "" {
			msg = fmt.Sprintf("Unknown query type %q. Choose one of: drift, distribution, gpu, traces.", q.QueryType)
		}
		resp.Responses[q.RefID] = backend.ErrDataResponseWithSource(backend.StatusBadRequest, backend.ErrorSourceDownstream, msg)
	}
	return resp, nil
}

func perQueryError(req *backend.QueryDataRequest, status backend.Status, msg string) *backend.QueryDataResponse {
	resp := backend.NewQueryDataResponse()
	for _, q := range req.Queries {
		resp.Responses[q.RefID] = backend.ErrDataResponse(status, msg)
	}
	return resp
}
