package trajectory

import (
	"bytes"
	"math"
	"testing"

	"github.com/trajkit/trajkit/mixture"
)

// TestBinarySteadyState: in steady state a logit or cloglog group's
// E-step (LogLik) and warm M-step (Fit) allocate nothing, with and
// without a time-varying covariate.
func TestBinarySteadyState(t *testing.T) {
	for _, dist := range []Distribution{Logit, Cloglog} {
		for _, tcov := range []bool{false, true} {
			c := binaryCareers(t, dist, 2000, 4, tcov)
			fams, _ := families(c, WindowScaling(c.MinAge, c.MaxAge()), mustModel(t, dist, 1, []int{3}, nil))
			comp := fams[0].NewComponent()
			w := make([]float64, c.Len())
			for i := range w {
				w[i] = 0.3 + 0.5*float64(i%7)/7
			}
			ll := make([]float64, c.Len())
			fams[0].Fit(t.Context(), comp, w, false)
			step := func() {
				comp.LogLik(ll, 0, c.Len())
				fams[0].Fit(t.Context(), comp, w, true)
			}
			step()
			if n := testing.AllocsPerRun(5, step); n != 0 {
				t.Errorf("%s tcov %v: %v allocations per iteration", dist, tcov, n)
			}
		}
	}
}

// TestBinarySameBits: a logit or cloglog fit gives the same model file at
// one and at four threads, over several shards.
func TestBinarySameBits(t *testing.T) {
	for _, dist := range []Distribution{Logit, Cloglog} {
		t.Run(string(dist), func(t *testing.T) {
			c := binaryCareers(t, dist, 2*mixture.ShardSize+300, 5, false)
			m := mustModel(t, dist, 2, []int{2}, nil)
			first := fitFileJSON(t, c, m, &Settings{Search: mixture.Settings{Seed: 4, Starts: 3, Keep: 1, Threads: 1}})
			if got := fitFileJSON(t, c, m, &Settings{Search: mixture.Settings{Seed: 4, Starts: 3, Keep: 1, Threads: 4}}); !bytes.Equal(got, first) {
				t.Errorf("threads 4: the fit differs from one thread's")
			}
		})
	}
}

// TestOnSample: with the search on a sample of the persons (the short
// runs on the sample's own careers, Fit's Subset), NB (with a common α:
// the shared parameter's M-step on the sample), logit, cloglog and cnorm
// fits reach the maximum of the search on all persons (relative 1e-9). StartSample of one shard lowers the size at which the sample
// search starts from DefaultStartSample's 65,536 persons (more than 16
// shards) to more than 2 shards, so 2 shards and 100 persons suffice.
func TestOnSample(t *testing.T) {
	n := 2*mixture.ShardSize + 100
	cn, _, _ := cnormCareers(t, n, 12, Censoring{0, 8})
	nb := mustModel(t, NB, 2, []int{2}, nil)
	nb.CommonDispersion = true
	for _, tc := range []struct {
		name string
		c    *Careers
		m    Model
	}{
		{"nb common", nbCareers(t, n, 12, false), nb},
		{"logit", binaryCareers(t, Logit, n, 12, false), mustModel(t, Logit, 2, []int{2}, nil)},
		{"cloglog", binaryCareers(t, Cloglog, n, 12, false), mustModel(t, Cloglog, 2, []int{2}, nil)},
		{"cnorm", cn, Model{Distribution: CNorm, Orders: []int{2, 2}, Inflation: []int{-1, -1}, Censor: Censoring{0, 8}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			all, err := Fit(tc.c, tc.m, &Settings{Search: mixture.Settings{Seed: 2, Starts: 3, Keep: 1, StartSample: -1}, NoSE: true})
			if err != nil {
				t.Fatal(err)
			}
			sampled, err := Fit(tc.c, tc.m, &Settings{Search: mixture.Settings{Seed: 2, Starts: 3, Keep: 1, StartSample: mixture.ShardSize}, NoSE: true})
			if err != nil {
				t.Fatal(err)
			}
			if sampled.Starts.Sample == 0 {
				t.Fatalf("no search on a sample: %+v", sampled.Starts)
			}
			if math.Abs(sampled.LogLik-all.LogLik) > 1e-9*math.Abs(all.LogLik) {
				t.Errorf("log-likelihood %.10f with the search on a sample, %.10f without", sampled.LogLik, all.LogLik)
			}
		})
	}
}
