package clickhouse

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// The HTTP client reads answers in TabSeparatedWithNamesAndTypes: the
// format exists with the same escaping on ClickHouse 18.16 and on current
// servers, streams row by row (so limits are enforced while reading), and
// is cheaper to decode than JSON.

// errTooManyRows and errTooManyBytes are raised by the decoder; the client
// words them.
var (
	errTooManyRows  = errors.New("too many rows")
	errTooManyBytes = errors.New("too many bytes")
)

// maxLine bounds one row of text.
const maxLine = 64 << 20

// tsvDecoder decodes a TabSeparatedWithNamesAndTypes stream.
type tsvDecoder struct {
	r       *bufio.Reader
	maxRows int64
	// location resolves the zone of DateTime columns without one (the
	// server's zone).
	location func() *time.Location
}

// byteLimit is an io.Reader that fails once more than n bytes were read.
type byteLimit struct {
	r    io.Reader
	left int64
}

func (b *byteLimit) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// Peek one byte: an answer of exactly the limit is fine.
		var one [1]byte
		n, err := b.r.Read(one[:])
		if n > 0 {
			return 0, errTooManyBytes
		}
		return 0, err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.r.Read(p)
	b.left -= int64(n)
	return n, err
}

func (d *tsvDecoder) line() ([]byte, error) {
	var buf []byte
	for {
		chunk, err := d.r.ReadSlice('\n')
		buf = append(buf, chunk...)
		if len(buf) > maxLine {
			return nil, fmt.Errorf("a row of the answer is longer than %d bytes", maxLine)
		}
		switch {
		case err == nil:
			return buf[:len(buf)-1], nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF):
			if len(buf) == 0 {
				return nil, io.EOF
			}
			return buf, nil
		default:
			return nil, err
		}
	}
}

// decode reads the whole answer into a Result.
func (d *tsvDecoder) decode() (*Result, error) {
	names, err := d.line()
	if errors.Is(err, io.EOF) {
		// No header at all: a statement without a result.
		return &Result{}, nil
	}
	if err != nil {
		return nil, err
	}
	types, err := d.line()
	if err != nil {
		return nil, d.streamError(names, fmt.Errorf("the answer has no type header: %w", err))
	}
	nameFields := splitTSV(names)
	typeFields := splitTSV(types)
	if len(nameFields) != len(typeFields) {
		return nil, d.streamError(types, fmt.Errorf("the answer has %d names but %d types", len(nameFields), len(typeFields)))
	}
	res := &Result{Columns: make([]*Column, len(nameFields))}
	locs := make([]*time.Location, len(nameFields))
	for i := range nameFields {
		t := unescapeTSV(typeFields[i])
		res.Columns[i] = &Column{Name: unescapeTSV(nameFields[i]), Type: t, Kind: kindOf(t)}
		if res.Columns[i].Kind == KindTime {
			locs[i] = typeLocation(t)
			if locs[i] == nil && d.location != nil && !strings.HasPrefix(baseType(t), "Date(") && baseType(t) != "Date" && baseType(t) != "Date32" {
				locs[i] = d.location()
			}
			if locs[i] == nil {
				locs[i] = time.UTC
			}
		}
	}
	for {
		line, err := d.line()
		if errors.Is(err, io.EOF) {
			return res, nil
		}
		if err != nil {
			return nil, err
		}
		fields := splitTSV(line)
		if len(fields) != len(res.Columns) {
			return nil, d.streamError(line, fmt.Errorf("row %d has %d fields, not %d", res.Rows+1, len(fields), len(res.Columns)))
		}
		if d.maxRows > 0 && int64(res.Rows) >= d.maxRows {
			return nil, errTooManyRows
		}
		for i, f := range fields {
			if err := appendValue(res.Columns[i], f, locs[i], res.Rows); err != nil {
				return nil, d.streamError(line, fmt.Errorf("row %d, column %s: %w", res.Rows+1, res.Columns[i].Name, err))
			}
		}
		res.Rows++
	}
}

// streamError recognises an exception the server wrote into the stream
// after the answer had started (only possible without wait_end_of_query).
func (d *tsvDecoder) streamError(line []byte, err error) error {
	text := string(line)
	if rest, _ := io.ReadAll(io.LimitReader(d.r, maxErrorBody)); len(rest) > 0 {
		text += "\n" + string(rest)
	}
	if i := strings.Index(text, "Code: "); i >= 0 {
		if e, ok := parseException(text[i:]); ok {
			return &streamException{e}
		}
	}
	return fmt.Errorf("the answer is not ClickHouse TabSeparated: %w", err)
}

// streamException is an exception found inside a 200 answer.
type streamException struct{ e serverError }

func (s *streamException) Error() string { return s.e.Message }

func splitTSV(line []byte) [][]byte {
	return bytes.Split(line, []byte{'\t'})
}

var nullField = []byte(`\N`)

// appendValue parses one field into column c (row i).
func appendValue(c *Column, f []byte, loc *time.Location, i int) error {
	if bytes.Equal(f, nullField) && nullable(c.Type) {
		if c.Nulls == nil {
			c.Nulls = make([]bool, i, i+1)
		}
		c.Nulls = append(c.Nulls, true)
		appendZero(c)
		return nil
	}
	if c.Nulls != nil {
		c.Nulls = append(c.Nulls, false)
	}
	switch c.Kind {
	case KindInt:
		s := string(f)
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			c.Ints = append(c.Ints, n)
			return nil
		}
		u, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return fmt.Errorf("%q is not an integer", s)
		}
		// A UInt64 above MaxInt64: hold the column as floats from here.
		toFloat(c)
		c.Floats = append(c.Floats, float64(u))
	case KindFloat:
		v, err := strconv.ParseFloat(string(f), 64)
		if err != nil {
			if v, err = parseSpecialFloat(string(f)); err != nil {
				return fmt.Errorf("%q is not a number", f)
			}
		}
		c.Floats = append(c.Floats, v)
	case KindTime:
		t, err := parseTime(string(f), loc)
		if err != nil {
			return err
		}
		c.Times = append(c.Times, t)
	default:
		if composite(c.Type) {
			// Arrays, tuples and maps are written in ClickHouse's own
			// quoted text, which TabSeparated does not escape again.
			c.Strings = append(c.Strings, string(f))
		} else {
			c.Strings = append(c.Strings, unescapeTSV(f))
		}
	}
	return nil
}

func composite(t string) bool {
	b := baseType(t)
	return strings.HasPrefix(b, "Array(") || strings.HasPrefix(b, "Tuple(") || strings.HasPrefix(b, "Map(")
}

func appendZero(c *Column) {
	switch c.Kind {
	case KindInt:
		c.Ints = append(c.Ints, 0)
	case KindFloat:
		c.Floats = append(c.Floats, math.NaN())
	case KindTime:
		c.Times = append(c.Times, time.Time{})
	default:
		c.Strings = append(c.Strings, "")
	}
}

// toFloat converts an integer column to floats.
func toFloat(c *Column) {
	if c.Kind == KindFloat {
		return
	}
	c.Floats = make([]float64, len(c.Ints), len(c.Ints)+1)
	for i, v := range c.Ints {
		c.Floats[i] = float64(v)
	}
	c.Ints = nil
	c.Kind = KindFloat
}

func parseSpecialFloat(s string) (float64, error) {
	switch strings.ToLower(s) {
	case "nan", "-nan", "+nan":
		return math.NaN(), nil
	case "inf", "+inf":
		return math.Inf(1), nil
	case "-inf":
		return math.Inf(-1), nil
	}
	return 0, errors.New("not a number")
}

// parseTime reads Date, DateTime and DateTime64 text.
func parseTime(s string, loc *time.Location) (time.Time, error) {
	var layout string
	switch {
	case len(s) == len("2006-01-02"):
		// A date is a calendar day: UTC midnight, whatever the zone.
		t, err := time.ParseInLocation("2006-01-02", s, time.UTC)
		if err != nil {
			return time.Time{}, fmt.Errorf("%q is not a date", s)
		}
		return t, nil
	case len(s) == len("2006-01-02 15:04:05"):
		layout = "2006-01-02 15:04:05"
	default:
		layout = "2006-01-02 15:04:05.999999999"
	}
	t, err := time.ParseInLocation(layout, s, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a time", s)
	}
	return t, nil
}

// unescapeTSV undoes TabSeparated escaping (\t \n \r \0 \b \f \\ \' and
// \xHH from newer servers).
func unescapeTSV(f []byte) string {
	if bytes.IndexByte(f, '\\') < 0 {
		return string(f)
	}
	var b strings.Builder
	b.Grow(len(f))
	for i := 0; i < len(f); i++ {
		c := f[i]
		if c != '\\' || i+1 >= len(f) {
			b.WriteByte(c)
			continue
		}
		i++
		switch e := f[i]; e {
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case '0':
			b.WriteByte(0)
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'a':
			b.WriteByte('\a')
		case 'v':
			b.WriteByte('\v')
		case 'x':
			if i+2 < len(f) {
				if v, err := strconv.ParseUint(string(f[i+1:i+3]), 16, 8); err == nil {
					b.WriteByte(byte(v))
					i += 2
					continue
				}
			}
			b.WriteString(`\x`)
		default:
			b.WriteByte(e)
		}
	}
	return b.String()
}
