package results

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/trajectory"
)

// TestCheckpointOutsideSet: a set's publication neither lists nor
// touches the checkpoint in PartialDir, and Begin's clean-up of stale
// staging directories leaves it.
func TestCheckpointOutsideSet(t *testing.T) {
	dir := t.TempDir()
	s := trajectory.SelectSettings{Distribution: trajectory.Poisson, MinGroups: 1, MaxGroups: 2,
		Fit: trajectory.Settings{Data: trajectory.DataSettings{File: "c.csv", Size: 10, SHA256: "ab"}}}
	cp, done, err := OpenCheckpoint(dir, s, false)
	if err != nil || done != nil {
		t.Fatalf("open: %v, %d done", err, len(done))
	}
	for range 2 {
		set, err := Begin(context.Background(), dir, "select", nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := set.Write("selection.csv", func(w io.Writer) error { _, err := io.WriteString(w, "K\n"); return err }); err != nil {
			t.Fatal(err)
		}
		if err := set.Commit(); err != nil {
			t.Fatal(err)
		}
		for _, f := range set.Manifest().Files {
			if strings.HasPrefix(f.Name, PartialDir) {
				t.Errorf("the manifest lists %s", f.Name)
			}
		}
		if _, err := os.Stat(filepath.Join(dir, PartialDir, "settings.json")); err != nil {
			t.Fatalf("the checkpoint is gone after a publication: %v", err)
		}
	}
	// Resuming with the same settings finds it; with others, the error
	// names what differs.
	if _, _, err := OpenCheckpoint(dir, s, true); err != nil {
		t.Errorf("resume with the same settings: %v", err)
	}
	s.Fit.Data.SHA256 = "cd"
	if _, _, err := OpenCheckpoint(dir, s, true); err == nil || !strings.Contains(err.Error(), `data.sha256: "ab" then, "cd" now`) {
		t.Errorf("resume with other data: %v", err)
	}
	if err := cp.Remove(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, PartialDir)); !os.IsNotExist(err) {
		t.Errorf("Remove left the checkpoint: %v", err)
	}
}
