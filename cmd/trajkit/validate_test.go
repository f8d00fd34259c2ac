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
			want := "trajkit: " + filepath.Join(bad, results.ModelFile) + ": " + tc.field
			if code != 1 || !strings.HasPrefix(stderr, want) {
				t.Errorf("exit %d, stderr %q; want exit 1 and %q", code, stderr, want)
			}
		})
	}
	if entries, _ := os.ReadDir(out); len(entries) > 0 {
		t.Errorf("a refused model left %s in the output directory", entries[0].Name())
	}
}
