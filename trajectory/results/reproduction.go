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
	// Unit is the unit of Reproduced as of the published figure: "%"
	// (percentage points), "years", "cases", "age" (a whole age) or ""
	// (a count); empty in files of earlier versions.
	Unit string
	// Data names the careers the value was computed from: "synthetic
	// cohort (example:nl630)" for the embedded cohort, otherwise the
	// career file; empty in files of earlier versions.
	Data string
}

// FormatReproduced writes the reproduced value as the published figure it
// is compared with reads: a percentage with one decimal ("37.1%" beside a
// published "36%"), an age as a whole number ("18" beside "15-22"), other
// numbers with one decimal; "-" when it could not be computed. The
// terminal and the report both show it so.
func (r ReproRow) FormatReproduced() string {
	switch {
	case math.IsNaN(r.Reproduced):
		return "-"
	case r.Unit == "%":
		return strconv.FormatFloat(r.Reproduced, 'f', 1, 64) + "%"
	case r.Unit == "age":
		return strconv.FormatFloat(r.Reproduced, 'f', 0, 64)
	}
	return strconv.FormatFloat(r.Reproduced, 'f', 1, 64)
}

// Verdict is "✔" when the reproduced value is within the tolerance, "✘"
// when it is not, and "n/a" when it could not be computed.
func (r ReproRow) Verdict() string {
	switch {
	case math.IsNaN(r.Reproduced):
		return "n/a"
	case r.OK:
		return "✔"
	}
	return "✘"
}

// reproductionColumns are reproduction.csv's columns, in order; files of
// earlier versions stop after ok (reproductionRequired).
var reproductionColumns = []Column{
	{"row", "Row", 0, false},
	{"published", "Published", 0, false},
	{"reproduced", "Reproduced", 2, false},
	{"tolerance", "Tolerance", 0, false},
	{"ok", "OK", 0, false},
	{"unit", "Unit", 0, false},
	{"data", "Data", 0, false},
}

const reproductionRequired = 5

// ReproductionColumns returns the columns of reproduction.csv, in order.
func ReproductionColumns() []Column { return append([]Column(nil), reproductionColumns...) }

// WriteReproduction writes reproduction.csv: the reproduced value with two
// decimals, empty when it could not be computed, its unit, and the data it
// was computed from.
func WriteReproduction(w io.Writer, rows []ReproRow) error {
	return writeCSV(w, reproductionColumns, records(rows, func(r ReproRow) []string {
		v := ""
		if !math.IsNaN(r.Reproduced) {
			v = strconv.FormatFloat(r.Reproduced, 'f', 2, 64)
		}
		return []string{r.Row, r.Published, v, r.Tolerance, strconv.FormatBool(r.OK), r.Unit, r.Data}
	}))
}

// ReadReproduction reads reproduction.csv, of this version or an earlier
// one (without unit and data); name is its name in errors.
func ReadReproduction(r io.Reader, name string) ([]ReproRow, error) {
	cr, n, err := newCSVReader(r, name, ReproductionFile, reproductionColumns, reproductionRequired)
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
		if n > 5 {
			row.Unit = rec[5]
		}
		if n > 6 {
			row.Data = rec[6]
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
