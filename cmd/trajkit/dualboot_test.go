package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/trajectory"
	"github.com/trajkit/trajkit/trajectory/results"
)

// limitTable returns a table of limits as numbers.
func limitTable(v [][]trajectory.Float) [][]float64 {
	out := make([][]float64, len(v))
	for a, row := range v {
		for _, x := range row {
			out[a] = append(out[a], float64(x))
		}
	}
	return out
}

// TestFitDualBootstrap: fit --dual --bootstrap 20 writes the bootstrap
// report, each outcome's share intervals and the limits of the three
// transition tables into model.json, and the summary and the report show
// them in brackets beside each cell.
func TestFitDualBootstrap(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "dual")
	code, stdout, stderr := trajkit(t, "fit", "--data", dualData, "--dual", "violent,property", "--groups", "2,2",
		"--order", "1", "--starts", "2", "--bootstrap", "20", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"Bootstrap (person): 20 replicates", "violent group 1 share", "property group 2 share", "bootstrap 95% percentile intervals in brackets"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("the summary has no %q:\n%s", want, stdout)
		}
	}
	fit, err := results.ReadFit(out)
	if err != nil {
		t.Fatal(err)
	}
	tr := fit.Transition
	if fit.BootstrapReport == nil || fit.BootstrapReport.Replicates != 20 {
		t.Fatalf("bootstrap report %+v", fit.BootstrapReport)
	}
	for _, tab := range []struct {
		name   string
		p      [][]float64
		lo, hi [][]float64
	}{
		{"b_given_a", tr.BGivenA, limitTable(tr.BGivenALoBoot), limitTable(tr.BGivenAHiBoot)},
		{"a_given_b", tr.AGivenB, limitTable(tr.AGivenBLoBoot), limitTable(tr.AGivenBHiBoot)},
		{"joint", tr.Joint, limitTable(tr.JointLoBoot), limitTable(tr.JointHiBoot)},
	} {
		if len(tab.lo) != 2 || len(tab.hi) != 2 {
			t.Fatalf("%s: limits %v %v", tab.name, tab.lo, tab.hi)
		}
		for a, row := range tab.p {
			for b, p := range row {
				if !(tab.lo[a][b] <= p+1e-12 && p <= tab.hi[a][b]+1e-12) {
					t.Errorf("%s[%d][%d] %.4f outside %.4f-%.4f", tab.name, a, b, p, tab.lo[a][b], tab.hi[a][b])
				}
				if cell := fmt.Sprintf("[%.3f, %.3f]", tab.lo[a][b], tab.hi[a][b]); !strings.Contains(stdout, cell) {
					t.Errorf("%s[%d][%d]: the summary has no interval from %s:\n%s", tab.name, a, b, cell, stdout)
				}
			}
		}
	}
	for o, g := range fit.Outcomes {
		for j := range g.Groups {
			if ci := g.Groups[j].ShareCIBoot; !(ci[0] <= g.Groups[j].Share && g.Groups[j].Share <= ci[1]) {
				t.Errorf("outcome %d group %d: share %v outside %v", o, j+1, g.Groups[j].Share, ci)
			}
		}
	}
	if code, _, stderr := trajkit(t, "report", "--model", out, "--out", filepath.Join(dir, "report.html")); code != 0 {
		t.Fatalf("report: exit %d: %s", code, stderr)
	}
	html, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil || !strings.Contains(string(html), "Bootstrap 95% percentile intervals in brackets.") {
		t.Errorf("the report has no bootstrap intervals in its transition tables (%v)", err)
	}
}

// TestFitDualBootstrapParametricRisk: the parametric bootstrap of a dual
// model with a risk factor on A's groups (x = 0 in A's group 1, 0, 1 or 2
// in group 2) draws each person's pair of groups from her own
// π_i(k1) π(k2 | k1) and ends with the limits of the tables.
func TestFitDualBootstrapParametricRisk(t *testing.T) {
	ca, _, ga := dualDraw(t)
	dir := t.TempDir()
	persons := filepath.Join(dir, "persons.csv")
	var b strings.Builder
	b.WriteString("id,x\n")
	for i, id := range ca.IDs {
		fmt.Fprintf(&b, "%s,%d\n", id, (ga[i]-1)*(i%3)) // group 2 mostly x > 0
	}
	if err := os.WriteFile(persons, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "dual")
	code, stdout, stderr := trajkit(t, "fit", "--data", dualData, "--dual", "violent,property", "--groups", "2,2", "--order", "1", "--starts", "2",
		"--persons", persons, "--risk", "x", "--bootstrap", "20", "--bootstrap-type", "parametric", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "Bootstrap (parametric): 20 replicates") {
		t.Errorf("the summary has no parametric bootstrap:\n%s", stdout)
	}
	fit, err := results.ReadFit(out)
	if err != nil {
		t.Fatal(err)
	}
	if r := fit.BootstrapReport; r == nil || r.Failed > 2 || fit.Transition.JointLoBoot == nil {
		t.Errorf("bootstrap report %+v, joint limits %v", r, fit.Transition.JointLoBoot)
	}
}
