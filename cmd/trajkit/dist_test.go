package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBinaryDistributions: fit --dist logit and cloglog on binarized
// counts write a model whose curves are probabilities, which plot and
// report read back with the data binarized again; counts above 1 are
// refused with the flag that binarizes them.
func TestBinaryDistributions(t *testing.T) {
	if code, _, stderr := trajkit(t, "fit", "--data", "example:toronto1", "--groups", "2", "--dist", "logit", "--quiet"); code != 1 || !strings.Contains(stderr, "give --binarize") {
		t.Errorf("logit of counts: exit %d, %s", code, stderr)
	}
	for _, tc := range []struct{ dist, data string }{{"logit", "example:toronto1"}, {"cloglog", "example:toronto1-exposure"}} {
		t.Run(tc.dist, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "fit")
			code, stdout, stderr := trajkit(t, "fit", "--data", tc.data, "--groups", "2", "--dist", tc.dist, "--binarize", "--out", out, "--quiet")
			if code != 0 {
				t.Fatalf("fit: exit %d: %s", code, stderr)
			}
			if !strings.Contains(stdout, "Outcome: an offence in the year or not") || !strings.Contains(stdout, "Mean probability") {
				t.Errorf("the summary does not say the outcome is binary:\n%s", stdout)
			}
			b, err := os.ReadFile(filepath.Join(out, "model.json"))
			if err != nil {
				t.Fatal(err)
			}
			var m struct {
				Distribution string `json:"distribution"`
				Settings     struct {
					Data struct {
						Binarize bool `json:"binarize"`
					} `json:"data"`
				} `json:"settings"`
				Groups []struct {
					Curve []map[string]any `json:"curve"`
				} `json:"groups"`
			}
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			if m.Distribution != tc.dist || !m.Settings.Data.Binarize {
				t.Errorf("model.json: distribution %q, binarize %v", m.Distribution, m.Settings.Data.Binarize)
			}
			for _, g := range m.Groups {
				for _, p := range g.Curve {
					prob, ok := p["prob"].(float64)
					if !ok || prob != p["mean"].(float64) || prob < 0 || prob > 1 {
						t.Fatalf("curve point %v: prob should be the mean, a probability", p)
					}
					if _, has := p["zero_prob"]; has {
						t.Fatalf("curve point %v of a binary model has a zero_prob", p)
					}
					if _, has := p["rate"]; has != (tc.dist == "cloglog") {
						t.Fatalf("curve point %v: rate present %v, want %v", p, has, tc.dist == "cloglog")
					}
				}
			}
			if code, _, stderr := trajkit(t, "plot", "--model", out, "--out", filepath.Join(out, "p.svg")); code != 0 {
				t.Fatalf("plot: exit %d: %s", code, stderr)
			}
			svg, err := os.ReadFile(filepath.Join(out, "p.svg"))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(svg), "Probability of an offence") {
				t.Errorf("the figure's y axis is not the probability")
			}
			html := filepath.Join(out, "report.html")
			if code, _, stderr := trajkit(t, "report", "--model", out, "--out", html); code != 0 || strings.Contains(stderr, "warning") {
				t.Fatalf("report: exit %d: %s", code, stderr)
			}
			page, err := os.ReadFile(html)
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{"Probability of an offence in a year at risk", "an offence in the year or not"} {
				if !strings.Contains(string(page), want) {
					t.Errorf("the report does not say %q", want)
				}
			}
		})
	}
}
