package trajectory

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trajkit/trajkit/mixture"
)

// fourCubics is the exact-cubic four-group generator of the BLRT's tests:
// ages 12-30, every group a cubic in the window's scaled age (−1 to 1)
// with a non-zero cubic term, shares 0.4, 0.25, 0.2 and 0.15: a low
// group, an adolescence-limited peak, a late starter and a chronic high
// group, far apart.
func fourCubics(t testing.TB, persons int, seed uint64) *Careers {
	t.Helper()
	tr := TruthFromCoefficients(WindowScaling(12, 30), 12, 30, []float64{0.4, 0.25, 0.2, 0.15},
		[][]float64{{-2.2, 0.3, -0.4, 0.3}, {0.3, -0.6, -1.5, 0.6}, {-0.6, 1.5, 0.2, -0.6}, {1.2, 0.3, -0.4, -0.3}}, nil)
	c, _, err := Simulate(tr, Design{Persons: persons}, seed)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// twoQuadratics is the null generator of the size study: two quadratic
// groups (shares 0.6, 0.4) on ages 12-30.
func twoQuadratics(t testing.TB, persons int, seed uint64) *Careers {
	t.Helper()
	tr := TruthFromCoefficients(WindowScaling(12, 30), 12, 30, []float64{0.6, 0.4},
		[][]float64{{-1.8, 0.2, -0.3}, {0.4, 0.4, -1.0}}, nil)
	c, _, err := Simulate(tr, Design{Persons: persons}, seed)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// blrtSettings are the settings of the tests' searches: K in lo..hi, every
// group at the given order, B replicates.
func blrtSettings(lo, hi, order, b, threads int) SelectSettings {
	return SelectSettings{Distribution: Poisson, MinGroups: lo, MaxGroups: hi, MinOrder: order, MaxOrder: order, BLRT: b,
		Fit: Settings{Search: mixture.Settings{Seed: 1, Threads: threads}}}
}

func TestBLRTPValue(t *testing.T) {
	for _, tc := range []struct {
		name         string
		exceed, reps int
		want         float64
	}{
		{name: "none exceed of 19", exceed: 0, reps: 19, want: 0.05},
		{name: "none exceed of 199", exceed: 0, reps: 199, want: 0.005},
		{name: "all exceed", exceed: 199, reps: 199, want: 1},
		{name: "nine of 199", exceed: 9, reps: 199, want: 0.05},
		{name: "no replicate", exceed: 0, reps: 0, want: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := BLRTPValue(tc.exceed, tc.reps); math.Abs(got-tc.want) > 1e-15 {
				t.Errorf("BLRTPValue(%d, %d) = %v, want %v", tc.exceed, tc.reps, got, tc.want)
			}
		})
	}
}

// TestBLRTFourGroups: on clearly separated four-group data the test of
// 3 against 4 groups rejects (p is the smallest possible with B = 24,
// 0.04: B ≥ 20 is needed for p < 0.05) and that of 4 against 5 does not;
// the BLRT rule recommends 4. (With 200 persons and seed 16 instead of 17,
// 4 against 5 has p = 0.04: a type-I error, which the size study puts
// at about 5%.)
func TestBLRTFourGroups(t *testing.T) {
	c := fourCubics(t, 150, 17)
	s := blrtSettings(4, 5, 3, 24, 0)
	s.Recommend = RecommendBLRT
	sel, err := Select(c, s)
	if err != nil {
		t.Fatal(err)
	}
	if len(sel.Tests) != 2 {
		t.Fatalf("%d tests, want 2 (3 vs 4, 4 vs 5)", len(sel.Tests))
	}
	for _, tc := range []struct {
		k      int
		reject bool
	}{{4, true}, {5, false}} {
		tt := sel.Tests[tc.k-4]
		t.Logf("%d vs %d: LR %.2f, p %.3f, %d failed, %d negative, LR* %v", tc.k-1, tc.k, tt.LR, tt.P, tt.Failed, tt.Negative, tt.LRStar)
		if tt.Groups != tc.k {
			t.Errorf("test %d is of %d groups, want %d", tc.k-4, tt.Groups, tc.k)
		}
		if got := tt.P < BLRTLevel; got != tc.reject {
			t.Errorf("%d vs %d: p = %.3f: rejected %v, want %v", tc.k-1, tc.k, tt.P, got, tc.reject)
		}
		if tt.Failed > 1 {
			t.Errorf("%d vs %d: %d of %d replicates failed", tc.k-1, tc.k, tt.Failed, tt.Replicates)
		}
		if want := BLRTPValue(tt.Exceed, tt.Replicates-tt.Failed); tt.P != want {
			t.Errorf("p %v, want %v", tt.P, want)
		}
	}
	if sel.Candidates[0].BLRT != sel.Tests[0] || sel.Candidates[1].BLRT != sel.Tests[1] {
		t.Error("the tests are not attached to their candidates")
	}
	if sel.Recommended == nil || sel.Recommended.Groups != 4 {
		t.Fatalf("recommended %+v, want 4 groups; reason: %s", sel.Recommended, sel.Reason)
	}
	if !strings.Contains(sel.Reason, "bootstrap likelihood-ratio") || !strings.Contains(sel.Criteria.Rule(), "bootstrap likelihood-ratio") {
		t.Errorf("reason %q and rule %q do not name the test", sel.Reason, sel.Criteria.Rule())
	}
	if sel.Fit == nil || len(sel.Fit.Groups) != 4 {
		t.Error("no fit of the recommended model")
	}
}

// TestRecommendBLRT: the rule takes the smallest K of the range whose test
// against K + 1 has p ≥ 0.05, of its candidates the adequate one with
// the lowest BIC; the test of MinGroups − 1 against MinGroups groups
// names no K of the range.
func TestRecommendBLRT(t *testing.T) {
	cand := func(k int, bic float64, adequate bool) *Candidate {
		return &Candidate{Groups: k, BICPersons: bic, Adequate: adequate}
	}
	test := func(k int, p float64) *BLRT { return &BLRT{Groups: k, P: p, Replicates: 99} }
	for _, tc := range []struct {
		name  string
		cands []*Candidate
		tests []*BLRT
		want  int // groups of the recommendation, 0 for none
		why   string
	}{
		{"first not rejected", []*Candidate{cand(3, 10, true), cand(4, 9, true), cand(4, 8, true), cand(5, 7, true)},
			[]*BLRT{test(3, 0.5), test(4, 0.01), test(5, 0.3)}, 4, "4 against 5 groups"},
		{"all rejected", []*Candidate{cand(1, 10, true), cand(2, 9, true)}, []*BLRT{test(2, 0.01)}, 0, "widen the group range"},
		{"not adequate", []*Candidate{cand(1, 10, true), cand(2, 9, false), cand(3, 8, true)}, []*BLRT{test(2, 0.01), test(3, 0.2)}, 0, "no candidate with 2 groups"},
		{"p at the level keeps", []*Candidate{cand(1, 10, true), cand(2, 9, true)}, []*BLRT{test(2, 0.05)}, 1, "1 against 2 groups, p = 0.050"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sel := &Selection{Candidates: tc.cands, Tests: tc.tests}
			why := sel.recommendBLRT()
			got := 0
			if sel.Recommended != nil {
				got = sel.Recommended.Groups
				if sel.Recommended.BICPersons != 8 && tc.name == "first not rejected" {
					t.Errorf("recommended BIC %v, want the lower of K = 4's, 8", sel.Recommended.BICPersons)
				}
			}
			if got != tc.want || !strings.Contains(why, tc.why) {
				t.Errorf("recommended %d groups (%q), want %d and %q", got, why, tc.want, tc.why)
			}
		})
	}
}

// TestBLRTThreads: the replicates draw from their own seeds, so 1 and 4
// threads give the same statistics, bit for bit.
func TestBLRTThreads(t *testing.T) {
	c := twoQuadratics(t, 200, 5)
	var runs [][]float64
	for _, th := range []int{1, 4} {
		sel, err := Select(c, blrtSettings(1, 2, 2, 8, th))
		if err != nil {
			t.Fatal(err)
		}
		if len(sel.Tests) != 1 {
			t.Fatalf("%d threads: %d tests, want 1", th, len(sel.Tests))
		}
		runs = append(runs, append([]float64{sel.Tests[0].LR, sel.Tests[0].P}, sel.Tests[0].LRStar...))
	}
	if !slices.Equal(runs[0], runs[1]) {
		t.Errorf("1 thread: %v\n4 threads: %v", runs[0], runs[1])
	}
}

// TestBLRTInterrupted: a cancelled context stops the tests promptly with
// an error that wraps the context's.
func TestBLRTInterrupted(t *testing.T) {
	c := twoQuadratics(t, 300, 6)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := blrtSettings(1, 3, 2, 1000, 2)
	s.Fit.Search.Context = ctx
	var began time.Time
	s.BLRTProgress = func(groups, done, total int) {
		if done == 3 && began.IsZero() {
			began = time.Now()
			cancel()
		}
	}
	_, err := Select(c, s)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want one wrapping context.Canceled", err)
	}
	if began.IsZero() {
		t.Fatal("no replicate ended before the error")
	}
	if d := time.Since(began); d > 2*time.Second {
		t.Errorf("returned %v after the interrupt", d)
	}
	if !strings.Contains(err.Error(), "bootstrap likelihood-ratio test") {
		t.Errorf("error %q does not say the test was interrupted", err)
	}
}

// TestBLRTRefused: settings the test cannot honour are errors before any
// fit: time-varying covariates (the simulation does not draw them), a
// rule without the tests, a range without K ≥ 2.
func TestBLRTRefused(t *testing.T) {
	c := twoQuadratics(t, 50, 7)
	for _, tc := range []struct {
		name string
		edit func(*SelectSettings)
		want string
	}{
		{"blrt rule without tests", func(s *SelectSettings) { s.BLRT, s.Recommend = 0, RecommendBLRT }, "needs the bootstrap"},
		{"unknown rule", func(s *SelectSettings) { s.Recommend = "aic" }, "unknown recommendation rule"},
		{"too many replicates", func(s *SelectSettings) { s.BLRT = MaxReplicates + 1 }, "replicates"},
		{"one group", func(s *SelectSettings) { s.MaxGroups = 1 }, "K ≥ 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := blrtSettings(1, 2, 2, 5, 1)
			tc.edit(&s)
			_, err := Select(c, s)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one saying %q", err, tc.want)
			}
		})
	}
	wc, err := c.WithTcov([]string{"x"}, func(i, age int) []float64 { return []float64{float64(i % 2)} })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Select(wc, blrtSettings(1, 2, 2, 5, 1)); err == nil || !strings.Contains(err.Error(), "time-varying covariates") {
		t.Errorf("with a time-varying covariate: error %v", err)
	}
}

// TestBLRTCnorm: the test simulates every family, the censored normal's
// real values included: on two well-separated groups it rejects one group
// (the p-value is the smallest B allows), and every replicate's two fits
// succeed.
func TestBLRTCnorm(t *testing.T) {
	cens := Censoring{0, 8}
	tr := cnormTruth(cens, []float64{1.5, 1.5})
	tr.Shares, tr.LatentMean, tr.Sigma = []float64{0.6, 0.4}, tr.LatentMean[:2], tr.Sigma[:2]
	c, _, err := Simulate(tr, Design{Persons: 150, CensorShare: 0.3, HoleShare: 0.1}, 3)
	if err != nil {
		t.Fatal(err)
	}
	s := blrtSettings(2, 2, 2, 9, 2)
	s.Distribution, s.Censor = CNorm, cens
	sel, err := Select(c, s)
	if err != nil {
		t.Fatal(err)
	}
	if len(sel.Tests) != 1 {
		t.Fatalf("%d tests, want the one of 1 against 2 groups", len(sel.Tests))
	}
	bt := sel.Tests[0]
	if bt.Failed != 0 || bt.P != BLRTPValue(0, 9) {
		t.Errorf("1 against 2 groups: p %v with %d failed replicates (LR %v, LR* %v)", bt.P, bt.Failed, bt.LR, bt.LRStar)
	}
}

// TestBLRTStudySize (-study, not in CI): under the null the p-values of
// the test of 2 against 3 groups are roughly uniform: over 200 data sets
// of 200 persons from twoQuadratics (seeds 1000-1199), B = 41, the
// rejection rate at 5% lies between 2% and 9%. (With B = 41, p < 0.05
// means at most one LR* ≥ LR: a level of 2/42 = 0.048 if the bootstrap
// were exact.) docs/validation.md records the run.
func TestBLRTStudySize(t *testing.T) {
	if !*study {
		t.Skip("a study: go test ./trajectory -run BLRTStudy -study")
	}
	const reps, b = 200, 41
	var reject, negative, failed int
	deciles := make([]int, 10)
	began := time.Now()
	for r := range reps {
		c := twoQuadratics(t, 200, uint64(1000+r))
		sel, err := Select(c, blrtSettings(3, 3, 2, b, 0))
		if err != nil {
			t.Fatal(err)
		}
		tt := sel.Tests[0]
		if tt.P < BLRTLevel {
			reject++
		}
		negative += tt.Negative
		failed += tt.Failed
		deciles[min(int(tt.P*10), 9)]++
		if r%10 == 9 {
			t.Logf("%d data sets, %v: %d rejected", r+1, time.Since(began).Round(time.Second), reject)
		}
	}
	rate := float64(reject) / reps
	t.Logf("size: %d of %d rejected at 5%% (%.3f); p by decile %v; %d of %d replicates with LR* < 0, %d failed; %v",
		reject, reps, rate, deciles, negative, reps*b, failed, time.Since(began).Round(time.Second))
	if rate < 0.02 || rate > 0.09 {
		t.Errorf("rejection rate %.3f under the null, want 0.02-0.09", rate)
	}
}

// TestBLRTStudyFourGroups (-study, not in CI): the power of 3 against 4
// groups and the size of 4 against 5 on fourCubics: 50 data sets of 300
// persons (seeds 2000-2049), B = 41 (as the size study: p can reach
// 1/42 < 0.05, and 50 data sets bound the power's interval more than B
// does). docs/validation.md records the run.
func TestBLRTStudyFourGroups(t *testing.T) {
	if !*study {
		t.Skip("a study: go test ./trajectory -run BLRTStudy -study")
	}
	const reps, b = 50, 41
	var reject34, reject45, negative int
	began := time.Now()
	for r := range reps {
		c := fourCubics(t, 300, uint64(2000+r))
		s := blrtSettings(4, 5, 3, b, 0)
		s.Recommend = RecommendBLRT
		sel, err := Select(c, s)
		if err != nil {
			t.Fatal(err)
		}
		if sel.Tests[0].P < BLRTLevel {
			reject34++
		}
		if sel.Tests[1].P < BLRTLevel {
			reject45++
		}
		negative += sel.Tests[0].Negative + sel.Tests[1].Negative
		t.Logf("data set %d: 3 vs 4 p %.3f, 4 vs 5 p %.3f (LR %.1f), %v", r+1, sel.Tests[0].P, sel.Tests[1].P, sel.Tests[1].LR, time.Since(began).Round(time.Second))
	}
	t.Logf("3 vs 4 rejected in %d of %d, 4 vs 5 in %d of %d; %d replicates with LR* < 0; %v", reject34, reps, reject45, reps, negative, time.Since(began).Round(time.Second))
	if reject34 < reps*9/10 {
		t.Errorf("3 vs 4 rejected in %d of %d, want ≥ 90%%", reject34, reps)
	}
}
