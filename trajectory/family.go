package trajectory

import (
	"math"

	"github.com/trajkit/trajkit/mixture"
)

// groupFamily is the Poisson or zero-inflated Poisson model of one group's
// careers (Nagin 1999; Jones, Nagin & Roeder 2001; Lambert 1992), bound to
// the data. In group k, at age t with exposure e,
//
//	log λ_t = Σ_j β_j a_t^j   (j = 0..order)
//	logit ρ_t = Σ_j γ_j a_t^j (j = 0..inflation; no inflation when −1)
//	P(y = 0) = ρ_t + (1 − ρ_t) exp(−e λ_t)
//	P(y = j) = (1 − ρ_t) Poisson(j; e λ_t),  j > 0.
//
// It implements mixture.Family on sufficient statistics by age: a person's
// log-likelihood needs only the person's special cells and prefix sums over
// the age window, and the M-step needs only per-age weighted sums.
type groupFamily struct {
	d         *familyData
	order     int
	inflation int
	x, z      [][]float64 // bases of the rate and of the inflation
}

// familyData is what all groups' families share.
type familyData struct {
	c *Careers
	// zero-count cells with an exposure other than 0 and 1: their ZIP
	// posterior of a structural zero depends on the exposure, so the ZIP
	// M-step visits them one by one.
	zxPerson []int32
	zxAge    []uint8
	zxE      []float64
}

func newFamilyData(c *Careers) *familyData {
	d := &familyData{c: c}
	if c.E == nil {
		return d
	}
	for i := 0; i < c.Len(); i++ {
		for k := c.Start[i]; k < c.Start[i+1]; k++ {
			if c.Y[k] == 0 && c.E[k] != 0 {
				d.zxPerson = append(d.zxPerson, int32(i))
				d.zxAge = append(d.zxAge, c.Age[k])
				d.zxE = append(d.zxE, c.E[k])
			}
		}
	}
	return d
}

func newGroupFamily(d *familyData, s AgeScaling, order, inflation int) *groupFamily {
	f := &groupFamily{d: d, order: order, inflation: inflation}
	f.x = basis(s, d.c.MinAge, d.c.NumAges, order)
	if inflation >= 0 {
		f.z = basis(s, d.c.MinAge, d.c.NumAges, inflation)
	}
	return f
}

func (f *groupFamily) Len() int { return f.d.c.Len() }

func (f *groupFamily) NumParams() int {
	return f.order + 1 + max(f.inflation+1, 0)
}

func (f *groupFamily) NewComponent() mixture.Component {
	t := f.d.c.NumAges
	c := &groupComp{
		f:        f,
		beta:     make([]float64, f.order+1),
		gamma:    make([]float64, max(f.inflation+1, 0)),
		eta:      make([]float64, t),
		lam:      make([]float64, t),
		logRho:   make([]float64, t),
		log1mRho: make([]float64, t),
		base:     make([]float64, t),
		cnz:      make([]float64, t),
		prefix:   make([]float64, t+1),
	}
	c.st.init(t)
	c.refresh()
	return c
}

// groupComp is one group's fitted curve with the per-age quantities that
// make its log-likelihood cheap.
type groupComp struct {
	f           *groupFamily
	beta, gamma []float64
	// Per age: η = log λ, λ, log ρ, log(1 − ρ); base is the log-likelihood
	// of an observed zero with exposure 1, and cnz is added to y·η for a
	// positive count with exposure 1. prefix holds the prefix sums of base.
	eta, lam, logRho, log1mRho, base, cnz, prefix []float64
	st                                            groupStats
}

// refresh recomputes the per-age quantities from the parameters.
func (c *groupComp) refresh() {
	f := c.f
	c.prefix[0] = 0
	for t := range c.eta {
		eta := polyval(c.beta, f.x[t])
		lam := math.Exp(eta)
		c.eta[t], c.lam[t] = eta, lam
		if f.inflation < 0 {
			c.logRho[t], c.log1mRho[t] = math.Inf(-1), 0
			c.base[t] = -lam
			c.cnz[t] = 0
		} else {
			zeta := polyval(c.gamma, f.z[t])
			c.logRho[t], c.log1mRho[t] = logSigmoid(zeta), logSigmoid(-zeta)
			c.base[t] = logAddExp(c.logRho[t], c.log1mRho[t]-lam)
			c.cnz[t] = c.log1mRho[t] - lam - c.base[t]
		}
		c.prefix[t+1] = c.prefix[t] + c.base[t]
	}
}

// LogLik fills dst[i] for persons from ≤ i < to:
//
//	ℓ_i = Const_i + Σ_{t=lo..hi} base_t + Σ_{special cells} (cell value − base_t).
func (c *groupComp) LogLik(dst []float64, from, to int) {
	d := c.f.d.c
	for i := from; i < to; i++ {
		ll := d.Const[i] + c.prefix[int(d.Hi[i])+1] - c.prefix[d.Lo[i]]
		for k := d.Start[i]; k < d.Start[i+1]; k++ {
			t := d.Age[k]
			y := d.Y[k]
			e := d.exposure(k)
			switch {
			case e == 1:
				ll += float64(y)*c.eta[t] + c.cnz[t]
			case e == 0:
				ll -= c.base[t]
			case y > 0:
				ll += float64(y)*c.eta[t] + c.log1mRho[t] - e*c.lam[t] - c.base[t]
			default:
				ll += logAddExp(c.logRho[t], c.log1mRho[t]-e*c.lam[t]) - c.base[t]
			}
		}
		dst[i] = ll
	}
}

func (c *groupComp) Params(dst []float64) []float64 {
	dst = append(dst[:0], c.beta...)
	return append(dst, c.gamma...)
}

func (c *groupComp) SetParams(p []float64) {
	if len(p) != len(c.beta)+len(c.gamma) {
		panic("trajectory: wrong number of group parameters")
	}
	copy(c.beta, p)
	copy(c.gamma, p[len(c.beta):])
	c.refresh()
}

// groupStats are the per-age weighted sums of the M-step.
type groupStats struct {
	win  []float64 // persons whose window covers the age (difference array first)
	y    []float64 // Σ w y over positive counts
	pos  []float64 // Σ w over positive counts
	epos []float64 // Σ w e over positive counts
	miss []float64 // Σ w over unobserved ages inside windows
	wz   []float64 // Σ w over zero counts with exposure ∉ {0, 1}
	ez   []float64 // Σ w e over those
	w0   []float64 // Σ w over zero counts with exposure 1
	// working sums of the Newton problems
	eff, succ, trials []float64
	sumW              float64
	w                 []float64 // the weights of the last accumulate, by reference
	pois              poissonObjective
	logit             logisticObjective
	zip               zipObjective
	zd                zipDerivs
	par               []float64
	nw                mixture.Newton
}

func (s *groupStats) init(t int) {
	for _, p := range []*[]float64{&s.y, &s.pos, &s.epos, &s.miss, &s.wz, &s.ez, &s.w0, &s.eff, &s.succ, &s.trials} {
		*p = make([]float64, t)
	}
	s.win = make([]float64, t+1)
	s.zd.init(t)
}

// accumulate computes the per-age weighted sums for weights w, in
// O(persons + special cells).
func (s *groupStats) accumulate(d *Careers, w []float64) {
	for _, p := range [][]float64{s.win, s.y, s.pos, s.epos, s.miss, s.wz, s.ez} {
		clear(p)
	}
	s.sumW = 0
	s.w = w
	for i, wi := range w {
		if wi == 0 {
			continue
		}
		s.sumW += wi
		s.win[d.Lo[i]] += wi
		s.win[int(d.Hi[i])+1] -= wi
		for k := d.Start[i]; k < d.Start[i+1]; k++ {
			t := d.Age[k]
			y := d.Y[k]
			e := d.exposure(k)
			switch {
			case y > 0:
				s.y[t] += wi * float64(y)
				s.pos[t] += wi
				s.epos[t] += wi * e
			case e == 0:
				s.miss[t] += wi
			default:
				s.wz[t] += wi
				s.ez[t] += wi * e
			}
		}
	}
	var run float64
	for t := range s.w0 {
		run += s.win[t]
		s.win[t] = run
		s.w0[t] = math.Max(0, run-s.pos[t]-s.miss[t]-s.wz[t])
	}
}

// emptyWeight is the total weight under which a group counts as empty.
const emptyWeight = 1e-8

// Fit is the M-step of one group: Newton (IRLS) on the aggregated weighted
// Poisson likelihood and, for ZIP, on the logit of the zero inflation with
// the aggregated expected structural zeros (the EM of Lambert 1992, run for
// a few inner iterations, each of which increases the group's weighted
// log-likelihood).
func (f *groupFamily) Fit(comp mixture.Component, w []float64, warm bool) mixture.FitInfo {
	c := comp.(*groupComp)
	s := &c.st
	s.accumulate(f.d.c, w)
	var info mixture.FitInfo
	if s.sumW < emptyWeight {
		info.Empty = true
		if !warm {
			clear(c.beta)
			clear(c.gamma)
			c.beta[0] = math.Log(0.1)
			c.refresh()
		}
		return info
	}
	if !warm {
		f.coldStart(c)
	}
	if f.inflation < 0 {
		for t := range s.eff {
			s.eff[t] = s.w0[t] + s.epos[t] + s.ez[t]
		}
		r := f.fitRate(c)
		info.Score = r.Score
		info.IllConditioned = r.IllConditioned
	} else {
		f.fitZIP(c, warm, &info)
	}
	c.refresh()
	return info
}

// fitRate runs Newton on β for the counts s.y and effective exposures s.eff.
func (f *groupFamily) fitRate(c *groupComp) mixture.NewtonResult {
	s := &c.st
	s.pois = poissonObjective{x: f.x, y: s.y, e: s.eff}
	return s.nw.Maximize(&s.pois, c.beta, newtonTol, newtonMaxIter)
}

// coldStart sets a Poisson fit of the weighted data (and, for ZIP, a
// moment start of the inflation) when there is no previous fit.
func (f *groupFamily) coldStart(c *groupComp) {
	s := &c.st
	var ys, es float64
	for t := range s.eff {
		s.eff[t] = s.w0[t] + s.epos[t] + s.ez[t]
		ys += s.y[t]
		es += s.eff[t]
	}
	clear(c.beta)
	clear(c.gamma)
	c.beta[0] = math.Log((ys + 1e-3) / (es + 1e-3))
	f.fitRate(c)
	if f.inflation < 0 {
		return
	}
	// Excess zeros over the Poisson expectation give the starting ρ.
	c.refresh()
	var zeros, expected, cells float64
	for t := range s.eff {
		zeros += s.w0[t] + s.wz[t]
		expected += (s.w0[t] + s.wz[t] + s.pos[t]) * math.Exp(-c.lam[t])
		cells += s.w0[t] + s.wz[t] + s.pos[t]
	}
	rho := 0.05
	if cells > expected {
		rho = (zeros - expected) / (cells - expected)
	}
	rho = math.Min(math.Max(rho, 0.05), 0.9)
	c.gamma[0] = math.Log(rho / (1 - rho))
	// The Poisson fit saw the structural zeros as Poisson zeros; rescale λ.
	c.beta[0] -= math.Log(1 - rho)
}

// Newton settings of the M-step: the decrement tolerance, relative to the
// objective, is far below the log-likelihood changes that EM's stopping
// rule looks at.
const (
	newtonTol     = 1e-14
	newtonMaxIter = 50
	zipInnerIter  = 20
)

// logSigmoid returns log(1 / (1 + e^−x)) without overflow.
func logSigmoid(x float64) float64 {
	if x >= 0 {
		return -math.Log1p(math.Exp(-x))
	}
	return x - math.Log1p(math.Exp(x))
}

// logAddExp returns log(e^a + e^b).
func logAddExp(a, b float64) float64 {
	if a < b {
		a, b = b, a
	}
	if math.IsInf(b, -1) {
		return a
	}
	return a + math.Log1p(math.Exp(b-a))
}
