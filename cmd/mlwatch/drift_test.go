package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeCSV writes rows under a header into a temp file.
func writeCSV(t *testing.T, name, header string, rows []string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(header+"\n"+strings.Join(rows, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// quasiRows makes n rows of "age,city,flag" with age shifted by shift.
func quasiRows(n int, shift float64, cities []string) []string {
	rows := make([]string, n)
	for i := range rows {
		rows[i] = fmt.Sprintf("%g,%s,%d", float64(i%50)+shift, cities[i%len(cities)], i%2)
	}
	return rows
}

type driftJSON struct {
	Columns []struct {
		Column    string   `json:"column"`
		Type      string   `json:"type"`
		Method    string   `json:"method"`
		Kind      string   `json:"kind"`
		Score     *float64 `json:"score"`
		Statistic *float64 `json:"statistic"`
		Threshold float64  `json:"threshold"`
		Drifted   bool     `json:"drifted"`
		RefCount  int      `json:"reference_count"`
		CurCount  int      `json:"current_count"`
		Notice    string   `json:"notice"`
	} `json:"columns"`
	Dataset struct {
		Columns        int     `json:"columns"`
		DriftedColumns int     `json:"drifted_columns"`
		Share          float64 `json:"share"`
		DriftShare     float64 `json:"drift_share"`
		Drifted        bool    `json:"drifted"`
	} `json:"dataset"`
}

func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if stdin != "" {
		f := filepath.Join(t.TempDir(), "stdin")
		if err := os.WriteFile(f, []byte(stdin), 0o644); err != nil {
			t.Fatal(err)
		}
		in, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		old := os.Stdin
		os.Stdin = in
		defer func() { os.Stdin = old; in.Close() }()
	}
	code := run(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestDriftCommand(t *testing.T) {
	header := "age,city,flag"
	ref := writeCSV(t, "ref.csv", header, quasiRows(200, 0, []string{"a", "b", "c"}))
	same := writeCSV(t, "same.csv", header, quasiRows(200, 0, []string{"a", "b", "c"}))
	shifted := writeCSV(t, "cur.csv", header, quasiRows(200, 20, []string{"a", "b", "c", "d"}))

	t.Run("json shape and verdicts", func(t *testing.T) {
		code, out, errOut := runCLI(t, "", "drift", "--reference", ref, "--current", shifted, "--format", "json")
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var r driftJSON
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		if len(r.Columns) != 3 {
			t.Fatalf("columns = %+v", r.Columns)
		}
		age, city, flag := r.Columns[0], r.Columns[1], r.Columns[2]
		if age.Column != "age" || age.Type != "num" || age.Method != "ks" || age.Kind != "p_value" || !age.Drifted || age.RefCount != 200 {
			t.Errorf("age = %+v", age)
		}
		if city.Type != "cat" || city.Method != "chisquare" || !city.Drifted {
			t.Errorf("city = %+v (a new category in the current window)", city)
		}
		if flag.Method != "z" || flag.Drifted {
			t.Errorf("flag = %+v", flag)
		}
		if r.Dataset.Columns != 3 || r.Dataset.DriftedColumns != 2 || !r.Dataset.Drifted || r.Dataset.DriftShare != 0.5 {
			t.Errorf("dataset = %+v", r.Dataset)
		}
	})

	t.Run("fail on drift", func(t *testing.T) {
		if code, _, _ := runCLI(t, "", "drift", "--reference", ref, "--current", shifted, "--fail-on-drift"); code != exitFound {
			t.Errorf("drifted data: exit %d, want %d", code, exitFound)
		}
		if code, _, errOut := runCLI(t, "", "drift", "--reference", ref, "--current", same, "--fail-on-drift"); code != exitOK {
			t.Errorf("same data: exit %d, want 0: %s", code, errOut)
		}
	})

	t.Run("per-column method, threshold, columns, categorical", func(t *testing.T) {
		code, out, errOut := runCLI(t, "", "drift", "--reference", ref, "--current", shifted, "--format", "json",
			"--columns", "age,flag", "--method-for", "age=wasserstein", "--categorical", "flag", "--threshold", "0.01", "--drift-share", "1")
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var r driftJSON
		_ = json.Unmarshal([]byte(out), &r)
		if len(r.Columns) != 2 || r.Columns[0].Method != "wasserstein" || r.Columns[0].Threshold != 0.01 || r.Columns[1].Type != "cat" {
			t.Errorf("got %+v", r.Columns)
		}
		if r.Dataset.Drifted {
			t.Errorf("with drift share 1, one of two columns drifting is not dataset drift: %+v", r.Dataset)
		}
	})

	t.Run("stdin and markdown", func(t *testing.T) {
		data, _ := os.ReadFile(shifted)
		code, out, errOut := runCLI(t, string(data), "drift", "--reference", ref, "--current", "-", "--format", "markdown")
		if code != exitOK || !strings.Contains(out, "| age | num | ks |") || !strings.Contains(out, "Dataset: DRIFT") {
			t.Errorf("exit %d, out %s, err %s", code, out, errOut)
		}
	})

	t.Run("insufficient data is not no drift", func(t *testing.T) {
		empty := writeCSV(t, "empty.csv", header, []string{",,"})
		code, out, _ := runCLI(t, "", "drift", "--reference", ref, "--current", empty, "--format", "json", "--columns", "age")
		var r driftJSON
		_ = json.Unmarshal([]byte(out), &r)
		if code != exitOK || len(r.Columns) != 1 || r.Columns[0].Score != nil || !strings.Contains(r.Columns[0].Notice, "insufficient data") {
			t.Errorf("exit %d, %s", code, out)
		}
	})

	bad := writeCSV(t, "bad.csv", header, []string{"1,a,0", "2,b"})
	mixed := writeCSV(t, "mixed.csv", "age,city,flag,extra", []string{"1,a,0,x"})
	errs := []struct {
		name string
		args []string
		want string
	}{
		{"missing files", []string{"drift"}, "both --reference and --current are required"},
		{"two stdins", []string{"drift", "--reference", "-", "--current", "-"}, "only one of"},
		{"no such file", []string{"drift", "--reference", ref, "--current", "/nonexistent.csv"}, "cannot open /nonexistent.csv"},
		{"malformed row names file and line", []string{"drift", "--reference", ref, "--current", bad}, "bad.csv line 3: 2 fields, but the header has 3"},
		{"column sets differ", []string{"drift", "--reference", ref, "--current", mixed}, `column "extra" is in`},
		{"unknown method", []string{"drift", "--reference", ref, "--current", same, "--method", "nope"}, `unknown method "nope"`},
		{"method does not fit the data", []string{"drift", "--reference", ref, "--current", same, "--method", "t_test"}, `column "city"`},
		{"bad method-for", []string{"drift", "--reference", ref, "--current", same, "--method-for", "age"}, "use COLUMN=METHOD"},
		{"method-for unknown column", []string{"drift", "--reference", ref, "--current", same, "--method-for", "zz=ks"}, `column "zz"`},
		{"bad format", []string{"drift", "--reference", ref, "--current", same, "--format", "xml"}, "unknown --format"},
		{"bad correction", []string{"drift", "--reference", ref, "--current", same, "--correction", "holm"}, "unknown --correction"},
		{"bad drift share", []string{"drift", "--reference", ref, "--current", same, "--drift-share", "2"}, "--drift-share"},
		{"stray argument", []string{"drift", "--reference", ref, "--current", same, "extra"}, "unexpected argument"},
		{"unknown column in --columns", []string{"drift", "--reference", ref, "--current", same, "--columns", "zz"}, `column "zz": no such column`},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, "", tt.args...)
			if code != exitUsage || !strings.Contains(errOut, tt.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, errOut, exitUsage, tt.want)
			}
		})
	}

	t.Run("help", func(t *testing.T) {
		code, out, _ := runCLI(t, "", "drift", "--help")
		if code != exitOK || !strings.Contains(out, "--fail-on-drift") || !strings.Contains(out, "Exit status") {
			t.Errorf("exit %d: %s", code, out)
		}
	})
}
