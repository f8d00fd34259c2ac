package careersio

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Kind is the kind of a data file: CSV text, or a file of a statistics
// package or spreadsheet that is read natively.
type Kind string

const (
	// CSV is comma-separated text, read as it is.
	CSV Kind = "csv"
	// Stata is a Stata dataset (.dta), formats 113-115 and 117-119.
	Stata Kind = "dta"
	// SPSS is an SPSS system file (.sav), or a compressed one (.zsav).
	SPSS Kind = "sav"
	// Excel is an Office Open XML workbook (.xlsx).
	Excel Kind = "xlsx"
)

// KindOf tells the kind of a data file from its first bytes (at least 4
// of them when there are) and, failing that, the extension of its name.
// A name with the extension of a known format whose bytes are not that
// format is an error, as are the old binary Excel (.xls) and
// OpenDocument (.ods) spreadsheets, which are not read.
func KindOf(name string, head []byte) (Kind, error) {
	switch {
	case bytes.HasPrefix(head, []byte("<stata_dta>")):
		return Stata, nil
	case len(head) >= 4 && head[0] >= 113 && head[0] <= 115 && (head[1] == 1 || head[1] == 2) && head[2] == 1:
		return Stata, nil
	case bytes.HasPrefix(head, []byte("$FL2")) || bytes.HasPrefix(head, []byte("$FL3")):
		return SPSS, nil
	}
	ext := strings.ToLower(filepath.Ext(name))
	if bytes.HasPrefix(head, []byte("PK\x03\x04")) {
		if ext == ".ods" {
			return "", &DataError{File: name, Msg: "an OpenDocument spreadsheet is not read: save it as .xlsx or as CSV"}
		}
		return Excel, nil
	}
	what := map[string]string{".dta": "a Stata .dta file", ".sav": "an SPSS .sav file", ".zsav": "an SPSS .zsav file", ".xlsx": "an Excel .xlsx workbook"}[ext]
	switch {
	case what != "":
		return "", &DataError{File: name, Msg: fmt.Sprintf("not %s: it starts with %q", what, head)}
	case ext == ".xls" || bytes.HasPrefix(head, []byte{0xd0, 0xcf, 0x11, 0xe0}):
		return "", &DataError{File: name, Msg: "an Excel 97-2003 workbook (.xls) is not read: save it as .xlsx or as CSV"}
	case ext == ".ods":
		return "", &DataError{File: name, Msg: "an OpenDocument spreadsheet is not read: save it as .xlsx or as CSV"}
	}
	return CSV, nil
}

// TableOptions say how to read a file that is not CSV.
type TableOptions struct {
	// Sheet names the worksheet of an Excel workbook; empty means the
	// first.
	Sheet string
	// Dialect says how a CSV file is written (separator, decimal mark,
	// encoding).
	Dialect Dialect
}

// Table is a Stata, SPSS or Excel file read as CSV text, so that every
// reader of careers, covariates and persons takes it as it takes a CSV
// file: a header line with the variable names, then one line per
// observation (for Stata and SPSS line n+1 holds observation n; for
// Excel line n is row n of the sheet). Numbers are written in full
// ("1000000", never "1e+06"; other values as the shortest text that
// reads back to the same number), missing values as empty cells, strings
// as UTF-8 with their line breaks turned into spaces. The text is made
// as it is read, one observation at a time, so memory does not grow with
// the file.
type Table struct {
	// Kind is the file's format and Name its path.
	Kind Kind
	Name string
	// Labels holds the value labels of the variables that have them, by
	// variable name: code (as written in the text) to label. Such a
	// variable is categorical: its codes are levels, not amounts.
	Labels map[string]map[string]string
	// Size and SHA256 are those of the file's bytes.
	Size   int64
	SHA256 string

	rows   rowSource
	closer io.Closer
	buf    bytes.Buffer
	w      *csv.Writer
	rec    []string
	header bool
	err    error
}

// rowSource is a file of another format, read one observation at a time.
type rowSource interface {
	// names returns the variable names, the header of the text.
	names() []string
	// next fills rec (one cell per name) with the next observation, as
	// text; it returns io.EOF after the last. An empty row (Excel's) is
	// a nil rec with a nil error.
	next(rec []string) ([]string, error)
}

// openData opens a data file for the readers: a CSV file as it is, a
// Stata, SPSS or Excel file as a Table. The kind comes from the first
// bytes of a regular file, and from the name's extension for a pipe.
func openData(ctx context.Context, path string, opt TableOptions) (io.ReadCloser, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !st.Mode().IsRegular() {
		switch strings.ToLower(filepath.Ext(path)) {
		case ".dta", ".sav", ".zsav", ".xlsx":
			return openFile(ctx, f, path, opt)
		}
		br := bufio.NewReaderSize(f, 1<<16)
		head, _ := br.Peek(1 << 16)
		return csvDialect(br, f, path, head, opt.Dialect)
	}
	head := make([]byte, 16)
	n, _ := f.ReadAt(head, 0)
	kind, err := KindOf(path, head[:n])
	if err != nil {
		f.Close()
		return nil, err
	}
	if kind == CSV {
		head := make([]byte, 1<<16)
		n, _ := f.ReadAt(head, 0)
		return csvDialect(f, f, path, head[:n], opt.Dialect)
	}
	if ctx == nil {
		ctx = context.Background()
	}
	t, err := openTable(ctx, f, path, opt)
	if err != nil {
		f.Close()
		return nil, err
	}
	return t, nil
}

// csvDialect returns the CSV file r (closed by closer) as comma text:
// r itself when it is a comma-separated UTF-8 file with decimal points,
// the fast path of the readers, else a dialectReader. head holds the
// file's first bytes, for the separator.
func csvDialect(r io.Reader, closer io.Closer, name string, head []byte, d Dialect) (io.ReadCloser, error) {
	sep, err := sepByte(d.Sep)
	if err == nil {
		err = d.Check()
	}
	if err == nil && sep == 0 {
		sep, err = detectSep(name, head)
	}
	if err != nil {
		closer.Close()
		return nil, err
	}
	if sep == ',' && d.Decimal != "," && !d.windows1252() {
		if f, ok := r.(*os.File); ok {
			return f, nil
		}
		return readCloser{r, closer}, nil
	}
	return newDialectReader(r, closer, name, sep, d), nil
}

// readCloser is a reader and the closer of what it reads.
type readCloser struct {
	io.Reader
	io.Closer
}

// sourceSum returns the size and SHA-256 of the file behind r when it is
// a Table or a CSV file of another dialect, else size and sum (those of
// the bytes read).
func sourceSum(r io.Reader, size int64, sum string) (int64, string) {
	if t, ok := r.(*Table); ok {
		return t.Size, t.SHA256
	}
	if dr, ok := r.(*dialectReader); ok {
		return dr.raw.Sum() // the file's bytes, not the comma text
	}
	return size, sum
}

// OpenTable opens a Stata, SPSS or Excel file as CSV text (Table). ctx,
// when not nil, stops the reading once it is cancelled. A file that is
// not a regular file (a pipe) is first copied to a temporary file, since
// these formats are read out of order.
func OpenTable(ctx context.Context, path string, opt TableOptions) (*Table, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return openFile(ctx, f, path, opt)
}

// openFile is OpenTable of the open file f, which it closes on error or
// once it is copied.
func openFile(ctx context.Context, f *os.File, path string, opt TableOptions) (*Table, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	file := f
	if !st.Mode().IsRegular() {
		if file, err = spoolFile(ctx, f, path); err != nil {
			f.Close()
			return nil, err
		}
		f.Close()
	}
	t, err := openTable(ctx, file, path, opt)
	if err != nil {
		file.Close()
		return nil, err
	}
	return t, nil
}

// spoolFile copies r into a temporary file, removed at once (it lives as
// long as it is open).
func spoolFile(ctx context.Context, r io.Reader, name string) (*os.File, error) {
	tmp, err := os.CreateTemp("", "trajkit-table-*")
	if err != nil {
		return nil, err
	}
	os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, &ctxReader{ctx: ctx, r: r, name: name}); err != nil {
		tmp.Close()
		return nil, err
	}
	return tmp, nil
}

// openTable reads the file's dictionary and returns the Table that
// converts its data; the Table closes f.
func openTable(ctx context.Context, f *os.File, name string, opt TableOptions) (*Table, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	size := st.Size()
	h := sha256.New()
	if _, err := io.Copy(h, &ctxReader{ctx: ctx, r: io.NewSectionReader(f, 0, size), name: name}); err != nil {
		return nil, err
	}
	head := make([]byte, 16)
	n, _ := f.ReadAt(head, 0)
	kind, err := KindOf(name, head[:n])
	if err != nil {
		return nil, err
	}
	t := newTable(kind, name)
	t.Size, t.SHA256, t.closer = size, hex.EncodeToString(h.Sum(nil)), f
	ra := &ctxReaderAt{ctx: ctx, r: f, name: name}
	switch kind {
	case Stata:
		d, err := openDTA(ra, size, name)
		if err != nil {
			return nil, err
		}
		t.rows, t.Labels = d, d.labels
	case SPSS:
		s, err := openSAV(ra, size, name)
		if err != nil {
			return nil, err
		}
		t.rows, t.Labels = s, s.labels
	case Excel:
		x, closer, err := openXLSX(ctx, f, size, name, opt.Sheet)
		if err != nil {
			return nil, err
		}
		t.rows, t.closer = x, multiCloser{closer, f}
	default:
		return nil, &DataError{File: name, Msg: "a CSV file, not a table of another format"}
	}
	return t, nil
}

// newTable returns a Table whose rows are still to be set.
func newTable(kind Kind, name string) *Table {
	t := &Table{Kind: kind, Name: name}
	t.w = csv.NewWriter(&t.buf)
	return t
}

// Read reads the CSV text; see Table.
func (t *Table) Read(p []byte) (int, error) {
	for t.buf.Len() == 0 {
		if t.err != nil {
			return 0, t.err
		}
		t.fill()
	}
	return t.buf.Read(p)
}

// fill writes the header or the next observation into the buffer, or
// sets t.err.
func (t *Table) fill() {
	if !t.header {
		t.header = true
		if h, ok := t.rows.(interface{ headerLine() int }); ok {
			for range h.headerLine() {
				t.buf.WriteByte('\n') // empty rows before the header
			}
		}
		t.write(t.rows.names())
		return
	}
	if t.rec == nil {
		t.rec = make([]string, len(t.rows.names()))
	}
	rec, err := t.rows.next(t.rec)
	if err != nil {
		t.err = err
		return
	}
	if rec == nil {
		t.buf.WriteByte('\n') // an empty row keeps the line numbers
		return
	}
	t.write(rec)
}

func (t *Table) write(rec []string) {
	for j, s := range rec {
		if strings.ContainsAny(s, "\r\n") {
			rec[j] = strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ").Replace(s)
		}
	}
	if len(rec) == 1 && rec[0] == "" {
		// encoding/csv writes a lone empty field as an empty line, which
		// a reader skips; a quoted empty field is a record.
		t.buf.WriteString("\"\"\n")
		return
	}
	if err := t.w.Write(rec); err != nil {
		t.err = err
		return
	}
	t.w.Flush()
}

// Close closes the file.
func (t *Table) Close() error {
	if t.closer == nil {
		return nil
	}
	err := t.closer.Close()
	t.closer = nil
	return err
}

type multiCloser []io.Closer

func (m multiCloser) Close() error {
	var errs []error
	for _, c := range m {
		if c != nil {
			errs = append(errs, c.Close())
		}
	}
	return errors.Join(errs...)
}

// formatNumber writes a number as the text of a cell: an integral value
// in full ("1000000"), any other the shortest text that reads back to it
// with bitSize bits (32 for a float, 64 for a double).
func formatNumber(v float64, bitSize int) string {
	if v == math.Trunc(v) && math.Abs(v) < 1<<63 {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'g', -1, bitSize)
}

// ctxReader reads r until ctx is cancelled.
type ctxReader struct {
	ctx  context.Context
	r    io.Reader
	name string
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, &DataError{File: c.name, Msg: fmt.Sprintf("reading stopped: %v", err), Err: err}
	}
	if len(p) > 1<<16 {
		p = p[:1<<16]
	}
	return c.r.Read(p)
}

// ctxReaderAt reads r until ctx is cancelled.
type ctxReaderAt struct {
	ctx  context.Context
	r    io.ReaderAt
	name string
}

func (c *ctxReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, &DataError{File: c.name, Msg: fmt.Sprintf("reading stopped: %v", err), Err: err}
	}
	return c.r.ReadAt(p, off)
}
