package trajectory

import (
	"fmt"
	"math"
	"slices"

	"github.com/trajkit/trajkit/mixture"
)

// factorFit is a fit of a trajectory model whose groups' likelihoods each
// have one more per-person factor (a dropout process, FitDropout; a
// distal outcome, FitDistalJoint): each group's family is a jointFamily
// of the trajectory's family and the factor's, parts 0 and 1.
type factorFit struct {
	// f is the trajectories' fit in user terms, as Fit's, without the
	// factor's parameters and standard errors; the trajectories' standard
	// errors are set (from cov) and the shares' too without risk factors.
	f   *Fitted
	res *mixture.Result
	// perm[j] is the engine index of output group j, offsets[e] the
	// engine offset of engine group e's parameters (the trajectory's,
	// then the factor's at offsets[e]+parts[0]'s count).
	perm, offsets []int
	// cov and se are the covariance and standard errors of all the
	// engine's parameters; nil with Settings.NoSE or when not estimable.
	cov *mixture.Covariance
	se  []float64
}

// factor returns engine group e's component of the factor.
func (x *factorFit) factor(e int) mixture.Differentiable {
	return x.res.Components[e].(*jointComp).parts[1]
}

// factorOffset returns the engine offset of engine group e's factor
// parameters.
func (x *factorFit) factorOffset(e int) int {
	return x.offsets[e] + x.res.Components[e].(*jointComp).d[0]
}

// fitWithFactor fits model m to careers c with one more factor per group:
// bind(idx) returns the joint families (and the shared parameters) of the
// persons idx, all persons when idx is nil. what names the factor in
// errors and warnings ("a dropout model"). Start models are not
// supported; the standard errors come from the observed information of
// the joint model.
func fitWithFactor(c *Careers, m Model, s *Settings, what string, bind func(idx []int) ([]mixture.Family, mixture.Shared)) (*factorFit, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	k := m.Groups()
	if err := checkPersons(c, k); err != nil {
		return nil, err
	}
	if s.Start != nil || s.warm != nil {
		return nil, fmt.Errorf("a start model is not supported with %s", what)
	}
	if err := checkData(c, m.Distribution); err != nil {
		return nil, err
	}
	weights, err := s.scaledWeights(c.Len())
	if err != nil {
		return nil, err
	}
	search := s.Search
	fams, shared := bind(nil)
	p := &mixture.Problem{Families: fams, Shared: shared, Weights: weights, InitialWeights: [][][]float64{rateStart(c, k)}}
	membership, ref, err := s.membership(c.Len(), k)
	if err != nil {
		return nil, err
	}
	p.Membership = membership
	p.Subset = subsetProblem(p, c.Len(), bind)
	res, err := mixture.Fit(p, &search)
	if err != nil {
		return nil, err
	}

	// The trajectories' result, without the factor's parameters, gives
	// the fit in user terms as Fit's.
	nshared := 0
	if shared != nil {
		nshared = shared.NumParams()
	}
	own := 0
	for _, f := range fams {
		own += f.NumParams()
	}
	np := len(res.Params) - own - nshared
	traj := *res
	traj.Components = make([]mixture.Component, k)
	traj.Params = slices.Clone(res.Params[:np])
	x := &factorFit{res: res, offsets: make([]int, k)}
	inner := make([]groupComponent, k)
	off := np
	for j, comp := range res.Components {
		jc := comp.(*jointComp)
		traj.Components[j], inner[j] = jc.parts[0], jc.parts[0].(groupComponent)
		x.offsets[j] = off
		traj.Params = append(traj.Params, res.Params[off:off+jc.d[0]]...)
		off += jc.d[0] + jc.d[1]
	}
	traj.Params = append(traj.Params, res.Params[off:]...)
	x.f = newFitted(c, m, s.scaling(c), &traj, s.Risk, ref)
	x.f.record(s, search, weights)
	x.perm = outputOrder(outcomeGroups(c, m, inner, traj.Params[np:], traj.Params[len(traj.Params)-nshared:]))
	if s.NoSE {
		return x, nil
	}
	info, err := mixture.WeightedInformation(s.context(), res.Components, res.Prior, res.Shared, res.Posterior, weights, s.Search.Threads)
	if err != nil && s.context().Err() != nil {
		return nil, fmt.Errorf("interrupted after the fit, in the standard errors: %w", err)
	}
	if err != nil {
		x.f.Warnings = append(x.f.Warnings, mixture.Warnf(NoStandardErrors, nil, "standard errors not computed: %v", err))
		return x, nil
	}
	n := len(res.Params)
	cov, err := mixture.Invert(s.context(), info, n)
	if err != nil {
		return nil, fmt.Errorf("interrupted after the fit, in the standard errors: %w", err)
	}
	x.cov, x.se = &cov, make([]float64, n)
	for j := range x.se {
		x.se[j] = math.Sqrt(cov.Matrix[j*n+j])
	}
	for j, e := range x.perm {
		g := &x.f.Groups[j]
		g.setTrajectorySE(m, inner[e], x.se, x.cov, x.offsets[e], n-nshared)
		if membership == nil {
			g.ShareSE, g.ShareCI = shareSE(res.Shares, e, x.cov)
		}
	}
	if membership != nil {
		x.f.Warnings = append(x.f.Warnings, mixture.Warnf(NoStandardErrors, nil, "with %s and risk factors the standard errors of the shares and of the membership coefficients are not computed", what))
	}
	return x, nil
}

// scaling returns the settings' age scaling, or the window scaling of
// careers c's age grid.
func (s *Settings) scaling(c *Careers) AgeScaling {
	if s.Scaling != nil {
		return *s.Scaling
	}
	return WindowScaling(c.MinAge, c.MaxAge())
}
