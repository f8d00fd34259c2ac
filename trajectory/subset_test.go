package trajectory

import (
	"reflect"
	"testing"
)

// TestSubset: the careers of a subset are those of the persons chosen,
// cell by cell, on the same age grid, and the subset of everyone is the
// whole.
func TestSubset(t *testing.T) {
	c := testCareers(t, 500, 3)
	if all := c.Subset(seq(c.Len())); !reflect.DeepEqual(all, c) {
		t.Fatal("the subset of every person differs from the careers")
	}
	idx := []int{7, 3, 499, 0, 250}
	s := c.Subset(idx)
	if s.Len() != len(idx) || s.MinAge != c.MinAge || s.NumAges != c.NumAges {
		t.Fatalf("subset of %d persons on ages %d+%d", s.Len(), s.MinAge, s.NumAges)
	}
	obs := 0
	for j, i := range idx {
		var got, want []Cell
		s.Cells(j, func(x Cell) { got = append(got, x) })
		c.Cells(i, func(x Cell) { want = append(want, x) })
		if s.IDs[j] != c.IDs[i] || s.Const[j] != c.Const[i] || !reflect.DeepEqual(got, want) {
			t.Errorf("person %s: %v, want %v", c.IDs[i], got, want)
		}
		for _, x := range want {
			if x.Exposure > 0 {
				obs++
			}
		}
	}
	if s.NumObs != obs {
		t.Errorf("NumObs %d, want %d", s.NumObs, obs)
	}
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}
