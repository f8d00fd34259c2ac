package trajectory

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/trajkit/trajkit/internal/words"
	"github.com/trajkit/trajkit/mixture"
)

// Dual is the Fitted.Distribution of a dual trajectory model (FitDual):
// two outcomes, each with its own groups and distribution
// (Fitted.Outcomes), linked by the transition probabilities
// (Fitted.Transition).
const Dual Distribution = "dual"

// Transition holds the probabilities that link the groups of a dual
// model's outcomes A (rows, K1 groups) and B (columns, K2 groups), all
// K1 x K2 and indexed [k1][k2] in the outcomes' output orders:
//
//	BGivenA[k1][k2] = π(k2 | k1),   rows summing to one,
//	AGivenB[k1][k2] = π(k1 | k2) = π(k1, k2) / Σ_j π(j, k2),
//	Joint[k1][k2]   = π(k1, k2) = π(k1) π(k2 | k1).
//
// The standard errors are the delta method's from the covariance of the
// membership logits (NaN when not computed). The *LoBoot and *HiBoot
// tables are the 95% percentile limits of a bootstrap (Fitted.Bootstrap
// of a dual model, bootstrapDual), nil without one.
type Transition struct {
	BGivenA   [][]float64 `json:"b_given_a"`
	BGivenASE [][]Float   `json:"b_given_a_se"`
	AGivenB   [][]float64 `json:"a_given_b"`
	AGivenBSE [][]Float   `json:"a_given_b_se"`
	Joint     [][]float64 `json:"joint"`
	JointSE   [][]Float   `json:"joint_se"`

	BGivenALoBoot [][]Float `json:"b_given_a_lo_boot,omitempty"`
	BGivenAHiBoot [][]Float `json:"b_given_a_hi_boot,omitempty"`
	AGivenBLoBoot [][]Float `json:"a_given_b_lo_boot,omitempty"`
	AGivenBHiBoot [][]Float `json:"a_given_b_hi_boot,omitempty"`
	JointLoBoot   [][]Float `json:"joint_lo_boot,omitempty"`
	JointHiBoot   [][]Float `json:"joint_hi_boot,omitempty"`
}

// IsDual reports whether f is a dual trajectory model.
func (f *Fitted) IsDual() bool { return f.Distribution == Dual }

// FitDual fits the dual trajectory model (Nagin & Tremblay 2001,
// Psychological Methods 6(1), 18-34; Jones & Nagin 2007, Sociological
// Methods & Research 35(4), 542-571): outcome a with K1 groups and
// outcome b with K2 groups (a.Model.Groups(), b.Model.Groups()), each
// with its own distribution and orders, on the same persons and ages,
// independent given the pair of groups (k1, k2), whose probability is
// π(k1) π(k2 | k1):
//
//	L_i = Σ_k1 π(k1) f_A,k1(y_iA) Σ_k2 π(k2 | k1) f_B,k2(y_iB).
//
// The result's Outcomes[0] is a and Outcomes[1] b, each outcome's groups
// ordered by ascending mean expected value of that outcome and carrying
// its marginal membership; Groups are the K1·K2 joint classes, class
// (k1, k2) numbered k1·K2 + k2 + 1 (0-based k1, k2 in output order), with
// their membership alone; Transition holds the tables of π(k2 | k1),
// π(k1 | k2) and π(k1, k2). The settings are Fit's; risk factors
// (Settings.Risk, Settings.Reference) make π(k1) a multinomial logit on
// them, as Fit's membership, π(k2 | k1) staying the same for every
// person:
//
//	π_i(k1, k2) = π_i(k1) π(k2 | k1),
//
// A's groups then carry the log-odds (Group.MembershipCoef) and their
// shares are the means of π_i(k1). A start model (Settings.Start) is a
// dual model of the same outcomes and numbers of groups (startDual).
// Time-varying covariates (Careers.WithTcov) must be the same for both
// outcomes, and each outcome's groups get their own effects δ on its
// linear predictor:
//
//	log λ_A,k1,it = β_A,k1 · x(age_it) + δ_A,k1 · w_it,
//
// and likewise for B's groups (the link of each outcome's distribution).
func FitDual(a, b Outcome, s *Settings) (*Fitted, error) {
	if s == nil {
		s = &Settings{}
	}
	start := time.Now()
	if err := checkOutcomes([]Outcome{a, b}, false); err != nil {
		return nil, err
	}
	if s.Start != nil {
		var err error
		if a, b, err = startDual(s.Start, s.StartFile, a, b, s.Risk); err != nil {
			return nil, err
		}
		s = s.started(s.Start.engineParams())
	}
	n := a.Careers.Len()
	k1, k2 := a.Model.Groups(), b.Model.Groups()
	if n == 0 {
		return nil, errors.New("no persons to fit")
	}
	if k1*k2 > n {
		return nil, fmt.Errorf("%d x %d joint classes for %s: a class needs at least one person", k1, k2, words.Count(n, "person"))
	}
	scaling := WindowScaling(a.Careers.MinAge, a.Careers.MaxAge())
	if s.Scaling != nil {
		scaling = *s.Scaling
	}
	weights, err := s.scaledWeights(n)
	if err != nil {
		return nil, err
	}
	ma, ref, err := s.membership(n, k1)
	if err != nil {
		return nil, err
	}
	membership := dualMembership{k1: k1, k2: k2}
	if ml, ok := ma.(mixture.MultinomialLogit); ok {
		ml.Weights = weights
		membership.a = ml
	}
	bind := func(ca, cb *Careers) ([]mixture.Family, mixture.Shared) {
		fams, sh := dualFamilies(ca, cb, scaling, a.Model, b.Model)
		return fams, sh
	}
	fams, shared := bind(a.Careers, b.Careers)
	p := &mixture.Problem{Families: fams, Shared: shared, Membership: membership, InitialParams: s.warm, Weights: weights}
	if !s.warmOnly {
		p.InitialWeights = [][][]float64{dualStart(rateStart(a.Careers, k1), rateStart(b.Careers, k2))}
	}
	subset := subsetProblem(p, n, func(idx []int) ([]mixture.Family, mixture.Shared) {
		return bind(a.Careers.subset(idx), b.Careers.subset(idx))
	})
	p.Subset = func(shards []int) *mixture.Problem {
		sp := subset(shards)
		sm := membership
		if ml, ok := membership.a.(mixture.MultinomialLogit); ok {
			var x [][]float64
			for _, sh := range shards {
				from, to := mixture.Shard(sh, n)
				x = append(x, ml.X[from:to]...)
			}
			sm.a = mixture.MultinomialLogit{X: x, Weights: sp.Weights}
		}
		sp.Membership = sm
		return sp
	}
	// A joint class without persons is an estimate, π(k1, k2) = 0 (no one
	// of A's group k1 is in B's group k2), not a collapsed group: the
	// engine's collapse rule goes to each outcome's groups instead
	// (checkDualCollapse).
	search := s.Search
	collapse := search.Resolved().CollapseShare
	search.CollapseShare = math.SmallestNonzeroFloat64
	res, err := mixture.Fit(p, &search)
	if err != nil {
		return nil, err
	}
	search.CollapseShare = collapse
	f := newDualFitted(a, b, scaling, res, s.Risk, ref)
	f.checkDualCollapse(collapse)
	f.record(s, search, weights)
	if !s.NoSE {
		if err := f.inferDual(s.context(), [2]*Careers{a.Careers, b.Careers}, s.Search.Threads); err != nil {
			return nil, fmt.Errorf("interrupted after the fit, in the standard errors: %w", err)
		}
	}
	f.Timing = map[string]float64{"fit_seconds": time.Since(start).Seconds()}
	return f, nil
}

// newDualFitted turns the engine's result for a dual model of outcomes a
// and b into a fit in user terms; risk is the design of A's membership
// (nil without risk factors), ref the output index of its reference
// group.
func newDualFitted(a, b Outcome, scaling AgeScaling, res *mixture.Result, risk *RiskDesign, ref int) *Fitted {
	outs := [2]Outcome{a, b}
	k1, k2 := a.Model.Groups(), b.Model.Groups()
	f := newFitHeader(a.Careers, Dual, scaling, res, risk, ref)
	f.NumObs = a.Careers.NumObs + b.Careers.NumObs
	f.BICObs = mixture.BIC(f.LogLik, f.NumParams, f.NumObs)
	if len(a.Careers.TcovNames) > 0 {
		f.Covariates.Tcov = a.Careers.TcovNames
		f.Covariates.CurveAt = multiTcovCurveAt(outs[:])
	}
	run := res.Shared.(*dualRun)
	phi := res.Params[len(res.Params)-run.s:]
	var perms [2][]int
	var groups [2][]Group
	for o, out := range outs {
		or := &run.outs[o]
		groups[o] = outcomeGroups(out.Careers, out.Model, or.comps, phi[or.off[0]:], phi[or.sharedOff:or.sharedOff+or.ns])
		perms[o] = outputOrder(groups[o])
	}
	// Output class (a, b) is engine class (permA[a], permB[b]).
	perm := make([]int, k1*k2)
	for c := range perm {
		perm[c] = perms[0][c/k2]*k2 + perms[1][c%k2]
	}
	f.Groups = make([]Group, k1*k2)
	for c, from := range perm {
		f.Groups[c] = Group{Number: c + 1, Share: res.Shares[from], ShareSE: Float(math.NaN()), ShareCI: NoInterval}
	}
	f.setMembership(res, perm, nil, 0)
	f.Settings.Groups = k1 * k2
	f.classify()

	f.Outcomes = make([]OutcomeFit, 2)
	marg := dualMarginals(f.Posterior, k1, k2)
	for o, out := range outs {
		k := out.Model.Groups()
		of := OutcomeFit{Name: out.Name, Distribution: out.Model.Distribution, Exposure: out.Exposure, NumObs: out.Careers.NumObs, Groups: make([]Group, k)}
		of.DispersionCommon, of.SigmaCommon, of.Censoring = out.Model.familyFacts()
		for j, from := range perms[o] {
			g := groups[o][from]
			g.Number = j + 1
			g.ShareSE, g.ShareCI = Float(math.NaN()), NoInterval
			of.Groups[j] = g
			of.Orders = append(of.Orders, g.Order)
			of.InflationOrders = append(of.InflationOrders, g.InflationOrder)
		}
		of.Posterior = marg[o]
		for c, g := range f.Groups {
			j := c / k2 // the class's group of A, or of B
			if o == 1 {
				j = c % k2
			}
			of.Groups[j].Share += g.Share
		}
		if o == 0 && risk != nil {
			setDualMembershipCoef(of.Groups, res.Params, perms[0], risk, ref)
		}
		m := Fitted{NumPersons: f.NumPersons, Groups: of.Groups, Posterior: of.Posterior}
		m.classify()
		of.Assigned = m.Assigned
		f.Outcomes[o] = of
	}
	f.Transition = f.transition()
	f.checkDualGroups()
	return f
}

// setDualMembershipCoef sets the log-odds of A's groups (output order,
// engine group perm[j] output group j) against output group ref, from
// the engine's coefficients at the start of params: one block per group
// but the engine's last, as setMembership's.
func setDualMembershipCoef(groups []Group, params []float64, perm []int, risk *RiskDesign, ref int) {
	k, d := len(groups), len(risk.Names)+1
	g := make([][]float64, k)
	for j := range g {
		g[j] = make([]float64, d)
		if j < k-1 {
			copy(g[j], params[j*d:(j+1)*d])
		}
	}
	base := g[perm[ref]]
	names := risk.membershipNames()
	for j := range groups {
		coef := make([]float64, d)
		for a := range coef {
			coef[a] = g[perm[j]][a] - base[a]
		}
		groups[j].MembershipCoef = Named{Names: names, Values: coef}
	}
}

// transition returns the tables of the transition probabilities from the
// classes' shares, without standard errors.
func (f *Fitted) transition() *Transition {
	k1, k2 := len(f.Outcomes[0].Groups), len(f.Outcomes[1].Groups)
	t := &Transition{}
	nan := func() []Float {
		r := make([]Float, k2)
		for j := range r {
			r[j] = Float(math.NaN())
		}
		return r
	}
	for a := range k1 {
		ga, ab, joint := make([]float64, k2), make([]float64, k2), make([]float64, k2)
		for b := range k2 {
			joint[b] = f.Groups[a*k2+b].Share
			ga[b] = joint[b] / f.Outcomes[0].Groups[a].Share
			ab[b] = joint[b] / f.Outcomes[1].Groups[b].Share
		}
		t.BGivenA, t.AGivenB, t.Joint = append(t.BGivenA, ga), append(t.AGivenB, ab), append(t.Joint, joint)
		t.BGivenASE, t.AGivenBSE, t.JointSE = append(t.BGivenASE, nan()), append(t.AGivenBSE, nan()), append(t.JointSE, nan())
	}
	return t
}

// checkDualCollapse marks the fit Degenerate, with a collapsed-group
// warning, when a group of either outcome has a marginal share below the
// collapse share (mixture.Settings.CollapseShare).
func (f *Fitted) checkDualCollapse(collapse float64) {
	for _, out := range f.Outcomes {
		for j, g := range out.Groups {
			if g.Share < collapse || math.IsNaN(g.Share) {
				f.Status = mixture.Degenerate
				f.Warnings = append(f.Warnings, mixture.Warnf(mixture.CollapsedGroup, []int{j + 1},
					"outcome %s: the group collapsed: its share %.4g is below the collapse share %.3g", out.Name, g.Share, collapse))
			}
		}
	}
}

// checkDualGroups warns, outcome by outcome, about zero inflation and
// dispersion at their boundary, and about two groups of one outcome that
// the data cannot tell apart, whose rows of π(k2 | k1) (or columns of
// π(k1 | k2)) are then not identified: groups with the same curve (within
// 1% at every age), or whose pairwise separation (pairSeparation) is
// below MinPairSeparation. Two groups fitted to noise around one true
// curve differ by more than 1% (15% at N = 4,000 in
// TestFitDualUnidentified), but the persons' posteriors barely prefer one
// of them.
func (f *Fitted) checkDualGroups() {
	for o := range f.Outcomes {
		v := f.Outcome(o)
		v.Warnings = nil
		v.checkBoundaries()
		for _, w := range v.Warnings {
			w.Message = "outcome " + f.Outcomes[o].Name + ": " + w.Message
			f.Warnings = append(f.Warnings, w)
		}
		of := &f.Outcomes[o]
		gs := of.Groups
		table := "rows of π(k2 | k1)"
		if o == 1 {
			table = "columns of π(k1 | k2)"
		}
		for a := range gs {
			for b := a + 1; b < len(gs); b++ {
				why := ""
				if sameCurve(&gs[a], &gs[b]) {
					why = "have the same curve (within 1% at every age)"
				} else if sep := pairSeparation(of.Posterior, of.Assigned, a, b); sep < MinPairSeparation {
					why = fmt.Sprintf("are barely told apart (their persons' posteriors prefer their own group of the two by %.2f on average; %.2f is a coin toss)", sep, 0.5)
				}
				if why != "" {
					f.Warnings = append(f.Warnings, mixture.Warnf(DualUnidentified, []int{a + 1, b + 1},
						"outcome %s: groups %d and %d %s: their %s are not identified; fit fewer groups of %s",
						of.Name, a+1, b+1, why, table, of.Name))
				}
			}
		}
	}
}

// MinPairSeparation is the pairwise separation of two groups of one
// outcome of a dual model below which the fit warns that their rows of
// the transition table are not identified (dual-unidentified). Nagin's
// adequacy criterion asks an APP of 0.7 of every group; two groups
// whose persons prefer their own one of the pair by less than 0.6 are
// close to a coin toss between them.
const MinPairSeparation = 0.6

// pairSeparation is the mean, over the persons assigned to group a or b
// (post K x N and a, b 0-based; assigned holds 1-based group numbers, as
// Fitted.Assigned does), of the posterior of their assigned group
// relative to the pair's, p_own / (p_a + p_b): 1 when the careers tell
// the two groups apart, 0.5 when they cannot. It is 1 when no person is
// assigned to either.
func pairSeparation(post [][]float64, assigned []int, a, b int) float64 {
	sum, n := 0.0, 0
	for i, number := range assigned {
		g := number - 1
		if g != a && g != b {
			continue
		}
		if pair := post[a][i] + post[b][i]; pair > 0 {
			sum += post[g][i] / pair
			n++
		}
	}
	if n == 0 {
		return 1
	}
	return sum / float64(n)
}

// dualParams returns the parameter vector of a dual model in the
// engine's layout for the groups in output order: the membership logits
// (dualMembership; with risk factors the log-odds of A's groups but the
// reference), then each outcome's groups' own parameters and its shared
// ones (each group's β, its time-varying covariates' δ, its inflation
// and extra parameter, as one outcome's layout), A's before B's.
func (f *Fitted) dualParams() []float64 {
	var out []float64
	ga, t := f.Outcomes[0].Groups, f.Transition
	if f.Risk() != nil {
		for j, g := range ga {
			if j != f.ref() {
				out = append(out, g.MembershipCoef.Values...)
			}
		}
	} else {
		for a := 0; a < len(ga)-1; a++ {
			out = append(out, math.Log(ga[a].Share)-math.Log(ga[len(ga)-1].Share))
		}
	}
	for _, row := range t.BGivenA {
		for b := 0; b < len(row)-1; b++ {
			out = append(out, math.Log(row[b])-math.Log(row[len(row)-1]))
		}
	}
	for o := range f.Outcomes {
		v := f.Outcome(o)
		m := v.Model()
		for j := range v.Groups {
			g := &v.Groups[j]
			out = append(out, g.Beta...)
			out = append(out, g.TcovCoef.Values...)
			out = append(out, g.Inflation...)
			if m.groupExtra() > 0 {
				out = append(out, g.extraParam())
			}
		}
		if m.sharedParams() > 0 {
			out = append(out, v.Groups[0].extraParam())
		}
	}
	return out
}

// dualParamNames names the parameters of dualParams: A_share_logit_g1,
// ... (with risk factors A_g1_risk_(intercept), A_g1_risk_x, ... for
// each group of A but the reference), then B_logit_g1_given_A_g1, ... (the logits of π(k2 | k1) against
// B's last group), then each outcome's parameters prefixed by its name
// (A_g1_beta0, ..., A_g1_tcov_w, ..., A_log_sigma).
func (f *Fitted) dualParamNames() []string {
	var names []string
	na, nb := f.Outcomes[0].Name, f.Outcomes[1].Name
	k1, k2 := len(f.Outcomes[0].Groups), len(f.Outcomes[1].Groups)
	if r := f.Risk(); r != nil {
		for a := range k1 {
			if a == f.ref() {
				continue
			}
			for _, n := range r.membershipNames() {
				names = append(names, fmt.Sprintf("%s_g%d_risk_%s", na, a+1, n))
			}
		}
	} else {
		for a := 0; a < k1-1; a++ {
			names = append(names, fmt.Sprintf("%s_share_logit_g%d", na, a+1))
		}
	}
	for a := range k1 {
		for b := 0; b < k2-1; b++ {
			names = append(names, fmt.Sprintf("%s_logit_g%d_given_%s_g%d", nb, b+1, na, a+1))
		}
	}
	for o := range f.Outcomes {
		v := f.Outcome(o)
		m, pre := v.Model(), f.Outcomes[o].Name+"_"
		for j := range v.Groups {
			g := &v.Groups[j]
			for p := 0; p <= g.Order; p++ {
				names = append(names, fmt.Sprintf("%sg%d_beta%d", pre, j+1, p))
			}
			for _, n := range f.TcovNames() {
				names = append(names, fmt.Sprintf("%sg%d_tcov_%s", pre, j+1, n))
			}
			for p := 0; p <= g.InflationOrder; p++ {
				names = append(names, fmt.Sprintf("%sg%d_gamma%d", pre, j+1, p))
			}
			if m.groupExtra() > 0 {
				names = append(names, fmt.Sprintf("%sg%d_%s", pre, j+1, m.extraName()))
			}
		}
		if m.sharedParams() > 0 {
			names = append(names, pre+m.extraName())
		}
	}
	return names
}

// dualComponents returns the fit's classes, membership and shared run in
// output order, bound to careers cs of A and B, with the fit's
// parameters; x are the persons' risk factors (RiskDesign.X) and weights
// their sampling weights (nil: none) when the model has risk factors.
func (f *Fitted) dualComponents(cs [2]*Careers, x [][]float64, weights []float64) ([]mixture.Component, *dualPrior, *dualRun) {
	fams, sh := dualFamilies(cs[0], cs[1], f.Scaling, f.Outcome(0).Model(), f.Outcome(1).Model())
	prior := f.dualPrior(x, weights, cs[0].Len())
	params := f.dualParams()
	comps := make([]mixture.Component, len(fams))
	for c, fam := range fams {
		comps[c] = fam.NewComponent()
	}
	run := sh.NewRun(comps).(*dualRun)
	run.SetParams(params[prior.NumParams():])
	return comps, prior, run
}

// dualPrior returns the fit's membership of n persons with risk factors x
// and sampling weights (see dualComponents), at the fit's parameters.
func (f *Fitted) dualPrior(x [][]float64, weights []float64, n int) *dualPrior {
	k1, k2 := len(f.Outcomes[0].Groups), len(f.Outcomes[1].Groups)
	m := dualMembership{k1: k1, k2: k2}
	if f.Risk() != nil {
		m.a = mixture.MultinomialLogit{X: x, Reference: f.ref() + 1, Weights: weights}
	}
	prior := m.NewPrior(k1*k2, n).(*dualPrior)
	prior.SetParams(f.dualParams()[:prior.NumParams()])
	return prior
}

// dualMarginals returns each outcome's marginal posteriors of its groups
// (K_o x N): Σ over the other outcome's groups of the joint classes'
// posteriors post, class k1·K2 + k2 being (k1, k2).
func dualMarginals(post [][]float64, k1, k2 int) [2][][]float64 {
	n := len(post[0])
	marg := [2][][]float64{newMatrix(k1, n), newMatrix(k2, n)}
	for c, p := range post {
		a, b := marg[0][c/k2], marg[1][c%k2]
		for i, x := range p {
			a[i] += x
			b[i] += x
		}
	}
	for _, m := range marg {
		for _, p := range m {
			for i, x := range p {
				p[i] = min(x, 1) // a sum of K rounded terms may pass 1 by an ulp
			}
		}
	}
	return marg
}

// inferDual computes the standard errors of a dual model: of the
// outcomes' coefficients and curves, of the shares of the classes and of
// each outcome's groups, and of the transition probabilities, by the
// delta method from the observed information (Louis 1982). It returns an
// error only when ctx is cancelled.
func (f *Fitted) inferDual(ctx context.Context, cs [2]*Careers, threads int) error {
	comps, prior, run := f.dualComponents(cs, f.riskX(), f.Weights)
	info, err := mixture.WeightedInformation(ctx, comps, prior, run, f.Posterior, f.Weights, threads)
	if err != nil && ctx.Err() != nil {
		return err
	}
	if err != nil {
		f.Warnings = append(f.Warnings, mixture.Warnf(NoStandardErrors, nil, "standard errors not computed: %v", err))
		return nil
	}
	p := len(f.dualParams())
	cov, err := mixture.Invert(ctx, info, p)
	if err != nil {
		return err
	}
	inf := f.setInference(cov, p)
	np := prior.NumParams()
	for o := range f.Outcomes {
		or := &run.outs[o]
		m := f.Outcome(o).Model()
		for j := range f.Outcomes[o].Groups {
			f.Outcomes[o].Groups[j].setTrajectorySE(m, or.comps[j], inf.SE, &cov, np+or.off[j], np+or.sharedOff)
		}
	}

	// Every probability q here is a function of the membership logits
	// θ, with ∂π_c/∂θ = π_c ∂ log π_c/∂θ (dualPrior.PriorScore).
	// With risk factors π_c is the mean of π_ic over the persons, its
	// gradient the mean of π_ic ∂ log π_ic/∂θ (weighted as the shares).
	k1, k2 := len(f.Outcomes[0].Groups), len(f.Outcomes[1].Groups)
	dpi := make([][]float64, k1*k2)
	risk := f.Risk()
	for c := range dpi {
		dpi[c] = make([]float64, np)
		if risk != nil {
			continue
		}
		prior.PriorScore(dpi[c], 0, c)
		for a := range dpi[c] {
			dpi[c][a] *= f.Groups[c].Share
		}
	}
	if risk != nil {
		n := cs[0].Len()
		lp := newMatrix(k1*k2, n)
		prior.AddLogPrior(lp, 0, n)
		ps := make([]float64, np)
		for c := range dpi {
			for i := range n {
				prior.PriorScore(ps, i, c)
				w := math.Exp(lp[c][i]) * f.shareWeight(i) / float64(n)
				for a, x := range ps {
					dpi[c][a] += w * x
				}
			}
		}
		d := len(risk.Names) + 1
		b := 0
		for j := range f.Outcomes[0].Groups {
			g := &f.Outcomes[0].Groups[j]
			g.MembershipSE = Named{Names: g.MembershipCoef.Names, Values: make([]float64, d)}
			if j == f.ref() {
				continue
			}
			copy(g.MembershipSE.Values, inf.SE[b:b+d])
			b += d
		}
		f.Covariates.Wald = f.waldTests(f.dualParams(), cov.Matrix, p, k1)
	}
	sum := func(cs func(c int) bool) []float64 {
		v := make([]float64, np)
		for c, d := range dpi {
			if cs(c) {
				for a, x := range d {
					v[a] += x
				}
			}
		}
		return v
	}
	se := func(v []float64) Float {
		if np == 0 {
			return 0
		}
		x, _ := cov.Variance(0, v)
		return Float(math.Sqrt(x))
	}
	setShare := func(g *Group, grad []float64) {
		g.ShareSE, g.ShareCI = Float(0), Interval{1, 1}
		if np == 0 || g.Share >= 1 {
			return
		}
		g.ShareSE, g.ShareCI = shareInterval(g.Share, grad, &cov)
	}
	for c := range f.Groups {
		setShare(&f.Groups[c], dpi[c])
	}
	gradA := make([][]float64, k1)
	for a := range gradA {
		gradA[a] = sum(func(c int) bool { return c/k2 == a })
		setShare(&f.Outcomes[0].Groups[a], gradA[a])
	}
	gradB := make([][]float64, k2)
	for b := range gradB {
		gradB[b] = sum(func(c int) bool { return c%k2 == b })
		setShare(&f.Outcomes[1].Groups[b], gradB[b])
	}
	// A ratio q = π_c / π_m has ∂q = (∂π_c − q ∂π_m) / π_m.
	ratio := func(c int, q, pm float64, dm []float64) []float64 {
		v := make([]float64, np)
		for a := range v {
			v[a] = (dpi[c][a] - q*dm[a]) / pm
		}
		return v
	}
	t := f.Transition
	for a := range k1 {
		for b := range k2 {
			c := a*k2 + b
			t.JointSE[a][b] = se(dpi[c])
			t.BGivenASE[a][b] = se(ratio(c, t.BGivenA[a][b], f.Outcomes[0].Groups[a].Share, gradA[a]))
			t.AGivenBSE[a][b] = se(ratio(c, t.AGivenB[a][b], f.Outcomes[1].Groups[b].Share, gradB[b]))
		}
	}
	return nil
}

// DualTruths returns a dual model's outcomes as truths over its K1·K2
// joint classes, for SimulateMulti: class (k1, k2), numbered k1·K2 + k2 +
// 1, has the share π(k1, k2), outcome A the curve of A's group k1 and
// outcome B that of B's group k2. So the careers drawn have each
// person's pair of groups from the joint probabilities and each
// outcome's counts from its group's curve, independent given the pair.
func (f *Fitted) DualTruths() []Truth {
	k2 := len(f.Outcomes[1].Groups)
	ts := make([]Truth, 2)
	for o := range ts {
		v := f.Outcome(o)
		classes := make([]Group, len(f.Groups))
		for c, cl := range f.Groups {
			j := c / k2
			if o == 1 {
				j = c % k2
			}
			classes[c] = v.Groups[j]
			classes[c].Number, classes[c].Share = c+1, cl.Share
		}
		v.Groups = classes
		ts[o] = TruthFromFit(v)
	}
	return ts
}
