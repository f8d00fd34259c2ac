package trajectory

import (
	"fmt"
	"math"
	"sort"

	"github.com/trajkit/trajkit/mixture"
)

// Fitted is a fitted trajectory model in user terms: groups ordered by
// ascending mean expected count over the modelled window (group 1 is the
// lowest-rate group), each with its coefficients, curve and diagnostics.
type Fitted struct {
	Model   Model // orders in output group order
	Scaling AgeScaling
	// MinAge and MaxAge bound the modelled window.
	MinAge, MaxAge int
	NumPersons     int
	NumObs         int
	NumParams      int
	LogLik         float64
	// BICPersons and BICObs are −2ℓ + p ln N with N persons and N
	// person-age observations; AIC is −2ℓ + 2p. Smaller is better.
	BICPersons, BICObs, AIC float64
	// Entropy is the relative entropy of the posteriors; NaN for K = 1.
	Entropy    float64
	Status     mixture.Status
	Warnings   []string
	Iterations int
	// Trace is the log-likelihood after the start and each iteration of
	// the returned run.
	Trace  []float64
	Starts mixture.StartReport
	Groups []Group
	// IDs are the persons' ids; Posterior is K x N in output group order;
	// Assigned[i] is the 0-based maximum-posterior group.
	IDs       []string
	Posterior [][]float64
	Assigned  []int
	// PersonLogLik[i] is person i's log-likelihood.
	PersonLogLik []float64
	// Params is the engine's parameter vector of the fit, in output group
	// order: share logits against the last group, then each group's β, γ.
	Params []float64
	// Inference holds the covariance matrix and standard errors; nil when
	// not computed (Settings.NoSE).
	Inference *Inference
	// BootstrapReport is set by Bootstrap.
	BootstrapReport *BootstrapReport
	// Risk is the membership model's design (nil for constant shares) and
	// Reference its 0-based reference group in output order.
	Risk      *RiskDesign
	Reference int
	// TcovNames names the time-varying covariates (nil without).
	TcovNames []string
	// Wald holds a Wald test per risk factor (with standard errors).
	Wald []WaldTest
}

// Group is one fitted trajectory group.
type Group struct {
	// Share is the estimated share π_k; AssignedShare the share of persons
	// whose maximum-posterior group is k, NAssigned their number.
	Share, AssignedShare float64
	NAssigned            int
	// APP is the average posterior probability of group k among the
	// persons assigned to it; OCC the odds of correct classification
	// (Nagin 2005, ch. 5). NaN when undefined.
	APP, OCC       float64
	Order          int
	InflationOrder int
	// Beta are the coefficients of log λ in ascending powers of a_t;
	// Inflation those of logit ρ (empty for no inflation).
	Beta, Inflation []float64
	Curve           []CurvePoint
	// Standard errors (NaN where not estimable; nil when not computed):
	// of the coefficients, and of the share with its 95% interval (delta
	// method on the logit scale).
	BetaSE, InflationSE []float64
	// TcovCoef are the effects δ of the time-varying covariates on log λ
	// (Careers.TcovNames order), TcovSE their standard errors; nil
	// without covariates. The curves are at covariates zero.
	TcovCoef, TcovSE []float64
	ShareSE          float64
	ShareCI          [2]float64
	// ShareCIBoot is the bootstrap percentile interval of the share; zero
	// without a bootstrap.
	ShareCIBoot [2]float64
	// Label names the group's shape (e.g. "early-peak"); empty unless set.
	Label string
	// MembershipCoef are the log-odds of this group against the reference
	// group, intercept first, then one per risk factor (zeros for the
	// reference group); MembershipSE their standard errors. Nil without
	// risk factors.
	MembershipCoef, MembershipSE []float64
}

// CurvePoint is a group's model at one age.
type CurvePoint struct {
	Age      int
	Rate     float64 // λ: expected count per unit of exposure, if not a structural zero
	ZeroProb float64 // ρ: probability of a structural zero
	Mean     float64 // (1 − ρ) λ: expected count per unit of exposure
	// MeanLo and MeanHi bound a pointwise 95% interval of Mean (delta
	// method on the log scale); zero when not computed.
	MeanLo, MeanHi float64
	// MeanLoBoot and MeanHiBoot are bootstrap percentile limits; zero
	// without a bootstrap.
	MeanLoBoot, MeanHiBoot float64
}

// MeanCount returns the group's mean expected count over the window, the
// key that orders groups.
func (g *Group) MeanCount() float64 {
	var s float64
	for _, p := range g.Curve {
		s += p.Mean
	}
	return s / float64(len(g.Curve))
}

func newFitted(c *Careers, m Model, scaling AgeScaling, res *mixture.Result, risk *RiskDesign, ref int) *Fitted {
	k := m.Groups()
	n := c.Len()
	f := &Fitted{
		Scaling:      scaling,
		MinAge:       c.MinAge,
		MaxAge:       c.MaxAge(),
		NumPersons:   n,
		NumObs:       c.NumObs,
		NumParams:    res.NumParams,
		LogLik:       res.LogLik,
		Status:       res.Status,
		Warnings:     warningStrings(res.Warnings),
		Iterations:   res.Iterations,
		Trace:        res.Trace,
		Starts:       res.Starts,
		IDs:          c.IDs,
		PersonLogLik: res.PersonLogLik,
		Risk:         risk,
		Reference:    ref,
		TcovNames:    c.TcovNames,
	}
	f.BICPersons = mixture.BIC(f.LogLik, f.NumParams, n)
	f.BICObs = mixture.BIC(f.LogLik, f.NumParams, c.NumObs)
	f.AIC = mixture.AIC(f.LogLik, f.NumParams)

	groups := make([]Group, k)
	for j, comp := range res.Components {
		gc := comp.(*groupComp)
		g := &groups[j]
		g.Share = res.Shares[j]
		g.Order, g.InflationOrder = m.Orders[j], m.Inflation[j]
		g.Beta = append([]float64(nil), gc.beta...)
		if len(gc.delta) > 0 {
			g.TcovCoef = append([]float64(nil), gc.delta...)
		}
		g.Inflation = append([]float64{}, gc.gamma...)
		g.Curve = make([]CurvePoint, c.NumAges)
		for t := range g.Curve {
			rho := 0.0
			if g.InflationOrder >= 0 {
				rho = math.Exp(gc.logRho[t])
			}
			g.Curve[t] = CurvePoint{Age: c.MinAge + t, Rate: gc.lam[t], ZeroProb: rho, Mean: (1 - rho) * gc.lam[t]}
		}
	}
	// Output order: ascending mean expected count; ties keep engine order.
	perm := make([]int, k)
	for j := range perm {
		perm[j] = j
	}
	sort.SliceStable(perm, func(a, b int) bool { return groups[perm[a]].MeanCount() < groups[perm[b]].MeanCount() })
	f.Groups = make([]Group, k)
	f.Posterior = make([][]float64, k)
	f.Model = Model{Distribution: m.Distribution, Orders: make([]int, k), Inflation: make([]int, k)}
	for j, from := range perm {
		f.Groups[j] = groups[from]
		f.Posterior[j] = res.Posterior[from]
		f.Model.Orders[j] = m.Orders[from]
		f.Model.Inflation[j] = m.Inflation[from]
	}
	if risk != nil {
		// Engine coefficients: one block per group but the last (the
		// engine's reference); re-express against the output reference.
		d := len(risk.Names) + 1
		g := make([][]float64, k)
		for j := range g {
			g[j] = make([]float64, d)
			if j < k-1 {
				copy(g[j], res.Params[j*d:(j+1)*d])
			}
		}
		base := g[perm[ref]]
		for j := range f.Groups {
			coef := make([]float64, d)
			for a := range coef {
				coef[a] = g[perm[j]][a] - base[a]
			}
			f.Groups[j].MembershipCoef = coef
		}
	}
	f.Params = f.paramVector()
	f.classify()
	f.checkGroups()
	return f
}

// paramVector returns the engine's parameter vector for the groups in
// output order: the membership parameters (share logits against the last
// group, or the log-odds coefficients of each group but the reference),
// then each group's β and γ.
func (f *Fitted) paramVector() []float64 {
	k := len(f.Groups)
	var out []float64
	if f.Risk != nil {
		for j, g := range f.Groups {
			if j != f.Reference {
				out = append(out, g.MembershipCoef...)
			}
		}
	} else {
		for j := 0; j < k-1; j++ {
			out = append(out, math.Log(f.Groups[j].Share)-math.Log(f.Groups[k-1].Share))
		}
	}
	for _, g := range f.Groups {
		out = append(out, g.Beta...)
		out = append(out, g.TcovCoef...)
		out = append(out, g.Inflation...)
	}
	return out
}

// membership returns the membership model of the fit in output order.
func (f *Fitted) membership() mixture.Membership {
	if f.Risk != nil {
		return mixture.MultinomialLogit{X: f.Risk.X, Reference: f.Reference + 1}
	}
	return mixture.ConstantShares{}
}

// numMembershipParams is the number of membership parameters.
func (f *Fitted) numMembershipParams() int {
	if f.Risk != nil {
		return (len(f.Groups) - 1) * (len(f.Risk.Names) + 1)
	}
	return len(f.Groups) - 1
}

// checkGroups warns about groups that duplicate another (curves within 1%
// of each other at every age) and about zero inflation estimated at its
// boundary.
func (f *Fitted) checkGroups() {
	for j, g := range f.Groups {
		if g.InflationOrder < 0 {
			continue
		}
		maxRho := 0.0
		for _, p := range g.Curve {
			maxRho = math.Max(maxRho, p.ZeroProb)
		}
		if maxRho < 1e-6 {
			f.Warnings = append(f.Warnings, fmt.Sprintf("group %d: the zero inflation is estimated at 0 (below 1e-6 at every age), at the boundary of its range; the group needs no inflation (inflation order -1 for it)", j+1))
		}
	}
	for a := range f.Groups {
		for b := a + 1; b < len(f.Groups); b++ {
			same := true
			for t := range f.Groups[a].Curve {
				ma, mb := f.Groups[a].Curve[t].Mean, f.Groups[b].Curve[t].Mean
				if math.Abs(ma-mb) > 0.01*math.Max(ma, mb)+1e-12 {
					same = false
					break
				}
			}
			if same {
				f.Status = mixture.Degenerate
				f.Warnings = append(f.Warnings, fmt.Sprintf("groups %d and %d have the same curve (within 1%% at every age): the model has more groups than the data support", a+1, b+1))
			}
		}
	}
}

func warningStrings(w []mixture.Warning) []string {
	var out []string
	for _, x := range w {
		out = append(out, x.String())
	}
	return out
}
