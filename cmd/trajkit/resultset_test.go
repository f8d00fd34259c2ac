package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/trajectory/results"
)

// TestLeftoversAreNotPresented: the files of an earlier run in --out are
// not shown as part of a later one: a fit without --persons over a fit
// with it leaves no profiles.csv; a selection without a recommendation
// over one with it leaves no model.json and no recommended/; a file the
// manifest does not list is left out of the report with a warning.
func TestLeftoversAreNotPresented(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	persons := filepath.Join(t.TempDir(), "persons.csv")
	var b strings.Builder
	b.WriteString("id,female\n")
	for i := 1; i <= 630; i++ {
		b.WriteString(strconv.Itoa(i) + "," + strconv.Itoa(i%2) + "\n")
	}
	if err := os.WriteFile(persons, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := trajkit(t, "fit", "--data", "example:sim630", "--groups", "2", "--order", "2", "--persons", persons, "--out", dir); code != 0 {
		t.Fatalf("fit with persons: exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, results.ProfilesFile)); err != nil {
		t.Fatalf("the fit with persons wrote no profiles.csv: %v", err)
	}
	if code, _, stderr := trajkit(t, "fit", "--data", "example:sim630", "--groups", "3", "--order", "2", "--out", dir); code != 0 {
		t.Fatalf("fit: exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, results.ProfilesFile)); err == nil {
		t.Error("the 2-group fit's profiles.csv is still beside the 3-group fit")
	}

	// A reproduction.csv from elsewhere, dropped in by hand.
	stray := filepath.Join(dir, results.ReproductionFile)
	if err := os.WriteFile(stray, []byte("row,published,reproduced,tolerance,ok\nshare-low,36%,36.0,±5,true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(t.TempDir(), "report.html")
	code, _, stderr := trajkit(t, "report", "--model", dir, "--out", page)
	if code != 0 {
		t.Fatalf("report: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "reproduction.csv is not part of the result set") {
		t.Errorf("report does not say the stray reproduction.csv is left out: %q", stderr)
	}
	html, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(html), `id="reproduction"`) || strings.Contains(string(html), `id="profiles"`) {
		t.Error("the report shows a leftover reproduction or profiles section")
	}

	sel := filepath.Join(t.TempDir(), "sel")
	if code, _, stderr := trajkit(t, "select", "--data", "example:sim630", "--groups", "2-3", "--orders", "2-2", "--out", sel); code != 0 {
		t.Fatalf("select: exit %d: %s", code, stderr)
	}
	for _, name := range []string{results.ModelFile, filepath.Join(results.RecommendedDir, results.ModelFile)} {
		if _, err := os.Stat(filepath.Join(sel, name)); err != nil {
			t.Fatalf("the selection with a recommendation has no %s: %v", name, err)
		}
	}
	code, stdout, stderr := trajkit(t, "select", "--data", "example:sim630", "--groups", "2-3", "--orders", "2-2", "--min-share", "0.99", "--out", sel)
	if code != 0 || !strings.Contains(stdout, "No recommendation") {
		t.Fatalf("select with no adequate model: exit %d: %s\n%s", code, stdout, stderr)
	}
	for _, name := range []string{results.ModelFile, results.AssignmentsFile, results.RecommendedDir} {
		if _, err := os.Stat(filepath.Join(sel, name)); err == nil {
			t.Errorf("%s of the earlier selection is left beside a selection that recommends nothing", name)
		}
	}
	if code, _, stderr := trajkit(t, "report", "--model", sel, "--out", page); code != 1 || !strings.Contains(stderr, "model.json: no such file") {
		t.Errorf("report of a selection without a model: exit %d: %s", code, stderr)
	}
}

// TestConcurrentWriterRefused: while another command holds --out, a fit
// into it is refused at once, before reading any data, and the directory
// keeps its set.
func TestConcurrentWriterRefused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	if code, _, stderr := trajkit(t, "fit", "--data", "example:sim630", "--groups", "2", "--order", "1", "--out", dir); code != 0 {
		t.Fatalf("fit: exit %d: %s", code, stderr)
	}
	before, err := os.ReadFile(filepath.Join(dir, results.ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	held, err := results.Begin(context.Background(), dir, "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Abort()
	// The data file does not exist: a fit that got as far as reading
	// would say so instead.
	code, _, stderr := trajkit(t, "fit", "--data", filepath.Join(dir, "none.csv"), "--groups", "2", "--out", dir)
	if code != 1 || !strings.Contains(stderr, "another trajkit command is writing") {
		t.Errorf("a second writer: exit %d: %s", code, stderr)
	}
	after, err := os.ReadFile(filepath.Join(dir, results.ManifestFile))
	if err != nil || string(after) != string(before) {
		t.Errorf("the manifest changed under a refused writer: %v", err)
	}
}
