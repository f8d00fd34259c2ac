package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestUnboundedInput: a file that is not CSV (a header line that never
// ends) is refused within the record bound, not read until memory runs
// out.
func TestUnboundedInput(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	done := make(chan struct{})
	var code int
	var stderr string
	go func() {
		code, _, stderr = trajkit(t, "fit", "--data", "/dev/zero", "--groups", "2")
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("fit --data /dev/zero still reading after 30 s")
	}
	if code != 1 || !strings.Contains(stderr, "/dev/zero:1: a line (or quoted record) longer than 1 MiB") {
		t.Errorf("exit %d: %s", code, stderr)
	}
}

// TestChangedDataRefused: careers rewritten after the fit (same persons,
// other counts) are refused by plot and report, whose observed means
// would not be the fitted careers'; the file as fitted is accepted.
func TestChangedDataRefused(t *testing.T) {
	orig, err := os.ReadFile(filepath.Join("..", "..", "data", "gbtm_sim", "sim630.csv"))
	if err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(t.TempDir(), "careers.csv")
	if err := os.WriteFile(data, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "fit")
	if code, _, stderr := trajkit(t, "fit", "--data", data, "--groups", "2", "--order", "2", "--out", dir); code != 0 {
		t.Fatalf("fit: exit %d: %s", code, stderr)
	}
	png := filepath.Join(t.TempDir(), "t.png")
	if code, _, stderr := trajkit(t, "plot", "--model", dir, "--out", png); code != 0 {
		t.Fatalf("plot of the data as fitted: exit %d: %s", code, stderr)
	}
	// Every count 0 becomes 5: the same ids and ages.
	lines := strings.Split(string(orig), "\n")
	for i := 1; i < len(lines); i++ {
		if f := strings.Split(lines[i], ","); len(f) == 3 && f[2] == "0" {
			f[2] = "5"
			lines[i] = strings.Join(f, ",")
		}
	}
	if err := os.WriteFile(data, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"plot", "--model", dir, "--out", png},
		{"report", "--model", dir, "--out", filepath.Join(t.TempDir(), "r.html")},
	} {
		code, _, stderr := trajkit(t, args...)
		if code != 1 || !strings.Contains(stderr, "is not the data the model was fitted to") {
			t.Errorf("%s of changed data: exit %d: %s", args[0], code, stderr)
		}
	}
}
