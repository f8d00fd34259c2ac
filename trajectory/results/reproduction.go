package results

import (
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/trajkit/trajkit/trajectory/careersio"
)

// ReproRow is one row of a published-versus-reproduced table
// (reproduction.csv).
type ReproRow struct {
	Row       string
	Published string
	// Reproduced is the value from the data; NaN when it cannot be
	// computed (a column or a group is missing).
	Reproduced float64
	Tolerance  string
	// OK is whether Reproduced is within the tolerance; false when NaN.
	OK bool
	// Unit is "%", "years" or "age"; it is not in the file.
	Unit string
}

// reproductionColumns are reproduction.csv's columns, in order.
var reproductionColumns = []Column{
	{"row", "Row", 0, false},
	{"published", "Published", 0, false},
	{"reproduced", "Reproduced", 2, false},
	{"tolerance", "Tolerance", 0, false},
	{"ok", "OK", 0, false},
}

// ReproductionColumns returns the columns of reproduction.csv, in order.
func ReproductionColumns() []Column { return append([]Column(nil), reproductionColumns...) }

// WriteReproduction writes reproduction.csv: the reproduced value with two
// decimals, empty when it could not be computed.
func WriteReproduction(w io.Writer, rows []ReproRow) error {
	return writeCSV(w, reproductionColumns, records(rows, func(r ReproRow) []string {
		v := ""
		if !math.IsNaN(r.Reproduced) {
			v = strconv.FormatFloat(r.Reproduced, 'f', 2, 64)
		}
		return []string{r.Row, r.Published, v, r.Tolerance, strconv.FormatBool(r.OK)}
	}))
}

// ReadReproduction reads reproduction.csv; name is its name in errors.
func ReadReproduction(r io.Reader, name string) ([]ReproRow, error) {
	cr, _, err := newCSVReader(r, name, ReproductionFile, reproductionColumns, len(reproductionColumns))
	if err != nil {
		return nil, err
	}
	var rows []ReproRow
	err = careersio.EachRecord(cr, name, func(rec []string, line int) error {
		row := ReproRow{Row: rec[0], Published: rec[1], Reproduced: math.NaN(), Tolerance: rec[3]}
		var err error
		if rec[2] != "" {
			if row.Reproduced, err = strconv.ParseFloat(rec[2], 64); err != nil {
				return &careersio.DataError{File: name, Line: line, Column: 3, ColumnName: "reproduced", Msg: fmt.Sprintf("%q is not a number", rec[2])}
			}
		}
		if row.OK, err = strconv.ParseBool(rec[4]); err != nil {
			return &careersio.DataError{File: name, Line: line, Column: 5, ColumnName: "ok", Msg: fmt.Sprintf("%q: expected true or false", rec[4])}
		}
		rows = append(rows, row)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return rows, nil
}

// Reproduction reads the set's reproduction.csv; nil and no error when
// the set has none.
func (d *Dir) Reproduction() ([]ReproRow, error) {
	return readOptional(d, ReproductionFile, ReadReproduction)
}
