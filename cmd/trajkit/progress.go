package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/trajkit/trajkit/internal/words"
	"github.com/trajkit/trajkit/mixture"
)

// logEvery is how often a progress report writes a line when stderr is
// not a terminal (a batch log).
const logEvery = 10 * time.Second

// progress reports a long run's progress on stderr. On a terminal it
// redraws one line after every step; otherwise (a log file, a pipe) it
// writes a line at most every logEvery, and when it has written any, a
// final line at the end, so that a log shows how far a run got without a
// line per step. Runs shorter than logEvery leave a log untouched. Quiet
// (--quiet) turns it off.
type progress struct {
	w        io.Writer
	name     string
	terminal bool
	off      bool
	now      func() time.Time // time.Now; injected by tests
	start    time.Time
	phase    time.Time        // when the EM search's phase began (search)
	prev     mixture.Progress // the search's last report
	prevAt   time.Time        // and when it came
	models   string           // a model search's models done (selection)
	allDone  bool             // and every model of the search is done
	lastLine time.Time        // of the last line written to a log
	logged   bool             // a line went to the log
	pending  string           // the latest message not yet in the log
	last     int              // length of the terminal line
}

func newProgress(w io.Writer, name string, quiet bool) *progress {
	p := &progress{w: w, name: name, off: quiet, now: time.Now}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.terminal = true
		}
	}
	p.start = p.now()
	p.lastLine, p.prevAt = p.start, p.start
	return p
}

func (p *progress) update(msg string) {
	if p.off {
		return
	}
	if !p.terminal {
		p.pending = msg
		if t := p.now(); t.Sub(p.lastLine) >= logEvery {
			p.lastLine = t
			p.flush()
		}
		return
	}
	line := fmt.Sprintf("\r%s: %s", p.name, msg)
	pad := p.last - len(line)
	p.last = len(line)
	if pad > 0 {
		line += fmt.Sprintf("%*s", pad, "")
	}
	fmt.Fprint(p.w, line)
}

// flush writes the pending message as a log line.
func (p *progress) flush() {
	if p.pending == "" {
		return
	}
	fmt.Fprintf(p.w, "%s: %s (%s elapsed)\n", p.name, p.pending, p.now().Sub(p.start).Round(time.Second))
	p.pending, p.logged = "", true
}

func (p *progress) done() {
	switch {
	case p.off:
	case p.terminal && p.last > 0:
		fmt.Fprintf(p.w, "\r%*s\r", p.last, "")
	case !p.terminal && p.logged:
		p.flush()
	}
}

// eta returns ", ETA 1m30s" from the pace of the done of total steps so
// far, or "" before the first or after the last.
func (p *progress) eta(done, total int) string {
	if done <= 0 || done >= total {
		return ""
	}
	el := p.now().Sub(p.start)
	left := time.Duration(float64(el) / float64(done) * float64(total-done))
	return ", ETA " + left.Round(time.Second).String()
}

// search reports an EM search's progress (mixture.Settings.Progress):
// the phase, its runs done of total and the best log-likelihood so far.
// The ETA is that of the phase: how long the next phase takes depends on
// how many of the kept starts converge together.
func (p *progress) search(r mixture.Progress) {
	// A phase begins when the one before ends: at its last report.
	if p.prev.Total == 0 || r.Phase != p.prev.Phase || r.Done <= p.prev.Done {
		p.phase = p.prevAt
	}
	p.prev, p.prevAt = r, p.now()
	eta := ""
	if el := p.now().Sub(p.phase); r.Done > 0 && r.Done < r.Total {
		eta = ", ETA " + time.Duration(float64(el)/float64(r.Done)*float64(r.Total-r.Done)).Round(time.Second).String() + " for the phase"
	}
	p.update(fmt.Sprintf("%s: %d of %s done%s; best log-likelihood %.3f", r.Phase, r.Done, words.Count(r.Total, "start"), eta, r.BestLogLik))
}

// steps returns a callback that reports done of total steps, each
// called what (a singular noun), with an ETA.
func (p *progress) steps(what string) func(done, total int) {
	return func(done, total int) {
		p.update(fmt.Sprintf("%d of %s done%s", done, words.Count(total, what), p.eta(done, total)))
	}
}
