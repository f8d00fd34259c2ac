package mixture

import (
	"context"
	"math"
)

// Membership is the model of group membership π_ik: how it is computed and
// fitted from the posteriors. A Membership is shared by concurrent EM runs;
// each run gets its own Prior from NewPrior.
type Membership interface {
	// NewPrior returns membership state for k groups and n persons, with
	// equal shares.
	NewPrior(k, n int) Prior
}

// Prior is the membership state of one EM run.
type Prior interface {
	// NumParams is the number of free membership parameters.
	NumParams() int
	// AddLogPrior adds log π_ik to dst[k][i] for persons from ≤ i < to.
	AddLogPrior(dst [][]float64, from, to int)
	// Fit maximises Σ_i Σ_k post[k][i] log π_ik and returns the largest
	// absolute gradient component at the parameters it started from. A fit
	// that may take long checks ctx and, once it is cancelled, stops with
	// parameters it has not finished with (the engine then discards the
	// run).
	Fit(ctx context.Context, post [][]float64) float64
	// Params and SetParams give the free parameters as a vector.
	Params(dst []float64) []float64
	SetParams(p []float64)
	// Shares returns the mean membership probability of each group.
	Shares(dst []float64) []float64
}

// ConstantShares is the default membership model: π_ik = π_k for every
// person, with Σ_k π_k = 1, parametrised by K-1 free logits against the
// last group, α_k = log(π_k / π_K).
type ConstantShares struct{}

// NewPrior returns equal shares.
func (ConstantShares) NewPrior(k, n int) Prior {
	s := &shares{pi: make([]float64, k), logPi: make([]float64, k), n: n}
	for j := range s.pi {
		s.pi[j] = 1 / float64(k)
		s.logPi[j] = math.Log(s.pi[j])
	}
	return s
}

type shares struct {
	pi, logPi []float64
	n         int
}

func (s *shares) NumParams() int { return len(s.pi) - 1 }

func (s *shares) AddLogPrior(dst [][]float64, from, to int) {
	for k, lp := range s.logPi {
		d := dst[k][from:to]
		for i := range d {
			d[i] += lp
		}
	}
}

// minShare keeps every share positive, so that its logit stays finite: a
// group that loses every person keeps a share of 1e-12, which changes the
// log-likelihood by about that much and is reported as collapsed.
const minShare = 1e-12

// Fit sets π_k = Σ_i p_ik / N (at least minShare). The gradient of the
// log-likelihood with respect to α_k is Σ_i p_ik − N π_k.
func (s *shares) Fit(_ context.Context, post [][]float64) float64 {
	var score float64
	for k := range s.pi {
		var sum float64
		for _, p := range post[k] {
			sum += p
		}
		if k < len(s.pi)-1 {
			score = math.Max(score, math.Abs(sum-float64(s.n)*s.pi[k]))
		}
		s.pi[k] = math.Max(sum/float64(s.n), minShare)
	}
	s.normalise()
	return score
}

func (s *shares) normalise() {
	var tot float64
	for _, p := range s.pi {
		tot += p
	}
	for k := range s.pi {
		s.pi[k] /= tot
		s.logPi[k] = math.Log(s.pi[k])
	}
}

func (s *shares) Params(dst []float64) []float64 {
	dst = resize(dst, len(s.pi)-1)
	last := s.logPi[len(s.pi)-1]
	for k := range dst {
		dst[k] = s.logPi[k] - last
	}
	return dst
}

func (s *shares) SetParams(p []float64) {
	if len(p) != len(s.pi)-1 {
		panic("mixture: wrong number of share parameters")
	}
	m := 0.0
	for _, a := range p {
		m = math.Max(m, a)
	}
	var tot float64
	for k := range s.pi {
		a := 0.0
		if k < len(p) {
			a = p[k]
		}
		s.pi[k] = math.Exp(a - m)
		tot += s.pi[k]
	}
	for k := range s.pi {
		s.pi[k] /= tot
		s.logPi[k] = math.Log(s.pi[k])
	}
}

func (s *shares) Shares(dst []float64) []float64 {
	dst = resize(dst, len(s.pi))
	copy(dst, s.pi)
	return dst
}

// resize returns a slice of length n, reusing dst's storage when it can.
func resize(dst []float64, n int) []float64 {
	if cap(dst) < n {
		return make([]float64, n)
	}
	return dst[:n]
}
