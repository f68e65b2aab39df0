package plugincheck

import (
	"sort"
)

// Severity is how much a diagnostic matters. The names are the ones the
// official validator prints, so the text and JSON output can be compared.
type Severity string

const (
	SeverityError          Severity = "error"
	SeverityWarning        Severity = "warning"
	SeverityRecommendation Severity = "recommendation"
	// SeverityOK is the "passed" severity the official validator emits only
	// with reportAll. This checker never emits it; it exists so reports from
	// both tools share one vocabulary.
	SeverityOK Severity = "ok"
)

// Diagnostic is one finding. Analyzer and Rule use the official names so a
// finding can be looked up in the validator's documentation and config.
type Diagnostic struct {
	Analyzer string   `json:"-"`
	Rule     string   `json:"Name"`
	Severity Severity `json:"Severity"`
	Title    string   `json:"Title"`
	Detail   string   `json:"Detail"`
}

// SkipKind says why an analyzer (or part of one) did not run.
type SkipKind string

const (
	// SkipExternal: the analyzer needs the network or an external tool.
	SkipExternal SkipKind = "external"
	// SkipPartial: the analyzer ran offline; only its network part did not.
	SkipPartial SkipKind = "partial"
	// SkipNoSource: the analyzer needs Options.SourceDir.
	SkipNoSource SkipKind = "no-source"
	// SkipBlocked: a prerequisite (archive layout, plugin.json) failed, so
	// the analyzer had nothing to look at. The official validator skips
	// these silently.
	SkipBlocked SkipKind = "blocked"
)

// Skipped records an analyzer that was not run, so nothing is dropped
// without a trace.
type Skipped struct {
	Analyzer string   `json:"analyzer"`
	Kind     SkipKind `json:"kind"`
	Reason   string   `json:"reason"`
}

// Report is the result of Check.
type Report struct {
	// PluginID and PluginVersion come from the main plugin.json, when it
	// could be read.
	PluginID      string
	PluginVersion string
	Diagnostics   []Diagnostic
	Skipped       []Skipped
	// Strict is copied from Options: warnings then also fail the check.
	Strict bool
}

// Count returns how many diagnostics have the given severity.
func (r Report) Count(sev Severity) int {
	n := 0
	for _, d := range r.Diagnostics {
		if d.Severity == sev {
			n++
		}
	}
	return n
}

// CountSkipped returns how many skip records have the given kind.
func (r Report) CountSkipped(kind SkipKind) int {
	n := 0
	for _, s := range r.Skipped {
		if s.Kind == kind {
			n++
		}
	}
	return n
}

// ExitCode mirrors the official validator: 1 on any error, or on any
// warning in strict mode; recommendations never fail the run.
func (r Report) ExitCode() int {
	if r.Count(SeverityError) > 0 || (r.Strict && r.Count(SeverityWarning) > 0) {
		return 1
	}
	return 0
}

// JSON returns the report in the official validator's JSON shape
// ({"id","version","plugin-validator":{analyzer:[...]}}), plus a "skipped"
// list that the official output does not have.
func (r Report) JSON() any {
	byAnalyzer := map[string][]Diagnostic{}
	for _, d := range r.Diagnostics {
		byAnalyzer[d.Analyzer] = append(byAnalyzer[d.Analyzer], d)
	}
	skipped := append([]Skipped(nil), r.Skipped...)
	sort.SliceStable(skipped, func(i, j int) bool { return skipped[i].Kind < skipped[j].Kind })
	return struct {
		ID      string                  `json:"id"`
		Version string                  `json:"version"`
		Results map[string][]Diagnostic `json:"plugin-validator"`
		Skipped []Skipped               `json:"skipped"`
	}{r.PluginID, r.PluginVersion, byAnalyzer, skipped}
}
