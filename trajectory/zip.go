package trajectory

import (
	"math"

	"github.com/trajkit/trajkit/mixture"
)

// fitZIP is the M-step of a ZIP group with fixed person weights. A warm
// fit maximises the group's weighted ZIP log-likelihood directly by a joint
// Newton method on (β, γ) (zipObjective). A cold fit, or a Newton run that
// cannot improve (the ZIP log-likelihood need not be concave), first runs
// the EM of Lambert (1992), each iteration of which increases the same
// objective; see lambertEM.
func (f *groupFamily) fitZIP(c *groupComp, warm bool, info *mixture.FitInfo) {
	s := &c.st
	if !warm {
		f.lambertEM(c, zipInnerIter, nil)
	}
	s.zip = zipObjective{c: c}
	s.par = c.Params(s.par)
	r := s.nw.Maximize(&s.zip, s.par, newtonTol, newtonMaxIter)
	if warm {
		info.Score = r.Score
	}
	if r.Decrement > 1e-6*(1+math.Abs(r.F)) {
		// Newton stalled away from a maximum: EM steps, then Newton again.
		c.SetParams(s.par)
		f.lambertEM(c, zipInnerIter, info)
		s.par = c.Params(s.par)
		r = s.nw.Maximize(&s.zip, s.par, newtonTol, newtonMaxIter)
	}
	if r.IllConditioned {
		info.IllConditioned = true
	}
	c.SetParams(s.par)
}

// lambertEM runs up to iter iterations of the ZIP EM (Lambert 1992) for
// one group. Each computes the posterior probability τ that an observed
// zero is structural,
//
//	τ = ρ / (ρ + (1 − ρ) exp(−e λ)),
//
// aggregated by age (zeros with exposure 1 share τ_t; zeros with other
// exposures are visited one by one), then fits the rate by Poisson IRLS on
// the counts with exposures weighted by 1 − τ, and the inflation by
// logistic IRLS on the expected structural zeros out of the observed cells.
func (f *groupFamily) lambertEM(c *groupComp, iter int, info *mixture.FitInfo) {
	s := &c.st
	d := f.d
	prev := math.Inf(-1)
	for it := 0; it < iter; it++ {
		c.refreshTypes()
		for t := range s.eff {
			tau := math.Exp(c.logRho[t] - c.zero[t])
			s.eff[t] = (1-tau)*s.w0[t] + s.epos[t]
			s.succ[t] = tau * s.w0[t]
			s.trials[t] = s.w0[t] + s.pos[t] + s.wz[t]
		}
		for g, wi := range s.zw {
			if wi == 0 {
				continue
			}
			t, e := d.zxType[g], d.zxE[g]
			tau := math.Exp(c.logRho[t] - logAddExp(c.logRho[t], c.log1mRho[t]-e*c.lam[t]))
			s.eff[t] += (1 - tau) * wi * e
			s.succ[t] += tau * wi
		}
		rb := f.fitRate(c)
		s.logit = logisticObjective{z: f.z, succ: s.succ, trials: s.trials}
		rg := s.nw.Maximize(&s.logit, c.gamma, newtonTol, newtonMaxIter)
		if info != nil && (rb.IllConditioned || rg.IllConditioned) {
			info.IllConditioned = true
		}
		c.refreshTypes()
		q := c.weightedLogLik()
		if q-prev <= 1e-11*(1+math.Abs(q)) {
			break
		}
		prev = q
	}
}

// zipObjective is one group's weighted ZIP log-likelihood as a function of
// (β, γ), up to terms free of them:
//
//	f = Σ_t [W0_t l0_t + P_t log(1 − ρ_t) + Y_t η_t − E⁺_t λ_t] + Σ_c w_c l(e_c)_t,
//
// where l(e)_t = log(ρ_t + (1 − ρ_t) exp(−e λ_t)) is the log-probability of a
// zero with exposure e, W0_t the weight of zeros with exposure 1, P_t, Y_t
// and E⁺_t the weights, counts and exposures of positive counts, and c runs
// over zeros with other exposures. For a zero with u = e λ and
// τ = ρ / (ρ + (1 − ρ) e^−u),
//
//	∂l/∂η = −(1 − τ) u            ∂l/∂ζ = τ − ρ
//	∂²l/∂η² = −(1 − τ) u (1 − τ u) ∂²l/∂ζ² = τ(1 − τ) − ρ(1 − ρ)
//	∂²l/∂η∂ζ = u τ (1 − τ),
//
// and a positive count adds y − e λ, −ρ and −e λ, −ρ(1 − ρ). Derivatives are
// summed by age first, so a step costs O(ages + zeros with exposure).
type zipObjective struct{ c *groupComp }

func (o *zipObjective) Dim() int { return len(o.c.rate) + len(o.c.gamma) }

func (o *zipObjective) Eval(par, grad, negHess []float64) float64 {
	c := o.c
	f := c.f
	s := &c.st
	d := f.d
	p := len(c.rate)
	nt := len(c.eta)
	a := &s.zd
	var val float64
	for t := 0; t < nt; t++ {
		eta := polyval(par[:p], f.x[t])
		zeta := polyval(par[p:], f.z[t])
		lam := math.Exp(eta)
		lr, l1r := logSigmoid(zeta), logSigmoid(-zeta)
		rho := math.Exp(lr)
		a.lam[t], a.lr[t], a.l1r[t], a.rho[t] = lam, lr, l1r, rho
		l0 := logAddExp(lr, l1r-lam)
		val += s.w0[t]*l0 + s.pos[t]*l1r + s.y[t]*eta - s.epos[t]*lam
		if grad == nil {
			continue
		}
		tau := math.Exp(lr - l0)
		w0, u := s.w0[t], lam
		a.ge[t] = -w0*(1-tau)*u + s.y[t] - s.epos[t]*lam
		a.gz[t] = w0*(tau-rho) - s.pos[t]*rho
		a.hee[t] = w0*(1-tau)*u*(1-tau*u) + s.epos[t]*lam
		a.hzz[t] = -w0*(tau*(1-tau)-rho*(1-rho)) + s.pos[t]*rho*(1-rho)
		a.hez[t] = -w0 * u * tau * (1 - tau)
	}
	for g, wi := range s.zw {
		if wi == 0 {
			continue
		}
		t := d.zxType[g]
		u := d.zxE[g] * a.lam[t]
		l := logAddExp(a.lr[t], a.l1r[t]-u)
		val += wi * l
		if grad == nil {
			continue
		}
		tau := math.Exp(a.lr[t] - l)
		rho := a.rho[t]
		a.ge[t] -= wi * (1 - tau) * u
		a.gz[t] += wi * (tau - rho)
		a.hee[t] += wi * (1 - tau) * u * (1 - tau*u)
		a.hzz[t] -= wi * (tau*(1-tau) - rho*(1-rho))
		a.hez[t] -= wi * u * tau * (1 - tau)
	}
	if grad == nil {
		return val
	}
	n := len(par)
	clear(grad)
	clear(negHess)
	for t := 0; t < nt; t++ {
		xt, zt := f.x[t], f.z[t]
		for j := 0; j < n; j++ {
			vj, bj := basisAt(xt, zt, j, p)
			if bj {
				grad[j] += a.ge[t] * vj
			} else {
				grad[j] += a.gz[t] * vj
			}
			if negHess == nil {
				continue
			}
			for m := 0; m <= j; m++ {
				vm, bm := basisAt(xt, zt, m, p)
				var h float64
				switch {
				case bj && bm:
					h = a.hee[t]
				case !bj && !bm:
					h = a.hzz[t]
				default:
					h = a.hez[t]
				}
				negHess[j*n+m] += h * vj * vm
			}
		}
	}
	symmetrise(negHess, n)
	return val
}

// basisAt returns the j-th regressor of the joint (β, γ) vector at one age
// and whether it belongs to the rate (β).
func basisAt(x, z []float64, j, p int) (float64, bool) {
	if j < p {
		return x[j], true
	}
	return z[j-p], false
}

// zipDerivs holds per-age values and summed derivatives of zipObjective.
type zipDerivs struct {
	lam, lr, l1r, rho, ge, gz, hee, hzz, hez []float64
}

func (z *zipDerivs) init(t int) {
	for _, p := range []*[]float64{&z.lam, &z.lr, &z.l1r, &z.rho, &z.ge, &z.gz, &z.hee, &z.hzz, &z.hez} {
		*p = make([]float64, t)
	}
}

// weightedLogLik returns the group's weighted ZIP log-likelihood, up to
// terms free of the parameters, from the per-age sums and the zeros with
// exposure.
func (c *groupComp) weightedLogLik() float64 {
	s := &c.st
	var q float64
	for t := range c.eta {
		q += s.w0[t]*c.zero[t] + s.pos[t]*c.log1mRho[t] + s.y[t]*c.eta[t] - s.epos[t]*c.lam[t]
	}
	d := c.f.d
	for g, wi := range s.zw {
		if wi != 0 {
			t := d.zxType[g]
			q += wi * logAddExp(c.logRho[t], c.log1mRho[t]-d.zxE[g]*c.lam[t])
		}
	}
	return q
}

// logisticObjective is the binomial log-likelihood of the zero inflation
// aggregated by age (terms free of γ dropped):
//
//	f(γ) = Σ_t S_t ζ_t − N_t log(1 + e^ζ_t),  ζ_t = Σ_j γ_j z_tj,
//
// with S_t the expected structural zeros and N_t the observed cells
// (weighted). Gradient Zᵀ(S − N ρ), negative Hessian Zᵀ diag(N ρ(1−ρ)) Z.
type logisticObjective struct {
	z            [][]float64
	succ, trials []float64
}

func (o *logisticObjective) Dim() int { return len(o.z[0]) }

func (o *logisticObjective) Eval(g, grad, negHess []float64) float64 {
	p := len(g)
	clear(grad)
	clear(negHess)
	var f float64
	for t, zt := range o.z {
		n := o.trials[t]
		if n == 0 {
			continue
		}
		zeta := polyval(g, zt)
		f += o.succ[t]*zeta + n*logSigmoid(-zeta)
		if grad == nil {
			continue
		}
		rho := math.Exp(logSigmoid(zeta))
		r := o.succ[t] - n*rho
		v := n * rho * (1 - rho)
		for j := 0; j < p; j++ {
			grad[j] += r * zt[j]
			if negHess != nil {
				for m := 0; m <= j; m++ {
					negHess[j*p+m] += v * zt[j] * zt[m]
				}
			}
		}
	}
	symmetrise(negHess, p)
	return f
}
