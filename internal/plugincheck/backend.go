package plugincheck

import (
	"debug/buildinfo"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// runBackendBinary checks the backend declaration and that a linux/amd64
// Go binary is shipped. Like the official analyzer it stops at the first
// finding.
func runBackendBinary(p *pass) error {
	const a = "backendbinary"
	for _, k := range p.nestedKeys {
		m := p.nested[k]
		switch {
		case m.Alerting && !m.Backend:
			p.add(a, "alerting-found-but-backend-false", SeverityError, "Found alerting in plugin.json but backend=false",
				k+` sets "alerting": true, which needs a backend ("backend": true and an executable).`)
			return nil
		case m.Executable != "" && !m.Backend:
			p.add(a, "backend-found-but-not-declared", SeverityError, "Found executable in plugin.json but backend=false",
				k+` declares an executable; set "backend": true.`)
			return nil
		case m.Backend && m.Executable == "":
			p.add(a, "backend-binary-mission", SeverityError, "Missing executable in plugin.json",
				k+` sets "backend": true without "executable".`)
			return nil
		case m.Executable == "":
			continue
		}
		dir := filepath.Join(p.archiveDir, filepath.FromSlash(path.Dir(k)), filepath.FromSlash(path.Dir(m.Executable)))
		matches, err := filepath.Glob(filepath.Join(dir, globEscape(path.Base(m.Executable))+"*"))
		if err != nil {
			return fmt.Errorf("glob backend binaries for %s: %w", k, err)
		}
		if len(matches) == 0 {
			p.add(a, "backend-binary-mission", SeverityError, "Missing backend binaries in your plugin archive",
				fmt.Sprintf("No file matching %s* next to %s.", m.Executable, k))
			return nil
		}
		if !anyLinuxAMD64(matches) {
			p.add(a, "backend-binary-not-linux-amd64", SeverityError, "Missing linux/amd64 backend binary",
				fmt.Sprintf("None of the %d files matching %s* is a Go binary built for GOOS=linux GOARCH=amd64.", len(matches), m.Executable))
			return nil
		}
	}
	return nil
}

// anyLinuxAMD64 reports whether one of files is a Go binary whose embedded
// build info says linux/amd64. The file name is not trusted.
func anyLinuxAMD64(files []string) bool {
	for _, f := range files {
		info, err := buildinfo.ReadFile(f)
		if err != nil {
			continue // not a Go binary (or not a binary at all)
		}
		var goos, goarch string
		for _, s := range info.Settings {
			switch s.Key {
			case "GOOS":
				goos = s.Value
			case "GOARCH":
				goarch = s.Value
			}
		}
		if goos == "linux" && goarch == "amd64" {
			return true
		}
	}
	return false
}

func globEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `*`, `\*`, `?`, `\?`, `[`, `\[`)
	return r.Replace(s)
}

// runBinaryPermissions requires every backend binary (except .exe) to be
// stored with mode exactly 0755. The mode is read from the ZIP entry: the
// official check stats the extracted file, whose mode the umask has
// already masked, so 0775 or 0777 would slip through there but cause
// trouble elsewhere.
func runBinaryPermissions(p *pass) error {
	const a = "binarypermissions"
	for _, k := range p.nestedKeys {
		m := p.nested[k]
		if m.Executable == "" {
			continue
		}
		dir := filepath.Join(p.archiveDir, filepath.FromSlash(path.Dir(k)), filepath.FromSlash(path.Dir(m.Executable)))
		prefix := path.Base(m.Executable)
		var found []string
		err := filepath.WalkDir(dir, func(f string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.Type().IsRegular() && strings.HasPrefix(d.Name(), prefix) {
				found = append(found, f)
			}
			return nil
		})
		if err != nil && !isMissing(err) {
			p.add(a, "archive-files-error", SeverityError, "Error reading archive files", err.Error())
			continue
		}
		if len(found) == 0 {
			p.add(a, "binary-executable-found", SeverityError,
				fmt.Sprintf("No binary found for `executable` %s defined in %s", m.Executable, k), "")
			continue
		}
		sort.Strings(found)
		for _, f := range found {
			if strings.HasSuffix(f, ".exe") {
				continue
			}
			mode, _ := p.ex.mode(f)
			if mode.Perm() != 0o755 || !mode.IsRegular() {
				p.add(a, "binary-executable-permissions", SeverityError,
					fmt.Sprintf("Permissions for binary executable %s are incorrect (%#o found).", filepath.Base(f), mode.Perm()),
					fmt.Sprintf("The binary %s must have exact permissions 0755 (-rwxr-xr-x) in the archive.", p.rel(f)))
			}
		}
	}
	return nil
}

// runBackendDebug rejects the files the SDK writes when a backend runs in
// standalone debug mode.
func runBackendDebug(p *pass) error {
	hasExecutable := false
	for _, m := range p.nested {
		hasExecutable = hasExecutable || m.Executable != ""
	}
	if !hasExecutable {
		return nil
	}
	files, err := p.walkPlugin()
	if err != nil {
		return err
	}
	for _, f := range files {
		if b := filepath.Base(f); b == "standalone.txt" || b == "pid.txt" {
			p.add("backenddebug", "backend-debug-file-present", SeverityError, "found standalone backend file",
				fmt.Sprintf("%s is written by a backend running in debug/standalone mode; remove it from the archive.", p.rel(f)))
		}
	}
	return nil
}
