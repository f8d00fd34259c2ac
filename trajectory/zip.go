package trajectory

import (
	"context"
	"math"

	"github.com/trajkit/trajkit/mixture"
)

// fitZIP is the M-step of a ZIP group with fixed person weights; it leaves
// the component refreshed at the new parameters. A cold fit first runs the
// EM of Lambert (1992), each iteration of which increases the group's
// weighted ZIP log-likelihood (see lambertEM), then maximises that
// log-likelihood directly by a joint Newton method on (β, γ)
// (zipObjective). A warm fit, the one of every EM iteration after the
// first, takes the generalised-EM step of zipStep instead.
func (f *groupFamily) fitZIP(ctx context.Context, c *groupComp, warm bool, info *mixture.FitInfo) {
	if warm {
		f.zipStep(ctx, c, info)
		return
	}
	s := &c.st
	f.lambertEM(ctx, c, zipInnerIter, nil)
	s.zip = zipObjective{c: c}
	s.par = c.Params(s.par)
	r := s.nw.Maximize(ctx, &s.zip, s.par, newtonTol, newtonMaxIter)
	if r.Decrement > 1e-6*(1+math.Abs(r.F)) {
		// Newton stalled away from a maximum (the ZIP log-likelihood need
		// not be concave): EM steps, then Newton again.
		c.SetParams(s.par)
		f.lambertEM(ctx, c, zipInnerIter, info)
		s.par = c.Params(s.par)
		r = s.nw.Maximize(ctx, &s.zip, s.par, newtonTol, newtonMaxIter)
	}
	if r.IllConditioned {
		info.IllConditioned = true
	}
	c.SetParams(s.par)
}

// zipStep is the warm M-step of a ZIP group: a generalised EM step that
// increases the group's weighted ZIP log-likelihood Q at a cost of O(cell
// types) plus one pass over the pools of zeros with exposure ∉ {0, 1}
// without transcendental functions, however many distinct exposures there
// are (refresh then computes each pool's zero probability once for the
// next E-step).
//
// Q is the sum of terms by cell type (zeros with exposure 1, positive
// counts) and one term per pool. The pools' terms depend on the parameters
// only through (η_t, ζ_t) of their type, so their sum is replaced by its
// second-order Taylor expansion per type around the current parameters θ₀
// (expandPools, from the posteriors τ that refresh keeps). Newton maximises
// this model, exact in the terms by type, at O(types) per evaluation (to
// convergence when the expansion is concave, else for zipModelIter
// iterations); the model has Q's gradient and Hessian at θ₀, so its first
// step is Q's Newton step, and the fixed points are Q's stationary points.
//
// The step is kept when it raises Lambert's lower bound B of Q (the EM
// bound that treats the pools' zeros as a mixture of structural and
// Poisson zeros with the posteriors τ at θ₀; poolsBound): B touches Q at
// θ₀, so Q(θ₁) − Q(θ₀) ≥ B(θ₁) − B(θ₀) ≥ 0, and checking B costs O(types).
// Otherwise it is kept when Q itself, from the pools' zero probabilities,
// has not fallen. Where the pools' terms are far from quadratic, a
// non-concave expansion can lead Newton far from θ₀; then the first Newton
// step alone, Q's own, is tried the same way, and if that fails too the
// step maximises B instead: an EM step for the pools' zeros with the terms
// by type exact, which cannot decrease Q. Either way the mixture's
// log-likelihood never decreases (a generalised EM; Dempster, Laird &
// Rubin 1977).
func (f *groupFamily) zipStep(ctx context.Context, c *groupComp, info *mixture.FitInfo) {
	s := &c.st
	tries := []int{newtonMaxIter, 1}
	if !c.expandPools() {
		tries = []int{zipModelIter, 1}
	}
	s.par0 = c.Params(s.par0)
	model := zipObjective{c: c, pools: poolsExpanded}
	bound := zipObjective{c: c, pools: poolsBound}
	b0 := bound.Eval(s.par0, nil, nil)
	q0 := math.NaN() // Q(θ₀), computed when first needed
	for _, iter := range tries {
		s.par = append(s.par[:0], s.par0...)
		s.zip = model
		r := s.nw.Maximize(ctx, &s.zip, s.par, newtonTol, iter)
		info.Score = r.Score // Q's gradient at θ₀, whatever the try
		raised := bound.Eval(s.par, nil, nil) >= b0
		if !raised && math.IsNaN(q0) {
			q0 = c.weightedLogLik() // c is still at θ₀
		}
		c.SetParams(s.par)
		if raised || c.weightedLogLik() >= q0 {
			info.IllConditioned = info.IllConditioned || r.IllConditioned
			return
		}
	}
	// The objectives depend on θ₀ only through expandPools' sums, so the
	// bound is maximised from θ₀ without restoring the component there.
	copy(s.par, s.par0)
	s.zip = bound
	r := s.nw.Maximize(ctx, &s.zip, s.par, newtonTol, newtonMaxIter)
	info.IllConditioned = info.IllConditioned || r.IllConditioned
	c.SetParams(s.par)
}

// zipModelIter is the number of Newton iterations on zipStep's model when
// the pools' expansion is not concave: the first is Q's Newton step, the
// second solves the exact terms by type more closely; more let Newton
// follow the expansion where it no longer describes Q, often far away
// (measured on the bench careers and toronto1-exposure: 2 took the fewest
// iterations and the least time).
const zipModelIter = 2

// lambertEM runs up to iter iterations of the ZIP EM (Lambert 1992) for
// one group. Each computes the posterior probability τ that an observed
// zero is structural,
//
//	τ = ρ / (ρ + (1 − ρ) exp(−e λ)),
//
// aggregated by age (zeros with exposure 1 share τ_t; pools of zeros with
// other exposures have theirs from refresh), then fits the rate by Poisson
// IRLS on the counts with exposures weighted by 1 − τ, and the inflation by
// logistic IRLS on the expected structural zeros out of the observed cells.
// It leaves the component refreshed; a cancelled ctx ends it before its
// next iteration.
func (f *groupFamily) lambertEM(ctx context.Context, c *groupComp, iter int, info *mixture.FitInfo) {
	s := &c.st
	d := f.d
	c.refresh()
	prev := math.Inf(-1)
	for it := 0; it < iter && ctx.Err() == nil; it++ {
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
			t, tau := d.zxType[g], c.tau[g]
			s.eff[t] += (1 - tau) * wi * d.zxE[g]
			s.succ[t] += tau * wi
		}
		rb := f.fitRate(ctx, c)
		s.logit = logisticObjective{z: f.z, succ: s.succ, trials: s.trials}
		rg := s.nw.Maximize(ctx, &s.logit, c.gamma, newtonTol, newtonMaxIter)
		if info != nil && (rb.IllConditioned || rg.IllConditioned) {
			info.IllConditioned = true
		}
		c.refresh()
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
// over the pools of zeros with other exposures. For a zero with u = e λ and
// τ = ρ / (ρ + (1 − ρ) e^−u),
//
//	∂l/∂η = −(1 − τ) u            ∂l/∂ζ = τ − ρ
//	∂²l/∂η² = −(1 − τ) u (1 − τ u) ∂²l/∂ζ² = τ(1 − τ) − ρ(1 − ρ)
//	∂²l/∂η∂ζ = u τ (1 − τ),
//
// and a positive count adds y − e λ, −ρ and −e λ, −ρ(1 − ρ). Derivatives are
// summed by type first, so an evaluation costs O(types + pools).
//
// With pools set to poolsExpanded or poolsBound, the pools enter through
// the expansion or the bound by type that expandPools prepared (see
// zipStep), and an evaluation costs O(types).
type zipObjective struct {
	c     *groupComp
	pools poolMode
}

// poolMode says how zipObjective takes the pools of zeros with exposure
// ∉ {0, 1}.
type poolMode int

const (
	// poolsExact: one term per pool, the group's weighted log-likelihood Q.
	poolsExact poolMode = iota
	// poolsExpanded: their second-order expansion around θ₀ by type.
	poolsExpanded
	// poolsBound: Lambert's lower bound by type, with the posteriors τ at
	// θ₀ (S, F and E the weights of structural and Poisson zeros and the
	// Poisson zeros' exposure; Jensen's inequality, equality at θ₀):
	//
	//	log(ρ + (1 − ρ) e^−u) ≥ τ log(ρ / τ) + (1 − τ) log((1 − ρ) e^−u / (1 − τ)),
	//	B = Σ_t S_t log ρ_t + F_t log(1 − ρ_t) − E_t λ_t  (+ a constant).
	poolsBound
)

func (o *zipObjective) Dim() int { return len(o.c.rate) + len(o.c.gamma) }

func (o *zipObjective) Eval(par, grad, negHess []float64) float64 {
	c := o.c
	f := c.f
	s := &c.st
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
		switch o.pools {
		case poolsExpanded:
			val += a.expand(t, eta, zeta, grad != nil)
		case poolsBound:
			val += a.bound(t, lam, lr, l1r, rho, grad != nil)
		default:
			a.ge[t], a.gz[t], a.hee[t], a.hzz[t], a.hez[t] = 0, 0, 0, 0, 0
		}
		if grad == nil {
			continue
		}
		tau := math.Exp(lr - l0)
		w0, u := s.w0[t], lam
		a.ge[t] += -w0*(1-tau)*u + s.y[t] - s.epos[t]*lam
		a.gz[t] += w0*(tau-rho) - s.pos[t]*rho
		a.hee[t] += w0*(1-tau)*u*(1-tau*u) + s.epos[t]*lam
		a.hzz[t] += -w0*(tau*(1-tau)-rho*(1-rho)) + s.pos[t]*rho*(1-rho)
		a.hez[t] += -w0 * u * tau * (1 - tau)
	}
	if o.pools == poolsExact {
		val += c.poolTerms(a.lam, a.lr, a.l1r, a.rho, grad != nil)
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

// poolTerms returns the pools' weighted log-likelihood at the per-type λ,
// log ρ, log(1 − ρ) and ρ given and, when derivs is set, sets the pools'
// derivatives by type to those in c.st.zd (ge .. hez).
func (c *groupComp) poolTerms(lam, lr, l1r, rho []float64, derivs bool) float64 {
	d := c.f.d
	s := &c.st
	a := &s.zd
	var val float64
	for g, wi := range s.zw {
		if wi == 0 {
			continue
		}
		t := d.zxType[g]
		u := d.zxE[g] * lam[t]
		l, tau := zeroTerms(lr[t], l1r[t]-u)
		val += wi * l
		if derivs {
			a.addZero(t, wi, u, tau, rho[t])
		}
	}
	return val
}

// expandPools sets, from the posteriors τ that refresh keeps, the
// second-order expansion of the pools' weighted log-likelihood by type
// around the current parameters θ₀ (zipDerivs.m*) and the sums of
// poolsBound (ls, lf, le). One pass over the pools, without
// transcendental functions. It reports whether the expansion is concave
// (minus its Hessian positive semi-definite for every type).
func (c *groupComp) expandPools() (concave bool) {
	d := c.f.d
	s := &c.st
	a := &s.zd
	for t := range c.eta {
		a.eta0[t], a.zeta0[t] = c.eta[t], polyval(c.gamma, c.f.z[t])
		a.ge[t], a.gz[t], a.hee[t], a.hzz[t], a.hez[t] = 0, 0, 0, 0, 0
		a.ls[t], a.lf[t], a.le[t] = 0, 0, 0
	}
	for g, wi := range s.zw {
		if wi == 0 {
			continue
		}
		t, e, tau := d.zxType[g], d.zxE[g], c.tau[g]
		a.addZero(t, wi, e*c.lam[t], tau, c.rho[t])
		a.ls[t] += wi * tau
		a.lf[t] += wi * (1 - tau)
		a.le[t] += wi * (1 - tau) * e
	}
	for _, pair := range [][2]*[]float64{{&a.mge, &a.ge}, {&a.mgz, &a.gz}, {&a.mhee, &a.hee}, {&a.mhzz, &a.hzz}, {&a.mhez, &a.hez}} {
		copy(*pair[0], *pair[1])
	}
	concave = true
	for t := range c.eta {
		if !(a.mhee[t] >= 0 && a.mhzz[t] >= 0 && a.mhee[t]*a.mhzz[t] >= a.mhez[t]*a.mhez[t]) {
			concave = false
		}
	}
	return concave
}

// zeroTerms returns l = log(e^a + e^b) for a = log ρ and b = log(1 − ρ) − u,
// the log-probability of a zero, and τ = e^(a − l), the posterior
// probability that it is structural.
func zeroTerms(a, b float64) (l, tau float64) {
	if math.IsInf(a, -1) {
		return b, 0
	}
	if a >= b {
		r := math.Exp(b - a)
		return a + math.Log1p(r), 1 / (1 + r)
	}
	r := math.Exp(a - b)
	return b + math.Log1p(r), r / (1 + r)
}

// basisAt returns the j-th regressor of the joint (β, γ) vector at one age
// and whether it belongs to the rate (β).
func basisAt(x, z []float64, j, p int) (float64, bool) {
	if j < p {
		return x[j], true
	}
	return z[j-p], false
}

// zipDerivs holds per-type values and summed derivatives of zipObjective
// (ge, gz: the gradient in η and ζ; hee, hzz, hez: minus the Hessian), and
// the expansion of the pools' terms around (eta0, zeta0): their gradient
// mge, mgz and minus Hessian mhee, mhzz, mhez; and the sums of
// poolsBound.
type zipDerivs struct {
	lam, lr, l1r, rho, ge, gz, hee, hzz, hez []float64
	eta0, zeta0, mge, mgz, mhee, mhzz, mhez  []float64
	ls, lf, le                               []float64
}

func (z *zipDerivs) init(t int) {
	for _, p := range []*[]float64{&z.lam, &z.lr, &z.l1r, &z.rho, &z.ge, &z.gz, &z.hee, &z.hzz, &z.hez,
		&z.eta0, &z.zeta0, &z.mge, &z.mgz, &z.mhee, &z.mhzz, &z.mhez, &z.ls, &z.lf, &z.le} {
		*p = make([]float64, t)
	}
}

// addZero adds to type t's derivatives those of w zeros with u = e λ,
// posterior τ and inflation ρ (the formulas of zipObjective).
func (z *zipDerivs) addZero(t uint32, w, u, tau, rho float64) {
	z.ge[t] -= w * (1 - tau) * u
	z.gz[t] += w * (tau - rho)
	z.hee[t] += w * (1 - tau) * u * (1 - tau*u)
	z.hzz[t] -= w * (tau*(1-tau) - rho*(1-rho))
	z.hez[t] -= w * u * tau * (1 - tau)
}

// expand returns the expansion of the pools' terms of type t at (η, ζ),
// less its constant, and when derivs is set starts type t's derivatives with
// the expansion's.
func (z *zipDerivs) expand(t int, eta, zeta float64, derivs bool) float64 {
	de, dz := eta-z.eta0[t], zeta-z.zeta0[t]
	v := z.mge[t]*de + z.mgz[t]*dz - (z.mhee[t]*de*de+2*z.mhez[t]*de*dz+z.mhzz[t]*dz*dz)/2
	if derivs {
		z.ge[t] = z.mge[t] - z.mhee[t]*de - z.mhez[t]*dz
		z.gz[t] = z.mgz[t] - z.mhez[t]*de - z.mhzz[t]*dz
		z.hee[t], z.hzz[t], z.hez[t] = z.mhee[t], z.mhzz[t], z.mhez[t]
	}
	return v
}

// bound returns the bound's terms of type t (poolsBound) at λ, log ρ,
// log(1 − ρ) and ρ, and when derivs is set starts type t's derivatives with
// theirs.
func (z *zipDerivs) bound(t int, lam, lr, l1r, rho float64, derivs bool) float64 {
	if derivs {
		z.ge[t] = -z.le[t] * lam
		z.gz[t] = z.ls[t]*(1-rho) - z.lf[t]*rho
		z.hee[t] = z.le[t] * lam
		z.hzz[t] = (z.ls[t] + z.lf[t]) * rho * (1 - rho)
		z.hez[t] = 0
	}
	return z.ls[t]*lr + z.lf[t]*l1r - z.le[t]*lam
}

// weightedLogLik returns the group's weighted ZIP log-likelihood, up to
// terms free of the parameters, from the per-type sums and the per-pool
// log-likelihoods of the last refresh.
func (c *groupComp) weightedLogLik() float64 {
	s := &c.st
	var q float64
	for t := range c.eta {
		q += s.w0[t]*c.zero[t] + s.pos[t]*c.log1mRho[t] + s.y[t]*c.eta[t] - s.epos[t]*c.lam[t]
	}
	for g, wi := range s.zw {
		if wi != 0 {
			q += wi * poolLog(c.pool[g])
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
