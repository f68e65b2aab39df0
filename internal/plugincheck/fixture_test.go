package plugincheck

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
)

// This file builds plugin archives for the tests: a minimal but complete
// app with a nested backend datasource and a nested panel, which every
// case then breaks in one way.

const (
	appID = "acme-test-app"
	dsID  = "acme-test-datasource"
	panID = "acme-test-panel"
)

type fileEntry struct {
	data []byte
	mode fs.FileMode
}

// fixture is an archive under construction plus its source tree.
type fixture struct {
	top   string               // name of the archive's root directory
	files map[string]fileEntry // paths relative to top
	extra map[string]fileEntry // paths relative to the zip root
	src   map[string]string    // the plugin's source tree (Options.SourceDir)
	// signed adds a MANIFEST.txt listing every file with its sha256.
	signed bool
}

func (f *fixture) set(name, data string) { f.files[name] = fileEntry{[]byte(data), 0o644} }
func (f *fixture) setMode(name string, m fs.FileMode) {
	e := f.files[name]
	e.mode = m
	f.files[name] = e
}
func (f *fixture) del(name string) { delete(f.files, name) }

// editJSON decodes the JSON file name, lets edit change it and stores it.
func (f *fixture) editJSON(t *testing.T, name string, edit func(m map[string]any)) {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(f.files[name].data, &m); err != nil {
		t.Fatalf("fixture %s: %v", name, err)
	}
	edit(m)
	f.set(name, mustJSON(t, m))
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

const logoSVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><rect width="8" height="8" fill="#f80"/></svg>`

const mitLicense = `MIT License

Copyright (c) 2026 Acme

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
`

// pluginJSON returns a schema-valid plugin.json document.
func pluginJSON(id, typ, name string) map[string]any {
	return map[string]any{
		"$schema": "https://raw.githubusercontent.com/grafana/grafana/main/docs/sources/developers/plugins/plugin.schema.json",
		"type":    typ,
		"name":    name,
		"id":      id,
		"info": map[string]any{
			"description": "A plugin used in tests",
			"author":      map[string]any{"name": "Acme", "url": "https://example.com"},
			"keywords":    []any{"test"},
			"logos":       map[string]any{"small": "img/logo.svg", "large": "img/logo.svg"},
			"links":       []any{map[string]any{"name": "Sponsor", "url": "https://example.com/sponsor"}},
			"screenshots": []any{},
			"version":     "1.0.0",
			"updated":     "2026-01-01",
		},
		"dependencies": map[string]any{"grafanaDependency": ">=12.3.0", "plugins": []any{}},
	}
}

// sourceMapFor builds a module.js.map in webpack's style for the given
// first-party sources (paths relative to src/), mixed with runtime,
// external and dependency entries that must be ignored.
func sourceMapFor(t *testing.T, src map[string]string, files ...string) string {
	t.Helper()
	sources := []string{
		`webpack://` + appID + `/external amd "react"`,
		`webpack://` + appID + `/webpack/bootstrap`,
		`webpack://` + appID + `/./node_modules/grafana-public-path.js`,
		`webpack://` + appID + `/../node_modules/lodash/lodash.js`,
		`webpack://` + appID + `/./styles.css`,
	}
	contents := []any{"", "// bootstrap", "// public path", "// lodash", "body{}"}
	for _, f := range files {
		sources = append(sources, "webpack://"+appID+"/./"+f)
		// The map holds LF text; the source file may use CRLF.
		contents = append(contents, strings.ReplaceAll(src["src/"+f], "\r\n", "\n"))
	}
	return mustJSON(t, map[string]any{"version": 3, "file": "module.js", "sources": sources, "sourcesContent": contents, "mappings": ""})
}

// newFixture returns a valid archive: running Check on it yields no
// errors and only the "unsigned plugin" warning.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{top: appID, files: map[string]fileEntry{}, extra: map[string]fileEntry{}}
	f.src = map[string]string{
		"package.json":                      `{"name": "acme-test-app", "version": "1.0.0", /* hujson */ "scripts": {"build": "webpack",},}`,
		".config/webpack/webpack.config.ts": "// generated by @grafana/create-plugin\nexport default {};\n",
		"go.mod":                            "module example.com/acme\n\ngo 1.26\n\nrequire (\n\tgithub.com/grafana/grafana-plugin-sdk-go v0.299.0\n)\n",
		"Magefile.go":                       "//go:build mage\n\npackage main\n\nimport build \"github.com/grafana/grafana-plugin-sdk-go/build\"\n\nvar Default = build.BuildAll\n",
		"src/module.tsx":                    "import { AppPlugin } from '@grafana/data';\r\nexport const plugin = new AppPlugin();\r\n",
		"src/shared/util.ts":                "export const answer = 42;\n",
		"src/datasource/module.ts":          "export const plugin = {};\n",
		"src/panels/p1/module.tsx":          "export const plugin = {};\n",
	}

	app := pluginJSON(appID, "app", "Acme Test")
	app["includes"] = []any{
		map[string]any{"type": "datasource", "name": "Acme DS", "path": "datasource/plugin.json"},
		map[string]any{"type": "panel", "name": "Acme Panel", "path": "panels/p1/plugin.json"},
		map[string]any{"type": "page", "name": "Home", "path": "/a/" + appID + "/home", "role": "Viewer", "addToNav": true, "defaultNav": true},
	}
	app["info"].(map[string]any)["screenshots"] = []any{map[string]any{"name": "Overview", "path": "img/screenshot.png"}}
	f.set("plugin.json", mustJSON(t, app))
	f.set("module.js", "define([],function(){return {}});")
	f.set("module.js.map", sourceMapFor(t, f.src, "module.tsx", "shared/util.ts"))
	f.set("README.md", "# Acme Test\n\nSee [the docs](https://example.com/docs), [setup](#setup) or [mail](mailto:a@example.com).\n\n## Setup\n\nEnable it.\n")
	f.set("CHANGELOG.md", "# Changelog\n\n## 1.0.0\n\nFirst release.\n")
	f.set("LICENSE", mitLicense)
	f.set("img/logo.svg", logoSVG)
	f.set("img/screenshot.png", string(tinyPNG(t)))

	ds := pluginJSON(dsID, "datasource", "Acme DS")
	ds["backend"], ds["alerting"], ds["executable"] = true, true, "gpx_test"
	f.set("datasource/plugin.json", mustJSON(t, ds))
	f.set("datasource/module.js", "define([],function(){return {}});")
	f.set("datasource/module.js.map", sourceMapFor(t, f.src, "datasource/module.ts", "shared/util.ts"))
	f.set("datasource/img/logo.svg", logoSVG)
	f.files["datasource/gpx_test_linux_amd64"] = fileEntry{linuxBinary(t), 0o755}
	// .exe files are exempt from the 0755 rule.
	f.files["datasource/gpx_test_windows_amd64.exe"] = fileEntry{[]byte("MZ not really"), 0o644}

	f.set("panels/p1/plugin.json", mustJSON(t, pluginJSON(panID, "panel", "Acme Panel")))
	f.set("panels/p1/module.js", "define([],function(){return {}});")
	f.set("panels/p1/module.js.map", sourceMapFor(t, f.src, "panels/p1/module.tsx"))
	f.set("panels/p1/img/logo.svg", logoSVG)
	return f
}

func tinyPNG(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 2, 2))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// build writes the archive (and the source tree) to a temp dir.
func (f *fixture) build(t *testing.T) (zipPath, srcDir string) {
	t.Helper()
	dir := t.TempDir()
	zipPath = filepath.Join(dir, "plugin.zip")
	out, err := os.Create(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(out)
	entries := map[string]fileEntry{}
	for name, e := range f.files {
		entries[path.Join(f.top, name)] = e
	}
	if f.signed {
		entries[path.Join(f.top, "MANIFEST.txt")] = fileEntry{[]byte(signedManifest(f.files)), 0o644}
	}
	for name, e := range f.extra {
		entries[name] = e
	}
	names := make([]string, 0, len(entries))
	for n := range entries {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		// Store rather than deflate: compressing the test binary in every
		// case makes the race-enabled run slow, and the method is irrelevant.
		h := &zip.FileHeader{Name: n, Method: zip.Store}
		h.SetMode(entries[n].mode)
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(entries[n].data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}

	srcDir = filepath.Join(dir, "src-root")
	for name, content := range f.src {
		p := filepath.Join(srcDir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return zipPath, srcDir
}

// signedManifest imitates a MANIFEST.txt; the signature block is fake,
// which is fine because signatures are not verified offline.
func signedManifest(files map[string]fileEntry) string {
	sums := map[string]string{}
	for name, e := range files {
		s := sha256.Sum256(e.data)
		sums[name] = hex.EncodeToString(s[:])
	}
	body, _ := json.MarshalIndent(map[string]any{
		"manifestVersion": "2.0.0", "signatureType": "community", "plugin": appID, "version": "1.0.0", "files": sums,
	}, "", "  ")
	return "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n" + string(body) +
		"\n-----BEGIN PGP SIGNATURE-----\n\nwsBcBAEBCAAQBQJ\n-----END PGP SIGNATURE-----\n"
}

var (
	binOnce sync.Once
	binData []byte
	binErr  error
	binDir  string // removed by TestMain
)

// linuxBinary returns a tiny Go program built for linux/amd64, built once
// per test run. backendbinary identifies it by its embedded build info.
func linuxBinary(t *testing.T) []byte {
	t.Helper()
	binOnce.Do(func() {
		binDir, binErr = os.MkdirTemp("", "plugincheck-bin-")
		if binErr != nil {
			return
		}
		src := map[string]string{
			"go.mod":  "module tinyplugin\n\ngo 1.21\n",
			"main.go": "package main\n\nfunc main() {}\n",
		}
		for n, c := range src {
			if binErr = os.WriteFile(filepath.Join(binDir, n), []byte(c), 0o644); binErr != nil {
				return
			}
		}
		out := filepath.Join(binDir, "gpx_test")
		cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", out, ".")
		cmd.Dir = binDir
		cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=amd64", "CGO_ENABLED=0", "GOFLAGS=", "GOWORK=off")
		if msg, err := cmd.CombinedOutput(); err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, msg)
			return
		}
		binData, binErr = os.ReadFile(out)
	})
	if binErr != nil {
		t.Fatalf("building the linux/amd64 test binary: %v", binErr)
	}
	return binData
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// rulesOf lists "analyzer/rule/severity" for every diagnostic, for failure
// messages.
func rulesOf(r Report) string {
	var b strings.Builder
	for _, d := range r.Diagnostics {
		fmt.Fprintf(&b, "\n  %s/%s [%s] %s | %s", d.Analyzer, d.Rule, d.Severity, d.Title, d.Detail)
	}
	return b.String()
}
