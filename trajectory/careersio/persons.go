package careersio

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strings"

	"github.com/go-gota/gota/dataframe"
	"github.com/go-gota/gota/series"
	"github.com/trajkit/trajkit/trajectory"
)

// PersonTable is a person-level table (risk factors, background variables)
// read from a CSV file with one row per person.
type PersonTable struct {
	File     string
	IDColumn string
	IDs      []string
	// Lines[r] is the file line of row r.
	Lines   []int
	Columns []PersonColumn
	row     map[string]int
}

// PersonColumn is one variable of a person table: numeric (integers,
// decimals, or true/false as 1/0) or categorical (any other text).
type PersonColumn struct {
	Name string
	// Field is the 1-based column number in the file.
	Field   int
	Numeric bool
	// Values of a numeric column; NaN where missing.
	Values []float64
	// Levels (sorted) and Codes (index into Levels, −1 where missing) of a
	// categorical column.
	Levels []string
	Codes  []int
	// Labels are the value labels of a categorical column read from a
	// Stata or SPSS file (level to label), nil otherwise.
	Labels map[string]string
}

// missingValues are the cells read as missing: empty, NA, NaN and ".".
var missingValues = []string{"", "NA", "NaN", "."}

// ReadPersonsFile reads a person table.
func ReadPersonsFile(path, idColumn string) (*PersonTable, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadPersons(f, path, idColumn)
}

// ReadPersons reads a person table with one row per person, identified by
// the column idColumn. The file's structure is checked row by row
// (encoding/csv, so errors name line and column); column types come from
// gota's type detection, with our checks on top: ids present and unique,
// numbers finite.
func ReadPersons(r io.Reader, name, idColumn string) (*PersonTable, error) {
	cr := csv.NewReader(r)
	errAt := func(line, col int, colName, format string, args ...any) error {
		return &DataError{File: name, Line: line, Column: col, ColumnName: colName, Msg: fmt.Sprintf(format, args...)}
	}
	header, err := cr.Read()
	if err == io.EOF {
		return nil, &DataError{File: name, Msg: "the file is empty: expected a header line with column names"}
	}
	if err != nil {
		return nil, CSVError(name, cr, err)
	}
	header = append([]string(nil), header...)
	seen := map[string]int{}
	for j := range header {
		if j == 0 {
			header[j] = strings.TrimPrefix(header[j], "\ufeff")
		}
		header[j] = strings.TrimSpace(header[j])
		if k, ok := seen[header[j]]; ok {
			return nil, errAt(1, j+1, header[j], "duplicated column name (also column %d)", k+1)
		}
		seen[header[j]] = j
	}
	idCol, ok := seen[idColumn]
	if !ok {
		return nil, errAt(1, 0, "", "no column %q (person id); the header has %s", idColumn, quoteList(header))
	}
	cr.FieldsPerRecord = len(header)
	t := &PersonTable{File: name, IDColumn: idColumn, row: map[string]int{}}
	records := [][]string{header}
	err = EachRecord(cr, name, func(rec []string, line int) error {
		id := strings.TrimSpace(rec[idCol])
		if id == "" {
			return errAt(line, idCol+1, idColumn, "empty person id")
		}
		if r, dup := t.row[id]; dup {
			return errAt(line, idCol+1, idColumn, "person %q already has a row (line %d): a person file has one row per person", id, t.Lines[r])
		}
		t.row[id] = len(t.IDs)
		t.IDs = append(t.IDs, id)
		t.Lines = append(t.Lines, line)
		for j := range rec {
			rec[j] = strings.TrimSpace(rec[j])
		}
		records = append(records, rec)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(t.IDs) == 0 {
		return nil, errAt(1, 0, "", "the file has a header but no data rows")
	}
	df := dataframe.LoadRecords(records, dataframe.DetectTypes(true), dataframe.HasHeader(true),
		dataframe.NaNValues(missingValues), dataframe.WithTypes(map[string]series.Type{idColumn: series.String}))
	if df.Err != nil {
		return nil, &DataError{File: name, Msg: df.Err.Error()}
	}
	for j, col := range header {
		if j == idCol {
			continue
		}
		s := df.Col(col)
		pc := PersonColumn{Name: col, Field: j + 1}
		nan := s.IsNaN()
		switch s.Type() {
		case series.Int, series.Float, series.Bool:
			pc.Numeric = true
			pc.Values = s.Float()
			for r, v := range pc.Values {
				if nan[r] {
					pc.Values[r] = math.NaN()
				} else if math.IsInf(v, 0) {
					return nil, errAt(t.Lines[r], j+1, col, "value %q is not finite: expected a number", records[r+1][j])
				}
			}
		default:
			levels := map[string]bool{}
			for r, v := range s.Records() {
				if !nan[r] {
					levels[v] = true
				}
			}
			for l := range levels {
				pc.Levels = append(pc.Levels, l)
			}
			sort.Strings(pc.Levels)
			code := map[string]int{}
			for c, l := range pc.Levels {
				code[l] = c
			}
			pc.Codes = make([]int, len(t.IDs))
			for r, v := range s.Records() {
				pc.Codes[r] = -1
				if !nan[r] {
					pc.Codes[r] = code[v]
				}
			}
		}
		t.Columns = append(t.Columns, pc)
	}
	return t, nil
}

// Column returns the column with the given name, or nil.
func (t *PersonTable) Column(name string) *PersonColumn {
	for j := range t.Columns {
		if t.Columns[j].Name == name {
			return &t.Columns[j]
		}
	}
	return nil
}

// Row returns the row of a person id, or −1.
func (t *PersonTable) Row(id string) int {
	if r, ok := t.row[id]; ok {
		return r
	}
	return -1
}

// missing reports whether row r of the column is missing.
func (pc *PersonColumn) missing(r int) bool {
	if pc.Numeric {
		return math.IsNaN(pc.Values[r])
	}
	return pc.Codes[r] < 0
}

// ErrMissingRisk classifies the error of a person without a row or with a
// missing risk factor (errors.Is); Design's dropMissing leaves such persons
// out instead.
var ErrMissingRisk = errors.New("a risk factor is missing")

// Design builds the risk-factor design for the persons ids (the careers'
// persons, in order). A person with no row or a missing value is an error
// that names the file, line and column (and wraps ErrMissingRisk), unless
// dropMissing: then such persons are left out, and keep lists the indices
// (into ids) of those kept.
func (t *PersonTable) Design(vars []string, ids []string, dropMissing bool) (d *trajectory.RiskDesign, keep []int, err error) {
	d = &trajectory.RiskDesign{}
	cols := make([]*PersonColumn, len(vars))
	for v, name := range vars {
		pc := t.Column(name)
		if pc == nil {
			if name == t.IDColumn {
				return nil, nil, fmt.Errorf("%s: %q is the person id column, not a risk factor", t.File, name)
			}
			names := make([]string, len(t.Columns))
			for j, c := range t.Columns {
				names[j] = c.Name
			}
			return nil, nil, &DataError{File: t.File, Line: 1, Msg: fmt.Sprintf("no column %q; the person file has %s", name, quoteList(names))}
		}
		cols[v] = pc
		d.Variables = append(d.Variables, name)
		if pc.Numeric {
			d.Names = append(d.Names, name)
			d.Of = append(d.Of, v)
			d.BaseLevels = append(d.BaseLevels, "")
			continue
		}
		if len(pc.Levels) < 2 {
			return nil, nil, fmt.Errorf("%s: column %q has %d level(s): a categorical risk factor needs at least two", t.File, name, len(pc.Levels))
		}
		d.BaseLevels = append(d.BaseLevels, pc.Levels[0])
		for _, l := range pc.Levels[1:] {
			d.Names = append(d.Names, name+"="+l)
			d.Of = append(d.Of, v)
		}
	}
	for i, id := range ids {
		r := t.Row(id)
		if r < 0 {
			if dropMissing {
				continue
			}
			return nil, nil, &DataError{File: t.File, Msg: fmt.Sprintf("person %q of the careers has no row", id), Err: ErrMissingRisk}
		}
		x := make([]float64, 0, len(d.Names))
		complete := true
		for _, pc := range cols {
			if pc.missing(r) {
				if !dropMissing {
					return nil, nil, &DataError{File: t.File, Line: t.Lines[r], Column: pc.Field, ColumnName: pc.Name,
						Msg: fmt.Sprintf("missing value for person %q", id), Err: ErrMissingRisk}
				}
				complete = false
				break
			}
			if pc.Numeric {
				x = append(x, pc.Values[r])
				continue
			}
			for l := 1; l < len(pc.Levels); l++ {
				v := 0.0
				if pc.Codes[r] == l {
					v = 1
				}
				x = append(x, v)
			}
		}
		if complete {
			d.X = append(d.X, x)
			keep = append(keep, i)
		}
	}
	if len(keep) == 0 {
		return nil, nil, fmt.Errorf("%s: no person of the careers has complete risk factors", t.File)
	}
	return d, keep, nil
}
