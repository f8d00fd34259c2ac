package trajectory

import (
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/mixture"
)

// dualOutcomes returns two outcomes of n persons: ZIP counts in two
// groups, and counts for a negative binomial with a common dispersion
// (shared parameters) in three.
func dualOutcomes(t *testing.T, n int) (Outcome, Outcome) {
	t.Helper()
	return Outcome{Name: "a", Careers: testCareers(t, n, 33), Model: mustModel(t, ZIP, 2, []int{2, 1}, []int{0, -1})},
		Outcome{Name: "b", Careers: testCareers(t, n, 34), Model: Model{Distribution: NB, Orders: []int{1, 0, 1}, Inflation: []int{-1, -1, -1}, CommonDispersion: true}}
}

// dualMixtureOf returns the log-likelihood, score and observed
// information of a dual model at θ (membership logits, then φ), as
// mixtureOf does for constant shares; x are the risk factors of π(k1)
// (nil for none), θ then starts with their coefficients.
func dualMixtureOf(t *testing.T, a, b Outcome, x [][]float64, theta []float64) (float64, []float64, []float64) {
	t.Helper()
	fams, sh := dualFamilies(a.Careers, b.Careers, WindowScaling(12, 40), a.Model, b.Model)
	k1, k2 := a.Model.Groups(), b.Model.Groups()
	n := a.Careers.Len()
	m := dualMembership{k1: k1, k2: k2}
	if x != nil {
		m.a = mixture.MultinomialLogit{X: x}
	}
	prior := m.NewPrior(k1*k2, n)
	np := prior.NumParams()
	prior.SetParams(theta[:np])
	comps := make([]mixture.Component, len(fams))
	for c, f := range fams {
		comps[c] = f.NewComponent()
	}
	run := sh.NewRun(comps)
	run.SetParams(theta[np:])
	post := newMatrix(len(fams), n)
	ll := mixture.EStep(comps, prior, post, nil, 2)
	score, err := mixture.Score(comps, prior, run, post)
	if err != nil {
		t.Fatal(err)
	}
	info, err := mixture.Information(context.Background(), comps, prior, run, post, 2)
	if err != nil {
		t.Fatal(err)
	}
	return ll, score, info
}

// TestDualInformationFiniteDifference checks the dual model's score and
// observed information (membership logits of π(k1) and π(k2 | k1), every
// outcome group's parameters, the shared dispersion) against finite
// differences of the log-likelihood and of the score, away from the
// maximum.
func TestDualInformationFiniteDifference(t *testing.T) {
	a, b := dualOutcomes(t, 250)
	theta := []float64{0.3, // a's share logit
		0.5, -0.2, -0.4, 0.6, // b's logits given a's group 1, then 2
		-1.5, 0.2, -0.3, -0.5, 0.5, -0.4, // a: group 1 β (order 2), γ0; group 2 β (order 1)
		-0.3, 0.6, 0.1, -0.6, 0.2, // b: group 1 β (order 1), group 2 β0, group 3 β (order 1)
		-0.7} // b's common log α
	rng := rand.New(rand.NewPCG(7, 7))
	for j := range theta {
		theta[j] += 0.05 * rng.NormFloat64()
	}
	checkMixtureDerivatives(t, theta, func(q []float64) (float64, []float64, []float64) { return dualMixtureOf(t, a, b, nil, q) })
}

// TestFitDualMonotone: EM on the dual model, with the second outcome's
// shared dispersion (an ECM step), never lowers the log-likelihood; the
// fit has the parameter count (K1 − 1) + K1 (K2 − 1) plus the outcomes',
// standard errors, and writes and reads back as model.json.
func TestFitDualMonotone(t *testing.T) {
	a, b := dualOutcomes(t, 500)
	f, err := FitDual(a, b, &Settings{Search: mixture.Settings{Starts: 3, Seed: 1, Accelerate: mixture.PlainEM}})
	if err != nil {
		t.Fatal(err)
	}
	for j := 1; j < len(f.Trace); j++ {
		if f.Trace[j] < f.Trace[j-1]-1e-9*math.Abs(f.Trace[j-1]) {
			t.Fatalf("iteration %d: log-likelihood %.10f after %.10f", j, f.Trace[j], f.Trace[j-1])
		}
	}
	// a: 4 + 2 own; b: 2 + 1 + 2 own and 1 shared; membership 1 + 2·2.
	if want := 5 + 6 + 6; f.NumParams != want || len(f.Params()) != want || len(f.Inference.Names) != want {
		t.Errorf("%d parameters (%d in Params, %d named), want %d", f.NumParams, len(f.Params()), len(f.Inference.Names), want)
	}
	if len(f.Groups) != 6 || len(f.Outcomes[0].Groups) != 2 || len(f.Outcomes[1].Groups) != 3 {
		t.Fatalf("%d classes, outcomes of %d and %d groups", len(f.Groups), len(f.Outcomes[0].Groups), len(f.Outcomes[1].Groups))
	}
	for o, out := range f.Outcomes {
		var share float64
		for j, g := range out.Groups {
			share += g.Share
			if j > 0 && g.MeanCount < out.Groups[j-1].MeanCount {
				t.Errorf("outcome %d: group %d's mean %v below group %d's %v", o, j+1, g.MeanCount, j, out.Groups[j-1].MeanCount)
			}
			if !(g.ShareSE > 0) || !(g.APP > 0) || math.IsNaN(float64(g.Curve[5].MeanLo)) || len(g.BetaSE) != len(g.Beta) {
				t.Errorf("outcome %d group %d: share se %v, APP %v, interval %v", o, j+1, g.ShareSE, g.APP, g.Curve[5].MeanLo)
			}
		}
		if math.Abs(share-1) > 1e-9 || len(out.Posterior) != len(out.Groups) || len(out.Assigned) != f.NumPersons {
			t.Errorf("outcome %d: shares sum to %v, %d posterior rows, %d assigned", o, share, len(out.Posterior), len(out.Assigned))
		}
	}
	for a, row := range f.Transition.BGivenA {
		var s float64
		for b, x := range row {
			s += x
			if !(f.Transition.BGivenASE[a][b] > 0) || !(f.Transition.AGivenBSE[a][b] > 0) || !(f.Transition.JointSE[a][b] > 0) {
				t.Errorf("transition (%d, %d): standard errors %v, %v, %v", a+1, b+1, f.Transition.BGivenASE[a][b], f.Transition.AGivenBSE[a][b], f.Transition.JointSE[a][b])
			}
		}
		if math.Abs(s-1) > 1e-9 {
			t.Errorf("π(· | %d) sums to %v", a+1, s)
		}
	}
	raw, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	var back Fitted
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	if !back.IsDual() || back.Transition == nil || back.Transition.BGivenA[1][2] != f.Transition.BGivenA[1][2] ||
		back.Transition.JointSE[0][1] != f.Transition.JointSE[0][1] {
		t.Errorf("transition read back: %+v", back.Transition)
	}
	g, h := back.Outcomes[1].Groups[2], f.Outcomes[1].Groups[2]
	if g.Share != h.Share || g.ShareSE != h.ShareSE || g.NAssigned != h.NAssigned || g.APP != h.APP || g.Curve[3].Mean != h.Curve[3].Mean || g.Beta[0] != h.Beta[0] {
		t.Errorf("outcome group read back: %+v, fitted %+v", g, h)
	}
	got, want := back.Params(), f.Params()
	for j := range want {
		if math.Abs(got[j]-want[j]) > 1e-12*(1+math.Abs(want[j])) {
			t.Errorf("parameter %d (%s): %v read back, %v fitted", j, f.Inference.Names[j], got[j], want[j])
		}
	}
}

// TestFitDualOneGroup: with one group of the second outcome, the dual
// likelihood factors into the first outcome's mixture and the second's
// one-group likelihood, so its maximum is the sum of the two fits'.
func TestFitDualOneGroup(t *testing.T) {
	a := Outcome{Name: "a", Careers: testCareers(t, 600, 41), Model: mustModel(t, ZIP, 3, []int{2, 3, 2}, []int{0, -1, 0})}
	b := Outcome{Name: "b", Careers: testCareers(t, 600, 42), Model: mustModel(t, Poisson, 1, []int{2}, nil)}
	s := &Settings{Search: mixture.Settings{Starts: 5, Seed: 3}, NoSE: true}
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
}

// TestFitDualRecovery: the transition probabilities come back from
// seeded simulated data within 0.03. A is Poisson in three groups, B
// logit in two, N = 12,000 persons observed at every age 12..40. The
// design separates the groups well: A's rates are about 0.1, 0.6 and 2.5
// a year (mean counts over 29 years about 3, 17 and 70), B's
// probabilities about 0.06 and 0.45 a year, so that the
// maximum-posterior classification of either outcome is nearly certain
// and π(k2 | k1) is estimated from well-told-apart pairs.
func TestFitDualRecovery(t *testing.T) {
	const n = 12000
	s := WindowScaling(12, 40)
	shareA := []float64{0.5, 0.3, 0.2}
	given := [][]float64{{0.8, 0.2}, {0.4, 0.6}, {0.1, 0.9}} // π(k2 | k1)
	ta := TruthFromCoefficients(s, 12, 40, shareA, [][]float64{{-2.3, 0.2}, {-0.5, -0.3, -0.6}, {0.9, -0.4}}, nil)
	tb := Truth{Distribution: Logit, MinAge: 12, Shares: []float64{0.5, 0.5}, Prob: make([][]float64, 2)}
	for k, p := range []float64{0.06, 0.45} {
		tb.Prob[k] = make([]float64, 29)
		for a := range tb.Prob[k] {
			tb.Prob[k][a] = p * (1 + 0.3*s.Scaled(float64(12+a)))
		}
	}
	rng := rand.New(rand.NewPCG(15, 2001))
	ga, gb := make([]int, n), make([]int, n)
	for i := range ga {
		ga[i] = draw(rng, cumulative(shareA)) + 1
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
	a := Outcome{Name: "a", Careers: ca, Model: mustModel(t, Poisson, 3, []int{1, 2, 1}, nil)}
	b := Outcome{Name: "b", Careers: cb, Model: mustModel(t, Logit, 2, []int{1}, nil)}
	f, err := FitDual(a, b, &Settings{Search: mixture.Settings{Starts: 5, Seed: 1}})
	if err != nil {
		t.Fatal(err)
	}
	for k1, row := range given {
		for k2, want := range row {
			got := f.Transition.BGivenA[k1][k2]
			t.Logf("π(%d | %d) = %.4f (se %.4f), true %.2f", k2+1, k1+1, got, f.Transition.BGivenASE[k1][k2], want)
			if math.Abs(got-want) > 0.03 {
				t.Errorf("π(%d | %d) = %.4f, true %.2f", k2+1, k1+1, got, want)
			}
		}
	}
	for k1, want := range shareA {
		if got := f.Outcomes[0].Groups[k1].Share; math.Abs(got-want) > 0.02 {
			t.Errorf("π(%d) = %.4f, true %.2f", k1+1, got, want)
		}
	}
}

// TestFitDualThreads: the same seed gives the same bits with one thread
// and with four.
func TestFitDualThreads(t *testing.T) {
	a, b := dualOutcomes(t, 400)
	var fits [2]*Fitted
	for j, threads := range []int{1, 4} {
		f, err := FitDual(a, b, &Settings{Search: mixture.Settings{Starts: 3, Seed: 5, Threads: threads}})
		if err != nil {
			t.Fatal(err)
		}
		fits[j] = f
	}
	p, q := fits[0].Params(), fits[1].Params()
	if fits[0].LogLik != fits[1].LogLik || fits[0].Inference.SE[3] != fits[1].Inference.SE[3] {
		t.Errorf("log-likelihood %v with one thread, %v with four", fits[0].LogLik, fits[1].LogLik)
	}
	for j := range p {
		if p[j] != q[j] {
			t.Errorf("parameter %d: %v with one thread, %v with four", j, p[j], q[j])
		}
	}
}

// TestFitDualUnidentified: when the second outcome's two groups have the
// same curve in truth, the fitted curves nearly coincide and the fit warns
// that the columns of π(k1 | k2) are not identified, naming both groups.
func TestFitDualUnidentified(t *testing.T) {
	const n = 4000
	s := WindowScaling(12, 40)
	ta := TruthFromCoefficients(s, 12, 40, []float64{0.6, 0.4}, [][]float64{{-2.3, 0.2}, {0.5, -0.3, -0.6}}, nil)
	tb := Truth{Distribution: Logit, MinAge: 12, Shares: []float64{0.5, 0.5}, Prob: make([][]float64, 2)}
	for k := range tb.Prob {
		tb.Prob[k] = make([]float64, 29)
		for a := range tb.Prob[k] {
			tb.Prob[k][a] = 0.2 * (1 + 0.3*s.Scaled(float64(12+a)))
		}
	}
	rng := rand.New(rand.NewPCG(16, 2002))
	ga, gb := make([]int, n), make([]int, n)
	for i := range ga {
		ga[i] = draw(rng, cumulative([]float64{0.6, 0.4})) + 1
		gb[i] = draw(rng, cumulative([]float64{0.5, 0.5})) + 1
	}
	ca, _, err := Simulate(ta, Design{Persons: n, Groups: ga}, 3)
	if err != nil {
		t.Fatal(err)
	}
	cb, _, err := Simulate(tb, Design{Persons: n, Groups: gb}, 4)
	if err != nil {
		t.Fatal(err)
	}
	a := Outcome{Name: "a", Careers: ca, Model: mustModel(t, Poisson, 2, []int{1, 2}, nil)}
	b := Outcome{Name: "b", Careers: cb, Model: mustModel(t, Logit, 2, []int{1}, nil)}
	f, err := FitDual(a, b, &Settings{Search: mixture.Settings{Starts: 5, Seed: 1}})
	if err != nil {
		t.Fatal(err)
	}
	for j, g := range f.Outcomes[1].Groups {
		t.Logf("b group %d: share %.3f, mean at 12 %.4f, at 40 %.4f", j+1, g.Share, g.Curve[0].Mean, g.Curve[len(g.Curve)-1].Mean)
	}
	for _, w := range f.Warnings {
		t.Log(w.Message)
		if w.Kind == DualUnidentified && reflect.DeepEqual(w.Groups, []int{1, 2}) && strings.Contains(w.Message, "outcome b") {
			return
		}
	}
	t.Errorf("no %s warning for outcome b's groups 1 and 2: %v", DualUnidentified, f.Warnings)
}

// TestDualTransitionSE: the standard errors of the three transition
// tables are the delta method's, checked against a central-difference
// Jacobian of the tables in the membership logits (θ = log π(k1)/π(K1),
// then log π(k2 | k1)/π(K2 | k1) row by row) times the fit's covariance.
func TestDualTransitionSE(t *testing.T) {
	a, b := dualOutcomes(t, 600)
	f, err := FitDual(a, b, &Settings{Search: mixture.Settings{Starts: 3, Seed: 2}})
	if err != nil {
		t.Fatal(err)
	}
	k1, k2 := len(f.Outcomes[0].Groups), len(f.Outcomes[1].Groups)
	np := (k1 - 1) + k1*(k2-1)
	theta := f.dualParams()[:np]
	p := len(f.Inference.Names)
	// tables returns π(k2 | k1), π(k1 | k2) and π(k1, k2), flattened.
	tables := func(th []float64) [3][]float64 {
		softmax := func(eta []float64) []float64 {
			e := append(append([]float64{}, eta...), 0)
			m, s := 0.0, 0.0
			for _, x := range e {
				m = max(m, x)
			}
			for j, x := range e {
				e[j] = math.Exp(x - m)
				s += e[j]
			}
			for j := range e {
				e[j] /= s
			}
			return e
		}
		pa := softmax(th[:k1-1])
		var out [3][]float64
		colSum := make([]float64, k2)
		for i := range k1 {
			row := softmax(th[k1-1+i*(k2-1) : k1-1+(i+1)*(k2-1)])
			for j := range k2 {
				out[0] = append(out[0], row[j])
				out[2] = append(out[2], pa[i]*row[j])
				colSum[j] += pa[i] * row[j]
			}
		}
		for i := range k1 {
			for j := range k2 {
				out[1] = append(out[1], out[2][i*k2+j]/colSum[j])
			}
		}
		return out
	}
	at := tables(theta)
	tr := f.Transition
	for name, got := range map[string][][]float64{"BGivenA": tr.BGivenA, "AGivenB": tr.AGivenB, "Joint": tr.Joint} {
		w := map[string]int{"BGivenA": 0, "AGivenB": 1, "Joint": 2}[name]
		for i := range k1 {
			for j := range k2 {
				if d := math.Abs(got[i][j] - at[w][i*k2+j]); d > 1e-12 {
					t.Fatalf("%s[%d][%d] = %v, the logits give %v", name, i, j, got[i][j], at[w][i*k2+j])
				}
			}
		}
	}
	const h = 1e-6
	grad := make([][3][]float64, np)
	for a := range np {
		up, down := append([]float64{}, theta...), append([]float64{}, theta...)
		up[a] += h
		down[a] -= h
		tu, td := tables(up), tables(down)
		for w := range 3 {
			grad[a][w] = make([]float64, k1*k2)
			for c := range grad[a][w] {
				grad[a][w][c] = (tu[w][c] - td[w][c]) / (2 * h)
			}
		}
	}
	for w, se := range [3][][]Float{tr.BGivenASE, tr.AGivenBSE, tr.JointSE} {
		for c := range k1 * k2 {
			v := 0.0
			for a := range np {
				for b := range np {
					v += grad[a][w][c] * f.Inference.Cov[a*p+b] * grad[b][w][c]
				}
			}
			got, want := float64(se[c/k2][c%k2]), math.Sqrt(v)
			if math.Abs(got-want) > 1e-5*want+1e-9 {
				t.Errorf("table %d, cell (%d, %d): SE %.8g, the delta method by differences %.8g", w, c/k2+1, c%k2+1, got, want)
			}
		}
	}
}

// TestPairSeparation: with assignments as Fitted.Assigned holds them
// (1-based numbers), persons whose posteriors pick their own group give a
// separation of 1, a coin toss 0.5, and persons of a third group do not
// count.
func TestPairSeparation(t *testing.T) {
	post := [][]float64{{0.9, 0.1, 0.5, 0}, {0.1, 0.9, 0.5, 0}, {0, 0, 0, 1}}
	for _, tc := range []struct {
		name     string
		assigned []int
		want     float64
	}{
		{"separated", []int{1, 2, 3, 3}, 0.9},
		{"coin toss", []int{3, 3, 1, 3}, 0.5},
		{"none assigned", []int{3, 3, 3, 3}, 1},
	} {
		if got := pairSeparation(post, tc.assigned, 0, 1); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("%s: separation %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestFitDualEmptyClass: when B's group follows A's exactly (π(k2 | k1)
// is 0 or 1), the two joint classes without persons are estimates of 0,
// not collapsed groups: the fit converges. The collapse rule applies to
// each outcome's groups: a collapse share above a group's marginal share
// marks the fit degenerate and names the outcome.
func TestFitDualEmptyClass(t *testing.T) {
	const n = 1500
	s := WindowScaling(12, 40)
	ta := TruthFromCoefficients(s, 12, 40, []float64{0.6, 0.4}, [][]float64{{-2.3, 0.2}, {0.5, -0.3, -0.6}}, nil)
	tb := TruthFromCoefficients(s, 12, 40, []float64{0.6, 0.4}, [][]float64{{-1.5}, {0.8, -0.5}}, nil)
	rng := rand.New(rand.NewPCG(17, 2003))
	groups := make([]int, n)
	for i := range groups {
		groups[i] = draw(rng, cumulative([]float64{0.6, 0.4})) + 1
	}
	ca, _, err := Simulate(ta, Design{Persons: n, Groups: groups}, 5)
	if err != nil {
		t.Fatal(err)
	}
	cb, _, err := Simulate(tb, Design{Persons: n, Groups: groups}, 6)
	if err != nil {
		t.Fatal(err)
	}
	a := Outcome{Name: "a", Careers: ca, Model: mustModel(t, Poisson, 2, []int{1, 2}, nil)}
	b := Outcome{Name: "b", Careers: cb, Model: mustModel(t, Poisson, 2, []int{0, 1}, nil)}
	f, err := FitDual(a, b, &Settings{Search: mixture.Settings{Starts: 4, Seed: 1}, NoSE: true})
	if err != nil {
		t.Fatal(err)
	}
	if f.Status != mixture.Converged {
		t.Errorf("status %v: %v", f.Status, f.Warnings)
	}
	if p := f.Transition.BGivenA[0][1]; !(p < 0.01) {
		t.Errorf("π(2 | 1) = %.4f, want about 0", p)
	}
	if f.Settings.Settings.CollapseShare != mixture.DefaultCollapseShare {
		t.Errorf("recorded collapse share %v", f.Settings.Settings.CollapseShare)
	}
	g, err := FitDual(a, b, &Settings{Search: mixture.Settings{Starts: 4, Seed: 1, CollapseShare: 0.45}, NoSE: true})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, w := range g.Warnings {
		found = found || w.Kind == mixture.CollapsedGroup && strings.HasPrefix(w.Message, "outcome a: ")
	}
	if g.Status != mixture.Degenerate || !found {
		t.Errorf("collapse share 0.45: status %v, warnings %v", g.Status, g.Warnings)
	}
}
