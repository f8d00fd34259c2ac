package mixture

import (
	"context"
	"math"
)

// Objective is a smooth function to maximise, of Dim() variables.
type Objective interface {
	Dim() int
	// Eval returns f(x). When grad is not nil it sets grad to ∇f(x), and
	// when negHess is not nil it sets negHess (Dim x Dim, row-major) to
	// −∇²f(x).
	Eval(x, grad, negHess []float64) float64
}

// Newton is the workspace of a damped Newton maximiser for small,
// mostly concave problems such as the per-group Poisson and logistic
// regressions of the M-step (iteratively reweighted least squares). The
// zero value is ready to use; it allocates on first use for a dimension and
// then reuses its storage.
type Newton struct {
	// MaxStep bounds the largest component of a step; zero means 5. The
	// problems here are on log and logit scales, where a larger change in
	// one step means the quadratic model is not to be trusted (for
	// example a logistic far in its tail, where the curvature vanishes).
	MaxStep float64

	grad, hess, chol, step, trial []float64
	tgrad, thess                  []float64 // derivatives at the trial point
}

// NewtonResult reports a Newton run.
type NewtonResult struct {
	F          float64 // objective at the returned x
	Iterations int
	// Decrement is the Newton decrement gᵀH⁻¹g at the returned x: twice the
	// predicted gain of one more full step.
	Decrement float64
	// Score is the largest absolute gradient component at the starting x.
	Score float64
	// IllConditioned is true when −∇²f was not numerically positive
	// definite and a ridge was added to solve for a step.
	IllConditioned bool
}

// Maximize improves x in place by Newton steps with step-halving: a step is
// accepted only when it does not decrease f. It stops when the Newton
// decrement falls below tol·(1 + |f|), after maxIter iterations, or when no
// step halving improves f.
//
// It checks ctx after each evaluation of obj and, once ctx is cancelled,
// returns at once with x at the last accepted point and without using
// that evaluation, so an objective whose evaluation is long may stop
// early and return anything when it sees ctx cancelled. F and Score are
// then NaN if the evaluation at the start was the one cut short.
func (nw *Newton) Maximize(ctx context.Context, obj Objective, x []float64, tol float64, maxIter int) NewtonResult {
	n := obj.Dim()
	if len(x) != n {
		panic("mixture: Newton start has the wrong dimension")
	}
	nw.grad = resize(nw.grad, n)
	nw.hess = resize(nw.hess, n*n)
	nw.chol = resize(nw.chol, n*n)
	nw.step = resize(nw.step, n)
	nw.trial = resize(nw.trial, n)
	nw.tgrad = resize(nw.tgrad, n)
	nw.thess = resize(nw.thess, n*n)
	var res NewtonResult
	f := obj.Eval(x, nw.grad, nw.hess)
	if ctx.Err() != nil {
		return NewtonResult{F: math.NaN(), Score: math.NaN()}
	}
	res.Score = maxAbs(nw.grad)
	for res.Iterations = 0; res.Iterations < maxIter; res.Iterations++ {
		copy(nw.step, nw.grad)
		ok, ridged := solveRidged(nw.chol, nw.hess, nw.step, n)
		if ridged {
			res.IllConditioned = true
		}
		if !ok {
			break
		}
		dec := dot(nw.grad, nw.step)
		res.Decrement = dec
		if !(dec > tol*(1+math.Abs(f))) { // also stops on NaN
			break
		}
		maxStep := nw.MaxStep
		if maxStep <= 0 {
			maxStep = 5
		}
		if m := maxAbs(nw.step); m > maxStep {
			for j := range nw.step {
				nw.step[j] *= maxStep / m
			}
		}
		// Trial points are evaluated with their derivatives, which are kept
		// when the step is accepted, as it nearly always is.
		t := 1.0
		improved := false
		for h := 0; h < 40; h++ {
			for j := range x {
				nw.trial[j] = x[j] + t*nw.step[j]
			}
			ft := obj.Eval(nw.trial, nw.tgrad, nw.thess)
			if ctx.Err() != nil {
				res.F = f
				return res
			}
			if ft >= f && !math.IsNaN(ft) {
				copy(x, nw.trial)
				improved = ft > f
				f = ft
				nw.grad, nw.tgrad = nw.tgrad, nw.grad
				nw.hess, nw.thess = nw.thess, nw.hess
				break
			}
			t /= 2
		}
		if !improved {
			break
		}
	}
	res.F = f
	return res
}

// solveRidged solves A x = b (A symmetric, n x n, row-major) by Cholesky,
// overwriting b with x and using l as workspace. When A is not numerically
// positive definite it adds a growing ridge to the diagonal and reports
// ridged. ok is false when no ridge helped (A not finite).
func solveRidged(l, a, b []float64, n int) (ok, ridged bool) {
	var maxDiag float64
	for i := 0; i < n; i++ {
		maxDiag = math.Max(maxDiag, math.Abs(a[i*n+i]))
	}
	if maxDiag == 0 || math.IsNaN(maxDiag) || math.IsInf(maxDiag, 0) {
		return false, true
	}
	ridge := 0.0
	for try := 0; try < 12; try++ {
		if cholesky(l, a, n, ridge, maxDiag*1e-13) {
			cholSolve(l, b, n)
			return true, ridged
		}
		ridged = true
		if ridge == 0 {
			ridge = maxDiag * 1e-10
		} else {
			ridge *= 100
		}
	}
	return false, true
}

// cholesky factors A + ridge·I = L Lᵀ into l (lower triangle). It fails when
// a pivot is below minPivot, which flags singular and nearly singular
// systems (for example a polynomial of order 5 on six or fewer ages).
func cholesky(l, a []float64, n int, ridge, minPivot float64) bool {
	for i := 0; i < n; i++ {
		for j := 0; j <= i; j++ {
			s := a[i*n+j]
			if i == j {
				s += ridge
			}
			for k := 0; k < j; k++ {
				s -= l[i*n+k] * l[j*n+k]
			}
			if i == j {
				if !(s > minPivot) {
					return false
				}
				l[i*n+i] = math.Sqrt(s)
			} else {
				l[i*n+j] = s / l[j*n+j]
			}
		}
	}
	return true
}

// cholSolve solves L Lᵀ x = b in place.
func cholSolve(l, b []float64, n int) {
	for i := 0; i < n; i++ {
		s := b[i]
		for k := 0; k < i; k++ {
			s -= l[i*n+k] * b[k]
		}
		b[i] = s / l[i*n+i]
	}
	for i := n - 1; i >= 0; i-- {
		s := b[i]
		for k := i + 1; k < n; k++ {
			s -= l[k*n+i] * b[k]
		}
		b[i] = s / l[i*n+i]
	}
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func maxAbs(a []float64) float64 {
	var m float64
	for _, v := range a {
		m = math.Max(m, math.Abs(v))
	}
	return m
}
