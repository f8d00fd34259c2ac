package careersio

import (
	"math"
	"slices"
)

// readPersonsTable reads a person file that may be a Stata, SPSS or Excel
// file. A variable with value labels is categorical whatever its codes
// look like: its levels are the codes as written in the text (sorted by
// value, so that the first, the reference of a risk factor, is the
// lowest code, as in Stata's factor variables), and Labels holds their
// labels.
func readPersonsTable(path string, opt PersonOptions) (*PersonTable, error) {
	r, err := openData(nil, path, TableOptions{Sheet: opt.Sheet, Dialect: opt.Dialect})
	if err != nil {
		return nil, err
	}
	defer r.Close()
	t, err := ReadPersons(r, path, opt)
	if err != nil {
		return nil, err
	}
	if tab, ok := r.(*Table); ok {
		for name, labels := range tab.Labels {
			if pc := t.Column(name); pc != nil {
				pc.categorical(labels)
			}
		}
	}
	return t, nil
}

// categorical makes a numeric column categorical, with its values as
// levels, and keeps labels.
func (pc *PersonColumn) categorical(labels map[string]string) {
	pc.Labels = labels
	if !pc.Numeric {
		return
	}
	var values []float64
	for _, v := range pc.Values {
		if !math.IsNaN(v) {
			values = append(values, v)
		}
	}
	slices.Sort(values)
	values = slices.Compact(values)
	pc.Levels = make([]string, len(values))
	for l, v := range values {
		pc.Levels[l] = formatNumber(v, 64)
	}
	pc.Codes = make([]int, len(pc.Values))
	for r, v := range pc.Values {
		pc.Codes[r] = -1
		if !math.IsNaN(v) {
			pc.Codes[r], _ = slices.BinarySearch(values, v)
		}
	}
	pc.Numeric, pc.Values = false, nil
}
