package main

import (
	"fmt"
	"io"
	"os"
)

// progress shows a one-line progress report on stderr when stderr is a
// terminal, and nothing otherwise.
type progress struct {
	w    io.Writer
	name string
	on   bool
	last int
}

func newProgress(w io.Writer, name string) *progress {
	p := &progress{w: w, name: name}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.on = true
		}
	}
	return p
}

func (p *progress) update(msg string) {
	if !p.on {
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

func (p *progress) done() {
	if p.on && p.last > 0 {
		fmt.Fprintf(p.w, "\r%*s\r", p.last, "")
	}
}
