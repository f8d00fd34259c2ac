package trajectory

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/mixture"
)

// TestNBFitNeverDecreases: the log-likelihood trace of NB and ZINB fits,
// α per group and common (the ECM step), never decreases.
func TestNBFitNeverDecreases(t *testing.T) {
	c := nbCareers(t, 1500, 21, true)
	zinb := mustModel(t, ZINB, 3, []int{2, 3, 2}, []int{-1, 1, 0})
	nb := mustModel(t, NB, 3, []int{2, 3, 2}, nil)
	common := nb
	common.CommonDispersion = true
	zcommon := zinb
	zcommon.CommonDispersion = true
	for _, tc := range []struct {
		name string
		m    Model
	}{{"nb", nb}, {"zinb", zinb}, {"nb common", common}, {"zinb common", zcommon}} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Fit(c, tc.m, &Settings{Search: mixture.Settings{Seed: 2, Starts: 4, Keep: 2}, NoSE: true})
			if err != nil {
				t.Fatal(err)
			}
			checkMonotone(t, tc.name, f.Trace)
			if f.NumParams != tc.m.NumParams() {
				t.Errorf("%d parameters, the model has %d", f.NumParams, tc.m.NumParams())
			}
		})
	}
}

// TestNBRecovery fits NB and ZINB data simulated from the model (censored
// windows, exposures below 1, holes; α 0.6, 1 and 0.5) and checks the
// truth as TestRecovery does: at 6,000 persons shares within 0.036 and
// expected counts within 18% where a group has 150 persons observed; as a
// study (TRAJKIT_STUDIES=1), at 20,000 persons within 0.02 and 10% where
// 500 are observed. The dispersions come back within four standard errors.
func TestNBRecovery(t *testing.T) {
	persons, shareTol, meanTol, minObs := 6000, 0.036, 0.18, 150
	if studies() {
		persons, shareTol, meanTol, minObs = 20000, 0.02, 0.10, 500
	}
	alpha := []float64{0.6, 1, 0.5}
	for _, tc := range []struct {
		name string
		zinb bool
		infl []int
	}{{"nb with exposure", false, nil}, {"zinb with exposure", true, []int{-1, 1, 0}}} {
		t.Run(tc.name, func(t *testing.T) {
			tr := nbTruth(12, 30, alpha, tc.zinb)
			c, truth, err := Simulate(tr, Design{Persons: persons, CensorShare: 0.3, LateStartShare: 0.2, ExposedShare: 0.15, HoleShare: 0.05}, 77)
			if err != nil {
				t.Fatal(err)
			}
			m := mustModel(t, tr.Distribution, 3, []int{2, 3, 2}, tc.infl)
			f, err := Fit(c, m, &Settings{Search: mixture.Settings{Seed: 1, Starts: 4, Keep: 1}})
			if err != nil {
				t.Fatal(err)
			}
			if f.Status != mixture.Converged {
				t.Fatalf("status %v: %v", f.Status, f.Warnings)
			}
			obs := observedByGroup(c, truth, 3)
			for k, g := range f.Groups {
				if math.Abs(g.Share-tr.Shares[k]) > shareTol {
					t.Errorf("group %d: share %.4f, true %.2f", k+1, g.Share, tr.Shares[k])
				}
				for a, p := range g.Curve {
					if obs[k][a] < minObs {
						continue
					}
					want := tr.Rate[k][a]
					if tr.ZeroProb != nil {
						want *= 1 - tr.ZeroProb[k][a]
					}
					if math.Abs(p.Mean/want-1) > meanTol {
						t.Errorf("group %d age %d: expected count %.4f, true %.4f", k+1, p.Age, p.Mean, want)
					}
				}
				if se := float64(*g.DispersionSE); !(math.Abs(*g.Dispersion-alpha[k]) < 4*se) {
					t.Errorf("group %d: dispersion %.4f ± %.4f, true %.2f", k+1, *g.Dispersion, se, alpha[k])
				}
				if lrt := g.DispersionLRT; lrt == nil || !(lrt.Chi2 > 10) || !(lrt.P < 1e-3) {
					t.Errorf("group %d: test of α = 0 %+v, want a clear rejection", k+1, lrt)
				}
			}
		})
	}
}

// TestNBPoissonLimit: on Poisson data (6,000 persons, no overdispersion)
// an NB fit never falls more than 1e-6 below the Poisson maximum and
// exceeds it by no more than a relative 1e-4 (what a small α̂ adds; at
// the bound the two are equal, TestNBAtBound), with the dispersions at their bound or within three
// standard errors of 0 and tests of α = 0 that do not reject; a
// dispersion at the bound is 0 with no standard error and a warning.
func TestNBPoissonLimit(t *testing.T) {
	s := WindowScaling(12, 30)
	tr := TruthFromCoefficients(s, 12, 30, []float64{0.6, 0.4}, [][]float64{{-1.5, 0.3, -0.5}, {0.5, -0.2, -0.8}}, nil)
	tr.ZeroProb = nil
	c, _, err := Simulate(tr, Design{Persons: 6000, CensorShare: 0.3, ExposedShare: 0.15}, 5)
	if err != nil {
		t.Fatal(err)
	}
	set := &Settings{Search: mixture.Settings{Seed: 1, Starts: 6, Keep: 2}}
	pois, err := Fit(c, mustModel(t, Poisson, 2, []int{2}, nil), set)
	if err != nil {
		t.Fatal(err)
	}
	for _, common := range []bool{false, true} {
		m := mustModel(t, NB, 2, []int{2}, nil)
		m.CommonDispersion = common
		f, err := Fit(c, m, set)
		if err != nil {
			t.Fatal(err)
		}
		if f.LogLik < pois.LogLik-1e-6 {
			t.Errorf("common %v: NB log-likelihood %.8f below the Poisson maximum %.8f", common, f.LogLik, pois.LogLik)
		}
		if f.LogLik > pois.LogLik+1e-4*math.Abs(pois.LogLik) {
			t.Errorf("common %v: NB log-likelihood %.8f, Poisson %.8f: more than α can explain", common, f.LogLik, pois.LogLik)
		}
		warned := false
		for _, w := range f.Warnings {
			warned = warned || w.Kind == DispersionAtBoundary
		}
		for _, g := range f.Groups {
			if se := float64(*g.DispersionSE); *g.Dispersion > 0 && !(*g.Dispersion < 3*se) {
				t.Errorf("common %v group %d: dispersion %.4f ± %.4f on Poisson data", common, g.Number, *g.Dispersion, se)
			}
			if *g.Dispersion == 0 && (!math.IsNaN(float64(*g.DispersionSE)) || !warned) {
				t.Errorf("common %v group %d: dispersion at the bound with SE %v, warned %v", common, g.Number, *g.DispersionSE, warned)
			}
			if lrt := g.DispersionLRT; lrt == nil || lrt.P < 0.01 {
				t.Errorf("common %v group %d: test of α = 0 %+v rejects on Poisson data", common, g.Number, lrt)
			}
		}
	}
}

// TestNBBeatsPoissonBIC: on data simulated with α = 0.5 (2,000 persons,
// two groups), the NB model has a lower BIC than the Poisson one with the
// same groups.
func TestNBBeatsPoissonBIC(t *testing.T) {
	tr := nbTruth(12, 30, []float64{0.5, 0.5, 0.5}, false)
	c, _, err := Simulate(tr, Design{Persons: 2000, CensorShare: 0.3}, 3)
	if err != nil {
		t.Fatal(err)
	}
	set := &Settings{Search: mixture.Settings{Seed: 1, Starts: 6, Keep: 2}, NoSE: true}
	pois, err := Fit(c, mustModel(t, Poisson, 3, []int{2, 3, 2}, nil), set)
	if err != nil {
		t.Fatal(err)
	}
	nb, err := Fit(c, mustModel(t, NB, 3, []int{2, 3, 2}, nil), set)
	if err != nil {
		t.Fatal(err)
	}
	if !(nb.BICPersons < pois.BICPersons) {
		t.Errorf("BIC: NB %.2f, Poisson %.2f", nb.BICPersons, pois.BICPersons)
	}
}

// TestNBSameSeedSameBits: an NB fit with a common α is byte-identical with
// 1 and 4 threads.
func TestNBSameSeedSameBits(t *testing.T) {
	c := nbCareers(t, 2*4096+300, 5, false)
	m := mustModel(t, NB, 2, []int{2}, nil)
	m.CommonDispersion = true
	first := fitFileJSON(t, c, m, &Settings{Search: mixture.Settings{Seed: 4, Starts: 3, Keep: 1, Threads: 1}})
	if got := fitFileJSON(t, c, m, &Settings{Search: mixture.Settings{Seed: 4, Starts: 3, Keep: 1, Threads: 4}}); !bytes.Equal(got, first) {
		t.Errorf("threads 4: the fit differs from one thread's")
	}
}

// TestNBSelect: a model search over NB models, α per group and common,
// with the order search (warm starts that split groups and drop terms
// carry log α), recommends the true number of groups on NB data.
func TestNBSelect(t *testing.T) {
	tr := nbTruth(12, 30, []float64{0.6, 1, 0.5}, false)
	c, _, err := Simulate(tr, Design{Persons: 1500, CensorShare: 0.3}, 8)
	if err != nil {
		t.Fatal(err)
	}
	for _, common := range []bool{false, true} {
		sel, err := Select(c, SelectSettings{Distribution: NB, MinGroups: 1, MaxGroups: 4, MinOrder: 2, MaxOrder: 3, CommonDispersion: common,
			Fit: Settings{Search: mixture.Settings{Seed: 1, Starts: 4, Keep: 1}}})
		if err != nil {
			t.Fatal(err)
		}
		if r := sel.Recommended; r == nil || r.Groups != 3 {
			t.Errorf("common %v: recommended %+v, want 3 groups", common, r)
		}
		for _, cand := range sel.Candidates {
			m := Model{Distribution: NB, Orders: cand.Orders, Inflation: cand.Inflation, CommonDispersion: common}
			if cand.NumParams != m.NumParams() {
				t.Errorf("common %v, orders %v: %d parameters, want %d", common, cand.Orders, cand.NumParams, m.NumParams())
			}
		}
	}
}

// TestNBZeroAllocs: in steady state an NB or ZINB group's E-step
// (LogLik), warm M-step (Fit) and the shared α's Newton step allocate
// nothing.
func TestNBZeroAllocs(t *testing.T) {
	c := nbCareers(t, 2000, 4, true)
	s := WindowScaling(c.MinAge, c.MaxAge())
	nd := newNBData(newFamilyData(c))
	w := make([]float64, c.Len())
	for i := range w {
		w[i] = 0.3 + 0.5*float64(i%7)/7
	}
	ll := make([]float64, c.Len())
	for _, tc := range []struct {
		inflation int
		shared    bool
	}{{-1, false}, {1, false}, {0, true}} {
		f := newNBFamily(nd, s, 3, tc.inflation, tc.shared)
		comp := f.NewComponent().(*nbComp)
		f.Fit(t.Context(), comp, w, false)
		f.Fit(t.Context(), comp, w, true)
		run := nbShared{}.NewRun([]mixture.Component{comp}).(*nbSharedRun)
		step := func() {
			comp.LogLik(ll, 0, c.Len())
			f.Fit(t.Context(), comp, w, true)
			if tc.shared {
				run.obj = nbPhiObjective{r: run}
				run.par[0] = run.phi
				run.nw.Maximize(t.Context(), &run.obj, run.par, newtonTol, newtonMaxIter)
				run.SetParams(run.par)
			}
		}
		step()
		if n := testing.AllocsPerRun(5, step); n != 0 {
			t.Errorf("inflation %d shared %v: %v allocations per iteration", tc.inflation, tc.shared, n)
		}
	}
}

// TestNBAtBound: on underdispersed counts (0 or 1, P(1) = 0.3 and 0.6 by
// group: the variance is below the mean) α goes to its bound: 0 with no
// standard error, a dispersion-at-boundary warning, a test of α = 0 with
// LR 0 and p 1, and the log-likelihood that of the Poisson maximum (within
// 1e-4, never more than 1e-6 below it), α per group and common.
func TestNBAtBound(t *testing.T) {
	n := 19
	prob := [][]float64{make([]float64, n), make([]float64, n)}
	for a := 0; a < n; a++ {
		prob[0][a], prob[1][a] = 0.3, 0.6
	}
	tr := Truth{Distribution: Logit, MinAge: 12, Shares: []float64{0.5, 0.5}, Prob: prob}
	c, _, err := Simulate(tr, Design{Persons: 1000, CensorShare: 0.3}, 2)
	if err != nil {
		t.Fatal(err)
	}
	set := &Settings{Search: mixture.Settings{Seed: 1, Starts: 4, Keep: 2}}
	for _, k := range []int{1, 2} {
		pois, err := Fit(c, mustModel(t, Poisson, k, []int{1}, nil), set)
		if err != nil {
			t.Fatal(err)
		}
		for _, common := range []bool{false, true} {
			m := mustModel(t, NB, k, []int{1}, nil)
			m.CommonDispersion = common
			f, err := Fit(c, m, set)
			if err != nil {
				t.Fatal(err)
			}
			if f.LogLik < pois.LogLik-1e-6 || f.LogLik > pois.LogLik+1e-4 {
				t.Errorf("K %d common %v: NB log-likelihood %.8f, the Poisson maximum %.8f: want the same within 1e-4, never 1e-6 below", k, common, f.LogLik, pois.LogLik)
			}
			warned := false
			for _, w := range f.Warnings {
				warned = warned || w.Kind == DispersionAtBoundary
			}
			if !warned {
				t.Errorf("K %d common %v: no %s warning: %v", k, common, DispersionAtBoundary, f.Warnings)
			}
			for _, g := range f.Groups {
				if *g.Dispersion != 0 || !math.IsNaN(float64(*g.DispersionSE)) {
					t.Errorf("K %d common %v group %d: dispersion %v ± %v, want 0 and no SE", k, common, g.Number, *g.Dispersion, *g.DispersionSE)
				}
				if lrt := g.DispersionLRT; lrt == nil || lrt.Chi2 != 0 || lrt.P != 1 {
					t.Errorf("K %d common %v group %d: test of α = 0 %+v, want LR 0, p 1", k, common, g.Number, lrt)
				}
			}
		}
	}
}

// TestSingularAtBound: when the information is singular along a
// parameter held at its bound, the singular-information warning names the
// parameter with that cause, not as unidentified: log α of a dispersion
// at 0 (rare 0/1 counts, P(1) = 0.01: the information in log α is of order
// α μ² against μ for the rate, a condition number above 1e10), α per group
// and common, and a ZIP inflation at its boundary (0/1 counts with P(1)
// 0.3 and 0.6 by group, TestNBAtBound's: fewer zeros than Poisson). A
// parameter singular for another reason beside it, or log α singular
// with α inside its range, is still named as not identified by the data
// (the warning of the fit's own names for a covariance made singular
// there).
func TestSingularAtBound(t *testing.T) {
	const unidentified = "not identified by the data"
	binary := func(shares []float64, p ...float64) *Careers {
		prob := make([][]float64, len(p))
		for k := range prob {
			prob[k] = make([]float64, 19)
			for a := range prob[k] {
				prob[k][a] = p[k]
			}
		}
		c, _, err := Simulate(Truth{Distribution: Logit, MinAge: 12, Shares: shares, Prob: prob}, Design{Persons: 1000, CensorShare: 0.3}, 2)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	rare := binary([]float64{1}, 0.01)
	common := mustModel(t, NB, 1, []int{1}, nil)
	common.CommonDispersion = true
	set := &Settings{Search: mixture.Settings{Seed: 1, Starts: 4, Keep: 2}}
	singular := func(f *Fitted) string {
		for _, w := range f.Warnings {
			if w.Kind == SingularInformation {
				return w.Message
			}
		}
		return ""
	}
	for _, tc := range []struct {
		name  string
		c     *Careers
		m     Model
		param string // the parameter at its bound
		cause string // the other warning's kind
	}{
		{"nb", rare, mustModel(t, NB, 1, []int{1}, nil), "g1_log_dispersion", string(DispersionAtBoundary)},
		{"nb common", rare, common, "log_dispersion", string(DispersionAtBoundary)},
		{"zip", binary([]float64{0.5, 0.5}, 0.3, 0.6), mustModel(t, ZIP, 2, []int{1}, []int{0}), "g1_gamma0", string(InflationAtBoundary)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Fit(tc.c, tc.m, set)
			if err != nil {
				t.Fatal(err)
			}
			msg := singular(f)
			if !strings.Contains(msg, "for "+tc.param) || !strings.Contains(msg, tc.cause) || strings.Contains(msg, unidentified) {
				t.Fatalf("singular-information %q: want %s named at its bound (%s) and nothing unidentified; warnings %v", msg, tc.param, tc.cause, f.Warnings)
			}
			at := slices.Index(f.Inference.Names, tc.param)
			w := f.singularWarning(f.Inference.Names, mixture.Covariance{Singular: []int{0, at}, Condition: 1e12}).Message
			want := "no standard errors for " + f.Inference.Names[0] + ": " + unidentified
			if !strings.Contains(w, want) || !strings.Contains(w, "nor for "+tc.param) || !strings.Contains(w, tc.cause) {
				t.Errorf("with %s singular too: %q, want %q and %s at its bound", f.Inference.Names[0], w, want, tc.param)
			}
		})
	}
	f, err := Fit(nbCareers(t, 300, 3, false), mustModel(t, NB, 1, []int{1}, nil), &Settings{Search: mixture.Settings{Seed: 1, Starts: 2}})
	if err != nil {
		t.Fatal(err)
	}
	if *f.Groups[0].Dispersion == 0 {
		t.Fatal("overdispersed counts: α at its bound")
	}
	at := slices.Index(f.Inference.Names, "g1_log_dispersion")
	if w := f.singularWarning(f.Inference.Names, mixture.Covariance{Singular: []int{at}}).Message; !strings.Contains(w, "g1_log_dispersion: "+unidentified) {
		t.Errorf("α = %.3f inside its range: %q, want log α named as not identified", *f.Groups[0].Dispersion, w)
	}
}

// TestNBLogLikFromCurve: the log-likelihood recomputed from what
// model.json holds, the shares, each curve's rate and zero_prob and each
// group's dispersion, with the formula of docs/data-formats.md (naiveNB),
// is the fit's.
func TestNBLogLikFromCurve(t *testing.T) {
	c := nbCareers(t, 600, 13, true)
	f, err := Fit(c, mustModel(t, ZINB, 2, []int{2}, []int{0, -1}), &Settings{Search: mixture.Settings{Seed: 1, Starts: 4, Keep: 1}, NoSE: true})
	if err != nil {
		t.Fatal(err)
	}
	var ll float64
	for i := 0; i < c.Len(); i++ {
		terms := make([]float64, len(f.Groups))
		for k, g := range f.Groups {
			terms[k] = math.Log(g.Share)
			c.Cells(i, func(x Cell) {
				if x.Exposure == 0 {
					return
				}
				p := g.Curve[x.Age-c.MinAge]
				rho := p.ZeroProb
				if math.IsNaN(rho) {
					rho = 0
				}
				terms[k] += naiveNB(x.Y, x.Exposure*p.Rate, *g.Dispersion, rho)
			})
		}
		m := math.Max(terms[0], terms[1])
		ll += m + math.Log(math.Exp(terms[0]-m)+math.Exp(terms[1]-m))
	}
	if math.Abs(ll-f.LogLik) > 1e-8*math.Abs(f.LogLik) {
		t.Errorf("from the curves %.8f, the fit's %.8f", ll, f.LogLik)
	}
}
