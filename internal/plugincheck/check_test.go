package plugincheck

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"os"
	"strings"
	"testing"
)

// want names a diagnostic a case must produce: its rule and severity, and
// optionally a substring of its title or detail.
type want struct {
	rule string
	sev  Severity
	text string
}

func TestCheck(t *testing.T) {
	ctx := context.Background()
	ds := "datasource/plugin.json"
	panel := "panels/p1/plugin.json"
	info := func(m map[string]any) map[string]any { return m["info"].(map[string]any) }
	includes := func(m map[string]any) []any { return m["includes"].([]any) }

	tests := []struct {
		name   string
		source bool // run with Options.SourceDir
		mutate func(t *testing.T, f *fixture)
		want   []want
		// blocked lists analyzers that must be reported as not run.
		blocked []string
	}{
		{name: "valid archive", source: true, mutate: func(*testing.T, *fixture) {}},
		{name: "valid archive without source", mutate: func(*testing.T, *fixture) {}},
		{
			name:    "two top-level directories",
			mutate:  func(_ *testing.T, f *fixture) { f.extra["other/readme.txt"] = fileEntry{[]byte("x"), 0o644} },
			want:    []want{{"more-than-one-dir", SeverityError, "Found 2 directories"}},
			blocked: []string{"metadata", "readme", "backendbinary"},
		},
		{
			name:   "__MACOSX next to the plugin dir",
			mutate: func(_ *testing.T, f *fixture) { f.extra["__MACOSX/._plugin.json"] = fileEntry{[]byte("x"), 0o644} },
			want:   []want{{"more-than-one-dir", SeverityError, ""}},
		},
		{
			name: "single file at the root",
			mutate: func(_ *testing.T, f *fixture) {
				f.files = map[string]fileEntry{}
				f.extra["plugin.json"] = fileEntry{[]byte("{}"), 0o644}
			},
			want: []want{{"no-root-dir", SeverityError, ""}},
		},
		{
			name: "dist inside the root dir",
			mutate: func(_ *testing.T, f *fixture) {
				moved := map[string]fileEntry{}
				for n, e := range f.files {
					moved["dist/"+n] = e
				}
				f.files = moved
			},
			want: []want{
				{"dist", SeverityError, "dist should be renamed"},
				{"no-ident-root-dir", SeverityError, "Archive root directory named dist"},
				{"no-ident-root-dir", SeverityError, "Archive should contain a directory named " + appID},
			},
		},
		{
			name:   "root dir not named after the id",
			mutate: func(_ *testing.T, f *fixture) { f.top = "dist-renamed" },
			want:   []want{{"no-ident-root-dir", SeverityError, "directory named " + appID}},
		},
		{
			name: "nested plugin not in includes",
			mutate: func(t *testing.T, f *fixture) {
				f.editJSON(t, "plugin.json", func(m map[string]any) { m["includes"] = includes(m)[:1] })
			},
			want: []want{{"nested-plugins-not-declared", SeverityError, "Nested plugin panels/p1/plugin.json"}},
		},
		{
			name: "include path in source layout",
			mutate: func(t *testing.T, f *fixture) {
				f.editJSON(t, "plugin.json", func(m map[string]any) {
					includes(m)[0].(map[string]any)["path"] = "./datasource/plugin.json"
				})
			},
			want: []want{{"nested-plugins-not-declared", SeverityError, ds}},
		},
		{
			name: "include type mismatch",
			mutate: func(t *testing.T, f *fixture) {
				f.editJSON(t, "plugin.json", func(m map[string]any) { includes(m)[1].(map[string]any)["type"] = "datasource" })
			},
			want: []want{{"nested-plugin-type-missmatch", SeverityError, panel}},
		},
		{
			name: "include without type",
			mutate: func(t *testing.T, f *fixture) {
				f.editJSON(t, "plugin.json", func(m map[string]any) { delete(includes(m)[1].(map[string]any), "type") })
			},
			want: []want{
				{"nested-plugin-missing-type", SeverityError, panel},
				{"invalid-metadata", SeverityError, "includes.1: type is required"},
			},
		},
		{
			name:   "missing logo file",
			mutate: func(_ *testing.T, f *fixture) { f.del("panels/p1/img/logo.svg") },
			want: []want{
				{"path-not-exists", SeverityError, "small logo path doesn't exists: panels/p1/img/logo.svg"},
				{"path-not-exists", SeverityError, "large logo path doesn't exists: panels/p1/img/logo.svg"},
			},
		},
		{
			name: "empty logo path",
			mutate: func(t *testing.T, f *fixture) {
				f.editJSON(t, ds, func(m map[string]any) { info(m)["logos"].(map[string]any)["small"] = " " })
			},
			want: []want{
				{"logos", SeverityError, "invalid empty small logo path for " + ds},
				// " " is neither relative-with-dot nor a URL; it is stat'ed.
				{"path-not-exists", SeverityError, "small logo"},
			},
		},
		{
			name: "logo path starting with ./",
			mutate: func(t *testing.T, f *fixture) {
				f.editJSON(t, panel, func(m map[string]any) { info(m)["logos"].(map[string]any)["large"] = "./img/logo.svg" })
			},
			want: []want{{"invalid-relative-path", SeverityError, "relative large logo path should not start with '.' or '/': ./img/logo.svg"}},
		},
		{
			name: "logo as absolute URL",
			mutate: func(t *testing.T, f *fixture) {
				f.editJSON(t, "plugin.json", func(m map[string]any) {
					info(m)["logos"].(map[string]any)["small"] = "https://example.com/logo.svg"
				})
			},
			want: []want{{"path-relative-to-metadata", SeverityError, "small logo path should be relative"}},
		},
		{
			name:   "missing module.js.map",
			source: true,
			mutate: func(_ *testing.T, f *fixture) { f.del("panels/p1/module.js.map") },
			want:   []want{{"js-map-not-found", SeverityError, "missing panels/p1/module.js.map in archive"}},
		},
		{
			name:   "missing module.js.map is not checked without source",
			mutate: func(_ *testing.T, f *fixture) { f.del("panels/p1/module.js.map") },
		},
		{
			name:   "source map content mismatch",
			source: true,
			mutate: func(_ *testing.T, f *fixture) { f.src["src/shared/util.ts"] = "export const answer = 43;\n" },
			want: []want{
				{"js-map-no-match", SeverityError, "module.js.map: src/shared/util.ts differs (first at line 1)"},
				{"js-map-no-match", SeverityError, "datasource/module.js.map: src/shared/util.ts differs"},
			},
		},
		{
			name:   "source file missing for a mapped source",
			source: true,
			mutate: func(_ *testing.T, f *fixture) { delete(f.src, "src/panels/p1/module.tsx") },
			want:   []want{{"js-map-no-match", SeverityError, "src/panels/p1/module.tsx not found"}},
		},
		{
			name:   "source map without sourcesContent",
			source: true,
			mutate: func(_ *testing.T, f *fixture) {
				f.set("module.js.map", `{"version":3,"sources":["webpack://acme-test-app/./module.tsx"],"mappings":""}`)
			},
			want: []want{{"js-map-invalid", SeverityError, "module.js.map could not be validated"}},
		},
		{
			name:   "binary stored with mode 0644",
			mutate: func(_ *testing.T, f *fixture) { f.setMode("datasource/gpx_test_linux_amd64", 0o644) },
			want:   []want{{"binary-executable-permissions", SeverityError, "gpx_test_linux_amd64 are incorrect (0644 found)"}},
		},
		{
			name:   "binary stored with mode 0777",
			mutate: func(_ *testing.T, f *fixture) { f.setMode("datasource/gpx_test_linux_amd64", 0o777) },
			want:   []want{{"binary-executable-permissions", SeverityError, "(0777 found)"}},
		},
		{
			name: "missing linux/amd64 binary",
			mutate: func(_ *testing.T, f *fixture) {
				f.files["datasource/gpx_test_linux_amd64"] = fileEntry{[]byte("#!/bin/sh\necho not go\n"), 0o755}
			},
			want: []want{{"backend-binary-not-linux-amd64", SeverityError, "Missing linux/amd64 backend binary"}},
		},
		{
			name: "linux/amd64 binary under another name still counts",
			mutate: func(_ *testing.T, f *fixture) {
				f.files["datasource/gpx_test_darwin_arm64"] = f.files["datasource/gpx_test_linux_amd64"]
				f.del("datasource/gpx_test_linux_amd64")
			},
		},
		{
			name: "no backend binary at all",
			mutate: func(_ *testing.T, f *fixture) {
				f.del("datasource/gpx_test_linux_amd64")
				f.del("datasource/gpx_test_windows_amd64.exe")
			},
			want: []want{
				{"backend-binary-mission", SeverityError, "Missing backend binaries"},
				{"binary-executable-found", SeverityError, "No binary found for `executable` gpx_test"},
			},
		},
		{
			name: "alerting without backend",
			mutate: func(t *testing.T, f *fixture) {
				f.editJSON(t, ds, func(m map[string]any) { m["backend"] = false; delete(m, "executable") })
				f.del("datasource/gpx_test_linux_amd64")
				f.del("datasource/gpx_test_windows_amd64.exe")
			},
			want: []want{{"alerting-found-but-backend-false", SeverityError, "Found alerting in plugin.json but backend=false"}},
		},
		{
			name: "executable without backend",
			mutate: func(t *testing.T, f *fixture) {
				f.editJSON(t, ds, func(m map[string]any) { m["backend"] = false; m["alerting"] = false })
			},
			want: []want{{"backend-found-but-not-declared", SeverityError, ""}},
		},
		{
			name:   "backend without executable",
			mutate: func(t *testing.T, f *fixture) { f.editJSON(t, ds, func(m map[string]any) { delete(m, "executable") }) },
			want:   []want{{"backend-binary-mission", SeverityError, "Missing executable in plugin.json"}},
		},
		{
			name:   "standalone.txt present",
			mutate: func(_ *testing.T, f *fixture) { f.set("datasource/standalone.txt", "1234") },
			want:   []want{{"backend-debug-file-present", SeverityError, "found standalone backend file"}},
		},
		{
			name: "unsafe svg with script",
			mutate: func(_ *testing.T, f *fixture) {
				f.set("img/logo.svg", `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)
			},
			want: []want{{"unsafe-svg-file", SeverityError, "Invalid element script"}},
		},
		{
			name: "svg onload attribute",
			mutate: func(_ *testing.T, f *fixture) {
				f.set("panels/p1/img/logo.svg", `<svg xmlns="http://www.w3.org/2000/svg" onLoad="alert(1)"><rect/></svg>`)
			},
			want: []want{{"unsafe-svg-file", SeverityError, "Invalid attribute onload"}},
		},
		{
			name:   "malformed svg",
			mutate: func(_ *testing.T, f *fixture) { f.set("img/extra.svg", `<svg><rect></svg>`) },
			want:   []want{{"unsafe-svg-file", SeverityError, "SVG file " + appID + "/img/extra.svg is unsafe"}},
		},
		{
			name:   "relative README link",
			mutate: func(_ *testing.T, f *fixture) { f.set("README.md", "# Acme\n\nSee [docs](docs/setup.md \"Setup\").\n") },
			want:   []want{{"relative-link", SeverityError, "convert relative link to absolute: docs/setup.md"}},
		},
		{
			name: "template README title",
			mutate: func(_ *testing.T, f *fixture) {
				f.set("README.md", "# Grafana app plugin template\n\nThis is a Grafana App Plugin Template.\n")
			},
			want: []want{{"template-readme", SeverityError, ""}},
		},
		{
			name:   "README with yarn",
			mutate: func(_ *testing.T, f *fixture) { f.set("README.md", "# Acme\n\nRun yarn install first.\n") },
			want:   []want{{"developer-jargon", SeverityWarning, "(yarn)"}},
		},
		{
			name:   "README with single-line comment",
			mutate: func(_ *testing.T, f *fixture) { f.set("README.md", "# Acme\n<!-- TODO -->\n") },
			want:   []want{{"readme-comment", SeverityWarning, ""}},
		},
		{
			name:   "missing README",
			mutate: func(_ *testing.T, f *fixture) { f.del("README.md") },
			want:   []want{{"missing-readme", SeverityError, "missing README.md"}},
		},
		{
			name:   "missing CHANGELOG",
			mutate: func(_ *testing.T, f *fixture) { f.del("CHANGELOG.md") },
			want:   []want{{"missing-changelog", SeverityWarning, "missing CHANGELOG.md"}},
		},
		{
			name:   "missing LICENSE",
			mutate: func(_ *testing.T, f *fixture) { f.del("LICENSE") },
			want:   []want{{"license-not-provided", SeverityError, "LICENSE file not found"}},
		},
		{
			name:   "LICENSE with {yyyy}",
			mutate: func(_ *testing.T, f *fixture) { f.set("LICENSE", strings.Replace(mitLicense, "2026", "{yyyy}", 1)) },
			want:   []want{{"license-with-generic-text", SeverityWarning, ""}},
		},
		{
			name:   "LICENSE that is not an accepted license",
			mutate: func(_ *testing.T, f *fixture) { f.set("LICENSE", "All rights reserved. Do not copy.\n") },
			want:   []want{{"license-not-valid", SeverityError, "Valid license not found"}},
		},
		{
			name: "id not ending in type",
			mutate: func(t *testing.T, f *fixture) {
				f.top = "acme-test-application"
				f.editJSON(t, "plugin.json", func(m map[string]any) { m["id"] = "acme-test-application" })
			},
			want: []want{
				{"plugin-type-suffix", SeverityError, "plugin id should end with plugin type"},
				{"invalid-metadata", SeverityError, "plugin.json: id: Does not match pattern"},
			},
		},
		{
			name: "name equals id",
			mutate: func(t *testing.T, f *fixture) {
				f.editJSON(t, "plugin.json", func(m map[string]any) { m["name"] = appID })
			},
			want: []want{{"human-friendly-name", SeverityError, ""}},
		},
		{
			name: "invalid grafanaDependency",
			mutate: func(t *testing.T, f *fixture) {
				f.editJSON(t, "plugin.json", func(m map[string]any) {
					m["dependencies"].(map[string]any)["grafanaDependency"] = ">=twelve"
				})
			},
			want: []want{
				{"invalid-grafana-dependency", SeverityError, `version constraint: ">=twelve"`},
				{"invalid-metadata", SeverityError, "dependencies.grafanaDependency: Does not match pattern"},
			},
		},
		{
			name: "grafanaDependency pinned to one release",
			mutate: func(t *testing.T, f *fixture) {
				f.editJSON(t, "plugin.json", func(m map[string]any) {
					m["dependencies"].(map[string]any)["grafanaDependency"] = "12.3.0"
				})
			},
			want: []want{{"depends-on-single-release", SeverityWarning, "only targets Grafana 12.3.0"}},
		},
		{
			name: "grafanaDependency on patch releases",
			mutate: func(t *testing.T, f *fixture) {
				f.editJSON(t, "plugin.json", func(m map[string]any) {
					m["dependencies"].(map[string]any)["grafanaDependency"] = "12.3.x"
				})
			},
			want: []want{{"depends-on-patch-releases", SeverityWarning, "patch releases of Grafana 12.3"}},
		},
		{
			name: "missing grafanaDependency",
			mutate: func(t *testing.T, f *fixture) {
				f.editJSON(t, "plugin.json", func(m map[string]any) { m["dependencies"] = map[string]any{} })
			},
			want: []want{
				{"invalid-grafana-dependency", SeverityError, `constraint: ""`},
				{"invalid-metadata", SeverityError, "dependencies: grafanaDependency is required"},
			},
		},
		{
			name:   "extra root key in plugin.json",
			mutate: func(t *testing.T, f *fixture) { f.editJSON(t, "plugin.json", func(m map[string]any) { m["foo"] = 1 }) },
			want:   []want{{"invalid-metadata", SeverityError, "plugin.json: (root): Additional property foo is not allowed"}},
		},
		{
			name: "missing updated and wrong types",
			mutate: func(t *testing.T, f *fixture) {
				f.editJSON(t, "plugin.json", func(m map[string]any) {
					delete(info(m), "updated")
					m["preload"] = "yes"
					info(m)["author"].(map[string]any)["url"] = "example.com"
				})
			},
			want: []want{
				{"invalid-metadata", SeverityError, "plugin.json: info: updated is required"},
				{"invalid-metadata", SeverityError, "plugin.json: preload: Invalid type. Expected: boolean, given: string"},
				{"invalid-metadata", SeverityError, "plugin.json: info.author.url: Does not match format 'uri'"},
			},
		},
		{
			name: "main plugin.json with a field of the wrong type",
			mutate: func(t *testing.T, f *fixture) {
				f.editJSON(t, "plugin.json", func(m map[string]any) { m["backend"] = "yes" })
			},
			want: []want{
				// Go's decoder, like the official one, rejects the file...
				{"invalid-metadata", SeverityError, "Invalid plugin.json in your archive."},
				// ...and the schema says why.
				{"invalid-metadata", SeverityError, "plugin.json: backend: Invalid type. Expected: boolean, given: string"},
			},
			blocked: []string{"archivename", "typesuffix", "logos"},
		},
		{
			name: "bad version",
			mutate: func(t *testing.T, f *fixture) {
				f.editJSON(t, "plugin.json", func(m map[string]any) { info(m)["version"] = "one.two" })
			},
			want: []want{
				{"wrong-plugin-version", SeverityError, `Plugin version "one.two" is invalid.`},
				{"invalid-metadata", SeverityError, "info.version: Does not match pattern"},
			},
		},
		{
			name: "keywords empty",
			mutate: func(t *testing.T, f *fixture) {
				f.editJSON(t, "plugin.json", func(m map[string]any) { info(m)["keywords"] = []any{} })
			},
			want: []want{
				{"invalid-metadata", SeverityError, "info.keywords: Array must have at least 1 items"},
				{"empty-keywords", SeverityWarning, ""},
			},
		},
		{
			name: "description empty",
			mutate: func(t *testing.T, f *fixture) {
				f.editJSON(t, "plugin.json", func(m map[string]any) { info(m)["description"] = "" })
			},
			want: []want{{"empty-description", SeverityWarning, ""}},
		},
		{
			name: "no sponsorship link",
			mutate: func(t *testing.T, f *fixture) {
				f.editJSON(t, "plugin.json", func(m map[string]any) { info(m)["links"] = []any{} })
			},
			want: []want{{"sponsorshiplink", SeverityRecommendation, ""}},
		},
		{
			name: "no screenshots",
			mutate: func(t *testing.T, f *fixture) {
				f.editJSON(t, "plugin.json", func(m map[string]any) { info(m)["screenshots"] = []any{} })
			},
			want: []want{{"screenshots", SeverityWarning, "should include screenshots"}},
		},
		{
			name: "screenshot extension does not match content",
			mutate: func(t *testing.T, f *fixture) {
				f.files["img/screenshot.jpg"] = f.files["img/screenshot.png"]
				f.editJSON(t, "plugin.json", func(m map[string]any) {
					info(m)["screenshots"] = []any{map[string]any{"name": "x", "path": "img/screenshot.jpg"}}
				})
			},
			want: []want{{"screenshots-image-type", SeverityError, "extension mismatch"}},
		},
		{
			name: "self dependency",
			mutate: func(t *testing.T, f *fixture) {
				f.editJSON(t, panel, func(m map[string]any) {
					m["dependencies"].(map[string]any)["plugins"] = []any{map[string]any{"id": panID, "name": "me", "type": "panel"}}
				})
			},
			want: []want{{"circular-dependency", SeverityError, panID + " -> " + panID}},
		},
		{
			name: "mutual dependency between nested plugins",
			mutate: func(t *testing.T, f *fixture) {
				f.editJSON(t, panel, func(m map[string]any) {
					m["dependencies"].(map[string]any)["plugins"] = []any{map[string]any{"id": dsID, "name": "ds", "type": "datasource"}}
				})
				f.editJSON(t, ds, func(m map[string]any) {
					m["dependencies"].(map[string]any)["plugins"] = []any{map[string]any{"id": panID, "name": "p", "type": "panel"}}
				})
			},
			want: []want{
				{"circular-dependency", SeverityError, dsID + " -> " + panID},
				{"circular-dependency", SeverityError, panID + " -> " + dsID},
			},
		},
		{
			name:    "nested plugin.json that is not JSON",
			mutate:  func(_ *testing.T, f *fixture) { f.set(panel, "{not json") },
			want:    []want{{"invalid-metadata", SeverityError, "Invalid plugin.json in your archive."}},
			blocked: []string{"logos", "includesnested", "backendbinary"},
		},
		{
			name:   "package.json version mismatch",
			source: true,
			mutate: func(_ *testing.T, f *fixture) { f.src["package.json"] = `{"version": "1.0.1"}` },
			want:   []want{{"packagecode-version-mismatch", SeverityError, "package.json (1.0.1) doesn't match the version in plugin.json (1.0.0)"}},
		},
		{
			name:   "package.json missing",
			source: true,
			mutate: func(_ *testing.T, f *fixture) { delete(f.src, "package.json") },
			want:   []want{{"packagejson-not-found", SeverityError, ""}},
		},
		{
			name:   "legacy grafana-toolkit build",
			source: true,
			mutate: func(_ *testing.T, f *fixture) {
				f.src["package.json"] = `{"version": "1.0.0", "scripts": {"build": "grafana-toolkit plugin:build"}}`
			},
			want: []want{{"legacy-builder", SeverityError, ""}},
		},
		{
			name:   "non-standard build tooling",
			source: true,
			mutate: func(_ *testing.T, f *fixture) {
				delete(f.src, ".config/webpack/webpack.config.ts")
				f.src["Magefile.go"] = "package main\n"
			},
			want: []want{
				{"non-standard-frontend-build-tooling", SeverityError, ""},
				{"non-standard-backend-build-tooling", SeverityError, ""},
			},
		},
		{
			name:   "backend without the Grafana SDK",
			source: true,
			mutate: func(_ *testing.T, f *fixture) { f.src["go.mod"] = "module example.com/acme\n\ngo 1.26\n" },
			want:   []want{{"go-sdk-not-used", SeverityError, ""}},
		},
		{
			name:   "SDK replaced",
			source: true,
			mutate: func(_ *testing.T, f *fixture) {
				f.src["go.mod"] += "replace github.com/grafana/grafana-plugin-sdk-go => ../my-sdk\n"
			},
			want: []want{{"go-sdk-replaced", SeverityError, "../my-sdk"}},
		},
		{
			name:   "app backend with a matching Go manifest",
			source: true,
			mutate: func(t *testing.T, f *fixture) { appBackend(t, f, false) },
		},
		{
			name:   "app backend with a stale Go manifest",
			source: true,
			mutate: func(t *testing.T, f *fixture) { appBackend(t, f, true) },
			want: []want{
				{"go-manifest-issue", SeverityError, "sha256sum of pkg/main.go"},
				{"go-manifest-issue", SeverityError, "file pkg/extra.go is in the source code but not in the manifest"},
				{"go-manifest-issue", SeverityError, "pkg/gone.go is in the manifest but not in source code"},
			},
		},
		{
			name:   "app backend without a Go manifest",
			source: true,
			mutate: func(t *testing.T, f *fixture) { appBackend(t, f, false); f.del("go_plugin_build_manifest") },
			want:   []want{{"no-go-manifest", SeverityError, ""}},
		},
		{
			name:   "signed with a valid manifest",
			mutate: func(_ *testing.T, f *fixture) { f.signed = true },
		},
		{
			name: "signed, then a file changed",
			mutate: func(_ *testing.T, f *fixture) {
				f.signed = true
				f.extra[appID+"/README.md"] = fileEntry{[]byte("# changed after signing\n"), 0o644} // replaces the signed one
				f.extra[appID+"/unlisted.txt"] = fileEntry{[]byte("x"), 0o600}
			},
			want: []want{
				{"invalid-sha-sum", SeverityError, "sha256 of README.md"},
				{"undeclared-files", SeverityError, "unlisted.txt is in the archive but not in MANIFEST.txt"},
			},
		},
	}

	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			tc.mutate(t, f)
			zipPath, srcDir := f.build(t)
			opts := Options{}
			if tc.source {
				opts.SourceDir = srcDir
			}
			r, err := Check(ctx, zipPath, opts)
			if err != nil {
				t.Fatalf("Check: %v", err)
			}
			assertDiagnostics(t, r, tc.want, f.signed)
			for _, a := range tc.blocked {
				if !hasSkip(r, a, SkipBlocked) {
					t.Errorf("analyzer %s should be reported as blocked; skipped: %+v", a, r.Skipped)
				}
			}
		})
	}
}

// appBackend turns the fixture's app into one with its own backend, which
// enables the go-manifest analyzer.
func appBackend(t *testing.T, f *fixture, stale bool) {
	t.Helper()
	f.editJSON(t, "plugin.json", func(m map[string]any) { m["backend"] = true; m["executable"] = "gpx_app" })
	f.files["gpx_app_linux_amd64"] = fileEntry{linuxBinary(t), 0o755}
	f.src["pkg/main.go"] = "package main\r\n\r\nfunc main() {}\r\n" // CRLF in the checkout
	f.src["pkg/main_test.go"] = "package main\n"
	lf, _, err := lineEndingHashesOf([]byte(f.src["pkg/main.go"]))
	if err != nil {
		t.Fatal(err)
	}
	_, crlfTest, _ := lineEndingHashesOf([]byte(f.src["pkg/main_test.go"]))
	magefile, _, _ := lineEndingHashesOf([]byte(f.src["Magefile.go"]))
	manifest := lf + ":pkg/main.go\n" + crlfTest + ":pkg\\main_test.go\n" + magefile + ":Magefile.go\n\n"
	if stale {
		f.src["pkg/extra.go"] = "package main\n"
		manifest = strings.Replace(manifest, lf, strings.Repeat("0", 64), 1) + strings.Repeat("1", 64) + ":pkg/gone.go\n"
	}
	f.set("go_plugin_build_manifest", manifest)
}

// lineEndingHashesOf is lineEndingHashes for in-memory content.
func lineEndingHashesOf(b []byte) (string, string, error) {
	tmp, err := os.CreateTemp("", "plugincheck-hash-")
	if err != nil {
		return "", "", err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		return "", "", err
	}
	if err := tmp.Close(); err != nil {
		return "", "", err
	}
	return lineEndingHashes(tmp.Name())
}

// assertDiagnostics checks that every wanted diagnostic is present and
// that no other error or warning was reported (the "unsigned plugin"
// warning of an unsigned fixture aside).
func assertDiagnostics(t *testing.T, r Report, wants []want, signed bool) {
	t.Helper()
	matched := make([]bool, len(r.Diagnostics))
	for _, w := range wants {
		found := false
		for i, d := range r.Diagnostics {
			if d.Rule == w.rule && d.Severity == w.sev && strings.Contains(d.Title+" | "+d.Detail, w.text) {
				matched[i], found = true, true
			}
		}
		if !found {
			t.Errorf("missing %s [%s] containing %q; got:%s", w.rule, w.sev, w.text, rulesOf(r))
		}
	}
	for i, d := range r.Diagnostics {
		if matched[i] {
			continue
		}
		if d.Rule == "unsigned-plugin" && !signed {
			continue
		}
		if d.Severity == SeverityError || d.Severity == SeverityWarning || d.Severity == SeverityRecommendation {
			t.Errorf("unexpected %s/%s [%s] %s | %s", d.Analyzer, d.Rule, d.Severity, d.Title, d.Detail)
		}
	}
	if !signed && !hasSkip(r, "manifest", SkipBlocked) && !hasRule(r, "unsigned-plugin") {
		t.Errorf("an unsigned archive must get the unsigned-plugin warning; got:%s", rulesOf(r))
	}
}

func hasRule(r Report, rule string) bool {
	for _, d := range r.Diagnostics {
		if d.Rule == rule {
			return true
		}
	}
	return false
}

func hasSkip(r Report, analyzer string, kind SkipKind) bool {
	for _, s := range r.Skipped {
		if s.Analyzer == analyzer && s.Kind == kind {
			return true
		}
	}
	return false
}

func TestCheckSkipsAreReported(t *testing.T) {
	zipPath, _ := newFixture(t).build(t)
	r, err := Check(context.Background(), zipPath, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{"jsMap", "packagejson", "buildtools", "sdkusage", "go-manifest", "legacybuilder"} {
		if !hasSkip(r, a, SkipNoSource) {
			t.Errorf("%s should be skipped for lack of source", a)
		}
	}
	for _, a := range []string{"virusscan", "legacyplatform", "signature", "trackingscripts", "osv-scanner"} {
		if !hasSkip(r, a, SkipExternal) {
			t.Errorf("%s should be listed as an external skip", a)
		}
	}
	if r.PluginID != appID || r.PluginVersion != "1.0.0" {
		t.Errorf("id/version = %q/%q", r.PluginID, r.PluginVersion)
	}
	if r.ExitCode() != 0 {
		t.Errorf("exit code = %d, want 0 (only a warning)", r.ExitCode())
	}
	r.Strict = true
	if r.ExitCode() != 1 {
		t.Errorf("strict exit code = %d, want 1 (the unsigned warning)", r.ExitCode())
	}
}

func TestCheckChecksum(t *testing.T) {
	zipPath, _ := newFixture(t).build(t)
	b, err := os.ReadFile(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	sum := md5.Sum(b)
	for _, tc := range []struct {
		checksum, rule string
	}{
		{strings.ToUpper(hex.EncodeToString(sum[:])) + "  plugin.zip", ""},
		{strings.Repeat("a", 32), "checksum-invalid"},
		{strings.Repeat("a", 40), "checksum-invalid"},
		{"abc", "checksum-format-error"},
	} {
		r, err := Check(context.Background(), zipPath, Options{Checksum: tc.checksum})
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		for _, d := range r.Diagnostics {
			if d.Analyzer == "checksum" {
				got = d.Rule
			}
		}
		if got != tc.rule {
			t.Errorf("checksum %q: rule %q, want %q", tc.checksum, got, tc.rule)
		}
	}
}

func TestCheckRejectsBadArchives(t *testing.T) {
	f := newFixture(t)
	f.extra["../evil.txt"] = fileEntry{[]byte("x"), 0o644}
	zipPath, _ := f.build(t)
	if _, err := Check(context.Background(), zipPath, Options{}); err == nil || !strings.Contains(err.Error(), "illegal file path") {
		t.Errorf("zip-slip archive: err = %v", err)
	}

	notZip := t.TempDir() + "/plugin.zip"
	if err := os.WriteFile(notZip, []byte("not a zip"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Check(context.Background(), notZip, Options{}); err == nil {
		t.Error("non-zip archive: want an error")
	}

	empty := &fixture{top: appID, files: map[string]fileEntry{}, extra: map[string]fileEntry{}}
	zipPath, _ = empty.build(t)
	r, err := Check(context.Background(), zipPath, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !hasRule(r, "empty-archive") {
		t.Errorf("empty archive:%s", rulesOf(r))
	}
}
