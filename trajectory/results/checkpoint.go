package results

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/trajkit/trajkit/trajectory"
)

// PartialDir is the directory inside a result directory where select
// keeps its checkpoint while it runs: settings.json (what a resumed
// search must match) and candidate-001.json, candidate-002.json, … (each
// finished candidate, full precision, in the search's order). It lies
// outside the published set: a set's names never start with ".", Begin
// removes only its own staging directories, and no manifest lists it.
// select removes it once the selection is published.
const PartialDir = ".partial"

// CheckpointVersion is the version of a checkpoint's files.
const CheckpointVersion = 1

// checkpointSettings is a checkpoint's settings.json: the data's identity
// and every setting of the search, which a resumed search must match.
type checkpointSettings struct {
	CheckpointVersion int                     `json:"checkpoint_version"`
	Software          string                  `json:"software"`
	Data              trajectory.DataSettings `json:"data"`
	Settings          SearchJSON              `json:"settings"`
	MinShare          float64                 `json:"min_share"`
}

// Checkpoint is the checkpoint of a model search in progress.
type Checkpoint struct {
	dir string
	err error // the first failure to write a candidate
}

// OpenCheckpoint opens the checkpoint of a search with settings s in
// result directory dir. With resume it returns the candidates an
// interrupted search with the same settings finished (none when there is
// no checkpoint), for SelectSettings.Done; a checkpoint of other settings
// or other data is an error that names what differs. Without resume it
// starts a new checkpoint, removing any there was.
func OpenCheckpoint(dir string, s trajectory.SelectSettings, resume bool) (*Checkpoint, []*trajectory.Candidate, error) {
	c := &Checkpoint{dir: filepath.Join(dir, PartialDir)}
	want := newCheckpointSettings(s)
	wantJSON, err := json.MarshalIndent(want, "", "  ")
	if err != nil {
		return nil, nil, err
	}
	var done []*trajectory.Candidate
	if resume {
		if s.Fit.Data.SHA256 == "" {
			return nil, nil, fmt.Errorf("--resume: the careers (%s) cannot be read again to check that they are those of the checkpoint%s", s.Fit.Data.File, unchecked(s.Fit.Data))
		}
		got, err := os.ReadFile(filepath.Join(c.dir, "settings.json"))
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return nil, nil, err
		default:
			if diff := settingsDiff(got, wantJSON); diff != "" {
				return nil, nil, fmt.Errorf("--resume: the search in %s had other settings (%s): give the same ones, or leave out --resume to start afresh", c.dir, diff)
			}
			if done, err = c.read(); err != nil {
				return nil, nil, err
			}
			return c, done, nil
		}
	}
	if err := os.RemoveAll(c.dir); err != nil {
		return nil, nil, err
	}
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return nil, nil, err
	}
	if err := writeAtomic(filepath.Join(c.dir, "settings.json"), append(wantJSON, '\n')); err != nil {
		return nil, nil, err
	}
	return c, nil, nil
}

func unchecked(d trajectory.DataSettings) string {
	if d.Unchecked != "" {
		return ": " + d.Unchecked
	}
	return ""
}

func newCheckpointSettings(s trajectory.SelectSettings) checkpointSettings {
	sf := NewSelectionFile(&trajectory.Selection{}, s)
	minShare := s.MinShare
	if minShare == 0 {
		minShare = trajectory.DefaultMinShare
	}
	return checkpointSettings{CheckpointVersion: CheckpointVersion, Software: Software, Data: sf.Data, Settings: sf.Settings, MinShare: minShare}
}

// settingsDiff names the settings that differ between two settings.json
// files, "" when none does.
func settingsDiff(was, now []byte) string {
	var a, b map[string]any
	if json.Unmarshal(was, &a) != nil || json.Unmarshal(now, &b) != nil {
		return "settings.json cannot be read"
	}
	fa, fb := map[string]string{}, map[string]string{}
	flatten("", a, fa)
	flatten("", b, fb)
	var diffs []string
	for k, v := range fb {
		if w, ok := fa[k]; !ok || w != v {
			if !ok {
				w = "none"
			}
			diffs = append(diffs, fmt.Sprintf("%s: %s then, %s now", k, w, v))
		}
	}
	for k, w := range fa {
		if _, ok := fb[k]; !ok {
			diffs = append(diffs, fmt.Sprintf("%s: %s then, none now", k, w))
		}
	}
	slices.Sort(diffs)
	return strings.Join(diffs, "; ")
}

// flatten lists the leaves of a decoded JSON value by their dotted path.
func flatten(prefix string, v any, out map[string]string) {
	if m, ok := v.(map[string]any); ok {
		for k, x := range m {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			flatten(p, x, out)
		}
		return
	}
	b, _ := json.Marshal(v)
	out[prefix] = string(b)
}

func (c *Checkpoint) file(i int) string {
	return filepath.Join(c.dir, fmt.Sprintf("candidate-%03d.json", i))
}

// read returns the finished candidates, in order.
func (c *Checkpoint) read() ([]*trajectory.Candidate, error) {
	var done []*trajectory.Candidate
	for i := 1; ; i++ {
		b, err := os.ReadFile(c.file(i))
		if errors.Is(err, fs.ErrNotExist) {
			return done, nil
		}
		if err != nil {
			return nil, err
		}
		cand := new(trajectory.Candidate)
		if err := json.NewDecoder(bytes.NewReader(b)).Decode(cand); err != nil {
			return nil, fmt.Errorf("--resume: %s: %v", c.file(i), err)
		}
		done = append(done, cand)
	}
}

// Add records the search's done-th finished candidate (from
// SelectSettings.Progress). A candidate taken from the checkpoint is
// already there. A failure to write is kept for Err, and stops the
// checkpoint: the search goes on without it.
func (c *Checkpoint) Add(done int, cand *trajectory.Candidate) {
	if c == nil || c.err != nil {
		return
	}
	if _, err := os.Stat(c.file(done)); err == nil {
		return
	}
	b, err := json.Marshal(cand)
	if err == nil {
		err = writeAtomic(c.file(done), append(b, '\n'))
	}
	if err != nil {
		c.err = fmt.Errorf("checkpoint of candidate %d: %w; the search goes on without it", done, err)
	}
}

// Err returns the first failure to write a candidate.
func (c *Checkpoint) Err() error {
	if c == nil {
		return nil
	}
	return c.err
}

// Remove removes the checkpoint (once the selection is published).
func (c *Checkpoint) Remove() error {
	if c == nil {
		return nil
	}
	return os.RemoveAll(c.dir)
}

// writeAtomic writes b to path through a temporary file in its
// directory, synced and renamed: a kill leaves the old file or the new.
func writeAtomic(path string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}
