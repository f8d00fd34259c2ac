package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestDialectRefit: a semicolon file with decimal commas and an id-less
// traj file with times in decades are fitted, model.json records how to
// read them, and plot reads them again that way (without the flags).
func TestDialectRefit(t *testing.T) {
	orig, err := os.ReadFile(filepath.Join("..", "..", "data", "gbtm_sim", "sim630.csv"))
	if err != nil {
		t.Fatal(err)
	}
	wide, err := os.ReadFile(filepath.Join("..", "..", "data", "gbtm_sim", "sim630_wide.csv"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	// Semicolons, an exposure column of 0,5 and 1.
	var semi strings.Builder
	for i, l := range strings.Split(strings.TrimSpace(string(orig)), "\n") {
		e := "1"
		switch {
		case i == 0:
			e = "exposure"
		case i%9 == 0:
			e = "0,5"
		}
		semi.WriteString(strings.ReplaceAll(strings.TrimSpace(l), ",", ";") + ";" + e + "\r\n")
	}
	// The wide file as traj waves y1..y29, t1..t29 with t = age/10, no id.
	var traj strings.Builder
	lines := strings.Split(strings.TrimSpace(string(wide)), "\n")
	head := strings.Split(lines[0], ",")[1:]
	T := len(head)
	for k := 1; k <= T; k++ {
		traj.WriteString("y" + strconv.Itoa(k) + ",")
	}
	for k := 1; k <= T; k++ {
		traj.WriteString("t" + strconv.Itoa(k))
		if k < T {
			traj.WriteString(",")
		}
	}
	traj.WriteString("\n")
	for _, l := range lines[1:] {
		f := strings.Split(strings.TrimSpace(l), ",")[1:]
		traj.WriteString(strings.Join(f, ","))
		for k := range T {
			age, _ := strconv.Atoi(strings.TrimPrefix(head[k], "y"))
			traj.WriteString("," + strconv.FormatFloat(float64(age)/10, 'g', -1, 64))
		}
		traj.WriteString("\n")
	}
	for _, tc := range []struct {
		name, file, text string
		flags            []string
		json             []string
	}{
		{"semicolon", "semi.csv", semi.String(), []string{"--exposure", "exposure"}, []string{`"sep": ";"`, `"decimal": ","`}},
		{"traj", "traj.csv", traj.String(), []string{"--no-id", "--time-scale", "10"}, []string{`"format": "traj"`, `"time_scale": 10`, `"no_id": true`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := filepath.Join(dir, tc.file)
			if err := os.WriteFile(data, []byte(tc.text), 0o644); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, tc.name)
			args := append([]string{"fit", "--data", data, "--groups", "1", "--order", "1", "--starts", "2", "--out", out}, tc.flags...)
			if code, _, stderr := trajkit(t, args...); code != 0 {
				t.Fatalf("fit: exit %d: %s", code, stderr)
			}
			m, err := os.ReadFile(filepath.Join(out, "model.json"))
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.json {
				if !strings.Contains(string(m), w) {
					t.Errorf("model.json does not record %s", w)
				}
			}
			if code, _, stderr := trajkit(t, "plot", "--model", out, "--out", filepath.Join(dir, tc.name+".png")); code != 0 {
				t.Errorf("plot reading the data again: exit %d: %s", code, stderr)
			}
		})
	}
}

// TestDialectGolden fits each CSV dialect fixture of
// trajectory/careersio/testdata/dialects (made by make.R there from
// long60.csv and persons60.csv), alone and with a person file, and
// compares the summary with its golden file
// (testdata/fit-dialect-*.golden, rewritten by go test -update); each
// must also be the summary of the fit of the plain comma file of the
// same data, its data line's file name and format aside.
func TestDialectGolden(t *testing.T) {
	fx := func(dir, name string) string {
		return filepath.Join("..", "..", "trajectory", "careersio", "testdata", dir, name)
	}
	common := []string{"--groups", "2", "--order", "2", "--starts", "4", "--keep", "2"}
	exposure := []string{"--exposure", "exposure"}
	persons := func(file string) []string { return []string{"--persons", file, "--risk", "female,region"} }
	for _, tc := range []struct {
		name, data string
		flags      []string
		ref        string // the golden of the plain comma file, "" for those files
	}{
		{"long60", fx("foreign", "long60.csv"), nil, ""},
		{"long60-exposure", fx("dialects", "long60_exposure.csv"), exposure, ""},
		{"semicolon", fx("dialects", "long60_semicolon.csv"), exposure, "long60-exposure"},
		{"tab", fx("dialects", "long60_tab.tsv"), nil, "long60"},
		{"bom", fx("dialects", "long60_bom.csv"), nil, "long60"},
		{"cp1252", fx("dialects", "long60_cp1252.csv"), []string{"--encoding", "windows-1252"}, "long60"},
		{"traj", fx("dialects", "long60_traj.csv"), []string{"--format", "traj"}, "long60"},
		{"traj-decades", fx("dialects", "long60_traj_decades.csv"), []string{"--format", "traj", "--time", "time", "--time-scale", "10"}, "long60"},
		// With risk factors and the profiles of a person file written in
		// the careers' dialect, or in another (its separator detected on
		// its own): the Windows-1252 ids join.
		{"long60-persons", fx("foreign", "long60.csv"), persons(fx("foreign", "persons60.csv")), ""},
		{"tab-semicolon-persons", fx("dialects", "long60_tab.tsv"), persons(fx("dialects", "persons60_semicolon.csv")), "long60-persons"},
		{"bom-persons", fx("dialects", "long60_bom.csv"), persons(fx("dialects", "persons60_bom.csv")), "long60-persons"},
		{"cp1252-persons", fx("dialects", "long60_cp1252.csv"), append(persons(fx("dialects", "persons60_cp1252.csv")), "--encoding", "windows-1252"), "long60-persons"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append(append([]string{"fit", "--data", tc.data}, tc.flags...), common...)
			code, stdout, stderr := trajkit(t, args...)
			if code != 0 {
				t.Fatalf("trajkit %s: exit %d: %s", strings.Join(args, " "), code, stderr)
			}
			checkGolden(t, filepath.Join("testdata", "fit-dialect-"+tc.name+".golden"), stdout)
			if tc.ref == "" {
				return
			}
			// The plain file's golden (rewritten first by -update: it
			// comes first in the table).
			refPath := filepath.Join("testdata", "fit-dialect-"+tc.ref+".golden")
			ref, err := os.ReadFile(refPath)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := withoutFileName(t, stdout), withoutFileName(t, string(ref)); got != want {
				t.Errorf("the summary differs from that of the plain CSV file (%s), its data line's file name aside:\n%s\nplain CSV:\n%s", refPath, got, want)
			}
		})
	}
}

// withoutFileName returns a fit's summary with the file name and format
// left out of its data line ("Data: FILE (FORMAT), 60 persons, ...").
func withoutFileName(t *testing.T, summary string) string {
	t.Helper()
	lines := strings.Split(summary, "\n")
	for i, l := range lines {
		if rest, ok := strings.CutPrefix(l, "Data: "); ok {
			_, after, ok := strings.Cut(rest, "), ")
			if !ok {
				t.Fatalf("data line %q has no (format), ...", l)
			}
			lines[i] = "Data: ..., " + after
			return strings.Join(lines, "\n")
		}
	}
	t.Fatalf("the summary has no data line:\n%s", summary)
	return ""
}
