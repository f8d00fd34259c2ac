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
