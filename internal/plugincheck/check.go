package plugincheck

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// Options configures Check.
type Options struct {
	// SourceDir is the plugin's repository root. When set, the
	// source-dependent analyzers (jsMap, packagejson, legacybuilder,
	// buildtools, sdkusage, go-manifest) run.
	SourceDir string
	// Strict makes warnings fail the run (Report.ExitCode). Like the
	// official -strict flag it changes no severity.
	Strict bool
	// Checksum, when set, is an MD5 (32 hex) or SHA1 (40 hex) digest the
	// archive must match.
	Checksum string
}

// needs are the prerequisites of an analyzer. The official runner skips an
// analyzer whose required analyzer produced no result; here the
// prerequisites are explicit flags checked before each run.
type needs uint8

const (
	needArchive needs = 1 << iota // a usable archive root directory
	needMeta                      // the main plugin.json parsed
	needNested                    // every plugin.json parsed
	needSource                    // Options.SourceDir set
)

type analyzer struct {
	name  string
	needs needs
	run   func(p *pass) error
}

// analyzers lists what this checker runs, in order. The prerequisites
// (archive, metadata, nestedmetadata, modulejs) come first; the rest
// follow the official order so reports read the same way each time.
var analyzers = []analyzer{
	{"archive", 0, runArchive},
	{"metadata", needArchive, runMetadata},
	{"nestedmetadata", needArchive, runNestedMetadata},
	{"modulejs", needArchive, runModuleJS},
	{"archivename", needArchive | needMeta, runArchiveName},
	{"backendbinary", needArchive | needNested, runBackendBinary},
	{"backenddebug", needArchive | needNested, runBackendDebug},
	{"binarypermissions", needArchive | needNested, runBinaryPermissions},
	{"brokenlinks", needArchive | needMeta, runBrokenLinks},
	{"buildtools", needSource, runBuildTools},
	{"changelog", needArchive, runChangelog},
	{"sponsorshiplink", needMeta, runSponsorshipLink},
	{"checksum", 0, runChecksum},
	{"discoverability", needMeta, runDiscoverability},
	{"go-manifest", needArchive | needMeta | needSource, runGoManifest},
	{"includesnested", needArchive | needNested, runIncludesNested},
	{"jargon", needArchive, runJargon},
	{"jsMap", needArchive | needMeta | needSource, runJSMap},
	{"legacybuilder", needSource, runLegacyBuilder},
	{"license", needArchive, runLicense},
	{"logos", needArchive | needNested, runLogos},
	{"manifest", needArchive, runManifest},
	{"metadatapaths", needArchive | needNested, runMetadataPaths},
	{"metadatavalid", needArchive, runMetadataValid},
	{"packagejson", needMeta | needSource, runPackageJSON},
	{"pluginname", needMeta, runPluginName},
	{"readme", needArchive, runReadme},
	{"restrictivedep", needMeta, runRestrictiveDep},
	{"screenshots", needArchive | needMeta, runScreenshots},
	{"sdkusage", needNested | needSource, runSDKUsage},
	{"templatereadme", needArchive, runTemplateReadme},
	{"typesuffix", needMeta, runTypeSuffix},
	{"unsafesvg", needArchive, runUnsafeSVG},
	{"version", needMeta, runVersion},
	{"circulardependencies", needNested, runCircularDependencies},
	{"grafanadependency", needMeta, runGrafanaDependency},
}

// pass is the shared state of one Check run.
type pass struct {
	ctx  context.Context
	opts Options

	archivePath string
	ex          *extracted // the unpacked archive

	// archiveDir is the absolute path of the plugin root inside the
	// extraction (<tmp>/<top> or <tmp>/<top>/dist); empty when the layout
	// is unusable.
	archiveDir string
	// metaRaw and meta are the main plugin.json; meta is nil when missing
	// or unparseable.
	metaRaw []byte
	meta    *Metadata
	// nested maps "plugin.json", "datasource/plugin.json", ... to the
	// parsed files; nil when any of them failed to parse.
	nested     map[string]*Metadata
	nestedKeys []string // sorted, "plugin.json" first
	// modules maps module.js paths (relative to archiveDir) to content.
	modules map[string][]byte

	report *Report
}

// Check unpacks the plugin archive at archivePath into a temporary
// directory and runs every offline analyzer on it. An error is returned
// only when the check itself could not be carried out (unreadable or
// malicious archive, I/O failure); problems with the plugin are
// diagnostics in the Report.
func Check(ctx context.Context, archivePath string, opts Options) (Report, error) {
	report := Report{Strict: opts.Strict}
	if opts.SourceDir != "" {
		abs, err := filepath.Abs(opts.SourceDir)
		if err != nil {
			return report, fmt.Errorf("resolve source dir: %w", err)
		}
		if fi, err := os.Stat(abs); err != nil || !fi.IsDir() {
			return report, fmt.Errorf("source dir %s is not a directory", opts.SourceDir)
		}
		opts.SourceDir = abs
	}

	tmp, err := os.MkdirTemp("", "plugincheck-")
	if err != nil {
		return report, fmt.Errorf("create temp dir: %w", err)
	}
	defer os.RemoveAll(tmp)

	ex, err := extract(ctx, archivePath, tmp)
	if err != nil {
		return report, fmt.Errorf("extract %s: %w", archivePath, err)
	}

	p := &pass{ctx: ctx, opts: opts, archivePath: archivePath, ex: ex, report: &report}
	for _, a := range analyzers {
		if err := ctx.Err(); err != nil {
			return report, err
		}
		if reason, kind, ok := p.ready(a.needs); !ok {
			report.Skipped = append(report.Skipped, Skipped{Analyzer: a.name, Kind: kind, Reason: reason})
			continue
		}
		if err := a.run(p); err != nil {
			return report, fmt.Errorf("analyzer %s: %w", a.name, err)
		}
	}
	report.Skipped = append(report.Skipped, externalSkips()...)
	if p.meta != nil {
		report.PluginID, report.PluginVersion = p.meta.ID, p.meta.Info.Version
	}
	return report, nil
}

// ready reports whether the prerequisites in n are met, and if not, why.
func (p *pass) ready(n needs) (string, SkipKind, bool) {
	if n&(needMeta|needNested) != 0 {
		n |= needArchive // plugin.json files are read from the archive root
	}
	switch {
	case n&needArchive != 0 && p.archiveDir == "":
		return "the archive has no usable plugin root directory", SkipBlocked, false
	case n&needMeta != 0 && p.meta == nil:
		return "the main plugin.json is missing or not valid JSON", SkipBlocked, false
	case n&needNested != 0 && p.nested == nil:
		return "a plugin.json in the archive is missing or not valid JSON", SkipBlocked, false
	case n&needSource != 0 && p.opts.SourceDir == "":
		return "needs the plugin source code (-source DIR)", SkipNoSource, false
	}
	return "", "", true
}

// add records a diagnostic for analyzer a.
func (p *pass) add(a, rule string, sev Severity, title, detail string) {
	p.report.Diagnostics = append(p.report.Diagnostics, Diagnostic{
		Analyzer: a, Rule: rule, Severity: sev, Title: title, Detail: detail,
	})
}

// rel returns abs as a slash path inside the archive (for example
// "my-plugin/img/logo.svg"). Titles use it instead of the random temp path.
func (p *pass) rel(abs string) string {
	r, err := filepath.Rel(p.ex.root, abs)
	if err != nil {
		return abs
	}
	return filepath.ToSlash(r)
}

// inPlugin returns abs relative to archiveDir, as a slash path.
func (p *pass) inPlugin(abs string) string {
	r, err := filepath.Rel(p.archiveDir, abs)
	if err != nil {
		return abs
	}
	return filepath.ToSlash(r)
}

// readPluginFile reads a file relative to archiveDir. A missing file is
// reported as (nil, false, nil).
func (p *pass) readPluginFile(name string) ([]byte, bool, error) {
	b, err := os.ReadFile(filepath.Join(p.archiveDir, filepath.FromSlash(name)))
	if err != nil {
		if isMissing(err) {
			return nil, false, nil
		}
		return nil, false, fmt.Errorf("read %s: %w", name, err)
	}
	return b, true, nil
}

// walkPlugin lists every regular file under archiveDir, as absolute paths
// in lexical order.
func (p *pass) walkPlugin() ([]string, error) {
	var files []string
	err := filepath.WalkDir(p.archiveDir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("walk archive: %w", err)
	}
	return files, nil
}

// globPlugin returns the files under archiveDir whose base name is name
// (the official "**/<name>" glob).
func (p *pass) globPlugin(name string) ([]string, error) {
	files, err := p.walkPlugin()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, f := range files {
		if filepath.Base(f) == name {
			out = append(out, f)
		}
	}
	return out, nil
}

// isMissing reports whether err means the file is not there, including
// the case where a parent path component is a file.
func isMissing(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}
