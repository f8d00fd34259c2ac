package trajectory

import (
	"context"
	"math"

	"github.com/trajkit/trajkit/mixture"
)

// binaryFamily is the model of one group's yearly indicator y ∈ {0, 1}
// (an offence registered in the year or not), bound to the data. At age t
// with time-varying covariates w, η_t = Σ_j β_j a_t^j + δ · w and
//
//	logit:   P(y = 1) = 1 / (1 + e^−η)              (traj's model(logit))
//	cloglog: P(y = 1) = 1 − exp(−e λ_t), λ_t = e^η  (time at risk e)
//
// cloglog is the probability of at least one event of a Poisson process of
// rate λ over the time at risk, so its λ reads as a Poisson rate.
//
// Like the count families it works on sufficient statistics: a person's
// log-likelihood is a prefix sum of log P(y = 0) over the window plus
// corrections at the person's special cells (the ones, the holes, the
// zeros with covariates or an exposure other than 1). The M-step needs,
// for logit, the weighted ones and observed cells by cell type; for
// cloglog, the weighted exposure of the zeros by type (log P(y = 0) = −e λ
// is linear in e) and the weighted ones pooled by type and exposure (log
// P(y = 1) is not linear in e).
type binaryFamily struct {
	d     *binaryData
	link  Distribution // Logit or Cloglog
	order int
	// x are the design rows by cell type (see familyData.rateRows).
	x [][]float64
}

// binaryData is what all groups' binary families share: the cell types,
// and the ones pooled by cell type and exposure (onePool[k] is the pool of
// special cell k, −1 for a cell that is not a one; poolType and poolE are
// each pool's type and exposure). Without exposures the pools are the cell
// types that have ones.
type binaryData struct {
	*familyData
	onePool  []int32
	poolType []uint32
	poolE    []float64
	// onePerson and oneCellPool list the persons and pools of the ones,
	// for the M-step's sums.
	onePerson   []int32
	oneCellPool []uint32
}

func newBinaryData(c *Careers) *binaryData {
	d := &binaryData{familyData: newFamilyData(c), onePool: make([]int32, len(c.Y))}
	type key struct {
		ty uint32
		e  uint64
	}
	pools := map[key]uint32{}
	for i := 0; i < c.Len(); i++ {
		for k := c.Start[i]; k < c.Start[i+1]; k++ {
			d.onePool[k] = -1
			if c.Y[k] == 0 {
				continue
			}
			e := c.Exposure(k)
			kk := key{d.typeOf(k), math.Float64bits(e)}
			g, ok := pools[kk]
			if !ok {
				g = uint32(len(d.poolType))
				pools[kk] = g
				d.poolType = append(d.poolType, kk.ty)
				d.poolE = append(d.poolE, e)
			}
			d.onePool[k] = int32(g)
			d.onePerson = append(d.onePerson, int32(i))
			d.oneCellPool = append(d.oneCellPool, g)
		}
	}
	return d
}

func binaryFamilies(c *Careers, s AgeScaling, m Model) []mixture.Family {
	d := newBinaryData(c)
	fams := make([]mixture.Family, m.Groups())
	for j := range fams {
		fams[j] = &binaryFamily{d: d, link: m.Distribution, order: m.Orders[j], x: d.rateRows(s, m.Orders[j])}
	}
	return fams
}

func (f *binaryFamily) Len() int       { return f.d.c.Len() }
func (f *binaryFamily) NumParams() int { return len(f.x[0]) }

func (f *binaryFamily) NewComponent() mixture.Component {
	nty := f.d.types()
	np := len(f.d.poolType)
	c := &binaryComp{
		f:      f,
		beta:   make([]float64, f.NumParams()),
		eta:    make([]float64, nty),
		lam:    make([]float64, nty),
		prob:   make([]float64, nty),
		zero:   make([]float64, nty),
		dzero:  make([]float64, nty),
		one:    make([]float64, np),
		prefix: make([]float64, f.d.c.NumAges+1),
	}
	c.st.init(nty, f.d.c.NumAges, np)
	c.obj = binaryObjective{f: f, st: &c.st}
	c.refresh()
	return c
}

// binaryComp is one group's curve with the per-type and per-pool
// quantities that make its log-likelihood cheap.
type binaryComp struct {
	f    *binaryFamily
	beta []float64 // (β, δ)
	// By cell type: η, λ = e^η (cloglog), P(y = 1) at exposure 1, log P(y
	// = 0) at exposure 1 (zero) and its derivative in η (dzero). By pool:
	// log P(y = 1) at the pool's exposure. prefix holds the prefix sums of
	// zero over the ages' own types (covariates zero).
	eta, lam, prob, zero, dzero, one, prefix []float64
	st                                       binaryStats
	obj                                      binaryObjective
	nw                                       mixture.Newton
}

// refresh recomputes the per-type and per-pool quantities from β.
func (c *binaryComp) refresh() {
	f := c.f
	for ty := range c.eta {
		eta := polyval(c.beta, f.x[ty])
		c.eta[ty] = eta
		if f.link == Logit {
			c.prob[ty] = expit(eta)
			c.zero[ty] = logSigmoid(-eta)
			c.dzero[ty] = -c.prob[ty]
			continue
		}
		lam := math.Exp(eta)
		c.lam[ty], c.prob[ty] = lam, -math.Expm1(-lam)
		c.zero[ty], c.dzero[ty] = -lam, -lam
	}
	for g, ty := range f.d.poolType {
		if f.link == Logit {
			c.one[g] = logSigmoid(c.eta[ty])
			continue
		}
		c.one[g] = logOneMinusExp(f.d.poolE[g] * c.lam[ty])
	}
	c.prefix[0] = 0
	for t := 0; t < f.d.c.NumAges; t++ {
		c.prefix[t+1] = c.prefix[t] + c.zero[t]
	}
}

// logOneMinusExp returns log(1 − e^−u) for u > 0, accurate for small and
// large u.
func logOneMinusExp(u float64) float64 {
	if u < math.Ln2 {
		return math.Log(-math.Expm1(-u))
	}
	return math.Log1p(-math.Exp(-u))
}

// LogLik fills dst[i] for persons from ≤ i < to:
//
//	ℓ_i = Σ_{t=lo..hi} log P_t(y = 0) + Σ_{special cells} (cell value − log P_t(y = 0)).
//
// A binary outcome has no constant term (log y! = 0), so Careers.Const,
// which holds the counts' y log e, is not used.
func (c *binaryComp) LogLik(dst []float64, from, to int) {
	d := c.f.d
	cs := d.c
	for i := from; i < to; i++ {
		ll := c.prefix[int(cs.Hi[i])+1] - c.prefix[cs.Lo[i]]
		for k := cs.Start[i]; k < cs.Start[i+1]; k++ {
			t := cs.Age[k]
			ll -= c.zero[t]
			if g := d.onePool[k]; g >= 0 {
				ll += c.one[g]
				continue
			}
			switch e := cs.Exposure(k); e {
			case 0: // an unobserved age
			case 1:
				ll += c.zero[d.typeOf(k)]
			default: // cloglog: log P(y = 0) = −e λ
				ll -= e * c.lam[d.typeOf(k)]
			}
		}
		dst[i] = ll
	}
}

func (c *binaryComp) Params(dst []float64) []float64 { return append(dst[:0], c.beta...) }

func (c *binaryComp) SetParams(p []float64) {
	if len(p) != len(c.beta) {
		panic("trajectory: wrong number of group parameters")
	}
	copy(c.beta, p)
	c.refresh()
}

// binaryStats are the weighted sums of the M-step by cell type and pool.
type binaryStats struct {
	win  []float64 // by age: persons whose window covers it (difference array first)
	spec []float64 // by age: Σ w over special cells at the age
	w0   []float64 // by type: Σ w over zeros with exposure 1
	ez   []float64 // by type: Σ w e over zeros with another exposure (cloglog)
	ones []float64 // by type: Σ w over ones (logit's successes)
	wp   []float64 // by pool: Σ w over the pool's ones
	// trials are logit's observed cells by type, w0 + ones.
	trials []float64
	sumW   float64
}

func (s *binaryStats) init(types, ages, pools int) {
	for _, p := range []*[]float64{&s.w0, &s.ez, &s.ones, &s.trials} {
		*p = make([]float64, types)
	}
	s.win = make([]float64, ages+1)
	s.spec = make([]float64, ages)
	s.wp = make([]float64, pools)
}

// accumulate computes the weighted sums for weights w, in O(persons +
// special cells).
func (s *binaryStats) accumulate(d *binaryData, w []float64) {
	cs := d.c
	for _, p := range [][]float64{s.win, s.spec, s.w0, s.ez, s.ones, s.wp} {
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
			if d.onePool[k] >= 0 {
				continue
			}
			switch e := cs.Exposure(k); e {
			case 0:
			case 1:
				s.w0[d.typeOf(k)] += wi
			default:
				s.ez[d.typeOf(k)] += wi * e
			}
		}
	}
	for j, i := range d.onePerson {
		s.wp[d.oneCellPool[j]] += w[i]
	}
	var run float64
	for t := range s.spec {
		run += s.win[t]
		s.win[t] = run
		s.w0[t] += math.Max(0, run-s.spec[t])
	}
	for g, ty := range d.poolType {
		s.ones[ty] += s.wp[g]
	}
	for ty := range s.trials {
		s.trials[ty] = s.w0[ty] + s.ones[ty]
	}
}

// binaryObjective is the weighted log-likelihood of one group in (β, δ)
// from the sums by type and pool (logit: terms free of β dropped):
//
//	logit:   f = Σ_c S_c η_c − N_c log(1 + e^η_c)
//	cloglog: f = −Σ_c (W0_c + EZ_c) λ_c + Σ_pools W_p log(1 − e^(−e_p λ_c(p)))
//
// with S the ones and N the observed cells (logisticObjective), W0 the
// zeros with exposure 1, EZ the exposure of the other zeros. Both are
// concave in η, so in β: cloglog's log(1 − e^−u) has derivative
// r = u/(e^u − 1) in η = log λ, and second derivative −r(r e^u − 1) < 0.
type binaryObjective struct {
	f  *binaryFamily
	st *binaryStats
	// gt and ht are the derivatives in η by type.
	gt, ht []float64
}

func (o *binaryObjective) Dim() int { return o.f.NumParams() }

func (o *binaryObjective) Eval(b, grad, negHess []float64) float64 {
	if o.f.link == Logit {
		lo := logisticObjective{z: o.f.x, succ: o.st.ones, trials: o.st.trials}
		return lo.Eval(b, grad, negHess)
	}
	f, d, s := o.f, o.f.d, o.st
	if o.gt == nil {
		o.gt, o.ht = make([]float64, len(f.x)), make([]float64, len(f.x))
	}
	var v float64
	for ty, xt := range f.x {
		lam := math.Exp(polyval(b, xt))
		e0 := s.w0[ty] + s.ez[ty]
		v -= e0 * lam
		o.gt[ty], o.ht[ty] = -e0*lam, e0*lam
	}
	for g, ty := range d.poolType {
		w := s.wp[g]
		if w == 0 {
			continue
		}
		u := d.poolE[g] * math.Exp(polyval(b, f.x[ty]))
		v += w * logOneMinusExp(u)
		re := u / -math.Expm1(-u) // r e^u
		r := re * math.Exp(-u)
		o.gt[ty] += w * r
		o.ht[ty] += w * r * (re - 1)
	}
	if grad == nil {
		return v
	}
	p := len(b)
	clear(grad)
	clear(negHess)
	for ty, xt := range f.x {
		g, h := o.gt[ty], o.ht[ty]
		if g == 0 && h == 0 {
			continue
		}
		for j := 0; j < p; j++ {
			grad[j] += g * xt[j]
			if negHess != nil {
				for m := 0; m <= j; m++ {
					negHess[j*p+m] += h * xt[j] * xt[m]
				}
			}
		}
	}
	symmetrise(negHess, p)
	return v
}

// Fit is the M-step of one group: Newton (IRLS) on binaryObjective, from
// the weights' overall proportion of ones when cold.
func (f *binaryFamily) Fit(ctx context.Context, comp mixture.Component, w []float64, warm bool) mixture.FitInfo {
	c := comp.(*binaryComp)
	s := &c.st
	s.accumulate(f.d, w)
	var info mixture.FitInfo
	if s.sumW < emptyWeight {
		info.Empty = true
		if !warm {
			clear(c.beta)
			c.beta[0] = f.linkOf(0.1)
			c.refresh()
		}
		return info
	}
	if !warm {
		var ones, cells float64
		for ty := range s.trials {
			ones += s.ones[ty]
			cells += s.trials[ty] + s.ez[ty]
		}
		clear(c.beta)
		c.beta[0] = f.linkOf((ones + 1e-3) / (cells + 2e-3))
	}
	r := c.nw.Maximize(ctx, &c.obj, c.beta, newtonTol, newtonMaxIter)
	info.Score, info.IllConditioned = r.Score, r.IllConditioned
	c.refresh()
	return info
}

// linkOf returns η for the probability p of a one at exposure 1.
func (f *binaryFamily) linkOf(p float64) float64 {
	if f.link == Logit {
		return math.Log(p / (1 - p))
	}
	return math.Log(-math.Log1p(-p))
}

// Scores sets dst[(i−from)·d + j] = ∂ℓ_i/∂θ_j: the prefix sums over the
// window of the derivative of log P(y = 0) times the design row, corrected
// at the special cells with the cell's own derivative (logit: 1 − p for a
// one; cloglog: u/(e^u − 1) for a one at u = e λ, −e λ for a zero).
func (c *binaryComp) Scores(dst []float64, from, to int) {
	f := c.f
	d := f.d
	cs := d.c
	dim := len(c.beta)
	nt := cs.NumAges
	pre := make([]float64, (nt+1)*dim)
	for t := 0; t < nt; t++ {
		row, next := pre[t*dim:(t+1)*dim], pre[(t+1)*dim:(t+2)*dim]
		for j := 0; j < dim; j++ {
			next[j] = row[j] + c.dzero[t]*f.x[t][j]
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
			e := cs.Exposure(k)
			var ce float64 // the cell's derivative in η
			switch {
			case d.onePool[k] >= 0 && f.link == Logit:
				ce = 1 - c.prob[ty]
			case d.onePool[k] >= 0:
				u := e * c.lam[ty]
				ce = u / math.Expm1(u)
			case e == 0:
			case e == 1:
				ce = c.dzero[ty]
			default:
				ce = -e * c.lam[ty]
			}
			for j := 0; j < dim; j++ {
				g[j] += ce*f.x[ty][j] - c.dzero[t]*f.x[t][j]
			}
		}
	}
}

// Hessian sets dst to Σ_i w[i] ∂²ℓ_i/∂θ∂θᵀ: minus the negative Hessian of
// binaryObjective at the current parameters, from the sums with weights w.
func (c *binaryComp) Hessian(dst []float64, w []float64) {
	c.st.accumulate(c.f.d, w)
	grad := make([]float64, len(c.beta))
	c.obj.Eval(c.beta, grad, dst)
	for j := range dst {
		dst[j] = -dst[j]
	}
}

// curvePoint returns P(y = 1) at exposure 1 (and cloglog's λ) at age
// index t.
func (c *binaryComp) curvePoint(t int) CurvePoint {
	p := CurvePoint{Rate: math.NaN(), ZeroProb: math.NaN(), Prob: c.prob[t], LatentMean: math.NaN(), Mean: c.prob[t]}
	if c.f.link == Cloglog {
		p.Rate = c.lam[t]
	}
	return p
}

// meanGrad: the gradient of logit P_t(y = 1) at covariates zero: x_t for
// logit; for cloglog logit(1 − e^−λ) = log(e^λ − 1), of derivative
// λ/(1 − e^−λ) in η, times x_t.
func (c *binaryComp) meanGrad(t int, own, _ []float64) {
	f := c.f
	clear(own)
	m := 1.0
	if f.link == Cloglog {
		m = c.lam[t] / -math.Expm1(-c.lam[t])
	}
	for j := 0; j <= f.order; j++ {
		own[j] = m * f.x[t][j]
	}
}
