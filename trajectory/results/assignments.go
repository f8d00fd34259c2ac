package results

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/trajkit/trajkit/internal/words"
	"github.com/trajkit/trajkit/mixture"
	"github.com/trajkit/trajkit/trajectory"
	"github.com/trajkit/trajkit/trajectory/careersio"
)

// assignments.csv: id,group,p1..pK, one row per person in the order of
// the fit, group the 1-based number of the maximum-posterior group, the
// posteriors with enough digits to round-trip. With Options.SafeCSV the
// first column is safe_csv_id and holds the ids escaped by EscapeID.
// trajkit score writes the same columns for new careers, with an empty
// group for a person with no observed cell in the model's window.

// WriteAssignments writes assignments.csv of a fit with its posteriors
// (a dual model's as writeDualAssignments does).
func WriteAssignments(w io.Writer, f *trajectory.Fitted, o Options) error {
	if f.IsDual() {
		return writeDualAssignments(w, f, o)
	}
	if f.Posterior == nil {
		return fmt.Errorf("the fit has no posteriors to write")
	}
	return writePosteriors(w, f.IDs, f.Assigned, f.Posterior, o)
}

// WriteScores writes the posteriors of careers scored under a model
// (trajectory.Fitted.Score) in assignments.csv's columns, those of a dual
// model's assignments.csv under a dual model; the group of a person with
// no observed cell in the model's window (group 0) is empty.
func WriteScores(w io.Writer, s *trajectory.Scored, o Options) error {
	if s.Outcomes != nil {
		return writeDual(w, s.IDs, scoredColumns(s), o)
	}
	return writePosteriors(w, s.IDs, s.Assigned, s.Posterior, o)
}

// writePosteriors writes id,group,p1..pK; group 0 is an empty cell.
// Runs of postChunk rows are formatted on all cores, postBatch runs at a
// time, and written in order: the file is the one a single csv.Writer
// writes (each run has its own, on a buffer), in a fraction of the time
// for a million persons, in bounded memory.
func writePosteriors(w io.Writer, ids []string, groups []int, post [][]float64, o Options) error {
	k := len(post)
	rec := make([]string, k+2)
	rec[0], rec[1] = IDColumn, "group"
	if o.SafeCSV {
		rec[0] = SafeIDColumn
	}
	for j := 0; j < k; j++ {
		rec[j+2] = "p" + strconv.Itoa(j+1)
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(rec); err != nil {
		return err
	}
	if cw.Flush(); cw.Error() != nil {
		return cw.Error()
	}
	n := len(ids)
	var bufs [postBatch]bytes.Buffer
	var errs [postBatch]error
	for lo := 0; lo < n; lo += postBatch * postChunk {
		runs := min(postBatch, (n-lo+postChunk-1)/postChunk)
		mixture.ForEach(runs, o.Threads, func(r int) {
			from := lo + r*postChunk
			bufs[r].Reset()
			errs[r] = writePosteriorRows(&bufs[r], ids, groups, post, o, from, min(from+postChunk, n))
		})
		for r := range runs {
			if errs[r] != nil {
				return errs[r]
			}
			if _, err := w.Write(bufs[r].Bytes()); err != nil {
				return err
			}
		}
	}
	return nil
}

// postChunk and postBatch: see writePosteriors.
const (
	postChunk = 8192
	postBatch = 8
)

// writePosteriorRows writes the rows of persons from ≤ i < to of
// writePosteriors.
func writePosteriorRows(w io.Writer, ids []string, groups []int, post [][]float64, o Options, from, to int) error {
	cw := csv.NewWriter(w)
	k := len(post)
	rec := make([]string, k+2)
	for i := from; i < to; i++ {
		rec[0] = ids[i]
		if o.SafeCSV {
			rec[0] = EscapeID(ids[i])
		}
		rec[1] = ""
		if groups[i] > 0 {
			rec[1] = strconv.Itoa(groups[i])
		}
		for j := 0; j < k; j++ {
			rec[j+2] = FormatFloat(post[j][i])
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// Assignments are the content of assignments.csv.
type Assignments struct {
	IDs []string
	// Groups are the 1-based maximum-posterior groups.
	Groups []int
	// Posterior is K x N, in file order.
	Posterior [][]float64
}

// ReadAssignments reads assignments.csv of a model with k groups; name is
// the file's name in errors. A file written with Options.SafeCSV, whose id
// column is safe_csv_id, gives back the ids as they were (UnescapeID).
func ReadAssignments(r io.Reader, name string, k int) (*Assignments, error) {
	cr := careersio.NewCSVReader(r, name)
	h, err := cr.Read()
	if err != nil {
		return nil, &careersio.DataError{File: name, Line: 1, Msg: fmt.Sprintf("expected the header id,group,p1..p%d: %v", k, err)}
	}
	if len(h) != k+2 || h[0] != IDColumn && h[0] != SafeIDColumn || h[1] != "group" {
		return nil, &careersio.DataError{File: name, Line: 1, Msg: fmt.Sprintf("header %q: expected id,group,p1..p%d (the first column safe_csv_id with --safe-csv) for the %d groups of model.json", strings.Join(h, ","), k, k)}
	}
	safe := h[0] == SafeIDColumn
	cr.FieldsPerRecord = k + 2
	a := &Assignments{Posterior: make([][]float64, k)}
	seen := map[string]int{} // id -> line
	err = careersio.EachRecord(cr, name, func(rec []string, line int) error {
		id, err := rowID(rec[0], safe, seen, name, line, h[0])
		if err != nil {
			return err
		}
		g, err := strconv.Atoi(rec[1])
		if err != nil || g < 1 || g > k {
			return &careersio.DataError{File: name, Line: line, Column: 2, ColumnName: "group", Msg: fmt.Sprintf("group %q: expected 1..%d", rec[1], k)}
		}
		a.IDs = append(a.IDs, id)
		a.Groups = append(a.Groups, g)
		for j := 0; j < k; j++ {
			p, err := strconv.ParseFloat(rec[j+2], 64)
			if err != nil || !(p >= 0 && p <= 1) {
				return &careersio.DataError{File: name, Line: line, Column: j + 3, ColumnName: h[j+2], Msg: fmt.Sprintf("%q is not a probability", rec[j+2])}
			}
			a.Posterior[j] = append(a.Posterior[j], p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(a.IDs) == 0 {
		return nil, &careersio.DataError{File: name, Msg: "no persons"}
	}
	return a, nil
}

// Align puts the fit's per-person fields (read from assignments.csv) in
// the order of the careers' persons. The careers must be exactly the
// fit's persons: a model's posteriors say nothing about anyone else.
// dataName names the careers in the error.
func Align(f *trajectory.Fitted, c *trajectory.Careers, dataName string) error {
	row := make(map[string]int, len(f.IDs))
	for i, id := range f.IDs {
		row[id] = i
	}
	mismatch := func(detail string) error {
		return fmt.Errorf("the data %s are not the persons the model was fitted to (%s): give the data and reading settings of the fit", dataName, detail)
	}
	if c.Len() != len(f.IDs) {
		return mismatch(fmt.Sprintf("%s in the data, %d in assignments.csv", words.Count(c.Len(), "person"), len(f.IDs)))
	}
	from := make([]int, c.Len()) // from[i]: the row of careers' person i
	for i, id := range c.IDs {
		r, ok := row[id]
		if !ok {
			return mismatch(fmt.Sprintf("person %q is not in assignments.csv", id))
		}
		from[i] = r
	}
	f.IDs = c.IDs
	f.Posterior, f.Assigned = alignRows(f.Posterior, from), alignGroups(f.Assigned, from)
	for o := range f.Outcomes { // a dual model's marginal posteriors
		out := &f.Outcomes[o]
		out.Posterior, out.Assigned = alignRows(out.Posterior, from), alignGroups(out.Assigned, from)
	}
	return nil
}

// alignRows returns post (K x N) with person i's column from column
// from[i]; nil for nil.
func alignRows(post [][]float64, from []int) [][]float64 {
	if post == nil {
		return nil
	}
	out := make([][]float64, len(post))
	for j := range out {
		out[j] = make([]float64, len(from))
		for i, r := range from {
			out[j][i] = post[j][r]
		}
	}
	return out
}

// alignGroups returns groups with person i's from groups[from[i]]; nil
// for nil.
func alignGroups(groups []int, from []int) []int {
	if groups == nil {
		return nil
	}
	out := make([]int, len(from))
	for i, r := range from {
		out[i] = groups[r]
	}
	return out
}

// FormatFloat writes x with enough digits to read back the same float64;
// NaN and infinities, which no result file holds, become empty cells.
func FormatFloat(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return ""
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

// rowID returns the person id of a row of assignments.csv (line of file
// name, in the id column named col), unescaped when the file was written
// with Options.SafeCSV; an empty id and one seen before (seen maps ids to
// their lines, and gains this one) are errors.
func rowID(cell string, safe bool, seen map[string]int, name string, line int, col string) (string, error) {
	id := cell
	if safe {
		id = UnescapeID(id)
	}
	if id == "" {
		return "", &careersio.DataError{File: name, Line: line, Column: 1, ColumnName: col, Msg: "empty person id"}
	}
	if first, dup := seen[id]; dup {
		return "", &careersio.DataError{File: name, Line: line, Column: 1, ColumnName: col, Msg: fmt.Sprintf("person %q again (first on line %d): expected one row per person", id, first)}
	}
	seen[id] = line
	return id, nil
}
