package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/trajectory/results"
)

// dropoutFiles writes careers of 400 persons at ages 12..25 of which the
// high-rate half drops out more often, and their person file with the
// follow-up end ("end", 25 or 22), a covariate "x" and odd columns for the
// errors ("text": not a number; "half": not a whole age).
func dropoutFiles(t *testing.T) (careers, persons string) {
	t.Helper()
	rng := rand.New(rand.NewPCG(16, 1))
	var c, p strings.Builder
	c.WriteString("id,age,y\n")
	p.WriteString("id,end,x,text,half\n")
	for i := 1; i <= 400; i++ {
		high := i%2 == 0
		end := 25
		if i%5 == 0 {
			end = 22
		}
		for age := 12; age <= end; age++ {
			h := 0.02
			mu := 0.2
			if high {
				h, mu = 0.15, 1.5
			}
			if age > 12 && rng.Float64() < h {
				break
			}
			y := 0
			for l, q := math.Exp(-mu), 1.0; ; y++ {
				if q *= rng.Float64(); q < l {
					break
				}
			}
			fmt.Fprintf(&c, "%d,%d,%d\n", i, age, y)
		}
		fmt.Fprintf(&p, "%d,%d,%d,a%d,%d.5\n", i, end, i%3, i, end)
	}
	return writeFile(t, "careers.csv", c.String()), writeFile(t, "persons.csv", p.String())
}

// TestFitDropout: fit --dropout writes the hazards by group in the
// summary, model.json (read back and validated), the dropout figure and
// the report.
func TestFitDropout(t *testing.T) {
	careers, persons := dropoutFiles(t)
	dir := t.TempDir()
	code, stdout, stderr := trajkit(t, "fit", "--data", careers, "--groups", "2", "--order", "1", "--starts", "2", "--keep", "1",
		"--persons", persons, "--dropout", "1,0", "--dropout-lag", "1", "--dropout-covariates", "x", "--followup-end", "end", "--out", dir, "--plot")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"Dropout model (Haviland, Jones & Nagin 2011): logit of the hazard in age, lag 1, covariates x", `follow-up ends at column "end"`, "lag1", "Hazard 2"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("the summary lacks %q:\n%s", want, stdout)
		}
	}
	f, err := results.ReadModel(dir)
	if err != nil {
		t.Fatal(err)
	}
	if a := f.Attrition; a == nil || a.Lag != 1 || a.FollowupEnd != "end" || a.Dropped == 0 || len(a.Covariates) != 1 {
		t.Fatalf("model.json's dropout: %+v", f.Attrition)
	}
	g := f.Groups[1].Dropout
	if g == nil || g.Order != 0 || len(g.Curve) != 14 || !(g.Curve[5].Hazard > f.Groups[0].Dropout.Curve[5].Hazard) {
		t.Errorf("group 2's dropout: %+v", g)
	}
	for _, name := range []string{"dropout.png", "dropout.svg"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("fit --plot: %v", err)
		}
	}
	html := filepath.Join(t.TempDir(), "report.html")
	if code, _, stderr := trajkit(t, "report", "--model", dir, "--out", html); code != 0 {
		t.Fatalf("report: exit %d: %s", code, stderr)
	}
	if b, err := os.ReadFile(html); err != nil || !strings.Contains(string(b), `id="fig-dropout"`) || !strings.Contains(string(b), `<section id="dropout">`) {
		t.Errorf("the report has no dropout figure or tables (%v)", err)
	}
	png := filepath.Join(t.TempDir(), "d.png")
	if code, _, stderr := trajkit(t, "plot", "--model", dir, "--kind", "dropout", "--out", png); code != 0 {
		t.Errorf("plot --kind dropout: exit %d: %s", code, stderr)
	}
}

// TestFitDropoutErrors: the dropout flags' usage errors (exit 2) and
// their data errors (exit 1), each with its message.
func TestFitDropoutErrors(t *testing.T) {
	careers, persons := dropoutFiles(t)
	base := []string{"fit", "--data", careers, "--groups", "2", "--order", "1", "--starts", "2", "--keep", "1", "--no-se"}
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no follow-up end", []string{"--dropout", "1"}, 2, "--dropout needs --followup-end COLUMN"},
		{"follow-up end alone", []string{"--followup-end", "window"}, 2, "--followup-end needs --dropout ORDER"},
		{"lag alone", []string{"--dropout-lag", "1"}, 2, "--dropout-lag needs --dropout ORDER"},
		{"order 3", []string{"--dropout", "3", "--followup-end", "window"}, 2, "an order is 3, expected 0, 1 or 2"},
		{"three orders", []string{"--dropout", "1,1,1", "--followup-end", "window"}, 2, "3 orders for 2 groups"},
		{"lag 3", []string{"--dropout", "1", "--dropout-lag", "3", "--followup-end", "window"}, 2, "--dropout-lag 3: expected 0, 1 or 2"},
		{"column without persons", []string{"--dropout", "1", "--followup-end", "end"}, 2, "--followup-end end needs --persons"},
		{"covariates without persons", []string{"--dropout", "1", "--followup-end", "window", "--dropout-covariates", "x"}, 2, "--dropout-covariates needs --persons"},
		{"bootstrap", []string{"--dropout", "1", "--followup-end", "window", "--bootstrap", "5"}, 2, "--dropout has no --bootstrap yet"},
		{"text follow-up end", []string{"--persons", persons, "--dropout", "1", "--followup-end", "text"}, 1, `follow-up end of person "1" is "a1": expected a number`},
		{"follow-up end not an age", []string{"--persons", persons, "--dropout", "1", "--followup-end", "half"}, 1, "is 25.5: expected an age (a whole number of years)"},
		{"no such column", []string{"--persons", persons, "--dropout", "1", "--followup-end", "nope"}, 1, `no follow-up end column "nope"`},
		{"text covariate", []string{"--persons", persons, "--dropout", "1", "--followup-end", "end", "--dropout-covariates", "text"}, 1, `dropout covariate of person "1" is "a1"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := trajkit(t, append(base, tc.args...)...)
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, want %d; stderr %q lacks %q", code, tc.code, stderr, tc.want)
			}
		})
	}
}

// TestDropoutModelElsewhere: score refuses a dropout model, simulate
// --model warns that it draws no dropout.
func TestDropoutModelElsewhere(t *testing.T) {
	careers, _ := dropoutFiles(t)
	dir := t.TempDir()
	if code, _, stderr := trajkit(t, "fit", "--data", careers, "--groups", "2", "--order", "1", "--starts", "2", "--keep", "1", "--no-se",
		"--dropout", "0", "--followup-end", "window", "--out", dir); code != 0 {
		t.Fatalf("fit: exit %d: %s", code, stderr)
	}
	code, _, stderr := trajkit(t, "score", "--model", dir, "--data", careers, "--out", filepath.Join(t.TempDir(), "s.csv"))
	if code != 1 || !strings.Contains(stderr, "has a dropout model: scoring careers with their dropout is not built yet") {
		t.Errorf("score: exit %d: %s", code, stderr)
	}
	code, _, stderr = trajkit(t, "simulate", "--model", dir, "--persons", "50", "--out", filepath.Join(t.TempDir(), "sim"))
	if code != 0 || !strings.Contains(stderr, "without its dropout") {
		t.Errorf("simulate: exit %d: %s", code, stderr)
	}
}
