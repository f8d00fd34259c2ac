package careersio

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/trajkit/trajkit/trajectory"
)

// ReadTcov reads time-varying covariates for careers c from the career
// file they were read from (long: columns named by names; wide: columns
// name+age, as the counts) and returns the careers with them attached.
// Every observed cell must have a finite value for each covariate; rows of
// persons or ages outside c (another window) are skipped. opt must be the
// options c was read with, and format the file's format.
func ReadTcov(r io.Reader, name string, format Format, opt ReadOptions, names []string, c *trajectory.Careers) (*trajectory.Careers, error) {
	opt = opt.withDefaults()
	value, err := readTcov(r, name, format, opt, []string{opt.Count}, names, c)
	if err != nil {
		return nil, err
	}
	out, err := c.WithTcov(names, value)
	if err != nil {
		return nil, &DataError{File: name, Msg: err.Error()}
	}
	return out, nil
}

// ReadTcovOutcomes is ReadTcov for the careers cs of several outcomes,
// read from one file by ReadOutcomes with the columns outs: the
// covariates are read once per person and age, from every row (long) or
// age (wide) at which some outcome is observed, and attached to every
// outcome's careers, so that all have the same covariates.
func ReadTcovOutcomes(r io.Reader, name string, format Format, opt ReadOptions, outs []OutcomeColumns, names []string, cs []*trajectory.Careers) ([]*trajectory.Careers, error) {
	if len(outs) != len(cs) || len(cs) == 0 {
		return nil, fmt.Errorf("%s: the columns of %d outcomes for careers of %d", name, len(outs), len(cs))
	}
	counts := make([]string, len(outs))
	for o, oc := range outs {
		counts[o] = oc.Count
	}
	opt.Count, opt.Exposure, opt.Real = "", "", false
	opt = opt.withDefaults()
	value, err := readTcov(r, name, format, opt, counts, names, cs[0])
	if err != nil {
		return nil, err
	}
	out := make([]*trajectory.Careers, len(cs))
	for o, c := range cs {
		if out[o], err = c.WithTcov(names, value); err != nil {
			return nil, &DataError{File: name, Msg: fmt.Sprintf("outcome %q: %v", outs[o].Name, err)}
		}
	}
	return out, nil
}

// readTcov reads the covariates names of the persons of c at the ages of
// c's grid at which one of the count columns (long) or prefixes (wide)
// counts has an observed cell, and returns them as WithTcov takes them
// (zero where none was read). opt has its defaults.
func readTcov(r io.Reader, name string, format Format, opt ReadOptions, counts, names []string, c *trajectory.Careers) (func(i, age int) []float64, error) {
	cr := NewCSVReader(r, name)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return nil, &DataError{File: name, Msg: fmt.Sprintf("reading the header again for the time-varying covariates: %v", err)}
	}
	h := make([]string, len(header))
	for j, v := range header {
		if j == 0 {
			v = strings.TrimPrefix(v, "\ufeff")
		}
		h[j] = strings.TrimSpace(v)
	}
	errAt := func(line, col int, msg string, args ...any) error {
		cn := ""
		if col > 0 {
			cn = h[col-1]
		}
		return &DataError{File: name, Line: line, Column: col, ColumnName: cn, Msg: fmt.Sprintf(msg, args...)}
	}
	person := make(map[string]int, c.Len())
	for i, id := range c.IDs {
		person[id] = i
	}
	type key struct{ i, age int }
	values := map[key][]float64{}
	parse := func(line, col int, s string) (float64, error) {
		s = strings.TrimSpace(s)
		if isMissing(s) {
			return 0, errAt(line, col, "missing value of a time-varying covariate: expected a number for every observed age")
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, errAt(line, col, "time-varying covariate %q is not a finite number", s)
		}
		return v, nil
	}
	if format == Traj || opt.NoID {
		return nil, &DataError{File: name, Msg: "time-varying covariates are read from long and wide files with an id column, not from a traj file or one without ids: write the file long (id, age, y, covariates)"}
	}
	idCol := index(h, opt.ID)
	if idCol < 0 {
		return nil, errAt(1, 0, "no column %q (person id)", opt.ID)
	}
	switch format {
	case Long:
		ageCol := index(h, opt.Age)
		yCols := make([]int, len(counts))
		for o, n := range counts {
			if yCols[o] = index(h, n); ageCol < 0 || yCols[o] < 0 {
				return nil, errAt(1, 0, "no columns %q and %q of a long career file; the header has %s", opt.Age, n, quoteList(h))
			}
		}
		cols := make([]int, len(names))
		for j, n := range names {
			if cols[j] = index(h, n); cols[j] < 0 {
				return nil, errAt(1, 0, "no column %q (time-varying covariate); the header has %s", n, quoteList(h))
			}
		}
		err := EachRecord(cr, name, func(rec []string, line int) error {
			i, ok := person[strings.TrimSpace(rec[idCol])]
			age, aerr := parseAge(rec[ageCol])
			if !ok || aerr != nil || age < c.MinAge || age > c.MaxAge() {
				return nil
			}
			observed := false
			for _, col := range yCols {
				if _, missing, _ := parseCount(rec[col]); !missing {
					observed = true
				}
			}
			if !observed {
				return nil
			}
			w := make([]float64, len(names))
			for j, col := range cols {
				var err error
				if w[j], err = parse(line, col+1, rec[col]); err != nil {
					return err
				}
			}
			values[key{i, age}] = w
			return nil
		})
		if err != nil {
			return nil, err
		}
	case Wide:
		var ages []ageColumn // every outcome's count columns
		for _, n := range counts {
			cols, err := prefixed(name, h, n)
			if err != nil {
				return nil, err
			}
			ages = append(ages, cols...)
		}
		colOf := make([]map[int]int, len(names))
		for j, n := range names {
			cols, err := prefixed(name, h, n)
			if err != nil {
				return nil, err
			}
			colOf[j] = map[int]int{}
			for _, ac := range cols {
				colOf[j][ac.age] = ac.col
			}
		}
		err = EachRecord(cr, name, func(rec []string, line int) error {
			i, ok := person[strings.TrimSpace(rec[idCol])]
			if !ok {
				return nil
			}
			for _, ac := range ages {
				if ac.age < c.MinAge || ac.age > c.MaxAge() {
					continue
				}
				if _, done := values[key{i, ac.age}]; done {
					continue // another outcome's cell at that age
				}
				if _, missing, _ := parseCount(rec[ac.col]); missing {
					continue
				}
				w := make([]float64, len(names))
				for j, n := range names {
					col, ok := colOf[j][ac.age]
					if !ok {
						return errAt(1, 0, "no column %s%d for the time-varying covariate %q at age %d", n, ac.age, n, ac.age)
					}
					var err error
					if w[j], err = parse(line, col+1, rec[col]); err != nil {
						return err
					}
				}
				values[key{i, ac.age}] = w
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("unknown format %q", format)
	}
	zero := make([]float64, len(names))
	return func(i, age int) []float64 {
		if w, ok := values[key{i, age}]; ok {
			return w
		}
		return zero
	}, nil
}
