package trajectory

import (
	"math"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/mixture"
)

// TestScoreInSample: scoring the careers a model was fitted to gives back
// the fit's posteriors, groups and log-likelihoods, for every kind of
// model: the E-step with the parameters held fixed is the fit's last
// E-step. The tolerance, 1e-9, allows for the share logits and the
// membership log-odds being re-expressed in output order.
func TestScoreInSample(t *testing.T) {
	const tol = 1e-9
	plain := testCareers(t, 300, 41)
	riskC, risk := riskCareers(t, 600, 7, [][]float64{{0, 0, 0}, {-0.3, 0.8, 0}, {-1, 0.5, 1.2}})
	tcovC, _ := tcovCareers(t, 400, 5, [][]float64{{-0.5, 0.3}, {-0.8, 0.1}})
	for _, tc := range []struct {
		name string
		c    *Careers
		m    Model
		risk *RiskDesign
		ref  int
	}{
		{"poisson", plain, mustModel(t, Poisson, 3, []int{2, 3, 2}, nil), nil, 0},
		{"zip with exposures", plain, mustModel(t, ZIP, 2, nil, nil), nil, 0},
		{"risk factors, reference 2", riskC, mustModel(t, Poisson, 3, []int{0, 2, 2}, nil), risk, 2},
		{"time-varying covariates", tcovC, mustModel(t, ZIP, 2, []int{2, 2}, []int{0, -1}), nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Fit(tc.c, tc.m, &Settings{Search: mixture.Settings{Seed: 1, Starts: 6, Keep: 2}, NoSE: true, Risk: tc.risk, Reference: tc.ref})
			if err != nil {
				t.Fatal(err)
			}
			s, err := f.Score(tc.c, tc.risk, 2)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(s.LogLik-f.LogLik) > tol*math.Abs(f.LogLik) {
				t.Errorf("log-likelihood %v, fit %v", s.LogLik, f.LogLik)
			}
			if s.Unobserved != 0 || s.OutsideCells != 0 || len(s.Warnings) != 0 {
				t.Errorf("%d persons without cells, %d cells outside, warnings %v; want none", s.Unobserved, s.OutsideCells, s.Warnings)
			}
			for i := range s.IDs {
				if s.Assigned[i] != f.Assigned[i] {
					t.Fatalf("person %s: group %d, fit %d", s.IDs[i], s.Assigned[i], f.Assigned[i])
				}
				if math.Abs(s.PersonLogLik[i]-f.PersonLogLik[i]) > tol*math.Abs(f.PersonLogLik[i]) {
					t.Fatalf("person %s: log-likelihood %v, fit %v", s.IDs[i], s.PersonLogLik[i], f.PersonLogLik[i])
				}
				for k := range s.Posterior {
					if math.Abs(s.Posterior[k][i]-f.Posterior[k][i]) > tol {
						t.Fatalf("person %s, group %d: posterior %v, fit %v", s.IDs[i], k+1, s.Posterior[k][i], f.Posterior[k][i])
					}
				}
			}
		})
	}
}

// TestScoreWindow: cells outside the model's window are left out and
// counted; a person with no cell in the window gets the prior
// probabilities (the shares, or the membership model's probabilities
// given her risk factors) and no group; the others are scored on their
// cells in the window, as careers that hold only those cells.
func TestScoreWindow(t *testing.T) {
	c, risk := riskCareers(t, 600, 7, [][]float64{{0, 0, 0}, {-0.3, 0.8, 0}, {-1, 0.5, 1.2}})
	m := mustModel(t, Poisson, 3, []int{0, 2, 2}, nil)
	// The careers are at ages 12-35; the models see 14-33.
	c14, _ := c.Restrict(14, 33)
	fits := map[string]*Fitted{}
	for name, r := range map[string]*RiskDesign{"shares": nil, "risk factors": risk} {
		f, err := Fit(c14, m, &Settings{Search: mixture.Settings{Seed: 1, Starts: 4, Keep: 1}, NoSE: true, Risk: r})
		if err != nil {
			t.Fatal(err)
		}
		fits[name] = f
	}
	// New persons: "in" within the window, "both" with 3 observed cells
	// outside it (ages 12, 13 and 34), "out" with cells at 10, 12 and 34
	// only (unobserved at 11 and 13, outside the window, as well as at
	// 14-33).
	b := NewCareerBuilder()
	in, both, out := b.Person("in"), b.Person("both"), b.Person("out")
	for age := 15; age <= 30; age++ {
		b.mustAdd(in, age, uint32(age%3), 1)
	}
	for _, age := range []int{12, 13, 20, 21, 22, 34} {
		b.mustAdd(both, age, 2, 1)
	}
	for _, age := range []int{10, 12, 34} {
		b.mustAdd(out, age, 1, 1)
	}
	nc, err := b.Build(false)
	if err != nil {
		t.Fatal(err)
	}
	// The same persons with only their cells in the window.
	wb := NewCareerBuilder()
	win, wboth := wb.Person("in"), wb.Person("both")
	for age := 15; age <= 30; age++ {
		wb.mustAdd(win, age, uint32(age%3), 1)
	}
	for _, age := range []int{20, 21, 22} {
		wb.mustAdd(wboth, age, 2, 1)
	}
	wc, err := wb.Build(false)
	if err != nil {
		t.Fatal(err)
	}
	x := [][]float64{{0.5, 1}, {-1, 0}, {1.5, 1}}
	for name, f := range fits {
		t.Run(name, func(t *testing.T) {
			var r, wr *RiskDesign
			if f.Risk() != nil {
				r = &RiskDesign{Names: risk.Names, Variables: risk.Variables, X: x}
				wr = &RiskDesign{Names: risk.Names, Variables: risk.Variables, X: x[:2]}
			}
			s, err := f.Score(nc, r, 1)
			if err != nil {
				t.Fatal(err)
			}
			want, err := f.Score(wc, wr, 1)
			if err != nil {
				t.Fatal(err)
			}
			if s.OutsideCells != 6 || s.Unobserved != 1 {
				t.Errorf("%d cells outside, %d persons without cells; want 6 and 1", s.OutsideCells, s.Unobserved)
			}
			kinds := map[mixture.WarningKind]string{}
			for _, w := range s.Warnings {
				kinds[w.Kind] = w.Message
			}
			if !strings.Contains(kinds[PersonsWithoutCells], `1 person has no observed cell at ages 14-33`) ||
				!strings.Contains(kinds[CellsOutsideWindow], "6 observed cells outside the model's window 14-33") {
				t.Errorf("warnings %v", s.Warnings)
			}
			for i := 0; i < 2; i++ {
				if s.Assigned[i] != want.Assigned[i] || s.Assigned[i] == 0 || s.PersonLogLik[i] != want.PersonLogLik[i] {
					t.Errorf("person %s: group %d, log-likelihood %v; on the window's cells alone %d, %v",
						s.IDs[i], s.Assigned[i], s.PersonLogLik[i], want.Assigned[i], want.PersonLogLik[i])
				}
				for k := range s.Posterior {
					if s.Posterior[k][i] != want.Posterior[k][i] {
						t.Errorf("person %s, group %d: posterior %v, on the window's cells alone %v", s.IDs[i], k+1, s.Posterior[k][i], want.Posterior[k][i])
					}
				}
			}
			if s.LogLik != want.LogLik {
				t.Errorf("log-likelihood %v, on the window's cells alone %v", s.LogLik, want.LogLik)
			}
			// The prior of "out": the shares, or the multinomial logit
			// at her risk factors, π_k ∝ exp(γ_k · (1, x)).
			prior := make([]float64, len(f.Groups))
			var sum float64
			for k, g := range f.Groups {
				prior[k] = g.Share
				if r != nil {
					v := g.MembershipCoef.Values
					prior[k] = math.Exp(v[0] + v[1]*x[2][0] + v[2]*x[2][1])
				}
				sum += prior[k]
			}
			if s.Assigned[2] != 0 || s.PersonLogLik[2] != 0 {
				t.Errorf("out: group %d, log-likelihood %v; want no group and 0", s.Assigned[2], s.PersonLogLik[2])
			}
			for k := range prior {
				if got := s.Posterior[k][2]; math.Abs(got-prior[k]/sum) > 1e-12 {
					t.Errorf("out, group %d: probability %v, prior %v", k+1, got, prior[k]/sum)
				}
			}
		})
	}
}

// TestScoreWindowTcov: the time-varying covariates of careers that reach
// beyond the model's window go with their cells: scoring them gives what
// scoring them cut to the window gives.
func TestScoreWindowTcov(t *testing.T) {
	c, _ := tcovCareers(t, 300, 5, [][]float64{{-0.5, 0.3}, {-0.8, 0.1}})
	in, _ := c.Restrict(16, 33)
	f, err := Fit(in, mustModel(t, Poisson, 2, []int{2}, nil), &Settings{Search: mixture.Settings{Seed: 1, Starts: 4, Keep: 1}, NoSE: true})
	if err != nil {
		t.Fatal(err)
	}
	all, err := f.Score(c, nil, 1)
	if err != nil {
		t.Fatal(err)
	}
	cut, err := f.Score(in, nil, 1)
	if err != nil {
		t.Fatal(err)
	}
	if all.OutsideCells == 0 || all.Unobserved != 0 || cut.OutsideCells != 0 || len(all.IDs) != len(cut.IDs) {
		t.Fatalf("%d cells outside, %d persons without cells, %d and %d persons", all.OutsideCells, all.Unobserved, len(all.IDs), len(cut.IDs))
	}
	// The same computation on the same cells: equal to the bit; the fit's
	// within 1e-9 (its parameters re-expressed).
	if all.LogLik != cut.LogLik || math.Abs(all.LogLik-f.LogLik) > 1e-9*math.Abs(f.LogLik) {
		t.Errorf("log-likelihood %v on all ages, %v on the window, fit %v", all.LogLik, cut.LogLik, f.LogLik)
	}
	for i := range all.IDs {
		for k := range all.Posterior {
			if all.Posterior[k][i] != cut.Posterior[k][i] {
				t.Fatalf("person %s, group %d: %v on all ages, %v on the window", all.IDs[i], k+1, all.Posterior[k][i], cut.Posterior[k][i])
			}
		}
	}
}

// TestScoreErrors: a design that does not fit the model is an error.
func TestScoreErrors(t *testing.T) {
	c, risk := riskCareers(t, 300, 7, [][]float64{{0, 0, 0}, {-0.3, 0.8, 0}, {-1, 0.5, 1.2}})
	m := mustModel(t, Poisson, 2, []int{1}, nil)
	settings := func(r *RiskDesign) *Settings {
		return &Settings{Search: mixture.Settings{Seed: 1, Starts: 2, Keep: 1}, NoSE: true, Risk: r}
	}
	withRisk, err := Fit(c, m, settings(risk))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := Fit(c, m, settings(nil))
	if err != nil {
		t.Fatal(err)
	}
	tc, _ := tcovCareers(t, 50, 5, [][]float64{{-0.5, 0.3}, {-0.8, 0.1}})
	other := &RiskDesign{Names: []string{"x1", "x3"}, Variables: []string{"x1", "x3"}, X: risk.X}
	for _, tt := range []struct {
		name string
		f    *Fitted
		c    *Careers
		r    *RiskDesign
		want string
	}{
		{"no design", withRisk, c, nil, `depends on the risk factors ["x1" "x2"]`},
		{"other covariates", withRisk, c, other, `risk factors ["x1" "x3"] for the model's ["x1" "x2"]`},
		{"too few persons", withRisk, c, risk.subset([]int{0, 1}), "risk factors for 2 persons, the careers have 300"},
		{"design without risk factors", plain, c, risk, "the model has no risk factors"},
		{"time-varying covariates", plain, tc, nil, `the model has 0 time-varying covariates [], the careers 2 ["employed" "hours"]`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.f.Score(tt.c, tt.r, 1)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}

// TestCrossValidateRisk: cross-validation of a model with risk factors
// scores each fold with its own persons' risk factors.
func TestCrossValidateRisk(t *testing.T) {
	c, risk := riskCareers(t, 600, 7, [][]float64{{0, 0, 0}, {-0.3, 0.8, 0}, {-1, 0.5, 1.2}})
	m := mustModel(t, Poisson, 3, []int{0, 2, 2}, nil)
	s := &Settings{Search: mixture.Settings{Seed: 1, Starts: 4, Keep: 1}, NoSE: true, Risk: risk, Reference: 2}
	f, err := Fit(c, m, s)
	if err != nil {
		t.Fatal(err)
	}
	ll, cve := crossValidate(c, m, f, makeFolds(c.Len(), 3, 1), s, nil)
	// Out of sample the log-likelihood is lower than in sample, though
	// not by much for a model with 14 parameters and 600 persons.
	if !(ll < f.LogLik && ll > f.LogLik-100) || !(cve > 0 && cve < 2) {
		t.Errorf("cv log-likelihood %v (fit %v), CVE %v", ll, f.LogLik, cve)
	}
}

func TestRiskVariableList(t *testing.T) {
	for _, tc := range []struct {
		name string
		d    RiskDesign
		want []RiskVariable
		err  string
	}{
		{"numeric and categorical", RiskDesign{Variables: []string{"age", "region"}, Names: []string{"age", "region=south", "region=west"}, BaseLevels: []string{"", "north"}},
			[]RiskVariable{{Name: "age"}, {Name: "region", Levels: []string{"south", "west"}, Base: "north"}}, ""},
		{"no base levels recorded", RiskDesign{Variables: []string{"sex"}, Names: []string{"sex=male"}},
			[]RiskVariable{{Name: "sex", Levels: []string{"male"}}}, ""},
		{"a variable without covariates", RiskDesign{Variables: []string{"a", "b"}, Names: []string{"a"}}, nil, `risk variable "b" has no covariate`},
		{"a covariate without variable", RiskDesign{Variables: []string{"a"}, Names: []string{"a", "b=1"}}, nil, `risk factor "b=1" belongs to none`},
		{"base levels of another length", RiskDesign{Variables: []string{"a"}, Names: []string{"a"}, BaseLevels: []string{"", ""}}, nil, "2 base levels for 1 risk variables"},
		{"a base level with an indicator", RiskDesign{Variables: []string{"s"}, Names: []string{"s=m"}, BaseLevels: []string{"m"}}, nil, `the base level "m" also has an indicator`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.d.VariableList()
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Errorf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("%+v, want %+v", got, tc.want)
			}
			for v := range got {
				if got[v].Name != tc.want[v].Name || got[v].Base != tc.want[v].Base || strings.Join(got[v].Levels, ",") != strings.Join(tc.want[v].Levels, ",") || got[v].Numeric() != (tc.want[v].Levels == nil) {
					t.Errorf("variable %d: %+v, want %+v", v, got[v], tc.want[v])
				}
			}
		})
	}
}

// TestScoreDualInSample: scoring the careers a dual model was fitted to
// gives back the fit's posteriors of the joint classes, its
// log-likelihood, and each outcome's marginal posteriors and groups (the
// columns of its assignments.csv), as TestScoreInSample checks for one
// outcome.
func TestScoreDualInSample(t *testing.T) {
	const tol = 1e-9
	a, b := dualOutcomes(t, 300)
	f, err := FitDual(a, b, &Settings{Search: mixture.Settings{Seed: 1, Starts: 4, Keep: 2}, NoSE: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Score(a.Careers, nil, 2); err == nil {
		t.Error("Score of one outcome's careers under a dual model: no error")
	}
	s, err := f.ScoreMulti([]*Careers{a.Careers, b.Careers}, nil, 2)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(s.LogLik-f.LogLik) > tol*math.Abs(f.LogLik) {
		t.Errorf("log-likelihood %v, fit %v", s.LogLik, f.LogLik)
	}
	if len(s.Posterior) != 6 || len(s.Outcomes) != 2 || s.Outcomes[1].Name != "b" || len(s.Outcomes[1].Posterior) != 3 {
		t.Fatalf("%d classes, outcomes %+v", len(s.Posterior), s.Outcomes)
	}
	for i := range s.IDs {
		if s.Assigned[i] != f.Assigned[i] {
			t.Fatalf("person %s: class %d, fit %d", s.IDs[i], s.Assigned[i], f.Assigned[i])
		}
		for c := range s.Posterior {
			if math.Abs(s.Posterior[c][i]-f.Posterior[c][i]) > tol {
				t.Fatalf("person %s, class %d: posterior %v, fit %v", s.IDs[i], c+1, s.Posterior[c][i], f.Posterior[c][i])
			}
		}
		for o, out := range s.Outcomes {
			if out.Assigned[i] != f.Outcomes[o].Assigned[i] {
				t.Fatalf("person %s, outcome %s: group %d, fit %d", s.IDs[i], out.Name, out.Assigned[i], f.Outcomes[o].Assigned[i])
			}
			for j, p := range out.Posterior {
				if math.Abs(p[i]-f.Outcomes[o].Posterior[j][i]) > tol {
					t.Fatalf("person %s, outcome %s, group %d: posterior %v, fit %v", s.IDs[i], out.Name, j+1, p[i], f.Outcomes[o].Posterior[j][i])
				}
			}
		}
	}
}
