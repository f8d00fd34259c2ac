package main

import (
	"os"
	"strings"
	"testing"
)

// TestBenchExamples runs the small examples of bench's usage and the
// command doc (those with fewer than a million persons), and a small run
// through a CSV file, and checks the lines of the report.
func TestBenchExamples(t *testing.T) {
	t.Chdir(t.TempDir())
	var runs [][]string
	for _, u := range []string{benchUsage, mainDoc(t)} {
		for _, line := range strings.Split(u, "\n") {
			line = strings.TrimSpace(line)
			if strings.HasPrefix(line, "trajkit bench ") && !strings.Contains(line, "1000000") {
				runs = append(runs, strings.Fields(line)[1:])
			}
		}
	}
	if len(runs) < 2 {
		t.Fatalf("found %d small bench examples, want one in the usage and one in the command doc", len(runs))
	}
	runs = append(runs, []string{"bench", "--persons", "500", "--groups", "2", "--starts", "2", "--keep", "1", "--csv", "small.csv"})
	for _, args := range runs {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, stdout, stderr := trajkit(t, args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			want := []string{"simulate", "persons", "cells", "fit", "iterations", "per iteration", "log-likelihood", "peak memory"}
			if strings.Contains(strings.Join(args, " "), "--csv") {
				want = append(want, "write", "read")
			}
			for _, w := range want {
				if !strings.Contains(stdout, "\n"+w+" ") && !strings.HasPrefix(stdout, w+" ") {
					t.Errorf("no %q line in\n%s", w, stdout)
				}
			}
		})
	}
	if _, err := os.Stat("small.csv"); err != nil {
		t.Errorf("--csv left no file: %v", err)
	}
}

func TestBenchUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		msg  string
	}{
		{"no persons", []string{"bench", "--persons", "0"}, "--persons"},
		{"too many groups", []string{"bench", "--groups", "7"}, "7 groups"},
		{"bad share", []string{"bench", "--exposed", "1.5"}, "--exposed"},
		{"bad ages", []string{"bench", "--ages", "50-12"}, "--ages"},
		{"bad distribution", []string{"bench", "--dist", "negbin"}, "unknown distribution"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := trajkit(t, tc.args...)
			if code != 2 || !strings.Contains(stderr, tc.msg) {
				t.Errorf("exit %d, stderr %q; want exit 2 and %q", code, stderr, tc.msg)
			}
		})
	}
	if code, stdout, _ := trajkit(t, "bench", "-h"); code != 0 || !strings.Contains(stdout, "Usage: trajkit bench") || !strings.Contains(stdout, "--persons") {
		t.Errorf("bench -h: exit %d, stdout %q", code, stdout)
	}
}
