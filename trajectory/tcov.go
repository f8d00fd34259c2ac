package trajectory

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// WithTcov returns the careers with time-varying covariates (traj's tcov):
// value(i, age) gives person i's covariate values at an observed age, one
// per name. Cells whose values are not all zero become special cells with
// their pattern, so the cost of a fit follows the cells with non-zero
// covariates. Values must be finite.
func (c *Careers) WithTcov(names []string, value func(i, age int) []float64) (*Careers, error) {
	q := len(names)
	out := &Careers{IDs: c.IDs, MinAge: c.MinAge, NumAges: c.NumAges, Lo: c.Lo, Hi: c.Hi, Const: c.Const, NumObs: c.NumObs,
		TcovNames: names, Patterns: [][]float64{make([]float64, q)}, Start: make([]int32, c.Len()+1)}
	index := map[string]uint32{string(make([]byte, 8*q)): 0}
	intern := func(w []float64) (uint32, error) {
		key := make([]byte, 0, 8*q)
		zero := true
		for j, v := range w {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return 0, fmt.Errorf("time-varying covariate %q has the value %v: expected a finite number", names[j], v)
			}
			if v == 0 {
				v = 0 // −0 and +0 are one pattern
			}
			zero = zero && v == 0
			b := math.Float64bits(v)
			for s := 0; s < 64; s += 8 {
				key = append(key, byte(b>>s))
			}
		}
		if zero {
			return 0, nil
		}
		if p, ok := index[string(key)]; ok {
			return p, nil
		}
		p := uint32(len(out.Patterns))
		index[string(key)] = p
		out.Patterns = append(out.Patterns, append([]float64(nil), w...))
		return p, nil
	}
	// A zero count with exposure 1 becomes a special cell only through its
	// covariates; without an exposure array such a cell would read as
	// unobserved, so the exposures are kept whenever one is added.
	needE := c.E != nil
	type cell struct {
		age     uint8
		y       uint32
		e       float64
		pattern uint32
	}
	var cells []cell
	for i := 0; i < c.Len(); i++ {
		k := c.Start[i]
		for t := int(c.Lo[i]); t <= int(c.Hi[i]); t++ {
			x := cell{age: uint8(t), e: 1}
			special := false
			if k < c.Start[i+1] && int(c.Age[k]) == t {
				x.y, x.e = c.Y[k], c.exposure(k)
				special = true
				k++
			}
			if x.e != 0 {
				w := value(i, c.MinAge+t)
				if len(w) != q {
					panic(fmt.Sprintf("trajectory: %d covariate values for %d names", len(w), q))
				}
				p, err := intern(w)
				if err != nil {
					return nil, fmt.Errorf("person %q at age %d: %v", c.IDs[i], c.MinAge+t, err)
				}
				x.pattern = p
				if p != 0 && !special {
					special = true
					needE = needE || x.y == 0
				}
			}
			if special {
				cells = append(cells, x)
			}
		}
		out.Start[i+1] = int32(len(cells))
	}
	out.Age = make([]uint8, len(cells))
	out.Y = make([]uint32, len(cells))
	out.Pattern = make([]uint32, len(cells))
	if needE {
		out.E = make([]float64, len(cells))
	}
	for k, x := range cells {
		out.Age[k], out.Y[k], out.Pattern[k] = x.age, x.y, x.pattern
		if needE {
			out.E[k] = x.e
		}
	}
	return out, nil
}

// pattern returns the covariate pattern of special cell k (0 without
// time-varying covariates).
func (c *Careers) pattern(k int32) uint32 {
	if c.Pattern == nil {
		return 0
	}
	return c.Pattern[k]
}

// Tcov calls fn with the covariate values of person i at each observed
// age whose values are not all zero.
func (c *Careers) Tcov(i int, fn func(age int, w []float64)) {
	if c.Pattern == nil {
		return
	}
	for k := c.Start[i]; k < c.Start[i+1]; k++ {
		if p := c.Pattern[k]; p != 0 {
			fn(c.MinAge+int(c.Age[k]), c.Patterns[p])
		}
	}
}

// carryTcov returns out (careers of some of c's persons, possibly on
// another age grid, from Restrict or subset) with c's covariates.
func (c *Careers) carryTcov(out *Careers, person func(j int) int) *Careers {
	if c.Pattern == nil {
		return out
	}
	// Covariates of each (person, age) of c.
	at := make([]map[int][]float64, c.Len())
	for i := 0; i < c.Len(); i++ {
		c.Tcov(i, func(age int, w []float64) {
			if at[i] == nil {
				at[i] = map[int][]float64{}
			}
			at[i][age] = w
		})
	}
	zero := make([]float64, len(c.TcovNames))
	r, err := out.WithTcov(c.TcovNames, func(j, age int) []float64 {
		if w, ok := at[person(j)][age]; ok {
			return w
		}
		return zero
	})
	if err != nil {
		panic("trajectory: carrying valid covariates failed: " + err.Error())
	}
	return r
}

// ReadTcov reads time-varying covariates for careers c from the career
// file they were read from (long: columns named by names; wide: columns
// name+age, as the counts) and returns the careers with them attached.
// Every observed cell must have a finite value for each covariate; rows of
// persons or ages outside c (another window) are skipped. opt must be the
// options c was read with, and format the file's format.
func ReadTcov(r io.Reader, name string, format Format, opt ReadOptions, names []string, c *Careers) (*Careers, error) {
	opt = opt.withDefaults()
	cr := csv.NewReader(bufio.NewReaderSize(r, 1<<16))
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
	idCol := index(h, opt.ID)
	if idCol < 0 {
		return nil, errAt(1, 0, "no column %q (person id)", opt.ID)
	}
	switch format {
	case Long:
		ageCol := index(h, opt.Age)
		yCol := index(h, opt.Count)
		cols := make([]int, len(names))
		for j, n := range names {
			if cols[j] = index(h, n); cols[j] < 0 {
				return nil, errAt(1, 0, "no column %q (time-varying covariate); the header has %s", n, quoteList(h))
			}
		}
		for {
			rec, err := cr.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, &DataError{File: name, Msg: err.Error()}
			}
			line, _ := cr.FieldPos(0)
			i, ok := person[strings.TrimSpace(rec[idCol])]
			age, aerr := parseAge(rec[ageCol])
			if !ok || aerr != nil || age < c.MinAge || age > c.MaxAge() {
				continue
			}
			if _, missing, _ := parseCount(rec[yCol]); missing {
				continue
			}
			w := make([]float64, len(names))
			for j, col := range cols {
				if w[j], err = parse(line, col+1, rec[col]); err != nil {
					return nil, err
				}
			}
			values[key{i, age}] = w
		}
	case Wide:
		counts := prefixed(h, opt.Count)
		colOf := make([]map[int]int, len(names))
		for j, n := range names {
			colOf[j] = map[int]int{}
			for _, ac := range prefixed(h, n) {
				colOf[j][ac.age] = ac.col
			}
		}
		for {
			rec, err := cr.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, &DataError{File: name, Msg: err.Error()}
			}
			line, _ := cr.FieldPos(0)
			i, ok := person[strings.TrimSpace(rec[idCol])]
			if !ok {
				continue
			}
			for _, ac := range counts {
				if ac.age < c.MinAge || ac.age > c.MaxAge() {
					continue
				}
				if _, missing, _ := parseCount(rec[ac.col]); missing {
					continue
				}
				w := make([]float64, len(names))
				for j, n := range names {
					col, ok := colOf[j][ac.age]
					if !ok {
						return nil, errAt(1, 0, "no column %s%d for the time-varying covariate %q at age %d", n, ac.age, n, ac.age)
					}
					if w[j], err = parse(line, col+1, rec[col]); err != nil {
						return nil, err
					}
				}
				values[key{i, ac.age}] = w
			}
		}
	default:
		return nil, fmt.Errorf("unknown format %q", format)
	}
	out, err := c.WithTcov(names, func(i, age int) []float64 {
		if w, ok := values[key{i, age}]; ok {
			return w
		}
		return make([]float64, len(names))
	})
	if err != nil {
		return nil, &DataError{File: name, Msg: err.Error()}
	}
	return out, nil
}
