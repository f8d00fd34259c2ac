package trajectory

import (
	"math"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/mixture"
)

// multiSelectOutcomes simulates n persons in three groups (shares 0.5,
// 0.3, 0.2) at ages 12-35 with two outcomes sharing them: quadratic
// Poisson counts, well separated (mean rates about 0.07, 0.5 and 2), and
// quadratic logit indicators that differ in shape. The templates give
// order 2 to every group of each outcome.
func multiSelectOutcomes(t *testing.T, n int, seed uint64) []Outcome {
	t.Helper()
	s := WindowScaling(12, 35)
	shares := []float64{0.5, 0.3, 0.2}
	poisson := TruthFromCoefficients(s, 12, 35, shares,
		[][]float64{{-2.5, 0, -0.3}, {0.2, -1.2, -1}, {1, 0.6, -0.6}}, nil)
	logit := Truth{Distribution: Logit, MinAge: 12, Shares: shares, Prob: make([][]float64, 3)}
	lc := [][]float64{{-2, 0.5, 0}, {0, -1, -0.5}, {-0.5, 1, -0.5}}
	for k := range lc {
		logit.Prob[k] = make([]float64, 24)
		for a := range logit.Prob[k] {
			logit.Prob[k][a] = expit(horner(lc[k], s.Scaled(float64(12+a))))
		}
	}
	cs, _ := simulateJoint(t, []Truth{poisson, logit}, n, seed)
	return []Outcome{
		{Name: "counts", Careers: cs[0], Model: Model{Distribution: Poisson, Orders: []int{2}}},
		{Name: "any", Careers: cs[1], Model: Model{Distribution: Logit, Orders: []int{2}}},
	}
}

// TestSelectMultiTrueK: on two outcomes simulated with three shared
// groups, SelectMulti over K = 1..4 recommends K = 3 by BIC, refits it
// with standard errors, and every BIC is −2ℓ + p ln N.
func TestSelectMultiTrueK(t *testing.T) {
	outs := multiSelectOutcomes(t, 700, 31)
	sel, err := SelectMulti(outs, SelectSettings{MinGroups: 1, MaxGroups: 4, Fit: Settings{Search: mixture.Settings{Seed: 1, Starts: 10}}})
	if err != nil {
		t.Fatal(err)
	}
	if sel.Recommended == nil || sel.Recommended.Groups != 3 {
		t.Fatalf("recommended %+v, want 3 groups; reason: %s", sel.Recommended, sel.Reason)
	}
	if sel.BestBIC.Groups != 3 {
		t.Errorf("the lowest BIC has %d groups, want 3", sel.BestBIC.Groups)
	}
	if len(sel.Candidates) != 4 || len(sel.Outcomes) != 2 {
		t.Fatalf("%d candidates of %d outcomes, want 4 of 2", len(sel.Candidates), len(sel.Outcomes))
	}
	if sel.Fit == nil || sel.Fit.Inference == nil || !sel.Fit.IsMulti() || len(sel.Fit.Groups) != 3 {
		t.Fatal("no multi-trajectory refit with standard errors for the recommended model")
	}
	for _, cd := range sel.Candidates {
		if want := -2*cd.LogLik + float64(cd.NumParams)*math.Log(700); math.Abs(cd.BICPersons-want) > 1e-9 {
			t.Errorf("K=%d: BIC %v, want %v", cd.Groups, cd.BICPersons, want)
		}
		if len(cd.Outcomes) != 2 || len(cd.Outcomes[1].Orders) != cd.Groups || cd.Outcomes[1].Distribution != Logit || !math.IsNaN(cd.CVE) {
			t.Errorf("K=%d: outcomes %+v, CVE %v", cd.Groups, cd.Outcomes, cd.CVE)
		}
	}
	if strings.Contains(sel.Reason, "orders") {
		t.Errorf("the reason names orders of one outcome: %s", sel.Reason)
	}
}

// TestSelectMultiCVThreads: the cross-validation of a multi-trajectory
// search gives the same bits with one thread and with two, a joint CV
// log-likelihood below zero and a CVE per outcome.
func TestSelectMultiCVThreads(t *testing.T) {
	outs := multiSelectOutcomes(t, 300, 32)
	run := func(threads int) *Selection {
		sel, err := SelectMulti(outs, SelectSettings{MinGroups: 2, MaxGroups: 3, CV: 4, Fit: Settings{Search: mixture.Settings{Seed: 2, Starts: 4, Threads: threads}}})
		if err != nil {
			t.Fatal(err)
		}
		return sel
	}
	one, two := run(1), run(2)
	for i, a := range one.Candidates {
		b := two.Candidates[i]
		if a.BICPersons != b.BICPersons || a.CVLogLik != b.CVLogLik {
			t.Errorf("K=%d: BIC %v and CV log-likelihood %v with one thread, %v and %v with two", a.Groups, a.BICPersons, a.CVLogLik, b.BICPersons, b.CVLogLik)
		}
		if math.IsNaN(a.CVLogLik) || a.CVLogLik >= 0 {
			t.Errorf("K=%d: CV log-likelihood %v", a.Groups, a.CVLogLik)
		}
		for o := range a.Outcomes {
			if x, y := a.Outcomes[o].CVE, b.Outcomes[o].CVE; x != y || !(x > 0) {
				t.Errorf("K=%d, outcome %s: CVE %v with one thread, %v with two", a.Groups, a.Outcomes[o].Name, x, y)
			}
		}
	}
}

// TestSelectMultiOneOutcome: a multi-trajectory search of one outcome is
// Select's without an order search: the same models and starts, so the
// same BICs (to 1e-9), recommendation and cross-validation; with
// time-varying covariates too, whose effects the warm starts of larger K
// split with their groups.
func TestSelectMultiOneOutcome(t *testing.T) {
	tcov, _ := tcovCareers(t, 400, 43, [][]float64{{-0.5, 0.3}, {-0.8, 0.1}})
	for _, tc := range []struct {
		name string
		c    *Careers
	}{{"zip", testCareers(t, 400, 43)}, {"zip-tcov", tcov}} {
		t.Run(tc.name, func(t *testing.T) { checkSelectMultiOneOutcome(t, tc.c) })
	}
}

// checkSelectMultiOneOutcome compares Select and SelectMulti of one ZIP
// outcome of order 2 on careers c over K = 1..3.
func checkSelectMultiOneOutcome(t *testing.T, c *Careers) {
	fit := Settings{Search: mixture.Settings{Seed: 3, Starts: 5}}
	single, err := Select(c, SelectSettings{Distribution: ZIP, MinGroups: 1, MaxGroups: 3, MinOrder: 2, MaxOrder: 2, CV: 3, Fit: fit})
	if err != nil {
		t.Fatal(err)
	}
	multi, err := SelectMulti([]Outcome{{Name: "y", Careers: c, Model: Model{Distribution: ZIP, Orders: []int{2}}}},
		SelectSettings{MinGroups: 1, MaxGroups: 3, CV: 3, Fit: fit})
	if err != nil {
		t.Fatal(err)
	}
	if len(multi.Candidates) != len(single.Candidates) {
		t.Fatalf("%d candidates, Select %d", len(multi.Candidates), len(single.Candidates))
	}
	for i, a := range single.Candidates {
		b := multi.Candidates[i]
		if math.Abs(a.BICPersons-b.BICPersons) > 1e-9 || math.Abs(a.BICObs-b.BICObs) > 1e-9 || a.NumParams != b.NumParams {
			t.Errorf("K=%d: BIC %.12f (obs %.12f) multi, %.12f (%.12f) Select", a.Groups, b.BICPersons, b.BICObs, a.BICPersons, a.BICObs)
		}
		if math.Abs(a.CVLogLik-b.CVLogLik) > 1e-9*math.Abs(a.CVLogLik) || math.Abs(a.CVE-b.Outcomes[0].CVE) > 1e-9 {
			t.Errorf("K=%d: CV log-likelihood %v and CVE %v multi, %v and %v Select", a.Groups, b.CVLogLik, b.Outcomes[0].CVE, a.CVLogLik, a.CVE)
		}
	}
	if (single.Recommended == nil) != (multi.Recommended == nil) || single.Recommended != nil && single.Recommended.Groups != multi.Recommended.Groups {
		t.Errorf("recommended %v multi, %v Select", multi.Recommended, single.Recommended)
	}
}

// TestSelectMultiTcov: a search over K = 1..3 of the two outcomes of
// tcovOutcomes (two groups, a covariate whose effects differ by outcome
// and group) recommends two groups, each candidate with K·O effects of
// the covariate among its parameters.
func TestSelectMultiTcov(t *testing.T) {
	cs, _ := tcovOutcomes(t, 800, 12)
	outs := tcovOutcomeModels(t, cs)
	for o := range outs {
		outs[o].Model = Model{Distribution: outs[o].Model.Distribution, Orders: outs[o].Model.Orders[:1]}
	}
	sel, err := SelectMulti(outs, SelectSettings{MinGroups: 1, MaxGroups: 3, Fit: Settings{Search: mixture.Settings{Seed: 1, Starts: 5}}})
	if err != nil {
		t.Fatal(err)
	}
	if sel.Recommended == nil || sel.Recommended.Groups != 2 {
		t.Fatalf("recommended %+v, want 2 groups; reason: %s", sel.Recommended, sel.Reason)
	}
	for _, cd := range sel.Candidates {
		// Shares, then per group offences' 3 β and any's 2, and a δ each.
		if want := cd.Groups - 1 + cd.Groups*(3+2+2); cd.NumParams != want {
			t.Errorf("K=%d: %d parameters, want %d", cd.Groups, cd.NumParams, want)
		}
	}
	if f := sel.Fit; f == nil || len(f.Outcomes[1].Groups[0].TcovCoef.Values) != 1 || len(f.Outcomes[1].Groups[0].TcovSE.Values) != 1 {
		t.Errorf("the recommended model's refit has no effects of the covariate with SEs: %+v", sel.Fit)
	}
}

// TestSelectMultiRefuses: what a multi-trajectory search does not do is
// an error that says so.
func TestSelectMultiRefuses(t *testing.T) {
	outs := multiSelectOutcomes(t, 60, 33)
	perGroup := append([]Outcome(nil), outs...)
	perGroup[0].Model.Orders = []int{1, 2}
	for _, tc := range []struct {
		name string
		outs []Outcome
		s    SelectSettings
		want string
	}{
		{"order range", outs, SelectSettings{MinGroups: 1, MaxGroups: 2, MinOrder: 1, MaxOrder: 3}, "per-group orders of several outcomes is not supported"},
		{"distribution", outs, SelectSettings{MinGroups: 1, MaxGroups: 2, Distribution: ZIP}, "the outcomes' models give the distributions"},
		{"blrt", outs, SelectSettings{MinGroups: 1, MaxGroups: 2, BLRT: 19}, "bootstrap likelihood-ratio test"},
		{"orders per group", perGroup, SelectSettings{MinGroups: 1, MaxGroups: 3}, "outcome counts has orders for 2 groups"},
		{"no outcomes", nil, SelectSettings{MinGroups: 1, MaxGroups: 2}, "at least one outcome"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := SelectMulti(tc.outs, tc.s)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one that says %q", err, tc.want)
			}
		})
	}
}
