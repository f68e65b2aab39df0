package plugincheck

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// pluginManifest is the signed JSON inside MANIFEST.txt.
type pluginManifest struct {
	SignatureType string            `json:"signatureType"`
	Files         map[string]string `json:"files"`
	RootURLs      []string          `json:"rootUrls"`
}

// runManifest checks MANIFEST.txt offline: it lists every file with the
// right sha256 and the files are world-readable. Verifying the PGP
// signature needs Grafana's key from grafana.com and is skipped.
func runManifest(p *pass) error {
	const a = "manifest"
	b, ok, err := p.readPluginFile("MANIFEST.txt")
	if err != nil {
		return err
	}
	if !ok {
		p.add(a, "unsigned-plugin", SeverityWarning, "unsigned plugin",
			"This is a new (unpublished) plugin. This is expected during the initial review process. Grafana Labs signs the plugin once the review is done.")
		return nil
	}
	if strings.TrimSpace(string(b)) == "" {
		p.add(a, "empty-manifest", SeverityError, "manifest is empty", "MANIFEST.txt has no content.")
		return nil
	}
	m, err := parseClearsignedManifest(b)
	if err != nil {
		p.add(a, "wrong-manifest", SeverityError, "could not parse manifest", err.Error())
		return nil
	}
	if len(m.Files) == 0 {
		p.add(a, "undeclared-files", SeverityError, "no files declared in MANIFEST", "")
		return nil
	}
	if m.SignatureType != "private" && len(m.RootURLs) > 0 {
		p.add(a, "invalid-signature", SeverityError, "MANIFEST.txt has rootUrls but the signature is not private",
			"rootUrls only apply to private signatures: "+strings.Join(m.RootURLs, ", "))
	}

	files, err := p.walkPlugin()
	if err != nil {
		return err
	}
	present := map[string]bool{}
	for _, f := range files {
		rel := p.inPlugin(f)
		if rel == "MANIFEST.txt" {
			continue
		}
		present[rel] = true
		want, listed := m.Files[rel]
		if !listed {
			p.add(a, "undeclared-files", SeverityError, "undeclared files in MANIFEST", rel+" is in the archive but not in MANIFEST.txt")
			continue
		}
		got, err := sha256File(f)
		if err != nil {
			return err
		}
		if !strings.EqualFold(got, want) {
			p.add(a, "invalid-sha-sum", SeverityError, "invalid file checksum",
				fmt.Sprintf("sha256 of %s is %s, MANIFEST.txt says %s", rel, got, want))
		}
		if mode, _ := p.ex.mode(f); mode.Perm()&0o444 != 0o444 {
			p.add(a, "wrong-permissions", SeverityError, "Ensure all files in the archive are readable (at least 744)",
				fmt.Sprintf("%s has mode %#o", rel, mode.Perm()))
		}
	}
	listed := make([]string, 0, len(m.Files))
	for f := range m.Files {
		listed = append(listed, f)
	}
	sort.Strings(listed)
	for _, f := range listed {
		if !present[f] {
			p.add(a, "undeclared-files", SeverityError, "file declared in MANIFEST is missing", f+" is in MANIFEST.txt but not in the archive")
		}
	}
	return nil
}

// parseClearsignedManifest extracts and decodes the JSON of a PGP
// clear-signed message without verifying the signature.
func parseClearsignedManifest(b []byte) (*pluginManifest, error) {
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	sc.Buffer(make([]byte, 0, 64*1024), len(b)+1)
	const (
		beforeHeader = iota
		inHeaders
		inBody
		done
	)
	state := beforeHeader
	var body strings.Builder
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		switch state {
		case beforeHeader:
			if line == "-----BEGIN PGP SIGNED MESSAGE-----" {
				state = inHeaders
			}
		case inHeaders:
			if line == "" {
				state = inBody
			}
		case inBody:
			if line == "-----BEGIN PGP SIGNATURE-----" {
				state = done
				continue
			}
			// Clear-signed text escapes lines starting with '-' as "- ".
			body.WriteString(strings.TrimPrefix(line, "- "))
			body.WriteByte('\n')
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read MANIFEST.txt: %w", err)
	}
	if state != done {
		return nil, errors.New("MANIFEST.txt is not a PGP clear-signed message")
	}
	var m pluginManifest
	if err := json.Unmarshal([]byte(body.String()), &m); err != nil {
		return nil, fmt.Errorf("MANIFEST.txt JSON: %w", err)
	}
	return &m, nil
}

func sha256File(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("hash %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
