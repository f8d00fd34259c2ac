package mixture

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Differentiable is a Component whose per-person log-likelihood has an
// analytic gradient and a weighted Hessian. The engine needs them for the
// observed information (standard errors).
type Differentiable interface {
	Component
	// Scores sets dst[(i−from)·d + j] = ∂ log f(y_i | θ)/∂θ_j for
	// from ≤ i < to, where d is the number of parameters.
	Scores(dst []float64, from, to int)
	// Hessian sets dst (d x d, row-major) to Σ_i w[i] ∂² log f(y_i | θ)/∂θ∂θᵀ.
	Hessian(dst []float64, w []float64)
}

// DifferentiablePrior is a Prior with the derivatives of log π_ik.
type DifferentiablePrior interface {
	Prior
	// PriorScore sets dst[j] = ∂ log π_ik / ∂α_j for person i and group k.
	PriorScore(dst []float64, i, k int)
	// PriorHessian sets dst to Σ_i Σ_k post[k][i] ∂² log π_ik / ∂α∂αᵀ.
	PriorHessian(dst []float64, post [][]float64)
}

// PriorScore for constant shares: ∂ log π_k / ∂α_j = 1[j = k] − π_j.
func (s *shares) PriorScore(dst []float64, _ int, k int) {
	for j := range dst {
		dst[j] = -s.pi[j]
		if j == k {
			dst[j]++
		}
	}
}

// PriorHessian for constant shares: ∂² log π_k / ∂α∂αᵀ = −(diag π − π πᵀ),
// the same for every person and group, so the sum is N times it.
func (s *shares) PriorHessian(dst []float64, post [][]float64) {
	m := len(s.pi) - 1
	n := float64(len(post[0]))
	for a := 0; a < m; a++ {
		for b := 0; b < m; b++ {
			v := s.pi[a] * s.pi[b]
			if a == b {
				v -= s.pi[a]
			}
			dst[a*m+b] = n * v
		}
	}
}

// Information returns the observed information of the mixture,
// −∂²ℓ/∂θ∂θᵀ (P x P, row-major), at the parameters of comps and prior, with
// θ ordered as the engine's parameter vector (membership, then each
// component). post are the posteriors at those parameters (K x N).
//
// It uses the identity (Louis 1982) for ℓ = Σ_i log Σ_k π_ik f_k(y_i):
//
//	∂²ℓ_i = Σ_k p_ik ∂² log(π_ik f_ik) + Σ_k p_ik u_ik u_ikᵀ − s_i s_iᵀ,
//
// with u_ik = ∂ log(π_ik f_ik)/∂θ and s_i = Σ_k p_ik u_ik, the score of
// person i. The first term comes from the components' weighted Hessians;
// the others from per-person scores, accumulated over fixed shards and
// reduced in order, so the result does not depend on threads.
func Information(comps []Component, prior Prior, post [][]float64, threads int) ([]float64, error) {
	dp, ok := prior.(DifferentiablePrior)
	if !ok {
		return nil, errors.New("mixture: the membership model has no derivatives")
	}
	k := len(comps)
	if len(post) != k {
		return nil, fmt.Errorf("mixture: %d posterior columns for %d groups", len(post), k)
	}
	n := len(post[0])
	dc := make([]Differentiable, k)
	dims := make([]int, k)
	off := make([]int, k)
	np := prior.NumParams()
	total := np
	for j, c := range comps {
		d, ok := c.(Differentiable)
		if !ok {
			return nil, fmt.Errorf("mixture: group %d has no derivatives", j+1)
		}
		dc[j] = d
		dims[j] = len(c.Params(nil))
		off[j] = total
		total += dims[j]
	}
	info := make([]float64, total*total)

	// Complete-data Hessian, block by block, with the posterior weights.
	if np > 0 {
		h := make([]float64, np*np)
		dp.PriorHessian(h, post)
		addBlock(info, total, 0, h, np, -1)
	}
	for j, d := range dc {
		h := make([]float64, dims[j]*dims[j])
		d.Hessian(h, post[j])
		addBlock(info, total, off[j], h, dims[j], -1)
	}

	// −Σ_i [Σ_k p_ik u_ik u_ikᵀ − s_i s_iᵀ]. u_ik is zero outside the
	// membership parameters and group k's, so its outer product costs
	// (np + d_k)² rather than P².
	ns := NumShards(n)
	parts := make([][]float64, ns)
	ForShards(n, threads, func(sh, from, to int) {
		m := to - from
		scores := make([][]float64, k)
		for j, d := range dc {
			scores[j] = make([]float64, m*dims[j])
			d.Scores(scores[j], from, to)
		}
		part := make([]float64, total*total)
		s := make([]float64, total)
		u := make([]float64, 0, total)
		idx := make([]int, 0, total)
		ps := make([]float64, np)
		for i := from; i < to; i++ {
			clear(s)
			for j := 0; j < k; j++ {
				p := post[j][i]
				if p == 0 {
					continue
				}
				dp.PriorScore(ps, i, j)
				u, idx = u[:0], idx[:0]
				for a := 0; a < np; a++ {
					u = append(u, ps[a])
					idx = append(idx, a)
				}
				for a, v := range scores[j][(i-from)*dims[j] : (i-from+1)*dims[j]] {
					u = append(u, v)
					idx = append(idx, off[j]+a)
				}
				for a, ia := range idx {
					s[ia] += p * u[a]
					pa := p * u[a]
					row := part[ia*total:]
					for b, ib := range idx[:a+1] {
						row[ib] += pa * u[b]
					}
				}
			}
			for a := 0; a < total; a++ {
				row := part[a*total:]
				for b := 0; b <= a; b++ {
					row[b] -= s[a] * s[b]
				}
			}
		}
		parts[sh] = part
	})
	for _, part := range parts {
		for a := 0; a < total; a++ {
			for b := 0; b <= a; b++ {
				info[a*total+b] -= part[a*total+b]
			}
		}
	}
	for a := 0; a < total; a++ {
		for b := 0; b < a; b++ {
			info[b*total+a] = info[a*total+b]
		}
	}
	return info, nil
}

// addBlock adds sign·h (d x d) into the diagonal block of a (p x p) at off.
func addBlock(a []float64, p, off int, h []float64, d int, sign float64) {
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			a[(off+i)*p+off+j] += sign * h[i*d+j]
		}
	}
}

// Covariance is the inverse of an observed information matrix, with the
// parameters it could not estimate.
type Covariance struct {
	// Matrix is P x P, row-major; rows and columns of parameters in
	// Singular are NaN.
	Matrix []float64
	// Singular lists the parameters (indices) on which the information is
	// singular or nearly so: directions with eigenvalues below
	// 1e-10 times the largest load on them.
	Singular []int
	// PositiveDefinite is false when the information has a negative
	// eigenvalue (the point is not a maximum).
	PositiveDefinite bool
	// Condition is the ratio of the largest to the smallest eigenvalue.
	Condition float64
	// Pseudo is the pseudo-inverse of the information (P x P): the
	// covariance on the estimable directions.
	Pseudo []float64
	// Null holds unit vectors spanning the directions that are not
	// estimable.
	Null [][]float64
}

// Variance returns vᵀ Σ v for a derived quantity with gradient v, where v
// holds the derivatives with respect to parameters off, off+1, .... The
// quantity is estimable when v is orthogonal to every non-estimable
// direction (to a relative 1e-6); otherwise ok is false.
func (c *Covariance) Variance(off int, v []float64) (variance float64, ok bool) {
	p := int(math.Sqrt(float64(len(c.Pseudo))))
	var norm float64
	for _, x := range v {
		norm += x * x
	}
	norm = math.Sqrt(norm)
	for _, e := range c.Null {
		var d float64
		for a, x := range v {
			d += x * e[off+a]
		}
		if math.Abs(d) > 1e-6*norm {
			return math.NaN(), false
		}
	}
	for a, va := range v {
		for b, vb := range v {
			variance += va * c.Pseudo[(off+a)*p+off+b] * vb
		}
	}
	return variance, true
}

// Invert returns the covariance matrix for an observed information matrix
// (p x p). Directions whose eigenvalue is below 1e-10 times the largest
// are treated as not estimable: the parameters that load on them are
// reported and their rows and columns set to NaN; the rest come from the
// inverse on the remaining space.
func Invert(info []float64, p int) Covariance {
	sym := mat.NewSymDense(p, append([]float64(nil), info...))
	var eig mat.EigenSym
	cov := Covariance{Matrix: make([]float64, p*p), Pseudo: make([]float64, p*p), PositiveDefinite: true}
	if !eig.Factorize(sym, true) {
		for j := range cov.Matrix {
			cov.Matrix[j] = math.NaN()
			cov.Pseudo[j] = math.NaN()
		}
		for j := 0; j < p; j++ {
			cov.Singular = append(cov.Singular, j)
		}
		cov.PositiveDefinite = false
		return cov
	}
	vals := eig.Values(nil)
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	maxv := 0.0
	for _, v := range vals {
		maxv = math.Max(maxv, math.Abs(v))
	}
	tol := 1e-10 * maxv
	minv := math.Inf(1)
	bad := make([]bool, p)
	for e, v := range vals {
		if v < -tol {
			cov.PositiveDefinite = false
		}
		minv = math.Min(minv, v)
		if v > tol {
			continue
		}
		null := make([]float64, p)
		for j := range null {
			null[j] = vecs.At(j, e)
		}
		cov.Null = append(cov.Null, null)
		for j := 0; j < p; j++ {
			if x := vecs.At(j, e); x*x > 1e-2 {
				bad[j] = true
			}
		}
	}
	cov.Condition = maxv / minv
	if minv <= 0 {
		cov.Condition = math.Inf(1)
	}
	for a := 0; a < p; a++ {
		for b := 0; b < p; b++ {
			var s float64
			for e, v := range vals {
				if v > tol {
					s += vecs.At(a, e) * vecs.At(b, e) / v
				}
			}
			cov.Pseudo[a*p+b] = s
			if bad[a] || bad[b] {
				s = math.NaN()
			}
			cov.Matrix[a*p+b] = s
		}
	}
	for j, b := range bad {
		if b {
			cov.Singular = append(cov.Singular, j)
		}
	}
	return cov
}

// EStep computes, for components and membership with their parameters
// set, the posteriors (into post, K x N) and, when personLL is not nil,
// each person's log-likelihood. It returns the log-likelihood. It is the
// E-step of Fit, for use on a fitted model, for example to score held-out
// persons or to check derivatives.
func EStep(comps []Component, prior Prior, post [][]float64, personLL []float64, threads int) float64 {
	n := len(post[0])
	parts := make([]float64, NumShards(n))
	ForShards(n, threads, func(s, from, to int) {
		for j, c := range comps {
			c.LogLik(post[j], from, to)
		}
		prior.AddLogPrior(post, from, to)
		parts[s] = Posterior(post, post, personLL, from, to)
	})
	var ll float64
	for _, v := range parts {
		ll += v
	}
	return ll
}

// Score returns the gradient of the mixture log-likelihood,
// Σ_i Σ_k p_ik ∂ log(π_ik f_ik)/∂θ, at the parameters of comps and prior with
// their posteriors post; it is zero at a maximum.
func Score(comps []Component, prior Prior, post [][]float64) ([]float64, error) {
	dp, ok := prior.(DifferentiablePrior)
	if !ok {
		return nil, errors.New("mixture: the membership model has no derivatives")
	}
	n := len(post[0])
	np := prior.NumParams()
	out := make([]float64, np)
	ps := make([]float64, np)
	for j, c := range comps {
		d, ok := c.(Differentiable)
		if !ok {
			return nil, fmt.Errorf("mixture: group %d has no derivatives", j+1)
		}
		dim := len(c.Params(nil))
		g := make([]float64, n*dim)
		d.Scores(g, 0, n)
		sum := make([]float64, dim)
		for i := 0; i < n; i++ {
			p := post[j][i]
			dp.PriorScore(ps, i, j)
			for a := range ps {
				out[a] += p * ps[a]
			}
			for a := 0; a < dim; a++ {
				sum[a] += p * g[i*dim+a]
			}
		}
		out = append(out, sum...)
	}
	return out, nil
}
