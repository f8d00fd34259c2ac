package mixture

import (
	"context"
	"errors"
	"math"
	"sync/atomic"
	"testing"
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

func (f cancellingFamily) Fit(c Component, w []float64, warm bool) FitInfo {
	if f.calls.Add(1) == f.n {
		f.cancel()
	}
	return f.toyFamily.Fit(c, w, warm)
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
