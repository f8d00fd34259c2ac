package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/trajkit/trajkit/trajectory/figure"
	"github.com/trajkit/trajkit/trajectory/results"
)

// beginOut starts the result set a command writes into --out dir: it
// takes the directory's lock before any work, so that a second command
// writing there is refused at once. It returns nil for no --out.
func beginOut(ctx context.Context, dir, command string, args []string) (*results.Set, error) {
	if dir == "" {
		return nil, nil
	}
	return results.Begin(ctx, dir, command, args)
}

// commitOut publishes the set and says which files it holds.
func commitOut(s *results.Set, stdout io.Writer) error {
	if err := s.Commit(); err != nil {
		return err
	}
	var names []string
	for _, e := range s.Manifest().Files {
		if e.Run == "" {
			names = append(names, e.Name)
		}
	}
	fmt.Fprintf(stdout, "\nWrote %s in %s\n", strings.Join(names, ", "), s.Dir())
	return nil
}

// writeFigureTo renders fig into the set as name (.png, .svg or .pdf).
func writeFigureTo(s *results.Set, name string, fig *figure.Figure, size figure.Size) error {
	format, err := figureFormat(name)
	if err != nil {
		return err
	}
	return s.Write(name, func(w io.Writer) error { return fig.RenderSize(w, format, size) })
}

// sameDir reports whether a and b name the same directory.
func sameDir(a, b string) bool {
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}
