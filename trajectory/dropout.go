package trajectory

import (
	"context"
	"encoding/binary"
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

// dropoutData are the risk records of all persons, each pointing to its
// risk cell: record r of person i (start[i] ≤ r < start[i+1]) is the
// hazard in cell cell[r]. A cell is an age index, an event (1 for the age
// of dropping out, 0 for an age at which the person was observed) and the
// rest of the design (the lagged responses, then the covariates): persons
// with the same ages, lags and covariates share their cells, so that the
// M-step's Newton iterations pass over the few distinct cells, with the
// weights summed over their records once per M-step.
type dropoutData struct {
	n, lag, ncov int
	start        []int32
	cell         []int32
	// cellAge[c], cellEvent[c] and cellRest[c·(lag+ncov):] describe cell c.
	cellAge   []int32
	cellEvent []float64
	cellRest  []float64
	// powers[t] are 1, s(a), s(a)² at age index t.
	powers [][]float64
	// dropped counts the persons who dropped out, late those observed
	// after their follow-up end (taken as censored at their last age).
	dropped, late int
}

// numCells returns the number of distinct risk cells.
func (d *dropoutData) numCells() int { return len(d.cellAge) }

// newDropoutData builds the risk records of careers c under d.
func newDropoutData(c *Careers, scaling AgeScaling, d *Dropout) *dropoutData {
	n := c.Len()
	dd := &dropoutData{n: n, lag: d.Lag, ncov: len(d.Names), start: make([]int32, n+1), powers: basis(scaling, c.MinAge, c.NumAges, MaxDropoutOrder)}
	maxAge := c.MaxAge()
	index := map[string]int32{}
	var key []byte
	rest := make([]float64, d.Lag+len(d.Names))
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
			for l := 1; l <= d.Lag; l++ {
				rest[l-1] = 0
				if j-l >= 0 {
					rest[l-1] = ys[j-l]
				}
			}
			if len(d.Names) > 0 {
				copy(rest[d.Lag:], d.X[i])
			}
			key = binary.LittleEndian.AppendUint32(key[:0], uint32(t))
			key = binary.LittleEndian.AppendUint64(key, math.Float64bits(event))
			for _, v := range rest {
				key = binary.LittleEndian.AppendUint64(key, math.Float64bits(v))
			}
			cell, ok := index[string(key)]
			if !ok {
				cell = int32(len(dd.cellAge))
				index[string(key)] = cell
				dd.cellAge = append(dd.cellAge, int32(t))
				dd.cellEvent = append(dd.cellEvent, event)
				dd.cellRest = append(dd.cellRest, rest...)
			}
			dd.cell = append(dd.cell, cell)
		}
		for j := 1; j < len(ages); j++ {
			record(j, ages[j], 0)
		}
		if m := len(ages); m > 0 {
			end := float64(maxAge)
			if d.FollowupEnd != nil {
				end = min(end, d.FollowupEnd[i])
			}
			if d.FollowupEnd != nil && float64(c.MinAge+ages[m-1]) > d.FollowupEnd[i] {
				dd.late++
			}
			if float64(c.MinAge+ages[m-1]) < end {
				record(m, ages[m-1]+1, 1)
				dd.dropped++
			}
		}
		dd.start[i+1] = int32(len(dd.cell))
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
	c := &dropoutComp{f: f, theta: make([]float64, p), x: make([]float64, p), cellLL: make([]float64, f.d.numCells()), cellW: make([]float64, f.d.numCells())}
	c.setCells()
	return c
}

// Fit maximises Σ_i w_i log D_i(θ) = Σ_c W_c [z_c η_c − log(1 + e^{η_c})],
// W_c the weights summed over cell c's records, by Newton's method with
// step halving, which never lowers it, so that EM stays monotone. A cold
// start begins at the constant hazard of the weighted events.
func (f *dropoutFamily) Fit(ctx context.Context, comp mixture.Component, w []float64, warm bool) mixture.FitInfo {
	c := comp.(*dropoutComp)
	d := f.d
	clear(c.cellW)
	var sw float64
	for i, v := range w {
		sw += v
		for r := d.start[i]; r < d.start[i+1]; r++ {
			c.cellW[d.cell[r]] += v
		}
	}
	if sw < 1e-10 {
		return mixture.FitInfo{Empty: true}
	}
	if !warm {
		var ev, at float64
		for cell, wc := range c.cellW {
			ev += wc * d.cellEvent[cell]
			at += wc
		}
		clear(c.theta)
		p := (ev + 0.5) / (at + 1)
		c.theta[0] = math.Log(p / (1 - p))
	}
	c.obj = dropoutObjective{c: c}
	r := c.nw.Maximize(ctx, &c.obj, c.theta, newtonTol, newtonMaxIter)
	c.setCells()
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
	x     []float64 // the design of one cell
	// cellLL[c] is cell c's log-likelihood at theta; cellW[c] the M-step's
	// weight of cell c.
	cellLL, cellW []float64
	nw            mixture.Newton
	obj           dropoutObjective
}

// design sets x to cell c's design (the powers of age up to the order,
// then the lags and covariates) and returns η at theta.
func (c *dropoutComp) design(x, theta []float64, cell int32) float64 {
	d := c.f.d
	p := c.f.order + 1
	copy(x[:p], d.powers[d.cellAge[cell]][:p])
	nr := d.lag + d.ncov
	copy(x[p:], d.cellRest[int(cell)*nr:(int(cell)+1)*nr])
	var eta float64
	for j, v := range x {
		eta += theta[j] * v
	}
	return eta
}

// setCells sets every cell's log-likelihood at theta:
// log d = −log(1 + e^{−η}), log(1 − d) = −log(1 + e^{η}).
func (c *dropoutComp) setCells() {
	for cell := range c.cellLL {
		eta := c.design(c.x, c.theta, int32(cell))
		c.cellLL[cell] = c.f.d.cellEvent[cell]*eta - softplus(eta)
	}
}

func (c *dropoutComp) LogLik(dst []float64, from, to int) {
	d := c.f.d
	for i := from; i < to; i++ {
		var ll float64
		for r := d.start[i]; r < d.start[i+1]; r++ {
			ll += c.cellLL[d.cell[r]]
		}
		dst[i] = ll
	}
}

func (c *dropoutComp) Params(dst []float64) []float64 { return append(dst[:0], c.theta...) }

func (c *dropoutComp) SetParams(p []float64) {
	copy(c.theta, p[:len(c.theta)])
	c.setCells()
}

// Scores sets person i's row to Σ_r (z_r − d_r) x_r.
func (c *dropoutComp) Scores(dst []float64, from, to int) {
	d := c.f.d
	p := len(c.theta)
	x := make([]float64, p)
	clear(dst[:(to-from)*p])
	for i := from; i < to; i++ {
		row := dst[(i-from)*p : (i-from+1)*p]
		for r := d.start[i]; r < d.start[i+1]; r++ {
			eta := c.design(x, c.theta, d.cell[r])
			g := d.cellEvent[d.cell[r]] - expit(eta)
			for a, v := range x {
				row[a] += g * v
			}
		}
	}
}

// Hessian sets dst to −Σ_i w_i Σ_r d_r(1 − d_r) x_r x_rᵀ, summed by cell.
func (c *dropoutComp) Hessian(dst []float64, w []float64) {
	d := c.f.d
	p := len(c.theta)
	wc := make([]float64, d.numCells())
	for i, v := range w {
		for r := d.start[i]; r < d.start[i+1]; r++ {
			wc[d.cell[r]] += v
		}
	}
	x := make([]float64, p)
	clear(dst[:p*p])
	for cell, v := range wc {
		if v == 0 {
			continue
		}
		pr := expit(c.design(x, c.theta, int32(cell)))
		h := v * pr * (1 - pr)
		for a := range p {
			for b := range p {
				dst[a*p+b] -= h * x[a] * x[b]
			}
		}
	}
}

// hazard returns d(a) at age index t with the lags and covariates zero.
func (c *dropoutComp) hazard(t int) float64 {
	return expit(polyval(c.theta[:c.f.order+1], c.f.d.powers[t]))
}

// dropoutObjective is Σ_c W_c [z_c η_c − log(1 + e^{η_c})] for Newton,
// with the weights W_c of the component's current M-step.
type dropoutObjective struct {
	c *dropoutComp
}

func (o *dropoutObjective) Dim() int { return len(o.c.theta) }

func (o *dropoutObjective) Eval(theta, grad, negHess []float64) float64 {
	c := o.c
	d := c.f.d
	p := len(theta)
	if grad != nil {
		clear(grad)
	}
	if negHess != nil {
		clear(negHess)
	}
	var f float64
	for cell, wc := range c.cellW {
		if wc == 0 {
			continue
		}
		eta := c.design(c.x, theta, int32(cell))
		z := d.cellEvent[cell]
		f += wc * (z*eta - softplus(eta))
		if grad == nil {
			continue
		}
		pr := expit(eta)
		for a, v := range c.x {
			grad[a] += wc * (z - pr) * v
		}
		if negHess != nil {
			h := wc * pr * (1 - pr)
			for a := range p {
				for b := range p {
					negHess[a*p+b] += h * c.x[a] * c.x[b]
				}
			}
		}
	}
	return f
}
