package trajectory

import (
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/trajkit/trajkit/mixture"
)

// Scored are careers scored under a fitted model (Fitted.Score), for N
// persons in the careers' order.
type Scored struct {
	IDs []string
	// Posterior is K x N: person i's posterior probability of group k
	// given her counts in the model's window (and her risk factors); for a
	// person with no observed cell there, the prior probability π_ik.
	Posterior [][]float64
	// Assigned[i] is the 1-based number of person i's maximum-posterior
	// group (the lowest on ties, as Fit assigns); 0 for a person with no
	// observed cell in the window.
	Assigned []int
	// PersonLogLik[i] is person i's log-likelihood log Σ_k π_ik f_k(y_i);
	// 0 for a person with no observed cell in the window. LogLik is their
	// sum, added up shard by shard as the engine adds it.
	PersonLogLik []float64
	LogLik       float64
	// Unobserved is the number of persons with no observed cell in the
	// window; OutsideCells the number of observed cells outside it, which
	// are left out.
	Unobserved, OutsideCells int
	// Warnings say, with kinds PersonsWithoutCells and CellsOutsideWindow,
	// what was left out.
	Warnings []Warning
	// Outcomes, of careers scored under a dual model, are each outcome's
	// marginal posteriors of its groups; Posterior and Assigned are then
	// of the model's K1·K2 joint classes. Nil otherwise.
	Outcomes []ScoredOutcome
}

// ScoredOutcome is one outcome of careers scored under a dual model: each
// person's marginal posteriors of the outcome's groups (K_o x N, Σ over
// the other outcome's groups of the joint classes'), and her
// maximum-posterior group of them (1-based; 0 for a person with no
// observed cell in the window).
type ScoredOutcome struct {
	Name      string
	Posterior [][]float64
	Assigned  []int
}

// Score scores careers under the fitted model with its parameters held
// fixed (traj's outofsample()): each person's posterior probabilities,
//
//	p_ik = π_ik f_k(y_i) / Σ_j π_ij f_j(y_i),
//
// maximum-posterior group and log-likelihood. The careers may be any
// persons on any age grid: observed cells outside the model's age window
// are left out, and a person with no observed cell in the window gets the
// prior probabilities π_ik (the shares, or the membership model's
// probabilities given her risk factors), no group and log-likelihood 0;
// both with a warning.
//
// A model with time-varying covariates needs as many on the careers
// (WithTcov), in the model's order (they are matched by position, not by
// name). A model with risk factors needs the persons' design, risk, with
// the model's covariates (Names) and one row of X per person, in the
// careers' order (careersio's PersonTable.DesignLike builds it); risk must
// be nil otherwise. Threads bounds the parallelism (≤ 0: all CPUs) and
// never changes the result.
//
// A multi-trajectory or dual model scores the careers of all its outcomes
// with ScoreMulti.
func (f *Fitted) Score(c *Careers, risk *RiskDesign, threads int) (*Scored, error) {
	if len(f.Outcomes) > 0 {
		return nil, fmt.Errorf("a model of %d outcomes: score the careers of each with ScoreMulti", len(f.Outcomes))
	}
	return f.score([]*Careers{c}, risk, threads)
}

// ScoreMulti is Score of a multi-trajectory model (FitMulti), given the
// careers of each outcome (cs[o] those of f.Outcomes[o], the same persons
// in the same order, as careersio.ReadOutcomes reads them): the
// posteriors are those of the joint likelihood,
//
//	p_ik = π_ik Π_o f_ko(y_io) / Σ_j π_ij Π_o f_jo(y_io).
//
// A person counts as observed when she has an observed cell in the
// model's window in any outcome; OutsideCells counts the cells left out
// over all outcomes. A dual model's posteriors are those of its joint
// classes (k1, k2), p_i(k1,k2) ∝ π_i(k1) π(k2 | k1) f_k1(y_iA) f_k2(y_iB),
// and Scored.Outcomes holds each outcome's marginal ones.
func (f *Fitted) ScoreMulti(cs []*Careers, risk *RiskDesign, threads int) (*Scored, error) {
	if !f.IsMulti() && !f.IsDual() {
		if len(cs) != 1 {
			return nil, fmt.Errorf("a model of one outcome and careers of %d", len(cs))
		}
		return f.score(cs, risk, threads)
	}
	if len(cs) != len(f.Outcomes) {
		return nil, fmt.Errorf("a model of %d outcomes and careers of %d", len(f.Outcomes), len(cs))
	}
	for o, c := range cs[1:] {
		if !slices.Equal(c.IDs, cs[0].IDs) {
			return nil, fmt.Errorf("outcomes %s and %s have different persons (or the same in another order)", f.Outcomes[0].Name, f.Outcomes[o+1].Name)
		}
	}
	return f.score(cs, risk, threads)
}

// score is Score and ScoreMulti: cs are the careers of each outcome.
func (f *Fitted) score(cs []*Careers, risk *RiskDesign, threads int) (*Scored, error) {
	c := cs[0]
	k, n := len(f.Groups), c.Len()
	switch model := f.Risk(); {
	case model == nil && risk != nil:
		return nil, errors.New("the model has no risk factors: membership is the shares, whatever the persons' risk factors")
	case model != nil && risk == nil:
		return nil, fmt.Errorf("the model's membership depends on the risk factors %q: their values for the persons scored are needed", model.Variables)
	case model != nil && !slices.Equal(model.Names, risk.Names):
		return nil, fmt.Errorf("risk factors %q for the model's %q", risk.Names, model.Names)
	case model != nil && len(risk.X) != n:
		return nil, fmt.Errorf("risk factors for %d persons, the careers have %d", len(risk.X), n)
	}
	for o, oc := range cs {
		if want := f.TcovNames(); len(oc.TcovNames) != len(want) {
			err := fmt.Errorf("the model has %s %q, the careers %d %q", count(len(want), "time-varying covariate", "time-varying covariates"), want, len(oc.TcovNames), oc.TcovNames)
			if len(f.Outcomes) > 0 {
				return nil, fmt.Errorf("outcome %s: %w", f.Outcomes[o].Name, err)
			}
			return nil, err
		}
	}
	views := f.views()
	if f.IsDual() {
		views = []*Fitted{f.Outcome(0), f.Outcome(1)}
	}
	for o, v := range views {
		if err := checkData(cs[o], v.Distribution); err != nil {
			if len(f.Outcomes) > 0 {
				return nil, fmt.Errorf("outcome %s: %w", f.Outcomes[o].Name, err)
			}
			return nil, err
		}
	}
	lo, hi := f.MinAge(), f.MaxAge()
	s := &Scored{IDs: c.IDs, Posterior: make([][]float64, k), Assigned: make([]int, n), PersonLogLik: make([]float64, n)}
	for j := range s.Posterior {
		s.Posterior[j] = make([]float64, n)
	}
	// in are the careers in the window, of the persons kept (indices into
	// c); without, the persons with no observed cell there.
	in, kept, without := slices.Clone(cs), []int(nil), []int(nil)
	if c.MinAge < lo || c.MaxAge() > hi {
		for _, c := range cs {
			s.OutsideCells += c.cellsOutside(lo, hi)
		}
		if len(cs) == 1 {
			in[0], without = c.Restrict(lo, hi)
		} else {
			in, without = RestrictOutcomes(cs, lo, hi)
		}
		kept = make([]int, 0, n-len(without))
		for i, w := 0, 0; i < n; i++ {
			if w < len(without) && without[w] == i {
				w++
				continue
			}
			kept = append(kept, i)
		}
	}
	var x, xWithout [][]float64
	if risk != nil {
		x = risk.X
		if kept != nil {
			x, xWithout = risk.subset(kept).X, risk.subset(without).X
		}
	}
	if m := in[0].Len(); m > 0 {
		for o, c := range in {
			if c.MinAge != lo || c.NumAges != hi-lo+1 {
				in[o] = c.regrid(lo, hi)
			}
		}
		var comps []mixture.Component
		var prior mixture.Prior
		if f.IsDual() {
			comps, prior, _ = f.dualComponents([2]*Careers{in[0], in[1]}, x, nil)
		} else {
			comps, prior, _, _ = f.components(in, x)
		}
		post := make([][]float64, k)
		for j := range post {
			post[j] = make([]float64, m)
		}
		ll := make([]float64, m)
		s.LogLik = mixture.EStep(comps, prior, post, ll, threads)
		for a := 0; a < m; a++ {
			i := a
			if kept != nil {
				i = kept[a]
			}
			for j := range post {
				s.Posterior[j][i] = post[j][a]
			}
			s.PersonLogLik[i] = ll[a]
			s.Assigned[i] = AssignedGroup(post, a)
		}
	}
	if m := len(without); m > 0 {
		// The E-step of persons with no counts: the prior alone.
		var prior mixture.Prior
		if f.IsDual() {
			prior = f.dualPrior(xWithout, nil, m)
		} else {
			prior = f.membership(xWithout).NewPrior(k, m)
			prior.SetParams(f.Params()[:f.numMembershipParams()])
		}
		lp := make([][]float64, k)
		for j := range lp {
			lp[j] = make([]float64, m)
		}
		prior.AddLogPrior(lp, 0, m)
		mixture.Posterior(lp, lp, nil, 0, m)
		for a, i := range without {
			for j := range lp {
				s.Posterior[j][i] = lp[j][a]
			}
		}
		s.Unobserved = m
		s.Warnings = append(s.Warnings, mixture.Warnf(PersonsWithoutCells, nil,
			"%s no observed cell at ages %d-%d, the model's window: they get the prior probabilities and no group (first: %q)",
			count(m, "person has", "persons have"), lo, hi, c.IDs[without[0]]))
	}
	if f.IsDual() {
		marg := dualMarginals(s.Posterior, len(f.Outcomes[0].Groups), len(f.Outcomes[1].Groups))
		for o, out := range f.Outcomes {
			so := ScoredOutcome{Name: out.Name, Posterior: marg[o], Assigned: make([]int, n)}
			for i, g := range s.Assigned {
				if g > 0 {
					so.Assigned[i] = AssignedGroup(marg[o], i)
				}
			}
			s.Outcomes = append(s.Outcomes, so)
		}
	}
	if s.OutsideCells > 0 {
		s.Warnings = append(s.Warnings, mixture.Warnf(CellsOutsideWindow, nil,
			"%s outside the model's window %d-%d left out (the data cover ages %d-%d)",
			count(s.OutsideCells, "observed cell", "observed cells"), lo, hi, c.MinAge, c.MaxAge()))
	}
	return s, nil
}

// cellsOutside returns the number of observed cells at ages outside
// lo..hi.
func (c *Careers) cellsOutside(lo, hi int) int {
	lt, ht := lo-c.MinAge, hi-c.MinAge // the window's grid indices
	n := 0
	for i := 0; i < c.Len(); i++ {
		a, b := int(c.Lo[i]), int(c.Hi[i])
		n += max(0, min(b, lt-1)-a+1) + max(0, b-max(a, ht+1)+1)
		for k := c.Start[i]; k < c.Start[i+1]; k++ {
			if t := int(c.Age[k]); (t < lt || t > ht) && c.Exposure(k) == 0 {
				n--
			}
		}
	}
	return n
}

// count writes n with the singular or the plural.
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// regrid returns the careers on the age grid lo..hi, which must contain
// every observed age.
func (c *Careers) regrid(lo, hi int) *Careers {
	if c.MinAge < lo || c.MaxAge() > hi {
		panic(errors.New("trajectory: careers outside the fit's age window"))
	}
	out := *c
	shift := uint8(c.MinAge - lo)
	out.MinAge, out.NumAges = lo, hi-lo+1
	out.Lo = make([]uint8, len(c.Lo))
	out.Hi = make([]uint8, len(c.Hi))
	out.Age = make([]uint8, len(c.Age))
	for i := range c.Lo {
		out.Lo[i], out.Hi[i] = c.Lo[i]+shift, c.Hi[i]+shift
	}
	for j, a := range c.Age {
		out.Age[j] = a + shift
	}
	return &out
}
