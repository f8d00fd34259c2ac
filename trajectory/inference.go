package trajectory

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/trajkit/trajkit/mixture"
)

// Z975 is the 97.5% quantile of the standard normal distribution: the
// multiplier of every 95% Wald interval.
const Z975 = 1.959963984540054

// WaldP is the two-sided p-value of a Wald statistic z (an estimate over
// its standard error) against the standard normal.
func WaldP(z float64) float64 { return math.Erfc(math.Abs(z) / math.Sqrt2) }

// Inference holds the estimated covariance of a fit's free parameters, in
// the order of Fitted.Params, from the observed information of the full
// mixture log-likelihood (Louis 1982). Its JSON form is model.json's
// "covariance": the names, the matrix (null where not estimable) and the
// condition number.
type Inference struct {
	// Names of the parameters: share_logit_g1 .. (log-odds of group k
	// against the last group), then g1_beta0, g1_beta1, ..., g1_gamma0, ...
	Names []string
	// Cov is P x P, row-major; NaN for parameters that are not estimable.
	Cov []float64
	// SE are the standard errors; NaN where not estimable.
	SE []float64
	// Condition is the condition number of the information matrix.
	Condition float64
}

// MarshalJSON writes {"names", "matrix", "condition"}.
func (inf *Inference) MarshalJSON() ([]byte, error) {
	p := len(inf.Names)
	if len(inf.Cov) != p*p {
		return nil, fmt.Errorf("trajectory: a covariance matrix of %d entries for %d parameters", len(inf.Cov), p)
	}
	m := make([][]Float, p)
	for a := range m {
		m[a] = toFloats(inf.Cov[a*p : (a+1)*p])
	}
	return json.Marshal(struct {
		Names     []string  `json:"names"`
		Matrix    [][]Float `json:"matrix"`
		Condition Float     `json:"condition"`
	}{inf.Names, m, Float(inf.Condition)})
}

// UnmarshalJSON reads what MarshalJSON writes; the standard errors are
// the square roots of the diagonal. A file without a condition number
// reads it as NaN.
func (inf *Inference) UnmarshalJSON(b []byte) error {
	var v struct {
		Names     []string  `json:"names"`
		Matrix    [][]Float `json:"matrix"`
		Condition *Float    `json:"condition"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	p := len(v.Names)
	if len(v.Matrix) != p {
		return fmt.Errorf("a covariance matrix of %d rows for %d names", len(v.Matrix), p)
	}
	*inf = Inference{Names: v.Names, Cov: make([]float64, 0, p*p), SE: make([]float64, p), Condition: math.NaN()}
	for a, row := range v.Matrix {
		if len(row) != p {
			return fmt.Errorf("row %d of the covariance matrix has %d entries, want %d", a+1, len(row), p)
		}
		for _, x := range row {
			inf.Cov = append(inf.Cov, float64(x))
		}
		inf.SE[a] = math.Sqrt(float64(row[a]))
	}
	if v.Condition != nil {
		inf.Condition = float64(*v.Condition)
	}
	return nil
}

// paramNames returns the names of the fit's free parameters in the order
// of Params: the membership parameters (share_logit_g1, ... against the
// last group; or g2_risk_(intercept), g2_risk_x, ... for each group but the
// reference), then g1_beta0, g1_beta1, ..., g1_gamma0, ..., g1_log_dispersion
// or g1_log_sigma; a dispersion or σ common to the groups comes last, as
// log_dispersion or log_sigma. The names of a multi-trajectory model's
// group parameters start with their outcome's name (thb_g1_beta0); a
// dual model's are dualParamNames'.
func (f *Fitted) paramNames() []string {
	if f.IsDual() {
		return f.dualParamNames()
	}
	k := len(f.Groups)
	var names []string
	if r := f.Risk(); r != nil {
		for j := 0; j < k; j++ {
			if j == f.ref() {
				continue
			}
			names = append(names, fmt.Sprintf("g%d_risk_(intercept)", j+1))
			for _, n := range r.Names {
				names = append(names, fmt.Sprintf("g%d_risk_%s", j+1, n))
			}
		}
	} else {
		for j := 0; j < k-1; j++ {
			names = append(names, fmt.Sprintf("share_logit_g%d", j+1))
		}
	}
	vs := f.views()
	prefix := func(o int) string {
		if f.IsMulti() {
			return f.Outcomes[o].Name + "_"
		}
		return ""
	}
	for j := range f.Groups {
		for o, v := range vs {
			g, m, pre := &v.Groups[j], v.Model(), prefix(o)
			for p := 0; p <= g.Order; p++ {
				names = append(names, fmt.Sprintf("%sg%d_beta%d", pre, j+1, p))
			}
			for _, n := range v.TcovNames() {
				names = append(names, fmt.Sprintf("%sg%d_tcov_%s", pre, j+1, n))
			}
			for p := 0; p <= g.InflationOrder; p++ {
				names = append(names, fmt.Sprintf("%sg%d_gamma%d", pre, j+1, p))
			}
			if m.groupExtra() > 0 {
				names = append(names, fmt.Sprintf("%sg%d_%s", pre, j+1, m.extraName()))
			}
		}
	}
	for o, v := range vs {
		if m := v.Model(); m.sharedParams() > 0 {
			names = append(names, prefix(o)+m.extraName())
		}
	}
	return names
}

// components returns the fit's groups as engine components, its
// membership as a prior and the parameters the groups share (nil when
// none), in output order, for careers cs (one per outcome) whose persons
// have the risk factors x (nil without risk factors), and the offset of
// each group's parameters in Params. The components of a multi-trajectory
// model are joint (jointComp).
func (f *Fitted) components(cs []*Careers, x [][]float64) ([]mixture.Component, mixture.Prior, mixture.SharedRun, []int) {
	k := len(f.Groups)
	var fams []mixture.Family
	var sh mixture.Shared
	if f.IsMulti() {
		outs := make([]Outcome, len(f.Outcomes))
		for o, v := range f.views() {
			outs[o] = Outcome{Name: f.Outcomes[o].Name, Careers: cs[o], Model: v.Model()}
		}
		fams, sh = jointFamilies(outs, func(o int) *Careers { return cs[o] }, f.Scaling)
	} else {
		fams, sh = families(cs[0], f.Scaling, f.Model())
	}
	comps := make([]mixture.Component, k)
	prior := f.membership(x).NewPrior(k, cs[0].Len())
	np := f.numMembershipParams()
	params := f.Params()
	prior.SetParams(params[:np])
	off := np
	offsets := make([]int, k)
	for j, fam := range fams {
		comps[j] = fam.NewComponent()
		offsets[j] = off
		comps[j].SetParams(params[off : off+fam.NumParams()])
		off += fam.NumParams()
	}
	var run mixture.SharedRun
	if sh != nil {
		run = sh.NewRun(comps)
		run.SetParams(params[off:])
	}
	return comps, prior, run, offsets
}

// BoundaryLRT is the likelihood-ratio test of a parameter at the boundary
// of its range (the dispersion α = 0 of a negative binomial group): Chi2
// is LR = 2(ℓ − ℓ₀), twice the log-likelihood gained over the model with
// the parameter at the boundary, and P = ½ P(χ²₁ > LR), the upper tail of
// the 50:50 mixture of χ²₀ and χ²₁ (Self & Liang 1987).
type BoundaryLRT struct {
	Chi2 Float `json:"chi2"`
	P    Float `json:"p"`
}

// infer computes standard errors and 95% intervals for the fit: of each
// coefficient, of the shares (delta method on the logit scale) and of the
// expected count at each age (delta method on the log scale). A singular or
// nearly singular information matrix is reported in the warnings, naming
// the parameters, whose standard errors are then NaN. It returns an error
// only when ctx is cancelled, and then leaves f as it was.
func (f *Fitted) infer(ctx context.Context, cs []*Careers, threads int) error {
	k := len(f.Groups)
	c := cs[0]
	comps, prior, shared, offsets := f.components(cs, f.riskX())
	np := f.numMembershipParams()
	info, err := mixture.WeightedInformation(ctx, comps, prior, shared, f.Posterior, f.Weights, threads)
	if err != nil && ctx.Err() != nil {
		return err
	}
	if err != nil {
		f.Warnings = append(f.Warnings, mixture.Warnf(NoStandardErrors, nil, "standard errors not computed: %v", err))
		return nil
	}
	params := f.Params()
	p := len(params)
	cov, err := mixture.Invert(ctx, info, p)
	if err != nil {
		return err
	}
	inf := f.setInference(cov, p)

	// Shares: the mean membership probability π̄_j = (1/N) Σ_i π_ij, with
	// ∂π̄_j/∂α = (1/N) Σ_i π_ij ∂ log π_ij/∂α (all persons alike for
	// constant shares), and the delta method on the logit scale.
	dprior := prior.(mixture.DifferentiablePrior)
	persons := c.Len()
	risk := f.Risk()
	if risk == nil {
		persons = 1
	}
	logPi := make([][]float64, k)
	for j := range logPi {
		logPi[j] = make([]float64, c.Len())
	}
	prior.AddLogPrior(logPi, 0, persons)
	ps := make([]float64, np)
	sharesOf := func(j int) (Float, Interval) {
		if k == 1 {
			return 0, Interval{1, 1}
		}
		dpi := make([]float64, np)
		for i := 0; i < persons; i++ {
			dprior.PriorScore(ps, i, j)
			w := math.Exp(logPi[j][i]) / float64(persons)
			if risk != nil {
				w *= f.shareWeight(i)
			}
			for a := range dpi {
				dpi[a] += w * ps[a]
			}
		}
		return shareInterval(f.Groups[j].Share, dpi, &cov)
	}
	if risk != nil {
		d := len(risk.Names) + 1
		b := 0
		for j := range f.Groups {
			g := &f.Groups[j]
			g.MembershipSE = Named{Names: g.MembershipCoef.Names, Values: make([]float64, d)}
			if j == f.ref() {
				continue
			}
			copy(g.MembershipSE.Values, inf.SE[b:b+d])
			b += d
		}
		f.Covariates.Wald = f.waldTests(params, cov.Matrix, p, k)
	}
	for j := range f.Groups {
		g := &f.Groups[j]
		g.ShareSE, g.ShareCI = sharesOf(j)
	}
	// Each outcome's coefficients and curves: its parameters of group j
	// follow the other outcomes' (a multi-trajectory model) in group j's
	// block, its shared ones the other outcomes' after every group.
	shift := make([]int, k)
	sharedOff := p
	for _, v := range f.views() {
		sharedOff -= v.Model().sharedParams()
	}
	for o, v := range f.views() {
		m := v.Model()
		groups := f.trajectoryGroups(o)
		for j := range groups {
			var own groupComponent
			if jc, ok := comps[j].(*jointComp); ok {
				own = jc.parts[o].(groupComponent)
			} else {
				own = comps[j].(groupComponent)
			}
			shift[j] += groups[j].setTrajectorySE(m, own, inf.SE, &cov, offsets[j]+shift[j], sharedOff)
		}
		sharedOff += m.sharedParams()
	}
	return nil
}

// setInference sets the fit's Inference from the covariance cov of its p
// parameters, warning about the parameters it cannot estimate and about
// an information that is not positive definite, and returns it.
func (f *Fitted) setInference(cov mixture.Covariance, p int) *Inference {
	inf := &Inference{Names: f.paramNames(), Cov: cov.Matrix, SE: make([]float64, p), Condition: cov.Condition}
	for j := range inf.SE {
		inf.SE[j] = math.Sqrt(cov.Matrix[j*p+j])
	}
	f.Inference = inf
	if len(cov.Singular) > 0 {
		f.Warnings = append(f.Warnings, f.singularWarning(inf.Names, cov))
	}
	if !cov.PositiveDefinite {
		f.Warnings = append(f.Warnings, mixture.Warnf(NotMaximum, nil, "the information matrix is not positive definite: the fit may not be at a maximum of the likelihood"))
	}
	return inf
}

// singularWarning is the warning about the parameters cov.Singular (of
// the given names) on which the information is singular. A parameter at
// a bound that another warning reports (a dispersion at its lower bound,
// a zero inflation at its boundary) is named with that cause: there the
// likelihood is flat in it because the bound holds it, not for want of
// data. The others are named as not identified by the data.
func (f *Fitted) singularWarning(names []string, cov mixture.Covariance) Warning {
	bound := f.paramsAtBound()
	var free []string
	var atBound []string
	byCause := map[string][]string{}
	for _, j := range cov.Singular {
		n := names[j]
		if cause, ok := bound[n]; ok {
			if len(byCause[cause]) == 0 {
				atBound = append(atBound, cause)
			}
			byCause[cause] = append(byCause[cause], n)
			continue
		}
		free = append(free, n)
	}
	msg := fmt.Sprintf("the information matrix is singular or nearly so (condition number %.3g); ", cov.Condition)
	if len(free) > 0 {
		msg += fmt.Sprintf("no standard errors for %s: not identified by the data (a polynomial order too high, a zero inflation at its boundary, or more groups than the data support)", strings.Join(free, ", "))
	}
	for i, cause := range atBound {
		switch {
		case i > 0:
			msg += "; "
		case len(free) > 0:
			msg += "; nor "
		default:
			msg += "no standard errors "
		}
		msg += fmt.Sprintf("for %s: %s", strings.Join(byCause[cause], ", "), cause)
	}
	return mixture.Warnf(SingularInformation, nil, "%s", msg)
}

// paramsAtBound returns the names of the parameters held at a bound that
// the fit's other warnings report, with the cause: each log α of a
// dispersion estimated at 0 (dispersion-at-boundary) and the inflation
// coefficients of a zero inflation estimated at 0 (inflation-at-boundary).
func (f *Fitted) paramsAtBound() map[string]string {
	const (
		dispersion = "at its lower bound (the dispersion is estimated at 0: dispersion-at-boundary), where the likelihood is flat in it"
		inflation  = "at its boundary (the zero inflation is estimated at 0: inflation-at-boundary), where the likelihood is flat in it"
	)
	out := map[string]string{}
	if f.IsDual() {
		return out
	}
	pre := ""
	for o, v := range f.views() {
		if f.IsMulti() {
			pre = f.Outcomes[o].Name + "_"
		}
		m := v.Model()
		for j := range v.Groups {
			g := &v.Groups[j]
			if g.Dispersion != nil && *g.Dispersion == 0 {
				if m.groupExtra() > 0 {
					out[fmt.Sprintf("%sg%d_%s", pre, j+1, m.extraName())] = dispersion
				} else if m.sharedParams() > 0 {
					out[pre+m.extraName()] = dispersion
				}
			}
			if g.inflationAtBoundary() {
				for p := 0; p <= g.InflationOrder; p++ {
					out[fmt.Sprintf("%sg%d_gamma%d", pre, j+1, p)] = inflation
				}
			}
		}
	}
	return out
}

// setTrajectorySE sets the standard errors of group g of model m (an
// outcome's) and its curve's intervals, from the standard errors se and
// covariance cov of the fit's parameters: the group's own parameters
// start at o0, its outcome's shared ones at sharedOff, and own is its
// component. It returns the number of the group's own parameters.
func (g *Group) setTrajectorySE(m Model, own groupComponent, se []float64, cov *mixture.Covariance, o0, sharedOff int) int {
	nb := len(g.Beta)
	g.BetaSE = toFloats(se[o0 : o0+nb])
	nd := len(g.TcovCoef.Values)
	if nd > 0 {
		g.TcovSE = Named{Names: g.TcovCoef.Names, Values: append([]float64(nil), se[o0+nb:o0+nb+nd]...)}
	}
	g.InflationSE = append([]Float{}, toFloats(se[o0+nb+nd:o0+nb+nd+len(g.Inflation)])...)
	nown := nb + nd + len(g.Inflation)
	if m.groupExtra() > 0 {
		g.setExtraSE(se[o0+nown])
		nown++
	} else if m.sharedParams() > 0 {
		g.setExtraSE(se[sharedOff])
	}
	// The curve's interval: the delta method on the distribution's
	// scale, from the gradient of s(mean_t) in every parameter.
	grad := make([]float64, len(se))
	scale := m.Distribution.facts().scale
	for t := range g.Curve {
		clear(grad)
		own.meanGrad(t, grad[o0:o0+nown], grad[sharedOff:sharedOff+m.sharedParams()])
		v, _ := cov.Variance(0, grad)
		g.Curve[t].MeanLo, g.Curve[t].MeanHi = floatPair(scale.interval(g.Curve[t].Mean, Z975*math.Sqrt(v)))
	}
	return nown
}

func expit(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// shareInterval returns the standard error of a share s in (0, 1) whose
// gradient in the parameters at the start of cov is grad (the delta
// method), and its 95% interval on the logit scale, which stays within
// (0, 1): expit(logit s ± z·SE/(s(1 − s))).
func shareInterval(s float64, grad []float64, cov *mixture.Covariance) (Float, Interval) {
	v, _ := cov.Variance(0, grad)
	se := math.Sqrt(v)
	l, sd := math.Log(s/(1-s)), se/(s*(1-s))
	return Float(se), Interval{expit(l - Z975*sd), expit(l + Z975*sd)}
}

func floatPair(a, b float64) (Float, Float) { return Float(a), Float(b) }

// setExtraSE sets the standard error of the group's dispersion or σ from
// se, that of its logarithm (the delta method: se(α) = α se(log α)); a
// dispersion at its bound has none.
func (g *Group) setExtraSE(se float64) {
	switch {
	case g.Dispersion != nil:
		v := Float(*g.Dispersion * se)
		if *g.Dispersion == 0 {
			v = Float(math.NaN())
		}
		g.DispersionSE = &v
	case g.Sigma != nil:
		v := Float(*g.Sigma * se)
		g.SigmaSE = &v
	}
}

// WaldTest is the test that a risk factor has no effect on membership:
// all its coefficients (every group against the reference, every level of
// a categorical variable) are zero.
type WaldTest struct {
	Variable string `json:"variable"`
	// Chi2 is W = θᵀ Σ⁻¹ θ over the variable's coefficients θ, chi-square
	// with DF degrees of freedom under the null; P its upper tail.
	Chi2 Float `json:"chi2"`
	DF   int   `json:"df"`
	P    Float `json:"p"`
}

// waldTests tests each risk factor from the parameters and their
// covariance (p x p), the membership's log-odds of k groups first (a dual
// model's: of its first outcome's groups).
func (f *Fitted) waldTests(params, cov []float64, p, k int) []WaldTest {
	risk := f.Risk()
	d := len(risk.Names) + 1
	var out []WaldTest
	for v, name := range risk.Variables {
		var idx []int
		b := 0
		for j := range k {
			if j == f.ref() {
				continue
			}
			for a, of := range risk.Of {
				if of == v {
					idx = append(idx, b+1+a)
				}
			}
			b += d
		}
		wt := WaldTest{Variable: name, DF: len(idx), Chi2: Float(math.NaN()), P: Float(math.NaN())}
		sub := mat.NewSymDense(len(idx), nil)
		theta := mat.NewVecDense(len(idx), nil)
		ok := true
		for a, ia := range idx {
			theta.SetVec(a, params[ia])
			for bb, ib := range idx {
				v := cov[ia*p+ib]
				ok = ok && !math.IsNaN(v)
				sub.SetSym(a, bb, v)
			}
		}
		var chol mat.Cholesky
		if ok && chol.Factorize(sub) {
			var x mat.VecDense
			if err := chol.SolveVecTo(&x, theta); err == nil {
				chi2 := mat.Dot(theta, &x)
				wt.Chi2 = Float(chi2)
				wt.P = Float(distuv.ChiSquared{K: float64(wt.DF)}.Survival(chi2))
			}
		}
		out = append(out, wt)
	}
	return out
}
