package plugincheck

import (
	"strings"
	"unicode"
)

// The official analyzer identifies the LICENSE with go-license-detector
// and accepts 0BSD, BSD-*, MIT*, Apache-2.0, LGPL-3*, GPL-3.0* and
// AGPL-3.0* at ≥90% confidence. This checker instead looks for phrases
// that only the full text of each license contains, after normalising
// case, quotes and whitespace. A bare "Licensed under the Apache License"
// header therefore does not count, just as it would not reach 90% there.

type licenseSig struct {
	id string
	// all must appear; none must not.
	all, none []string
}

var licenseSigs = []licenseSig{
	{id: "Apache-2.0", all: []string{
		"apache license version 2.0, january 2004",
		"terms and conditions for use, reproduction, and distribution",
		"grant of copyright license",
		"grant of patent license",
		"redistribution. you may reproduce and distribute copies of the work or derivative works thereof",
		"disclaimer of warranty",
		"limitation of liability",
	}},
	// AGPL and LGPL texts mention the GPL, so they are tried first.
	{id: "AGPL-3.0", all: []string{"gnu affero general public license", "version 3, 19 november 2007"}},
	{id: "LGPL-3.0", all: []string{"gnu lesser general public license", "version 3, 29 june 2007"}},
	{id: "GPL-3.0", all: []string{"gnu general public license", "version 3, 29 june 2007", "terms and conditions"}},
	{id: "MIT", all: []string{
		"permission is hereby granted, free of charge, to any person obtaining a copy",
		"the above copyright notice and this permission notice shall be included in all copies or substantial portions of the software",
		`the software is provided "as is", without warranty of any kind`,
	}},
	{id: "0BSD", all: []string{
		"permission to use, copy, modify, and/or distribute this software for any purpose with or without fee is hereby granted",
		`the software is provided "as is" and the author disclaims all warranties`,
	}, none: []string{"above copyright notice and this permission notice appear in all copies"}},
	{id: "BSD-3-Clause", all: []string{
		"redistribution and use in source and binary forms, with or without modification, are permitted provided that the following conditions are met",
		"redistributions of source code must retain the above copyright notice",
		"neither the name of",
	}},
	{id: "BSD-2-Clause", all: []string{
		"redistribution and use in source and binary forms, with or without modification, are permitted provided that the following conditions are met",
		"redistributions of source code must retain the above copyright notice",
	}},
}

// detectLicense returns the SPDX id of the license text, or "".
func detectLicense(text string) string {
	n := normaliseLicense(text)
	for _, s := range licenseSigs {
		if containsAll(n, s.all) && !containsAny(n, s.none) {
			return s.id
		}
	}
	return ""
}

// normaliseLicense lowercases, folds typographic quotes and collapses all
// whitespace (including line breaks and indentation) to single spaces, so
// reflowed copies of a license still match.
func normaliseLicense(s string) string {
	s = strings.NewReplacer("“", `"`, "”", `"`, "‘", "'", "’", "'").Replace(strings.ToLower(s))
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

func containsAll(s string, subs []string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

func runLicense(p *pass) error {
	const a = "license"
	b, ok, err := p.readPluginFile("LICENSE")
	if err != nil {
		return err
	}
	if !ok {
		p.add(a, "license-not-provided", SeverityError, "LICENSE file not found",
			"The archive must contain a LICENSE file (exactly that name) at its root.")
		return nil
	}
	text := string(b)
	if detectLicense(text) == "" {
		p.add(a, "license-not-valid", SeverityError, "Valid license not found",
			"The LICENSE file must hold the full text of one of: 0BSD, BSD-*, MIT, Apache-2.0, LGPL-3.0, GPL-3.0, AGPL-3.0.")
	}
	if strings.Contains(text, "{name of copyright owner}") || strings.Contains(text, "{yyyy}") {
		p.add(a, "license-with-generic-text", SeverityWarning, "License file contains generic text",
			"Replace the placeholders {name of copyright owner} and {yyyy} with real values.")
	}
	return nil
}
