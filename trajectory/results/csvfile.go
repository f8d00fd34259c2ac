package results

import (
	"encoding/csv"
	"fmt"
	"io"

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
// the first record, which checks that every record has all the columns.
func newCSVReader(r io.Reader, name, file string, cols []Column) (*csv.Reader, error) {
	cr := careersio.NewCSVReader(r, name)
	cr.FieldsPerRecord = len(cols)
	head, err := cr.Read()
	if err != nil {
		return nil, &careersio.DataError{File: name, Line: 1, Msg: fmt.Sprintf("expected the header of %s: %v", file, err)}
	}
	for j, c := range cols {
		if head[j] != c.Name {
			return nil, &careersio.DataError{File: name, Line: 1, Column: j + 1, Msg: fmt.Sprintf("column %q where %q was expected", head[j], c.Name)}
		}
	}
	return cr, nil
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
