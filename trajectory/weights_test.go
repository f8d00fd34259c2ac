package trajectory

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/mixture"
)

// replicated returns integer weights 1 to 3 for the n persons and the
// index list that replicates each person as often as her weight says.
func replicated(n int, seed uint64) (w []float64, idx []int) {
	rng := rand.New(rand.NewPCG(seed, 3))
	w = make([]float64, n)
	for i := range w {
		w[i] = float64(1 + rng.IntN(3))
		for range int(w[i]) {
			idx = append(idx, i)
		}
	}
	return w, idx
}

// TestWeightsReplicate: integer weights give the fit of the persons
// replicated as often as their weights say. Fit rescales the weights to
// sum to N, the persons observed, so what is compared is:
//
//   - the estimates (β, inflation, log α, log σ, shares, membership
//     coefficients): equal within tol (1e-6 for most families, 1e-5 for
//     ZIP) times the standard error where it is above 1 (a zero
//     inflation near its boundary), the precision at which EM stops;
//   - the log-likelihood: the weighted one times Σw/N equals the
//     replicated one, within a relative 1e-9;
//   - the standard errors: the weighted information is N/Σw times the
//     replicated one, so SE·sqrt(N/Σw) equals the replicated SE, within a
//     relative 1e-4.
func TestWeightsReplicate(t *testing.T) {
	cn, _, _ := cnormCareers(t, 400, 5, Censoring{0, 8})
	nbCommon := mustModel(t, NB, 2, []int{2}, nil)
	nbCommon.CommonDispersion = true
	for _, tc := range []struct {
		name string
		c    *Careers
		m    Model
		risk bool
		// EM on ZIP converges slowly along the rate and inflation of a
		// group, so both fits stop within about 1e-6 of the maximum
		// there; a zero inflation near its boundary is flatter still,
		// so the tolerance grows with the standard error above 1.
		tol float64
	}{
		{"poisson", testCareers(t, 700, 5), mustModel(t, Poisson, 3, []int{2, 3, 2}, nil), false, 1e-6},
		{"zip", testCareers(t, 700, 5), mustModel(t, ZIP, 3, []int{2, 3, 2}, nil), false, 1e-5},
		{"risk factors", nil, mustModel(t, Poisson, 3, []int{0, 2, 2}, nil), true, 1e-6},
		{"nb", nbCareers(t, 400, 5, false), mustModel(t, NB, 2, []int{2}, nil), false, 1e-6},
		{"nb common", nbCareers(t, 400, 5, false), nbCommon, false, 1e-6},
		{"cnorm", cn, Model{Distribution: CNorm, Orders: []int{2, 2}, Inflation: []int{-1, -1}, Censor: Censoring{0, 8}}, false, 1e-6},
		{"logit", binaryCareers(t, Logit, 400, 5, false), mustModel(t, Logit, 2, []int{2}, nil), false, 1e-6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, m := tc.c, tc.m
			var risk *RiskDesign
			if tc.risk {
				c, risk = riskCareers(t, 700, 5, [][]float64{{0, 0, 0}, {-0.3, 0.8, 0}, {-1, 0.5, 1.2}})
			}
			w, idx := replicated(c.Len(), 7)
			var sum float64
			for _, v := range w {
				sum += v
			}
			scale := sum / float64(c.Len())
			search := mixture.Settings{Seed: 2, Tolerance: 1e-13}
			wf, err := Fit(c, m, &Settings{Search: search, Weights: w, Risk: risk})
			if err != nil {
				t.Fatal(err)
			}
			rf, err := Fit(c.subset(idx), m, &Settings{Search: search, Risk: risk.subset(idx)})
			if err != nil {
				t.Fatal(err)
			}
			if wf.Status != mixture.Converged || rf.Status != mixture.Converged {
				t.Fatalf("status %v weighted, %v replicated", wf.Status, rf.Status)
			}
			if got := wf.LogLik * scale; math.Abs(got-rf.LogLik) > 1e-9*math.Abs(rf.LogLik) {
				t.Errorf("weighted log-likelihood × Σw/N = %.10f, replicated %.10f", got, rf.LogLik)
			}
			if !wf.Settings.Weighted || rf.Settings.Weighted {
				t.Errorf("weighted flags %v (weighted fit), %v (replicated)", wf.Settings.Weighted, rf.Settings.Weighted)
			}
			wp, rp := wf.Params(), rf.Params()
			tol := tc.tol
			for j := range wp {
				if math.Abs(wp[j]-rp[j]) > tol*max(1, rf.Inference.SE[j]) {
					t.Errorf("parameter %d (%s): %.9f weighted, %.9f replicated", j, wf.Inference.Names[j], wp[j], rp[j])
				}
			}
			for j := range wf.Groups {
				if d := wf.Groups[j].Share - rf.Groups[j].Share; math.Abs(d) > 1e-6 {
					t.Errorf("group %d: share %.9f weighted, %.9f replicated", j+1, wf.Groups[j].Share, rf.Groups[j].Share)
				}
			}
			for j := range wf.Inference.SE {
				got, want := wf.Inference.SE[j]/math.Sqrt(scale), rf.Inference.SE[j]
				if math.Abs(got/want-1) > 1e-4 {
					t.Errorf("SE of %s: %.8f weighted / sqrt(Σw/N), %.8f replicated", wf.Inference.Names[j], got, want)
				}
			}
			for j := range wf.Groups {
				got, want := float64(wf.Groups[j].ShareSE)/math.Sqrt(scale), float64(rf.Groups[j].ShareSE)
				if math.Abs(got/want-1) > 1e-4 {
					t.Errorf("group %d: share SE %.8f weighted / sqrt(Σw/N), %.8f replicated", j+1, got, want)
				}
			}
		})
	}
}

// TestWeightsOne: weights all 1 give a byte-identical model file (timing
// and the weighted flag aside), with constant shares and risk factors.
func TestWeightsOne(t *testing.T) {
	c, risk := riskCareers(t, 600, 9, [][]float64{{0, 0, 0}, {-0.3, 0.8, 0}, {-1, 0.5, 1.2}})
	m := mustModel(t, Poisson, 3, []int{0, 2, 2}, nil)
	ones := make([]float64, c.Len())
	for i := range ones {
		ones[i] = 1
	}
	for _, r := range []*RiskDesign{nil, risk} {
		search := mixture.Settings{Seed: 3, Starts: 6}
		plain := fitFileJSON(t, c, m, &Settings{Search: search, Risk: r})
		f, err := Fit(c, m, &Settings{Search: search, Risk: r, Weights: ones})
		if err != nil {
			t.Fatal(err)
		}
		delete(f.Timing, "fit_seconds")
		f.Settings.Weighted = false
		one, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(one, plain) {
			t.Errorf("risk %v: weights 1 give another model file than no weights", r != nil)
		}
	}
}

// TestWeightsMonotone: with non-integer weights the weighted
// log-likelihood never decreases.
func TestWeightsMonotone(t *testing.T) {
	c := testCareers(t, 1500, 11)
	rng := rand.New(rand.NewPCG(1, 2))
	w := make([]float64, c.Len())
	for i := range w {
		w[i] = 0.1 + 4*rng.Float64()
	}
	for _, acc := range []mixture.Acceleration{mixture.PlainEM, mixture.SQUAREM} {
		f, err := Fit(c, mustModel(t, ZIP, 3, nil, nil), &Settings{Search: mixture.Settings{Seed: 1, Starts: 4, Accelerate: acc}, Weights: w, NoSE: true})
		if err != nil {
			t.Fatal(err)
		}
		for j := 1; j < len(f.Trace); j++ {
			if f.Trace[j] < f.Trace[j-1]-1e-12*math.Abs(f.Trace[j]) {
				t.Fatalf("%v: the weighted log-likelihood fell at iteration %d: %.12f to %.12f", acc, j, f.Trace[j-1], f.Trace[j])
			}
		}
	}
}

// TestWeightsErrors: weights of the wrong length, zero, negative, NaN or
// infinite are errors that say what is wrong.
func TestWeightsErrors(t *testing.T) {
	c := testCareers(t, 50, 1)
	m := mustModel(t, Poisson, 2, []int{1}, nil)
	bad := func(i int, v float64) []float64 {
		w := make([]float64, c.Len())
		for j := range w {
			w[j] = 1
		}
		w[i] = v
		return w
	}
	for _, tc := range []struct {
		name string
		w    []float64
		want string
	}{
		{"short", make([]float64, 3), "weights for 3 persons"},
		{"zero", bad(4, 0), "person 5: weight 0"},
		{"negative", bad(0, -2), "person 1: weight -2"},
		{"NaN", bad(1, math.NaN()), "person 2: weight NaN"},
		{"Inf", bad(1, math.Inf(1)), "person 2: weight +Inf"},
	} {
		_, err := Fit(c, m, &Settings{Weights: tc.w})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one with %q", tc.name, err, tc.want)
		}
	}
}

// TestWeightsBootstrapAndCV: a weighted fit bootstraps (person and
// parametric) and cross-validates, and its folds carry the weights: with
// integer weights the cross-validated log-likelihood is finite and
// differs from the unweighted one.
func TestWeightsBootstrapAndCV(t *testing.T) {
	c := testCareers(t, 400, 13)
	w, _ := replicated(c.Len(), 2)
	m := mustModel(t, Poisson, 2, []int{2}, nil)
	s := &Settings{Search: mixture.Settings{Seed: 1, Starts: 4}, Weights: w}
	f, err := Fit(c, m, s)
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range []string{PersonBootstrap, ParametricBootstrap} {
		if err := f.Bootstrap(c, s, BootstrapSettings{Replicates: 20, Type: typ, Seed: 3}); err != nil {
			t.Fatal(err)
		}
		if r := f.BootstrapReport; r.Failed > 5 {
			t.Errorf("%s bootstrap: %d of 20 replicates failed", typ, r.Failed)
		}
	}
	folds := makeFolds(c.Len(), 3, 1)
	wll, _ := crossValidate(c, m, f, folds, s, nil)
	plain, err := Fit(c, m, &Settings{Search: s.Search})
	if err != nil {
		t.Fatal(err)
	}
	ll, _ := crossValidate(c, m, plain, folds, &Settings{Search: s.Search}, nil)
	if math.IsNaN(wll) || math.IsNaN(ll) || wll == ll {
		t.Errorf("cross-validated log-likelihood %v weighted, %v without weights", wll, ll)
	}
	sel, err := Select(c, SelectSettings{Distribution: Poisson, MinGroups: 1, MaxGroups: 2, MinOrder: 2, MaxOrder: 2, CV: 2, Fit: *s})
	if err != nil {
		t.Fatal(err)
	}
	for _, cd := range sel.Candidates {
		if cd.fit != nil && !cd.fit.Settings.Weighted {
			t.Errorf("candidate K = %d: not weighted", cd.Groups)
		}
	}
}

// TestWeightsSample: the runs on a sample of the persons
// (Search.StartSample) carry the sampled persons' weights: weights all 1
// give the model file of no weights, and integer weights the estimates of
// the fit without the sample search (within 1e-6).
func TestWeightsSample(t *testing.T) {
	c := testCareers(t, 3*mixture.ShardSize, 17)
	m := mustModel(t, Poisson, 3, []int{2, 3, 2}, nil)
	ones := make([]float64, c.Len())
	for i := range ones {
		ones[i] = 1
	}
	search := mixture.Settings{Seed: 2, Starts: 4, Keep: 2, StartSample: mixture.ShardSize}
	plain := fitFileJSON(t, c, m, &Settings{Search: search, NoSE: true})
	f, err := Fit(c, m, &Settings{Search: search, NoSE: true, Weights: ones})
	if err != nil {
		t.Fatal(err)
	}
	if f.Starts.Sample == 0 {
		t.Fatalf("no runs on a sample: %+v", f.Starts)
	}
	delete(f.Timing, "fit_seconds")
	f.Settings.Weighted = false
	if one, err := json.Marshal(f); err != nil || !bytes.Equal(one, plain) {
		t.Errorf("weights 1 with a sample search: another model file than no weights (%v)", err)
	}
	w, _ := replicated(c.Len(), 5)
	sampled, err := Fit(c, m, &Settings{Search: search, NoSE: true, Weights: w})
	if err != nil {
		t.Fatal(err)
	}
	all := search
	all.StartSample = -1
	whole, err := Fit(c, m, &Settings{Search: all, NoSE: true, Weights: w})
	if err != nil {
		t.Fatal(err)
	}
	sp, wp := sampled.Params(), whole.Params()
	for j := range sp {
		if math.Abs(sp[j]-wp[j]) > 1e-6 {
			t.Errorf("parameter %d: %.9f after a sample search, %.9f without", j, sp[j], wp[j])
		}
	}
}
