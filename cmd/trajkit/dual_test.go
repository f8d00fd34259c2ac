package main

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/trajectory"
	"github.com/trajkit/trajkit/trajectory/results"
)

// dualData is testdata/dual.csv, a small dual data set: 500 persons
// observed at every age 12-30, two counts per year, violent (Poisson, two
// groups: shares 0.7 and 0.3) and property (Poisson, three groups), each
// person's property group drawn given the violent one from
//
//	π(k2 | k1) = 0.6 0.3 0.1
//	             0.1 0.3 0.6
//
// so that the joint shares are 0.42 0.21 0.07 / 0.03 0.09 0.18.
const dualData = "testdata/dual.csv"

// dualDraw draws dualData's careers with trajectory.Simulate (seeds
// fixed), with each person's violent group.
func dualDraw(t *testing.T) (*trajectory.Careers, *trajectory.Careers, []int) {
	t.Helper()
	const n = 500
	s := trajectory.WindowScaling(12, 30)
	shares := []float64{0.7, 0.3}
	given := [][]float64{{0.6, 0.3, 0.1}, {0.1, 0.3, 0.6}}
	violent := trajectory.TruthFromCoefficients(s, 12, 30, shares, [][]float64{{-1.6, 0.1}, {0.4, -0.5}}, nil)
	property := trajectory.TruthFromCoefficients(s, 12, 30, []float64{1. / 3, 1. / 3, 1. / 3}, [][]float64{{-2.3}, {-0.6, 0.5}, {0.7, -0.4}}, nil)
	rng := rand.New(rand.NewPCG(2001, 6))
	pick := func(p []float64) int {
		u := rng.Float64()
		for k, x := range p {
			if u -= x; u < 0 {
				return k + 1
			}
		}
		return len(p)
	}
	ga, gb := make([]int, n), make([]int, n)
	for i := range ga {
		ga[i] = pick(shares)
		gb[i] = pick(given[ga[i]-1])
	}
	ca, _, err := trajectory.Simulate(violent, trajectory.Design{Persons: n, Groups: ga}, 1)
	if err != nil {
		t.Fatal(err)
	}
	cb, _, err := trajectory.Simulate(property, trajectory.Design{Persons: n, Groups: gb}, 2)
	if err != nil {
		t.Fatal(err)
	}
	return ca, cb, ga
}

// dualCSV is dualData's file of dualDraw's careers.
func dualCSV(t *testing.T) []byte {
	t.Helper()
	ca, cb, _ := dualDraw(t)
	n := ca.Len()
	var b bytes.Buffer
	b.WriteString("id,age,violent,property\n")
	for i := range n {
		var ys [2][]trajectory.Cell
		ca.Cells(i, func(c trajectory.Cell) { ys[0] = append(ys[0], c) })
		cb.Cells(i, func(c trajectory.Cell) { ys[1] = append(ys[1], c) })
		for t, c := range ys[0] {
			fmt.Fprintf(&b, "%s,%d,%d,%d\n", ca.IDs[i], c.Age, c.Y, ys[1][t].Y)
		}
	}
	return b.Bytes()
}

// TestDualData: testdata/dual.csv is what dualCSV draws (go test -update
// writes it).
func TestDualData(t *testing.T) {
	got := dualCSV(t)
	if *update {
		if err := os.WriteFile(dualData, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(dualData)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is not what dualCSV draws (go test -update rewrites it)", dualData)
	}
}

// TestFitDualFlags: the flags given per outcome reach each outcome's
// model, the result set holds both outcomes, the transition tables and
// both figures, plot and report read it back, and flags that a dual model
// does not take are refused with what to do.
func TestFitDualFlags(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "dual")
	code, stdout, stderr := trajkit(t, "fit", "--data", dualData, "--dual", "violent,property", "--groups", "2,3",
		"--order", "1", "--order", "property=0,2,1", "--dist", "property=zip", "--inflation", "property=0", "--starts", "5", "--out", out, "--plot")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"Dual trajectory model: violent (2 groups), property (3 groups)", "π(k2 | k1)", "π(k1 | k2)", "π(k1, k2)"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("the summary has no %q:\n%s", want, stdout)
		}
	}
	fit, err := results.ReadFit(out)
	if err != nil {
		t.Fatal(err)
	}
	a, b := fit.Outcomes[0], fit.Outcomes[1]
	if !fit.IsDual() || a.Name != "violent" || a.Distribution != "poisson" || len(a.Groups) != 2 || a.Orders[0] != 1 ||
		b.Name != "property" || b.Distribution != "zip" || len(b.Groups) != 3 || fmt.Sprint(b.Orders) != "[0 1 2]" && fmt.Sprint(b.Orders) != "[0 2 1]" || b.InflationOrders[0] != 0 {
		t.Errorf("outcomes %s %s %v, %s %s %v %v", a.Name, a.Distribution, a.Orders, b.Name, b.Distribution, b.Orders, b.InflationOrders)
	}
	if len(fit.Transition.BGivenA) != 2 || len(fit.Transition.BGivenA[0]) != 3 || len(b.Assigned) != 500 {
		t.Errorf("transition %v, %d assigned", fit.Transition.BGivenA, len(b.Assigned))
	}
	for _, name := range []string{"trajectories.png", "trajectories.svg", "transitions.png", "transitions.svg"} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Errorf("fit --plot: %v", err)
		}
	}
	for _, args := range [][]string{
		{"plot", "--model", out, "--kind", "transitions", "--out", filepath.Join(dir, "t.png")},
		{"plot", "--model", out, "--out", filepath.Join(dir, "traj.png")},
		{"report", "--model", out, "--out", filepath.Join(dir, "report.html")},
	} {
		if code, _, stderr := trajkit(t, args...); code != 0 {
			t.Errorf("%v: exit %d: %s", args, code, stderr)
		}
	}
	html, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil || !strings.Contains(string(html), "π(k2 | k1)") {
		t.Errorf("the report has no transition table (%v)", err)
	}
	// The data and model sections describe both outcomes.
	for _, want := range []string{"violent: Offences", "property: Offences", "2 of violent and 3 of property (6 pairs)", "Distribution (property)"} {
		if !strings.Contains(string(html), want) {
			t.Errorf("the report lacks %q", want)
		}
	}

	single := filepath.Join(dir, "single")
	if code, _, stderr := trajkit(t, "fit", "--data", "example:sim630", "--groups", "2", "--no-se", "--out", single); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"plot", "--model", single, "--kind", "transitions", "--out", filepath.Join(dir, "x.png")}, "--kind transitions draws the transition probabilities of a dual model"},
		{[]string{"plot", "--model", out, "--kind", "posteriors", "--out", filepath.Join(dir, "x.png")}, "not built yet"},
		{[]string{"fit", "--data", dualData, "--dual", "violent", "--groups", "2,3"}, "expected two outcomes"},
		{[]string{"fit", "--data", dualData, "--dual", "violent,violent", "--groups", "2,3"}, "named twice"},
		{[]string{"fit", "--data", dualData, "--dual", "violent,property", "--groups", "2"}, "needs two numbers of groups, K1,K2"},
		{[]string{"fit", "--data", dualData, "--groups", "2,3"}, "are for --dual"},
		{[]string{"fit", "--data", dualData, "--groups", "2,x"}, "expected a number of groups K, or K1,K2 with --dual"},
		{[]string{"fit", "--data", dualData, "--dual", "violent,property", "--outcomes", "violent,property", "--groups", "2,3"}, "--outcomes and --dual"},
		{[]string{"fit", "--data", dualData, "--dual", "violent,property", "--groups", "2,3", "--order", "theft=2"}, `no outcome "theft" in --dual violent,property`},
		{[]string{"fit", "--data", dualData, "--dual", "violent,property", "--groups", "2,3", "--order", "property=1,1"}, "outcome property"},
		{[]string{"fit", "--data", dualData, "--dual", "violent,property", "--groups", "2,3", "--start", single}, "--start " + filepath.Join(single, "model.json") + " is a model of one outcome (poisson): it starts a fit without --outcomes and --dual"},
		{[]string{"fit", "--data", dualData, "--dual", "violent,theft", "--groups", "2,3"}, `"theft"`},
	} {
		code, _, stderr := trajkit(t, tc.args...)
		if code == 0 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, %q; want an error with %q", tc.args, code, stderr, tc.want)
		}
	}
}

// TestFitDualRisk: fit --dual with --persons and --risk puts the risk
// factor on the first outcome's groups: a persons file whose x is 1.5
// higher in violent's group 2 (x = 1.5·1[group 2] + N(0, 1), seeded)
// gives group 2 a positive log-odds on x against group 1 with a small
// Wald p, in the summary and in model.json (which validates on reading);
// --reference is one of violent's groups.
func TestFitDualRisk(t *testing.T) {
	ca, _, ga := dualDraw(t)
	dir := t.TempDir()
	persons := filepath.Join(dir, "persons.csv")
	var b bytes.Buffer
	b.WriteString("id,x\n")
	rng := rand.New(rand.NewPCG(15, 15))
	for i, id := range ca.IDs {
		x := rng.NormFloat64()
		if ga[i] == 2 {
			x += 1.5
		}
		fmt.Fprintf(&b, "%s,%.4f\n", id, x)
	}
	if err := os.WriteFile(persons, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "dual")
	code, stdout, stderr := trajkit(t, "fit", "--data", dualData, "--dual", "violent,property", "--groups", "2,3",
		"--order", "1", "--starts", "5", "--persons", persons, "--risk", "x", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"Membership of violent's groups (multinomial logit; reference group 1)", "Wald tests", "π(k2 | k1)"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("the summary has no %q:\n%s", want, stdout)
		}
	}
	fit, err := results.ReadFit(out)
	if err != nil {
		t.Fatal(err)
	}
	g := fit.Outcomes[0].Groups[1]
	if fit.Covariates == nil || fit.Covariates.Reference != 1 || len(fit.Covariates.Wald) != 1 || len(g.MembershipCoef.Values) != 2 {
		t.Fatalf("covariates %+v, group 2's log-odds %v", fit.Covariates, g.MembershipCoef)
	}
	if x, se := g.MembershipCoef.Values[1], g.MembershipSE.Values[1]; !(x > 0.8) || !(se > 0) || !(fit.Covariates.Wald[0].P < 1e-6) {
		t.Errorf("group 2's log-odds on x %v (se %v), Wald %+v", x, se, fit.Covariates.Wald[0])
	}
	// Scoring the fitted careers under the model, with their risk
	// factors, gives back assignments.csv: the same columns, groups and
	// marginal posteriors (to rounding).
	scored := filepath.Join(dir, "scored.csv")
	code, stdout, stderr = trajkit(t, "score", "--model", out, "--data", dualData, "--persons", persons, "--out", scored)
	if code != 0 {
		t.Fatalf("score: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "Groups of property") {
		t.Errorf("the score summary has no table of property's groups:\n%s", stdout)
	}
	got, want := readCSV(t, scored), readCSV(t, filepath.Join(out, "assignments.csv"))
	if len(got) != len(want) || strings.Join(got[0], ",") != strings.Join(want[0], ",") {
		t.Fatalf("scored %d rows, header %v; assignments.csv %d rows, header %v", len(got), got[0], len(want), want[0])
	}
	for i := 1; i < len(want); i++ {
		for j := range want[i] {
			if j < 3 {
				if got[i][j] != want[i][j] {
					t.Fatalf("row %d, %s: %q, assignments.csv %q", i, want[0][j], got[i][j], want[i][j])
				}
				continue
			}
			g, _ := strconv.ParseFloat(got[i][j], 64)
			w, _ := strconv.ParseFloat(want[i][j], 64)
			if math.Abs(g-w) > 1e-9 {
				t.Fatalf("row %d, %s: %v, assignments.csv %v", i, want[0][j], g, w)
			}
		}
	}
	code, _, stderr = trajkit(t, "fit", "--data", dualData, "--dual", "violent,property", "--groups", "2,3",
		"--persons", persons, "--risk", "x", "--reference", "3")
	if want := "--reference 3: expected a group between 1 and 2"; code != 2 || !strings.Contains(stderr, want) {
		t.Errorf("--reference 3: exit %d, %q; want an error with %q", code, stderr, want)
	}
}

// TestSimulateDual: careers drawn from a dual model have each person's
// pair of groups from its joint probabilities (truth.csv's columns are
// assignments.csv's groups; the pairs' frequencies within 4 standard
// errors of π(k1, k2)), and a dual fit of them recovers the joint table
// of the pairs drawn within 0.03: over three times the largest binomial
// standard error of a cell with 3000 persons, √(0.25/3000) ≈ 0.009, so
// that classification error may add to it.
func TestSimulateDual(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "model")
	if code, _, stderr := trajkit(t, "fit", "--data", dualData, "--dual", "violent,property", "--groups", "2,3", "--order", "1",
		"--starts", "5", "--no-se", "--out", model); code != 0 {
		t.Fatalf("fit: exit %d: %s", code, stderr)
	}
	fit, err := results.ReadFit(model)
	if err != nil {
		t.Fatal(err)
	}
	const n = 3000
	sim := filepath.Join(dir, "sim")
	code, stdout, stderr := trajkit(t, "simulate", "--model", model, "--persons", strconv.Itoa(n), "--seed", "4", "--out", sim)
	if code != 0 {
		t.Fatalf("simulate: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "True pairs of groups (violent, property): (1,1)") {
		t.Errorf("simulate's summary:\n%s", stdout)
	}
	truth := readCSV(t, filepath.Join(sim, "truth.csv"))
	if got := strings.Join(truth[0], ","); got != "id,group_violent,group_property" || len(truth) != n+1 {
		t.Fatalf("truth.csv: header %s, %d rows", got, len(truth)-1)
	}
	drawn := [2][3]float64{}
	for _, r := range truth[1:] {
		a, _ := strconv.Atoi(r[1])
		b, _ := strconv.Atoi(r[2])
		drawn[a-1][b-1]++
	}
	for a := range 2 {
		for b := range 3 {
			p := fit.Transition.Joint[a][b]
			drawn[a][b] /= n
			if se := math.Sqrt(p * (1 - p) / n); math.Abs(drawn[a][b]-p) > 4*se+1e-12 {
				t.Errorf("pair (%d,%d): drawn %.4f, π %.4f (SE %.4f)", a+1, b+1, drawn[a][b], p, se)
			}
		}
	}
	refit := filepath.Join(dir, "refit")
	if code, _, stderr := trajkit(t, "fit", "--data", filepath.Join(sim, "long.csv"), "--dual", "violent,property", "--groups", "2,3",
		"--order", "1", "--starts", "5", "--no-se", "--out", refit); code != 0 {
		t.Fatalf("refit: exit %d: %s", code, stderr)
	}
	back, err := results.ReadFit(refit)
	if err != nil {
		t.Fatal(err)
	}
	// The refit's groups may come in another order: match each of its
	// joint cells to the drawn table up to a permutation of each outcome's
	// groups, keeping the best.
	best := math.Inf(1)
	for _, pa := range [][]int{{0, 1}, {1, 0}} {
		for _, pb := range [][]int{{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}} {
			worst := 0.0
			for a := range 2 {
				for b := range 3 {
					worst = math.Max(worst, math.Abs(back.Transition.Joint[pa[a]][pb[b]]-drawn[a][b]))
				}
			}
			best = math.Min(best, worst)
		}
	}
	if best > 0.03 {
		t.Errorf("the refit's joint table is %.3f from the pairs drawn, at best", best)
	}
}
