package trajectory

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/trajkit/trajkit/mixture"
	"gonum.org/v1/gonum/stat/distuv"
)

// dualTcovTruth is the truth of dualTcovCareers: outcome A Poisson in two
// groups (multiTcovTruth's curves and effects), outcome B logit in two
// (likewise), the pair of groups drawn from π(k1) π(k2 | k1), and the
// binary covariate employed acting on each outcome's linear predictor
// with an effect per outcome and group.
var dualTcovTruth = struct {
	shareA []float64
	given  [][]float64 // π(k2 | k1)
}{
	shareA: []float64{0.6, 0.4},
	given:  [][]float64{{0.7, 0.3}, {0.25, 0.75}},
}

// dualTcovCareers draws n persons of dualTcovTruth, observed from 14 to
// an age between 24 and 35, employed switching with probability 0.3 a
// year, and returns A's and B's careers, both with the covariate.
func dualTcovCareers(t testing.TB, n int, seed uint64) [2]*Careers {
	t.Helper()
	tr, dt := multiTcovTruth, dualTcovTruth
	s := WindowScaling(tr.minAge, tr.maxAge)
	rng := rand.New(rand.NewPCG(seed, 11))
	ba, bb := NewCareerBuilder(), NewCareerBuilder()
	type key struct{ i, age int }
	w := map[key][]float64{}
	for i := range n {
		k1 := draw(rng, cumulative(dt.shareA))
		k2 := draw(rng, cumulative(dt.given[k1]))
		pa, pb := ba.Person(itoa(i)), bb.Person(itoa(i))
		last := tr.minAge + 10 + rng.IntN(12)
		employed := float64(rng.IntN(2))
		for age := tr.minAge; age <= last; age++ {
			if rng.Float64() < 0.3 {
				employed = 1 - employed
			}
			a := s.Scaled(float64(age))
			lam := math.Exp(horner(tr.poisson[k1], a) + tr.dPoisson[k1]*employed)
			ba.mustAdd(pa, age, uint32(distuv.Poisson{Lambda: lam, Src: rng}.Rand()), 1)
			var y uint32
			if rng.Float64() < expit(horner(tr.logit[k2], a)+tr.dLogit[k2]*employed) {
				y = 1
			}
			bb.mustAdd(pb, age, y, 1)
			w[key{i, age}] = []float64{employed}
		}
	}
	var cs [2]*Careers
	for o, b := range []*CareerBuilder{ba, bb} {
		c, err := b.Build(false)
		if err != nil {
			t.Fatal(err)
		}
		if cs[o], err = c.WithTcov([]string{"employed"}, func(i, age int) []float64 { return w[key{i, age}] }); err != nil {
			t.Fatal(err)
		}
	}
	return cs
}

// dualTcovOutcomes are the outcomes of dualTcovCareers with the true
// orders, B in kb groups.
func dualTcovOutcomes(t testing.TB, cs [2]*Careers, kb int) (Outcome, Outcome) {
	t.Helper()
	outs := tcovOutcomeModels(t, cs[:])
	lm, err := NewModel(Logit, kb, []int{1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	outs[1].Model = lm
	return outs[0], outs[1]
}

// TestFitDualTcovRecovery: a dual model with a time-varying covariate
// recovers each outcome's and group's effect δ within three standard
// errors and the transition probabilities π(k2 | k1) within 0.05, from
// 10,000 simulated persons (dualTcovTruth); the parameters are named per
// outcome and group, each δ's SE the covariance's at its name, and
// model.json reads back with both outcomes' effects.
func TestFitDualTcovRecovery(t *testing.T) {
	tr, dt := multiTcovTruth, dualTcovTruth
	a, b := dualTcovOutcomes(t, dualTcovCareers(t, 10000, 21), 2)
	f, err := FitDual(a, b, &Settings{Search: mixture.Settings{Starts: 3, Seed: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if f.Status != mixture.Converged {
		t.Fatalf("status %s", f.Status)
	}
	for o, want := range [][]float64{tr.dPoisson, tr.dLogit} {
		for k, g := range f.Outcomes[o].Groups {
			got, se := g.TcovCoef.Values[0], g.TcovSE.Values[0]
			t.Logf("outcome %s group %d: δ = %.3f ± %.3f, true %.2f", f.Outcomes[o].Name, k+1, got, se, want[k])
			if !(math.Abs(got-want[k]) <= 3*se) || !(se < 0.2) {
				t.Errorf("outcome %s group %d: δ = %.3f ± %.3f, true %.2f", f.Outcomes[o].Name, k+1, got, se, want[k])
			}
		}
	}
	for k1, row := range dt.given {
		for k2, want := range row {
			if got := f.Transition.BGivenA[k1][k2]; math.Abs(got-want) > 0.05 {
				t.Errorf("π(%d | %d) = %.4f, true %.2f", k2+1, k1+1, got, want)
			}
		}
	}
	checkOutcomeTcovNames(t, f)
	raw, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	var back Fitted
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	if got := back.Outcomes[1].Groups[1].TcovCoef; len(got.Values) != 1 || got.Values[0] != f.Outcomes[1].Groups[1].TcovCoef.Values[0] {
		t.Errorf("read back %+v, written %+v", got, f.Outcomes[1].Groups[1].TcovCoef)
	}
	if back.Covariates == nil || !slices.Equal(back.Covariates.Tcov, []string{"employed"}) || back.Covariates.CurveAt == "" {
		t.Errorf("covariates read back %+v", back.Covariates)
	}
	if v := back.Outcome(1); !slices.Equal(v.TcovNames(), []string{"employed"}) {
		t.Errorf("outcome B's covariates %q", v.TcovNames())
	}
	// The fitted careers score to the fit's log-likelihood.
	sc, err := f.ScoreMulti([]*Careers{a.Careers, b.Careers}, nil, 2)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(sc.LogLik-f.LogLik) > 1e-9*math.Abs(f.LogLik) {
		t.Errorf("log-likelihood %.10f scored, %.10f fitted", sc.LogLik, f.LogLik)
	}
}

// TestFitDualTcovOneGroup: with one group of B (K2 = 1) and a
// time-varying covariate, the dual model is A's and B's single-outcome
// tcov fits side by side: the log-likelihood is their sum (to 1e-6), the
// parameter count too, and A's coefficients, effects δ and their
// standard errors are the single fit's (to 1e-3; the observed
// information is block diagonal between the outcomes).
func TestFitDualTcovOneGroup(t *testing.T) {
	a, b := dualTcovOutcomes(t, dualTcovCareers(t, 800, 22), 1)
	s := &Settings{Search: mixture.Settings{Starts: 3, Seed: 3}}
	dual, err := FitDual(a, b, s)
	if err != nil {
		t.Fatal(err)
	}
	fa, err := Fit(a.Careers, a.Model, s)
	if err != nil {
		t.Fatal(err)
	}
	fb, err := Fit(b.Careers, b.Model, s)
	if err != nil {
		t.Fatal(err)
	}
	if d := dual.LogLik - (fa.LogLik + fb.LogLik); math.Abs(d) > 1e-6 {
		t.Errorf("dual log-likelihood %.9f, single fits %.9f + %.9f (difference %.3g)", dual.LogLik, fa.LogLik, fb.LogLik, d)
	}
	if dual.NumParams != fa.NumParams+fb.NumParams {
		t.Errorf("%d parameters, single fits %d + %d", dual.NumParams, fa.NumParams, fb.NumParams)
	}
	near := func(what string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-3*math.Max(1, math.Abs(want)) {
			t.Errorf("%s: dual %.6f, single %.6f", what, got, want)
		}
	}
	for o, single := range []*Fitted{fa, fb} {
		for k, g := range dual.Outcomes[o].Groups {
			sg := single.Groups[k]
			for p := range g.Beta {
				near(fmt.Sprintf("outcome %d group %d β%d", o, k+1, p), g.Beta[p], sg.Beta[p])
			}
			near(fmt.Sprintf("outcome %d group %d δ", o, k+1), g.TcovCoef.Values[0], sg.TcovCoef.Values[0])
			near(fmt.Sprintf("outcome %d group %d se(δ)", o, k+1), g.TcovSE.Values[0], sg.TcovSE.Values[0])
		}
	}
	for k, g := range dual.Outcomes[0].Groups {
		near(fmt.Sprintf("share of A's group %d", k+1), g.Share, fa.Groups[k].Share)
	}
}

// TestDualTcovInformationFiniteDifference checks the dual model's score
// and observed information with a time-varying covariate in both
// outcomes (its δ after each group's β) against finite differences of the
// log-likelihood and of the score, away from the maximum.
func TestDualTcovInformationFiniteDifference(t *testing.T) {
	a, b := dualTcovOutcomes(t, dualTcovCareers(t, 200, 23), 2)
	theta := []float64{0.4, // A's share logit
		0.8, -1.1, // B's logits given A's group 1, then 2
		-1.1, 0.2, -0.5, -0.5, // A group 1: β (order 2), δ
		0.3, -0.4, -0.6, 0.2, // A group 2
		-1.4, 0.3, 0.7, // B group 1: β (order 1), δ
		0.1, -0.7, -0.4} // B group 2
	rng := rand.New(rand.NewPCG(9, 9))
	for j := range theta {
		theta[j] += 0.05 * rng.NormFloat64()
	}
	checkMixtureDerivatives(t, theta, func(q []float64) (float64, []float64, []float64) { return dualMixtureOf(t, a, b, nil, q) })
}
