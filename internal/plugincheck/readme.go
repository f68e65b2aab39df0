package plugincheck

import (
	"fmt"
	"regexp"
	"strings"
)

var (
	// The official regex has no (?s): only single-line comments count.
	readmeCommentRe  = regexp.MustCompile(`<!--(.*?)-->`)
	templateReadmeRe = regexp.MustCompile(`(?i)Grafana (Panel|Data Source|Datasource|App|Data Source Backend) Plugin Template`)
	markdownLinkRe   = regexp.MustCompile(`\[.+?\]\((.+?)\)`)
)

// readme returns README.md, or nil if missing. The file is read once per
// analyzer; it is small.
func (p *pass) readme() ([]byte, error) {
	b, _, err := p.readPluginFile("README.md")
	return b, err
}

func runReadme(p *pass) error {
	const a = "readme"
	b, ok, err := p.readPluginFile("README.md")
	if err != nil {
		return err
	}
	switch {
	case !ok:
		p.add(a, "missing-readme", SeverityError, "missing README.md", "A README.md is shown on the plugin's catalog page.")
	case strings.TrimSpace(string(b)) == "":
		p.add(a, "missing-readme", SeverityError, "README.md is empty", "")
	case readmeCommentRe.Match(b):
		p.add(a, "readme-comment", SeverityWarning, "README.md contains comment(s).",
			"HTML comments are shown verbatim in the Plugin catalog; remove them.")
	}
	return nil
}

func runTemplateReadme(p *pass) error {
	b, err := p.readme()
	if err != nil {
		return err
	}
	if templateReadmeRe.Match(b) {
		p.add("templatereadme", "template-readme", SeverityError, "README.md: uses README from template",
			"The README still has the create-plugin template's title; describe your plugin instead.")
	}
	return nil
}

// runJargon flags words aimed at developers, case-sensitively and
// anywhere (URLs included), like the official analyzer.
func runJargon(p *pass) error {
	b, err := p.readme()
	if err != nil {
		return err
	}
	var found []string
	for _, w := range []string{"yarn", "nodejs"} {
		if strings.Contains(string(b), w) {
			found = append(found, w)
		}
	}
	if len(found) > 0 {
		p.add("jargon", "developer-jargon", SeverityWarning,
			fmt.Sprintf("README.md contains developer jargon: (%s)", strings.Join(found, ", ")),
			"The README is for plugin users; move build instructions elsewhere.")
	}
	return nil
}

func runChangelog(p *pass) error {
	b, ok, err := p.readPluginFile("CHANGELOG.md")
	if err != nil {
		return err
	}
	switch {
	case !ok:
		p.add("changelog", "missing-changelog", SeverityWarning, "missing CHANGELOG.md", "")
	case strings.TrimSpace(string(b)) == "":
		p.add("changelog", "missing-changelog", SeverityWarning, "CHANGELOG.md is empty", "")
	}
	return nil
}

// runBrokenLinks does the offline half of brokenlinks: README links must
// be absolute, since the catalog renders the README away from the repo.
// Fetching each link is skipped (see externalSkips).
func runBrokenLinks(p *pass) error {
	b, err := p.readme()
	if err != nil {
		return err
	}
	for _, m := range markdownLinkRe.FindAllSubmatch(b, -1) {
		fields := strings.Fields(string(m[1]))
		if len(fields) == 0 {
			continue
		}
		target := fields[0]
		if strings.HasPrefix(target, "#") || strings.HasPrefix(target, "mailto:") {
			continue
		}
		if !strings.HasPrefix(target, "http://") && !strings.HasPrefix(target, "https://") {
			p.add("brokenlinks", "relative-link", SeverityError, "README.md: convert relative link to absolute: "+target,
				"Relative links break when the README is shown in the Plugin catalog.")
		}
	}
	return nil
}
