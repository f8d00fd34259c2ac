package trajectory

import (
	"context"
	"math"

	"github.com/trajkit/trajkit/mixture"
)

// cnormFamily is the censored normal (Tobit) model of one group's
// real-valued careers (Stata traj's model(cnorm); Jones, Nagin & Roeder
// 2001; Tobin 1958). In group k, at age t with time-varying covariates w,
//
//	μ_t = Σ_j β_j a_t^j + δ · w   (j = 0..order)
//	y*  ~ N(μ_t, σ²)
//	y   = min  if y* ≤ min,  max  if y* ≥ max,  y*  otherwise,
//
// so that a value y ≤ min contributes log Φ((min − μ)/σ), a value y ≥ max
// log Φ((μ − max)/σ), and a value in between the normal log density
// −½ log 2π − log σ − (y − μ)²/(2σ²). σ is one for all groups
// (cnormShared, the default) or the group's own (Model.SigmaByGroup), and
// is estimated on the log scale.
//
// As the Poisson family, it works on sufficient statistics by cell type
// (age, or age and covariate pattern): an observed age that is not a
// special cell has the value 0, whose log-likelihood at each age the
// prefix sums hold, so that a person's log-likelihood costs their special
// cells; the M-step needs, by type, the weighted counts of censored cells
// at each end and Σw, Σw y and Σw y² of the uncensored ones.
type cnormFamily struct {
	d       *cnormData
	order   int
	byGroup bool // σ is the group's own parameter (Model.SigmaByGroup)
	// x are the latent mean's design rows by cell type:
	// x_c = (1, a, ..., a^order, w).
	x [][]float64
}

// cnormData is what all groups' censored normal families share: the cell
// types, the censoring points and the class of each special cell.
type cnormData struct {
	*familyData
	min, max float64
	// zeroClass is the class of the value 0 (the cells not listed), class
	// that of each special cell.
	zeroClass cnormClass
	class     []cnormClass
	// logSigma0 is the start of a common log σ: the standard deviation of
	// every observed value. logSigmaMin is the smallest log σ the M-steps
	// go to, log(minSigmaShare (max − min)): a group whose persons share one
	// uncensored value has a likelihood that grows without bound as σ → 0,
	// and stops there instead of overflowing.
	logSigma0, logSigmaMin float64
}

// minSigmaShare is the smallest σ the fit reaches, as a share of the
// censoring range.
const minSigmaShare = 1e-6

// cnormClass is how a cell enters the censored normal likelihood.
type cnormClass uint8

const (
	cnormHole  cnormClass = iota // an unobserved age: no term
	cnormValue                   // min < y < max: the normal density
	cnormLow                     // y ≤ min: censored at min
	cnormHigh                    // y ≥ max: censored at max
)

func classOf(v, lo, hi float64) cnormClass {
	switch {
	case v <= lo:
		return cnormLow
	case v >= hi:
		return cnormHigh
	}
	return cnormValue
}

func newCnormData(d *familyData, cens Censoring) *cnormData {
	c := d.c
	cd := &cnormData{familyData: d, min: cens.Min, max: cens.Max, zeroClass: classOf(0, cens.Min, cens.Max),
		class: make([]cnormClass, len(c.Y))}
	var sum, sum2 float64
	for k := range cd.class {
		if c.Exposure(int32(k)) == 0 {
			cd.class[k] = cnormHole
			continue
		}
		v := c.Value(int32(k))
		cd.class[k] = classOf(v, cens.Min, cens.Max)
		sum += v
		sum2 += v * v
	}
	n := float64(max(c.NumObs, 1))
	mean := sum / n
	sd := math.Sqrt(math.Max(sum2/n-mean*mean, 0))
	if !(sd > 0) {
		sd = (cens.Max - cens.Min) / 4
	}
	cd.logSigma0 = math.Log(sd)
	cd.logSigmaMin = math.Log(minSigmaShare * (cens.Max - cens.Min))
	return cd
}

func newCnormFamily(d *cnormData, s AgeScaling, order int, byGroup bool) *cnormFamily {
	f := &cnormFamily{d: d, order: order, byGroup: byGroup}
	ax := basis(s, d.c.MinAge, d.c.NumAges, order)
	f.x = make([][]float64, d.types())
	for ty, t := range d.typeAge {
		row := append([]float64(nil), ax[t]...)
		if d.c.TcovNames != nil {
			row = append(row, d.c.Patterns[d.typePattern[ty]]...)
		}
		f.x[ty] = row
	}
	return f
}

// nrate is the number of the latent mean's coefficients (β, δ).
func (f *cnormFamily) nrate() int { return f.order + 1 + len(f.d.c.TcovNames) }

func (f *cnormFamily) Len() int { return f.d.c.Len() }

func (f *cnormFamily) NumParams() int {
	if f.byGroup {
		return f.nrate() + 1
	}
	return f.nrate()
}

func (f *cnormFamily) NewComponent() mixture.Component {
	nty, p := f.d.types(), f.nrate()
	c := &cnormComp{
		f:        f,
		par:      make([]float64, f.NumParams()),
		logSigma: f.d.logSigma0,
		mu:       make([]float64, nty),
		zero:     make([]float64, nty),
		llo:      make([]float64, nty),
		lhi:      make([]float64, nty),
		prefix:   make([]float64, f.d.c.NumAges+1),
		g:        make([]float64, p+1),
		h:        make([]float64, (p+1)*(p+1)),
	}
	c.rate = c.par[:p]
	c.st.init(nty, f.d.c.NumAges)
	c.obj = cnormObjective{c: c}
	c.refresh()
	return c
}

// cnormComp is one group's fitted latent curve and σ, with the per-type
// quantities that make its log-likelihood cheap.
type cnormComp struct {
	f *cnormFamily
	// par = (β, δ) and, when σ is the group's own, log σ; rate = (β, δ).
	par, rate []float64
	// logSigma is log σ: par's last entry, or the shared run's.
	logSigma float64
	// Per cell type: μ, the log-likelihood of the value 0 (zero), and the
	// log-likelihoods of a value censored at min (llo) and at max (lhi).
	// prefix holds the prefix sums over ages of zero at the ages' own
	// types (covariates zero), the baseline of every window.
	mu, zero, llo, lhi, prefix []float64
	// sigmaScore is ∂/∂ log σ of the group's weighted log-likelihood at
	// the start of its last warm M-step (the shared run's score).
	sigmaScore float64
	// g and h are the derivatives of eval, in (β, δ, log σ).
	g, h []float64
	st   cnormStats
	obj  cnormObjective
	nw   mixture.Newton
}

// halfLog2Pi is ½ log 2π, the normal density's constant.
var halfLog2Pi = 0.5 * math.Log(2*math.Pi)

// refresh recomputes every per-type quantity and the prefix sums from the
// parameters.
func (c *cnormComp) refresh() {
	f := c.f
	d := f.d
	if f.byGroup {
		c.logSigma = c.par[len(c.par)-1]
	}
	sigma := math.Exp(c.logSigma)
	for ty := range d.typeAge {
		mu := polyval(c.rate, f.x[ty])
		c.mu[ty] = mu
		c.llo[ty] = logNormCDF((d.min - mu) / sigma)
		c.lhi[ty] = logNormCDF((mu - d.max) / sigma)
		switch d.zeroClass {
		case cnormLow:
			c.zero[ty] = c.llo[ty]
		case cnormHigh:
			c.zero[ty] = c.lhi[ty]
		default:
			z := mu / sigma
			c.zero[ty] = -halfLog2Pi - c.logSigma - z*z/2
		}
	}
	c.prefix[0] = 0
	for t := 0; t < d.c.NumAges; t++ {
		c.prefix[t+1] = c.prefix[t] + c.zero[t]
	}
}

// LogLik fills dst[i] for persons from ≤ i < to:
//
//	ℓ_i = Σ_{t=lo..hi} zero_t + Σ_{special cells} (cell's term − zero_t).
func (c *cnormComp) LogLik(dst []float64, from, to int) {
	d := c.f.d
	cs := d.c
	inv := math.Exp(-c.logSigma)
	norm := -halfLog2Pi - c.logSigma
	for i := from; i < to; i++ {
		ll := cs.Const[i] + c.prefix[int(cs.Hi[i])+1] - c.prefix[cs.Lo[i]]
		for k := cs.Start[i]; k < cs.Start[i+1]; k++ {
			ty := d.typeOf(k)
			ll -= c.zero[cs.Age[k]]
			switch d.class[k] {
			case cnormValue:
				z := (cs.V[k] - c.mu[ty]) * inv
				ll += norm - z*z/2
			case cnormLow:
				ll += c.llo[ty]
			case cnormHigh:
				ll += c.lhi[ty]
			}
		}
		dst[i] = ll
	}
}

// Params returns (β, δ) and, when σ is the group's own, log σ.
func (c *cnormComp) Params(dst []float64) []float64 { return append(dst[:0], c.par...) }

func (c *cnormComp) SetParams(p []float64) {
	if len(p) != len(c.par) {
		panic("trajectory: wrong number of group parameters")
	}
	copy(c.par, p)
	c.refresh()
}

// cnormStats are the weighted sums of the M-step by cell type: of the
// uncensored cells the weight sw, the mean m and the sum of squares about
// it ss, and the weights of the cells censored at min (wlo) and at max
// (whi). The cells not listed (value 0) are added by age.
type cnormStats struct {
	win, spec         []float64 // by age, as groupStats'
	sw, swy, swy2     []float64 // by type: Σ w, Σ w y, Σ w y² of uncensored cells
	m, ss             []float64 // by type: Σ w y / Σ w and Σ w (y − m)²
	wlo, whi          []float64 // by type
	sumW              float64
	w                 []float64 // the weights of the last accumulate, by reference
	par0              []float64
	sigmaX, sigmaGrad []float64
}

func (s *cnormStats) init(types, ages int) {
	for _, p := range []*[]float64{&s.sw, &s.swy, &s.swy2, &s.m, &s.ss, &s.wlo, &s.whi} {
		*p = make([]float64, types)
	}
	s.win = make([]float64, ages+1)
	s.spec = make([]float64, ages)
}

// accumulate computes the weighted sums for weights w, in
// O(persons + special cells).
func (s *cnormStats) accumulate(d *cnormData, w []float64) {
	cs := d.c
	for _, p := range [][]float64{s.win, s.spec, s.sw, s.swy, s.swy2, s.wlo, s.whi} {
		clear(p)
	}
	s.sumW = 0
	s.w = w
	for i, wi := range w {
		if wi == 0 {
			continue
		}
		s.sumW += wi
		s.win[cs.Lo[i]] += wi
		s.win[int(cs.Hi[i])+1] -= wi
		for k := cs.Start[i]; k < cs.Start[i+1]; k++ {
			ty := d.typeOf(k)
			s.spec[cs.Age[k]] += wi
			switch d.class[k] {
			case cnormValue:
				v := cs.V[k]
				s.sw[ty] += wi
				s.swy[ty] += wi * v
				s.swy2[ty] += wi * v * v
			case cnormLow:
				s.wlo[ty] += wi
			case cnormHigh:
				s.whi[ty] += wi
			}
		}
	}
	var run float64
	for t := range s.spec {
		run += s.win[t]
		s.win[t] = run
		w0 := math.Max(0, run-s.spec[t]) // the cells not listed: value 0
		switch d.zeroClass {
		case cnormLow:
			s.wlo[t] += w0
		case cnormHigh:
			s.whi[t] += w0
		default:
			s.sw[t] += w0
		}
	}
	for ty, sw := range s.sw {
		s.m[ty], s.ss[ty] = 0, 0
		if sw > 0 {
			s.m[ty] = s.swy[ty] / sw
			s.ss[ty] = math.Max(0, s.swy2[ty]-s.swy[ty]*s.m[ty])
		}
	}
}

// eval returns the group's weighted log-likelihood
//
//	Σ_c [ −sw_c (½ log 2π + s) − (ss_c + sw_c (m_c − μ_c)²)/(2σ²)
//	      + wlo_c log Φ((min − μ_c)/σ) + whi_c log Φ((μ_c − max)/σ) ]
//
// over cell types c, at latent-mean coefficients rate and s = log σ, from
// the sums st, and sets g (p+1) and h ((p+1) x (p+1), row-major) to its
// gradient and Hessian in (rate, s) when they are not nil.
func (f *cnormFamily) eval(st *cnormStats, rate []float64, s float64, g, h []float64) float64 {
	p := len(rate)
	q := p + 1
	clear(g)
	clear(h)
	d := f.d
	inv := math.Exp(-s)
	var ll float64
	for ty, xt := range f.x {
		sw, wlo, whi := st.sw[ty], st.wlo[ty], st.whi[ty]
		if sw == 0 && wlo == 0 && whi == 0 {
			continue
		}
		mu := polyval(rate, xt)
		var dm, ds, dmm, dms, dss float64
		if sw > 0 {
			r := st.m[ty] - mu
			quad := (st.ss[ty] + sw*r*r) * inv * inv
			ll += -sw*(halfLog2Pi+s) - quad/2
			dm += sw * r * inv * inv
			ds += -sw + quad
			dmm -= sw * inv * inv
			dms -= 2 * sw * r * inv * inv
			dss -= 2 * quad
		}
		// A censored end of weight w at z = u (μ − c)/σ (u = −1 at min, +1
		// at max): log Φ(z), with the inverse Mills ratio λ = φ(z)/Φ(z)
		// and λ' = −λ (z + λ).
		for _, end := range [2]struct{ w, u, c float64 }{{wlo, -1, d.min}, {whi, 1, d.max}} {
			if end.w == 0 {
				continue
			}
			z := end.u * (mu - end.c) * inv
			lp := logNormCDF(z)
			lam := math.Exp(-halfLog2Pi - z*z/2 - lp)
			dl := -lam * (z + lam)
			ll += end.w * lp
			dm += end.w * end.u * lam * inv
			ds -= end.w * z * lam
			dmm += end.w * dl * inv * inv
			dms -= end.w * end.u * (z*dl + lam) * inv
			dss += end.w * z * (lam + z*dl)
		}
		if g == nil {
			continue
		}
		for j := 0; j < p; j++ {
			g[j] += dm * xt[j]
		}
		g[p] += ds
		if h == nil {
			continue
		}
		for j := 0; j < p; j++ {
			for m := 0; m <= j; m++ {
				h[j*q+m] += dmm * xt[j] * xt[m]
			}
			h[p*q+j] += dms * xt[j]
		}
		h[p*q+p] += dss
	}
	if h != nil {
		symmetrise(h, q)
	}
	return ll
}

// cnormObjective is the M-step objective of one group for mixture.Newton:
// its weighted log-likelihood (eval) in (β, δ), with σ fixed when it is
// shared, or in (β, δ, log σ) when it is the group's own.
type cnormObjective struct{ c *cnormComp }

func (o *cnormObjective) Dim() int { return len(o.c.par) }

func (o *cnormObjective) Eval(x, grad, negHess []float64) float64 {
	c := o.c
	f := c.f
	p := f.nrate()
	s := c.logSigma
	if f.byGroup {
		if s = x[p]; s < f.d.logSigmaMin {
			return math.Inf(-1) // refused by Newton's step halving
		}
	}
	var g, h []float64
	if grad != nil {
		g = c.g
	}
	if negHess != nil {
		h = c.h
	}
	ll := f.eval(&c.st, x[:p], s, g, h)
	n, q := len(x), p+1
	if grad != nil {
		copy(grad, g[:n])
	}
	if negHess != nil {
		for j := 0; j < n; j++ {
			for m := 0; m < n; m++ {
				negHess[j*n+m] = -h[j*q+m]
			}
		}
	}
	return ll
}

// Fit is the M-step of one group: Newton on the aggregated censored normal
// likelihood in (β, δ), and log σ when it is the group's own; a shared σ
// stays as it is (cnormRun.Fit fits it next). The Newton run checks ctx.
func (f *cnormFamily) Fit(ctx context.Context, comp mixture.Component, w []float64, warm bool) mixture.FitInfo {
	c := comp.(*cnormComp)
	s := &c.st
	s.accumulate(f.d, w)
	var info mixture.FitInfo
	c.sigmaScore = 0
	if s.sumW < emptyWeight {
		info.Empty = true
		if !warm {
			clear(c.rate)
			c.refresh()
		}
		return info
	}
	if warm {
		f.eval(s, c.rate, c.logSigma, c.g, nil)
		c.sigmaScore = c.g[f.nrate()]
	} else {
		f.coldStart(c)
	}
	r := c.nw.Maximize(ctx, &c.obj, c.par, newtonTol, newtonMaxIter)
	info.Score = r.Score
	info.IllConditioned = r.IllConditioned
	c.refresh()
	return info
}

// coldStart sets a constant latent mean at the weighted mean of the
// values (censored ones at their censoring points) and, when σ is the
// group's own, their weighted standard deviation.
func (f *cnormFamily) coldStart(c *cnormComp) {
	s := &c.st
	d := f.d
	var sw, sy, sy2 float64
	for ty := range s.sw {
		sw += s.sw[ty] + s.wlo[ty] + s.whi[ty]
		sy += s.swy[ty] + s.wlo[ty]*d.min + s.whi[ty]*d.max
		sy2 += s.swy2[ty] + s.wlo[ty]*d.min*d.min + s.whi[ty]*d.max*d.max
	}
	clear(c.par)
	mean := sy / sw
	c.rate[0] = mean
	if f.byGroup {
		sd := math.Sqrt(math.Max(sy2/sw-mean*mean, 0))
		if !(sd > 0) {
			sd = (d.max - d.min) / 4
		}
		c.par[len(c.par)-1] = math.Log(sd)
		c.logSigma = math.Log(sd)
	}
}

// curvePoint returns μ and E[y] at age index t:
//
//	E[y] = min Φ(a) + μ [Φ(b) − Φ(a)] + σ [φ(a) − φ(b)] + max [1 − Φ(b)],
//	a = (min − μ)/σ,  b = (max − μ)/σ.
func (c *cnormComp) curvePoint(t int) CurvePoint {
	mu := c.mu[t]
	nan := math.NaN()
	return CurvePoint{Mean: censoredMean(mu, math.Exp(c.logSigma), c.f.d.min, c.f.d.max), LatentMean: mu, Rate: nan, ZeroProb: nan, Prob: nan}
}

// censoredMean is E[y] of y* ~ N(μ, σ²) censored to [lo, hi], kept in
// [lo, hi] against rounding where μ is far outside.
func censoredMean(mu, sigma, lo, hi float64) float64 {
	a, b := (lo-mu)/sigma, (hi-mu)/sigma
	m := lo*normCDF(a) + mu*normProb(a, b) + sigma*(normPDF(a)-normPDF(b)) + hi*normCDF(-b)
	return math.Min(math.Max(m, lo), hi)
}

// normProb is Φ(b) − Φ(a) for a ≤ b, from the tail in which the
// difference does not cancel.
func normProb(a, b float64) float64 {
	if a+b > 0 {
		return normCDF(-a) - normCDF(-b)
	}
	return normCDF(b) - normCDF(a)
}

// meanGrad: ∂E[y]/∂μ = Φ(b) − Φ(a), the probability of an uncensored
// value, times x_t in β (δ: 0 at covariates zero), and ∂E[y]/∂ log σ =
// σ [φ(a) − φ(b)], in the group's own parameters or the shared ones.
func (c *cnormComp) meanGrad(t int, own, shared []float64) {
	f := c.f
	d := f.d
	mu, sigma := c.mu[t], math.Exp(c.logSigma)
	a, b := (d.min-mu)/sigma, (d.max-mu)/sigma
	dmu := normProb(a, b)
	clear(own)
	for j := 0; j <= f.order; j++ {
		own[j] = dmu * f.x[t][j]
	}
	ds := sigma * (normPDF(a) - normPDF(b))
	if f.byGroup {
		own[len(own)-1] = ds
	} else {
		shared[0] = ds
	}
}

// normCDF is Φ(z), from erfc: accurate in both tails' relative terms.
func normCDF(z float64) float64 { return 0.5 * math.Erfc(-z/math.Sqrt2) }

// normPDF is φ(z).
func normPDF(z float64) float64 { return math.Exp(-z*z/2 - halfLog2Pi) }

// logNormCDF is log Φ(z), accurate in both tails: from erfc down to
// z = −37 (where Φ is about 1e-300), from the asymptotic series
//
//	Φ(z) = φ(z)/(−z) (1 − 1/z² + 3/z⁴ − 15/z⁶ + 105/z⁸ − 945/z¹⁰ + ...)
//
// below, whose truncation error there is below 1e-15 relative.
func logNormCDF(z float64) float64 {
	switch {
	case z > 5:
		return math.Log1p(-0.5 * math.Erfc(z/math.Sqrt2))
	case z > -37:
		return math.Log(0.5 * math.Erfc(-z/math.Sqrt2))
	}
	u := 1 / (z * z)
	series := 1 - u*(1-3*u*(1-5*u*(1-7*u*(1-9*u))))
	return -z*z/2 - halfLog2Pi - math.Log(-z) + math.Log(series)
}
