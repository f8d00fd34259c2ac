package trajectory

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/trajkit/trajkit/internal/words"
)

// Truth is a data-generating trajectory model given by its curves: for
// each group its share and, at each age of the grid MinAge, MinAge+1, ...,
// the parameters of its distribution: for counts (poisson, zip, nb, zinb)
// and cloglog the rate λ, with the probability ρ of a structural zero
// (zip, zinb) and the dispersion α (nb, zinb); for logit P(y = 1); for
// cnorm the latent mean μ, with each group's σ and the censoring points.
type Truth struct {
	// Distribution is the distribution of y; "" is Poisson, or ZIP
	// where ZeroProb is given.
	Distribution Distribution
	MinAge       int
	Shares       []float64
	Rate         [][]float64 // K x ages: λ (counts, cloglog)
	ZeroProb     [][]float64 // K x ages; nil rows or a nil matrix mean no inflation
	Prob         [][]float64 // K x ages: P(y = 1) (logit)
	Dispersion   []float64   // α of each group (nb, zinb)
	LatentMean   [][]float64 // K x ages: μ of the latent normal (cnorm)
	Sigma        []float64   // σ of each group (cnorm; repeated when common)
	Censor       Censoring   // the censoring points (cnorm)
}

// NumAges returns the length of the truth's age grid.
func (t *Truth) NumAges() int {
	if c := t.curve(); len(c) > 0 {
		return len(c[0])
	}
	return 0
}

// curve returns the curves that define the groups: the probabilities for
// logit, the rates otherwise.
func (t *Truth) curve() [][]float64 {
	switch {
	case t.Distribution == Logit:
		return t.Prob
	case t.Distribution.Real():
		return t.LatentMean
	}
	return t.Rate
}

// TruthFromCoefficients builds the curves of a polynomial model on ages
// minAge..maxAge: log λ = Σ β_j a^j and logit ρ = Σ γ_j a^j (no inflation
// when γ is empty).
func TruthFromCoefficients(s AgeScaling, minAge, maxAge int, shares []float64, beta, gamma [][]float64) Truth {
	n := maxAge - minAge + 1
	t := Truth{MinAge: minAge, Shares: shares, Rate: make([][]float64, len(shares)), ZeroProb: make([][]float64, len(shares))}
	for k := range shares {
		t.Rate[k] = make([]float64, n)
		t.ZeroProb[k] = make([]float64, n)
		for a := 0; a < n; a++ {
			x := s.Scaled(float64(minAge + a))
			t.Rate[k][a] = math.Exp(horner(beta[k], x))
			if k < len(gamma) && len(gamma[k]) > 0 {
				t.ZeroProb[k][a] = 1 / (1 + math.Exp(-horner(gamma[k], x)))
			}
		}
	}
	return t
}

// TruthFromFit returns the fitted curves, shares and dispersions of a fit.
func TruthFromFit(f *Fitted) Truth {
	t := Truth{Distribution: f.Distribution, MinAge: f.MinAge()}
	for _, g := range f.Groups {
		t.Shares = append(t.Shares, g.Share)
		rate := make([]float64, len(g.Curve))
		zp := make([]float64, len(g.Curve))
		prob := make([]float64, len(g.Curve))
		mu := make([]float64, len(g.Curve))
		for a, p := range g.Curve {
			rate[a], zp[a], prob[a], mu[a] = p.Rate, p.ZeroProb, p.Prob, p.LatentMean
			if math.IsNaN(zp[a]) {
				zp[a] = 0 // a group without inflation
			}
		}
		t.Rate = append(t.Rate, rate)
		t.ZeroProb = append(t.ZeroProb, zp)
		t.Prob = append(t.Prob, prob)
		if g.Dispersion != nil {
			t.Dispersion = append(t.Dispersion, *g.Dispersion)
		}
		if g.Sigma != nil {
			t.LatentMean = append(t.LatentMean, mu)
			t.Sigma = append(t.Sigma, *g.Sigma)
		}
	}
	if f.Censoring != nil {
		t.Censor = *f.Censoring
	}
	return t
}

// drawValue draws y in group k at age index a of a censored normal: the
// latent y* ~ N(μ, σ²), censored to [Censor.Min, Censor.Max].
func (t *Truth) drawValue(rng *rand.Rand, k, a int) float64 {
	y := t.LatentMean[k][a] + t.Sigma[k]*rng.NormFloat64()
	return math.Min(math.Max(y, t.Censor.Min), t.Censor.Max)
}

// drawCount draws y in group k at age index a with exposure e.
func (t *Truth) drawCount(rng *rand.Rand, k, a int, e float64) uint32 {
	switch t.Distribution {
	case Logit:
		if rng.Float64() < t.Prob[k][a] {
			return 1
		}
		return 0
	case Cloglog:
		if rng.Float64() < -math.Expm1(-e*t.Rate[k][a]) {
			return 1
		}
		return 0
	}
	if t.ZeroProb != nil && t.ZeroProb[k] != nil && rng.Float64() < t.ZeroProb[k][a] {
		return 0
	}
	mean := e * t.Rate[k][a]
	if t.Distribution.HasDispersion() && t.Dispersion[k] > 0 {
		// NB as a gamma mixture of Poissons: λ' ~ Gamma(shape 1/α, scale
		// α μ) has mean μ and variance α μ².
		alpha := t.Dispersion[k]
		mean = distuv.Gamma{Alpha: 1 / alpha, Beta: 1 / (alpha * mean), Src: rng}.Rand()
	}
	return uint32(distuv.Poisson{Lambda: mean, Src: rng}.Rand())
}

func horner(c []float64, x float64) float64 {
	var s float64
	for j := len(c) - 1; j >= 0; j-- {
		s = s*x + c[j]
	}
	return s
}

// Design says how simulated careers are observed.
type Design struct {
	Persons int
	// CensorShare is the share of persons whose follow-up ends early, at
	// an age drawn uniformly over the grid's second half; the others are
	// observed to the last age.
	CensorShare float64
	// LateStartShare is the share of persons first observed at an age
	// drawn uniformly over the grid's first quarter, not at its first age.
	LateStartShare float64
	// ExposedShare is the share of observed years with exposure below 1:
	// a whole number of days at risk, 18 to 364, drawn uniformly, over
	// 365, as time at risk is recorded.
	ExposedShare float64
	// HoleShare is the share of years inside a window left unobserved.
	HoleShare float64
	// RecordExposure keeps an exposure for every cell (an exposure column)
	// even when ExposedShare is 0.
	RecordExposure bool
	// Groups, when not nil, fixes each person's group (its 1-based number)
	// instead of drawing it from the shares; len(Groups) = Persons.
	Groups []int
	// Context, when not nil, cancels the simulation: Simulate checks it
	// every CheckPersons persons and returns an error that wraps its
	// error.
	Context context.Context
}

// CheckPersons is how many persons a loop over persons that may be long
// (drawing 10⁶ careers takes seconds) handles between two checks of its
// context: milliseconds of work.
const CheckPersons = 1 << 12

// MaxMeanCount is the largest expected count e·λ of a cell that Simulate
// and the parametric bootstrap draw from: 2³¹. Careers hold counts up to
// 2³² − 1 (a uint32); a Poisson count of mean m ≤ 2³¹ exceeds m + 10√m
// (below 2³¹ + 5·10⁵) with a probability below 10⁻²³, so a draw never
// overflows, where a mean near 2³² would wrap around.
const MaxMeanCount = 1 << 31

// MaxPersons is the largest number of persons careers hold: the builder
// indexes persons by an int32.
const MaxPersons = math.MaxInt32

// Simulate draws careers from the truth: each person's group from the
// shares, then, at each observed age with exposure e, a structural zero
// with probability ρ and otherwise a Poisson(e λ) count (for cnorm, a
// value N(μ, σ²) censored to [Censor.Min, Censor.Max], real-valued
// careers). It returns the
// careers (ids "1", "2", ...) and each person's true group (its 1-based
// number).
// The same seed gives the same careers, whatever the context. The truth's
// grid has at most MaxAges ages within ±MaxAbsAge, its rates at most
// MaxMeanCount (the exposures are at most 1), and the persons are at most
// MaxPersons; an error names the group and age of a rate out of range.
func Simulate(t Truth, d Design, seed uint64) (*Careers, []int, error) {
	cs, groups, err := simulateOutcomes([]Truth{t}, d, seed)
	if err != nil {
		return nil, nil, err
	}
	return cs[0], groups, nil
}

// SimulateMulti draws the careers of several outcomes of the same persons
// from their truths (one per outcome, with the same shares and age grid:
// the views of a multi-trajectory fit, TruthFromFit(f.Outcome(o))): each
// person's group once from the shares (or d.Groups), her observation
// window, holes and exposures once, then at each observed age every
// outcome's count given the group, as Simulate draws them. So every
// outcome has the same persons ("1", "2", ...), observed at the same ages
// with the same exposures, as a multi-trajectory model assumes: the
// outcomes are independent given the group. The exposures are drawn only
// when every outcome's distribution takes one. It returns the careers of
// each outcome, in the truths' order, and each person's true group (its
// 1-based number). With one truth it draws the same careers as Simulate.
func SimulateMulti(ts []Truth, d Design, seed uint64) ([]*Careers, []int, error) {
	if len(ts) == 0 {
		return nil, nil, errors.New("simulate: no outcome to draw")
	}
	for o, t := range ts[1:] {
		if t.MinAge != ts[0].MinAge || t.NumAges() != ts[0].NumAges() || len(t.Shares) != len(ts[0].Shares) {
			return nil, nil, fmt.Errorf("simulate: outcome %d has %s at ages %d-%d, outcome 1 %d at %d-%d: the outcomes share the groups and the age grid",
				o+2, words.Count(len(t.Shares), "group"), t.MinAge, t.MinAge+t.NumAges()-1, len(ts[0].Shares), ts[0].MinAge, ts[0].MinAge+ts[0].NumAges()-1)
		}
		for k, sh := range t.Shares {
			if math.Abs(sh-ts[0].Shares[k]) > 1e-9 {
				return nil, nil, fmt.Errorf("simulate: outcome %d gives group %d the share %v, outcome 1 %v: the outcomes share the groups", o+2, k+1, sh, ts[0].Shares[k])
			}
		}
	}
	return simulateOutcomes(ts, d, seed)
}

// simulateOutcomes is Simulate and SimulateMulti: the random numbers of a
// person are her group, her window, then age by age a hole, an exposure
// and every outcome's count in turn.
func simulateOutcomes(ts []Truth, d Design, seed uint64) ([]*Careers, []int, error) {
	for o := range ts {
		t := &ts[o]
		in := func(err error) error {
			if len(ts) > 1 {
				return fmt.Errorf("outcome %d: %w", o+1, err)
			}
			return err
		}
		if err := t.check(); err != nil {
			return nil, nil, in(err)
		}
		if err := t.checkMeans(1); err != nil {
			return nil, nil, in(fmt.Errorf("simulate: %v", err))
		}
		if t.Distribution != "" && !t.Distribution.TakesExposure() && (d.ExposedShare > 0 || d.RecordExposure) {
			return nil, nil, in(fmt.Errorf("simulate: the %s distribution takes no exposure", t.Distribution.Name()))
		}
	}
	t := ts[0]
	if d.Persons < 1 {
		return nil, nil, errNoPersons
	}
	if d.Persons > MaxPersons {
		return nil, nil, fmt.Errorf("simulate: %d persons: careers hold at most %d", d.Persons, MaxPersons)
	}
	if d.Groups != nil {
		if len(d.Groups) != d.Persons {
			return nil, nil, fmt.Errorf("simulate: %d fixed groups for %d persons", len(d.Groups), d.Persons)
		}
		for i, g := range d.Groups {
			if g < 1 || g > len(t.Shares) {
				return nil, nil, fmt.Errorf("simulate: person %d is fixed to group %d of %d", i+1, g, len(t.Shares))
			}
		}
	}
	rng := rand.New(rand.NewPCG(seed, 0x7472616a))
	n := t.NumAges()
	bs := make([]*CareerBuilder, len(ts))
	for o := range bs {
		bs[o] = NewCareerBuilder()
		if ts[o].Distribution.Real() {
			bs[o].SetReal()
		}
		if len(ts) > 1 {
			bs[o].Span(t.MinAge, t.MinAge+n-1) // one grid for all outcomes
		}
	}
	ps := make([]int, len(ts))
	truth := make([]int, d.Persons)
	cum := cumulative(t.Shares)
	for i := 0; i < d.Persons; i++ {
		if i%CheckPersons == 0 && d.Context != nil {
			if err := d.Context.Err(); err != nil {
				return nil, nil, interruptedSimulation(i, d.Persons, err)
			}
		}
		k := draw(rng, cum)
		if d.Groups != nil {
			k = d.Groups[i] - 1
		}
		truth[i] = k + 1
		first, last := 0, n-1
		if rng.Float64() < d.LateStartShare {
			first = rng.IntN(max(1, n/4))
		}
		if rng.Float64() < d.CensorShare {
			last = max(first, n/2+rng.IntN(n-n/2))
		}
		for o, b := range bs {
			ps[o] = b.Person(strconv.Itoa(i + 1))
		}
		for a := first; a <= last; a++ {
			// The window's ends are always observed.
			if a > first && a < last && rng.Float64() < d.HoleShare {
				continue
			}
			e := 1.0
			if rng.Float64() < d.ExposedShare {
				e = float64(18+rng.IntN(347)) / 365
			}
			for o, b := range bs {
				t := &ts[o]
				if t.Distribution.Real() {
					b.mustAddCell(ps[o], Cell{Age: t.MinAge + a, Value: t.drawValue(rng, k, a), Exposure: 1})
					continue
				}
				b.mustAdd(ps[o], t.MinAge+a, t.drawCount(rng, k, a, e), e)
			}
		}
	}
	cs := make([]*Careers, len(ts))
	for o, b := range bs {
		var err error
		if cs[o], err = b.Build(d.RecordExposure || d.ExposedShare > 0); err != nil {
			return nil, nil, err
		}
	}
	return cs, truth, nil
}

// maxDispersion is the largest dispersion α Simulate draws from: the gamma
// mixture's shape 1/α stays far from the underflow of its draws.
const maxDispersion = 1e3

// interruptedSimulation is the error of a simulation whose context, with
// error err, was cancelled after done of n persons.
func interruptedSimulation(done, n int, err error) error {
	return fmt.Errorf("simulate: interrupted after %d of %s: %w", done, words.Count(n, "person"), err)
}

func (t *Truth) check() error {
	if t.Distribution != "" {
		if err := t.Distribution.Check(); err != nil {
			return fmt.Errorf("simulate: %v", err)
		}
	}
	curve, what := t.curve(), "rate"
	switch {
	case t.Distribution == Logit:
		what = "probability"
	case t.Distribution.Real():
		what = "latent mean"
		if len(t.Sigma) != len(t.Shares) {
			return fmt.Errorf("simulate: %d values of σ for %s", len(t.Sigma), words.Count(len(t.Shares), "group"))
		}
		for k, sd := range t.Sigma {
			if !(sd > 0) || math.IsInf(sd, 0) {
				return fmt.Errorf("simulate: group %d has σ %v, expected a finite number > 0", k+1, sd)
			}
		}
		if !(t.Censor.Min < t.Censor.Max) {
			return fmt.Errorf("simulate: censoring points min %v and max %v: min must be below max", t.Censor.Min, t.Censor.Max)
		}
	}
	if len(t.Shares) == 0 || len(curve) != len(t.Shares) {
		return errors.New("simulate: a share and a curve are needed for every group")
	}
	if t.Distribution.HasDispersion() {
		if len(t.Dispersion) != len(t.Shares) {
			return fmt.Errorf("simulate: %s for %s", words.Count(len(t.Dispersion), "dispersion"), words.Count(len(t.Shares), "group"))
		}
		for k, a := range t.Dispersion {
			if !(a >= 0 && a <= maxDispersion) {
				return fmt.Errorf("simulate: group %d has dispersion %v, expected 0 to %g", k+1, a, maxDispersion)
			}
		}
	}
	var sum float64
	for k, s := range t.Shares {
		if !(s >= 0) {
			return fmt.Errorf("simulate: group %d has share %v", k+1, s)
		}
		sum += s
		if len(curve[k]) != len(curve[0]) || len(curve[k]) == 0 {
			return fmt.Errorf("simulate: every group needs a %s at every age", what)
		}
		for _, r := range curve[k] {
			if math.IsNaN(r) || math.IsInf(r, 0) || !t.Distribution.Real() && r < 0 || t.Distribution == Logit && r > 1 {
				return fmt.Errorf("simulate: group %d has %s %v", k+1, what, r)
			}
		}
	}
	if math.Abs(sum-1) > 1e-6 {
		return fmt.Errorf("simulate: shares sum to %v, not 1", sum)
	}
	if n := t.NumAges(); n > MaxAges || t.MinAge < -MaxAbsAge || t.MinAge > MaxAbsAge-n+1 {
		return fmt.Errorf("simulate: ages %d-%d: careers hold at most %d ages within ±%d", t.MinAge, t.MinAge+n-1, MaxAges, MaxAbsAge)
	}
	if t.ZeroProb != nil {
		if len(t.ZeroProb) != len(t.Shares) {
			return errors.New("simulate: a row of zero probabilities (or nil) is needed for every group")
		}
		for k, row := range t.ZeroProb {
			if row != nil && len(row) != t.NumAges() {
				return fmt.Errorf("simulate: group %d has zero probabilities at %d ages, rates at %d", k+1, len(row), t.NumAges())
			}
			for a, p := range row {
				if !(p >= 0 && p <= 1) {
					return fmt.Errorf("simulate: group %d, age %d: zero probability %v is not a probability", k+1, t.MinAge+a, p)
				}
			}
		}
	}
	return nil
}

// checkMeans checks that no cell of exposure up to maxExposure has an
// expected count above MaxMeanCount.
func (t *Truth) checkMeans(maxExposure float64) error {
	if t.Distribution.Binary() || t.Distribution.Real() {
		return nil
	}
	for k, rates := range t.Rate {
		for a, r := range rates {
			if maxExposure*r > MaxMeanCount {
				return fmt.Errorf("group %d, age %d: expected count %g (rate %g at exposure %g) is above 2^31: its counts could exceed %d, the largest count careers hold",
					k+1, t.MinAge+a, maxExposure*r, r, maxExposure, uint32(math.MaxUint32))
			}
		}
	}
	return nil
}

func cumulative(p []float64) []float64 {
	c := make([]float64, len(p))
	var s float64
	for j, v := range p {
		s += v
		c[j] = s
	}
	return c
}

func draw(rng *rand.Rand, cum []float64) int {
	u := rng.Float64() * cum[len(cum)-1]
	for j, c := range cum {
		if u < c {
			return j
		}
	}
	return len(cum) - 1
}
