package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/trajectory/results"
)

// TestDistalFlags: fit --distal prints the outcome by group and writes
// it to model.json, counting the persons without a value (a warning of
// the summary); a column that
// does not fit --distal-model is an error naming the file, line and
// column before any fit; the report has a section on it; the flags' misuses are usage errors.
func TestDistalFlags(t *testing.T) {
	victim := personFile(t, "victim.csv", func(i int) string {
		if i%10 == 0 {
			return "NA"
		}
		return fmt.Sprint(i % 2)
	})
	for _, method := range []string{"ml", "bch", "classify", "joint"} {
		t.Run(method, func(t *testing.T) {
			dir := t.TempDir()
			code, stdout, stderr := trajkit(t, append(quickFit, "--persons", victim, "--distal", "x", "--distal-model", "logit", "--distal-method", method, "--out", dir)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			missing := "63 persons without a value left out of the distal step"
			if method == "joint" {
				missing = "63 persons without a value contribute the trajectories alone"
			}
			for _, want := range []string{"Distal outcome x: logit", "567 persons with a value, 63 without left out", "Wald test of equal groups: chi2 = ", missing} {
				if !strings.Contains(stdout, want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout)
				}
			}
			fit, err := results.ReadModel(filepath.Join(dir, results.ModelFile))
			if err != nil {
				t.Fatal(err)
			}
			if method == "ml" || method == "joint" {
				html := filepath.Join(t.TempDir(), "report.html")
				if code, _, stderr := trajkit(t, "report", "--model", dir, "--out", html); code != 0 {
					t.Fatalf("report: exit %d: %s", code, stderr)
				}
				b, err := os.ReadFile(html)
				if err != nil {
					t.Fatal(err)
				}
				name := "three-step ML correction"
				if method == "joint" {
					name = "estimated jointly with the trajectories"
				}
				for _, want := range []string{`<section id="distal">`, name, "Wald test that the groups do not differ: χ² = "} {
					if !strings.Contains(string(b), want) {
						t.Errorf("the report lacks %q", want)
					}
				}
			}
			d := fit.Distal
			if d == nil || string(d.Method) != method || d.N != 567 || d.Missing != 63 || d.Wald.DF != 1 || len(d.ByGroup) != 2 {
				t.Errorf("model.json's distal block: %+v", d)
			}
		})
	}
	text := personFile(t, "text.csv", func(i int) string { return "abc" })
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"poisson of 0/1", []string{"--persons", victim, "--distal", "x", "--distal-model", "poisson"}, 0, ""},
		{"logit of text", []string{"--persons", text, "--distal", "x", "--distal-model", "logit"}, 1, text + `:2:2: column "x": distal outcome "x" is "abc": expected a number`},
		{"no column", []string{"--persons", victim, "--distal", "y"}, 1, `no column "y" (the distal outcome)`},
		{"no persons", []string{"--distal", "x"}, 2, "--distal needs --persons"},
		{"model alone", []string{"--persons", victim, "--distal-model", "logit"}, 2, "--distal-model needs --distal"},
		{"joint with dropout", []string{"--persons", victim, "--distal", "x", "--distal-method", "joint", "--dropout", "0", "--followup-end", "window"}, 2, "--distal-method joint does not combine with --dropout"},
		{"joint with bootstrap", []string{"--persons", victim, "--distal", "x", "--distal-method", "joint", "--bootstrap", "5"}, 2, "--distal-method joint does not combine with --bootstrap"},
		{"unknown method", []string{"--persons", victim, "--distal", "x", "--distal-method", "jointly"}, 2, `--distal-method "jointly": expected ml, bch, classify or joint`},
		{"bad model", []string{"--persons", victim, "--distal", "x", "--distal-model", "probit"}, 2, `--distal-model "probit"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := trajkit(t, append(quickFit, tc.args...)...)
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr, tc.code, tc.want)
			}
		})
	}
}
