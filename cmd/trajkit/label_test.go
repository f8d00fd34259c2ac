package main

import (
	"bytes"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/trajectory/results"
)

// readManifest reads the manifest of the result set in dir.
func readManifest(t *testing.T, dir string) *results.Manifest {
	t.Helper()
	d, err := results.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if d.Manifest == nil {
		t.Fatalf("%s has no manifest", dir)
	}
	return d.Manifest
}

// modelLabels returns the labels of the groups of model.json (or another
// model file name) in the set in dir.
func modelLabels(t *testing.T, dir, name string) []string {
	t.Helper()
	d, err := results.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	r, err := d.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	m, err := results.DecodeModel(r, name)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, g := range m.Groups {
		out = append(out, g.Label)
	}
	return out
}

// TestLabel: trajkit label stores the names in model.json as a new result
// set that carries assignments.csv with its run id; plot and report then
// name the groups so, and --labels still overrides them for one output.
func TestLabel(t *testing.T) {
	dir := fitSim630(t, false)
	before := readManifest(t, dir)
	names := "low,early-peak,late-peak,high"
	code, stdout, stderr := trajkit(t, "label", "--model", dir, names)
	if code != 0 {
		t.Fatalf("label: exit %d: %s", code, stderr)
	}
	for _, want := range []string{"Group 1  low", "Group 2  early-peak", "Group 4  high", "Wrote model.json in " + dir} {
		if !strings.Contains(stdout, want) {
			t.Errorf("label's summary lacks %q:\n%s", want, stdout)
		}
	}
	if got := strings.Join(modelLabels(t, dir, results.ModelFile), ","); got != names {
		t.Errorf("model.json read back has labels %q, want %q", got, names)
	}
	m := readManifest(t, dir)
	if m.Command != "label" || m.RunID == before.RunID {
		t.Errorf("manifest: command %q run %s, want a new set of label (the fit's was %s)", m.Command, m.RunID, before.RunID)
	}
	if e := m.File(results.ModelFile); e == nil || e.Run != "" || e.SHA256 == before.File(results.ModelFile).SHA256 {
		t.Errorf("manifest's model.json %+v: want the new file, written by this run", e)
	}
	if e := m.File(results.AssignmentsFile); e == nil || e.Run != before.RunID || e.SHA256 != before.File(results.AssignmentsFile).SHA256 {
		t.Errorf("manifest's assignments.csv %+v: want the fit's, carried with its run %s", e, before.RunID)
	}
	if len(m.Files) != len(before.Files) {
		t.Errorf("the new set has %d files, the fit's %d", len(m.Files), len(before.Files))
	}

	out := t.TempDir()
	for _, kind := range []string{"trajectories", "posteriors"} {
		svg := filepath.Join(out, kind+".svg")
		if code, _, stderr := trajkit(t, "plot", "--model", dir, "--kind", kind, "--out", svg); code != 0 {
			t.Fatalf("plot --kind %s: exit %d: %s", kind, code, stderr)
		}
		b, _ := os.ReadFile(svg)
		for _, name := range strings.Split(names, ",") {
			if !bytes.Contains(b, []byte(">"+name+" ")) {
				t.Errorf("%s does not name group %q", kind, name)
			}
		}
	}
	html := filepath.Join(out, "report.html")
	if code, _, stderr := trajkit(t, "report", "--model", dir, "--out", html); code != 0 {
		t.Fatalf("report: exit %d: %s", code, stderr)
	}
	b, _ := os.ReadFile(html)
	for _, name := range strings.Split(names, ",") {
		if !bytes.Contains(b, []byte(name)) {
			t.Errorf("the report does not name group %q", name)
		}
	}

	// --labels overrides the stored names for its output only.
	svg := filepath.Join(out, "override.svg")
	if code, _, stderr := trajkit(t, "plot", "--model", dir, "--labels", "w,x,y,z", "--out", svg); code != 0 {
		t.Fatalf("plot --labels: exit %d: %s", code, stderr)
	}
	b, _ = os.ReadFile(svg)
	if bytes.Contains(b, []byte("early-peak")) || !bytes.Contains(b, []byte(">x ")) {
		t.Error("plot --labels did not override the stored labels")
	}
	if got := strings.Join(modelLabels(t, dir, results.ModelFile), ","); got != names {
		t.Errorf("after plot --labels, model.json has labels %q", got)
	}

	// --clear removes them.
	if code, _, stderr := trajkit(t, "label", "--model", dir, "--clear"); code != 0 {
		t.Fatalf("label --clear: exit %d: %s", code, stderr)
	}
	if got := strings.Join(modelLabels(t, dir, results.ModelFile), ","); got != ",,," {
		t.Errorf("after --clear, model.json has labels %q", got)
	}
	if e := readManifest(t, dir).File(results.AssignmentsFile); e == nil || e.Run != before.RunID {
		t.Errorf("after two labels, assignments.csv %+v: want the fit's run %s", e, before.RunID)
	}
}

// TestLabelRefused: a wrong number of names, a duplicate or empty one, or
// names with --clear are usage errors (exit 2), and a model.json edited
// by hand is refused (exit 1): nothing is published.
func TestLabelRefused(t *testing.T) {
	dir := fitSim630(t, false)
	manifest := filepath.Join(dir, results.ManifestFile)
	before, _ := os.ReadFile(manifest)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"three names", []string{dir, "a,b,c"}, "3 names for the 4 groups"},
		{"five names", []string{dir, "a,b,c,d,e"}, "5 names for the 4 groups"},
		{"duplicate", []string{dir, "a,b,a,d"}, `groups 1 and 3 are both named "a"`},
		{"empty", []string{dir, "a,,c,d"}, "group 2 has an empty name"},
		{"no names", []string{dir}, "expected the groups' names"},
		{"two lists", []string{dir, "a,b", "c,d"}, "expected one comma-separated list"},
		{"clear with names", []string{dir, "--clear", "a,b,c,d"}, "--clear takes no names"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := trajkit(t, append([]string{"label", "--model"}, tc.args...)...)
			if code != 2 || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, want 2 and %q: %s", code, tc.want, stderr)
			}
			if after, _ := os.ReadFile(manifest); !bytes.Equal(after, before) {
				t.Error("a new set was published")
			}
		})
	}
	svg := filepath.Join(t.TempDir(), "dup.svg")
	if code, _, stderr := trajkit(t, "plot", "--model", dir, "--labels", "a,b,b,c", "--out", svg); code != 2 || !strings.Contains(stderr, `groups 2 and 3 are both named "b"`) {
		t.Errorf("plot --labels with a duplicate: exit %d: %s", code, stderr)
	}
	if code, _, stderr := trajkit(t, "label", "a,b,c,d"); code != 2 || !strings.Contains(stderr, "--model is required") {
		t.Errorf("without --model: exit %d: %s", code, stderr)
	}

	// A hand-edited model.json no longer matches the manifest.
	model := filepath.Join(dir, results.ModelFile)
	b, err := os.ReadFile(model)
	if err != nil {
		t.Fatal(err)
	}
	edited := bytes.Replace(b, []byte(`"group": 2,`), []byte(`"group": 2, "label": "x",`), 1)
	if bytes.Equal(edited, b) {
		t.Fatal("model.json has no group 2 to edit")
	}
	if err := os.WriteFile(model, edited, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := trajkit(t, "label", "--model", dir, "a,b,c,d")
	if code != 1 || !strings.Contains(stderr, "does not match") {
		t.Errorf("edited model.json: exit %d, want 1 and a checksum mismatch: %s", code, stderr)
	}
	if after, _ := os.ReadFile(manifest); !bytes.Equal(after, before) {
		t.Error("a new set was published over an edited model.json")
	}
	if after, _ := os.ReadFile(model); !bytes.Equal(after, edited) {
		t.Error("the edited model.json was replaced")
	}
}

// TestLabelSelection: in the directory of reproduce (a selection), label
// names the groups of model.json and of recommended/model.json, the same
// fit, and carries the figures and the report, which it says keep the
// names they were drawn with.
func TestLabelSelection(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "repro")
	if code, _, stderr := trajkit(t, "reproduce", "--data", "example:sim630", "--no-persons", "--groups", "4-4", "--orders", "3-3", "--out", dir); code != 0 {
		t.Fatalf("reproduce: exit %d: %s", code, stderr)
	}
	rec := path.Join(results.RecommendedDir, results.ModelFile)
	if code, _, stderr := trajkit(t, "label", "--model", dir, "--clear"); code != 0 {
		t.Fatalf("label --clear: exit %d: %s", code, stderr)
	}
	for _, name := range []string{results.ModelFile, rec} {
		if got := strings.Join(modelLabels(t, dir, name), ","); got != ",,," {
			t.Errorf("after --clear, %s has labels %q", name, got)
		}
	}
	before := readManifest(t, dir)
	names := "low,early-peak,late-peak,high"
	code, stdout, stderr := trajkit(t, "label", "--model", dir, names)
	if code != 0 {
		t.Fatalf("label: exit %d: %s", code, stderr)
	}
	for _, name := range []string{results.ModelFile, rec} {
		if got := strings.Join(modelLabels(t, dir, name), ","); got != names {
			t.Errorf("%s has labels %q, want %q", name, got, names)
		}
	}
	m := readManifest(t, dir)
	for _, e := range before.Files {
		got := m.File(e.Name)
		switch {
		case got == nil:
			t.Errorf("%s dropped out of the set", e.Name)
		case e.Name == results.ModelFile || e.Name == rec:
			if got.Run != "" {
				t.Errorf("%s was carried, not written", e.Name)
			}
		case got.SHA256 != e.SHA256 || got.Run == "":
			t.Errorf("%s %+v: want it carried unchanged", e.Name, got)
		}
	}
	if !strings.Contains(stdout, "report.html") || !strings.Contains(stdout, "drawn with the earlier names") {
		t.Errorf("label does not say that the carried figures keep the earlier names:\n%s", stdout)
	}
}

// TestFitLabels: fit --labels names the groups once they are numbered, in
// model.json, the summary and the figure; a list that cannot name the
// groups is a usage error before anything is fitted or written.
func TestFitLabels(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "named")
	names := "low,early-peak,late-peak,high"
	code, stdout, stderr := trajkit(t, "fit", "--data", "example:sim630", "--groups", "4", "--labels", names, "--out", dir, "--plot")
	if code != 0 {
		t.Fatalf("fit --labels: exit %d: %s", code, stderr)
	}
	if got := strings.Join(modelLabels(t, dir, results.ModelFile), ","); got != names {
		t.Errorf("model.json has labels %q, want %q", got, names)
	}
	if !strings.Contains(stdout, "Group 2 early-peak: share") {
		t.Errorf("the summary does not name group 2:\n%s", stdout)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "trajectories.svg"))
	for _, name := range strings.Split(names, ",") {
		if !bytes.Contains(b, []byte(">"+name+" ")) {
			t.Errorf("trajectories.svg does not name group %q", name)
		}
	}
	for _, tc := range []struct{ labels, want string }{
		{"a,b", "2 names for the 4 groups of --groups"},
		{"a,b,c,b", `groups 2 and 4 are both named "b"`},
		{"a,b,,d", "group 3 has an empty name"},
	} {
		out := filepath.Join(t.TempDir(), "none")
		code, _, stderr := trajkit(t, "fit", "--data", "example:sim630", "--groups", "4", "--labels", tc.labels, "--out", out)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("--labels %s: exit %d, want 2 and %q: %s", tc.labels, code, tc.want, stderr)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("--labels %s: %s was created", tc.labels, out)
		}
	}
}

// TestLabelProfiles: in a selection with profiles, label writes
// profiles.csv again with the names in its label column, and the
// profiles and the report's tables name the groups so.
func TestLabelProfiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sel")
	if code, _, stderr := trajkit(t, "select", "--data", "example:sim630", "--groups", "2-2", "--persons", "example:nl630-persons", "--out", dir); code != 0 {
		t.Fatalf("select: exit %d: %s", code, stderr)
	}
	if code, _, stderr := trajkit(t, "label", "--model", dir, "quiet,busy"); code != 0 {
		t.Fatalf("label: exit %d: %s", code, stderr)
	}
	d, err := results.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := d.Profiles()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if want := []string{"quiet", "busy"}[r.Group-1]; r.Label != want {
			t.Fatalf("profiles.csv: group %d labelled %q, want %q", r.Group, r.Label, want)
		}
	}
	if e := d.Manifest.File(results.ProfilesFile); e == nil || e.Run != "" {
		t.Errorf("profiles.csv %+v: want it written by label", e)
	}
	html := filepath.Join(t.TempDir(), "report.html")
	if code, _, stderr := trajkit(t, "report", "--model", dir, "--out", html); code != 0 {
		t.Fatalf("report: exit %d: %s", code, stderr)
	}
	b, _ := os.ReadFile(html)
	for _, want := range append([]string{"Group 1 quiet", "Group 2 busy"}, legends(t, dir)...) {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("the report lacks %q", want)
		}
	}
}

// TestLabelledTables: with labels, the terminal's adequacy and membership
// tables gain a Label column, and the report's membership table names and
// colours each group as the figures do, --colors included.
func TestLabelledTables(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "risk")
	persons := filepath.Join(srcDir, "testdata", "persons630.csv")
	code, stdout, stderr := trajkit(t, "fit", "--data", "example:sim630", "--groups", "3", "--persons", persons, "--risk", "female",
		"--labels", "rare,middle,frequent", "--out", dir)
	if code != 0 {
		t.Fatalf("fit: exit %d: %s", code, stderr)
	}
	for _, want := range []string{`(?m)^ +Group +Label +Share %`, `(?m)^ +2 +middle +\d+\.\d +\d`, `(?m)^ +Group +Label +Covariate`, `(?m)^ +3 +frequent +\(intercept\)`} {
		if !regexp.MustCompile(want).MatchString(stdout) {
			t.Errorf("the terminal lacks %s:\n%s", want, stdout)
		}
	}
	out := filepath.Join(t.TempDir(), "report.html")
	colours := []string{"#111111", "#222222", "#333333"}
	if code, _, stderr := trajkit(t, "report", "--model", dir, "--colors", strings.Join(colours, ","), "--out", out); code != 0 {
		t.Fatalf("report: exit %d: %s", code, stderr)
	}
	b, _ := os.ReadFile(out)
	sec := section(t, string(b), "membership")
	for j, name := range []string{"middle", "frequent"} {
		if !strings.Contains(sec, fmt.Sprintf("Group %d %s</th>", j+2, name)) {
			t.Errorf("the membership table does not name group %d %s", j+2, name)
		}
		if !strings.Contains(sec, "background: "+colours[j+1]) {
			t.Errorf("the membership table's group %d is not in its colour %s", j+2, colours[j+1])
		}
	}
}
