package results

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// A result directory holds the files of one result set: everything one
// command wrote there, listed with their checksums in manifest.json. A Set
// is such a set being written. Its files are staged in a hidden directory
// inside the result directory and published together by Commit:
//
//  1. the previous set's files (those its manifest lists) are moved into
//     .previous/, with a journal naming the new set's files;
//  2. the new files are renamed into place;
//  3. manifest.json is replaced (a rename: the commit point);
//  4. .previous/ is removed.
//
// A failure or an interrupt before step 3 moves everything back, so the
// directory holds the complete old set; after it, the complete new set.
// A process killed between steps 1 and 3 leaves the journal behind, and
// the next Begin on the directory finishes the rollback first. Files the
// manifest does not list are never touched. One writer at a time: Begin
// takes an advisory lock (lockFile) for the life of the Set.
type Set struct {
	ctx     context.Context
	dir     string
	stage   string // the hidden staging directory, inside dir
	created string // the outermost directory Begin created for dir, or ""
	lock    *dirLock
	m       Manifest
	staged  map[string]bool
	prev    *Manifest // the set being replaced; nil when dir had none
	done    bool
}

// The names a set uses beside its files.
const (
	ManifestFile = "manifest.json"
	lockFile     = ".trajkit.lock"
	previousDir  = ".previous"
	journalFile  = "journal.json"
	stagePrefix  = ".trajkit-stage-"
)

// ManifestVersion is the version of manifest.json's format.
const ManifestVersion = 1

// Manifest is manifest.json: which files make up the result set in a
// directory, which command wrote them and when. The run id and the time
// live here only, so that the files themselves stay byte-identical when a
// command is run again.
type Manifest struct {
	ManifestVersion int    `json:"manifest_version"`
	Software        string `json:"software"`
	// Command is the trajkit command that wrote the set, Args its
	// arguments.
	Command string   `json:"command"`
	Args    []string `json:"args"`
	RunID   string   `json:"run_id"`
	Created string   `json:"created"` // RFC 3339, UTC
	// Files are the set's files, by path relative to the directory
	// (slash-separated), in the order written.
	Files []FileEntry `json:"files"`
}

// FileEntry is one file of a result set.
type FileEntry struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
	// Run is the run id of the set that wrote the file when it was
	// carried over unchanged from an earlier set (Set.Carry); empty for a
	// file this run wrote.
	Run string `json:"run,omitempty"`
	// Timing is, for a model.json, the fit's seconds (read_seconds,
	// fit_seconds, bootstrap_seconds: trajectory.Fitted.Timing), kept
	// here so that model.json itself is the same in every run.
	Timing map[string]float64 `json:"timing,omitempty"`
}

// File returns the entry of name, or nil.
func (m *Manifest) File(name string) *FileEntry {
	for i := range m.Files {
		if m.Files[i].Name == name {
			return &m.Files[i]
		}
	}
	return nil
}

// journal is .previous/journal.json: the run being published and its
// files, so that a rollback after a kill knows which files in place are
// the new run's.
type journal struct {
	RunID string      `json:"run_id"`
	Files []FileEntry `json:"files"`
}

// Begin starts a result set in dir for a command (args its arguments):
// it creates dir when missing, takes the directory's lock, finishes the
// rollback of a publication a killed process left behind, and removes
// stale staging directories. Files are then written with Write and
// published with Commit; Abort (deferred) drops whatever Commit did not
// publish. ctx interrupts writing and publishing.
func Begin(ctx context.Context, dir, command string, args []string) (*Set, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s := &Set{ctx: ctx, dir: dir, staged: map[string]bool{}}
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); !errors.Is(err, fs.ErrNotExist) {
			break
		}
		s.created = d
		if filepath.Dir(d) == d {
			break
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	lock, err := lockDir(dir)
	if err != nil {
		s.removeCreated()
		return nil, err
	}
	s.lock = lock
	if err := Recover(dir); err != nil {
		s.release()
		return nil, err
	}
	if err := removeStale(dir); err != nil {
		s.release()
		return nil, err
	}
	id, err := newRunID()
	if err != nil {
		s.release()
		return nil, err
	}
	s.stage = filepath.Join(dir, stagePrefix+id)
	if err := os.Mkdir(s.stage, 0o755); err != nil {
		s.release()
		return nil, err
	}
	s.m = Manifest{ManifestVersion: ManifestVersion, Software: Software, Command: command, Args: slices.Clone(args),
		RunID: id, Created: time.Now().UTC().Format(time.RFC3339)}
	if s.prev, err = readManifest(dir); err != nil {
		s.release()
		return nil, err
	}
	active.add(s)
	return s, nil
}

// Dir returns the set's directory.
func (s *Set) Dir() string { return s.dir }

// Path returns where a file of the set will be once published.
func (s *Set) Path(name string) string { return filepath.Join(s.dir, filepath.FromSlash(name)) }

// Write stages the file name (a slash-separated path inside the
// directory, such as recommended/model.json) written by write, synced to
// disk, and adds it to the set.
func (s *Set) Write(name string, write func(io.Writer) error) (err error) {
	if err := checkName(name); err != nil {
		return err
	}
	if s.staged[name] || s.m.File(name) != nil {
		return fmt.Errorf("%s is written twice in one result set", s.Path(name))
	}
	if err := s.ctx.Err(); err != nil {
		return fmt.Errorf("interrupted before writing %s: %w", s.Path(name), err)
	}
	p := filepath.Join(s.stage, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(p)
		}
	}()
	h := sha256.New()
	cw := &checkedWriter{ctx: s.ctx, w: io.MultiWriter(f, h)}
	if err := write(cw); err != nil {
		return fmt.Errorf("writing %s: %w", s.Path(name), err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("writing %s: %w", s.Path(name), err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", s.Path(name), err)
	}
	s.staged[name] = true
	s.m.Files = append(s.m.Files, FileEntry{Name: name, Size: cw.n, SHA256: hex.EncodeToString(h.Sum(nil))})
	return nil
}

// Carry keeps the file name of the set being replaced in the new set,
// unchanged (profile adds profiles.csv to a fit's set this way). The file
// must be intact: its checksum is checked against the old manifest.
func (s *Set) Carry(name string) error {
	if s.prev == nil || s.prev.File(name) == nil {
		return fmt.Errorf("%s is not part of the result set in %s", s.Path(name), filepath.Join(s.dir, ManifestFile))
	}
	if s.staged[name] || s.m.File(name) != nil {
		return fmt.Errorf("%s is written twice in one result set", s.Path(name))
	}
	e := *s.prev.File(name)
	if err := verify(s.dir, e); err != nil {
		return err
	}
	if e.Run == "" {
		e.Run = s.prev.RunID
	}
	s.m.Files = append(s.m.Files, e)
	return nil
}

// CarryRest carries over every file of the set being replaced that this
// set does not write (names: the files it will write), so that a command
// adding to a directory's results (profile, a seed study) keeps the rest
// of them in the new set.
func (s *Set) CarryRest(names ...string) error {
	if s.prev == nil {
		return nil
	}
	for _, e := range s.prev.Files {
		if !slices.Contains(names, e.Name) && s.m.File(e.Name) == nil {
			if err := s.Carry(e.Name); err != nil {
				return err
			}
		}
	}
	return nil
}

// failpoint, when set by a test, is called at each step of Commit and
// ends it there when it returns an error. With kill, Commit then returns
// at once, as a killed process would, without rolling back.
var failpoint func(step string) (err error, kill bool)

func (s *Set) step(name string) (error, bool) {
	if err := s.ctx.Err(); err != nil {
		return fmt.Errorf("interrupted while publishing the results in %s: %w", s.dir, err), false
	}
	if failpoint != nil {
		return failpoint(name)
	}
	return nil, false
}

// Commit publishes the set: once it returns nil, the directory holds the
// new set and its manifest; on an error, the old set as it was.
func (s *Set) Commit() (err error) {
	if s.done {
		return errors.New("results: Commit of a set already committed or aborted")
	}
	commitMu.Lock()
	defer commitMu.Unlock()
	if err, _ := s.step("start"); err != nil {
		return err
	}
	b, err := json.MarshalIndent(&s.m, "", "  ")
	if err != nil {
		return err
	}
	if err := writeSynced(filepath.Join(s.stage, ManifestFile), append(b, '\n')); err != nil {
		return err
	}
	// 1. Move the files of the old set that are not carried over into
	// .previous/, after the journal, and any other file the new set
	// replaces (in a directory an older trajkit wrote, without a manifest).
	prevDir := filepath.Join(s.dir, previousDir)
	var moved []string
	move := func(name string) {
		if _, err := os.Lstat(s.Path(name)); err == nil && !slices.Contains(moved, name) {
			moved = append(moved, name)
		}
	}
	if s.prev != nil {
		for _, e := range s.prev.Files {
			if s.m.File(e.Name) == nil || s.staged[e.Name] {
				move(e.Name)
			}
		}
	}
	for _, e := range s.newFiles() {
		move(e.Name)
	}
	jb, err := json.Marshal(journal{RunID: s.m.RunID, Files: s.newFiles()})
	if err != nil {
		return err
	}
	if err := os.Mkdir(prevDir, 0o755); err != nil {
		return fmt.Errorf("publishing the results in %s: %w", s.dir, err)
	}
	if err := writeSynced(filepath.Join(prevDir, journalFile), jb); err != nil {
		os.RemoveAll(prevDir)
		return err
	}
	rollback := func(cause error) error {
		if rerr := Recover(s.dir); rerr != nil {
			return fmt.Errorf("%w; restoring the previous results failed: %v (they are in %s)", cause, rerr, prevDir)
		}
		return cause
	}
	syncDir(prevDir)
	if err, kill := s.step("journal"); err != nil {
		if kill {
			return err
		}
		return rollback(err)
	}
	for _, name := range moved {
		dst := filepath.Join(prevDir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return rollback(err)
		}
		if err := os.Rename(s.Path(name), dst); err != nil {
			return rollback(fmt.Errorf("publishing the results in %s: %w", s.dir, err))
		}
		if err, kill := s.step("move-old " + name); err != nil {
			if kill {
				return err
			}
			return rollback(err)
		}
	}
	// 2. The new files into place.
	for _, e := range s.newFiles() {
		dst := s.Path(e.Name)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return rollback(err)
		}
		if err := os.Rename(filepath.Join(s.stage, filepath.FromSlash(e.Name)), dst); err != nil {
			return rollback(fmt.Errorf("publishing the results in %s: %w", s.dir, err))
		}
		if err, kill := s.step("place-new " + e.Name); err != nil {
			if kill {
				return err
			}
			return rollback(err)
		}
	}
	// 3. The commit point.
	if err := os.Rename(filepath.Join(s.stage, ManifestFile), filepath.Join(s.dir, ManifestFile)); err != nil {
		return rollback(fmt.Errorf("publishing the results in %s: %w", s.dir, err))
	}
	syncDir(s.dir)
	s.done = true
	if failpoint != nil {
		if err, kill := failpoint("committed"); kill {
			return err // a test's kill after the commit point
		}
	}
	// 4. Clean up: nothing here can undo the commit.
	os.RemoveAll(prevDir)
	s.removeEmptyDirs(moved)
	s.release()
	return nil
}

// newFiles returns the entries of the files this run wrote.
func (s *Set) newFiles() []FileEntry {
	var out []FileEntry
	for _, e := range s.m.Files {
		if s.staged[e.Name] {
			out = append(out, e)
		}
	}
	return out
}

// Abort drops what Commit has not published: the staged files, and the
// directory itself when Begin created it and nothing else is there. It
// is a no-op after a successful Commit, so it can be deferred.
func (s *Set) Abort() {
	if s == nil || s.lock == nil {
		return
	}
	s.done = true
	s.release()
}

// release removes the staging directory and the lock.
func (s *Set) release() {
	if s.stage != "" {
		os.RemoveAll(s.stage)
		s.stage = ""
	}
	if s.lock != nil {
		s.lock.unlock()
		s.lock = nil
	}
	active.remove(s)
	s.removeCreated()
}

// removeCreated removes dir, and the directories above it that Begin
// created, when Begin created it and it holds nothing of a result (at
// most the lock file).
func (s *Set) removeCreated() {
	if s.created == "" {
		return
	}
	if _, err := os.Stat(filepath.Join(s.dir, ManifestFile)); err == nil {
		return
	}
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if e.Name() != lockFile {
			return
		}
	}
	os.Remove(filepath.Join(s.dir, lockFile))
	for d := filepath.Clean(s.dir); ; d = filepath.Dir(d) {
		if os.Remove(d) != nil || d == s.created {
			break
		}
	}
}

// removeEmptyDirs removes the sub-directories of the old set's files that
// are empty now (recommended/ after a selection without a
// recommendation).
func (s *Set) removeEmptyDirs(names []string) {
	for _, name := range names {
		for d := path.Dir(name); d != "."; d = path.Dir(d) {
			if os.Remove(s.Path(d)) != nil {
				break // not empty, or gone
			}
		}
	}
}

// Recover finishes a publication that a killed process left in dir (a
// .previous/ directory with its journal): when the manifest in place is
// the journal's run, the publication had committed and .previous/ is
// removed; otherwise the new run's files are removed and the old set's
// moved back. The caller holds the directory's lock, or is the Commit
// that failed.
func Recover(dir string) error {
	prevDir := filepath.Join(dir, previousDir)
	jb, err := os.ReadFile(filepath.Join(prevDir, journalFile))
	if errors.Is(err, fs.ErrNotExist) {
		if _, err := os.Stat(prevDir); err == nil {
			return os.RemoveAll(prevDir) // killed before the journal was complete: nothing moved yet
		}
		return nil
	}
	if err != nil {
		return err
	}
	var j journal
	if err := json.Unmarshal(jb, &j); err != nil {
		return os.RemoveAll(prevDir) // a journal cut short: written before anything was moved
	}
	m, err := readManifest(dir)
	if err != nil {
		return err
	}
	if m != nil && m.RunID == j.RunID {
		return os.RemoveAll(prevDir)
	}
	for _, e := range j.Files {
		p := filepath.Join(dir, filepath.FromSlash(e.Name))
		if verify(dir, e) == nil {
			if err := os.Remove(p); err != nil {
				return err
			}
		}
	}
	err = filepath.WalkDir(prevDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || p == filepath.Join(prevDir, journalFile) {
			return err
		}
		rel, _ := filepath.Rel(prevDir, p)
		dst := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		return os.Rename(p, dst)
	})
	if err != nil {
		return err
	}
	return os.RemoveAll(prevDir)
}

// removeStale removes the staging directories of runs that ended without
// cleaning up (killed, or stopped by the interrupt deadline); the caller
// holds the lock, so no run is using them.
func removeStale(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), stagePrefix) {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkName refuses names that would leave the directory or collide with
// the set's own files.
func checkName(name string) error {
	if name == "" || path.IsAbs(name) || path.Clean(name) != name || strings.HasPrefix(name, "../") || name == ".." ||
		name == ManifestFile || name == lockFile || strings.HasPrefix(name, ".") {
		return fmt.Errorf("results: %q is not a file name for a result set", name)
	}
	return nil
}

func newRunID() (string, error) {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return time.Now().UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:]), nil
}

// writeSynced writes a small file and syncs it.
func writeSynced(p string, b []byte) error {
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// syncDir syncs a directory, so that the renames in it are on disk; where
// the system cannot, the renames are still atomic.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// checkedWriter counts what it writes and stops once ctx is cancelled.
type checkedWriter struct {
	ctx context.Context
	w   io.Writer
	n   int64
}

func (c *checkedWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// commitMu is held while a set is published, and by AbortAll.
var commitMu sync.Mutex

// active are the sets begun and not yet committed or aborted, and the
// temporary files of WriteFile, for AbortAll.
var active registry

type registry struct {
	mu    sync.Mutex
	sets  map[*Set]bool
	temps map[string]bool
}

func (r *registry) add(s *Set) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.sets == nil {
		r.sets = map[*Set]bool{}
	}
	r.sets[s] = true
}

func (r *registry) remove(s *Set) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.sets, s)
}

func (r *registry) addTemp(p string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.temps == nil {
		r.temps = map[string]bool{}
	}
	r.temps[p] = true
}

func (r *registry) removeTemp(p string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.temps, p)
}

// AbortAll waits for a publication in progress to end (an interrupted one
// rolls back), then aborts every set not yet committed and removes the
// temporary files of WriteFile, and keeps any further publication from
// starting: for a process about to exit on an interrupt deadline.
func AbortAll() {
	commitMu.Lock() // never unlocked: the process is exiting
	active.mu.Lock()
	sets := make([]*Set, 0, len(active.sets))
	for s := range active.sets {
		sets = append(sets, s)
	}
	for p := range active.temps {
		os.Remove(p)
	}
	active.mu.Unlock()
	for _, s := range sets {
		s.Abort()
	}
}

// Manifest returns the set's manifest as it stands.
func (s *Set) Manifest() *Manifest { return &s.m }
