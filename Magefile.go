//go:build mage
// +build mage

package main

import (
	"github.com/magefile/mage/mg"

	// mage:import
	build "github.com/grafana/grafana-plugin-sdk-go/build"
)

// Default is what a bare `mage` runs.
var Default = Backend

// Backend builds the datasource backend for the platforms Grafana runs on.
// The SDK's BuildAll also builds linux/arm (32-bit), which the suite does not
// ship; `mage buildAll` still does that when wanted.
func Backend() {
	b := build.Build{}
	mg.Deps(b.Linux, b.LinuxARM64, b.Darwin, b.DarwinARM64, b.Windows)
}

// Others builds every platform of Backend but linux/amd64, which the test
// command builds first so that its tests can start while these compile.
func Others() {
	b := build.Build{}
	mg.Deps(b.LinuxARM64, b.Darwin, b.DarwinARM64, b.Windows)
}
