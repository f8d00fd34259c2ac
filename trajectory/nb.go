package trajectory

import (
	"math"
	"sort"

	"github.com/trajkit/trajkit/mixture"
)

// nbFamily is the negative binomial (NB2) or zero-inflated negative
// binomial model of one group's careers, bound to the data. In group k, at
// age t with exposure e and time-varying covariates w,
//
//	log λ_t = Σ_j β_j a_t^j + δ · w,   μ = e λ_t,   α = exp(φ)
//	logit ρ_t = Σ_j γ_j a_t^j              (zinb; none when the order is −1)
//	NB(y; μ, α) = Γ(y + 1/α) / (Γ(1/α) y!) (αμ / (1 + αμ))^y (1 + αμ)^(−1/α)
//	P(y = 0) = ρ_t + (1 − ρ_t) NB(0; μ, α),  P(y = j) = (1 − ρ_t) NB(j; μ, α),
//
// so that E y = (1 − ρ) μ and, without inflation, Var y = μ + α μ²
// (Cameron & Trivedi 2013, ch. 3; α = 1/θ of R's MASS::glm.nb). The
// dispersion φ = log α is the group's own parameter, after β, δ and γ, or,
// with Model.CommonDispersion, one parameter shared by all groups
// (nbShared). α is bounded below by MinDispersion; at the bound the group
// is the Poisson (or ZIP) limit exactly, so that an NB fit never falls
// below the Poisson fit of the same data.
//
// Like groupFamily it works on sufficient statistics. With
//
//	log NB(y; μ, α) = y log e − log y! + G_α(y) + y (η − L) − L/α,
//	L = log(1 + α μ),  G_α(y) = Σ_{j<y} log(1 + j α),
//
// the terms that depend on y beyond a linear term are the G_α(y), which
// depend on no age, exposure or group parameter but α: they are
// tabulated over the distinct positive counts of the data (few), and the
// M-step needs only a weighted histogram of the counts. The rest is linear
// in y given the cell's type and exposure, so cells aggregate by type
// (exposure 1) and by pools of equal type and exposure (exposures ∉ {0,
// 1}; nbData).
type nbFamily struct {
	d         *nbData
	order     int
	inflation int
	// shared says that α is common to all groups: the component reads it
	// from the shared run and does not count it among its parameters.
	shared bool
	x, z   [][]float64 // design rows by cell type (as groupFamily's)
}

// nbData is what all groups' NB families share: the cell types, the
// distinct positive counts, and the pools of cells with an exposure other
// than 0 and 1.
type nbData struct {
	fd *familyData
	// counts are the distinct positive counts in ascending order, countOf
	// the index into counts of each special cell with a positive count.
	counts  []uint32
	countOf []uint32
	// Pools: cells with an exposure ∉ {0, 1}, zero or positive, that share
	// a cell type and an exposure; poolType and poolE give each pool's type
	// and exposure, cellPool the pool of each special cell (−1 for none).
	poolType []uint32
	poolE    []float64
	cellPool []int32
}

func newNBData(fd *familyData) *nbData {
	c := fd.c
	d := &nbData{fd: fd, countOf: make([]uint32, len(c.Y))}
	seen := map[uint32]bool{}
	for _, y := range c.Y {
		if y > 0 && !seen[y] {
			seen[y] = true
			d.counts = append(d.counts, y)
		}
	}
	sort.Slice(d.counts, func(a, b int) bool { return d.counts[a] < d.counts[b] })
	index := make(map[uint32]uint32, len(d.counts))
	for j, y := range d.counts {
		index[y] = uint32(j)
	}
	for k, y := range c.Y {
		if y > 0 {
			d.countOf[k] = index[y]
		}
	}
	if c.E == nil {
		return d
	}
	type pool struct {
		ty uint32
		e  uint64
	}
	pools := map[pool]int32{}
	d.cellPool = make([]int32, len(c.Y))
	for k, e := range c.E {
		d.cellPool[k] = -1
		if e == 0 || e == 1 {
			continue
		}
		key := pool{d.fd.typeOf(int32(k)), math.Float64bits(e)}
		g, ok := pools[key]
		if !ok {
			g = int32(len(d.poolType))
			pools[key] = g
			d.poolType = append(d.poolType, key.ty)
			d.poolE = append(d.poolE, e)
		}
		d.cellPool[k] = g
	}
	return d
}

func newNBFamily(d *nbData, s AgeScaling, order, inflation int, shared bool) *nbFamily {
	g := newGroupFamily(d.fd, s, order, inflation)
	return &nbFamily{d: d, order: order, inflation: inflation, shared: shared, x: g.x, z: g.z}
}

// minLogDispersion is log MinDispersion, the lower bound of φ; a φ within
// atBound of it is at the bound (Group.setParams reports α = 0 there).
var minLogDispersion = math.Log(MinDispersion)

const atBound = 1e-9

// startDispersion is the α of a cold start: moderate overdispersion, from
// which the M-step's Newton moves either way.
const startDispersion = 0.5

func (f *nbFamily) ntcov() int { return len(f.d.fd.c.TcovNames) }

func (f *nbFamily) Len() int { return f.d.fd.c.Len() }

func (f *nbFamily) NumParams() int {
	n := f.order + 1 + f.ntcov() + max(f.inflation+1, 0)
	if !f.shared {
		n++
	}
	return n
}

func (f *nbFamily) NewComponent() mixture.Component {
	d := f.d
	nty := d.fd.types()
	np := len(d.poolType)
	c := &nbComp{f: f, logAlpha: math.Log(startDispersion)}
	c.rate = make([]float64, f.order+1+f.ntcov())
	c.gamma = make([]float64, max(f.inflation+1, 0))
	c.beta, c.delta = c.rate[:f.order+1], c.rate[f.order+1:]
	for _, p := range []*[]float64{&c.eta, &c.lam, &c.logRho, &c.log1mRho, &c.zero, &c.ycoef, &c.cnz} {
		*p = make([]float64, nty)
	}
	c.prefix = make([]float64, d.fd.c.NumAges+1)
	c.pL, c.pnz, c.pzero, c.ptau = make([]float64, np), make([]float64, np), make([]float64, np), make([]float64, np)
	c.rho = make([]float64, nty)
	c.lg = make([]float64, len(d.counts))
	c.st.init(nty, d.fd.c.NumAges, np, len(d.counts))
	c.refresh()
	return c
}

// nbComp is one NB or ZINB group with its parameters set, and the per-type,
// per-pool and per-count quantities that make its log-likelihood cheap.
type nbComp struct {
	f *nbFamily
	// rate = (β, δ); γ the inflation polynomial; logAlpha = φ, the group's
	// own or the shared one.
	rate, beta, delta, gamma []float64
	logAlpha                 float64
	// Per cell type: η, λ, log ρ, log(1 − ρ), zero = log P(y = 0) with
	// exposure 1, ycoef = η − L and cnz, so that a positive count y with
	// exposure 1 adds G(y) + y·ycoef + cnz to the window's baseline
	// (cnz = log(1 − ρ) − L/α − zero at the age's own type); prefix holds
	// the prefix sums of zero over the ages' own types.
	eta, lam, logRho, log1mRho, zero, ycoef, cnz, prefix []float64
	// Per pool: L = log(1 + α e λ), log NB(0) = −L/α, log P(y = 0) and,
	// with inflation, the posterior τ that a zero is structural. rho is ρ
	// by type.
	pL, pnz, pzero, ptau, rho []float64
	// lg[j] = G_α(counts[j]).
	lg []float64
	st nbStats
}

// nbAlpha returns α = exp(φ) as the formulas use it (at least
// MinDispersion) and whether φ is at the bound, where the group's density
// is the Poisson (or ZIP) limit.
func nbAlpha(phi float64) (a float64, atMin bool) {
	return math.Exp(math.Max(phi, minLogDispersion)), phi <= minLogDispersion+atBound
}

// refresh recomputes every per-type, per-pool and per-count quantity.
func (c *nbComp) refresh() {
	f := c.f
	d := f.d
	a, pois := nbAlpha(c.logAlpha)
	infl := f.inflation >= 0
	for ty, age := range d.fd.typeAge {
		eta := polyval(c.rate, f.x[ty])
		lam := math.Exp(eta)
		c.eta[ty], c.lam[ty] = eta, lam
		L, nz := nbZeroLog(lam, a, pois)
		if infl {
			zeta := polyval(c.gamma, f.z[ty])
			c.logRho[ty], c.log1mRho[ty] = logSigmoid(zeta), logSigmoid(-zeta)
			c.rho[ty] = math.Exp(c.logRho[ty])
			c.zero[ty] = logAddExp(c.logRho[ty], c.log1mRho[ty]+nz)
		} else {
			c.logRho[ty], c.log1mRho[ty] = math.Inf(-1), 0
			c.zero[ty] = nz
		}
		c.ycoef[ty] = eta - L
		// For ages, type = age, so zero[age] is already set.
		c.cnz[ty] = c.log1mRho[ty] + nz - c.zero[age]
	}
	c.prefix[0] = 0
	for t := 0; t < d.fd.c.NumAges; t++ {
		c.prefix[t+1] = c.prefix[t] + c.zero[t]
	}
	for g, ty := range d.poolType {
		L, nz := nbZeroLog(d.poolE[g]*c.lam[ty], a, pois)
		c.pL[g], c.pnz[g] = L, nz
		if infl {
			c.pzero[g], c.ptau[g] = zeroTerms(c.logRho[ty], c.log1mRho[ty]+nz)
		} else {
			c.pzero[g] = nz
		}
	}
	nbCountTerms(c.lg, nil, nil, d.counts, a, pois)
}

// nbZeroLog returns L = log(1 + α μ) and log NB(0; μ, α) = −L/α; at the
// bound (pois) 0 and −μ, the Poisson limit.
func nbZeroLog(mu, a float64, pois bool) (L, nz float64) {
	if pois {
		return 0, -mu
	}
	L = math.Log1p(a * mu)
	return L, -L / a
}

// nbCountTerms sets, for each distinct count v = counts[j], g[j] = G_α(v)
// = Σ_{j<v} log(1 + j α) and, when not nil, s1[j] and s2[j] to its first
// and second derivatives in φ = log α:
//
//	S1(v) = Σ_{j<v} jα / (1 + jα),  S2(v) = Σ_{j<v} jα / (1 + jα)².
//
// The values are zero at the bound (pois); the derivatives are those at
// α = MinDispersion. The cost is the largest count.
func nbCountTerms(g, s1, s2 []float64, counts []uint32, a float64, pois bool) {
	var sg, ss1, ss2 float64
	j := uint32(0)
	for m, v := range counts {
		for ; j < v; j++ {
			ja := float64(j) * a
			sg += math.Log1p(ja)
			q := ja / (1 + ja)
			ss1 += q
			ss2 += q / (1 + ja)
		}
		g[m] = sg
		if pois {
			g[m] = 0
		}
		if s1 != nil {
			s1[m], s2[m] = ss1, ss2
		}
	}
}

// LogLik fills dst[i] for persons from ≤ i < to:
//
//	ℓ_i = Const_i + Σ_{t=lo..hi} zero_t + Σ_{special cells} (cell value − zero_t).
func (c *nbComp) LogLik(dst []float64, from, to int) {
	d := c.f.d
	cs := d.fd.c
	for i := from; i < to; i++ {
		ll := cs.Const[i] + c.prefix[int(cs.Hi[i])+1] - c.prefix[cs.Lo[i]]
		for k := cs.Start[i]; k < cs.Start[i+1]; k++ {
			t := cs.Age[k]
			ty := d.fd.typeOf(k)
			y := cs.Y[k]
			e := cs.Exposure(k)
			switch {
			case e == 1 && y > 0:
				ll += c.lg[d.countOf[k]] + float64(y)*c.ycoef[ty] + c.cnz[ty]
			case e == 1: // a zero whose covariates are not all zero
				ll += c.zero[ty] - c.zero[t]
			case e == 0:
				ll -= c.zero[t]
			case y > 0:
				g := d.cellPool[k]
				ll += c.lg[d.countOf[k]] + float64(y)*(c.eta[ty]-c.pL[g]) + c.log1mRho[ty] + c.pnz[g] - c.zero[t]
			default:
				ll += c.pzero[d.cellPool[k]] - c.zero[t]
			}
		}
		dst[i] = ll
	}
}

// Params returns (β, δ, γ) and, when α is the group's own, φ = log α.
func (c *nbComp) Params(dst []float64) []float64 {
	dst = append(dst[:0], c.rate...)
	dst = append(dst, c.gamma...)
	if !c.f.shared {
		dst = append(dst, c.logAlpha)
	}
	return dst
}

func (c *nbComp) SetParams(p []float64) {
	if len(p) != c.f.NumParams() {
		panic("trajectory: wrong number of group parameters")
	}
	copy(c.rate, p)
	copy(c.gamma, p[len(c.rate):])
	if !c.f.shared {
		c.logAlpha = p[len(c.rate)+len(c.gamma)]
	}
	c.refresh()
}

// setShared sets the shared φ (nbShared) and refreshes.
func (c *nbComp) setShared(phi float64) {
	c.logAlpha = phi
	c.refresh()
}

// curvePoint returns λ, ρ and the mean (1 − ρ) λ at age index t.
func (c *nbComp) curvePoint(t int) CurvePoint {
	return countPoint(c.lam, c.logRho, c.f.inflation >= 0, t)
}

// meanGrad: see countMeanGrad; the mean does not depend on α, shared or
// not.
func (c *nbComp) meanGrad(t int, own, shared []float64) {
	f := c.f
	clear(shared)
	countMeanGrad(f.x[t][:f.order+1], f.z, c.logRho, len(c.rate), len(c.gamma), t, own)
}
