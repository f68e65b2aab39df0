//go:build ignore

// Runs mage without installing it: `go run mage.go -v`.
package main

import (
	"os"

	"github.com/magefile/mage/mage"
)

func main() { os.Exit(mage.Main()) }
