package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeZip writes files (zip path -> content) as an archive.
func writeZip(t *testing.T, files map[string]string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "plugin.zip")
	out, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(out)
	for name, content := range files {
		h := &zip.FileHeader{Name: name, Method: zip.Deflate}
		h.SetMode(0o644)
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(content)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

// panelArchive is a frontend-only panel whose only findings are warnings
// (unsigned, no screenshots) and a recommendation, unless broken.
func panelArchive(t *testing.T, readme string) string {
	const id = "acme-demo-panel"
	pj := `{"type":"panel","name":"Demo","id":"` + id + `","info":{"description":"d","keywords":["k"],
		"logos":{"small":"img/logo.svg","large":"img/logo.svg"},"version":"1.0.0","updated":"2026-01-01"},
		"dependencies":{"grafanaDependency":">=12.0.0"}}`
	return writeZip(t, map[string]string{
		id + "/plugin.json":  pj,
		id + "/module.js":    "define([],function(){});",
		id + "/README.md":    readme,
		id + "/CHANGELOG.md": "# Changelog\n",
		id + "/LICENSE":      "Permission is hereby granted, free of charge, to any person obtaining a copy ... The above copyright notice and this permission notice shall be included in all copies or substantial portions of the Software. THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND",
		id + "/img/logo.svg": `<svg xmlns="http://www.w3.org/2000/svg"/>`,
	})
}

func TestRun(t *testing.T) {
	good := panelArchive(t, "# Demo\n")
	bad := panelArchive(t, "# Demo\n\n[setup](./docs/setup.md)\n")
	tests := []struct {
		name     string
		args     []string
		code     int
		contains []string
	}{
		{"no archive", nil, 2, nil},
		{"two archives", []string{good, good}, 2, nil},
		{"unknown flag", []string{"-nope", good}, 2, nil},
		{"missing file", []string{filepath.Join(t.TempDir(), "none.zip")}, 1, nil},
		{"warnings only", []string{good}, 0, []string{
			"warning: unsigned plugin\ndetail: ",
			"warning: plugin.json: should include screenshots for the Plugin catalog\n",
			"recommendation: You can include a sponsorship link",
			"skipped: buildtools, go-manifest, jsMap, legacybuilder, packagejson, sdkusage: needs the plugin source code (-source DIR)\n",
			"0 errors, 2 warnings, 16 analyzers skipped (need the network)\n",
		}},
		{"warnings with -strict", []string{"-strict", good}, 1, []string{"0 errors, 2 warnings"}},
		{"error", []string{bad}, 1, []string{
			"error: README.md: convert relative link to absolute: ./docs/setup.md\ndetail: ",
			"1 errors, 2 warnings",
		}},
		{"verbose lists network skips", []string{"-v", good}, 0, []string{"skipped (external): virusscan: needs clamscan\n"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tc.args, &stdout, &stderr)
			if code != tc.code {
				t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, stdout.String(), stderr.String())
			}
			for _, c := range tc.contains {
				if !strings.Contains(stdout.String(), c) {
					t.Errorf("stdout lacks %q:\n%s", c, stdout.String())
				}
			}
		})
	}
}

func TestRunJSON(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"-json", panelArchive(t, "# Demo\n")}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit code %d: %s", code, stderr.String())
	}
	var out struct {
		ID      string `json:"id"`
		Version string `json:"version"`
		Results map[string][]struct {
			Severity, Title, Name string
		} `json:"plugin-validator"`
		Skipped []struct{ Analyzer, Kind string } `json:"skipped"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("%v\n%s", err, stdout.String())
	}
	if out.ID != "acme-demo-panel" || out.Version != "1.0.0" {
		t.Errorf("id/version = %q/%q", out.ID, out.Version)
	}
	if m := out.Results["manifest"]; len(m) != 1 || m[0].Name != "unsigned-plugin" || m[0].Severity != "warning" {
		t.Errorf("manifest results = %+v", m)
	}
	if len(out.Skipped) == 0 {
		t.Error("skipped list is empty")
	}
}
