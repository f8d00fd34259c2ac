package trajectory

import "math"

// Scores sets dst[(i−from)·d + j] to the derivative of person i's
// log-likelihood under this group with respect to parameter j (β, δ, then
// γ), for from ≤ i < to. Like LogLik it works from prefix sums over the age
// window of the derivative of a zero count with exposure 1 and covariates
// zero,
//
//	∂/∂η: −(1 − τ_t) λ_t,   ∂/∂ζ: τ_t − ρ_t   (τ_t = ρ_t / P(y = 0)),
//
// times the design rows, corrected at the person's special cells with the
// cell's own derivatives and design row: a positive count gives y − e λ and
// −ρ, a zero with exposure e gives −(1 − τ) e λ and τ − ρ with its own τ, an
// unobserved age gives 0. Poisson groups have ρ = τ = 0 and no ζ.
func (c *groupComp) Scores(dst []float64, from, to int) {
	f := c.f
	d := f.d
	cs := d.c
	p, q := len(c.rate), len(c.gamma)
	dim := p + q
	nt := cs.NumAges
	// The derivatives of a zero with exposure 1 of each cell type.
	de := make([]float64, len(c.eta))
	dz := make([]float64, len(c.eta))
	for ty := range c.eta {
		tau := 0.0
		if q > 0 {
			tau = math.Exp(c.logRho[ty] - c.zero[ty])
			dz[ty] = tau - math.Exp(c.logRho[ty])
		}
		de[ty] = -(1 - tau) * c.lam[ty]
	}
	// Prefix sums over ages of the ages' own types (covariates zero).
	pre := make([]float64, (nt+1)*dim)
	for t := 0; t < nt; t++ {
		row, next := pre[t*dim:(t+1)*dim], pre[(t+1)*dim:(t+2)*dim]
		for j := 0; j < p; j++ {
			next[j] = row[j] + de[t]*f.x[t][j]
		}
		for j := 0; j < q; j++ {
			next[p+j] = row[p+j] + dz[t]*f.z[t][j]
		}
	}
	for i := from; i < to; i++ {
		g := dst[(i-from)*dim : (i-from+1)*dim]
		lo, hi := int(cs.Lo[i]), int(cs.Hi[i])+1
		for j := range g {
			g[j] = pre[hi*dim+j] - pre[lo*dim+j]
		}
		for k := cs.Start[i]; k < cs.Start[i+1]; k++ {
			t := int(cs.Age[k])
			ty := d.typeOf(k)
			y := float64(cs.Y[k])
			e := cs.Exposure(k)
			var ce, cz float64 // the cell's derivatives
			rho := 0.0
			if q > 0 {
				rho = c.rho[ty] // exp(log ρ), set by refresh
			}
			switch {
			case e == 0:
			case y > 0:
				ce, cz = y-e*c.lam[ty], -rho
			case e == 1:
				ce, cz = de[ty], dz[ty]
			default:
				u := e * c.lam[ty]
				tau := c.tau[d.cellPool[k]] // the pool's, set by refresh (0 without inflation)
				ce, cz = -(1-tau)*u, tau-rho
			}
			// Add the cell's own contribution, remove the window's baseline.
			for j := 0; j < p; j++ {
				g[j] += ce*f.x[ty][j] - de[t]*f.x[t][j]
			}
			for j := 0; j < q; j++ {
				g[p+j] += cz*f.z[ty][j] - dz[t]*f.z[t][j]
			}
		}
	}
}

// Hessian sets dst to Σ_i w[i] ∂² log f(y_i)/∂θ∂θᵀ: minus the Hessian of the
// M-step objective (poissonObjective or zipObjective) at the current
// parameters, computed from the sums by cell type with weights w.
func (c *groupComp) Hessian(dst []float64, w []float64) {
	f := c.f
	s := &c.st
	s.accumulate(f.d, w)
	dim := len(c.rate) + len(c.gamma)
	grad := make([]float64, dim)
	if f.inflation < 0 {
		for t := range s.eff {
			s.eff[t] = s.w0[t] + s.epos[t] + s.ez[t]
		}
		obj := &poissonObjective{x: f.x, y: s.y, e: s.eff}
		obj.Eval(c.rate, grad, dst)
	} else {
		obj := &zipObjective{c: c}
		obj.Eval(c.Params(nil), grad, dst)
	}
	for j := range dst {
		dst[j] = -dst[j]
	}
}
