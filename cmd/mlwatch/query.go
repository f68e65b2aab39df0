package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"github.com/mlwatch/mlwatch/pkg/provisioning"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlwatch/mlwatch/pkg/models"
	"github.com/mlwatch/mlwatch/pkg/plugin"
)

const queryUsage = `Usage: mlwatch query --datasource FILE --query FILE [flags]

Runs queries through the mlwatch datasource's own query path, as Grafana
does, and prints the response as Grafana's /api/ds/query returns it:
{"results":{"A":{"frames":[...]}}}.

--datasource is a Grafana datasource provisioning YAML holding one
datasource of type mlwatch-ml-datasource; $VAR and ${VAR} are expanded from
the environment ($$ is a literal $). --query is the JSON a dashboard sends:
one query object, a list of them, or {"queries":[...]}.

Exit status: 0 when every query ran (1 with --fail-on-drift when a drift
query found drift), 2 for bad usage or input, 3 when a query failed.

Flags:
`

const exitQueryFailed = 3

func runQuery(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("query", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dsFile := fs.String("datasource", "", "datasource provisioning YAML file")
	queryFile := fs.String("query", "", "query JSON file, or - for stdin")
	from := fs.String("from", "now-1h", "start of the time range: RFC 3339, Unix milliseconds, or now-<duration>")
	to := fs.String("to", "now", "end of the time range, like --from")
	name := fs.String("name", "", "which datasource of the file, when it holds several")
	failOnDrift := fs.Bool("fail-on-drift", false, "exit with status 1 when a drift query found drift")
	pretty := fs.Bool("pretty", false, "indent the JSON output")
	fs.Usage = func() {
		fmt.Fprint(stderr, queryUsage)
		fs.PrintDefaults()
	}
	for _, a := range args {
		if a == "-h" || a == "--help" || a == "-help" {
			fs.SetOutput(stdout)
			fmt.Fprint(stdout, queryUsage)
			fs.PrintDefaults()
			return exitOK
		}
	}
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "mlwatch query: "+format+"\n", a...)
		return exitUsage
	}
	if *dsFile == "" || *queryFile == "" {
		return fail("both --datasource and --query are required")
	}
	now := time.Now()
	tFrom, err := parseTime(*from, now)
	if err != nil {
		return fail("--from: %v", err)
	}
	tTo, err := parseTime(*to, now)
	if err != nil {
		return fail("--to: %v", err)
	}
	if !tTo.After(tFrom) {
		return fail("--to must be after --from")
	}
	settings, err := loadDatasource(*dsFile, *name)
	if err != nil {
		return fail("%v", err)
	}
	queries, err := loadQueries(*queryFile, backend.TimeRange{From: tFrom, To: tTo})
	if err != nil {
		return fail("%v", err)
	}
	inst, err := plugin.NewDatasource(ctx, settings)
	if err != nil {
		return fail("%v", err)
	}
	ds := inst.(*plugin.Datasource)
	defer ds.Dispose()
	resp, err := ds.QueryData(ctx, &backend.QueryDataRequest{
		PluginContext: backend.PluginContext{DataSourceInstanceSettings: &settings, PluginID: plugin.PluginID},
		Headers:       map[string]string{},
		Queries:       queries,
	})
	if err != nil {
		fmt.Fprintf(stderr, "mlwatch query: %v\n", err)
		return exitQueryFailed
	}
	var out []byte
	if *pretty {
		out, err = json.MarshalIndent(resp, "", "  ")
	} else {
		out, err = json.Marshal(resp)
	}
	if err != nil {
		fmt.Fprintf(stderr, "mlwatch query: encode the response: %v\n", err)
		return exitQueryFailed
	}
	fmt.Fprintln(stdout, string(out))
	code := exitOK
	for _, q := range queries {
		r := resp.Responses[q.RefID]
		if r.Error != nil {
			fmt.Fprintf(stderr, "mlwatch query: %s: %v\n", q.RefID, r.Error)
			code = exitQueryFailed
		}
	}
	if code == exitOK && *failOnDrift && anyDrift(resp) {
		return exitFound
	}
	return code
}

// anyDrift looks for a drifted row in drift and distribution results.
func anyDrift(resp *backend.QueryDataResponse) bool {
	for _, r := range resp.Responses {
		for _, f := range r.Frames {
			if f.Meta != nil {
				if m, ok := f.Meta.Custom.(map[string]any); ok && m["drifted"] == true {
					return true
				}
			}
			for _, field := range f.Fields {
				if field.Name != "drifted" || field.Type() != data.FieldTypeBool {
					continue
				}
				for i := range field.Len() {
					if v, ok := field.At(i).(bool); ok && v {
						return true
					}
				}
			}
		}
	}
	return false
}

var relTime = regexp.MustCompile(`^now(-(.+))?$`)

// parseTime reads RFC 3339, Unix milliseconds, "now" or "now-<duration>".
func parseTime(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if m := relTime.FindStringSubmatch(s); m != nil {
		if m[2] == "" {
			return now, nil
		}
		d, err := models.ParseDuration(m[2])
		if err != nil {
			return time.Time{}, err
		}
		return now.Add(-d), nil
	}
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.UnixMilli(ms), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a time: use RFC 3339 (2026-11-27T10:00:00Z), Unix milliseconds, or now-1h", s)
	}
	return t, nil
}

func loadDatasource(path, name string) (backend.DataSourceInstanceSettings, error) {
	d, err := provisioning.Find(path, plugin.PluginID, name)
	if err != nil {
		return backend.DataSourceInstanceSettings{}, err
	}
	jd, err := json.Marshal(d.JSONData)
	if err != nil {
		return backend.DataSourceInstanceSettings{}, fmt.Errorf("%s: jsonData: %v", path, err)
	}
	return backend.DataSourceInstanceSettings{Name: d.Name, UID: d.UID, Type: d.Type, JSONData: jd, DecryptedSecureJSONData: d.SecureJSONData, Updated: time.Now()}, nil
}

// loadQueries reads one query, a list, or {"queries":[...]}.
func loadQueries(path string, tr backend.TimeRange) ([]backend.DataQuery, error) {
	var raw []byte
	var err error
	if path == "-" {
		raw, err = io.ReadAll(io.LimitReader(os.Stdin, 16<<20))
	} else {
		raw, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %v", path, err)
	}
	raw = bytes.TrimSpace(raw)
	var list []json.RawMessage
	switch {
	case len(raw) > 0 && raw[0] == '[':
		err = json.Unmarshal(raw, &list)
	case len(raw) > 0 && raw[0] == '{':
		var body struct {
			Queries []json.RawMessage `json:"queries"`
		}
		if err = json.Unmarshal(raw, &body); err == nil && body.Queries != nil {
			list = body.Queries
		} else if err == nil {
			list = []json.RawMessage{raw}
		}
	default:
		err = errors.New("expected a JSON object or list")
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("%s holds no query", path)
	}
	out := make([]backend.DataQuery, 0, len(list))
	for i, q := range list {
		var head struct {
			RefID         string `json:"refId"`
			QueryType     string `json:"queryType"`
			IntervalMs    int64  `json:"intervalMs"`
			MaxDataPoints int64  `json:"maxDataPoints"`
		}
		if err := json.Unmarshal(q, &head); err != nil {
			return nil, fmt.Errorf("%s: query %d: %v", path, i+1, err)
		}
		if head.RefID == "" {
			head.RefID = string(rune('A' + i%26))
		}
		interval := time.Duration(head.IntervalMs) * time.Millisecond
		if interval <= 0 {
			interval = tr.To.Sub(tr.From) / 100
		}
		out = append(out, backend.DataQuery{RefID: head.RefID, QueryType: head.QueryType, JSON: q, TimeRange: tr, Interval: interval, MaxDataPoints: head.MaxDataPoints})
	}
	return out, nil
}
