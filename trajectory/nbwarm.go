package trajectory

import (
	"context"
	"math"

	"github.com/trajkit/trajkit/mixture"
)

// nbExpansion is the second-order expansion, by cell type, of the pools'
// terms of a group's weighted NB log-likelihood around the parameters θ₀
// of the last refresh: at (η₀, ζ₀, φ₀) of each type, the pools' gradient
// and second derivatives in (η, ζ, φ), summed over the type's pools.
type nbExpansion struct {
	e0, z0 []float64
	p0     float64
	t      []nbTerms
}

func (x *nbExpansion) init(types int) {
	x.e0, x.z0, x.t = make([]float64, types), make([]float64, types), make([]nbTerms, types)
}

// at returns the expansion of type ty at (η, ζ, φ), less its value at θ₀,
// with its derivatives there.
func (x *nbExpansion) at(ty int, eta, zeta, phi float64) nbTerms {
	t := &x.t[ty]
	de, dz, dp := eta-x.e0[ty], zeta-x.z0[ty], phi-x.p0
	return nbTerms{
		v: t.ge*de + t.gz*dz + t.gp*dp +
			(t.hee*de*de+t.hzz*dz*dz+t.hpp*dp*dp)/2 + t.hez*de*dz + t.hep*de*dp + t.hzp*dz*dp,
		ge:  t.ge + t.hee*de + t.hez*dz + t.hep*dp,
		gz:  t.gz + t.hez*de + t.hzz*dz + t.hzp*dp,
		gp:  t.gp + t.hep*de + t.hzp*dz + t.hpp*dp,
		hee: t.hee, hzz: t.hzz, hpp: t.hpp, hez: t.hez, hep: t.hep, hzp: t.hzp,
	}
}

func (t *nbTerms) add(u nbTerms) {
	t.ge += u.ge
	t.gz += u.gz
	t.gp += u.gp
	t.hee += u.hee
	t.hzz += u.hzz
	t.hpp += u.hpp
	t.hez += u.hez
	t.hep += u.hep
	t.hzp += u.hzp
}

// expandPools sets the expansion of the pools' terms at the component's
// parameters θ₀, with the weights of the last accumulate, from the
// per-pool values of the last refresh (L, log NB(0), log P(0), τ): one
// pass over the pools without transcendental functions (but at the bound,
// where L is recomputed). It returns the pools' terms at θ₀.
func (c *nbComp) expandPools() float64 {
	f := c.f
	d := f.d
	s := &c.st
	x := &s.x
	a, pois := nbAlpha(c.logAlpha)
	infl := f.inflation >= 0
	x.p0 = c.logAlpha
	for ty := range x.e0 {
		x.e0[ty], x.z0[ty], x.t[ty] = c.eta[ty], 0, nbTerms{}
		if infl {
			x.z0[ty] = polyval(c.gamma, f.z[ty])
		}
	}
	var v float64
	for g, ty := range d.poolType {
		zw, pw := s.zw[g], s.pw[g]
		if zw == 0 && pw == 0 {
			continue
		}
		mu := d.poolE[g] * c.lam[ty]
		L := c.pL[g]
		if pois {
			L = math.Log1p(a * mu)
		}
		if zw != 0 {
			z := nbZeroTermsAt(zw, mu, a, L, c.pnz[g], c.pzero[g], c.ptau[g], c.rho[ty], infl)
			v += z.v
			x.t[ty].add(z)
		}
		if pw != 0 {
			p := nbPosTermsAt(pw, s.py[g], mu, c.eta[ty], a, L, c.pnz[g], c.pL[g], c.log1mRho[ty], c.rho[ty], infl)
			v += p.v
			x.t[ty].add(p)
		}
	}
	return v
}

// warmStep is the warm M-step of a group with pools (cells with exposures
// other than 0 and 1), the one of every EM iteration after the first: the
// pools' terms of the weighted log-likelihood Q are replaced by their
// second-order expansion by type around the current parameters θ₀
// (expandPools), Newton maximises that model, exact in every other term,
// at O(types + the largest count) per evaluation, and the result θ₁ is
// kept when Q(θ₁) ≥ Q(θ₀), from one exact evaluation. The model has Q's
// gradient and Hessian at θ₀, so its first Newton step is Q's and the
// fixed points are Q's stationary points; exposures recorded as fractions
// make nearly one pool per cell, and the step then costs two passes over
// the pools (the check, and the refresh for the next E-step) instead of
// two per Newton iteration. It reports false, leaving the parameters at
// θ₀, when Q would fall; Fit then takes the exact Newton step (as ZIP's
// zipStep falls back). The mixture's log-likelihood never decreases either
// way.
func (f *nbFamily) warmStep(ctx context.Context, c *nbComp, info *mixture.FitInfo) bool {
	s := &c.st
	q0 := c.expandPools()
	s.par0 = c.Params(s.par0)
	s.obj = nbObjective{c: c, withPhi: !f.shared, pools: poolsExpanded}
	q0 += s.obj.Eval(s.par0, nil, nil) // the expansion is 0 at θ₀
	s.par = append(s.par[:0], s.par0...)
	r := s.nw.Maximize(ctx, &s.obj, s.par, newtonTol, newtonMaxIter)
	if !f.shared {
		s.par[len(s.par)-1] = math.Max(s.par[len(s.par)-1], minLogDispersion)
	}
	s.obj = nbObjective{c: c, withPhi: !f.shared}
	if !(s.obj.Eval(s.par, nil, nil) >= q0) {
		return false
	}
	info.Score = r.Score
	info.IllConditioned = r.IllConditioned
	c.SetParams(s.par)
	return true
}
