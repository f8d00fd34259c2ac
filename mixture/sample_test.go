package mixture

import (
	"math"
	"reflect"
	"testing"
)

// TestStartSample: with short runs on a sample (1 shard of 6), the fit
// reaches the maximum of short runs on all persons (toy mixture, 20,497
// persons, 3 groups, 8 starts; relative 1e-9), its trace on all persons never
// decreases and ends at the log-likelihood, the report gives the sample,
// and the same seed gives the same bits with 1, 2 or 4 threads, with and
// without SQUAREM.
func TestStartSample(t *testing.T) {
	y := toyData(5*ShardSize+17, []float64{0.5, 0.3, 0.2}, []float64{0.5, 3, 9}, 7)
	full, err := Fit(toyProblem(y, 3), &Settings{Seed: 3, Starts: 8, Keep: 3, Tolerance: 1e-12, StartSample: -1})
	if err != nil {
		t.Fatal(err)
	}
	if full.Starts.Sample != 0 || full.Starts.SampleIterations != 0 {
		t.Errorf("StartSample -1: sample of %d persons, %d iterations", full.Starts.Sample, full.Starts.SampleIterations)
	}
	for _, acc := range []bool{false, true} {
		var first *Result
		for _, threads := range []int{1, 2, 4} {
			res, err := Fit(toyProblem(y, 3), &Settings{Seed: 3, Starts: 8, Keep: 3, Tolerance: 1e-12, StartSample: ShardSize, Threads: threads, Accelerate: acc})
			if err != nil {
				t.Fatal(err)
			}
			if first != nil {
				if res.LogLik != first.LogLik || !reflect.DeepEqual(res.Params, first.Params) ||
					!reflect.DeepEqual(res.Posterior, first.Posterior) || !reflect.DeepEqual(res.Trace, first.Trace) {
					t.Errorf("accelerate %v, threads %d: result differs (loglik %v vs %v)", acc, threads, res.LogLik, first.LogLik)
				}
				continue
			}
			first = res
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
			t.Logf("accelerate %v: %d iterations, %d of them on the sample; without a sample %d", acc, res.Starts.Iterations, res.Starts.SampleIterations, full.Starts.Iterations)
		}
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
