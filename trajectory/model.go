package trajectory

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/trajkit/trajkit/mixture"
)

// Distribution is the count distribution within a group.
type Distribution string

const (
	// Poisson counts: y ~ Poisson(e λ_t).
	Poisson Distribution = "poisson"
	// ZIP counts: zero-inflated Poisson (Lambert 1992).
	ZIP Distribution = "zip"
)

// Limits of the polynomial orders, as in Stata's traj.
const (
	MaxOrder          = 5
	MaxInflationOrder = 3
)

// Model is a group-based trajectory model: K groups, each with its own
// polynomial order of log λ in age and its own order of the logit of the
// zero inflation (−1 for none).
type Model struct {
	Distribution Distribution
	// Orders[k] is group k's polynomial order, 0..5.
	Orders []int
	// Inflation[k] is group k's inflation order, −1..3; all −1 for Poisson.
	Inflation []int
}

// NewModel returns a model of k groups. orders and inflation may have one
// entry, used for every group, or k entries; nil orders means cubic, nil
// inflation means 0 (a constant) for ZIP and −1 for Poisson.
func NewModel(dist Distribution, k int, orders, inflation []int) (Model, error) {
	m := Model{Distribution: dist}
	if k < 1 {
		return m, fmt.Errorf("the number of groups must be at least 1, not %d", k)
	}
	if dist != Poisson && dist != ZIP {
		return m, fmt.Errorf("unknown distribution %q: expected poisson or zip", dist)
	}
	var err error
	if m.Orders, err = expand(orders, k, 3, "order"); err != nil {
		return m, err
	}
	def := -1
	if dist == ZIP {
		def = 0
	}
	if m.Inflation, err = expand(inflation, k, def, "inflation order"); err != nil {
		return m, err
	}
	return m, m.Validate()
}

func expand(v []int, k, def int, what string) ([]int, error) {
	switch len(v) {
	case 0:
		v = []int{def}
		fallthrough
	case 1:
		out := make([]int, k)
		for j := range out {
			out[j] = v[0]
		}
		return out, nil
	case k:
		return append([]int(nil), v...), nil
	}
	return nil, fmt.Errorf("%d %ss given for %d groups: give one for all groups or one per group", len(v), what, k)
}

// Groups returns K.
func (m Model) Groups() int { return len(m.Orders) }

// Validate checks the orders.
func (m Model) Validate() error {
	if len(m.Orders) == 0 {
		return errors.New("a model needs at least one group")
	}
	if len(m.Inflation) != len(m.Orders) {
		return fmt.Errorf("%d inflation orders for %d groups", len(m.Inflation), len(m.Orders))
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
		if m.Distribution == Poisson && q != -1 {
			return fmt.Errorf("group %d: inflation order %d needs --dist zip (a Poisson model has inflation -1)", k+1, q)
		}
	}
	return nil
}

// NumParams returns the number of free parameters: the K−1 share logits
// plus each group's rate and inflation coefficients.
func (m Model) NumParams() int {
	np := len(m.Orders) - 1
	for k, p := range m.Orders {
		np += p + 1 + max(m.Inflation[k]+1, 0)
	}
	return np
}

// Settings control Fit. The zero value gives the defaults.
type Settings struct {
	// Starts is the number of starts (0: 20); Keep how many of the best
	// after short runs go on to convergence (0: 5); ConvergeAll runs every
	// start to convergence.
	Starts, Keep int
	ConvergeAll  bool
	// Accelerate turns on SQUAREM (see mixture.Settings.Accelerate): fewer
	// iterations, ending on slightly different iterates than plain EM.
	Accelerate bool
	// Seed seeds the random starts.
	Seed uint64
	// Threads bounds the goroutines (0: all CPUs); it never changes a
	// result.
	Threads int
	// Tolerance on the relative change of the log-likelihood (0: 1e-10);
	// ScoreTolerance on the largest score component per person (0: 1e-5).
	Tolerance, ScoreTolerance float64
	// MaxIterations per run (0: 10000).
	MaxIterations int
	// StartSample bounds the persons the search from every start works
	// on before the best optima go on with all persons (0: 32,768; −1:
	// every person); see mixture.Settings.StartSample.
	StartSample int
	// Scaling of age in the polynomials; nil means WindowScaling of the
	// careers' age grid.
	Scaling *AgeScaling
	// InitialParams are extra starts as parameter vectors in the engine's
	// order (share logits, then each group's β and γ), for warm starts.
	InitialParams [][]float64
	// NoSE skips the standard errors.
	NoSE bool
	// Risk, when not nil, makes membership a multinomial logit on these
	// person-level covariates (X aligned with the careers' persons).
	Risk *RiskDesign
	// Reference is the 1-based output group against which membership
	// log-odds are expressed; 0 means group 1, the lowest-rate group.
	Reference int
	// Context, when not nil, cancels the fit (and a model search or a
	// bootstrap that uses these settings): Fit then returns an error that
	// wraps the context's error and a *mixture.Interrupted saying where
	// the fit stopped.
	Context context.Context
}

// Fit fits the trajectory model m to the careers by EM from many starts.
// The careers' age grid is the modelled window.
func Fit(c *Careers, m Model, s *Settings) (*Fitted, error) {
	if s == nil {
		s = &Settings{}
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	k := m.Groups()
	if c.Len() == 0 {
		return nil, errors.New("no persons to fit")
	}
	if k > c.Len() {
		return nil, fmt.Errorf("%d groups for %d persons: a group needs at least one person", k, c.Len())
	}
	scaling := WindowScaling(c.MinAge, c.MaxAge())
	if s.Scaling != nil {
		scaling = *s.Scaling
	}
	p := &mixture.Problem{Families: families(c, scaling, m),
		InitialWeights: [][][]float64{rateStart(c, k)}, InitialParams: s.InitialParams}
	ms := &mixture.Settings{
		Starts:         s.Starts,
		Keep:           s.Keep,
		ConvergeAll:    s.ConvergeAll,
		Accelerate:     s.Accelerate,
		StartSample:    s.StartSample,
		MaxIterations:  s.MaxIterations,
		Tolerance:      s.Tolerance,
		ScoreTolerance: s.ScoreTolerance,
		Seed:           s.Seed,
		Threads:        s.Threads,
		Context:        s.Context,
	}
	ref := 0
	if s.Risk != nil {
		if len(s.Risk.X) != c.Len() {
			return nil, fmt.Errorf("risk factors for %d persons, the careers have %d", len(s.Risk.X), c.Len())
		}
		ref = s.Reference - 1
		if s.Reference == 0 {
			ref = 0
		}
		if ref < 0 || ref >= k {
			return nil, fmt.Errorf("reference group %d is outside 1..%d", s.Reference, k)
		}
		p.Membership = mixture.MultinomialLogit{X: s.Risk.X} // the last group
	}
	// The short runs on a sample of the persons (mixture's StartSample)
	// work on the sample's own careers, so that their M-steps pass over
	// the sample alone.
	p.Subset = func(shards []int) *mixture.Problem {
		var idx []int
		for _, sh := range shards {
			from, to := mixture.Shard(sh, c.Len())
			for i := from; i < to; i++ {
				idx = append(idx, i)
			}
		}
		sp := &mixture.Problem{Families: families(c.subset(idx), scaling, m)}
		if ml, ok := p.Membership.(mixture.MultinomialLogit); ok {
			x := make([][]float64, len(idx))
			for j, i := range idx {
				x[j] = ml.X[i]
			}
			sp.Membership = mixture.MultinomialLogit{X: x, Reference: ml.Reference}
		}
		return sp
	}
	res, err := mixture.Fit(p, ms)
	if err != nil {
		return nil, err
	}
	f := newFitted(c, m, scaling, res, s.Risk, ref)
	if totalCount(c) == 0 {
		f.Warnings = append([]string{"every count is zero: the rates go to zero and no trajectory is identified"}, f.Warnings...)
	}
	if !s.NoSE {
		if err := contextErr(s.Context); err != nil {
			return nil, fmt.Errorf("interrupted after the fit, before the standard errors: %w", err)
		}
		f.infer(c, s.Threads)
	}
	return f, nil
}

// contextErr returns ctx's error, nil for a nil ctx.
func contextErr(ctx context.Context) error {
	if ctx == nil {
		return nil
	}
	return ctx.Err()
}

// rateStart is the deterministic start: persons ranked by their mean count
// per unit of exposure and split into k groups of equal size.
func rateStart(c *Careers, k int) [][]float64 {
	n := c.Len()
	rate := make([]float64, n)
	for i := 0; i < n; i++ {
		var ys float64
		es := float64(int(c.Hi[i]) - int(c.Lo[i]) + 1)
		for j := c.Start[i]; j < c.Start[i+1]; j++ {
			ys += float64(c.Y[j])
			es += c.exposure(j) - 1
		}
		rate[i] = ys / es
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
