package mixture

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"
)

// cancellingFamily is a toyFamily that cancels a context at its n-th
// M-step, standing in for a SIGINT that arrives at a known point of a fit.
type cancellingFamily struct {
	*toyFamily
	calls  *atomic.Int64
	n      int64
	cancel context.CancelFunc
}

func (f cancellingFamily) NewComponent() Component { return &toyComp{f: f.toyFamily} }

func (f cancellingFamily) Fit(ctx context.Context, c Component, w []float64, warm bool) FitInfo {
	if f.calls.Add(1) == f.n {
		f.cancel()
	}
	return f.toyFamily.Fit(ctx, c, w, warm)
}

// TestFitCancelled checks that a cancelled context ends a fit that would
// otherwise run DefaultMaxIterations per start, in either phase, with an
// *Interrupted error that wraps context.Canceled and says where it
// stopped.
func TestFitCancelled(t *testing.T) {
	const k, starts, keep, short = 2, 4, 2, 30
	y := toyData(500, []float64{0.5, 0.5}, []float64{1, 5}, 3)
	// Each short run makes one M-step per group at its start and one per
	// iteration; the tolerances are unreachable, so none converges.
	shortCalls := int64(starts * (short + 1) * k)
	for _, tc := range []struct {
		at      int64
		phase   Phase
		maxIter int // 0: the default
	}{
		{at: 5, phase: ShortRuns},
		{at: shortCalls + 40, phase: FullRuns},
		// Short runs as long as the runs to convergence are still short
		// runs while not every start is kept.
		{at: 5, phase: ShortRuns, maxIter: short},
	} {
		ctx, cancel := context.WithCancel(context.Background())
		var calls atomic.Int64
		f := cancellingFamily{toyFamily: &toyFamily{y: y}, calls: &calls, n: tc.at, cancel: cancel}
		p := &Problem{Families: []Family{f, f}}
		s := &Settings{Seed: 1, Starts: starts, Keep: keep, ShortIterations: short, MaxIterations: tc.maxIter, Threads: 1,
			Tolerance: 1e-300, ScoreTolerance: 1e-300, Context: ctx}
		res, err := Fit(p, s)
		cancel()
		if res != nil || err == nil {
			t.Fatalf("cancel at M-step %d: got a result, want an error", tc.at)
		}
		if !errors.Is(err, context.Canceled) {
			t.Errorf("cancel at M-step %d: error %v does not wrap context.Canceled", tc.at, err)
		}
		var in *Interrupted
		if !errors.As(err, &in) {
			t.Fatalf("cancel at M-step %d: error %T is not *Interrupted", tc.at, err)
		}
		if in.Phase != tc.phase || in.Starts != starts || in.Keep != keep {
			t.Errorf("cancel at M-step %d: phase %q, %d starts, %d kept; want %q, %d, %d", tc.at, in.Phase, in.Starts, in.Keep, tc.phase, starts, keep)
		}
		// The fit stops within an iteration per run of the cancel: each
		// run still to start makes its initial M-step and no more.
		if got, limit := calls.Load(), tc.at+int64((starts+keep)*k); got > limit {
			t.Errorf("cancel at M-step %d: %d M-steps in all, want at most %d", tc.at, got, limit)
		}
		if tc.phase == FullRuns {
			if math.IsNaN(in.LogLik) || math.IsInf(in.LogLik, 0) {
				t.Errorf("log-likelihood so far %v, want a finite value", in.LogLik)
			}
			if in.Iterations < starts*short {
				t.Errorf("%d iterations reported, want at least the %d of the short runs", in.Iterations, starts*short)
			}
		} else if !math.IsNaN(in.LogLik) {
			t.Errorf("short runs: log-likelihood %v reported, want NaN (a sample's)", in.LogLik)
		}
	}
}

// manyLevels is a membership problem whose M-step is long: n persons with
// one categorical risk factor of the given number of levels, coded as
// indicators against the first, over k toy Poisson groups.
func manyLevels(n, levels, k int) *Problem {
	rng := rand.New(rand.NewPCG(5, 0))
	x := make([][]float64, n)
	for i := range x {
		x[i] = make([]float64, levels-1)
		if l := rng.IntN(levels); l > 0 {
			x[i][l-1] = 1
		}
	}
	p := toyProblem(toyData(n, []float64{0.5, 0.3, 0.2}, []float64{0.5, 3, 9}, 7), k)
	p.Membership = MultinomialLogit{X: x}
	return p
}

// TestCancelMembershipMStep: a context cancelled while the multinomial
// logit's M-step runs on a risk factor of 400 levels over 5,000 persons
// (800 coefficients for three groups) ends the fit within a few seconds.
// One evaluation of that M-step's objective with its Hessian takes some
// 7 s (N (K−1)² (p+1)² multiply-adds) and its Newton method makes several;
// before the M-step checked the context, this fit, cancelled 0.3 s into
// its first M-step, returned only at the end of that M-step, 4 min 20 s
// after the cancel. The bound of 5 s is generous: it returns in
// milliseconds.
func TestCancelMembershipMStep(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 5,000 x 399 design")
	}
	p := manyLevels(5000, 400, 3)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var cancelled atomic.Int64 // when cancel was called, in ns since start
	start := time.Now()
	// The search's setup takes milliseconds, so 0.3 s in, the first
	// M-step (from the start's weights) is under way.
	time.AfterFunc(300*time.Millisecond, func() {
		cancelled.Store(int64(time.Since(start)))
		cancel()
	})
	res, err := Fit(p, &Settings{Seed: 1, Starts: 1, Threads: 1, Context: ctx})
	took := time.Since(start) - time.Duration(cancelled.Load())
	if res != nil || !errors.Is(err, context.Canceled) {
		t.Fatalf("got result %v, error %v; want an error wrapping context.Canceled", res != nil, err)
	}
	var in *Interrupted
	if !errors.As(err, &in) || in.Phase != FullRuns {
		t.Errorf("error %v: want an *Interrupted in the runs to convergence (one start)", err)
	}
	if cancelled.Load() == 0 {
		t.Fatal("the fit returned before it was cancelled")
	}
	if took > 5*time.Second {
		t.Errorf("the fit returned %v after it was cancelled, want at most 5s", took)
	}
	t.Logf("returned %v after the cancel", took)
}

// TestCancelInformation: the observed information of the fit of
// TestCancelMembershipMStep, whose membership Hessian and per-person
// outer products (800 membership parameters) take minutes, returns within
// a few seconds of a cancel with an error that wraps context.Canceled,
// and Invert returns one for a cancelled context.
func TestCancelInformation(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 5,000 x 399 design")
	}
	const n, k = 5000, 3
	p := manyLevels(n, 400, k)
	comps := make([]Component, k)
	for j, f := range p.Families {
		comps[j] = f.NewComponent()
		comps[j].SetParams([]float64{float64(j)})
	}
	prior := p.Membership.NewPrior(k, n)
	post := newMatrix(k, n)
	EStep(comps, prior, post, nil, 1)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var cancelled atomic.Int64
	start := time.Now()
	time.AfterFunc(300*time.Millisecond, func() {
		cancelled.Store(int64(time.Since(start)))
		cancel()
	})
	info, err := Information(ctx, comps, prior, nil, post, 2)
	took := time.Since(start) - time.Duration(cancelled.Load())
	if info != nil || !errors.Is(err, context.Canceled) {
		t.Fatalf("got information %v, error %v; want an error wrapping context.Canceled", info != nil, err)
	}
	if cancelled.Load() == 0 {
		t.Fatal("Information returned before it was cancelled")
	}
	if took > 5*time.Second {
		t.Errorf("Information returned %v after it was cancelled, want at most 5s", took)
	}

	if _, err := Invert(ctx, []float64{2, 1, 1, 2}, 2); !errors.Is(err, context.Canceled) {
		t.Errorf("Invert with a cancelled context: error %v, want one wrapping context.Canceled", err)
	}
}
