package trajectory

import (
	"fmt"
	"math"
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
		v       float64 // real-valued careers
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
				x.y, x.e = c.Y[k], c.Exposure(k)
				if c.V != nil {
					x.v = c.V[k]
				}
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
	if c.V != nil {
		out.V = make([]float64, len(cells))
	}
	for k, x := range cells {
		out.Age[k], out.Y[k], out.Pattern[k] = x.age, x.y, x.pattern
		if needE {
			out.E[k] = x.e
		}
		if out.V != nil {
			out.V[k] = x.v
		}
	}
	return out, nil
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
