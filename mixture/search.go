package mixture

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
)

// search is the state of Fit's multi-start search, phase by phase: the
// short runs from every start (on a sample of the persons when there are
// many), the runs to convergence of the best on the sample, and the runs
// to convergence with all persons.
type search struct {
	p   *Problem
	s   *Settings
	ctx context.Context // s.Context, or context.Background()
	n   int
	sp  *Problem // the problem of the runs on the sample: p, or p's subset
	// One pool of goroutines serves the whole fit: the runs from the
	// starts are its tasks, and each run's E- and M-steps are jobs nested
	// in them, which idle goroutines help with. Every run is
	// deterministic, whatever goroutines it gets.
	pool          *pool
	spare, spare0 *bufferList // buffers of finished runs: of p, of sp

	states    []startState
	shortIter int
	// convergeAll says that every start is kept, so the short runs are the
	// runs to convergence (with all persons).
	convergeAll bool
	// sample lists the shards of the persons the runs on the sample work
	// on; nil means there are none.
	sample []int
	// keep are the starts run to convergence, best first after the short
	// runs; full the runs that go on with all persons; follows[j] the run
	// that continues for kept start j.
	keep, full []int
	follows    map[int]int
	sampleIter int

	mu   sync.Mutex // guards prog
	prog Progress   // of the phase running, for s.Progress
}

// begin starts the progress report of phase, with total runs.
func (sr *search) begin(phase Phase, total int) {
	sr.prog = Progress{Phase: phase, Total: total, BestLogLik: math.Inf(-1)}
}

// ended reports to Settings.Progress that a run of the phase ended with
// log-likelihood ll (NaN when it did not run).
func (sr *search) ended(ll float64) {
	if sr.s.Progress == nil {
		return
	}
	sr.mu.Lock()
	defer sr.mu.Unlock()
	sr.prog.Done++
	if ll > sr.prog.BestLogLik {
		sr.prog.BestLogLik = ll
	}
	sr.s.Progress(sr.prog)
}

type startState struct {
	params []float64
	ll     float64
	iter   int
	conv   bool
	trace  []float64
}

func newSearch(p *Problem, s *Settings) (*search, error) {
	sr := &search{p: p, s: s, ctx: orBackground(s.Context), n: p.Families[0].Len(), sp: p,
		pool: newPool(s.Threads), spare: newBufferList(s.Threads)}
	sr.spare0 = sr.spare
	sr.shortIter, sr.convergeAll = s.ShortIterations, s.Keep >= s.Starts
	if sr.convergeAll {
		sr.shortIter = s.MaxIterations
	} else {
		sr.sample = sampleShards(sr.n, s.StartSample)
	}
	if sr.sample != nil && p.Subset != nil {
		sp, err := p.subset(sr.sample)
		if err != nil {
			sr.close()
			return nil, err
		}
		sr.sp, sr.spare0 = sp, newBufferList(s.Threads)
	}
	return sr, nil
}

func (sr *search) close() { sr.pool.close() }

// newSampleRun returns a run on the sample's persons: of the subset
// problem, or of p with weight 0 outside the sample; with SQUAREM when
// accelerate is set.
func (sr *search) newSampleRun(accelerate bool) *emRun {
	r := newRun(sr.ctx, sr.sp, sr.pool, sr.spare0.get(), accelerate)
	if sr.sp == sr.p {
		r.setSample(sr.sample)
	}
	return r
}

// shortRuns runs every start for ShortIterations (or to convergence when
// every start is kept), and orders the starts by their log-likelihood.
func (sr *search) shortRuns() error {
	s := sr.s
	sr.states = make([]startState, s.Starts)
	done := make([]int, s.Starts)
	phase := ShortRuns
	if sr.convergeAll {
		phase = FullRuns
	}
	sr.begin(phase, s.Starts)
	sr.pool.run(&job{fn: func(j int) {
		if sr.ctx.Err() != nil {
			sr.states[j] = startState{ll: math.NaN()}
			return
		}
		// Short runs are plain EM, so that SQUAREM never changes which
		// starts are kept; when they are the runs to convergence it
		// accelerates them.
		r := sr.newSampleRun(sr.convergeAll && s.Accelerate.On())
		r.start(j, sr.sp, s)
		conv := r.iterate(sr.shortIter, s.Tolerance, s.ScoreTolerance)
		sr.states[j] = startState{params: r.params(nil), ll: r.ll, iter: r.iterations, conv: conv, trace: r.trace}
		done[j] = r.iterations
		sr.spare0.put(r.buffers())
		sr.ended(r.ll)
	}}, s.Starts)
	for _, it := range done {
		sr.sampleIter += it
	}
	if err := sr.ctx.Err(); err != nil {
		if sr.convergeAll {
			return sr.interrupted(FullRuns, err)
		}
		return sr.interrupted(ShortRuns, err)
	}
	order := make([]int, len(sr.states))
	for j := range order {
		order[j] = j
	}
	sr.byLogLik(order)
	sr.keep = order[:s.Keep]
	sr.full = sr.keep
	sr.follows = make(map[int]int, len(sr.keep))
	for _, j := range sr.keep {
		sr.follows[j] = j
	}
	return nil
}

// sampleRuns: after short runs on a sample, the Keep best first converge
// on the sample, which costs a fraction of an iteration on all persons;
// runs that reach the same optimum there go on with all persons once,
// from the best of them.
func (sr *search) sampleRuns() error {
	if sr.sample == nil {
		return nil
	}
	s := sr.s
	done := make([]int, len(sr.keep))
	sr.begin(SampleRuns, len(sr.keep))
	sr.pool.run(&job{fn: func(j int) {
		st := &sr.states[sr.keep[j]]
		if st.conv || sr.ctx.Err() != nil {
			sr.ended(st.ll)
			return
		}
		r := sr.newSampleRun(s.Accelerate.On())
		r.trace = st.trace
		before := st.iter
		st.converge(r, s)
		done[j] = st.iter - before
		sr.spare0.put(r.buffers())
		sr.ended(st.ll)
	}}, len(sr.keep))
	for _, it := range done {
		sr.sampleIter += it
	}
	if err := sr.ctx.Err(); err != nil {
		return sr.interrupted(SampleRuns, err)
	}
	sr.byLogLik(sr.keep)
	sr.full = nil
	for _, j := range sr.keep {
		if len(sr.full) > 0 && sameOptimum(sr.states[j].ll, sr.states[sr.full[len(sr.full)-1]].ll) {
			sr.follows[j] = sr.full[len(sr.full)-1]
			continue
		}
		sr.full = append(sr.full, j)
	}
	return nil
}

// fullRuns runs the kept starts (or, after runs on a sample, the distinct
// optima reached there) to convergence with all persons.
func (sr *search) fullRuns() error {
	s := sr.s
	sr.begin(FullRuns, len(sr.full))
	sr.pool.run(&job{fn: func(j int) {
		st := &sr.states[sr.full[j]]
		if st.conv && sr.sample == nil {
			sr.ended(st.ll)
			return
		}
		r := newRun(sr.ctx, sr.p, sr.pool, sr.spare.get(), s.Accelerate.On())
		if sr.sample == nil {
			r.trace = st.trace
		}
		// After runs on a sample, the trace starts afresh on all persons,
		// whose log-likelihood is on another scale.
		st.converge(r, s)
		sr.spare.put(r.buffers())
		sr.ended(st.ll)
	}}, len(sr.full))
	sr.byLogLik(sr.full)
	if err := sr.ctx.Err(); err != nil {
		return sr.interrupted(FullRuns, err)
	}
	return nil
}

// interrupted is the error of a search cancelled during phase.
func (sr *search) interrupted(phase Phase, err error) *Interrupted {
	e := &Interrupted{Phase: phase, Starts: sr.s.Starts, Keep: sr.s.Keep, LogLik: math.NaN(), Err: err}
	switch phase {
	case ShortRuns, SampleRuns:
		e.Iterations = sr.sampleIter
	case FullRuns:
		if sr.convergeAll {
			e.Keep = sr.s.Starts
		}
		for _, st := range sr.states {
			e.Iterations += st.iter
			if sr.sample == nil && better(st.ll, e.LogLik) {
				e.LogLik = st.ll
			}
		}
		if sr.sample != nil {
			for _, j := range sr.full {
				if better(sr.states[j].ll, e.LogLik) {
					e.LogLik = sr.states[j].ll
				}
			}
		}
	}
	return e
}

// byLogLik orders start indices by their log-likelihood, best first.
func (sr *search) byLogLik(idx []int) {
	slices.SortStableFunc(idx, func(a, b int) int { return bestFirst(sr.states[a].ll, sr.states[b].ll) })
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

// start initialises run r of problem p from start j: p's weights, then p's
// parameters, then random partitions.
func (r *emRun) start(j int, p *Problem, s *Settings) {
	switch {
	case j < len(p.InitialWeights):
		r.initWeights(p.InitialWeights[j])
	case j < p.numStarts():
		r.initParams(p.InitialParams[j-len(p.InitialWeights)])
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
