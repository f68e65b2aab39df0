package plugincheck

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// forbiddenSVGElements can run script or smuggle HTML into an SVG that
// Grafana inlines.
var forbiddenSVGElements = map[string]bool{
	"annotation-xml": true, "audio": true, "colgroup": true, "iframe": true, "math": true,
	"mi": true, "mn": true, "mo": true, "ms": true, "mtext": true, "noembed": true,
	"noframes": true, "noscript": true, "plaintext": true, "script": true, "template": true,
	"thead": true, "xmp": true,
}

// checkSVG walks the XML tokens of an SVG and returns a description of the
// first unsafe construct, or "" when the file is safe. Malformed XML is
// unsafe too: a browser may recover from it in ways a checker cannot
// predict.
func checkSVG(r io.Reader) string {
	dec := xml.NewDecoder(r)
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return ""
		}
		if err != nil {
			return err.Error()
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if forbiddenSVGElements[strings.ToLower(t.Name.Local)] {
				return "Invalid element " + t.Name.Local
			}
			for _, attr := range t.Attr {
				if key := attrKey(attr.Name); strings.HasPrefix(key, "on") {
					return "Invalid attribute " + key
				}
			}
		case xml.EndElement:
			if forbiddenSVGElements[strings.ToLower(t.Name.Local)] {
				return "Invalid element " + t.Name.Local
			}
		}
	}
}

// attrKey renders an attribute name as "ns:local" in lower case. Only
// un-namespaced on* attributes are event handlers.
func attrKey(n xml.Name) string {
	space := n.Space
	if space == "http://www.w3.org/XML/1998/namespace" {
		space = "xml"
	}
	if space == "" {
		return strings.ToLower(n.Local)
	}
	return strings.ToLower(space + ":" + n.Local)
}

func runUnsafeSVG(p *pass) error {
	files, err := p.walkPlugin()
	if err != nil {
		return err
	}
	for _, f := range files {
		if !strings.EqualFold(filepath.Ext(f), ".svg") {
			continue
		}
		problem, err := checkSVGFile(f)
		if err != nil {
			return err
		}
		if problem != "" {
			p.add("unsafesvg", "unsafe-svg-file", SeverityError, fmt.Sprintf("SVG file %s is unsafe", p.rel(f)), problem)
		}
	}
	return nil
}

func checkSVGFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("open svg: %w", err)
	}
	defer f.Close()
	return checkSVG(f), nil
}
