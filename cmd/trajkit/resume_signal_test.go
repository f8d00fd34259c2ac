//go:build unix

package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSelectResumeAfterSignal runs select --out DIR as a process of its
// own (the test binary as trajkit, see TestMain), sends it SIGINT once
// DIR/.partial/ holds the second finished candidate (the last of the
// one-group order search, so that the resumed run warm-starts two groups
// from what the checkpoint kept), checks the exit status and the
// message, runs the same command with --resume, and checks that
// selection.csv is byte for byte that of an uninterrupted run and that
// the checkpoint is gone. TestSelectResume does the same with a
// cancelled context in the process.
func TestSelectResumeAfterSignal(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	// About 2-4 s of search: 10 candidates (1-4 groups, the order search
	// from 3 down), each with 40 starts and 3 folds; the second is done
	// after a tenth of that, which leaves the signal time to arrive.
	args := func(dir string, more ...string) []string {
		return append([]string{"select", "--data", "example:sim630", "--groups", "1-4", "--orders", "1-3", "--cv", "3",
			"--starts", "40", "--out", dir}, more...)
	}
	// start runs trajkit with args in a child process; done receives its
	// exit once it has ended.
	start := func(args []string) (cmd *exec.Cmd, stderr *bytes.Buffer, done chan error) {
		t.Helper()
		cmd = exec.Command(os.Args[0], args...)
		cmd.Env = append(os.Environ(), "TRAJKIT_TEST_MAIN=1")
		stderr = new(bytes.Buffer)
		cmd.Stdout, cmd.Stderr = new(bytes.Buffer), stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done = make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		return cmd, stderr, done
	}
	// wait returns the exit of a child, killing it after a minute.
	wait := func(cmd *exec.Cmd, stderr *bytes.Buffer, done chan error) error {
		t.Helper()
		select {
		case err := <-done:
			return err
		case <-time.After(time.Minute):
			cmd.Process.Kill()
			<-done
			t.Fatalf("trajkit %s still running after a minute; stderr:\n%s", strings.Join(cmd.Args[1:], " "), stderr)
			return nil
		}
	}

	tmp := t.TempDir()
	whole := filepath.Join(tmp, "whole")
	cmd, stderr, done := start(args(whole))
	if err := wait(cmd, stderr, done); err != nil {
		t.Fatalf("uninterrupted: %v; stderr:\n%s", err, stderr)
	}
	wantCSV, err := os.ReadFile(filepath.Join(whole, "selection.csv"))
	if err != nil {
		t.Fatal(err)
	}

	dir := filepath.Join(tmp, "resumed")
	partial := filepath.Join(dir, ".partial")
	// The second candidate is written atomically (a temporary file
	// renamed): once it is there, it is whole.
	second := filepath.Join(partial, "candidate-002.json")
	cmd, stderr, done = start(args(dir))
	deadline := time.After(time.Minute)
	poll := time.NewTicker(10 * time.Millisecond)
	defer poll.Stop()
	for waiting := true; waiting; {
		select {
		case err := <-done:
			t.Fatalf("select ended (%v) before its second model was checkpointed; stderr:\n%s", err, stderr)
		case <-deadline:
			cmd.Process.Kill()
			<-done
			t.Fatalf("no %s after a minute; stderr:\n%s", second, stderr)
		case <-poll.C:
			_, err := os.Stat(second)
			waiting = err != nil
		}
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err = wait(cmd, stderr, done)
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != exitInterrupted {
		t.Fatalf("after SIGINT: exit %v, want status %d (did the search end before the signal?); stderr:\n%s", err, exitInterrupted, stderr)
	}
	for _, want := range []string{"model search interrupted after", "stopped by interrupt", "run the same command with --resume"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("after SIGINT: stderr lacks %q:\n%s", want, stderr)
		}
	}
	// Candidates finished between the poll and the signal are kept too.
	kept, err := filepath.Glob(filepath.Join(partial, "candidate-*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(kept) < 2 {
		t.Fatalf("after SIGINT: %d candidates in %s, want at least 2", len(kept), partial)
	}
	if _, err := os.Stat(filepath.Join(dir, "selection.csv")); !os.IsNotExist(err) {
		t.Errorf("after SIGINT: selection.csv published (%v)", err)
	}

	cmd, stderr, done = start(args(dir, "--resume"))
	if err := wait(cmd, stderr, done); err != nil {
		t.Fatalf("resumed: %v; stderr:\n%s", err, stderr)
	}
	if want := fmt.Sprintf("resuming after the %d models", len(kept)); !strings.Contains(stderr.String(), want) {
		t.Errorf("resumed: stderr lacks %q:\n%s", want, stderr)
	}
	got, err := os.ReadFile(filepath.Join(dir, "selection.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, wantCSV) {
		t.Errorf("resumed after %d models: selection.csv\n%s\nuninterrupted\n%s", len(kept), got, wantCSV)
	}
	if _, err := os.Stat(partial); !os.IsNotExist(err) {
		t.Errorf("resumed: the checkpoint is still there: %v", err)
	}
	t.Logf("interrupted after %d of the candidates", len(kept))
}
