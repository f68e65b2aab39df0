package plugincheck

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Analyzers that compare the archive with the plugin's source code
// (Options.SourceDir).

const sdkModule = "github.com/grafana/grafana-plugin-sdk-go"

// sourceMap is the part of a v3 source map jsMap reads.
type sourceMap struct {
	Sources        []string  `json:"sources"`
	SourcesContent []*string `json:"sourcesContent"`
}

// runJSMap requires a module.js.map next to every module.js and checks
// that each first-party source embedded in it is identical to
// <src>/src/<name>, so reviewers can trust the source they read.
func runJSMap(p *pass) error {
	const a = "jsMap"
	if len(p.modules) == 0 {
		return nil
	}
	modules := make([]string, 0, len(p.modules))
	for m := range p.modules {
		modules = append(modules, m)
	}
	sort.Strings(modules)

	missing := false
	for _, m := range modules {
		if _, ok, err := p.readPluginFile(m + ".map"); err != nil {
			return err
		} else if !ok {
			p.add(a, "js-map-not-found", SeverityError, fmt.Sprintf("missing %s.map in archive", m),
				"Every module.js needs its source map so the bundle can be compared with the source code.")
			missing = true
		}
	}
	if missing {
		return nil
	}
	rootID := p.meta.ID
	if rootID == "" {
		p.add(a, "js-map-invalid", SeverityError, "could not read the plugin id to validate source maps", "")
		return nil
	}
	// Webpack names sources webpack://<id>/<path relative to src>; nested
	// plugins are built in the same webpack run, so their maps use the
	// root plugin's id as well.
	prefixRe := regexp.MustCompile(`^(webpack://` + regexp.QuoteMeta(rootID) + `/*|webpack:/*)`)
	for _, m := range modules {
		mapName := m + ".map"
		b, _, err := p.readPluginFile(mapName)
		if err != nil {
			return err
		}
		var sm sourceMap
		if err := json.Unmarshal(b, &sm); err != nil || len(sm.Sources) == 0 || len(sm.Sources) != len(sm.SourcesContent) {
			detail := "sources and sourcesContent must be non-empty arrays of equal length"
			if err != nil {
				detail = err.Error()
			}
			p.add(a, "js-map-invalid", SeverityError, fmt.Sprintf("the sourcemap file %s could not be validated", mapName), detail)
			continue
		}
		var diffs []string
		for i, src := range sm.Sources {
			name := prefixRe.ReplaceAllString(src, "")
			if skipMappedSource(name) {
				continue
			}
			var embedded string
			if sm.SourcesContent[i] != nil {
				embedded = *sm.SourcesContent[i]
			}
			if d, err := compareSource(p.opts.SourceDir, name, embedded); err != nil {
				return err
			} else if d != "" {
				diffs = append(diffs, d)
			}
		}
		if len(diffs) > 0 {
			p.add(a, "js-map-no-match", SeverityError,
				"The provided javascript/typescript source code does not match your plugin archive assets.",
				fmt.Sprintf("%s: %s", mapName, strings.Join(diffs, "; ")))
		}
	}
	return nil
}

// skipMappedSource reports sources that are not the plugin's own code:
// webpack runtime, externals, dependencies and asset modules.
func skipMappedSource(name string) bool {
	for _, prefix := range []string{"external ", "webpack/", "../node_modules", "./node_modules/", "node_modules/"} {
		if strings.HasPrefix(name, prefix) {
			return true
		}
	}
	if strings.Contains(name, "/node_modules/.pnpm/") {
		return true
	}
	if i := strings.IndexByte(name, '?'); i >= 0 {
		name = name[:i]
	}
	switch strings.ToLower(path.Ext(name)) {
	case ".css", ".scss", ".sass", ".less", ".svg", ".json":
		return true
	}
	return false
}

// compareSource returns "" when <srcDir>/src/<name> equals embedded after
// CRLF->LF, otherwise a short description of the difference.
func compareSource(srcDir, name, embedded string) (string, error) {
	rel := path.Clean(strings.TrimPrefix(name, "./"))
	file := filepath.Join(srcDir, "src", filepath.FromSlash(rel))
	b, err := os.ReadFile(file)
	if err != nil {
		if isMissing(err) {
			return "src/" + rel + " not found in the source code", nil
		}
		return "", fmt.Errorf("read %s: %w", file, err)
	}
	have := strings.ReplaceAll(string(b), "\r\n", "\n")
	want := strings.ReplaceAll(embedded, "\r\n", "\n")
	if have == want {
		return "", nil
	}
	return fmt.Sprintf("src/%s differs (first at line %d)", rel, firstDiffLine(have, want)), nil
}

func firstDiffLine(a, b string) int {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			return i + 1
		}
	}
	return min(len(al), len(bl)) + 1
}

type packageJSON struct {
	Version string            `json:"version"`
	Scripts map[string]string `json:"scripts"`
}

func readPackageJSON(srcDir string) (*packageJSON, error) {
	b, err := os.ReadFile(filepath.Join(srcDir, "package.json"))
	if err != nil {
		return nil, err
	}
	var pj packageJSON
	if err := unmarshalJSONC(b, &pj); err != nil {
		return nil, fmt.Errorf("parse package.json: %w", err)
	}
	return &pj, nil
}

// runPackageJSON requires package.json's version to be exactly
// plugin.json's info.version.
func runPackageJSON(p *pass) error {
	const a = "packagejson"
	pj, err := readPackageJSON(p.opts.SourceDir)
	if err != nil {
		p.add(a, "packagejson-not-found", SeverityError, "package.json not found", err.Error())
		return nil
	}
	if pj.Version != p.meta.Info.Version {
		p.add(a, "packagecode-version-mismatch", SeverityError,
			fmt.Sprintf("The version in package.json (%s) doesn't match the version in plugin.json (%s)", pj.Version, p.meta.Info.Version),
			"Build the archive from the commit whose package.json version matches the release.")
	}
	return nil
}

// runLegacyBuilder flags builds that still use the retired
// @grafana/toolkit. The official analyzer means to do this but never
// fires (it type-asserts the wrong type); this checker applies the rule
// as intended.
func runLegacyBuilder(p *pass) error {
	pj, err := readPackageJSON(p.opts.SourceDir)
	if err != nil {
		return nil // packagejson reports it
	}
	names := make([]string, 0, len(pj.Scripts))
	for n := range pj.Scripts {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if strings.Contains(pj.Scripts[n], "grafana-toolkit ") {
			p.add("legacybuilder", "legacy-builder", SeverityError, "The plugin uses the legacy @grafana/toolkit builder",
				fmt.Sprintf("package.json script %q runs grafana-toolkit; migrate to @grafana/create-plugin.", n))
			return nil
		}
	}
	return nil
}

// runBuildTools requires the create-plugin webpack config and, with a Go
// backend, a Magefile using the SDK's build package.
func runBuildTools(p *pass) error {
	const a = "buildtools"
	src := p.opts.SourceDir
	b, err := os.ReadFile(filepath.Join(src, ".config", "webpack", "webpack.config.ts"))
	if err != nil || !bytes.Contains(b, []byte("@grafana/create-plugin")) {
		p.add(a, "non-standard-frontend-build-tooling", SeverityError, "non-standard frontend build tooling",
			".config/webpack/webpack.config.ts from @grafana/create-plugin was not found.")
	}
	if _, err := os.Stat(filepath.Join(src, "go.mod")); err != nil {
		return nil
	}
	ok := false
	for _, name := range []string{"Magefile.go", "magefile.go"} {
		if b, err := os.ReadFile(filepath.Join(src, name)); err == nil && bytes.Contains(b, []byte("grafana-plugin-sdk-go/build")) {
			ok = true
			break
		}
	}
	if !ok {
		p.add(a, "non-standard-backend-build-tooling", SeverityError, "non-standard backend build tooling",
			"go.mod exists, but no Magefile.go importing github.com/grafana/grafana-plugin-sdk-go/build.")
	}
	return nil
}

// runSDKUsage requires a backend to be built with the Grafana plugin SDK,
// unreplaced. Its age check needs the GitHub API and is skipped.
func runSDKUsage(p *pass) error {
	const a = "sdkusage"
	backend := false
	for _, m := range p.nested {
		backend = backend || m.Backend
	}
	if !backend {
		return nil
	}
	b, err := os.ReadFile(filepath.Join(p.opts.SourceDir, "go.mod"))
	if err != nil {
		p.add(a, "go-mod-not-found", SeverityError, "go.mod can not be found in your source code", err.Error())
		return nil
	}
	mod, err := parseGoMod(b)
	if err != nil {
		p.add(a, "go-mod-not-found", SeverityError, "go.mod can not be parsed from your source code", err.Error())
		return nil
	}
	version, ok := mod.Requires[sdkModule]
	switch {
	case !ok:
		p.add(a, "go-sdk-not-used", SeverityError, "Your plugin uses a backend (backend=true), but the Grafana go sdk is not used",
			"go.mod does not require "+sdkModule+".")
		return nil
	case version == "":
		p.add(a, "go-mod-error", SeverityError, "go.mod has no version for "+sdkModule, "")
		return nil
	}
	if to, ok := mod.Replaces[sdkModule]; ok && to != sdkModule {
		p.add(a, "go-sdk-replaced", SeverityError, "The Grafana go sdk is replaced in go.mod",
			fmt.Sprintf("go.mod replaces %s with %s.", sdkModule, to))
	}
	return nil
}

// runGoManifest checks go_plugin_build_manifest against the Go sources.
// The official analyzer runs it only for a backend declared in the MAIN
// plugin.json; a backend that only a nested datasource declares skips it.
func runGoManifest(p *pass) error {
	const a = "go-manifest"
	if !p.meta.Backend {
		return nil
	}
	sources, err := goSources(p.opts.SourceDir)
	if err != nil {
		p.add(a, "invalid-go-manifest", SeverityError, "Invalid Go manifest file", err.Error())
		return nil
	}
	if len(sources) == 0 {
		return nil
	}
	b, ok, err := p.readPluginFile("go_plugin_build_manifest")
	if err != nil {
		return err
	}
	var manifest map[string]string
	if ok {
		manifest, err = parseGoManifest(b)
	}
	if !ok || err != nil {
		detail := "go_plugin_build_manifest is missing from the archive root."
		if err != nil {
			detail = err.Error()
		}
		p.add(a, "no-go-manifest", SeverityError, "Could not find or parse Go manifest file", detail)
		return nil
	}
	issue := func(f, detail string) {
		p.add(a, "go-manifest-issue", SeverityError, "Invalid Go manifest file: "+f, detail)
	}
	for _, f := range sortedStrings(sources) {
		want, listed := manifest[f]
		if !listed {
			issue(f, fmt.Sprintf("file %s is in the source code but not in the manifest", f))
			continue
		}
		lf, crlf, err := lineEndingHashes(filepath.Join(p.opts.SourceDir, filepath.FromSlash(f)))
		if err != nil {
			p.add(a, "invalid-go-manifest", SeverityError, "Invalid Go manifest file", err.Error())
			return nil
		}
		if want != lf && want != crlf {
			issue(f, fmt.Sprintf("sha256sum of %s (%s) does not match manifest", f, lf))
		}
	}
	srcSet := map[string]bool{}
	for _, f := range sources {
		srcSet[f] = true
	}
	for _, f := range sortedStrings(keys(manifest)) {
		if !srcSet[f] {
			issue(f, fmt.Sprintf("%s is in the manifest but not in source code", f))
		}
	}
	return nil
}

// goSources lists every .go file under dir (tests included), as slash
// paths relative to dir, ignoring node_modules.
func goSources(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(f string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == ".git") {
			return filepath.SkipDir
		}
		if d.Type().IsRegular() && strings.HasSuffix(d.Name(), ".go") {
			rel, err := filepath.Rel(dir, f)
			if err != nil {
				return err
			}
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list Go sources: %w", err)
	}
	return out, nil
}

// parseGoManifest reads "<sha256>:<path>" lines.
func parseGoManifest(b []byte) (map[string]string, error) {
	out := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		hash, file, ok := strings.Cut(line, ":")
		if !ok || strings.Contains(file, ":") {
			return nil, fmt.Errorf("go_plugin_build_manifest line %d: want <sha256>:<path>, got %q", n, line)
		}
		file = strings.ReplaceAll(file, `\`, "/")
		// The SDK's manifest generator picks up this vendored file from
		// node_modules; the official check ignores it.
		if file == "node_modules/flatted/golang/pkg/flatted/flatted.go" {
			continue
		}
		out[file] = strings.ToLower(hash)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read go_plugin_build_manifest: %w", err)
	}
	return out, nil
}

// lineEndingHashes returns the sha256 of the file with LF and with CRLF
// line endings, so a manifest built on either OS matches.
func lineEndingHashes(file string) (lf, crlf string, err error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return "", "", fmt.Errorf("read %s: %w", file, err)
	}
	unix := bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
	dos := bytes.ReplaceAll(unix, []byte("\n"), []byte("\r\n"))
	h1, h2 := sha256.Sum256(unix), sha256.Sum256(dos)
	return hex.EncodeToString(h1[:]), hex.EncodeToString(h2[:]), nil
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func sortedStrings(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}
