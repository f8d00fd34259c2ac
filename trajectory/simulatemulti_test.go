package trajectory

import (
	"math"
	"reflect"
	"testing"

	"github.com/trajkit/trajkit/mixture"
)

// multiTruths are two outcomes of two well-separated groups (shares 0.6
// and 0.4) at ages 12-30: ZIP counts (mean rates about 0.15 and 1.5) and
// Poisson counts of another shape.
func multiTruths() []Truth {
	s := WindowScaling(12, 30)
	shares := []float64{0.6, 0.4}
	zip := TruthFromCoefficients(s, 12, 30, shares, [][]float64{{-1.9, 0.3}, {0.4, -0.4, -0.5}}, [][]float64{{-1.5}, {-2}})
	poisson := TruthFromCoefficients(s, 12, 30, shares, [][]float64{{-1, -0.5}, {-0.2, 0.6}}, nil)
	return []Truth{zip, poisson}
}

// multiOutcomes simulates n persons of multiTruths with SimulateMulti and
// returns them as outcomes "a" (ZIP, orders 1 and 2) and "b" (Poisson,
// linear).
func multiOutcomes(t *testing.T, n int, seed uint64) ([]Outcome, []int) {
	t.Helper()
	cs, groups, err := SimulateMulti(multiTruths(), Design{Persons: n, CensorShare: 0.3, LateStartShare: 0.2, HoleShare: 0.1}, seed)
	if err != nil {
		t.Fatal(err)
	}
	return []Outcome{
		{Name: "a", Careers: cs[0], Model: mustModel(t, ZIP, 2, []int{1, 2}, []int{0, 0})},
		{Name: "b", Careers: cs[1], Model: mustModel(t, Poisson, 2, []int{1, 1}, nil)},
	}, groups
}

// TestSimulateMultiSharedWindows: SimulateMulti observes every person at
// the same ages with the same exposures in every outcome, and with one
// truth draws exactly Simulate's careers.
func TestSimulateMultiSharedWindows(t *testing.T) {
	d := Design{Persons: 300, CensorShare: 0.4, LateStartShare: 0.3, ExposedShare: 0.2, HoleShare: 0.1}
	ts := multiTruths()
	cs, groups, err := SimulateMulti(ts, d, 5)
	if err != nil {
		t.Fatal(err)
	}
	a, b := cs[0], cs[1]
	if !reflect.DeepEqual(a.IDs, b.IDs) || a.MinAge != b.MinAge || a.NumAges != b.NumAges || a.NumObs != b.NumObs || len(groups) != 300 {
		t.Fatalf("outcomes of %d and %d persons, %d and %d cells", a.Len(), b.Len(), a.NumObs, b.NumObs)
	}
	if !reflect.DeepEqual(a.Lo, b.Lo) || !reflect.DeepEqual(a.Hi, b.Hi) {
		t.Error("the outcomes' windows differ")
	}
	for i := range a.Len() {
		var ea, eb []float64
		a.Cells(i, func(x Cell) { ea = append(ea, float64(x.Age), x.Exposure) })
		b.Cells(i, func(x Cell) { eb = append(eb, float64(x.Age), x.Exposure) })
		if !reflect.DeepEqual(ea, eb) {
			t.Fatalf("person %s: ages and exposures %v in a, %v in b", a.IDs[i], ea, eb)
		}
	}
	one, g1, err := SimulateMulti(ts[:1], d, 5)
	if err != nil {
		t.Fatal(err)
	}
	single, g2, err := Simulate(ts[0], d, 5)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(one[0], single) || !reflect.DeepEqual(g1, g2) {
		t.Error("SimulateMulti of one truth differs from Simulate")
	}
	bad := multiTruths()
	bad[1].Shares = []float64{0.5, 0.5}
	if _, _, err := SimulateMulti(bad, d, 5); err == nil {
		t.Error("outcomes with different shares accepted")
	}
}

// TestSimulateMultiRecovery: a multi-trajectory model fitted to careers
// drawn by SimulateMulti from a multi fit's outcome views (TruthFromFit)
// recovers the fit's shares within 0.03 (N = 3,000: the standard error of
// a share is below 0.01).
func TestSimulateMultiRecovery(t *testing.T) {
	outs, _ := multiOutcomes(t, 1500, 3)
	s := &Settings{Search: mixture.Settings{Starts: 3, Seed: 1}, NoSE: true}
	f, err := FitMulti(outs, s)
	if err != nil {
		t.Fatal(err)
	}
	var ts []Truth
	for o := range f.Outcomes {
		ts = append(ts, TruthFromFit(f.Outcome(o)))
	}
	cs, _, err := SimulateMulti(ts, Design{Persons: 3000}, 9)
	if err != nil {
		t.Fatal(err)
	}
	for o := range outs {
		outs[o].Careers = cs[o]
	}
	g, err := FitMulti(outs, s)
	if err != nil {
		t.Fatal(err)
	}
	for j := range f.Groups {
		if d := math.Abs(g.Groups[j].Share - f.Groups[j].Share); d > 0.03 {
			t.Errorf("group %d: share %.4f refitted, %.4f simulated from", j+1, g.Groups[j].Share, f.Groups[j].Share)
		}
	}
}
