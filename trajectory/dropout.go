package trajectory

import (
	"context"
	"fmt"
	"math"

	"github.com/trajkit/trajkit/internal/words"
	"github.com/trajkit/trajkit/mixture"
)

// The dropout model of non-random attrition (Haviland, Jones & Nagin
// 2011, Sociological Methods & Research 40(2); traj's dropout()). Person
// i is observed at ages a_1 < ... < a_m of the window. She drops out when
// she is unobserved from a_m + 1 to the end of her follow-up F_i (the
// last age at which she could have been observed) and a_m < F_i; a
// career that ends at F_i was censored, not ended by dropout. In group k
// the hazard of dropping out at age a, given that she was observed at the
// previous observed age, is
//
//	d_k(a) = 1 / (1 + exp(−η_k(a))),
//	η_k(a) = Σ_{q ≤ p_k} θ_kq s(a)^q + Σ_{l ≤ L} λ_kl z_{i,l} + Σ_c κ_kc x_ic,
//
// with s(a) the scaled age of the trajectories, z_{i,l} the l-th previous
// observed response (1[y > 0] for counts, y itself for real values and 0
// before the first observed age) and x_i the person's dropout
// covariates. Her likelihood in group k gains the factor
//
//	Π_{j=2..m} (1 − d_k(a_j)) · d_k(a_m + 1)^{1[dropped out]},
//
// so that the dropout process is one more per-person factor of each
// group's likelihood, independent of the trajectory given the group and
// the lagged responses (missing at random given both). The first observed
// age carries no hazard: the person is in the data because she was
// observed there.

// Limits of the dropout model.
const (
	MaxDropoutOrder = 2
	MaxDropoutLag   = 2
)

// Dropout specifies the model of non-random attrition. Orders has one
// entry for all groups or one per group; the zero value of the other
// fields means no lagged response, no covariates and follow-up to the
// window's end for everyone.
type Dropout struct {
	// Orders[k] is the order of group k's hazard polynomial in scaled
	// age, 0..2.
	Orders []int
	// Lag is the number of previous observed responses in the hazard, 0..2.
	Lag int
	// Names name the person-level covariates of the hazard and X holds
	// them (N x len(Names), aligned with the careers' persons).
	Names []string
	X     [][]float64
	// FollowupEnd[i] is the last age at which person i could be observed
	// (the end of data collection for her); nil means the window's last
	// age for everyone. An age past the window counts as the window's end.
	FollowupEnd []float64
}

// check validates d for n persons in k groups and returns its orders
// expanded to k.
func (d *Dropout) check(n, k int) ([]int, error) {
	switch len(d.Orders) {
	case 1, k:
	default:
		return nil, fmt.Errorf("%s given for %s: give one for all groups or one per group", words.Count(len(d.Orders), "dropout order"), words.Count(k, "group"))
	}
	for _, p := range d.Orders {
		if p < 0 || p > MaxDropoutOrder {
			return nil, fmt.Errorf("dropout order %d is outside 0..%d", p, MaxDropoutOrder)
		}
	}
	if d.Lag < 0 || d.Lag > MaxDropoutLag {
		return nil, fmt.Errorf("dropout lag %d is outside 0..%d", d.Lag, MaxDropoutLag)
	}
	if len(d.Names) > 0 && len(d.X) != n {
		return nil, fmt.Errorf("dropout covariates for %s, the careers have %d", words.Count(len(d.X), "person"), n)
	}
	for i, x := range d.X {
		if len(x) != len(d.Names) {
			return nil, fmt.Errorf("person %d: %s, want %d", i+1, words.Count(len(x), "dropout covariate"), len(d.Names))
		}
		for c, v := range x {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("person %d: dropout covariate %s is %v", i+1, d.Names[c], v)
			}
		}
	}
	if d.FollowupEnd != nil && len(d.FollowupEnd) != n {
		return nil, fmt.Errorf("follow-up ends for %s, the careers have %d", words.Count(len(d.FollowupEnd), "person"), n)
	}
	for i, v := range d.FollowupEnd {
		if math.IsNaN(v) {
			return nil, fmt.Errorf("person %d: the follow-up end is missing", i+1)
		}
	}
	return expand(d.Orders, k), nil
}

// subset returns the specification for persons idx.
func (d *Dropout) subset(idx []int) *Dropout {
	s := *d
	if d.X != nil {
		s.X = make([][]float64, len(idx))
		for j, i := range idx {
			s.X[j] = d.X[i]
		}
	}
	if d.FollowupEnd != nil {
		s.FollowupEnd = make([]float64, len(idx))
		for j, i := range idx {
			s.FollowupEnd[j] = d.FollowupEnd[i]
		}
	}
	return &s
}

// dropoutData are the risk records of all persons: record r of person i
// (Start[i] ≤ r < Start[i+1]) is the hazard at age index Age[r] with the
// lagged responses Lags[r·L : (r+1)·L]; Event[r] is 1 for the age of
// dropping out, 0 for an age at which the person was observed.
type dropoutData struct {
	n, lag, ncov int
	start        []int32
	age          []int32
	lags         []float64
	event        []float64
	// powers[t] are 1, s(a), s(a)² at age index t (one past the window
	// included, for a dropout at its last age + 1, which cannot happen but
	// keeps the indexing plain).
	powers [][]float64
	x      [][]float64
	// dropped counts the persons who dropped out.
	dropped int
}

// newDropoutData builds the risk records of careers c under d.
func newDropoutData(c *Careers, scaling AgeScaling, d *Dropout) *dropoutData {
	n := c.Len()
	dd := &dropoutData{n: n, lag: d.Lag, ncov: len(d.Names), start: make([]int32, n+1), powers: basis(scaling, c.MinAge, c.NumAges+1, MaxDropoutOrder), x: d.X}
	maxAge := c.MaxAge()
	var ages []int
	var ys []float64
	for i := range n {
		ages, ys = ages[:0], ys[:0]
		c.Cells(i, func(x Cell) {
			if x.Exposure > 0 {
				ages = append(ages, x.Age-c.MinAge)
				y := x.Value
				if !c.Real() && y > 0 {
					y = 1
				}
				ys = append(ys, y)
			}
		})
		record := func(j int, t int, event float64) {
			dd.age = append(dd.age, int32(t))
			for l := 1; l <= d.Lag; l++ {
				var z float64
				if j-l >= 0 {
					z = ys[j-l]
				}
				dd.lags = append(dd.lags, z)
			}
			dd.event = append(dd.event, event)
		}
		for j := 1; j < len(ages); j++ {
			record(j, ages[j], 0)
		}
		if m := len(ages); m > 0 {
			end := float64(maxAge)
			if d.FollowupEnd != nil {
				end = min(end, d.FollowupEnd[i])
			}
			if float64(c.MinAge+ages[m-1]) < end {
				record(m, ages[m-1]+1, 1)
				dd.dropped++
			}
		}
		dd.start[i+1] = int32(len(dd.age))
	}
	return dd
}

// dropoutFamily is the dropout process of one group: a logistic
// regression of the events on the risk records, weighted by the
// persons' posteriors.
type dropoutFamily struct {
	d     *dropoutData
	order int
}

func (f *dropoutFamily) Len() int       { return f.d.n }
func (f *dropoutFamily) NumParams() int { return f.order + 1 + f.d.lag + f.d.ncov }

func (f *dropoutFamily) NewComponent() mixture.Component {
	p := f.NumParams()
	return &dropoutComp{f: f, theta: make([]float64, p), x: make([]float64, p)}
}

// Fit maximises Σ_i w_i log f_i(θ) by Newton's method with step halving,
// which never lowers it, so that EM stays monotone. A cold start begins
// at the constant hazard of the weighted events.
func (f *dropoutFamily) Fit(ctx context.Context, comp mixture.Component, w []float64, warm bool) mixture.FitInfo {
	c := comp.(*dropoutComp)
	var sw float64
	for _, v := range w {
		sw += v
	}
	if sw < 1e-10 {
		return mixture.FitInfo{Empty: true}
	}
	if !warm {
		var ev, at float64
		for i := range f.d.n {
			for r := f.d.start[i]; r < f.d.start[i+1]; r++ {
				ev += w[i] * f.d.event[r]
				at += w[i]
			}
		}
		clear(c.theta)
		p := (ev + 0.5) / (at + 1)
		c.theta[0] = math.Log(p / (1 - p))
	}
	c.obj = dropoutObjective{c: c, w: w}
	r := c.nw.Maximize(ctx, &c.obj, c.theta, newtonTol, newtonMaxIter)
	info := mixture.FitInfo{IllConditioned: r.IllConditioned}
	if warm {
		info.Score = r.Score
	}
	return info
}

// dropoutComp is one group's dropout process with its parameters set.
type dropoutComp struct {
	f     *dropoutFamily
	theta []float64
	x     []float64 // the design of one record
	nw    mixture.Newton
	obj   dropoutObjective
}

// design sets c.x to record r's design for person i and returns η.
func (c *dropoutComp) design(x, theta []float64, i int, r int32) float64 {
	d := c.f.d
	p := c.f.order + 1
	copy(x[:p], d.powers[d.age[r]][:p])
	copy(x[p:p+d.lag], d.lags[int(r)*d.lag:(int(r)+1)*d.lag])
	if d.ncov > 0 {
		copy(x[p+d.lag:], d.x[i])
	}
	var eta float64
	for j, v := range x {
		eta += theta[j] * v
	}
	return eta
}

// logLik returns person i's log-likelihood at theta, adding its score to
// grad and w times its Hessian to hess when they are not nil; x is
// scratch of the parameters' length.
func (c *dropoutComp) logLik(theta, x []float64, i int, grad []float64, w float64, hess []float64) float64 {
	d := c.f.d
	p := len(theta)
	var ll float64
	for r := d.start[i]; r < d.start[i+1]; r++ {
		eta := c.design(x, theta, i, r)
		z := d.event[r]
		// log d = −log(1+e^{−η}), log(1 − d) = −log(1+e^{η}).
		ll += z*eta - softplus(eta)
		if grad == nil {
			continue
		}
		pr := expit(eta)
		g := z - pr
		for a, v := range x {
			grad[a] += g * v
		}
		if hess != nil {
			h := w * pr * (1 - pr)
			for a := range p {
				for b := range p {
					hess[a*p+b] += h * x[a] * x[b]
				}
			}
		}
	}
	return ll
}

// softplus returns log(1 + e^x) without overflow.
func softplus(x float64) float64 {
	if x > 0 {
		return x + math.Log1p(math.Exp(-x))
	}
	return math.Log1p(math.Exp(x))
}

func (c *dropoutComp) LogLik(dst []float64, from, to int) {
	x := make([]float64, len(c.theta))
	for i := from; i < to; i++ {
		dst[i] = c.logLik(c.theta, x, i, nil, 0, nil)
	}
}

func (c *dropoutComp) Params(dst []float64) []float64 { return append(dst[:0], c.theta...) }

func (c *dropoutComp) SetParams(p []float64) { copy(c.theta, p[:len(c.theta)]) }

func (c *dropoutComp) Scores(dst []float64, from, to int) {
	p := len(c.theta)
	x := make([]float64, p)
	clear(dst[:(to-from)*p])
	for i := from; i < to; i++ {
		c.logLik(c.theta, x, i, dst[(i-from)*p:(i-from+1)*p], 0, nil)
	}
}

// Hessian sets dst to −Σ_i w_i Σ_r p_r(1 − p_r) x_r x_rᵀ.
func (c *dropoutComp) Hessian(dst []float64, w []float64) {
	p := len(c.theta)
	x := make([]float64, p)
	g := make([]float64, p)
	clear(dst[:p*p])
	for i := range c.f.d.n {
		if w[i] != 0 {
			c.logLik(c.theta, x, i, g, w[i], dst)
		}
	}
	for a := range dst[:p*p] {
		dst[a] = -dst[a]
	}
}

// hazard returns d(a) at age index t with the lags and covariates zero.
func (c *dropoutComp) hazard(t int) float64 {
	return expit(polyval(c.theta[:c.f.order+1], c.f.d.powers[t]))
}

// dropoutObjective is Σ_i w_i log f_i(θ) for Newton.
type dropoutObjective struct {
	c *dropoutComp
	w []float64
}

func (o *dropoutObjective) Dim() int { return len(o.c.theta) }

func (o *dropoutObjective) Eval(theta, grad, negHess []float64) float64 {
	c := o.c
	p := len(theta)
	if grad != nil {
		clear(grad)
	}
	if negHess != nil {
		clear(negHess)
	}
	g := make([]float64, p)
	var f float64
	for i, w := range o.w {
		if w == 0 {
			continue
		}
		if grad == nil {
			f += w * c.logLik(theta, c.x, i, nil, 0, nil)
			continue
		}
		clear(g)
		f += w * c.logLik(theta, c.x, i, g, w, negHess)
		for a := range g {
			grad[a] += w * g[a]
		}
	}
	return f
}
