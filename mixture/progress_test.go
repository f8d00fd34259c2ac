package mixture

import (
	"math"
	"reflect"
	"testing"
)

// TestProgress checks that Settings.Progress sees every run of every
// phase end, with a best log-likelihood that never falls within a phase,
// and that it changes no bit of the result.
func TestProgress(t *testing.T) {
	y := toyData(2*ShardSize+17, []float64{0.5, 0.3, 0.2}, []float64{0.5, 3, 9}, 7)
	for _, tc := range []struct {
		name   string
		s      Settings
		phases map[Phase]int // runs reported per phase
	}{
		{"all persons", Settings{StartSample: -1}, map[Phase]int{ShortRuns: 8, FullRuns: 3}},
		{"sample", Settings{StartSample: ShardSize}, map[Phase]int{ShortRuns: 8, SampleRuns: 3, FullRuns: 1}},
		{"converge all", Settings{StartSample: -1, ConvergeAll: true}, map[Phase]int{FullRuns: 8 + 8}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, threads := range []int{1, 4} {
				s := tc.s
				s.Seed, s.Starts, s.Keep, s.Threads = 3, 8, 3, threads
				want, err := Fit(toyProblem(y, 3), &s)
				if err != nil {
					t.Fatal(err)
				}
				got := map[Phase]int{}
				var last Progress
				s.Progress = func(p Progress) {
					got[p.Phase]++
					if p.Phase == last.Phase && p.Done > 1 && p.BestLogLik < last.BestLogLik {
						t.Errorf("%v: best log-likelihood fell from %v to %v", p.Phase, last.BestLogLik, p.BestLogLik)
					}
					if p.Done > p.Total || math.IsInf(p.BestLogLik, -1) {
						t.Errorf("report %+v", p)
					}
					last = p
				}
				res, err := Fit(toyProblem(y, 3), &s)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, tc.phases) {
					t.Errorf("threads %d: runs reported %v, want %v", threads, got, tc.phases)
				}
				if res.LogLik != want.LogLik || !reflect.DeepEqual(res.Params, want.Params) || !reflect.DeepEqual(res.Trace, want.Trace) {
					t.Errorf("threads %d: the hook changed the result", threads)
				}
			}
		})
	}
}
