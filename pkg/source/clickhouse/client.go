// Package clickhouse connects to ClickHouse over its native protocol or its
// HTTP interface and runs read-only queries.
package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/mlwatch/mlwatch/pkg/diagnose"
	"github.com/mlwatch/mlwatch/pkg/models"
)

// Client is a ClickHouse connection, whatever its protocol.
type Client interface {
	// Version returns the server's version() string.
	Version(ctx context.Context) (string, error)
	// Query runs one read-only SELECT with the given limits and returns
	// its typed columns. Server exceptions come back as *diagnose.Problem
	// (downstream) that name what is wrong.
	Query(ctx context.Context, sql string, settings Settings) (*Result, error)
	Close() error
}

// New returns a client for the configured protocol. It does not connect.
func New(s models.ClickHouse) (Client, error) {
	target := diagnose.Target{
		System: "ClickHouse", Address: s.Address(), Timeout: s.Timeout,
		TLS: s.Secure, HasClientCert: s.TLS.ClientCert != "",
	}
	redactor := diagnose.NewRedactor(s.Password, diagnose.BasicAuth(s.User, s.Password), s.TLS.ClientKey)
	switch s.Protocol {
	case models.ProtocolHTTP:
		return newHTTPClient(s, target, redactor)
	case models.ProtocolNative:
		return newNativeClient(s, target, redactor)
	}
	return nil, fmt.Errorf("unknown ClickHouse protocol %q", s.Protocol)
}

// serverError is an exception reported by ClickHouse itself.
type serverError struct {
	Code    int
	Message string
}

var exceptionRe = regexp.MustCompile(`Code: (\d+)[.,]?\s*(?:e\.displayText\(\) = )?(?:DB::Exception: )?(.*)`)

// parseException reads "Code: 192, e.displayText() = DB::Exception: ..." and
// the newer "Code: 516. DB::Exception: ..." forms.
func parseException(text string) (serverError, bool) {
	m := exceptionRe.FindStringSubmatch(text)
	if m == nil {
		return serverError{}, false
	}
	code, _ := strconv.Atoi(m[1])
	msg := m[2]
	if i := strings.Index(msg, ", e.what()"); i >= 0 {
		msg = msg[:i]
	}
	if i := strings.Index(msg, " (version "); i >= 0 {
		msg = msg[:i]
	}
	return serverError{Code: code, Message: strings.TrimSpace(msg)}, true
}

// ClickHouse error codes that deserve their own advice.
const (
	codeUnknownDatabase    = 81
	codeUnknownUser        = 192
	codeWrongPassword      = 193
	codeRequiredPassword   = 194
	codeIPAddressNotAllow  = 195
	codeReadonly           = 164
	codeDatabaseDenied     = 291
	codeAccessDenied       = 497
	codeAuthenticationFail = 516
)

// problemFromServer turns a ClickHouse exception into a user message.
func problemFromServer(t diagnose.Target, database string, e serverError) *diagnose.Problem {
	where := fmt.Sprintf("%s at %s", t.System, t.Address)
	mk := func(k diagnose.Kind, msg string) *diagnose.Problem {
		return &diagnose.Problem{Kind: k, Message: msg, Downstream: true}
	}
	switch e.Code {
	case codeUnknownUser, codeWrongPassword, codeRequiredPassword, codeAuthenticationFail:
		return mk(diagnose.KindUnauthorized, where+": authentication failed. Check the user and password.")
	case codeIPAddressNotAllow, codeAccessDenied, codeDatabaseDenied, codeReadonly:
		return mk(diagnose.KindForbidden, fmt.Sprintf("%s: access denied (%s). Ask an administrator to grant this user read access.", where, e.Message))
	case codeUnknownDatabase:
		return mk(diagnose.KindNotFound, fmt.Sprintf("%s: database %q does not exist. Check the database name.", where, database))
	}
	return mk(diagnose.KindHTTPStatus, fmt.Sprintf("%s: server error %d: %s", where, e.Code, e.Message))
}

// scrub removes secrets from any error's text before it leaves the package.
func scrub(r *diagnose.Redactor, err error) error {
	if err == nil {
		return nil
	}
	var p *diagnose.Problem
	if errors.As(err, &p) {
		p.Message = r.Redact(p.Message)
		return p
	}
	return errors.New(r.Redact(err.Error()))
}
