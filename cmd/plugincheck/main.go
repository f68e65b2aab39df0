// Command plugincheck checks a Grafana plugin archive offline against the
// rules of Grafana's plugin validator (see internal/plugincheck).
//
// Usage:
//
//	plugincheck [-strict] [-source DIR] [-json] [-v] [-checksum HASH] ARCHIVE.zip
//
// Exit status: 0 when the plugin passes, 1 on any error diagnostic (or
// warning with -strict) or when the check cannot run, 2 on bad usage.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/mlwatch/mlwatch/internal/plugincheck"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("plugincheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	strict := fs.Bool("strict", false, "also fail (exit 1) on warnings")
	source := fs.String("source", "", "plugin source `DIR` (repository root); enables the source-code rules")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	verbose := fs.Bool("v", false, "also list the analyzers skipped because they need the network or external tools")
	checksum := fs.String("checksum", "", "expected MD5 or SHA1 `HASH` of the archive")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: plugincheck [-strict] [-source DIR] [-json] [-v] [-checksum HASH] ARCHIVE.zip")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}

	report, err := plugincheck.Check(ctx, fs.Arg(0), plugincheck.Options{
		SourceDir: *source, Strict: *strict, Checksum: *checksum,
	})
	switch {
	case err != nil && len(report.Diagnostics) == 0:
		// Nothing was checked; a "0 errors" summary would mislead.
	case *asJSON:
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if encErr := enc.Encode(report.JSON()); encErr != nil {
			fmt.Fprintln(stderr, "plugincheck: write JSON:", encErr)
			return 1
		}
	default:
		printText(stdout, report, *verbose)
	}
	if err != nil {
		// Whatever was found before the failure has been printed; the
		// check is incomplete, so it cannot pass.
		fmt.Fprintln(stderr, "plugincheck:", err)
		return 1
	}
	return report.ExitCode()
}

// printText writes the official validator's text format
// ("<severity>: <title>" then "detail: <detail>"), then what was not
// checked and a summary line.
func printText(w io.Writer, r plugincheck.Report, verbose bool) {
	for _, d := range r.Diagnostics {
		fmt.Fprintf(w, "%s: %s\n", d.Severity, d.Title)
		if d.Detail != "" {
			fmt.Fprintf(w, "detail: %s\n", d.Detail)
		}
	}
	// Analyzers skipped for the same reason share a line: a broken layout
	// blocks most of them at once.
	type group struct {
		kind      plugincheck.SkipKind
		reason    string
		analyzers []string
	}
	var groups []*group
	byReason := map[string]*group{}
	for _, s := range r.Skipped {
		hidden := s.Kind == plugincheck.SkipExternal || s.Kind == plugincheck.SkipPartial
		if hidden && !verbose {
			continue
		}
		key := string(s.Kind) + "\x00" + s.Reason
		g, ok := byReason[key]
		if !ok || hidden {
			g = &group{kind: s.Kind, reason: s.Reason}
			byReason[key] = g
			groups = append(groups, g)
		}
		g.analyzers = append(g.analyzers, s.Analyzer)
	}
	for _, g := range groups {
		label := "skipped"
		if g.kind == plugincheck.SkipExternal || g.kind == plugincheck.SkipPartial {
			label = "skipped (" + string(g.kind) + ")"
		}
		fmt.Fprintf(w, "%s: %s: %s\n", label, strings.Join(g.analyzers, ", "), g.reason)
	}
	fmt.Fprintf(w, "%d errors, %d warnings, %d analyzers skipped (need the network)\n",
		r.Count(plugincheck.SeverityError), r.Count(plugincheck.SeverityWarning), r.CountSkipped(plugincheck.SkipExternal))
}
