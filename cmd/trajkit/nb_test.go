package main

import (
	"strings"
	"testing"
)

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
