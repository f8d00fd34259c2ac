package trajectory

import (
	"math"

	"github.com/trajkit/trajkit/mixture"
)

// maxJoint is the largest number of groups whose log-likelihoods
// LogLikAll computes in one pass (its per-group state lives on the
// stack); more groups are computed group by group.
const maxJoint = 16

// LogLikAll implements mixture.JointComponent: for K groups of the
// Poisson or ZIP family on the same careers it fills dst[j][i] = ℓ_ij for
// persons from ≤ i < to in one pass over each person's special cells,
//
//	ℓ_ij = Const_i + Σ_{t=lo..hi} zero_jt + Σ_{special cells} (cell value_j − zero_jt),
//
// decoding each cell (its age, type, count, exposure and pool) once for
// all groups instead of once per group. Each group's terms are added in
// the order of LogLik, so that ℓ_ij has the bits LogLik gives.
func (c *groupComp) LogLikAll(comps []mixture.Component, dst [][]float64, from, to int) bool {
	k := len(comps)
	if k > maxJoint {
		return false
	}
	d := c.f.d
	var gs [maxJoint]*groupComp
	for j, x := range comps {
		g, ok := x.(*groupComp)
		if !ok || g.f.d != d {
			return false
		}
		gs[j] = g
	}
	cs := d.c
	var ll, prod [maxJoint]float64
	for i := from; i < to; i++ {
		lo, hi := int(cs.Lo[i]), int(cs.Hi[i])+1
		for j, g := range gs[:k] {
			ll[j] = cs.Const[i] + g.prefix[hi] - g.prefix[lo]
			prod[j] = 1
		}
		for kc := cs.Start[i]; kc < cs.Start[i+1]; kc++ {
			t := cs.Age[kc]
			ty := d.typeOf(kc)
			y := cs.Y[kc]
			e := cs.Exposure(kc)
			switch {
			case e == 1 && y > 0:
				fy := float64(y)
				for j, g := range gs[:k] {
					ll[j] += fy*g.eta[ty] + g.cnz[ty]
				}
			case e == 1:
				for j, g := range gs[:k] {
					ll[j] += g.zero[ty] - g.zero[t]
				}
			case e == 0:
				for j, g := range gs[:k] {
					ll[j] -= g.zero[t]
				}
			case y > 0:
				fy := float64(y)
				for j, g := range gs[:k] {
					ll[j] += fy*g.eta[ty] + g.log1mRho[ty] - e*g.lam[ty] - g.zero[t]
				}
			default:
				pool := d.cellPool[kc]
				for j, g := range gs[:k] {
					ll[j] -= g.zero[t]
					if v := g.pool[pool]; v > 0 {
						if prod[j] *= v; prod[j] < poolRescale {
							ll[j] += math.Log(prod[j])
							prod[j] = 1
						}
					} else {
						ll[j] += v
					}
				}
			}
		}
		for j := range gs[:k] {
			if prod[j] != 1 {
				ll[j] += math.Log(prod[j])
			}
			dst[j][i] = ll[j]
		}
	}
	return true
}
