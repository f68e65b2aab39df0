package tlsconfig

import (
	"crypto/tls"
	"testing"

	"github.com/mlwatch/mlwatch/pkg/models"
)

func TestBuild(t *testing.T) {
	cfg, err := Build(models.TLS{})
	if err != nil || cfg != nil {
		t.Errorf("no options: got %v, %v; want nil, nil", cfg, err)
	}
	cfg, err = Build(models.TLS{SkipVerify: true, ServerName: "prom"})
	if err != nil || !cfg.InsecureSkipVerify || cfg.ServerName != "prom" || cfg.MinVersion != tls.VersionTLS12 {
		t.Errorf("got %+v, %v", cfg, err)
	}
	if _, err := Build(models.TLS{CACert: "garbage"}); err == nil {
		t.Error("garbage CA accepted")
	}
}
