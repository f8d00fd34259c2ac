package words

import "testing"

func TestCount(t *testing.T) {
	for _, tc := range []struct {
		n    int
		noun string
		want string
	}{
		{0, "iteration", "0 iterations"},
		{1, "iteration", "1 iteration"},
		{2, "iteration", "2 iterations"},
		{21, "group", "21 groups"},
		{1, "person-age observation", "1 person-age observation"},
		{18270, "person-age observation", "18270 person-age observations"},
	} {
		if got := Count(tc.n, tc.noun); got != tc.want {
			t.Errorf("Count(%d, %q) = %q, want %q", tc.n, tc.noun, got, tc.want)
		}
	}
}

func TestChoose(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want string
	}{{0, "have"}, {1, "has"}, {2, "have"}} {
		if got := Choose(tc.n, "has", "have"); got != tc.want {
			t.Errorf("Choose(%d, has, have) = %q, want %q", tc.n, got, tc.want)
		}
	}
}
