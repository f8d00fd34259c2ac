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
	s := &shares{pi: make([]float64, k), logPi: make([]float64, k), n: n, total: float64(n)}
	for j := range s.pi {
		s.pi[j] = 1 / float64(k)
		s.logPi[j] = math.Log(s.pi[j])
	}
	return s
}

type shares struct {
	pi, logPi []float64
	n         int
	total     float64 // Σ_i v_i, N without weights
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

// Fit sets π_k = Σ_i p_ik / N (at least minShare), normalised to sum to
// one, so that weighted posteriors v_i p_ik give Σ_i v_i p_ik / Σ_i v_i.
// The gradient of the log-likelihood with respect to α_k is
// Σ_i p_ik − T π_k, with T = N, or Σ_i v_i with weights.
func (s *shares) Fit(_ context.Context, post [][]float64) float64 {
	var score float64
	for k := range s.pi {
		var sum float64
		for _, p := range post[k] {
			sum += p
		}
		if k < len(s.pi)-1 {
			score = math.Max(score, math.Abs(sum-s.total*s.pi[k]))
		}
		s.pi[k] = math.Max(sum/float64(s.n), minShare)
	}
	s.normalise()
	return score
}

// setWeights tells the shares that the posteriors they are given are
// weighted by v (see Problem.Weights); nil means all 1.
func (s *shares) setWeights(v []float64) {
	s.total = float64(s.n)
	if v != nil {
		s.total = sum(v)
	}
}

// weighted is a Prior of this package that is told the persons' weights
// (Problem.Weights) when the fit has them. A Prior from elsewhere sees
// them only in its posteriors: Σ_k post[k][i] = v_i.
type weighted interface{ setWeights(v []float64) }

// sum returns Σ v in order.
func sum(v []float64) float64 {
	var t float64
	for _, x := range v {
		t += x
	}
	return t
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
