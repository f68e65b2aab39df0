package plugincheck

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Two version grammars, written to accept what the official validator's
// libraries accept:
//   - constraints (grafanaDependency) as Masterminds/semver/v3
//     NewConstraint parses them: "||"-separated groups of comparators
//     separated by spaces or commas, each an optional operator
//     (=, !=, >, <, >=, =>, <=, =<, ~, ~>, ^) followed by a version that may
//     use x/X/* wildcards and omit minor/patch; plus hyphen ranges
//     "1.2 - 1.4.5".
//   - plugin versions (info.version) as hashicorp/go-version NewVersion
//     parses them: v?N(.N)* with an optional pre-release and metadata.

// constraintVersionRe is one version inside a constraint.
var constraintVersionRe = regexp.MustCompile(`^v?([0-9]+|[xX*])(\.([0-9]+|[xX*]))?(\.([0-9]+|[xX*]))?` +
	`(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$`)

var constraintOps = []string{"!=", ">=", "=>", "<=", "=<", "~>", ">", "<", "=", "~", "^"}

// parseConstraint returns nil when c is a valid constraint.
func parseConstraint(c string) error {
	if strings.TrimSpace(c) == "" {
		return errors.New("empty constraint")
	}
	for _, group := range strings.Split(c, "||") {
		if err := parseConstraintGroup(group); err != nil {
			return err
		}
	}
	return nil
}

func parseConstraintGroup(group string) error {
	g := strings.TrimSpace(group)
	if g == "" {
		return errors.New("empty range between ||")
	}
	// Hyphen range: "1.2.3 - 2.3.4" (the spaces around '-' are required,
	// which keeps pre-release dashes apart).
	if lo, hi, ok := strings.Cut(g, " - "); ok {
		if err := checkConstraintVersion(strings.TrimSpace(lo)); err != nil {
			return err
		}
		return checkConstraintVersion(strings.TrimSpace(hi))
	}
	tokens := strings.FieldsFunc(g, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' })
	for i := 0; i < len(tokens); i++ {
		tok := tokens[i]
		op := ""
		for _, o := range constraintOps {
			if strings.HasPrefix(tok, o) {
				op = o
				break
			}
		}
		v := strings.TrimPrefix(tok, op)
		// An operator may be separated from its version by spaces
		// (">= 1.2.3").
		if v == "" && op != "" {
			if i+1 >= len(tokens) {
				return fmt.Errorf("operator %q without a version", op)
			}
			i++
			v = tokens[i]
		}
		if err := checkConstraintVersion(v); err != nil {
			return err
		}
	}
	return nil
}

func checkConstraintVersion(v string) error {
	if !constraintVersionRe.MatchString(v) {
		return fmt.Errorf("improper constraint version %q", v)
	}
	return nil
}

// looseVersionRe: v?N(.N)*, then an optional pre-release (introduced by a
// dash, or directly by a letter as in "1.0beta"), then optional +metadata.
var looseVersionRe = regexp.MustCompile(`^v?[0-9]+(\.[0-9]+)*` +
	`(-[0-9A-Za-z~-]+(\.[0-9A-Za-z~-]+)*|[A-Za-z~-][0-9A-Za-z~-]*(\.[0-9A-Za-z~-]+)*)?` +
	`(\+[0-9A-Za-z~-]+(\.[0-9A-Za-z~-]+)*)?$`)

func isLooseVersion(v string) bool {
	return looseVersionRe.MatchString(v)
}
