package main

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/trajectory/results"
)

// TestFitWeights: --weights takes a column of --persons; the summary and
// the report say that the standard errors are model-based, profile weights
// the profiles as fit does, model.json records the column
// and the flag, and bad weights, a missing row, a missing column and
// --weights without --persons are errors naming file, line and column.
func TestFitWeights(t *testing.T) {
	good := personFile(t, "w.csv", func(i int) string { return fmt.Sprint(1 + i%3) })
	dir := t.TempDir()
	code, stdout, stderr := trajkit(t, append(quickFit, "--persons", good, "--weights", "x", "--out", dir)...)
	if code != 0 {
		t.Fatalf("--weights x: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, `Sampling weights: column "x" of `+good+`, rescaled to sum to 630`) || !strings.Contains(stdout, "model-based, not design-based") {
		t.Errorf("the summary does not say the fit is weighted:\n%s", stdout)
	}
	f, err := results.ReadModel(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !f.Settings.Weighted || f.Settings.Data.Weights != "x" {
		t.Errorf("model.json: weighted %v, weights column %q", f.Settings.Weighted, f.Settings.Data.Weights)
	}
	// The report says so too.
	html := filepath.Join(t.TempDir(), "report.html")
	if code, _, stderr := trajkit(t, "report", "--model", dir, "--out", html); code != 0 {
		t.Fatalf("report: exit %d: %s", code, stderr)
	}
	if b, err := os.ReadFile(html); err != nil || !bytes.Contains(b, []byte("model-based, not design-based")) {
		t.Errorf("the report does not say the fit is weighted (%v)", err)
	}
	// trajkit profile weights the profiles as fit did.
	other := t.TempDir()
	if code, _, stderr := trajkit(t, "profile", "--model", dir, "--persons", good, "--out", other); code != 0 {
		t.Fatalf("profile: exit %d: %s", code, stderr)
	}
	a, errA := os.ReadFile(filepath.Join(dir, results.ProfilesFile))
	b, errB := os.ReadFile(filepath.Join(other, results.ProfilesFile))
	if errA != nil || errB != nil || !bytes.Equal(a, b) {
		t.Errorf("profile --model of a weighted fit: profiles.csv differs from fit's (%v, %v)", errA, errB)
	}

	zero := personFile(t, "zero.csv", func(i int) string {
		if i == 9 {
			return "0"
		}
		return "1"
	})
	text := personFile(t, "text.csv", func(int) string { return "heavy" })
	short := writeFile(t, "short.csv", "id,x\n1,2\n2,1\n")
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"zero", []string{"--persons", zero, "--weights", "x"}, 1, zero + `:10:2: column "x": sampling weight of person "9" is 0: expected a finite number > 0`},
		{"text", []string{"--persons", text, "--weights", "x"}, 1, text + `:2:2: column "x": sampling weight of person "1" is "heavy"`},
		{"no row", []string{"--persons", short, "--weights", "x"}, 1, short + `: person "3" of the careers has no row, so no sampling weight in column "x"`},
		{"no column", []string{"--persons", good, "--weights", "w"}, 1, good + `:1: no column "w" of sampling weights`},
		{"no persons", []string{"--weights", "x"}, 2, "--weights needs --persons"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := trajkit(t, append(quickFit, tc.args...)...)
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr, tc.code, tc.want)
			}
		})
	}
}

// TestSelectWeights: select --weights fits every candidate with the
// weights, and its recommended model records them.
func TestSelectWeights(t *testing.T) {
	w := personFile(t, "w.csv", func(i int) string { return fmt.Sprint(1 + i%3) })
	dir := t.TempDir()
	code, _, stderr := trajkit(t, "select", "--data", "example:sim630", "--groups", "1-2", "--order", "1", "--starts", "2", "--keep", "1",
		"--persons", w, "--weights", "x", "--out", dir, "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	f, err := results.ReadModel(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !f.Settings.Weighted {
		t.Error("select --weights: the recommended model is not weighted")
	}
}

// TestFitStart: fit --start DIR/model.json --starts 0 reproduces that
// fit's log-likelihood within a relative 1e-10 in at most 2 iterations,
// taking its orders when --order is not given; with --starts N it is one
// start beside N; a model of other groups, orders or distribution is an
// error naming what differs, and --starts 0 needs --start.
func TestFitStart(t *testing.T) {
	first := t.TempDir()
	base := []string{"fit", "--data", "example:sim630", "--groups", "3", "--quiet"}
	if code, _, stderr := trajkit(t, append(base, "--order", "2,3,1", "--out", first)...); code != 0 {
		t.Fatalf("fit: exit %d: %s", code, stderr)
	}
	f, err := results.ReadModel(first)
	if err != nil {
		t.Fatal(err)
	}
	start := filepath.Join(first, "model.json")
	again := t.TempDir()
	code, stdout, stderr := trajkit(t, append(base, "--start", start, "--starts", "0", "--out", again)...)
	if code != 0 {
		t.Fatalf("--start: exit %d: %s", code, stderr)
	}
	g, err := results.ReadModel(again)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(g.LogLik-f.LogLik) > 1e-10*math.Abs(f.LogLik) || g.Iterations > 2 {
		t.Errorf("--start --starts 0: log-likelihood %.12f after %d iterations, the start's %.12f", g.LogLik, g.Iterations, f.LogLik)
	}
	if g.Settings.Start != start || !g.Settings.StartOnly || g.Starts.Total != 1 {
		t.Errorf("model.json: start %q, start only %v, %d starts", g.Settings.Start, g.Settings.StartOnly, g.Starts.Total)
	}
	if !strings.Contains(stdout, "Start: the parameters of "+start+", alone") {
		t.Errorf("the summary does not name the start:\n%s", stdout)
	}
	code, _, stderr = trajkit(t, append(base, "--start", first, "--starts", "3", "--keep", "1", "--out", t.TempDir())...)
	if code != 0 {
		t.Fatalf("--start --starts 3: exit %d: %s", code, stderr)
	}
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"groups", []string{"fit", "--data", "example:sim630", "--groups", "2", "--start", start}, 2, "has 3 groups, --groups says 2"},
		{"orders", append(base, "--start", start, "--order", "3"), 1, start + " has orders 2,3,1, the fit 3,3,3"},
		{"distribution", append(base, "--start", start, "--dist", "zip"), 1, start + " is a poisson model, the fit zip"},
		{"no file", append(base, "--start", filepath.Join(first, "none.json")), 1, "--start: "},
		{"starts 0", append(base, "--starts", "0"), 2, "--starts 0 runs the --start model alone: it needs --start"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := trajkit(t, tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr, tc.code, tc.want)
			}
		})
	}
}
