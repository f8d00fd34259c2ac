package trajectory

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"

	"github.com/trajkit/trajkit/mixture"
)

// TestFitMultiOneOutcome: a multi-trajectory model of one outcome is the
// single-outcome model: the same maximum (log-likelihood within 1e-9),
// curves and standard errors, with time-varying covariates the same
// effects δ and their standard errors too.
func TestFitMultiOneOutcome(t *testing.T) {
	tcov, _ := tcovCareers(t, 600, 41, [][]float64{{-0.5, 0.3}, {-0.8, 0.1}})
	for _, tc := range []struct {
		name string
		c    *Careers
		m    Model
		last string // the name of the last parameter
	}{
		{"zip", testCareers(t, 600, 41), mustModel(t, ZIP, 3, []int{2, 3, 2}, []int{0, -1, 0}), "y_g3_gamma0"},
		{"zip-tcov", tcov, mustModel(t, ZIP, 2, []int{2, 2}, []int{0, -1}), "y_g2_tcov_hours"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkMultiOneOutcome(t, tc.c, tc.m, tc.last)
		})
	}
}

// checkMultiOneOutcome fits careers c with model m alone and as the one
// outcome y of a multi-trajectory model, and compares the fits.
func checkMultiOneOutcome(t *testing.T, c *Careers, m Model, last string) {
	s := &Settings{Search: mixture.Settings{Starts: 5, Seed: 3}}
	single, err := Fit(c, m, s)
	if err != nil {
		t.Fatal(err)
	}
	multi, err := FitMulti([]Outcome{{Name: "y", Careers: c, Model: m}}, s)
	if err != nil {
		t.Fatal(err)
	}
	if d := math.Abs(single.LogLik - multi.LogLik); d > 1e-9 {
		t.Errorf("log-likelihood %.12f multi, %.12f single", multi.LogLik, single.LogLik)
	}
	if multi.NumParams != single.NumParams || multi.BICObs != single.BICObs {
		t.Errorf("parameters %d and BIC %v multi, %d and %v single", multi.NumParams, multi.BICObs, single.NumParams, single.BICObs)
	}
	if !slices.Equal(multi.TcovNames(), single.TcovNames()) {
		t.Errorf("time-varying covariates %q multi, %q single", multi.TcovNames(), single.TcovNames())
	}
	v := multi.Outcome(0)
	for j, g := range single.Groups {
		h := v.Groups[j]
		if math.Abs(g.Share-h.Share) > 1e-7 || math.Abs(float64(g.ShareSE-h.ShareSE)) > 1e-6 {
			t.Errorf("group %d: share %v (se %v) multi, %v (se %v) single", j+1, h.Share, h.ShareSE, g.Share, g.ShareSE)
		}
		for a := range g.Beta {
			if math.Abs(g.Beta[a]-h.Beta[a]) > 1e-6 || math.Abs(float64(g.BetaSE[a]-h.BetaSE[a])) > 1e-6 {
				t.Errorf("group %d: β%d %v (se %v) multi, %v (se %v) single", j+1, a, h.Beta[a], h.BetaSE[a], g.Beta[a], g.BetaSE[a])
			}
		}
		if len(h.TcovCoef.Values) != len(g.TcovCoef.Values) || len(h.TcovSE.Values) != len(g.TcovSE.Values) {
			t.Fatalf("group %d: δ %v (se %v) multi, %v (se %v) single", j+1, h.TcovCoef, h.TcovSE, g.TcovCoef, g.TcovSE)
		}
		for a, d := range g.TcovCoef.Values {
			if math.Abs(d-h.TcovCoef.Values[a]) > 1e-6 || math.Abs(g.TcovSE.Values[a]-h.TcovSE.Values[a]) > 1e-6 {
				t.Errorf("group %d: δ %s %v (se %v) multi, %v (se %v) single", j+1, g.TcovCoef.Names[a], h.TcovCoef.Values[a], h.TcovSE.Values[a], d, g.TcovSE.Values[a])
			}
		}
		for a, p := range g.Curve {
			q := h.Curve[a]
			if math.Abs(p.Mean-q.Mean) > 1e-7*p.Mean || math.Abs(float64(p.MeanHi-q.MeanHi)) > 1e-6*float64(p.MeanHi) {
				t.Errorf("group %d age %d: mean %v [.., %v] multi, %v [.., %v] single", j+1, p.Age, q.Mean, q.MeanHi, p.Mean, p.MeanHi)
			}
		}
	}
	names := multi.paramNames()
	if n := names[len(names)-1]; n != last {
		t.Errorf("the last parameter is %q, want %q", n, last)
	}
}

// jointCareers returns three outcomes of n persons: ZIP counts, counts for
// a negative binomial with a common dispersion (shared parameters) and
// any-offence indicators with time at risk (cloglog).
func jointCareers(t *testing.T, n int) []Outcome {
	t.Helper()
	return []Outcome{
		{Name: "a", Careers: testCareers(t, n, 33), Model: mustModel(t, ZIP, 2, []int{2, 1}, []int{0, -1})},
		{Name: "b", Careers: testCareers(t, n, 34), Model: Model{Distribution: NB, Orders: []int{1, 2}, Inflation: []int{-1, -1}, CommonDispersion: true}},
		{Name: "c", Careers: testCareers(t, n, 35).Binarize(), Model: mustModel(t, Cloglog, 2, []int{1, 0}, nil)},
	}
}

// TestJointInformationFiniteDifference checks the joint family's score
// and observed information, the shared dispersion's blocks included,
// against finite differences of the mixture log-likelihood and its score.
func TestJointInformationFiniteDifference(t *testing.T) {
	outs := jointCareers(t, 250)
	theta := []float64{0.2, // share logit
		-1.5, 0.2, -0.3, -0.5, 0.3, -0.2, -1.2, 0.2, // group 1: a's β (order 2) and γ0, b's β (order 1), c's β (order 1)
		0.5, -0.4, -0.3, 0.6, -0.1, -0.6, // group 2: a's β (order 1), b's β (order 2), c's β0
		-0.7} // b's common log α
	rng := rand.New(rand.NewPCG(7, 7))
	for j := range theta {
		theta[j] += 0.05 * rng.NormFloat64()
	}
	at := func(q []float64) (float64, []float64, []float64) {
		fams, sh := jointFamilies(outs, func(o int) *Careers { return outs[o].Careers }, WindowScaling(12, 40))
		return mixtureOf(t, fams, sh, q)
	}
	checkMixtureDerivatives(t, theta, at)
}

// TestFitMultiMonotone: EM on the joint model, with an outcome's shared
// dispersion (an ECM step), never lowers the log-likelihood, and the fit
// writes and reads back as model.json.
func TestFitMultiMonotone(t *testing.T) {
	outs := jointCareers(t, 400)
	f, err := FitMulti(outs, &Settings{Search: mixture.Settings{Starts: 3, Seed: 1, Accelerate: mixture.PlainEM}})
	if err != nil {
		t.Fatal(err)
	}
	for j := 1; j < len(f.Trace); j++ {
		if f.Trace[j] < f.Trace[j-1]-1e-9*math.Abs(f.Trace[j-1]) {
			t.Fatalf("iteration %d: log-likelihood %.10f after %.10f", j, f.Trace[j], f.Trace[j-1])
		}
	}
	if len(f.Outcomes) != 3 || f.Outcomes[1].DispersionCommon == nil || !*f.Outcomes[1].DispersionCommon {
		t.Fatalf("outcomes %+v", f.Outcomes)
	}
	for o, out := range f.Outcomes {
		for j, g := range out.Groups {
			if len(g.Curve) != 29 || len(g.BetaSE) != len(g.Beta) || math.IsNaN(float64(g.Curve[5].MeanLo)) {
				t.Errorf("outcome %d group %d: %d curve points, %d βs with %d SEs, interval %v", o, j+1, len(g.Curve), len(g.Beta), len(g.BetaSE), g.Curve[5].MeanLo)
			}
		}
	}
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte(`"curve":null`)) || !bytes.Contains(b, []byte(`"outcomes":[{"name":"a","distribution":"zip"`)) {
		t.Errorf("model.json: %.400s", b)
	}
	var back Fitted
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Outcomes[2].Groups[1].Curve[3].Mean != f.Outcomes[2].Groups[1].Curve[3].Mean || back.Groups[1].Curve != nil ||
		back.Groups[1].Share != f.Groups[1].Share {
		t.Errorf("read back: %+v", back.Outcomes[2].Groups[1])
	}
	if got, want := back.Params(), f.Params(); len(got) != len(want) {
		t.Errorf("%d parameters read back, %d fitted", len(got), len(want))
	}
}

// TestFitMultiFlexmix compares the multi-trajectory maximum with flexmix's
// on the same data: testdata/multi_flexmix.csv (600 simulated persons,
// ages 12-30, a Poisson count y1 and an indicator y2 sharing three
// classes), fitted by bench/multi_reference.R with flexmix 2.3.18 in R
// 4.2.2:
//
//	flexmix(~ 1 | id, data = d, k = 3, model = list(
//	    FLXMRglm(y1 ~ a + I(a^2), family = "poisson"),
//	    FLXMRglm(cbind(y2, 1 - y2) ~ a + I(a^2), family = "binomial")),
//	    control = list(iter.max = 5000, tolerance = 1e-10, minprior = 0))
//
// from 30 random starts, all of which reached the same maximum, with a =
// (age − 21)/9, the window scaling of ages 12-30. flexmix's log-likelihood
// is per person and includes −log y!, as trajkit's does.
func TestFitMultiFlexmix(t *testing.T) {
	b, err := os.ReadFile("testdata/multi_flexmix.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		LogLik  float64 `json:"logLik"`
		DF      int     `json:"loglik_df"`
		Classes []struct {
			Prior   float64            `json:"prior"`
			Poisson map[string]float64 `json:"poisson"`
			Logit   map[string]float64 `json:"logit"`
		} `json:"classes"`
	}
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("testdata/multi_flexmix.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	counts, binary := NewCareerBuilder(), NewCareerBuilder()
	for _, r := range rows[1:] { // id,age,y1,y2
		age, _ := strconv.Atoi(r[1])
		y1, _ := strconv.Atoi(r[2])
		y2, _ := strconv.Atoi(r[3])
		counts.mustAdd(counts.Person(r[0]), age, uint32(y1), 1)
		binary.mustAdd(binary.Person(r[0]), age, uint32(y2), 1)
	}
	c1, err := counts.Build(false)
	if err != nil {
		t.Fatal(err)
	}
	c2, err := binary.Build(false)
	if err != nil {
		t.Fatal(err)
	}
	fit, err := FitMulti([]Outcome{
		{Name: "y1", Careers: c1, Model: mustModel(t, Poisson, 3, []int{2}, nil)},
		{Name: "y2", Careers: c2, Model: mustModel(t, Logit, 3, []int{2}, nil)},
	}, &Settings{Search: mixture.Settings{Starts: 20, Seed: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if fit.LogLik < ref.LogLik-1e-6 || fit.LogLik > ref.LogLik+1e-6 {
		t.Errorf("log-likelihood %.10f, flexmix %.10f", fit.LogLik, ref.LogLik)
	}
	t.Logf("log-likelihood %.10f, flexmix %.10f", fit.LogLik, ref.LogLik)
	if fit.NumParams != ref.DF {
		t.Errorf("%d parameters, flexmix's df %d", fit.NumParams, ref.DF)
	}
	for j, cl := range ref.Classes {
		if d := math.Abs(fit.Groups[j].Share - cl.Prior); d > 1e-5 {
			t.Errorf("group %d: share %.8f, flexmix %.8f", j+1, fit.Groups[j].Share, cl.Prior)
		}
		for o, want := range []map[string]float64{cl.Poisson, cl.Logit} {
			got := fit.Outcomes[o].Groups[j].Beta
			for a, name := range []string{"intercept", "a", "a^2"} {
				if math.Abs(got[a]-want[name]) > 1e-4 {
					t.Errorf("group %d, %s: %s %.7f, flexmix %.7f", j+1, fit.Outcomes[o].Name, name, got[a], want[name])
				}
			}
		}
	}
}

// simulateJoint draws careers of n persons for each truth, the persons'
// groups drawn once from the first truth's shares and shared by every
// outcome, each outcome with its own seed.
func simulateJoint(t testing.TB, truths []Truth, n int, seed uint64) ([]*Careers, []int) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 1))
	cum := cumulative(truths[0].Shares)
	groups := make([]int, n)
	for i := range groups {
		groups[i] = draw(rng, cum) + 1
	}
	cs := make([]*Careers, len(truths))
	for o, tr := range truths {
		c, _, err := Simulate(tr, Design{Persons: n, Groups: groups}, seed+uint64(o)+1)
		if err != nil {
			t.Fatal(err)
		}
		cs[o] = c
	}
	return cs, groups
}

// TestFitMultiRecovery fits three outcomes (ZIP, Poisson, logit) of four
// groups to 20,000 simulated persons observed at ages 12-40 and recovers
// the shares within 0.02 and every curve within 10% at every age (each
// group has more than 2,000 persons at every age). The groups are well
// separated in the first outcome (mean rates about 0.2, 0.6, 1.2 and 2.5
// apart from the shapes) and differ in shape in the others.
func TestFitMultiRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("20,000 persons")
	}
	truths := threeOutcomes()
	shares := truths[0].Shares
	outs := threeOutcomeModels(t, truths, 20000)
	f, err := FitMulti(outs, &Settings{Search: mixture.Settings{Starts: 5, Seed: 2}, NoSE: true})
	if err != nil {
		t.Fatal(err)
	}
	for k, g := range f.Groups {
		if math.Abs(g.Share-shares[k]) > 0.02 {
			t.Errorf("group %d: share %.4f, true %.2f", k+1, g.Share, shares[k])
		}
	}
	for o, tr := range truths {
		for k, g := range f.Outcomes[o].Groups {
			worst := 0.0
			for a, p := range g.Curve {
				want := trueMean(&tr, k, a)
				worst = math.Max(worst, math.Abs(p.Mean-want)/want)
			}
			if worst > 0.1 {
				t.Errorf("outcome %s group %d: the curve is up to %.1f%% off the truth", outs[o].Name, k+1, 100*worst)
			}
		}
	}
}

// threeOutcomes are the truths of TestFitMultiRecovery: four groups of
// ages 12-40 with shares 0.4, 0.25, 0.2 and 0.15, a ZIP, a Poisson and a
// logit outcome, each quadratic in age.
func threeOutcomes() []Truth {
	s := WindowScaling(12, 40)
	shares := []float64{0.4, 0.25, 0.2, 0.15}
	zip := TruthFromCoefficients(s, 12, 40, shares,
		[][]float64{{-1.5, 0.2, -0.3}, {-0.3, -0.8, -0.6}, {0.3, 0.6, -0.5}, {1, 0, -0.4}},
		[][]float64{{-1}, {-1.5}, {-1}, {-2}})
	poisson := TruthFromCoefficients(s, 12, 40, shares,
		[][]float64{{-1, 0.5, 0}, {-0.5, -0.5, -0.5}, {-0.2, 0.4, -0.3}, {0.3, -0.3, -0.3}}, nil)
	logit := Truth{Distribution: Logit, MinAge: 12, Shares: shares, Prob: make([][]float64, 4)}
	lc := [][]float64{{-1.5, 0.5, 0}, {0, -1, -0.5}, {-0.5, 1, -0.5}, {1, 0, -0.8}}
	for k := range lc {
		logit.Prob[k] = make([]float64, 29)
		for a := range logit.Prob[k] {
			logit.Prob[k][a] = expit(horner(lc[k], s.Scaled(float64(12+a))))
		}
	}
	return []Truth{zip, poisson, logit}
}

// threeOutcomeModels draws n persons from the truths of threeOutcomes
// (seed 11) and returns them with the true models' orders.
func threeOutcomeModels(t testing.TB, truths []Truth, n int) []Outcome {
	cs, _ := simulateJoint(t, truths, n, 11)
	model := func(d Distribution, infl []int) Model {
		m, err := NewModel(d, 4, []int{2}, infl)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	return []Outcome{
		{Name: "zip", Careers: cs[0], Model: model(ZIP, []int{0})},
		{Name: "poisson", Careers: cs[1], Model: model(Poisson, nil)},
		{Name: "logit", Careers: cs[2], Model: model(Logit, nil)},
	}
}

// BenchmarkFitMulti fits the three outcomes of threeOutcomes, four
// groups, to 10^5 persons: the default search (20 starts), with standard
// errors.
func BenchmarkFitMulti(b *testing.B) {
	outs := threeOutcomeModels(b, threeOutcomes(), 100000)
	b.ResetTimer()
	for b.Loop() {
		if _, err := FitMulti(outs, &Settings{}); err != nil {
			b.Fatal(err)
		}
	}
}

// trueMean is E[y] of the truth's group k at age index a (counts and
// logit).
func trueMean(tr *Truth, k, a int) float64 {
	if tr.Distribution == Logit {
		return tr.Prob[k][a]
	}
	m := tr.Rate[k][a]
	if tr.ZeroProb != nil && tr.ZeroProb[k] != nil {
		m *= 1 - tr.ZeroProb[k][a]
	}
	return m
}

// TestFitMultiRisk: risk factors of membership (traj's multrisk) in a
// multi-trajectory model: with one outcome the fit is the single-outcome
// fit with the same risk factors (log-likelihood to 1e-9, the log-odds and
// their SEs), and a second outcome of the same groups sharpens the
// membership model (smaller SEs of the log-odds).
func TestFitMultiRisk(t *testing.T) {
	gamma := [][]float64{{0, 0, 0}, {0.3, 1, -0.8}, {-0.5, -0.7, 1.2}}
	c, risk := riskCareers(t, 1500, 9, gamma)
	m := mustModel(t, Poisson, 3, []int{0, 2, 2}, nil)
	s := &Settings{Search: mixture.Settings{Starts: 5, Seed: 1}, Risk: risk}
	single, err := Fit(c, m, s)
	if err != nil {
		t.Fatal(err)
	}
	one, err := FitMulti([]Outcome{{Name: "y", Careers: c, Model: m}}, s)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(one.LogLik-single.LogLik) > 1e-9 {
		t.Errorf("log-likelihood %.10f with one outcome, %.10f single", one.LogLik, single.LogLik)
	}
	for j, g := range single.Groups {
		h := one.Groups[j]
		for a, b := range g.MembershipCoef.Values {
			if math.Abs(b-h.MembershipCoef.Values[a]) > 1e-6 || math.Abs(g.MembershipSE.Values[a]-h.MembershipSE.Values[a]) > 1e-6 {
				t.Errorf("group %d %s: %v (se %v) multi, %v (se %v) single", j+1, g.MembershipCoef.Names[a],
					h.MembershipCoef.Values[a], h.MembershipSE.Values[a], b, g.MembershipSE.Values[a])
			}
		}
	}
	// A second outcome of the same persons' groups, drawn with Design.Groups.
	groups := make([]int, c.Len())
	for i := range groups {
		groups[i] = AssignedGroup(single.Posterior, i)
	}
	tr := TruthFromCoefficients(WindowScaling(12, 35), 12, 35, []float64{0.4, 0.35, 0.25},
		[][]float64{{-1}, {0.5, 1, -1}, {0, -1, -0.5}}, nil)
	c2, _, err := Simulate(tr, Design{Persons: c.Len(), Groups: groups}, 99)
	if err != nil {
		t.Fatal(err)
	}
	two, err := FitMulti([]Outcome{{Name: "y", Careers: c, Model: m}, {Name: "z", Careers: c2, Model: mustModel(t, Poisson, 3, []int{2}, nil)}}, s)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := two.Groups[2].MembershipSE.Values[1], single.Groups[2].MembershipSE.Values[1]; !(got < want) {
		t.Errorf("SE of group 3's log-odds in x1: %v with two outcomes, %v with one", got, want)
	}
}
