package main

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/trajkit/trajkit/trajectory/results"
)

// TestFitOutcomesFlags: the flags given per outcome reach each outcome's
// model, and flags that a multi-trajectory model does not take, or
// NAME=VALUE without --outcomes, are refused with what to do.
func TestFitOutcomesFlags(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := trajkit(t, "fit", "--data", "example:nl630-outcomes", "--outcomes", "thb,other", "--groups", "2", "--ages", "12-40",
		"--dist", "zip", "--dist", "thb=poisson", "--order", "1", "--order", "other=2", "--inflation", "other=1", "--no-se", "--out", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	fit, err := results.ReadFit(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(fit.Outcomes) != 2 {
		t.Fatalf("%d outcomes", len(fit.Outcomes))
	}
	thb, other := fit.Outcomes[0], fit.Outcomes[1]
	if thb.Name != "thb" || thb.Distribution != "poisson" || thb.Orders[0] != 1 || thb.InflationOrders[0] != -1 ||
		other.Name != "other" || other.Distribution != "zip" || other.Orders[1] != 2 || other.InflationOrders[0] != 1 {
		t.Errorf("outcomes %s %s %v %v, %s %s %v %v", thb.Name, thb.Distribution, thb.Orders, thb.InflationOrders,
			other.Name, other.Distribution, other.Orders, other.InflationOrders)
	}
	b, err := os.ReadFile(filepath.Join(dir, results.AssignmentsFile))
	if err != nil {
		t.Fatal(err)
	}
	if head, _, _ := strings.Cut(string(b), "\n"); head != "id,group,p1,p2" {
		t.Errorf("assignments.csv header %q", head)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--data", "example:sim630", "--groups", "2", "--order", "y=2"}, "needs --outcomes"},
		{[]string{"--data", "example:sim630", "--groups", "2", "--exposure", "y=e"}, "needs --outcomes"},
		{[]string{"--data", "example:nl630-outcomes", "--outcomes", "thb,other", "--groups", "2", "--order", "violent=2"}, `no outcome "violent"`},
		{[]string{"--data", "example:nl630-outcomes", "--outcomes", "thb,thb", "--groups", "2"}, "named twice"},
		{[]string{"--data", "example:nl630-outcomes", "--outcomes", "thb,other", "--groups", "2", "--start", "prev"}, "--start: prev"},
		{[]string{"--data", "example:nl630-outcomes", "--outcomes", "thb,other", "--groups", "2", "--dist", "other=zap"}, `outcome other: unknown distribution "zap"`},
		{[]string{"--data", "example:nl630-outcomes", "--outcomes", "thb,violent", "--groups", "2"}, `"violent"`},
		// An exposure per outcome reaches that outcome's reader.
		{[]string{"--data", "example:nl630-outcomes", "--outcomes", "thb,other", "--groups", "2", "--exposure", "thb=days"}, `no column "days" (exposure)`},
	} {
		code, _, stderr := trajkit(t, append([]string{"fit"}, tc.args...)...)
		if code == 0 || !strings.Contains(stderr, tc.want) {
			t.Errorf("fit %v: exit %d, %q; want an error with %q", tc.args, code, stderr, tc.want)
		}
	}
}

// TestFitOneOutcome: --outcomes with one name is the plain fit of that
// column with the outcome's own flags, and writes the single-outcome
// model.json; a value naming several outcomes in one flag is refused
// with the way to write it.
func TestFitOneOutcome(t *testing.T) {
	one, plain := t.TempDir(), t.TempDir()
	for _, run := range [][]string{
		{"--outcomes", "thb", "--dist", "thb=poisson", "--order", "thb=2", "--out", one},
		{"--count", "thb", "--dist", "poisson", "--order", "2", "--out", plain},
	} {
		args := append([]string{"fit", "--data", "example:nl630-outcomes", "--groups", "2", "--no-se", "--starts", "4", "--quiet"}, run...)
		if code, _, stderr := trajkit(t, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
	}
	a, err := results.ReadFit(one)
	if err != nil {
		t.Fatal(err)
	}
	b, err := results.ReadFit(plain)
	if err != nil {
		t.Fatal(err)
	}
	if a.Distribution != "poisson" || len(a.Outcomes) != 0 || a.LogLik != b.LogLik || a.Settings.Data.Count != "thb" {
		t.Errorf("--outcomes thb: %s, %d outcomes, log-likelihood %v (count %q); --count thb: %v", a.Distribution, len(a.Outcomes), a.LogLik, a.Settings.Data.Count, b.LogLik)
	}
	code, _, stderr := trajkit(t, "fit", "--data", "example:nl630-outcomes", "--outcomes", "thb,other", "--dist", "thb=zip,other=poisson", "--groups", "2")
	if code != 2 || !strings.Contains(stderr, "repeat the flag for each outcome") {
		t.Errorf("--dist thb=zip,other=poisson: exit %d, %q", code, stderr)
	}
}

// reproducedOutcomes is the one run of reproduce --outcomes that
// TestReproduceOutcomes and TestReproductionReportInBrowser read.
var reproducedOutcomes struct {
	once              sync.Once
	dir, stdout, fail string
}

// reproduceOutcomes runs reproduce --outcomes once per test binary into a
// directory that TestMain removes, and returns it and the run's stdout.
func reproduceOutcomes(t *testing.T) (dir, stdout string) {
	t.Helper()
	r := &reproducedOutcomes
	r.once.Do(func() {
		d, err := os.MkdirTemp("", "trajkit-reproduce-")
		if err != nil {
			r.fail = err.Error()
			return
		}
		r.dir = d
		code, out, stderr := trajkit(t, "reproduce", "--outcomes", "--out", d, "--quiet")
		if code != 0 {
			r.fail = fmt.Sprintf("reproduce --outcomes: exit %d: %s", code, stderr)
		}
		r.stdout = out
	})
	if r.fail != "" {
		t.Fatal(r.fail)
	}
	return r.dir, r.stdout
}

// cleanReproduced removes reproduceOutcomes' directory (TestMain).
func cleanReproduced() {
	if reproducedOutcomes.dir != "" {
		os.RemoveAll(reproducedOutcomes.dir)
	}
}

// TestReproduceOutcomes: reproduce --outcomes adds the joint profile of
// the other and the trafficking cases, its groups labelled by the shape of
// the other cases, with the reproduction's four groups.
func TestReproduceOutcomes(t *testing.T) {
	if testing.Short() {
		t.Skip("the whole reproduction")
	}
	dir, stdout := reproduceOutcomes(t)
	if !strings.Contains(stdout, "Exploratory, with no published counterpart") {
		t.Errorf("the joint profile is not labelled exploratory:\n%s", stdout)
	}
	fit, err := results.ReadFit(filepath.Join(dir, "joint"))
	if err != nil {
		t.Fatal(err)
	}
	labels := map[string]bool{}
	for _, g := range fit.Groups {
		labels[g.Label] = true
	}
	if len(fit.Outcomes) != 2 || fit.Outcomes[0].Name != "other" || fit.Outcomes[1].Name != "thb" || len(fit.Groups) != 4 || len(labels) != 4 {
		t.Errorf("joint profile: %d outcomes, %d groups, labels %v", len(fit.Outcomes), len(fit.Groups), labels)
	}
	if _, err := os.Stat(filepath.Join(dir, "joint", "trajectories.png")); err != nil {
		t.Error(err)
	}
	// The report has the joint profile's section, labelled exploratory,
	// with its figure and a row per group (TestReproductionReportInBrowser
	// checks its layout).
	page, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	html := string(page)
	i := strings.Index(html, `<section id="joint">`)
	if i < 0 {
		t.Fatal("report.html has no joint profile section")
	}
	sec := html[i : i+strings.Index(html[i:], "</section>")]
	if !strings.Contains(sec, "Exploratory, with no published counterpart") || !strings.Contains(sec, `<figure id="fig-joint">`) || strings.Count(sec, `<span class="swatch"`) != 4 {
		t.Errorf("the joint profile's section lacks its label, figure or four groups")
	}
}

// TestScoreDistalJoint: score of a model whose distal outcome was
// estimated jointly scores the new careers from their careers alone, and
// says so.
func TestScoreDistalJoint(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := trajkit(t, "fit", "--data", "example:nl630", "--ages", "12-40", "--groups", "2", "--order", "2", "--no-se",
		"--persons", "example:nl630-persons", "--distal", "repeat_thb", "--distal-model", "logit", "--distal-method", "joint", "--out", dir, "--quiet")
	if code != 0 {
		t.Fatalf("fit: exit %d: %s", code, stderr)
	}
	code, _, stderr = trajkit(t, "score", "--model", dir, "--data", "example:nl630", "--out", filepath.Join(dir, "scored.csv"))
	if code != 0 || !strings.Contains(stderr, "scored from their careers alone") {
		t.Errorf("score: exit %d, %q; want a warning that the distal outcome is not used", code, stderr)
	}
}

// writeTcovOutcomes writes a long file of two outcomes, a (counts) and b
// (0/1), of 300 persons of two groups at ages 14-22 or beyond, with a
// yearly 0/1 covariate employed whose effect differs by outcome and group
// (seeded, so the same file every run), and returns its path.
func writeTcovOutcomes(t *testing.T) string {
	t.Helper()
	rng := rand.New(rand.NewPCG(3, 3))
	var b strings.Builder
	b.WriteString("id,age,a,b,employed\n")
	for i := range 300 {
		g := 0
		if rng.Float64() > 0.6 {
			g = 1
		}
		e := rng.IntN(2)
		for age := 14; age <= 22+rng.IntN(9); age++ {
			if rng.Float64() < 0.3 {
				e = 1 - e
			}
			x := float64(age-22) / 8
			lam := math.Exp([]float64{-1 + 0.3*x - 0.5*x*x, 0.5 - 0.4*x - 0.6*x*x}[g] + []float64{-0.6, 0.3}[g]*float64(e))
			y := 0 // a Poisson count by inversion
			for p, cum, u := math.Exp(-lam), math.Exp(-lam), rng.Float64(); u > cum; cum += p {
				y++
				p *= lam / float64(y)
			}
			any := 0
			if rng.Float64() < 1/(1+math.Exp(-([]float64{-1.5 + 0.4*x, 0.2 - 0.8*x}[g]+[]float64{0.8, -0.5}[g]*float64(e)))) {
				any = 1
			}
			fmt.Fprintf(&b, "p%d,%d,%d,%d,%d\n", i, age, y, any, e)
		}
	}
	path := filepath.Join(t.TempDir(), "two.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestFitOutcomesTcov: fit --outcomes with --tcov writes each outcome's
// effects of the covariate per group, with standard errors, to
// model.json (outcomes[o].groups[k].tcov_coef, tcov_se) and the summary;
// the covariance names them per outcome; score reads the covariate again
// and gives the fit's log-likelihood; plot and report draw the curves at
// the covariates' values; simulate warns that it draws no covariates; the
// parametric bootstrap is refused with the reason; select --outcomes
// --tcov finds the fit's model.
func TestFitOutcomesTcov(t *testing.T) {
	data := writeTcovOutcomes(t)
	dir := t.TempDir()
	code, stdout, stderr := trajkit(t, "fit", "--data", data, "--outcomes", "a,b", "--dist", "a=poisson", "--dist", "b=logit",
		"--order", "2", "--order", "b=1", "--groups", "2", "--tcov", "employed", "--ages", "14-28", "--starts", "5", "--quiet", "--out", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	raw, err := os.ReadFile(filepath.Join(dir, results.ModelFile))
	if err != nil {
		t.Fatal(err)
	}
	var mj struct {
		Covariates struct {
			Tcov []string `json:"tcov"`
		} `json:"covariates"`
		Outcomes []struct {
			Name   string `json:"name"`
			Groups []struct {
				TcovCoef map[string]float64 `json:"tcov_coef"`
				TcovSE   map[string]float64 `json:"tcov_se"`
			} `json:"groups"`
		} `json:"outcomes"`
		Covariance struct {
			Names []string `json:"names"`
		} `json:"covariance"`
	}
	if err := json.Unmarshal(raw, &mj); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(mj.Covariates.Tcov, []string{"employed"}) || len(mj.Outcomes) != 2 {
		t.Fatalf("covariates %q, %d outcomes", mj.Covariates.Tcov, len(mj.Outcomes))
	}
	// The true effects: a -0.6 and 0.3, b 0.8 and -0.5 (writeTcovOutcomes).
	for o, want := range [][]float64{{-0.6, 0.3}, {0.8, -0.5}} {
		out := mj.Outcomes[o]
		for k, g := range out.Groups {
			d, se := g.TcovCoef["employed"], g.TcovSE["employed"]
			if !(se > 0) || math.Abs(d-want[k]) > 4*se {
				t.Errorf("outcome %s group %d: δ %.3f (se %.3f), true %.1f", out.Name, k+1, d, se, want[k])
			}
			if row := []string{"employed", fmt.Sprintf("%.5f", d), fmt.Sprintf("%.5f", se)}; !hasRow(stdout, row) {
				t.Errorf("the summary has no row %q:\n%s", row, stdout)
			}
		}
	}
	for _, n := range []string{"a_g1_tcov_employed", "b_g2_tcov_employed"} {
		if !slices.Contains(mj.Covariance.Names, n) {
			t.Errorf("no %s in the covariance's names %q", n, mj.Covariance.Names)
		}
	}
	fit, err := results.ReadFit(dir)
	if err != nil {
		t.Fatal(err)
	}
	scores := filepath.Join(t.TempDir(), "scores.csv")
	code, stdout, stderr = trajkit(t, "score", "--model", dir, "--data", data, "--out", scores)
	if want := fmt.Sprintf("Log-likelihood of the persons scored: %.6f", fit.LogLik); code != 0 || !strings.Contains(stdout, want) {
		t.Errorf("score: exit %d, %s%s; want %q", code, stdout, stderr, want)
	}
	// plot draws every outcome's curves at the covariates' values (and by
	// default at the persons' own, beside the observed means), as the
	// report does; --curves, of one outcome's curves, is refused.
	figs := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"plot", "--model", dir, "--tcov", "employed=0,1", "--out", filepath.Join(figs, "at.svg")}, "employed = 1"},
		{[]string{"plot", "--model", dir, "--out", filepath.Join(figs, "mean.svg")}, "employed = mean of the persons observed"},
		{[]string{"report", "--model", dir, "--out", filepath.Join(figs, "report.html")}, "b: employed"},
	} {
		if code, _, stderr := trajkit(t, tc.args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", tc.args, code, stderr)
		}
		if b, err := os.ReadFile(tc.args[len(tc.args)-1]); err != nil || !strings.Contains(string(b), tc.want) {
			t.Errorf("%v: no %q in the output (%v)", tc.args, tc.want, err)
		}
	}
	if code, _, stderr := trajkit(t, "plot", "--model", dir, "--curves", filepath.Join(figs, "c.csv")); code != 2 || !strings.Contains(stderr, "--curves writes the numbers of a model of one outcome") {
		t.Errorf("plot --curves: exit %d, %q", code, stderr)
	}
	// simulate draws without the covariates, with the warning it gives
	// for one outcome.
	if code, _, stderr := trajkit(t, "simulate", "--model", dir, "--persons", "20", "--out", t.TempDir()); code != 0 || !strings.Contains(stderr, "without the covariates") {
		t.Errorf("simulate: exit %d, %q", code, stderr)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"fit", "--bootstrap", "3", "--bootstrap-type", "parametric"}, "does not simulate time-varying covariates"},
	} {
		args := append(tc.args, "--data", data, "--outcomes", "a,b", "--dist", "a=poisson", "--dist", "b=logit", "--tcov", "employed", "--groups", "2", "--quiet", "--out", t.TempDir())
		if code, _, stderr := trajkit(t, args...); code == 0 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, %q; want an error with %q", args, code, stderr, tc.want)
		}
	}
	// A multi-trajectory search takes the covariates into every
	// candidate: its K = 2 model is the fit's.
	sel := t.TempDir()
	code, _, stderr = trajkit(t, "select", "--data", data, "--outcomes", "a,b", "--dist", "a=poisson", "--dist", "b=logit", "--order", "2", "--order", "b=1",
		"--groups", "2", "--tcov", "employed", "--ages", "14-28", "--starts", "5", "--quiet", "--out", sel)
	if code != 0 {
		t.Fatalf("select: exit %d: %s", code, stderr)
	}
	rec, err := results.ReadFit(filepath.Join(sel, "recommended"))
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(rec.LogLik-fit.LogLik) > 1e-6*math.Abs(fit.LogLik) || len(rec.Outcomes[1].Groups[1].TcovCoef.Values) != 1 {
		t.Errorf("select's model: log-likelihood %.6f, the fit's %.6f; b's group 2 δ %v", rec.LogLik, fit.LogLik, rec.Outcomes[1].Groups[1].TcovCoef)
	}
}

// hasRow reports whether a line of text begins with the fields row.
func hasRow(text string, row []string) bool {
	for _, line := range strings.Split(text, "\n") {
		if f := strings.Fields(line); len(f) >= len(row) && slices.Equal(f[:len(row)], row) {
			return true
		}
	}
	return false
}
