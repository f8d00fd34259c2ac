package results

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path"

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

// DecodeModel reads model.json (format version 1 to 3) and checks that it
// describes a fit: name is the file's name in errors. The fit has no
// per-person fields (see ReadFit).
func DecodeModel(r io.Reader, name string) (*trajectory.Fitted, error) {
	b, err := readJSON(r, name)
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
		return nil, fmt.Errorf("%s: not a valid trajkit model file: %v", name, err)
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

// checkFit checks what the rest of trajkit relies on in a fit read from a
// file: groups, orders and coefficients that agree, curves over one
// window, shares that are probabilities.
func checkFit(f *trajectory.Fitted, version int) error {
	if len(f.Groups) == 0 {
		return errors.New("no groups")
	}
	if f.Distribution != trajectory.Poisson && f.Distribution != trajectory.ZIP {
		return fmt.Errorf("distribution %q: expected poisson or zip", f.Distribution)
	}
	lo, hi := f.MinAge(), f.MaxAge()
	if hi < lo || hi-lo >= 256 {
		return fmt.Errorf("age window %d-%d: expected fewer than 256 ages, the first no later than the last", lo, hi)
	}
	for j, g := range f.Groups {
		if g.Number != j+1 {
			return fmt.Errorf("group %d is numbered %d", j+1, g.Number)
		}
		if err := (trajectory.Model{Distribution: f.Distribution, Orders: []int{g.Order}, Inflation: []int{g.InflationOrder}}).Validate(); err != nil {
			return fmt.Errorf("group %d: %v", j+1, err)
		}
		if len(g.Beta) != g.Order+1 || len(g.Inflation) != max(g.InflationOrder+1, 0) {
			return fmt.Errorf("group %d: %d rate and %d inflation coefficients for orders %d and %d", j+1, len(g.Beta), len(g.Inflation), g.Order, g.InflationOrder)
		}
		if !(g.Share >= 0 && g.Share <= 1) {
			return fmt.Errorf("group %d: share %v is not a probability", j+1, g.Share)
		}
		if len(g.Curve) != hi-lo+1 {
			return fmt.Errorf("group %d: a curve of %d ages for the window %d-%d", j+1, len(g.Curve), lo, hi)
		}
		for t, p := range g.Curve {
			if p.Age != lo+t {
				return fmt.Errorf("group %d: curve age %d where %d was expected", j+1, p.Age, lo+t)
			}
			if !(p.Mean >= 0) || math.IsInf(p.Mean, 0) || !(p.ZeroProb >= 0 && p.ZeroProb <= 1) {
				return fmt.Errorf("group %d, age %d: expected count %v and zero probability %v", j+1, p.Age, p.Mean, p.ZeroProb)
			}
		}
	}
	if inf := f.Inference; inf != nil && len(inf.Names) != f.NumParams {
		return fmt.Errorf("a covariance matrix of %d parameters for a model of %d", len(inf.Names), f.NumParams)
	}
	if version >= 2 {
		for _, w := range f.Warnings {
			if w.Kind == "" {
				return fmt.Errorf("warning %q has no kind", w.Message)
			}
		}
	}
	return nil
}

// ReadModel reads model.json, given as the file or as the result
// directory that holds it (whose manifest it is then checked against).
func ReadModel(path string) (*trajectory.Fitted, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		d, err := OpenDir(path)
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
	return DecodeModel(r, d.file(ModelFile))
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
func WriteFit(s *Set, sub string, f *trajectory.Fitted, o Options) error {
	if err := s.Write(path.Join(sub, ModelFile), func(w io.Writer) error { return EncodeModel(w, f) }); err != nil {
		return err
	}
	return s.Write(path.Join(sub, AssignmentsFile), func(w io.Writer) error { return WriteAssignments(w, f, o) })
}
