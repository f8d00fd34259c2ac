package mixture

import (
	"context"
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"
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
	// One that may take long checks ctx and, once it is cancelled, stops
	// with dst unfinished (Information then returns an error).
	PriorHessian(ctx context.Context, dst []float64, post [][]float64)
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
// the same for every person and group, so the sum is N (Σ_i v_i with
// weights) times it.
func (s *shares) PriorHessian(_ context.Context, dst []float64, post [][]float64) {
	m := len(s.pi) - 1
	n := s.total
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
// −∂²ℓ/∂θ∂θᵀ (P x P, row-major), at the parameters of comps, prior and
// shared (nil without shared parameters), with θ ordered as the engine's
// parameter vector (membership, then each component's own, then the
// shared ones). post are the posteriors at those parameters (K x N).
//
// It uses the identity (Louis 1982) for ℓ = Σ_i log Σ_k π_ik f_k(y_i):
//
//	∂²ℓ_i = Σ_k p_ik ∂² log(π_ik f_ik) + Σ_k p_ik u_ik u_ikᵀ − s_i s_iᵀ,
//
// with u_ik = ∂ log(π_ik f_ik)/∂θ and s_i = Σ_k p_ik u_ik, the score of
// person i. The first term comes from the components' weighted Hessians
// and, with shared parameters φ, the blocks of θ_k with φ and of φ with
// itself; the others from per-person scores, accumulated over fixed
// shards and reduced in order, so the result does not depend on threads.
// u_ik is zero outside the membership parameters, group k's own and φ,
// the only blocks linking one group's parameters with another's.
//
// The per-person terms cost N Σ_k (P_π + d_k + s)² multiply-adds, and a
// multinomial membership's Hessian N (K−1)² (p+1)²: minutes for a risk
// factor with hundreds of levels. Both check ctx as they go over the
// persons, and once it is cancelled Information returns an error that
// wraps ctx's.
func Information(ctx context.Context, comps []Component, prior Prior, shared SharedRun, post [][]float64, threads int) ([]float64, error) {
	return WeightedInformation(ctx, comps, prior, shared, post, nil, threads)
}

// WeightedInformation is Information for the weighted log-likelihood
// Σ_i v_i ℓ_i of a fit with sampling weights v (Problem.Weights; nil
// means all 1, which is Information): each person's terms of the Louis
// identity count v_i times, so integer weights give the information of
// the persons replicated. post are the persons' own posteriors. It tells
// prior the weights (none for nil), as Fit does. The inverse is a model-based
// covariance: it treats the weights as known frequencies, not as a
// survey design.
func WeightedInformation(ctx context.Context, comps []Component, prior Prior, shared SharedRun, post [][]float64, weights []float64, threads int) ([]float64, error) {
	d, err := newDerivatives(comps, prior, shared)
	if err != nil {
		return nil, err
	}
	k := len(comps)
	if len(post) != k {
		return nil, fmt.Errorf("mixture: %d posterior columns for %d groups", len(post), k)
	}
	n := len(post[0])
	if weights != nil && len(weights) != n {
		return nil, fmt.Errorf("mixture: weights for %d persons, posteriors for %d", len(weights), n)
	}
	d.weights = weights
	if w, ok := prior.(weighted); ok {
		w.setWeights(weights)
	}
	if weights != nil {
		wpost := newMatrix(k, n)
		for j, row := range post {
			for i, p := range row {
				wpost[j][i] = weights[i] * p
			}
		}
		d.wpost = wpost
	}
	// The complete-data Hessians take the weighted posteriors, the
	// per-person terms the persons' own, times v_i.
	hpost := post
	if weights != nil {
		hpost = d.wpost
	}
	total, np, ns := d.total, d.np, d.ns
	info := make([]float64, total*total)

	// Complete-data Hessian, block by block, with the posterior weights.
	if np > 0 {
		h := make([]float64, np*np)
		d.prior.PriorHessian(ctx, h, hpost)
		if err := ctx.Err(); err != nil {
			return nil, interruptedInformation(err)
		}
		addBlock(info, total, 0, h, np, -1)
	}
	for j, dc := range d.comps {
		h := make([]float64, d.dims[j]*d.dims[j])
		dc.Hessian(h, hpost[j])
		addBlock(info, total, d.off[j], h, d.dims[j], -1)
	}
	if ns > 0 {
		cross := make([][]float64, k)
		for j := range cross {
			cross[j] = make([]float64, d.dims[j]*ns)
		}
		h := make([]float64, ns*ns)
		d.shared.Hessian(cross, h, hpost)
		so := total - ns
		addBlock(info, total, so, h, ns, -1)
		// The blocks of φ with each θ_k, in the lower triangle (φ comes
		// last); the upper one is mirrored below.
		for j, c := range cross {
			for a := 0; a < d.dims[j]; a++ {
				for b := 0; b < ns; b++ {
					info[(so+b)*total+d.off[j]+a] -= c[a*ns+b]
				}
			}
		}
	}

	// −Σ_i [Σ_k p_ik u_ik u_ikᵀ − s_i s_iᵀ], lower triangles.
	parts := make([][]float64, NumShards(n))
	ForShards(n, threads, func(sh, from, to int) {
		parts[sh] = d.outerProducts(ctx, post, from, to)
	})
	if err := ctx.Err(); err != nil {
		return nil, interruptedInformation(err)
	}
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

// interruptedInformation is the error of an Information cancelled by its
// context, whose error is err.
func interruptedInformation(err error) error {
	return fmt.Errorf("mixture: the observed information was interrupted: %w", err)
}

// derivatives are a mixture's components, membership and shared
// parameters with their derivatives, and the layout of the parameter
// vector.
type derivatives struct {
	comps  []Differentiable
	prior  DifferentiablePrior
	shared DifferentiableShared // nil without shared parameters
	// dims[j] and off[j] are the number and offset of group j's own
	// parameters; np the membership's, ns the shared ones' (last);
	// total all of them.
	dims, off     []int
	np, ns, total int
	// weights are the persons' (nil: all 1) and wpost the posteriors
	// times them (WeightedInformation).
	weights []float64
	wpost   [][]float64
}

func newDerivatives(comps []Component, prior Prior, shared SharedRun) (*derivatives, error) {
	dp, ok := prior.(DifferentiablePrior)
	if !ok {
		return nil, errors.New("mixture: the membership model has no derivatives")
	}
	k := len(comps)
	d := &derivatives{comps: make([]Differentiable, k), prior: dp, dims: make([]int, k), off: make([]int, k), np: prior.NumParams()}
	d.total = d.np
	for j, c := range comps {
		dc, ok := c.(Differentiable)
		if !ok {
			return nil, fmt.Errorf("mixture: group %d has no derivatives", j+1)
		}
		d.comps[j] = dc
		d.dims[j] = len(c.Params(nil))
		d.off[j] = d.total
		d.total += d.dims[j]
	}
	if shared != nil {
		ds, ok := shared.(DifferentiableShared)
		if !ok {
			return nil, errors.New("mixture: the shared parameters have no derivatives")
		}
		d.shared = ds
		d.ns = len(shared.Params(nil))
		d.total += d.ns
	}
	return d, nil
}

// scores returns, for persons from ≤ i < to, each group's per-person
// scores of its own parameters and (with shared parameters) of φ.
func (d *derivatives) scores(from, to int) (own, shared [][]float64) {
	m := to - from
	own = make([][]float64, len(d.comps))
	shared = make([][]float64, len(d.comps))
	for j, dc := range d.comps {
		own[j] = make([]float64, m*d.dims[j])
		dc.Scores(own[j], from, to)
		if d.ns > 0 {
			shared[j] = make([]float64, m*d.ns)
			d.shared.Scores(j, shared[j], from, to)
		}
	}
	return own, shared
}

// outerBlock is the number of persons whose scores outerProducts lays
// out by parameter at a time: each sum over them is then one dot product
// of two contiguous vectors (floats.Dot, vectorised on amd64), instead of
// an update of the matrix per person.
const outerBlock = 256

// outerProducts returns Σ_i [Σ_k p_ik u_ik u_ikᵀ − s_i s_iᵀ] over persons
// from ≤ i < to (the lower triangle of a P x P matrix), times the persons'
// weights v_i. u_ik lives on the membership parameters, group k's own and
// φ, so its outer product costs (np + d_k + ns)² rather than P². The sums
// are taken over blocks of outerBlock persons, in a fixed order, so they
// do not depend on the threads. Once ctx is cancelled it stops with the
// sum unfinished.
func (d *derivatives) outerProducts(ctx context.Context, post [][]float64, from, to int) []float64 {
	total, np, ns := d.total, d.np, d.ns
	own, shared := d.scores(from, to)
	part := make([]float64, total*total)
	// For the block's persons, by parameter: s[a][i] = s_ia and vs[a][i]
	// = v_i s_ia; for group j and its parameters (membership, own,
	// shared; global index idx[j][a]), u[j][a][i] = u_ija and wu[j][a][i]
	// = v_i p_ij u_ija, both 0 where p_ij = 0.
	s, vs := newMatrix(total, outerBlock), newMatrix(total, outerBlock)
	u := make([][][]float64, len(d.comps))
	wu := make([][][]float64, len(d.comps))
	idx := make([][]int, len(d.comps))
	for j, dim := range d.dims {
		m := np + dim + ns
		u[j], wu[j] = newMatrix(m, outerBlock), newMatrix(m, outerBlock)
		for a := 0; a < np; a++ {
			idx[j] = append(idx[j], a)
		}
		for a := 0; a < dim; a++ {
			idx[j] = append(idx[j], d.off[j]+a)
		}
		for a := 0; a < ns; a++ {
			idx[j] = append(idx[j], total-ns+a)
		}
	}
	ps := make([]float64, np)
	for lo := from; lo < to && ctx.Err() == nil; lo += outerBlock {
		n := min(outerBlock, to-lo)
		for _, row := range s {
			clear(row[:n])
		}
		for i := lo; i < lo+n; i++ {
			r := i - lo
			for j := range d.comps {
				p := post[j][i]
				if p == 0 {
					for a := range u[j] {
						u[j][a][r], wu[j][a][r] = 0, 0
					}
					continue
				}
				d.prior.PriorScore(ps, i, j)
				dim := d.dims[j]
				v := d.weight(i)
				for a, xa := range ps {
					d.put(u[j], wu[j], s, idx[j], a, r, xa, p, v)
				}
				for a, xa := range own[j][(i-from)*dim : (i-from+1)*dim] {
					d.put(u[j], wu[j], s, idx[j], np+a, r, xa, p, v)
				}
				if ns > 0 {
					for a, xa := range shared[j][(i-from)*ns : (i-from+1)*ns] {
						d.put(u[j], wu[j], s, idx[j], np+dim+a, r, xa, p, v)
					}
				}
			}
			for a := range s {
				vs[a][r] = d.weight(i) * s[a][r]
			}
		}
		for j := range d.comps {
			for a, ia := range idx[j] {
				row := part[ia*total:]
				wa := wu[j][a][:n]
				for b, ib := range idx[j][:a+1] {
					row[ib] += floats.Dot(wa, u[j][b][:n])
				}
			}
		}
		for a := range s {
			row := part[a*total:]
			va := vs[a][:n]
			for b := 0; b <= a; b++ {
				row[b] -= floats.Dot(va, s[b][:n])
			}
		}
	}
	return part
}

// put lays out score x of a group's parameter a (its index in u, wu and
// idx) for the block's person r, whose posterior of the group is p and
// weight v (see outerProducts).
func (d *derivatives) put(u, wu, s [][]float64, idx []int, a, r int, x, p, v float64) {
	pa := p * x
	u[a][r] = x
	wu[a][r] = v * pa
	s[idx[a]][r] += pa
}

// weight returns person i's weight v_i (1 without weights).
func (d *derivatives) weight(i int) float64 {
	if d.weights == nil {
		return 1
	}
	return d.weights[i]
}

// addBlock adds sign·h (d x d, row-major) into a (p x p) on the diagonal
// at offset off.
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
//
// The eigendecomposition (gonum's, some seconds for p in the thousands)
// cannot be interrupted; the inverse from it, p³ multiply-adds, checks ctx
// row by row, and once ctx is cancelled Invert returns an error that wraps
// ctx's.
func Invert(ctx context.Context, info []float64, p int) (Covariance, error) {
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
		return cov, nil
	}
	if err := ctx.Err(); err != nil {
		return Covariance{}, interruptedInformation(err)
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
	every := checkEvery(p * p)
	for a := 0; a < p; a++ {
		if a%every == 0 && ctx.Err() != nil {
			return Covariance{}, interruptedInformation(ctx.Err())
		}
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
	return cov, nil
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
		logLikAll(comps, post, from, to)
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
// Σ_i Σ_k p_ik ∂ log(π_ik f_ik)/∂θ, at the parameters of comps, prior and
// shared (nil for none) with their posteriors post, in the order of the
// engine's parameter vector; it is zero at a maximum.
func Score(comps []Component, prior Prior, shared SharedRun, post [][]float64) ([]float64, error) {
	d, err := newDerivatives(comps, prior, shared)
	if err != nil {
		return nil, err
	}
	n := len(post[0])
	out := make([]float64, d.total)
	ps := make([]float64, d.np)
	own, sh := d.scores(0, n)
	for j := range d.comps {
		dim := d.dims[j]
		for i := 0; i < n; i++ {
			p := post[j][i]
			d.prior.PriorScore(ps, i, j)
			for a, v := range ps {
				out[a] += p * v
			}
			for a := 0; a < dim; a++ {
				out[d.off[j]+a] += p * own[j][i*dim+a]
			}
			for a := 0; a < d.ns; a++ {
				out[d.total-d.ns+a] += p * sh[j][i*d.ns+a]
			}
		}
	}
	return out, nil
}
