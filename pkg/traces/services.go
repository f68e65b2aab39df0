package traces

import (
	"fmt"
	"strings"
	"time"
)

// ServicesSQL lists the service names of spans between from and to whose
// name contains search (case-insensitive), for the query editor's service
// picker. It asks for limit+1 rows so that the caller can tell a cut list
// from a complete one. Times are compared as whole seconds (toDateTime),
// which works on DateTime64 span columns and on every server version.
func (s *Source) ServicesSQL(from, to time.Time, search string, limit int) (string, error) {
	if err := validText("search", search); err != nil {
		return "", err
	}
	if !to.After(from) {
		return "", inputErr("time range", "the end must be after the start")
	}
	if limit <= 0 {
		return "", inputErr("limit", "must be 1 or more")
	}
	d := s.dialect()
	toSec := to.Unix()
	if to.Nanosecond() > 0 {
		toSec++
	}
	conds := []string{
		fmt.Sprintf("%s >= toDateTime(%d)", d.ts, from.Unix()),
		fmt.Sprintf("%s <= toDateTime(%d)", d.ts, toSec),
	}
	if c := d.rangeCond(from, to); c != "" {
		conds = append(conds, c)
	}
	conds = append(conds, d.service+" != ''")
	if search != "" {
		conds = append(conds, fmt.Sprintf("position(lowerUTF8(%s), %s) > 0", d.service, Literal(strings.ToLower(search))))
	}
	return fmt.Sprintf("SELECT %s AS mlw_service FROM %s WHERE %s GROUP BY mlw_service ORDER BY mlw_service LIMIT %d",
		d.service, s.qualified(s.Table), strings.Join(conds, " AND "), limit+1), nil
}

// CheckServices is Check for ServicesSQL, which needs only the time and
// service columns: it reads the answer of ColumnsSQL and says, in words a
// user can act on, why the table cannot be listed.
func (s *Source) CheckServices(r *Result) error {
	span := map[string]bool{}
	for i := range r.Rows {
		if r.Str(i, 0) == s.Table {
			span[r.Str(i, 1)] = true
		}
	}
	if len(span) == 0 {
		return &SchemaError{Message: fmt.Sprintf("table %s does not exist (or this user cannot see it): set the traces database and table to where your spans are", s.Name())}
	}
	need := []string{"Timestamp", "ServiceName"}
	if s.Schema == SigNoz {
		need = []string{"timestamp", "ts_bucket_start", "resource_string_service$$name"}
	}
	var missing []string
	for _, c := range need {
		if !span[c] {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return &SchemaError{Message: fmt.Sprintf("table %s is not a %s span table: it lacks %s. Pick the schema that wrote it (otel or signoz), or the right table",
			s.Name(), s.Schema, strings.Join(missing, ", "))}
	}
	return nil
}
