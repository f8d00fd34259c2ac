package mixture

import (
	"math"
	"reflect"
	"testing"
)

// TestStartSample: with short runs on a sample (1 shard of 3), the fit
// reaches the maximum of the runs on all persons (toy mixture, 8,209
// persons, 3 groups, 8 starts; relative 1e-9), with and without SQUAREM
// (each against the runs on all persons of the same algorithm);
// its trace on all persons never decreases and ends at the log-likelihood,
// and the report gives the sample. (TestDeterministic checks the same bits
// with any number of threads on this path.)
func TestStartSample(t *testing.T) {
	y := toyData(2*ShardSize+17, []float64{0.5, 0.3, 0.2}, []float64{0.5, 3, 9}, 7)
	for _, acc := range []bool{false, true} {
		full, err := Fit(toyProblem(y, 3), &Settings{Seed: 3, Starts: 8, Keep: 3, StartSample: -1, Accelerate: Accelerated(acc)})
		if err != nil {
			t.Fatal(err)
		}
		if full.Starts.Sample != 0 || full.Starts.SampleIterations != 0 || full.Starts.Continued != 0 {
			t.Errorf("StartSample -1: start report %+v; want no sample", full.Starts)
		}
		res, err := Fit(toyProblem(y, 3), &Settings{Seed: 3, Starts: 8, Keep: 3, StartSample: ShardSize, Accelerate: Accelerated(acc)})
		if err != nil {
			t.Fatal(err)
		}
		if res.Starts.Sample != ShardSize || res.Starts.SampleIterations == 0 {
			t.Errorf("sample of %d persons, %d iterations on it; want %d persons", res.Starts.Sample, res.Starts.SampleIterations, ShardSize)
		}
		if math.Abs(res.LogLik-full.LogLik) > 1e-9*math.Abs(full.LogLik) {
			t.Errorf("accelerate %v: log-likelihood %.10f, without a sample %.10f", acc, res.LogLik, full.LogLik)
		}
		for j := 1; j < len(res.Trace); j++ {
			if res.Trace[j] < res.Trace[j-1]-1e-12*math.Abs(res.Trace[j]) {
				t.Errorf("step %d: log-likelihood fell from %.12f to %.12f", j, res.Trace[j-1], res.Trace[j])
			}
		}
		if res.Trace[len(res.Trace)-1] != res.LogLik {
			t.Errorf("last trace entry %v differs from the log-likelihood %v", res.Trace[len(res.Trace)-1], res.LogLik)
		}
		// The runs to convergence reach one optimum on the sample (as they
		// do without a sample), so one run goes on with all persons and
		// stands for the three.
		st := res.Starts
		if st.RunToConvergence != 3 || st.Continued != 1 || st.ReachedBest != 3 || len(st.LogLiks) != 3 || len(st.Optima) != 1 {
			t.Errorf("accelerate %v: start report %+v; want 3 runs to convergence, 1 continued with all persons, reaching the best", acc, st)
		}
		t.Logf("accelerate %v: %d iterations, %d of them on the sample; without a sample %d", acc, res.Starts.Iterations, res.Starts.SampleIterations, full.Starts.Iterations)
	}
}

func TestSampleShards(t *testing.T) {
	for _, tc := range []struct {
		n, size int
		want    []int
	}{
		{10 * ShardSize, -1, nil},
		{10 * ShardSize, 5 * ShardSize, nil},                    // not more than twice
		{10*ShardSize + 1, 5 * ShardSize, []int{0, 2, 4, 6, 8}}, // 11 shards
		{12 * ShardSize, 5 * ShardSize, []int{0, 2, 4, 7, 9}},
		{100 * ShardSize, 1, []int{0}},
		{100 * ShardSize, 3 * ShardSize, []int{0, 33, 66}},
	} {
		if got := sampleShards(tc.n, tc.size); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("sampleShards(%d, %d) = %v, want %v", tc.n, tc.size, got, tc.want)
		}
	}
}

// toySubsetProblem is toyProblem with a Subset that binds the families to
// the persons of the shards, and records the shards it was asked for.
func toySubsetProblem(y []float64, k int, asked *[]int) *Problem {
	p := toyProblem(y, k)
	p.Subset = func(shards []int) *Problem {
		*asked = append([]int(nil), shards...)
		var sub []float64
		for _, s := range shards {
			from, to := Shard(s, len(y))
			sub = append(sub, y[from:to]...)
		}
		return toyProblem(sub, k)
	}
	return p
}

// TestStartSampleSubset: short runs on the subset a Problem gives reach
// the maximum of short runs with weight 0 outside the sample (relative
// 1e-9) and ask for the shards of the sample; a Subset that returns the
// wrong persons is an error.
func TestStartSampleSubset(t *testing.T) {
	y := toyData(4*ShardSize+17, []float64{0.5, 0.3, 0.2}, []float64{0.5, 3, 9}, 7)
	w := make([][]float64, 3) // a start from weights, restricted to the sample
	for j := range w {
		w[j] = make([]float64, len(y))
	}
	for i, v := range y {
		w[min(int(v/3), 2)][i] = 1
	}
	settings := &Settings{Seed: 3, Starts: 8, Keep: 3, StartSample: 2 * ShardSize}
	withStart := func(p *Problem) *Problem {
		p.InitialWeights = [][][]float64{w}
		return p
	}
	zero, err := Fit(withStart(toyProblem(y, 3)), settings)
	if err != nil {
		t.Fatal(err)
	}
	var asked []int
	res, err := Fit(withStart(toySubsetProblem(y, 3, &asked)), settings)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(asked, []int{0, 2}) { // 2 of 5 shards, spread
		t.Errorf("Subset asked for shards %v, want [0 2]", asked)
	}
	if math.Abs(res.LogLik-zero.LogLik) > 1e-9*math.Abs(zero.LogLik) || res.Starts.Sample != zero.Starts.Sample {
		t.Errorf("with Subset: log-likelihood %.10f, sample %d; with weight 0: %.10f, %d", res.LogLik, res.Starts.Sample, zero.LogLik, zero.Starts.Sample)
	}
	bad := toyProblem(y, 3)
	bad.Subset = func([]int) *Problem { return toyProblem(y[:10], 3) }
	if _, err := Fit(withStart(bad), settings); err == nil {
		t.Error("a Subset with the wrong persons: no error")
	}
}
