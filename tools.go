//go:build tools

// Package tools pins build tools in go.mod so that `go run` works offline
// with the same versions everywhere.
package tools

import (
	_ "github.com/magefile/mage/mage"
)
