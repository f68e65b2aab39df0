package plugincheck

// externalSkips lists the official analyzers (or parts of them) that need
// the network, an external tool or data this checker does not carry, so
// the report says what was not checked.
func externalSkips() []Skipped {
	full := []struct{ name, reason string }{
		{"virusscan", "needs clamscan"},
		{"code-rules", "needs semgrep"},
		{"go-sec", "needs gosec"},
		{"govulncheck", "needs govulncheck and the vulnerability database"},
		{"osv-scanner", "needs the OSV database (network)"},
		{"llmreview", "needs an LLM API"},
		{"codediff", "needs an LLM API and a GitHub clone"},
		{"published-plugin", "needs grafana.com"},
		{"org", "needs grafana.com"},
		{"legacyplatform", "needs the Angular patterns from grafana.com"},
		{"safelinks", "needs the Google Web Risk API"},
		{"provenance", "needs the GitHub attestations API"},
		{"signature", "needs Grafana's signing key from grafana.com"},
		{"reactcompat", "needs npx and @grafana/react-detect from npm"},
		{"plugindocs", "needs npx"},
		{"trackingscripts", "needs the validator's embedded ~15k tracker-domain blocklist, which is not reproduced here"},
	}
	partial := []struct{ name, reason string }{
		{"brokenlinks", "fetching README and plugin.json links needs the network; relative README links are checked"},
		{"circulardependencies", "dependencies on grafana.com plugins need the network; plugins in the archive are checked"},
		{"sdkusage", "the SDK age check needs the GitHub API; go.mod is checked"},
		{"version", "comparing with the published version needs grafana.com; the version syntax is checked"},
		{"manifest", "the signature itself is not verified (needs grafana.com); MANIFEST.txt contents are"},
	}
	out := make([]Skipped, 0, len(full)+len(partial))
	for _, s := range full {
		out = append(out, Skipped{Analyzer: s.name, Kind: SkipExternal, Reason: s.reason})
	}
	for _, s := range partial {
		out = append(out, Skipped{Analyzer: s.name, Kind: SkipPartial, Reason: s.reason})
	}
	return out
}
