package careersio

import (
	"fmt"
	"math"
)

// Numbers returns the column of that name for the persons ids (the
// careers' persons, in order): one finite number per person, checked by
// ok when it is not nil (which returns what was expected, or "" for a
// good value). what says what the column holds ("follow-up end", "dropout
// covariate") in the messages. A missing column, a person with no row,
// and a cell that is missing or not a finite number are errors that name
// the file, line and column.
func (t *PersonTable) Numbers(column, what string, ids []string, ok func(float64) string) ([]float64, error) {
	pc := t.Column(column)
	if pc == nil {
		if column == t.IDColumn {
			return nil, fmt.Errorf("%s: %q is the person id column, not a %s column", t.File, column, what)
		}
		names := make([]string, len(t.Columns))
		for j, c := range t.Columns {
			names[j] = c.Name
		}
		return nil, &DataError{File: t.File, Line: 1, Msg: fmt.Sprintf("no %s column %q; the person file has %s", what, column, quoteList(names))}
	}
	v := make([]float64, len(ids))
	for i, id := range ids {
		r := t.Row(id)
		if r < 0 {
			return nil, &DataError{File: t.File, Msg: fmt.Sprintf("person %q of the careers has no row, so no %s in column %q", id, what, column)}
		}
		bad := func(got, want string) error {
			return &DataError{File: t.File, Line: t.Lines[r], Column: pc.Field, ColumnName: pc.Name,
				Msg: fmt.Sprintf("%s of person %q %s: expected %s", what, id, got, want)}
		}
		if pc.missing(r) {
			return nil, bad("is missing", "a number")
		}
		x, err := pc.number(r)
		if err != nil {
			return nil, bad(fmt.Sprintf("is %q", pc.level(r)), "a number")
		}
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, bad(fmt.Sprintf("is %g", x), "a finite number")
		}
		if ok != nil {
			if want := ok(x); want != "" {
				return nil, bad(fmt.Sprintf("is %g", x), want)
			}
		}
		v[i] = x
	}
	return v, nil
}
