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
