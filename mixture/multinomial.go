package mixture

import (
	"context"
	"fmt"
	"math"
)

// MultinomialLogit is the membership model with person-level covariates
// (risk factors), as in traj's risk() and flexmix's FLXPmultinom:
//
//	π_ik = exp(γ_k · x̃_i) / Σ_j exp(γ_j · x̃_i),  x̃_i = (1, x_i),  γ_ref = 0.
//
// Its free parameters are, for each group other than the reference in
// group order, the intercept and the covariate coefficients: log-odds of
// the group against the reference.
type MultinomialLogit struct {
	// X holds each person's covariates (N rows of p values).
	X [][]float64
	// Reference is the 1-based number of the reference group (in the
	// order of Problem.Families); 0 means the last group, the reference of
	// ConstantShares' logits.
	Reference int
	// Weights are the persons' weights (N, nil for all 1) of a prior
	// inside another membership model, which the engine does not tell
	// Problem.Weights; the engine sets them itself on this model's own
	// priors.
	Weights []float64
}

// NewPrior returns the model with all coefficients zero (equal shares).
func (m MultinomialLogit) NewPrior(k, n int) Prior {
	if len(m.X) != n {
		panic(fmt.Sprintf("mixture: covariates for %d persons, want %d", len(m.X), n))
	}
	p := 0
	if n > 0 {
		p = len(m.X[0])
	}
	ref := m.Reference - 1
	if m.Reference == 0 {
		ref = k - 1
	}
	if ref < 0 || ref >= k {
		panic(fmt.Sprintf("mixture: reference group %d is outside 1..%d", m.Reference, k))
	}
	return &mlogit{x: m.X, k: k, d: p + 1, ref: ref, coef: make([]float64, (k-1)*(p+1)), v: m.Weights}
}

type mlogit struct {
	x     [][]float64
	k, d  int // groups; coefficients per group (1 + covariates)
	ref   int
	coef  []float64
	nw    Newton
	obj   mlogitObjective
	probs []float64
	// v are the persons' weights (Problem.Weights), nil for all 1: the
	// posteriors of person i sum to v_i.
	v []float64
}

func (m *mlogit) setWeights(v []float64) { m.v = v }

// weight returns person i's weight, 1 without weights.
func (m *mlogit) weight(i int) float64 {
	if m.v == nil {
		return 1
	}
	return m.v[i]
}

func (m *mlogit) NumParams() int { return len(m.coef) }

// block returns the index of group k's coefficients in coef, or −1 for the
// reference group.
func (m *mlogit) block(k int) int {
	switch {
	case k == m.ref:
		return -1
	case k < m.ref:
		return k * m.d
	}
	return (k - 1) * m.d
}

// logProbs sets lp[k] = log π_ik for person i and returns lp.
func (m *mlogit) logProbs(coef []float64, i int, lp []float64) []float64 {
	x := m.x[i]
	mx := math.Inf(-1)
	for k := 0; k < m.k; k++ {
		eta := 0.0
		if b := m.block(k); b >= 0 {
			c := coef[b : b+m.d]
			eta = c[0]
			for j, v := range x {
				eta += c[j+1] * v
			}
		}
		lp[k] = eta
		mx = math.Max(mx, eta)
	}
	var s float64
	for k := range lp[:m.k] {
		s += math.Exp(lp[k] - mx)
	}
	l := mx + math.Log(s)
	for k := range lp[:m.k] {
		lp[k] -= l
	}
	return lp
}

func (m *mlogit) AddLogPrior(dst [][]float64, from, to int) {
	lp := make([]float64, m.k)
	for i := from; i < to; i++ {
		m.logProbs(m.coef, i, lp)
		for k := range lp {
			dst[k][i] += lp[k]
		}
	}
}

// Fit maximises Σ_i Σ_k post[k][i] log π_ik by Newton's method (the
// multinomial logistic regression of the posteriors on the covariates).
// An evaluation of the objective with its Hessian costs N (K−1)² (p+1)²
// multiply-adds, minutes for a categorical risk factor with hundreds of
// levels over thousands of persons, so the evaluation checks ctx as it
// goes over the persons (see Newton.Maximize).
func (m *mlogit) Fit(ctx context.Context, post [][]float64) float64 {
	m.obj = mlogitObjective{m: m, post: post, ctx: ctx}
	r := m.nw.Maximize(ctx, &m.obj, m.coef, 1e-14, 50)
	m.obj.ctx = nil
	return r.Score
}

func (m *mlogit) Params(dst []float64) []float64 { return append(dst[:0], m.coef...) }

func (m *mlogit) SetParams(p []float64) {
	if len(p) != len(m.coef) {
		panic("mixture: wrong number of membership parameters")
	}
	copy(m.coef, p)
}

func (m *mlogit) Shares(dst []float64) []float64 {
	dst = resize(dst, m.k)
	clear(dst)
	lp := make([]float64, m.k)
	for i := range m.x {
		m.logProbs(m.coef, i, lp)
		for k, v := range lp {
			dst[k] += math.Exp(v)
		}
	}
	for k := range dst {
		dst[k] /= float64(len(m.x))
	}
	return dst
}

// PriorScore: ∂ log π_ik / ∂γ_lj = (1[l = k] − π_il) x̃_ij for l ≠ ref.
func (m *mlogit) PriorScore(dst []float64, i, k int) {
	lp := m.logProbs(m.coef, i, make([]float64, m.k))
	x := m.x[i]
	for l := 0; l < m.k; l++ {
		b := m.block(l)
		if b < 0 {
			continue
		}
		r := -math.Exp(lp[l])
		if l == k {
			r++
		}
		dst[b] = r
		for j, v := range x {
			dst[b+1+j] = r * v
		}
	}
}

// PriorHessian: ∂² log π_ik / ∂γ_l ∂γ_m = −(π_il 1[l = m] − π_il π_im) x̃ x̃ᵀ,
// the same for every k, so Σ_k post[k][i] = v_i (1 without weights)
// leaves Σ_i v_i times it. It checks
// ctx every so many persons.
func (m *mlogit) PriorHessian(ctx context.Context, dst []float64, post [][]float64) {
	n := len(m.coef)
	clear(dst)
	lp := make([]float64, m.k)
	every := checkEvery((m.k - 1) * (m.k - 1) * m.d * m.d)
	for i := range m.x {
		if i%every == 0 && ctx.Err() != nil {
			return
		}
		m.logProbs(m.coef, i, lp)
		addMlogitHessian(m, dst, n, i, lp, -m.weight(i))
	}
}

// addMlogitHessian adds sign·(diag π − π πᵀ) ⊗ x̃ x̃ᵀ for person i to h.
func addMlogitHessian(m *mlogit, h []float64, n, i int, lp []float64, sign float64) {
	x := m.x[i]
	xt := func(j int) float64 {
		if j == 0 {
			return 1
		}
		return x[j-1]
	}
	for l := 0; l < m.k; l++ {
		bl := m.block(l)
		if bl < 0 {
			continue
		}
		pl := math.Exp(lp[l])
		for q := 0; q < m.k; q++ {
			bq := m.block(q)
			if bq < 0 {
				continue
			}
			pq := math.Exp(lp[q])
			w := -pl * pq
			if l == q {
				w += pl
			}
			w *= sign
			for a := 0; a < m.d; a++ {
				for b := 0; b < m.d; b++ {
					h[(bl+a)*n+bq+b] += w * xt(a) * xt(b)
				}
			}
		}
	}
}

// mlogitObjective is Σ_i Σ_k post[k][i] log π_ik as a function of the
// coefficients, with Σ_k post[k][i] = v_i: gradient Σ_i (p_il − v_i π_il) x̃_i,
// negative Hessian Σ_i v_i (diag π_i − π_i π_iᵀ) ⊗ x̃_i x̃_iᵀ. An evaluation checks ctx every
// so many persons and returns NaN once it is cancelled.
type mlogitObjective struct {
	m    *mlogit
	post [][]float64
	ctx  context.Context // of the Fit that evaluates it
}

func (o *mlogitObjective) Dim() int { return len(o.m.coef) }

func (o *mlogitObjective) Eval(coef, grad, negHess []float64) float64 {
	m := o.m
	n := len(coef)
	clear(grad)
	clear(negHess)
	lp := make([]float64, m.k)
	var f float64
	every := checkEvery(m.k * m.d)
	if negHess != nil {
		every = checkEvery((m.k - 1) * (m.k - 1) * m.d * m.d)
	}
	check := every // the next person before whom ctx is checked
	for i := range m.x {
		if i == check {
			if o.ctx.Err() != nil {
				return math.NaN()
			}
			check += every
		}
		m.logProbs(coef, i, lp)
		for k := 0; k < m.k; k++ {
			if p := o.post[k][i]; p > 0 {
				f += p * lp[k]
			}
		}
		if grad == nil {
			continue
		}
		x := m.x[i]
		for l := 0; l < m.k; l++ {
			b := m.block(l)
			if b < 0 {
				continue
			}
			r := o.post[l][i] - m.weight(i)*math.Exp(lp[l])
			grad[b] += r
			for j, v := range x {
				grad[b+1+j] += r * v
			}
		}
		if negHess != nil {
			addMlogitHessian(m, negHess, n, i, lp, m.weight(i))
		}
	}
	return f
}
