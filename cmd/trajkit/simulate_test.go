package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/data"
	"github.com/trajkit/trajkit/trajectory"
	"github.com/trajkit/trajkit/trajectory/careersio"
	"github.com/trajkit/trajkit/trajectory/results"
)

func readFiles(t *testing.T, dir string, names ...string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		out[n] = b
	}
	return out
}

// TestSimulatePreset: the files of a preset read back into the same
// careers, truth.csv has a group per person, and the same seed gives
// byte-identical files while another seed does not.
func TestSimulatePreset(t *testing.T) {
	base := t.TempDir()
	dirs := map[string][]string{
		"a": {"--seed", "3"}, "b": {"--seed", "3"}, "c": {"--seed", "4"},
	}
	for name, seed := range dirs {
		args := append([]string{"simulate", "--preset", "default", "--persons", "500", "--out", filepath.Join(base, name)}, seed...)
		code, stdout, stderr := trajkit(t, args...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if !strings.Contains(stdout, "Simulated 500 careers") || !strings.Contains(stdout, "truth.csv") {
			t.Errorf("stdout does not say what was done:\n%s", stdout)
		}
	}
	names := []string{"long.csv", "wide.csv", "truth.csv"}
	a, b, c := readFiles(t, filepath.Join(base, "a"), names...), readFiles(t, filepath.Join(base, "b"), names...), readFiles(t, filepath.Join(base, "c"), names...)
	for _, n := range names {
		if !bytes.Equal(a[n], b[n]) {
			t.Errorf("%s: the same seed gave different files", n)
		}
		if bytes.Equal(a[n], c[n]) {
			t.Errorf("%s: seeds 3 and 4 gave the same file", n)
		}
	}
	long, _, err := careersio.ReadCareersFile(filepath.Join(base, "a", "long.csv"), careersio.ReadOptions{Exposure: "exposure"})
	if err != nil {
		t.Fatal(err)
	}
	wide, _, err := careersio.ReadCareersFile(filepath.Join(base, "a", "wide.csv"), careersio.ReadOptions{Exposure: "e"})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := trajectory.LookupPreset(trajectory.Presets, "default")
	s, err := p.Generate(context.Background(), 500, 3)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(long, s.Careers) || !reflect.DeepEqual(wide, s.Careers) {
		t.Error("the files do not read back into the simulated careers")
	}
	rows, err := csv.NewReader(bytes.NewReader(a["truth.csv"])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != "id,group" || len(rows) != 501 {
		t.Fatalf("truth.csv: header %v, %d rows", rows[0], len(rows)-1)
	}
	for i, r := range rows[1:] {
		if r[0] != s.Careers.IDs[i] || r[1] != strconv.Itoa(s.Groups[i]) {
			t.Fatalf("truth.csv row %d: %v, want id %s group %d", i+1, r, s.Careers.IDs[i], s.Groups[i])
		}
	}
	if _, err := os.Stat(filepath.Join(base, "a", "persons.csv")); !os.IsNotExist(err) {
		t.Error("persons.csv written for a preset without person variables")
	}
}

// TestSimulateFromModel fits a model, then draws careers from its
// model.json (given as the directory) over the model's window.
func TestSimulateFromModel(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := trajkit(t, "fit", "--data", "example:sim630", "--groups", "2", "--order", "2", "--out", filepath.Join(dir, "m")); code != 0 {
		t.Fatalf("fit: exit %d: %s", code, stderr)
	}
	out := filepath.Join(dir, "sim")
	code, _, stderr := trajkit(t, "simulate", "--model", filepath.Join(dir, "m"), "--persons", "300", "--censor", "0.5", "--exposed", "0.1", "--out", out)
	if code != 0 {
		t.Fatalf("simulate: exit %d: %s", code, stderr)
	}
	c, _, err := careersio.ReadCareersFile(filepath.Join(out, "long.csv"), careersio.ReadOptions{Exposure: "exposure"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Len() != 300 || c.MinAge != 12 || c.MaxAge() > 40 {
		t.Errorf("%d careers over ages %d-%d; want 300 within the model's 12-40", c.Len(), c.MinAge, c.MaxAge())
	}
	truth := readFiles(t, out, "truth.csv")["truth.csv"]
	for _, line := range strings.Split(strings.TrimSpace(string(truth)), "\n")[1:] {
		if g := line[strings.IndexByte(line, ',')+1:]; g != "1" && g != "2" {
			t.Fatalf("truth.csv: group %q of a 2-group model", g)
		}
	}
}

// TestSimulateFromMultiModel: simulate --model of a multi-trajectory
// model writes long.csv with a column per outcome, every person observed
// at the same ages in both, which fit --outcomes reads back and fits to
// the model's shares (N = 3,000: within 0.04, four standard errors).
func TestSimulateFromMultiModel(t *testing.T) {
	dir := t.TempDir()
	fit := []string{"--outcomes", "thb,other", "--groups", "2", "--dist", "thb=poisson", "--dist", "other=zip", "--order", "1", "--starts", "3", "--no-se"}
	m := filepath.Join(dir, "m")
	if code, _, stderr := trajkit(t, append([]string{"fit", "--data", "example:nl630-outcomes", "--ages", "12-40", "--out", m}, fit...)...); code != 0 {
		t.Fatalf("fit: exit %d: %s", code, stderr)
	}
	out := filepath.Join(dir, "sim")
	code, stdout, stderr := trajkit(t, "simulate", "--model", m, "--persons", "3000", "--censor", "0.3", "--seed", "4", "--out", out)
	if code != 0 {
		t.Fatalf("simulate: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "Simulated 3000 careers of 2 outcomes (thb, other), ages 12-40") {
		t.Errorf("stdout:\n%s", stdout)
	}
	files := readFiles(t, out, "long.csv", "truth.csv")
	if head, _, _ := strings.Cut(string(files["long.csv"]), "\n"); head != "id,age,thb,other" {
		t.Errorf("long.csv header %q", head)
	}
	if _, err := os.Stat(filepath.Join(out, "wide.csv")); err == nil {
		t.Error("wide.csv written for several outcomes")
	}
	cs, _, err := careersio.ReadOutcomesFile(filepath.Join(out, "long.csv"), careersio.ReadOptions{},
		[]careersio.OutcomeColumns{{Count: "thb"}, {Count: "other"}})
	if err != nil {
		t.Fatal(err)
	}
	if cs[0].Len() != 3000 || cs[0].NumObs != cs[1].NumObs {
		t.Errorf("%d persons, %d and %d observed cells", cs[0].Len(), cs[0].NumObs, cs[1].NumObs)
	}
	re := filepath.Join(dir, "re")
	if code, _, stderr := trajkit(t, append([]string{"fit", "--data", filepath.Join(out, "long.csv"), "--out", re}, fit...)...); code != 0 {
		t.Fatalf("fit of the simulated careers: exit %d: %s", code, stderr)
	}
	orig, err := results.ReadFit(m)
	if err != nil {
		t.Fatal(err)
	}
	back, err := results.ReadFit(re)
	if err != nil {
		t.Fatal(err)
	}
	for j, g := range orig.Groups {
		if d := math.Abs(back.Groups[j].Share - g.Share); d > 0.04 {
			t.Errorf("group %d: share %.4f refitted, %.4f in the model", j+1, back.Groups[j].Share, g.Share)
		}
	}
}

// editedModel copies the fit in dir (model.json, assignments.csv) into a
// new directory with model.json changed by edit, which works on the file's
// JSON as maps and lists, and returns the new directory.
func editedModel(t *testing.T, dir string, edit func(m map[string]any)) string {
	t.Helper()
	var m map[string]any
	readJSON(t, filepath.Join(dir, results.ModelFile), &m)
	edit(m)
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	if err := os.WriteFile(filepath.Join(out, results.ModelFile), b, 0o644); err != nil {
		t.Fatal(err)
	}
	a := readFiles(t, dir, results.AssignmentsFile)[results.AssignmentsFile]
	if err := os.WriteFile(filepath.Join(out, results.AssignmentsFile), a, 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

// curvePoint returns the curve point at index a of group k (0-based) of a
// model.json read into maps.
func curvePoint(m map[string]any, k, a int) map[string]any {
	return m["groups"].([]any)[k].(map[string]any)["curve"].([]any)[a].(map[string]any)
}

// TestSimulateRefusesOverflow: a rate whose counts could pass 2^32 - 1 is
// an error naming the model, group and age, where the counts once wrapped
// around at 2^32 and the command exited 0; nothing is written.
func TestSimulateRefusesOverflow(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "m")
	if code, _, stderr := trajkit(t, "fit", "--data", "example:sim630", "--groups", "2", "--order", "1", "--starts", "2", "--keep", "1", "--out", dir); code != 0 {
		t.Fatalf("fit: exit %d: %s", code, stderr)
	}
	bad := editedModel(t, dir, func(m map[string]any) { curvePoint(m, 1, 3)["rate"] = 3e9 })
	out := filepath.Join(t.TempDir(), "never")
	code, _, stderr := trajkit(t, "simulate", "--model", bad, "--out", out)
	want := filepath.Join(bad, results.ModelFile) + ": simulate: group 2, age 15: expected count 3e+09 (rate 3e+09 at exposure 1) is above 2^31"
	if code != 1 || !strings.Contains(stderr, want) {
		t.Errorf("exit %d, stderr %q; want exit 1 and %q", code, stderr, want)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a refused simulate created --out: %v", err)
	}
}

func TestSimulateErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "afile")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "never")
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no source", []string{"simulate", "--out", out}, 2, "give --model FILE or --preset NAME"},
		{"both sources", []string{"simulate", "--model", file, "--preset", "default", "--out", out}, 2, "not both"},
		{"unknown preset", []string{"simulate", "--preset", "nope", "--out", out}, 2, `no preset "nope"`},
		{"no out", []string{"simulate", "--preset", "default"}, 2, "--out is required"},
		{"out is a file", []string{"simulate", "--preset", "default", "--out", file}, 2, "existing file"},
		{"no persons", []string{"simulate", "--preset", "default", "--persons", "0", "--out", out}, 2, "--persons"},
		{"design with a preset", []string{"simulate", "--preset", "nl630", "--censor", "0.2", "--out", out}, 2, "--censor goes with --model"},
		{"share above 1", []string{"simulate", "--model", file, "--exposed", "1.5", "--out", out}, 2, "--exposed 1.5"},
		{"stray argument", []string{"simulate", "--preset", "default", "--out", out, "extra"}, 2, "unexpected argument"},
		{"missing model", []string{"simulate", "--model", filepath.Join(t.TempDir(), "model.json"), "--out", out}, 1, "no such file"},
		{"not a model", []string{"simulate", "--model", file, "--out", out}, 1, "not a trajkit model file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := trajkit(t, tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.msg) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr, tc.code, tc.msg)
			}
		})
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed simulate created --out: %v", err)
	}
}

// TestSimulateNL630: with its defaults, the nl630 preset writes exactly
// the committed cohort data/nl630.
func TestSimulateNL630(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := trajkit(t, "simulate", "--preset", "nl630", "--out", dir); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	names := []string{"long.csv", "wide.csv", "persons.csv", "truth.csv"}
	got := readFiles(t, dir, names...)
	for _, n := range names {
		want, err := data.ReadFile("nl630/" + n)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got[n], want) {
			t.Errorf("%s differs from data/nl630/%s", n, n)
		}
	}
}
