// Package models holds the datasource's settings and query shapes, parsed
// from what Grafana stores (jsonData and the decrypted secureJsonData).
package models

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Keys of secureJsonData. They are flat because Grafana reports which secure
// fields are set by key.
const (
	SecretPrometheusBasicAuthPassword = "prometheusBasicAuthPassword"
	SecretPrometheusBearerToken       = "prometheusBearerToken"
	SecretPrometheusTLSCACert         = "prometheusTlsCACert"
	SecretPrometheusTLSClientCert     = "prometheusTlsClientCert"
	SecretPrometheusTLSClientKey      = "prometheusTlsClientKey"
	// SecretPrometheusHeaderValuePrefix is followed by the 1-based index of
	// the header in jsonData.prometheus.headers.
	SecretPrometheusHeaderValuePrefix = "prometheusHeaderValue"
	SecretClickHousePassword          = "clickhousePassword"
	SecretClickHouseTLSCACert         = "clickhouseTlsCACert"
	SecretClickHouseTLSClientCert     = "clickhouseTlsClientCert"
	SecretClickHouseTLSClientKey      = "clickhouseTlsClientKey"
)

// Default timeouts and limits.
const (
	DefaultTimeout    = 30 * time.Second
	MaxTimeout        = 10 * time.Minute
	MaxCustomHeaders  = 20
	defaultCHNative   = 9000
	defaultCHHTTP     = 8123
	defaultCHNativeTL = 9440
	defaultCHHTTPS    = 8443
)

// AuthMethod is how the datasource authenticates to Prometheus.
type AuthMethod string

const (
	AuthNone   AuthMethod = "none"
	AuthBasic  AuthMethod = "basic"
	AuthBearer AuthMethod = "bearer"
)

// ClickHouseProtocol selects the ClickHouse wire protocol.
type ClickHouseProtocol string

const (
	ProtocolNative ClickHouseProtocol = "native"
	ProtocolHTTP   ClickHouseProtocol = "http"
)

// TLS holds TLS options shared by both sources. Certificates and keys are
// PEM text from secureJsonData.
type TLS struct {
	SkipVerify bool
	ServerName string
	CACert     string
	ClientCert string
	ClientKey  string
}

// Header is a custom HTTP header sent to Prometheus; the value is secret.
type Header struct {
	Name  string
	Value string
}

// Prometheus is the connection to a Prometheus-compatible HTTP API.
type Prometheus struct {
	URL               string
	Auth              AuthMethod
	BasicAuthUser     string
	BasicAuthPassword string
	BearerToken       string
	TLS               TLS
	Headers           []Header
	Timeout           time.Duration
}

// ClickHouse is the connection to a ClickHouse server.
type ClickHouse struct {
	Host     string
	Port     int
	Protocol ClickHouseProtocol
	Secure   bool
	TLS      TLS
	User     string
	Password string
	Database string
	Timeout  time.Duration
}

// Address is host:port, for messages and dialing.
func (c ClickHouse) Address() string {
	return joinHostPort(c.Host, c.Port)
}

// Settings is everything the datasource needs to reach its sources. Either
// source may be nil when the user did not configure it.
type Settings struct {
	Prometheus *Prometheus
	ClickHouse *ClickHouse
	// Defaults fill what a query leaves empty; always set (the built-in
	// defaults when jsonData has none).
	Defaults Defaults
}

// Secrets lists every secret value so that messages can be scrubbed.
func (s Settings) Secrets() []string {
	var out []string
	if p := s.Prometheus; p != nil {
		out = append(out, p.BasicAuthPassword, p.BearerToken, p.TLS.ClientKey)
		for _, h := range p.Headers {
			out = append(out, h.Value)
		}
	}
	if c := s.ClickHouse; c != nil {
		out = append(out, c.Password, c.TLS.ClientKey)
	}
	return out
}

// jsonData as stored by the config editor.
type jsonSettings struct {
	Prometheus *jsonPrometheus `json:"prometheus"`
	ClickHouse *jsonClickHouse `json:"clickhouse"`
	Defaults   *jsonDefaults   `json:"defaults"`
}

type jsonTLS struct {
	SkipVerify    bool   `json:"tlsSkipVerify"`
	ServerName    string `json:"tlsServerName"`
	WithCACert    bool   `json:"tlsWithCACert"`
	WithClientKey bool   `json:"tlsClientAuth"`
}

type jsonPrometheus struct {
	URL           string `json:"url"`
	Auth          string `json:"auth"`
	BasicAuthUser string `json:"basicAuthUser"`
	jsonTLS
	Headers []struct {
		Name string `json:"name"`
	} `json:"headers"`
	TimeoutSeconds flexNumber `json:"timeoutSeconds"`
}

type jsonClickHouse struct {
	Host     string     `json:"host"`
	Port     flexNumber `json:"port"`
	Protocol string     `json:"protocol"`
	Secure   bool       `json:"secure"`
	jsonTLS
	Username       string     `json:"username"`
	Database       string     `json:"database"`
	TimeoutSeconds flexNumber `json:"timeoutSeconds"`
}

// flexNumber accepts 30 or "30": provisioning YAML often quotes numbers.
type flexNumber struct {
	set bool
	v   float64
}

func (f *flexNumber) UnmarshalJSON(b []byte) error {
	s := strings.Trim(strings.TrimSpace(string(b)), `"`)
	if s == "" || s == "null" {
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("%q is not a number", s)
	}
	f.set, f.v = true, v
	return nil
}

// FieldError is a settings problem tied to one field, so the config editor
// can show it next to that field.
type FieldError struct {
	Field   string
	Message string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Message }

// Load parses and validates settings. Errors name the field to fix and never
// contain secret values. A source is configured when its URL (Prometheus) or
// host (ClickHouse) is set.
func Load(jsonData []byte, secure map[string]string) (Settings, error) {
	var raw jsonSettings
	if len(strings.TrimSpace(string(jsonData))) > 0 {
		if err := json.Unmarshal(jsonData, &raw); err != nil {
			return Settings{Defaults: BuiltinDefaults()}, fmt.Errorf("the datasource settings (jsonData) are not valid JSON: %w", err)
		}
	}
	var s Settings
	var errs []error
	d, err := loadDefaults(raw.Defaults)
	if err != nil {
		errs = append(errs, err)
		d = BuiltinDefaults()
	}
	s.Defaults = d
	if raw.Prometheus != nil && strings.TrimSpace(raw.Prometheus.URL) != "" {
		p, err := loadPrometheus(raw.Prometheus, secure)
		if err != nil {
			errs = append(errs, err)
		} else {
			s.Prometheus = p
		}
	}
	if raw.ClickHouse != nil && strings.TrimSpace(raw.ClickHouse.Host) != "" {
		c, err := loadClickHouse(raw.ClickHouse, secure)
		if err != nil {
			errs = append(errs, err)
		} else {
			s.ClickHouse = c
		}
	}
	return s, errors.Join(errs...)
}

func loadPrometheus(j *jsonPrometheus, secure map[string]string) (*Prometheus, error) {
	p := &Prometheus{URL: strings.TrimRight(strings.TrimSpace(j.URL), "/")}
	u, err := url.Parse(p.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, &FieldError{"prometheus.url", fmt.Sprintf("%q is not a valid URL: use http://host:port or https://host:port", redactURL(p.URL))}
	}
	if u.User != nil {
		return nil, &FieldError{"prometheus.url", "put credentials in the authentication settings, not in the URL"}
	}
	p.Auth = AuthMethod(strings.ToLower(strings.TrimSpace(j.Auth)))
	switch p.Auth {
	case "", AuthNone:
		p.Auth = AuthNone
	case AuthBasic:
		p.BasicAuthUser = strings.TrimSpace(j.BasicAuthUser)
		p.BasicAuthPassword = secure[SecretPrometheusBasicAuthPassword]
		if p.BasicAuthUser == "" {
			return nil, &FieldError{"prometheus.basicAuthUser", "basic authentication needs a user"}
		}
	case AuthBearer:
		p.BearerToken = strings.TrimSpace(secure[SecretPrometheusBearerToken])
		if p.BearerToken == "" {
			return nil, &FieldError{"prometheus.bearerToken", "bearer authentication needs a token"}
		}
	default:
		return nil, &FieldError{"prometheus.auth", fmt.Sprintf("unknown authentication method %q: use none, basic or bearer", j.Auth)}
	}
	t, err := loadTLS("prometheus", j.jsonTLS, secure, SecretPrometheusTLSCACert, SecretPrometheusTLSClientCert, SecretPrometheusTLSClientKey)
	if err != nil {
		return nil, err
	}
	p.TLS = t
	if len(j.Headers) > MaxCustomHeaders {
		return nil, &FieldError{"prometheus.headers", fmt.Sprintf("at most %d custom headers are allowed", MaxCustomHeaders)}
	}
	for i, h := range j.Headers {
		name := strings.TrimSpace(h.Name)
		if name == "" {
			continue
		}
		if !validHeaderName(name) {
			return nil, &FieldError{"prometheus.headers", fmt.Sprintf("header name %q is not valid", name)}
		}
		p.Headers = append(p.Headers, Header{Name: name, Value: secure[fmt.Sprintf("%s%d", SecretPrometheusHeaderValuePrefix, i+1)]})
	}
	if p.Timeout, err = loadTimeout("prometheus.timeoutSeconds", j.TimeoutSeconds); err != nil {
		return nil, err
	}
	return p, nil
}

func loadClickHouse(j *jsonClickHouse, secure map[string]string) (*ClickHouse, error) {
	c := &ClickHouse{
		Host:     strings.TrimSpace(j.Host),
		Secure:   j.Secure,
		User:     strings.TrimSpace(j.Username),
		Password: secure[SecretClickHousePassword],
		Database: strings.TrimSpace(j.Database),
	}
	if strings.Contains(c.Host, "@") {
		// Never echo it: the part before @ is likely a password.
		return nil, &FieldError{"clickhouse.host", "the host contains \"@\": give only the host name, and put the user and password in their own fields"}
	}
	if strings.Contains(c.Host, "://") || strings.ContainsAny(c.Host, "/ ") {
		return nil, &FieldError{"clickhouse.host", fmt.Sprintf("%q is not a host name: give only the host (for example clickhouse.example.com) and set the port and protocol separately", c.Host)}
	}
	switch p := ClickHouseProtocol(strings.ToLower(strings.TrimSpace(j.Protocol))); p {
	case "", ProtocolNative:
		c.Protocol = ProtocolNative
	case ProtocolHTTP:
		c.Protocol = ProtocolHTTP
	default:
		return nil, &FieldError{"clickhouse.protocol", fmt.Sprintf("unknown protocol %q: use native or http", j.Protocol)}
	}
	if j.Port.set {
		if j.Port.v != float64(int(j.Port.v)) || j.Port.v < 1 || j.Port.v > 65535 {
			return nil, &FieldError{"clickhouse.port", fmt.Sprintf("%v is not a port: use 1 to 65535", j.Port.v)}
		}
		c.Port = int(j.Port.v)
	} else {
		c.Port = defaultClickHousePort(c.Protocol, c.Secure)
	}
	if c.User == "" {
		c.User = "default"
	}
	if c.Database == "" {
		c.Database = "default"
	}
	t, err := loadTLS("clickhouse", j.jsonTLS, secure, SecretClickHouseTLSCACert, SecretClickHouseTLSClientCert, SecretClickHouseTLSClientKey)
	if err != nil {
		return nil, err
	}
	c.TLS = t
	if c.Timeout, err = loadTimeout("clickhouse.timeoutSeconds", j.TimeoutSeconds); err != nil {
		return nil, err
	}
	return c, nil
}

func defaultClickHousePort(p ClickHouseProtocol, secure bool) int {
	switch {
	case p == ProtocolHTTP && secure:
		return defaultCHHTTPS
	case p == ProtocolHTTP:
		return defaultCHHTTP
	case secure:
		return defaultCHNativeTL
	default:
		return defaultCHNative
	}
}

func loadTLS(prefix string, j jsonTLS, secure map[string]string, caKey, certKey, keyKey string) (TLS, error) {
	t := TLS{SkipVerify: j.SkipVerify, ServerName: strings.TrimSpace(j.ServerName)}
	if j.WithCACert {
		t.CACert = secure[caKey]
		if strings.TrimSpace(t.CACert) == "" {
			return TLS{}, &FieldError{prefix + ".tlsCACert", "\"With CA certificate\" is on but no CA certificate is saved"}
		}
	}
	if j.WithClientKey {
		t.ClientCert, t.ClientKey = secure[certKey], secure[keyKey]
		if strings.TrimSpace(t.ClientCert) == "" || strings.TrimSpace(t.ClientKey) == "" {
			return TLS{}, &FieldError{prefix + ".tlsClientAuth", "TLS client authentication needs both a client certificate and a client key"}
		}
	}
	return t, nil
}

func loadTimeout(field string, n flexNumber) (time.Duration, error) {
	if !n.set || n.v == 0 {
		return DefaultTimeout, nil
	}
	d := time.Duration(n.v * float64(time.Second))
	if d < 0 || d > MaxTimeout {
		return 0, &FieldError{field, fmt.Sprintf("%v seconds is out of range: use 1 to %d", n.v, int(MaxTimeout.Seconds()))}
	}
	return d, nil
}

func validHeaderName(s string) bool {
	for _, r := range s {
		if r <= ' ' || r >= 127 || strings.ContainsRune("()<>@,;:\\\"/[]?={}", r) {
			return false
		}
	}
	return s != ""
}

func joinHostPort(host string, port int) string {
	if strings.Contains(host, ":") && !strings.HasPrefix(host, "[") {
		return fmt.Sprintf("[%s]:%d", host, port)
	}
	return fmt.Sprintf("%s:%d", host, port)
}

// redactURL drops user info from a URL-like string for messages.
func redactURL(s string) string {
	if u, err := url.Parse(s); err == nil && u.User != nil {
		return u.Redacted()
	}
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		scheme := ""
		if j := strings.Index(s, "://"); j >= 0 && j < i {
			scheme = s[:j+3]
		}
		return scheme + "xxxxx@" + s[i+1:]
	}
	return s
}
