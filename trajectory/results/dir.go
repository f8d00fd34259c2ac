package results

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/trajkit/trajkit/mixture"
	"github.com/trajkit/trajkit/trajectory"
)

// The warnings about result directories.
const (
	// NoManifest: a result directory without manifest.json (written by a
	// trajkit before format version 4, or by hand), whose files cannot be
	// checked to belong together.
	NoManifest mixture.WarningKind = "no-manifest"
	// NotInSet: a file that a reader would use lies in the directory but
	// is not part of its result set (a leftover of an earlier run), and is
	// left out.
	NotInSet mixture.WarningKind = "not-in-result-set"
)

// maxManifestBytes bounds manifest.json as read.
const maxManifestBytes = 16 << 20

// Dir is a result directory opened for reading. Its files are read only
// when its manifest lists them and their size and checksum match it.
type Dir struct {
	Path string
	// Manifest is nil when the directory has no manifest.json.
	Manifest *Manifest
	// Warnings say what could not be checked and which files were left
	// out.
	Warnings []trajectory.Warning
}

// OpenDir opens the result directory dir for reading.
func OpenDir(dir string) (*Dir, error) {
	st, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: no such directory: expected the --out directory of a trajkit command", dir)
	}
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s is a file: expected the --out directory of a trajkit command", dir)
	}
	m, err := readManifest(dir)
	if err != nil {
		return nil, err
	}
	d := &Dir{Path: dir, Manifest: m}
	if m == nil {
		d.Warnings = append(d.Warnings, mixture.Warnf(NoManifest, nil,
			"%s has no %s (written by an older trajkit?): cannot check that its files belong to one run", dir, ManifestFile))
	}
	return d, nil
}

// readManifest reads dir's manifest.json; nil, nil when there is none.
func readManifest(dir string) (*Manifest, error) {
	p := filepath.Join(dir, ManifestFile)
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxManifestBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	if len(b) > maxManifestBytes {
		return nil, fmt.Errorf("%s: larger than %d MiB: not a trajkit manifest", p, maxManifestBytes>>20)
	}
	m := &Manifest{}
	if err := json.Unmarshal(b, m); err != nil {
		return nil, fmt.Errorf("%s: not a trajkit manifest: %v", p, err)
	}
	if m.ManifestVersion < 1 || m.ManifestVersion > ManifestVersion {
		return nil, fmt.Errorf("%s: manifest version %d: this trajkit reads version 1 to %d", p, m.ManifestVersion, ManifestVersion)
	}
	for i, e := range m.Files {
		if checkName(e.Name) != nil || len(e.SHA256) != 2*sha256.Size || e.Size < 0 {
			return nil, fmt.Errorf("%s: files[%d]: expected a file name inside the directory, its size and its SHA-256", p, i)
		}
	}
	return m, nil
}

// Has reports whether name is part of the directory's set (without a
// manifest: whether the file exists).
func (d *Dir) Has(name string) bool {
	if d.Manifest != nil {
		return d.Manifest.File(name) != nil
	}
	_, err := os.Stat(d.file(name))
	return err == nil
}

func (d *Dir) file(name string) string { return filepath.Join(d.Path, filepath.FromSlash(name)) }

// Open opens the file name of the set, after checking it against the
// manifest.
func (d *Dir) Open(name string) (*os.File, error) {
	if d.Manifest != nil {
		e := d.Manifest.File(name)
		if e == nil {
			return nil, fmt.Errorf("%s is not part of the result set in %s (%s, run %s)", d.file(name), filepath.Join(d.Path, ManifestFile), d.Manifest.Command, d.Manifest.RunID)
		}
		if err := verify(d.Path, *e); err != nil {
			return nil, err
		}
	}
	f, err := os.Open(d.file(name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: no such file", d.file(name))
	}
	return f, err
}

// Optional opens the file name when it is part of the set; when it is
// not, it returns nil, and a warning when the file lies there anyway.
func (d *Dir) Optional(name string) (*os.File, error) {
	if d.Has(name) {
		return d.Open(name)
	}
	if _, err := os.Stat(d.file(name)); err == nil {
		d.Warnings = append(d.Warnings, mixture.Warnf(NotInSet, nil,
			"%s is not part of the result set in %s (%s, run %s): a leftover of an earlier run, left out", d.file(name), filepath.Join(d.Path, ManifestFile), d.Manifest.Command, d.Manifest.RunID))
	}
	return nil, nil
}

// verify checks the file of e in dir against its size and checksum.
func verify(dir string, e FileEntry) error {
	p := filepath.Join(dir, filepath.FromSlash(e.Name))
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s: missing, though %s lists it%s", p, filepath.Join(dir, ManifestFile), interruptedHint(dir))
	}
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return fmt.Errorf("%s: %w", p, err)
	}
	if n != e.Size || hex.EncodeToString(h.Sum(nil)) != e.SHA256 {
		return fmt.Errorf("%s does not match %s (%d bytes, SHA-256 %.12s…; %s records %d bytes, %.12s…): changed after trajkit wrote it%s",
			p, ManifestFile, n, hex.EncodeToString(h.Sum(nil)), ManifestFile, e.Size, e.SHA256, interruptedHint(dir))
	}
	return nil
}

// interruptedHint explains a mismatch that an interrupted publication
// left.
func interruptedHint(dir string) string {
	if _, err := os.Stat(filepath.Join(dir, previousDir, journalFile)); err == nil {
		return fmt.Sprintf("; a publication there was interrupted: the next trajkit command writing to %s restores the previous results from %s", dir, filepath.Join(dir, previousDir))
	}
	return ""
}
