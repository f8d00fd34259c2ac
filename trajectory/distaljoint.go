package trajectory

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/trajkit/trajkit/internal/words"
	"github.com/trajkit/trajkit/mixture"
)

// The joint distal model (traj's outcome(); Nagin 2005, ch. 6): the
// distal outcome z_i is one more per-person factor of each group's
// likelihood, independent of the careers given the group,
//
//	L_i = Σ_k π_ik f_k(y_i) g_k(z_i),
//
// with g_k the distal model of group k (normal with mean μ_k and its own
// σ_k; logit, Poisson or mlogit with group-specific parameters, as
// distalData.logf) and g_k(z_i) = 1 for a person without a value. Unlike
// the three-step methods the outcome takes part in defining the groups
// (Vermunt 2010).

// DistalJoint estimates the distal outcome jointly with the trajectories
// (FitDistalJoint): traj's default.
const DistalJoint DistalMethod = "joint"

// distalFamily is group k's distal model: the outcome's values (NaN
// where missing) and its model.
type distalFamily struct {
	o *distalData // z, model, q and c; s, v and post unused
}

func (f *distalFamily) Len() int       { return len(f.o.z) }
func (f *distalFamily) NumParams() int { return f.o.dim() }

func (f *distalFamily) NewComponent() mixture.Component {
	c := &distalComp{f: f, theta: make([]float64, f.o.dim())}
	if f.o.model == DistalNormal {
		c.theta[0] = f.mean(nil)
	}
	return c
}

// mean returns the weighted mean of the values (weights 1 when w is
// nil), 0 without any.
func (f *distalFamily) mean(w []float64) float64 {
	var s, sw float64
	for i, z := range f.o.z {
		if math.IsNaN(z) {
			continue
		}
		v := 1.0
		if w != nil {
			v = w[i]
		}
		s += v * z
		sw += v
	}
	if sw == 0 {
		return 0
	}
	return s / sw
}

// Fit sets the group's parameters to the weighted maximum-likelihood
// estimates, in closed form: the mean and standard deviation (normal),
// the log-odds of the proportion (logit), the log of the mean (poisson),
// the log-ratios of the category proportions (mlogit), each floored at
// 1e-10 away from its bound. A group with no weight on the persons with a
// value keeps its parameters.
func (f *distalFamily) Fit(_ context.Context, comp mixture.Component, w []float64, _ bool) mixture.FitInfo {
	c := comp.(*distalComp)
	o := f.o
	var sw float64
	sum := make([]float64, max(o.c, 2))
	for i, z := range o.z {
		if math.IsNaN(z) || w[i] == 0 {
			continue
		}
		sw += w[i]
		if o.model == DistalMlogit {
			sum[int(z)] += w[i]
		} else {
			sum[0] += w[i] * z
		}
	}
	if sw < 1e-10 {
		return mixture.FitInfo{}
	}
	const tiny = 1e-10
	th := c.theta
	switch o.model {
	case DistalNormal:
		mu := sum[0] / sw
		var ss float64
		for i, z := range o.z {
			if !math.IsNaN(z) {
				ss += w[i] * (z - mu) * (z - mu)
			}
		}
		th[0], th[1] = mu, 0.5*math.Log(max(ss/sw, tiny))
	case DistalLogit:
		m := min(max(sum[0]/sw, tiny), 1-tiny)
		th[0] = math.Log(m / (1 - m))
	case DistalPoisson:
		th[0] = math.Log(max(sum[0]/sw, tiny))
	default:
		p0 := max(sum[0]/sw, tiny)
		for j := range th {
			th[j] = math.Log(max(sum[j+1]/sw, tiny)) - math.Log(p0)
		}
	}
	return mixture.FitInfo{}
}

// distalComp is group k's distal model with its parameters θ_k set: (μ,
// log σ) for normal, θ for logit and poisson, θ_2..θ_C for mlogit.
type distalComp struct {
	f     *distalFamily
	theta []float64
}

// LogLik sets dst[i] to log g_k(z_i), 0 without a value.
func (c *distalComp) LogLik(dst []float64, from, to int) {
	o := c.f.o
	for i := from; i < to; i++ {
		dst[i] = 0
		if z := o.z[i]; !math.IsNaN(z) {
			dst[i] = o.logf(z, c.theta, 0, nil)
		}
	}
}

func (c *distalComp) Params(dst []float64) []float64 { return append(dst[:0], c.theta...) }

func (c *distalComp) SetParams(p []float64) { copy(c.theta, p[:len(c.theta)]) }

// Scores sets person i's row to ∂ log g_k(z_i)/∂θ, zero without a value.
func (c *distalComp) Scores(dst []float64, from, to int) {
	o := c.f.o
	p := len(c.theta)
	clear(dst[:(to-from)*p])
	for i := from; i < to; i++ {
		if z := o.z[i]; !math.IsNaN(z) {
			o.logf(z, c.theta, 1, dst[(i-from)*p:(i-from+1)*p])
		}
	}
}

// Hessian sets dst to Σ_i w_i ∂² log g(z_i)/∂θ∂θᵀ over the persons with a
// value:
//
//	normal (μ, s = log σ), r = (z − μ)/σ:  [−1/σ², −2r/σ; −2r/σ, −2r²]
//	logit:   −p(1 − p)      poisson: −λ
//	mlogit:  −(diag p − p pᵀ) over the categories 2..C.
func (c *distalComp) Hessian(dst []float64, w []float64) {
	o := c.f.o
	p := len(c.theta)
	clear(dst[:p*p])
	th := c.theta
	probs := make([]float64, p)
	if o.model == DistalMlogit {
		lse := logSumExp0(th)
		for j, t := range th {
			probs[j] = math.Exp(t - lse)
		}
	}
	for i, z := range o.z {
		if math.IsNaN(z) || w[i] == 0 {
			continue
		}
		v := w[i]
		switch o.model {
		case DistalNormal:
			sd := math.Exp(th[1])
			r := (z - th[0]) / sd
			dst[0] -= v / (sd * sd)
			dst[1] -= v * 2 * r / sd
			dst[2] -= v * 2 * r / sd
			dst[3] -= v * 2 * r * r
		case DistalLogit:
			q := expit(th[0])
			dst[0] -= v * q * (1 - q)
		case DistalPoisson:
			dst[0] -= v * math.Exp(th[0])
		default:
			for a := range p {
				for b := range p {
					h := -probs[a] * probs[b]
					if a == b {
						h += probs[a]
					}
					dst[a*p+b] -= v * h
				}
			}
		}
	}
}

// distalFamilies returns model m's families on careers c with the distal
// model of o as one more part of each group's joint family, and the
// shared parameters.
func distalFamilies(c *Careers, s AgeScaling, m Model, o *distalData) ([]mixture.Family, mixture.Shared) {
	fams, sh := families(c, s, m)
	out := make([]mixture.Family, len(fams))
	for j, f := range fams {
		out[j] = &jointFamily{parts: []mixture.Family{f, &distalFamily{o: o}}}
	}
	if sh == nil {
		return out, nil
	}
	return out, &jointShared{outcome: []int{0}, shared: []mixture.Shared{sh}}
}

// subset returns the distal data of persons idx.
func (o *distalData) subset(idx []int) *distalData {
	s := *o
	s.z = make([]float64, len(idx))
	for j, i := range idx {
		s.z[j] = o.z[i]
	}
	return &s
}

// FitDistalJoint fits the trajectory model m jointly with the distal
// outcome z (values in the careers' person order, NaN where missing):
// each group's likelihood is the trajectory's times the distal model's,
// L_i = Σ_k π_ik f_k(y_i) g_k(z_i). A normal outcome has its own σ_k in
// each group, as in the three-step methods. f.Distal holds the group
// means (category probabilities) with standard errors from the observed
// information of the joint model, and the Wald test of equal groups on
// the link scale, as DistalML's; its Classification is D of the joint
// fit's posteriors, for reference. Because z informs the groups, the
// shares and curves may differ from Fit's (Vermunt 2010); start models
// are not supported.
func FitDistalJoint(c *Careers, m Model, z DistalOutcome, s *Settings) (*Fitted, error) {
	if s == nil {
		s = &Settings{}
	}
	start := time.Now()
	if err := m.Validate(); err != nil {
		return nil, err
	}
	k := m.Groups()
	if len(z.Values) != c.Len() {
		return nil, fmt.Errorf("distal outcome %q: %d values for %s", z.Name, len(z.Values), words.Count(c.Len(), "person"))
	}
	q, err := checkDistal(z)
	if err != nil {
		return nil, err
	}
	o := &distalData{model: z.Model, k: k, q: q, c: len(z.Categories), z: z.Values}
	nz := 0
	for _, v := range z.Values {
		if !math.IsNaN(v) {
			nz++
		}
	}
	if nz < 2 {
		return nil, fmt.Errorf("distal outcome %q: %s with a value, expected at least 2", z.Name, words.Count(nz, "person"))
	}
	scaling := s.scaling(c)
	x, err := fitWithFactor(c, m, s, "a joint distal outcome", func(idx []int) ([]mixture.Family, mixture.Shared) {
		if idx == nil {
			return distalFamilies(c, scaling, m, o)
		}
		return distalFamilies(c.subset(idx), scaling, m, o.subset(idx))
	})
	if err != nil {
		return nil, err
	}
	f := x.f
	// at[j] is the engine index of output group j's distal parameters.
	at := make([]int, k)
	thetas := make([][]float64, k)
	for j, e := range x.perm {
		at[j] = x.factorOffset(e)
		thetas[j] = x.factor(e).(*distalComp).theta
	}
	d := &Distal{Name: z.Name, Model: z.Model, Method: DistalJoint, N: nz, Missing: c.Len() - nz}
	if z.Model == DistalMlogit {
		d.Categories, d.CategoryLabels = z.Categories, z.CategoryLabels
	}
	if d.Missing > 0 {
		f.Warnings = append(f.Warnings, mixture.Warnf(DistalMissing, nil,
			"distal outcome %q: %s without a value contribute the trajectories alone (%d with one)", z.Name, words.Count(d.Missing, "person"), d.N))
	}
	d.Classification = ClassificationErrors(f.Posterior, f.Assigned, f.Weights)
	d.ByGroup, d.Wald = distalOutput(o, thetas, at, x.cov)
	f.Distal = d
	f.Timing = map[string]float64{"fit_seconds": time.Since(start).Seconds()}
	return f, nil
}

// distalOutput returns the groups' distal estimates in user terms from
// their parameters thetas[j] (at engine index at[j] of cov; NaN standard
// errors without cov) and the Wald test of equal groups on the link
// scale (μ for normal).
func distalOutput(o *distalData, thetas [][]float64, at []int, cov *mixture.Covariance) ([]DistalGroup, DistalWald) {
	k, q := len(thetas), o.q
	groups := make([]DistalGroup, k)
	c := func(i, j int) float64 {
		if cov == nil {
			return math.NaN()
		}
		n := int(math.Round(math.Sqrt(float64(len(cov.Matrix)))))
		return cov.Matrix[i*n+j]
	}
	theta := make([]float64, k*q)
	tcov := make([]float64, k*q*k*q)
	for a, th := range thetas {
		g := DistalGroup{Number: a + 1, Mean: Float(math.NaN()), SE: Float(math.NaN())}
		v := func(i, j int) float64 { return c(at[a]+i, at[a]+j) }
		g.setOutcome(o.model, th, v)
		groups[a] = g
		for j := range q {
			theta[a*q+j] = th[j]
			for b := range k {
				for l := range q {
					tcov[(a*q+j)*k*q+b*q+l] = c(at[a]+j, at[b]+l)
				}
			}
		}
	}
	return groups, waldEqual(theta, tcov, k, q)
}
