package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// personFile writes a person file for the 630 persons of sim630 (ids 1 to
// 630) with the column given: col(i) is the cell of person i.
func personFile(t *testing.T, name string, col func(i int) string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("id,x\n")
	for i := 1; i <= 630; i++ {
		fmt.Fprintf(&b, "%d,%s\n", i, col(i))
	}
	return writeFile(t, name, b.String())
}

// writeFile writes text to a new file name and returns its path.
func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// quickFit are the flags of a fit that takes a moment.
var quickFit = []string{"fit", "--data", "example:sim630", "--groups", "2", "--order", "1", "--starts", "2", "--keep", "1", "--no-se"}

// TestPersonColumnFlags: a person column that mixes numbers and text is an
// error naming its first odd cell and the flag that reads it as
// categorical; with --categorical it is read as categorical, and model.json
// records the list; a text column of many levels gets a warning with the
// flag that says it is meant, and none with it.
func TestPersonColumnFlags(t *testing.T) {
	mixed := personFile(t, "mixed.csv", func(i int) string {
		if i == 7 {
			return "abc"
		}
		return fmt.Sprint(i % 3)
	})
	code, _, stderr := trajkit(t, append(quickFit, "--persons", mixed)...)
	want := mixed + `:8:2: column "x": value "abc" is text, but 629 of the column's 630 values are numbers (the first on line 2)`
	if code != 1 || !strings.Contains(stderr, want) || !strings.Contains(stderr, "(--categorical x reads the column as categorical)") {
		t.Errorf("mixed column: exit %d, stderr %q; want exit 1, %q and the flag", code, stderr, want)
	}

	dir := t.TempDir()
	code, stdout, stderr := trajkit(t, append(quickFit, "--persons", mixed, "--categorical", "x", "--out", dir)...)
	if code != 0 {
		t.Fatalf("--categorical x: exit %d: %s", code, stderr)
	}
	for _, level := range []string{"x = 0", "x = 1", "x = 2", "x = abc"} {
		if !strings.Contains(stdout, level) {
			t.Errorf("--categorical x: the profiles lack %q:\n%s", level, stdout)
		}
	}
	var m struct {
		Settings struct {
			Data struct {
				Categorical []string `json:"categorical"`
			} `json:"data"`
		} `json:"settings"`
	}
	readJSON(t, filepath.Join(dir, "model.json"), &m)
	if strings.Join(m.Settings.Data.Categorical, ",") != "x" {
		t.Errorf("model.json: settings.data.categorical %v, want [x]", m.Settings.Data.Categorical)
	}
	// profile reads the fit's person file as the fit did.
	code, _, stderr = trajkit(t, "profile", "--model", dir, "--persons", mixed)
	if code != 0 {
		t.Errorf("profile of the fit's person file: exit %d: %s", code, stderr)
	}

	towns := personFile(t, "towns.csv", func(i int) string { return fmt.Sprintf("town%d", i) })
	code, _, stderr = trajkit(t, "profile", "--model", dir, "--persons", towns)
	want = `trajkit: warning: ` + towns + `: column "x" is text with 630 levels, more than 50`
	if code != 0 || !strings.Contains(stderr, want) || !strings.Contains(stderr, "(--categorical NAME says that it is meant)") {
		t.Errorf("many levels: exit %d, stderr %q; want a warning %q with the flag", code, stderr, want)
	}
	code, _, stderr = trajkit(t, "profile", "--model", dir, "--persons", towns, "--categorical", "x")
	if code != 0 || strings.Contains(stderr, "warning") {
		t.Errorf("many levels, --categorical x: exit %d, stderr %q; want no warning", code, stderr)
	}

	code, _, stderr = trajkit(t, append(quickFit, "--categorical", "x")...)
	if code != 2 || !strings.Contains(stderr, "--categorical needs --persons") {
		t.Errorf("--categorical without --persons: exit %d, stderr %q", code, stderr)
	}
}

// TestNoCommonID: a person file that shares no id with the careers (fit)
// or the model (profile) is an error naming both files, and nothing is
// written: no profiles.csv, and an earlier one is left as it was.
func TestNoCommonID(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,x\n")
	for i := 1; i <= 630; i++ {
		fmt.Fprintf(&b, "P%d,%d\n", i, i%2) // sim630's ids are 1 to 630
	}
	other := writeFile(t, "other.csv", b.String())
	model := t.TempDir()
	if code, _, stderr := trajkit(t, append(quickFit, "--out", model)...); code != 0 {
		t.Fatalf("fit: exit %d: %s", code, stderr)
	}
	profiles := filepath.Join(model, "profiles.csv")
	if err := os.WriteFile(profiles, []byte("an earlier profiles.csv\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out")
	for _, tc := range []struct {
		name string
		args []string
		// the other file the error names
		other string
	}{
		{"profile", []string{"profile", "--model", model, "--persons", other}, filepath.Join(model, "assignments.csv")},
		{"profile --out", []string{"profile", "--model", model, "--persons", other, "--out", out}, filepath.Join(model, "assignments.csv")},
		{"fit --persons", append(quickFit, "--persons", other, "--out", out), "example:sim630"},
		{"fit --risk", append(quickFit, "--persons", other, "--risk", "x", "--out", out), "example:sim630"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := trajkit(t, tc.args...)
			want := other + ": no person of " + tc.other + " has a row: its 630 ids"
			if code != 1 || !strings.Contains(stderr, want) {
				t.Errorf("exit %d, stderr %q; want exit 1 and %q", code, stderr, want)
			}
		})
	}
	if got := mustRead(t, profiles); got != "an earlier profiles.csv\n" {
		t.Errorf("profiles.csv was replaced: %q", got)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("--out was created: %v", err)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestNamesTwice: a name twice in --tcov, --risk or --categorical is a
// usage error naming the flag and the name, before any work.
func TestNamesTwice(t *testing.T) {
	persons := filepath.Join(srcDir, "testdata", "persons630.csv")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"fit --tcov", []string{"fit", "--data", "example:employment", "--groups", "2", "--tcov", "employed,employed"}, `--tcov employed,employed: "employed" is named twice`},
		{"fit --tcov with spaces", []string{"fit", "--data", "example:employment", "--groups", "2", "--tcov", "employed, hours,employed "}, `"employed" is named twice`},
		{"select --tcov", []string{"select", "--data", "example:employment", "--tcov", "emp,emp"}, `--tcov emp,emp: "emp" is named twice`},
		{"reproduce --tcov", []string{"reproduce", "--tcov", "emp,emp"}, `--tcov emp,emp: "emp" is named twice`},
		{"fit --risk", []string{"fit", "--data", "example:sim630", "--groups", "2", "--persons", persons, "--risk", "female,region,female"}, `--risk female,region,female: "female" is named twice`},
		{"fit --categorical", []string{"fit", "--data", "example:sim630", "--groups", "2", "--persons", persons, "--categorical", "region,region"}, `--categorical region,region: "region" is named twice`},
		{"profile --categorical", []string{"profile", "--model", "m", "--persons", persons, "--categorical", "region,region"}, `--categorical region,region: "region" is named twice`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := trajkit(t, tc.args...)
			if code != 2 || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit 2 and %q", code, stderr, tc.want)
			}
		})
	}
}
