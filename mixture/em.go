package mixture

import (
	"context"
	"math"
	"slices"
)

// emRun is the state of one EM run: components, membership and the
// K x N matrix that holds the log joint densities and then the posteriors.
// Its buffers are allocated when it is set up, so an iteration allocates
// nothing.
type emRun struct {
	fams    []Family
	comps   []Component
	prior   Prior
	shared  SharedRun // nil without Problem.Shared
	ms      MStep     // the M-step's arguments for shared
	post    [][]float64
	shardLL []float64
	n       int
	pool    *pool
	ctx     context.Context // the fit's, which the M-steps check

	// sample lists, in order, the shards a run on a sample of the persons
	// works on; nil means every shard. Outside the sample the posteriors
	// stay 0, so the M-steps see the sample alone. active is the number
	// of persons the run works on.
	sample []int
	active int

	// weights are the persons' sampling weights (Problem.Weights), nil
	// for none. With them the E-step multiplies each person's posteriors
	// by her weight, so that post holds the M-step's weights v_i p_ik,
	// unless plain is set (the result's last E-step); ownLL is the
	// per-person log-likelihood scratch they need.
	weights []float64
	ownLL   []float64
	plain   bool

	// The E-step over shards and the M-step over groups as pool jobs, and
	// their arguments. With a JointFamily the M-step's tasks are mTasks
	// runs of consecutive groups, fitted together (see mGroups).
	eJob, mJob job
	joint      JointFamily
	mTasks     int
	warm       bool
	personLL   []float64 // when not nil, the E-step fills it
	pbuf       []float64 // parameter scratch

	// SQUAREM: whether it is on, the parameters of the last cycle, the
	// trial point and the posteriors of θ2 kept aside while it is tried.
	accelerate                    bool
	theta0, theta1, theta2, trial []float64
	alt                           [][]float64
	stepMax                       float64

	// outcome
	ll             float64
	iterations     int
	score          float64 // largest |score| per person at the last M-step
	illConditioned bool
	empty          []bool
	infos          []FitInfo
	trace          []float64
}

// runBuffers are the large buffers of a run (K x N posteriors), handed
// from a finished run to the next so that memory follows the number of
// runs at a time, not the number of starts. Every entry is written before
// it is read, so reuse never changes a result.
type runBuffers struct {
	post, alt [][]float64
	shardLL   []float64
	ownLL     []float64 // with weights only
}

// newRun sets up a run of problem p on pool, reusing buf when not nil,
// with SQUAREM when accelerate is true, cancelled by ctx.
func newRun(ctx context.Context, p *Problem, pool *pool, buf *runBuffers, accelerate bool) *emRun {
	k := len(p.Families)
	n := p.Families[0].Len()
	if buf == nil {
		buf = &runBuffers{post: newMatrix(k, n), shardLL: make([]float64, NumShards(n))}
	}
	if accelerate && buf.alt == nil {
		buf.alt = newMatrix(k, n)
	}
	if p.Weights != nil && buf.ownLL == nil {
		buf.ownLL = make([]float64, n)
	}
	r := &emRun{
		fams:    p.Families,
		comps:   make([]Component, k),
		prior:   p.membership().NewPrior(k, n),
		post:    buf.post,
		shardLL: buf.shardLL,
		n:       n,
		active:  n,
		pool:    pool,
		ctx:     ctx,
		empty:   make([]bool, k),
		infos:   make([]FitInfo, k),

		accelerate: accelerate,
		alt:        buf.alt,
		stepMax:    1,
	}
	if p.Weights != nil {
		r.weights, r.ownLL = p.Weights, buf.ownLL
		if w, ok := r.prior.(weighted); ok {
			w.setWeights(p.Weights)
		}
	}
	for j, f := range p.Families {
		r.comps[j] = f.NewComponent()
	}
	if p.Shared != nil {
		r.shared = p.Shared.NewRun(r.comps)
		r.ms = MStep{Infos: r.infos, r: r}
	}
	r.eJob.fn = r.eShard
	r.mJob.fn, r.mTasks = r.mGroup, k
	if jf, ok := p.Families[0].(JointFamily); ok {
		// As many runs of groups as the pool has goroutines: each group's
		// fit is the same whichever run it is in, so the split changes
		// no result.
		r.joint = jf
		r.mJob.fn, r.mTasks = r.mGroups, min(k, pool.size())
	}
	return r
}

// buffers returns the run's large buffers for reuse; the run must not be
// used afterwards.
func (r *emRun) buffers() *runBuffers {
	return &runBuffers{post: r.post, alt: r.alt, shardLL: r.shardLL, ownLL: r.ownLL}
}

func newMatrix(k, n int) [][]float64 {
	m := make([][]float64, k)
	for j := range m {
		m[j] = make([]float64, n)
	}
	return m
}

// params returns the mixture's parameter vector: membership, then each
// component in group order, then the shared parameters.
func (r *emRun) params(dst []float64) []float64 {
	dst = dst[:0]
	r.pbuf = r.prior.Params(r.pbuf[:0])
	dst = append(dst, r.pbuf...)
	for _, c := range r.comps {
		r.pbuf = c.Params(r.pbuf[:0])
		dst = append(dst, r.pbuf...)
	}
	if r.shared != nil {
		r.pbuf = r.shared.Params(r.pbuf[:0])
		dst = append(dst, r.pbuf...)
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
	if r.shared != nil {
		r.shared.SetParams(p[off:])
	}
}

// eStep computes the posteriors at the current parameters and returns the
// log-likelihood, summed over shards in shard order.
func (r *emRun) eStep() float64 {
	var ll float64
	if r.sample == nil {
		r.pool.run(&r.eJob, NumShards(r.n))
		for _, v := range r.shardLL {
			ll += v
		}
		return ll
	}
	r.pool.run(&r.eJob, len(r.sample))
	for _, s := range r.sample {
		ll += r.shardLL[s]
	}
	return ll
}

// eShard is the E-step of task t: shard t, or the t-th shard of the
// sample.
func (r *emRun) eShard(t int) {
	s := t
	if r.sample != nil {
		s = r.sample[t]
	}
	from, to := Shard(s, r.n)
	logLikAll(r.comps, r.post, from, to)
	r.prior.AddLogPrior(r.post, from, to)
	if r.weights == nil {
		r.shardLL[s] = Posterior(r.post, r.post, r.personLL, from, to)
		return
	}
	ll := r.personLL
	if ll == nil {
		ll = r.ownLL
	}
	Posterior(r.post, r.post, ll, from, to)
	r.shardLL[s] = weigh(r.post, ll, r.weights, from, to, !r.plain)
}

// weigh returns Σ_i v_i ℓ_i for persons from ≤ i < to, summed in order as
// Posterior sums ℓ_i (so weights all 1 give its bits), and with scale
// multiplies their posteriors by v_i.
func weigh(post [][]float64, ll, v []float64, from, to int, scale bool) float64 {
	var sum float64
	for i := from; i < to; i++ {
		sum += v[i] * ll[i]
	}
	if scale {
		for _, row := range post {
			for i := from; i < to; i++ {
				row[i] *= v[i]
			}
		}
	}
	return sum
}

// setSample makes the run work on the persons of the given shards only
// (all when nil), with posteriors 0 elsewhere.
func (r *emRun) setSample(shards []int) {
	r.sample = shards
	r.active = r.n
	if shards == nil {
		return
	}
	r.active = 0
	for _, row := range r.post {
		clear(row)
	}
	for _, row := range r.alt {
		clear(row)
	}
	for _, s := range shards {
		from, to := Shard(s, r.n)
		r.active += to - from
	}
}

// persons calls fn for the ranges of persons the run works on, in order.
func (r *emRun) persons(fn func(from, to int)) {
	if r.sample == nil {
		fn(0, r.n)
		return
	}
	for _, s := range r.sample {
		fn(Shard(s, r.n))
	}
}

// mStep fits the membership and every component from the posteriors, warm
// or from the weights alone, and returns the largest absolute score.
func (r *emRun) mStep(warm bool) float64 {
	score := r.prior.Fit(r.ctx, r.post)
	if r.sample != nil {
		// The membership's score counts the persons outside the sample as
		// if they had no weight in any group; only the components' count.
		score = 0
	}
	r.warm = warm
	if r.shared != nil {
		r.ms.W, r.ms.Warm = r.post, warm
		in := r.shared.Fit(r.ctx, &r.ms)
		score = math.Max(score, in.Score)
		r.illConditioned = r.illConditioned || in.IllConditioned
	} else {
		r.pool.run(&r.mJob, r.mTasks)
	}
	for j, in := range r.infos {
		score = math.Max(score, in.Score)
		r.empty[j] = in.Empty
		if in.IllConditioned {
			r.illConditioned = true
		}
	}
	return score
}

// mGroup is the M-step of group j.
func (r *emRun) mGroup(j int) {
	r.infos[j] = r.fams[j].Fit(r.ctx, r.comps[j], r.post[j], r.warm)
}

// mGroups is the M-step of the t-th of r.mTasks runs of consecutive
// groups, fitted together when the family can (JointFamily).
func (r *emRun) mGroups(t int) {
	k := len(r.comps)
	lo, hi := t*k/r.mTasks, (t+1)*k/r.mTasks
	if r.joint.FitAll(r.ctx, r.fams[lo:hi], r.comps[lo:hi], r.post[lo:hi], r.warm, r.infos[lo:hi]) {
		return
	}
	for j := lo; j < hi; j++ {
		r.mGroup(j)
	}
}

// initWeights starts the run from per-person group weights (K x N), of
// which it uses those of the persons it works on.
func (r *emRun) initWeights(w [][]float64) {
	r.persons(func(from, to int) {
		for j := range r.post {
			copy(r.post[j][from:to], w[j][from:to])
			if r.weights != nil {
				row := r.post[j]
				for i := from; i < to; i++ {
					row[i] *= r.weights[i]
				}
			}
		}
	})
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
// persons, below scoreTol. With acceleration, every two iterations it
// tries a SQUAREM step (see extrapolate). A cancelled context ends the
// run before its next iteration, as not converged. An M-step that it cuts
// short keeps the last parameters its Newton steps accepted, so the
// run's log-likelihood stays that of its parameters.
func (r *emRun) iterate(maxIter int, tol, scoreTol float64) bool {
	r.trace = slices.Grow(r.trace, maxIter+maxIter/2+1)
	for it := 0; it < maxIter; {
		if r.ctx.Err() != nil {
			return false
		}
		cycle := r.accelerate && maxIter-it >= 2
		if cycle {
			r.theta0 = r.params(r.theta0)
		}
		conv, stop := r.step(tol, scoreTol)
		it++
		if stop {
			return conv
		}
		if !cycle {
			continue
		}
		r.theta1 = r.params(r.theta1)
		if r.ctx.Err() != nil {
			return false
		}
		conv, stop = r.step(tol, scoreTol)
		it++
		if stop {
			return conv
		}
		r.extrapolate()
	}
	return false
}

// step runs one EM iteration, an M-step then an E-step, and reports
// whether the run converged, and whether it should stop (converged, or
// the log-likelihood is NaN).
func (r *emRun) step(tol, scoreTol float64) (converged, stop bool) {
	score := r.mStep(true)
	ll := r.eStep()
	r.iterations++
	r.score = score / float64(r.active)
	change := (ll - r.ll) / math.Abs(ll)
	r.ll = ll
	r.trace = append(r.trace, ll)
	if math.Abs(change) < tol && r.score < scoreTol {
		return true, true
	}
	return false, math.IsNaN(ll)
}
