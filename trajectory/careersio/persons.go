package careersio

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/trajkit/trajkit/mixture"
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
	// Warnings are about the file's columns (ManyLevels).
	Warnings []trajectory.Warning
	row      map[string]int
}

// PersonColumn is one variable of a person table: numeric (integers,
// decimals, or true/false as 1/0) or categorical (text, or any column
// named in PersonOptions.Categorical).
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

// PersonOptions say how to read a person file. The zero value reads
// persons identified by the column "id" and tells each column's type from
// its cells (ReadPersons).
type PersonOptions struct {
	// ID names the person id column; empty means "id".
	ID string
	// Categorical names columns that are categorical whatever their cells:
	// codes written as numbers (region 1 to 5), a column that mixes numbers
	// and text, or one with many levels, which then gets no warning.
	Categorical []string
	// Sheet names the worksheet of an Excel person file; empty means the
	// first.
	Sheet string
	// Dialect says how a CSV person file is written (Source.Dialect).
	Dialect Dialect
}

// ManyLevelsLimit is the number of levels above which a categorical
// column not named in PersonOptions.Categorical gets a ManyLevels
// warning: it is more likely an identifier or free text than a variable.
const ManyLevelsLimit = 50

// ErrColumnType classifies the error of a column whose cells are not all
// of one type (errors.Is): numbers with text, true/false with numbers,
// numbers that are not finite. Naming the column in
// PersonOptions.Categorical reads it as categorical instead.
var ErrColumnType = errors.New("the cells of a column are not all of one type")

// ReadPersonsFile reads a person table from a CSV, Stata, SPSS or Excel
// file (see readPersonsTable).
func ReadPersonsFile(path string, opt PersonOptions) (*PersonTable, error) {
	return readPersonsTable(path, opt)
}

// ReadPersons reads a person table with one row per person, identified by
// the column opt.ID; name is the file name used in errors. The file is
// read row by row (encoding/csv, so errors name line and column); white
// space around a cell is trimmed, and ids must be present and unique. Each
// column's type comes from its cells, missing ones (empty, NA, NaN, ".")
// apart:
//
//   - numeric when every cell is a finite number (strconv.ParseFloat);
//   - numeric 1/0 when every cell is true or false (lower case);
//   - categorical when every cell is text (anything else), with a
//     ManyLevels warning above ManyLevelsLimit levels;
//   - categorical whatever its cells, without that warning, when
//     opt.Categorical names it.
//
// Any other column is an error wrapping ErrColumnType, at the first cell
// not of the type of most of the column's cells: a mixed column is a
// mistake in the file or a categorical column to be named as such, never
// silently one or the other. So is a column whose only values are numbers
// that are not finite (Inf, 1e400).
func ReadPersons(r io.Reader, name string, opt PersonOptions) (*PersonTable, error) {
	idColumn := opt.ID
	if idColumn == "" {
		idColumn = "id"
	}
	cr := NewCSVReader(r, name)
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
	categorical := map[int]bool{}
	for _, c := range opt.Categorical {
		j, ok := seen[c]
		switch {
		case !ok:
			return nil, errAt(1, 0, "", "no column %q (named categorical); the header has %s", c, quoteList(header))
		case j == idCol:
			return nil, errAt(1, j+1, c, "the person id column is named categorical: ids are not a variable")
		}
		categorical[j] = true
	}
	cr.FieldsPerRecord = len(header)
	t := &PersonTable{File: name, IDColumn: idColumn, row: map[string]int{}}
	var records [][]string // trimmed, one per row
	var rawIDs []string
	err = EachRecord(cr, name, func(rec []string, line int) error {
		raw := rec[idCol]
		id := strings.TrimSpace(raw)
		if id == "" {
			return errAt(line, idCol+1, idColumn, "empty person id")
		}
		if r, dup := t.row[id]; dup {
			if raw != rawIDs[r] {
				return errAt(line, idCol+1, idColumn, "%s", spellingMsg(raw, id, rawIDs[r], t.Lines[r]))
			}
			return errAt(line, idCol+1, idColumn, "person %q already has a row (line %d): a person file has one row per person", id, t.Lines[r])
		}
		t.row[id] = len(t.IDs)
		t.IDs = append(t.IDs, id)
		t.Lines = append(t.Lines, line)
		rawIDs = append(rawIDs, raw)
		row := make([]string, len(rec))
		for j := range rec {
			row[j] = strings.TrimSpace(rec[j])
		}
		records = append(records, row)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(t.IDs) == 0 {
		return nil, errAt(1, 0, "", "the file has a header but no data rows")
	}
	cells := make([]string, len(records))
	for j, col := range header {
		if j == idCol {
			continue
		}
		for r, rec := range records {
			cells[r] = rec[j]
		}
		pc := PersonColumn{Name: col, Field: j + 1}
		if categorical[j] {
			pc.setLevels(cells)
			t.Columns = append(t.Columns, pc)
			continue
		}
		kind, bad, err := columnKind(cells, t.Lines)
		if err != nil {
			return nil, &DataError{File: name, Line: t.Lines[bad], Column: j + 1, ColumnName: col, Msg: err.Error(), Err: ErrColumnType}
		}
		switch kind {
		case textCell:
			pc.setLevels(cells)
			if n := len(pc.Levels); n > ManyLevelsLimit {
				t.Warnings = append(t.Warnings, mixture.Warnf(ManyLevels, nil,
					"%s: column %q is text with %d levels, more than %d, each profiled by group: an identifier or free text? Name it as categorical (PersonOptions.Categorical) if it is meant", name, col, n, ManyLevelsLimit))
			}
		default:
			pc.Numeric = true
			pc.Values = make([]float64, len(cells))
			for r, c := range cells {
				pc.Values[r] = cellValue(c)
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

// Matched returns how many of the persons ids (read from the file other)
// have a row in t. None is an error naming both files: files that share
// no person are joined on the wrong column, or write their ids otherwise,
// and a profile or risk factors of nobody would be no answer.
func (t *PersonTable) Matched(ids []string, other string) (int, error) {
	n := 0
	for _, id := range ids {
		if t.Row(id) >= 0 {
			n++
		}
	}
	if n == 0 && len(ids) > 0 {
		return 0, &DataError{File: t.File, Msg: fmt.Sprintf("no person of %s has a row: its %d ids (such as %q) are none of the %d in column %q here (such as %q); check that both files name persons by the same column and the same ids",
			other, len(ids), ids[0], len(t.IDs), t.IDColumn, t.IDs[0])}
	}
	return n, nil
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
		if labels := pc.levelLabels(); labels != nil {
			if d.ValueLabels == nil {
				d.ValueLabels = map[string]map[string]string{}
			}
			d.ValueLabels[name] = labels
		}
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

// DesignLike builds, for the persons ids (new careers' persons, in
// order), the design of a fitted membership model: the covariates of
// model, in its order, whatever levels this table's columns have, so that
// the model's coefficients apply. A numeric variable's values must read
// as numbers; a categorical one takes each person's value as the
// indicator of its level, and its base level as all zeros (a model.json
// that does not record base levels: the one value that sorts before every
// level with an indicator). A value that is none of the model's levels, a
// person with no row and a missing value are errors that name the file,
// line and column (the last two wrap ErrMissingRisk).
func (t *PersonTable) DesignLike(model *trajectory.RiskDesign, ids []string) (*trajectory.RiskDesign, error) {
	vars, err := model.VariableList()
	if err != nil {
		return nil, fmt.Errorf("the model's risk factors: %v", err)
	}
	d := &trajectory.RiskDesign{Names: model.Names, Variables: model.Variables, BaseLevels: model.BaseLevels, ValueLabels: model.ValueLabels}
	cols := make([]*PersonColumn, len(vars))
	for v, rv := range vars {
		pc := t.Column(rv.Name)
		if pc == nil {
			names := make([]string, len(t.Columns))
			for j, c := range t.Columns {
				names[j] = c.Name
			}
			return nil, &DataError{File: t.File, Line: 1, Msg: fmt.Sprintf("no column %q, a risk factor of the model; the person file has %s", rv.Name, quoteList(names))}
		}
		cols[v] = pc
		for range max(len(rv.Levels), 1) {
			d.Of = append(d.Of, v)
		}
	}
	// Without a recorded base level, the base is the one value that sorts
	// before every level with an indicator (Design's base is the first
	// level in sorted order).
	guessed := make([]string, len(vars))
	for _, id := range ids {
		r := t.Row(id)
		if r < 0 {
			return nil, &DataError{File: t.File, Msg: fmt.Sprintf("person %q of the careers has no row", id), Err: ErrMissingRisk}
		}
		x := make([]float64, 0, len(model.Names))
		for v, pc := range cols {
			rv := vars[v]
			if pc.missing(r) {
				return nil, &DataError{File: t.File, Line: t.Lines[r], Column: pc.Field, ColumnName: pc.Name,
					Msg: fmt.Sprintf("missing value for person %q", id), Err: ErrMissingRisk}
			}
			if rv.Numeric() {
				val, err := pc.number(r)
				if err != nil {
					return nil, &DataError{File: t.File, Line: t.Lines[r], Column: pc.Field, ColumnName: pc.Name,
						Msg: fmt.Sprintf("%v: the model's risk factor %q is numeric", err, rv.Name)}
				}
				x = append(x, val)
				continue
			}
			level := pc.level(r)
			at := slices.Index(rv.Levels, level)
			base := level == rv.Base
			if at < 0 && rv.Base == "" && level < rv.Levels[0] && (guessed[v] == "" || guessed[v] == level) {
				guessed[v], base = level, true
			}
			if at < 0 && !base {
				known := quoteLevels(rv.Levels) + " and a base level that the model does not record"
				if b := cmp.Or(rv.Base, guessed[v]); b != "" {
					known = quoteLevels(append([]string{b}, rv.Levels...))
				}
				return nil, &DataError{File: t.File, Line: t.Lines[r], Column: pc.Field, ColumnName: pc.Name,
					Msg: fmt.Sprintf("person %q has the level %q, which the model does not know: it was fitted with %s", id, level, known)}
			}
			for l := range rv.Levels {
				x = append(x, boolFloat(l == at))
			}
		}
		d.X = append(d.X, x)
	}
	return d, nil
}

// number returns row r's value of a numeric column, or of a categorical
// one (where gota found values it does not read as numbers) if it reads
// as a finite number.
func (pc *PersonColumn) number(r int) (float64, error) {
	if pc.Numeric {
		return pc.Values[r], nil
	}
	l := pc.Levels[pc.Codes[r]]
	x, err := strconv.ParseFloat(l, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, fmt.Errorf("value %q is not a finite number", l)
	}
	return x, nil
}

// level returns row r's value of a categorical column, or of a numeric
// one as it reads (a column whose values here all look like numbers may
// have been categorical in the data a model was fitted to).
func (pc *PersonColumn) level(r int) string {
	if pc.Numeric {
		return strconv.FormatFloat(pc.Values[r], 'g', -1, 64)
	}
	return pc.Levels[pc.Codes[r]]
}

// levelLabels returns the value labels of the column's levels (those
// not blank), nil when it has none.
func (pc *PersonColumn) levelLabels() map[string]string {
	var out map[string]string
	for _, l := range pc.Levels {
		if label := strings.TrimSpace(pc.Labels[l]); label != "" {
			if out == nil {
				out = map[string]string{}
			}
			out[l] = label
		}
	}
	return out
}

// quoteLevels lists levels, quoted, the first 12 of many.
func quoteLevels(l []string) string { return quoteFirst(l, 12, "levels") }

func boolFloat(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
