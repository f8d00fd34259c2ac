package mixture

import (
	"math"
	"testing"
)

// TestAccelerated checks SQUAREM's properties on the toy Poisson mixture
// (12,305 persons, 3 groups, 6 starts): the log-likelihood trace never
// decreases, and the accelerated fit reaches plain EM's maximum (within a
// relative 1e-9) in fewer iterations. (TestDeterministic checks the same
// bits with any number of threads.)
func TestAccelerated(t *testing.T) {
	y := toyData(3*ShardSize+17, []float64{0.5, 0.3, 0.2}, []float64{0.5, 3, 9}, 7)
	plain, err := Fit(toyProblem(y, 3), &Settings{Seed: 3, Starts: 6, Keep: 3, Tolerance: 1e-12, Accelerate: PlainEM})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Fit(toyProblem(y, 3), &Settings{Seed: 3, Starts: 6, Keep: 3, Tolerance: 1e-12, Accelerate: SQUAREM})
	if err != nil {
		t.Fatal(err)
	}
	for j := 1; j < len(res.Trace); j++ {
		if res.Trace[j] < res.Trace[j-1]-1e-12*math.Abs(res.Trace[j]) {
			t.Errorf("step %d: log-likelihood fell from %.12f to %.12f", j, res.Trace[j-1], res.Trace[j])
		}
	}
	if res.Trace[len(res.Trace)-1] != res.LogLik {
		t.Errorf("last trace entry %v differs from the log-likelihood %v", res.Trace[len(res.Trace)-1], res.LogLik)
	}
	if math.Abs(res.LogLik-plain.LogLik) > 1e-9*math.Abs(plain.LogLik) {
		t.Errorf("accelerated log-likelihood %.10f, plain EM %.10f", res.LogLik, plain.LogLik)
	}
	if res.Starts.Iterations >= plain.Starts.Iterations {
		t.Errorf("accelerated fit took %d iterations, plain EM %d", res.Starts.Iterations, plain.Starts.Iterations)
	}
	t.Logf("iterations: plain %d, accelerated %d", plain.Starts.Iterations, res.Starts.Iterations)
}

// TestPoolNested runs nested jobs on a small pool, as Fit does (runs
// inside the job of the starts, shards inside runs), and checks that every
// task runs once.
func TestPoolNested(t *testing.T) {
	for _, threads := range []int{1, 2, 3, 8} {
		p := newPool(threads)
		const outer, inner = 13, 29
		var counts [outer][inner]int
		p.run(&job{fn: func(i int) {
			in := &job{fn: func(j int) { counts[i][j]++ }}
			for rep := 0; rep < 3; rep++ {
				p.run(in, inner)
			}
		}}, outer)
		p.close()
		for i := range counts {
			for j, c := range counts[i] {
				if c != 3 {
					t.Fatalf("threads %d: task %d/%d ran %d times, want 3", threads, i, j, c)
				}
			}
		}
	}
}
