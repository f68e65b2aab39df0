package plugincheck

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestParseConstraint(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{">=12.3.0", true},
		{"^10.4.0", true},
		{">=10.0.0 <12", true},
		{"~11.6.0-0", true},
		{">= 10.4.0", true},
		{">=10.4.0, <13.0.0", true},
		{"10.x || >=12", true},
		{"1.2 - 1.4.5", true},
		{"*", true},
		{"v12.0.0", true},
		{"=12.3.0-beta.1+build.5", true},
		{"", false},
		{"   ", false},
		{">=", false},
		{">=twelve", false},
		{"12.3.0.1", false},
		{">=10 ||", false},
		{"latest", false},
	}
	for _, tc := range tests {
		if err := parseConstraint(tc.in); (err == nil) != tc.ok {
			t.Errorf("parseConstraint(%q) = %v, want ok=%v", tc.in, err, tc.ok)
		}
	}
}

func TestIsLooseVersion(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"1.0.0", true},
		{"0.1.0", true},
		{"v1.2.3", true},
		{"1.2", true},
		{"1.2.3.4", true},
		{"1.0.0-beta.1", true},
		{"1.0.0+build.7", true},
		{"1.0beta", true},
		{"", false},
		{"one.two", false},
		{"1..2", false},
		{"1.0.0 ", false},
	}
	for _, tc := range tests {
		if got := isLooseVersion(tc.in); got != tc.ok {
			t.Errorf("isLooseVersion(%q) = %v, want %v", tc.in, got, tc.ok)
		}
	}
}

const apacheExcerpt = `
                                 Apache License
                           Version 2.0, January 2004
                        http://www.apache.org/licenses/

   TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION
   2. Grant of Copyright License. Subject to the terms ...
   3. Grant of Patent License. Subject to the terms ...
   4. Redistribution. You may reproduce and distribute copies of the
      Work or Derivative Works thereof in any medium ...
   7. Disclaimer of Warranty. Unless required by applicable law ...
   8. Limitation of Liability. In no event ...
`

func TestDetectLicense(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"apache", apacheExcerpt, "Apache-2.0"},
		{"apache reflowed", strings.Join(strings.Fields(apacheExcerpt), "\n"), "Apache-2.0"},
		{"mit", mitLicense, "MIT"},
		{"mit typographic quotes", strings.Replace(mitLicense, `"AS IS"`, "“AS IS”", 1), "MIT"},
		{"apache header only", "Licensed under the Apache License, Version 2.0 (the \"License\");", ""},
		{"gpl3", "GNU GENERAL PUBLIC LICENSE\nVersion 3, 29 June 2007\n... TERMS AND CONDITIONS ...", "GPL-3.0"},
		{"agpl3", "GNU AFFERO GENERAL PUBLIC LICENSE\nVersion 3, 19 November 2007\n... GNU General Public License ...", "AGPL-3.0"},
		{"proprietary", "Copyright Acme. All rights reserved.", ""},
	}
	for _, tc := range tests {
		if got := detectLicense(tc.text); got != tc.want {
			t.Errorf("%s: detectLicense = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestCheckSVG(t *testing.T) {
	tests := []struct {
		name, svg, want string
	}{
		{"plain", `<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1" opacity="0.5"/></svg>`, ""},
		{"doctype and comment", `<?xml version="1.0"?><!DOCTYPE svg><!-- c --><svg><g/></svg>`, ""},
		{"script", `<svg><script>alert(1)</script></svg>`, "Invalid element script"},
		{"foreign iframe", `<svg><foreignObject><iframe src="x"/></foreignObject></svg>`, "Invalid element iframe"},
		{"onclick", `<svg><rect onclick="x()"/></svg>`, "Invalid attribute onclick"},
		{"ONLOAD upper case", `<svg ONLOAD="x()"/>`, "Invalid attribute onload"},
		{"namespaced on-attribute", `<svg xmlns:a="urn:a"><rect a:onload="x"/></svg>`, ""},
		{"unclosed", `<svg><rect></svg>`, "XML syntax error"},
	}
	for _, tc := range tests {
		got := checkSVG(strings.NewReader(tc.svg))
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%s: checkSVG = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestUnmarshalJSONC(t *testing.T) {
	in := `{
	  // comment with "quotes"
	  "version": "1.2.3", /* block, ] */
	  "url": "http://x//y", "s": "a,]",
	  "scripts": {"build": "webpack",},
	}`
	var v struct {
		Version, URL, S string
		Scripts         map[string]string
	}
	if err := unmarshalJSONC([]byte(in), &v); err != nil {
		t.Fatal(err)
	}
	if v.Version != "1.2.3" || v.URL != "http://x//y" || v.S != "a,]" || v.Scripts["build"] != "webpack" {
		t.Errorf("got %+v", v)
	}
	if err := unmarshalJSONC([]byte(`{"a": "x`), &v); err == nil {
		t.Error("unterminated string: want error")
	}
}

func TestParseGoMod(t *testing.T) {
	m, err := parseGoMod([]byte(`module github.com/acme/x // the module

go 1.26

require github.com/a/b v1.0.0
require (
	github.com/grafana/grafana-plugin-sdk-go v0.299.0 // indirect
)

replace (
	github.com/a/b v1.0.0 => ../b
)
exclude github.com/c/d v1.0.0
`))
	if err != nil {
		t.Fatal(err)
	}
	if m.Module != "github.com/acme/x" || m.Requires[sdkModule] != "v0.299.0" || m.Replaces["github.com/a/b"] != "../b" {
		t.Errorf("got %+v", m)
	}
	for _, bad := range []string{"go 1.26\n", "module x\nrequire (\n", "module x\nrequire a\n", "module x\nreplace a =>\n"} {
		if _, err := parseGoMod([]byte(bad)); err == nil {
			t.Errorf("parseGoMod(%q): want error", bad)
		}
	}
}

func TestValidateSchema(t *testing.T) {
	doc := func(s string) any {
		var v any
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	valid := `{"id":"acme-x-app","type":"app","name":"X","info":{"logos":{"small":"a","large":"b"},"version":"%VERSION%","updated":"%TODAY%","keywords":["k"]},"dependencies":{"grafanaDependency":">=10.4.0"}}`
	var errs []schemaError
	validateSchema(pluginSchema, "(root)", doc(valid), &errs)
	if len(errs) != 0 {
		t.Fatalf("valid document: %+v", errs)
	}

	bad := `{"id":"acme-too-many-parts-app","type":"widget","info":{"logos":{"small":"a"},"version":"1.0","updated":"yesterday","keywords":[],"extra":1,
		"author":{"email":"not an email"}},
		"dependencies":{"grafanaDependency":">=10.4.0","plugins":[{"id":"acme-y-panel"}]},
		"includes":[{"type":"widget","role":"Owner"}]}`
	errs = nil
	validateSchema(pluginSchema, "(root)", doc(bad), &errs)
	var got []string
	for _, e := range errs {
		got = append(got, e.Field+": "+e.Description)
	}
	for _, w := range []string{
		"(root): name is required",
		"id: Does not match pattern",
		`type: type must be one of the following: "app", "datasource", "panel", "renderer"`,
		"info: Additional property extra is not allowed",
		"info.logos: large is required",
		"info.version: Does not match pattern",
		"info.updated: Does not match pattern",
		"info.keywords: Array must have at least 1 items",
		"info.author.email: Does not match format 'email'",
		"dependencies.plugins.0: name is required",
		"dependencies.plugins.0: type is required",
		"includes.0.type: type must be one of the following",
		"includes.0.role: role must be one of the following",
	} {
		found := false
		for _, g := range got {
			found = found || strings.Contains(g, w)
		}
		if !found {
			t.Errorf("missing %q in:\n%s", w, strings.Join(got, "\n"))
		}
	}
}

func TestSkipMappedSource(t *testing.T) {
	for name, skip := range map[string]bool{
		`external amd "react"`:                  true,
		"webpack/runtime/load script":           true,
		"./node_modules/grafana-public-path.js": true,
		"../node_modules/lodash/lodash.js":      true,
		"foo/node_modules/.pnpm/x/index.js":     true,
		"./styles/app.scss?inline":              true,
		"./img/logo.svg":                        true,
		"./plugin.json":                         true,
		"./panels/x/module.tsx":                 false,
		"./shared/frames.ts":                    false,
		"module.tsx":                            false,
	} {
		if got := skipMappedSource(name); got != skip {
			t.Errorf("skipMappedSource(%q) = %v, want %v", name, got, skip)
		}
	}
}
