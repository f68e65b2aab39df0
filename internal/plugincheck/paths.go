package plugincheck

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// runLogos requires a non-empty small and large logo in every plugin.json.
// Whether the files exist is metadatapaths' job.
func runLogos(p *pass) error {
	for _, k := range p.nestedKeys {
		m := p.nested[k]
		if strings.TrimSpace(m.Info.Logos.Small) == "" {
			p.add("logos", "logos", SeverityError, "plugin.json: invalid empty small logo path for "+k, "")
		}
		if strings.TrimSpace(m.Info.Logos.Large) == "" {
			p.add("logos", "logos", SeverityError, "plugin.json: invalid empty large logo path for "+k, "")
		}
	}
	return nil
}

// runMetadataPaths checks the screenshot and logo paths of every
// plugin.json: relative, not starting with '.' or '/', and present,
// resolved against the directory of that plugin.json.
func runMetadataPaths(p *pass) error {
	const a = "metadatapaths"
	for _, k := range p.nestedKeys {
		m := p.nested[k]
		type ref struct{ kind, path string }
		var refs []ref
		for _, s := range m.Info.Screenshots {
			refs = append(refs, ref{"screenshot", s.Path})
		}
		refs = append(refs, ref{"small logo", m.Info.Logos.Small}, ref{"large logo", m.Info.Logos.Large})

		for _, r := range refs {
			u, err := url.Parse(r.path)
			switch {
			case err != nil:
				p.add(a, "invalid-path", SeverityError, fmt.Sprintf("plugin.json: invalid %s path: %s", r.kind, r.path), "")
				continue
			case u.Scheme != "":
				p.add(a, "path-relative-to-metadata", SeverityError,
					fmt.Sprintf("plugin.json: %s path should be relative to plugin.json: %s", r.kind, r.path), "")
				continue
			case strings.HasPrefix(r.path, ".") || strings.HasPrefix(r.path, "/"):
				p.add(a, "invalid-relative-path", SeverityError,
					fmt.Sprintf("plugin.json: relative %s path should not start with '.' or '/': %s", r.kind, r.path), "")
				continue
			}
			// An empty path resolves to the plugin.json directory, which
			// exists; logos reports empty logo paths.
			rel := path.Join(path.Dir(k), r.path)
			if _, err := os.Stat(filepath.Join(p.archiveDir, filepath.FromSlash(rel))); err != nil {
				if !isMissing(err) {
					return fmt.Errorf("stat %s: %w", rel, err)
				}
				p.add(a, "path-not-exists", SeverityError,
					fmt.Sprintf("plugin.json: %s path doesn't exists: %s", r.kind, rel), "")
			}
		}
	}
	return nil
}

// runScreenshots wants at least one screenshot in the main plugin.json,
// each a real PNG, JPEG, GIF or SVG whose extension matches its content.
func runScreenshots(p *pass) error {
	const a = "screenshots"
	shots := p.meta.Info.Screenshots
	if len(shots) == 0 {
		p.add(a, "screenshots", SeverityWarning, "plugin.json: should include screenshots for the Plugin catalog",
			"Screenshots are displayed in the Plugin catalog. Please add at least one screenshot to your plugin.json.")
		return nil
	}
	const unsupported = "The screenshot image is of an unsupported format."
	for _, s := range shots {
		if strings.TrimSpace(s.Path) == "" {
			p.add(a, "screenshots", SeverityWarning, fmt.Sprintf("plugin.json: invalid empty screenshot path: %q", s.Name), "")
			continue
		}
		abs := filepath.Join(p.archiveDir, filepath.FromSlash(s.Path))
		sniffed, err := sniffImage(abs)
		if err != nil {
			p.add(a, "screenshots-image-type", SeverityError, fmt.Sprintf("invalid screenshot path: %q", p.rel(abs)), unsupported)
			continue
		}
		switch sniffed {
		case "image/jpeg", "image/png", "image/gif", "image/svg+xml":
		default:
			p.add(a, "screenshots-image-type", SeverityError,
				fmt.Sprintf("invalid screenshot image: %q (detected %s)", s.Path, sniffed), unsupported)
			continue
		}
		byExt, _, _ := mime.ParseMediaType(mime.TypeByExtension(filepath.Ext(s.Path)))
		if byExt != sniffed {
			p.add(a, "screenshots-image-type", SeverityError,
				fmt.Sprintf("screenshot image has extension mismatch: %q (content is %s)", s.Path, sniffed), unsupported)
		}
	}
	return nil
}

// sniffImage returns the media type of the file's first 512 bytes, with
// text that contains "<svg" counted as SVG (DetectContentType has no SVG
// signature).
func sniffImage(abs string) (string, error) {
	f, err := os.Open(abs)
	if err != nil {
		return "", err
	}
	defer f.Close()
	buf := make([]byte, 512)
	n, err := io.ReadFull(f, buf)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return "", err
	}
	buf = buf[:n]
	ct, _, _ := mime.ParseMediaType(http.DetectContentType(buf))
	if (ct == "text/plain" || ct == "text/xml") && strings.Contains(string(buf), "<svg") {
		return "image/svg+xml", nil
	}
	return ct, nil
}

// runIncludesNested requires every nested plugin to be declared in the
// app's includes with the same type and the exact archive path.
func runIncludesNested(p *pass) error {
	const a = "includesnested"
	if len(p.nested) <= 1 {
		return nil
	}
	main, ok := p.nested["plugin.json"]
	if !ok {
		return nil
	}
	if main.Type != "app" {
		p.add(a, "nested-plugin-id-in-non-app", SeverityError,
			fmt.Sprintf("Nested plugins are not allowed on plugins type %s", main.Type), "")
		return nil
	}
	for _, k := range p.nestedKeys {
		if k == "plugin.json" {
			continue
		}
		idx := -1
		for i, inc := range main.Includes {
			if inc.Path == k {
				idx = i
				break
			}
		}
		switch {
		case idx < 0:
			p.add(a, "nested-plugins-not-declared", SeverityError,
				fmt.Sprintf("Nested plugin %s is not declared parent plugin.json", k),
				fmt.Sprintf(`Add {"type": %q, "path": %q} to the includes of the main plugin.json.`, p.nested[k].Type, k))
		case main.Includes[idx].Type == "":
			p.add(a, "nested-plugin-missing-type", SeverityError, fmt.Sprintf("Nested plugin %s is missing type", k), "")
		case main.Includes[idx].Type != p.nested[k].Type:
			p.add(a, "nested-plugin-type-missmatch", SeverityError, fmt.Sprintf("Nested plugin %s has a type missmatch", k),
				fmt.Sprintf("includes says %q, %s says %q", main.Includes[idx].Type, k, p.nested[k].Type))
		}
	}
	return nil
}
