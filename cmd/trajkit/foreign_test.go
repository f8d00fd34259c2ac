package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// foreignFixture is the path of a Stata, SPSS or Excel fixture of the
// readers' tests (trajectory/careersio/testdata/foreign, with the scripts
// that made them).
func foreignFixture(name string) string {
	return filepath.Join("..", "..", "trajectory", "careersio", "testdata", "foreign", name)
}

// TestForeignData fits careers from an Excel sheet with covariates and
// persons from an SPSS file, and the same data from CSV files: the
// assignments are identical, and plot reads the sheet again as the fit
// recorded it.
func TestForeignData(t *testing.T) {
	dir := t.TempDir()
	common := []string{"--groups", "2", "--order", "2", "--tcov", "employed", "--risk", "female", "--no-se", "--starts", "4", "--keep", "2"}
	fit := func(out string, data ...string) []byte {
		t.Helper()
		args := append(append([]string{"fit", "--out", filepath.Join(dir, out)}, data...), common...)
		if code, _, stderr := trajkit(t, args...); code != 0 {
			t.Fatalf("trajkit %s: exit %d: %s", strings.Join(args, " "), code, stderr)
		}
		b, err := os.ReadFile(filepath.Join(dir, out, "assignments.csv"))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	a := fit("xlsx", "--data", foreignFixture("wide60.xlsx"), "--sheet", "wide", "--persons", foreignFixture("persons60.sav"))
	b := fit("csv", "--data", foreignFixture("wide60.csv"), "--persons", foreignFixture("persons60.csv"))
	if string(a) != string(b) {
		t.Errorf("assignments differ:\n%s\nfrom CSV:\n%s", a, b)
	}
	code, _, stderr := trajkit(t, "plot", "--model", filepath.Join(dir, "xlsx"), "--out", filepath.Join(dir, "xlsx.svg"))
	if code != 0 {
		t.Errorf("plot of the Excel fit: exit %d: %s", code, stderr)
	}
	code, _, stderr = trajkit(t, "fit", "--data", foreignFixture("wide60.csv"), "--sheet", "wide", "--groups", "1")
	if code != 2 || !strings.Contains(stderr, "--sheet") {
		t.Errorf("--sheet with a CSV file: exit %d: %s", code, stderr)
	}
}
