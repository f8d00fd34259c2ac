package mixture

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
)

// Problem is a finite mixture to fit: one family per group, and the
// membership model.
type Problem struct {
	// Families holds one family per group; K = len(Families). All must
	// have the same Len().
	Families []Family
	// Membership is the model of π_ik; nil means ConstantShares.
	Membership Membership
	// Subset, when not nil, returns the same model bound to the persons
	// of the given shards only (see Shard), in shard order, with the same
	// parameters (membership included). Fit uses it for the short runs on a sample of the
	// persons (Settings.StartSample). Without it those runs keep every
	// person, with weight 0 outside the sample, so each of their M-steps
	// still passes over all persons.
	Subset func(shards []int) *Problem
}

func (p *Problem) membership() Membership {
	if p.Membership == nil {
		return ConstantShares{}
	}
	return p.Membership
}

// Settings controls Fit. The zero value gives the documented defaults.
type Settings struct {
	// Starts is the number of starts, the InitialWeights and InitialParams
	// included; the rest are random partitions. Zero means 20.
	Starts int
	// Keep is the number of best starts, after the short runs, that are run
	// to convergence. Zero means 5.
	Keep int
	// ConvergeAll runs every start to convergence.
	ConvergeAll bool
	// ShortIterations is the length of the short run from each start.
	// Zero means 30.
	ShortIterations int
	// MaxIterations bounds the iterations of a run. Zero means 10000.
	MaxIterations int
	// Tolerance on the relative change of the log-likelihood between
	// iterations, |Δℓ| / |ℓ|. Zero means 1e-10.
	Tolerance float64
	// ScoreTolerance on the largest absolute component of the score
	// (gradient of ℓ over all free parameters) divided by the number of
	// persons. Zero means 1e-5.
	ScoreTolerance float64
	// MinShare is the share below which a group counts as collapsed. Zero
	// means 0.005.
	MinShare float64
	// Seed seeds the random starts; the same seed gives the same result.
	Seed uint64
	// StartSample bounds the persons of the short runs. When there are
	// more than twice as many persons, the short runs from every start
	// work on a systematic sample of about StartSample of them (whole
	// shards spread evenly over the persons, the same for every start);
	// the Keep best then converge on the sample, and each distinct
	// optimum they reach there goes on with all persons from its best
	// run's parameters (see StartReport.Continued): emEM with the search
	// on a sample, which costs a fraction of the same search on all
	// persons while ranking the starts nearly as well (Biernacki, Celeux &
	// Govaert 2003; Wehrens et al. 2004). Zero means 32,768; a negative
	// value means all persons.
	StartSample int
	// Accelerate turns on SQUAREM, the squared extrapolation that every
	// two EM iterations tries a longer step along their direction and
	// keeps it only when the log-likelihood does not decrease (Varadhan &
	// Roland 2008). It saves iterations (about a third on the trajectory
	// benchmarks) but ends on slightly different iterates than plain EM.
	// The zero value runs plain EM.
	Accelerate bool
	// Threads is the number of goroutines; zero or less means GOMAXPROCS.
	// It never changes a result.
	Threads int
	// InitialWeights are starts given as per-person group weights (each
	// K x N), for example a partition by mean rate. They are used first.
	InitialWeights [][][]float64
	// InitialParams are starts given as parameter vectors (membership
	// parameters, then each component's), for example a fit warm-started
	// from a related model. They come after InitialWeights.
	InitialParams [][]float64
	// Context, when not nil, cancels the fit: every run checks it before
	// each iteration, and Fit returns an *Interrupted error, which wraps
	// the context's error, once it is done. It lives here rather than in
	// an argument so that it reaches every fit of a model search or a
	// bootstrap that copies the settings.
	Context context.Context
}

// Interrupted is the error of a fit cancelled through Settings.Context.
// It says where the fit stopped.
type Interrupted struct {
	// Phase is "short runs", "runs to convergence on the sample" (data
	// large enough for StartSample) or "runs to convergence".
	Phase string
	// Iterations is the number of EM iterations done by all runs.
	Iterations int
	// Starts is the number of starts; Keep the number run to convergence.
	Starts, Keep int
	// LogLik is the best log-likelihood reached by a run to convergence
	// (NaN during the short runs, whose log-likelihoods are of a sample).
	LogLik float64
	// Err is the context's error.
	Err error
}

func (e *Interrupted) Error() string {
	keep := fmt.Sprintf("the best %d", e.Keep)
	if e.Keep >= e.Starts {
		keep = "all"
	}
	msg := fmt.Sprintf("fit interrupted during the %s (%d starts, %s to convergence) after %d EM iterations", e.Phase, e.Starts, keep, e.Iterations)
	if !math.IsNaN(e.LogLik) {
		msg += fmt.Sprintf("; best log-likelihood so far %.6f, not converged", e.LogLik)
	}
	return msg + ": " + e.Err.Error()
}

func (e *Interrupted) Unwrap() error { return e.Err }

func (s *Settings) withDefaults() Settings {
	var d Settings
	if s != nil {
		d = *s
	}
	if d.Starts <= 0 {
		d.Starts = 20
	}
	d.Starts = max(d.Starts, len(d.InitialWeights)+len(d.InitialParams))
	if d.Keep <= 0 {
		d.Keep = 5
	}
	if d.ConvergeAll {
		d.Keep = d.Starts
	}
	d.Keep = min(d.Keep, d.Starts)
	if d.StartSample == 0 {
		d.StartSample = 1 << 15
	}
	if d.ShortIterations <= 0 {
		d.ShortIterations = 30
	}
	if d.MaxIterations <= 0 {
		d.MaxIterations = 10000
	}
	if d.Tolerance <= 0 {
		d.Tolerance = 1e-10
	}
	if d.ScoreTolerance <= 0 {
		d.ScoreTolerance = 1e-5
	}
	if d.MinShare <= 0 {
		d.MinShare = 0.005
	}
	d.Threads = Threads(d.Threads)
	return d
}

// Result is a fitted mixture.
type Result struct {
	// Components are the fitted groups, in the order of Problem.Families.
	Components []Component
	// Prior is the fitted membership.
	Prior Prior
	// Shares are the mean membership probabilities π_k.
	Shares []float64
	// Posterior is K x N: Posterior[k][i] = P(group k | y_i).
	Posterior [][]float64
	// PersonLogLik[i] = log Σ_k π_ik f_k(y_i).
	PersonLogLik []float64
	// LogLik is the maximised log-likelihood Σ_i PersonLogLik[i].
	LogLik float64
	// NumParams is the number of free parameters.
	NumParams int
	// Params is the parameter vector (membership, then components).
	Params []float64
	// Iterations of the returned run, its short run included.
	Iterations int
	// Trace is the log-likelihood of the returned run after its start,
	// after each iteration and after each SQUAREM step taken; neither EM
	// nor SQUAREM (which falls back to the EM step) lets it decrease.
	Trace  []float64
	Status Status
	// Warnings are human-readable notes on the fit (collapsed groups,
	// ill-conditioned M-steps, starts that disagree).
	Warnings []string
	Starts   StartReport
}

// StartReport summarises the multi-start search.
type StartReport struct {
	// Total is the number of starts.
	Total int
	// RunToConvergence is how many of them were run to convergence.
	RunToConvergence int
	// Continued is how many runs to convergence went on with all persons:
	// after short runs on a sample, the runs to convergence first converge
	// on the sample, and those that reach the same optimum there (within
	// SameOptimum) go on with all persons as one run, from the best of
	// them, which then stands for all of them in ReachedBest, Optima and
	// LogLiks. Without a sample it equals RunToConvergence.
	Continued int
	// ReachedBest is how many of those reached the best log-likelihood,
	// within a relative 1e-6.
	ReachedBest int
	// Optima are the distinct log-likelihoods the converged runs reached
	// (relative 1e-6 apart), best first.
	Optima []float64
	// LogLiks are the final log-likelihoods of the runs to convergence,
	// best first (see Continued).
	LogLiks []float64
	// Iterations is the number of EM iterations of all runs together, the
	// measure of the work of the fit; SampleIterations how many of them
	// were short runs on a sample of Sample persons (0: none).
	Iterations, SampleIterations int
	Sample                       int
}

// SameOptimum is the relative difference of log-likelihoods under which two
// runs count as having reached the same optimum.
const SameOptimum = 1e-6

type startState struct {
	idx    int
	params []float64
	ll     float64
	iter   int
	conv   bool
	trace  []float64
}

// converge continues st's run on r, a new run of the problem it goes on
// with, from st's parameters until it converges or reaches the iteration
// limit, and records where it ended.
func (st *startState) converge(r *emRun, s *Settings) {
	r.initParams(st.params)
	r.iterations = st.iter
	st.conv = r.iterate(s.MaxIterations-st.iter, s.Tolerance, s.ScoreTolerance)
	st.params = r.params(st.params)
	st.ll, st.iter, st.trace = r.ll, r.iterations, r.trace
}

// Fit fits the mixture by EM from many starts (emEM): a short run from each
// start, then the Keep best run to convergence. It returns the best run. An
// error means there is no usable result (bad problem); a fit that did not
// converge or degenerated is a Result with its Status and Warnings.
func Fit(p *Problem, settings *Settings) (*Result, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	s := settings.withDefaults()
	k := len(p.Families)
	n := p.Families[0].Len()
	for _, w := range s.InitialWeights {
		if len(w) != k {
			return nil, fmt.Errorf("mixture: initial weights for %d groups, want %d", len(w), k)
		}
		for _, row := range w {
			if len(row) != n {
				return nil, fmt.Errorf("mixture: initial weights for %d persons, want %d", len(row), n)
			}
		}
	}

	// One pool of goroutines serves the whole fit: the runs from the starts
	// are its tasks, and each run's E- and M-steps are jobs nested in them,
	// which idle goroutines help with. Every run is deterministic, whatever
	// goroutines it gets.
	pool := newPool(s.Threads)
	defer pool.close()
	spare := newBufferList(s.Threads)

	// Short runs from every start, on a sample of the persons when there
	// are many and the short runs are not the final ones.
	states := make([]startState, s.Starts)
	shortDone := make([]int, s.Starts)
	shortIter := s.ShortIterations
	var sample []int
	if s.ConvergeAll || s.Keep >= s.Starts {
		shortIter = s.MaxIterations
	} else {
		sample = sampleShards(n, s.StartSample)
	}
	// The short runs' problem and settings: p with the persons outside the
	// sample at weight 0, or p's subset when it has one.
	sp, ss, spare0 := p, s, spare
	if sample != nil && p.Subset != nil {
		var err error
		if sp, err = p.subset(sample); err != nil {
			return nil, err
		}
		ss.InitialWeights = make([][][]float64, len(s.InitialWeights))
		for j, w := range s.InitialWeights {
			ss.InitialWeights[j] = sampleRows(w, sample, n)
		}
		spare0 = newBufferList(s.Threads)
	}
	pool.run(&job{fn: func(j int) {
		if contextErr(s.Context) != nil {
			states[j] = startState{idx: j, ll: math.NaN()}
			return
		}
		r := newRun(sp, pool, spare0.get(), s.Accelerate)
		r.ctx = s.Context
		if sp == p {
			r.setSample(sample)
		}
		r.start(j, &ss)
		conv := r.iterate(shortIter, s.Tolerance, s.ScoreTolerance)
		states[j] = startState{idx: j, params: r.params(nil), ll: r.ll, iter: r.iterations, conv: conv, trace: r.trace}
		shortDone[j] = r.iterations
		spare0.put(r.buffers())
	}}, s.Starts)

	sampleIter := 0
	for _, it := range shortDone {
		sampleIter += it
	}
	if err := contextErr(s.Context); err != nil {
		e := &Interrupted{Phase: "short runs", Iterations: sampleIter, Starts: s.Starts, Keep: s.Keep, LogLik: math.NaN(), Err: err}
		if shortIter == s.MaxIterations {
			// The short runs were the runs to convergence.
			e.Phase = "runs to convergence"
			e.Keep = s.Starts
			for _, st := range states {
				if better(st.ll, e.LogLik) {
					e.LogLik = st.ll
				}
			}
		}
		return nil, e
	}

	// The best Keep continue to convergence.
	order := make([]int, len(states))
	for j := range order {
		order[j] = j
	}
	byLogLik := func(idx []int) {
		slices.SortStableFunc(idx, func(a, b int) int { return bestFirst(states[a].ll, states[b].ll) })
	}
	byLogLik(order)
	keep := order[:s.Keep]

	// After short runs on a sample, the Keep best first converge on the
	// sample, which costs a fraction of an iteration on all persons; runs
	// that reach the same optimum there go on with all persons once, from
	// the best of them. follows[j] is the run that continues for kept
	// start j.
	full := keep
	follows := make(map[int]int, len(keep))
	for _, j := range keep {
		follows[j] = j
	}
	if sample != nil {
		done := make([]int, len(keep))
		pool.run(&job{fn: func(j int) {
			st := &states[keep[j]]
			if st.conv || contextErr(s.Context) != nil {
				return
			}
			r := newRun(sp, pool, spare0.get(), s.Accelerate)
			r.ctx = s.Context
			if sp == p {
				r.setSample(sample)
			}
			r.trace = st.trace
			before := st.iter
			st.converge(r, &s)
			done[j] = st.iter - before
			spare0.put(r.buffers())
		}}, len(keep))
		for _, it := range done {
			sampleIter += it
		}
		if err := contextErr(s.Context); err != nil {
			return nil, &Interrupted{Phase: "runs to convergence on the sample", Iterations: sampleIter, Starts: s.Starts, Keep: s.Keep, LogLik: math.NaN(), Err: err}
		}
		byLogLik(keep)
		full = nil
		for _, j := range keep {
			if len(full) > 0 && sameOptimum(states[j].ll, states[full[len(full)-1]].ll) {
				follows[j] = full[len(full)-1]
				continue
			}
			full = append(full, j)
		}
	}

	pool.run(&job{fn: func(j int) {
		st := &states[full[j]]
		if st.conv && sample == nil {
			return
		}
		r := newRun(p, pool, spare.get(), s.Accelerate)
		r.ctx = s.Context
		if sample == nil {
			r.trace = st.trace
		}
		// After runs on a sample, the trace starts afresh on all persons,
		// whose log-likelihood is on another scale.
		st.converge(r, &s)
		spare.put(r.buffers())
	}}, len(full))
	byLogLik(full)

	best := states[full[0]]
	if err := contextErr(s.Context); err != nil {
		e := &Interrupted{Phase: "runs to convergence", Starts: s.Starts, Keep: s.Keep, LogLik: best.ll, Err: err}
		for _, st := range states {
			e.Iterations += st.iter
		}
		return nil, e
	}

	// Recompute the best run's posteriors from its parameters, with a last
	// E-step that also fills the person log-likelihoods.
	if math.IsNaN(best.ll) || math.IsInf(best.ll, 0) {
		return nil, errors.New("mixture: no start reached a finite log-likelihood: the model gives the data zero probability")
	}
	r := newRun(p, pool, spare.get(), s.Accelerate)
	res := &Result{
		PersonLogLik: make([]float64, n),
		Params:       best.params,
		Iterations:   best.iter,
		Trace:        best.trace,
	}
	r.personLL = res.PersonLogLik
	r.initParams(best.params)
	r.personLL = nil
	res.Components = r.comps
	res.Prior = r.prior
	res.Shares = r.prior.Shares(nil)
	res.Posterior = r.post
	res.NumParams = r.numParams()
	res.LogLik = r.ll
	res.Status = MaxIterations
	if best.conv {
		res.Status = Converged
	}
	if !best.conv {
		res.Warnings = append(res.Warnings, fmt.Sprintf("EM stopped after %d iterations without converging", best.iter))
	}

	if d := decreases(best.trace); d > 0 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("the log-likelihood decreased in %d iterations by more than rounding error: the M-step did not always improve", d))
	}

	// Starts report.
	rep := StartReport{Total: s.Starts, RunToConvergence: len(keep), Continued: len(full)}
	for _, st := range states {
		rep.Iterations += st.iter
	}
	if sample != nil {
		rep.SampleIterations = sampleIter
		for _, sh := range sample {
			from, to := Shard(sh, n)
			rep.Sample += to - from
		}
	}
	for _, j := range keep {
		rep.LogLiks = append(rep.LogLiks, states[follows[j]].ll)
	}
	slices.SortStableFunc(rep.LogLiks, bestFirst)
	for _, ll := range rep.LogLiks {
		if sameOptimum(ll, best.ll) {
			rep.ReachedBest++
		}
		if len(rep.Optima) == 0 || !sameOptimum(ll, rep.Optima[len(rep.Optima)-1]) {
			rep.Optima = append(rep.Optima, ll)
		}
	}
	res.Starts = rep
	if rep.ReachedBest == 1 && len(keep) > 1 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("the best log-likelihood was reached by only 1 of %d starts run to convergence; consider more starts", len(keep)))
	}

	// Collapsed groups are reported, never deleted.
	for j, sh := range res.Shares {
		if sh < s.MinShare || math.IsNaN(sh) {
			res.Status = Degenerate
			res.Warnings = append(res.Warnings, fmt.Sprintf("group %d collapsed: share %.4g is below %.3g", j+1, sh, s.MinShare))
		}
	}
	// The last fit's M-step flags, for the returned parameters.
	r.mStepFlags()
	if r.illConditioned {
		res.Warnings = append(res.Warnings, "an M-step system was singular or nearly so and was regularised: a polynomial order may be too high for the ages observed")
	}
	return res, nil
}

// subset returns p's subset on the given shards, checked against p.
func (p *Problem) subset(shards []int) (*Problem, error) {
	sp := p.Subset(shards)
	n := p.Families[0].Len()
	persons := 0
	for _, s := range shards {
		from, to := Shard(s, n)
		persons += to - from
	}
	if sp == nil || len(sp.Families) != len(p.Families) {
		return nil, errors.New("mixture: Problem.Subset returned a problem with other groups")
	}
	if err := sp.check(); err != nil {
		return nil, err
	}
	if sp.Families[0].Len() != persons {
		return nil, fmt.Errorf("mixture: Problem.Subset returned %d persons for shards holding %d", sp.Families[0].Len(), persons)
	}
	for j, f := range sp.Families {
		if f.NumParams() != p.Families[j].NumParams() {
			return nil, fmt.Errorf("mixture: Problem.Subset changed the parameters of group %d", j+1)
		}
	}
	return sp, nil
}

// sampleRows returns the columns of w (K x n) of the persons of the
// given shards, in order.
func sampleRows(w [][]float64, shards []int, n int) [][]float64 {
	out := make([][]float64, len(w))
	for j, row := range w {
		for _, s := range shards {
			from, to := Shard(s, n)
			out[j] = append(out[j], row[from:to]...)
		}
	}
	return out
}

// sampleShards returns the shards of a systematic sample of about size of
// n persons, or nil when n is not more than twice size or size < 0.
func sampleShards(n, size int) []int {
	ns := NumShards(n)
	m := max(1, (size+ShardSize-1)/ShardSize)
	if size < 0 || ns <= 2*m {
		return nil
	}
	shards := make([]int, m)
	for j := range shards {
		shards[j] = j * ns / m
	}
	return shards
}

// bufferList holds the buffers of finished runs for the next runs.
type bufferList struct {
	mu   sync.Mutex
	list []*runBuffers
}

func newBufferList(threads int) *bufferList {
	return &bufferList{list: make([]*runBuffers, 0, threads)}
}

// get returns spare buffers, or nil when there are none.
func (b *bufferList) get() *runBuffers {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.list) == 0 {
		return nil
	}
	buf := b.list[len(b.list)-1]
	b.list = b.list[:len(b.list)-1]
	return buf
}

func (b *bufferList) put(buf *runBuffers) {
	b.mu.Lock()
	b.list = append(b.list, buf)
	b.mu.Unlock()
}

// mStepFlags runs one M-step on a copy of the state only to learn whether
// the groups' systems are well conditioned at the result.
func (r *emRun) mStepFlags() {
	p := r.params(nil)
	r.mStep(true)
	r.setParams(p)
}

// start initialises run r from start j: supplied weights, then supplied
// parameters, then random partitions.
func (r *emRun) start(j int, s *Settings) {
	switch {
	case j < len(s.InitialWeights):
		r.initWeights(s.InitialWeights[j])
	case j < len(s.InitialWeights)+len(s.InitialParams):
		r.initParams(s.InitialParams[j-len(s.InitialWeights)])
	default:
		rng := rand.New(rand.NewPCG(s.Seed, uint64(j)))
		k := len(r.post)
		r.persons(func(from, to int) {
			for i := from; i < to; i++ {
				g := rng.IntN(k)
				for c := 0; c < k; c++ {
					r.post[c][i] = 0
				}
				r.post[g][i] = 1
			}
		})
		r.initWeights(r.post)
	}
}

// bestFirst orders log-likelihoods from the best down, NaN last.
func bestFirst(a, b float64) int {
	switch {
	case better(a, b):
		return -1
	case better(b, a):
		return 1
	}
	return 0
}

// contextErr returns ctx's error, nil for a nil ctx.
func contextErr(ctx context.Context) error {
	if ctx == nil {
		return nil
	}
	return ctx.Err()
}

func (p *Problem) check() error {
	if len(p.Families) == 0 {
		return errors.New("mixture: no groups")
	}
	n := p.Families[0].Len()
	if n == 0 {
		return errors.New("mixture: no persons")
	}
	for _, f := range p.Families {
		if f.Len() != n {
			return errors.New("mixture: families have different numbers of persons")
		}
	}
	return nil
}

// better orders log-likelihoods, NaN last.
func better(a, b float64) bool {
	if math.IsNaN(b) {
		return !math.IsNaN(a)
	}
	return a > b
}

func sameOptimum(a, b float64) bool {
	return math.Abs(a-b) <= SameOptimum*math.Abs(b)
}

// decreases counts the steps of a trace where the log-likelihood fell by
// more than a relative 1e-12.
func decreases(trace []float64) int {
	n := 0
	for j := 1; j < len(trace); j++ {
		if trace[j]-trace[j-1] < -1e-12*math.Abs(trace[j]) {
			n++
		}
	}
	return n
}
