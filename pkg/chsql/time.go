package chsql

import (
	"fmt"
	"time"
)

// Time windows are half-open, [from, to), so that adjacent windows (a
// reference one offset before the current one, or over-time steps) never
// count a row twice.

// ceilSeconds is the first whole second at or after t: for a column with
// whole seconds, col >= ceilSeconds(from) is exactly col >= from.
func ceilSeconds(t time.Time) int64 {
	s := t.Unix()
	if t.Nanosecond() > 0 {
		s++
	}
	return s
}

// ceilMillis is the first whole millisecond at or after t.
func ceilMillis(t time.Time) int64 {
	ms := t.UnixMilli()
	if t.Sub(time.UnixMilli(ms)) > 0 {
		ms++
	}
	return ms
}

// ceilDay is the first UTC midnight at or after t.
func ceilDay(t time.Time) time.Time {
	t = t.UTC()
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	if d.Before(t) {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

// TimeLiteral renders the instant t (rounded up to the column's resolution)
// as a literal comparable with a column of the given type.
func TimeLiteral(colType string, t time.Time) (string, error) {
	switch TimeKindOf(colType) {
	case DateTime:
		return fmt.Sprintf("toDateTime(%d)", ceilSeconds(t)), nil
	case DateTime64:
		// fromUnixTimestamp64Milli is as old as DateTime64 itself (20.x).
		return fmt.Sprintf("fromUnixTimestamp64Milli(toInt64(%d))", ceilMillis(t)), nil
	case Date:
		fn := "toDate"
		if IsDate32(colType) {
			fn = "toDate32"
		}
		// A literal date, not toDate(<DateTime>): the latter uses the
		// server's time zone, and ClickHouse 18.16 compares Date with
		// DateTime by raw number.
		return fmt.Sprintf("%s(%s)", fn, String(ceilDay(t).Format("2006-01-02"))), nil
	}
	return "", fmt.Errorf("type %s is not a date or time type", colType)
}

// TimeRange is the condition from <= col < to for a time column expression
// (already quoted) of the given type.
func TimeRange(col, colType string, from, to time.Time) (string, error) {
	lo, err := TimeLiteral(colType, from)
	if err != nil {
		return "", err
	}
	hi, err := TimeLiteral(colType, to)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s >= %s AND %s < %s", col, lo, col, hi), nil
}

// EpochMillis is an Int64 expression of a time column in milliseconds since
// the Unix epoch, for bucketing rows into over-time steps in SQL. Dates are
// UTC midnights.
func EpochMillis(col, colType string) (string, error) {
	switch TimeKindOf(colType) {
	case DateTime:
		return fmt.Sprintf("toInt64(toUInt32(%s)) * 1000", col), nil
	case DateTime64:
		return fmt.Sprintf("toInt64(toUnixTimestamp64Milli(%s))", col), nil
	case Date:
		if IsDate32(colType) {
			return fmt.Sprintf("toInt64(toInt32(%s)) * 86400000", col), nil
		}
		return fmt.Sprintf("toInt64(toUInt32(%s)) * 86400000", col), nil
	}
	return "", fmt.Errorf("type %s is not a date or time type", colType)
}
