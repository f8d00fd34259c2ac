package trajectory

import (
	"fmt"
	"math"
	"math/bits"
)

// CareerBuilder collects observed cells person by person in any order and
// builds Careers, the one way careers are made (readers, simulations,
// restrictions). It keeps one bit per person and age for observed ages
// and stores only special cells, in chunks that are never copied, so
// memory follows the persons and the non-zero cells.
type CareerBuilder struct {
	ids    []string
	index  map[string]int
	seen   [][4]uint64 // observed ages, relative to base
	base   int
	based  bool
	cells  []*cellChunk
	ncells int
	hasExp bool
	// real says the builder holds real values (AddValue, SetReal); vals
	// holds them, one array per chunk of cells, only then.
	real bool
	vals []*[chunkCells]float64
	// keep marks the persons Build keeps without an observed age
	// (KeepUnobserved); span, when spanned, is an age range the grid must
	// cover (Span).
	keep    []bool
	span    [2]int
	spanned bool
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

// MaxAges is the largest number of ages a data set may span, first to
// last: Careers index ages by a byte (Lo, Hi, Age). A model's age window
// has at most as many ages.
const MaxAges = 256

// MaxAbsAge bounds the ages careers and models hold: whole years within
// ±10⁶, room for ages and calendar years alike; a larger number is a
// typo or an id in the age column.
const MaxAbsAge = 1_000_000

// NewCareerBuilder returns an empty builder.
func NewCareerBuilder() *CareerBuilder {
	return &CareerBuilder{index: map[string]int{}}
}

// Person returns the index of the person with the given id, adding them.
func (b *CareerBuilder) Person(id string) int {
	if i, ok := b.index[id]; ok {
		return i
	}
	return b.addPerson(id)
}

// PersonBytes is Person for an id in a read buffer; the id is copied only
// when the person is new.
func (b *CareerBuilder) PersonBytes(id []byte) (i int, isNew bool) {
	if i, ok := b.index[string(id)]; ok {
		return i, false
	}
	return b.addPerson(string(id)), true
}

// ID returns the id of person i.
func (b *CareerBuilder) ID(i int) string { return b.ids[i] }

func (b *CareerBuilder) addPerson(id string) int {
	i := len(b.ids)
	b.index[id] = i
	b.ids = append(b.ids, id)
	b.seen = append(b.seen, [4]uint64{})
	return i
}

// Add records an observed cell of person (an index from Person): count y
// and exposure e > 0, finite, which are the caller's checks. It returns
// an error for a second cell at the same age, an age beyond ±MaxAbsAge,
// or one that would make the ages span more than MaxAges; readers add the
// file, line and column.
func (b *CareerBuilder) Add(person, age int, y uint32, e float64) error {
	if b.real && y > 0 {
		return fmt.Errorf("count %d in real-valued careers: add real values with AddValue", y)
	}
	return b.add(person, age, y, 0, e)
}

// AddValue records an observed cell of real-valued careers (the censored
// normal's scales): value v, finite, negatives allowed. It makes the
// builder's careers real-valued (Careers.V); a count cannot then be added.
// Its errors are those of Add, and one for a value that is not finite.
func (b *CareerBuilder) AddValue(person, age int, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("value %v is not finite", v)
	}
	if !b.real {
		if b.ncells > 0 && !b.allZero() {
			return fmt.Errorf("a real value in careers that hold counts")
		}
		b.SetReal()
	}
	return b.add(person, age, 0, v, 1)
}

// SetReal makes the builder's careers real-valued even when every value
// added is 0.
func (b *CareerBuilder) SetReal() {
	if b.real {
		return
	}
	b.real = true
	for range b.cells {
		b.vals = append(b.vals, new([chunkCells]float64))
	}
}

// allZero reports whether every cell added has count 0 (holes of real
// careers read before a first value).
func (b *CareerBuilder) allZero() bool {
	zero := true
	b.eachCell(func(_ int32, _ uint8, y uint32, _ float64) { zero = zero && y == 0 })
	return zero
}

func (b *CareerBuilder) add(person, age int, y uint32, v, e float64) error {
	if age < -MaxAbsAge || age > MaxAbsAge {
		return fmt.Errorf("age %d is out of range: expected whole years within ±%d", age, MaxAbsAge)
	}
	if !b.based {
		// The first age seen lies in the middle of the first grid.
		b.base = age - MaxAges/2 + 1
		b.based = true
	}
	rel := age - b.base
	if rel < 0 || rel >= MaxAges {
		if err := b.rebase(age); err != nil {
			return err
		}
		rel = age - b.base
	}
	w, bit := rel/64, uint(rel%64)
	if b.seen[person][w]&(1<<bit) != 0 {
		return fmt.Errorf("person %q already has a row for age %d", b.ids[person], age)
	}
	b.seen[person][w] |= 1 << bit
	if e != 1 {
		b.hasExp = true
	}
	if y > 0 || v != 0 || e != 1 {
		j := b.ncells % chunkCells
		if j == 0 {
			b.cells = append(b.cells, new(cellChunk))
			if b.real {
				b.vals = append(b.vals, new([chunkCells]float64))
			}
		}
		ch := b.cells[len(b.cells)-1]
		ch.person[j], ch.age[j], ch.y[j], ch.e[j] = int32(person), uint8(rel), y, e
		if b.real {
			b.vals[len(b.vals)-1][j] = v
		}
		b.ncells++
	}
	return nil
}

// rebase moves the grid of the ages seen so far so that it holds age too,
// or returns an error when the ages would then span more than MaxAges. It
// centres the ages seen on the new grid, so that a data set moves it only
// a few times (each move at least halves the room left), whatever the
// order of its rows; a move costs a pass over the persons and cells.
func (b *CareerBuilder) rebase(age int) error {
	var all [4]uint64
	for _, s := range b.seen {
		for w := range all {
			all[w] |= s[w]
		}
	}
	lo, hi := age, age
	if first, last, ok := bitRange(all); ok {
		lo, hi = min(lo, b.base+first), max(hi, b.base+last)
	}
	if hi-lo >= MaxAges {
		other := lo
		if age == lo {
			other = hi
		}
		return fmt.Errorf("age %d is too far from age %d: the ages of a data set must span at most %d years", age, other, MaxAges)
	}
	base := lo - (MaxAges-1-(hi-lo))/2
	d := b.base - base // ages move d places up the grid
	for i := range b.seen {
		b.seen[i] = shiftBits(b.seen[i], d)
	}
	for c, ch := range b.cells {
		m := min(chunkCells, b.ncells-c*chunkCells)
		for j := 0; j < m; j++ {
			ch.age[j] = uint8(int(ch.age[j]) + d)
		}
	}
	b.base = base
	return nil
}

// bitRange returns the first and last set bit of s, and false when none
// is set.
func bitRange(s [4]uint64) (first, last int, ok bool) {
	first, last = -1, -1
	for w := 0; w < 4; w++ {
		if s[w] == 0 {
			continue
		}
		if first < 0 {
			first = 64*w + bits.TrailingZeros64(s[w])
		}
		last = 64*w + 63 - bits.LeadingZeros64(s[w])
	}
	return first, last, first >= 0
}

// shiftBits returns the 256 bits of s moved d places towards higher
// indices (d < 0: lower); bits moved past either end are lost.
func shiftBits(s [4]uint64, d int) [4]uint64 {
	var out [4]uint64
	for w := range out {
		out[w] = bitsFrom(s, 64*w-d)
	}
	return out
}

// bitsFrom returns the 64 bits of s from bit p on, zeros outside s.
func bitsFrom(s [4]uint64, p int) uint64 {
	word := func(w int) uint64 {
		if w < 0 || w >= 4 {
			return 0
		}
		return s[w]
	}
	w, r := p>>6, uint(p&63) // floor division, also for p < 0
	x := word(w) >> r
	if r > 0 {
		x |= word(w+1) << (64 - r)
	}
	return x
}

// KeepUnobserved makes Build keep person (an index from Person) even when
// she has no observed age, as careers of several outcomes on the same
// persons need: a person observed in one outcome stays in the others. Her
// window is then the first age of the grid alone, unobserved (one special
// cell with count 0 and exposure 0), so she adds nothing to the observed
// cells and every family's log-likelihood of her career is exactly 0 (at
// grid index 0 the prefix sum over her window is the hole's own term).
// A person with an observed age is kept anyway and not changed.
func (b *CareerBuilder) KeepUnobserved(person int) {
	if len(b.keep) < len(b.ids) {
		b.keep = append(b.keep, make([]bool, len(b.ids)-len(b.keep))...)
	}
	b.keep[person] = true
}

// Span makes Build's age grid cover at least ages lo to hi, observed or
// not, so that careers of several outcomes share one grid. Build returns
// an error when the grid would then span more than MaxAges ages.
func (b *CareerBuilder) Span(lo, hi int) {
	if b.spanned {
		lo, hi = min(lo, b.span[0]), max(hi, b.span[1])
	}
	b.span, b.spanned = [2]int{lo, hi}, true
}

// kept reports whether person i is kept without an observed age.
func (b *CareerBuilder) kept(i int) bool { return i < len(b.keep) && b.keep[i] }

// mustAdd is Add for cells known to be valid.
func (b *CareerBuilder) mustAdd(person, age int, y uint32, e float64) {
	if err := b.Add(person, age, y, e); err != nil {
		panic("trajectory: " + err.Error())
	}
}

// mustAddCell adds a cell of other careers, known to be valid: its value
// when the builder is real-valued, else its count and exposure.
func (b *CareerBuilder) mustAddCell(person int, x Cell) {
	var err error
	if b.real {
		err = b.add(person, x.Age, 0, x.Value, x.Exposure)
	} else {
		err = b.Add(person, x.Age, uint32(x.Y), x.Exposure)
	}
	if err != nil {
		panic("trajectory: " + err.Error())
	}
}

// Build returns the careers of every person with at least one observed
// age, in order of first appearance, with E kept when keepExposure or any
// exposure differs from 1, and always for real-valued careers (see
// Careers.V). Persons without an observed age are left out unless kept
// (KeepUnobserved). The age grid spans the observed ages and Span's
// range; without either it is empty, and so are the careers.
func (b *CareerBuilder) Build(keepExposure bool) (*Careers, error) {
	// The age grid spans the observed ages and Span's.
	lo, hi := MaxAges, -1
	first := make([]int, len(b.ids))
	last := make([]int, len(b.ids))
	for i, s := range b.seen {
		first[i], last[i], _ = bitRange(s)
		if first[i] >= 0 {
			lo = min(lo, first[i])
			hi = max(hi, last[i])
		}
	}
	if b.spanned {
		lo, hi = min(lo, b.span[0]-b.base), max(hi, b.span[1]-b.base)
	}
	c := &Careers{}
	if hi < lo {
		return c, nil
	}
	if hi-lo >= MaxAges {
		return nil, fmt.Errorf("the ages %d to %d span more than %d years", b.base+lo, b.base+hi, MaxAges)
	}
	// A person kept without an observed age has the grid's first age,
	// unobserved.
	in := make([]bool, len(b.ids))
	for i := range b.ids {
		in[i] = first[i] >= 0
		if !in[i] && b.kept(i) {
			in[i] = true
			first[i], last[i] = lo, lo
		}
	}
	c.MinAge = b.base + lo
	c.NumAges = hi - lo + 1
	hasE := keepExposure || b.hasExp || b.real

	// Count special cells per person: the listed ones plus the holes.
	var keep []int // new index -> builder index
	newIdx := make([]int32, len(b.ids))
	for i := range b.ids {
		newIdx[i] = -1
		if in[i] {
			newIdx[i] = int32(len(keep))
			keep = append(keep, i)
		}
	}
	n := len(keep)
	counts := make([]int, n+1)
	b.eachCell(func(person int32, _ uint8, _ uint32, _ float64) {
		counts[newIdx[person]+1]++
	})
	// The observed ages of a person lie within first..last; the others
	// there are holes.
	for j, i := range keep {
		counts[j+1] += last[i] - first[i] + 1 - numObserved(b.seen[i])
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
	if b.real {
		c.V = make([]float64, total)
	}
	c.Const = make([]float64, n)
	for j := range c.Start {
		c.Start[j] = int32(counts[j])
	}
	fill := counts[:n]
	place := func(j int, age int, y uint32, e float64) int {
		k := fill[j]
		fill[j]++
		c.Age[k] = uint8(age - lo)
		c.Y[k] = y
		if c.E != nil {
			c.E[k] = e
		}
		return k
	}
	for j, i := range keep {
		c.IDs[j] = b.ids[i]
		c.Lo[j] = uint8(first[i] - lo)
		c.Hi[j] = uint8(last[i] - lo)
		s := b.seen[i]
		obs := numObserved(s)
		c.NumObs += obs
		if obs == last[i]-first[i]+1 {
			continue // no hole
		}
		for a := first[i]; a <= last[i]; a++ {
			if !hasBit(s, a) {
				place(j, a, 0, 0)
			}
		}
	}
	n0 := 0 // cells added so far, the index into vals
	b.eachCell(func(person int32, age uint8, y uint32, e float64) {
		k := place(int(newIdx[person]), int(age), y, e)
		if c.V != nil {
			c.V[k] = b.vals[n0/chunkCells][n0%chunkCells]
		}
		n0++
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
				if c.V != nil {
					c.V[m-1], c.V[m] = c.V[m], c.V[m-1]
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

// numObserved returns the number of bits set in s: a person's observed ages.
func numObserved(s [4]uint64) int {
	return bits.OnesCount64(s[0]) + bits.OnesCount64(s[1]) + bits.OnesCount64(s[2]) + bits.OnesCount64(s[3])
}

// hasBit reports whether bit a of s is set, false outside 0..MaxAges-1 (a
// grid spanned below or above the ages seen).
func hasBit(s [4]uint64, a int) bool {
	return a >= 0 && a < MaxAges && s[a/64]&(1<<uint(a%64)) != 0
}

// eachCell calls fn for every special cell added, in order.
func (b *CareerBuilder) eachCell(fn func(person int32, age uint8, y uint32, e float64)) {
	for c, ch := range b.cells {
		m := min(chunkCells, b.ncells-c*chunkCells)
		for j := 0; j < m; j++ {
			fn(ch.person[j], ch.age[j], ch.y[j], ch.e[j])
		}
	}
}
