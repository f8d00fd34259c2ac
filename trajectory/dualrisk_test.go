package trajectory

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/trajkit/trajkit/mixture"
)

// TestDualRiskInformationFiniteDifference checks the score and observed
// information of a dual model whose π(k1) is a multinomial logit on two
// risk factors against finite differences of the log-likelihood and of
// the score, away from the maximum, as
// TestDualInformationFiniteDifference does for constant π(k1).
func TestDualRiskInformationFiniteDifference(t *testing.T) {
	a, b := dualOutcomes(t, 250)
	rng := rand.New(rand.NewPCG(8, 8))
	x := make([][]float64, a.Careers.Len())
	for i := range x {
		x[i] = []float64{rng.NormFloat64(), float64(rng.IntN(2))}
	}
	theta := []float64{0.3, -0.6, 0.4, // a's group 1 against group 2: intercept, x1, x2
		0.5, -0.2, -0.4, 0.6, // b's logits given a's group 1, then 2
		-1.5, 0.2, -0.3, -0.5, 0.5, -0.4, // a: group 1 β (order 2), γ0; group 2 β (order 1)
		-0.3, 0.6, 0.1, -0.6, 0.2, // b: group 1 β (order 1), group 2 β0, group 3 β (order 1)
		-0.7} // b's common log α
	for j := range theta {
		theta[j] += 0.05 * rng.NormFloat64()
	}
	checkMixtureDerivatives(t, theta, func(q []float64) (float64, []float64, []float64) { return dualMixtureOf(t, a, b, x, q) })
}

// TestFitDualUnchanged: without risk factors the dual fit of
// TestFitDualMonotone has the log-likelihood it had before risk factors
// could be given, to the bit: -0x1.21296e03b0e3p+14, printed with %x by
// FitDual on that test's data and settings at commit 818312b (linux/amd64),
// whose model.json was also identical byte for byte.
func TestFitDualUnchanged(t *testing.T) {
	a, b := dualOutcomes(t, 500)
	f, err := FitDual(a, b, &Settings{Search: mixture.Settings{Starts: 3, Seed: 1, Accelerate: mixture.PlainEM}})
	if err != nil {
		t.Fatal(err)
	}
	if want := -0x1.21296e03b0e3p+14; f.LogLik != want {
		t.Errorf("log-likelihood %x, before risk factors %x", f.LogLik, want)
	}
}

// dualRiskData simulates n persons for a dual model with risk factors:
// x ~ N(0, 1); A's group (Poisson, three groups, rates about 0.1, 0.6
// and 2.5 a year as in TestFitDualRecovery) drawn from the multinomial
// logit with log-odds against group 1 of coef[k−1] = (intercept, slope);
// B's (logit, two groups, probabilities about 0.06 and 0.45 a year) from
// π(k2 | k1) = given[k1].
func dualRiskData(t *testing.T, n int, coef [][]float64, given [][]float64) (Outcome, Outcome, *RiskDesign) {
	t.Helper()
	s := WindowScaling(12, 40)
	ta := TruthFromCoefficients(s, 12, 40, []float64{0.4, 0.3, 0.3}, [][]float64{{-2.3, 0.2}, {-0.5, -0.3, -0.6}, {0.9, -0.4}}, nil)
	tb := Truth{Distribution: Logit, MinAge: 12, Shares: []float64{0.5, 0.5}, Prob: make([][]float64, 2)}
	for k, p := range []float64{0.06, 0.45} {
		tb.Prob[k] = make([]float64, 29)
		for a := range tb.Prob[k] {
			tb.Prob[k][a] = p * (1 + 0.3*s.Scaled(float64(12+a)))
		}
	}
	rng := rand.New(rand.NewPCG(15, 2026))
	ga, gb := make([]int, n), make([]int, n)
	x := make([][]float64, n)
	for i := range ga {
		x[i] = []float64{rng.NormFloat64()}
		pi := make([]float64, len(coef)+1)
		pi[0] = 1
		tot := 1.0
		for k, c := range coef {
			pi[k+1] = math.Exp(c[0] + c[1]*x[i][0])
			tot += pi[k+1]
		}
		for k := range pi {
			pi[k] /= tot
		}
		ga[i] = draw(rng, cumulative(pi)) + 1
		gb[i] = draw(rng, cumulative(given[ga[i]-1])) + 1
	}
	ca, _, err := Simulate(ta, Design{Persons: n, Groups: ga}, 1)
	if err != nil {
		t.Fatal(err)
	}
	cb, _, err := Simulate(tb, Design{Persons: n, Groups: gb}, 2)
	if err != nil {
		t.Fatal(err)
	}
	risk := &RiskDesign{Variables: []string{"x"}, Names: []string{"x"}, Of: []int{0}, BaseLevels: []string{""}, X: x}
	return Outcome{Name: "a", Careers: ca, Model: mustModel(t, Poisson, 3, []int{1, 2, 1}, nil)},
		Outcome{Name: "b", Careers: cb, Model: mustModel(t, Logit, 2, []int{1}, nil)}, risk
}

// TestFitDualRiskRecovery: with π(k1) a multinomial logit on a risk
// factor, the log-odds of A's groups come back from seeded simulated
// data within 3 standard errors and π(k2 | k1) within 0.03, N = 8,000
// (the design of dualRiskData, whose groups are told apart nearly
// surely). A's shares are the means of π_i(k1), the Wald test of x
// rejects, and the fit reads back from JSON with the same parameters.
func TestFitDualRiskRecovery(t *testing.T) {
	const n = 8000
	coef := [][]float64{{-0.3, 0.8}, {-0.6, -0.7}} // groups 2 and 3 against 1
	given := [][]float64{{0.8, 0.2}, {0.4, 0.6}, {0.1, 0.9}}
	a, b, risk := dualRiskData(t, n, coef, given)
	f, err := FitDual(a, b, &Settings{Search: mixture.Settings{Starts: 5, Seed: 1}, Risk: risk, Reference: 1})
	if err != nil {
		t.Fatal(err)
	}
	ga := f.Outcomes[0].Groups
	if f.Covariates == nil || f.Covariates.Reference != 1 || len(f.Covariates.Wald) != 1 {
		t.Fatalf("covariates %+v", f.Covariates)
	}
	for j, g := range ga {
		if len(g.MembershipCoef.Values) != 2 || len(g.MembershipSE.Values) != 2 {
			t.Fatalf("group %d: coefficients %v, se %v", j+1, g.MembershipCoef, g.MembershipSE)
		}
		if j == 0 {
			if g.MembershipCoef.Values[0] != 0 || g.MembershipCoef.Values[1] != 0 {
				t.Errorf("reference group's coefficients %v, want zeros", g.MembershipCoef.Values)
			}
			continue
		}
		for a, want := range coef[j-1] {
			got, se := g.MembershipCoef.Values[a], g.MembershipSE.Values[a]
			t.Logf("group %d %s: %.4f (se %.4f), true %.2f", j+1, g.MembershipCoef.Names[a], got, se, want)
			if !(se > 0) || math.Abs(got-want) > 3*se {
				t.Errorf("group %d %s = %.4f (se %.4f), true %.2f", j+1, g.MembershipCoef.Names[a], got, se, want)
			}
		}
	}
	for k1, row := range given {
		for k2, want := range row {
			if got := f.Transition.BGivenA[k1][k2]; math.Abs(got-want) > 0.03 || !(f.Transition.BGivenASE[k1][k2] > 0) {
				t.Errorf("π(%d | %d) = %.4f (se %v), true %.2f", k2+1, k1+1, got, f.Transition.BGivenASE[k1][k2], want)
			}
		}
	}
	// A's shares: the means of the fitted π_i(k1).
	mean := make([]float64, 3)
	for _, xi := range risk.X {
		pi := make([]float64, 3)
		var tot float64
		for k, g := range ga {
			pi[k] = math.Exp(g.MembershipCoef.Values[0] + g.MembershipCoef.Values[1]*xi[0])
			tot += pi[k]
		}
		for k := range pi {
			mean[k] += pi[k] / tot / n
		}
	}
	for k, g := range ga {
		if math.Abs(g.Share-mean[k]) > 1e-9 || !(g.ShareSE > 0) {
			t.Errorf("group %d: share %.6f (se %v), mean π_i %.6f", k+1, g.Share, g.ShareSE, mean[k])
		}
	}
	if w := f.Covariates.Wald[0]; w.DF != 2 || !(w.P < 1e-6) {
		t.Errorf("Wald test %+v", w)
	}
	// (K1 − 1)(1 + R) + K1 (K2 − 1) membership parameters and the outcomes'.
	if want := 4 + 3 + (2 + 3 + 2) + (2 + 2); f.NumParams != want || len(f.Params()) != want || len(f.Inference.Names) != want {
		t.Errorf("%d parameters (%d in Params, %d named), want %d", f.NumParams, len(f.Params()), len(f.Inference.Names), want)
	}
	raw, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	var back Fitted
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	got, want := back.Params(), f.Params()
	for j := range want {
		if math.Abs(got[j]-want[j]) > 1e-12*(1+math.Abs(want[j])) {
			t.Errorf("parameter %d (%s): %v read back, %v fitted", j, f.Inference.Names[j], got[j], want[j])
		}
	}
}

// TestFitDualRiskWeightsSampleThreads: a dual fit with a risk factor,
// sampling weights and the start search on a sample of the persons (its
// multinomial logit on the sample's risk factors and weights; N = 9,000,
// more than twice the sample of one shard) gives the
// same bits with one thread and with four, and has standard errors.
func TestFitDualRiskWeightsSampleThreads(t *testing.T) {
	a, b, risk := dualRiskData(t, 9000, [][]float64{{-0.3, 0.8}, {-0.6, -0.7}}, [][]float64{{0.8, 0.2}, {0.4, 0.6}, {0.1, 0.9}})
	rng := rand.New(rand.NewPCG(4, 4))
	w := make([]float64, 9000)
	for i := range w {
		w[i] = 0.5 + rng.Float64()
	}
	var fits [2]*Fitted
	for j, threads := range []int{1, 4} {
		f, err := FitDual(a, b, &Settings{Search: mixture.Settings{Starts: 4, Keep: 2, Seed: 3, Threads: threads, StartSample: mixture.ShardSize}, Risk: risk, Weights: w})
		if err != nil {
			t.Fatal(err)
		}
		fits[j] = f
	}
	p, q := fits[0].Params(), fits[1].Params()
	for j := range p {
		if p[j] != q[j] {
			t.Errorf("parameter %d: %v with one thread, %v with four", j, p[j], q[j])
		}
	}
	se := fits[0].Outcomes[0].Groups[1].MembershipSE.Values
	if fits[0].LogLik != fits[1].LogLik || len(se) != 2 || !(se[1] > 0) || fits[0].Starts.Sample == 0 {
		t.Errorf("log-likelihoods %v and %v, group 2's log-odds se %v, sample %d", fits[0].LogLik, fits[1].LogLik, se, fits[0].Starts.Sample)
	}
}
