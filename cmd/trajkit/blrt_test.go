package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestSelectBLRT: select --blrt writes the tests into selection.csv (on
// the row of each K ≥ 2), selection.json and the report's third table;
// interrupted during the tests, --resume takes the models from the
// checkpoint, runs the tests again and writes the selection.csv of an
// uninterrupted run.
func TestSelectBLRT(t *testing.T) {
	args := func(dir string, more ...string) []string {
		return append([]string{"select", "--data", "example:sim630", "--groups", "1-3", "--order", "2",
			"--starts", "4", "--keep", "2", "--blrt", "5", "--out", dir}, more...)
	}
	tmp := t.TempDir()
	want := filepath.Join(tmp, "whole")
	var stdout, stderr bytes.Buffer
	if code := run(args(want), &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "BLRT p") {
		t.Errorf("stdout has no BLRT column:\n%s", stdout.String())
	}
	if !strings.Contains(stderr.String(), "whatever the data") {
		t.Errorf("stderr does not warn that B = 5 cannot reject:\n%s", stderr.String())
	}
	wantCSV, err := os.ReadFile(filepath.Join(want, "selection.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(wantCSV)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := slices.Index(rows[0], "blrt_replicates")
	if col < 0 || len(rows) != 4 || rows[1][col] != "" || rows[2][col] != "5" || rows[3][col] != "5" {
		t.Fatalf("selection.csv:\n%s", wantCSV)
	}
	js, err := os.ReadFile(filepath.Join(want, "selection.json"))
	if err != nil || !bytes.Contains(js, []byte(`"blrt": {`)) || !bytes.Contains(js, []byte(`"null_groups": 2`)) {
		t.Errorf("selection.json (%v):\n%s", err, js)
	}

	dir := filepath.Join(tmp, "resumed")
	ctx, cancel := context.WithCancel(context.Background())
	candidateHook = func(done int) {
		if done == 3 { // the last model: the tests are next
			cancel()
		}
	}
	stdout.Reset()
	stderr.Reset()
	code := runContext(ctx, args(dir), &stdout, &stderr)
	candidateHook = nil
	cancel()
	if code != exitInterrupted || !strings.Contains(stderr.String(), "--resume") {
		t.Fatalf("interrupted in the tests: exit %d: %s", code, stderr.String())
	}
	stdout.Reset()
	stderr.Reset()
	if code := run(args(dir, "--resume"), &stdout, &stderr); code != exitOK {
		t.Fatalf("resumed: exit %d: %s", code, stderr.String())
	}
	got, err := os.ReadFile(filepath.Join(dir, "selection.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, wantCSV) {
		t.Errorf("resumed: selection.csv\n%s\nuninterrupted\n%s", got, wantCSV)
	}

	out := filepath.Join(tmp, "report.html")
	if code, _, stderr := trajkit(t, "report", "--model", want, "--select", want, "--out", out); code != 0 {
		t.Fatalf("report: exit %d: %s", code, stderr)
	}
	page, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(page, []byte("<caption>Bootstrap likelihood-ratio tests")) || !bytes.Contains(page, []byte("BLRT p")) {
		t.Error("the report has no table of the tests")
	}
}

// TestSelectBLRTUsage: the flags of the tests are checked before any fit.
func TestSelectBLRTUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--recommend", "blrt"}, "needs the tests"},
		{[]string{"--recommend", "aic"}, "expected bic or blrt"},
		{[]string{"--blrt", "-1"}, "expected 0 (none)"},
		{[]string{"--blrt", "9", "--groups", "1"}, "K >= 2"},
	} {
		code, _, stderr := trajkit(t, append([]string{"select", "--data", "example:sim630"}, tc.args...)...)
		if code != exitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, stderr, exitUsage, tc.want)
		}
	}
}
