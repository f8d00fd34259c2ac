package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/trajectory"
	"github.com/trajkit/trajkit/trajectory/results"
)

// outcomeLabels returns the labels of each outcome's groups of the model
// in dir, comma-separated, and the joint classes'.
func outcomeLabels(t *testing.T, dir string) (outcomes []string, classes string) {
	t.Helper()
	fit, err := results.ReadModel(dir)
	if err != nil {
		t.Fatal(err)
	}
	join := func(gs []trajectory.Group) string {
		var ls []string
		for _, g := range gs {
			ls = append(ls, g.Label)
		}
		return strings.Join(ls, ",")
	}
	for _, out := range fit.Outcomes {
		outcomes = append(outcomes, join(out.Groups))
	}
	return outcomes, join(fit.Groups)
}

// TestFitDualLabels: fit --dual --labels OUTCOME=NAMES, the flag repeated
// per outcome, names each outcome's groups in model.json (the joint
// classes after their pairs), in the summary's tables of each outcome and
// the transition tables' headings, and in the report's; assignments.csv
// stays numeric, and the profiles of the joint classes are named after
// their pairs ("high / often"). plot --labels names them for one figure; trajkit label
// names them afterwards, an argument
// OUTCOME=NAMES per outcome, an outcome not named keeping its labels.
func TestFitDualLabels(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "dual")
	persons := filepath.Join(dir, "persons.csv")
	var pb strings.Builder
	pb.WriteString("id,x\n")
	for i := 1; i <= 500; i++ {
		fmt.Fprintf(&pb, "%d,%d\n", i, i%3)
	}
	if err := os.WriteFile(persons, []byte(pb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := trajkit(t, "fit", "--data", dualData, "--dual", "violent,property", "--groups", "2,3", "--order", "1", "--starts", "5",
		"--labels", "violent=low,high", "--labels", "property=rare,some,often", "--persons", persons, "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	got, classes := outcomeLabels(t, out)
	if strings.Join(got, ";") != "low,high;rare,some,often" || classes != "low / rare,low / some,low / often,high / rare,high / some,high / often" {
		t.Errorf("model.json's labels %q, joint classes %q", got, classes)
	}
	// Each outcome's adequacy table has a Label column; each transition
	// table is headed by the groups' numbers and labels.
	for _, want := range []string{"Group 2 high: share", "Group 3 often: share"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("the summary lacks %q:\n%s", want, stdout)
		}
	}
	head := regexp.MustCompile(`(?m)^ *violent \\ property +1 rare +2 some +3 often *$`)
	if n := len(head.FindAllString(stdout, -1)); n != 3 {
		t.Errorf("%d transition tables headed by property's labels, want 3:\n%s", n, stdout)
	}
	if n := len(regexp.MustCompile(`(?m)^ +2 high +0\.\d{3} \(`).FindAllString(stdout, -1)); n != 3 {
		t.Errorf("%d transition tables with a row of violent's group 2 high, want 3:\n%s", n, stdout)
	}
	if n := len(regexp.MustCompile(`(?m)^ +1 +low +\d+\.\d +\d+\.\d +\d+ `).FindAllString(stdout, -1)); n != 1 {
		t.Errorf("violent's adequacy table: %d rows of group 1 low, want 1:\n%s", n, stdout)
	}
	csv, err := os.ReadFile(filepath.Join(out, results.AssignmentsFile))
	if err != nil {
		t.Fatal(err)
	}
	if h, rest, _ := strings.Cut(string(csv), "\n"); h != "id,group_violent,group_property,violent_p1,violent_p2,property_p1,property_p2,property_p3" ||
		strings.ContainsAny(rest, "lrs") {
		t.Errorf("assignments.csv is not numeric: %q...", string(csv)[:200])
	}
	// The profiles are of the joint classes, named after their pairs.
	profiles := func() string {
		b, err := os.ReadFile(filepath.Join(out, results.ProfilesFile))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	if p := profiles(); !strings.Contains(p, "\nx,,6,high / often,") || !strings.Contains(stdout, "Group 4 high / rare") {
		t.Errorf("the profiles do not name the joint classes after their pairs:\n%s\n%s", p, stdout)
	}
	html := filepath.Join(dir, "report.html")
	if code, _, stderr := trajkit(t, "report", "--model", out, "--out", html); code != 0 {
		t.Fatalf("report: exit %d: %s", code, stderr)
	}
	b, _ := os.ReadFile(html)
	for _, want := range []string{`<th scope="col">3 often</th>`, `<td class="text">2 high</td>`, "violent, low", "property, often"} {
		if n := bytes.Count(b, []byte(want)); n == 0 {
			t.Errorf("the report lacks %q", want)
		}
	}

	// plot --labels names one outcome's groups for one figure, the other
	// keeping model.json's.
	svg := filepath.Join(dir, "t.svg")
	if code, _, stderr := trajkit(t, "plot", "--model", out, "--kind", "transitions", "--labels", "property=x,y,z", "--out", svg); code != 0 {
		t.Fatalf("plot --labels: exit %d: %s", code, stderr)
	}
	b, _ = os.ReadFile(svg)
	for _, want := range []string{">z (", ">high ("} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("the transition table of plot --labels lacks %q", want)
		}
	}
	if got, _ = outcomeLabels(t, out); strings.Join(got, ";") != "low,high;rare,some,often" {
		t.Errorf("plot --labels changed model.json: %q", got)
	}

	code, stdout, stderr = trajkit(t, "label", "--model", out, "violent=none,many", "property=a,b,c")
	if code != 0 {
		t.Fatalf("label: exit %d: %s", code, stderr)
	}
	for _, want := range []string{"Groups of violent in", "Group 2  many", "Groups of property in", "Group 3  c"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("label's summary lacks %q:\n%s", want, stdout)
		}
	}
	if got, classes = outcomeLabels(t, out); strings.Join(got, ";") != "none,many;a,b,c" || !strings.HasSuffix(classes, ",many / c") {
		t.Errorf("after label: %q, joint classes %q", got, classes)
	}
	if p := profiles(); !strings.Contains(p, "\nx,,6,many / c,") {
		t.Errorf("label did not name the profiles' joint classes:\n%s", p)
	}
	if code, _, stderr := trajkit(t, "label", "--model", out, "property=rare,some,often"); code != 0 {
		t.Fatalf("label of one outcome: exit %d: %s", code, stderr)
	}
	if got, _ = outcomeLabels(t, out); strings.Join(got, ";") != "none,many;rare,some,often" {
		t.Errorf("after labelling property alone: %q", got)
	}
	if code, _, stderr := trajkit(t, "label", "--model", out, "--clear"); code != 0 {
		t.Fatalf("label --clear: exit %d: %s", code, stderr)
	}
	if got, classes = outcomeLabels(t, out); strings.Join(got, ";") != ",;,," || classes != ",,,,," {
		t.Errorf("after --clear: %q, joint classes %q", got, classes)
	}
}

// TestDualLabelsRefused: names that do not fit a dual model's outcomes (a
// wrong number, an outcome not in the model, a name given twice, one list
// for outcomes of different numbers of groups) are usage errors (exit 2)
// of fit --dual, before any work, and of trajkit label, which publishes
// nothing; NAMES per outcome are refused for a model of one outcome and
// for a multi-trajectory model, whose outcomes share their groups.
func TestDualLabelsRefused(t *testing.T) {
	for _, tc := range []struct {
		name   string
		labels []string
		want   string
	}{
		{"wrong count", []string{"violent=low,mid,high"}, `"violent=low,mid,high": 3 names for the 2 groups of outcome violent`},
		{"unknown outcome", []string{"violent=low,high", "robbery=a,b,c"}, `"robbery=a,b,c": no outcome "robbery" in the dual model of violent and property`},
		{"duplicate", []string{"property=a,b,a"}, `"property=a,b,a": groups 1 and 3 are both named "a"`},
		{"empty", []string{"property=a,,c"}, "group 2 has an empty name"},
		{"one list", []string{"low,high"}, `2 names for the 3 groups of outcome property (a list without OUTCOME= names each outcome's groups`},
	} {
		t.Run("fit "+tc.name, func(t *testing.T) {
			args := []string{"fit", "--data", dualData, "--dual", "violent,property", "--groups", "2,3"}
			for _, l := range tc.labels {
				args = append(args, "--labels", l)
			}
			code, _, stderr := trajkit(t, append(args, "--out", filepath.Join(t.TempDir(), "x"))...)
			if code != 2 || !strings.Contains(stderr, "trajkit fit: --labels ") || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, want 2 and %q: %s", code, tc.want, stderr)
			}
		})
	}
	out := filepath.Join(t.TempDir(), "dual")
	if code, _, stderr := trajkit(t, "fit", "--data", dualData, "--dual", "violent,property", "--groups", "2,3", "--order", "1", "--starts", "3", "--no-se", "--out", out); code != 0 {
		t.Fatalf("fit: exit %d: %s", code, stderr)
	}
	manifest := filepath.Join(out, results.ManifestFile)
	before, _ := os.ReadFile(manifest)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"wrong count", []string{"violent=low,mid,high"}, `"violent=low,mid,high": 3 names for the 2 groups of outcome violent`},
		{"unknown outcome", []string{"violent=low,high", "robbery=a,b,c"}, `no outcome "robbery" in the dual model of violent and property`},
		{"duplicate", []string{"property=a,b,a"}, `groups 1 and 3 are both named "a"`},
		{"the joint classes", []string{"a,b,c,d,e,f"}, "6 names for the 2 groups of outcome violent"},
	} {
		t.Run("label "+tc.name, func(t *testing.T) {
			code, _, stderr := trajkit(t, append([]string{"label", "--model", out}, tc.args...)...)
			if code != 2 || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, want 2 and %q: %s", code, tc.want, stderr)
			}
			if after, _ := os.ReadFile(manifest); !bytes.Equal(after, before) {
				t.Error("a new set was published")
			}
		})
	}
	if code, _, stderr := trajkit(t, "fit", "--data", "example:sim630", "--groups", "2", "--labels", "violent=a,b"); code != 2 ||
		!strings.Contains(stderr, `OUTCOME=NAMES names the groups of one outcome of a dual model (violent): a model of one outcome, named by one list, e.g. "a,b"`) {
		t.Errorf("fit --labels OUTCOME=NAMES of one outcome: exit %d: %s", code, stderr)
	}
	if code, _, stderr := trajkit(t, "fit", "--data", dualData, "--outcomes", "violent,property", "--groups", "2", "--labels", "violent=a,b"); code != 2 ||
		!strings.Contains(stderr, "the outcomes of a multi-trajectory model share their groups, named by one list") {
		t.Errorf("fit --outcomes --labels OUTCOME=NAMES: exit %d: %s", code, stderr)
	}
}
