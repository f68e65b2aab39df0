package plugincheck

import (
	"fmt"
	"strings"
)

// goMod is the part of a go.mod file sdkusage needs. It is parsed by hand
// to avoid a dependency on golang.org/x/mod.
type goMod struct {
	Module   string
	Requires map[string]string // path -> version
	Replaces map[string]string // old path -> new path
}

// parseGoMod understands module, require and replace directives (single
// line and blocks) and skips the rest. It fails on malformed directives.
func parseGoMod(data []byte) (*goMod, error) {
	m := &goMod{Requires: map[string]string{}, Replaces: map[string]string{}}
	block := ""
	for n, raw := range strings.Split(string(data), "\n") {
		line := raw
		if i := strings.Index(line, "//"); i >= 0 {
			line = line[:i]
		}
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		if block != "" {
			if fields[0] == ")" {
				block = ""
				continue
			}
			if err := m.directive(block, fields); err != nil {
				return nil, fmt.Errorf("go.mod:%d: %w", n+1, err)
			}
			continue
		}
		if len(fields) == 2 && fields[1] == "(" {
			block = fields[0]
			continue
		}
		if err := m.directive(fields[0], fields[1:]); err != nil {
			return nil, fmt.Errorf("go.mod:%d: %w", n+1, err)
		}
	}
	if block != "" {
		return nil, fmt.Errorf("go.mod: unterminated %s block", block)
	}
	if m.Module == "" {
		return nil, fmt.Errorf("go.mod: no module directive")
	}
	return m, nil
}

func (m *goMod) directive(verb string, args []string) error {
	unquote := func(s string) string { return strings.Trim(s, "\"`") }
	switch verb {
	case "module":
		if len(args) != 1 {
			return fmt.Errorf("malformed module directive")
		}
		m.Module = unquote(args[0])
	case "require":
		if len(args) != 2 {
			return fmt.Errorf("malformed require directive: %q", strings.Join(args, " "))
		}
		m.Requires[unquote(args[0])] = args[1]
	case "replace":
		// old [v] => new [v]
		arrow := -1
		for i, a := range args {
			if a == "=>" {
				arrow = i
			}
		}
		if arrow < 1 || arrow > 2 || len(args)-arrow-1 < 1 || len(args)-arrow-1 > 2 {
			return fmt.Errorf("malformed replace directive: %q", strings.Join(args, " "))
		}
		m.Replaces[unquote(args[0])] = unquote(args[arrow+1])
	}
	return nil
}
