package results

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// files are the contents of a result set by name.
type files map[string]string

var (
	oldSet = files{"model.json": "old model\n", "assignments.csv": "old assignments\n", "recommended/model.json": "old recommended\n"}
	// newSet replaces model.json and assignments.csv, drops recommended/
	// and adds profiles.csv.
	newSet = files{"model.json": "new model\n", "assignments.csv": "new assignments\n", "profiles.csv": "new profiles\n"}
	// userFile is the user's own: no set may touch it.
	userFile = "notes.txt"
)

func writeSet(s *Set, fs files) error {
	names := make([]string, 0, len(fs))
	for name := range fs {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if err := s.Write(name, func(w io.Writer) error { _, err := io.WriteString(w, fs[name]); return err }); err != nil {
			return err
		}
	}
	return nil
}

// readSet reads every file of the set in dir through its manifest.
func readSet(dir string) (files, error) {
	d, err := OpenDir(dir)
	if err != nil {
		return nil, err
	}
	if d.Manifest == nil {
		return nil, errors.New("no manifest")
	}
	got := files{}
	for _, e := range d.Manifest.Files {
		f, err := d.Open(e.Name)
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(f)
		f.Close()
		if err != nil {
			return nil, err
		}
		got[e.Name] = string(b)
	}
	return got, nil
}

// resultFiles lists the files in dir that are not trajkit's own hidden
// files, the manifest or the user's file.
func resultFiles(t *testing.T, dir string) files {
	t.Helper()
	got := files{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") && rel != "." {
				return filepath.SkipDir
			}
			return nil
		}
		if rel == ManifestFile || rel == userFile || strings.HasPrefix(d.Name(), ".") {
			return nil
		}
		b, err := os.ReadFile(p)
		got[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func equal(a, b files) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// setUp makes a directory holding oldSet and the user's file.
func setUp(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "out")
	if err := Save(context.Background(), dir, "old", nil, func(s *Set) error { return writeSet(s, oldSet) }); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, userFile), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// checkSet checks that dir holds exactly the set want, read through its
// manifest and as files on disk, the user's file untouched and no
// .previous left.
func checkSet(t *testing.T, dir string, want files, when string) {
	t.Helper()
	got, err := readSet(dir)
	if err != nil {
		t.Fatalf("%s: reading the set: %v", when, err)
	}
	if !equal(got, want) {
		t.Errorf("%s: the manifest's set is %v, want %v", when, got, want)
	}
	if on := resultFiles(t, dir); !equal(on, want) {
		t.Errorf("%s: the directory holds %v, want %v", when, on, want)
	}
	if b, err := os.ReadFile(filepath.Join(dir, userFile)); err != nil || string(b) != "mine" {
		t.Errorf("%s: the user's file is %q, %v", when, b, err)
	}
	if _, err := os.Stat(filepath.Join(dir, previousDir)); err == nil {
		t.Errorf("%s: %s left behind", when, previousDir)
	}
}

// commitSteps are the steps of Commit, as the failpoint sees them for
// oldSet replaced by newSet.
func commitSteps(t *testing.T) []string {
	t.Helper()
	dir := setUp(t)
	var steps []string
	failpoint = func(step string) (error, bool) { steps = append(steps, step); return nil, false }
	defer func() { failpoint = nil }()
	if err := Save(context.Background(), dir, "new", nil, func(s *Set) error { return writeSet(s, newSet) }); err != nil {
		t.Fatal(err)
	}
	checkSet(t, dir, newSet, "after a commit")
	if len(steps) < 8 {
		t.Fatalf("steps %v: expected start, journal, 3 moves, 3 placements and committed", steps)
	}
	return steps
}

// TestCommitFailsAtEachStep: a failure at any step of the publication
// leaves the complete old set; a kill (no rollback) at any step before the
// commit point leaves a directory whose next writer restores the old set,
// and after it the new set.
func TestCommitFailsAtEachStep(t *testing.T) {
	steps := commitSteps(t)
	for i, step := range steps {
		for _, kill := range []bool{false, true} {
			dir := setUp(t)
			s, err := Begin(context.Background(), dir, "new", nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := writeSet(s, newSet); err != nil {
				t.Fatal(err)
			}
			failed := errors.New("failed at " + step)
			failpoint = func(name string) (error, bool) {
				if name == step {
					return failed, kill
				}
				return nil, false
			}
			err = s.Commit()
			failpoint = nil
			committed := step == "committed"
			switch {
			case committed && !kill:
				// A failure after the commit point cannot undo it.
				if err != nil {
					t.Fatalf("a failure after the commit point: Commit returned %v", err)
				}
			case !errors.Is(err, failed):
				t.Fatalf("step %s: Commit returned %v", step, err)
			}
			s.Abort() // as the end of the process releases the lock
			want := oldSet
			if committed {
				want = newSet
			}
			what := step
			if kill {
				what += " (killed)"
				// A reader before any writer came: the old set's files that
				// are in place either read whole or are refused.
				if got, err := readSet(dir); err == nil && !equal(got, want) {
					t.Errorf("%s: a reader got %v", what, got)
				} else if err != nil && !strings.Contains(err.Error(), "interrupted") {
					t.Errorf("%s: a reader's error does not say a publication was interrupted: %v", what, err)
				}
				// The next writer finishes the rollback.
				next, err := Begin(context.Background(), dir, "next", nil)
				if err != nil {
					t.Fatalf("%s: %v", what, err)
				}
				next.Abort()
			}
			checkSet(t, dir, want, what)
			if i == 0 && !kill {
				if _, err := os.Stat(filepath.Join(dir, lockFile)); err != nil {
					t.Errorf("no lock file: %v", err)
				}
			}
		}
	}
}

// TestWriteFailureKeepsOldSet: a write that fails midway (a full disk)
// publishes nothing; the staged files are gone.
func TestWriteFailureKeepsOldSet(t *testing.T) {
	dir := setUp(t)
	full := errors.New("no space left on device")
	err := Save(context.Background(), dir, "new", nil, func(s *Set) error {
		if err := s.Write("model.json", func(w io.Writer) error { _, err := io.WriteString(w, "new model\n"); return err }); err != nil {
			return err
		}
		return s.Write("assignments.csv", func(w io.Writer) error { io.WriteString(w, "new ass"); return full })
	})
	if !errors.Is(err, full) {
		t.Fatalf("Save returned %v", err)
	}
	checkSet(t, dir, oldSet, "after a failed write")
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), stagePrefix) {
			t.Errorf("staging directory %s left behind", e.Name())
		}
	}
}

// TestDiskFull fills a small tmpfs (as root only): the fit that does not
// fit fails and the old set stays whole.
func TestDiskFull(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v: %s", err, out)
	}
	defer exec.Command("umount", mnt).Run()
	dir := filepath.Join(mnt, "out")
	if err := Save(context.Background(), dir, "old", nil, func(s *Set) error { return writeSet(s, oldSet) }); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, userFile), []byte("mine"), 0o644)
	big := strings.Repeat("0123456789abcdef", 8<<10) // 128 KiB: more than the disk
	err := Save(context.Background(), dir, "new", nil, func(s *Set) error {
		if err := s.Write("model.json", func(w io.Writer) error { _, err := io.WriteString(w, "new model\n"); return err }); err != nil {
			return err
		}
		return s.Write("assignments.csv", func(w io.Writer) error { _, err := io.WriteString(w, big); return err })
	})
	if err == nil || !strings.Contains(err.Error(), "no space") {
		t.Fatalf("Save on a full disk returned %v", err)
	}
	checkSet(t, dir, oldSet, "after a full disk")
}

// TestInterruptBeforeCommit: once the context is cancelled, Write and
// Commit refuse and the old set stays.
func TestInterruptBeforeCommit(t *testing.T) {
	dir := setUp(t)
	ctx, cancel := context.WithCancel(context.Background())
	s, err := Begin(ctx, dir, "new", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Abort()
	if err := s.Write("model.json", func(w io.Writer) error { _, err := io.WriteString(w, "new model\n"); return err }); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := s.Write("assignments.csv", func(w io.Writer) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("Write after the interrupt returned %v", err)
	}
	if err := s.Commit(); !errors.Is(err, context.Canceled) {
		t.Errorf("Commit after the interrupt returned %v", err)
	}
	s.Abort()
	checkSet(t, dir, oldSet, "after an interrupt")
}

// TestOneWriterAtATime: a second Begin on a directory whose lock is held
// is refused with a message that says so; once released, it succeeds.
func TestOneWriterAtATime(t *testing.T) {
	dir := setUp(t)
	s, err := Begin(context.Background(), dir, "first", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Begin(context.Background(), dir, "second", nil); err == nil || !strings.Contains(err.Error(), "another trajkit command is writing") {
		t.Errorf("a second writer: %v", err)
	}
	s.Abort()
	s2, err := Begin(context.Background(), dir, "third", nil)
	if err != nil {
		t.Fatalf("after the first ended: %v", err)
	}
	s2.Abort()
	checkSet(t, dir, oldSet, "after two aborted writers")
}

// TestReadersCheckTheManifest: a changed file is refused, a file the
// manifest does not list is left out with a warning, and Carry keeps a
// file of the previous set with its run.
func TestReadersCheckTheManifest(t *testing.T) {
	dir := setUp(t)
	os.WriteFile(filepath.Join(dir, ProfilesFile), []byte("stray"), 0o644)
	d, err := OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if f, err := d.Optional(ProfilesFile); f != nil || err != nil || len(d.Warnings) != 1 || d.Warnings[0].Kind != NotInSet {
		t.Errorf("a stray profiles.csv: %v, %v, warnings %v", f, err, d.Warnings)
	}
	if _, err := d.Open(ProfilesFile); err == nil || !strings.Contains(err.Error(), "not part of the result set") {
		t.Errorf("Open of a stray file: %v", err)
	}
	old := d.Manifest.RunID
	err = Save(context.Background(), dir, "profile", nil, func(s *Set) error {
		if err := s.Write(ProfilesFile, func(w io.Writer) error { _, err := io.WriteString(w, "profiles\n"); return err }); err != nil {
			return err
		}
		return s.CarryRest(ProfilesFile)
	})
	if err != nil {
		t.Fatal(err)
	}
	want := files{ProfilesFile: "profiles\n"}
	for k, v := range oldSet {
		want[k] = v
	}
	checkSet(t, dir, want, "after carrying the rest")
	d, _ = OpenDir(dir)
	if e := d.Manifest.File(ModelFile); e == nil || e.Run != old {
		t.Errorf("the carried model.json has entry %+v, want run %s", e, old)
	}
	os.WriteFile(filepath.Join(dir, ModelFile), []byte("edited\n"), 0o644)
	if _, err := d.Open(ModelFile); err == nil || !strings.Contains(err.Error(), "does not match") {
		t.Errorf("an edited model.json: %v", err)
	}
	// ReadModel checks it too, given the directory or the file in it.
	for _, p := range []string{dir, filepath.Join(dir, ModelFile)} {
		if _, err := ReadModel(p); err == nil || !strings.Contains(err.Error(), "does not match") {
			t.Errorf("ReadModel(%s) of an edited model.json: %v", p, err)
		}
	}
	if err := Save(context.Background(), dir, "profile", nil, func(s *Set) error { return s.CarryRest() }); err == nil {
		t.Error("carrying an edited file succeeded")
	}
}
