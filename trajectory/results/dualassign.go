package results

import (
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/trajkit/trajkit/internal/words"
	"github.com/trajkit/trajkit/trajectory"
	"github.com/trajkit/trajkit/trajectory/careersio"
)

// assignments.csv of a dual model (outcomes A and B, K1 and K2 groups):
// id,group_A,group_B,A_p1..A_pK1,B_p1..B_pK2, with A and B the outcomes'
// names: each person's maximum-posterior group of each outcome and the
// marginal posteriors of each outcome's groups (Σ over the other
// outcome's groups of the joint classes' posteriors), one row per person
// in the order of the fit. The joint classes' posteriors are not written.
// trajkit score writes the same columns for careers scored under a dual
// model, the groups empty for a person with no observed cell in the
// model's window.

// dualHeader returns the header of a dual model's assignments.csv, whose
// outcomes are named names and have ks groups.
func dualHeader(names []string, ks []int, idColumn string) []string {
	h := []string{idColumn}
	for _, name := range names {
		h = append(h, "group_"+name)
	}
	for o, name := range names {
		for j := range ks[o] {
			h = append(h, name+"_p"+strconv.Itoa(j+1))
		}
	}
	return h
}

// dualColumns are the outcomes of a dual model's assignments.csv: their
// names, each person's group of each (1-based, 0 for an empty cell) and
// their marginal posteriors.
type dualColumns struct {
	names    []string
	assigned [][]int
	post     [][][]float64
}

// fitColumns are the columns of a dual fit's assignments.csv.
func fitColumns(f *trajectory.Fitted) (dualColumns, error) {
	var d dualColumns
	for _, out := range f.Outcomes {
		if out.Posterior == nil {
			return d, fmt.Errorf("the fit has no posteriors of %s to write", out.Name)
		}
		d.names, d.assigned, d.post = append(d.names, out.Name), append(d.assigned, out.Assigned), append(d.post, out.Posterior)
	}
	return d, nil
}

// scoredColumns are the columns of the assignments.csv of careers scored
// under a dual model.
func scoredColumns(s *trajectory.Scored) dualColumns {
	var d dualColumns
	for _, out := range s.Outcomes {
		d.names, d.assigned, d.post = append(d.names, out.Name), append(d.assigned, out.Assigned), append(d.post, out.Posterior)
	}
	return d
}

// writeDualAssignments writes assignments.csv of a dual model.
func writeDualAssignments(w io.Writer, f *trajectory.Fitted, o Options) error {
	d, err := fitColumns(f)
	if err != nil {
		return err
	}
	return writeDual(w, f.IDs, d, o)
}

// writeDual writes a dual model's assignments.csv of persons ids.
func writeDual(w io.Writer, ids []string, d dualColumns, o Options) error {
	id := IDColumn
	if o.SafeCSV {
		id = SafeIDColumn
	}
	ks := make([]int, len(d.post))
	for o, p := range d.post {
		ks[o] = len(p)
	}
	cw := csv.NewWriter(w)
	rec := dualHeader(d.names, ks, id)
	if err := cw.Write(rec); err != nil {
		return err
	}
	for i, pid := range ids {
		rec = rec[:0]
		if o.SafeCSV {
			pid = EscapeID(pid)
		}
		rec = append(rec, pid)
		for _, a := range d.assigned {
			g := ""
			if a[i] > 0 {
				g = strconv.Itoa(a[i])
			}
			rec = append(rec, g)
		}
		for _, post := range d.post {
			for _, p := range post {
				rec = append(rec, FormatFloat(p[i]))
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// readDualAssignments reads assignments.csv (name in errors) of the dual
// model f into its IDs and its outcomes' Posterior and Assigned; the
// fit's own Posterior and Assigned, of the joint classes, stay nil.
func readDualAssignments(r io.Reader, name string, f *trajectory.Fitted) error {
	ks := make([]int, len(f.Outcomes))
	names := make([]string, len(f.Outcomes))
	for o, out := range f.Outcomes {
		ks[o], names[o] = len(out.Groups), out.Name
	}
	want := dualHeader(names, ks, IDColumn)
	cr := careersio.NewCSVReader(r, name)
	h, err := cr.Read()
	if err != nil {
		return &careersio.DataError{File: name, Line: 1, Msg: fmt.Sprintf("expected the header %s: %v", strings.Join(want, ","), err)}
	}
	safe := len(h) > 0 && h[0] == SafeIDColumn
	if safe {
		want[0] = SafeIDColumn
	}
	if !slices.Equal(h, want) {
		return &careersio.DataError{File: name, Line: 1, Msg: fmt.Sprintf("header %q: expected %s (the first column safe_csv_id with --safe-csv) for the dual model of model.json",
			strings.Join(h, ","), strings.Join(want, ","))}
	}
	cr.FieldsPerRecord = len(want)
	var ids []string
	post := make([][][]float64, len(f.Outcomes))
	assigned := make([][]int, len(f.Outcomes))
	for o, out := range f.Outcomes {
		post[o] = make([][]float64, len(out.Groups))
	}
	seen := map[string]int{} // id -> line
	err = careersio.EachRecord(cr, name, func(rec []string, line int) error {
		id, err := rowID(rec[0], safe, seen, name, line, h[0])
		if err != nil {
			return err
		}
		ids = append(ids, id)
		col := len(f.Outcomes) + 1
		for o, out := range f.Outcomes {
			k := len(out.Groups)
			g, err := strconv.Atoi(rec[o+1])
			if err != nil || g < 1 || g > k {
				return &careersio.DataError{File: name, Line: line, Column: o + 2, ColumnName: h[o+1], Msg: fmt.Sprintf("group %q: expected 1..%d", rec[o+1], k)}
			}
			assigned[o] = append(assigned[o], g)
			for j := range k {
				p, err := strconv.ParseFloat(rec[col], 64)
				if err != nil || !(p >= 0 && p <= 1) {
					return &careersio.DataError{File: name, Line: line, Column: col + 1, ColumnName: h[col], Msg: fmt.Sprintf("%q is not a probability", rec[col])}
				}
				post[o][j] = append(post[o][j], p)
				col++
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(ids) != f.NumPersons {
		return fmt.Errorf("%s: %s for the %d of model.json", name, words.Count(len(ids), "person"), f.NumPersons)
	}
	f.IDs = ids
	for o := range f.Outcomes {
		f.Outcomes[o].Posterior, f.Outcomes[o].Assigned = post[o], assigned[o]
	}
	return nil
}
