package careersio

import (
	"fmt"
	"math"
)

// Weights returns the sampling weights of the persons ids (the careers'
// persons, in order) from the column of that name: one finite number
// > 0 per person. A missing column, a person with no row, and a cell that
// is missing, not a number, not finite or not positive are errors that
// name the file, line and column.
func (t *PersonTable) Weights(column string, ids []string) ([]float64, error) {
	pc := t.Column(column)
	if pc == nil {
		if column == t.IDColumn {
			return nil, fmt.Errorf("%s: %q is the person id column, not a column of weights", t.File, column)
		}
		names := make([]string, len(t.Columns))
		for j, c := range t.Columns {
			names[j] = c.Name
		}
		return nil, &DataError{File: t.File, Line: 1, Msg: fmt.Sprintf("no column %q of sampling weights; the person file has %s", column, quoteList(names))}
	}
	w := make([]float64, len(ids))
	for i, id := range ids {
		r := t.Row(id)
		if r < 0 {
			return nil, &DataError{File: t.File, Msg: fmt.Sprintf("person %q of the careers has no row, so no sampling weight in column %q", id, column)}
		}
		bad := func(what string) error {
			return &DataError{File: t.File, Line: t.Lines[r], Column: pc.Field, ColumnName: pc.Name,
				Msg: fmt.Sprintf("sampling weight of person %q %s: expected a finite number > 0", id, what)}
		}
		if pc.missing(r) {
			return nil, bad("is missing")
		}
		v, err := pc.number(r)
		if err != nil {
			return nil, bad(fmt.Sprintf("is %q", pc.level(r)))
		}
		if !(v > 0) || math.IsInf(v, 1) {
			return nil, bad(fmt.Sprintf("is %g", v))
		}
		w[i] = v
	}
	return w, nil
}
