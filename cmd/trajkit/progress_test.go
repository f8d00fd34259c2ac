package main

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/trajkit/trajkit/mixture"
	"github.com/trajkit/trajkit/trajectory"
)

// fakeClock is a clock a test moves by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

// newTestProgress returns a progress report to a buffer (not a terminal)
// on a clock the test moves.
func newTestProgress(quiet bool) (*progress, *bytes.Buffer, *fakeClock) {
	var buf bytes.Buffer
	clk := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	p := newProgress(&buf, "select", quiet)
	p.now = clk.now
	p.start, p.lastLine, p.prevAt = clk.t, clk.t, clk.t
	return p, &buf, clk
}

func TestProgressLog(t *testing.T) {
	p, buf, clk := newTestProgress(false)
	// 30 steps 2 s apart: 60 s, so at most 6 lines, and a final one.
	for i := 1; i <= 30; i++ {
		clk.t = clk.t.Add(2 * time.Second)
		p.update("step " + strconv.Itoa(i) + p.eta(i, 30))
	}
	p.done()
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) > 7 {
		t.Errorf("%d lines for 60 s of steps, want at most 7 (one per 10 s and a final one):\n%s", len(lines), buf)
	}
	if want := "select: step 5, ETA 50s (10s elapsed)"; lines[0] != want {
		t.Errorf("first line %q, want %q", lines[0], want)
	}
	if last := lines[len(lines)-1]; !strings.HasPrefix(last, "select: step 30 (1m0s elapsed)") {
		t.Errorf("final line %q, want the last step", last)
	}
}

func TestProgressLogShortRun(t *testing.T) {
	// A run shorter than logEvery leaves the log untouched.
	p, buf, clk := newTestProgress(false)
	for range 5 {
		clk.t = clk.t.Add(time.Second)
		p.update("step")
	}
	p.done()
	if buf.Len() != 0 {
		t.Errorf("a 5 s run wrote %q, want nothing", buf)
	}
}

func TestProgressQuiet(t *testing.T) {
	p, buf, clk := newTestProgress(true)
	for range 30 {
		clk.t = clk.t.Add(5 * time.Second)
		p.update("step")
	}
	p.done()
	if buf.Len() != 0 {
		t.Errorf("--quiet wrote %q, want nothing", buf)
	}
}

func TestProgressSearch(t *testing.T) {
	p, buf, clk := newTestProgress(false)
	p.name = "fit"
	// 50 short runs 1 s apart, then 5 runs to convergence 4 s apart.
	for i := 1; i <= 50; i++ {
		clk.t = clk.t.Add(time.Second)
		p.search(mixture.Progress{Phase: mixture.ShortRuns, Done: i, Total: 50, BestLogLik: -100 - 1/float64(i)})
	}
	for i := 1; i <= 5; i++ {
		clk.t = clk.t.Add(4 * time.Second)
		p.search(mixture.Progress{Phase: mixture.FullRuns, Done: i, Total: 5, BestLogLik: -90})
	}
	p.done()
	want := `fit: short runs: 10 of 50 starts done, ETA 40s for the phase; best log-likelihood -100.100 (10s elapsed)
fit: short runs: 20 of 50 starts done, ETA 30s for the phase; best log-likelihood -100.050 (20s elapsed)
fit: short runs: 30 of 50 starts done, ETA 20s for the phase; best log-likelihood -100.033 (30s elapsed)
fit: short runs: 40 of 50 starts done, ETA 10s for the phase; best log-likelihood -100.025 (40s elapsed)
fit: short runs: 50 of 50 starts done; best log-likelihood -100.020 (50s elapsed)
fit: runs to convergence: 3 of 5 starts done, ETA 8s for the phase; best log-likelihood -90.000 (1m2s elapsed)
fit: runs to convergence: 5 of 5 starts done; best log-likelihood -90.000 (1m10s elapsed)
`
	if got := buf.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestProgressSelection(t *testing.T) {
	p, buf, clk := newTestProgress(false)
	s := trajectory.SelectSettings{MinGroups: 1, MaxGroups: 4, MinOrder: 3, MaxOrder: 3}
	report := p.selection(s)
	// Four models 12 s apart, cross-validated in between.
	for k := 1; k <= 4; k++ {
		clk.t = clk.t.Add(6 * time.Second)
		p.fold(trajectory.Model{Orders: slices.Repeat([]int{3}, k)}, 1, 2)
		clk.t = clk.t.Add(6 * time.Second)
		report(k, &trajectory.Candidate{Groups: k, Orders: slices.Repeat([]int{3}, k)})
	}
	p.done()
	// The first line comes at 12 s, the first update 10 s after the start.
	want := `select: 1 of 4 models fitted, ETA 36s; last: 1 group, orders 3 (12s elapsed)
select: 2 of 4 models fitted, ETA 24s; last: 2 groups, orders 3;3 (24s elapsed)
select: 3 of 4 models fitted, ETA 12s; last: 3 groups, orders 3;3;3 (36s elapsed)
select: 4 of 4 models fitted; last: 4 groups, orders 3;3;3;3 (48s elapsed)
`
	if got := buf.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	// After the last model, the fit is the recommended model's refit.
	clk.t = clk.t.Add(10 * time.Second)
	buf.Reset()
	p.searching(mixture.Progress{Phase: mixture.FullRuns, Done: 1, Total: 1, BestLogLik: -9})
	if want := "select: 4 of 4 models fitted; refitting the recommended model: runs to convergence, 1 of 1 start done, best log-likelihood -9.000 (58s elapsed)\n"; buf.String() != want {
		t.Errorf("got %q, want %q", buf.String(), want)
	}
	// Before the first model, a fold or a fit says so.
	p, buf, clk = newTestProgress(false)
	clk.t = clk.t.Add(11 * time.Second)
	p.searching(mixture.Progress{Phase: mixture.ShortRuns, Done: 3, Total: 20, BestLogLik: -12.5})
	if want := "select: no model fitted yet; fitting the next: short runs, 3 of 20 starts done, best log-likelihood -12.500 (11s elapsed)\n"; buf.String() != want {
		t.Errorf("got %q, want %q", buf.String(), want)
	}
	p, buf, clk = newTestProgress(false)
	clk.t = clk.t.Add(11 * time.Second)
	p.fold(trajectory.Model{Orders: []int{3}}, 1, 2)
	if want := "select: no model fitted yet; cross-validating 1 group, orders 3: fold 1 of 2 (11s elapsed)\n"; buf.String() != want {
		t.Errorf("got %q, want %q", buf.String(), want)
	}
}
