// Command mlwatch runs mlwatch's drift engine and query path outside Grafana:
// a drift gate for CI pipelines and a tool to debug datasource queries.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// Set at build time with -ldflags "-X main.version=... -X main.commit=...".
var (
	version = "dev"
	commit  = ""
)

// Exit statuses shared by every subcommand.
const (
	exitOK    = 0
	exitFound = 1 // the command ran and found what --fail-on-... asks about
	exitUsage = 2 // bad usage or bad input
)

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

func commands() []command {
	return []command{
		{name: "drift", summary: "compare two CSV files column by column (a drift gate for CI)", run: runDrift},
		{name: "query", summary: "run datasource queries against Prometheus and ClickHouse, as Grafana does", run: runQuery},
		{name: "version", summary: "print the version", run: runVersion},
	}
}

func main() {
	// The drift command holds whole columns; a tighter GC target keeps peak
	// memory near the data's size at little cost in time. GOGC still wins.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(50)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		usage(stdout)
		return exitOK
	case "-version", "--version":
		return runVersion(ctx, nil, stdout, stderr)
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "mlwatch: unknown command %q\n\n", args[0])
	usage(stderr)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "mlwatch: ML observability from the command line (drift gates, query debugging).")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage:")
	fmt.Fprintln(w, "  mlwatch <command> [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'mlwatch <command> --help' for a command's flags.")
}

func runVersion(_ context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] != "--help" && args[0] != "-h" {
		fmt.Fprintf(stderr, "mlwatch version: takes no arguments\n")
		return exitUsage
	}
	if len(args) > 0 {
		fmt.Fprintln(stdout, "Usage: mlwatch version\n\nPrints the version of this mlwatch binary.")
		return exitOK
	}
	if commit != "" {
		fmt.Fprintf(stdout, "mlwatch %s (%s)\n", version, commit)
	} else {
		fmt.Fprintf(stdout, "mlwatch %s\n", version)
	}
	return exitOK
}
