package report

import "testing"

func TestFormatP(t *testing.T) {
	for _, tc := range []struct {
		p    float64
		want string
	}{{0.5, "0.50"}, {0.049, "0.049"}, {0.0012, "0.0012"}, {0.0009, "< 0.001"}, {1, "1.00"}} {
		if got := formatP(tc.p); got != tc.want {
			t.Errorf("formatP(%v) = %q, want %q", tc.p, got, tc.want)
		}
	}
}
