package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/trajectory/results"
)

// TestSelectOutcomes: select --outcomes writes the selection of a
// multi-trajectory model (a CVE column per outcome) and the recommended
// model of both outcomes, and refuses what a multi-trajectory search does
// not do with what to do instead.
func TestSelectOutcomes(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := trajkit(t, "select", "--data", "example:nl630-outcomes", "--outcomes", "thb,other", "--groups", "1-2", "--ages", "12-40",
		"--dist", "thb=zip", "--order", "thb=1", "--order", "other=2", "--cv", "2", "--starts", "4", "--out", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"Outcomes: thb (zip, orders 1), other (poisson, orders 2).", "CVE thb  CVE other", "Recommended: 2 groups (marked *)"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, results.SelectionCSV))
	if err != nil {
		t.Fatal(err)
	}
	if head, _, _ := strings.Cut(string(b), "\n"); !strings.Contains(head, ",cv_loglik,cve,cve_thb,cve_other,") {
		t.Errorf("selection.csv header %q", head)
	}
	sel, err := results.ReadSelection(dir)
	if err != nil {
		t.Fatal(err)
	}
	if r := sel.File.Recommended; r == nil || r.Groups != 2 || len(r.Outcomes) != 2 || r.Outcomes[1].CVE == nil || sel.File.Settings.Distribution != "multi" {
		t.Errorf("selection.json recommends %+v", r)
	}
	for _, d := range []string{dir, filepath.Join(dir, results.RecommendedDir)} {
		fit, err := results.ReadFit(d)
		if err != nil {
			t.Fatal(err)
		}
		if !fit.IsMulti() || len(fit.Outcomes) != 2 || fit.Outcomes[0].Orders[1] != 1 || fit.Outcomes[1].Orders[0] != 2 {
			t.Errorf("%s: the recommended model's outcomes %+v", d, fit.Outcomes)
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--orders", "1-3"}, "--orders is not supported with --outcomes"},
		{[]string{"--blrt", "19"}, "--blrt is not supported with --outcomes"},
		{[]string{"--order", "thb=1,2"}, "outcome thb: 2 orders, one per group, describe a 2-group model: give --groups 2"},
		{[]string{"--order", "violent=2"}, `no outcome "violent"`},
		{[]string{"--dist", "other=zap"}, `outcome other: unknown distribution "zap"`},
	} {
		args := append([]string{"select", "--data", "example:nl630-outcomes", "--outcomes", "thb,other", "--groups", "1-3"}, tc.args...)
		code, _, stderr := trajkit(t, args...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("select %v: exit %d, %q; want exit 2 and an error with %q", tc.args, code, stderr, tc.want)
		}
	}
	if code, _, stderr := trajkit(t, "select", "--data", "example:sim630", "--groups", "1-2", "--order", "y=2"); code != 2 || !strings.Contains(stderr, "needs --outcomes") {
		t.Errorf("select --order y=2 without --outcomes: exit %d, %q", code, stderr)
	}
}
