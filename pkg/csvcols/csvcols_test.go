package csvcols

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
)

func TestRead(t *testing.T) {
	in := "age, city ,score\n" +
		"31,Berlin,0.5\n" +
		"\n" +
		",\"Paris, FR\",NaN\n" +
		"42,\"say \"\"hi\"\"\",inf\n" +
		"28,\"multi\nline\",1e3\r\n"
	cols, err := Read(strings.NewReader(in), "ref.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(cols) != 3 || cols[0].Name != "age" || cols[1].Name != "city" || cols[2].Name != "score" {
		t.Fatalf("columns = %+v", cols)
	}
	age, city, score := cols[0], cols[1], cols[2]
	if !age.Numeric || len(age.Values) != 4 || age.Values[0] != 31 || !math.IsNaN(age.Values[1]) || age.Missing != 1 {
		t.Errorf("age = %+v", age)
	}
	if city.Numeric || strings.Join(city.Strings(), "|") != `Berlin|Paris, FR|say "hi"|multi`+"\n"+`line` {
		t.Errorf("city = %q", city.Strings())
	}
	if !score.Numeric || score.Missing != 2 || score.Values[3] != 1000 {
		t.Errorf("score = %+v (NaN and inf count as missing)", score)
	}
}

func TestReadOptions(t *testing.T) {
	in := "a,b,c\n1,2,x\n3,4,y\n"
	cols, err := Read(strings.NewReader(in), "f", Options{Only: map[string]bool{"a": true, "c": true}, Categorical: map[string]bool{"a": true}})
	if err != nil {
		t.Fatal(err)
	}
	if len(cols) != 2 || cols[0].Numeric || strings.Join(cols[0].Strings(), ",") != "1,3" {
		t.Errorf("cols = %+v", cols)
	}
	_, err = Read(strings.NewReader(in), "f", Options{MaxRows: 1})
	if err == nil || !strings.Contains(err.Error(), "more than 1 data rows") {
		t.Errorf("MaxRows: %v", err)
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
		line           int
	}{
		{"empty", "", "the file is empty", 0},
		{"unnamed column", "a,,c\n", "header column 2 has no name", 1},
		{"duplicate column", "a,a\n", `"a" appears twice`, 1},
		{"short row", "a,b\n1,2\n3\n", "1 fields, but the header has 2", 3},
		{"long row", "a,b\n1,2,3\n", "3 fields", 2},
		{"unclosed quote", "a,b\n1,\"x\n", "not closed before the end of the file", 2},
		{"text after quote", "a,b\n1,\"x\"y\n", "after a closing quote", 2},
		{"stray quote", "a,b\n1,x\"y\n", "quote inside an unquoted field", 2},
		{"invalid UTF-8", "a\n\xff\xfe\n", "not valid UTF-8", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tt.in), "data.csv", Options{})
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want *Error", err)
			}
			if !strings.Contains(err.Error(), tt.want) || e.Line != tt.line || !strings.HasPrefix(err.Error(), "data.csv") {
				t.Errorf("err = %q (line %d), want %q at line %d", err, e.Line, tt.want, tt.line)
			}
		})
	}
	_, err := Read(strings.NewReader("a\n1\n"), "f", Options{Only: map[string]bool{"zz": true}})
	if err == nil || !strings.Contains(err.Error(), `column "zz"`) {
		t.Errorf("unknown --columns entry: %v", err)
	}
}

func TestHighCardinalityTextIsReported(t *testing.T) {
	var b strings.Builder
	b.WriteString("id\n")
	for i := range MaxCategories + 10 {
		b.WriteString("1")
		b.WriteString(strings.Repeat("0", i%7))
		b.WriteString("\n")
		_ = i
	}
	// Numeric but few distinct values: stays numeric.
	cols, err := Read(strings.NewReader(b.String()), "f", Options{})
	if err != nil || !cols[0].Numeric {
		t.Fatalf("numeric column: %v %+v", err, cols)
	}
	var txt strings.Builder
	txt.WriteString("note\n")
	for i := range MaxCategories + 10 {
		fmt.Fprintf(&txt, "item-%d\n", i)
	}
	cols, err = Read(strings.NewReader(txt.String()), "f", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if cols[0].Numeric || cols[0].Codes != nil {
		t.Errorf("free text should be neither numeric nor coded: %+v", cols[0].Name)
	}
	if !cols[0].Text {
		t.Error("free text not flagged")
	}
}

func FuzzRead(f *testing.F) {
	for _, s := range []string{"a,b\n1,2\n", "a\n\"x\"\"y\"\n", "a,b\n\"1\n2\",3\n", "x\n\n\n", "a,b\r\n1,\r\n", "\"a\nb\",c\n1,2\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		cols, err := Read(strings.NewReader(in), "fuzz.csv", Options{})
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is not a located *Error", err)
			}
			return
		}
		rows := -1
		for _, c := range cols {
			if c.Text {
				continue
			}
			n := len(c.Codes)
			if c.Numeric {
				n = len(c.Values)
			}
			if rows >= 0 && n != rows {
				t.Fatalf("column %q has %d rows, another has %d", c.Name, n, rows)
			}
			rows = n
		}
	})
}

func TestMixedColumnIsReported(t *testing.T) {
	var b strings.Builder
	b.WriteString("x\n")
	for i := range numericTrackLimit + 5 {
		fmt.Fprintf(&b, "%d.5\n", i)
	}
	b.WriteString("unknown\n")
	cols, err := Read(strings.NewReader(b.String()), "data.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := cols[0]
	if c.Numeric || c.Text || c.Codes != nil {
		t.Errorf("column should be neither numeric, text nor categorical: %+v", c.Name)
	}
	if want := fmt.Sprintf(`data.csv line %d: "unknown"`, numericTrackLimit+7); c.Mixed != want {
		t.Errorf("Mixed = %q, want %q", c.Mixed, want)
	}
	// A few distinct numbers then text: categorical, nothing lost.
	cols, err = Read(strings.NewReader("x\n1\n2\n1.0\nunknown\n"), "f", Options{})
	if err != nil || cols[0].Numeric || strings.Join(cols[0].Strings(), ",") != "1,2,1.0,unknown" {
		t.Errorf("small mixed column: %v %q", err, cols[0].Strings())
	}
}
