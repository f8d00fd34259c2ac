package trajectory

import (
	"math"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/mixture"
)

// checkStarted checks a fit g started alone (StartOnly) from fit f's own
// model file: f's log-likelihood within a relative 1e-10 in at most 2
// iterations, one start, and the start recorded.
func checkStarted(t *testing.T, f, g *Fitted) {
	t.Helper()
	if math.Abs(g.LogLik-f.LogLik) > 1e-10*math.Abs(f.LogLik) || g.Iterations > 2 {
		t.Errorf("from its own model: log-likelihood %.12f after %d iterations, the fit's %.12f", g.LogLik, g.Iterations, f.LogLik)
	}
	if g.Starts.Total != 1 || g.Settings.Start != "fit/model.json" || !g.Settings.StartOnly {
		t.Errorf("starts %d, recorded start %q, start only %v", g.Starts.Total, g.Settings.Start, g.Settings.StartOnly)
	}
}

// TestStartMultiReproduces: a multi-trajectory fit started from its own
// model file alone (StartOnly, the model read back from its JSON)
// reproduces its log-likelihood within a relative 1e-10 in at most 2
// iterations: ZIP, NB with a common dispersion (shared parameters) and
// cloglog outcomes, Poisson and logit outcomes with a time-varying
// covariate's effects per outcome and group, and two outcomes with risk
// factors of membership against group 2; as one start more it runs the
// usual starts besides.
func TestStartMultiReproduces(t *testing.T) {
	rc, risk := riskCareers(t, 400, 22, [][]float64{{0, 0, 0}, {-0.3, 0.8, 0}, {-1, 0.5, 1.2}})
	rc2, _, err := Simulate(TruthFromCoefficients(WindowScaling(rc.MinAge, rc.MaxAge()), rc.MinAge, rc.MaxAge(), []float64{0.4, 0.35, 0.25},
		[][]float64{{-1}, {0.5, 1, -1}, {0, -1, -0.5}}, nil), Design{Persons: rc.Len()}, 23)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		outs []Outcome
		s    Settings
	}{
		{"three outcomes", jointCareers(t, 300), Settings{}},
		{"time-varying covariates", func() []Outcome {
			cs, _ := tcovOutcomes(t, 400, 9)
			return tcovOutcomeModels(t, cs)
		}(), Settings{}},
		{"risk factors", []Outcome{
			{Name: "y", Careers: rc, Model: mustModel(t, Poisson, 3, []int{0, 2, 2}, nil)},
			{Name: "z", Careers: rc2, Model: mustModel(t, Poisson, 3, []int{2}, nil)},
		}, Settings{Risk: risk, Reference: 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.s
			s.Search = mixture.Settings{Seed: 5, Starts: 4}
			f, err := FitMulti(tc.outs, &s)
			if err != nil {
				t.Fatal(err)
			}
			rs := tc.s
			rs.Start, rs.StartOnly, rs.StartFile = roundTrip(t, f), true, "fit/model.json"
			g, err := FitMulti(tc.outs, &rs)
			if err != nil {
				t.Fatal(err)
			}
			checkStarted(t, f, g)
			rs.StartOnly, rs.Search = false, s.Search
			h, err := FitMulti(tc.outs, &rs)
			if err != nil {
				t.Fatal(err)
			}
			if h.Starts.Total != 5 || h.LogLik < f.LogLik-1e-10*math.Abs(f.LogLik) {
				t.Errorf("with the usual starts: %d starts, log-likelihood %.12f, the fit's %.12f", h.Starts.Total, h.LogLik, f.LogLik)
			}
		})
	}
}

// TestStartDualReproduces: a dual fit started from its own model file
// alone reproduces its log-likelihood within a relative 1e-10 in at most
// 2 iterations, with constant shares (ZIP and NB with a common
// dispersion, 2 x 3 classes) and with risk factors of A's groups against
// group 2 (Poisson and logit, 3 x 2).
func TestStartDualReproduces(t *testing.T) {
	a, b := dualOutcomes(t, 300)
	ra, rb, risk := dualRiskData(t, 600, [][]float64{{-0.3, 0.8}, {-0.6, -0.7}}, [][]float64{{0.8, 0.2}, {0.4, 0.6}, {0.1, 0.9}})
	for _, tc := range []struct {
		name string
		a, b Outcome
		s    Settings
	}{
		{"constant shares", a, b, Settings{}},
		{"risk factors", ra, rb, Settings{Risk: risk, Reference: 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.s
			s.Search = mixture.Settings{Seed: 5, Starts: 4}
			f, err := FitDual(tc.a, tc.b, &s)
			if err != nil {
				t.Fatal(err)
			}
			rs := tc.s
			rs.Start, rs.StartOnly, rs.StartFile = roundTrip(t, f), true, "fit/model.json"
			g, err := FitDual(tc.a, tc.b, &rs)
			if err != nil {
				t.Fatal(err)
			}
			checkStarted(t, f, g)
		})
	}
}

// TestStartMultiOrders: the groups of a multi-trajectory start may come
// in another order than the fit's when they combine the outcomes' orders
// alike: the fit takes the start's.
func TestStartMultiOrders(t *testing.T) {
	outs := jointCareers(t, 300)
	f, err := FitMulti(outs, &Settings{Search: mixture.Settings{Seed: 5, Starts: 4}, NoSE: true})
	if err != nil {
		t.Fatal(err)
	}
	swapped := make([]Outcome, len(outs))
	for o, out := range outs {
		m := out.Model
		m.Orders = []int{m.Orders[1], m.Orders[0]}
		m.Inflation = []int{m.Inflation[1], m.Inflation[0]}
		swapped[o] = out
		swapped[o].Model = m
	}
	g, err := FitMulti(swapped, &Settings{Start: f, StartOnly: true, NoSE: true})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(g.LogLik-f.LogLik) > 1e-10*math.Abs(f.LogLik) {
		t.Errorf("log-likelihood %.12f, the start's %.12f", g.LogLik, f.LogLik)
	}
}

// TestStartMultiMismatch: a start model that is not a multi-trajectory
// model of the fit's outcomes (by name, in order), number of groups,
// distributions, orders, inflation orders, combination of orders in
// groups and risk factors is an error naming the first difference.
func TestStartMultiMismatch(t *testing.T) {
	outs := jointCareers(t, 200)
	f, err := FitMulti(outs, &Settings{Search: mixture.Settings{Seed: 1, Starts: 2}, NoSE: true})
	if err != nil {
		t.Fatal(err)
	}
	single, err := Fit(outs[0].Careers, outs[0].Model, &Settings{Search: mixture.Settings{Seed: 1, Starts: 2}, NoSE: true})
	if err != nil {
		t.Fatal(err)
	}
	a, b := dualOutcomes(t, 200)
	dual, err := FitDual(a, b, &Settings{Search: mixture.Settings{Seed: 1, Starts: 2}, NoSE: true})
	if err != nil {
		t.Fatal(err)
	}
	with := func(o int, m Model) []Outcome {
		v := append([]Outcome(nil), outs...)
		v[o].Model = m
		return v
	}
	renamed := append([]Outcome(nil), outs...)
	renamed[1].Name = "d"
	three := make([]Outcome, len(outs))
	for o, out := range outs {
		three[o] = out
		m := out.Model
		m.Orders, m.Inflation = append(m.Orders, m.Orders[0]), append(m.Inflation, m.Inflation[0])
		three[o].Model = m
	}
	crossed := with(1, Model{Distribution: NB, Orders: []int{2, 1}, Inflation: []int{-1, -1}, CommonDispersion: true})
	perGroup := with(1, Model{Distribution: NB, Orders: []int{1, 2}, Inflation: []int{-1, -1}})
	x := make([][]float64, 200)
	for i := range x {
		x[i] = []float64{float64(i % 2)}
	}
	risk := &RiskDesign{Variables: []string{"x"}, Names: []string{"x"}, Of: []int{0}, BaseLevels: []string{""}, X: x}
	for _, tc := range []struct {
		name  string
		start *Fitted
		outs  []Outcome
		risk  *RiskDesign
		want  string
	}{
		{"one outcome", single, outs, nil, "start.json is a model of one outcome (zip), the fit a multi-trajectory model"},
		{"dual", dual, outs, nil, "start.json is a dual trajectory model of outcomes a,b, the fit a multi-trajectory model"},
		{"outcomes", f, outs[:2], nil, "start.json has outcomes a,b,c, the fit a,b"},
		{"name", f, renamed, nil, "start.json has outcomes a,b,c, the fit a,d,c"},
		{"groups", f, three, nil, "start.json has 2 groups, the fit 3"},
		{"distribution", f, with(0, mustModel(t, Poisson, 2, []int{2, 1}, nil)), nil, "start.json: outcome a is a zip model, the fit poisson"},
		{"orders", f, with(2, mustModel(t, Cloglog, 2, []int{1, 1}, nil)), nil, "start.json: outcome c has orders 1,0, the fit 1,1"},
		{"inflation", f, with(0, mustModel(t, ZIP, 2, []int{2, 1}, []int{0, 0})), nil, "start.json: outcome a has inflation orders 0,-1, the fit 0,0"},
		{"dispersion", f, perGroup, nil, "start.json: outcome b has one dispersion for all groups, the fit a dispersion per group"},
		{"combined", f, crossed, nil, "start.json combines the outcomes' orders in its groups otherwise than the fit (2/0,1/-1,1/-1 | 1/-1,2/-1,0/-1; the fit 2/0,2/-1,1/-1 | 1/-1,1/-1,0/-1)"},
		{"risk", f, outs, risk, "start.json has risk factors none, the fit x"},
	} {
		_, err := FitMulti(tc.outs, &Settings{Start: tc.start, StartFile: "start.json", Risk: tc.risk, NoSE: true})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one with %q", tc.name, err, tc.want)
		}
	}
	if _, err := Fit(outs[0].Careers, outs[0].Model, &Settings{Start: f, StartFile: "start.json"}); err == nil ||
		!strings.Contains(err.Error(), "start.json is a multi-trajectory model of outcomes a,b,c, the fit a model of one outcome") {
		t.Errorf("a single-outcome fit from a multi-trajectory start: error %v", err)
	}
}

// TestStartDualMismatch: a start model that is not a dual model of the
// fit's two outcomes (by name, in order) with the same K1 and K2,
// distributions, orders and inflation orders is an error naming the
// first difference.
func TestStartDualMismatch(t *testing.T) {
	a, b := dualOutcomes(t, 200)
	f, err := FitDual(a, b, &Settings{Search: mixture.Settings{Seed: 1, Starts: 2}, NoSE: true})
	if err != nil {
		t.Fatal(err)
	}
	multi, err := FitMulti(jointCareers(t, 200), &Settings{Search: mixture.Settings{Seed: 1, Starts: 2}, NoSE: true})
	if err != nil {
		t.Fatal(err)
	}
	withModel := func(o Outcome, m Model) Outcome { o.Model = m; return o }
	renamed := b
	renamed.Name = "c"
	for _, tc := range []struct {
		name  string
		start *Fitted
		a, b  Outcome
		want  string
	}{
		{"multi", multi, a, b, "start.json is a multi-trajectory model of outcomes a,b,c, the fit a dual trajectory model"},
		{"swapped", f, b, a, "start.json has outcomes a,b, the fit b,a"},
		{"name", f, a, renamed, "start.json has outcomes a,b, the fit a,c"},
		{"K1", f, withModel(a, mustModel(t, ZIP, 3, []int{2, 1, 1}, []int{0, -1, -1})), b, "start.json: outcome a has 2 groups, the fit 3"},
		{"K2", f, a, withModel(b, Model{Distribution: NB, Orders: []int{1, 0}, Inflation: []int{-1, -1}, CommonDispersion: true}), "start.json: outcome b has 3 groups, the fit 2"},
		{"orders", f, withModel(a, mustModel(t, ZIP, 2, []int{2, 2}, []int{0, -1})), b, "start.json: outcome a has orders 2,1, the fit 2,2"},
		{"inflation", f, withModel(a, mustModel(t, ZIP, 2, []int{2, 1}, []int{0, 0})), b, "start.json: outcome a has inflation orders 0,-1, the fit 0,0"},
		{"distribution", f, a, withModel(b, mustModel(t, Poisson, 3, []int{1, 0, 1}, nil)), "start.json: outcome b is a nb model, the fit poisson"},
	} {
		_, err := FitDual(tc.a, tc.b, &Settings{Start: tc.start, StartFile: "start.json", NoSE: true})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one with %q", tc.name, err, tc.want)
		}
	}
}
