package trajectory

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/trajkit/trajkit/internal/words"
	"github.com/trajkit/trajkit/mixture"
)

// Multi is the Fitted.Distribution of a multi-trajectory model (FitMulti):
// not a family of its own, but several outcomes, each with its own
// distribution (Fitted.Outcomes).
const Multi Distribution = "multi"

// Outcome is one outcome of a multi-trajectory model: its careers and
// its model. The outcomes of one model have the same persons in the same
// order, on the same age grid, and the same number of groups.
type Outcome struct {
	// Name names the outcome: its count column (long files) or the
	// prefix of its count columns (wide files).
	Name string
	// Exposure names its exposure column or prefix, "" without; it is
	// recorded, not used.
	Exposure string
	Careers  *Careers
	Model    Model
}

// OutcomeFit is one outcome of a fitted multi-trajectory model: its
// distribution and, for each group (in the fit's output order), the
// coefficients and the curve. The membership of the groups (shares,
// classification) is the fit's (Fitted.Groups); Fitted.Outcome joins the
// two into a fit of the outcome alone. The outcomes of a dual model
// (FitDual) have groups of their own, whose membership is the outcome's:
// their Groups carry it, from the marginal posteriors.
type OutcomeFit struct {
	Name             string       `json:"name"`
	Distribution     Distribution `json:"distribution"`
	DispersionCommon *bool        `json:"dispersion_common,omitempty"`
	SigmaCommon      *bool        `json:"sigma_common,omitempty"`
	Censoring        *Censoring   `json:"censoring,omitempty"`
	Orders           []int        `json:"orders"`
	InflationOrders  []int        `json:"inflation_orders"`
	Exposure         string       `json:"exposure,omitempty"`
	// NumObs is the number of the outcome's observed person-age cells.
	NumObs int `json:"n_obs"`
	// Groups hold the trajectory fields of Group (order, coefficients,
	// their standard errors, the family's own parameters, the curve);
	// their membership fields are unset but in a dual model.
	Groups []Group `json:"-"`
	// Posterior (K_o x N) are the persons' marginal posteriors of a dual
	// model's outcome, Σ over the other outcome's groups of the joint
	// ones, and Assigned[i] the 1-based number of person i's
	// maximum-posterior group of the outcome; nil for a multi-trajectory
	// model and in a fit read from model.json.
	Posterior [][]float64 `json:"-"`
	Assigned  []int       `json:"-"`
}

type outcomeFields OutcomeFit

// MarshalJSON writes the outcome with each group's trajectory fields, and
// its membership fields when it has them (a share, as in a dual model).
func (o OutcomeFit) MarshalJSON() ([]byte, error) {
	groups := make([]any, len(o.Groups))
	for j := range o.Groups {
		if g := &o.Groups[j]; g.Share > 0 {
			groups[j] = g
		} else {
			groups[j] = trajectoryOf(g)
		}
	}
	return json.Marshal(struct {
		outcomeFields
		Groups []any `json:"groups"`
	}{outcomeFields(o), groups})
}

// UnmarshalJSON reads what MarshalJSON writes; the groups' fields that
// are absent are zero.
func (o *OutcomeFit) UnmarshalJSON(b []byte) error {
	var v struct {
		outcomeFields
		Groups []groupFields `json:"groups"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*o = OutcomeFit(v.outcomeFields)
	o.Groups = make([]Group, len(v.Groups))
	for j, g := range v.Groups {
		o.Groups[j] = Group(g)
	}
	return nil
}

// trajectoryJSON is a group's trajectory in an outcome of model.json:
// Group's fields beyond the membership.
type trajectoryJSON struct {
	Number         int          `json:"group"`
	Label          string       `json:"label,omitempty"` // a dual model's outcome's group's
	Order          int          `json:"order"`
	InflationOrder int          `json:"inflation_order"`
	Beta           []float64    `json:"beta"`
	BetaSE         []Float      `json:"beta_se"`
	Inflation      []float64    `json:"inflation"`
	InflationSE    []Float      `json:"inflation_se"`
	TcovCoef       Named        `json:"tcov_coef,omitzero"`
	TcovSE         Named        `json:"tcov_se,omitzero"`
	Dispersion     *float64     `json:"dispersion,omitempty"`
	DispersionSE   *Float       `json:"dispersion_se,omitempty"`
	DispersionLRT  *BoundaryLRT `json:"dispersion_lrt,omitempty"`
	Sigma          *float64     `json:"sigma,omitempty"`
	SigmaSE        *Float       `json:"sigma_se,omitempty"`
	MeanCount      float64      `json:"mean_count"`
	Curve          []CurvePoint `json:"curve"`
}

func trajectoryOf(g *Group) trajectoryJSON {
	return trajectoryJSON{g.Number, g.Label, g.Order, g.InflationOrder, g.Beta, g.BetaSE, g.Inflation, g.InflationSE, g.TcovCoef, g.TcovSE,
		g.Dispersion, g.DispersionSE, g.DispersionLRT, g.Sigma, g.SigmaSE, g.MeanCount, g.Curve}
}

// setTrajectory sets g's trajectory fields (all but the number, the label
// and the membership) to t's.
func (g *Group) setTrajectory(t *Group) {
	g.Order, g.InflationOrder = t.Order, t.InflationOrder
	g.Beta, g.BetaSE, g.Inflation, g.InflationSE = t.Beta, t.BetaSE, t.Inflation, t.InflationSE
	g.TcovCoef, g.TcovSE = t.TcovCoef, t.TcovSE
	g.Dispersion, g.DispersionSE, g.DispersionLRT = t.Dispersion, t.DispersionSE, t.DispersionLRT
	g.Sigma, g.SigmaSE = t.Sigma, t.SigmaSE
	g.MeanCount, g.Curve = t.MeanCount, t.Curve
}

// membershipJSON is a group of a multi-trajectory model in model.json's
// groups: its membership alone, the trajectories being the outcomes'.
type membershipJSON struct {
	Number         int      `json:"group"`
	Label          string   `json:"label,omitempty"`
	Share          float64  `json:"share"`
	ShareSE        Float    `json:"share_se"`
	ShareCI        Interval `json:"share_ci"`
	ShareCIBoot    Interval `json:"share_ci_boot,omitzero"`
	AssignedShare  float64  `json:"assigned_share"`
	APP            Float    `json:"app"`
	OCC            Float    `json:"occ"`
	NAssigned      int      `json:"n_assigned"`
	MembershipCoef Named    `json:"membership_coef,omitzero"`
	MembershipSE   Named    `json:"membership_se,omitzero"`
}

type groupFields Group

// MarshalJSON writes the group; a group without a curve (of a
// multi-trajectory model, whose curves are the outcomes') is written
// with its membership fields alone.
func (g Group) MarshalJSON() ([]byte, error) {
	if g.Curve != nil {
		return json.Marshal(groupFields(g))
	}
	return json.Marshal(membershipJSON{g.Number, g.Label, g.Share, g.ShareSE, g.ShareCI, g.ShareCIBoot, g.AssignedShare, g.APP, g.OCC, g.NAssigned,
		g.MembershipCoef, g.MembershipSE})
}

// IsMulti reports whether f is a model of several outcomes.
func (f *Fitted) IsMulti() bool { return f.Distribution == Multi }

// Outcome returns outcome o of a multi-trajectory model as a fit of that
// outcome alone: its distribution, curves and coefficients beside the
// model's shares, classification and criteria. The result shares storage
// with f and has no covariance matrix (the joint model's is f's). The
// outcome of a dual model has its own groups, with their marginal shares,
// posteriors and classification, its first outcome's the risk factors
// (Covariates) too, its second none; both the time-varying covariates.
func (f *Fitted) Outcome(o int) *Fitted {
	out := &f.Outcomes[o]
	v := *f
	v.Distribution = out.Distribution
	v.DispersionCommon, v.SigmaCommon, v.Censoring = out.DispersionCommon, out.SigmaCommon, out.Censoring
	v.NumObs = out.NumObs
	v.Outcomes = nil
	v.Inference = nil
	v.Settings.Orders, v.Settings.InflationOrders = out.Orders, out.InflationOrders
	v.Settings.Data.Count, v.Settings.Data.Exposure = out.Name, out.Exposure
	if f.IsDual() {
		v.Groups = append([]Group(nil), out.Groups...)
		v.Posterior, v.Assigned, v.Transition = out.Posterior, out.Assigned, nil
		if o == 1 && f.Covariates != nil {
			// The risk factors are of A's groups; the time-varying
			// covariates are both outcomes'.
			v.Covariates = nil
			if len(f.Covariates.Tcov) > 0 {
				v.Covariates = &Covariates{Tcov: f.Covariates.Tcov, CurveAt: f.Covariates.CurveAt}
			}
		}
		if out.Posterior != nil {
			v.Entropy = Float(mixture.RelativeEntropy(out.Posterior))
		}
		return &v
	}
	v.Groups = make([]Group, len(f.Groups))
	for j := range v.Groups {
		v.Groups[j] = f.Groups[j]
		v.Groups[j].setTrajectory(&out.Groups[j])
	}
	return &v
}

// views returns the outcomes of a multi-trajectory fit as fits of one
// outcome each, sharing the fit's groups; f itself for a single outcome,
// and for a dual model too, whose outcomes have groups of their own
// (Outcome(0), Outcome(1)): the callers index the views' groups by the
// fit's.
func (f *Fitted) views() []*Fitted {
	if !f.IsMulti() {
		return []*Fitted{f}
	}
	vs := make([]*Fitted, len(f.Outcomes))
	for o := range vs {
		vs[o] = f.Outcome(o)
	}
	return vs
}

// trajectoryGroups returns the groups that hold outcome o's trajectory
// fields: f.Groups for a single outcome.
func (f *Fitted) trajectoryGroups(o int) []Group {
	if !f.IsMulti() {
		return f.Groups
	}
	return f.Outcomes[o].Groups
}

// checkOutcomes returns an error unless the outcomes can make one model:
// at least one, named uniquely, the same persons on the same age grid,
// the same number of groups when sameGroups (a multi-trajectory model,
// not a dual one), each model valid for its careers.
func checkOutcomes(outs []Outcome, sameGroups bool) error {
	if len(outs) == 0 {
		return errors.New("a multi-trajectory model needs at least one outcome")
	}
	first := outs[0]
	seen := map[string]bool{}
	for _, o := range outs {
		switch {
		case o.Name == "":
			return errors.New("an outcome without a name")
		case seen[o.Name]:
			return fmt.Errorf("outcome %q given twice", o.Name)
		case o.Careers == nil:
			return fmt.Errorf("outcome %q has no careers", o.Name)
		}
		seen[o.Name] = true
		if err := o.Model.Validate(); err != nil {
			return fmt.Errorf("outcome %s: %w", o.Name, err)
		}
		if sameGroups && o.Model.Groups() != first.Model.Groups() {
			return fmt.Errorf("outcome %s has %s and outcome %s %d: the outcomes share the groups", o.Name, words.Count(o.Model.Groups(), "group"), first.Name, first.Model.Groups())
		}
		c, c0 := o.Careers, first.Careers
		if c.MinAge != c0.MinAge || c.NumAges != c0.NumAges {
			return fmt.Errorf("outcome %s has ages %d-%d and outcome %s %d-%d: the outcomes share the age grid", o.Name, c.MinAge, c.MaxAge(), first.Name, c0.MinAge, c0.MaxAge())
		}
		if !slices.Equal(c.IDs, c0.IDs) {
			return fmt.Errorf("outcomes %s and %s have different persons (or the same in another order)", first.Name, o.Name)
		}
		if !slices.Equal(c.TcovNames, c0.TcovNames) {
			return fmt.Errorf("outcome %s has time-varying covariates %s and outcome %s %s: the outcomes share them (Careers.WithTcov on every outcome's careers)", o.Name, nameList(c.TcovNames), first.Name, nameList(c0.TcovNames))
		}
		if err := checkData(c, o.Model.Distribution); err != nil {
			return fmt.Errorf("outcome %s: %w", o.Name, err)
		}
	}
	return nil
}

// jointFamilies binds the groups of a multi-trajectory model to the
// outcomes' careers (careers(o), with age scaling s): one joint family per
// group, and the outcomes' shared parameters (nil when none has any).
func jointFamilies(outs []Outcome, careers func(o int) *Careers, s AgeScaling) ([]mixture.Family, mixture.Shared) {
	k := outs[0].Model.Groups()
	fams := make([]mixture.Family, k)
	joint := make([]*jointFamily, k)
	for j := range joint {
		joint[j] = &jointFamily{parts: make([]mixture.Family, len(outs))}
		fams[j] = joint[j]
	}
	var sh jointShared
	for o, out := range outs {
		of, os := families(careers(o), s, out.Model)
		for j := range joint {
			joint[j].parts[o] = of[j]
		}
		if os != nil {
			sh.outcome = append(sh.outcome, o)
			sh.shared = append(sh.shared, os)
		}
	}
	if len(sh.shared) == 0 {
		return fams, nil
	}
	return fams, &sh
}

// FitMulti fits a multi-trajectory model (Nagin, Jones, Passos & Tremblay
// 2018): K groups shared by the outcomes, the outcomes independent given
// the group, each with its own distribution and orders. Group order is by
// ascending mean expected value of the first outcome. The settings are
// Fit's (a start model, Settings.Start, is a multi-trajectory model of
// the same outcomes: startOutcomes). Time-varying covariates
// (Careers.WithTcov) must be the same for every outcome, and each
// outcome's groups get their own effects δ_ko on its linear predictor.
func FitMulti(outs []Outcome, s *Settings) (*Fitted, error) {
	if s == nil {
		s = &Settings{}
	}
	start := time.Now()
	if err := checkOutcomes(outs, true); err != nil {
		return nil, err
	}
	if s.Start != nil {
		var err error
		if outs, err = startOutcomes(s.Start, s.StartFile, outs, s.Risk); err != nil {
			return nil, err
		}
		s = s.started(s.Start.engineParams())
	}
	c0 := outs[0].Careers
	k := outs[0].Model.Groups()
	if err := checkPersons(c0, k); err != nil {
		return nil, err
	}
	scaling := WindowScaling(c0.MinAge, c0.MaxAge())
	if s.Scaling != nil {
		scaling = *s.Scaling
	}
	weights, err := s.scaledWeights(c0.Len())
	if err != nil {
		return nil, err
	}
	membership, ref, err := s.membership(c0.Len(), k)
	if err != nil {
		return nil, err
	}
	fams, shared := jointFamilies(outs, func(o int) *Careers { return outs[o].Careers }, scaling)
	p := &mixture.Problem{Families: fams, Shared: shared, Membership: membership, InitialParams: s.warm, Weights: weights}
	if !s.warmOnly {
		p.InitialWeights = [][][]float64{rateStart(c0, k)}
	}
	p.Subset = subsetProblem(p, c0.Len(), func(idx []int) ([]mixture.Family, mixture.Shared) {
		return jointFamilies(outs, func(o int) *Careers { return outs[o].Careers.subset(idx) }, scaling)
	})
	search := s.Search
	res, err := mixture.Fit(p, &search)
	if err != nil {
		return nil, err
	}
	f := newMultiFitted(outs, scaling, res, s.Risk, ref)
	f.record(s, search, weights)
	if !s.NoSE {
		cs := make([]*Careers, len(outs))
		for o := range outs {
			cs[o] = outs[o].Careers
		}
		if err := f.infer(s.context(), cs, s.Search.Threads); err != nil {
			return nil, fmt.Errorf("interrupted after the fit, in the standard errors: %w", err)
		}
	}
	f.Timing = map[string]float64{"fit_seconds": time.Since(start).Seconds()}
	return f, nil
}

// newMultiFitted turns the engine's result for a multi-trajectory model
// into a fit in user terms; ref is the 0-based output index of the
// membership model's reference group.
func newMultiFitted(outs []Outcome, scaling AgeScaling, res *mixture.Result, risk *RiskDesign, ref int) *Fitted {
	c0 := outs[0].Careers
	k := outs[0].Model.Groups()
	f := newFitHeader(c0, Multi, scaling, res, risk, ref)
	f.NumObs = 0
	for _, o := range outs {
		f.NumObs += o.Careers.NumObs
	}
	f.BICObs = mixture.BIC(f.LogLik, f.NumParams, f.NumObs)
	ntcov := len(c0.TcovNames)
	if ntcov > 0 {
		f.Covariates.Tcov = c0.TcovNames
		f.Covariates.CurveAt = multiTcovCurveAt(outs)
	}

	// The engine's layout: membership, then group by group every
	// outcome's own parameters, then the outcomes' shared ones.
	own := make([]int, k) // offset of group j's parameters
	sharedOff := len(res.Params)
	for _, o := range outs {
		sharedOff -= o.Model.sharedParams()
	}
	off := sharedOff
	for j := k - 1; j >= 0; j-- {
		for _, o := range outs {
			off -= o.Model.layout(j, ntcov).len()
		}
		own[j] = off
	}
	groups := make([][]Group, len(outs))
	for o, out := range outs {
		m := out.Model
		comps := make([]groupComponent, k)
		var params []float64
		for j, comp := range res.Components {
			comps[j] = comp.(*jointComp).parts[o].(groupComponent)
			from := own[j]
			for _, prev := range outs[:o] {
				from += prev.Model.layout(j, ntcov).len()
			}
			params = append(params, res.Params[from:from+m.layout(j, ntcov).len()]...)
		}
		groups[o] = outcomeGroups(out.Careers, m, comps, params, res.Params[sharedOff:sharedOff+m.sharedParams()])
		sharedOff += m.sharedParams()
	}
	perm := outputOrder(groups[0])
	f.Groups = make([]Group, k)
	for j, from := range perm {
		f.Groups[j] = Group{Number: j + 1, Share: res.Shares[from], ShareSE: Float(math.NaN()), ShareCI: NoInterval}
	}
	f.setMembership(res, perm, risk, ref)
	f.Outcomes = make([]OutcomeFit, len(outs))
	for o, out := range outs {
		of := OutcomeFit{Name: out.Name, Distribution: out.Model.Distribution, Exposure: out.Exposure, NumObs: out.Careers.NumObs, Groups: make([]Group, k)}
		of.DispersionCommon, of.SigmaCommon, of.Censoring = out.Model.familyFacts()
		for j, from := range perm {
			of.Groups[j] = groups[o][from]
			of.Groups[j].Number = j + 1
			of.Orders = append(of.Orders, of.Groups[j].Order)
			of.InflationOrders = append(of.InflationOrders, of.Groups[j].InflationOrder)
		}
		f.Outcomes[o] = of
	}
	f.Settings.Groups = k
	f.classify()
	f.checkMultiGroups()
	return f
}

// multiTcovCurveAt says where the curves of a multi-trajectory model
// with time-varying covariates are: as tcovCurveAt for one outcome, for
// each outcome when their distributions say it differently.
func multiTcovCurveAt(outs []Outcome) string {
	at := tcovCurveAt(outs[0].Model.Distribution)
	parts := make([]string, len(outs))
	same := true
	for o, out := range outs {
		a := tcovCurveAt(out.Model.Distribution)
		same = same && a == at
		parts[o] = "outcome " + out.Name + ": " + strings.TrimPrefix(a, tcovCurveZero)
	}
	if same {
		return at
	}
	return tcovCurveZero + strings.Join(parts, "; ")
}

// checkMultiGroups warns, outcome by outcome, about zero inflation and
// dispersion estimated at their boundary, and about groups whose curves
// are the same in every outcome.
func (f *Fitted) checkMultiGroups() {
	vs := f.views()
	for o, v := range vs {
		v.Warnings = nil
		v.checkBoundaries()
		for _, w := range v.Warnings {
			w.Message = "outcome " + f.Outcomes[o].Name + ": " + w.Message
			f.Warnings = append(f.Warnings, w)
		}
	}
	for a := range f.Groups {
		for b := a + 1; b < len(f.Groups); b++ {
			same := true
			for _, v := range vs {
				same = same && sameCurve(&v.Groups[a], &v.Groups[b])
			}
			if same {
				f.Status = mixture.Degenerate
				f.Warnings = append(f.Warnings, mixture.Warnf(DuplicateGroups, []int{a + 1, b + 1},
					"the same curves in every outcome (within 1%% at every age): the model has more groups than the data support"))
			}
		}
	}
}
