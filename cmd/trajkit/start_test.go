package main

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/trajectory/results"
)

// checkFitStart runs fit (args) to a directory, then again with --start
// DIR --starts 0 and the extra flags again, and checks that the refit
// reproduces the log-likelihood within a relative 1e-10 in at most 2
// iterations, from one start, with the start recorded in model.json and
// named in the summary; it returns the first fit's directory.
func checkFitStart(t *testing.T, args, again []string) string {
	t.Helper()
	first := t.TempDir()
	if code, _, stderr := trajkit(t, append(args, "--quiet", "--out", first)...); code != 0 {
		t.Fatalf("fit: exit %d: %s", code, stderr)
	}
	f, err := results.ReadModel(first)
	if err != nil {
		t.Fatal(err)
	}
	start := filepath.Join(first, "model.json")
	dir := t.TempDir()
	code, stdout, stderr := trajkit(t, append(again, "--start", first, "--starts", "0", "--quiet", "--out", dir)...)
	if code != 0 {
		t.Fatalf("--start: exit %d: %s", code, stderr)
	}
	g, err := results.ReadModel(dir)
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
	return first
}

// TestFitStartOutcomes: fit --outcomes --start DIR --starts 0 refits a
// multi-trajectory model from its own model.json (the start's --dist and
// --order standing in for the flags not given), and a start of another
// kind, other outcomes, groups or orders is refused with what differs.
func TestFitStartOutcomes(t *testing.T) {
	base := []string{"fit", "--data", "example:nl630-outcomes", "--outcomes", "thb,other", "--groups", "2", "--ages", "12-40"}
	first := checkFitStart(t, append(base, "--dist", "thb=poisson", "--dist", "other=zip", "--order", "1", "--starts", "4"), base)
	start := filepath.Join(first, "model.json")
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"groups", []string{"fit", "--data", "example:nl630-outcomes", "--outcomes", "thb,other", "--groups", "3", "--start", first}, 2, "--start " + start + " has 2 groups, --groups says 3"},
		{"outcomes", []string{"fit", "--data", "example:nl630-outcomes", "--outcomes", "other,thb", "--groups", "2", "--start", first}, 2, "--start " + start + " has outcomes thb,other, --outcomes says other,thb"},
		{"orders", append(base, "--start", first, "--order", "other=2"), 1, start + ": outcome other has orders 1,1, the fit 2,2"},
		{"one outcome", []string{"fit", "--data", "example:nl630-outcomes", "--count", "thb", "--groups", "2", "--start", first}, 2, "--start " + start + " is a multi-trajectory model: fit it with --outcomes thb,other --groups 2"},
		{"dual", []string{"fit", "--data", "example:nl630-outcomes", "--dual", "thb,other", "--groups", "2,2", "--start", first}, 2, "is a multi-trajectory model: fit it with --outcomes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := trajkit(t, tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr, tc.code, tc.want)
			}
		})
	}
}

// TestFitStartDual: fit --dual --start DIR --starts 0 refits a dual model
// from its own model.json, also with a risk factor of violent's groups
// (the start's log-odds against group 1, the engine's against its last
// group, the refit's against group 2),
// and a start with other numbers of groups or orders is refused with what
// differs.
func TestFitStartDual(t *testing.T) {
	base := []string{"fit", "--data", dualData, "--dual", "violent,property", "--groups", "2,3"}
	first := checkFitStart(t, append(base, "--order", "1", "--starts", "4"), base)
	ca, _, ga := dualDraw(t)
	persons := filepath.Join(t.TempDir(), "persons.csv")
	var b bytes.Buffer
	b.WriteString("id,x\n")
	rng := rand.New(rand.NewPCG(15, 15))
	for i, id := range ca.IDs {
		fmt.Fprintf(&b, "%s,%.4f\n", id, rng.NormFloat64()+1.5*float64(ga[i]-1))
	}
	if err := os.WriteFile(persons, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	risk := append(slices.Clone(base), "--persons", persons, "--risk", "x")
	checkFitStart(t, append(slices.Clone(risk), "--order", "1", "--starts", "4"), append(slices.Clone(risk), "--reference", "2"))
	start := filepath.Join(first, "model.json")
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"groups", []string{"fit", "--data", dualData, "--dual", "violent,property", "--groups", "2,2", "--start", first}, 2, "--start " + start + " has 2,3 groups, --groups says 2,2"},
		{"outcomes", []string{"fit", "--data", dualData, "--dual", "property,violent", "--groups", "3,2", "--start", first}, 2, "--start " + start + " has outcomes violent,property, --dual says property,violent"},
		{"orders", append(base, "--start", first, "--order", "violent=2"), 1, start + ": outcome violent has orders 1,1, the fit 2,2"},
		{"multi", []string{"fit", "--data", dualData, "--outcomes", "violent,property", "--groups", "2", "--start", first}, 2, "--start " + start + " is a dual trajectory model: fit it with --dual violent,property --groups 2,3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := trajkit(t, tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr, tc.code, tc.want)
			}
		})
	}
}
