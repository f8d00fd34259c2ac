package trajectory

import (
	"context"
	"math"

	"github.com/trajkit/trajkit/mixture"
)

// fullScores sets dst[(i−from)·n + j] to the derivative of person i's
// log-likelihood under this group in (β, δ, γ, φ), n = the number of those,
// for from ≤ i < to. Like LogLik it works from prefix sums over the age
// window of the derivatives of a zero with exposure 1 and covariates zero
// (nbZeroTerms with weight 1), corrected at the person's special cells by
// the cell's own (nbPosTerms and S1(y) for a positive count, nbZeroTerms
// with its exposure for a zero, nothing for an unobserved age).
func (c *nbComp) fullScores(dst []float64, from, to int) {
	f := c.f
	d := f.d
	cs := d.fd.c
	p, q := len(c.rate), len(c.gamma)
	n := p + q + 1
	a, pois := nbAlpha(c.logAlpha)
	infl := q > 0
	nty := len(c.eta)
	ge, gz, gp := make([]float64, nty), make([]float64, nty), make([]float64, nty)
	rho := make([]float64, nty)
	for ty := range c.eta {
		rho[ty] = math.Exp(c.logRho[ty])
		z := nbZeroTerms(1, c.lam[ty], a, c.logRho[ty], c.log1mRho[ty], rho[ty], infl, pois)
		ge[ty], gz[ty], gp[ty] = z.ge, z.gz, z.gp
	}
	s1, s2 := make([]float64, len(d.counts)), make([]float64, len(d.counts))
	nbCountTerms(make([]float64, len(d.counts)), s1, s2, d.counts, a, pois)
	nt := cs.NumAges
	pre := make([]float64, (nt+1)*n)
	add := func(g []float64, ty int, ce, cz, cp, sign float64) {
		for j := 0; j < p; j++ {
			g[j] += sign * ce * f.x[ty][j]
		}
		for j := 0; j < q; j++ {
			g[p+j] += sign * cz * f.z[ty][j]
		}
		g[n-1] += sign * cp
	}
	for t := 0; t < nt; t++ {
		next := pre[(t+1)*n : (t+2)*n]
		copy(next, pre[t*n:(t+1)*n])
		add(next, t, ge[t], gz[t], gp[t], 1)
	}
	for i := from; i < to; i++ {
		g := dst[(i-from)*n : (i-from+1)*n]
		lo, hi := int(cs.Lo[i]), int(cs.Hi[i])+1
		for j := range g {
			g[j] = pre[hi*n+j] - pre[lo*n+j]
		}
		for k := cs.Start[i]; k < cs.Start[i+1]; k++ {
			t := int(cs.Age[k])
			ty := int(d.fd.typeOf(k))
			y := cs.Y[k]
			e := cs.Exposure(k)
			add(g, t, ge[t], gz[t], gp[t], -1)
			switch {
			case e == 0:
			case y > 0:
				r := nbPosTerms(1, float64(y), e*c.lam[ty], c.eta[ty], a, c.log1mRho[ty], rho[ty], infl, pois)
				add(g, ty, r.ge, r.gz, r.gp+s1[d.countOf[k]], 1)
			default:
				r := nbZeroTerms(1, e*c.lam[ty], a, c.logRho[ty], c.log1mRho[ty], rho[ty], infl, pois)
				add(g, ty, r.ge, r.gz, r.gp, 1)
			}
		}
	}
}

// Scores sets dst[(i−from)·d + j] to the derivative of person i's
// log-likelihood in the group's own parameters j (β, δ, γ, and φ unless
// shared); see fullScores.
func (c *nbComp) Scores(dst []float64, from, to int) {
	if !c.f.shared {
		c.fullScores(dst, from, to)
		return
	}
	own := len(c.rate) + len(c.gamma)
	full := make([]float64, (to-from)*(own+1))
	c.fullScores(full, from, to)
	for i := 0; i < to-from; i++ {
		copy(dst[i*own:(i+1)*own], full[i*(own+1):])
	}
}

// fullHessian returns Σ_i w[i] ∂² log f(y_i)/∂θ∂θᵀ in θ = (β, δ, γ, φ),
// from the sums by cell type with weights w.
func (c *nbComp) fullHessian(w []float64) []float64 {
	c.st.accumulate(c.f.d, w)
	n := len(c.rate) + len(c.gamma) + 1
	c.eval(c.rate, c.gamma, c.logAlpha, poolsExact, true)
	h := make([]float64, n*n)
	c.assemble(make([]float64, n), h, true)
	for j := range h {
		h[j] = -h[j]
	}
	return h
}

// Hessian sets dst to Σ_i w[i] ∂² log f(y_i)/∂θ∂θᵀ over the group's own
// parameters.
func (c *nbComp) Hessian(dst []float64, w []float64) {
	h := c.fullHessian(w)
	n := len(c.rate) + len(c.gamma) + 1
	own := n
	if c.f.shared {
		own--
	}
	for j := 0; j < own; j++ {
		copy(dst[j*own:(j+1)*own], h[j*n:j*n+own])
	}
}

// nbShared is the dispersion α common to all groups (Model.CommonDispersion):
// one φ = log α after every group's parameters.
type nbShared struct{}

func (nbShared) NumParams() int { return 1 }

func (nbShared) NewRun(comps []mixture.Component) mixture.SharedRun {
	r := &nbSharedRun{phi: math.Log(startDispersion), par: make([]float64, 1)}
	for _, c := range comps {
		nc := c.(*nbComp)
		r.comps = append(r.comps, nc)
		nc.setShared(r.phi)
	}
	return r
}

// nbSharedRun holds the shared φ of one EM run.
type nbSharedRun struct {
	comps []*nbComp
	phi   float64
	par   []float64
	obj   nbPhiObjective
	nw    mixture.Newton
}

// Fit is the ECM step (Meng & Rubin 1993): each group's (β, δ, γ) given φ
// by its family's Newton, then φ given them by Newton on Σ_k Q_k(φ), each
// group's Q_k from the sums its M-step accumulated; both raise the
// expected complete-data log-likelihood, so the log-likelihood never
// decreases. φ stays at or above log MinDispersion, as in nbFamily.Fit.
// The score in φ is taken after the groups' step, at the old φ.
func (r *nbSharedRun) Fit(ctx context.Context, m *mixture.MStep) mixture.FitInfo {
	m.FitGroups()
	return r.fitShared(ctx, m.Warm)
}

// fitShared is Fit's step of φ given the groups' own parameters.
func (r *nbSharedRun) fitShared(ctx context.Context, warm bool) mixture.FitInfo {
	r.obj = nbPhiObjective{r: r}
	r.par[0] = r.phi
	res := r.nw.Maximize(ctx, &r.obj, r.par, newtonTol, newtonMaxIter)
	var info mixture.FitInfo
	if warm {
		info.Score = res.Score
	}
	info.IllConditioned = res.IllConditioned
	r.par[0] = math.Max(r.par[0], minLogDispersion)
	r.SetParams(r.par)
	return info
}

func (r *nbSharedRun) Params(dst []float64) []float64 { return append(dst[:0], r.phi) }

func (r *nbSharedRun) SetParams(p []float64) {
	r.phi = p[0]
	for _, c := range r.comps {
		c.setShared(r.phi)
	}
}

// Scores sets dst[i−from] = ∂ log f_k(y_i)/∂φ.
func (r *nbSharedRun) Scores(k int, dst []float64, from, to int) {
	c := r.comps[k]
	n := len(c.rate) + len(c.gamma) + 1
	full := make([]float64, (to-from)*n)
	c.fullScores(full, from, to)
	for i := range dst[:to-from] {
		dst[i] = full[i*n+n-1]
	}
}

// Hessian sets cross[k] to the block of group k's own parameters with φ
// and shared to Σ_k of the φ-φ entries.
func (r *nbSharedRun) Hessian(cross [][]float64, shared []float64, w [][]float64) {
	shared[0] = 0
	for k, c := range r.comps {
		h := c.fullHessian(w[k])
		n := len(c.rate) + len(c.gamma) + 1
		for j := 0; j < n-1; j++ {
			cross[k][j] = h[j*n+n-1]
		}
		shared[0] += h[n*n-1]
	}
}

// nbPhiObjective is Σ_k Q_k(φ) at each group's current (β, δ, γ).
type nbPhiObjective struct{ r *nbSharedRun }

func (o *nbPhiObjective) Dim() int { return 1 }

func (o *nbPhiObjective) Eval(par, grad, negHess []float64) float64 {
	var v, g, h float64
	for _, c := range o.r.comps {
		v += c.eval(c.rate, c.gamma, par[0], poolsExact, grad != nil)
		if grad != nil {
			gk, hk := c.phiDerivs()
			g += gk
			h += hk
		}
	}
	if grad != nil {
		grad[0] = g
		if negHess != nil {
			negHess[0] = -h
		}
	}
	return v
}
