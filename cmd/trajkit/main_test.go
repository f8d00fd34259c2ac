package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/trajkit/trajkit/trajectory"
	"github.com/trajkit/trajkit/trajectory/results"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// trajkit runs the command with args and returns its exit code and output.
func trajkit(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

// examples returns the command lines of a usage text's Examples block,
// without the leading "trajkit".
func examples(usage string) [][]string {
	var out [][]string
	in := false
	for _, line := range strings.Split(usage, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "Examples:":
			in = true
		case line == "":
			if in && len(out) > 0 {
				in = false
			}
		case in && strings.HasPrefix(line, "trajkit "):
			out = append(out, splitArgs(line)[1:])
		}
	}
	return out
}

// readmeExamples returns the command lines of the README's Use section
// (its sh blocks' lines that start with "trajkit", without the comments
// after #), without the leading "trajkit": the README's tour, which must
// run as written.
func readmeExamples(t *testing.T) [][]string {
	b, err := os.ReadFile(filepath.Join(sourceDir(t), "..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, use, ok := strings.Cut(string(b), "\n## Use\n")
	if !ok {
		t.Fatal("README.md has no Use section")
	}
	use, _, _ = strings.Cut(use, "\n## ")
	var out [][]string
	in := false
	for _, line := range strings.Split(use, "\n") {
		switch {
		case strings.HasPrefix(line, "```sh"):
			in = true
		case strings.HasPrefix(line, "```"):
			in = false
		case in && strings.HasPrefix(line, "trajkit "):
			out = append(out, splitArgs(stripComment(line))[1:])
		}
	}
	if len(out) == 0 {
		t.Fatal("README.md's Use section has no trajkit command")
	}
	return out
}

// stripComment removes a shell comment (# outside double quotes) from a
// command line.
func stripComment(line string) string {
	quoted := false
	for i, r := range line {
		switch {
		case r == '"':
			quoted = !quoted
		case r == '#' && !quoted:
			return strings.TrimSpace(line[:i])
		}
	}
	return line
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
var inputFlags = map[string]bool{"--data": true, "--model": true, "--select": true, "--persons": true, "--start": true}

// example is a usage example: its command line and where it writes.
type example struct {
	key    string // the command line, without "trajkit"
	args   []string
	source int // which text it comes from (the index in usageExamples)
	// needs are the files and directories it reads that an earlier
	// example writes (not embedded data sets).
	needs []string
	// out is the file or directory it writes (--out), "out" for
	// reproduce's default.
	out string
}

// usageExamples returns every example of the command doc, the usage
// texts and the README's Use section, each once, in order.
func usageExamples(t *testing.T) []*example {
	var out []*example
	seen := map[string]bool{}
	var texts [][][]string
	for _, u := range []string{mainDoc(t), fitUsage, simulateUsage, datasetsUsage, selectUsage, profileUsage, labelUsage, reproduceUsage, plotUsage, reportUsage, scoreUsage} {
		texts = append(texts, examples(u))
	}
	texts = append(texts, readmeExamples(t))
	for source, lines := range texts {
		for _, args := range lines {
			key := strings.Join(args, " ")
			if seen[key] {
				continue
			}
			seen[key] = true
			ex := &example{key: key, args: args, source: source}
			for j, a := range args {
				if j+1 == len(args) {
					break
				}
				// --persons is a file for fit and select, a number for
				// simulate and bench.
				_, numeric := strconv.Atoi(args[j+1])
				if inputFlags[a] && !strings.HasPrefix(args[j+1], "example:") && numeric != nil {
					ex.needs = append(ex.needs, args[j+1])
				}
				if a == "--out" {
					ex.out = args[j+1]
				}
			}
			if ex.out == "" && args[0] == "reproduce" {
				ex.out = "out"
			}
			out = append(out, ex)
		}
	}
	return out
}

// exampleRun is an example run once in a directory of its own, for every
// test that reads what it writes.
type exampleRun struct {
	once                sync.Once
	dir                 string
	code                int
	stdout, stderr, err string
}

var exampleRuns sync.Map // key -> *exampleRun

// runExample runs ex once per test binary, as a child process in a new
// directory of its own, after copying into it what ex needs from the
// examples that write it (the whole of what each writes), and returns
// that directory. ok is false when an input comes from no example (ex is
// documentation of files the user has).
func runExample(t *testing.T, ex *example, all []*example) (run *exampleRun, ok bool) {
	t.Helper()
	producers := map[string]*example{} // by what they write
	for _, need := range ex.needs {
		p := producer(all, ex, need)
		if p == nil {
			return nil, false
		}
		producers[p.out] = p
	}
	v, _ := exampleRuns.LoadOrStore(ex.key, &exampleRun{})
	run = v.(*exampleRun)
	run.once.Do(func() {
		dir, err := os.MkdirTemp("", "trajkit-example-")
		if err != nil {
			run.err = err.Error()
			return
		}
		run.dir = dir
		for need, p := range producers {
			pr, ok := runExample(t, p, all)
			if !ok || pr.err != "" || pr.code != 0 {
				run.err = fmt.Sprintf("the example that writes %s (%s) failed", need, p.key)
				return
			}
			// What the producer writes, whole: need may be a file in it.
			if err := os.CopyFS(filepath.Join(dir, p.out), os.DirFS(filepath.Join(pr.dir, p.out))); err != nil {
				// A file rather than a directory.
				b, err := os.ReadFile(filepath.Join(pr.dir, p.out))
				if err == nil {
					err = os.MkdirAll(filepath.Dir(filepath.Join(dir, need)), 0o755)
				}
				if err == nil {
					err = os.WriteFile(filepath.Join(dir, need), b, 0o644)
				}
				if err != nil {
					run.err = err.Error()
					return
				}
			}
		}
		cmd := exec.Command(os.Args[0], ex.args...)
		cmd.Dir = dir
		// One CPU each: the examples run two at a time beside other
		// packages' tests, and the result never depends on threads.
		cmd.Env = append(os.Environ(), "TRAJKIT_TEST_MAIN=1", "GOMAXPROCS=1")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err = cmd.Run()
		run.stdout, run.stderr = stdout.String(), stderr.String()
		var exit *exec.ExitError
		switch {
		case errors.As(err, &exit):
			run.code = exit.ExitCode()
		case err != nil:
			run.err = err.Error()
		}
	})
	return run, true
}

// runnable reports whether ex runs on embedded data alone or on what
// earlier runnable examples write, and is not a long study.
func runnable(all []*example, ex *example) bool {
	if slices.Contains(ex.args, "--seeds") {
		return false // a hundred reproductions
	}
	for _, need := range ex.needs {
		if p := producer(all, ex, need); p == nil || !runnable(all, p) {
			return false
		}
	}
	return true
}

// producer returns the first example before ex that writes path (a file
// or a directory, or a directory that holds it), of ex's own text if one
// does, of any text otherwise.
func producer(all []*example, ex *example, path string) *example {
	var first *example
	for _, p := range all {
		if p == ex {
			break
		}
		if p.out != "" && (p.out == path || strings.HasPrefix(path, p.out+"/")) {
			if p.source == ex.source {
				return p
			}
			if first == nil {
				first = p
			}
		}
	}
	return first
}

// cleanExamples removes the examples' directories (TestMain, after the
// tests).
func cleanExamples() {
	exampleRuns.Range(func(_, v any) bool {
		if r := v.(*exampleRun); r.dir != "" {
			os.RemoveAll(r.dir)
		}
		return true
	})
}

// TestUsageExamples runs every example of the command doc and the usage
// texts that works on embedded data or on the output of an earlier
// example: the documentation runs. Each runs in a directory of its own,
// with copies of what it reads, so that each stands alone.
func TestUsageExamples(t *testing.T) {
	all := usageExamples(t)
	n := 0
	for _, ex := range all {
		if !runnable(all, ex) {
			continue
		}
		n++
		t.Run(ex.key, func(t *testing.T) {
			t.Parallel()
			run, _ := runExample(t, ex, all)
			if run.err != "" || run.code != 0 {
				t.Errorf("exit %d %s: %s", run.code, run.err, run.stderr)
			}
		})
	}
	if n < 10 {
		t.Errorf("only %d runnable examples", n)
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
	// The field names are a public interface: read them as a plain map.
	var m map[string]any
	readJSON(t, filepath.Join(dir, "model.json"), &m)
	for _, key := range []string{"distribution", "loglik", "n_params", "n_persons", "n_obs", "bic_persons", "bic_obs",
		"aic", "entropy", "status", "warnings", "iterations", "starts", "age_scaling", "settings", "groups"} {
		if _, ok := m[key]; !ok {
			t.Errorf("model.json has no %q", key)
		}
	}
	if m["distribution"] != "poisson" || m["n_persons"] != 630.0 || m["n_obs"] != 18270.0 || m["n_params"] != 19.0 || m["status"] != "converged" {
		t.Errorf("model.json: distribution %v persons %v obs %v params %v status %v", m["distribution"], m["n_persons"], m["n_obs"], m["n_params"], m["status"])
	}
	if w, ok := m["warnings"].([]any); !ok || len(w) != 0 {
		t.Errorf("model.json: warnings %v, want an empty list", m["warnings"])
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
			keys := []string{"age", "rate", "mean"}
			if gm["inflation_order"].(float64) >= 0 {
				keys = append(keys, "zero_prob")
			} else if _, ok := pm["zero_prob"]; ok {
				t.Fatalf("curve point of a group without inflation has a zero_prob")
			}
			for _, key := range keys {
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
		{"order list with an empty entry", []string{"fit", "--data", "example:sim630", "--groups", "3", "--order", "2;;3"}, 2, `--order "2;;3": expected a whole number or one per group separated by , or ;`},
		{"inflation list of words", []string{"fit", "--data", "example:sim630", "--groups", "2", "--dist", "zip", "--inflation", "0;x"}, 2, `--inflation "0;x"`},
		{"order list of wrong length", []string{"fit", "--data", "example:sim630", "--groups", "3", "--order", "1,2"}, 2, "2 orders given for 3 groups"},
		{"inflation with poisson", []string{"fit", "--data", "example:sim630", "--groups", "2", "--inflation", "0"}, 2, "needs a zero-inflated distribution"},
		{"unknown distribution", []string{"fit", "--data", "example:sim630", "--groups", "2", "--dist", "negbin"}, 2, "unknown distribution"},
		{"non-numeric seed", []string{"fit", "--data", "example:sim630", "--groups", "2", "--seed", "abc"}, 2, "seed"},
		{"bad window", []string{"fit", "--data", "example:sim630", "--groups", "2", "--ages", "40-12"}, 2, "--ages"},
		{"unknown example", []string{"fit", "--data", "example:nope", "--groups", "2"}, 2, "no embedded data set"},
		{"out is a file", []string{"fit", "--data", "example:sim630", "--groups", "2", "--out", file}, 2, "existing file"},
		{"more groups than persons", []string{"fit", "--data", "example:sim630", "--groups", "631"}, 2, "more than the 630 persons"},
		{"select: bad group range", []string{"select", "--data", "example:sim630", "--groups", "3-1"}, 2, "--groups"},
		{"select: order list", []string{"select", "--data", "example:sim630", "--order", "2,3"}, 2, "one order for every group"},
		{"select: order and orders", []string{"select", "--data", "example:sim630", "--order", "2", "--orders", "0-3"}, 2, "not both"},
		{"risk without persons", []string{"fit", "--data", "example:sim630", "--groups", "2", "--risk", "x"}, 2, "--risk needs --persons"},
		{"reference out of range", []string{"fit", "--data", "example:sim630", "--groups", "2", "--reference", "3"}, 2, "--reference 3"},
		{"profile without model", []string{"profile", "--persons", "x.csv"}, 2, "--model and --persons are required"},
		{"simulate: unknown preset", []string{"simulate", "--preset", "nope", "--out", outDir}, 2, "nope"},
		{"simulate: model file missing", []string{"simulate", "--model", filepath.Join(t.TempDir(), "none"), "--out", outDir}, 1, "no such file"},
		{"plot: no model", []string{"plot", "--out", "x.png"}, 2, "--model"},
		{"plot: model missing", []string{"plot", "--model", filepath.Join(t.TempDir(), "none"), "--out", filepath.Join(t.TempDir(), "x.png")}, 1, "no such directory"},
		{"plot: unknown format", []string{"plot", "--model", "m", "--out", "x.gif"}, 2, "gif"},
		{"report: no out", []string{"report", "--model", "m"}, 2, "--out is required"},
		{"profile: model missing", []string{"profile", "--model", filepath.Join(t.TempDir(), "none"), "--persons", "p.csv"}, 1, "no such directory"},
		{"reproduce: bad data", []string{"reproduce", "--data", bad, "--no-persons", "--out", outDir}, 1, `bad.csv:2:3: column "y": count "-3" is negative`},
		// The embedded person file belongs to the synthetic cohort: joined
		// by id to other careers it would describe other persons.
		{"reproduce: data without persons", []string{"reproduce", "--data", bad, "--out", outDir}, 2, "needs --persons FILE"},
		{"reproduce: embedded data without persons", []string{"reproduce", "--data", "example:sim630", "--out", outDir}, 2, "--data example:sim630 needs --persons FILE"},
		{"reproduce: persons and no-persons", []string{"reproduce", "--persons", "p.csv", "--no-persons", "--out", outDir}, 2, "--persons and --no-persons"},
		{"reproduce: out is a file", []string{"reproduce", "--out", file}, 2, "existing file"},
		{"datasets: an argument", []string{"datasets", "extra"}, 2, "unexpected argument"},
		{"fit: bad min-exposure", []string{"fit", "--data", "example:sim630", "--groups", "2", "--min-exposure", "2"}, 2, "--min-exposure"},
		{"fit: tcov column missing", []string{"fit", "--data", "example:sim630", "--groups", "2", "--tcov", "employed", "--out", outDir}, 1, `no column "employed"`},
		{"select: one fold", []string{"select", "--data", "example:sim630", "--cv", "1"}, 2, "--cv"},
		{"select: min-share 0", []string{"select", "--data", "example:sim630", "--min-share", "0"}, 2, "--min-share 0: expected a share between 0 and 1"},
		{"select: dropout", []string{"select", "--data", "example:sim630", "--groups", "2-3", "--dropout", "1", "--followup-end", "window"}, 2, "--dropout: select chooses the number of groups without a dropout model; choose K here, then fit it with trajkit fit --groups K --dropout ORDER"},
		{"select: dropout lag alone", []string{"select", "--data", "example:sim630", "--dropout-lag", "1"}, 2, "--dropout-lag: select chooses the number of groups without a dropout model"},
		{"select: dual", []string{"select", "--data", "example:nl630-outcomes", "--dual", "thb,other"}, 2, "--dual: select does not search dual trajectory models"},
		{"select: follow-up end", []string{"select", "--data", "example:sim630", "--followup-end", "window"}, 2, "--followup-end: select chooses the number of groups without a dropout model"},
		{"select: distal", []string{"select", "--data", "example:sim630", "--persons", "p.csv", "--distal", "y"}, 2, "--distal: select chooses the number of groups without distal outcomes; choose K here, then fit it with trajkit fit --groups K --persons FILE --distal COLUMN"},
		{"select: distal method", []string{"select", "--data", "example:sim630", "--distal-method", "bch"}, 2, "--distal-method: select chooses the number of groups without distal outcomes"},
		{"reproduce: min-share 1", []string{"reproduce", "--min-share", "1", "--out", outDir}, 2, "--min-share 1: expected a share between 0 and 1"},
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
	for _, args := range [][]string{{"-h"}, {"fit", "-h"}, {"simulate", "-h"}, {"datasets", "--help"}} {
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

// TestHelpCommand: trajkit help CMD prints exactly what CMD -h prints, for
// every command; help alone and help help print the overview; an unknown
// command or more than one is a usage error.
func TestHelpCommand(t *testing.T) {
	_, overview, _ := trajkit(t, "-h")
	for _, c := range commands {
		code, want, _ := trajkit(t, c.name, "-h")
		gotCode, got, stderr := trajkit(t, "help", c.name)
		if gotCode != 0 || got != want || code != 0 || stderr != "" {
			t.Errorf("help %s: exit %d, stderr %q, stdout differs from %s -h: %v", c.name, gotCode, stderr, c.name, got != want)
		}
		if got == overview {
			t.Errorf("help %s prints the overview", c.name)
		}
	}
	for _, args := range [][]string{{"help"}, {"help", "help"}} {
		if code, stdout, _ := trajkit(t, args...); code != 0 || stdout != overview {
			t.Errorf("%v: exit %d, not the overview:\n%s", args, code, stdout)
		}
	}
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"help", "frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"help", "fit", "select"}, `expected one command, got "fit select"`},
	} {
		if code, stdout, stderr := trajkit(t, tc.args...); code != 2 || stdout != "" || !strings.Contains(stderr, tc.msg) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 and %q", tc.args, code, stdout, stderr, tc.msg)
		}
	}
}

// TestVersionFlag: --version and -version print what trajkit version
// prints (results.Software, the name the result files record), on stdout.
func TestVersionFlag(t *testing.T) {
	code, want, _ := trajkit(t, "version")
	if code != 0 || want != results.Software+"\n" {
		t.Fatalf("version: exit %d, %q; want %q", code, want, results.Software+"\n")
	}
	for _, flag := range []string{"--version", "-version"} {
		if code, got, stderr := trajkit(t, flag); code != 0 || got != want || stderr != "" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want %q", flag, code, got, stderr, want)
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
		// An NB fit with a dispersion per group (α, its SE and the test of
		// α = 0 in each group) and with a common one.
		{"fit-sim630-nb-k2", []string{"fit", "--data", "example:sim630", "--groups", "2", "--order", "2", "--dist", "nb"}},
		{"fit-sim630-nb-common-k2", []string{"fit", "--data", "example:sim630", "--groups", "2", "--order", "2", "--dist", "nb", "--dispersion", "common"}},
		// The multi-trajectory model of the 630 cohort's trafficking and
		// other cases, each outcome with its own distribution and orders.
		{"fit-nl630-outcomes-k4", []string{"fit", "--data", "example:nl630-outcomes", "--outcomes", "thb,other", "--groups", "4", "--ages", "12-40",
			"--dist", "thb=poisson", "--dist", "other=zip", "--order", "thb=2"}},
		// A dual model of testdata/dual.csv (dual_test.go draws it): each
		// outcome's groups with their shares, the three transition tables.
		{"fit-dual-k2-k3", []string{"fit", "--data", dualData, "--dual", "violent,property", "--groups", "2,3", "--order", "1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := trajkit(t, tc.args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			checkGolden(t, filepath.Join("testdata", tc.name+".golden"), stdout)
		})
	}
}

// checkGolden compares got with the golden file path, which go test
// -update rewrites with it first.
func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("stdout differs from %s (go test -update to accept):\n%s", path, got)
	}
}

func TestSelectWritesOutputs(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sel")
	code, stdout, stderr := trajkit(t, "select", "--data", "example:sim630", "--groups", "1-3", "--cv", "3", "--min-share", "0.155", "--out", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "Recommended: 3 groups") {
		t.Errorf("stdout:\n%s", stdout)
	}
	f, err := os.Open(filepath.Join(dir, "selection.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for j, h := range rows[0] {
		col[h] = j
	}
	for _, name := range []string{"groups", "orders", "inflation_orders", "loglik", "n_params", "bic_persons", "bic_obs", "aic",
		"entropy", "min_app", "min_occ", "smallest_share", "starts_reached_best", "adequate", "cv_loglik", "cve"} {
		if _, ok := col[name]; !ok {
			t.Errorf("selection.csv has no column %q", name)
		}
	}
	if len(rows) != 4 {
		t.Fatalf("%d rows, want 3 candidates", len(rows)-1)
	}
	if rows[1][col["entropy"]] != "" || rows[1][col["orders"]] != "3" || rows[3][col["orders"]] != "3;3;3" || rows[3][col["inflation_orders"]] != "-1;-1;-1" {
		t.Errorf("rows %v", rows)
	}
	var sj map[string]any
	readJSON(t, filepath.Join(dir, "selection.json"), &sj)
	rec, ok := sj["recommended"].(map[string]any)
	if !ok || rec["groups"] != 3.0 || sj["reason"] == "" || sj["best_bic"] == nil {
		t.Errorf("selection.json: %v", sj)
	}
	// --min-share 0.155 is the rule recorded, stated and used: the two-group
	// model (smallest share 0.154) is adequate under the default 0.05 and
	// not under 0.155; the three-group one (0.156) under both.
	crit, _ := sj["criteria"].(map[string]any)
	if crit["min_share"] != 0.155 || !strings.Contains(sj["reason"].(string), "smallest share ≥ 0.155") {
		t.Errorf("selection.json: criteria %v, reason %q; want min_share 0.155 in both", crit, sj["reason"])
	}
	between := 0
	for _, r := range rows[1:] {
		num := func(name string) float64 { v, _ := strconv.ParseFloat(r[col[name]], 64); return v }
		// One group is adequate by definition; otherwise Nagin's APP and OCC and the smallest share.
		want := num("groups") == 1 || num("smallest_share") >= 0.155 && num("min_app") >= 0.7 && num("min_occ") >= 5
		if r[col["adequate"]] != strconv.FormatBool(want) {
			t.Errorf("%s groups: adequate %s, want %v with a smallest share of %s", r[col["groups"]], r[col["adequate"]], want, r[col["smallest_share"]])
		}
		if s := num("smallest_share"); s >= 0.05 && s < 0.155 {
			between++
		}
	}
	if between == 0 {
		t.Error("no candidate has a smallest share between 0.05 and 0.155: the test no longer tells the two rules apart")
	}
	for _, p := range []string{"recommended/model.json", "recommended/assignments.csv", "model.json", "assignments.csv"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("missing %s", p)
		}
	}
	a, _ := os.ReadFile(filepath.Join(dir, "model.json"))
	r, _ := os.ReadFile(filepath.Join(dir, "recommended", "model.json"))
	if string(a) != string(r) {
		t.Error("DIR/model.json differs from DIR/recommended/model.json")
	}
}

// TestFitWithPersons: risk factors and profiles from a person file
// (testdata/persons630.csv: random covariates for sim630 whose female and
// qualification shares depend on the true group).
func TestFitWithPersons(t *testing.T) {
	dir := t.TempDir()
	persons := filepath.Join(srcDir, "testdata", "persons630.csv")
	code, stdout, stderr := trajkit(t, "fit", "--data", "example:sim630", "--groups", "4", "--persons", persons,
		"--risk", "female,region", "--out", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"Membership (multinomial logit; reference group 1)", "Wald tests", "Group profiles"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q", want)
		}
	}
	var m struct {
		Groups []struct {
			MembershipCoef map[string]float64  `json:"membership_coef"`
			MembershipSE   map[string]*float64 `json:"membership_se"`
		} `json:"groups"`
		Covariates struct {
			Risk      []string `json:"risk"`
			Reference int      `json:"reference"`
		} `json:"covariates"`
	}
	readJSON(t, filepath.Join(dir, "model.json"), &m)
	if strings.Join(m.Covariates.Risk, ",") != "female,region=south,region=west" || m.Covariates.Reference != 1 {
		t.Errorf("covariates %+v", m.Covariates)
	}
	for j, g := range m.Groups {
		if len(g.MembershipCoef) != 4 || len(g.MembershipSE) != 4 {
			t.Fatalf("group %d: coef %v se %v", j+1, g.MembershipCoef, g.MembershipSE)
		}
		if j == 0 && (g.MembershipCoef["(intercept)"] != 0 || g.MembershipCoef["female"] != 0) {
			t.Errorf("reference group coefficients %v", g.MembershipCoef)
		}
		if j > 0 && g.MembershipSE["female"] == nil {
			t.Errorf("group %d: no SE for female", j+1)
		}
	}
	rows := readCSV(t, filepath.Join(dir, "profiles.csv"))
	if strings.Join(rows[0], ",") != "variable,level,group,label,n_assigned,assigned_mean,posterior_mean,share" {
		t.Errorf("profiles header %v", rows[0])
	}
	// female is 0/1 and region categorical: shares; age_first a mean.
	for _, r := range rows[1:] {
		if want := strconv.FormatBool(r[0] != "age_first"); r[7] != want {
			t.Errorf("profiles.csv: %s %s share %s, want %s", r[0], r[1], r[7], want)
		}
	}
	// female, qualification, age_first and 3 region levels, 4 groups each.
	if len(rows)-1 != 6*4 {
		t.Errorf("%d profile rows, want 24", len(rows)-1)
	}
	// The profile command recomputes the same table from the fit's files.
	out := t.TempDir()
	code, _, stderr = trajkit(t, "profile", "--model", dir, "--persons", persons, "--out", out)
	if code != 0 {
		t.Fatalf("profile: exit %d: %s", code, stderr)
	}
	a, _ := os.ReadFile(filepath.Join(dir, "profiles.csv"))
	p, _ := os.ReadFile(filepath.Join(out, "profiles.csv"))
	if string(a) != string(p) {
		t.Error("trajkit profile writes a different profiles.csv than fit --persons")
	}
	// A risk factor that is not a column is an error naming the file.
	code, _, stderr = trajkit(t, "fit", "--data", "example:sim630", "--groups", "2", "--persons", persons, "--risk", "nope")
	if code != 1 || !strings.Contains(stderr, `no column "nope"`) {
		t.Errorf("exit %d: %s", code, stderr)
	}
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestReproduce checks the README's first command, trajkit reproduce (the
// run of its usage example): the reproduction on the embedded synthetic
// cohort recovers the four published shares within five points and writes
// every output.
func TestReproduce(t *testing.T) {
	all := usageExamples(t)
	i := slices.IndexFunc(all, func(ex *example) bool { return ex.key == "reproduce" })
	if i < 0 {
		t.Fatal("no usage example runs trajkit reproduce")
	}
	run, _ := runExample(t, all[i], all)
	if run.err != "" || run.code != 0 {
		t.Fatalf("exit %d %s: %s", run.code, run.err, run.stderr)
	}
	dir, stdout := filepath.Join(run.dir, "out"), run.stdout
	rows := readCSV(t, filepath.Join(dir, "reproduction.csv"))
	if strings.Join(rows[0], ",") != "row,published,reproduced,tolerance,ok,unit,data" {
		t.Fatalf("header %v", rows[0])
	}
	html, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	shares := 0
	for _, r := range rows[1:] {
		if strings.HasPrefix(r[0], "share of the ") {
			shares++
			if r[4] != "true" || r[5] != "%" {
				t.Errorf("%s: reproduced %s%s, published %s", r[0], r[2], r[5], r[1])
			}
		}
		// Every row says that the data are synthetic.
		if r[6] != "synthetic cohort (example:nl630)" {
			t.Errorf("%s: data %q", r[0], r[6])
		}
		// The terminal and the report write the value as the published
		// figure reads: a share with one decimal and %, an age whole.
		v, err := strconv.ParseFloat(r[2], 64)
		if err != nil {
			t.Errorf("%s: reproduced %q", r[0], r[2])
			continue
		}
		want := strconv.FormatFloat(v, 'f', 1, 64)
		switch r[5] {
		case "%":
			want += "%"
		case "age":
			want = strconv.FormatFloat(v, 'f', 0, 64)
		}
		if row := `<tr><td class="text">` + r[0] + `</td><td class="text">` + r[1] + `</td><td class="text">` + want + `</td>`; !strings.Contains(string(html), row) {
			t.Errorf("report.html lacks the row %s", row)
		}
		if !regexp.MustCompile(regexp.QuoteMeta(r[0]) + ` +` + regexp.QuoteMeta(r[1]) + ` +` + regexp.QuoteMeta(want) + ` `).MatchString(stdout) {
			t.Errorf("stdout lacks the row %s, %s, %s", r[0], r[1], want)
		}
	}
	if shares != 4 {
		t.Errorf("%d share rows", shares)
	}
	for _, want := range []string{"Data: synthetic cohort (example:nl630), generated by trajkit simulate --preset nl630", "Published vs reproduced; data: synthetic cohort (example:nl630)"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q", want)
		}
	}
	var m struct {
		Groups []struct {
			Label string `json:"label"`
		} `json:"groups"`
	}
	readJSON(t, filepath.Join(dir, "model.json"), &m)
	seen := map[string]bool{}
	for _, g := range m.Groups {
		seen[g.Label] = true
	}
	for _, l := range []string{"low-rate", "early-peak", "late-peak", "high-rate"} {
		if !seen[l] {
			t.Errorf("no group labelled %s: %v", l, m.Groups)
		}
	}
	for _, f := range []string{"assignments.csv", "selection.csv", "selection.json", "profiles.csv",
		"trajectories.png", "trajectories.svg", "selection.png", "report.html"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("missing %s", f)
		}
	}
	for _, want := range []string{`id="reproduction"`, "Published vs reproduced", "low-rate", "✔",
		"<title>Reproduction of the 630-offender four-group solution: synthetic cohort (example:nl630)</title>",
		`<p class="banner">Published figures reproduced on: <strong>synthetic cohort (example:nl630)</strong></p>`,
		"<p>Data: <strong>synthetic cohort (example:nl630)</strong></p>"} {
		if !strings.Contains(string(html), want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
}

// TestReproduceOtherData: on careers other than the synthetic cohort's,
// with --no-persons, every output names the career file, the rows that
// need a person file are not computed, and no profiles are written. One
// model (four cubic groups) keeps it short.
func TestReproduceOtherData(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := trajkit(t, "reproduce", "--data", "example:sim630", "--no-persons", "--groups", "4-4", "--orders", "3-3", "--out", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"Data: example:sim630.\n", "Published vs reproduced; data: example:sim630\n", "low-rate group: women "} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q", want)
		}
	}
	if strings.Contains(stdout, "synthetic cohort") {
		t.Error("stdout calls example:sim630 the synthetic cohort")
	}
	if !strings.Contains(stderr, "no person file: the rows that need one are not computed") {
		t.Errorf("stderr %q", stderr)
	}
	notComputed := 0
	for _, r := range readCSV(t, filepath.Join(dir, "reproduction.csv"))[1:] {
		if r[6] != "example:sim630" {
			t.Errorf("%s: data %q", r[0], r[6])
		}
		if r[2] == "" {
			notComputed++
		}
	}
	// The low-rate group's women, mean age, first case and no case after,
	// and the three rows on the age at the first trafficking offence.
	if notComputed != 7 {
		t.Errorf("%d rows not computed, want 7", notComputed)
	}
	if _, err := os.Stat(filepath.Join(dir, "profiles.csv")); !os.IsNotExist(err) {
		t.Errorf("profiles.csv without a person file: %v", err)
	}
	html, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<title>Reproduction of the 630-offender four-group solution: example:sim630</title>",
		"<strong>example:sim630</strong>", `<td class="text">n/a</td>`} {
		if !strings.Contains(string(html), want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
}

// TestDeterministicOutputs: the command's files are identical byte for
// byte (model.json and assignments.csv) for one thread on one CPU and four
// threads on all, for a ZIP fit with exposures and standard errors; the
// timings, which differ, are in manifest.json's entry of model.json and
// come back with the fit. (The library's layers test the same bits on
// their own: mixture's TestDeterministic, trajectory's
// TestSameSeedSameBits.)
func TestDeterministicOutputs(t *testing.T) {
	var first [2][]byte
	for _, tc := range []struct {
		threads    string
		gomaxprocs int
	}{{"1", 1}, {"4", runtime.GOMAXPROCS(0)}} {
		prev := runtime.GOMAXPROCS(tc.gomaxprocs)
		dir := t.TempDir()
		code, _, stderr := trajkit(t, "fit", "--data", "example:toronto1-exposure", "--groups", "2", "--dist", "zip",
			"--starts", "6", "--keep", "2", "--threads", tc.threads, "--out", dir)
		runtime.GOMAXPROCS(prev)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		var files [2][]byte
		for j, name := range []string{"model.json", "assignments.csv"} {
			b, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			files[j] = b
		}
		if bytes.Contains(files[0], []byte(`"timing"`)) || bytes.Contains(files[0], []byte("fit_seconds")) {
			t.Error("model.json holds timings")
		}
		fit, err := results.ReadFit(dir)
		if err != nil {
			t.Fatal(err)
		}
		if !(fit.Timing["fit_seconds"] > 0) || !(fit.Timing["read_seconds"] > 0) {
			t.Errorf("the fit read back has the timings %v; want fit_seconds and read_seconds from manifest.json", fit.Timing)
		}
		if first[0] == nil {
			first = files
			continue
		}
		for j, name := range []string{"model.json", "assignments.csv"} {
			if !bytes.Equal(files[j], first[j]) {
				t.Errorf("--threads %s, GOMAXPROCS %d: %s differs", tc.threads, tc.gomaxprocs, name)
			}
		}
	}
}

// TestFitTcov: time-varying covariates from a long file's column
// (the embedded employment data: 300 simulated careers whose rate is
// multiplied by exp(−0.7) in years of employment), their effects in model.json, and the
// plot at chosen covariate values.
func TestFitTcov(t *testing.T) {
	dir := t.TempDir()
	data := "example:employment"
	code, stdout, stderr := trajkit(t, "fit", "--data", data, "--groups", "2", "--order", "2", "--tcov", "employed", "--out", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "employed") {
		t.Error("the summary does not show the covariate's effect")
	}
	var m struct {
		Groups []struct {
			TcovCoef map[string]float64  `json:"tcov_coef"`
			TcovSE   map[string]*float64 `json:"tcov_se"`
		} `json:"groups"`
		Covariates struct {
			Tcov    []string `json:"tcov"`
			CurveAt string   `json:"curve_at"`
		} `json:"covariates"`
		Settings struct {
			Data struct {
				Tcov []string `json:"tcov"`
			} `json:"data"`
		} `json:"settings"`
	}
	readJSON(t, filepath.Join(dir, "model.json"), &m)
	if strings.Join(m.Covariates.Tcov, ",") != "employed" || m.Covariates.CurveAt == "" || strings.Join(m.Settings.Data.Tcov, ",") != "employed" {
		t.Errorf("covariates %+v, settings %+v", m.Covariates, m.Settings.Data)
	}
	for j, g := range m.Groups {
		d, se := g.TcovCoef["employed"], g.TcovSE["employed"]
		// The simulated effect is −0.7 in both groups.
		if se == nil || math.Abs(d+0.7) > 3**se {
			t.Errorf("group %d: employed effect %v ± %v, simulated −0.7", j+1, d, se)
		}
	}
	png := filepath.Join(dir, "tcov.png")
	if code, _, stderr := trajkit(t, "plot", "--model", dir, "--tcov", "employed=0,1", "--out", png); code != 0 {
		t.Fatalf("plot: exit %d: %s", code, stderr)
	}
	if code, _, stderr := trajkit(t, "plot", "--model", dir, "--tcov", "partner=1", "--out", png); code != 1 || !strings.Contains(stderr, `no time-varying covariate "partner"`) {
		t.Errorf("plot of an unknown covariate: exit %d: %s", code, stderr)
	}
	if code, _, stderr := trajkit(t, "plot", "--model", dir, "--tcov", "employed", "--out", png); code != 2 || !strings.Contains(stderr, "NAME=V1,V2") {
		t.Errorf("plot --tcov without values: exit %d: %s", code, stderr)
	}
	if code, _, stderr := trajkit(t, "plot", "--model", dir, "--tcov", "employed=often", "--out", png); code != 2 || !strings.Contains(stderr, "not a finite number nor mean") {
		t.Errorf("plot --tcov employed=often: exit %d: %s", code, stderr)
	}
	if code, _, stderr := trajkit(t, "plot", "--model", dir, "--tcov", "employed=0", "--tcov", "employed=1", "--out", png); code != 2 || !strings.Contains(stderr, "employed is given twice") {
		t.Errorf("plot --tcov twice: exit %d: %s", code, stderr)
	}
	// The legend says at which values the curves are: by default at the
	// mean of the persons observed beside the observed means, and at zero
	// without them; the mean of the persons observed with =mean; the bands
	// (at zero) go with a curve at zero only.
	for _, tc := range []struct {
		args      []string
		want, not []string
	}{
		{nil, []string{"at employed = mean of the persons observed", "observed mean"}, []string{"covariates zero", "fill-opacity:0.2196"}},
		{[]string{"--observed", "none"}, []string{"at covariates zero", "fill-opacity:0.2196"}, []string{"employed = ", "observed mean"}},
		{[]string{"--tcov", "employed=0,mean"}, []string{"at employed = 0", "at employed = mean of the persons observed", "fill-opacity:0.2196"}, []string{"covariates zero"}},
		{[]string{"--tcov", "employed=mean", "--observed", "none"}, []string{"at employed = mean of the persons observed"}, []string{"fill-opacity:0.2196", "observed mean"}},
	} {
		svg := filepath.Join(dir, "tcov.svg")
		if code, _, stderr := trajkit(t, append([]string{"plot", "--model", dir, "--out", svg}, tc.args...)...); code != 0 {
			t.Fatalf("plot %v: exit %d: %s", tc.args, code, stderr)
		}
		b, err := os.ReadFile(svg)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range tc.want {
			if !bytes.Contains(b, []byte(w)) {
				t.Errorf("plot %v: no %q", tc.args, w)
			}
		}
		for _, w := range tc.not {
			if bytes.Contains(b, []byte(w)) {
				t.Errorf("plot %v: %q", tc.args, w)
			}
		}
	}
	// The report draws the curves the observed means match, and says so.
	html := filepath.Join(dir, "report.html")
	if code, _, stderr := trajkit(t, "report", "--model", dir, "--out", html); code != 0 {
		t.Fatalf("report: exit %d: %s", code, stderr)
	}
	if b, _ := os.ReadFile(html); !bytes.Contains(b, []byte("at employed = mean of the persons observed")) || !bytes.Contains(b, []byte("own values of employed")) {
		t.Error("the report's trajectories of a tcov model are not at the persons' own covariates")
	}
}

// TestAccelerate: with SQUAREM (the default) and with plain EM
// (--accelerate=false) the fit reaches the polished maximum of the
// reference table on sim630 (Poisson, K = 4, cubic: −11725.190055,
// flexmix 2.3-18 polished; see trajectory's TestReferenceMaxima), and
// model.json's settings always record which ran.
func TestAccelerate(t *testing.T) {
	for _, acc := range []bool{true, false} {
		dir := t.TempDir()
		args := []string{"fit", "--data", "example:sim630", "--groups", "4", "--no-se", "--out", dir}
		if !acc {
			args = append(args, "--accelerate=false")
		}
		code, _, stderr := trajkit(t, args...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		var m struct {
			LogLik   float64        `json:"loglik"`
			Settings map[string]any `json:"settings"`
		}
		readJSON(t, filepath.Join(dir, "model.json"), &m)
		if math.Abs(m.LogLik-(-11725.190055)) > 1e-5 {
			t.Errorf("accelerate %v: log-likelihood %.6f, want −11725.190055", acc, m.LogLik)
		}
		if got, ok := m.Settings["accelerate"]; !ok || got != acc {
			t.Errorf("accelerate %v: settings.accelerate = %v (present %v)", acc, got, ok)
		}
	}
}

// readJSON decodes the JSON file path into v.
func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// TestSafeCSV: fit with and without --safe-csv on careers whose ids a
// spreadsheet would run as formulas: assignments.csv holds the ids as
// they are, or escaped under the column safe_csv_id, and plot and report
// read it back and join it to the careers on the ids either way.
func TestSafeCSV(t *testing.T) {
	ids := []string{"=1+1", "-5", "@x", "'q", "plain"}
	var b strings.Builder
	b.WriteString("id,age,y\n")
	for j, id := range ids {
		for age := 12; age <= 16; age++ {
			fmt.Fprintf(&b, "%s,%d,%d\n", id, age, (j+age)%3)
		}
	}
	data := filepath.Join(t.TempDir(), "careers.csv")
	if err := os.WriteFile(data, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		flags  []string
		column string
		cells  []string
	}{
		{"plain", nil, "id", ids},
		{"safe", []string{"--safe-csv"}, "safe_csv_id", []string{"'=1+1", "'-5", "'@x", "''q", "plain"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "fit")
			args := append([]string{"fit", "--data", data, "--groups", "1", "--order", "0", "--out", dir}, tc.flags...)
			if code, _, stderr := trajkit(t, args...); code != 0 {
				t.Fatalf("fit: exit %d: %s", code, stderr)
			}
			raw, err := os.ReadFile(filepath.Join(dir, "assignments.csv"))
			if err != nil {
				t.Fatal(err)
			}
			recs, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			var cells []string
			for _, r := range recs[1:] {
				cells = append(cells, r[0])
			}
			if recs[0][0] != tc.column || !slices.Equal(cells, tc.cells) {
				t.Errorf("assignments.csv: column %q with %q, want %q with %q", recs[0][0], cells, tc.column, tc.cells)
			}
			for _, args := range [][]string{
				{"plot", "--model", dir, "--kind", "careers", "--out", filepath.Join(dir, "careers.svg")},
				{"report", "--model", dir, "--out", filepath.Join(dir, "report.html")},
			} {
				if code, _, stderr := trajkit(t, args...); code != 0 {
					t.Errorf("%s: exit %d: %s", args[0], code, stderr)
				}
			}
		})
	}
}

// TestOrderSyntax: fit takes an order list as select prints it. "0;3"
// and 0,3 give the same fit, and every candidate of a selection refits
// from its selection.csv cells (orders and inflation orders joined by ;)
// passed to fit as they are, with the same orders and, from fit's fresh
// starts, the log-likelihood the search found (within 1e-6 relative).
func TestOrderSyntax(t *testing.T) {
	fitJSON := func(t *testing.T, args ...string) map[string]any {
		t.Helper()
		dir := t.TempDir()
		args = append([]string{"fit", "--data", "example:sim630", "--no-se", "--out", dir}, args...)
		if code, _, stderr := trajkit(t, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		var m map[string]any
		readJSON(t, filepath.Join(dir, "model.json"), &m)
		delete(m, "timing")
		return m
	}
	semi := fitJSON(t, "--groups", "2", "--order", "0;3")
	comma := fitJSON(t, "--groups", "2", "--order", "0,3")
	if !reflect.DeepEqual(semi, comma) {
		t.Error(`--order "0;3" and --order 0,3 give different model.json`)
	}
	zipSemi := fitJSON(t, "--groups", "2", "--order", "1", "--dist", "zip", "--inflation", "0;-1")
	zipComma := fitJSON(t, "--groups", "2", "--order", "1", "--dist", "zip", "--inflation", "0, -1")
	if !reflect.DeepEqual(zipSemi, zipComma) {
		t.Error(`--inflation "0;-1" and --inflation "0, -1" give different model.json`)
	}

	sel := t.TempDir()
	if code, _, stderr := trajkit(t, "select", "--data", "example:sim630", "--groups", "2", "--orders", "1-3", "--out", sel); code != 0 {
		t.Fatalf("select: exit %d: %s", code, stderr)
	}
	rows := readCSV(t, filepath.Join(sel, "selection.csv"))
	col := map[string]int{}
	for j, h := range rows[0] {
		col[h] = j
	}
	if len(rows) < 3 {
		t.Fatalf("%d candidates: the test needs an order search", len(rows)-1)
	}
	for _, r := range rows[1:] {
		orders, infl := r[col["orders"]], r[col["inflation_orders"]]
		if !strings.Contains(orders, ";") {
			t.Fatalf("selection.csv orders %q: not joined by ;", orders)
		}
		m := fitJSON(t, "--groups", r[col["groups"]], "--order", orders, "--inflation", infl)
		var got []string
		for _, g := range m["groups"].([]any) {
			got = append(got, fmt.Sprint(g.(map[string]any)["order"]))
		}
		want := strings.Split(orders, ";")
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("fit --order %q: groups of orders %v", orders, got)
		}
		ll, _ := strconv.ParseFloat(r[col["loglik"]], 64)
		if d := m["loglik"].(float64) - ll; math.Abs(d) > 1e-6*math.Abs(ll) {
			t.Errorf("fit --order %q: log-likelihood %v, select found %v", orders, m["loglik"], ll)
		}
	}
}

// TestPluralMessages: where a count is 1 the command's output says so in
// the singular ("converged after 1 iteration", "1 group", "1 start"),
// across fit, select, bench and simulate, their warnings and progress
// included; the same messages stay plural for other counts (the golden
// files hold "2 groups" and "N iterations").
func TestPluralMessages(t *testing.T) {
	nouns := `iteration|EM iteration|group|person|career|start|thread|replicate|model|candidate|cohort|row|cell|year|fold|name|observation|person-age observation`
	wrong := regexp.MustCompile(`(^|[^0-9.,])1 (` + nouns + `)s\b`)
	out := t.TempDir()
	for _, tc := range []struct {
		args []string
		want []string
	}{
		// One group of order 0 converges in one EM iteration.
		{[]string{"fit", "--data", "example:sim630", "--groups", "1", "--order", "0", "--bootstrap", "1"},
			[]string{"Poisson, 1 group\n", "Status: converged after 1 iteration\n", "Bootstrap (person): 1 replicate,", "only 1 of 1 replicate succeeded"}},
		{[]string{"fit", "--data", "example:sim630", "--groups", "2", "--max-iter", "1", "--starts", "1", "--keep", "1", "--no-se"},
			[]string{"Status: max_iterations after 1 iteration\n", "EM stopped after 1 iteration without converging"}},
		{[]string{"select", "--data", "example:sim630", "--groups", "1", "--order", "0"},
			[]string{"Recommended: 1 group, orders 0", "among the 1 candidate that meets the adequacy criteria"}},
		{[]string{"bench", "--persons", "200", "--groups", "1", "--starts", "1", "--keep", "1", "--threads", "1"},
			[]string{"1 start, 1 run to convergence, 1 thread)"}},
		{[]string{"simulate", "--preset", "default", "--persons", "1", "--out", filepath.Join(out, "one")},
			[]string{"Simulated 1 career,"}},
	} {
		t.Run(tc.args[0], func(t *testing.T) {
			code, stdout, stderr := trajkit(t, tc.args...)
			if code != 0 {
				t.Fatalf("%v: exit %d: %s", tc.args, code, stderr)
			}
			all := stdout + stderr
			for _, w := range tc.want {
				if !strings.Contains(all, w) {
					t.Errorf("%v: output lacks %q:\n%s", tc.args, w, all)
				}
			}
			if m := wrong.FindString(all); m != "" {
				t.Errorf("%v: %q in the output:\n%s", tc.args, m, all)
			}
		})
	}
}

// TestSelectInflationList: select --inflation takes one inflation order
// per group for one K, as fit does: every candidate keeps them (the
// multiset {-1, 0} here), selection.csv and the table show them, and
// selection.json records the list (its single "inflation" then null).
func TestSelectInflationList(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := trajkit(t, "select", "--data", "example:toronto1", "--groups", "2", "--orders", "2-3", "--dist", "zip",
		"--inflation", "0;-1", "--starts", "8", "--out", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rows := readCSV(t, filepath.Join(dir, "selection.csv"))
	col := map[string]int{}
	for j, h := range rows[0] {
		col[h] = j
	}
	if len(rows) < 3 {
		t.Fatalf("%d candidates: no order search", len(rows)-1)
	}
	for _, r := range rows[1:] {
		got := strings.Split(r[col["inflation_orders"]], ";")
		slices.Sort(got)
		if strings.Join(got, ";") != "-1;0" {
			t.Errorf("orders %s: inflation orders %s, want one group of -1 and one of 0", r[col["orders"]], r[col["inflation_orders"]])
		}
	}
	if !strings.Contains(stdout, "Inflation") || !strings.Contains(stdout, ", inflation orders ") {
		t.Errorf("the table does not show the inflation orders:\n%s", stdout)
	}
	var sj struct {
		Settings struct {
			Inflation       *int  `json:"inflation"`
			InflationOrders []int `json:"inflation_orders"`
		} `json:"settings"`
	}
	readJSON(t, filepath.Join(dir, "selection.json"), &sj)
	if sj.Settings.Inflation != nil || !slices.Equal(sj.Settings.InflationOrders, []int{0, -1}) {
		t.Errorf("selection.json settings: inflation %v, inflation_orders %v; want null and [0 -1]", sj.Settings.Inflation, sj.Settings.InflationOrders)
	}
	// One value is still written as one.
	dir1 := t.TempDir()
	if code, _, stderr := trajkit(t, "select", "--data", "example:toronto1", "--groups", "1", "--dist", "zip", "--inflation", "-1", "--out", dir1); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var one map[string]any
	readJSON(t, filepath.Join(dir1, "selection.json"), &one)
	if st := one["settings"].(map[string]any); st["inflation"] != -1.0 || st["inflation_orders"] != nil {
		t.Errorf("selection.json settings with --inflation -1: inflation %v, inflation_orders %v", st["inflation"], st["inflation_orders"])
	}
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--groups", "1-3", "--inflation", "0,0,-1"}, `--inflation "0,0,-1": 3 inflation orders, one per group, describe a 3-group model: give --groups 3`},
		{[]string{"--groups", "2", "--inflation", "0;0;-1"}, "give --groups 3"},
		{[]string{"--groups", "2", "--inflation", "0;4"}, "inflation order 4 is outside -1..3"},
		{[]string{"--groups", "2", "--inflation", "0;;1"}, `--inflation "0;;1": expected a whole number or one per group`},
	} {
		args := append([]string{"select", "--data", "example:toronto1", "--dist", "zip"}, tc.args...)
		if code, _, stderr := trajkit(t, args...); code != 2 || !strings.Contains(stderr, tc.msg) {
			t.Errorf("%v: exit %d, %q; want exit 2 and %q", tc.args, code, stderr, tc.msg)
		}
	}
}

// TestSelectPersons: select --persons --risk puts the risk factors in
// every candidate (each K ≥ 2 counts K−1 more parameters for one risk
// factor than the search without them, and the recommended model.json
// has the membership model), and writes the recommended model's profiles
// as trajkit profile computes them; --persons alone leaves the search as
// it is (the same selection.csv) and adds the profiles.
func TestSelectPersons(t *testing.T) {
	persons := filepath.Join(srcDir, "testdata", "persons630.csv")
	search := []string{"select", "--data", "example:sim630", "--groups", "1-3", "--starts", "8"}
	run := func(t *testing.T, extra ...string) (string, string) {
		t.Helper()
		dir := t.TempDir()
		code, stdout, stderr := trajkit(t, append(append(slices.Clone(search), "--out", dir), extra...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", extra, code, stderr)
		}
		return dir, stdout
	}
	plain, _ := run(t)
	withPersons, _ := run(t, "--persons", persons)
	withRisk, stdout := run(t, "--persons", persons, "--risk", "female")

	a, _ := os.ReadFile(filepath.Join(plain, "selection.csv"))
	b, _ := os.ReadFile(filepath.Join(withPersons, "selection.csv"))
	if string(a) != string(b) {
		t.Error("--persons without --risk changes selection.csv")
	}
	params := func(dir string) []int {
		rows := readCSV(t, filepath.Join(dir, "selection.csv"))
		var out []int
		for _, r := range rows[1:] {
			n, _ := strconv.Atoi(r[4])
			out = append(out, n)
		}
		if rows[0][4] != "n_params" {
			t.Fatalf("selection.csv column 5 is %q", rows[0][4])
		}
		return out
	}
	p0, p1 := params(plain), params(withRisk)
	if len(p0) != 3 || len(p1) != 3 {
		t.Fatalf("candidates: %d without risk factors, %d with", len(p0), len(p1))
	}
	for k := range p0 {
		if p1[k]-p0[k] != k {
			t.Errorf("K=%d: %d parameters with --risk female, %d without; want %d more", k+1, p1[k], p0[k], k)
		}
	}
	var m struct {
		Covariates struct {
			Risk []string `json:"risk"`
		} `json:"covariates"`
	}
	readJSON(t, filepath.Join(withRisk, "model.json"), &m)
	if strings.Join(m.Covariates.Risk, ",") != "female" {
		t.Errorf("the recommended model.json has risk factors %v", m.Covariates.Risk)
	}
	var sj struct {
		Data trajectory.DataSettings `json:"data"`
	}
	readJSON(t, filepath.Join(withRisk, "selection.json"), &sj)
	if sj.Data.Persons != persons || strings.Join(sj.Data.Risk, ",") != "female" {
		t.Errorf("selection.json data: persons %q risk %v", sj.Data.Persons, sj.Data.Risk)
	}
	for _, want := range []string{"Membership (multinomial logit; reference group 1)", "Group profiles"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	for _, dir := range []string{withPersons, withRisk} {
		out := t.TempDir()
		if code, _, stderr := trajkit(t, "profile", "--model", dir, "--persons", persons, "--out", out); code != 0 {
			t.Fatalf("profile: exit %d: %s", code, stderr)
		}
		a, errA := os.ReadFile(filepath.Join(dir, "profiles.csv"))
		b, _ := os.ReadFile(filepath.Join(out, "profiles.csv"))
		if errA != nil || string(a) != string(b) {
			t.Errorf("%s: select --persons wrote no profiles.csv or another than trajkit profile (%v)", dir, errA)
		}
	}
	if code, _, stderr := trajkit(t, "select", "--data", "example:sim630", "--risk", "female"); code != 2 || !strings.Contains(stderr, "--risk needs --persons") {
		t.Errorf("select --risk without --persons: exit %d: %s", code, stderr)
	}
}

// TestReadmeRunsAsWritten: every command of the README's Use section works
// on embedded data or on what an earlier line of the tour writes, so that
// TestUsageExamples runs it (none is skipped as documentation of files the
// user has).
func TestReadmeRunsAsWritten(t *testing.T) {
	all := usageExamples(t)
	for _, args := range readmeExamples(t) {
		key := strings.Join(args, " ")
		i := slices.IndexFunc(all, func(ex *example) bool { return ex.key == key })
		if i < 0 {
			t.Fatalf("README example %q is not among the examples run", key)
		}
		if !runnable(all, all[i]) {
			t.Errorf("README example %q reads %v, which neither trajkit embeds nor an earlier line writes", key, all[i].needs)
		}
	}
}

// TestReadmeSetup: the README names the exact Go version go.mod requires
// (its go line, and its toolchain line when there is one) and the local
// install from the clone.
func TestReadmeSetup(t *testing.T) {
	root := filepath.Join(srcDir, "..", "..")
	mod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, line := range strings.Split(string(mod), "\n") {
		if v, ok := strings.CutPrefix(line, "go "); ok {
			want = append(want, "Go "+strings.TrimSpace(v)+" or later", "`go "+strings.TrimSpace(v)+"`")
		}
		if v, ok := strings.CutPrefix(line, "toolchain "); ok {
			want = append(want, strings.TrimSpace(v))
		}
	}
	if len(want) == 0 {
		t.Fatal("go.mod has no go line")
	}
	want = append(want, "go install ./cmd/trajkit\n")
	for _, w := range want {
		if !strings.Contains(string(readme), w) {
			t.Errorf("README.md does not say %q", w)
		}
	}
}
