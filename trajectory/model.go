package trajectory

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/trajkit/trajkit/internal/words"
	"github.com/trajkit/trajkit/mixture"
)

// Limits of the polynomial orders, as in Stata's traj.
const (
	MaxOrder          = 5
	MaxInflationOrder = 3
)

// Model is a group-based trajectory model: K groups of one distribution,
// each with its own polynomial order in age and, for the zero-inflated
// distributions, its own order of the logit of the zero inflation (−1 for
// none).
type Model struct {
	Distribution Distribution
	// Orders[k] is group k's polynomial order, 0..5.
	Orders []int
	// Inflation[k] is group k's inflation order, −1..3; all −1 unless
	// the distribution has a structural zero (zip, zinb).
	Inflation []int
	// CommonDispersion makes one dispersion α for all groups (nb, zinb);
	// by default each group has its own.
	CommonDispersion bool
	// SigmaByGroup gives each group its own σ (cnorm, traj's
	// sigmabygroup); by default σ is common to all groups.
	SigmaByGroup bool
	// Censor holds the censoring points of cnorm: y ≤ Min is censored at
	// Min, y ≥ Max at Max.
	Censor Censoring
}

// Censoring are the censoring points of a censored normal outcome.
type Censoring struct {
	Min float64 `json:"min"`
	Max float64 `json:"max"`
}

// NewModel returns a model of k groups. orders and inflation may have one
// entry, used for every group, or k entries; nil orders means cubic, nil
// inflation means 0 (a constant) for the zero-inflated distributions and
// −1 for the others. The fields of a distribution's own (CommonDispersion,
// SigmaByGroup, Censor) are set on the result.
func NewModel(dist Distribution, k int, orders, inflation []int) (Model, error) {
	m := Model{Distribution: dist}
	if k < 1 {
		return m, fmt.Errorf("the number of groups must be at least 1, not %d", k)
	}
	if err := dist.Check(); err != nil {
		return m, err
	}
	// The lists and their entries are checked before they are expanded to
	// k groups, so that a wrong model costs nothing whatever k is.
	def := -1
	if dist.HasInflation() {
		def = 0
	}
	given := Model{Distribution: dist, Orders: orders, Inflation: inflation}
	for _, l := range []struct {
		v    *[]int
		def  int
		what string
	}{{&given.Orders, 3, "order"}, {&given.Inflation, def, "inflation order"}} {
		switch len(*l.v) {
		case 0:
			*l.v = []int{l.def}
		case 1, k:
		default:
			return m, fmt.Errorf("%s given for %s: give one for all groups or one per group", words.Count(len(*l.v), l.what), words.Count(k, "group"))
		}
	}
	if len(given.Orders) != len(given.Inflation) {
		// One list per group, the other one for all: check the one
		// against every group of the other.
		n := max(len(given.Orders), len(given.Inflation))
		given.Orders, given.Inflation = expand(given.Orders, n), expand(given.Inflation, n)
	}
	if err := given.validateOrders(); err != nil { // the censoring points are set on the result
		return m, err
	}
	m.Orders, m.Inflation = expand(given.Orders, k), expand(given.Inflation, k)
	return m, nil
}

// expand returns v, of one entry or k, as k entries.
func expand(v []int, k int) []int {
	if len(v) == 1 {
		return slices.Repeat(v, k)
	}
	return slices.Clone(v)
}

// Groups returns K.
func (m Model) Groups() int { return len(m.Orders) }

// Validate checks the distribution, the orders and the censoring points.
func (m Model) Validate() error {
	if err := m.Distribution.Check(); err != nil {
		return err
	}
	if m.Distribution.Real() && !(m.Censor.Min < m.Censor.Max) {
		return fmt.Errorf("censoring points min %v and max %v: min must be below max", m.Censor.Min, m.Censor.Max)
	}
	return m.validateOrders()
}

// validateOrders checks the orders and inflation orders.
func (m Model) validateOrders() error {
	if len(m.Orders) == 0 {
		return errors.New("a model needs at least one group")
	}
	if len(m.Inflation) != len(m.Orders) {
		return fmt.Errorf("%s for %s", words.Count(len(m.Inflation), "inflation order"), words.Count(len(m.Orders), "group"))
	}
	for k, p := range m.Orders {
		if p < 0 || p > MaxOrder {
			return fmt.Errorf("group %d: order %d is outside 0..%d", k+1, p, MaxOrder)
		}
	}
	for k, q := range m.Inflation {
		if q < -1 || q > MaxInflationOrder {
			return fmt.Errorf("group %d: inflation order %d is outside -1..%d", k+1, q, MaxInflationOrder)
		}
		if !m.Distribution.HasInflation() && q != -1 {
			return fmt.Errorf("group %d: inflation order %d needs a zero-inflated distribution (zip or zinb; a %s model has inflation order -1)", k+1, q, m.Distribution.Name())
		}
	}
	return nil
}

// NumParams returns the number of free parameters: the K−1 share logits
// plus each group's polynomial and inflation coefficients, plus the
// dispersions or standard deviations (one, when common to the groups).
func (m Model) NumParams() int {
	np := len(m.Orders) - 1
	for k, p := range m.Orders {
		np += p + 1 + max(m.Inflation[k]+1, 0) + m.groupExtra()
	}
	return np + m.sharedParams()
}

// groupExtra is the number of a group's own parameters beyond its
// polynomials: its log α (nb, zinb) or its log σ (cnorm by group).
func (m Model) groupExtra() int {
	d := m.Distribution
	if d.HasDispersion() && !m.CommonDispersion || d.HasSigma() && m.SigmaByGroup {
		return 1
	}
	return 0
}

// extraName names the parameter of groupExtra or sharedParams.
func (m Model) extraName() string {
	if m.Distribution.HasDispersion() {
		return "log_dispersion"
	}
	return "log_sigma"
}

// sharedParams is the number of parameters common to all groups: a common
// log α (nb, zinb) or the common log σ (cnorm).
func (m Model) sharedParams() int {
	d := m.Distribution
	if d.HasDispersion() && m.CommonDispersion || d.HasSigma() && !m.SigmaByGroup {
		return 1
	}
	return 0
}

// Settings control Fit. The zero value gives the defaults.
type Settings struct {
	// Search controls the EM search: starts, seed, tolerances, SQUAREM,
	// the search on a sample, threads and cancellation (its Context also
	// reaches every fit of a model search or a bootstrap that derives its
	// settings from these). Its zero value gives the engine's defaults.
	Search mixture.Settings
	// Scaling of age in the polynomials; nil means WindowScaling of the
	// careers' age grid.
	Scaling *AgeScaling
	// NoSE skips the standard errors.
	NoSE bool
	// Risk, when not nil, makes membership a multinomial logit on these
	// person-level covariates (X aligned with the careers' persons).
	Risk *RiskDesign
	// Reference is the 1-based number (in output order, by ascending
	// mean count) of the group against which membership log-odds are
	// expressed; 0 means group 1, the lowest-rate group.
	Reference int
	// Data says where the careers came from; the fit records it and does
	// not use it.
	Data DataSettings
	// Weights, when not nil, are the persons' sampling weights (traj's
	// weight(), flexmix's weights=), aligned with the careers, finite and
	// > 0. Fit rescales them to sum to the number of persons (as Mplus
	// does) and maximises Σ_i v_i ℓ_i: the log-likelihood, BIC and
	// standard errors stay on the scale of the persons observed. The
	// standard errors are model-based (the weights taken as known
	// frequencies), not design-based. Weights all 1 give the fit without
	// them.
	Weights []float64
	// Start, when not nil, is a fitted model (the same distribution,
	// number of groups, orders, inflation orders, risk factors and
	// time-varying covariates; traj's start()) whose parameters are one
	// start more, beside the usual Search.Starts; with StartOnly it is the
	// only start, run to convergence. Without Scaling the fit takes the
	// start model's age scaling, in which its coefficients are expressed.
	// FitMulti takes a multi-trajectory model of the same outcomes
	// (startOutcomes), FitDual a dual model of the same two outcomes and
	// numbers of groups (startDual).
	// StartFile says where Start was read from, for the record and the
	// messages.
	Start     *Fitted
	StartOnly bool
	StartFile string

	// warm are extra starts, parameter vectors laid out as the engine
	// takes them (Fitted.engineParams: Fitted.Params, with the log-odds
	// of risk factors against the last group), for the warm starts of a
	// model search, the folds of cross-validation and the bootstrap's
	// replicates. With warmOnly they are the only starts (refit).
	warm     [][]float64
	warmOnly bool
}

// refit returns the settings of a refit warm-started from params (a
// cross-validation fold, a bootstrap replicate): the user's, with the warm
// start alone run to convergence, so that the refit estimates the same
// solution on other persons (the folds and replicates are then matched to
// the fit's groups), one thread (the refits run in parallel) and no
// standard errors.
func (s *Settings) refit(params []float64) *Settings {
	r := *s
	r.Search.Starts, r.Search.Keep, r.Search.ConvergeAll = 1, 1, false
	r.Search.Threads, r.NoSE, r.warm, r.warmOnly = 1, true, [][]float64{params}, true
	r.Start, r.StartOnly, r.StartFile = nil, false, ""
	return &r
}

// checkPersons checks that careers c have persons to fit, at least one
// for each of k groups.
func checkPersons(c *Careers, k int) error {
	if c.Len() == 0 {
		return errors.New("no persons to fit")
	}
	if k > c.Len() {
		return fmt.Errorf("%s for %s: a group needs at least one person", words.Count(k, "group"), words.Count(c.Len(), "person"))
	}
	return nil
}

// Fit fits the trajectory model m to the careers by EM from many starts.
// The careers' age grid is the modelled window.
func Fit(c *Careers, m Model, s *Settings) (*Fitted, error) {
	if s == nil {
		s = &Settings{}
	}
	start := time.Now()
	if err := m.Validate(); err != nil {
		return nil, err
	}
	k := m.Groups()
	if err := checkPersons(c, k); err != nil {
		return nil, err
	}
	if err := checkData(c, m.Distribution); err != nil {
		return nil, err
	}
	weights, err := s.scaledWeights(c.Len())
	if err != nil {
		return nil, err
	}
	if s.Start != nil {
		if m, err = startModel(s.Start, s.StartFile, c, m, s.Risk); err != nil {
			return nil, err
		}
		s = s.started(s.Start.engineParams())
	}
	scaling := WindowScaling(c.MinAge, c.MaxAge())
	if s.Scaling != nil {
		scaling = *s.Scaling
	}
	search, warm, warmOnly := s.Search, s.warm, s.warmOnly
	fams, shared := families(c, scaling, m)
	p := &mixture.Problem{Families: fams, Shared: shared, InitialParams: warm, Weights: weights}
	if !warmOnly {
		p.InitialWeights = [][][]float64{rateStart(c, k)}
	}
	membership, ref, err := s.membership(c.Len(), k)
	if err != nil {
		return nil, err
	}
	p.Membership = membership
	p.Subset = subsetProblem(p, c.Len(), func(idx []int) ([]mixture.Family, mixture.Shared) {
		return families(c.subset(idx), scaling, m)
	})
	res, err := mixture.Fit(p, &search)
	if err != nil {
		return nil, err
	}
	f := newFitted(c, m, scaling, res, s.Risk, ref)
	f.record(s, search, weights)
	if !c.Real() && totalCount(c) == 0 {
		f.Warnings = append([]Warning{mixture.Warnf(AllZero, nil, "every count is zero: the rates go to zero and no trajectory is identified")}, f.Warnings...)
	}
	if !s.NoSE {
		if err := f.infer(s.context(), []*Careers{c}, s.Search.Threads); err != nil {
			return nil, fmt.Errorf("interrupted after the fit, in the standard errors: %w", err)
		}
		if err := f.dispersionTests(c, s); err != nil {
			return nil, fmt.Errorf("interrupted after the fit, in the tests of the dispersion: %w", err)
		}
	}
	f.Timing = map[string]float64{"fit_seconds": time.Since(start).Seconds()}
	return f, nil
}

// scaledWeights returns the settings' sampling weights rescaled to sum to
// n, the number of persons; nil without weights.
func (s *Settings) scaledWeights(n int) ([]float64, error) {
	if s.Weights == nil {
		return nil, nil
	}
	return scaleWeights(s.Weights, n)
}

// membership returns the membership model of n persons in k groups (nil
// for constant shares) and the 0-based output index of the reference
// group of its log-odds.
func (s *Settings) membership(n, k int) (mixture.Membership, int, error) {
	if s.Risk == nil {
		return nil, 0, nil
	}
	if len(s.Risk.X) != n {
		return nil, 0, fmt.Errorf("risk factors for %s, the careers have %d", words.Count(len(s.Risk.X), "person"), n)
	}
	if s.Reference < 0 || s.Reference > k {
		return nil, 0, fmt.Errorf("reference group %d is outside 1..%d", s.Reference, k)
	}
	// The engine's reference is its last group; the output order is
	// known only after the fit, when newFitted re-expresses the log-odds
	// against the reference.
	return mixture.MultinomialLogit{X: s.Risk.X}, max(s.Reference, 1) - 1, nil
}

// subsetProblem returns problem p's Subset for n persons: the short runs
// on a sample of the persons (mixture's StartSample) work on the sample's
// own careers, bound by bind, so that their M-steps pass over the sample
// alone.
func subsetProblem(p *mixture.Problem, n int, bind func(idx []int) ([]mixture.Family, mixture.Shared)) func(shards []int) *mixture.Problem {
	return func(shards []int) *mixture.Problem {
		var idx []int
		for _, sh := range shards {
			from, to := mixture.Shard(sh, n)
			for i := from; i < to; i++ {
				idx = append(idx, i)
			}
		}
		sf, ss := bind(idx)
		sp := &mixture.Problem{Families: sf, Shared: ss, Weights: subsetWeights(p.Weights, idx)}
		if ml, ok := p.Membership.(mixture.MultinomialLogit); ok {
			x := make([][]float64, len(idx))
			for j, i := range idx {
				x[j] = ml.X[i]
			}
			sp.Membership = mixture.MultinomialLogit{X: x, Reference: ml.Reference}
		}
		return sp
	}
}

// record sets what the fit ran with: the search settings resolved, the
// data, the weights and the start.
func (f *Fitted) record(s *Settings, search mixture.Settings, weights []float64) {
	f.Settings.Settings = search.Resolved()
	f.Settings.Context, f.Settings.Progress = nil, nil // the fit's record keeps no caller's context or hook
	f.Settings.Data = s.Data
	f.Weights, f.Settings.Weighted = weights, weights != nil
	if s.Start != nil {
		f.Settings.Start, f.Settings.StartOnly = s.StartFile, s.StartOnly
		if f.Settings.Start == "" {
			f.Settings.Start = "(given)"
		}
	}
}

// context returns the context of the settings' search, or
// context.Background() when it has none.
func (s *Settings) context() context.Context {
	if s.Search.Context == nil {
		return context.Background()
	}
	return s.Search.Context
}

// rateStart is the deterministic start: persons ranked by their mean count
// per unit of exposure (their mean value, for real-valued careers, whose
// exposures are 1 at observed ages) and split into k groups of equal size.
func rateStart(c *Careers, k int) [][]float64 {
	n := c.Len()
	rate := make([]float64, n)
	for i := 0; i < n; i++ {
		var ys float64
		es := float64(int(c.Hi[i]) - int(c.Lo[i]) + 1)
		for j := c.Start[i]; j < c.Start[i+1]; j++ {
			ys += c.Value(j)
			es += c.Exposure(j) - 1
		}
		if es > 0 { // a person without an observed age (of this outcome) ranks as rate 0
			rate[i] = ys / es
		}
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return rate[order[a]] < rate[order[b]] })
	w := make([][]float64, k)
	for j := range w {
		w[j] = make([]float64, n)
	}
	for r, i := range order {
		w[r*k/n][i] = 1
	}
	return w
}

// totalCount returns the sum of all counts.
func totalCount(c *Careers) float64 {
	var s float64
	for _, y := range c.Y {
		s += float64(y)
	}
	return s
}
