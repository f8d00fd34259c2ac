package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/trajectory/results"
)

// TestFitDualTcov: fit --dual with --tcov writes each outcome's effects
// of the covariate per group of that outcome, with standard errors, to
// model.json (outcomes[o].groups[k].tcov_coef, tcov_se; covariates.tcov
// and curve_at) and the summary; the covariance names them per outcome;
// score reads the covariate again and gives the fit's log-likelihood; a
// start from the model with --starts 0 reproduces it, one without --tcov
// is refused naming the covariates; simulate --model warns that the
// covariates are not drawn; report shows the effects per outcome and plot
// draws the dual figure at the persons' own values and at given ones.
func TestFitDualTcov(t *testing.T) {
	data := writeTcovOutcomes(t)
	dir := t.TempDir()
	model := []string{"--data", data, "--dual", "a,b", "--groups", "2,2", "--dist", "a=poisson", "--dist", "b=logit",
		"--order", "2", "--order", "b=1,1", "--ages", "14-28", "--quiet"}
	code, stdout, stderr := trajkit(t, append([]string{"fit", "--tcov", "employed", "--starts", "3", "--out", dir}, model...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	raw, err := os.ReadFile(filepath.Join(dir, results.ModelFile))
	if err != nil {
		t.Fatal(err)
	}
	var mj struct {
		Covariates struct {
			Tcov    []string `json:"tcov"`
			CurveAt string   `json:"curve_at"`
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
	if !slices.Equal(mj.Covariates.Tcov, []string{"employed"}) || !strings.Contains(mj.Covariates.CurveAt, "outcome b:") || len(mj.Outcomes) != 2 {
		t.Fatalf("covariates %+v, %d outcomes", mj.Covariates, len(mj.Outcomes))
	}
	// The true effects: a -0.6 and 0.3, b 0.8 and -0.5 (writeTcovOutcomes,
	// whose persons have one group in both outcomes).
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
	for _, n := range []string{"a_g1_tcov_employed", "a_g2_tcov_employed", "b_g1_tcov_employed", "b_g2_tcov_employed"} {
		if !slices.Contains(mj.Covariance.Names, n) {
			t.Errorf("no %s in the covariance's names %q", n, mj.Covariance.Names)
		}
	}
	fit, err := results.ReadFit(dir)
	if err != nil {
		t.Fatal(err)
	}
	logLik := fmt.Sprintf("%.6f", fit.LogLik)
	code, stdout, stderr = trajkit(t, "score", "--model", dir, "--data", data, "--out", filepath.Join(t.TempDir(), "scores.csv"))
	if want := "Log-likelihood of the persons scored: " + logLik; code != 0 || !strings.Contains(stdout, want) {
		t.Errorf("score: exit %d, %s%s; want %q", code, stdout, stderr, want)
	}
	code, stdout, stderr = trajkit(t, append([]string{"fit", "--tcov", "employed", "--start", dir, "--starts", "0", "--out", t.TempDir()}, model...)...)
	if code != 0 || !strings.Contains(stdout, logLik) {
		t.Errorf("fit --start: exit %d, %s; want the log-likelihood %s", code, stderr, logLik)
	}
	if code, _, stderr := trajkit(t, append([]string{"fit", "--start", dir, "--starts", "0", "--out", t.TempDir()}, model...)...); code == 0 || !strings.Contains(stderr, "time-varying covariates employed, the fit none") {
		t.Errorf("fit --start without --tcov: exit %d, %q", code, stderr)
	}
	code, _, stderr = trajkit(t, "simulate", "--model", dir, "--persons", "20", "--out", t.TempDir())
	if code != 0 || !strings.Contains(stderr, "without the covariates") {
		t.Errorf("simulate --model: exit %d, %q; want a warning that the covariates are not drawn", code, stderr)
	}
	html := filepath.Join(t.TempDir(), "report.html")
	if code, _, stderr := trajkit(t, "report", "--model", dir, "--out", html); code != 0 {
		t.Fatalf("report: exit %d, %s", code, stderr)
	}
	page, err := os.ReadFile(html)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"a, Group 1", "b, Group 2", "one per outcome and group"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("the report has no %q", want)
		}
	}
	for _, args := range [][]string{{}, {"--tcov", "employed=0,1"}} {
		png := filepath.Join(t.TempDir(), "dual.png")
		if code, _, stderr := trajkit(t, append([]string{"plot", "--model", dir, "--out", png}, args...)...); code != 0 {
			t.Errorf("plot %v: exit %d, %s", args, code, stderr)
		}
	}
}

// TestFitDualTcovBootstrap: the person bootstrap of a dual model with a
// time-varying covariate resamples persons with their covariates and
// writes the transition tables' limits; the parametric bootstrap, which
// does not draw covariates, is refused as for one outcome.
func TestFitDualTcovBootstrap(t *testing.T) {
	data := writeTcovOutcomes(t)
	model := []string{"fit", "--data", data, "--dual", "a,b", "--groups", "2,2", "--dist", "a=poisson", "--dist", "b=logit",
		"--order", "2", "--order", "b=1,1", "--ages", "14-28", "--tcov", "employed", "--starts", "3", "--quiet"}
	dir := t.TempDir()
	code, _, stderr := trajkit(t, append(model, "--bootstrap", "8", "--out", dir)...)
	if code != 0 {
		t.Fatalf("person bootstrap: exit %d: %s", code, stderr)
	}
	fit, err := results.ReadFit(dir)
	if err != nil {
		t.Fatal(err)
	}
	if fit.BootstrapReport == nil || fit.BootstrapReport.Replicates != 8 || fit.Transition.BGivenALoBoot == nil {
		t.Errorf("bootstrap report %+v, limits of π(k2 | k1) %v", fit.BootstrapReport, fit.Transition.BGivenALoBoot)
	}
	code, _, stderr = trajkit(t, append(model, "--bootstrap", "8", "--bootstrap-type", "parametric", "--out", t.TempDir())...)
	if code == 0 || !strings.Contains(stderr, "does not simulate time-varying covariates") {
		t.Errorf("parametric bootstrap with a covariate: exit %d, %q", code, stderr)
	}
}
