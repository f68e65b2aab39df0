package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/mlwatch/mlwatch/pkg/diagnose"
	"github.com/mlwatch/mlwatch/pkg/models"
	"github.com/mlwatch/mlwatch/pkg/source/tlsconfig"
)

// readGrace is how much longer than max_execution_time the client waits
// for an answer.
const readGrace = 5 * time.Second

// nativeClient uses clickhouse-go over the native TCP protocol.
type nativeClient struct {
	conn     driver.Conn
	settings models.ClickHouse
	target   diagnose.Target
	redactor *diagnose.Redactor
	state    queryState
}

func newNativeClient(s models.ClickHouse, t diagnose.Target, r *diagnose.Redactor) (*nativeClient, error) {
	tlsCfg, err := tlsconfig.Build(s.TLS)
	if err != nil {
		return nil, fmt.Errorf("clickhouse TLS: %w", err)
	}
	if s.Secure && tlsCfg == nil {
		tlsCfg = tlsconfig.Default()
	}
	opts := &ch.Options{
		Addr:        []string{s.Address()},
		Protocol:    ch.Native,
		Auth:        ch.Auth{Database: s.Database, Username: s.User, Password: s.Password},
		TLS:         tlsCfg,
		DialTimeout: s.Timeout,
		// Queries carry max_execution_time = the timeout: the server stops
		// them with a clear "timeout exceeded" answer, which must arrive
		// before the socket's own deadline.
		ReadTimeout:      s.Timeout + readGrace,
		MaxOpenConns:     8,
		MaxIdleConns:     2,
		ClientInfo:       ch.ClientInfo{Products: []struct{ Name, Version string }{{Name: "mlwatch", Version: "0"}}},
		ConnOpenStrategy: ch.ConnOpenInOrder,
	}
	conn, err := ch.Open(opts)
	if err != nil {
		return nil, scrub(r, fmt.Errorf("open ClickHouse connection: %w", err))
	}
	return &nativeClient{conn: conn, settings: s, target: t, redactor: r}, nil
}

func (c *nativeClient) Close() error { return c.conn.Close() }

func (c *nativeClient) Version(ctx context.Context) (string, error) {
	var v string
	err := untilDone(ctx, func() error { return c.conn.QueryRow(ctx, "SELECT version()").Scan(&v) }, nil)
	if err != nil {
		return "", scrub(c.redactor, c.problem(ctx, err))
	}
	return v, nil
}

// untilDone runs f but returns when ctx ends, whichever comes first. The
// driver honours the context only once it is connected: a server that
// accepts the connection and never completes the handshake would hold the
// caller until the dial timeout. f then finishes on its own (bounded by
// the driver's dial and read timeouts), and abandon, if given, cleans up
// after it.
func untilDone(ctx context.Context, f func() error, abandon func()) error {
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		go func() {
			<-done
			if abandon != nil {
				abandon()
			}
		}()
		return ctx.Err()
	}
}

func (c *nativeClient) problem(ctx context.Context, err error) error {
	var ex *ch.Exception
	if errors.As(err, &ex) {
		return problemFromServer(c.target, c.settings.Database, serverError{Code: int(ex.Code), Message: ex.Message})
	}
	p := diagnose.Network(c.target, err)
	switch p.Kind {
	case diagnose.KindOther, diagnose.KindProtocol, diagnose.KindTimeout:
		// An HTTP port waits for a request line and never answers the
		// native hello: ask it over HTTP before blaming the network.
		if isClickHouseHTTP(ctx, c.settings) {
			p.Kind = diagnose.KindProtocol
			p.Message = fmt.Sprintf("ClickHouse at %s: the server did not answer the native protocol. This is an HTTP port: use the native port (usually 9000, or 9440 with TLS) or switch the protocol to HTTP.", c.target.Address)
		}
	}
	return p
}

// isClickHouseHTTP reports whether the configured address answers
// ClickHouse's HTTP /ping.
func isClickHouseHTTP(ctx context.Context, s models.ClickHouse) bool {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	scheme := "http"
	if s.Secure {
		scheme = "https"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, scheme+"://"+s.Address()+"/ping", nil)
	if err != nil {
		return false
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64))
	return resp.StatusCode == http.StatusOK && strings.HasPrefix(string(body), "Ok.")
}

// Query runs one SELECT over the native protocol; see httpClient.Query.
func (c *nativeClient) Query(ctx context.Context, sql string, s Settings) (*Result, error) {
	return c.state.query(c.redactor, func(withSettings bool) (*Result, error) {
		return c.runQuery(ctx, sql, s, withSettings)
	})
}

func (c *nativeClient) runQuery(ctx context.Context, sql string, s Settings, withSettings bool) (*Result, error) {
	deadline, hasDeadline := ctx.Deadline()
	exec := executionTime(s, c.settings.Timeout, deadline, hasDeadline)
	if s.MaxExecutionTime <= 0 {
		s.MaxExecutionTime = exec
	}
	// clickhouse-go adds max_execution_time from a context deadline by
	// itself, which a readonly=1 profile refuses; the deadline is therefore
	// replaced by plain cancellation (the driver still cancels the query on
	// the server when ctx ends), and max_execution_time is set here.
	qctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	stop := context.AfterFunc(ctx, cancel)
	defer stop()
	var rows driver.Rows
	var mu sync.Mutex
	err := untilDone(ctx, func() error {
		qctx := qctx
		if withSettings {
			// stringSettings asks the server's version, which connects
			// without a context: it is inside untilDone too.
			settings := ch.Settings{}
			for k, v := range settingsMap(s, exec, c.stringSettings()) {
				settings[k] = v
			}
			qctx = ch.Context(qctx, ch.WithSettings(settings))
		}
		r, err := c.conn.Query(qctx, sql)
		mu.Lock()
		rows = r
		mu.Unlock()
		return err
	}, func() {
		mu.Lock()
		defer mu.Unlock()
		if rows != nil {
			rows.Close()
		}
	})
	if err != nil {
		return nil, c.queryError(ctx, err, s, withSettings)
	}
	defer rows.Close()
	types := rows.ColumnTypes()
	res := &Result{Columns: make([]*Column, len(types))}
	dest := make([]any, len(types))
	for i, t := range types {
		res.Columns[i] = &Column{Name: t.Name(), Type: t.DatabaseTypeName(), Kind: kindOf(t.DatabaseTypeName())}
		dest[i] = reflect.New(t.ScanType()).Interface()
	}
	var bytes int64
	for rows.Next() {
		if s.MaxRows > 0 && int64(res.Rows) >= s.MaxRows {
			return nil, tooManyRows(c.target, s)
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, c.queryError(ctx, err, s, withSettings)
		}
		for i, d := range dest {
			bytes += appendNative(res.Columns[i], reflect.ValueOf(d).Elem().Interface(), res.Rows)
		}
		if s.MaxBytes > 0 && bytes > s.MaxBytes {
			return nil, tooManyBytes(c.target, s)
		}
		res.Rows++
	}
	if err := rows.Err(); err != nil {
		return nil, c.queryError(ctx, err, s, withSettings)
	}
	return res, nil
}

// stringSettings reports whether the server takes settings as strings
// (newer than 19.x): older native protocols carry integers only, so
// result_overflow_mode (a string, and "throw" by default) is left out.
func (c *nativeClient) stringSettings() bool {
	v, err := c.conn.ServerVersion()
	return err == nil && v.Revision > 54429
}

func (c *nativeClient) queryError(ctx context.Context, err error, s Settings, withSettings bool) error {
	var ex *ch.Exception
	if errors.As(err, &ex) {
		e := serverError{Code: int(ex.Code), Message: ex.Message}
		if withSettings && isSettingsRefused(e) {
			return &refusal{e}
		}
		return queryProblem(c.target, s, e)
	}
	if ctx.Err() != nil {
		return diagnose.Network(c.target, ctx.Err())
	}
	return c.problem(ctx, err)
}

// appendNative adds one scanned value to a column and returns its rough
// size in bytes, for the size limit.
func appendNative(c *Column, v any, row int) int64 {
	rv := reflect.ValueOf(v)
	for rv.IsValid() && rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			if c.Nulls == nil {
				c.Nulls = make([]bool, row, row+1)
			}
			c.Nulls = append(c.Nulls, true)
			appendZero(c)
			return 1
		}
		rv = rv.Elem()
	}
	if c.Nulls != nil {
		c.Nulls = append(c.Nulls, false)
	}
	if !rv.IsValid() {
		appendZero(c)
		return 1
	}
	v = rv.Interface()
	switch c.Kind {
	case KindInt:
		switch rv.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			c.Ints = append(c.Ints, rv.Int())
			return 8
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			u := rv.Uint()
			if u > math.MaxInt64 {
				toFloat(c)
				c.Floats = append(c.Floats, float64(u))
				return 8
			}
			c.Ints = append(c.Ints, int64(u))
			return 8
		}
		if c.Kind == KindFloat {
			c.Floats = append(c.Floats, numberOf(v))
			return 8
		}
		c.Ints = append(c.Ints, int64(numberOf(v)))
		return 8
	case KindFloat:
		c.Floats = append(c.Floats, numberOf(v))
		return 8
	case KindTime:
		if t, ok := v.(time.Time); ok {
			c.Times = append(c.Times, t)
		} else {
			c.Times = append(c.Times, time.Time{})
		}
		return 8
	}
	s := textOf(v)
	c.Strings = append(c.Strings, s)
	return int64(len(s)) + 16
}

// numberOf converts scanned numbers (including decimal.Decimal and
// *big.Int) to float64.
func numberOf(v any) float64 {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Float32, reflect.Float64:
		return rv.Float()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(rv.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return float64(rv.Uint())
	}
	if f, ok := v.(interface{ InexactFloat64() float64 }); ok {
		return f.InexactFloat64()
	}
	if b, ok := v.(*big.Int); ok {
		f, _ := new(big.Float).SetInt(b).Float64()
		return f
	}
	if b, ok := v.(big.Int); ok {
		f, _ := new(big.Float).SetInt(&b).Float64()
		return f
	}
	f, err := strconv.ParseFloat(textOf(v), 64)
	if err != nil {
		return math.NaN()
	}
	return f
}

// textOf renders strings, enums, UUIDs, IPs, booleans and composite values
// as text; arrays as ClickHouse prints them ("[1,2.5]", "['a','b']"), so
// that both protocols answer the same text.
func textOf(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	case fmt.Stringer:
		return x.String()
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Slice || rv.Kind() == reflect.Array {
		var b strings.Builder
		b.WriteByte('[')
		for i := 0; i < rv.Len(); i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(elementText(rv.Index(i).Interface()))
		}
		b.WriteByte(']')
		return b.String()
	}
	return fmt.Sprint(v)
}

func elementText(v any) string {
	switch x := v.(type) {
	case string:
		return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(x) + "'"
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(x), 'g', -1, 32)
	}
	return textOf(v)
}
