package mixture

import (
	"context"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

// weightedToy returns n toy counts with covariates (covariateData) and
// integer weights 1 to 3, and the same persons replicated as often as
// their weights say.
func weightedToy(n int, seed uint64) (y []float64, x [][]float64, w []float64, ry []float64, rx [][]float64) {
	y, x = covariateData(n, []float64{-0.5, 1.0, -0.8}, []float64{1, 7}, seed)
	rng := rand.New(rand.NewPCG(seed, 9))
	w = make([]float64, n)
	for i := range w {
		w[i] = float64(1 + rng.IntN(3))
		for range int(w[i]) {
			ry = append(ry, y[i])
			rx = append(rx, x[i])
		}
	}
	return y, x, w, ry, rx
}

// TestWeightsReplicate: a fit with integer weights is the fit of the
// persons replicated as often as their weights: the same parameters
// (within 1e-6), the same log-likelihood (Σ_i v_i ℓ_i is the replicated
// sum, within a relative 1e-10, since Fit does not rescale the weights),
// and the same observed information (within a relative 1e-5, at
// parameters that agree to 1e-6), with constant shares and with a
// multinomial logit of membership.
func TestWeightsReplicate(t *testing.T) {
	y, x, w, ry, rx := weightedToy(600, 4)
	for _, logit := range []bool{false, true} {
		name := "shares"
		if logit {
			name = "logit"
		}
		t.Run(name, func(t *testing.T) {
			wp, rp := toyProblem(y, 2), toyProblem(ry, 2)
			wp.Weights = w
			if logit {
				wp.Membership, rp.Membership = MultinomialLogit{X: x}, MultinomialLogit{X: rx}
			}
			// One start, the same for both, so that both number the groups
			// alike: group 1 around rate 1, group 2 around rate 7.
			start := []float64{0, math.Log(2), math.Log(5)}
			if logit {
				start = []float64{0, 0, 0, math.Log(2), math.Log(5)}
			}
			wp.InitialParams, rp.InitialParams = [][]float64{start}, [][]float64{start}
			s := &Settings{Starts: 1, Tolerance: 1e-13}
			wr, err := Fit(wp, s)
			if err != nil {
				t.Fatal(err)
			}
			rr, err := Fit(rp, s)
			if err != nil {
				t.Fatal(err)
			}
			if wr.Status != Converged || rr.Status != Converged {
				t.Fatalf("status %v weighted, %v replicated", wr.Status, rr.Status)
			}
			if math.Abs(wr.LogLik-rr.LogLik) > 1e-10*math.Abs(rr.LogLik) {
				t.Errorf("log-likelihood %.12g weighted, %.12g replicated", wr.LogLik, rr.LogLik)
			}
			for j := range wr.Params {
				if math.Abs(wr.Params[j]-rr.Params[j]) > 1e-6 {
					t.Errorf("parameter %d: %.9g weighted, %.9g replicated", j, wr.Params[j], rr.Params[j])
				}
			}
			for j := range wr.Shares {
				if math.Abs(wr.Shares[j]-rr.Shares[j]) > 1e-6 {
					t.Errorf("share %d: %.9g weighted, %.9g replicated", j, wr.Shares[j], rr.Shares[j])
				}
			}
			var sum float64
			for i, l := range wr.PersonLogLik {
				sum += w[i] * l
			}
			if math.Abs(sum-wr.LogLik) > 1e-10*math.Abs(sum) {
				t.Errorf("Σ v_i PersonLogLik_i = %.12g, LogLik %.12g: the person log-likelihoods are not the persons' own", sum, wr.LogLik)
			}
			for i := range wr.Posterior[0] {
				if s := wr.Posterior[0][i] + wr.Posterior[1][i]; math.Abs(s-1) > 1e-12 {
					t.Fatalf("person %d: posteriors sum to %g", i, s)
				}
			}
			ctx := context.Background()
			wi, err := WeightedInformation(ctx, wr.Components, wr.Prior, nil, wr.Posterior, w, 2)
			if err != nil {
				t.Fatal(err)
			}
			ri, err := Information(ctx, rr.Components, rr.Prior, nil, rr.Posterior, 2)
			if err != nil {
				t.Fatal(err)
			}
			for j := range wi {
				if math.Abs(wi[j]-ri[j]) > 1e-5*math.Abs(ri[j])+1e-8 {
					t.Errorf("information entry %d: %.9g weighted, %.9g replicated", j, wi[j], ri[j])
				}
			}
		})
	}
}

// TestWeightsOne: weights all 1 give the bits of a fit without weights,
// with constant shares and a multinomial logit, on all persons and with
// runs on a sample (of a Subset and with weight 0 outside it), and so does
// the information.
func TestWeightsOne(t *testing.T) {
	y, x, _, _, _ := weightedToy(2*ShardSize+17, 6)
	ones := make([]float64, len(y))
	for i := range ones {
		ones[i] = 1
	}
	var asked []int
	for _, tc := range []struct {
		name    string
		problem func() *Problem
		s       Settings
	}{
		{"shares", func() *Problem { return toyProblem(y, 3) }, Settings{}},
		{"logit", func() *Problem {
			p := toyProblem(y, 2)
			p.Membership = MultinomialLogit{X: x}
			return p
		}, Settings{}},
		{"sample", func() *Problem { return toyProblem(y, 3) }, Settings{StartSample: ShardSize}},
		{"subset", func() *Problem { return weightedSubset(toySubsetProblem(y, 3, &asked), y, 3, nil) }, Settings{StartSample: ShardSize}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.s
			s.Seed, s.Starts, s.Keep, s.MaxIterations = 9, 4, 2, 60
			plain, err := Fit(tc.problem(), &s)
			if err != nil {
				t.Fatal(err)
			}
			p := tc.problem()
			p.Weights = ones
			if p.Subset != nil {
				p = weightedSubset(p, y, len(p.Families), ones)
			}
			one, err := Fit(p, &s)
			if err != nil {
				t.Fatal(err)
			}
			if one.LogLik != plain.LogLik || !reflect.DeepEqual(one.Params, plain.Params) || !reflect.DeepEqual(one.Shares, plain.Shares) ||
				!reflect.DeepEqual(one.Posterior, plain.Posterior) || !reflect.DeepEqual(one.PersonLogLik, plain.PersonLogLik) ||
				!reflect.DeepEqual(one.Trace, plain.Trace) || one.Iterations != plain.Iterations {
				t.Errorf("weights 1: log-likelihood %v after %d iterations, without weights %v after %d; params %v %v shares %v %v post %v ll %v trace %v",
					one.LogLik, one.Iterations, plain.LogLik, plain.Iterations, one.Params, plain.Params, one.Shares, plain.Shares,
					reflect.DeepEqual(one.Posterior, plain.Posterior), reflect.DeepEqual(one.PersonLogLik, plain.PersonLogLik), reflect.DeepEqual(one.Trace, plain.Trace))
			}
			ctx := context.Background()
			a, err := Information(ctx, plain.Components, plain.Prior, nil, plain.Posterior, 2)
			if err != nil {
				t.Fatal(err)
			}
			b, err := WeightedInformation(ctx, one.Components, one.Prior, nil, one.Posterior, ones, 2)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(a, b) {
				t.Error("weights 1: the information differs from that without weights")
			}
		})
	}
}

// weightedSubset gives p (whose Subset picks y's shards) a Subset that
// carries the weights w (nil: none) of the sampled persons.
func weightedSubset(p *Problem, y []float64, k int, w []float64) *Problem {
	p.Subset = func(shards []int) *Problem {
		var sub, sw []float64
		for _, s := range shards {
			from, to := Shard(s, len(y))
			sub = append(sub, y[from:to]...)
			if w != nil {
				sw = append(sw, w[from:to]...)
			}
		}
		sp := toyProblem(sub, k)
		sp.Weights = sw
		return sp
	}
	return p
}

// TestWeightedMonotone: with non-integer weights the weighted
// log-likelihood never decreases, with plain EM and SQUAREM, with runs on
// a sample of a Subset and with a multinomial logit of membership, and
// the result is the same at 1 and 4 threads.
func TestWeightedMonotone(t *testing.T) {
	y, _, _, _, _ := weightedToy(2*ShardSize+17, 8)
	rng := rand.New(rand.NewPCG(8, 1))
	w := make([]float64, len(y))
	for i := range w {
		w[i] = 0.2 + 3*rng.Float64()
	}
	_, x, _, _, _ := weightedToy(len(y), 8)
	for _, tc := range []struct {
		name  string
		s     Settings
		logit bool
	}{
		{"plain", Settings{Accelerate: PlainEM}, false},
		{"accelerate", Settings{}, false},
		{"sample", Settings{StartSample: ShardSize}, false},
		{"logit", Settings{Accelerate: PlainEM}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var first *Result
			for _, threads := range []int{1, 4} {
				var asked []int
				p := weightedSubset(toySubsetProblem(y, 3, &asked), y, 3, w)
				p.Weights = w
				if tc.logit {
					// The data have two groups (covariateData).
					p = toyProblem(y, 2)
					p.Weights, p.Membership = w, MultinomialLogit{X: x}
				}
				s := tc.s
				s.Seed, s.Starts, s.Keep, s.Threads, s.MaxIterations = 5, 4, 2, threads, 500
				res, err := Fit(p, &s)
				if err != nil {
					t.Fatal(err)
				}
				if d := decreases(res.Trace); d > 0 {
					t.Errorf("the weighted log-likelihood decreased in %d iterations", d)
				}
				if tc.s.StartSample > 0 && res.Starts.Sample == 0 {
					t.Errorf("no runs on a sample: %+v", res.Starts)
				}
				if first == nil {
					first = res
					continue
				}
				if res.LogLik != first.LogLik || !reflect.DeepEqual(res.Params, first.Params) || !reflect.DeepEqual(res.Posterior, first.Posterior) {
					t.Errorf("threads %d: result differs (loglik %v vs %v)", threads, res.LogLik, first.LogLik)
				}
			}
		})
	}
}

// TestWeightErrors: weights of the wrong length, zero, negative, NaN or
// infinite are errors, as is a Subset that drops them.
func TestWeightErrors(t *testing.T) {
	y := toyData(100, []float64{0.5, 0.5}, []float64{1, 5}, 1)
	good := make([]float64, len(y))
	for i := range good {
		good[i] = 1
	}
	bad := func(i int, v float64) []float64 {
		w := append([]float64(nil), good...)
		w[i] = v
		return w
	}
	for name, w := range map[string][]float64{
		"short":    good[:50],
		"zero":     bad(3, 0),
		"negative": bad(3, -1),
		"NaN":      bad(3, math.NaN()),
		"Inf":      bad(3, math.Inf(1)),
	} {
		p := toyProblem(y, 2)
		p.Weights = w
		if _, err := Fit(p, nil); err == nil {
			t.Errorf("%s weights: no error", name)
		}
	}
	big := toyData(2*ShardSize+17, []float64{0.5, 0.5}, []float64{1, 5}, 1)
	var asked []int
	p := toySubsetProblem(big, 2, &asked)
	p.Weights = make([]float64, len(big))
	for i := range p.Weights {
		p.Weights[i] = 2
	}
	if _, err := Fit(p, &Settings{StartSample: ShardSize}); err == nil {
		t.Error("a Subset that drops the weights: no error")
	}
}

// TestWeightedIterationAllocs: an EM iteration with weights allocates
// nothing in steady state.
func TestWeightedIterationAllocs(t *testing.T) {
	y := toyData(10_000, []float64{0.5, 0.3, 0.2}, []float64{0.5, 3, 9}, 7)
	p := toyProblem(y, 3)
	p.Weights = make([]float64, len(y))
	for i := range p.Weights {
		p.Weights[i] = 1 + float64(i%3)
	}
	pool := newPool(2)
	defer pool.close()
	r := newRun(context.Background(), p, pool, nil, false)
	s := (&Settings{Seed: 1}).Resolved()
	r.start(1, p, &s)
	r.iterate(5, 0, 0)
	if a := testing.AllocsPerRun(20, func() {
		r.mStep(true)
		r.ll = r.eStep()
	}); a > 0 {
		t.Errorf("%v allocations per weighted iteration, want 0", a)
	}
}
