package mixture

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkIteration is one EM iteration (M-step, then E-step) of a run in
// steady state, on the toy Poisson mixture (K = 3) with 1 and 2 threads:
// the engine itself allocates nothing per iteration.
func BenchmarkIteration(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		y := toyData(n, []float64{0.5, 0.3, 0.2}, []float64{0.5, 3, 9}, 7)
		p := toyProblem(y, 3)
		for _, threads := range []int{1, 2} {
			b.Run(fmt.Sprintf("persons=%d/threads=%d", n, threads), func(b *testing.B) {
				pool := newPool(threads)
				defer pool.close()
				r := newRun(context.Background(), p, pool, nil, false)
				s := (&Settings{Seed: 1}).Resolved()
				r.start(1, p, &s)
				r.iterate(5, 0, 0)
				b.ReportAllocs()
				for b.Loop() {
					r.mStep(true)
					r.ll = r.eStep()
				}
			})
		}
	}
}

// BenchmarkFit is a whole fit of the toy mixture with the default starts.
func BenchmarkFit(b *testing.B) {
	y := toyData(20_000, []float64{0.5, 0.3, 0.2}, []float64{0.5, 3, 9}, 7)
	p := toyProblem(y, 3)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Fit(p, &Settings{Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}
