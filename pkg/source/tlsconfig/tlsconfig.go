// Package tlsconfig builds a crypto/tls configuration from the datasource's
// TLS settings, for both the Prometheus and the ClickHouse connections.
package tlsconfig

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"

	"github.com/mlwatch/mlwatch/pkg/models"
)

// Build returns nil when no TLS option is set, so callers keep Go's defaults.
func Build(t models.TLS) (*tls.Config, error) {
	if !t.SkipVerify && t.ServerName == "" && t.CACert == "" && t.ClientCert == "" {
		return nil, nil
	}
	cfg := &tls.Config{
		MinVersion: tls.VersionTLS12,
		ServerName: t.ServerName,
		// The user turns this on explicitly in the settings, for testing.
		InsecureSkipVerify: t.SkipVerify, //nolint:gosec
	}
	if t.CACert != "" {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM([]byte(t.CACert)) {
			return nil, fmt.Errorf("the CA certificate is not valid PEM: paste the whole certificate, including the BEGIN and END lines")
		}
		cfg.RootCAs = pool
	}
	if t.ClientCert != "" || t.ClientKey != "" {
		pair, err := tls.X509KeyPair([]byte(t.ClientCert), []byte(t.ClientKey))
		if err != nil {
			// The parse error can quote key material; do not pass it on.
			return nil, fmt.Errorf("the TLS client certificate and key do not form a valid PEM pair: check that both are pasted whole and belong together")
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	return cfg, nil
}

// Default is the configuration for "TLS on" with no other option set.
func Default() *tls.Config { return &tls.Config{MinVersion: tls.VersionTLS12} }
