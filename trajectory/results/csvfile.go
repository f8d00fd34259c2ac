package results

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/trajkit/trajkit/trajectory/careersio"
)

// Column is a column of a result file: its name in the file, its title in
// the report, the digits the report shows (0 for text or whole numbers)
// and whether it is a share (shown as a percentage).
type Column struct {
	Name   string
	Title  string
	Digits int
	Share  bool
}

// writeCSV writes a CSV file of fixed columns: the header, then the
// records that next returns until it returns nil.
func writeCSV(w io.Writer, cols []Column, next func() []string) error {
	cw := csv.NewWriter(w)
	head := make([]string, len(cols))
	for j, c := range cols {
		head[j] = c.Name
	}
	cw.Write(head)
	for rec := next(); rec != nil; rec = next() {
		cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}

// records returns a next function for writeCSV over rows.
func records[T any](rows []T, record func(T) []string) func() []string {
	i := 0
	return func() []string {
		if i == len(rows) {
			return nil
		}
		i++
		return record(rows[i-1])
	}
}

// newCSVReader reads the header of a CSV file of fixed columns (file is
// its kind in errors, name its path) and returns the reader positioned on
// the first record, which checks that every record has the header's
// columns, and the number of columns the file has. Columns are only ever
// added at the end: the first required columns are in every file, the
// rest only in files of a trajkit that writes them, so a file may stop
// after any of them.
func newCSVReader(r io.Reader, name, file string, cols []Column, required int) (*csv.Reader, int, error) {
	cr := careersio.NewCSVReader(r, name)
	head, err := cr.Read()
	if err != nil {
		return nil, 0, &careersio.DataError{File: name, Line: 1, Msg: fmt.Sprintf("expected the header of %s: %v", file, err)}
	}
	if len(head) < required || len(head) > len(cols) {
		names := make([]string, len(cols))
		for j, c := range cols {
			names[j] = c.Name
		}
		return nil, 0, &careersio.DataError{File: name, Line: 1, Msg: fmt.Sprintf("expected the header of %s, %s (the last %d columns may be absent), got %d columns",
			file, strings.Join(names, ","), len(cols)-required, len(head))}
	}
	for j, h := range head {
		if h != cols[j].Name {
			return nil, 0, &careersio.DataError{File: name, Line: 1, Column: j + 1, Msg: fmt.Sprintf("column %q where %q was expected", h, cols[j].Name)}
		}
	}
	return cr, len(head), nil
}

// readOptional reads the file name of the set d with read when it is part
// of the set; the zero T when it is not.
func readOptional[T any](d *Dir, name string, read func(io.Reader, string) (T, error)) (T, error) {
	var zero T
	f, err := d.Optional(name)
	if err != nil || f == nil {
		return zero, err
	}
	defer f.Close()
	return read(f, d.file(name))
}
