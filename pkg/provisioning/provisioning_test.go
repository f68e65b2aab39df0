package provisioning

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const twoSources = `apiVersion: 1
datasources:
  - name: a
    type: mlwatch-ml-datasource
    uid: ua
    jsonData:
      prometheus:
        url: http://${PROM_HOST}:9090
    secureJsonData:
      basicAuthPassword: $SECRET
  - name: b
    type: mlwatch-ml-datasource
    jsonData:
      note: costs $$5
  - name: prom
    type: prometheus
`

func writeFile(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "ds.yaml")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestFind(t *testing.T) {
	t.Setenv("PROM_HOST", "prom.local")
	t.Setenv("SECRET", "s3cret")
	path := writeFile(t, twoSources)
	tests := []struct {
		name, pick, wantErr string
		check               func(t *testing.T, d Datasource)
	}{
		{name: "two of the type need a name", wantErr: "has 2 datasources of type mlwatch-ml-datasource (a, b); pick one with --name"},
		{name: "by name, env expanded", pick: "a", check: func(t *testing.T, d Datasource) {
			url := d.JSONData["prometheus"].(map[string]any)["url"]
			if d.UID != "ua" || url != "http://prom.local:9090" || d.SecureJSONData["basicAuthPassword"] != "s3cret" {
				t.Errorf("got %+v", d)
			}
		}},
		{name: "$$ is a literal dollar", pick: "b", check: func(t *testing.T, d Datasource) {
			if d.JSONData["note"] != "costs $5" {
				t.Errorf("note = %v", d.JSONData["note"])
			}
		}},
		{name: "unknown name", pick: "c", wantErr: `has no datasource of type mlwatch-ml-datasource named "c"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Find(path, "mlwatch-ml-datasource", tt.pick)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, d)
		})
	}
}

func TestFindBadFiles(t *testing.T) {
	if _, err := Find(filepath.Join(t.TempDir(), "missing.yaml"), "x", ""); err == nil || !strings.Contains(err.Error(), "cannot read") || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("missing file: %v", err)
	}
	if _, err := Find(writeFile(t, "datasources: [unclosed"), "x", ""); err == nil || !strings.Contains(err.Error(), "is not valid provisioning YAML") {
		t.Errorf("bad YAML: %v", err)
	}
}
