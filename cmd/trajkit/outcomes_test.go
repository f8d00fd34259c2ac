package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/trajectory/results"
)

// TestFitOutcomesFlags: the flags given per outcome reach each outcome's
// model, and flags that a multi-trajectory model does not take, or
// NAME=VALUE without --outcomes, are refused with what to do.
func TestFitOutcomesFlags(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := trajkit(t, "fit", "--data", "example:nl630-outcomes", "--outcomes", "thb,other", "--groups", "2", "--ages", "12-40",
		"--dist", "zip", "--dist", "thb=poisson", "--order", "1", "--order", "other=2", "--inflation", "other=1", "--no-se", "--out", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	fit, err := results.ReadFit(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(fit.Outcomes) != 2 {
		t.Fatalf("%d outcomes", len(fit.Outcomes))
	}
	thb, other := fit.Outcomes[0], fit.Outcomes[1]
	if thb.Name != "thb" || thb.Distribution != "poisson" || thb.Orders[0] != 1 || thb.InflationOrders[0] != -1 ||
		other.Name != "other" || other.Distribution != "zip" || other.Orders[1] != 2 || other.InflationOrders[0] != 1 {
		t.Errorf("outcomes %s %s %v %v, %s %s %v %v", thb.Name, thb.Distribution, thb.Orders, thb.InflationOrders,
			other.Name, other.Distribution, other.Orders, other.InflationOrders)
	}
	b, err := os.ReadFile(filepath.Join(dir, results.AssignmentsFile))
	if err != nil {
		t.Fatal(err)
	}
	if head, _, _ := strings.Cut(string(b), "\n"); head != "id,group,p1,p2" {
		t.Errorf("assignments.csv header %q", head)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--data", "example:sim630", "--groups", "2", "--order", "y=2"}, "needs --outcomes"},
		{[]string{"--data", "example:sim630", "--groups", "2", "--exposure", "y=e"}, "needs --outcomes"},
		{[]string{"--data", "example:nl630-outcomes", "--outcomes", "thb,other", "--groups", "2", "--order", "violent=2"}, `no outcome "violent"`},
		{[]string{"--data", "example:nl630-outcomes", "--outcomes", "thb,thb", "--groups", "2"}, "named twice"},
		{[]string{"--data", "example:nl630-outcomes", "--outcomes", "thb,other", "--groups", "2", "--start", "prev"}, "--start: prev"},
		{[]string{"--data", "example:nl630-outcomes", "--outcomes", "thb,other", "--groups", "2", "--dist", "other=zap"}, `outcome other: unknown distribution "zap"`},
		{[]string{"--data", "example:nl630-outcomes", "--outcomes", "thb,violent", "--groups", "2"}, `"violent"`},
		// An exposure per outcome reaches that outcome's reader.
		{[]string{"--data", "example:nl630-outcomes", "--outcomes", "thb,other", "--groups", "2", "--exposure", "thb=days"}, `no column "days" (exposure)`},
	} {
		code, _, stderr := trajkit(t, append([]string{"fit"}, tc.args...)...)
		if code == 0 || !strings.Contains(stderr, tc.want) {
			t.Errorf("fit %v: exit %d, %q; want an error with %q", tc.args, code, stderr, tc.want)
		}
	}
}

// TestFitOneOutcome: --outcomes with one name is the plain fit of that
// column with the outcome's own flags, and writes the single-outcome
// model.json; a value naming several outcomes in one flag is refused
// with the way to write it.
func TestFitOneOutcome(t *testing.T) {
	one, plain := t.TempDir(), t.TempDir()
	for _, run := range [][]string{
		{"--outcomes", "thb", "--dist", "thb=poisson", "--order", "thb=2", "--out", one},
		{"--count", "thb", "--dist", "poisson", "--order", "2", "--out", plain},
	} {
		args := append([]string{"fit", "--data", "example:nl630-outcomes", "--groups", "2", "--no-se", "--starts", "4", "--quiet"}, run...)
		if code, _, stderr := trajkit(t, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
	}
	a, err := results.ReadFit(one)
	if err != nil {
		t.Fatal(err)
	}
	b, err := results.ReadFit(plain)
	if err != nil {
		t.Fatal(err)
	}
	if a.Distribution != "poisson" || len(a.Outcomes) != 0 || a.LogLik != b.LogLik || a.Settings.Data.Count != "thb" {
		t.Errorf("--outcomes thb: %s, %d outcomes, log-likelihood %v (count %q); --count thb: %v", a.Distribution, len(a.Outcomes), a.LogLik, a.Settings.Data.Count, b.LogLik)
	}
	code, _, stderr := trajkit(t, "fit", "--data", "example:nl630-outcomes", "--outcomes", "thb,other", "--dist", "thb=zip,other=poisson", "--groups", "2")
	if code != 2 || !strings.Contains(stderr, "repeat the flag for each outcome") {
		t.Errorf("--dist thb=zip,other=poisson: exit %d, %q", code, stderr)
	}
}

// TestReproduceOutcomes: reproduce --outcomes adds the joint profile of
// the other and the trafficking cases, its groups labelled by the shape of
// the other cases, with the reproduction's four groups.
func TestReproduceOutcomes(t *testing.T) {
	if testing.Short() {
		t.Skip("the whole reproduction")
	}
	dir := t.TempDir()
	code, stdout, stderr := trajkit(t, "reproduce", "--outcomes", "--out", dir, "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "Exploratory, with no published counterpart") {
		t.Errorf("the joint profile is not labelled exploratory:\n%s", stdout)
	}
	fit, err := results.ReadFit(filepath.Join(dir, "joint"))
	if err != nil {
		t.Fatal(err)
	}
	labels := map[string]bool{}
	for _, g := range fit.Groups {
		labels[g.Label] = true
	}
	if len(fit.Outcomes) != 2 || fit.Outcomes[0].Name != "other" || fit.Outcomes[1].Name != "thb" || len(fit.Groups) != 4 || len(labels) != 4 {
		t.Errorf("joint profile: %d outcomes, %d groups, labels %v", len(fit.Outcomes), len(fit.Groups), labels)
	}
	if _, err := os.Stat(filepath.Join(dir, "joint", "trajectories.png")); err != nil {
		t.Error(err)
	}
	// The report has the joint profile's section, labelled exploratory,
	// with its figure and a row per group (TestReproductionReportInBrowser
	// checks its layout).
	page, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	html := string(page)
	i := strings.Index(html, `<section id="joint">`)
	if i < 0 {
		t.Fatal("report.html has no joint profile section")
	}
	sec := html[i : i+strings.Index(html[i:], "</section>")]
	if !strings.Contains(sec, "Exploratory, with no published counterpart") || !strings.Contains(sec, `<figure id="fig-joint">`) || strings.Count(sec, `<span class="swatch"`) != 4 {
		t.Errorf("the joint profile's section lacks its label, figure or four groups")
	}
}

// TestScoreDistalJoint: score of a model whose distal outcome was
// estimated jointly scores the new careers from their careers alone, and
// says so.
func TestScoreDistalJoint(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := trajkit(t, "fit", "--data", "example:nl630", "--ages", "12-40", "--groups", "2", "--order", "2", "--no-se",
		"--persons", "example:nl630-persons", "--distal", "repeat_thb", "--distal-model", "logit", "--distal-method", "joint", "--out", dir, "--quiet")
	if code != 0 {
		t.Fatalf("fit: exit %d: %s", code, stderr)
	}
	code, _, stderr = trajkit(t, "score", "--model", dir, "--data", "example:nl630", "--out", filepath.Join(dir, "scored.csv"))
	if code != 0 || !strings.Contains(stderr, "scored from their careers alone") {
		t.Errorf("score: exit %d, %q; want a warning that the distal outcome is not used", code, stderr)
	}
}
