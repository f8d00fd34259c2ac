package trajectory

import (
	"fmt"
	"math"
)

// Careers is the sparse store of offending careers that the trajectory
// families work on. Person i is observed over a window of ages
// [Lo[i], Hi[i]] (indices into the age grid MinAge, MinAge+1, ...). Inside
// the window every age counts as observed with count 0 and exposure 1,
// except the person's special cells, which are listed explicitly:
//
//   - a positive count,
//   - an exposure other than 1,
//   - an age inside the window that was not observed (exposure 0, count 0).
//
// So the cost of anything computed from Careers is proportional to persons
// plus special cells, not to persons x ages.
//
// The special cells of person i are Start[i] ≤ c < Start[i+1], ordered by
// age.
type Careers struct {
	// IDs are the persons' identifiers, as given, in order of first
	// appearance in the input.
	IDs []string
	// MinAge is the age of grid index 0; NumAges the length of the grid.
	MinAge, NumAges int
	// Lo and Hi are the first and last observed age index of each person.
	Lo, Hi []uint8
	// Start indexes the special cells of each person; len(Start) = N+1.
	Start []int32
	// Age, Y and E describe the special cells: age index, count, and
	// exposure. E is nil when every observed exposure is 1; then a cell
	// with Y = 0 is an unobserved age. Otherwise E = 0 marks an unobserved
	// age.
	Age []uint8
	Y   []uint32
	E   []float64
	// Const[i] = Σ_cells y log e − log y!, the part of person i's
	// log-likelihood that does not depend on any parameter.
	Const []float64
	// NumObs is the number of observed person-age cells.
	NumObs int
	// Time-varying covariates, nil without them (see WithTcov): TcovNames
	// names them, Patterns holds their distinct value vectors (Patterns[0]
	// is all zeros) and Pattern[k] is the pattern of special cell k. An
	// observed cell whose covariates are not all zero is a special cell.
	TcovNames []string
	Patterns  [][]float64
	Pattern   []uint32
}

// Len returns the number of persons.
func (c *Careers) Len() int { return len(c.Lo) }

// MaxAge returns the last age of the grid.
func (c *Careers) MaxAge() int { return c.MinAge + c.NumAges - 1 }

// Cell is one observed or unobserved person-age cell.
type Cell struct {
	Age      int     // age in years
	Y        int     // count
	Exposure float64 // time at risk; 0 for an unobserved age inside the window
}

// Cells calls fn for every age of person i's window in order, observed or
// not. It is meant for output and tests, not for hot loops.
func (c *Careers) Cells(i int, fn func(Cell)) {
	cell := c.Start[i]
	for t := int(c.Lo[i]); t <= int(c.Hi[i]); t++ {
		x := Cell{Age: c.MinAge + t, Exposure: 1}
		if cell < c.Start[i+1] && int(c.Age[cell]) == t {
			x.Y = int(c.Y[cell])
			switch {
			case c.E != nil:
				x.Exposure = c.E[cell]
			case x.Y == 0:
				x.Exposure = 0
			}
			cell++
		}
		fn(x)
	}
}

// exposure returns the exposure of special cell k.
func (c *Careers) exposure(k int32) float64 {
	if c.E != nil {
		return c.E[k]
	}
	if c.Y[k] == 0 {
		return 0
	}
	return 1
}

// Restrict returns the careers restricted to ages lo..hi (inclusive), and
// the indices (into c) of the persons who have no observed age there and
// are therefore left out.
func (c *Careers) Restrict(lo, hi int) (*Careers, []int) {
	b := newCareerBuilder()
	var dropped, kept []int
	for i := 0; i < c.Len(); i++ {
		pi := -1
		c.Cells(i, func(x Cell) {
			if x.Age < lo || x.Age > hi || x.Exposure == 0 {
				return
			}
			if pi < 0 {
				pi = b.person(c.IDs[i])
			}
			b.addChecked(pi, x.Age, uint32(x.Y), x.Exposure)
		})
		if pi < 0 {
			dropped = append(dropped, i)
		} else {
			kept = append(kept, i)
		}
	}
	out, err := b.build(c.E != nil)
	if err != nil {
		panic("trajectory: restricting valid careers failed: " + err.Error())
	}
	return c.carryTcov(out, func(j int) int { return kept[j] }), dropped
}

// careerBuilder collects cells person by person in any order and builds
// Careers. It keeps one bit per person and age for observed ages and
// stores only special cells, in chunks that are never copied, so memory
// follows the persons and the non-zero cells.
type careerBuilder struct {
	ids    []string
	index  map[string]int
	seen   [][4]uint64 // observed ages, relative to base
	base   int
	based  bool
	cells  []*cellChunk
	ncells int
	hasExp bool
}

// cellChunk holds special cells as they come: person, age relative to
// the builder's base, count and exposure.
type cellChunk struct {
	person [chunkCells]int32
	age    [chunkCells]uint8
	y      [chunkCells]uint32
	e      [chunkCells]float64
}

const chunkCells = 1 << 14

// maxAgeSpan is the largest number of distinct ages a data set may span.
const maxAgeSpan = 256

func newCareerBuilder() *careerBuilder {
	return &careerBuilder{index: map[string]int{}}
}

// person returns the index of the person with the given id, adding them.
func (b *careerBuilder) person(id string) int {
	if i, ok := b.index[id]; ok {
		return i
	}
	return b.addPerson(id)
}

// personBytes is person for an id in a read buffer; the id is copied only
// when the person is new.
func (b *careerBuilder) personBytes(id []byte) (i int, isNew bool) {
	if i, ok := b.index[string(id)]; ok {
		return i, false
	}
	return b.addPerson(string(id)), true
}

func (b *careerBuilder) addPerson(id string) int {
	i := len(b.ids)
	b.index[id] = i
	b.ids = append(b.ids, id)
	b.seen = append(b.seen, [4]uint64{})
	return i
}

// errDuplicate and errAgeSpan are returned by add; the readers turn them
// into errors with file, line and column.
type addError struct{ msg string }

func (e *addError) Error() string { return e.msg }

// add records an observed cell. y ≥ 0 and e > 0 finite are the caller's
// checks.
func (b *careerBuilder) add(person, age int, y uint32, e float64) error {
	if !b.based {
		// Ages may lie up to 127 years either side of the first age seen.
		b.base = age - 127
		b.based = true
	}
	rel := age - b.base
	if rel < 0 || rel >= maxAgeSpan {
		return &addError{fmt.Sprintf("age %d is too far from age %d seen first: the ages of a data set must span fewer than 128 years", age, b.base+127)}
	}
	w, bit := rel/64, uint(rel%64)
	if b.seen[person][w]&(1<<bit) != 0 {
		return &addError{fmt.Sprintf("person %q already has a row for age %d", b.ids[person], age)}
	}
	b.seen[person][w] |= 1 << bit
	if e != 1 {
		b.hasExp = true
	}
	if y > 0 || e != 1 {
		j := b.ncells % chunkCells
		if j == 0 {
			b.cells = append(b.cells, new(cellChunk))
		}
		ch := b.cells[len(b.cells)-1]
		ch.person[j], ch.age[j], ch.y[j], ch.e[j] = int32(person), uint8(rel), y, e
		b.ncells++
	}
	return nil
}

func (b *careerBuilder) addChecked(person, age int, y uint32, e float64) {
	if err := b.add(person, age, y, e); err != nil {
		panic("trajectory: " + err.Error())
	}
}

// build returns the careers of every person with at least one observed age,
// with E kept when keepExposure or any exposure differs from 1.
func (b *careerBuilder) build(keepExposure bool) (*Careers, error) {
	// The age grid spans the observed ages.
	lo, hi := maxAgeSpan, -1
	first := make([]int, len(b.ids))
	last := make([]int, len(b.ids))
	for i, s := range b.seen {
		first[i], last[i] = -1, -1
		for w := 0; w < 4; w++ {
			if s[w] == 0 {
				continue
			}
			for bit := 0; bit < 64; bit++ {
				if s[w]&(1<<uint(bit)) != 0 {
					a := w*64 + bit
					if first[i] < 0 {
						first[i] = a
					}
					last[i] = a
				}
			}
		}
		if first[i] >= 0 {
			lo = min(lo, first[i])
			hi = max(hi, last[i])
		}
	}
	c := &Careers{}
	if hi < 0 {
		return c, nil
	}
	c.MinAge = b.base + lo
	c.NumAges = hi - lo + 1
	hasE := keepExposure || b.hasExp

	// Count special cells per person: the listed ones plus the holes.
	var keep []int // new index -> builder index
	newIdx := make([]int32, len(b.ids))
	for i := range b.ids {
		newIdx[i] = -1
		if first[i] >= 0 {
			newIdx[i] = int32(len(keep))
			keep = append(keep, i)
		}
	}
	n := len(keep)
	counts := make([]int, n+1)
	b.eachCell(func(person int32, _ uint8, _ uint32, _ float64) {
		counts[newIdx[person]+1]++
	})
	for j, i := range keep {
		s := b.seen[i]
		for a := first[i]; a <= last[i]; a++ {
			if s[a/64]&(1<<uint(a%64)) == 0 {
				counts[j+1]++
			}
		}
	}
	total := 0
	for j := 1; j <= n; j++ {
		total += counts[j]
		counts[j] = total
	}
	if total > math.MaxInt32 {
		return nil, fmt.Errorf("too many non-zero cells (%d) for one data set", total)
	}
	c.IDs = make([]string, n)
	c.Lo = make([]uint8, n)
	c.Hi = make([]uint8, n)
	c.Start = make([]int32, n+1)
	c.Age = make([]uint8, total)
	c.Y = make([]uint32, total)
	if hasE {
		c.E = make([]float64, total)
	}
	c.Const = make([]float64, n)
	for j := range c.Start {
		c.Start[j] = int32(counts[j])
	}
	fill := counts[:n]
	place := func(j int, age int, y uint32, e float64) {
		k := fill[j]
		fill[j]++
		c.Age[k] = uint8(age - lo)
		c.Y[k] = y
		if c.E != nil {
			c.E[k] = e
		}
	}
	for j, i := range keep {
		c.IDs[j] = b.ids[i]
		c.Lo[j] = uint8(first[i] - lo)
		c.Hi[j] = uint8(last[i] - lo)
		s := b.seen[i]
		for a := first[i]; a <= last[i]; a++ {
			if s[a/64]&(1<<uint(a%64)) == 0 {
				place(j, a, 0, 0)
			} else {
				c.NumObs++
			}
		}
	}
	b.eachCell(func(person int32, age uint8, y uint32, e float64) {
		place(int(newIdx[person]), int(age), y, e)
	})
	// Order each person's cells by age (insertion sort: few cells each).
	for j := 0; j < n; j++ {
		from, to := int(c.Start[j]), int(c.Start[j+1])
		for k := from + 1; k < to; k++ {
			for m := k; m > from && c.Age[m-1] > c.Age[m]; m-- {
				c.Age[m-1], c.Age[m] = c.Age[m], c.Age[m-1]
				c.Y[m-1], c.Y[m] = c.Y[m], c.Y[m-1]
				if c.E != nil {
					c.E[m-1], c.E[m] = c.E[m], c.E[m-1]
				}
			}
		}
		var k0 float64
		for k := from; k < to; k++ {
			y := float64(c.Y[k])
			if y > 0 {
				lg, _ := math.Lgamma(y + 1)
				k0 -= lg
				if c.E != nil {
					k0 += y * math.Log(c.E[k])
				}
			}
		}
		c.Const[j] = k0
	}
	return c, nil
}

// eachCell calls fn for every special cell added, in order.
func (b *careerBuilder) eachCell(fn func(person int32, age uint8, y uint32, e float64)) {
	for c, ch := range b.cells {
		m := min(chunkCells, b.ncells-c*chunkCells)
		for j := 0; j < m; j++ {
			fn(ch.person[j], ch.age[j], ch.y[j], ch.e[j])
		}
	}
}

// ObservedByAge returns, for each age of the grid, the number of persons
// observed at that age.
func (c *Careers) ObservedByAge() []int {
	diff := make([]int, c.NumAges+1)
	for i := 0; i < c.Len(); i++ {
		diff[c.Lo[i]]++
		diff[int(c.Hi[i])+1]--
		for k := c.Start[i]; k < c.Start[i+1]; k++ {
			if c.exposure(k) == 0 {
				diff[c.Age[k]]--
				diff[int(c.Age[k])+1]++
			}
		}
	}
	out := make([]int, c.NumAges)
	run := 0
	for t := range out {
		run += diff[t]
		out[t] = run
	}
	return out
}

// SupportMinPersons returns the number of persons that should be observed
// at the ends of a modelled window: 10, or 1% of the persons if more.
func SupportMinPersons(n int) int {
	return max(10, (n+99)/100)
}

// WindowWarnings warns about each end of the careers' age grid where
// fewer than SupportMinPersons are observed: a polynomial fitted through a
// handful of careers can explode there.
func WindowWarnings(c *Careers) []string {
	obs := c.ObservedByAge()
	need := SupportMinPersons(c.Len())
	lo, hi := 0, c.NumAges-1
	for lo < c.NumAges && obs[lo] < need {
		lo++
	}
	for hi >= 0 && obs[hi] < need {
		hi--
	}
	var w []string
	if lo > hi {
		return []string{fmt.Sprintf("no age has %d persons observed: the data are too sparse for a trajectory model", need)}
	}
	if lo > 0 {
		w = append(w, fmt.Sprintf("only %d persons are observed at age %d, the youngest age: a polynomial through so few careers can explode there; consider --ages %d-%d (ages with at least %d persons observed)",
			obs[0], c.MinAge, c.MinAge+lo, c.MinAge+hi, need))
	}
	if hi < c.NumAges-1 {
		w = append(w, fmt.Sprintf("only %d persons are observed at age %d, the oldest age: a polynomial through so few careers can explode there; consider --ages %d-%d (ages with at least %d persons observed)",
			obs[c.NumAges-1], c.MaxAge(), c.MinAge+lo, c.MinAge+hi, need))
	}
	return w
}
