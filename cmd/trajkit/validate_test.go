package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/trajectory/results"
)

// TestHostileModelRefused: every command that reads model.json refuses a
// file edited out of its ranges, with exit status 1 and a message naming
// the file and the field, and writes nothing.
func TestHostileModelRefused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "m")
	if code, _, stderr := trajkit(t, "fit", "--data", "example:sim630", "--groups", "2", "--order", "1", "--starts", "2", "--keep", "1", "--out", dir); code != 0 {
		t.Fatalf("fit: exit %d: %s", code, stderr)
	}
	// wide sets the window to lo..hi with curves to match.
	wide := func(lo, hi int) func(m map[string]any) {
		return func(m map[string]any) {
			m["settings"].(map[string]any)["age_window"] = []any{lo, hi}
			for _, g := range m["groups"].([]any) {
				g := g.(map[string]any)
				first := g["curve"].([]any)[0].(map[string]any)
				var curve []any
				for a := lo; a <= hi; a++ {
					p := map[string]any{}
					for k, v := range first {
						p[k] = v
					}
					p["age"] = a
					curve = append(curve, p)
				}
				g["curve"] = curve
			}
		}
	}
	group := func(m map[string]any, k int) map[string]any { return m["groups"].([]any)[k].(map[string]any) }
	out := t.TempDir()
	for _, tc := range []struct {
		name  string
		edit  func(m map[string]any)
		args  []string
		field string
	}{
		{"plot: a window of ±2·10⁹", func(m map[string]any) { m["settings"].(map[string]any)["age_window"] = []any{-2e9, 2e9} },
			[]string{"plot", "--out", filepath.Join(out, "f.png")}, "settings.age_window: [-2000000000, 2000000000]: expected ages within ±1000000"},
		{"plot: 2·10⁹ and its curves", wide(2e9, 2e9+28), []string{"plot", "--kind", "careers", "--out", filepath.Join(out, "f.png")}, "settings.age_window"},
		{"simulate: 300 ages", wide(12, 311), []string{"simulate", "--out", filepath.Join(out, "sim")}, "settings.age_window: [12, 311]: 300 ages, expected at most 256"},
		{"simulate: a rate of 1e10", func(m map[string]any) { curvePoint(m, 1, 3)["rate"] = 1e10 },
			[]string{"simulate", "--out", filepath.Join(out, "sim")}, "groups[1].curve[3].rate: 1e+10"},
		{"report: zero_prob 2.0", func(m map[string]any) { curvePoint(m, 0, 3)["zero_prob"] = 2.0 },
			[]string{"report", "--out", filepath.Join(out, "r.html")}, "groups[0].curve[3].zero_prob: 2 is not a probability"},
		{"report: an inverted window", func(m map[string]any) { m["settings"].(map[string]any)["age_window"] = []any{40, 12} },
			[]string{"report", "--out", filepath.Join(out, "r.html")}, "settings.age_window: [40, 12]: expected the first age no later than the last"},
		{"profile: shares -0.5 and 1.5", func(m map[string]any) { group(m, 0)["share"] = -0.5; group(m, 1)["share"] = 1.5 },
			[]string{"profile", "--persons", "example:nl630-persons", "--out", filepath.Join(out, "prof")}, "groups[0].share: -0.5 is not a probability"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := editedModel(t, dir, tc.edit)
			args := append([]string{tc.args[0], "--model", bad}, tc.args[1:]...)
			code, _, stderr := trajkit(t, args...)
			// The directory has no manifest (a hand-made model.json): a
			// warning says so before the error.
			want := "trajkit: " + filepath.Join(bad, results.ModelFile) + ": " + tc.field
			if code != 1 || !strings.Contains(stderr, want) {
				t.Errorf("exit %d, stderr %q; want exit 1 and %q", code, stderr, want)
			}
		})
	}
	if entries, _ := os.ReadDir(out); len(entries) > 0 {
		t.Errorf("a refused model left %s in the output directory", entries[0].Name())
	}
}

// TestBadFlags: a flag out of range is a usage error (exit status 2)
// naming the flag, found before any work: nothing on stdout, no output
// written. The flags bounded by the data (--groups and --cv against the
// persons) are checked once the careers are read, before any fit.
func TestBadFlags(t *testing.T) {
	root := t.TempDir()
	never := filepath.Join(root, "never") // no case may create it
	out := func(name string) string { return filepath.Join(never, name) }
	file := filepath.Join(root, "afile")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	dirPNG := filepath.Join(root, "fig.png") // a directory with a figure's name
	if err := os.Mkdir(dirPNG, 0o755); err != nil {
		t.Fatal(err)
	}
	model := filepath.Join(root, "m")
	if code, _, stderr := trajkit(t, "fit", "--data", "example:sim630", "--groups", "2", "--order", "1", "--starts", "2", "--keep", "1", "--out", model); code != 0 {
		t.Fatalf("fit: exit %d: %s", code, stderr)
	}
	fit := func(extra ...string) []string {
		return append([]string{"fit", "--data", "example:sim630", "--groups", "2", "--out", out("fit")}, extra...)
	}
	sel := func(extra ...string) []string {
		return append([]string{"select", "--data", "example:sim630", "--groups", "1-2", "--out", out("select")}, extra...)
	}
	repro := func(extra ...string) []string { return append([]string{"reproduce", "--out", out("repro")}, extra...) }
	sim := func(extra ...string) []string {
		return append([]string{"simulate", "--model", model, "--out", out("sim")}, extra...)
	}
	bench := func(extra ...string) []string {
		return append([]string{"bench", "--persons", "50", "--fit=false"}, extra...)
	}
	for _, tc := range []struct {
		name string
		args []string
		msg  string
	}{
		// Float flags: NaN, infinities and values out of range.
		{"fit --tol Inf", fit("--tol", "Inf"), "--tol +Inf: expected a finite number > 0"},
		{"fit --tol NaN", fit("--tol", "NaN"), "--tol NaN"},
		{"fit --tol 0", fit("--tol", "0"), "--tol 0"},
		{"fit --score-tol Inf", fit("--score-tol", "Inf"), "--score-tol +Inf: expected a finite number > 0"},
		{"fit --score-tol -1e-5", fit("--score-tol", "-1e-5"), "--score-tol -1e-05"},
		{"fit --min-exposure NaN", fit("--min-exposure", "NaN"), "--min-exposure NaN"},
		{"fit --min-exposure Inf", fit("--min-exposure", "Inf"), "--min-exposure +Inf"},
		{"select --tol Inf", sel("--tol", "Inf"), "--tol +Inf"},
		{"select --min-share NaN", sel("--min-share", "NaN"), "--min-share NaN"},
		{"reproduce --score-tol NaN", repro("--score-tol", "NaN"), "--score-tol NaN"},
		{"reproduce --min-exposure -1", repro("--min-exposure", "-1"), "--min-exposure -1"},
		{"simulate --censor NaN", sim("--censor", "NaN"), "--censor NaN"},
		{"simulate --holes Inf", sim("--holes", "Inf"), "--holes +Inf"},
		{"bench --exposed NaN", bench("--exposed", "NaN"), "--exposed NaN"},

		// Int flags.
		{"fit --threads 0", fit("--threads", "0"), "--threads 0: expected 1 to 1024 (leave it out to use all cores)"},
		{"fit --threads -2", fit("--threads", "-2"), "--threads -2"},
		{"fit --threads 100000000", fit("--threads", "100000000"), "--threads 100000000"},
		{"fit --starts 0", fit("--starts", "0"), "--starts 0 runs the --start model alone: it needs --start"},
		{"fit --starts -1", fit("--starts", "-1"), "--starts -1: expected 1 to 100000"},
		{"fit --starts 100000000", fit("--starts", "100000000"), "--starts 100000000"},
		{"fit --keep 0", fit("--keep", "0"), "--keep 0"},
		{"fit --max-iter 0", fit("--max-iter", "0"), "--max-iter 0"},
		{"fit --bootstrap -1", fit("--bootstrap", "-1"), "--bootstrap -1: expected 0 to 10000"},
		{"fit --bootstrap 100000000", fit("--bootstrap", "100000000"), "--bootstrap 100000000"},
		{"select --threads 0", sel("--threads", "0"), "--threads 0"},
		{"select --cv -1", sel("--cv", "-1"), "--cv -1"},
		{"reproduce --threads 0", repro("--threads", "0"), "--threads 0"},
		{"reproduce --seeds -1", repro("--seeds", "-1"), "--seeds -1: expected 0 to 10000"},
		{"reproduce --seeds 100000000", repro("--seeds", "100000000"), "--seeds 100000000"},
		{"reproduce --persons example:nope", repro("--persons", "example:nope"), "--persons: "},
		{"simulate --persons 3000000000", sim("--persons", "3000000000"), "--persons: expected a number of persons from 1 to 2147483647"},
		{"bench --threads 0", bench("--threads", "0"), "--threads 0"},
		{"bench --starts 0", bench("--starts", "0"), "--starts 0"},
		{"bench --persons 3000000000", bench("--persons", "3000000000"), "--persons 3000000000"},
		{"bench --ages 0-100000", bench("--ages", "0-100000"), "--ages 0-100000: expected at most 256 ages"},
		{"bench --groups 100000000", bench("--groups", "100000000"), "--groups 100000000"},
		{"plot --width 0", []string{"plot", "--model", model, "--width", "0", "--out", filepath.Join(root, "f.png")}, "--width 0"},
		{"report --sample 0", []string{"report", "--model", model, "--sample", "0", "--out", filepath.Join(root, "r.html")}, "--sample 0"},

		// Files and directories.
		{"plot --out a directory", []string{"plot", "--model", model, "--out", dirPNG}, "--out " + dirPNG + " is a directory: expected a file name"},
		{"plot --out in no directory", []string{"plot", "--model", model, "--out", out("f.png")}, "--out " + out("f.png") + ": no directory " + never},
		{"report --out a directory", []string{"report", "--model", model, "--out", root}, "--out " + root + " is a directory"},
		{"report --out in no directory", []string{"report", "--model", model, "--out", out("r.html")}, "no directory " + never},
		{"fit --cpuprofile a directory", fit("--cpuprofile", root), "--cpuprofile " + root + " is a directory"},
		{"select --cpuprofile in no directory", sel("--cpuprofile", out("cpu.pprof")), "--cpuprofile " + out("cpu.pprof") + ": no directory"},
		{"bench --csv a directory", bench("--csv", root), "--csv " + root + " is a directory"},
		{"bench --cpuprofile in no directory", bench("--cpuprofile", out("cpu.pprof")), "--cpuprofile"},
		{"profile --out a file", []string{"profile", "--model", model, "--persons", "example:nl630-persons", "--out", file}, "--out " + file + " is an existing file: expected a directory"},
		{"simulate --out a file", []string{"simulate", "--model", model, "--out", file}, "--out " + file + " is an existing file"},

		// Bounded by the data: checked once the careers are read.
		{"fit --groups 10^12", []string{"fit", "--data", "example:sim630", "--groups", "1000000000000", "--out", out("fit")}, "--groups 1000000000000 is more than the 630 persons in the data"},
		{"select --cv 631", sel("--cv", "631"), "--cv 631: more folds than the 630 persons in the data"},
		{"select --groups 1-631", []string{"select", "--data", "example:sim630", "--groups", "1-631", "--out", out("select")}, "--groups 1-631: more groups than the 630 persons"},
		{"reproduce --groups 1-700", repro("--groups", "1-700"), "--groups 1-700: more groups than the 630 persons"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := trajkit(t, tc.args...)
			if code != 2 || !strings.Contains(stderr, tc.msg) {
				t.Errorf("exit %d, stderr %q; want exit 2 and %q", code, stderr, tc.msg)
			}
			if stdout != "" {
				t.Errorf("work was done before the usage error: stdout %q", stdout)
			}
		})
	}
	if _, err := os.Stat(never); !os.IsNotExist(err) {
		t.Errorf("a refused command created %s: %v", never, err)
	}
	for _, dir := range []string{root, dirPNG} {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if n := e.Name(); dir == dirPNG || n != "afile" && n != "fig.png" && n != "m" {
				t.Errorf("a refused command left %s in %s", n, dir)
			}
		}
	}
}
