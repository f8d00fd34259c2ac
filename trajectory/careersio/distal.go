package careersio

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/trajkit/trajkit/trajectory"
)

// MaxDistalCategories is the largest number of categories of an mlogit
// distal outcome: each adds K − 1 parameters and a column of the K x C
// table of groups by outcome, which more categories leave too sparse.
const MaxDistalCategories = 20

// Distal returns the distal outcome in the column of that name for the
// persons ids (a fit's persons, in order), for the model:
//
//   - normal: a numeric column;
//   - logit: a numeric column of 0 and 1 (true/false reads as 1/0);
//   - poisson: a numeric column of whole numbers ≥ 0;
//   - mlogit: any column with 2 to MaxDistalCategories distinct values, which are
//     the categories: a categorical column's levels in sorted order, a
//     numeric column's values in ascending order; the first is the
//     reference.
//
// A missing cell and a person without a row give NaN: the distal step
// leaves those persons out. A missing column, and a cell that does not
// fit the model, are errors that name the file, line and column.
func (t *PersonTable) Distal(column string, model trajectory.DistalModel, ids []string) (trajectory.DistalOutcome, error) {
	z := trajectory.DistalOutcome{Name: column, Model: model, Values: make([]float64, len(ids))}
	pc := t.Column(column)
	if pc == nil {
		if column == t.IDColumn {
			return z, fmt.Errorf("%s: %q is the person id column, not a distal outcome", t.File, column)
		}
		names := make([]string, len(t.Columns))
		for j, c := range t.Columns {
			names[j] = c.Name
		}
		return z, &DataError{File: t.File, Line: 1, Msg: fmt.Sprintf("no column %q (the distal outcome); the person file has %s", column, quoteList(names))}
	}
	bad := func(r int, msg string) error {
		return &DataError{File: t.File, Line: t.Lines[r], Column: pc.Field, ColumnName: pc.Name, Msg: msg}
	}
	var levels []string
	code := map[string]int{}
	switch {
	case model == trajectory.DistalMlogit && pc.Numeric:
		var vals []float64
		for _, v := range pc.Values {
			if !math.IsNaN(v) && !slices.Contains(vals, v) {
				vals = append(vals, v)
			}
		}
		slices.Sort(vals)
		for j, v := range vals {
			s := strconv.FormatFloat(v, 'g', -1, 64)
			levels = append(levels, s)
			code[s] = j
		}
	case model == trajectory.DistalMlogit:
		levels, z.CategoryLabels = pc.Levels, pc.levelLabels()
	case !pc.Numeric:
		for r := range pc.Codes {
			if !pc.missing(r) {
				return z, bad(r, fmt.Sprintf("distal outcome %q is %q: expected a number (the column is text; --distal-model mlogit takes categories)", column, pc.level(r)))
			}
		}
	}
	if model == trajectory.DistalMlogit {
		if n := len(levels); n < 2 || n > MaxDistalCategories {
			return z, &DataError{File: t.File, Column: pc.Field, ColumnName: pc.Name, Msg: fmt.Sprintf("distal outcome %q has %d distinct values, expected 2 to %d categories (a number with many values is --distal-model normal or poisson)", column, n, MaxDistalCategories)}
		}
		z.Categories = slices.Clone(levels)
	}
	for i, id := range ids {
		r := t.Row(id)
		if r < 0 || pc.missing(r) {
			z.Values[i] = math.NaN()
			continue
		}
		if model == trajectory.DistalMlogit {
			if pc.Numeric {
				z.Values[i] = float64(code[pc.level(r)])
			} else {
				z.Values[i] = float64(pc.Codes[r])
			}
			continue
		}
		v := pc.Values[r]
		switch {
		case model == trajectory.DistalLogit && v != 0 && v != 1:
			return z, bad(r, fmt.Sprintf("distal outcome %q of person %q is %g: expected 0 or 1 (--distal-model logit)", column, id, v))
		case model == trajectory.DistalPoisson && (v < 0 || v != math.Trunc(v)):
			return z, bad(r, fmt.Sprintf("distal outcome %q of person %q is %g: expected a count, a whole number ≥ 0 (--distal-model poisson)", column, id, v))
		}
		z.Values[i] = v
	}
	return z, nil
}
