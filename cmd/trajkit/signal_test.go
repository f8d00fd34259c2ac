package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets a test run this package's main in a child process (the test
// binary re-executed with TRAJKIT_TEST_MAIN=1 and trajkit's arguments), so
// that a test can send it a signal.
func TestMain(m *testing.M) {
	if os.Getenv("TRAJKIT_TEST_MAIN") == "1" {
		os.Args = append([]string{"trajkit"}, os.Args[1:]...)
		main()
		return
	}
	code := m.Run()
	cleanExamples()
	cleanScoreFits()
	cleanReproduced()
	os.Exit(code)
}

// TestSignalCancelsFit sends SIGINT or SIGTERM to a trajkit process in the
// middle of a long fit and checks that it stops early with exit status 130,
// says where the fit stopped, and publishes nothing in --out (select keeps
// its checkpoint there).
func TestSignalCancelsFit(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	for _, tc := range []struct {
		sig  syscall.Signal
		args []string
		wait time.Duration
		want string
	}{
		// Each would run for tens of seconds: 400 starts of 6 groups on
		// 5000 careers, every one to convergence; a search over 1-6 groups.
		// The wait is past the reading, even on a loaded machine.
		{syscall.SIGINT, []string{"fit", "--data", "example:sim5000", "--groups", "6", "--starts", "400", "--converge-all"}, 2 * time.Second, "fit interrupted during the runs to convergence"},
		{syscall.SIGTERM, []string{"select", "--data", "example:sim5000", "--groups", "1-6", "--cv", "5"}, 2 * time.Second, "model search interrupted after"},
		// Drawing 4·10^5 careers takes about 2 s, more than the wait: the
		// drawing stops and no file is written.
		{syscall.SIGINT, []string{"simulate", "--preset", "scale", "--persons", "400000"}, 700 * time.Millisecond, "simulate: interrupted after"},
	} {
		t.Run(tc.args[0], func(t *testing.T) {
			t.Parallel() // child processes; the waits overlap
			out := filepath.Join(t.TempDir(), "out")
			cmd := exec.Command(os.Args[0], append(tc.args, "--out", out)...)
			cmd.Env = append(os.Environ(), "TRAJKIT_TEST_MAIN=1")
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(tc.wait)
			sent := time.Now()
			if err := cmd.Process.Signal(tc.sig); err != nil {
				t.Fatal(err)
			}
			err := cmd.Wait()
			stopped := time.Since(sent)
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != exitInterrupted {
				t.Fatalf("exit %v, want status %d; stderr:\n%s", err, exitInterrupted, stderr.String())
			}
			msg := stderr.String()
			for _, want := range []string{tc.want, "context canceled", "stopped by " + tc.sig.String()} {
				if !strings.Contains(msg, want) {
					t.Errorf("stderr lacks %q:\n%s", want, msg)
				}
			}
			// select keeps the models it finished in .partial/, for
			// --resume (and so the directory, with its lock file);
			// nothing is published.
			var names []string
			partial := false
			entries, _ := os.ReadDir(out)
			for _, e := range entries {
				keep := tc.args[0] == "select" && (e.Name() == ".partial" || e.Name() == ".trajkit.lock")
				partial = partial || e.Name() == ".partial"
				if !keep {
					names = append(names, e.Name())
				}
			}
			if len(names) > 0 {
				t.Errorf("--out holds %v after the interrupt, want nothing", names)
			}
			if tc.args[0] == "select" && !partial {
				t.Errorf("select kept no checkpoint in --out")
			}
			t.Logf("stopped %v after the signal; stderr:\n%s", stopped.Round(time.Millisecond), msg)
		})
	}
}

// TestInterruptDeadline: a command blocked where no context reaches (the
// open of a pipe that no one writes) still exits 130 soon after SIGINT,
// leaving nothing in --out.
func TestInterruptDeadline(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	t.Parallel() // a child process that waits for its deadline
	fifo := filepath.Join(t.TempDir(), "careers.csv")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	out := filepath.Join(t.TempDir(), "out")
	cmd := exec.Command(os.Args[0], "fit", "--data", fifo, "--tcov", "employed", "--groups", "2", "--out", out)
	cmd.Env = append(os.Environ(), "TRAJKIT_TEST_MAIN=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	sent := time.Now()
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("still running 20 s after SIGINT; stderr:\n%s", stderr.String())
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != exitInterrupted {
		t.Fatalf("exit %v, want %d; stderr:\n%s", err, exitInterrupted, stderr.String())
	}
	if !strings.Contains(stderr.String(), "still running") {
		t.Errorf("stderr does not say the deadline stopped it:\n%s", stderr.String())
	}
	if entries, err := os.ReadDir(out); err == nil && len(entries) > 0 {
		t.Errorf("--out holds %d entries after the interrupt", len(entries))
	}
	t.Logf("exited %v after SIGINT", time.Since(sent).Round(time.Millisecond))
}

// feed writes data into the named pipe path once a reader opens it.
func feed(path string, data []byte) {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return
	}
	f.Write(data)
	f.Close()
}

// TestPipeReadOnce: careers with a time-varying covariate from a named
// pipe are read once (a second open would wait for ever for a writer),
// and model.json says their checksum is unavailable.
func TestPipeReadOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	src, err := os.ReadFile(filepath.Join("..", "..", "data", "tcov", "employment.csv"))
	if err != nil {
		t.Skip("no employment.csv beside the embedded data: ", err)
	}
	fifo := filepath.Join(t.TempDir(), "careers.csv")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	go feed(fifo, src)
	out := filepath.Join(t.TempDir(), "out")
	cmd := exec.Command(os.Args[0], "fit", "--data", fifo, "--tcov", "employed", "--groups", "2", "--order", "2", "--starts", "4", "--out", out)
	cmd.Env = append(os.Environ(), "TRAJKIT_TEST_MAIN=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("still running after 60 s (reading the pipe twice?); stderr:\n%s", stderr.String())
	}
	if err != nil {
		t.Fatalf("fit from a pipe: %v; stderr:\n%s", err, stderr.String())
	}
	b, err := os.ReadFile(filepath.Join(out, "model.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`"unchecked": "not a regular file`)) || bytes.Contains(b, []byte(`"sha256"`)) {
		t.Errorf("model.json does not record the data as unchecked")
	}
	// plot reads the careers again from the pipe, and says that it cannot
	// check them against the fit's.
	go feed(fifo, src)
	code, _, stderr2 := trajkit(t, "plot", "--model", out, "--data", fifo, "--out", filepath.Join(t.TempDir(), "t.svg"))
	if code != 0 || !strings.Contains(stderr2, "cannot check") {
		t.Errorf("plot of careers from a pipe: exit %d, %q; want a warning that they cannot be checked", code, stderr2)
	}
}
