package trajectory

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/mixture"
)

// roundTrip returns f as read back from its JSON (model.json's body).
func roundTrip(t *testing.T, f *Fitted) *Fitted {
	t.Helper()
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	var g Fitted
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	return &g
}

// TestStartReproduces: a fit started from its own model file alone
// (StartOnly) reproduces its log-likelihood within a relative 1e-10 in at
// most 2 iterations, with constant shares, with risk factors and with
// weights, and for NB (α per group and common), cnorm (σ shared) and
// logit; as one start more it runs the usual starts besides.
func TestStartReproduces(t *testing.T) {
	zc := testCareers(t, 800, 21)
	rc, risk := riskCareers(t, 800, 22, [][]float64{{0, 0, 0}, {-0.3, 0.8, 0}, {-1, 0.5, 1.2}})
	w, _ := replicated(rc.Len(), 4)
	nc := nbCareers(t, 400, 23, false)
	nbCommon := mustModel(t, NB, 2, []int{2}, nil)
	nbCommon.CommonDispersion = true
	cn, _, _ := cnormCareers(t, 400, 24, Censoring{0, 8})
	for _, tc := range []struct {
		name string
		c    *Careers
		m    Model
		s    Settings
	}{
		{"zip", zc, mustModel(t, ZIP, 3, []int{2, 3, 2}, nil), Settings{}},
		{"risk factors", rc, mustModel(t, Poisson, 3, []int{0, 2, 2}, nil), Settings{Risk: risk, Reference: 2}},
		{"weights", rc, mustModel(t, Poisson, 3, []int{0, 2, 2}, nil), Settings{Weights: w}},
		{"nb", nc, mustModel(t, NB, 2, []int{2}, nil), Settings{}},
		{"nb common", nc, nbCommon, Settings{}},
		{"cnorm", cn, Model{Distribution: CNorm, Orders: []int{2, 2}, Inflation: []int{-1, -1}, Censor: Censoring{0, 8}}, Settings{}},
		{"logit", binaryCareers(t, Logit, 400, 25, false), mustModel(t, Logit, 2, []int{2}, nil), Settings{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.s
			s.Search = mixture.Settings{Seed: 5, Starts: 6}
			f, err := Fit(tc.c, tc.m, &s)
			if err != nil {
				t.Fatal(err)
			}
			rs := tc.s
			rs.Start, rs.StartOnly, rs.StartFile = roundTrip(t, f), true, "fit/model.json"
			g, err := Fit(tc.c, tc.m, &rs)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(g.LogLik-f.LogLik) > 1e-10*math.Abs(f.LogLik) || g.Iterations > 2 {
				t.Errorf("from its own model: log-likelihood %.12f after %d iterations, the fit's %.12f", g.LogLik, g.Iterations, f.LogLik)
			}
			if g.Starts.Total != 1 || g.Settings.Start != "fit/model.json" || !g.Settings.StartOnly {
				t.Errorf("starts %d, recorded start %q, start only %v", g.Starts.Total, g.Settings.Start, g.Settings.StartOnly)
			}
			rs.StartOnly, rs.Search = false, s.Search
			h, err := Fit(tc.c, tc.m, &rs)
			if err != nil {
				t.Fatal(err)
			}
			if h.Starts.Total != 7 || h.LogLik < f.LogLik-1e-10*math.Abs(f.LogLik) {
				t.Errorf("with the usual starts: %d starts, log-likelihood %.12f, the fit's %.12f", h.Starts.Total, h.LogLik, f.LogLik)
			}
		})
	}
}

// TestStartOrders: the orders of the start and of the fit are multisets:
// the same orders listed in another order start the fit.
func TestStartOrders(t *testing.T) {
	c := testCareers(t, 500, 3)
	f, err := Fit(c, mustModel(t, Poisson, 3, []int{1, 2, 3}, nil), &Settings{Search: mixture.Settings{Seed: 1, Starts: 4}})
	if err != nil {
		t.Fatal(err)
	}
	g, err := Fit(c, mustModel(t, Poisson, 3, []int{3, 1, 2}, nil), &Settings{Start: f, StartOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(g.LogLik-f.LogLik) > 1e-10*math.Abs(f.LogLik) {
		t.Errorf("log-likelihood %.12f, the start's %.12f", g.LogLik, f.LogLik)
	}
}

// TestStartMismatch: a start model that differs from the fit in its
// distribution, number of groups, orders, inflation orders, risk factors
// or time-varying covariates is an error naming what differs; Select
// takes no start model.
func TestStartMismatch(t *testing.T) {
	c, risk := riskCareers(t, 300, 2, [][]float64{{0, 0, 0}, {-0.3, 0.8, 0}, {-1, 0.5, 1.2}})
	f, err := Fit(c, mustModel(t, ZIP, 2, []int{2}, nil), &Settings{Search: mixture.Settings{Seed: 1, Starts: 2}, NoSE: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		m    Model
		risk *RiskDesign
		want string
	}{
		{"distribution", mustModel(t, Poisson, 2, []int{2}, nil), nil, "start.json is a zip model, the fit poisson"},
		{"groups", mustModel(t, ZIP, 3, []int{2}, nil), nil, "start.json has 2 groups, the fit 3"},
		{"orders", mustModel(t, ZIP, 2, []int{2, 3}, nil), nil, "start.json has orders 2,2, the fit 2,3"},
		{"inflation", mustModel(t, ZIP, 2, []int{2}, []int{1}), nil, "start.json has inflation orders 0,0, the fit 1,1"},
		{"risk", mustModel(t, ZIP, 2, []int{2}, nil), risk, "start.json has risk factors none, the fit x1,x2"},
	} {
		_, err := Fit(c, tc.m, &Settings{Start: f, StartFile: "start.json", Risk: tc.risk})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one with %q", tc.name, err, tc.want)
		}
	}
	if _, err := Select(c, SelectSettings{Distribution: ZIP, MinGroups: 1, MaxGroups: 2, MaxOrder: 2, Fit: Settings{Start: f}}); err == nil {
		t.Error("Select with a start model: no error")
	}
}
