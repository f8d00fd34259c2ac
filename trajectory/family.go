package trajectory

import (
	"context"
	"math"

	"github.com/trajkit/trajkit/mixture"
)

// groupFamily is the Poisson or zero-inflated Poisson model of one group's
// careers (Nagin 1999; Jones, Nagin & Roeder 2001; Lambert 1992), bound to
// the data. In group k, at age t with exposure e and time-varying
// covariates w (traj's tcov; none by default),
//
//	log λ_t = Σ_j β_j a_t^j + δ · w   (j = 0..order)
//	logit ρ_t = Σ_j γ_j a_t^j         (j = 0..inflation; none when −1)
//	P(y = 0) = ρ_t + (1 − ρ_t) exp(−e λ_t)
//	P(y = j) = (1 − ρ_t) Poisson(j; e λ_t),  j > 0.
//
// It implements mixture.Family on sufficient statistics: a person's
// log-likelihood needs only the person's special cells and prefix sums over
// the age window, and the M-step needs only weighted sums by cell type. A
// cell's type is its age, or, for a cell with covariates not all zero, the
// pair of its age and covariate pattern; without covariates the types are
// the ages.
type groupFamily struct {
	d         *familyData
	order     int
	inflation int
	// x and z are the rate's and the inflation's design rows by cell type:
	// x_c = (1, a, ..., a^order, w), z_c = (1, a, ..., a^inflation).
	x, z [][]float64
}

// familyData is what all groups' families share.
type familyData struct {
	c *Careers
	// Cell types beyond the ages: typeAge and typePattern give each
	// type's age index and covariate pattern; cellType is the type of each
	// special cell (nil without covariates: the type is the age).
	typeAge     []int
	typePattern []uint32
	cellType    []uint32
	// Zero-count cells with an exposure other than 0 and 1: their ZIP
	// posterior of a structural zero depends on the exposure. Cells that
	// share a cell type and an exposure are pooled: zxPerson and zxPool
	// give each cell's person and pool, zxType and zxE each pool's type and
	// exposure. Exposures recorded in days (fractions of 365) make a few
	// hundred pools per type however many persons there are, and the ZIP
	// M-step's Newton iterations run over the pools.
	zxPerson []int32
	zxPool   []uint32
	zxType   []uint32
	zxE      []float64
	// cellPool is the pool of each special cell (−1 for cells in none).
	cellPool []int32
}

func newFamilyData(c *Careers) *familyData {
	d := &familyData{c: c}
	for t := 0; t < c.NumAges; t++ {
		d.typeAge = append(d.typeAge, t)
		d.typePattern = append(d.typePattern, 0)
	}
	if c.Pattern != nil {
		d.cellType = make([]uint32, len(c.Y))
		index := map[[2]uint32]uint32{}
		for k, p := range c.Pattern {
			t := uint32(c.Age[k])
			if p == 0 {
				d.cellType[k] = t
				continue
			}
			key := [2]uint32{t, p}
			ty, ok := index[key]
			if !ok {
				ty = uint32(len(d.typeAge))
				index[key] = ty
				d.typeAge = append(d.typeAge, int(t))
				d.typePattern = append(d.typePattern, p)
			}
			d.cellType[k] = ty
		}
	}
	if c.E == nil {
		return d
	}
	type pool struct {
		ty uint32
		e  uint64
	}
	pools := map[pool]uint32{}
	d.cellPool = make([]int32, len(c.Y))
	for k := range d.cellPool {
		d.cellPool[k] = -1
	}
	for i := 0; i < c.Len(); i++ {
		for k := c.Start[i]; k < c.Start[i+1]; k++ {
			e := c.E[k]
			if c.Y[k] != 0 || e == 0 || e == 1 {
				continue
			}
			key := pool{d.typeOf(k), math.Float64bits(e)}
			g, ok := pools[key]
			if !ok {
				g = uint32(len(d.zxType))
				pools[key] = g
				d.zxType = append(d.zxType, key.ty)
				d.zxE = append(d.zxE, e)
			}
			d.zxPerson = append(d.zxPerson, int32(i))
			d.zxPool = append(d.zxPool, g)
			d.cellPool[k] = int32(g)
		}
	}
	return d
}

// types returns the number of cell types.
func (d *familyData) types() int { return len(d.typeAge) }

// typeOf returns the type of special cell k.
func (d *familyData) typeOf(k int32) uint32 {
	if d.cellType == nil {
		return uint32(d.c.Age[k])
	}
	return d.cellType[k]
}

func newGroupFamily(d *familyData, s AgeScaling, order, inflation int) *groupFamily {
	f := &groupFamily{d: d, order: order, inflation: inflation, x: d.rateRows(s, order)}
	if inflation >= 0 {
		az := basis(s, d.c.MinAge, d.c.NumAges, inflation)
		for _, t := range d.typeAge {
			f.z = append(f.z, az[t])
		}
	}
	return f
}

// rateRows returns the design rows of a polynomial of the given order in
// age and the time-varying covariates, by cell type: x_c = (1, a, ...,
// a^order, w).
func (d *familyData) rateRows(s AgeScaling, order int) [][]float64 {
	ax := basis(s, d.c.MinAge, d.c.NumAges, order)
	x := make([][]float64, d.types())
	for ty, t := range d.typeAge {
		row := append([]float64(nil), ax[t]...)
		if d.c.TcovNames != nil {
			row = append(row, d.c.Patterns[d.typePattern[ty]]...)
		}
		x[ty] = row
	}
	return x
}

// ntcov is the number of time-varying covariates.
func (f *groupFamily) ntcov() int { return len(f.d.c.TcovNames) }

func (f *groupFamily) Len() int { return f.d.c.Len() }

func (f *groupFamily) NumParams() int {
	return f.order + 1 + f.ntcov() + max(f.inflation+1, 0)
}

func (f *groupFamily) NewComponent() mixture.Component {
	nty := f.d.types()
	nr := f.order + 1 + f.ntcov()
	c := &groupComp{
		f:        f,
		rate:     make([]float64, nr),
		gamma:    make([]float64, max(f.inflation+1, 0)),
		eta:      make([]float64, nty),
		lam:      make([]float64, nty),
		logRho:   make([]float64, nty),
		log1mRho: make([]float64, nty),
		zero:     make([]float64, nty),
		cnz:      make([]float64, nty),
		prefix:   make([]float64, f.d.c.NumAges+1),
		pool:     make([]float64, len(f.d.zxType)),
		tau:      make([]float64, len(f.d.zxType)),
		rho:      make([]float64, nty),
		om:       make([]float64, nty),
	}
	c.beta, c.delta = c.rate[:f.order+1], c.rate[f.order+1:]
	c.st.init(nty, f.d.c.NumAges, len(f.d.zxType))
	c.refresh()
	return c
}

// groupComp is one group's fitted curve with the per-type quantities that
// make its log-likelihood cheap.
type groupComp struct {
	f *groupFamily
	// rate = (β, δ): β the polynomial in age, δ the effects of the
	// time-varying covariates; γ the inflation polynomial.
	rate, beta, delta, gamma []float64
	// Per cell type: η = log λ, λ, log ρ, log(1 − ρ), the log-likelihood of
	// a zero with exposure 1 (zero), and cnz, added to y·η for a positive
	// count with exposure 1. prefix holds the prefix sums over ages of the
	// ages' own types (covariates zero), the baseline of every window.
	eta, lam, logRho, log1mRho, zero, cnz, prefix []float64
	// rho and om are ρ and 1 − ρ by type (ZIP only).
	rho, om []float64
	// pool holds, for each pool of zeros with the same type and exposure
	// e ∉ {0, 1}, their probability P = ρ + (1 − ρ) e^(−e λ) when P ≥
	// poolMinLinear, and otherwise log P (< 0): LogLik multiplies the
	// probabilities of a person's pools and takes one logarithm, so that a
	// pool costs one exponential per iteration and no logarithm. Without
	// inflation it always holds log P = −e λ. tau is the posterior
	// probability that such a zero is structural (0 without inflation).
	pool, tau []float64
	st        groupStats
}

// refresh recomputes every per-type and per-pool quantity from the
// parameters.
func (c *groupComp) refresh() {
	c.refreshTypes()
	f := c.f
	for g, ty := range f.d.zxType {
		u := f.d.zxE[g] * c.lam[ty]
		if f.inflation < 0 {
			c.pool[g], c.tau[g] = -u, 0
			continue
		}
		q := c.om[ty] * math.Exp(-u)
		if p := c.rho[ty] + q; p >= poolMinLinear {
			c.pool[g], c.tau[g] = p, c.rho[ty]/p
			continue
		}
		c.pool[g], c.tau[g] = zeroTerms(c.logRho[ty], c.log1mRho[ty]-u)
	}
}

// poolMinLinear is the smallest zero probability that refresh keeps on the
// linear scale (see groupComp.pool): a product of such factors stays a
// normal number as long as LogLik moves it to the log scale whenever it
// falls below poolRescale.
const (
	poolMinLinear = 1e-200
	poolRescale   = 1e-100
)

// poolLog returns the log-probability that a pool's value v stands for.
func poolLog(v float64) float64 {
	if v > 0 {
		return math.Log(v)
	}
	return v
}

// refreshTypes recomputes the per-type quantities and the prefix sums, all
// the M-step's inner loops need.
func (c *groupComp) refreshTypes() {
	f := c.f
	for ty, age := range f.d.typeAge {
		eta := polyval(c.rate, f.x[ty])
		lam := math.Exp(eta)
		c.eta[ty], c.lam[ty] = eta, lam
		if f.inflation < 0 {
			c.logRho[ty], c.log1mRho[ty] = math.Inf(-1), 0
			c.zero[ty] = -lam
		} else {
			zeta := polyval(c.gamma, f.z[ty])
			c.logRho[ty], c.log1mRho[ty] = logSigmoid(zeta), logSigmoid(-zeta)
			c.rho[ty], c.om[ty] = math.Exp(c.logRho[ty]), math.Exp(c.log1mRho[ty])
			c.zero[ty] = logAddExp(c.logRho[ty], c.log1mRho[ty]-lam)
		}
		// For ages, type = age, so zero[age] is already set.
		c.cnz[ty] = c.log1mRho[ty] - lam - c.zero[age]
	}
	c.prefix[0] = 0
	for t := 0; t < f.d.c.NumAges; t++ {
		c.prefix[t+1] = c.prefix[t] + c.zero[t]
	}
}

// LogLik fills dst[i] for persons from ≤ i < to:
//
//	ℓ_i = Const_i + Σ_{t=lo..hi} zero_t + Σ_{special cells} (cell value − zero_t).
func (c *groupComp) LogLik(dst []float64, from, to int) {
	d := c.f.d
	cs := d.c
	for i := from; i < to; i++ {
		ll := cs.Const[i] + c.prefix[int(cs.Hi[i])+1] - c.prefix[cs.Lo[i]]
		prod := 1.0 // of the person's zero probabilities in pools, see pool
		for k := cs.Start[i]; k < cs.Start[i+1]; k++ {
			t := cs.Age[k]
			ty := d.typeOf(k)
			y := cs.Y[k]
			e := cs.Exposure(k)
			switch {
			case e == 1 && y > 0:
				ll += float64(y)*c.eta[ty] + c.cnz[ty]
			case e == 1: // a zero whose covariates are not all zero
				ll += c.zero[ty] - c.zero[t]
			case e == 0:
				ll -= c.zero[t]
			case y > 0:
				ll += float64(y)*c.eta[ty] + c.log1mRho[ty] - e*c.lam[ty] - c.zero[t]
			default:
				ll -= c.zero[t]
				if v := c.pool[d.cellPool[k]]; v > 0 {
					if prod *= v; prod < poolRescale {
						ll += math.Log(prod)
						prod = 1
					}
				} else {
					ll += v
				}
			}
		}
		if prod != 1 {
			ll += math.Log(prod)
		}
		dst[i] = ll
	}
}

// Params returns (β, δ, γ).
func (c *groupComp) Params(dst []float64) []float64 {
	dst = append(dst[:0], c.rate...)
	return append(dst, c.gamma...)
}

func (c *groupComp) SetParams(p []float64) {
	if len(p) != len(c.rate)+len(c.gamma) {
		panic("trajectory: wrong number of group parameters")
	}
	copy(c.rate, p)
	copy(c.gamma, p[len(c.rate):])
	c.refresh()
}

// groupStats are the weighted sums of the M-step, by cell type (win and
// spec by age).
type groupStats struct {
	win  []float64 // by age: persons whose window covers it (difference array first)
	spec []float64 // by age: Σ w over special cells at the age
	y    []float64 // Σ w y over positive counts
	pos  []float64 // Σ w over positive counts
	epos []float64 // Σ w e over positive counts
	wz   []float64 // Σ w over zero counts with exposure ∉ {0, 1}
	ez   []float64 // Σ w e over those
	w0   []float64 // Σ w over zero counts with exposure 1
	// working sums of the Newton problems
	eff, succ, trials []float64
	zw                []float64 // Σ w over each pool of zeros with exposure ∉ {0, 1}
	sumW              float64
	w                 []float64 // the weights of the last accumulate, by reference
	pois              poissonObjective
	logit             logisticObjective
	zip               zipObjective
	zd                zipDerivs
	par, par0         []float64
	nw                mixture.Newton
}

func (s *groupStats) init(types, ages, pools int) {
	s.zw = make([]float64, pools)
	for _, p := range []*[]float64{&s.y, &s.pos, &s.epos, &s.wz, &s.ez, &s.w0, &s.eff, &s.succ, &s.trials} {
		*p = make([]float64, types)
	}
	s.win = make([]float64, ages+1)
	s.spec = make([]float64, ages)
	s.zd.init(types)
}

// accumulate computes the weighted sums for weights w, in
// O(persons + special cells).
func (s *groupStats) accumulate(d *familyData, w []float64) {
	cs := d.c
	for _, p := range [][]float64{s.win, s.spec, s.y, s.pos, s.epos, s.wz, s.ez, s.w0} {
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
			y := cs.Y[k]
			e := cs.Exposure(k)
			s.spec[cs.Age[k]] += wi
			switch {
			case y > 0:
				s.y[ty] += wi * float64(y)
				s.pos[ty] += wi
				s.epos[ty] += wi * e
			case e == 0:
			case e == 1:
				s.w0[ty] += wi
			default:
				s.wz[ty] += wi
				s.ez[ty] += wi * e
			}
		}
	}
	s.finishWindows()
	for j, i := range d.zxPerson {
		s.zw[d.zxPool[j]] += w[i]
	}
}

// finishWindows turns the window weights, accumulated as a difference
// array, into the weight of the persons observed at each age, sets the
// weight of each age's zeros with exposure 1 (those observed there less
// those with a special cell there) and clears the pools' weights for
// their pass.
func (s *groupStats) finishWindows() {
	var run float64
	for t := range s.spec {
		run += s.win[t]
		s.win[t] = run
		s.w0[t] = math.Max(0, run-s.spec[t])
	}
	clear(s.zw)
}

// emptyWeight is the total weight under which a group counts as empty.
const emptyWeight = 1e-8

// Fit is the M-step of one group: Newton (IRLS) on the aggregated weighted
// Poisson likelihood and, for ZIP, on the logit of the zero inflation with
// the aggregated expected structural zeros (the EM of Lambert 1992, run for
// a few inner iterations, each of which increases the group's weighted
// log-likelihood). Its Newton runs check ctx (see mixture.Family).
func (f *groupFamily) Fit(ctx context.Context, comp mixture.Component, w []float64, warm bool) mixture.FitInfo {
	c := comp.(*groupComp)
	c.st.accumulate(f.d, w)
	return f.fitStats(ctx, c, warm)
}

// fitStats is Fit from the weighted sums that accumulate left in c.st.
func (f *groupFamily) fitStats(ctx context.Context, c *groupComp, warm bool) mixture.FitInfo {
	s := &c.st
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
	if f.inflation < 0 {
		for t := range s.eff {
			s.eff[t] = s.w0[t] + s.epos[t] + s.ez[t]
		}
		r := f.fitRate(ctx, c)
		info.Score = r.Score
		info.IllConditioned = r.IllConditioned
		c.refresh()
	} else {
		f.fitZIP(ctx, c, warm, &info)
	}
	return info
}

// fitRate runs Newton on β for the counts s.y and effective exposures s.eff.
func (f *groupFamily) fitRate(ctx context.Context, c *groupComp) mixture.NewtonResult {
	s := &c.st
	s.pois = poissonObjective{x: f.x, y: s.y, e: s.eff}
	return s.nw.Maximize(ctx, &s.pois, c.rate, newtonTol, newtonMaxIter)
}

// coldStart sets a Poisson fit of the weighted data (and, for ZIP, a
// moment start of the inflation) when there is no previous fit.
func (f *groupFamily) coldStart(ctx context.Context, c *groupComp) {
	s := &c.st
	var ys, es float64
	for t := range s.eff {
		s.eff[t] = s.w0[t] + s.epos[t] + s.ez[t]
		ys += s.y[t]
		es += s.eff[t]
	}
	clear(c.rate)
	clear(c.gamma)
	c.rate[0] = math.Log((ys + 1e-3) / (es + 1e-3))
	f.fitRate(ctx, c)
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
	c.rate[0] -= math.Log(1 - rho)
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

// curvePoint returns λ, ρ and the mean (1 − ρ) λ at age index t.
func (c *groupComp) curvePoint(t int) CurvePoint {
	return countPoint(c.lam, c.logRho, c.f.inflation >= 0, t)
}

// meanGrad: see countMeanGrad.
func (c *groupComp) meanGrad(t int, own, _ []float64) {
	f := c.f
	countMeanGrad(f.x[t][:f.order+1], f.z, c.logRho, len(c.rate), len(c.gamma), t, own)
}

// countPoint is the curve point of a count group (poisson, zip, nb,
// zinb) at age index t from its rates λ and, when inflated, its log ρ by
// cell type: λ, ρ (NaN without inflation) and the mean (1 − ρ) λ.
func countPoint(lam, logRho []float64, inflated bool, t int) CurvePoint {
	rho := math.NaN()
	mean := lam[t]
	if inflated {
		rho = math.Exp(logRho[t])
		mean *= 1 - rho
	}
	return CurvePoint{Rate: lam[t], ZeroProb: rho, Mean: mean, Prob: math.NaN(), LatentMean: math.NaN()}
}

// countMeanGrad sets own to the gradient of a count group's log mean_t =
// x_t β + log(1 − ρ_t) at covariates zero in its own parameters: x_t (the
// polynomial's row x) in β, 0 in δ, −ρ_t z_t in the ng inflation
// coefficients, which follow the nrate rate coefficients (β, δ), and 0 in
// the rest (a log α).
func countMeanGrad(x []float64, z [][]float64, logRho []float64, nrate, ng, t int, own []float64) {
	clear(own)
	copy(own, x)
	if ng == 0 {
		return
	}
	rho := math.Exp(logRho[t])
	for m := 0; m < ng; m++ {
		own[nrate+m] = -rho * z[t][m]
	}
}
