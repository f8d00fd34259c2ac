package mixture

import (
	"errors"
	"math"
	"slices"
)

// Fit fits the mixture by EM from many starts (emEM; Biernacki, Celeux &
// Govaert 2003): a short run from each start, then the Keep best run to
// convergence, on a sample of the persons first when there are many (see
// Settings.StartSample). It returns the best run.
//
// An error means there is no usable result (a bad problem, settings out
// of range, or a fit interrupted through Settings.Context: *Interrupted);
// a fit that did not
// converge or degenerated is a Result with its Status and Warnings.
func Fit(p *Problem, settings *Settings) (*Result, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	s := settings.resolve(p.numStarts())
	if err := s.check(); err != nil {
		return nil, err
	}
	sr, err := newSearch(p, &s)
	if err != nil {
		return nil, err
	}
	defer sr.close()
	for _, phase := range []func() error{sr.shortRuns, sr.sampleRuns, sr.fullRuns} {
		if err := phase(); err != nil {
			return nil, err
		}
	}
	res, err := sr.result()
	if err := sr.ctx.Err(); err != nil {
		// The result's last M-step (mStepFlags) may have been cut short.
		return nil, sr.interrupted(FullRuns, err)
	}
	return res, err
}

// result recomputes the best run's posteriors from its parameters, with a
// last E-step that also fills the person log-likelihoods, and reports the
// search.
func (sr *search) result() (*Result, error) {
	s := sr.s
	best := sr.states[sr.full[0]]
	if math.IsNaN(best.ll) || math.IsInf(best.ll, 0) {
		return nil, errors.New("mixture: no start reached a finite log-likelihood: the model gives the data zero probability")
	}
	r := newRun(sr.ctx, sr.p, sr.pool, sr.spare.get(), s.Accelerate.On())
	res := &Result{
		PersonLogLik: make([]float64, sr.n),
		Params:       best.params,
		Iterations:   best.iter,
		Trace:        best.trace,
		Status:       MaxIterations,
		Starts:       sr.report(),
	}
	r.personLL = res.PersonLogLik
	r.initParams(best.params)
	var illConditioned bool
	if r.weights != nil {
		// The M-step flags need the weighted posteriors, the result the
		// persons' own: flags first, then the E-step again at the same
		// parameters.
		illConditioned = r.mStepFlags()
		r.setParams(best.params)
		r.plain = true
		r.eStep()
	}
	r.personLL = nil
	res.Components, res.Prior, res.Shared = r.comps, r.prior, r.shared
	res.Shares = r.prior.Shares(nil)
	if _, constant := r.prior.(*shares); r.weights != nil && !constant {
		res.Shares = weightedShares(r.prior, r.weights, len(r.comps))
	}
	res.Posterior = r.post
	res.NumParams = len(best.params)
	res.LogLik = r.ll
	if best.conv {
		res.Status = Converged
	} else {
		res.Warnings = append(res.Warnings, Warnf(NotConverged, nil, "EM stopped after %s without converging", count(best.iter, "iteration")))
	}
	if d := decreases(best.trace); d > 0 {
		res.Warnings = append(res.Warnings, Warnf(LikelihoodDecreased, nil,
			"the log-likelihood decreased in %s by more than rounding error: the M-step did not always improve", count(d, "iteration")))
	}
	if rep := res.Starts; rep.ReachedBest == 1 && rep.RunToConvergence > 1 {
		res.Warnings = append(res.Warnings, Warnf(StartsDisagree, nil,
			"the best log-likelihood was reached by only 1 of %d starts run to convergence; consider more starts", rep.RunToConvergence))
	}
	// Collapsed groups are reported, never deleted.
	for j, sh := range res.Shares {
		if sh < s.CollapseShare || math.IsNaN(sh) {
			res.Status = Degenerate
			res.Warnings = append(res.Warnings, Warnf(CollapsedGroup, []int{j + 1},
				"the group collapsed: its share %.4g is below the collapse share %.3g", sh, s.CollapseShare))
		}
	}
	// The last fit's M-step flags, for the returned parameters.
	if r.weights == nil {
		illConditioned = r.mStepFlags()
	} else {
		// The parameters as mStepFlags leaves them without weights, so
		// that weights all 1 give the same bits.
		r.setParams(r.params(nil))
	}
	if illConditioned {
		res.Warnings = append(res.Warnings, Warnf(IllConditioned, nil,
			"an M-step system was singular or nearly so and was regularised: a polynomial order may be too high for the ages observed"))
	}
	return res, nil
}

// weightedShares returns the weighted mean membership probability of each
// of k groups, Σ_i v_i π_ik / Σ_i v_i: the population shares when v are
// sampling weights.
func weightedShares(prior Prior, v []float64, k int) []float64 {
	lp := newMatrix(k, len(v))
	prior.AddLogPrior(lp, 0, len(v))
	out := make([]float64, k)
	var tot float64
	for _, w := range v {
		tot += w
	}
	for j, row := range lp {
		for i, l := range row {
			out[j] += v[i] * math.Exp(l)
		}
		out[j] /= tot
	}
	return out
}

// report is the start report of a finished search.
func (sr *search) report() StartReport {
	rep := StartReport{Total: sr.s.Starts, RunToConvergence: len(sr.keep)}
	for _, st := range sr.states {
		rep.Iterations += st.iter
	}
	if sr.sample != nil {
		rep.Continued = len(sr.full)
		rep.SampleIterations = sr.sampleIter
		for _, sh := range sr.sample {
			from, to := Shard(sh, sr.n)
			rep.Sample += to - from
		}
	}
	for _, j := range sr.keep {
		rep.LogLiks = append(rep.LogLiks, sr.states[sr.follows[j]].ll)
	}
	slices.SortStableFunc(rep.LogLiks, bestFirst)
	best := sr.states[sr.full[0]].ll
	for _, ll := range rep.LogLiks {
		if sameOptimum(ll, best) {
			rep.ReachedBest++
		}
		if len(rep.Optima) == 0 || !sameOptimum(ll, rep.Optima[len(rep.Optima)-1]) {
			rep.Optima = append(rep.Optima, ll)
		}
	}
	return rep
}

// mStepFlags runs one M-step only to learn whether the groups' systems are
// well conditioned at the result, and puts the parameters back.
func (r *emRun) mStepFlags() bool {
	p := r.params(nil)
	r.illConditioned = false
	r.mStep(true)
	r.setParams(p)
	return r.illConditioned
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
