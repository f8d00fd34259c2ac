package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// trajkit runs the command with args and returns its exit code and output.
func trajkit(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// examples returns the command lines in a usage text's examples that read
// embedded data or the output of an earlier example (--model DIR), without
// the leading "trajkit".
func examples(usage string) [][]string {
	var out [][]string
	for _, line := range strings.Split(usage, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "trajkit ") || !strings.Contains(line, "example:") && !strings.Contains(line, "--model ") && !strings.HasPrefix(line, "trajkit datasets") {
			continue
		}
		out = append(out, splitArgs(line)[1:])
	}
	return out
}

// splitArgs splits a command line into words, keeping double-quoted words
// whole.
func splitArgs(line string) []string {
	var out []string
	for len(line) > 0 {
		line = strings.TrimLeft(line, " ")
		if line == "" {
			break
		}
		if line[0] == '"' {
			end := strings.IndexByte(line[1:], '"')
			if end < 0 {
				end = len(line) - 1
			}
			out = append(out, line[1:end+1])
			line = line[min(end+2, len(line)):]
			continue
		}
		word, rest, _ := strings.Cut(line, " ")
		out = append(out, word)
		line = rest
	}
	return out
}

// inputFlags name files or directories an example reads.
var inputFlags = map[string]bool{"--data": true, "--model": true, "--select": true, "--persons": true}

// TestUsageExamples runs every example of the command doc and the usage
// texts that works on embedded data, or on the output of an earlier
// example: the documentation runs. Examples that read a file no example
// wrote are skipped.
func TestUsageExamples(t *testing.T) {
	t.Chdir(t.TempDir())
	var all [][]string
	for _, u := range []string{mainDoc(t), fitUsage, datasetsUsage, plotUsage, reportUsage} {
		all = append(all, examples(u)...)
	}
	if len(all) < 10 {
		t.Fatalf("found only %d runnable examples", len(all))
	}
	for _, args := range all {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			for j, a := range args {
				if inputFlags[a] && j+1 < len(args) && !strings.HasPrefix(args[j+1], "example:") {
					if _, err := os.Stat(args[j+1]); err != nil {
						t.Skipf("no example writes %s", args[j+1])
					}
				}
			}
			if code, _, stderr := trajkit(t, args...); code != 0 {
				t.Errorf("exit %d: %s", code, stderr)
			}
		})
	}
}

// mainDoc returns the package documentation of main.go.
func mainDoc(t *testing.T) string {
	b, err := os.ReadFile(filepath.Join(sourceDir(t), "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	doc, _, _ := strings.Cut(string(b), "package main")
	return strings.ReplaceAll(doc, "//", "")
}

var srcDir, _ = os.Getwd()

func sourceDir(*testing.T) string { return srcDir }

func TestFitWritesOutputs(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "out")
	code, stdout, stderr := trajkit(t, "fit", "--data", "example:sim630", "--groups", "4", "--out", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "Wrote") {
		t.Errorf("stdout does not say what was written:\n%s", stdout)
	}
	b, err := os.ReadFile(filepath.Join(dir, "model.json"))
	if err != nil {
		t.Fatal(err)
	}
	// The field names are a public interface: read them as a plain map.
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"distribution", "loglik", "n_params", "n_persons", "n_obs", "bic_persons", "bic_obs",
		"aic", "entropy", "status", "warnings", "iterations", "starts", "age_scaling", "settings", "groups"} {
		if _, ok := m[key]; !ok {
			t.Errorf("model.json has no %q", key)
		}
	}
	if m["distribution"] != "poisson" || m["n_persons"] != 630.0 || m["n_obs"] != 18270.0 || m["n_params"] != 19.0 || m["status"] != "converged" {
		t.Errorf("model.json: distribution %v persons %v obs %v params %v status %v", m["distribution"], m["n_persons"], m["n_obs"], m["n_params"], m["status"])
	}
	ll := m["loglik"].(float64)
	// BIC by its definition, −2ℓ + p ln N.
	if want := -2*ll + 19*math.Log(630); math.Abs(m["bic_persons"].(float64)-want) > 1e-9 {
		t.Errorf("bic_persons %v, want %v", m["bic_persons"], want)
	}
	if want := -2*ll + 19*math.Log(18270); math.Abs(m["bic_obs"].(float64)-want) > 1e-9 {
		t.Errorf("bic_obs %v, want %v", m["bic_obs"], want)
	}
	starts := m["starts"].(map[string]any)
	for _, key := range []string{"total", "reached_best", "optima"} {
		if _, ok := starts[key]; !ok {
			t.Errorf("starts has no %q", key)
		}
	}
	settings := m["settings"].(map[string]any)
	for _, key := range []string{"orders", "inflation_orders", "seed", "starts", "age_window", "data"} {
		if _, ok := settings[key]; !ok {
			t.Errorf("settings has no %q", key)
		}
	}
	groups := m["groups"].([]any)
	if len(groups) != 4 {
		t.Fatalf("%d groups", len(groups))
	}
	prevMean := -1.0
	for j, g := range groups {
		gm := g.(map[string]any)
		for _, key := range []string{"share", "assigned_share", "app", "occ", "n_assigned", "order", "inflation_order", "beta", "inflation", "curve"} {
			if _, ok := gm[key]; !ok {
				t.Errorf("group %d has no %q", j+1, key)
			}
		}
		curve := gm["curve"].([]any)
		if len(curve) != 29 {
			t.Errorf("group %d: curve of %d ages, want 29 (12-40)", j+1, len(curve))
		}
		var mean float64
		for _, p := range curve {
			pm := p.(map[string]any)
			for _, key := range []string{"age", "rate", "zero_prob", "mean"} {
				if _, ok := pm[key]; !ok {
					t.Fatalf("curve point has no %q", key)
				}
			}
			mean += pm["mean"].(float64)
		}
		if mean < prevMean {
			t.Errorf("group %d has a lower mean count than group %d", j+1, j)
		}
		prevMean = mean
		if len(gm["beta"].([]any)) != 4 || len(gm["inflation"].([]any)) != 0 {
			t.Errorf("group %d: beta %v inflation %v", j+1, gm["beta"], gm["inflation"])
		}
	}

	f, err := os.Open(filepath.Join(dir, "assignments.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != "id,group,p1,p2,p3,p4" || len(rows) != 631 {
		t.Fatalf("assignments.csv: header %v, %d rows", rows[0], len(rows))
	}
	if rows[1][0] != "1" || rows[630][0] != "630" {
		t.Errorf("persons not in input order: first %s last %s", rows[1][0], rows[630][0])
	}
	for _, r := range rows[1:] {
		var s, best float64
		bestG := 0
		for j, v := range r[2:] {
			p, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatal(err)
			}
			s += p
			if p > best {
				best, bestG = p, j+1
			}
		}
		if math.Abs(s-1) > 1e-12 || r[1] != strconv.Itoa(bestG) {
			t.Fatalf("row %v: posteriors sum to %v, group %s, maximum at %d", r, s, r[1], bestG)
		}
	}
}

func TestExitCodes(t *testing.T) {
	file := filepath.Join(t.TempDir(), "afile")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(t.TempDir(), "bad.csv")
	if err := os.WriteFile(bad, []byte("id,age,y\n1,12,-3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	outDir := filepath.Join(t.TempDir(), "never")
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no command", nil, 2, "Usage"},
		{"unknown command", []string{"frobnicate"}, 2, "unknown command"},
		{"unknown flag", []string{"fit", "--frob"}, 2, "flag provided but not defined"},
		{"no data", []string{"fit", "--groups", "2"}, 2, "--data is required"},
		{"no groups", []string{"fit", "--data", "example:sim630"}, 2, "--groups"},
		{"zero groups", []string{"fit", "--data", "example:sim630", "--groups", "0"}, 2, "--groups"},
		{"order out of range", []string{"fit", "--data", "example:sim630", "--groups", "2", "--order", "6"}, 2, "order 6 is outside 0..5"},
		{"order list of wrong length", []string{"fit", "--data", "example:sim630", "--groups", "3", "--order", "1,2"}, 2, "2 orders given for 3 groups"},
		{"inflation with poisson", []string{"fit", "--data", "example:sim630", "--groups", "2", "--inflation", "0"}, 2, "needs --dist zip"},
		{"unknown distribution", []string{"fit", "--data", "example:sim630", "--groups", "2", "--dist", "negbin"}, 2, "unknown distribution"},
		{"non-numeric seed", []string{"fit", "--data", "example:sim630", "--groups", "2", "--seed", "abc"}, 2, "seed"},
		{"bad window", []string{"fit", "--data", "example:sim630", "--groups", "2", "--ages", "40-12"}, 2, "--ages"},
		{"unknown example", []string{"fit", "--data", "example:nope", "--groups", "2"}, 2, "no embedded data set"},
		{"out is a file", []string{"fit", "--data", "example:sim630", "--groups", "2", "--out", file}, 2, "existing file"},
		{"more groups than persons", []string{"fit", "--data", "example:sim630", "--groups", "631"}, 2, "more than the 630 persons"},
		{"missing file", []string{"fit", "--data", filepath.Join(t.TempDir(), "none.csv"), "--groups", "2", "--out", outDir}, 1, "no such file"},
		{"bad data", []string{"fit", "--data", bad, "--groups", "2", "--out", outDir}, 1, `bad.csv:2:3: column "y": count "-3" is negative`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := trajkit(t, tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.msg) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr, tc.code, tc.msg)
			}
			if strings.Count(stderr, tc.msg) > 1 {
				t.Errorf("the error is printed more than once:\n%s", stderr)
			}
		})
	}
	if _, err := os.Stat(outDir); !os.IsNotExist(err) {
		t.Errorf("a failed fit created --out: %v", err)
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"fit", "-h"}, {"datasets", "--help"}} {
		code, stdout, _ := trajkit(t, args...)
		if code != 0 || !strings.Contains(stdout, "Usage") {
			t.Errorf("%v: exit %d, stdout %q", args, code, stdout)
		}
	}
	_, stdout, _ := trajkit(t, "fit", "-h")
	for _, f := range []string{"--data", "--groups", "--order", "--dist", "--inflation", "--starts", "--seed", "--out", "--ages", "--exposure", "--format"} {
		if !strings.Contains(stdout, "-"+strings.TrimLeft(f, "-")) {
			t.Errorf("fit -h does not describe %s", f)
		}
	}
}

// TestGolden compares whole outputs with golden files in testdata/
// (go test -update rewrites them).
func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"datasets", []string{"datasets"}},
		{"fit-sim630-k2", []string{"fit", "--data", "example:sim630", "--groups", "2", "--order", "2"}},
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
