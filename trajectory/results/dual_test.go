package results

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/mixture"
	"github.com/trajkit/trajkit/trajectory"
)

// dualFit fits a dual model to 300 simulated persons: A Poisson in two
// groups (shares 0.6, 0.4), B Poisson in three, drawn given A's group
// from π(k2 | k1) = (0.7, 0.2, 0.1) and (0.1, 0.3, 0.6).
func dualFit(t *testing.T) (*trajectory.Fitted, *trajectory.Careers) {
	t.Helper()
	return dualFitRisk(t, nil)
}

// dualFitRisk is dualFit with the risk factors risk on the first
// outcome's groups (nil for none).
func dualFitRisk(t *testing.T, risk *trajectory.RiskDesign) (*trajectory.Fitted, *trajectory.Careers) {
	t.Helper()
	const n = 300
	s := trajectory.WindowScaling(12, 30)
	ta := trajectory.TruthFromCoefficients(s, 12, 30, []float64{0.6, 0.4}, [][]float64{{-1.5, 0.2}, {0.5, -0.5}}, nil)
	tb := trajectory.TruthFromCoefficients(s, 12, 30, []float64{1. / 3, 1. / 3, 1. / 3}, [][]float64{{-2}, {-0.3, 0.4}, {0.8, -0.3}}, nil)
	given := [][]float64{{0.7, 0.2, 0.1}, {0.1, 0.3, 0.6}}
	rng := rand.New(rand.NewPCG(3, 4))
	ga, gb := make([]int, n), make([]int, n)
	for i := range ga {
		ga[i] = 1 + i%2
		u, c := rng.Float64(), 0.0
		for k, p := range given[ga[i]-1] {
			if c += p; u < c || k == len(given[ga[i]-1])-1 {
				gb[i] = k + 1
				break
			}
		}
	}
	ca, _, err := trajectory.Simulate(ta, trajectory.Design{Persons: n, Groups: ga}, 1)
	if err != nil {
		t.Fatal(err)
	}
	cb, _, err := trajectory.Simulate(tb, trajectory.Design{Persons: n, Groups: gb}, 2)
	if err != nil {
		t.Fatal(err)
	}
	ma, err := trajectory.NewModel(trajectory.Poisson, 2, []int{1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	mb, err := trajectory.NewModel(trajectory.Poisson, 3, []int{0, 1, 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	f, err := trajectory.FitDual(trajectory.Outcome{Name: "thb", Careers: ca, Model: ma}, trajectory.Outcome{Name: "other", Careers: cb, Model: mb},
		&trajectory.Settings{Search: mixture.Settings{Seed: 2, Starts: 3}, Risk: risk})
	if err != nil {
		t.Fatal(err)
	}
	return f, ca
}

// TestDualModelRoundTrip: model.json of a dual model reads back and is
// written again byte for byte; its assignments.csv has both outcomes'
// groups and posteriors, named by outcome, and reads back into them (in
// another order of the persons with Align); a tampered file is an error
// naming the field.
func TestDualModelRoundTrip(t *testing.T) {
	f, c := dualFit(t)
	back, b := roundTrip(t, f)
	if !back.IsDual() || len(back.Outcomes) != 2 || len(back.Groups) != 6 || back.Transition.BGivenA[1][2] != f.Transition.BGivenA[1][2] ||
		back.Outcome(1).Groups[2].Share != f.Outcomes[1].Groups[2].Share {
		t.Errorf("read back %s with %d outcomes and %d classes", back.Distribution, len(back.Outcomes), len(back.Groups))
	}

	dir := filepath.Join(t.TempDir(), "dual")
	if err := Save(context.Background(), dir, "test", nil, func(s *Set) error { return WriteFit(s, "", f, Options{}) }); err != nil {
		t.Fatal(err)
	}
	csv, err := os.ReadFile(filepath.Join(dir, AssignmentsFile))
	if err != nil {
		t.Fatal(err)
	}
	if head, _, _ := strings.Cut(string(csv), "\n"); head != "id,group_thb,group_other,thb_p1,thb_p2,other_p1,other_p2,other_p3" {
		t.Errorf("assignments.csv header %q", head)
	}
	fit, err := ReadFit(dir)
	if err != nil {
		t.Fatal(err)
	}
	for o := range f.Outcomes {
		if !slices.Equal(fit.IDs, f.IDs) || !slices.Equal(fit.Outcomes[o].Assigned, f.Outcomes[o].Assigned) || !reflect.DeepEqual(fit.Outcomes[o].Posterior, f.Outcomes[o].Posterior) {
			t.Errorf("outcome %d: assignments.csv does not read back into the posteriors", o)
		}
	}
	idx := make([]int, c.Len())
	for i := range idx {
		idx[i] = c.Len() - 1 - i
	}
	if err := Align(fit, c.Subset(idx), "rev"); err != nil {
		t.Fatal(err)
	}
	if last := c.Len() - 1; fit.IDs[0] != f.IDs[last] || fit.Outcomes[1].Posterior[2][0] != f.Outcomes[1].Posterior[2][last] || fit.Outcome(0).Assigned[0] != f.Outcomes[0].Assigned[last] {
		t.Error("Align did not reorder the outcomes' posteriors")
	}
	bad := strings.Replace(string(csv), "group_other", "group_b", 1)
	if err := readDualAssignments(strings.NewReader(bad), "a.csv", back); err == nil || !strings.Contains(err.Error(), "expected id,group_thb,group_other,thb_p1") {
		t.Errorf("a wrong header: %v", err)
	}

	k2 := 3
	for _, tc := range []struct{ old, new, field string }{
		{`"name": "other"`, `"name": "thb"`, "outcomes[1].name"},
		{`"n_params": ` + strconv.Itoa(f.NumParams), `"n_params": 3`, "n_params"},
		{`"b_given_a": [
      [
        ` + FormatFloat(f.Transition.BGivenA[0][0]), `"b_given_a": [
      [
        0.5`, "transition.b_given_a[0]"},
		{`"a_given_b": [
      [
        ` + FormatFloat(f.Transition.AGivenB[0][0]), `"a_given_b": [
      [
        0.01`, "transition.a_given_b[*][0]"},
		{`"b_given_a": [
      [
        ` + FormatFloat(f.Transition.BGivenA[0][0]), `"b_given_a": [
      [
        1.5`, "transition.b_given_a[0][0]"},
		{`"joint": [
      [
        ` + FormatFloat(f.Transition.Joint[0][0]), `"joint": [
      [
        0.9`, "transition.joint[0][0]"},
		{`"joint_se": [
      [
        ` + FormatFloat(float64(f.Transition.JointSE[0][0])), `"joint_se": [
      [
        -1`, "transition.joint_se[0][0]"},
		{`"share": ` + FormatFloat(f.Groups[k2].Share), `"share": 0.9`, "groups[*].share"},
		{`"transition": {`, `"transitions": {`, "transition"},
	} {
		bad := strings.Replace(b.String(), tc.old, tc.new, 1)
		if bad == b.String() {
			t.Fatalf("%s: %q not in model.json", tc.field, tc.old)
		}
		_, err := DecodeModel(strings.NewReader(bad), "model.json")
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != tc.field {
			t.Errorf("%s: error %v", tc.field, err)
		}
	}
	// A transition in a model of one outcome.
	single, _ := testFit(t)
	single.Transition = f.Transition
	var sb bytes.Buffer
	if err := EncodeModel(&sb, single); err != nil {
		t.Fatal(err)
	}
	var fe *FieldError
	if _, err := DecodeModel(&sb, "model.json"); !errors.As(err, &fe) || fe.Field != "transition" {
		t.Errorf("a transition in a poisson model: %v", err)
	}
}

// TestDualRiskModelRoundTrip: model.json of a dual model with a risk
// factor on the first outcome's groups (x = group 2's indicator plus
// seeded N(0, 1) noise, for dualFit's persons, whose thb group is
// 1 + i mod 2) reads back, validated, and is written again byte for
// byte; its log-odds sit on the first outcome's groups; a parameter
// count without the risk factor's coefficients is an error.
func TestDualRiskModelRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	x := make([][]float64, 300)
	for i := range x {
		x[i] = []float64{float64(i%2) + rng.NormFloat64()}
	}
	risk := &trajectory.RiskDesign{Variables: []string{"x"}, Names: []string{"x"}, Of: []int{0}, BaseLevels: []string{""}, X: x}
	f, _ := dualFitRisk(t, risk)
	back, b := roundTrip(t, f)
	g := back.Outcomes[0].Groups[1]
	if back.Risk() == nil || back.Covariates.Reference != 1 || len(g.MembershipCoef.Values) != 2 || g.MembershipCoef.Values[1] != f.Outcomes[0].Groups[1].MembershipCoef.Values[1] ||
		len(back.Covariates.Wald) != 1 || !slices.Equal(back.Params(), f.Params()) {
		t.Errorf("read back: covariates %+v, group 2's log-odds %v", back.Covariates, g.MembershipCoef)
	}
	// 2 + 2·2 membership parameters, 2 + 2 and 1 + 2 + 2 of the outcomes..
	if f.NumParams != 15 {
		t.Errorf("%d parameters, want 15", f.NumParams)
	}
	bad := strings.Replace(b.String(), `"n_params": 15`, `"n_params": 14`, 1)
	if _, err := DecodeModel(strings.NewReader(bad), "model.json"); err == nil || !strings.Contains(err.Error(), "n_params") {
		t.Errorf("a parameter count without the risk factor: %v", err)
	}
}

// TestDualLabelsRoundTrip: the labels of a dual model's outcomes' groups
// (Fitted.SetOutcomeLabels) and the joint classes' named after them are
// written to model.json (outcomes[o].groups[k].label, groups[c].label),
// read back and written again byte for byte; labels of some groups only,
// blank or given twice are errors naming the field.
func TestDualLabelsRoundTrip(t *testing.T) {
	f, _ := dualFit(t)
	if err := f.SetOutcomeLabels(0, []string{"low", "high"}); err != nil {
		t.Fatal(err)
	}
	if err := f.SetOutcomeLabels(1, []string{"rare", "some", "often"}); err != nil {
		t.Fatal(err)
	}
	back, b := roundTrip(t, f)
	for o, want := range [][]string{{"low", "high"}, {"rare", "some", "often"}} {
		for k, w := range want {
			if l := back.Outcomes[o].Groups[k].Label; l != w {
				t.Errorf("outcomes[%d].groups[%d].label %q, want %q", o, k, l, w)
			}
		}
	}
	if l := back.Groups[5].Label; l != "high / often" {
		t.Errorf("groups[5].label %q", l)
	}
	for _, tc := range []struct{ old, new, field, msg string }{
		{`"label": "some"`, `"label": "rare"`, "outcomes[1].groups[1].label", `"rare": also outcomes[1].groups[0].label`},
		{`"label": "high"`, `"label": " "`, "outcomes[0].groups[1].label", "expected a name, not blanks"},
		{`"label": "high",`, ``, "outcomes[0].groups[1].label", `"" where outcomes[0].groups[0].label is "low"`},
		{`"label": "low / some"`, `"label": "low / rare"`, "groups[1].label", "expected distinct names"},
	} {
		bad := strings.Replace(b.String(), tc.old, tc.new, 1)
		if bad == b.String() {
			t.Fatalf("%s: %q not in model.json", tc.field, tc.old)
		}
		_, err := DecodeModel(strings.NewReader(bad), "model.json")
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != tc.field || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: error %v, want %q", tc.field, err, tc.msg)
		}
	}
}

// TestDualBootstrapRoundTrip: the bootstrap limits of the transition
// tables (here set by hand at 0.9 and 1.1 times each probability, capped
// at 1) read back and are written again byte for byte; a limit that is
// not a probability, a low limit above its high one, one limit without
// the other and limits without a bootstrap report are errors naming the
// field.
func TestDualBootstrapRoundTrip(t *testing.T) {
	f, _ := dualFit(t)
	tr := f.Transition
	limits := func(p [][]float64, by float64) [][]trajectory.Float {
		out := make([][]trajectory.Float, len(p))
		for a, row := range p {
			out[a] = make([]trajectory.Float, len(row))
			for b, v := range row {
				out[a][b] = trajectory.Float(min(1, v*by))
			}
		}
		return out
	}
	tr.BGivenALoBoot, tr.BGivenAHiBoot = limits(tr.BGivenA, 0.9), limits(tr.BGivenA, 1.1)
	tr.AGivenBLoBoot, tr.AGivenBHiBoot = limits(tr.AGivenB, 0.9), limits(tr.AGivenB, 1.1)
	tr.JointLoBoot, tr.JointHiBoot = limits(tr.Joint, 0.9), limits(tr.Joint, 1.1)
	f.BootstrapReport = &trajectory.BootstrapReport{Type: trajectory.PersonBootstrap, Replicates: 20, Seed: 1}
	back, b := roundTrip(t, f)
	if !reflect.DeepEqual(back.Transition.JointHiBoot, tr.JointHiBoot) || !reflect.DeepEqual(back.Transition.AGivenBLoBoot, tr.AGivenBLoBoot) {
		t.Error("the limits did not read back")
	}
	first := func(name string, v trajectory.Float) string {
		return `"` + name + `": [
      [
        ` + FormatFloat(float64(v))
	}
	for _, tc := range []struct{ old, new, field string }{
		{first("joint_lo_boot", tr.JointLoBoot[0][0]), `"joint_lo_boot": [
      [
        1.5`, "transition.joint_lo_boot[0][0]"},
		{first("b_given_a_lo_boot", tr.BGivenALoBoot[0][0]), `"b_given_a_lo_boot": [
      [
        0.9999`, "transition.b_given_a_lo_boot[0][0]"},
		{`"a_given_b_hi_boot": [`, `"a_given_b_hi_boo": [`, "transition.a_given_b_lo_boot"},
		{`"bootstrap": {`, `"bootstrap_": {`, "transition.b_given_a_lo_boot"},
	} {
		bad := strings.Replace(b.String(), tc.old, tc.new, 1)
		if bad == b.String() {
			t.Fatalf("%s: %q not in model.json", tc.field, tc.old)
		}
		_, err := DecodeModel(strings.NewReader(bad), "model.json")
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != tc.field {
			t.Errorf("%s: error %v", tc.field, err)
		}
	}
}
