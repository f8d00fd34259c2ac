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
// it writes no further file.
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
		if err := WriteFile(path, f.write); err != nil {
			return names, err
		}
		names = append(names, path)
	}
	return names, nil
}
