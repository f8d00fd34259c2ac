package trajectory

import (
	"fmt"
	"testing"
)

// BenchmarkNBSteps is one NB or ZINB group's E-step (LogLik of every
// person) and warm M-step (Fit) on 100,000 persons of nbCareers (ages
// 12-30, exposures below 1 in 20% of the years, holes), one thread.
func BenchmarkNBSteps(b *testing.B) {
	c := nbCareers(b, 100_000, 1, true)
	s := WindowScaling(c.MinAge, c.MaxAge())
	nd := newNBData(newFamilyData(c))
	w := make([]float64, c.Len())
	for i := range w {
		w[i] = 0.3 + 0.5*float64(i%7)/7
	}
	ll := make([]float64, c.Len())
	for _, infl := range []int{-1, 0} {
		f := newNBFamily(nd, s, 3, infl, false)
		comp := f.NewComponent().(*nbComp)
		f.Fit(b.Context(), comp, w, false)
		name := map[int]string{-1: "nb", 0: "zinb"}[infl]
		b.Run(fmt.Sprintf("%s/estep", name), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				comp.LogLik(ll, 0, c.Len())
			}
			reportPerCell(b, c)
		})
		b.Run(fmt.Sprintf("%s/mstep", name), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				f.Fit(b.Context(), comp, w, true)
			}
			reportPerCell(b, c)
		})
	}
}
