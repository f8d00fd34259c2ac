package results

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"

	"github.com/trajkit/trajkit/internal/words"
	"github.com/trajkit/trajkit/mixture"

	"github.com/trajkit/trajkit/trajectory"
)

// modelFile is model.json: the fit's own JSON in an envelope that says
// which format and which program wrote it.
type modelFile struct {
	FormatVersion int    `json:"format_version"`
	Software      string `json:"software"`
	*trajectory.Fitted
}

// EncodeModel writes model.json for the fit: indented JSON, undefined
// numbers as null.
func EncodeModel(w io.Writer, f *trajectory.Fitted) error {
	if f.Warnings == nil {
		// A list, empty, whether or not there were warnings.
		c := *f
		c.Warnings = []trajectory.Warning{}
		f = &c
	}
	b, err := json.MarshalIndent(modelFile{FormatVersion, Software, f}, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// DecodeModel reads model.json (format version 1 to 3), at most
// MaxJSONSize bytes, and checks that it describes a fit (checkFit): name is
// the file's name in errors, and an error in a field is a *FieldError. The
// fit has no per-person fields (see ReadFit).
func DecodeModel(r io.Reader, name string) (*trajectory.Fitted, error) {
	b, err := readJSONFile(r, name)
	if err != nil {
		return nil, err
	}
	v, err := formatVersion(b, name, "model")
	if err != nil {
		return nil, err
	}
	mf := modelFile{Fitted: &trajectory.Fitted{}}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&mf); err != nil {
		return nil, fmt.Errorf("%s: not a trajkit model file: %v", name, err)
	}
	if err := checkFit(mf.Fitted, v); err != nil {
		var fe *FieldError
		if errors.As(err, &fe) {
			fe.File = name
			return nil, fe
		}
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	mf.Fitted.Settings.Accelerate = recordedAcceleration(mf.Fitted.Settings.Accelerate, v)
	return mf.Fitted, nil
}

// recordedAcceleration is the algorithm the settings of a file of format
// version v record: before version 3 a file left out "accelerate" when
// plain EM ran (the default then), and version 3 always records it.
func recordedAcceleration(a mixture.Acceleration, v int) mixture.Acceleration {
	if v < 3 && a == mixture.AccelerateDefault {
		return mixture.PlainEM
	}
	return a
}

// ModelPath returns the path of model.json given as the file or as the
// directory that holds it.
func ModelPath(path string) string {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return filepath.Join(path, ModelFile)
	}
	return path
}

// ReadModel reads model.json, given as the file or as the result
// directory that holds it. It is checked against the directory's manifest
// when there is one, given either way: a file named model.json beside a
// manifest.json is read as part of that result set.
func ReadModel(path string) (*trajectory.Fitted, error) {
	dir := ""
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		dir = path
	} else if filepath.Base(path) == ModelFile {
		if _, err := os.Stat(filepath.Join(filepath.Dir(path), ManifestFile)); err == nil {
			dir = filepath.Dir(path)
		}
	}
	if dir != "" {
		d, err := OpenDir(dir)
		if err != nil {
			return nil, err
		}
		return d.Model()
	}
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: no such file: expected model.json or the output directory of trajkit fit", path)
		}
		return nil, err
	}
	defer f.Close()
	return DecodeModel(f, path)
}

// ReadFit reads the fit in the result directory dir: model.json, and
// assignments.csv for its per-person fields.
func ReadFit(dir string) (*trajectory.Fitted, error) {
	d, err := OpenDir(dir)
	if err != nil {
		return nil, err
	}
	return d.Fit()
}

// Model reads the set's model.json.
func (d *Dir) Model() (*trajectory.Fitted, error) {
	if !d.Has(ModelFile) {
		return nil, fmt.Errorf("%s: no such file: expected the --out directory of trajkit fit, select or reproduce", d.file(ModelFile))
	}
	r, err := d.Open(ModelFile)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	f, err := DecodeModel(r, d.file(ModelFile))
	if err != nil {
		return nil, err
	}
	if d.Manifest != nil {
		if e := d.Manifest.File(ModelFile); e != nil {
			f.Timing = maps.Clone(e.Timing)
		}
	}
	return f, nil
}

// Fit reads the set's model.json, and assignments.csv for its per-person
// fields (IDs, Posterior and Assigned, in the file's order).
func (d *Dir) Fit() (*trajectory.Fitted, error) {
	f, err := d.Model()
	if err != nil {
		return nil, err
	}
	r, err := d.Open(AssignmentsFile)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	path := d.file(AssignmentsFile)
	if f.IsDual() {
		return f, readDualAssignments(r, path, f)
	}
	a, err := ReadAssignments(r, path, len(f.Groups))
	if err != nil {
		return nil, err
	}
	if len(a.IDs) != f.NumPersons {
		return nil, fmt.Errorf("%s: %s for the %d of %s", path, words.Count(len(a.IDs), "person"), f.NumPersons, d.file(ModelFile))
	}
	f.IDs, f.Posterior, f.Assigned = a.IDs, a.Posterior, a.Groups
	return f, nil
}

// WriteFit writes the fit's model.json and assignments.csv into the set,
// in its sub-directory sub ("" for the directory itself).
//
// The fit's Timing goes into model.json's entry of the manifest.
func WriteFit(s *Set, sub string, f *trajectory.Fitted, o Options) error {
	name := path.Join(sub, ModelFile)
	if err := s.Write(name, func(w io.Writer) error { return EncodeModel(w, f) }); err != nil {
		return err
	}
	if len(f.Timing) > 0 {
		s.m.File(name).Timing = maps.Clone(f.Timing)
	}
	return s.Write(path.Join(sub, AssignmentsFile), func(w io.Writer) error { return WriteAssignments(w, f, o) })
}
