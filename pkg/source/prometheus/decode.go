package prometheus

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// A streaming JSON reader for Prometheus API answers. encoding/json would
// need the whole body in memory (and a second pass per series) before any
// limit could be checked; this reads the body once, in a fixed buffer,
// stops as soon as a series, point or byte limit is passed, and keeps only
// what the caller needs (labels interned, samples as parallel slices).

// errTooLarge is returned by the limited body reader once the byte limit
// is passed.
var errTooLarge = errors.New("answer larger than the byte limit")

// limitedBody reads at most max bytes and then fails with errTooLarge (an
// io.LimitReader that says why it stopped, so that a cut answer is never
// mistaken for a complete one).
type limitedBody struct {
	r   io.Reader
	max int64
	n   int64
}

func (l *limitedBody) Read(p []byte) (int, error) {
	if l.max > 0 && l.n >= l.max {
		// One byte more tells "exactly max" from "more than max".
		var one [1]byte
		k, err := l.r.Read(one[:])
		if k > 0 {
			return 0, errTooLarge
		}
		return 0, err
	}
	if l.max > 0 && int64(len(p)) > l.max-l.n {
		p = p[:l.max-l.n]
	}
	k, err := l.r.Read(p)
	l.n += int64(k)
	return k, err
}

// syntaxError is malformed JSON; io.ErrUnexpectedEOF is a cut answer.
type syntaxError struct {
	msg    string
	offset int64
}

func (e *syntaxError) Error() string { return fmt.Sprintf("%s at byte %d", e.msg, e.offset) }

type decoder struct {
	r        io.Reader
	buf      []byte
	pos, end int
	off      int64 // bytes consumed before buf[0]
	rerr     error
	scratch  []byte
	intern   map[string]string
	lim      Limits
	lastLen  int // samples in the previous series, a capacity hint
	nSeries  int
	points   int
}

func newDecoder(r io.Reader, lim Limits) *decoder {
	return &decoder{r: r, buf: make([]byte, 64<<10), intern: map[string]string{}, lim: lim}
}

// fill reads more input; it returns false at the end or on an error.
func (d *decoder) fill() bool {
	if d.rerr != nil {
		return false
	}
	if d.pos > 0 {
		d.off += int64(d.pos)
		copy(d.buf, d.buf[d.pos:d.end])
		d.end -= d.pos
		d.pos = 0
	}
	if d.end == len(d.buf) {
		nb := make([]byte, 2*len(d.buf))
		copy(nb, d.buf[:d.end])
		d.buf = nb
	}
	for {
		n, err := d.r.Read(d.buf[d.end:])
		d.end += n
		if err != nil {
			d.rerr = err
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
}

// eofErr is the error for input that ended early.
func (d *decoder) eofErr() error {
	if d.rerr != nil && d.rerr != io.EOF {
		return d.rerr
	}
	return io.ErrUnexpectedEOF
}

func (d *decoder) fail(format string, args ...any) error {
	return &syntaxError{msg: fmt.Sprintf(format, args...), offset: d.off + int64(d.pos)}
}

// peek skips white space and returns the next byte without consuming it.
func (d *decoder) peek() (byte, error) {
	for {
		for d.pos < d.end {
			c := d.buf[d.pos]
			if c == ' ' || c == '\n' || c == '\r' || c == '\t' {
				d.pos++
				continue
			}
			return c, nil
		}
		if !d.fill() {
			return 0, d.eofErr()
		}
	}
}

func (d *decoder) expect(want byte) error {
	c, err := d.peek()
	if err != nil {
		return err
	}
	if c != want {
		return d.fail("expected %q, found %q", want, c)
	}
	d.pos++
	return nil
}

// end checks that nothing but white space follows the value.
func (d *decoder) atEnd() error {
	_, err := d.peek()
	if err == io.ErrUnexpectedEOF {
		return nil
	}
	if err != nil {
		return err
	}
	return d.fail("unexpected data after the answer")
}

// str reads a string; the bytes are valid until the next call.
func (d *decoder) str() ([]byte, error) {
	if err := d.expect('"'); err != nil {
		return nil, err
	}
	// Fast path: no escapes within the buffer.
	for i := d.pos; i < d.end; i++ {
		c := d.buf[i]
		if c == '"' {
			s := d.buf[d.pos:i]
			d.pos = i + 1
			return s, nil
		}
		if c == '\\' || c < 0x20 {
			break
		}
	}
	d.scratch = d.scratch[:0]
	for {
		if d.pos >= d.end && !d.fill() {
			return nil, d.eofErr()
		}
		c := d.buf[d.pos]
		d.pos++
		switch {
		case c == '"':
			return d.scratch, nil
		case c == '\\':
			if err := d.escape(); err != nil {
				return nil, err
			}
		case c < 0x20:
			return nil, d.fail("control character in a string")
		default:
			d.scratch = append(d.scratch, c)
		}
	}
}

func (d *decoder) escape() error {
	if d.pos >= d.end && !d.fill() {
		return d.eofErr()
	}
	c := d.buf[d.pos]
	d.pos++
	switch c {
	case '"', '\\', '/':
		d.scratch = append(d.scratch, c)
	case 'b':
		d.scratch = append(d.scratch, '\b')
	case 'f':
		d.scratch = append(d.scratch, '\f')
	case 'n':
		d.scratch = append(d.scratch, '\n')
	case 'r':
		d.scratch = append(d.scratch, '\r')
	case 't':
		d.scratch = append(d.scratch, '\t')
	case 'u':
		r, err := d.hex4()
		if err != nil {
			return err
		}
		if utf16.IsSurrogate(r) {
			// A surrogate pair is two \u escapes.
			if d.end-d.pos < 6 {
				d.fill()
			}
			if d.end-d.pos >= 6 && d.buf[d.pos] == '\\' && d.buf[d.pos+1] == 'u' {
				d.pos += 2
				r2, err := d.hex4()
				if err != nil {
					return err
				}
				r = utf16.DecodeRune(r, r2)
			} else {
				r = utf8.RuneError
			}
		}
		d.scratch = utf8.AppendRune(d.scratch, r)
	default:
		return d.fail("invalid escape \\%c", c)
	}
	return nil
}

func (d *decoder) hex4() (rune, error) {
	for d.end-d.pos < 4 {
		if !d.fill() {
			return 0, d.eofErr()
		}
	}
	v, err := strconv.ParseUint(string(d.buf[d.pos:d.pos+4]), 16, 32)
	if err != nil {
		return 0, d.fail("invalid \\u escape")
	}
	d.pos += 4
	return rune(v), nil
}

// internStr reads a string and returns a shared copy (label names and
// values repeat across series).
func (d *decoder) internStr() (string, error) {
	b, err := d.str()
	if err != nil {
		return "", err
	}
	if s, ok := d.intern[string(b)]; ok {
		return s, nil
	}
	s := string(b)
	if len(d.intern) < 1<<16 {
		d.intern[s] = s
	}
	return s, nil
}

// numToken reads a JSON number's text.
func (d *decoder) numToken() ([]byte, error) {
	if _, err := d.peek(); err != nil {
		return nil, err
	}
	d.scratch = d.scratch[:0]
	for {
		if d.pos >= d.end && !d.fill() {
			if len(d.scratch) == 0 {
				return nil, d.eofErr()
			}
			return d.scratch, nil
		}
		c := d.buf[d.pos]
		if (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' {
			d.scratch = append(d.scratch, c)
			d.pos++
			continue
		}
		if len(d.scratch) == 0 {
			return nil, d.fail("expected a number, found %q", c)
		}
		return d.scratch, nil
	}
}

func (d *decoder) num() (float64, error) {
	b, err := d.numToken()
	if err != nil {
		return 0, err
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return 0, d.fail("invalid number %q", b)
	}
	return v, nil
}

// timestamp reads a Prometheus time (seconds as a JSON number) as ms. The
// API writes seconds with up to three decimals; those are parsed as
// integers, anything else through ParseFloat.
func (d *decoder) timestamp() (int64, error) {
	if _, err := d.peek(); err != nil {
		return 0, err
	}
	if ms, n, ok := parseMillis(d.buf[d.pos:d.end]); ok {
		d.pos += n
		return ms, nil
	}
	v, err := d.num()
	if err != nil {
		return 0, err
	}
	return int64(math.Round(v * 1000)), nil
}

// parseMillis parses "123", "123.4", "123.456" followed by a delimiter in
// b. ok is false for any other form, or when b ends inside the number.
func parseMillis(b []byte) (ms int64, n int, ok bool) {
	var sec int64
	i := 0
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		if i >= 15 {
			return 0, 0, false
		}
		sec = sec*10 + int64(b[i]-'0')
		i++
	}
	if i == 0 || i >= len(b) {
		return 0, 0, false
	}
	var frac int64
	scale := int64(1000)
	if b[i] == '.' {
		i++
		j := 0
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			if j >= 3 {
				return 0, 0, false
			}
			scale /= 10
			frac += int64(b[i]-'0') * scale
			i++
			j++
		}
		if j == 0 || i >= len(b) {
			return 0, 0, false
		}
	}
	switch b[i] {
	case ',', ']', ' ', '}', '\n', '\r', '\t':
	default:
		return 0, 0, false
	}
	return sec*1000 + frac, i, true
}

// floatStr reads a sample value: a string such as "1.5", "NaN", "+Inf".
// Counters are mostly whole numbers; those are parsed without ParseFloat.
func (d *decoder) floatStr() (float64, error) {
	b, err := d.str()
	if err != nil {
		return 0, err
	}
	if v, ok := parseWhole(b); ok {
		return v, nil
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return 0, d.fail("invalid sample value %q", b)
	}
	return v, nil
}

// parseWhole parses a non-negative integer of at most 15 digits (exact in
// a float64).
func parseWhole(b []byte) (float64, bool) {
	if len(b) == 0 || len(b) > 15 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return float64(n), true
}

// object calls fn for each key; fn must consume the value. Keys are
// interned: the same few names repeat in every series.
func (d *decoder) object(fn func(key string) error) error {
	if err := d.expect('{'); err != nil {
		return err
	}
	c, err := d.peek()
	if err != nil {
		return err
	}
	if c == '}' {
		d.pos++
		return nil
	}
	for {
		key, err := d.str()
		if err != nil {
			return err
		}
		// The key's bytes move when the buffer refills: keep a string.
		k, ok := d.intern[string(key)]
		if !ok {
			k = string(key)
			if len(d.intern) < 1<<16 {
				d.intern[k] = k
			}
		}
		if err := d.expect(':'); err != nil {
			return err
		}
		if err := fn(k); err != nil {
			return err
		}
		c, err := d.peek()
		if err != nil {
			return err
		}
		d.pos++
		switch c {
		case ',':
		case '}':
			return nil
		default:
			return d.fail("expected ',' or '}', found %q", c)
		}
	}
}

// array calls fn for each element; fn must consume it.
func (d *decoder) array(fn func(i int) error) error {
	if err := d.expect('['); err != nil {
		return err
	}
	return d.arrayRest(fn)
}

// arrayRest is array after its '['.
func (d *decoder) arrayRest(fn func(i int) error) error {
	c, err := d.peek()
	if err != nil {
		return err
	}
	if c == ']' {
		d.pos++
		return nil
	}
	for i := 0; ; i++ {
		if err := fn(i); err != nil {
			return err
		}
		c, err := d.peek()
		if err != nil {
			return err
		}
		d.pos++
		switch c {
		case ',':
		case ']':
			return nil
		default:
			return d.fail("expected ',' or ']', found %q", c)
		}
	}
}

// skip consumes any value.
func (d *decoder) skip() error {
	c, err := d.peek()
	if err != nil {
		return err
	}
	switch {
	case c == '{':
		return d.object(func(string) error { return d.skip() })
	case c == '[':
		return d.array(func(int) error { return d.skip() })
	case c == '"':
		_, err := d.str()
		return err
	case c == 't':
		return d.literal("true")
	case c == 'f':
		return d.literal("false")
	case c == 'n':
		return d.literal("null")
	default:
		_, err := d.num()
		return err
	}
}

func (d *decoder) literal(word string) error {
	for d.end-d.pos < len(word) {
		if !d.fill() {
			return d.eofErr()
		}
	}
	if string(d.buf[d.pos:d.pos+len(word)]) != word {
		return d.fail("invalid literal")
	}
	d.pos += len(word)
	return nil
}

// isNull consumes a null if one comes next.
func (d *decoder) isNull() (bool, error) {
	c, err := d.peek()
	if err != nil {
		return false, err
	}
	if c != 'n' {
		return false, nil
	}
	return true, d.literal("null")
}

func (d *decoder) strArray() ([]string, error) {
	if null, err := d.isNull(); null || err != nil {
		return nil, err
	}
	var out []string
	err := d.array(func(int) error {
		s, err := d.str()
		if err != nil {
			return err
		}
		out = append(out, string(s))
		return nil
	})
	return out, err
}

// envelope reads the API envelope; data decodes the data member.
func (d *decoder) envelope(data func() error) (apiResponse, error) {
	var env apiResponse
	err := d.object(func(key string) error {
		switch key {
		case "status":
			s, err := d.str()
			env.Status = string(s)
			return err
		case "errorType":
			s, err := d.str()
			env.ErrorType = string(s)
			return err
		case "error":
			s, err := d.str()
			env.Error = string(s)
			return err
		case "warnings", "infos":
			w, err := d.strArray()
			env.Warnings = append(env.Warnings, w...)
			return err
		case "data":
			if data == nil {
				return d.skip()
			}
			return data()
		}
		return d.skip()
	})
	if err != nil {
		return env, err
	}
	return env, d.atEnd()
}

// queryData reads {"resultType": ..., "result": ...} into res.
func (d *decoder) queryData(res *Result) error {
	if null, err := d.isNull(); null || err != nil {
		return err
	}
	return d.object(func(key string) error {
		switch key {
		case "resultType":
			s, err := d.str()
			res.Type = string(s)
			return err
		case "result":
			return d.result(res)
		}
		return d.skip()
	})
}

// result reads a vector or matrix (an array of series) or a scalar or
// string ([time, "value"]), telling them apart by shape so that the order
// of members does not matter.
func (d *decoder) result(res *Result) error {
	if null, err := d.isNull(); null || err != nil {
		return err
	}
	if err := d.expect('['); err != nil {
		return err
	}
	c, err := d.peek()
	if err != nil {
		return err
	}
	switch c {
	case ']':
		d.pos++
		return nil
	case '{':
		return d.arrayRest(func(int) error { return d.series(res) })
	}
	// Scalar or string: [t, "v"], already inside the array.
	t, err := d.timestamp()
	if err != nil {
		return err
	}
	if err := d.expect(','); err != nil {
		return err
	}
	s, err := d.str()
	if err != nil {
		return err
	}
	v, perr := strconv.ParseFloat(string(s), 64)
	if perr != nil {
		v = math.NaN()
		res.String = string(s)
	}
	res.Series = append(res.Series, Series{Labels: map[string]string{}, T: []int64{t}, V: []float64{v}})
	return d.expect(']')
}

func (d *decoder) addSeries() error {
	d.nSeries++
	if d.lim.MaxSeries > 0 && d.nSeries > d.lim.MaxSeries {
		return &LimitError{What: "series", Limit: int64(d.lim.MaxSeries)}
	}
	return nil
}

func (d *decoder) addPoint() error {
	d.points++
	if d.lim.MaxPoints > 0 && d.points > d.lim.MaxPoints {
		return &LimitError{What: "points", Limit: int64(d.lim.MaxPoints)}
	}
	return nil
}

func (d *decoder) series(res *Result) error {
	if err := d.addSeries(); err != nil {
		return err
	}
	s := Series{}
	err := d.object(func(key string) error {
		switch key {
		case "metric":
			m, err := d.labels()
			s.Labels = m
			return err
		case "value":
			return d.floatPoint(&s)
		case "values":
			return d.array(func(int) error { return d.floatPoint(&s) })
		case "histogram":
			return d.histPoint(&s)
		case "histograms":
			return d.array(func(int) error { return d.histPoint(&s) })
		}
		return d.skip()
	})
	if err != nil {
		return err
	}
	if s.Labels == nil {
		s.Labels = map[string]string{}
	}
	d.lastLen = len(s.T)
	res.Series = append(res.Series, s)
	return nil
}

func (d *decoder) labels() (map[string]string, error) {
	m := map[string]string{}
	err := d.object(func(key string) error {
		v, err := d.internStr()
		if err != nil {
			return err
		}
		m[key] = v
		return nil
	})
	return m, err
}

func (d *decoder) floatPoint(s *Series) error {
	if err := d.addPoint(); err != nil {
		return err
	}
	if s.T == nil && d.lastLen > 0 {
		// Series of one answer are usually alike in length.
		s.T, s.V = make([]int64, 0, d.lastLen), make([]float64, 0, d.lastLen)
	}
	if d.fastPoint(s) {
		return nil
	}
	if err := d.expect('['); err != nil {
		return err
	}
	t, err := d.timestamp()
	if err != nil {
		return err
	}
	if err := d.expect(','); err != nil {
		return err
	}
	v, err := d.floatStr()
	if err != nil {
		return err
	}
	s.T = append(s.T, t)
	s.V = append(s.V, v)
	return d.expect(']')
}

// fastPoint parses [t,"v"] in place when the whole point is in the buffer
// in the API's compact form; otherwise it consumes nothing.
func (d *decoder) fastPoint(s *Series) bool {
	b := d.buf[d.pos:d.end]
	if len(b) < 7 || b[0] != '[' {
		return false
	}
	ms, n, ok := parseMillis(b[1:])
	if !ok {
		return false
	}
	i := 1 + n
	if i+2 >= len(b) || b[i] != ',' || b[i+1] != '"' {
		return false
	}
	i += 2
	j := i
	for j < len(b) && b[j] != '"' {
		if b[j] == '\\' {
			return false
		}
		j++
	}
	if j+1 >= len(b) || b[j+1] != ']' {
		return false
	}
	v, ok := parseWhole(b[i:j])
	if !ok {
		var err error
		if v, err = strconv.ParseFloat(string(b[i:j]), 64); err != nil {
			return false // the slow path reports it
		}
	}
	s.T = append(s.T, ms)
	s.V = append(s.V, v)
	d.pos += j + 2
	return true
}

func (d *decoder) histPoint(s *Series) error {
	if err := d.addPoint(); err != nil {
		return err
	}
	if err := d.expect('['); err != nil {
		return err
	}
	t, err := d.timestamp()
	if err != nil {
		return err
	}
	if err := d.expect(','); err != nil {
		return err
	}
	h := &Histogram{}
	err = d.object(func(key string) error {
		switch key {
		case "count":
			v, err := d.floatStr()
			h.Count = v
			return err
		case "sum":
			v, err := d.floatStr()
			h.Sum = v
			return err
		case "buckets":
			if null, err := d.isNull(); null || err != nil {
				return err
			}
			return d.array(func(int) error { return d.histBucket(h) })
		}
		return d.skip()
	})
	if err != nil {
		return err
	}
	s.HT = append(s.HT, t)
	s.H = append(s.H, h)
	return d.expect(']')
}

// histBucket reads [boundaryRule, "lower", "upper", "count"].
func (d *decoder) histBucket(h *Histogram) error {
	if err := d.expect('['); err != nil {
		return err
	}
	rule, err := d.num()
	if err != nil {
		return err
	}
	var b HistogramBucket
	b.Boundaries = int(rule)
	for _, dst := range []*float64{&b.Lower, &b.Upper, &b.Count} {
		if err := d.expect(','); err != nil {
			return err
		}
		if *dst, err = d.floatStr(); err != nil {
			return err
		}
	}
	h.Buckets = append(h.Buckets, b)
	return d.expect(']')
}

// labelSets reads the /api/v1/series answer: an array of label maps.
func (d *decoder) labelSets(out *[]map[string]string) error {
	if null, err := d.isNull(); null || err != nil {
		return err
	}
	return d.array(func(int) error {
		if err := d.addSeries(); err != nil {
			return err
		}
		m, err := d.labels()
		*out = append(*out, m)
		return err
	})
}

// strings reads an array of strings, counting them against MaxSeries.
func (d *decoder) stringList(out *[]string) error {
	if null, err := d.isNull(); null || err != nil {
		return err
	}
	return d.array(func(int) error {
		if err := d.addSeries(); err != nil {
			return err
		}
		s, err := d.str()
		*out = append(*out, string(s))
		return err
	})
}
