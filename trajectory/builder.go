package trajectory

import (
	"fmt"
	"math"
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
// an error for a second cell at the same age or an age too far from the
// others; readers add the file, line and column.
func (b *CareerBuilder) Add(person, age int, y uint32, e float64) error {
	if !b.based {
		// Ages may lie up to 127 years either side of the first age seen.
		b.base = age - 127
		b.based = true
	}
	rel := age - b.base
	if rel < 0 || rel >= maxAgeSpan {
		return fmt.Errorf("age %d is too far from age %d seen first: the ages of a data set must span fewer than 128 years", age, b.base+127)
	}
	w, bit := rel/64, uint(rel%64)
	if b.seen[person][w]&(1<<bit) != 0 {
		return fmt.Errorf("person %q already has a row for age %d", b.ids[person], age)
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

// mustAdd is Add for cells known to be valid.
func (b *CareerBuilder) mustAdd(person, age int, y uint32, e float64) {
	if err := b.Add(person, age, y, e); err != nil {
		panic("trajectory: " + err.Error())
	}
}

// Build returns the careers of every person with at least one observed
// age, in order of first appearance, with E kept when keepExposure or any
// exposure differs from 1. Persons without an observed age are left out.
func (b *CareerBuilder) Build(keepExposure bool) (*Careers, error) {
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
func (b *CareerBuilder) eachCell(fn func(person int32, age uint8, y uint32, e float64)) {
	for c, ch := range b.cells {
		m := min(chunkCells, b.ncells-c*chunkCells)
		for j := 0; j < m; j++ {
			fn(ch.person[j], ch.age[j], ch.y[j], ch.e[j])
		}
	}
}
