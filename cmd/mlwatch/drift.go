package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/mlwatch/mlwatch/pkg/csvcols"
	"github.com/mlwatch/mlwatch/pkg/drift"
)

const driftUsage = `Usage: mlwatch drift --reference REF --current CUR [flags]

Compares the columns of two CSV files (with a header row) and reports, per
column and for the whole dataset, whether the data has drifted. Use "-" for
one of the files to read it from standard input.

A column is numeric when every non-empty cell parses as a number, otherwise
categorical. Empty cells, NaN, NA, null and ±Inf are missing values: they
are dropped and counted.

Exit status: 0 when it ran (1 with --fail-on-drift when the dataset
drifted), 2 for bad usage or bad input.

Flags:
`

// multiFlag collects a repeatable flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

type driftArgs struct {
	reference, current string
	method             string
	methodFor          multiFlag
	threshold          float64
	driftShare         float64
	categorical        string
	columns            string
	correction         string
	format             string
	failOnDrift        bool
}

// usageError is bad usage or bad input: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func badUsage(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

func runDrift(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("drift", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var a driftArgs
	fs.StringVar(&a.reference, "reference", "", "reference CSV file (the baseline), or - for stdin")
	fs.StringVar(&a.current, "current", "", "current CSV file (the data to check), or - for stdin")
	fs.StringVar(&a.method, "method", "auto", "drift method for every column: auto, or one of "+strings.Join(allMethods(), ", "))
	fs.Var(&a.methodFor, "method-for", "method for one column, as COLUMN=NAME (repeatable)")
	fs.Float64Var(&a.threshold, "threshold", 0, "threshold for every column (default: the method's own: 0.05 for p-values, 0.1 for distances)")
	fs.Float64Var(&a.driftShare, "drift-share", drift.DefaultDriftShare, "share of drifted columns at which the dataset counts as drifted")
	fs.StringVar(&a.categorical, "categorical", "", "comma-separated columns to treat as categorical")
	fs.StringVar(&a.columns, "columns", "", "comma-separated columns to compare (default: all)")
	fs.StringVar(&a.correction, "correction", "none", "multiple-testing correction for p-value methods: none, bonferroni or fdr")
	fs.StringVar(&a.format, "format", "table", "output format: json, table or markdown")
	fs.BoolVar(&a.failOnDrift, "fail-on-drift", false, "exit with status 1 when the dataset drifted")
	fs.Usage = func() {
		fmt.Fprint(stderr, driftUsage)
		fs.PrintDefaults()
	}
	for _, h := range args {
		if h == "-h" || h == "--help" || h == "-help" {
			fs.SetOutput(stdout)
			fmt.Fprint(stdout, driftUsage)
			fs.PrintDefaults()
			return exitOK
		}
	}
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "mlwatch drift: unexpected argument %q; files are given with --reference and --current\n", fs.Arg(0))
		return exitUsage
	}
	report, err := driftReport(ctx, a)
	if err != nil {
		fmt.Fprintf(stderr, "mlwatch drift: %v\n", err)
		// Every failure here is bad usage or bad input: a file, a flag or
		// a method that does not fit the data.
		return exitUsage
	}
	if err := writeReport(stdout, a.format, report); err != nil {
		fmt.Fprintf(stderr, "mlwatch drift: %v\n", err)
		return exitUsage
	}
	if a.failOnDrift && report.Dataset.Drifted {
		return exitFound
	}
	return exitOK
}

func allMethods() []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range []string{"num", "cat"} {
		for _, m := range drift.Methods(t) {
			if !seen[m] {
				seen[m] = true
				out = append(out, m)
			}
		}
	}
	slices.Sort(out)
	return out
}

// driftOutput is the JSON shape of `mlwatch drift --format json`.
type driftOutput struct {
	Columns []drift.ColumnResult `json:"columns"`
	Dataset drift.DatasetResult  `json:"dataset"`
}

func driftReport(ctx context.Context, a driftArgs) (*driftOutput, error) {
	if a.reference == "" || a.current == "" {
		return nil, badUsage("both --reference and --current are required")
	}
	if a.reference == "-" && a.current == "-" {
		return nil, badUsage("only one of --reference and --current can be - (stdin)")
	}
	switch a.format {
	case "json", "table", "markdown":
	default:
		return nil, badUsage("unknown --format %q: use json, table or markdown", a.format)
	}
	if a.threshold < 0 || math.IsNaN(a.threshold) {
		return nil, badUsage("--threshold must be positive")
	}
	if !(a.driftShare > 0 && a.driftShare <= 1) {
		return nil, badUsage("--drift-share must be in (0, 1], got %g", a.driftShare)
	}
	correction := drift.Correction(a.correction)
	switch correction {
	case drift.CorrectionNone, drift.CorrectionBonferroni, drift.CorrectionFDR:
	default:
		return nil, badUsage("unknown --correction %q: use none, bonferroni or fdr", a.correction)
	}
	methodFor := map[string]string{}
	for _, mf := range a.methodFor {
		col, m, ok := strings.Cut(mf, "=")
		if !ok || col == "" || m == "" {
			return nil, badUsage("--method-for %q: use COLUMN=METHOD", mf)
		}
		methodFor[col] = m
	}
	opts := csvcols.Options{Categorical: set(a.categorical), Only: set(a.columns)}
	ref, cur, err := readBoth(a.reference, a.current, opts)
	if err != nil {
		return nil, err
	}
	inputs, err := pairColumns(a, ref, cur, methodFor)
	if err != nil {
		return nil, err
	}
	results, err := drift.CompareColumns(ctx, inputs, 0)
	if err != nil {
		return nil, err
	}
	rs := make([]drift.Result, len(results))
	for i := range results {
		rs[i] = results[i].Result
	}
	dataset, err := drift.Dataset(rs, a.driftShare, correction)
	if err != nil {
		return nil, err
	}
	for i := range results {
		results[i].Result = rs[i]
	}
	return &driftOutput{Columns: results, Dataset: dataset}, nil
}

func set(csv string) map[string]bool {
	out := map[string]bool{}
	for _, s := range strings.Split(csv, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out[s] = true
		}
	}
	return out
}

// readBoth reads the two files concurrently, one core each.
func readBoth(refPath, curPath string, opts csvcols.Options) (ref, cur []*csvcols.Column, err error) {
	type res struct {
		cols []*csvcols.Column
		err  error
	}
	ch := make(chan res, 1)
	go func() {
		c, err := readFile(curPath, opts)
		ch <- res{c, err}
	}()
	ref, refErr := readFile(refPath, opts)
	r := <-ch
	if refErr != nil {
		return nil, nil, refErr
	}
	if r.err != nil {
		return nil, nil, r.err
	}
	return ref, r.cols, nil
}

func readFile(path string, opts csvcols.Options) ([]*csvcols.Column, error) {
	if path == "-" {
		return csvcols.Read(os.Stdin, "stdin", opts)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, badUsage("cannot open %s: %v", path, errors.Unwrap(err))
	}
	defer f.Close()
	return csvcols.Read(f, path, opts)
}

// pairColumns matches columns by name and decides each column's type.
func pairColumns(a driftArgs, ref, cur []*csvcols.Column, methodFor map[string]string) ([]drift.ColumnInput, error) {
	curBy := map[string]*csvcols.Column{}
	for _, c := range cur {
		curBy[c.Name] = c
	}
	refBy := map[string]bool{}
	for _, c := range ref {
		refBy[c.Name] = true
	}
	for _, c := range cur {
		if !refBy[c.Name] {
			return nil, badUsage("column %q is in %s but not in %s; compare the same columns, or pick some with --columns", c.Name, a.current, a.reference)
		}
	}
	for col := range methodFor {
		if !refBy[col] {
			return nil, badUsage("--method-for names column %q, which is not in %s", col, a.reference)
		}
	}
	inputs := make([]drift.ColumnInput, 0, len(ref))
	for _, r := range ref {
		c, ok := curBy[r.Name]
		if !ok {
			return nil, badUsage("column %q is in %s but not in %s; compare the same columns, or pick some with --columns", r.Name, a.reference, a.current)
		}
		for _, col := range []*csvcols.Column{r, c} {
			if col.Mixed != "" {
				return nil, badUsage("column %q mixes many distinct numbers with text (%s); leave such cells empty to mark them missing, or pass --categorical %s", r.Name, col.Mixed, r.Name)
			}
		}
		if r.Text || c.Text {
			return nil, badUsage("column %q looks like free text (more than %d distinct values); leave it out with --columns", r.Name, csvcols.MaxCategories)
		}
		in := drift.ColumnInput{Name: r.Name, Method: a.method, Options: drift.Options{Threshold: a.threshold}}
		if m, ok := methodFor[r.Name]; ok {
			in.Method = m
		}
		if r.Numeric && c.Numeric {
			in.Numeric = true
			// The Samples take the parsed slices over: no second copy.
			in.Ref = drift.NewSampleOwned(r.Values)
			in.Cur = drift.NewSampleOwned(c.Values)
			r.Values, c.Values, r.Codes, c.Codes = nil, nil, nil, nil
		} else {
			if r.Codes == nil || c.Codes == nil {
				return nil, badUsage("column %q is numeric in one file and not in the other, with too many distinct values to compare as categories", r.Name)
			}
			in.Table = drift.NewContingency(r.Strings(), c.Strings())
			r.Codes, c.Codes = nil, nil
		}
		inputs = append(inputs, in)
	}
	return inputs, nil
}

func writeReport(w io.Writer, format string, r *driftOutput) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		return enc.Encode(r)
	case "markdown":
		fmt.Fprintln(w, "| column | type | method | score | threshold | drifted | reference | current |")
		fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|")
		for _, c := range r.Columns {
			fmt.Fprintf(w, "| %s | %s | %s | %s | %g | %s | %d | %d |\n", c.Column, c.Type, c.Method, scoreText(c.Result), c.Threshold, verdict(c.Result), c.ReferenceCount, c.CurrentCount)
		}
		fmt.Fprintf(w, "\n%s\n", datasetText(r.Dataset))
		return nil
	default:
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "COLUMN\tTYPE\tMETHOD\tSCORE\tTHRESHOLD\tDRIFTED\tREFERENCE\tCURRENT")
		for _, c := range r.Columns {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%g\t%s\t%d\t%d\n", c.Column, c.Type, c.Method, scoreText(c.Result), c.Threshold, verdict(c.Result), c.ReferenceCount, c.CurrentCount)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		for _, c := range r.Columns {
			for _, n := range c.Notices {
				fmt.Fprintf(w, "note: %s: %s\n", c.Column, n)
			}
		}
		fmt.Fprintf(w, "\n%s\n", datasetText(r.Dataset))
		return nil
	}
}

func scoreText(r drift.Result) string {
	if r.Insufficient() {
		return "n/a"
	}
	return strconv.FormatFloat(r.Score, 'g', 4, 64)
}

func verdict(r drift.Result) string {
	switch {
	case r.Insufficient():
		return "insufficient data"
	case r.Drifted:
		return "yes"
	}
	return "no"
}

func datasetText(d drift.DatasetResult) string {
	word := "no drift"
	if d.Drifted {
		word = "DRIFT"
	}
	s := fmt.Sprintf("Dataset: %s: %d of %d columns drifted (share %.3g, threshold %.3g).", word, d.DriftedColumns, d.Columns, d.Share, d.DriftShare)
	if d.Insufficient > 0 {
		s += fmt.Sprintf(" %d columns had insufficient data.", d.Insufficient)
	}
	return s
}
