package trajectory

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/trajkit/trajkit/internal/words"
	"github.com/trajkit/trajkit/mixture"
)

// CandidateOutcome is one outcome of a multi-trajectory candidate
// (SelectMulti): its distribution, its orders and inflation orders (one
// per group) and its cross-validation error, NaN without
// cross-validation. In Selection.Outcomes it is an outcome as the search
// was given it: orders one for every group or one per group of its one K,
// and CVE NaN.
type CandidateOutcome struct {
	Name              string
	Distribution      Distribution
	Orders, Inflation []int
	CVE               float64
}

// SelectMulti chooses the number of groups of a multi-trajectory model
// (FitMulti) as Select does for one outcome: for each K in
// MinGroups..MaxGroups it fits the outcomes' models with K groups, warm
// started from the fit with K − 1 groups (each group split in two, in
// every outcome at once) besides fresh starts, and recommends by Select's
// rule (the adequate candidate with the lowest BIC with N = persons;
// adequacy is of the shared groups: APP, OCC, the smallest share,
// convergence).
//
// Each outcome's Model is a template that gives its distribution, family
// settings and orders: Orders and Inflation hold one value for every
// group, or one per group when MinGroups = MaxGroups is their length.
// There is no order search: a per-group search over every outcome is
// combinatorial (the drops of one K are K·O models, each step), so the
// orders are fixed and the search is over K alone. The settings of
// Select that describe one outcome's model (Distribution, MinOrder,
// MaxOrder, Inflation, SigmaByGroup, Censor, CommonDispersion) must be
// zero, and BLRT, RecommendBLRT and Done are not supported. Time-varying
// covariates (the same on every outcome's careers, as FitMulti takes
// them) enter every candidate, each group's effects split with it.
//
// With CV folds, the folds are of persons (the same for every outcome),
// each fold's model is refitted on the other persons warm-started from
// the full fit, and the held-out persons are scored under it jointly:
// Candidate.CVLogLik is the sum of their log-likelihoods of all outcomes
// together, log Σ_k π_k Π_o f_ko(y_io), and each outcome's CVE
// (Candidate.Outcomes[o].CVE) is Select's CVE of that outcome with the
// joint posteriors p_ik: the mean absolute difference over the outcome's
// held-out observed cells between the value and e Σ_k p_ik μ_kot, μ the
// outcome's expected value in group k at age t. Candidate.CVE is NaN:
// errors of outcomes on other scales (counts, indicators, scores) do not
// add up to one number.
//
// A one-outcome SelectMulti makes the models of Select with MinOrder =
// MaxOrder and the same starts.
func SelectMulti(outs []Outcome, s SelectSettings) (*Selection, error) {
	if len(outs) == 0 {
		return nil, errors.New("select: a multi-trajectory model needs at least one outcome")
	}
	switch {
	case s.MinGroups < 1 || s.MaxGroups < s.MinGroups:
		return nil, fmt.Errorf("select: group range %d-%d is empty", s.MinGroups, s.MaxGroups)
	case s.Distribution != "" || s.Inflation != nil || s.SigmaByGroup || s.Censor != (Censoring{}) || s.CommonDispersion:
		return nil, errors.New("select: the outcomes' models give the distributions and their settings; SelectSettings' Distribution, Inflation, SigmaByGroup, Censor and CommonDispersion must be zero")
	case s.MinOrder != 0 || s.MaxOrder != 0:
		return nil, errors.New("select: the outcomes' models give the orders: a search over per-group orders of several outcomes is not supported (MinOrder and MaxOrder must be zero)")
	case s.BLRT > 0 || s.Recommend == RecommendBLRT:
		return nil, errors.New("select: the bootstrap likelihood-ratio test of a multi-trajectory model is not supported")
	case s.Recommend != "" && s.Recommend != RecommendBIC:
		return nil, fmt.Errorf("select: recommendation rule %q: expected %q", s.Recommend, RecommendBIC)
	case s.Done != nil:
		return nil, errors.New("select: resuming a multi-trajectory search (Done) is not supported")
	case s.Fit.Start != nil:
		return nil, errors.New("select: a start model (Settings.Start) starts one fit, not a search over models")
	}
	n := outs[0].Careers.Len()
	if s.MaxGroups > n {
		return nil, fmt.Errorf("select: %s for %s", words.Count(s.MaxGroups, "group"), words.Count(n, "person"))
	}
	if s.MinShare == 0 {
		s.MinShare = DefaultMinShare
	}
	if !(s.MinShare > 0 && s.MinShare < 1) {
		return nil, fmt.Errorf("select: smallest share %v of an adequate model is outside (0, 1)", s.MinShare)
	}
	sel := &Selection{Criteria: Criteria{MinAPP: MinAPP, MinOCC: MinOCC, MinShare: s.MinShare}}
	for _, o := range outs {
		if l := max(len(o.Model.Orders), len(o.Model.Inflation)); l > 1 && (s.MinGroups != l || s.MaxGroups != l) {
			return nil, fmt.Errorf("select: outcome %s has orders for %s, one per group, those of a %d-group model, and the group range is %d-%d: search %d groups alone, or give one order for every group",
				o.Name, words.Count(l, "group"), l, s.MinGroups, s.MaxGroups, l)
		}
		sel.Outcomes = append(sel.Outcomes, CandidateOutcome{Name: o.Name, Distribution: o.Model.Distribution, Orders: o.Model.Orders, Inflation: o.Model.Inflation, CVE: math.NaN()})
	}
	// The models of the first K say whether the outcomes make a model at
	// all before anything is fitted.
	if _, err := outcomesAt(outs, s.MinGroups); err != nil {
		return nil, err
	}
	if s.Fit.Scaling == nil {
		c := outs[0].Careers
		sc := WindowScaling(c.MinAge, c.MaxAge())
		s.Fit.Scaling = &sc
	}
	var folds []int
	if s.CV > 1 {
		if s.CV > n {
			return nil, fmt.Errorf("select: %s for %s", words.Count(s.CV, "fold"), words.Count(n, "person"))
		}
		folds = makeFolds(n, s.CV, s.Fit.Search.Seed)
	}
	interrupted := func(err error) error {
		if s.Fit.context().Err() == nil {
			return err
		}
		return fmt.Errorf("model search interrupted after %s: %w", words.Count(len(sel.Candidates), "model"), err)
	}
	var prev *Candidate
	for k := s.MinGroups; k <= s.MaxGroups; k++ {
		ko, err := outcomesAt(outs, k)
		if err != nil {
			return nil, err
		}
		fs := s.Fit
		if prev != nil {
			fs.warm = splitStartsMulti(prev, ko)
		}
		fs.NoSE = true
		f, err := FitMulti(ko, &fs)
		if err != nil {
			return nil, interrupted(err)
		}
		cand := newMultiCandidate(f, sel.Criteria)
		if folds != nil {
			var progress func(int, int)
			if s.FoldProgress != nil {
				m := Model{Distribution: Multi, Orders: make([]int, k), Inflation: slices.Repeat([]int{-1}, k)}
				progress = func(done, folds int) { s.FoldProgress(m, done, folds) }
			}
			var cve []float64
			cand.CVLogLik, cve = crossValidateMulti(ko, f, folds, &fs, progress)
			if err := s.Fit.context().Err(); err != nil {
				return nil, interrupted(err)
			}
			for o := range cand.Outcomes {
				cand.Outcomes[o].CVE = cve[o]
			}
		}
		sel.Candidates = append(sel.Candidates, cand)
		if s.Progress != nil {
			s.Progress(len(sel.Candidates), cand)
		}
		if cand.Adequate && (sel.Recommended == nil || cand.BICPersons < sel.Recommended.BICPersons) {
			if sel.Recommended != nil {
				sel.Recommended.fit = nil
			}
			sel.Recommended, cand.fit = cand, f
		}
		prev = cand
	}
	sel.rank(true)
	sel.Reason = sel.reason()
	if rec := sel.Recommended; rec != nil {
		// Refit the recommended model with standard errors.
		rec.Recommended = true
		ko, _ := outcomesAt(outs, rec.Groups)
		fs := s.Fit
		fs.warm = [][]float64{rec.start}
		f, err := FitMulti(ko, &fs)
		if err != nil {
			return nil, interrupted(err)
		}
		if f.LogLik < rec.LogLik-1e-6*math.Abs(rec.LogLik) {
			// A guard, as in Select: keep the better fit.
			f = rec.fit
			cs := make([]*Careers, len(ko))
			for o := range ko {
				cs[o] = ko[o].Careers
			}
			if err := f.infer(s.Fit.context(), cs, s.Fit.Search.Threads); err != nil {
				return nil, interrupted(err)
			}
		}
		sel.Fit = f
	}
	return sel, nil
}

// outcomesAt returns the outcomes with the models of k groups that their
// templates describe (SelectMulti).
func outcomesAt(outs []Outcome, k int) ([]Outcome, error) {
	ko := make([]Outcome, len(outs))
	for o, out := range outs {
		t := out.Model
		m, err := NewModel(t.Distribution, k, t.Orders, t.Inflation)
		if err != nil {
			return nil, fmt.Errorf("select: outcome %s: %w", out.Name, err)
		}
		m.CommonDispersion, m.SigmaByGroup, m.Censor = t.CommonDispersion, t.SigmaByGroup, t.Censor
		ko[o] = out
		ko[o].Model = m
	}
	if err := checkOutcomes(ko, true); err != nil {
		return nil, fmt.Errorf("select: %w", err)
	}
	return ko, nil
}

// newMultiCandidate is newCandidate of a multi-trajectory fit: the
// criteria are the shared groups', the orders each outcome's.
func newMultiCandidate(f *Fitted, crit Criteria) *Candidate {
	cand := newCandidate(f, crit)
	cand.Orders, cand.Inflation, cand.split = nil, nil, nil
	cand.nextra, cand.nshared = 0, 0
	for o, v := range f.views() {
		out := &f.Outcomes[o]
		cand.Outcomes = append(cand.Outcomes, CandidateOutcome{Name: out.Name, Distribution: out.Distribution, Orders: out.Orders, Inflation: out.InflationOrders, CVE: math.NaN()})
		cand.outcomeSplit = append(cand.outcomeSplit, splitGroups(v))
	}
	return cand
}

// splitStartsMulti returns starts for the outcomes outs of K groups from
// the candidate with K − 1: splitStarts of every outcome, the same group
// split in all, joined in the engine's layout (the membership, then group
// by group every outcome's own parameters, then the outcomes' shared
// ones).
func splitStartsMulti(prev *Candidate, outs []Outcome) [][]float64 {
	parts := make([][][]float64, len(outs)) // outcome, start, parameters
	for o, out := range outs {
		parts[o] = splitStarts(prev.outcomeSplit[o], prev.risk, out.Model)
	}
	k := outs[0].Model.Groups()
	ntcov := len(outs[0].Careers.TcovNames)
	// The membership model's parameters come first in every outcome's
	// start: those of the shares (K − 1) or of the logit.
	nmemb := len(parts[0][0]) - outs[0].Model.NumParams() - k*ntcov + k - 1
	starts := make([][]float64, len(parts[0]))
	for st := range starts {
		p := append([]float64(nil), parts[0][st][:nmemb]...)
		off := make([]int, len(outs))
		for o := range off {
			off[o] = nmemb
		}
		for j := 0; j < k; j++ {
			for o, out := range outs {
				l := out.Model.layout(j, ntcov).len()
				p = append(p, parts[o][st][off[o]:off[o]+l]...)
				off[o] += l
			}
		}
		for o := range outs {
			p = append(p, parts[o][st][off[o]:]...)
		}
		starts[st] = p
	}
	return starts
}

// crossValidateMulti is crossValidate of a multi-trajectory model: the
// held-out persons' joint log-likelihood, and each outcome's CVE with
// their joint posteriors (see SelectMulti). Folds run in parallel, each
// warm-started from the full fit; the scores are NaN when a fold fails or
// s's context is cancelled.
func crossValidateMulti(outs []Outcome, full *Fitted, folds []int, s *Settings, progress func(done, folds int)) (float64, []float64) {
	no := len(outs)
	nan := func() (float64, []float64) {
		return math.NaN(), slices.Repeat([]float64{math.NaN()}, no)
	}
	type result struct {
		ll            float64
		absErr, cells []float64 // per outcome; cells: their summed weights
		ok            bool
	}
	var res []result
	ok := eachFold(full, len(folds), folds, s, progress, func(nf int) { res = make([]result, nf) }, func(f int, fd *fold) {
		train, test, held := fd.train, fd.test, fd.held
		var heldX [][]float64
		if fd.heldRisk != nil {
			heldX = fd.heldRisk.X
		}
		trainOuts := make([]Outcome, no)
		heldOut := make([]*Careers, no)
		for o, out := range outs {
			trainOuts[o] = out
			trainOuts[o].Careers = out.Careers.subset(train)
			heldOut[o] = out.Careers.subset(test)
		}
		tf, err := FitMulti(trainOuts, fd.fit)
		if err != nil || math.IsNaN(tf.LogLik) {
			return
		}
		// The joint posteriors of the held-out persons under the fold's
		// parameters, in the fit's group order.
		comps, prior, _, _ := tf.components(heldOut, heldX)
		k, m := len(tf.Groups), len(test)
		post := make([][]float64, k)
		for j := range post {
			post[j] = make([]float64, m)
		}
		pll := make([]float64, m)
		ll := mixture.EStep(comps, prior, post, pll, 1)
		if held != nil {
			ll = 0
			for i, l := range pll {
				ll += held[i] * l
			}
		}
		r := result{ll: ll, absErr: make([]float64, no), cells: make([]float64, no), ok: true}
		for o, v := range tf.views() {
			for i := 0; i < m; i++ {
				w := 1.0
				if held != nil {
					w = held[i]
				}
				heldOut[o].Cells(i, func(x Cell) {
					if x.Exposure == 0 {
						return
					}
					var pred float64
					for j, g := range v.Groups {
						pred += post[j][i] * g.Curve[x.Age-tf.MinAge()].Mean
					}
					r.absErr[o] += w * math.Abs(x.Value-x.Exposure*pred)
					r.cells[o] += w
				})
			}
		}
		res[f] = r
	})
	if !ok {
		return nan()
	}
	var ll float64
	absErr, cells := make([]float64, no), make([]float64, no)
	for _, r := range res {
		if !r.ok {
			return nan()
		}
		ll += r.ll
		for o := range absErr {
			absErr[o] += r.absErr[o]
			cells[o] += r.cells[o]
		}
	}
	cve := make([]float64, no)
	for o := range cve {
		cve[o] = absErr[o] / cells[o]
	}
	return ll, cve
}
