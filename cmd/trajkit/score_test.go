package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// scoreFits are the models the score tests read, each fitted once per
// test binary: name -> the arguments of trajkit fit (without --out).
var scoreFits = map[string][]string{
	"poisson": {"--data", "example:sim630", "--groups", "3"},
	// Exposures below 0.01 floored (the toronto data have 1e-16): score
	// must floor them as the fit did to give its posteriors.
	"zip-exposure": {"--data", "example:toronto1-exposure", "--groups", "2", "--dist", "zip", "--min-exposure", "0.01"},
	"risk": {"--data", "example:sim630", "--groups", "3", "--persons", filepath.Join(srcDir, "testdata", "persons630.csv"),
		"--risk", "female,region", "--reference", "2"},
	"tcov": {"--data", "example:employment", "--groups", "2", "--order", "2", "--tcov", "employed"},
	// A multi-trajectory model: the persons' posteriors are those of the
	// joint likelihood of both outcomes.
	"multi": {"--data", "example:nl630-outcomes", "--outcomes", "thb,other", "--groups", "2", "--ages", "12-40",
		"--dist", "thb=poisson", "--dist", "other=zip", "--order", "1"},
}

var scoreFitDirs sync.Map // name -> *scoreFit

type scoreFit struct {
	once      sync.Once
	dir, fail string
}

// scoreModel returns the directory of the fit name of scoreFits.
func scoreModel(t *testing.T, name string) string {
	t.Helper()
	v, _ := scoreFitDirs.LoadOrStore(name, &scoreFit{})
	sf := v.(*scoreFit)
	sf.once.Do(func() {
		dir, err := os.MkdirTemp("", "trajkit-score-")
		if err != nil {
			sf.fail = err.Error()
			return
		}
		sf.dir = filepath.Join(dir, name)
		args := append([]string{"fit", "--starts", "6", "--keep", "2", "--no-se", "--out", sf.dir}, scoreFits[name]...)
		if code, _, stderr := trajkit(t, args...); code != 0 {
			sf.fail = fmt.Sprintf("fit %v: exit %d: %s", args, code, stderr)
		}
	})
	if sf.fail != "" {
		t.Fatal(sf.fail)
	}
	return sf.dir
}

// cleanScoreFits removes the score tests' fits (TestMain, after the
// tests).
func cleanScoreFits() {
	scoreFitDirs.Range(func(_, v any) bool {
		if d := v.(*scoreFit).dir; d != "" {
			os.RemoveAll(filepath.Dir(d))
		}
		return true
	})
}

// TestScoreReproducesFit: scoring the careers a model was fitted to, read
// as model.json says, gives back its assignments.csv: posteriors within
// 1e-9 (the parameters read back from model.json are the fit's, the share
// logits and log-odds re-expressed) and the same groups, for a Poisson
// model, a ZIP model with floored exposures, one with risk factors and one
// with a time-varying covariate.
func TestScoreReproducesFit(t *testing.T) {
	for _, tc := range []struct {
		name  string
		extra []string
	}{
		{"poisson", nil},
		{"zip-exposure", nil},
		{"risk", []string{"--persons", filepath.Join(srcDir, "testdata", "persons630.csv")}},
		{"tcov", nil},
		{"multi", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := scoreModel(t, tc.name)
			out := filepath.Join(t.TempDir(), "scores.csv")
			data := scoreFits[tc.name][1]
			args := append([]string{"score", "--model", dir, "--data", data, "--out", out}, tc.extra...)
			code, stdout, stderr := trajkit(t, args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			want := readCSV(t, filepath.Join(dir, "assignments.csv"))
			got := readCSV(t, out)
			if len(got) != len(want) || strings.Join(got[0], ",") != strings.Join(want[0], ",") {
				t.Fatalf("%d rows with header %v; assignments.csv has %d with %v", len(got), got[0], len(want), want[0])
			}
			if !strings.Contains(stdout, fmt.Sprintf("Scored %d persons of %s", len(want)-1, data)) || !strings.Contains(stdout, "Wrote "+out) {
				t.Errorf("stdout:\n%s", stdout)
			}
			for r := 1; r < len(want); r++ {
				if got[r][0] != want[r][0] || got[r][1] != want[r][1] {
					t.Fatalf("row %d: person %s group %s; assignments.csv: person %s group %s", r, got[r][0], got[r][1], want[r][0], want[r][1])
				}
				for j := 2; j < len(want[r]); j++ {
					g, _ := strconv.ParseFloat(got[r][j], 64)
					w, _ := strconv.ParseFloat(want[r][j], 64)
					if !(math.Abs(g-w) <= 1e-9) {
						t.Fatalf("person %s, %s: %s; assignments.csv %s", got[r][0], want[0][j], got[r][j], want[r][j])
					}
				}
			}
		})
	}
}

// TestScoreNewPersons: new careers with cells outside the model's window
// (left out, counted) and a person with none in it, who gets the prior
// probabilities and an empty group: the shares without risk factors, the
// membership model's probabilities at her risk factors with them.
func TestScoreNewPersons(t *testing.T) {
	tmp := t.TempDir()
	careers := filepath.Join(tmp, "new.csv")
	// The models' window is 12-40: "mixed" has 2 cells outside it, "out"
	// 3 and none inside.
	if err := os.WriteFile(careers, []byte("id,age,y\nin,15,1\nin,16,3\nin,17,0\nmixed,10,2\nmixed,20,0\nmixed,41,1\nout,8,1\nout,9,0\nout,45,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	persons := filepath.Join(tmp, "persons.csv")
	if err := os.WriteFile(persons, []byte("id,female,region\nin,1,south\nmixed,0,north\nout,1,west\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		extra []string
	}{
		{"poisson", nil},
		{"risk", []string{"--persons", persons}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := scoreModel(t, tc.name)
			out := filepath.Join(tmp, tc.name+".csv")
			code, stdout, stderr := trajkit(t, append([]string{"score", "--model", dir, "--data", careers, "--out", out}, tc.extra...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			for _, want := range []string{
				`trajkit: warning: 1 person has no observed cell at ages 12-40, the model's window: they get the prior probabilities and no group (first: "out")`,
				"trajkit: warning: 5 observed cells outside the model's window 12-40 left out (the data cover ages 8-45)",
			} {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
			if !strings.Contains(stdout, "Persons with no observed cell at ages 12-40: 1") {
				t.Errorf("stdout:\n%s", stdout)
			}
			rows := readCSV(t, out)
			if len(rows) != 4 || rows[1][0] != "in" || rows[1][1] == "" || rows[2][1] == "" || rows[3][0] != "out" || rows[3][1] != "" {
				t.Fatalf("rows %v: want in and mixed with a group, out without", rows)
			}
			// The prior of "out" (female, west), from model.json.
			var m struct {
				Groups []struct {
					Share          float64            `json:"share"`
					MembershipCoef map[string]float64 `json:"membership_coef"`
				} `json:"groups"`
			}
			readJSON(t, filepath.Join(dir, "model.json"), &m)
			prior := make([]float64, len(m.Groups))
			var sum float64
			for k, g := range m.Groups {
				prior[k] = g.Share
				if tc.extra != nil {
					c := g.MembershipCoef
					prior[k] = math.Exp(c["(intercept)"] + c["female"] + c["region=west"])
				}
				sum += prior[k]
			}
			for k := range prior {
				got, _ := strconv.ParseFloat(rows[3][k+2], 64)
				if math.Abs(got-prior[k]/sum) > 1e-12 {
					t.Errorf("out, group %d: %v, prior %v", k+1, got, prior[k]/sum)
				}
			}
		})
	}
}

// TestScoreErrors: usage errors exit 2 and name the flag; errors in the
// data exit 1 and name the file, line and column.
func TestScoreErrors(t *testing.T) {
	tmp := t.TempDir()
	persons := filepath.Join(tmp, "persons.csv")
	if err := os.WriteFile(persons, []byte("id,female,region\n1,1,south\n2,0,atlantis\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	noRow := filepath.Join(tmp, "few.csv")
	if err := os.WriteFile(noRow, []byte("id,female,region\n1,1,south\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	plain, risk, tcov := scoreModel(t, "poisson"), scoreModel(t, "risk"), scoreModel(t, "tcov")
	out := filepath.Join(tmp, "s.csv")
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no model", []string{"--data", "example:sim630", "--out", out}, 2, "--model is required"},
		{"no data", []string{"--model", plain, "--out", out}, 2, "--data is required"},
		{"no out", []string{"--model", plain, "--data", "example:sim630"}, 2, "--out is required"},
		{"out a directory", []string{"--model", plain, "--data", "example:sim630", "--out", tmp}, 2, "--out " + tmp + " is a directory: expected a file name"},
		{"no persons for risk factors", []string{"--model", risk, "--data", "example:sim630", "--out", out}, 2, "has the risk factors female,region: --persons is required"},
		{"persons without risk factors", []string{"--model", plain, "--data", "example:sim630", "--persons", persons, "--out", out}, 2, "has no risk factors"},
		{"another number of tcov", []string{"--model", tcov, "--data", "example:employment", "--tcov", "employed,y", "--out", out}, 2, "has 1 time-varying covariate (employed)"},
		{"tcov for a model without", []string{"--model", plain, "--data", "example:employment", "--tcov", "employed", "--out", out}, 2, "has no time-varying covariates"},
		{"no such model", []string{"--model", filepath.Join(tmp, "none"), "--data", "example:sim630", "--out", out}, 1, "no such directory"},
		{"not careers", []string{"--model", plain, "--data", "example:sim630-groups", "--out", out}, 2, "holds no careers"},
		{"the model's layout", []string{"--model", plain, "--data", "example:sim630-wide", "--out", out}, 1,
			"(read as " + filepath.Join(plain, "model.json") + " says the fitted careers were: --format long --id id --age age --count y; the reading flags override that)"},
		{"an unknown level", []string{"--model", risk, "--data", "example:sim630", "--persons", persons, "--out", out}, 1,
			persons + `:3:3: column "region": person "2" has the level "atlantis", which the model does not know: it was fitted with "north", "south", "west"`},
		{"a person without a row", []string{"--model", risk, "--data", "example:sim630", "--persons", noRow, "--out", out}, 1,
			noRow + `: person "2" of the careers has no row: every person scored needs the model's risk factors`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := trajkit(t, append([]string{"score"}, tc.args...)...)
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit %d and %q", code, stderr, tc.code, tc.want)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("%s written", out)
			}
		})
	}
}
