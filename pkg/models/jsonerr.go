package models

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"time"
)

// jsonError turns a decoding error of the query JSON into a message that
// names the field and says what to write there, without Go's type names.
func jsonError(err error) *QueryError {
	var (
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
		tparse *time.ParseError
		qe     *QueryError
	)
	switch {
	case errors.As(err, &qe):
		return qe
	case errors.As(err, &syntax):
		return &QueryError{Field: "query", Message: fmt.Sprintf("the query is not valid JSON (near character %d): %s", syntax.Offset, strings.TrimPrefix(syntax.Error(), "json: "))}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &QueryError{Field: "query", Message: "the query JSON is cut short"}
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "query"
		}
		return &QueryError{Field: field, Message: fmt.Sprintf("expected %s, got %s", kindWords(typ.Type), valueWords(typ.Value))}
	case errors.As(err, &tparse):
		return &QueryError{Field: "reference", Message: fmt.Sprintf("%q is not a time: use RFC 3339, such as 2026-01-02T15:04:05Z", shorten(tparse.Value))}
	}
	// Errors of our own decoders (durations) are already plain words.
	msg := strings.TrimPrefix(err.Error(), "json: ")
	return &QueryError{Field: "query", Message: "the query is not valid JSON for mlwatch: " + shorten(msg)}
}

// kindWords names a Go type the way a user writes JSON.
func kindWords(t reflect.Type) string {
	if t == nil {
		return "another value"
	}
	if t == reflect.TypeOf(time.Time{}) {
		return "a time such as \"2026-01-02T15:04:05Z\""
	}
	if t == reflect.TypeOf(Duration(0)) {
		return "a duration such as \"5m\""
	}
	switch t.Kind() {
	case reflect.String:
		return "text"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Struct, reflect.Map, reflect.Pointer:
		return "an object"
	}
	return "another value"
}

// valueWords names the JSON value found ("string", "number 1.5", ...).
func valueWords(v string) string {
	switch {
	case v == "string":
		return "text"
	case v == "bool":
		return "true or false"
	case v == "array":
		return "a list"
	case v == "object":
		return "an object"
	case v == "number":
		return "a number"
	case strings.HasPrefix(v, "number "):
		return "the number " + shorten(strings.TrimPrefix(v, "number "))
	}
	return "a " + shorten(v)
}
