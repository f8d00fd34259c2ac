package trajectory

import (
	"context"
	"math"

	"github.com/trajkit/trajkit/mixture"
)

// cnormShared is the σ common to all groups of a censored normal model
// (the default; traj's model(cnorm) without sigmabygroup), one log σ after
// every group's parameters. Its M-step is an ECM step (Meng & Rubin
// 1993): each group's latent curve given σ (cnormFamily.Fit), then log σ
// given every curve, by Newton on the sum of the groups' aggregated
// likelihoods; each step increases the expected complete-data
// log-likelihood, so EM stays monotone.
type cnormShared struct{ d *cnormData }

func (s *cnormShared) NumParams() int { return 1 }

func (s *cnormShared) NewRun(comps []mixture.Component) mixture.SharedRun {
	r := &cnormRun{comps: make([]*cnormComp, len(comps)), x: make([]float64, 1)}
	for k, c := range comps {
		r.comps[k] = c.(*cnormComp)
	}
	r.obj = cnormSigmaObjective{r: r}
	r.set(s.d.logSigma0)
	return r
}

// cnormRun is the common log σ of one EM run.
type cnormRun struct {
	comps    []*cnormComp
	logSigma float64
	x        []float64 // Newton's variable
	obj      cnormSigmaObjective
	nw       mixture.Newton
}

// set sets log σ in the run and every group.
func (r *cnormRun) set(logSigma float64) {
	r.logSigma = logSigma
	for _, c := range r.comps {
		c.logSigma = logSigma
		c.refresh()
	}
}

// Fit fits the groups' curves given σ, then σ given the curves, from the
// sums each group's Fit accumulated. The groups' scores in log σ, at the
// parameters the step started from, add up to the run's Score.
func (r *cnormRun) Fit(ctx context.Context, m *mixture.MStep) mixture.FitInfo {
	m.FitGroups()
	return r.fitShared(ctx, m.Warm)
}

// fitShared is Fit's step of σ given the curves.
func (r *cnormRun) fitShared(ctx context.Context, warm bool) mixture.FitInfo {
	var info mixture.FitInfo
	if warm {
		var g float64
		for _, c := range r.comps { // in group order: the same bits at any thread count
			g += c.sigmaScore
		}
		info.Score = math.Abs(g)
	}
	r.x[0] = r.logSigma
	res := r.nw.Maximize(ctx, &r.obj, r.x, newtonTol, newtonMaxIter)
	info.IllConditioned = res.IllConditioned
	r.set(r.x[0])
	return info
}

func (r *cnormRun) Params(dst []float64) []float64 { return append(dst[:0], r.logSigma) }

func (r *cnormRun) SetParams(p []float64) { r.set(p[0]) }

// cnormSigmaObjective is Σ_k (group k's aggregated likelihood) as a
// function of the common log σ, the groups' curves fixed.
type cnormSigmaObjective struct{ r *cnormRun }

func (o *cnormSigmaObjective) Dim() int { return 1 }

func (o *cnormSigmaObjective) Eval(x, grad, negHess []float64) float64 {
	if len(o.r.comps) > 0 && x[0] < o.r.comps[0].f.d.logSigmaMin {
		return math.Inf(-1) // refused by Newton's step halving
	}
	var ll, g, h float64
	for _, c := range o.r.comps {
		p := len(c.rate)
		var hh []float64
		if negHess != nil {
			hh = c.h
		}
		ll += c.f.eval(&c.st, c.rate, x[0], c.g, hh)
		g += c.g[p]
		if hh != nil {
			h += hh[p*(p+1)+p]
		}
	}
	if grad != nil {
		grad[0] = g
	}
	if negHess != nil {
		negHess[0] = -h
	}
	return ll
}

// Scores sets dst[i−from] = ∂ log f_k(y_i)/∂ log σ for group k.
func (r *cnormRun) Scores(k int, dst []float64, from, to int) {
	c := r.comps[k]
	q := len(c.rate) + 1
	full := c.fullScores(from, to)
	for i := range to - from {
		dst[i] = full[i*q+q-1]
	}
}

// Hessian sets cross[k] to Σ_i w[k][i] ∂² log f_k/∂(β, δ)∂ log σ and
// shared to Σ_k Σ_i w[k][i] ∂² log f_k/∂(log σ)², from each group's sums
// by cell type.
func (r *cnormRun) Hessian(cross [][]float64, shared []float64, w [][]float64) {
	shared[0] = 0
	for k, c := range r.comps {
		p := len(c.rate)
		q := p + 1
		c.st.accumulate(c.f.d, w[k])
		c.f.eval(&c.st, c.rate, c.logSigma, c.g, c.h)
		for j := 0; j < p; j++ {
			cross[k][j] = c.h[j*q+p]
		}
		shared[0] += c.h[p*q+p]
	}
}

// Scores sets dst[(i−from)·d + j] to the derivative of person i's
// log-likelihood under this group in its own parameter j: (β, δ) and,
// when σ is the group's own, log σ.
func (c *cnormComp) Scores(dst []float64, from, to int) {
	q := len(c.rate) + 1
	dim := len(c.par)
	full := c.fullScores(from, to)
	for i := range to - from {
		copy(dst[i*dim:(i+1)*dim], full[i*q:i*q+dim])
	}
}

// Hessian sets dst to Σ_i w[i] ∂² log f(y_i)/∂θ∂θᵀ in the group's own
// parameters, from the sums by cell type with weights w.
func (c *cnormComp) Hessian(dst []float64, w []float64) {
	c.st.accumulate(c.f.d, w)
	c.f.eval(&c.st, c.rate, c.logSigma, c.g, c.h)
	q := len(c.rate) + 1
	dim := len(c.par)
	for j := 0; j < dim; j++ {
		copy(dst[j*dim:(j+1)*dim], c.h[j*q:j*q+dim])
	}
}

// fullScores returns, for persons from ≤ i < to, the derivatives of
// person i's log-likelihood in (β, δ, log σ), (to − from) x (p+1). As
// LogLik, it works from prefix sums over the window of the derivatives of
// the value 0 at each age (covariates zero), corrected at the special
// cells with the cell's own derivatives:
//
//	uncensored y:    ∂/∂μ = (y − μ)/σ²,  ∂/∂ log σ = −1 + (y − μ)²/σ²
//	censored, end c: ∂/∂μ = u λ/σ,       ∂/∂ log σ = −z λ
//
// with z = u (μ − c)/σ (u = −1 at min, +1 at max) and λ = φ(z)/Φ(z).
func (c *cnormComp) fullScores(from, to int) []float64 {
	f := c.f
	d := f.d
	cs := d.c
	p := len(c.rate)
	q := p + 1
	inv := math.Exp(-c.logSigma)
	nty := len(c.mu)
	// The derivatives (∂μ, ∂ log σ) of each class at each type.
	ends := make([][2][2]float64, nty) // [type][low, high][∂μ, ∂s]
	zero := make([][2]float64, nty)
	for ty, mu := range c.mu {
		for j, end := range [2]struct{ u, c float64 }{{-1, d.min}, {1, d.max}} {
			z := end.u * (mu - end.c) * inv
			lam := math.Exp(-halfLog2Pi - z*z/2 - logNormCDF(z))
			ends[ty][j] = [2]float64{end.u * lam * inv, -z * lam}
		}
		switch d.zeroClass {
		case cnormLow:
			zero[ty] = ends[ty][0]
		case cnormHigh:
			zero[ty] = ends[ty][1]
		default:
			r := -mu * inv
			zero[ty] = [2]float64{r * inv, -1 + r*r}
		}
	}
	pre := make([]float64, (cs.NumAges+1)*q)
	for t := 0; t < cs.NumAges; t++ {
		row, next := pre[t*q:(t+1)*q], pre[(t+1)*q:(t+2)*q]
		for j := 0; j < p; j++ {
			next[j] = row[j] + zero[t][0]*f.x[t][j]
		}
		next[p] = row[p] + zero[t][1]
	}
	out := make([]float64, (to-from)*q)
	for i := from; i < to; i++ {
		g := out[(i-from)*q : (i-from+1)*q]
		lo, hi := int(cs.Lo[i]), int(cs.Hi[i])+1
		for j := range g {
			g[j] = pre[hi*q+j] - pre[lo*q+j]
		}
		for k := cs.Start[i]; k < cs.Start[i+1]; k++ {
			t := int(cs.Age[k])
			ty := d.typeOf(k)
			var cell [2]float64
			switch d.class[k] {
			case cnormValue:
				r := (cs.V[k] - c.mu[ty]) * inv
				cell = [2]float64{r * inv, -1 + r*r}
			case cnormLow:
				cell = ends[ty][0]
			case cnormHigh:
				cell = ends[ty][1]
			}
			for j := 0; j < p; j++ {
				g[j] += cell[0]*f.x[ty][j] - zero[t][0]*f.x[t][j]
			}
			g[p] += cell[1] - zero[t][1]
		}
	}
	return out
}
