package careersio

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/trajkit/trajkit/internal/words"
	"github.com/trajkit/trajkit/mixture"
	"github.com/trajkit/trajkit/trajectory"
)

// Format is the layout of a career file.
type Format string

const (
	// Long has one row per person and age: id, age, count[, exposure].
	Long Format = "long"
	// Wide has one row per person, with count columns named prefix+age
	// (y12, y13, ...) and optional exposure columns (e12, ...), as traj
	// and crimCV take them.
	Wide Format = "wide"
)

// ReadOptions say how to read a career file. The zero value reads a long
// or wide file (detected from the header) with columns id, age and y.
type ReadOptions struct {
	// Format forces long or wide; empty means detect from the header.
	Format Format
	// ID names the person identifier column; empty means "id".
	ID string
	// Age names the age column of a long file; empty means "age".
	Age string
	// Count names the count column of a long file, or the prefix of the
	// count columns of a wide file; empty means "y".
	Count string
	// Exposure names the exposure column of a long file, or the prefix of
	// the exposure columns of a wide file; empty means every exposure is 1.
	Exposure string
	// NoID says that a wide or traj file has no id column (crimCV's
	// matrix): the persons are numbered 1, 2, ... in file order.
	NoID bool
	// Time is the prefix of the time columns of a traj file (t1, t2, ...);
	// empty means "t". TimeScale multiplies the times to give ages in
	// whole years (10 for times in decades, t = age/10); 0 means 1.
	Time      string
	TimeScale float64
	// Real reads the count column (or columns) as real numbers, negatives
	// allowed, for the censored normal (cnorm): careers with real values
	// (trajectory.Careers.V). A decimal comma is the dialect's (Dialect),
	// turned into a point before this reader sees the cells. Real values
	// take no exposure.
	Real bool
	// For the tests that compare the two ways of reading a long or wide
	// CSV file: sequential reads it in one goroutine, and batch, when > 0,
	// is the number of records per batch (reader.each).
	sequential bool
	batch      int
}

func (o ReadOptions) withDefaults() ReadOptions {
	if o.ID == "" {
		o.ID = "id"
	}
	if o.Age == "" {
		o.Age = "age"
	}
	if o.Count == "" {
		o.Count = "y"
	}
	if o.Time == "" {
		o.Time = "t"
	}
	return o
}

// ReadInfo describes what a reader found.
type ReadInfo struct {
	Format Format
	// Rows is the number of data rows read.
	Rows int
	// Unobserved lists the ids of persons with a row but no observed age
	// (wide files with only empty cells); they are not in the careers.
	Unobserved []string
	Warnings   []trajectory.Warning
}

// DataError is an error in a data file: where it is and what was expected.
type DataError struct {
	File       string
	Line       int    // 1-based line of the record; 0 when not about a line
	Column     int    // 1-based column (field) number; 0 when not about a field
	ColumnName string // the column's name from the header, when known
	Msg        string
	// Err, when not nil, classifies the error for errors.Is (for example
	// ErrMissingRisk).
	Err error
}

// Unwrap returns e.Err.
func (e *DataError) Unwrap() error { return e.Err }

func (e *DataError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ":%d", e.Column)
		}
	}
	b.WriteString(": ")
	if e.ColumnName != "" {
		fmt.Fprintf(&b, "column %q: ", e.ColumnName)
	}
	b.WriteString(e.Msg)
	return b.String()
}

// ReadCareersFile reads a long or wide career file.
func ReadCareersFile(path string, opt ReadOptions) (*trajectory.Careers, *ReadInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	return ReadCareers(f, path, opt)
}

// ReadCareers reads a long or wide career file from r; name is the file
// name used in errors. It streams the rows and builds the sparse store
// directly: no row is kept once read, and memory follows the persons and
// the non-zero cells. A UTF-8 byte-order mark and CRLF line ends are
// accepted; ids are kept as strings. A long or wide file of more than a
// few hundred records is read by two goroutines, one splitting the
// records (and parsing the cells of a wide file) while the calling one
// adds the persons and cells in file order (parsing those of a long
// file): the careers and errors are those of reading in one.
func ReadCareers(r io.Reader, name string, opt ReadOptions) (*trajectory.Careers, *ReadInfo, error) {
	opt = opt.withDefaults()
	if opt.Real && opt.Exposure != "" {
		return nil, nil, &DataError{File: name, Msg: "real values (the censored normal) take no exposure: leave out the exposure column"}
	}
	o := newOutcome(OutcomeColumns{Name: opt.Count, Count: opt.Count, Exposure: opt.Exposure, Real: opt.Real})
	rd, err := read(r, name, opt, []*outcome{o})
	if err != nil {
		return nil, nil, err
	}
	c, err := o.b.Build(opt.Exposure != "")
	if err != nil {
		return nil, nil, &DataError{File: name, Msg: err.Error()}
	}
	if c.Len() == 0 {
		return nil, nil, &DataError{File: name, Msg: "no person has an observed age"}
	}
	rd.warnUnobserved()
	return c, rd.info, nil
}

// read reads the career file r (name in errors) into the builders of
// outs, the first of which names the counts that opt.Count, Exposure and
// Real name.
func read(r io.Reader, name string, opt ReadOptions, outs []*outcome) (*reader, error) {
	br := bufio.NewReaderSize(input(r, name), 1<<16)
	skipBOM(br)
	cr := csv.NewReader(br) // reads from br itself, which is large enough
	cr.ReuseRecord = true
	rd := &reader{cr: cr, name: name, opt: opt, outs: outs, info: &ReadInfo{}}
	if len(outs) > 1 {
		rd.rows = trajectory.NewCareerBuilder()
		rd.lo, rd.hi = math.MaxInt, math.MinInt
	}
	header, err := rd.header()
	if err != nil {
		return nil, err
	}
	rd.rr = newRecordReader(br, cr, header)
	format := opt.Format
	if format == "" {
		format, err = rd.detect(header)
		if err != nil {
			return nil, err
		}
	}
	rd.info.Format = format
	switch format {
	case Long:
		err = rd.long(header)
	case Wide:
		err = rd.wide(header)
	case Traj:
		if len(outs) > 1 {
			return nil, &DataError{File: name, Msg: "several outcomes are read from long and wide files, not from a traj file: write the file long (id, age, one column per outcome)"}
		}
		err = rd.traj(header)
	default:
		return nil, fmt.Errorf("unknown format %q: expected long, wide or traj", format)
	}
	if err != nil {
		return nil, err
	}
	if rd.info.Rows == 0 {
		return nil, &DataError{File: name, Line: 1, Msg: "the file has a header but no data rows"}
	}
	return rd, nil
}

// warnUnobserved adds the warning about the persons left out for no
// observed age.
func (rd *reader) warnUnobserved() {
	if n := len(rd.info.Unobserved); n > 0 {
		rd.info.Warnings = append(rd.info.Warnings, mixture.Warnf(trajectory.PersonsLeftOut, nil, "%s %s no observed age and %s left out (first: %q)",
			words.Count(n, "person"), words.Choose(n, "has", "have"), words.Choose(n, "is", "are"), rd.info.Unobserved[0]))
	}
}

// reader reads a career file into the builders of its outcomes. A long or
// wide CSV file goes through a pipeline (each): a goroutine reads the
// records in batches, splitting them (and parsing the cells of a wide
// file), and the goroutine of the call takes the batches in file order
// and adds their persons and cells (parsing those of a long file first);
// each half stops at the first error it finds, and the first in file
// order is returned, the one reading record by record gives.
// A traj file is read record by record (traj).
type reader struct {
	cr   *csv.Reader // the header; rr the records
	rr   *recordReader
	name string
	opt  ReadOptions
	// outs are the outcomes read, each with its builder; their persons
	// are the same, in the same order.
	outs []*outcome
	info *ReadInfo
	// idBuf holds the id of a row without an id column.
	idBuf []byte
	// wideCols are the count columns of every outcome of a wide file, in
	// the order of outs and then of the header.
	wideCols []wideColumn
	// With several outcomes, seen says which persons have an observed
	// cell in any of them, lo and hi are the youngest and oldest observed
	// age, and rows (long files) has every row's age, to find a second
	// row for one age whatever its cells.
	seen   []bool
	lo, hi int
	rows   *trajectory.CareerBuilder
}

// person returns the index of the person with the given id, adding her to
// every outcome's builder when new.
func (rd *reader) person(id []byte) (p int, isNew bool) {
	p, isNew = rd.outs[0].b.PersonBytes(id)
	if isNew && len(rd.outs) > 1 {
		s := rd.outs[0].b.ID(p)
		for _, o := range rd.outs[1:] {
			o.b.Person(s)
		}
		rd.rows.Person(s)
		rd.seen = append(rd.seen, false)
	}
	return p, isNew
}

func (rd *reader) errAt(line, col int, colName, format string, args ...any) error {
	return &DataError{File: rd.name, Line: line, Column: col, ColumnName: colName, Msg: fmt.Sprintf(format, args...)}
}

// CSVError turns an error of cr, reading the file name, into a DataError
// with the line and column the CSV reader names.
func CSVError(name string, cr *csv.Reader, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		msg := pe.Err.Error()
		if errors.Is(pe.Err, csv.ErrFieldCount) {
			return &DataError{File: name, Line: pe.StartLine, Msg: fmt.Sprintf("wrong number of fields: expected %d, as in the header", cr.FieldsPerRecord)}
		}
		if errors.Is(pe.Err, csv.ErrQuote) || errors.Is(pe.Err, csv.ErrBareQuote) {
			msg += "; expected a CSV file with quotes only around whole fields"
		}
		return &DataError{File: name, Line: pe.Line, Column: pe.Column, Msg: msg}
	}
	var de *DataError
	if errors.As(err, &de) {
		return de // the Input's: a bound or an interrupt
	}
	return &DataError{File: name, Msg: err.Error(), Err: err}
}

// EachRecord reads the records of cr to the end of the file, calling fn
// with each and the line it starts on (name is the file's name in errors).
// A CSV error becomes CSVError's DataError; an error of fn ends the
// reading and is returned as it is.
func EachRecord(cr *csv.Reader, name string, fn func(rec []string, line int) error) error {
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return CSVError(name, cr, err)
		}
		line, _ := cr.FieldPos(0)
		for j, f := range rec {
			if len(f) > MaxFieldBytes {
				return fieldTooLong(name, line, j)
			}
		}
		if err := fn(rec, line); err != nil {
			return err
		}
	}
}

// onePerson adds the person of a row of a file with one row per person
// (wide, traj; what names it in errors) and returns her index: her id
// must be valid UTF-8, spelt as on her first row (raw is her id field as
// written), and not seen before. Without an id column (idCol < 0), ids
// are row numbers and always new.
func (rd *reader) onePerson(ids *idSpellings, h []string, idCol int, raw []byte, line int, id []byte, what string) (int, error) {
	p, isNew := rd.person(id)
	if isNew && !utf8.Valid(id) {
		return 0, rd.notUTF8(line, idCol, h, id)
	}
	if idCol < 0 {
		return p, nil
	}
	if msg := ids.see(p, isNew, raw, id, line); msg != "" {
		return 0, rd.errAt(line, idCol+1, h[idCol], "%s", msg)
	}
	if !isNew {
		return 0, rd.errAt(line, idCol+1, h[idCol], "person %q already has a row (line %d): %s has one row per person", id, ids.first[p], what)
	}
	return p, nil
}

// fieldTooLong is the error of field j (0-based) of the record on line.
func fieldTooLong(name string, line, j int) error {
	return &DataError{File: name, Line: line, Column: j + 1, Msg: fmt.Sprintf("a field longer than %d KiB, the limit", MaxFieldBytes>>10)}
}

func (rd *reader) header() ([]string, error) {
	rec, err := rd.cr.Read()
	if err == io.EOF {
		return nil, &DataError{File: rd.name, Msg: "the file is empty: expected a header line with column names"}
	}
	if err != nil {
		return nil, CSVError(rd.name, rd.cr, err)
	}
	h := make([]string, len(rec))
	seen := map[string]int{}
	for j, v := range rec {
		if j == 0 {
			v = strings.TrimPrefix(v, "\ufeff")
		}
		v = strings.TrimSpace(v)
		if !utf8Valid(v) {
			return nil, rd.errAt(1, j+1, "", "the header is not text: expected a CSV file with column names on the first line")
		}
		if k, ok := seen[v]; ok {
			return nil, rd.errAt(1, j+1, v, "duplicated column name (also column %d)", k+1)
		}
		seen[v] = j
		h[j] = v
	}
	rd.cr.FieldsPerRecord = len(h)
	return h, nil
}

func (rd *reader) detect(h []string) (Format, error) {
	if index(h, rd.opt.Age) >= 0 && index(h, rd.opt.Count) >= 0 {
		return Long, nil
	}
	counts, err := prefixed(rd.name, h, rd.opt.Count)
	if err != nil {
		return "", err
	}
	if len(counts) > 0 {
		// Counts y1..yT with times t1..tT are waves, not ages 1..T.
		if rd.isTraj(h, counts) {
			return Traj, nil
		}
		return Wide, nil
	}
	return "", rd.errAt(1, 0, "", "cannot tell the format from the header: expected columns %q and %q (long) or count columns %s12, %s13, ... (wide); the header has %s",
		rd.opt.Age, rd.opt.Count, rd.opt.Count, rd.opt.Count, quoteList(h))
}

// column returns the index of a required column.
func (rd *reader) column(h []string, name, what string) (int, error) {
	j := index(h, name)
	if j < 0 {
		return 0, rd.errAt(1, 0, "", "no column %q (%s); the header has %s", name, what, quoteList(h))
	}
	return j, nil
}

// idColumn returns the id column of a wide or traj file, −1 with NoID.
func (rd *reader) idColumn(h []string) (int, error) {
	if rd.opt.NoID {
		return -1, nil
	}
	j, err := rd.column(h, rd.opt.ID, "person id")
	if err != nil && index(h, "id") < 0 {
		// A matrix of counts without ids (crimCV's): say how to read it.
		err = rd.errAt(1, 0, "", "no column %q (person id); the header has %s: name the id column (--id), or number the rows 1..N as the ids with --no-id", rd.opt.ID, quoteList(h))
	}
	return j, err
}

func (rd *reader) long(h []string) error {
	o := rd.opt
	if o.NoID {
		return rd.errAt(1, 0, "", "a long file needs its id column: --no-id is for wide and traj files, one row per person")
	}
	idCol, err := rd.column(h, o.ID, "person id")
	if err != nil {
		return err
	}
	ageCol, err := rd.column(h, o.Age, "age")
	if err != nil {
		return err
	}
	exposures := false
	for _, out := range rd.outs {
		if out.col, err = rd.column(h, out.Count, rd.countWhat(out)); err != nil {
			return err
		}
		out.eCol = -1
		if out.Exposure != "" {
			exposures = true
			if out.eCol, err = rd.column(h, out.Exposure, "exposure"); err != nil {
				return err
			}
		}
	}
	if j := exposureLike(h, false); !exposures && j >= 0 {
		rd.info.Warnings = append(rd.info.Warnings, mixture.Warnf(UnusedExposure, nil, "column %q looks like an exposure (time at risk) but is not used; name it as the exposure (ReadOptions.Exposure) to use it", h[j]))
	}
	cols := rd.longColumns(ageCol)
	return rd.each(rd.fillLong(h, idCol, cols), rd.useLong(h, idCol, ageCol, cols))
}

// countWhat says what the count column of outcome out is, for errors.
func (rd *reader) countWhat(out *outcome) string {
	if len(rd.outs) == 1 {
		return "count"
	}
	return fmt.Sprintf("count of outcome %q", out.Name)
}

// missingRow is the error of a row of a long file without an observed
// cell.
func (rd *reader) missingRow(line int, h []string) error {
	out := rd.outs[0]
	if len(rd.outs) > 1 {
		cols := make([]string, len(rd.outs))
		for k, o := range rd.outs {
			cols[k] = h[o.col]
		}
		return rd.errAt(line, out.col+1, h[out.col], "missing in every outcome (columns %s): expected a value in at least one (leave out the row of an unobserved age)", quoteList(cols))
	}
	if out.Real {
		return rd.errAt(line, out.col+1, h[out.col], "missing value: expected a number (leave out the row of an unobserved age)")
	}
	return rd.errAt(line, out.col+1, h[out.col], "missing count: expected a whole number ≥ 0 (leave out the row of an unobserved age)")
}

// notUTF8 is the error of an id that is not UTF-8 text: most often a
// Windows-1252 file (Excel's "CSV" on Western European Windows).
func (rd *reader) notUTF8(line, idCol int, h []string, id []byte) error {
	return rd.errAt(line, idCol+1, h[idCol], "person id %q is not UTF-8 text: give the file's encoding (--encoding windows-1252) or save it as UTF-8", id)
}

// row reads the next data row of a career file (split) and counts it;
// err is io.EOF at the end of the file. Without an id column (idCol −1)
// the id is the row's number and raw is nil.
func (rd *reader) row(h []string, idCol int) (rec [][]byte, line int, raw, id []byte, err error) {
	if rec, line, raw, id, err = rd.split(h, idCol); err != nil {
		return nil, 0, nil, nil, err
	}
	rd.info.Rows++
	if idCol < 0 {
		rd.idBuf = strconv.AppendInt(rd.idBuf[:0], int64(rd.info.Rows), 10)
		id = rd.idBuf
	}
	return rec, line, raw, id, nil
}

func (rd *reader) wide(h []string) error {
	o := rd.opt
	idCol, err := rd.idColumn(h)
	if err != nil {
		return err
	}
	exposures := false
	for k, out := range rd.outs {
		if out.counts, err = prefixed(rd.name, h, out.Count); err != nil {
			return err
		}
		if len(out.counts) == 0 {
			return rd.errAt(1, 0, "", "no %s columns %s<age> (for example %s12); the header has %s", rd.countWhat(out), out.Count, out.Count, quoteList(h))
		}
		if k == 0 && rd.isTraj(h, out.counts) {
			rd.info.Warnings = append(rd.info.Warnings, mixture.Warnf(UnusedTimes, nil, "columns %s1, %s2, ... look like the ages of the waves of a traj file but are not used: the count columns are read as ages %d to %d (read the file as a traj file, Format traj, to take the ages from them)",
				o.Time, o.Time, out.counts[0].age, out.counts[len(out.counts)-1].age))
		}
		if out.Exposure != "" {
			exposures = true
			if out.expOf, err = rd.wideExposures(h, out.counts, out.Exposure); err != nil {
				return err
			}
		}
	}
	if j := exposureLike(h, true); !exposures && j >= 0 {
		rd.info.Warnings = append(rd.info.Warnings, mixture.Warnf(UnusedExposure, nil, "columns such as %q look like exposures (time at risk) but are not used; name their prefix as the exposure (ReadOptions.Exposure) to use them", h[j]))
	}
	rd.wideCols = rd.wideCols[:0]
	for k, out := range rd.outs {
		for j, c := range out.counts {
			wc := wideColumn{out: k, age: c.age, col: c.col, exp: -1}
			if out.expOf != nil {
				wc.exp = out.expOf[j]
			}
			rd.wideCols = append(rd.wideCols, wc)
		}
	}
	// Every person is added to the builders, which leave out those with no
	// observed age.
	return rd.each(rd.fillWide(h, idCol), rd.useWide(h, idCol))
}

// wideExposures returns the exposure column (prefix+age) of each count
// column of a wide file.
func (rd *reader) wideExposures(h []string, counts []ageColumn, prefix string) ([]int, error) {
	exps, err := prefixed(rd.name, h, prefix)
	if err != nil {
		return nil, err
	}
	if len(exps) == 0 {
		return nil, rd.errAt(1, 0, "", "no exposure columns %s<age> (for example %s12); the header has %s", prefix, prefix, quoteList(h))
	}
	expCol := map[int]int{} // age -> column
	for _, c := range exps {
		expCol[c.age] = c.col
	}
	expOf := make([]int, len(counts))
	for j, c := range counts {
		ec, ok := expCol[c.age]
		if !ok {
			return nil, rd.errAt(1, c.col+1, h[c.col], "no exposure column %s%d for this count column", prefix, c.age)
		}
		expOf[j] = ec
	}
	return expOf, nil
}

// value parses a cell of the count column of outcome o: a count, or with
// o.Real a real value v.
func (o *outcome) value(b []byte) (y uint32, v float64, missing bool, err error) {
	if !o.Real {
		y, missing, err = parseCountBytes(b)
		return y, 0, missing, err
	}
	v, missing, err = parseReal(string(b))
	return 0, v, missing, err
}

// add records an observed cell of outcome o: count y with exposure e, or
// with o.Real the value v.
func (rd *reader) add(o *outcome, p, age int, y uint32, v, e float64) error {
	var err error
	if o.Real {
		err = o.b.AddValue(p, age, v)
	} else {
		err = o.b.Add(p, age, y, e)
	}
	if err == nil && len(rd.outs) > 1 {
		rd.seen[p] = true
		rd.lo, rd.hi = min(rd.lo, age), max(rd.hi, age)
	}
	return err
}

// parseReal parses a real value: a finite number, negatives allowed.
// Missing cells are reported as such and left to the caller.
func parseReal(s string) (v float64, missing bool, err error) {
	if f, err := strconv.ParseFloat(s, 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
		return f, false, nil
	}
	s = strings.TrimSpace(s)
	if isMissing(s) {
		return 0, true, nil
	}
	f, perr := strconv.ParseFloat(s, 64)
	switch {
	case perr != nil && !errors.Is(perr, strconv.ErrRange):
		return 0, false, fmt.Errorf("value %q is not a number: expected a real number such as -1.5 (a decimal comma needs the decimal mark named: --decimal ,)", s)
	case math.IsNaN(f) || math.IsInf(f, 0):
		return 0, false, fmt.Errorf("value %q is not finite: expected a real number", s)
	}
	return f, false, nil
}

// isMissing reports whether a cell means "not observed": empty, NA (R) or
// "." (Stata).
func isMissing(s string) bool {
	return s == "" || s == "NA" || s == "."
}

// parseCountBytes is parseCount for a cell in a read buffer, fast for the
// usual cells: empty, or a few digits.
func parseCountBytes(b []byte) (y uint32, missing bool, err error) {
	if len(b) == 0 {
		return 0, true, nil
	}
	if v, ok := smallUint(b); ok {
		return uint32(v), false, nil
	}
	return parseCount(string(b))
}

// parseAgeBytes is parseAge for a cell in a read buffer.
func parseAgeBytes(b []byte) (int, error) {
	if v, ok := smallUint(b); ok {
		return v, nil
	}
	return parseAge(string(b))
}

// parseExposureBytes is parseExposure for a cell in a read buffer, fast
// for the usual exposure 1.
func parseExposureBytes(b []byte) (float64, error) {
	if len(b) == 1 && b[0] == '1' {
		return 1, nil
	}
	// The conversion does not allocate when the string does not escape, as
	// here; parseExposure judges everything but a valid exposure.
	if f, err := strconv.ParseFloat(string(b), 64); err == nil && f > 0 && !math.IsInf(f, 0) {
		return f, nil
	}
	return parseExposure(string(b))
}

// smallUint parses 1 to 9 decimal digits, which is what strconv.Atoi and
// ParseUint make of them.
func smallUint(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 9 {
		return 0, false
	}
	v := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

// parseCount parses a count: a whole number ≥ 0. Missing cells are
// reported as such and left to the caller.
func parseCount(s string) (y uint32, missing bool, err error) {
	if v, err := strconv.ParseUint(s, 10, 32); err == nil {
		return uint32(v), false, nil
	}
	s = strings.TrimSpace(s)
	if isMissing(s) {
		return 0, true, nil
	}
	f, perr := strconv.ParseFloat(s, 64)
	switch {
	case perr != nil && !errors.Is(perr, strconv.ErrRange):
		return 0, false, fmt.Errorf("count %q is not a number: expected a whole number ≥ 0", s)
	case math.IsNaN(f) || math.IsInf(f, 0):
		return 0, false, fmt.Errorf("count %q is not finite: expected a whole number ≥ 0", s)
	case f < 0:
		return 0, false, fmt.Errorf("count %q is negative: expected a whole number ≥ 0", s)
	case f != math.Trunc(f):
		return 0, false, fmt.Errorf("count %q is not a whole number: expected a whole number ≥ 0 (counts of offences or cases, not rates)", s)
	case f > math.MaxUint32:
		return 0, false, fmt.Errorf("count %q is too large: expected at most %d", s, uint32(math.MaxUint32))
	}
	return uint32(f), false, nil
}

// parseAge parses an age in whole years.
func parseAge(s string) (int, error) {
	if v, err := strconv.Atoi(s); err == nil {
		return v, nil
	}
	s = strings.TrimSpace(s)
	if isMissing(s) {
		return 0, fmt.Errorf("missing age: expected a whole number of years")
	}
	f, err := strconv.ParseFloat(s, 64)
	switch {
	case err != nil && !errors.Is(err, strconv.ErrRange):
		return 0, fmt.Errorf("age %q is not a number: expected a whole number of years", s)
	case math.IsNaN(f) || math.IsInf(f, 0):
		return 0, fmt.Errorf("age %q is not finite: expected a whole number of years", s)
	case math.Abs(f) > trajectory.MaxAbsAge:
		return 0, fmt.Errorf("age %q is out of range: expected whole years within ±%d", s, trajectory.MaxAbsAge)
	case f != math.Trunc(f):
		return 0, fmt.Errorf("age %q is not a whole number of years: round or bin ages to whole years first", s)
	}
	return int(f), nil
}

// parseExposure parses an exposure: a finite number > 0.
func parseExposure(s string) (float64, error) {
	s = strings.TrimSpace(s)
	if isMissing(s) {
		return 0, fmt.Errorf("missing exposure for an observed count: expected a number > 0 (time at risk)")
	}
	f, err := strconv.ParseFloat(s, 64)
	switch {
	case err != nil && !errors.Is(err, strconv.ErrRange):
		return 0, fmt.Errorf("exposure %q is not a number: expected a number > 0 (time at risk)", s)
	case math.IsNaN(f) || math.IsInf(f, 0):
		return 0, fmt.Errorf("exposure %q is not finite: expected a number > 0 (time at risk)", s)
	case f <= 0:
		return 0, fmt.Errorf("exposure %q is not positive: expected a number > 0 (time at risk); leave out the row of an age not at risk", s)
	}
	return f, nil
}

type ageColumn struct{ col, age int }

// prefixed returns the columns named prefix+age, an age in digits, in
// header order (name is the file, for errors). Digits that are no age the
// reader can hold (y99999999999999999999) and a second column for one age
// (y012 beside y12) are errors naming the column, whose cells would
// otherwise be left out or merged without a word. Other names that start
// with the prefix (year, y12a) are other columns.
func prefixed(name string, h []string, prefix string) ([]ageColumn, error) {
	var out []ageColumn
	colOf := map[int]int{}
	for j, c := range h {
		rest, ok := strings.CutPrefix(c, prefix)
		if !ok || rest == "" || !allDigits(rest) {
			continue
		}
		age, err := strconv.Atoi(rest)
		if err != nil {
			return nil, &DataError{File: name, Line: 1, Column: j + 1, ColumnName: c,
				Msg: fmt.Sprintf("the name is %q and %s, which is no age: expected %s and an age in whole years, such as %s12", prefix, rest, prefix, prefix)}
		}
		if k, dup := colOf[age]; dup {
			return nil, &DataError{File: name, Line: 1, Column: j + 1, ColumnName: c,
				Msg: fmt.Sprintf("a second column for %q at age %d (also column %d, %q)", prefix, age, k+1, h[k])}
		}
		colOf[age] = j
		out = append(out, ageColumn{col: j, age: age})
	}
	return out, nil
}

var exposureNames = regexp.MustCompile(`(?i)^(e|exp|expo|expos|exposure|risk|atrisk|tar|time_at_risk)(\d*)$`)

// exposureLike returns the first column that looks like an exposure
// (with an age suffix when wide), or −1.
func exposureLike(h []string, wide bool) int {
	for j, name := range h {
		m := exposureNames.FindStringSubmatch(name)
		if m == nil {
			continue
		}
		if wide == (m[2] != "") {
			return j
		}
	}
	return -1
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func index(h []string, name string) int {
	for j, v := range h {
		if v == name {
			return j
		}
	}
	return -1
}

func quoteList(h []string) string { return quoteFirst(h, 8, "columns") }

// quoteFirst lists the first show of v, quoted, and how many there are
// when there are more (noun names them).
func quoteFirst(v []string, show int, noun string) string {
	q := make([]string, 0, show+1)
	for j, x := range v {
		if j == show {
			q = append(q, fmt.Sprintf("... (%d %s)", len(v), noun))
			break
		}
		q = append(q, strconv.Quote(x))
	}
	return strings.Join(q, ", ")
}

func utf8Valid(s string) bool {
	for _, r := range s {
		if r == '\uFFFD' || (r < 0x20 && r != '\t') {
			return false
		}
	}
	return true
}
