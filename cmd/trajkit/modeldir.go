package main

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/trajkit/trajkit/trajectory"
)

// The files other commands write, read back by plot and report: fit's
// model.json and assignments.csv, select's selection.csv and
// selection.json, and the group profiles (profiles.csv).

// readModel reads model.json, given as the file or as the directory that
// holds it (the --out directory of fit, select or reproduce), and returns
// it with the file's path.
func readModel(path string) (*trajectory.ModelFile, string, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		path = filepath.Join(path, "model.json")
	}
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, path, fmt.Errorf("%s: no such file: --model expects model.json or the --out directory of trajkit fit", path)
		}
		return nil, path, err
	}
	defer f.Close()
	m, err := trajectory.ReadModelFile(f, path)
	return m, path, err
}

// assignments is the content of assignments.csv.
type assignments struct {
	ids   []string
	group []int       // 0-based
	post  [][]float64 // K x N, in file order
}

// readAssignments reads DIR/assignments.csv (id,group,p1..pK) of a model
// with k groups.
func readAssignments(dir string, k int) (*assignments, error) {
	path := filepath.Join(dir, "assignments.csv")
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cr := csv.NewReader(f)
	h, err := cr.Read()
	if err != nil {
		return nil, &trajectory.DataError{File: path, Line: 1, Msg: fmt.Sprintf("expected the header id,group,p1..p%d: %v", k, err)}
	}
	if len(h) != k+2 || h[0] != "id" || h[1] != "group" {
		return nil, &trajectory.DataError{File: path, Line: 1, Msg: fmt.Sprintf("header %q: expected id,group,p1..p%d for the %d groups of model.json", strings.Join(h, ","), k, k)}
	}
	cr.FieldsPerRecord = k + 2
	a := &assignments{post: make([][]float64, k)}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, &trajectory.DataError{File: path, Msg: err.Error()}
		}
		line, _ := cr.FieldPos(0)
		g, err := strconv.Atoi(rec[1])
		if err != nil || g < 1 || g > k {
			return nil, &trajectory.DataError{File: path, Line: line, Column: 2, ColumnName: "group", Msg: fmt.Sprintf("group %q: expected 1..%d", rec[1], k)}
		}
		a.ids = append(a.ids, rec[0])
		a.group = append(a.group, g-1)
		for j := 0; j < k; j++ {
			p, err := strconv.ParseFloat(rec[j+2], 64)
			if err != nil || !(p >= 0 && p <= 1) {
				return nil, &trajectory.DataError{File: path, Line: line, Column: j + 3, ColumnName: h[j+2], Msg: fmt.Sprintf("%q is not a probability", rec[j+2])}
			}
			a.post[j] = append(a.post[j], p)
		}
	}
	if len(a.ids) == 0 {
		return nil, &trajectory.DataError{File: path, Msg: "no persons"}
	}
	return a, nil
}

// alignPosteriors returns the posteriors in the order of the careers'
// persons. The careers must be exactly the persons of the assignments:
// a model's posteriors say nothing about anyone else.
func alignPosteriors(c *trajectory.Careers, ids []string, post [][]float64, dir, dataName string) ([][]float64, error) {
	row := make(map[string]int, len(ids))
	for i, id := range ids {
		row[id] = i
	}
	mismatch := func(detail string) error {
		return fmt.Errorf("the data %s are not the persons the model in %s was fitted to (%s): give the data and reading flags of the fit", dataName, dir, detail)
	}
	if c.Len() != len(ids) {
		return nil, mismatch(fmt.Sprintf("%d persons in the data, %d in assignments.csv", c.Len(), len(ids)))
	}
	out := make([][]float64, len(post))
	for j := range out {
		out[j] = make([]float64, c.Len())
	}
	for i, id := range c.IDs {
		r, ok := row[id]
		if !ok {
			return nil, mismatch(fmt.Sprintf("person %q is not in assignments.csv", id))
		}
		for j := range post {
			out[j][i] = post[j][r]
		}
	}
	return out, nil
}

// selectionFile is select's selection.json.
type selectionFile struct {
	Recommended *struct {
		Groups          int   `json:"groups"`
		Orders          []int `json:"orders"`
		InflationOrders []int `json:"inflation_orders"`
	} `json:"recommended"`
	Reason string `json:"reason"`
}

// readSelection reads DIR/selection.csv and, when present,
// DIR/selection.json, marking the recommended model in the table. The
// warning is set when selection.json recommends a model the table lacks.
func readSelection(dir string) (t *trajectory.SelectionTable, sel *selectionFile, warning string, err error) {
	path := filepath.Join(dir, "selection.csv")
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, "", fmt.Errorf("%s: no such file: expected the --out directory of trajkit select", path)
		}
		return nil, nil, "", err
	}
	defer f.Close()
	t, err = trajectory.ReadSelectionTable(f, path)
	if err != nil {
		return nil, nil, "", err
	}
	jpath := filepath.Join(dir, "selection.json")
	b, err := os.ReadFile(jpath)
	if errors.Is(err, fs.ErrNotExist) {
		return t, nil, "", nil
	}
	if err != nil {
		return nil, nil, "", err
	}
	sel = &selectionFile{}
	if err := json.Unmarshal(b, sel); err != nil {
		return nil, nil, "", fmt.Errorf("%s: %v", jpath, err)
	}
	if r := sel.Recommended; r != nil && t.Recommend(r.Groups, r.Orders, r.InflationOrders) < 0 {
		warning = fmt.Sprintf("%s recommends %d groups with orders %v, which is not a row of %s", jpath, r.Groups, r.Orders, path)
	}
	return t, sel, warning, nil
}

// csvTable is a small CSV file read whole, for display.
type csvTable struct {
	Header []string
	Rows   [][]string
}

// readProfiles reads DIR/profiles.csv; it returns nil and no error when
// the file does not exist.
func readProfiles(dir string) (*csvTable, error) { return readCSVTable(dir, "profiles.csv") }

// readCSVTable reads DIR/name as a table, or returns nil when there is no
// such file.
func readCSVTable(dir, name string) (*csvTable, error) {
	path := filepath.Join(dir, name)
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s: empty file", path)
	}
	return &csvTable{Header: rows[0], Rows: rows[1:]}, nil
}
