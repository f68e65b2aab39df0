// Package csvcols reads a CSV file with a header row into typed columns in
// one streaming pass: a column is numeric when every non-empty cell parses
// as a number, categorical otherwise. Numbers are kept as float64,
// categories dictionary-encoded, so a large file costs about 8 bytes per
// numeric cell and 4 per categorical cell.
package csvcols

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math"
	"strconv"
	"unicode/utf8"
	"unsafe"
)

// MaxCategories bounds the distinct values of a categorical column; a
// non-numeric column with more is free text, which the drift methods do not
// handle, and is reported.
const MaxCategories = 1 << 16

// numericTrackLimit bounds the distinct cells remembered for a column that
// still looks numeric, in case a later cell turns it categorical. Tracking
// every cell of every numeric column would double the memory and time of a
// large file; a column with more distinct numbers than this that then meets
// text is reported instead (it is nearly always a numeric column with text
// markers for missing values).
const numericTrackLimit = 1024

// maxLineBytes bounds one CSV record, so a file without line breaks cannot
// exhaust memory.
const maxLineBytes = 16 << 20

// Column is one parsed column.
type Column struct {
	Name string
	// Numeric is true when every non-missing cell parsed as a number.
	Numeric bool
	// Values are the numbers (NaN for missing cells) when Numeric.
	Values []float64
	// Codes index Dict for categorical columns; -1 is a missing cell.
	Codes []int32
	Dict  []string
	// Missing counts empty and NaN/NA/null cells (and ±Inf for numbers).
	Missing int
	// Text is set when the column is neither numeric nor categorical within
	// MaxCategories: free text that the drift methods do not handle.
	Text bool
	// Mixed, when set, tells where a column of many distinct numbers met a
	// non-number ("file line N: cell"): the column cannot be typed.
	Mixed string
}

// Strings returns a categorical column's cells ("" for missing).
func (c *Column) Strings() []string {
	out := make([]string, len(c.Codes))
	for i, code := range c.Codes {
		if code >= 0 {
			out[i] = c.Dict[code]
		}
	}
	return out
}

// Options select columns and force types.
type Options struct {
	// Only, when non-empty, keeps just these columns (others are skipped
	// while parsing, to save memory).
	Only map[string]bool
	// Categorical forces these columns to be categorical.
	Categorical map[string]bool
	// MaxRows, when > 0, stops with an error after that many data rows.
	MaxRows int
}

// Error is a problem at a place in the input.
type Error struct {
	File   string
	Line   int
	Column string // empty when not about one column
	Msg    string
}

func (e *Error) Error() string {
	where := e.File
	if e.Line > 0 {
		where = fmt.Sprintf("%s line %d", where, e.Line)
	}
	if e.Column != "" {
		where = fmt.Sprintf("%s, column %q", where, e.Column)
	}
	return where + ": " + e.Msg
}

// builder accumulates one column while reading.
type builder struct {
	name        string
	keep        bool
	numeric     bool // still numeric
	forcedCat   bool
	values      chunked[float64]
	codes       chunked[int32]
	dict        map[string]int32
	dictList    []string
	trackCats   bool // still tracking categories
	missing     int
	missingNums int    // ±Inf count, missing for numbers only
	mixed       string // where a many-valued numeric column met text
}

// Read parses r. name is used in error messages.
func Read(r io.Reader, name string, opts Options) ([]*Column, error) {
	br := bufio.NewReaderSize(r, 1<<20)
	rd := &recordReader{r: br, file: name}
	header, err := rd.next()
	if err == io.EOF {
		return nil, &Error{File: name, Msg: "the file is empty; it needs a header row"}
	}
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	cols := make([]*builder, len(header))
	for i, h := range header {
		h := string(bytes.TrimSpace(h))
		if h == "" {
			return nil, &Error{File: name, Line: 1, Msg: fmt.Sprintf("header column %d has no name", i+1)}
		}
		if seen[h] {
			return nil, &Error{File: name, Line: 1, Msg: fmt.Sprintf("column %q appears twice in the header", h)}
		}
		seen[h] = true
		keep := len(opts.Only) == 0 || opts.Only[h]
		cols[i] = &builder{
			name: h, keep: keep, numeric: !opts.Categorical[h], forcedCat: opts.Categorical[h],
			dict: map[string]int32{}, trackCats: true,
		}
	}
	for h := range opts.Only {
		if !seen[h] {
			return nil, &Error{File: name, Line: 1, Column: h, Msg: "no such column in the header"}
		}
	}
	rows := 0
	for {
		rec, err := rd.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if len(rec) == 1 && len(rec[0]) == 0 {
			continue // blank line
		}
		if len(rec) != len(cols) {
			return nil, &Error{File: name, Line: rd.line, Msg: fmt.Sprintf("%d fields, but the header has %d", len(rec), len(cols))}
		}
		rows++
		if opts.MaxRows > 0 && rows > opts.MaxRows {
			return nil, &Error{File: name, Line: rd.line, Msg: fmt.Sprintf("more than %d data rows, the limit", opts.MaxRows)}
		}
		for i, cell := range rec {
			if b := cols[i]; b.keep {
				if b.add(cell) {
					b.mixed = fmt.Sprintf("%s line %d: %q", name, rd.line, bytes.TrimSpace(cell))
				}
			}
		}
	}
	out := make([]*Column, 0, len(cols))
	for _, b := range cols {
		if b.keep {
			out = append(out, b.column())
		}
	}
	return out, nil
}

func isMissing(cell []byte) bool {
	switch len(cell) {
	case 0:
		return true
	case 2:
		return bytes.EqualFold(cell, []byte("NA"))
	case 3:
		return bytes.EqualFold(cell, []byte("NaN"))
	case 4:
		return bytes.EqualFold(cell, []byte("null"))
	}
	return false
}

// add appends one cell. It reports true when a column with too many
// distinct numbers to remember meets its first non-number: such a column
// can be neither numeric nor categorical.
func (b *builder) add(raw []byte) (mixed bool) {
	cell := bytes.TrimSpace(raw)
	if isMissing(cell) {
		b.missing++
		if b.numeric {
			b.values.add(math.NaN())
		}
		if b.trackCats {
			b.codes.add(-1)
		}
		return false
	}
	if b.numeric {
		v, err := parseFloat(cell)
		if err == nil {
			if math.IsInf(v, 0) {
				b.missingNums++
				v = math.NaN()
			}
			b.values.add(v)
		} else {
			// The first non-number makes the column categorical.
			b.numeric = false
			b.values = chunked[float64]{}
			if !b.trackCats {
				return true
			}
		}
	}
	if b.trackCats {
		code, ok := b.dict[string(cell)]
		if !ok {
			limit := MaxCategories
			if b.numeric {
				limit = numericTrackLimit
			}
			if len(b.dictList) >= limit && !b.forcedCat {
				b.trackCats = false
				b.codes, b.dict, b.dictList = chunked[int32]{}, nil, nil
				return false
			}
			code = int32(len(b.dictList))
			s := string(cell)
			b.dict[s] = code
			b.dictList = append(b.dictList, s)
		}
		b.codes.add(code)
	}
	return false
}

// chunked grows in fixed-size chunks and is joined once at the end: append
// growth would hold the old and the new array at once and over-allocate,
// which for large columns costs far more than the data itself.
type chunked[T any] struct {
	done [][]T
	cur  []T
	n    int
}

const chunkSize = 1 << 16

func (c *chunked[T]) add(v T) {
	if len(c.cur) == cap(c.cur) {
		if c.cur != nil {
			c.done = append(c.done, c.cur)
		}
		c.cur = make([]T, 0, chunkSize)
	}
	c.cur = append(c.cur, v)
	c.n++
}

// join returns all values in one exactly-sized slice, releasing the
// chunks as it copies them.
func (c *chunked[T]) join() []T {
	if c.n == 0 {
		return nil
	}
	out := make([]T, 0, c.n)
	for i, ch := range c.done {
		out = append(out, ch...)
		c.done[i] = nil
	}
	out = append(out, c.cur...)
	*c = chunked[T]{}
	return out
}

func (b *builder) column() *Column {
	c := &Column{Name: b.name, Missing: b.missing}
	switch {
	case b.numeric:
		c.Numeric = true
		c.Values = b.values.join()
		c.Missing += b.missingNums
		// Few distinct numbers: keep them as categories too, in case the
		// other file has this column as text.
		if b.trackCats {
			c.Codes, c.Dict = b.codes.join(), b.dictList
		}
	case b.trackCats:
		c.Codes, c.Dict = b.codes.join(), b.dictList
	case b.mixed != "":
		c.Mixed = b.mixed
	default:
		c.Text = true
	}
	return c
}

// parseFloat parses a number without allocating: the string view of b does
// not outlive the call.
func parseFloat(b []byte) (float64, error) {
	return strconv.ParseFloat(unsafe.String(unsafe.SliceData(b), len(b)), 64)
}

// recordReader splits RFC 4180 records: fields separated by commas, quoted
// fields may hold commas, quotes ("") and line breaks.
type recordReader struct {
	r      *bufio.Reader
	file   string
	line   int // line number of the record just returned
	next_  int // line number where the next record starts
	fields [][]byte
	buf    []byte
}

func (rd *recordReader) next() ([][]byte, error) {
	if rd.next_ == 0 {
		rd.next_ = 1
	}
	rd.line = rd.next_
	line, err := rd.readLine()
	if err != nil {
		return nil, err
	}
	rd.fields = rd.fields[:0]
	if bytes.IndexByte(line, '"') < 0 {
		// Fast path: no quotes, split on commas in place.
		for {
			i := bytes.IndexByte(line, ',')
			if i < 0 {
				rd.fields = append(rd.fields, line)
				break
			}
			rd.fields = append(rd.fields, line[:i])
			line = line[i+1:]
		}
		return rd.fields, rd.checkUTF8()
	}
	return rd.quoted(line)
}

// readLine returns the next line without its line ending.
func (rd *recordReader) readLine() ([]byte, error) {
	line, err := rd.r.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		rd.buf = append(rd.buf[:0], line...)
		for err == bufio.ErrBufferFull {
			line, err = rd.r.ReadSlice('\n')
			rd.buf = append(rd.buf, line...)
			if len(rd.buf) > maxLineBytes {
				return nil, &Error{File: rd.file, Line: rd.line, Msg: fmt.Sprintf("a line is longer than %d MiB; is this a CSV file?", maxLineBytes>>20)}
			}
		}
		line = rd.buf
	}
	if err == io.EOF {
		if len(line) == 0 {
			return nil, io.EOF
		}
	} else if err != nil {
		return nil, &Error{File: rd.file, Line: rd.line, Msg: "read failed: " + err.Error()}
	}
	rd.next_++
	line = bytes.TrimSuffix(line, []byte("\n"))
	line = bytes.TrimSuffix(line, []byte("\r"))
	return line, nil
}

// quoted parses a record with quoted fields, reading more lines when a
// quoted field spans line breaks.
func (rd *recordReader) quoted(line []byte) ([][]byte, error) {
	var field []byte
	out := rd.fields[:0]
	// Quoted content is copied, as unquoting changes it.
	i := 0
	for {
		field = nil
		if i < len(line) && line[i] == '"' {
			i++
			var b []byte
			for {
				j := bytes.IndexByte(line[i:], '"')
				if j < 0 {
					b = append(b, line[i:]...)
					b = append(b, '\n')
					more, err := rd.readLine()
					if err == io.EOF {
						return nil, &Error{File: rd.file, Line: rd.line, Msg: "a quoted field is not closed before the end of the file"}
					}
					if err != nil {
						return nil, err
					}
					line, i = more, 0
					continue
				}
				b = append(b, line[i:i+j]...)
				i += j + 1
				if i < len(line) && line[i] == '"' {
					b = append(b, '"')
					i++
					continue
				}
				break
			}
			if i < len(line) && line[i] != ',' {
				return nil, &Error{File: rd.file, Line: rd.line, Msg: "unexpected text after a closing quote; double quotes inside a quoted field as \"\""}
			}
			field = b
		} else {
			j := bytes.IndexByte(line[i:], ',')
			end := len(line)
			if j >= 0 {
				end = i + j
			}
			if bytes.IndexByte(line[i:end], '"') >= 0 {
				return nil, &Error{File: rd.file, Line: rd.line, Msg: "a quote inside an unquoted field; quote the whole field"}
			}
			// Copied: a later line of this record may reuse the read buffer.
			field = append([]byte(nil), line[i:end]...)
			i = end
		}
		out = append(out, field)
		if i >= len(line) {
			break
		}
		i++ // skip the comma
		if i == len(line) {
			out = append(out, nil)
			break
		}
	}
	rd.fields = out
	return out, rd.checkUTF8()
}

func (rd *recordReader) checkUTF8() error {
	for _, f := range rd.fields {
		if !utf8.Valid(f) {
			return &Error{File: rd.file, Line: rd.line, Msg: "the text is not valid UTF-8; save the file as UTF-8"}
		}
	}
	return nil
}
