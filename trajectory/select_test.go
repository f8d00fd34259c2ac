package trajectory

import (
	"math"
	"slices"
	"testing"

	"github.com/trajkit/trajkit/mixture"
)

// TestSelectTrueK: on well-separated data simulated from the model family
// (three quadratic Poisson groups), select over K = 1..5 recommends K = 3.
func TestSelectTrueK(t *testing.T) {
	s := WindowScaling(12, 35)
	tr := TruthFromCoefficients(s, 12, 35, []float64{0.5, 0.3, 0.2},
		[][]float64{{-2.5, 0, -0.3}, {0.2, -1.2, -1}, {1, 0.6, -0.6}}, nil)
	c, _, err := Simulate(tr, Design{Persons: 600, CensorShare: 0.2}, 21)
	if err != nil {
		t.Fatal(err)
	}
	sel, err := Select(c, SelectSettings{Distribution: Poisson, MinGroups: 1, MaxGroups: 5, MinOrder: 2, MaxOrder: 2, Fit: Settings{Search: mixture.Settings{Seed: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	if sel.Recommended == nil || sel.Recommended.Groups != 3 {
		t.Fatalf("recommended %+v, want 3 groups; reason: %s", sel.Recommended, sel.Reason)
	}
	if len(sel.Candidates) != 5 {
		t.Errorf("%d candidates, want 5", len(sel.Candidates))
	}
	if sel.Fit == nil || sel.Fit.Inference == nil || len(sel.Fit.Groups) != 3 {
		t.Fatal("no refit with standard errors for the recommended model")
	}
	if sel.Fit.LogLik < sel.Recommended.LogLik-1e-6 {
		t.Errorf("refit log-likelihood %v below the selection's %v", sel.Fit.LogLik, sel.Recommended.LogLik)
	}
	// The BIC ranking: every candidate's BIC is −2ℓ + p ln N.
	for _, cd := range sel.Candidates {
		if want := -2*cd.LogLik + float64(cd.NumParams)*math.Log(600); math.Abs(cd.BICPersons-want) > 1e-9 {
			t.Errorf("K=%d: BIC %v, want %v", cd.Groups, cd.BICPersons, want)
		}
	}
}

// TestSelectOrderSearch: the order search visits each model once, and
// every model it moves to has a lower BIC.
func TestSelectOrderSearch(t *testing.T) {
	s := WindowScaling(12, 35)
	tr := TruthFromCoefficients(s, 12, 35, []float64{0.6, 0.4},
		[][]float64{{-1.5}, {0.5, -0.8, -1.2}}, nil)
	c, _, err := Simulate(tr, Design{Persons: 500}, 22)
	if err != nil {
		t.Fatal(err)
	}
	sel, err := Select(c, SelectSettings{Distribution: Poisson, MinGroups: 2, MaxGroups: 2, MinOrder: 0, MaxOrder: 3, CV: 3, Fit: Settings{Search: mixture.Settings{Seed: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, cd := range sel.Candidates {
		key := modelKey(cd.Orders, cd.Inflation)
		if seen[key] {
			t.Errorf("model %s visited twice", key)
		}
		seen[key] = true
		if math.IsNaN(cd.CVLogLik) || math.IsNaN(cd.CVE) || cd.CVLogLik > 0 {
			t.Errorf("orders %v: cv log-likelihood %v, CVE %v", cd.Orders, cd.CVLogLik, cd.CVE)
		}
	}
	// The truth is a constant and a quadratic group.
	r := sel.Recommended
	if r == nil || modelKey(r.Orders, r.Inflation) != modelKey([]int{0, 2}, []int{-1, -1}) {
		t.Errorf("recommended %+v, want orders {0, 2}", r)
	}
}

func TestModelKey(t *testing.T) {
	if modelKey([]int{3, 2, 3}, []int{0, -1, 0}) != modelKey([]int{2, 3, 3}, []int{-1, 0, 0}) {
		t.Error("relabelled groups give different keys")
	}
	if modelKey([]int{3, 2}, []int{0, -1}) == modelKey([]int{3, 2}, []int{-1, 0}) {
		t.Error("different models give the same key")
	}
}

// TestScoreInSample: scoring the fitted data gives the fit's
// log-likelihood and posteriors.
func TestScoreInSample(t *testing.T) {
	c := testCareers(t, 300, 41)
	f, err := Fit(c, mustModel(t, ZIP, 2, nil, nil), &Settings{Search: mixture.Settings{Seed: 1}, NoSE: true})
	if err != nil {
		t.Fatal(err)
	}
	ll, post := f.Score(c)
	if math.Abs(ll-f.LogLik) > 1e-9*math.Abs(ll) {
		t.Errorf("score %v, fit %v", ll, f.LogLik)
	}
	for k := range post {
		for i := range post[k] {
			if math.Abs(post[k][i]-f.Posterior[k][i]) > 1e-12 {
				t.Fatalf("posterior %d,%d: %v vs %v", k, i, post[k][i], f.Posterior[k][i])
			}
		}
	}
}

func TestKassRaftery(t *testing.T) {
	for _, tc := range []struct {
		d    float64
		want string
	}{{0.5, "weak"}, {2, "positive"}, {5.9, "positive"}, {6, "strong"}, {10, "very strong"}, {50, "very strong"}} {
		if got := KassRaftery(tc.d); got != tc.want {
			t.Errorf("KassRaftery(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

// TestParseOrders: commas and semicolons separate the same list, and
// ParseOrders reads what FormatOrders writes (selection.csv's orders).
func TestParseOrders(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []int
	}{
		{"3", []int{3}},
		{"2,3,3", []int{2, 3, 3}},
		{"2;3;3", []int{2, 3, 3}},
		{" 0 ; 3 ", []int{0, 3}},
		{"-1,0;1", []int{-1, 0, 1}},
	} {
		got, err := ParseOrders(tc.in)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("ParseOrders(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{"", " ", "2,,3", "3;", ";3", "2 3", "x", "2.5", "2|3"} {
		if got, err := ParseOrders(in); err == nil {
			t.Errorf("ParseOrders(%q) = %v, want an error", in, got)
		}
	}
	for _, v := range [][]int{{3}, {0, 3}, {2, 3, 3, 1}, {-1, -1}} {
		if got, err := ParseOrders(FormatOrders(v)); err != nil || !slices.Equal(got, v) {
			t.Errorf("ParseOrders(FormatOrders(%v)) = %v, %v", v, got, err)
		}
	}
}
