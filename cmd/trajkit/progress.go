package main

import (
	"fmt"
	"io"
	"os"
	"time"
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
	lastLine time.Time // of the last line written to a log
	logged   bool      // a line went to the log
	pending  string    // the latest message not yet in the log
	last     int       // length of the terminal line
}

func newProgress(w io.Writer, name string, quiet bool) *progress {
	p := &progress{w: w, name: name, off: quiet, now: time.Now}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.terminal = true
		}
	}
	p.start = p.now()
	p.lastLine = p.start
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
