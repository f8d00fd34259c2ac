package main

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/trajectory/results"
)

// TestValueLabels fits the first 60 employment careers with the risk
// factor female, whose codes 0 and 1 carry the value labels male and
// female in persons60.dta and persons60.sav
// (trajectory/careersio/testdata/foreign/make.R): the terminal's
// membership table, profiles and distal table (female as an mlogit
// distal outcome too), profiles.csv, model.json and the report name each
// level by its code and its label ("female=1 (female)", "female = 1
// (female)", "P(1 (female))"), while the coefficients keep their names
// (female=1). The same persons from persons60.csv, female named
// categorical, print what they printed before labels were read: the same
// lines without the labels, and no label in any file.
func TestValueLabels(t *testing.T) {
	dir := t.TempDir()
	fit := func(name, persons string, extra ...string) string {
		t.Helper()
		args := append([]string{"fit", "--data", foreignFixture("long60.csv"), "--groups", "2", "--order", "2", "--persons", foreignFixture(persons), "--risk", "female",
			"--distal", "female", "--distal-model", "mlogit", "--starts", "4", "--keep", "2", "--out", filepath.Join(dir, name)}, extra...)
		code, stdout, stderr := trajkit(t, args...)
		if code != 0 {
			t.Fatalf("trajkit %s: exit %d: %s", strings.Join(args, " "), code, stderr)
		}
		return stdout
	}
	labelled := fit("dta", "persons60.dta")
	plain := fit("csv", "persons60.csv", "--categorical", "female")

	for _, want := range []string{
		`  female: indicators against level "0" (male)`,
		`  female=1 (female)  `,
		`  female = 0 (male)  `,
		`  female = 1 (female)  `,
		`  female                   chi2 = `, // the Wald test names the variable
		`  P(0 (male))      SE  P(1 (female))      SE`,
	} {
		if !strings.Contains(labelled, want) {
			t.Errorf("the terminal lacks %q:\n%s", want, labelled)
		}
	}
	// Without the labels (and the names of the files), the same lines as
	// from the CSV file, which has none; only the columns' widths differ.
	fields := func(s string) string {
		var lines []string
		for _, l := range strings.Split(s, "\n") {
			lines = append(lines, strings.Join(strings.Fields(l), " "))
		}
		return strings.Join(lines, "\n")
	}
	stripped := regexp.MustCompile(` \((fe)?male\)`).ReplaceAllString(labelled, "")
	stripped = strings.NewReplacer("persons60.dta", "persons60.csv", filepath.Join(dir, "dta"), filepath.Join(dir, "csv")).Replace(stripped)
	if fields(stripped) != fields(plain) {
		t.Errorf("without its labels, the fit with persons60.dta prints\n%s\nand with persons60.csv\n%s", stripped, plain)
	}
	if strings.Contains(plain, "male)") {
		t.Errorf("the fit with persons60.csv shows labels:\n%s", plain)
	}

	// profiles.csv: the level_label column with the labels; none without.
	rows := readCSV(t, filepath.Join(dir, "dta", results.ProfilesFile))
	if got := strings.Join(rows[0], ","); got != "variable,level,group,label,n_assigned,assigned_mean,posterior_mean,share,level_label" {
		t.Errorf("profiles.csv's header %s", got)
	}
	for _, r := range rows[1:] {
		want := map[string]string{"0": "male", "1": "female"}[r[1]]
		if r[0] != "female" {
			want = ""
		}
		if r[8] != want {
			t.Errorf("profiles.csv: %s = %s labelled %q, want %q", r[0], r[1], r[8], want)
		}
	}
	if rows := readCSV(t, filepath.Join(dir, "csv", results.ProfilesFile)); len(rows[0]) != 8 {
		t.Errorf("profiles.csv without value labels has the columns %q", rows[0])
	}

	// model.json: the labels beside the base levels, the names unchanged.
	for name, want := range map[string]map[string]map[string]string{
		"dta": {"female": {"0": "male", "1": "female"}},
		"csv": nil,
	} {
		m, err := results.ReadModel(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(m.Covariates.ValueLabels, want) || strings.Join(m.Covariates.Names, ",") != "female=1" {
			t.Errorf("%s: model.json's value labels %v and covariates %q, want %v and female=1", name, m.Covariates.ValueLabels, m.Covariates.Names, want)
		}
	}

	// The report, from the files.
	report := func(name string) string {
		t.Helper()
		out := filepath.Join(dir, name+".html")
		if code, _, stderr := trajkit(t, "report", "--model", filepath.Join(dir, name), "--out", out); code != 0 {
			t.Fatalf("report %s: exit %d: %s", name, code, stderr)
		}
		return mustRead(t, out)
	}
	page := report("dta")
	membership, profiles := section(t, page, "membership"), section(t, page, "profiles")
	const note = "shown by its code with the label in brackets"
	for _, want := range []string{`<td class="text">female=1 (female)</td>`, `female against &#34;0&#34; (male)`, `<tr><td class="text">female</td>`, note} {
		if !strings.Contains(membership, want) {
			t.Errorf("the report's membership lacks %q", want)
		}
	}
	for _, want := range []string{">female = 0 (male)<", ">female = 1 (female)<", note} {
		if !strings.Contains(profiles, want) {
			t.Errorf("the report's profiles lack %q", want)
		}
	}
	if distal := section(t, page, "distal"); !strings.Contains(distal, ">P(1 (female))<") {
		t.Error("the report's distal table lacks P(1 (female))")
	}
	page = report("csv")
	if strings.Contains(page, "male)") || strings.Contains(page, note) || !strings.Contains(section(t, page, "profiles"), ">female = 1<") {
		t.Error("the report of the fit with persons60.csv shows labels, or not its levels")
	}

	// profile with the SPSS file reads the labels too.
	code, stdout, stderr := trajkit(t, "profile", "--model", filepath.Join(dir, "csv"), "--persons", foreignFixture("persons60.sav"), "--out", filepath.Join(dir, "sav"))
	if code != 0 {
		t.Fatalf("profile: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "  female = 1 (female)  ") {
		t.Errorf("profile with persons60.sav:\n%s", stdout)
	}
	if _, err := os.Stat(filepath.Join(dir, "sav", results.ProfilesFile)); err != nil {
		t.Error(err)
	}
}
