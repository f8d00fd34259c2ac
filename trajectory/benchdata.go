package trajectory

import (
	"fmt"
)

// benchCurves are the groups of BenchTruth, by ascending mean count: the
// rate coefficients of log λ (cubic in the window's scaled age a ∈ [−1, 1]),
// the constant logit of the zero inflation and the share before
// renormalising.
var benchCurves = []struct {
	beta  []float64
	gamma float64
	share float64
}{
	{[]float64{-3.5, 0.3, -0.5, 0}, -0.5, 0.40},    // rare offending
	{[]float64{-1.98, -4.2, -3, 0.5}, -1, 0.25},    // adolescence-limited, peak near 17
	{[]float64{-1.3, -0.2, -0.4, 0}, -1, 0.15},     // low chronic
	{[]float64{0, -1.2, -2, 0.3}, -1.5, 0.12},      // late peak, near 25
	{[]float64{0.8, -0.5, -0.8, 0.2}, -2, 0.08},    // high chronic
	{[]float64{-0.5, 1.5, -1.5, -0.5}, -1.5, 0.06}, // adult onset
}

// BenchTruth returns a data-generating model of k (1 to 6) groups on ages
// minAge..maxAge for benchmarks and the bench command: curves of the shapes
// GBTM studies usually find (rare offending, adolescence-limited, low
// chronic, late peak, high chronic, adult onset; Nagin 2005, ch. 1), cubic
// in the window's scaled age, with a constant zero inflation of 12-38% for
// ZIP and none for Poisson. It is a plausible workload, not an estimate.
func BenchTruth(dist Distribution, k, minAge, maxAge int) (Truth, error) {
	if k < 1 || k > len(benchCurves) {
		return Truth{}, fmt.Errorf("bench truth: %d groups, expected 1 to %d", k, len(benchCurves))
	}
	if maxAge < minAge {
		return Truth{}, fmt.Errorf("bench truth: ages %d-%d", minAge, maxAge)
	}
	shares := make([]float64, k)
	beta := make([][]float64, k)
	var gamma [][]float64
	var tot float64
	for j := range shares {
		tot += benchCurves[j].share
	}
	for j := range shares {
		shares[j] = benchCurves[j].share / tot
		beta[j] = benchCurves[j].beta
		if dist == ZIP {
			gamma = append(gamma, []float64{benchCurves[j].gamma})
		}
	}
	return TruthFromCoefficients(WindowScaling(minAge, maxAge), minAge, maxAge, shares, beta, gamma), nil
}
