package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string
		wantStderr string
	}{
		{name: "no args prints usage and fails", args: nil, wantCode: exitUsage, wantStderr: "Commands:"},
		{name: "help", args: []string{"--help"}, wantCode: exitOK, wantStdout: "version"},
		{name: "version", args: []string{"version"}, wantCode: exitOK, wantStdout: "mlwatch dev"},
		{name: "version flag", args: []string{"--version"}, wantCode: exitOK, wantStdout: "mlwatch dev"},
		{name: "version help", args: []string{"version", "--help"}, wantCode: exitOK, wantStdout: "Usage: mlwatch version"},
		{name: "version extra arg", args: []string{"version", "x"}, wantCode: exitUsage, wantStderr: "takes no arguments"},
		{name: "unknown command", args: []string{"frobnicate"}, wantCode: exitUsage, wantStderr: `unknown command "frobnicate"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.args, &stdout, &stderr)
			if code != tt.wantCode {
				t.Errorf("exit code = %d, want %d (stderr: %s)", code, tt.wantCode, stderr.String())
			}
			if tt.wantStdout != "" && !strings.Contains(stdout.String(), tt.wantStdout) {
				t.Errorf("stdout = %q, want it to contain %q", stdout.String(), tt.wantStdout)
			}
			if tt.wantStderr != "" && !strings.Contains(stderr.String(), tt.wantStderr) {
				t.Errorf("stderr = %q, want it to contain %q", stderr.String(), tt.wantStderr)
			}
		})
	}
}
