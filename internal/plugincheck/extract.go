package plugincheck

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// maxExtractedBytes bounds what one archive may unpack to, so a zip bomb
// fails the check instead of filling the disk. Real plugins with five
// backend binaries are a few hundred MB.
const maxExtractedBytes = 8 << 30

// extracted is an unpacked archive.
type extracted struct {
	root string // the temp dir holding the unpacked entries
	// modes maps each file's slash path (relative to root) to the mode
	// stored in its ZIP entry. Permission rules read these rather than the
	// files on disk, whose modes depend on the local umask.
	modes map[string]fs.FileMode
}

// extract unpacks the zip at archivePath into dir. Entries that would
// land outside dir (zip-slip) make it fail, like the official extractor.
// Files are written 0600 whatever their stored mode; see extracted.modes.
func extract(ctx context.Context, archivePath, dir string) (*extracted, error) {
	zr, err := zip.OpenReader(archivePath)
	if err != nil {
		return nil, fmt.Errorf("open zip: %w", err)
	}
	defer zr.Close()

	ex := &extracted{root: dir, modes: map[string]fs.FileMode{}}
	var total int64
	for _, f := range zr.File {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		name, err := safeEntryName(f.Name)
		if err != nil {
			return nil, err
		}
		if name == "" {
			continue
		}
		dst := filepath.Join(dir, filepath.FromSlash(name))
		if f.FileInfo().IsDir() {
			if err := os.MkdirAll(dst, 0o755); err != nil {
				return nil, fmt.Errorf("create dir %s: %w", name, err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return nil, fmt.Errorf("create dir for %s: %w", name, err)
		}
		n, err := writeEntry(f, dst, maxExtractedBytes-total)
		if err != nil {
			return nil, err
		}
		total += n
		ex.modes[name] = f.Mode()
	}
	return ex, nil
}

// safeEntryName cleans a ZIP entry name and rejects absolute paths and
// paths escaping the extraction dir.
func safeEntryName(name string) (string, error) {
	n := strings.ReplaceAll(name, "\\", "/")
	if strings.HasPrefix(n, "/") || (len(n) > 1 && n[1] == ':') {
		return "", fmt.Errorf("illegal file path in archive: %q", name)
	}
	n = path.Clean(n)
	if n == "." {
		return "", nil
	}
	if n == ".." || strings.HasPrefix(n, "../") {
		return "", fmt.Errorf("illegal file path in archive: %q", name)
	}
	return n, nil
}

func writeEntry(f *zip.File, dst string, budget int64) (int64, error) {
	rc, err := f.Open()
	if err != nil {
		return 0, fmt.Errorf("open entry %s: %w", f.Name, err)
	}
	defer rc.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return 0, fmt.Errorf("create %s: %w", f.Name, err)
	}
	n, err := io.Copy(out, io.LimitReader(rc, budget+1))
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return n, fmt.Errorf("extract %s: %w", f.Name, err)
	}
	if n > budget {
		return n, errors.New("archive unpacks to more than 8 GiB; refusing to continue")
	}
	return n, nil
}

// mode returns the ZIP-stored mode of the file at abs, and whether the
// archive had an entry for it.
func (ex *extracted) mode(abs string) (fs.FileMode, bool) {
	r, err := filepath.Rel(ex.root, abs)
	if err != nil {
		return 0, false
	}
	m, ok := ex.modes[filepath.ToSlash(r)]
	return m, ok
}
