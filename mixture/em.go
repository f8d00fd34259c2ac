package mixture

import (
	"fmt"
	"math"
)

// Status says how an EM run ended. Not converging is a status, not an error.
type Status int

const (
	// Converged: the relative change of the log-likelihood and the score
	// fell below their tolerances.
	Converged Status = iota
	// MaxIterations: the iteration limit was reached first.
	MaxIterations
	// Degenerate: the run ended, but a group collapsed (its share fell
	// below Settings.MinShare or it received no weight), so the solution
	// has fewer usable groups than asked for.
	Degenerate
)

func (s Status) String() string {
	switch s {
	case Converged:
		return "converged"
	case MaxIterations:
		return "max_iterations"
	case Degenerate:
		return "degenerate"
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// emRun is the state of one EM run: components, membership and the
// K x N matrix that holds the log joint densities and then the posteriors.
type emRun struct {
	fams    []Family
	comps   []Component
	prior   Prior
	post    [][]float64
	shardLL []float64
	n       int
	threads int

	// outcome
	ll             float64
	iterations     int
	score          float64 // largest |score| per person at the last M-step
	illConditioned bool
	empty          []bool
	infos          []FitInfo
	trace          []float64
}

func newRun(p *Problem, threads int) *emRun {
	k := len(p.Families)
	n := p.Families[0].Len()
	r := &emRun{
		fams:    p.Families,
		comps:   make([]Component, k),
		prior:   p.membership().NewPrior(k, n),
		post:    make([][]float64, k),
		shardLL: make([]float64, NumShards(n)),
		n:       n,
		threads: threads,
		empty:   make([]bool, k),
		infos:   make([]FitInfo, k),
	}
	for j, f := range p.Families {
		r.comps[j] = f.NewComponent()
		r.post[j] = make([]float64, n)
	}
	return r
}

// numParams is the number of free parameters of the mixture.
func (r *emRun) numParams() int {
	np := r.prior.NumParams()
	for _, f := range r.fams {
		np += f.NumParams()
	}
	return np
}

// params returns the mixture's parameter vector: membership, then each
// component in group order.
func (r *emRun) params(dst []float64) []float64 {
	dst = dst[:0]
	var buf []float64
	buf = r.prior.Params(buf)
	dst = append(dst, buf...)
	for _, c := range r.comps {
		buf = c.Params(buf[:0])
		dst = append(dst, buf...)
	}
	return dst
}

func (r *emRun) setParams(p []float64) {
	np := r.prior.NumParams()
	r.prior.SetParams(p[:np])
	off := np
	for j, c := range r.comps {
		m := r.fams[j].NumParams()
		c.SetParams(p[off : off+m])
		off += m
	}
}

// eStep computes the posteriors at the current parameters and returns the
// log-likelihood.
func (r *emRun) eStep() float64 {
	ForShards(r.n, r.threads, func(s, from, to int) {
		for j, c := range r.comps {
			c.LogLik(r.post[j], from, to)
		}
		r.prior.AddLogPrior(r.post, from, to)
		r.shardLL[s] = Posterior(r.post, r.post, nil, from, to)
	})
	var ll float64
	for _, v := range r.shardLL {
		ll += v
	}
	return ll
}

// mStep fits the membership and every component from the posteriors, warm
// or from the weights alone, and returns the largest absolute score.
func (r *emRun) mStep(warm bool) float64 {
	score := r.prior.Fit(r.post)
	ForEach(len(r.comps), r.threads, func(j int) {
		r.infos[j] = r.fams[j].Fit(r.comps[j], r.post[j], warm)
	})
	for j, in := range r.infos {
		score = math.Max(score, in.Score)
		r.empty[j] = in.Empty
		if in.IllConditioned {
			r.illConditioned = true
		}
	}
	return score
}

// initWeights starts the run from per-person group weights (K x N).
func (r *emRun) initWeights(w [][]float64) {
	for j := range r.post {
		copy(r.post[j], w[j])
	}
	r.mStep(false)
	r.ll = r.eStep()
	r.trace = append(r.trace, r.ll)
}

// initParams starts the run from a parameter vector.
func (r *emRun) initParams(p []float64) {
	r.setParams(p)
	r.ll = r.eStep()
	if len(r.trace) == 0 {
		r.trace = append(r.trace, r.ll)
	}
}

// iterate runs up to maxIter EM iterations from the current state and
// reports whether it converged: the relative change of the log-likelihood
// below tol and the largest absolute score, divided by the number of
// persons, below scoreTol.
func (r *emRun) iterate(maxIter int, tol, scoreTol float64) bool {
	for it := 0; it < maxIter; it++ {
		score := r.mStep(true)
		ll := r.eStep()
		r.iterations++
		r.score = score / float64(r.n)
		change := (ll - r.ll) / math.Abs(ll)
		r.ll = ll
		r.trace = append(r.trace, ll)
		if math.Abs(change) < tol && r.score < scoreTol {
			return true
		}
		if math.IsNaN(ll) {
			return false
		}
	}
	return false
}
