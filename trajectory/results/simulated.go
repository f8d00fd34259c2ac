package results

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/trajkit/trajkit/trajectory"
	"github.com/trajkit/trajkit/trajectory/careersio"
)

// WriteTruth writes truth.csv, id,group: each person's true group, its
// 1-based number or its label when the groups have labels.
func WriteTruth(w io.Writer, s *trajectory.Simulated) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	bw.WriteString("id,group\n")
	for i, g := range s.Groups {
		b := bw.AvailableBuffer()
		b = careersio.AppendField(b, s.Careers.IDs[i])
		b = append(b, ',')
		if s.Labels != nil {
			b = careersio.AppendField(b, s.Labels[g-1])
		} else {
			b = strconv.AppendInt(b, int64(g), 10)
		}
		b = append(b, '\n')
		if _, err := bw.Write(b); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// WriteSimulated writes the files of a simulated data set into dir:
// long.csv, wide.csv, truth.csv and, when the generator has person
// variables, persons.csv. It returns their paths; once ctx is cancelled
// it writes no further file, and stops the file it is writing (long.csv of
// 10⁶ careers is half a gigabyte), which WriteFile then removes.
func WriteSimulated(ctx context.Context, dir string, s *trajectory.Simulated) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	type outFile struct {
		name  string
		write func(io.Writer) error
	}
	files := []outFile{
		{LongFile, func(w io.Writer) error { return careersio.WriteLong(w, s.Careers) }},
		{WideFile, func(w io.Writer) error { return careersio.WriteWide(w, s.Careers) }},
		{TruthFile, func(w io.Writer) error { return WriteTruth(w, s) }},
	}
	if s.Persons != nil {
		files = append(files, outFile{PersonsFile, s.Persons.WriteCSV})
	}
	var names []string
	for _, f := range files {
		path := filepath.Join(dir, f.name)
		if err := ctx.Err(); err != nil {
			return names, fmt.Errorf("%d of %d files written; interrupted before writing %s: %w", len(names), len(files), path, err)
		}
		err := WriteFile(path, func(w io.Writer) error { return f.write(contextWriter{ctx, w}) })
		if ctxErr := ctx.Err(); err != nil && ctxErr != nil {
			return names, fmt.Errorf("%d of %d files written; interrupted while writing %s: %w", len(names), len(files), path, ctxErr)
		}
		if err != nil {
			return names, err
		}
		names = append(names, path)
	}
	return names, nil
}

// contextWriter is a writer that fails once ctx is cancelled. Behind a
// buffered writer it checks ctx once per buffer.
type contextWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c contextWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}
