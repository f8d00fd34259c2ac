package trajectory

import (
	"context"
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

// FitAll implements mixture.JointFamily: the M-steps of K Poisson or ZIP
// groups on the same careers, whose weighted sums (see accumulate) it
// takes in one pass over the persons for all groups (accumulateAll); each
// group's fit from its sums is then Fit's.
func (f *groupFamily) FitAll(ctx context.Context, fams []mixture.Family, comps []mixture.Component, w [][]float64, warm bool, infos []mixture.FitInfo) bool {
	k := len(comps)
	if k > maxJoint {
		return false
	}
	var gs [maxJoint]*groupComp
	var st [maxJoint]*groupStats
	for j, x := range comps {
		g, ok := x.(*groupComp)
		if !ok || g.f != fams[j] || g.f.d != f.d {
			return false
		}
		gs[j], st[j] = g, &g.st
	}
	accumulateAll(f.d, st[:k], w)
	for j, g := range gs[:k] {
		infos[j] = g.f.fitStats(ctx, g, warm)
	}
	return true
}

// accumulateAll is accumulate of st[j] with weights w[j] for every group j
// in one pass over the persons and their special cells. Each group's sums
// take the same terms in the same order as accumulate's, so they have its
// bits: the persons accumulate skips, of weight 0, add exact zeros here
// (the weights are finite and not negative).
func accumulateAll(d *familyData, st []*groupStats, w [][]float64) {
	cs := d.c
	k := len(st)
	for j, s := range st {
		for _, p := range [][]float64{s.win, s.spec, s.y, s.pos, s.epos, s.wz, s.ez, s.w0} {
			clear(p)
		}
		s.sumW = 0
		s.w = w[j]
	}
	var wi [maxJoint]float64
	for i := range cs.Len() {
		some := false
		for j := range st {
			wi[j] = w[j][i]
			some = some || wi[j] != 0
		}
		if !some {
			continue
		}
		lo, hi := int(cs.Lo[i]), int(cs.Hi[i])+1
		for j, s := range st {
			if wi[j] == 0 {
				continue
			}
			s.sumW += wi[j]
			s.win[lo] += wi[j]
			s.win[hi] -= wi[j]
		}
		for kc := cs.Start[i]; kc < cs.Start[i+1]; kc++ {
			ty := d.typeOf(kc)
			y := cs.Y[kc]
			e := cs.Exposure(kc)
			t := cs.Age[kc]
			switch {
			case y > 0:
				fy := float64(y)
				for j, s := range st {
					s.spec[t] += wi[j]
					s.y[ty] += wi[j] * fy
					s.pos[ty] += wi[j]
					s.epos[ty] += wi[j] * e
				}
			case e == 0:
				for j, s := range st {
					s.spec[t] += wi[j]
				}
			case e == 1:
				for j, s := range st {
					s.spec[t] += wi[j]
					s.w0[ty] += wi[j]
				}
			default:
				for j, s := range st {
					s.spec[t] += wi[j]
					s.wz[ty] += wi[j]
					s.ez[ty] += wi[j] * e
				}
			}
		}
	}
	for _, s := range st {
		s.finishWindows()
	}
	for m, i := range d.zxPerson {
		g := d.zxPool[m]
		for j, s := range st[:k] {
			s.zw[g] += w[j][i]
		}
	}
}
