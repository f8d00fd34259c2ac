package trajectory

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/trajkit/trajkit/internal/words"
	"github.com/trajkit/trajkit/mixture"
)

// The adequacy criteria of a model: Nagin's (2005, ch. 5) rules of thumb
// for every group's APP and OCC, and the default smallest share.
const (
	MinAPP          = 0.7
	MinOCC          = 5.0
	DefaultMinShare = 0.05
)

// SelectSettings control Select.
type SelectSettings struct {
	Distribution Distribution
	// MinGroups..MaxGroups is the range of K.
	MinGroups, MaxGroups int
	// MinOrder..MaxOrder: with MinOrder < MaxOrder the per-group order
	// search runs; otherwise every group has order MaxOrder.
	MinOrder, MaxOrder int
	// Inflation are the inflation orders of the groups (ZIP; −1 is none,
	// and a Poisson search has −1 whatever is given). Nil gives every
	// group the distribution's default (0 for ZIP), one value applies to
	// every group of every K, and K values (traj's iorder, one per group)
	// are those of a K-group model: they need MinGroups = MaxGroups = K,
	// since a K-group list says nothing of the groups of another K. Like
	// Model.Inflation the list is a multiset: groups are numbered after
	// each fit, and the order search keeps each group's inflation order
	// with its group.
	Inflation []int
	// SigmaByGroup and Censor are the censored normal's (cnorm), as in
	// Model: every candidate has them.
	SigmaByGroup bool
	Censor       Censoring
	// CommonDispersion gives every candidate one dispersion α for all
	// groups (nb, zinb; Model.CommonDispersion); by default each group has
	// its own.
	CommonDispersion bool
	// CV is the number of cross-validation folds (0: none).
	CV int
	// MinShare is the smallest share a group of an adequate model may
	// have, in (0, 1); zero means DefaultMinShare. It is the adequacy
	// criterion, unrelated to the share at which the engine calls a group
	// collapsed (mixture.Settings.CollapseShare).
	MinShare float64
	// Fit are the settings every fit of the search derives its own from
	// (starts, seed, threads, SQUAREM, the search on a sample, the
	// context). Its risk factors (Fit.Risk) enter every candidate: each
	// K then has a multinomial logit of membership, and its BIC counts
	// the logit's coefficients. Nagin (2005) chooses K without
	// covariates and adds them to the chosen model; a search with them
	// answers another question (which K describes the data given the risk
	// factors).
	Fit Settings
	// Progress, when not nil, is called after each candidate, those
	// taken from Done included.
	Progress func(done int, c *Candidate)
	// FoldProgress, when not nil, is called after each cross-validation
	// fold of model m ends, with the folds done of all, by one goroutine
	// at a time. (The folds' own fits report nothing: their
	// Search.Progress is cleared.)
	FoldProgress func(m Model, done, folds int)
	// Done are the candidates an interrupted Select with the same
	// settings finished, in its order (the candidates Progress was given),
	// for instance read back from a checkpoint (Candidate.MarshalJSON).
	// Select takes them instead of fitting them again: the search makes
	// the same models in the same order, and each starts from the ones
	// before, so the rest of the search and the recommendation are those
	// of an uninterrupted run. A candidate that is not the model the
	// search makes at its place is an error (the settings differ).
	Done []*Candidate
	// BLRT is the number of replicates B of the bootstrap likelihood-ratio
	// test of K − 1 against K groups for each K ≥ 2 of the range (see
	// BLRT); zero means no tests. The tests run after the search, and are
	// not part of a candidate taken from Done: a resumed search runs them
	// again (with the same seeds, so with the same results).
	BLRT int
	// BLRTProgress, when not nil, is called after each replicate of the
	// test of K groups ends, with the replicates done of all, by one
	// goroutine at a time.
	BLRTProgress func(groups, done, total int)
	// Recommend is the recommendation rule: RecommendBIC (the default when
	// empty) or RecommendBLRT, which needs BLRT.
	Recommend string
}

// Candidate is one fitted model of a selection.
type Candidate struct {
	Groups         int
	Orders         []int
	Inflation      []int
	LogLik         float64
	NumParams      int
	BICPersons     float64
	BICObs         float64
	AIC            float64
	Entropy        float64 // NaN for K = 1
	MinAPP, MinOCC float64 // the smallest of the groups'; NaN when undefined
	SmallestShare  float64 // the smallest group's share
	ReachedBest    int
	Status         mixture.Status
	Adequate       bool
	CVLogLik, CVE  float64 // NaN without cross-validation
	// Recommended marks the recommended candidate.
	Recommended bool
	// Outcomes are the outcomes of a multi-trajectory candidate
	// (SelectMulti), whose Orders and Inflation are then nil and CVE NaN;
	// nil for one outcome.
	Outcomes []CandidateOutcome
	// Params is the fit's parameter vector (Fitted.Params).
	Params []float64
	// BLRT is the bootstrap likelihood-ratio test of one group fewer
	// against this candidate's groups, at its orders, nil when none ran
	// (it runs on the candidate of each K with every group at the highest
	// order).
	BLRT *BLRT
	// start is the parameter vector as a warm start takes it
	// (Fitted.engineParams: with risk factors the log-odds are against
	// the last group), whose first nmemb entries are the membership
	// model's.
	start           []float64
	nmemb           int
	ntcov           int // time-varying covariates, whose effects follow β in the parameters
	nextra, nshared int // a group's own parameters after γ (log α), and those after all groups'
	fit             *Fitted
	adequacyFailure string
	// split are the fit's groups as splitStarts takes them (when the
	// model has one group fewer than the next K's), risk whether it had
	// risk factors.
	split []splitGroup
	risk  bool
	// outcomeSplit are split's of each outcome of a multi-trajectory
	// candidate.
	outcomeSplit [][]splitGroup
}

// Criteria are the adequacy criteria a selection applied (see Select).
type Criteria struct {
	MinAPP   float64 `json:"min_app"`
	MinOCC   float64 `json:"min_occ"`
	MinShare float64 `json:"min_share"`
	// Recommend is the recommendation rule, empty for RecommendBIC.
	Recommend string `json:"recommend,omitempty"`
}

// Selection is the result of Select.
type Selection struct {
	// Criteria are the adequacy criteria applied, with the default
	// filled in.
	Criteria   Criteria
	Candidates []*Candidate
	// Recommended is the adequate candidate with the lowest BIC (N =
	// persons), nil when none is adequate; RunnerUp the next adequate one.
	// Under RecommendBLRT, Recommended is the candidate of that rule
	// (recommendBLRT) and RunnerUp is nil.
	Recommended, RunnerUp *Candidate
	// BestBIC is the candidate with the lowest BIC, adequate or not.
	BestBIC *Candidate
	// Reason says in words why Recommended was chosen.
	Reason string
	// Fit is the recommended model's fit (nil when none).
	Fit *Fitted
	// Tests are the bootstrap likelihood-ratio tests (SelectSettings.BLRT),
	// by K, also attached to their candidates; nil without them.
	Tests []*BLRT
	// Outcomes are the outcomes of a multi-trajectory search
	// (SelectMulti) as it was given them, nil for Select.
	Outcomes []CandidateOutcome
}

// Select fits every candidate model and recommends one by a documented
// rule: among candidates that meet Nagin's adequacy criteria (every group's
// APP ≥ 0.7 and OCC ≥ 5, the smallest share ≥ MinShare, converged), the one
// with the lowest BIC with N = persons. Larger K are warm-started from the
// best fit with one group fewer (each group split in two) besides fresh
// starts. With an order range, for each K it starts with every group at
// the highest order and repeatedly drops the highest term of the group
// whose drop lowers the BIC most, until no drop lowers it (Nagin 2005);
// every model visited is a candidate.
func Select(c *Careers, s SelectSettings) (*Selection, error) {
	if s.MinGroups < 1 || s.MaxGroups < s.MinGroups {
		return nil, fmt.Errorf("select: group range %d-%d is empty", s.MinGroups, s.MaxGroups)
	}
	if s.MaxGroups > c.Len() {
		return nil, fmt.Errorf("select: %s for %s", words.Count(s.MaxGroups, "group"), words.Count(c.Len(), "person"))
	}
	if s.MinOrder < 0 || s.MaxOrder > MaxOrder || s.MinOrder > s.MaxOrder {
		return nil, fmt.Errorf("select: order range %d-%d is outside 0-%d", s.MinOrder, s.MaxOrder, MaxOrder)
	}
	if s.MinShare == 0 {
		s.MinShare = DefaultMinShare
	}
	if !(s.MinShare > 0 && s.MinShare < 1) {
		return nil, fmt.Errorf("select: smallest share %v of an adequate model is outside (0, 1)", s.MinShare)
	}
	if !s.Distribution.HasInflation() {
		s.Inflation = nil
	}
	if n := len(s.Inflation); n > 1 && (s.MinGroups != n || s.MaxGroups != n) {
		return nil, fmt.Errorf("select: %s, one per group, are those of a %d-group model, and the group range is %d-%d: search %d groups alone, or give one inflation order for every group",
			words.Count(n, "inflation order"), n, s.MinGroups, s.MaxGroups, n)
	}
	if s.Fit.Start != nil {
		return nil, errors.New("select: a start model (Settings.Start) starts one fit, not a search over models: fit the model it fits with it")
	}
	if err := checkBLRT(c, s); err != nil {
		return nil, err
	}
	if s.Fit.Scaling == nil {
		sc := WindowScaling(c.MinAge, c.MaxAge())
		s.Fit.Scaling = &sc
	}
	sel := &Selection{Criteria: Criteria{MinAPP: MinAPP, MinOCC: MinOCC, MinShare: s.MinShare}}
	if s.Recommend == RecommendBLRT {
		sel.Criteria.Recommend = RecommendBLRT
	}
	var folds []int
	if s.CV > 1 {
		if s.CV > c.Len() {
			return nil, fmt.Errorf("select: %s for %s", words.Count(s.CV, "fold"), words.Count(c.Len(), "person"))
		}
		folds = makeFolds(c.Len(), s.CV, s.Fit.Search.Seed)
	}
	// interrupted says how far the search got when err comes of a
	// cancelled context.
	var finish func(*Candidate, *Fitted)
	var replay func(int, Model) (*Candidate, error)
	interrupted := func(err error) error {
		if s.Fit.context().Err() == nil {
			return err
		}
		return fmt.Errorf("model search interrupted after %s: %w", words.Count(len(sel.Candidates), "model"), err)
	}
	add := func(m Model, init [][]float64, starts int) (*Candidate, error) {
		if i := len(sel.Candidates); i < len(s.Done) {
			return replay(i, m)
		}
		fs := s.Fit
		fs.warm = init
		if starts > 0 {
			fs.Search.Starts = starts
			fs.Search.Keep = min(max(fs.Search.Keep, 1), starts)
			fs.Search.ConvergeAll = false
		}
		fs.NoSE = true
		f, err := Fit(c, m, &fs)
		if err != nil {
			return nil, interrupted(err)
		}
		cand := newCandidate(f, sel.Criteria)
		if folds != nil {
			var progress func(int, int)
			if s.FoldProgress != nil {
				progress = func(done, folds int) { s.FoldProgress(m, done, folds) }
			}
			cand.CVLogLik, cand.CVE = crossValidate(c, m, f, folds, &fs, progress)
			// A fold cancelled midway leaves a partial score: the search
			// stops instead.
			if err := s.Fit.context().Err(); err != nil {
				return nil, interrupted(err)
			}
		}
		finish(cand, f)
		return cand, nil
	}
	// finish adds cand, fitted as f (nil when taken from Done).
	finish = func(cand *Candidate, f *Fitted) {
		sel.Candidates = append(sel.Candidates, cand)
		if s.Progress != nil {
			s.Progress(len(sel.Candidates), cand)
		}
		// Keep the fit only while it may be recommended.
		if cand.Adequate && (sel.Recommended == nil || cand.BICPersons < sel.Recommended.BICPersons) {
			if sel.Recommended != nil {
				sel.Recommended.fit = nil
			}
			sel.Recommended = cand
			cand.fit = f
		}
	}
	// replay takes the i-th finished candidate, which must be model m.
	replay = func(i int, m Model) (*Candidate, error) {
		d := *s.Done[i]
		if d.Groups != m.Groups() || modelKey(d.Orders, d.Inflation) != modelKey(m.Orders, m.Inflation) ||
			(folds != nil) != !math.IsNaN(d.CVLogLik) || d.start == nil || d.split == nil {
			return nil, fmt.Errorf("select: finished candidate %d (%s, orders %s) is not the model the search makes there (%s, orders %s): it comes of other settings",
				i+1, words.Count(d.Groups, "group"), FormatOrders(d.Orders), words.Count(m.Groups(), "group"), FormatOrders(m.Orders))
		}
		d.Recommended, d.fit = false, nil
		finish(&d, nil)
		return &d, nil
	}

	// The order search warm-starts each candidate from its neighbour, so
	// it needs a quarter of the starts.
	searchStarts := max(4, s.Fit.Search.Resolved().Starts/4)
	var prev *Candidate    // the model with one group fewer, every group at the highest order
	var fulls []*Candidate // the model of each K with every group at the highest order
	for k := s.MinGroups; k <= s.MaxGroups; k++ {
		m, err := NewModel(s.Distribution, k, []int{s.MaxOrder}, s.Inflation)
		if err != nil {
			return nil, err
		}
		m = s.model(m.Orders, m.Inflation)
		var init [][]float64
		if prev != nil {
			init = splitStarts(prev.split, prev.risk, m)
		}
		cur, err := add(m, init, 0)
		if err != nil {
			return nil, err
		}
		full := cur
		// Order search: drop the highest term of one group at a time. A
		// mixture does not change when its groups are relabelled, so models
		// are identified by the multiset of their groups' orders; drops
		// that give the same multiset are one candidate, started from each
		// of their warm starts.
		visited := map[string]bool{modelKey(cur.Orders, cur.Inflation): true}
		for s.MinOrder < s.MaxOrder {
			var keys []string
			opts := map[string]*Model{}
			inits := map[string][][]float64{}
			for j := 0; j < k; j++ {
				if cur.Orders[j] <= s.MinOrder {
					continue
				}
				orders := append([]int(nil), cur.Orders...)
				orders[j]--
				key := modelKey(orders, cur.Inflation)
				if visited[key] {
					continue
				}
				if opts[key] == nil {
					keys = append(keys, key)
					m := s.model(orders, append([]int(nil), cur.Inflation...))
					opts[key] = &m
				}
				inits[key] = append(inits[key], dropTerm(cur, j, opts[key].groupExtra()))
			}
			var best *Candidate
			for _, key := range keys {
				visited[key] = true
				cand, err := add(*opts[key], inits[key], max(searchStarts, len(inits[key])+2))
				if err != nil {
					return nil, err
				}
				if cand.BICPersons < cur.BICPersons && (best == nil || cand.BICPersons < best.BICPersons) {
					best = cand
				}
			}
			if best == nil {
				break
			}
			cur = best
		}
		prev = full
		fulls = append(fulls, full)
	}

	if s.BLRT > 0 {
		if err := sel.runBLRT(c, s, fulls); err != nil {
			return nil, interrupted(err)
		}
	}
	blrtReason := ""
	if s.Recommend == RecommendBLRT {
		blrtReason = sel.recommendBLRT()
	}

	sel.rank(blrtReason == "")
	sel.Reason = sel.reason()
	if blrtReason != "" {
		sel.Reason = blrtReason
	}
	if sel.Recommended != nil {
		// Refit the recommended model with standard errors.
		rec := sel.Recommended
		rec.Recommended = true
		fs := s.Fit
		fs.warm = [][]float64{rec.start}
		f, err := Fit(c, s.model(rec.Orders, rec.Inflation), &fs)
		if err != nil {
			return nil, interrupted(err)
		}
		if f.LogLik < rec.LogLik-1e-6*math.Abs(rec.LogLik) {
			// The selection's fit is among the starts, so this is only a
			// guard: keep the better one. A candidate taken from Done has
			// no fit in memory: it is refitted from its parameters alone.
			f = rec.fit
			if f == nil {
				if f, err = Fit(c, s.model(rec.Orders, rec.Inflation), s.Fit.refit(rec.start)); err != nil {
					return nil, interrupted(err)
				}
			}
			if err := f.infer(s.Fit.context(), []*Careers{c}, s.Fit.Search.Threads); err != nil {
				return nil, interrupted(err)
			}
		}
		sel.Fit = f
	}
	return sel, nil
}

// model returns the search's model with these orders.
func (s *SelectSettings) model(orders, inflation []int) Model {
	return Model{Distribution: s.Distribution, Orders: orders, Inflation: inflation, CommonDispersion: s.CommonDispersion, SigmaByGroup: s.SigmaByGroup, Censor: s.Censor}
}

func newCandidate(f *Fitted, crit Criteria) *Candidate {
	m := f.Model()
	cand := &Candidate{
		Groups:        len(f.Groups),
		Orders:        m.Orders,
		Inflation:     m.Inflation,
		LogLik:        f.LogLik,
		NumParams:     f.NumParams,
		BICPersons:    f.BICPersons,
		BICObs:        f.BICObs,
		AIC:           f.AIC,
		Entropy:       float64(f.Entropy),
		MinAPP:        math.Inf(1),
		MinOCC:        math.Inf(1),
		SmallestShare: math.Inf(1),
		ReachedBest:   f.Starts.ReachedBest,
		Status:        f.Status,
		CVLogLik:      math.NaN(),
		CVE:           math.NaN(),
		Params:        f.Params(),
		start:         f.engineParams(),
		nmemb:         f.numMembershipParams(),
		ntcov:         len(f.TcovNames()),
		nextra:        m.groupExtra(),
		nshared:       m.sharedParams(),
		split:         splitGroups(f),
		risk:          f.Risk() != nil,
	}
	for _, g := range f.Groups {
		cand.MinAPP = math.Min(cand.MinAPP, nanInf(float64(g.APP)))
		cand.MinOCC = math.Min(cand.MinOCC, nanInf(float64(g.OCC)))
		cand.SmallestShare = math.Min(cand.SmallestShare, g.Share)
	}
	cand.Adequate = true
	switch {
	case f.Status != mixture.Converged:
		cand.Adequate, cand.adequacyFailure = false, "did not converge ("+f.Status.String()+")"
	case len(f.Groups) == 1:
		// One group: classification is trivially perfect.
	case cand.MinAPP < crit.MinAPP:
		cand.Adequate, cand.adequacyFailure = false, fmt.Sprintf("a group's APP is %.3f < %.1f", cand.MinAPP, crit.MinAPP)
	case cand.MinOCC < crit.MinOCC:
		cand.Adequate, cand.adequacyFailure = false, fmt.Sprintf("a group's OCC is %.2f < %.0f", cand.MinOCC, crit.MinOCC)
	case cand.SmallestShare < crit.MinShare:
		cand.Adequate, cand.adequacyFailure = false, fmt.Sprintf("the smallest share is %.3f < %.3f", cand.SmallestShare, crit.MinShare)
	}
	// Undefined minima are reported as NaN (empty cells).
	if math.IsInf(cand.MinAPP, 1) {
		cand.MinAPP = math.NaN()
	}
	if math.IsInf(cand.MinOCC, 1) {
		cand.MinOCC = math.NaN()
	}
	return cand
}

// nanInf maps NaN (undefined) to +Inf so that it never is the minimum.
func nanInf(x float64) float64 {
	if math.IsNaN(x) {
		return math.Inf(1)
	}
	return x
}

// KassRaftery reads a difference of BIC as 2 ln(Bayes factor) (Kass &
// Raftery 1995): < 2 weak, 2-6 positive, 6-10 strong, > 10 very strong.
func KassRaftery(delta float64) string {
	switch {
	case delta < 2:
		return "weak"
	case delta < 6:
		return "positive"
	case delta < 10:
		return "strong"
	}
	return "very strong"
}

// Rule states the recommendation rule with the criteria in numbers.
func (c Criteria) Rule() string {
	if c.Recommend == RecommendBLRT {
		return c.blrtRule()
	}
	return "the lowest BIC (N = persons) among the candidates that meet the adequacy criteria (" + c.adequacy() + ")"
}

// adequacy states the adequacy criteria in numbers.
func (c Criteria) adequacy() string {
	return fmt.Sprintf("APP ≥ %.1f and OCC ≥ %.0f in every group, smallest share ≥ %.3f, converged", c.MinAPP, c.MinOCC, c.MinShare)
}

func (sel *Selection) reason() string {
	r := sel.Recommended
	c := sel.Criteria
	if r == nil {
		return "no candidate meets the adequacy criteria (" + c.adequacy() + ")"
	}
	n := sel.adequateCount()
	msg := fmt.Sprintf("the lowest BIC (N = persons) among the %s that %s the adequacy criteria (%s)", words.Count(n, "candidate"), words.Choose(n, "meets", "meet"), c.adequacy())
	if ru := sel.RunnerUp; ru != nil {
		d := ru.BICPersons - r.BICPersons
		msg += fmt.Sprintf("; the runner-up (%s) has a BIC %.1f higher: %s evidence against it (Kass & Raftery 1995)", ru.Describe(), d, KassRaftery(d))
	}
	if b := sel.BestBIC; b != r {
		msg += fmt.Sprintf("; the lowest BIC overall (%s) is not adequate: %s", b.Describe(), b.adequacyFailure)
	}
	return msg
}

// rank sets BestBIC, the candidate with the lowest BIC, and with
// runnerUp RunnerUp, the adequate one with the lowest BIC after
// Recommended.
func (sel *Selection) rank(runnerUp bool) {
	for _, cand := range sel.Candidates {
		if sel.BestBIC == nil || cand.BICPersons < sel.BestBIC.BICPersons {
			sel.BestBIC = cand
		}
		if runnerUp && cand.Adequate && cand != sel.Recommended && (sel.RunnerUp == nil || cand.BICPersons < sel.RunnerUp.BICPersons) {
			sel.RunnerUp = cand
		}
	}
}

// Describe names the candidate's model in words: its groups and orders
// (a multi-trajectory candidate's groups alone: its outcomes' orders are
// the search's).
func (c *Candidate) Describe() string {
	if c.Outcomes != nil {
		return words.Count(c.Groups, "group")
	}
	return words.Count(c.Groups, "group") + ", orders " + FormatOrders(c.Orders)
}

func (sel *Selection) adequateCount() int {
	n := 0
	for _, c := range sel.Candidates {
		if c.Adequate {
			n++
		}
	}
	return n
}

// splitStarts returns starts for model m (K groups) from a fit with K−1
// groups: each group in turn is split in two with half its share and the
// intercept moved by ±0.3; the new groups take m's orders, with missing
// coefficients zero and extra ones dropped. With risk factors each half
// keeps the group's log-odds less ln 2 in the intercept (half the odds at
// every covariate value), all re-expressed against the last group as the
// engine takes them.
func splitStarts(prev []splitGroup, risk bool, m Model) [][]float64 {
	k := m.Groups()
	var out [][]float64
	for split := range prev {
		var shares []float64
		var membs, betas, deltas, gammas, extras [][]float64
		for j, g := range prev {
			if j != split {
				shares = append(shares, g.Share)
				if risk {
					membs = append(membs, g.Membership)
				}
				betas = append(betas, g.Beta)
				deltas = append(deltas, g.Tcov)
				gammas = append(gammas, g.Inflation)
				extras = append(extras, g.Extra)
				continue
			}
			for _, d := range []float64{-0.3, 0.3} {
				b := append([]float64(nil), g.Beta...)
				b[0] += d
				shares = append(shares, g.Share/2)
				if risk {
					half := append([]float64(nil), g.Membership...)
					half[0] -= math.Ln2
					membs = append(membs, half)
				}
				betas = append(betas, b)
				deltas = append(deltas, g.Tcov)
				gammas = append(gammas, g.Inflation)
				extras = append(extras, g.Extra)
			}
		}
		p := make([]float64, 0, m.NumParams())
		for j := 0; j < k-1; j++ {
			if !risk {
				p = append(p, math.Log(shares[j]/shares[k-1]))
				continue
			}
			for a, v := range membs[j] {
				p = append(p, v-membs[k-1][a])
			}
		}
		for j := 0; j < k; j++ {
			p = append(p, fitLen(betas[j], m.Orders[j]+1)...)
			p = append(p, deltas[j]...)
			p = append(p, fitLen(gammas[j], m.Inflation[j]+1)...)
			p = append(p, fitLen(extras[j], m.groupExtra())...)
		}
		if m.sharedParams() > 0 {
			p = append(p, fitLen(prev[0].Extra, 1)...)
		}
		out = append(out, p)
	}
	return out
}

// splitGroup is a group of a fit as splitStarts takes it.
type splitGroup struct {
	Share float64
	// Membership is the group's membership coefficients (with risk
	// factors), Tcov its time-varying covariates' effects.
	Membership, Beta, Tcov, Inflation []float64
	// Extra is its log σ (cnorm), its own or the common one, on the
	// engine's scale; empty for the other distributions.
	Extra []float64 `json:",omitempty"`
}

// splitGroups returns f's groups as splitStarts takes them.
func splitGroups(f *Fitted) []splitGroup {
	out := make([]splitGroup, len(f.Groups))
	for j, g := range f.Groups {
		out[j] = splitGroup{Share: g.Share, Membership: g.MembershipCoef.Values, Beta: g.Beta, Tcov: g.TcovCoef.Values, Inflation: g.Inflation}
		if g.Dispersion != nil || g.Sigma != nil {
			out[j].Extra = []float64{g.extraParam()}
		}
	}
	return out
}

// fitLen returns v cut or padded with zeros to length n (n ≤ 0: empty).
func fitLen(v []float64, n int) []float64 {
	out := make([]float64, max(n, 0))
	copy(out, v)
	return out
}

// dropTerm returns the parameters of candidate c, as a warm start takes
// them, with the highest rate term of group j removed; extra is the number
// of each group's own parameters beyond its polynomials (Model.groupExtra).
func dropTerm(c *Candidate, j, extra int) []float64 {
	k := c.Groups
	p := append([]float64(nil), c.start[:c.nmemb]...)
	off := c.nmemb
	for g := 0; g < k; g++ {
		nb, ng := c.Orders[g]+1, max(c.Inflation[g]+1, 0)
		beta := c.start[off : off+nb]
		if g == j {
			beta = beta[:nb-1]
		}
		p = append(p, beta...)
		// The time-varying covariates' effects, the inflation and the
		// group's own log σ follow.
		p = append(p, c.start[off+nb:off+nb+c.ntcov+ng+extra]...)
		off += nb + c.ntcov + ng + extra
	}
	return append(p, c.start[off:]...) // the parameters all groups share
}

// modelKey identifies a model up to relabelling of its groups: the sorted
// list of the groups' (order, inflation order) pairs.
func modelKey(orders, inflation []int) string {
	pairs := make([]string, len(orders))
	for j := range orders {
		pairs[j] = fmt.Sprintf("%d/%d", orders[j], inflation[j])
	}
	sort.Strings(pairs)
	return strings.Join(pairs, ",")
}

// FormatOrders writes orders as "3;3;2", the form of selection.csv and of
// the command's tables; ParseOrders reads it back.
func FormatOrders(v []int) string {
	s := make([]string, len(v))
	for j, x := range v {
		s[j] = strconv.Itoa(x)
	}
	return strings.Join(s, ";")
}

// ParseOrders reads a list of orders (or inflation orders) one per group,
// or a single one: whole numbers separated by commas or semicolons, so
// that "2,3,3" and "2;3;3" (what FormatOrders writes) are the same list.
// Spaces around the numbers are ignored; an empty entry is an error. It
// checks the syntax, not the range (Model.Validate does).
func ParseOrders(s string) ([]int, error) {
	bad := fmt.Errorf("%q is not a list of orders: expected whole numbers separated by , or ;, e.g. 3 or 2,3,3 or 2;3;3", s)
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' })
	if len(fields) != strings.Count(s, ",")+strings.Count(s, ";")+1 {
		return nil, bad // an empty entry: "2,,3", "3;", ""
	}
	out := make([]int, len(fields))
	for j, f := range fields {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return nil, bad
		}
		out[j] = v
	}
	return out, nil
}

// makeFolds assigns persons to f folds of near-equal size at random.
func makeFolds(n, f int, seed uint64) []int {
	rng := rand.New(rand.NewPCG(seed, 0xc5))
	fold := make([]int, n)
	for i := range fold {
		fold[i] = i % f
	}
	rng.Shuffle(n, func(a, b int) { fold[a], fold[b] = fold[b], fold[a] })
	return fold
}

// crossValidate returns the F-fold out-of-sample log-likelihood (the sum
// over persons of their log-likelihood under the model fitted without
// their fold) and the cross-validation error in the manner of crimCV
// (Nielsen et al. 2014): the mean absolute difference, over the held-out
// persons' observed cells, between each count and its prediction
// e Σ_k p_ik (1 − ρ_kt) λ_kt, with p_ik the person's posterior under the
// parameters fitted without them (and, with risk factors, their own
// covariates in the membership model). With sampling weights (s.Weights)
// each fold is fitted with its persons' weights, and the held-out
// persons' log-likelihoods and absolute differences count with their
// weights, rescaled over all persons to sum to N. Folds run in parallel, each
// warm-started from the full fit; once s's context is cancelled no fold
// starts and the scores are NaN.
func crossValidate(c *Careers, m Model, full *Fitted, folds []int, s *Settings, progress func(done, folds int)) (float64, float64) {
	type result struct {
		ll, absErr, cells float64 // cells: the summed weights of the cells (their number without weights)
		ok                bool
	}
	var res []result
	ok := eachFold(full, c.Len(), folds, s, progress, func(nf int) { res = make([]result, nf) }, func(f int, fd *fold) {
		tf, err := Fit(c.subset(fd.train), m, fd.fit)
		if err != nil || math.IsNaN(tf.LogLik) {
			return
		}
		heldOut := c.subset(fd.test)
		sc, err := tf.Score(heldOut, fd.heldRisk, 1)
		if err != nil {
			return
		}
		ll, post := sc.LogLik, sc.Posterior
		if fd.held != nil {
			ll = 0
			for i, l := range sc.PersonLogLik {
				ll += fd.held[i] * l
			}
		}
		var absErr, cells float64
		for i := 0; i < heldOut.Len(); i++ {
			v := 1.0
			if fd.held != nil {
				v = fd.held[i]
			}
			heldOut.Cells(i, func(x Cell) {
				if x.Exposure == 0 {
					return
				}
				var pred float64
				for k, g := range tf.Groups {
					pred += post[k][i] * g.Curve[x.Age-tf.MinAge()].Mean
				}
				absErr += v * math.Abs(x.Value-x.Exposure*pred)
				cells += v
			})
		}
		res[f] = result{ll: ll, absErr: absErr, cells: cells, ok: true}
	})
	if !ok {
		return math.NaN(), math.NaN()
	}
	var ll, absErr, cells float64
	for _, r := range res {
		if !r.ok {
			return math.NaN(), math.NaN()
		}
		ll += r.ll
		absErr += r.absErr
		cells += r.cells
	}
	return ll, absErr / cells
}

// fold is one fold of cross-validation: the persons held out (test) and
// the others (train), the settings of the refit on train, and the
// held-out persons' weights (nil without) and risk factors (nil without).
type fold struct {
	train, test []int
	fit         *Settings
	held        []float64
	heldRisk    *RiskDesign
}

// eachFold runs the folds of cross-validation of n persons (folds[i] is
// person i's fold) in parallel: alloc is called first with their number,
// then run for each fold, with its refit's settings warm-started from the
// full fit (with risk factors the engine's reference is its last group,
// engineParams, and each fold has its own persons' risk factors). Once s's
// context is cancelled no fold starts, and eachFold returns false, as it
// does when the sampling weights are invalid.
func eachFold(full *Fitted, n int, folds []int, s *Settings, progress func(done, folds int), alloc func(nf int), run func(f int, fd *fold)) bool {
	nf := 0
	for _, f := range folds {
		nf = max(nf, f+1)
	}
	alloc(nf)
	ctx := s.context()
	var weights []float64
	if s.Weights != nil {
		var err error
		if weights, err = scaleWeights(s.Weights, n); err != nil {
			return false
		}
	}
	var mu sync.Mutex
	ended := 0
	mixture.ForEach(nf, s.Search.Threads, func(f int) {
		if ctx.Err() != nil {
			return
		}
		if progress != nil {
			defer func() {
				mu.Lock()
				defer mu.Unlock()
				ended++
				progress(ended, nf)
			}()
		}
		fd := &fold{}
		for i, g := range folds {
			if g == f {
				fd.test = append(fd.test, i)
			} else {
				fd.train = append(fd.train, i)
			}
		}
		fd.fit = s.refit(full.engineParams())
		fd.fit.Search.Progress = nil
		fd.fit.Weights = subsetWeights(s.Weights, fd.train)
		fd.held = subsetWeights(weights, fd.test)
		if s.Risk != nil {
			fd.fit.Risk, fd.heldRisk = s.Risk.subset(fd.train), s.Risk.subset(fd.test)
			fd.fit.Reference = full.ref() + 1
		}
		run(f, fd)
	})
	return ctx.Err() == nil
}
