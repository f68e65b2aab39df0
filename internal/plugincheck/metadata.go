package plugincheck

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// Metadata holds the plugin.json fields the analyzers read. Unknown fields
// are ignored here; metadatavalid checks the full document.
type Metadata struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Type string `json:"type"`
	Info struct {
		Author struct {
			URL string `json:"url"`
		} `json:"author"`
		Screenshots []struct {
			Name string `json:"name"`
			Path string `json:"path"`
		} `json:"screenshots"`
		Logos struct {
			Small string `json:"small"`
			Large string `json:"large"`
		} `json:"logos"`
		Links []struct {
			Name string `json:"name"`
			URL  string `json:"url"`
		} `json:"links"`
		Version     string   `json:"version"`
		Keywords    []string `json:"keywords"`
		Description string   `json:"description"`
	} `json:"info"`
	Includes []struct {
		Type string `json:"type"`
		Path string `json:"path"`
	} `json:"includes"`
	Executable   string `json:"executable"`
	Backend      bool   `json:"backend"`
	Alerting     bool   `json:"alerting"`
	Dependencies struct {
		GrafanaDependency string `json:"grafanaDependency"`
		Plugins           []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
			Type string `json:"type"`
		} `json:"plugins"`
	} `json:"dependencies"`
	DocsPath string `json:"docsPath"`
}

// runArchive checks the archive layout: exactly one top-level directory,
// and no dist/ inside it.
func runArchive(p *pass) error {
	const a = "archive"
	entries, err := os.ReadDir(p.ex.root)
	if err != nil {
		return fmt.Errorf("list archive root: %w", err)
	}
	switch {
	case len(entries) == 0:
		p.add(a, "empty-archive", SeverityError, "Archive is empty", "")
		return nil
	case len(entries) != 1:
		p.add(a, "more-than-one-dir", SeverityError, "Archive contains more than one directory",
			fmt.Sprintf("Archive should contain only one directory named after plugin id. Found %d directories. Please see https://grafana.com/developers/plugin-tools/publish-a-plugin/package-a-plugin for more information on how to package a plugin.", len(entries)))
		return nil
	case !entries[0].IsDir():
		p.add(a, "no-root-dir", SeverityError, "archive does not contain a root directory", "")
		return nil
	}
	p.archiveDir = filepath.Join(p.ex.root, entries[0].Name())
	dist := filepath.Join(p.archiveDir, "dist")
	if fi, err := os.Stat(dist); err == nil && fi.IsDir() {
		p.add(a, "dist", SeverityError,
			"dist should be renamed to plugin id and moved to root. Please see https://grafana.com/developers/plugin-tools/publish-a-plugin/package-a-plugin for more information on how to package a plugin.", "")
		// Like the official analyzer, keep going with dist as the root so
		// the remaining rules still say something useful.
		p.archiveDir = dist
	}
	return nil
}

// runMetadata reads the main plugin.json. Invalid JSON yields no
// diagnostic here (nestedmetadata reports it) but blocks dependents.
func runMetadata(p *pass) error {
	b, ok, err := p.readPluginFile("plugin.json")
	if err != nil {
		return err
	}
	if !ok {
		p.add("metadata", "missing-metadata", SeverityError, "missing plugin.json", "")
		return nil
	}
	p.metaRaw = b
	var m Metadata
	if json.Unmarshal(b, &m) == nil {
		p.meta = &m
	}
	return nil
}

// runNestedMetadata parses every plugin.json in the archive, keyed by its
// path relative to archiveDir.
func runNestedMetadata(p *pass) error {
	const a = "nestedmetadata"
	files, err := p.globPlugin("plugin.json")
	if err != nil {
		p.add(a, "error-reading-metadata", SeverityError, "Error reading plugin.json files", err.Error())
		return nil
	}
	if len(files) == 0 {
		p.add(a, "missing-metadata", SeverityError, "missing plugin.json", "")
		return nil
	}
	out := map[string]*Metadata{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return fmt.Errorf("read %s: %w", p.rel(f), err)
		}
		var m Metadata
		if err := json.Unmarshal(b, &m); err != nil {
			p.add(a, "invalid-metadata", SeverityError, "Invalid plugin.json in your archive.",
				fmt.Sprintf("%s: %v", p.inPlugin(f), err))
			return nil
		}
		out[p.inPlugin(f)] = &m
	}
	p.nested = out
	p.nestedKeys = sortedKeys(out)
	return nil
}

// sortedKeys returns the plugin.json keys with the main one first, so
// reports come out in a stable order (the official one uses map order).
func sortedKeys(m map[string]*Metadata) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if (keys[i] == "plugin.json") != (keys[j] == "plugin.json") {
			return keys[i] == "plugin.json"
		}
		return keys[i] < keys[j]
	})
	return keys
}

// runModuleJS requires at least one module.js and keeps their contents.
func runModuleJS(p *pass) error {
	files, err := p.globPlugin("module.js")
	if err != nil {
		return err
	}
	if len(files) == 0 {
		p.add("modulejs", "missing-modulejs", SeverityError, "missing module.js", "")
		return nil
	}
	p.modules = map[string][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return fmt.Errorf("read %s: %w", p.rel(f), err)
		}
		p.modules[p.inPlugin(f)] = b
	}
	return nil
}

// runArchiveName requires the root directory to be named after the id.
func runArchiveName(p *pass) error {
	const a = "archivename"
	base := filepath.Base(p.archiveDir)
	if base == "dist" {
		p.add(a, "no-ident-root-dir", SeverityError,
			fmt.Sprintf("Archive root directory named dist. It should contain a directory named %s", p.meta.ID), "")
	}
	if p.meta.ID != "" && base != p.meta.ID {
		p.add(a, "no-ident-root-dir", SeverityError,
			fmt.Sprintf("Archive should contain a directory named %s", p.meta.ID), "")
	}
	return nil
}
