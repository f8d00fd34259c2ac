package main

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/trajectory"
)

// cnormData is the censored normal reference data of the trajectory
// package (bench/cnorm_reference.R): real values censored at 0 and 10,
// with a time-varying covariate w.
var cnormData = filepath.Join("..", "..", "trajectory", "testdata", "cnorm-k1.csv")

// TestFitCnorm: fit --dist cnorm reads the values as real numbers and, with
// one group and the covariate, reaches survreg's maximum
// (trajectory/testdata/cnorm-k1-survreg.txt: -15061.813962714585); the
// summary shows σ and the censoring points, model.json cnorm's fields, and
// score reads them back.
func TestFitCnorm(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "k1")
	code, stdout, stderr := trajkit(t, "fit", "--data", cnormData, "--groups", "1", "--order", "2", "--tcov", "w", "--dist", "cnorm", "--max", "10", "--starts", "2", "--quiet", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"censored normal (Tobit), censored at 0 and 10", "Sigma (all groups)", "Log-likelihood                 -15061.81396"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("summary without %q:\n%s", want, stdout)
		}
	}
	var f trajectory.Fitted
	readJSON(t, filepath.Join(out, "model.json"), &f)
	if want := -15061.813962714585; math.Abs(f.LogLik-want) > 1e-6*math.Abs(want) {
		t.Errorf("log-likelihood %.9f, survreg %.9f", f.LogLik, want)
	}
	g := f.Groups[0]
	if f.Distribution != trajectory.CNorm || f.SigmaCommon == nil || !*f.SigmaCommon || f.Censoring == nil || *f.Censoring != (trajectory.Censoring{Min: 0, Max: 10}) ||
		g.Sigma == nil || g.SigmaSE == nil || math.IsNaN(g.Curve[0].LatentMean) || !math.IsNaN(g.Curve[0].Rate) {
		t.Errorf("model.json: distribution %q, sigma_common %v, censoring %v, sigma %v (se %v), curve %+v", f.Distribution, f.SigmaCommon, f.Censoring, g.Sigma, g.SigmaSE, g.Curve[0])
	}
	// The figure's y axis names the scale by its column.
	svg := filepath.Join(dir, "k1.svg")
	if code, _, stderr := trajkit(t, "plot", "--model", out, "--out", svg); code != 0 {
		t.Fatalf("plot: exit %d: %s", code, stderr)
	}
	if b, err := os.ReadFile(svg); err != nil || !strings.Contains(string(b), "Expected score (y)") {
		t.Errorf("the figure's y axis is not the scale's (err %v)", err)
	}
	// score reads model.json back (validated: n_params counts σ) and the
	// careers as real values again.
	code, stdout, stderr = trajkit(t, "score", "--model", out, "--data", cnormData, "--out", filepath.Join(dir, "scored"))
	if code != 0 || !strings.Contains(stdout, "-15061.81396") {
		t.Fatalf("score: exit %d: %s%s", code, stdout, stderr)
	}
	code, _, stderr = trajkit(t, "fit", "--data", cnormData, "--groups", "2", "--dist", "cnorm", "--max", "10", "--sigma", "group", "--starts", "2", "--quiet", "--no-se")
	if code != 0 {
		t.Fatalf("--sigma group: exit %d: %s", code, stderr)
	}
}

// TestCnormFlags: --max is required with cnorm, --min/--max/--sigma are
// cnorm's alone, and the censoring points are checked (usage errors, exit 2).
func TestCnormFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--dist", "cnorm"}, "--dist cnorm needs --max"},
		{[]string{"--dist", "cnorm", "--min", "5", "--max", "5"}, "min must be below max"},
		{[]string{"--dist", "cnorm", "--max", "10", "--sigma", "each"}, `--sigma "each"`},
		{[]string{"--max", "10"}, "--max is for the censored normal"},
		{[]string{"--dist", "zip", "--sigma", "group"}, "--sigma is for the censored normal"},
	} {
		args := append([]string{"fit", "--data", cnormData, "--groups", "2"}, tc.args...)
		code, _, stderr := trajkit(t, args...)
		if code != 2 || !strings.Contains(stderr, tc.msg) {
			t.Errorf("%v: exit %d, %q; want 2 and %q", tc.args, code, stderr, tc.msg)
		}
	}
	// Real values as counts: the reader's error names the cell.
	code, _, stderr := trajkit(t, "fit", "--data", cnormData, "--groups", "2")
	if code != 1 || !strings.Contains(stderr, "cnorm-k1.csv:") || !strings.Contains(stderr, "not a whole number") {
		t.Errorf("real values read as counts: exit %d, %q", code, stderr)
	}
}

// TestSelectCnorm: select --dist cnorm reads real values and passes the
// censoring points and σ's form to every candidate.
func TestSelectCnorm(t *testing.T) {
	out := filepath.Join(t.TempDir(), "sel")
	code, stdout, stderr := trajkit(t, "select", "--data", cnormData, "--groups", "1-2", "--order", "2", "--dist", "cnorm", "--max", "10", "--sigma", "group", "--starts", "2", "--quiet", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "Recommended") {
		t.Errorf("no recommendation:\n%s", stdout)
	}
	var f trajectory.Fitted
	readJSON(t, filepath.Join(out, "model.json"), &f)
	if f.Censoring == nil || f.Censoring.Max != 10 || f.SigmaCommon == nil || *f.SigmaCommon {
		t.Errorf("recommended model: censoring %v, sigma_common %v", f.Censoring, f.SigmaCommon)
	}
	if code, _, stderr := trajkit(t, "select", "--data", cnormData, "--groups", "1-2", "--max", "10"); code != 2 || !strings.Contains(stderr, "--max is for the censored normal") {
		t.Errorf("select --max without cnorm: exit %d, %q", code, stderr)
	}
}
