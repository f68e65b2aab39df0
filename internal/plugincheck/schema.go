package plugincheck

import (
	"encoding/json"
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"sort"
	"strings"
)

// The official validator checks the main plugin.json against Grafana's
// plugin.schema.json with gojsonschema, downloading the schema at run
// time. This file encodes the parts of that schema the validator's rules
// rely on, as a small hand-written validator, and phrases errors the way
// gojsonschema does ("(root): type is required", "info.version: Does not
// match pattern ...").

type jsonType string

const (
	tAny     jsonType = ""
	tObject  jsonType = "object"
	tArray   jsonType = "array"
	tString  jsonType = "string"
	tBoolean jsonType = "boolean"
	tNumber  jsonType = "number"
)

type schemaNode struct {
	typ      jsonType
	props    map[string]*schemaNode
	required []string
	closed   bool // additionalProperties: false
	items    *schemaNode
	minItems int
	pattern  *regexp.Regexp
	enum     []string
	format   string // "email" or "uri"
}

var (
	idPattern = regexp.MustCompile(`^[0-9a-z]+\-([0-9a-z]+\-)?(app|panel|datasource)$`)
	// grafanaDependency pattern from the current Grafana schema: optional
	// operator, X[.Y[.Z]] with x/* wildcards and an optional pre-release,
	// optionally followed by one more space-separated comparator.
	grafanaDependencyPattern = regexp.MustCompile(`^(<=|>=|<|>|=|~|\^)?([0-9]+)(\.[0-9x\*]+)?(\.[0-9x\*]+)?(-[0-9A-Za-z-.]+)?(\s(<=|>=|<|=>)?([0-9]+)(\.[0-9x\*]+)?(\.[0-9x\*]+)?(-[0-9A-Za-z-.]+)?)?$`)
)

func str() *schemaNode                      { return &schemaNode{typ: tString} }
func boolean() *schemaNode                  { return &schemaNode{typ: tBoolean} }
func number() *schemaNode                   { return &schemaNode{typ: tNumber} }
func anyValue() *schemaNode                 { return &schemaNode{typ: tAny} }
func enumOf(v ...string) *schemaNode        { return &schemaNode{typ: tString, enum: v} }
func pattern(re *regexp.Regexp) *schemaNode { return &schemaNode{typ: tString, pattern: re} }
func format(f string) *schemaNode           { return &schemaNode{typ: tString, format: f} }

// pluginSchema is built once; it is read-only afterwards.
var pluginSchema = &schemaNode{
	typ:      tObject,
	closed:   true,
	required: []string{"type", "name", "id", "info", "dependencies"},
	props: map[string]*schemaNode{
		"id":   pattern(idPattern),
		"type": enumOf("app", "datasource", "panel", "renderer"),
		"name": str(),
		"info": {
			typ:      tObject,
			closed:   true,
			required: []string{"logos", "version", "updated", "keywords"},
			props: map[string]*schemaNode{
				"author": {typ: tObject, closed: true, props: map[string]*schemaNode{
					"name": str(), "email": format("email"), "url": format("uri"),
				}},
				"build": {typ: tObject, closed: true, props: map[string]*schemaNode{
					"time": number(), "repo": str(), "branch": str(), "hash": str(), "number": number(), "pr": number(),
				}},
				"description": str(),
				"keywords":    {typ: tArray, minItems: 1, items: str()},
				"links": {typ: tArray, items: &schemaNode{typ: tObject, closed: true, props: map[string]*schemaNode{
					"name": str(), "url": format("uri"), "target": str(),
				}}},
				"logos": {typ: tObject, closed: true, required: []string{"small", "large"}, props: map[string]*schemaNode{
					"small": str(), "large": str(),
				}},
				"screenshots": {typ: tArray, items: &schemaNode{typ: tObject, closed: true, props: map[string]*schemaNode{
					"name": str(), "path": str(),
				}}},
				"updated": pattern(regexp.MustCompile(`^(\d{4}-\d{2}-\d{2}|\%TODAY\%)$`)),
				// Only the first alternative is anchored at the start, so
				// "1.0.0-beta" passes, as it does in the official schema.
				"version": pattern(regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)|(\%VERSION\%)$`)),
			},
		},
		"dependencies": {
			typ:      tObject,
			closed:   true,
			required: []string{"grafanaDependency"},
			props: map[string]*schemaNode{
				"grafanaDependency": pattern(grafanaDependencyPattern),
				"grafanaVersion":    pattern(regexp.MustCompile(`^([0-9]+)(\.[0-9x]+)?(\.[0-9x])?$`)),
				"plugins": {typ: tArray, items: &schemaNode{
					typ:      tObject,
					required: []string{"id", "name", "type"},
					props: map[string]*schemaNode{
						"id": pattern(idPattern), "name": str(), "type": enumOf("app", "datasource", "panel"),
					},
				}},
				"extensions": anyValue(),
			},
		},
		"includes": {typ: tArray, items: &schemaNode{
			typ:      tObject,
			required: []string{"type"},
			props: map[string]*schemaNode{
				"type":       enumOf("dashboard", "page", "panel", "datasource"),
				"role":       enumOf("Admin", "Editor", "Viewer"),
				"uid":        str(),
				"name":       str(),
				"component":  str(),
				"action":     str(),
				"path":       str(),
				"icon":       str(),
				"addToNav":   boolean(),
				"defaultNav": boolean(),
			},
		}},
		"$schema":            str(),
		"alerting":           boolean(),
		"annotations":        boolean(),
		"autoEnabled":        boolean(),
		"backend":            boolean(),
		"buildMode":          str(),
		"builtIn":            boolean(),
		"category":           enumOf("tsdb", "logging", "cloud", "tracing", "profiling", "sql", "enterprise", "iot", "other"),
		"docsPath":           str(),
		"enterpriseFeatures": {typ: tObject},
		"executable":         str(),
		"hideFromList":       boolean(),
		"logs":               boolean(),
		"metrics":            boolean(),
		"preload":            boolean(),
		"queryOptions":       {typ: tObject},
		"routes":             {typ: tArray},
		"skipDataQuery":      boolean(),
		"state":              enumOf("alpha", "beta", "stable", "deprecated"),
		"streaming":          boolean(),
		"tracing":            boolean(),
		// Newer keys whose inner shape this checker does not encode.
		"mixed":                     anyValue(),
		"multiValueFilterOperators": anyValue(),
		"pascalName":                anyValue(),
		"suggestions":               anyValue(),
		"iam":                       anyValue(),
		"roles":                     anyValue(),
		"extensions":                anyValue(),
		"languages":                 anyValue(),
	},
}

// schemaError is one violation: field like "(root)" or "info.version".
type schemaError struct {
	Field, Description string
}

// validateSchema checks doc against n, appending violations in a stable
// order (required keys first, then properties alphabetically).
func validateSchema(n *schemaNode, field string, doc any, errs *[]schemaError) {
	fail := func(format string, args ...any) {
		*errs = append(*errs, schemaError{field, fmt.Sprintf(format, args...)})
	}
	if given := typeOf(doc); n.typ != tAny && given != n.typ {
		fail("Invalid type. Expected: %s, given: %s", n.typ, given)
		return
	}
	switch v := doc.(type) {
	case map[string]any:
		for _, k := range n.required {
			if _, ok := v[k]; !ok {
				fail("%s is required", k)
			}
		}
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			child, ok := n.props[k]
			if !ok {
				if n.closed {
					fail("Additional property %s is not allowed", k)
				}
				continue
			}
			validateSchema(child, joinField(field, k), v[k], errs)
		}
	case []any:
		if len(v) < n.minItems {
			fail("Array must have at least %d items", n.minItems)
		}
		if n.items != nil {
			for i, item := range v {
				validateSchema(n.items, joinField(field, fmt.Sprint(i)), item, errs)
			}
		}
	case string:
		if n.pattern != nil && !n.pattern.MatchString(v) {
			fail("Does not match pattern '%s'", n.pattern)
		}
		if len(n.enum) > 0 && !contains(n.enum, v) {
			fail("%s must be one of the following: %s", lastField(field), quoteList(n.enum))
		}
		if n.format != "" && !matchesFormat(n.format, v) {
			fail("Does not match format '%s'", n.format)
		}
	}
}

func typeOf(v any) jsonType {
	switch v.(type) {
	case map[string]any:
		return tObject
	case []any:
		return tArray
	case string:
		return tString
	case bool:
		return tBoolean
	case float64, json.Number:
		return tNumber
	}
	return "null"
}

// matchesFormat is deliberately loose: an author e-mail must parse as an
// address and a URI must be absolute (have a scheme), as in gojsonschema.
func matchesFormat(f, v string) bool {
	switch f {
	case "email":
		_, err := mail.ParseAddress(v)
		return err == nil
	case "uri":
		u, err := url.Parse(v)
		return err == nil && u.IsAbs()
	}
	return true
}

func joinField(parent, k string) string {
	if parent == "(root)" {
		return k
	}
	return parent + "." + k
}

func lastField(field string) string {
	if i := strings.LastIndexByte(field, '.'); i >= 0 {
		return field[i+1:]
	}
	return field
}

func quoteList(v []string) string {
	q := make([]string, len(v))
	for i, s := range v {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// runMetadataValid validates the main plugin.json against the schema.
// Like the official analyzer it does not look at nested plugin.json files.
func runMetadataValid(p *pass) error {
	const a = "metadatavalid"
	b, ok, err := p.readPluginFile("plugin.json")
	if err != nil {
		return err
	}
	if !ok {
		p.add(a, "metadata-not-found", SeverityError, "plugin.json not found", "")
		return nil
	}
	var doc any
	if err := json.Unmarshal(b, &doc); err != nil {
		p.add(a, "invalid-metadata", SeverityError, "plugin.json: (root): invalid JSON", err.Error())
		return nil
	}
	var errs []schemaError
	validateSchema(pluginSchema, "(root)", doc, &errs)
	for _, e := range errs {
		p.add(a, "invalid-metadata", SeverityError, fmt.Sprintf("plugin.json: %s: %s", e.Field, e.Description), "")
	}
	return nil
}
