package trajectory

import (
	"context"
	"math"

	"github.com/trajkit/trajkit/mixture"
)

// nbStats are the weighted sums of the NB M-step: by cell type for
// exposure 1, by pool for other exposures, and by distinct count.
type nbStats struct {
	win  []float64 // by age: persons whose window covers it (difference array first)
	spec []float64 // by age: Σ w over special cells at the age
	w0   []float64 // by type: Σ w over zeros with exposure 1
	pos  []float64 // by type: Σ w over positive counts with exposure 1
	y    []float64 // by type: Σ w y over those
	zw   []float64 // by pool: Σ w over zeros
	pw   []float64 // by pool: Σ w over positive counts
	py   []float64 // by pool: Σ w y over those
	h    []float64 // by distinct count: Σ w over the cells with that count
	sumW float64
	// The derivatives by type of the last evaluation (nbObjective.eval), in
	// (η, ζ, φ): the gradient and the second derivatives, and the counts'
	// terms in φ.
	ge, gz, gp, hee, hzz, hpp, hez, hep, hzp []float64
	cg, cs1, cs2                             []float64 // by distinct count
	eta, lam, lr, l1r, rho                   []float64 // by type
	// The Poisson start: counts and exposures by type.
	py0, pe0  []float64
	pois      poissonObjective
	obj       nbObjective
	x         nbExpansion
	par, par0 []float64
	nw        mixture.Newton
}

func (s *nbStats) init(types, ages, pools, counts int) {
	for _, p := range []*[]float64{&s.w0, &s.pos, &s.y, &s.ge, &s.gz, &s.gp, &s.hee, &s.hzz, &s.hpp, &s.hez, &s.hep, &s.hzp,
		&s.eta, &s.lam, &s.lr, &s.l1r, &s.rho, &s.py0, &s.pe0} {
		*p = make([]float64, types)
	}
	for _, p := range []*[]float64{&s.zw, &s.pw, &s.py} {
		*p = make([]float64, pools)
	}
	for _, p := range []*[]float64{&s.h, &s.cg, &s.cs1, &s.cs2} {
		*p = make([]float64, counts)
	}
	s.win = make([]float64, ages+1)
	s.spec = make([]float64, ages)
	s.x.init(types)
}

// accumulate computes the weighted sums for weights w, in O(persons +
// special cells).
func (s *nbStats) accumulate(d *nbData, w []float64) {
	cs := d.fd.c
	for _, p := range [][]float64{s.win, s.spec, s.w0, s.pos, s.y, s.zw, s.pw, s.py, s.h} {
		clear(p)
	}
	s.sumW = 0
	for i, wi := range w {
		if wi == 0 {
			continue
		}
		s.sumW += wi
		s.win[cs.Lo[i]] += wi
		s.win[int(cs.Hi[i])+1] -= wi
		for k := cs.Start[i]; k < cs.Start[i+1]; k++ {
			s.spec[cs.Age[k]] += wi
			y := cs.Y[k]
			e := cs.Exposure(k)
			if y > 0 {
				s.h[d.countOf[k]] += wi
			}
			switch {
			case e == 0:
			case e == 1 && y > 0:
				ty := d.fd.typeOf(k)
				s.pos[ty] += wi
				s.y[ty] += wi * float64(y)
			case e == 1:
				s.w0[d.fd.typeOf(k)] += wi
			case y > 0:
				g := d.cellPool[k]
				s.pw[g] += wi
				s.py[g] += wi * float64(y)
			default:
				s.zw[d.cellPool[k]] += wi
			}
		}
	}
	var run float64
	for t := range s.spec {
		run += s.win[t]
		s.w0[t] += math.Max(0, run-s.spec[t])
	}
}

// nbTerms are a cell kind's weighted log-likelihood and its derivatives
// in (η, ζ, φ): the gradient g and the second derivatives h.
type nbTerms struct {
	v, ge, gz, gp, hee, hzz, hpp, hez, hep, hzp float64
}

// nbZeroTerms are the terms of weight w of zeros with mean μ. With
// u = α μ, q = u / (1 + u), L = log(1 + u) and n = log NB(0) = −L/α,
//
//	∂n/∂η = −μ/(1 + u)       ∂²n/∂η² = −μ/(1 + u)²
//	∂n/∂φ = (L − q)/α        ∂²n/∂φ² = (q + q² − L)/α
//	∂²n/∂η∂φ = μ q/(1 + u);
//
// with inflation ρ (log ρ = lr, log(1 − ρ) = l1r) the zero has log-probability
// l = log(ρ + (1 − ρ) eⁿ) and, with τ = ρ e^(−l), for θ, θ' in {η, φ}
//
//	∂l/∂θ = (1 − τ) ∂n/∂θ            ∂l/∂ζ = τ − ρ
//	∂²l/∂θ∂θ' = τ(1 − τ) ∂n/∂θ ∂n/∂θ' + (1 − τ) ∂²n/∂θ∂θ'
//	∂²l/∂θ∂ζ = −τ(1 − τ) ∂n/∂θ       ∂²l/∂ζ² = τ(1 − τ) − ρ(1 − ρ).
//
// At the bound (pois) the value is the Poisson limit, the derivatives
// those at α = MinDispersion.
func nbZeroTerms(w, mu, a, lr, l1r, rho float64, infl, pois bool) nbTerms {
	L := math.Log1p(a * mu)
	n := -L / a
	if pois {
		n = -mu
	}
	var l, tau float64
	if infl {
		l, tau = zeroTerms(lr, l1r+n)
	}
	return nbZeroTermsAt(w, mu, a, L, n, l, tau, rho, infl)
}

// nbZeroTermsAt is nbZeroTerms from L = log(1 + α μ) (as the derivatives
// take it, also at the bound), the zero's value n = log NB(0) and, with
// inflation, l = log P(y = 0) and the posterior τ of a structural zero:
// arithmetic alone.
func nbZeroTermsAt(w, mu, a, L, n, l, tau, rho float64, infl bool) nbTerms {
	u := a * mu
	q := u / (1 + u)
	ne, nee := -mu/(1+u), -mu/((1+u)*(1+u))
	np, npp := (L-q)/a, (q+q*q-L)/a
	nep := mu * q / (1 + u)
	if !infl {
		return nbTerms{v: w * n, ge: w * ne, gp: w * np, hee: w * nee, hpp: w * npp, hep: w * nep}
	}
	t1, tt := 1-tau, tau*(1-tau)
	return nbTerms{
		v:  w * l,
		ge: w * t1 * ne, gp: w * t1 * np, gz: w * (tau - rho),
		hee: w * (tt*ne*ne + t1*nee), hpp: w * (tt*np*np + t1*npp), hep: w * (tt*ne*np + t1*nep),
		hzz: w * (tt - rho*(1-rho)), hez: -w * tt * ne, hzp: -w * tt * np,
	}
}

// nbPosTerms are the terms of positive counts of weight w and weighted sum
// wy with mean μ and linear predictor η, less the counts' own terms
// G_α(y) (nbCountTerms): a count y contributes
//
//	y (η − L) − L/α + log(1 − ρ),
//
// the zero's n plus y (η − L), whose derivatives add to those of w zeros
// (nbZeroTerms without inflation) wy times
//
//	∂/∂η = 1 − q,  ∂/∂φ = −q,  ∂²/∂η² = ∂²/∂φ² = ∂²/∂η∂φ = −q(1 − q);
//
// the inflation adds w log(1 − ρ): −w ρ and −w ρ(1 − ρ) in ζ.
func nbPosTerms(w, wy, mu, eta, a, l1r, rho float64, infl, pois bool) nbTerms {
	L := math.Log1p(a * mu)
	n, lv := -L/a, L
	if pois {
		n, lv = -mu, 0
	}
	return nbPosTermsAt(w, wy, mu, eta, a, L, n, lv, l1r, rho, infl)
}

// nbPosTermsAt is nbPosTerms from L (as nbZeroTermsAt takes it), the
// zero's value n and the L of the value, lv (0 at the bound).
func nbPosTermsAt(w, wy, mu, eta, a, L, n, lv, l1r, rho float64, infl bool) nbTerms {
	r := nbZeroTermsAt(w, mu, a, L, n, 0, 0, 0, false)
	u := a * mu
	q := u / (1 + u)
	r.v += wy * (eta - lv)
	r.ge += wy * (1 - q)
	r.gp -= wy * q
	h := -wy * q * (1 - q)
	r.hee += h
	r.hpp += h
	r.hep += h
	if infl {
		r.v += w * l1r
		r.gz = -w * rho
		r.hzz = -w * rho * (1 - rho)
	}
	return r
}

func (t *nbTerms) addTo(s *nbStats, ty int) {
	s.ge[ty] += t.ge
	s.gz[ty] += t.gz
	s.gp[ty] += t.gp
	s.hee[ty] += t.hee
	s.hzz[ty] += t.hzz
	s.hpp[ty] += t.hpp
	s.hez[ty] += t.hez
	s.hep[ty] += t.hep
	s.hzp[ty] += t.hzp
}

// eval returns the group's weighted log-likelihood Q, up to terms free of
// the parameters, at rate (β, δ), γ and φ, from the sums of the last
// accumulate, in O(types + pools + the largest count); with derivs it
// leaves the derivatives by type in c.st (and the counts' in φ).
func (c *nbComp) eval(rate, gamma []float64, phi float64, pools poolMode, derivs bool) float64 {
	f := c.f
	d := f.d
	s := &c.st
	a, pois := nbAlpha(phi)
	infl := f.inflation >= 0
	var val float64
	for ty := range s.w0 {
		eta := polyval(rate, f.x[ty])
		lam := math.Exp(eta)
		lr, l1r, rho, zeta := math.Inf(-1), 0.0, 0.0, 0.0
		if infl {
			zeta = polyval(gamma, f.z[ty])
			lr, l1r = logSigmoid(zeta), logSigmoid(-zeta)
			rho = math.Exp(lr)
		}
		s.eta[ty], s.lam[ty], s.lr[ty], s.l1r[ty], s.rho[ty] = eta, lam, lr, l1r, rho
		z := nbZeroTerms(s.w0[ty], lam, a, lr, l1r, rho, infl, pois)
		p := nbPosTerms(s.pos[ty], s.y[ty], lam, eta, a, l1r, rho, infl, pois)
		val += z.v + p.v
		if derivs {
			s.ge[ty], s.gz[ty], s.gp[ty], s.hee[ty], s.hzz[ty], s.hpp[ty], s.hez[ty], s.hep[ty], s.hzp[ty] = 0, 0, 0, 0, 0, 0, 0, 0, 0
			z.addTo(s, ty)
			p.addTo(s, ty)
		}
		if pools == poolsExpanded {
			x := s.x.at(ty, eta, zeta, phi)
			val += x.v
			if derivs {
				x.addTo(s, ty)
			}
		}
	}
	for g, ty := range d.poolType {
		zw, pw := s.zw[g], s.pw[g]
		if pools == poolsExpanded || zw == 0 && pw == 0 {
			continue
		}
		mu := d.poolE[g] * s.lam[ty]
		L := math.Log1p(a * mu)
		n, lv := -L/a, L
		if pois {
			n, lv = -mu, 0
		}
		if zw != 0 {
			var l, tau float64
			if infl {
				l, tau = zeroTerms(s.lr[ty], s.l1r[ty]+n)
			}
			z := nbZeroTermsAt(zw, mu, a, L, n, l, tau, s.rho[ty], infl)
			val += z.v
			if derivs {
				z.addTo(s, int(ty))
			}
		}
		if pw != 0 {
			// The y log e of y log μ is in Careers.Const.
			p := nbPosTermsAt(pw, s.py[g], mu, s.eta[ty], a, L, n, lv, s.l1r[ty], s.rho[ty], infl)
			val += p.v
			if derivs {
				p.addTo(s, int(ty))
			}
		}
	}
	if len(d.counts) > 0 {
		nbCountTerms(s.cg, s.cs1, s.cs2, d.counts, a, pois)
		for j, h := range s.h {
			val += h * s.cg[j]
		}
	}
	return val
}

// phiDerivs returns the first and second derivatives of the last eval in
// φ alone.
func (c *nbComp) phiDerivs() (g, h float64) {
	s := &c.st
	for ty := range s.gp {
		g += s.gp[ty]
		h += s.hpp[ty]
	}
	for j, w := range s.h {
		g += w * s.cs1[j]
		h += w * s.cs2[j]
	}
	return g, h
}

// assemble sets grad and negHess (when not nil) over (β, δ, γ) and, with
// withPhi, φ last, from the derivatives by type of the last eval.
func (c *nbComp) assemble(grad, negHess []float64, withPhi bool) {
	f := c.f
	s := &c.st
	p, q := len(c.rate), len(c.gamma)
	n := p + q
	if withPhi {
		n++
	}
	clear(grad)
	clear(negHess)
	// kind 0: η, 1: ζ, 2: φ
	reg := func(ty, j int) (float64, int) {
		switch {
		case j < p:
			return f.x[ty][j], 0
		case j < p+q:
			return f.z[ty][j-p], 1
		}
		return 1, 2
	}
	for ty := range s.w0 {
		g := [3]float64{s.ge[ty], s.gz[ty], s.gp[ty]}
		h := [3][3]float64{
			{s.hee[ty], s.hez[ty], s.hep[ty]},
			{s.hez[ty], s.hzz[ty], s.hzp[ty]},
			{s.hep[ty], s.hzp[ty], s.hpp[ty]},
		}
		for j := 0; j < n; j++ {
			vj, kj := reg(ty, j)
			grad[j] += g[kj] * vj
			if negHess == nil {
				continue
			}
			for m := 0; m <= j; m++ {
				vm, km := reg(ty, m)
				negHess[j*n+m] -= h[kj][km] * vj * vm
			}
		}
	}
	if withPhi {
		var cg, ch float64
		for j, w := range s.h {
			cg += w * s.cs1[j]
			ch += w * s.cs2[j]
		}
		grad[n-1] += cg
		if negHess != nil {
			negHess[(n-1)*n+n-1] -= ch
		}
	}
	symmetrise(negHess, n)
}

// nbObjective is one group's weighted NB or ZINB log-likelihood (eval) as
// a function of (β, δ, γ) and, when the group has its own α, φ; with a
// shared α, φ is fixed at the component's.
type nbObjective struct {
	c       *nbComp
	withPhi bool
	// pools says how the pools enter: exactly, or by their expansion
	// around the current parameters (nbWarmStep).
	pools poolMode
}

func (o *nbObjective) Dim() int {
	n := len(o.c.rate) + len(o.c.gamma)
	if o.withPhi {
		n++
	}
	return n
}

func (o *nbObjective) Eval(par, grad, negHess []float64) float64 {
	c := o.c
	p, q := len(c.rate), len(c.gamma)
	phi := c.logAlpha
	if o.withPhi {
		phi = par[p+q]
	}
	v := c.eval(par[:p], par[p:p+q], phi, o.pools, grad != nil)
	if grad != nil {
		c.assemble(grad, negHess, o.withPhi)
	}
	return v
}

// Fit is the M-step of one group: Newton's method on the group's weighted
// log-likelihood in (β, δ, γ) and its own φ (or with the shared φ fixed),
// from the current parameters (warm) or from a Poisson fit with α = 0.5
// and, for inflation, a moment start of ρ. Each accepted Newton step
// raises the objective, so the M-step is a generalised EM step. φ stays at
// or above log MinDispersion: the objective is flat below the bound (the
// Poisson limit), and a step that ends below it is moved back to it at
// the same value. Its Newton runs check ctx (see mixture.Family).
func (f *nbFamily) Fit(ctx context.Context, comp mixture.Component, w []float64, warm bool) mixture.FitInfo {
	c := comp.(*nbComp)
	s := &c.st
	s.accumulate(f.d, w)
	var info mixture.FitInfo
	if s.sumW < emptyWeight {
		info.Empty = true
		if !warm {
			clear(c.rate)
			clear(c.gamma)
			c.rate[0] = math.Log(0.1)
			c.refresh()
		}
		return info
	}
	if !warm {
		f.coldStart(ctx, c)
	}
	if warm && len(f.d.poolType) > 0 && f.warmStep(ctx, c, &info) {
		return info
	}
	s.obj = nbObjective{c: c, withPhi: !f.shared}
	s.par = c.Params(s.par)
	r := s.nw.Maximize(ctx, &s.obj, s.par, newtonTol, newtonMaxIter)
	if warm {
		info.Score = r.Score
	}
	info.IllConditioned = r.IllConditioned
	if !f.shared {
		s.par[len(s.par)-1] = math.Max(s.par[len(s.par)-1], minLogDispersion)
	}
	c.SetParams(s.par)
	return info
}

// coldStart sets a Poisson fit of the weighted data with α = 0.5 (its own
// α; a shared one is the shared run's) and, with inflation, the moment
// start of groupFamily's: the excess zeros over the Poisson expectation.
func (f *nbFamily) coldStart(ctx context.Context, c *nbComp) {
	s := &c.st
	d := f.d
	for ty := range s.w0 {
		s.py0[ty] = s.y[ty]
		s.pe0[ty] = s.w0[ty] + s.pos[ty]
	}
	for g, ty := range d.poolType {
		s.py0[ty] += s.py[g]
		s.pe0[ty] += (s.zw[g] + s.pw[g]) * d.poolE[g]
	}
	var ys, es float64
	for ty := range s.py0 {
		ys += s.py0[ty]
		es += s.pe0[ty]
	}
	clear(c.rate)
	clear(c.gamma)
	c.rate[0] = math.Log((ys + 1e-3) / (es + 1e-3))
	s.pois = poissonObjective{x: f.x, y: s.py0, e: s.pe0}
	s.nw.Maximize(ctx, &s.pois, c.rate, newtonTol, newtonMaxIter)
	if !f.shared {
		c.logAlpha = math.Log(startDispersion)
	}
	if f.inflation < 0 {
		c.refresh()
		return
	}
	var zeros, expected, cells float64
	for ty := range s.w0 {
		lam := math.Exp(polyval(c.rate, f.x[ty]))
		n := s.w0[ty] + s.pos[ty]
		zeros += s.w0[ty]
		expected += n * math.Exp(-lam)
		cells += n
	}
	rho := 0.05
	if cells > expected {
		rho = (zeros - expected) / (cells - expected)
	}
	rho = math.Min(math.Max(rho, 0.05), 0.9)
	c.gamma[0] = math.Log(rho / (1 - rho))
	c.rate[0] -= math.Log(1 - rho)
	c.refresh()
}
