package plugincheck

import (
	"crypto/md5"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"
	"regexp"
	"strings"
)

// The analyzers in this file read single fields of the main plugin.json.

func runTypeSuffix(p *pass) error {
	m := p.meta
	if m.Type == "" {
		return nil
	}
	parts := strings.Split(m.ID, "-")
	if parts[len(parts)-1] != m.Type {
		p.add("typesuffix", "plugin-type-suffix", SeverityError, "plugin.json: plugin id should end with plugin type",
			fmt.Sprintf("The id %q should end with -%s.", m.ID, m.Type))
	}
	return nil
}

// runPluginName runs unconditionally: the official analyzer skips it for
// published plugins, which needs grafana.com; offline that status is
// "unknown" and it runs too.
func runPluginName(p *pass) error {
	m := p.meta
	if m.ID != "" && m.Name != "" && m.ID == m.Name {
		p.add("pluginname", "human-friendly-name", SeverityError, "plugin.json: plugin name should be human-friendly",
			fmt.Sprintf("The name %q is the plugin id; use a name people will recognise.", m.Name))
	}
	if len(strings.Split(m.ID, "-")) < 3 {
		p.add("pluginname", "invalid-id-format", SeverityWarning, "plugin.json: plugin id should follow the format org-name-type",
			fmt.Sprintf("The id %q has fewer than three dash-separated parts.", m.ID))
	}
	return nil
}

func runDiscoverability(p *pass) error {
	if p.meta.Info.Description == "" {
		p.add("discoverability", "empty-description", SeverityWarning, "plugin.json: description is empty",
			"info.description is used in the catalog and its search.")
	}
	if len(p.meta.Info.Keywords) == 0 {
		p.add("discoverability", "empty-keywords", SeverityWarning, "plugin.json: keywords are empty",
			"info.keywords are used by the catalog search.")
	}
	return nil
}

func runGrafanaDependency(p *pass) error {
	dep := p.meta.Dependencies.GrafanaDependency
	if err := parseConstraint(dep); err != nil {
		p.add("grafanadependency", "invalid-grafana-dependency", SeverityError,
			fmt.Sprintf("plugin.json: dependencies.grafanaDependency field has invalid or empty version constraint: %q", dep),
			err.Error())
	}
	return nil
}

// The dots are unescaped in the official regexes; kept that way so the
// same strings match.
var (
	patchOnlyRe     = regexp.MustCompile(`^[0-9]+.[0-9]+.x$`)
	singleReleaseRe = regexp.MustCompile(`^[0-9]+.[0-9]+.[0-9]+$`)
)

func runRestrictiveDep(p *pass) error {
	dep := p.meta.Dependencies.GrafanaDependency
	switch {
	case dep == "":
	case patchOnlyRe.MatchString(dep):
		p.add("restrictivedep", "depends-on-patch-releases", SeverityWarning,
			"plugin.json: grafanaDependency only targets patch releases of Grafana "+strings.TrimSuffix(dep, ".x"),
			`Use a range such as ">=`+strings.TrimSuffix(dep, ".x")+`.0".`)
	case singleReleaseRe.MatchString(dep):
		p.add("restrictivedep", "depends-on-single-release", SeverityWarning,
			"plugin.json: grafanaDependency only targets Grafana "+dep, `Use a range such as ">=`+dep+`".`)
	}
	return nil
}

func runSponsorshipLink(p *pass) error {
	for _, l := range p.meta.Info.Links {
		if strings.Contains(strings.ToLower(l.Name), "sponsor") {
			return nil
		}
	}
	p.add("sponsorshiplink", "sponsorshiplink", SeverityRecommendation,
		"You can include a sponsorship link if you want users to support your work",
		`Add an info.links entry whose name contains "sponsor" (for example GitHub Sponsors).`)
	return nil
}

// runVersion checks that info.version parses. The official analyzer also
// compares it with the published version on grafana.com; that part needs
// the network and is skipped.
func runVersion(p *pass) error {
	v := p.meta.Info.Version
	if !isLooseVersion(v) {
		p.add("version", "wrong-plugin-version", SeverityError, fmt.Sprintf("Plugin version %q is invalid.", v),
			"info.version must be a version such as 1.2.3 or 1.2.3-beta.1.")
	}
	return nil
}

// runCircularDependencies reports plugins that depend on themselves, or on
// another plugin in the same archive that depends back on them. Checking
// dependencies on grafana.com plugins needs the network and is skipped.
func runCircularDependencies(p *pass) error {
	deps := map[string][]string{}
	for _, k := range p.nestedKeys {
		m := p.nested[k]
		for _, d := range m.Dependencies.Plugins {
			deps[m.ID] = append(deps[m.ID], d.ID)
		}
	}
	for _, k := range p.nestedKeys {
		id := p.nested[k].ID
		for _, dep := range deps[id] {
			if dep == id || contains(deps[dep], id) {
				p.add("circulardependencies", "circular-dependency", SeverityError,
					fmt.Sprintf("Circular dependency detected: %s -> %s", id, dep),
					fmt.Sprintf("%s lists %s in dependencies.plugins, which leads back to %s.", k, dep, id))
			}
		}
	}
	return nil
}

// runChecksum compares the archive's MD5 or SHA1 with Options.Checksum,
// when given. The official flag also accepts a URL; that is not offline.
func runChecksum(p *pass) error {
	want := strings.ToLower(strings.TrimSpace(p.opts.Checksum))
	if want == "" {
		return nil
	}
	if f := strings.Fields(want); len(f) > 0 {
		want = f[0]
	}
	var h hash.Hash
	switch len(want) {
	case 32:
		h = md5.New()
	case 40:
		h = sha1.New()
	default:
		p.add("checksum", "checksum-format-error", SeverityError, "The provided checksum is not a valid MD5 or SHA1 hash",
			fmt.Sprintf("%q has %d characters; expected 32 (MD5) or 40 (SHA1).", want, len(want)))
		return nil
	}
	f, err := os.Open(p.archivePath)
	if err != nil {
		return fmt.Errorf("open archive for checksum: %w", err)
	}
	defer f.Close()
	if _, err := io.Copy(h, f); err != nil {
		return fmt.Errorf("hash archive: %w", err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != want {
		p.add("checksum", "checksum-invalid", SeverityError,
			fmt.Sprintf("The provided checksum %s does not match the plugin archive", want), "The archive hashes to "+got+".")
	}
	return nil
}
