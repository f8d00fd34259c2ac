package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSelectResume interrupts select --out after n models (a cancelled
// context, as an interrupt cancels it), resumes it with --resume, and
// checks that selection.csv is byte for byte that of an uninterrupted run
// and that the checkpoint is gone once the selection is published.
func TestSelectResume(t *testing.T) {
	args := func(dir string, more ...string) []string {
		return append([]string{"select", "--data", "example:sim630", "--groups", "1-3", "--orders", "1-2", "--cv", "2",
			"--starts", "8", "--keep", "2", "--out", dir}, more...)
	}
	tmp := t.TempDir()
	want := filepath.Join(tmp, "whole")
	var stdout, stderr bytes.Buffer
	if code := run(args(want), &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	wantCSV, err := os.ReadFile(filepath.Join(want, "selection.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(want, ".partial")); !os.IsNotExist(err) {
		t.Errorf("a published selection left its checkpoint: %v", err)
	}
	// interrupt runs select into dir and cancels it once n models are
	// checkpointed.
	interrupt := func(dir string, n int) {
		t.Helper()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		candidateHook = func(done int) {
			if done == n {
				cancel()
			}
		}
		defer func() { candidateHook = nil }()
		var stdout, stderr bytes.Buffer
		if code := runContext(ctx, args(dir), &stdout, &stderr); code != exitInterrupted {
			t.Fatalf("interrupted after %d: exit %d: %s", n, code, stderr.String())
		}
		if !strings.Contains(stderr.String(), "run the same command with --resume") {
			t.Errorf("interrupted after %d: stderr does not say that the models are kept:\n%s", n, stderr.String())
		}
		if _, err := os.Stat(filepath.Join(dir, ".partial", fmt.Sprintf("candidate-%03d.json", n))); err != nil {
			t.Fatalf("interrupted after %d: %v", n, err)
		}
	}
	for _, n := range []int{1, 3} {
		dir := filepath.Join(tmp, fmt.Sprint("resumed", n))
		interrupt(dir, n)
		var stdout, stderr bytes.Buffer
		if code := run(args(dir, "--resume"), &stdout, &stderr); code != exitOK {
			t.Fatalf("resumed after %d: exit %d: %s", n, code, stderr.String())
		}
		if !strings.Contains(stderr.String(), fmt.Sprintf("resuming after the %d model", n)) {
			t.Errorf("resumed after %d: stderr %q", n, stderr.String())
		}
		got, err := os.ReadFile(filepath.Join(dir, "selection.csv"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, wantCSV) {
			t.Errorf("resumed after %d: selection.csv\n%s\nuninterrupted\n%s", n, got, wantCSV)
		}
		if _, err := os.Stat(filepath.Join(dir, ".partial")); !os.IsNotExist(err) {
			t.Errorf("resumed after %d: the checkpoint is still there: %v", n, err)
		}
	}
	// Other settings are refused, naming what differs.
	dir := filepath.Join(tmp, "other")
	interrupt(dir, 2)
	stderr.Reset()
	if code := run(args(dir, "--resume", "--seed", "7"), &stdout, &stderr); code != exitFail || !strings.Contains(stderr.String(), "settings.seed: 1 then, 7 now") {
		t.Errorf("resumed with another seed: exit %d: %s", code, stderr.String())
	}
}
