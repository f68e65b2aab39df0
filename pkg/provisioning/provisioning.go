// Package provisioning reads datasources from Grafana provisioning files
// (the format of provisioning/datasources/*.yaml), for the tools that run
// the datasource outside Grafana: `mlwatch query` and the browser tests'
// backend bridge.
package provisioning

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Datasource is one entry of a provisioning file's datasources list.
type Datasource struct {
	Name           string            `yaml:"name"`
	Type           string            `yaml:"type"`
	UID            string            `yaml:"uid"`
	JSONData       map[string]any    `yaml:"jsonData"`
	SecureJSONData map[string]string `yaml:"secureJsonData"`
}

type file struct {
	Datasources []Datasource `yaml:"datasources"`
}

// Find reads the provisioning file at path, expands environment references
// as Grafana does (ExpandEnv), and returns its one datasource of type
// pluginType, or the one called name when name is set. No match, or more
// than one, is an error that says how to pick.
func Find(path, pluginType, name string) (Datasource, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return Datasource{}, fmt.Errorf("cannot read %s: %w", path, err)
	}
	var f file
	if err := yaml.Unmarshal(ExpandEnv(raw), &f); err != nil {
		return Datasource{}, fmt.Errorf("%s is not valid provisioning YAML: %w", path, err)
	}
	var found []Datasource
	for _, d := range f.Datasources {
		if d.Type == pluginType && (name == "" || d.Name == name) {
			found = append(found, d)
		}
	}
	switch len(found) {
	case 0:
		hint := ""
		if name != "" {
			hint = fmt.Sprintf(" named %q", name)
		}
		return Datasource{}, fmt.Errorf("%s has no datasource of type %s%s", path, pluginType, hint)
	case 1:
		return found[0], nil
	}
	names := make([]string, len(found))
	for i, d := range found {
		names[i] = d.Name
	}
	return Datasource{}, fmt.Errorf("%s has %d datasources of type %s (%s); pick one with --name", path, len(found), pluginType, strings.Join(names, ", "))
}

var envRef = regexp.MustCompile(`\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)`)

// ExpandEnv expands $VAR and ${VAR} from the environment as Grafana's
// provisioning does; $$ is a literal $.
func ExpandEnv(b []byte) []byte {
	return envRef.ReplaceAllFunc(b, func(m []byte) []byte {
		if string(m) == "$$" {
			return []byte("$")
		}
		return []byte(os.Getenv(strings.Trim(string(m), "${}")))
	})
}
