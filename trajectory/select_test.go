package trajectory

import (
	"math"
	"slices"
	"strings"
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

// TestSelectRisk: risk factors enter every candidate of a search over K
// with an order search and cross-validation: each K ≥ 2 counts (K−1)·3
// membership coefficients (two risk factors and an intercept), the warm
// starts of larger K and of dropped terms take the engine's layout of
// them (a fresh fit of each candidate's model from the default starts
// reaches the search's log-likelihood within 1e-6 relative), the
// held-out folds are scored with their own covariates (finite CV), and
// the recommended model is the true one, K = 3 on careers simulated with
// a multinomial logit of membership (riskCareers).
func TestSelectRisk(t *testing.T) {
	gamma := [][]float64{{0, 0, 0}, {-0.3, 0.8, 0}, {-1, 0.5, 1.2}}
	c, risk := riskCareers(t, 600, 5, gamma)
	fit := Settings{Search: mixture.Settings{Seed: 1}, Risk: risk}
	sel, err := Select(c, SelectSettings{Distribution: Poisson, MinGroups: 1, MaxGroups: 3, MinOrder: 1, MaxOrder: 2, CV: 3, Fit: fit})
	if err != nil {
		t.Fatal(err)
	}
	for _, cd := range sel.Candidates {
		want := (cd.Groups - 1) * 3
		for _, o := range cd.Orders {
			want += o + 1
		}
		if cd.NumParams != want {
			t.Errorf("K=%d orders %v: %d parameters, want %d with the membership logit", cd.Groups, cd.Orders, cd.NumParams, want)
		}
		if math.IsNaN(cd.CVLogLik) || math.IsNaN(cd.CVE) {
			t.Errorf("K=%d orders %v: CV log-likelihood %v, CVE %v", cd.Groups, cd.Orders, cd.CVLogLik, cd.CVE)
		}
		fresh := fit
		fresh.NoSE = true
		f, err := Fit(c, Model{Distribution: Poisson, Orders: cd.Orders, Inflation: cd.Inflation}, &fresh)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(f.LogLik-cd.LogLik) > 1e-6*math.Abs(f.LogLik) {
			t.Errorf("K=%d orders %v: the search found %.6f, a fresh fit %.6f", cd.Groups, cd.Orders, cd.LogLik, f.LogLik)
		}
	}
	if r := sel.Recommended; r == nil || r.Groups != 3 {
		t.Fatalf("recommended %+v, want 3 groups: %s", r, sel.Reason)
	}
	if sel.Fit.Risk() == nil || len(sel.Fit.Groups[1].MembershipCoef.Values) != 3 || sel.Fit.Inference == nil {
		t.Errorf("the recommended fit has no membership model with standard errors: %+v", sel.Fit.Covariates)
	}
}

// TestSplitStarts: a start for K groups split from a fit with K−1 gives
// every person the fit's membership probabilities, with the split group's
// in two equal halves, with constant shares and with risk factors.
func TestSplitStarts(t *testing.T) {
	gamma := [][]float64{{0, 0, 0}, {-0.3, 0.8, 0}, {-1, 0.5, 1.2}}
	c, risk := riskCareers(t, 400, 9, gamma)
	for _, r := range []*RiskDesign{nil, risk} {
		prev, err := Fit(c, mustModel(t, Poisson, 2, []int{1, 2}, nil), &Settings{Search: mixture.Settings{Seed: 1, Starts: 4, Keep: 2}, Risk: r, NoSE: true})
		if err != nil {
			t.Fatal(err)
		}
		want := prev.memberships(c) // K−1 x N
		m := mustModel(t, Poisson, 3, []int{2}, nil)
		var memb mixture.Membership = mixture.ConstantShares{}
		np := 2
		if r != nil {
			memb, np = mixture.MultinomialLogit{X: r.X}, 2*3
		}
		starts := splitStarts(splitGroups(prev), prev.Risk() != nil, m)
		if len(starts) != 2 {
			t.Fatalf("risk %v: %d starts, want one per group of the fit", r != nil, len(starts))
		}
		for split, p := range starts {
			if len(p) != m.NumParams()+np-2 {
				t.Fatalf("risk %v: a start of %d parameters for a model of %d", r != nil, len(p), m.NumParams()+np-2)
			}
			prior := memb.NewPrior(3, c.Len())
			prior.SetParams(p[:np])
			lp := make([][]float64, 3)
			for j := range lp {
				lp[j] = make([]float64, c.Len())
			}
			prior.AddLogPrior(lp, 0, c.Len())
			for i := 0; i < c.Len(); i++ {
				var got []float64 // the split group's halves added back
				for j := 0; j < 3; j++ {
					v := math.Exp(lp[j][i])
					if j == split+1 {
						if h := math.Exp(lp[split][i]); math.Abs(v-h) > 1e-12 {
							t.Fatalf("risk %v, split %d, person %d: halves %v and %v", r != nil, split, i, h, v)
						}
						got[split] += v
						continue
					}
					got = append(got, v)
				}
				for j := range got {
					if math.Abs(got[j]-want[j][i]) > 1e-9 {
						t.Fatalf("risk %v, split %d, person %d: group %d probability %v, the fit's %v", r != nil, split, i, j+1, got[j], want[j][i])
					}
				}
			}
		}
	}
}

// TestSelectInflationList: per-group inflation orders (traj's iorder) stay
// with their groups through the order search; one value applies to every
// group; a list for one K with a range of K is an error.
func TestSelectInflationList(t *testing.T) {
	c := testCareers(t, 400, 12)
	fit := Settings{Search: mixture.Settings{Seed: 1, Starts: 8, Keep: 2}}
	for _, tc := range []struct {
		inflation []int
		want      []int // sorted inflation orders of every candidate
	}{
		{[]int{0, -1}, []int{-1, 0}},
		{[]int{-1}, []int{-1, -1}},
		{nil, []int{0, 0}},
	} {
		sel, err := Select(c, SelectSettings{Distribution: ZIP, MinGroups: 2, MaxGroups: 2, MinOrder: 1, MaxOrder: 3, Inflation: tc.inflation, Fit: fit})
		if err != nil {
			t.Fatal(err)
		}
		if len(sel.Candidates) < 2 {
			t.Errorf("inflation %v: %d candidates: no order search", tc.inflation, len(sel.Candidates))
		}
		for _, cd := range sel.Candidates {
			got := slices.Sorted(slices.Values(cd.Inflation))
			if !slices.Equal(got, tc.want) {
				t.Errorf("inflation %v: candidate orders %v with inflation orders %v, want %v", tc.inflation, cd.Orders, cd.Inflation, tc.want)
			}
		}
	}
	_, err := Select(c, SelectSettings{Distribution: ZIP, MinGroups: 1, MaxGroups: 2, MaxOrder: 2, Inflation: []int{0, -1}, Fit: fit})
	if err == nil || !strings.Contains(err.Error(), "2 inflation orders, one per group, are those of a 2-group model") {
		t.Errorf("a list of 2 over 1-2 groups: %v", err)
	}
}
