package trajectory

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/trajkit/trajkit/internal/words"
	"github.com/trajkit/trajkit/mixture"
)

// Attrition describes a fit's dropout model in model.json: the lag, the
// covariates, where the follow-up ends and how many persons dropped out.
type Attrition struct {
	Orders     []int    `json:"orders"`
	Lag        int      `json:"lag"`
	Covariates []string `json:"covariates"`
	// FollowupEnd names the persons' column of the last age at which
	// they could be observed, or is "window" (the window's last age for
	// everyone).
	FollowupEnd string `json:"followup_end"`
	// Dropped is the number of persons who dropped out.
	Dropped int `json:"n_dropped"`
}

// GroupDropout is a group's dropout hazard: the coefficients of its
// logit ("intercept", "linear", "quadratic" in scaled age, then "lag1",
// "lag2" and the covariates), their standard errors, and the curve by age
// at lags and covariates zero.
type GroupDropout struct {
	Order int            `json:"order"`
	Coef  Named          `json:"coef"`
	SE    Named          `json:"se"`
	Curve []DropoutPoint `json:"curve"`
}

// DropoutPoint is a group's dropout at one age: the hazard d_k(age) at
// lagged responses and covariates zero with its 95% interval (delta
// method on the logit scale; NaN without standard errors), the survival
// S_k(age) from the window's first age (S = 1 there: no hazard at the
// first age), and the share of the group among the persons still
// observed,
//
//	share_at_age_k = π_k S_k(age) / Σ_j π_j S_j(age).
//
// Without lags and covariates every person of group k has the hazard
// d_k, and S_k(age) = Π_{first < u ≤ age} (1 − d_k(u)). With lags or
// covariates the hazard is a person's own, and S_k is the product over
// the ages of the mean hazard of group k's persons at risk there (a
// product-limit estimate of the model's marginal survival in group k),
//
//	S_k(age) = Π_{first < u ≤ age} (1 − h̄_k(u)),
//	h̄_k(u)  = Σ_{i at risk at u} v_i w_ik d_ik(u) / Σ_{i at risk at u} v_i w_ik,
//
// w_ik the posteriors, v_i the sampling weights (1 without), d_ik(u) the
// hazard at person i's own lagged responses and covariates, and "at risk
// at u" a risk record at u (observed at u after an earlier observed age,
// or dropped out at u). A person's hazard after her last observation,
// whose lagged responses were never observed, is not needed: she is no
// longer at risk. At an age at which no person is at risk h̄_k(u) is
// d_k(u), the hazard at lags and covariates zero.
type DropoutPoint struct {
	Age        int     `json:"age"`
	Hazard     float64 `json:"hazard"`
	HazardLo   Float   `json:"hazard_lo"`
	HazardHi   Float   `json:"hazard_hi"`
	Survival   float64 `json:"survival"`
	ShareAtAge float64 `json:"share_at_age"`
}

// dropoutFamilies returns model m's families on careers c with the
// dropout process of d (orders expanded to the groups) as one more part of
// each group's joint family, and the shared parameters.
func dropoutFamilies(c *Careers, s AgeScaling, m Model, d *Dropout, orders []int) ([]mixture.Family, mixture.Shared, *dropoutData) {
	fams, sh := families(c, s, m)
	dd := newDropoutData(c, s, d)
	out := make([]mixture.Family, len(fams))
	for j, f := range fams {
		out[j] = &jointFamily{parts: []mixture.Family{f, &dropoutFamily{d: dd, order: orders[j]}}}
	}
	if sh == nil {
		return out, nil, dd
	}
	return out, &jointShared{outcome: []int{0}, shared: []mixture.Shared{sh}}, dd
}

// FitDropout fits the trajectory model m jointly with the dropout model d
// (Haviland, Jones & Nagin 2011): each group's likelihood is the
// trajectory's times the dropout process's. followup names where d's
// follow-up ends came from, for the record. The trajectories' shares
// (Group.Share) are those at the window's start; Group.Dropout holds the
// hazards and the shares among the persons still observed by age. Start
// models are not supported; the standard errors come from the observed
// information of the joint model.
func FitDropout(c *Careers, m Model, d Dropout, followup string, s *Settings) (*Fitted, error) {
	if s == nil {
		s = &Settings{}
	}
	start := time.Now()
	if err := m.Validate(); err != nil {
		return nil, err
	}
	orders, err := d.check(c.Len(), m.Groups())
	if err != nil {
		return nil, err
	}
	scaling := s.scaling(c)
	var dd *dropoutData // all persons'
	x, err := fitWithFactor(c, m, s, "a dropout model", func(idx []int) ([]mixture.Family, mixture.Shared) {
		if idx == nil {
			fams, sh, all := dropoutFamilies(c, scaling, m, &d, orders)
			dd = all
			return fams, sh
		}
		fams, sh, _ := dropoutFamilies(c.subset(idx), scaling, m, d.subset(idx), orders)
		return fams, sh
	})
	if err != nil {
		return nil, err
	}
	f := x.f
	if dd.late > 0 {
		f.Warnings = append(f.Warnings, mixture.Warnf(ObservedAfterFollowup, nil, "%s observed after their follow-up end: their careers are taken as censored at their last observed age", words.Count(dd.late, "person")))
	}
	if dd.dropped == 0 {
		f.Warnings = append(f.Warnings, mixture.Warnf(NoDropout, nil, "no person dropped out (every career ends at its follow-up end): the hazards go to zero and the dropout model adds nothing"))
	}
	f.Attrition = &Attrition{Orders: slices.Clone(orders), Lag: d.Lag, Covariates: append([]string{}, d.Names...), FollowupEnd: followup, Dropped: dd.dropped}
	// With lags or covariates the hazards differ between the persons of
	// a group, and the survival averages theirs (DropoutPoint).
	own := d.Lag > 0 || len(d.Names) > 0
	var weights []float64
	if own {
		if weights, err = s.scaledWeights(c.Len()); err != nil {
			return nil, err
		}
	}
	for j, e := range x.perm {
		dc := x.factor(e).(*dropoutComp)
		var atRisk []float64
		if own {
			atRisk = dc.atRiskHazards(x.res.Posterior[e], weights)
		}
		f.Groups[j].Dropout = groupDropout(c, dc, d.Names, x.cov, x.se, x.factorOffset(e), atRisk)
	}
	setSharesAtAge(f)
	f.Timing = map[string]float64{"fit_seconds": time.Since(start).Seconds()}
	return f, nil
}

// shareSE returns the standard error and 95% interval (delta method on
// the logit scale) of constant share π_e, whose engine parameters are the
// logits α_a = log(π_a/π_K), a < K, at the start of cov.
func shareSE(pi []float64, e int, cov *mixture.Covariance) (Float, Interval) {
	k := len(pi)
	if k == 1 {
		return 0, Interval{1, 1}
	}
	g := make([]float64, k-1)
	for a := range g {
		g[a] = -pi[e] * pi[a]
		if a == e {
			g[a] += pi[e]
		}
	}
	return shareInterval(pi[e], g, cov)
}

// groupDropout returns a group's dropout output from its component: the
// coefficients, their standard errors (NaN when se is nil) from the
// parameters at off, and the hazard and survival curves. The survival is
// the product of 1 − atRisk[t] (NaN entries replaced by the curve's
// hazard), or of 1 − d_k(t) when atRisk is nil (no lags, no covariates).
func groupDropout(c *Careers, dc *dropoutComp, covNames []string, cov *mixture.Covariance, se []float64, off int, atRisk []float64) *GroupDropout {
	names := []string{"intercept", "linear", "quadratic"}[:dc.f.order+1]
	for l := 1; l <= dc.f.d.lag; l++ {
		names = append(names, fmt.Sprintf("lag%d", l))
	}
	names = append(names, covNames...)
	p := len(dc.theta)
	g := &GroupDropout{Order: dc.f.order, Coef: Named{Names: names, Values: slices.Clone(dc.theta)}, SE: Named{Names: names, Values: make([]float64, p)}}
	for a := range p {
		g.SE.Values[a] = math.NaN()
		if se != nil {
			g.SE.Values[a] = se[off+a]
		}
	}
	surv := 1.0
	for t := range c.NumAges {
		h := dc.hazard(t)
		if t > 0 {
			if atRisk != nil && !math.IsNaN(atRisk[t]) {
				surv *= 1 - atRisk[t]
			} else {
				surv *= 1 - h
			}
		}
		pt := DropoutPoint{Age: c.MinAge + t, Hazard: h, HazardLo: Float(math.NaN()), HazardHi: Float(math.NaN()), Survival: surv}
		if cov != nil {
			grad := slices.Clone(dc.f.d.powers[t][:dc.f.order+1])
			v, _ := cov.Variance(off, grad)
			eta := math.Log(h / (1 - h))
			sd := Z975 * math.Sqrt(v)
			pt.HazardLo, pt.HazardHi = Float(expit(eta-sd)), Float(expit(eta+sd))
		}
		g.Curve = append(g.Curve, pt)
	}
	return g
}

// setSharesAtAge sets each group's share among the persons still observed
// at each age, π_k S_k(t) / Σ_j π_j S_j(t), with S_k the groups'
// survival (DropoutPoint: at lags and covariates zero when there are
// none, else the product-limit over the persons at risk).
func setSharesAtAge(f *Fitted) {
	for t := range f.Groups[0].Dropout.Curve {
		var sum float64
		for j := range f.Groups {
			sum += f.Groups[j].Share * f.Groups[j].Dropout.Curve[t].Survival
		}
		for j := range f.Groups {
			g := &f.Groups[j]
			g.Dropout.Curve[t].ShareAtAge = g.Share * g.Dropout.Curve[t].Survival / sum
		}
	}
}

// atRiskHazards returns, by age index t, the mean hazard of the group's
// persons at risk at t (those with a risk record at t), weighted by
// their posteriors post (length N) times the sampling weights v (nil for
// 1), each at her own lagged responses and covariates:
//
//	h̄(t) = Σ_{r at t} v_i w_i d_r / Σ_{r at t} v_i w_i,
//
// NaN where the weights of the persons at risk sum to zero. Sums are
// taken in person order.
func (c *dropoutComp) atRiskHazards(post, v []float64) []float64 {
	d := c.f.d
	nt := len(d.powers)
	num, den := make([]float64, nt), make([]float64, nt)
	haz := make([]float64, d.numCells())
	for cell := range haz {
		haz[cell] = expit(c.design(c.x, c.theta, int32(cell)))
	}
	for i := range d.n {
		w := post[i]
		if v != nil {
			w *= v[i]
		}
		for r := d.start[i]; r < d.start[i+1]; r++ {
			cell := d.cell[r]
			t := d.cellAge[cell]
			num[t] += w * haz[cell]
			den[t] += w
		}
	}
	for t := range num {
		num[t] /= den[t]
		if den[t] == 0 {
			num[t] = math.NaN()
		}
	}
	return num
}
