package trajectory

import (
	"math"

	"github.com/trajkit/trajkit/mixture"
)

// classify assigns each person to the maximum-posterior group (its 1-based
// number in Assigned) and computes
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
		best := AssignedGroup(f.Posterior, i) - 1
		f.Assigned[i] = best + 1
		f.Groups[best].NAssigned++
		sumP[best] += f.Posterior[best][i]
	}
	for j := range f.Groups {
		g := &f.Groups[j]
		g.AssignedShare = float64(g.NAssigned) / float64(n)
		app, occ := math.NaN(), math.NaN()
		if g.NAssigned > 0 {
			app = sumP[j] / float64(g.NAssigned)
		}
		if app < 1 && g.Share > 0 && g.Share < 1 {
			occ = (app / (1 - app)) / (g.Share / (1 - g.Share))
		}
		g.APP, g.OCC = Float(app), Float(occ)
	}
	f.Entropy = Float(mixture.RelativeEntropy(f.Posterior))
}
