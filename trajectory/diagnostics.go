package trajectory

import (
	"math"

	"github.com/trajkit/trajkit/mixture"
)

// classify assigns each person to the maximum-posterior group and computes
// the adequacy diagnostics of Nagin (2005, ch. 5): assigned shares, the
// average posterior probability (APP) of each group among its assigned
// members, and the odds of correct classification
//
//	OCC_k = [APP_k / (1 − APP_k)] / [π_k / (1 − π_k)].
//
// APP is NaN for a group with no assigned person; OCC is NaN when APP or
// π_k is 1 or APP is undefined.
func (f *Fitted) classify() {
	k := len(f.Groups)
	n := f.NumPersons
	f.Assigned = make([]int, n)
	sumP := make([]float64, k)
	for i := 0; i < n; i++ {
		best := 0
		for j := 1; j < k; j++ {
			if f.Posterior[j][i] > f.Posterior[best][i] {
				best = j
			}
		}
		f.Assigned[i] = best
		f.Groups[best].NAssigned++
		sumP[best] += f.Posterior[best][i]
	}
	for j := range f.Groups {
		g := &f.Groups[j]
		g.AssignedShare = float64(g.NAssigned) / float64(n)
		g.APP, g.OCC = math.NaN(), math.NaN()
		if g.NAssigned > 0 {
			g.APP = sumP[j] / float64(g.NAssigned)
		}
		if g.APP < 1 && g.Share > 0 && g.Share < 1 {
			g.OCC = (g.APP / (1 - g.APP)) / (g.Share / (1 - g.Share))
		}
	}
	f.Entropy = mixture.RelativeEntropy(f.Posterior)
}
