package trajectory

import (
	"fmt"
	"sync"
	"testing"
)

// benchDesign is the observation design of the benchmark careers: ages
// 12-50, 40% censored, 30% starting late, exposure below 1 in 5% of the
// observed years.
var benchDesign = Design{CensorShare: 0.4, LateStartShare: 0.3, ExposedShare: 0.05}

var benchData sync.Map // "dist/persons/scale" -> *Careers

// benchCareers returns n careers simulated from BenchTruth (5 groups,
// ages 12-50) with benchDesign, cached across benchmarks.
func benchCareers(tb testing.TB, dist Distribution, n int) *Careers {
	return scaledCareers(tb, dist, n, 1)
}

// scaledCareers is benchCareers with every rate of BenchTruth multiplied
// by scale, cached.
func scaledCareers(tb testing.TB, dist Distribution, n int, scale float64) *Careers {
	tb.Helper()
	key := fmt.Sprintf("%s/%d/%g", dist, n, scale)
	if c, ok := benchData.Load(key); ok {
		return c.(*Careers)
	}
	tr, err := BenchTruth(dist, 5, 12, 50)
	if err != nil {
		tb.Fatal(err)
	}
	for _, r := range tr.Rate {
		for a := range r {
			r[a] *= scale
		}
	}
	d := benchDesign
	d.Persons = n
	c, _, err := Simulate(tr, d, 1)
	if err != nil {
		tb.Fatal(err)
	}
	benchData.Store(key, c)
	return c
}
