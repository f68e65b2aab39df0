package clickhouse

import (
	"testing"

	"github.com/mlwatch/mlwatch/pkg/diagnose"
)

func TestParseException(t *testing.T) {
	tests := []struct {
		text     string
		wantCode int
		wantMsg  string
	}{
		{"Code: 193, e.displayText() = DB::Exception: Wrong password for user mlwatch, e.what() = DB::Exception\n", 193, "Wrong password for user mlwatch"},
		{"Code: 516. DB::Exception: mlwatch: Authentication failed: password is incorrect. (AUTHENTICATION_FAILED) (version 24.3.1.1)\n", 516, "mlwatch: Authentication failed: password is incorrect. (AUTHENTICATION_FAILED)"},
		{"Code: 81, e.displayText() = DB::Exception: Database x doesn't exist", 81, "Database x doesn't exist"},
	}
	for _, tt := range tests {
		e, ok := parseException(tt.text)
		if !ok || e.Code != tt.wantCode || e.Message != tt.wantMsg {
			t.Errorf("parseException(%q) = %+v, %v", tt.text, e, ok)
		}
	}
	if _, ok := parseException("<html>nginx</html>"); ok {
		t.Error("non-ClickHouse text parsed as exception")
	}
}

func TestProblemFromServer(t *testing.T) {
	target := diagnose.Target{System: "ClickHouse", Address: "ch:9000"}
	tests := []struct {
		code int
		kind diagnose.Kind
	}{
		{192, diagnose.KindUnauthorized}, {193, diagnose.KindUnauthorized}, {516, diagnose.KindUnauthorized},
		{195, diagnose.KindForbidden}, {291, diagnose.KindForbidden}, {497, diagnose.KindForbidden},
		{81, diagnose.KindNotFound}, {62, diagnose.KindHTTPStatus},
	}
	for _, tt := range tests {
		p := problemFromServer(target, "db", serverError{Code: tt.code, Message: "m"})
		if p.Kind != tt.kind || !p.Downstream {
			t.Errorf("code %d: kind %s, want %s", tt.code, p.Kind, tt.kind)
		}
	}
}
