package trajectory

import (
	"slices"
	"strings"
	"testing"
)

// TestNewModelLists: NewModel expands one order (or inflation order) to
// every group and keeps one per group, and checks the lists before it
// expands them, so that a wrong model of 2^40 groups is an error, not an
// allocation of 2^40 entries.
func TestNewModelLists(t *testing.T) {
	for _, tc := range []struct {
		name            string
		dist            Distribution
		k               int
		orders, infl    []int
		wantO, wantInfl []int
		msg             string
	}{
		{"defaults", ZIP, 3, nil, nil, []int{3, 3, 3}, []int{0, 0, 0}, ""},
		{"one order for all", Poisson, 2, []int{2}, nil, []int{2, 2}, []int{-1, -1}, ""},
		{"one per group", ZIP, 3, []int{1, 2, 3}, []int{0, -1, 1}, []int{1, 2, 3}, []int{0, -1, 1}, ""},
		{"orders per group, one inflation", ZIP, 2, []int{1, 3}, []int{2}, []int{1, 3}, []int{2, 2}, ""},
		{"a wrong order of 2^40 groups", Poisson, 1 << 40, []int{6}, nil, nil, nil, "group 1: order 6 is outside 0..5"},
		{"a list too short for 2^40 groups", Poisson, 1 << 40, []int{3, 2}, nil, nil, nil, "2 orders given for 1099511627776 groups"},
		{"an inflation list too short", ZIP, 1 << 40, []int{3}, []int{0, 1}, nil, nil, "2 inflation orders given for 1099511627776 groups"},
		{"inflation with poisson", Poisson, 2, []int{3, 2}, []int{0}, nil, nil, "group 1: inflation order 0 needs a zero-inflated distribution"},
		{"a wrong order of group 2", ZIP, 3, []int{1, 7, 2}, []int{0}, nil, nil, "group 2: order 7 is outside 0..5"},
		{"no groups", Poisson, 0, nil, nil, nil, nil, "at least 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := NewModel(tc.dist, tc.k, tc.orders, tc.infl)
			if tc.msg != "" {
				if err == nil || !strings.Contains(err.Error(), tc.msg) {
					t.Errorf("error %v, want %q", err, tc.msg)
				}
				return
			}
			if err != nil || !slices.Equal(m.Orders, tc.wantO) || !slices.Equal(m.Inflation, tc.wantInfl) {
				t.Errorf("orders %v, inflation %v, error %v; want %v, %v", m.Orders, m.Inflation, err, tc.wantO, tc.wantInfl)
			}
		})
	}
}
