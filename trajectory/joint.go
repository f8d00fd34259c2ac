package trajectory

import (
	"context"

	"github.com/trajkit/trajkit/mixture"
)

// The joint family of a multi-trajectory model (Nagin, Jones, Passos &
// Tremblay 2018): outcomes o = 1..O measured on the same persons, each
// with its own family and parameters θ_ko in group k, independent given
// the group, so that
//
//	log f_k(y_i) = Σ_o log f_ko(y_io | θ_ko).
//
// The expected complete-data log-likelihood of group k is then a sum of
// terms in θ_k1, ..., θ_kO alone: the M-step fits each outcome's
// parameters by its own family with the same weights, and the engine sees
// one family per group as for a single outcome. Group k's parameter
// vector is θ_k1, ..., θ_kO; parameters shared by the groups of an
// outcome (a common σ or α) come after every group's, outcome by outcome.
//
// A model of dropout (FitDropout) is a joint family of two parts: the
// trajectory's family and the group's dropout process (dropoutFamily),
// whose per-person factor D_ik multiplies f_k(y_i) in the same way.

// jointFamily is group k of a multi-trajectory model: one family per
// outcome, all bound to the same N persons.
type jointFamily struct {
	parts []mixture.Family
}

func (f *jointFamily) Len() int { return f.parts[0].Len() }

func (f *jointFamily) NumParams() int {
	n := 0
	for _, p := range f.parts {
		n += p.NumParams()
	}
	return n
}

func (f *jointFamily) NewComponent() mixture.Component {
	c := &jointComp{parts: make([]mixture.Differentiable, len(f.parts)), d: make([]int, len(f.parts)), scratch: make([][]float64, len(f.parts)), buf: make([]float64, f.Len())}
	for o, p := range f.parts {
		c.parts[o] = p.NewComponent().(mixture.Differentiable)
		c.d[o] = p.NumParams()
	}
	return c
}

// Fit fits each outcome's parameters with the same weights: the
// objective is a sum of terms in each outcome's parameters alone. The
// score is the largest over the outcomes.
func (f *jointFamily) Fit(ctx context.Context, comp mixture.Component, w []float64, warm bool) mixture.FitInfo {
	c := comp.(*jointComp)
	var info mixture.FitInfo
	for o, p := range f.parts {
		fi := p.Fit(ctx, c.parts[o], w, warm)
		info.Score = max(info.Score, fi.Score)
		info.Empty = info.Empty || fi.Empty
		info.IllConditioned = info.IllConditioned || fi.IllConditioned
	}
	return info
}

// jointComp is group k with every outcome's parameters set.
type jointComp struct {
	// parts are the outcomes' components (groupComponent) and, in a model
	// of dropout, the dropout process's last (dropoutComp).
	parts []mixture.Differentiable
	// d[o] is the number of outcome o's parameters; scratch[o] holds them
	// while Params copies them.
	d       []int
	scratch [][]float64
	// buf holds one outcome's log-likelihoods while they are added to
	// another's; calls for disjoint ranges of persons use disjoint parts
	// of it, as the engine's shards do.
	buf []float64
}

// LogLik sets dst[i] to the sum of the outcomes' log-likelihoods.
func (c *jointComp) LogLik(dst []float64, from, to int) {
	c.parts[0].LogLik(dst, from, to)
	for _, p := range c.parts[1:] {
		p.LogLik(c.buf, from, to)
		for i := from; i < to; i++ {
			dst[i] += c.buf[i]
		}
	}
}

// Params appends every outcome's parameters, in outcome order.
func (c *jointComp) Params(dst []float64) []float64 {
	dst = dst[:0]
	for o, p := range c.parts {
		c.scratch[o] = p.Params(c.scratch[o])
		dst = append(dst, c.scratch[o]...)
	}
	return dst
}

func (c *jointComp) SetParams(p []float64) {
	for o, part := range c.parts {
		part.SetParams(p[:c.d[o]])
		p = p[c.d[o]:]
	}
}

// total is the number of the group's parameters over all outcomes.
func (c *jointComp) total() int {
	n := 0
	for _, d := range c.d {
		n += d
	}
	return n
}

// Scores places each outcome's scores in its columns: an outcome's
// log-likelihood does not depend on another's parameters.
func (c *jointComp) Scores(dst []float64, from, to int) {
	d, total := c.d, c.total()
	off := 0
	for o, p := range c.parts {
		s := make([]float64, (to-from)*d[o])
		p.Scores(s, from, to)
		for i := range to - from {
			copy(dst[i*total+off:i*total+off+d[o]], s[i*d[o]:(i+1)*d[o]])
		}
		off += d[o]
	}
}

// Hessian is block diagonal, one block per outcome.
func (c *jointComp) Hessian(dst []float64, w []float64) {
	d, total := c.d, c.total()
	clear(dst[:total*total])
	off := 0
	for o, p := range c.parts {
		h := make([]float64, d[o]*d[o])
		p.Hessian(h, w)
		for a := range d[o] {
			copy(dst[(off+a)*total+off:(off+a)*total+off+d[o]], h[a*d[o]:(a+1)*d[o]])
		}
		off += d[o]
	}
}

// sharedStep is a SharedRun whose M-step is the groups' own step
// (MStep.FitGroups) followed by a step of the shared parameters alone,
// which a joint model runs once per outcome after one step of every
// group.
type sharedStep interface {
	mixture.DifferentiableShared
	fitShared(ctx context.Context, warm bool) mixture.FitInfo
}

// jointShared holds the shared parameters of the outcomes that have them,
// in outcome order.
type jointShared struct {
	// outcome[j] is the outcome of shared[j].
	outcome []int
	shared  []mixture.Shared
}

func (s *jointShared) NumParams() int {
	n := 0
	for _, sh := range s.shared {
		n += sh.NumParams()
	}
	return n
}

func (s *jointShared) NewRun(comps []mixture.Component) mixture.SharedRun {
	r := &jointRun{s: s, runs: make([]sharedStep, len(s.shared)), comps: make([]*jointComp, len(comps))}
	for k, c := range comps {
		r.comps[k] = c.(*jointComp)
	}
	for j, sh := range s.shared {
		sub := make([]mixture.Component, len(comps))
		for k, c := range r.comps {
			sub[k] = c.parts[s.outcome[j]]
		}
		r.runs[j] = sh.NewRun(sub).(sharedStep)
	}
	return r
}

// jointRun is the shared state of one EM run of a joint model.
type jointRun struct {
	s     *jointShared
	runs  []sharedStep
	comps []*jointComp
}

// Fit is an ECM step (Meng & Rubin 1993): every group's own parameters
// given the shared ones, then each outcome's shared parameters given the
// groups; each conditional maximisation raises the expected complete-data
// log-likelihood.
func (r *jointRun) Fit(ctx context.Context, m *mixture.MStep) mixture.FitInfo {
	m.FitGroups()
	var info mixture.FitInfo
	for _, run := range r.runs {
		fi := run.fitShared(ctx, m.Warm)
		info.Score = max(info.Score, fi.Score)
		info.IllConditioned = info.IllConditioned || fi.IllConditioned
	}
	return info
}

func (r *jointRun) Params(dst []float64) []float64 {
	dst = dst[:0]
	for _, run := range r.runs {
		dst = append(dst, run.Params(nil)...)
	}
	return dst
}

func (r *jointRun) SetParams(p []float64) {
	for j, run := range r.runs {
		n := r.s.shared[j].NumParams()
		run.SetParams(p[:n])
		p = p[n:]
	}
}

// ownOffset returns the offset of outcome o's parameters in group k's
// vector.
func (r *jointRun) ownOffset(k, o int) int {
	off := 0
	for _, n := range r.comps[k].d[:o] {
		off += n
	}
	return off
}

// Scores places each outcome's shared scores in its columns.
func (r *jointRun) Scores(k int, dst []float64, from, to int) {
	s := r.s.NumParams()
	off := 0
	for j, run := range r.runs {
		n := r.s.shared[j].NumParams()
		part := make([]float64, (to-from)*n)
		run.Scores(k, part, from, to)
		for i := range to - from {
			copy(dst[i*s+off:i*s+off+n], part[i*n:(i+1)*n])
		}
		off += n
	}
}

// Hessian places each outcome's blocks: its shared parameters cross only
// its own parameters of each group and its own shared ones.
func (r *jointRun) Hessian(cross [][]float64, shared []float64, w [][]float64) {
	s := r.s.NumParams()
	clear(shared[:s*s])
	for _, c := range cross {
		clear(c)
	}
	off := 0
	for j, run := range r.runs {
		n := r.s.shared[j].NumParams()
		o := r.s.outcome[j]
		sub := make([][]float64, len(r.comps))
		for k, c := range r.comps {
			sub[k] = make([]float64, c.d[o]*n)
		}
		sh := make([]float64, n*n)
		run.Hessian(sub, sh, w)
		for a := range n {
			copy(shared[(off+a)*s+off:(off+a)*s+off+n], sh[a*n:(a+1)*n])
		}
		for k := range r.comps {
			row := r.ownOffset(k, o)
			for a := range len(sub[k]) / n {
				copy(cross[k][(row+a)*s+off:(row+a)*s+off+n], sub[k][a*n:(a+1)*n])
			}
		}
		off += n
	}
}
