package trajectory

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestBuilderAgeSpan: a data set spanning MaxAges ages is built whatever
// the order of its cells (the builder moves its grid as ages come), with
// every cell at its age; one age more is an error naming both ends.
func TestBuilderAgeSpan(t *testing.T) {
	type cell struct{ person, age, y int }
	// span returns cells of three persons over ages lo..lo+n-1: person 0
	// at every age with count age-lo+1, person 1 at the ends, person 2 at
	// the middle age, with exposure 1.
	span := func(lo, n int) []cell {
		var out []cell
		for a := 0; a < n; a++ {
			out = append(out, cell{0, lo + a, a + 1})
		}
		return append(out, cell{1, lo, 0}, cell{1, lo + n - 1, 7}, cell{2, lo + n/2, 3})
	}
	orders := []struct {
		name  string
		order func([]cell) []cell
	}{
		{"ascending", func(c []cell) []cell { return c }},
		{"descending", func(c []cell) []cell { c = slices.Clone(c); slices.Reverse(c); return c }},
		{"middle first, then outwards", func(c []cell) []cell {
			out := slices.Clone(c[:256])
			slices.SortStableFunc(out, func(a, b cell) int { return abs(a.age-c[128].age) - abs(b.age-c[128].age) })
			return append(out, c[256:]...)
		}},
		{"ends last", func(c []cell) []cell { return append(slices.Clone(c[1:255]), c[0], c[255], c[256], c[257], c[258]) }},
		{"shuffled", func(c []cell) []cell {
			c = slices.Clone(c)
			rand.New(rand.NewPCG(1, 2)).Shuffle(len(c), func(i, j int) { c[i], c[j] = c[j], c[i] })
			return c
		}},
	}
	for _, lo := range []int{-MaxAbsAge, 12, MaxAbsAge - MaxAges + 1} {
		for _, o := range orders {
			t.Run(fmt.Sprintf("%s from %d", o.name, lo), func(t *testing.T) {
				b := NewCareerBuilder()
				ids := []string{"a", "b", "c"}
				for _, x := range o.order(span(lo, MaxAges)) {
					if err := b.Add(b.Person(ids[x.person]), x.age, uint32(x.y), 1); err != nil {
						t.Fatalf("lo %d: %v", lo, err)
					}
				}
				c, err := b.Build(false)
				if err != nil {
					t.Fatal(err)
				}
				if c.MinAge != lo || c.NumAges != MaxAges || c.NumObs != MaxAges+3 {
					t.Fatalf("lo %d: grid %d + %d ages, %d observed; want %d + %d, %d", lo, c.MinAge, c.NumAges, c.NumObs, lo, MaxAges, MaxAges+3)
				}
				got := map[[2]int]int{}
				for i := 0; i < c.Len(); i++ {
					c.Cells(i, func(x Cell) {
						if x.Y > 0 {
							got[[2]int{slices.Index(ids, c.IDs[i]), x.Age}] = x.Y
						}
					})
				}
				for _, x := range span(lo, MaxAges) {
					if x.y > 0 && got[[2]int{x.person, x.age}] != x.y {
						t.Errorf("lo %d: person %d at age %d has count %d, want %d", lo, x.person, x.age, got[[2]int{x.person, x.age}], x.y)
					}
				}
			})
		}
	}
	for _, tc := range []struct {
		name string
		ages []int
		msg  string
	}{
		{"one age too many, ascending", []int{12, 100, 12 + MaxAges}, "age 268 is too far from age 12: the ages of a data set must span at most 256 years"},
		{"one age too many, descending", []int{12 + MaxAges, 100, 12}, "age 12 is too far from age 268"},
		{"beyond the largest age", []int{MaxAbsAge + 1}, "age 1000001 is out of range"},
		{"beyond the smallest age", []int{12, -MaxAbsAge - 1}, "age -1000001 is out of range"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := NewCareerBuilder()
			var err error
			for j, a := range tc.ages {
				if err = b.Add(b.Person("a"), a, 0, 1); err != nil && j < len(tc.ages)-1 {
					t.Fatalf("age %d: %v", a, err)
				}
			}
			if err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %v, want %q", err, tc.msg)
			}
		})
	}
}

func abs(x int) int { return max(x, -x) }

// TestShiftBits: shiftBits moves each bit d places, as bit by bit.
func TestShiftBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 200; trial++ {
		s := [4]uint64{rng.Uint64(), rng.Uint64(), rng.Uint64(), rng.Uint64()}
		d := rng.IntN(2*MaxAges+1) - MaxAges
		var want [4]uint64
		for p := 0; p < 256; p++ {
			if q := p + d; s[p/64]&(1<<(p%64)) != 0 && q >= 0 && q < 256 {
				want[q/64] |= 1 << (q % 64)
			}
		}
		if got := shiftBits(s, d); got != want {
			t.Fatalf("shiftBits(%x, %d) = %x, want %x", s, d, got, want)
		}
	}
}
