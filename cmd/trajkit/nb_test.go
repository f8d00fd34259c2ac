package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGoldenNB: the summary of an NB fit with a dispersion per group (α,
// its SE and the test of α = 0 in each group) and with a common one,
// against golden files (go test -update rewrites them).
func TestGoldenNB(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"fit-sim630-nb-k2", []string{"fit", "--data", "example:sim630", "--groups", "2", "--order", "2", "--dist", "nb"}},
		{"fit-sim630-nb-common-k2", []string{"fit", "--data", "example:sim630", "--groups", "2", "--order", "2", "--dist", "nb", "--dispersion", "common"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := trajkit(t, tc.args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			path := filepath.Join("testdata", tc.name+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(stdout), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if stdout != string(want) {
				t.Errorf("stdout differs from %s (go test -update to accept):\n%s", path, stdout)
			}
		})
	}
}

// TestDispersionFlag: --dispersion takes group or common, and common only
// with a negative binomial distribution.
func TestDispersionFlag(t *testing.T) {
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"fit", "--data", "example:sim630", "--groups", "2", "--dist", "nb", "--dispersion", "shared"}, `--dispersion "shared": expected group or common`},
		{[]string{"fit", "--data", "example:sim630", "--groups", "2", "--dispersion", "common"}, "--dispersion common is for the negative binomial distributions"},
		{[]string{"select", "--data", "example:sim630", "--groups", "1-2", "--dist", "zip", "--dispersion", "common"}, "--dispersion common is for the negative binomial distributions"},
	} {
		code, _, stderr := trajkit(t, tc.args...)
		if code != 2 || !strings.Contains(stderr, tc.msg) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, stderr, tc.msg)
		}
	}
}
