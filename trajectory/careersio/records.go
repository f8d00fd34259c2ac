package careersio

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
)

// recordReader reads the data records of a CSV file after its header, with
// the semantics of encoding/csv (RFC 4180; no comments, no lazy quotes, no
// trimming, a fixed number of fields): CRLF and LF line ends, a trailing CR
// dropped at the end of the file, empty lines skipped, line numbers counted
// over every line.
//
// A line without a quote, nearly every line of a career file, is split in
// place in the read buffer: nothing is copied or allocated. A line with a
// quote, or longer than the buffer, is read by encoding/csv itself, from the
// same buffer, so quoted fields (with commas, doubled quotes or line breaks
// inside) and their errors are exactly encoding/csv's.
type recordReader struct {
	br *bufio.Reader
	cr *csv.Reader // reads from br: the header and the records with quotes
	// fields is the number of fields every record must have.
	fields int
	// line is the number of lines consumed; crLines the number of them
	// that cr consumed, which is how cr numbers lines.
	line, crLines int
	// pending is the length of the line returned last, still in br.
	pending int
	// win is the part of br's buffer that peekLine looked at last, whose
	// first used bytes are lines returned before it, still in br: the
	// lines after them are found in win, without asking br, until it
	// holds no whole line.
	win  []byte
	used int
	rec  [][]byte
	buf  []byte // the fields of a record read by cr
}

// errLongLine says that a line does not fit in the read buffer.
var errLongLine = errors.New("line longer than the read buffer")

// newRecordReader returns a reader of records from br after the header
// that cr (reading from br) has just read; header is that record.
func newRecordReader(br *bufio.Reader, cr *csv.Reader, header []string) *recordReader {
	first, _ := cr.FieldPos(0)
	n := first + newlines(header)
	return &recordReader{br: br, cr: cr, fields: len(header), line: n, crLines: n}
}

// newlines returns the number of line breaks inside the fields of a record.
func newlines(rec []string) int {
	n := 0
	for _, f := range rec {
		for j := 0; j < len(f); j++ {
			if f[j] == '\n' {
				n++
			}
		}
	}
	return n
}

// next returns the fields of the next record and the line it starts on.
// The fields are parts of one array, in order (the line, or the bytes of
// the fields end to end), so that a run of them can be copied at once
// (batch.addFields); they are valid until the next call. At the end of
// the input it returns io.EOF; a malformed record gives a
// *csv.ParseError with the file's line numbers.
func (r *recordReader) next() ([][]byte, int, error) {
	for {
		line, err := r.peekLine()
		if err == errLongLine {
			return r.quoted()
		}
		if len(line) == 0 && err != nil {
			return nil, 0, err
		}
		if bytes.IndexByte(line, '"') >= 0 {
			return r.quoted()
		}
		r.pending = len(line)
		r.line++
		if n := len(line); n > 0 && line[n-1] == '\n' {
			line = line[:n-1]
		}
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
		if len(line) == 0 {
			if err != nil {
				return nil, 0, err
			}
			continue
		}
		// Fields are short (a count is often one digit), so a plain loop
		// beats a search per field.
		// rec is local while it grows, which spares a store to r per field.
		rec, from := r.rec[:0], 0
		for i, c := range line {
			if c == ',' {
				rec = append(rec, line[from:i])
				from = i + 1
			}
		}
		r.rec = append(rec, line[from:])
		if err != nil && err != io.EOF {
			return nil, 0, err
		}
		if len(r.rec) != r.fields {
			return nil, 0, &csv.ParseError{StartLine: r.line, Line: r.line, Column: 1, Err: csv.ErrFieldCount}
		}
		return r.rec, r.line, nil
	}
}

// peekLine returns the next line, with its line end, without consuming
// it. At the end of the input it returns the last line (which may lack a
// line end) and io.EOF.
func (r *recordReader) peekLine() ([]byte, error) {
	r.used += r.pending
	r.pending = 0
	if i := bytes.IndexByte(r.win[r.used:], '\n'); i >= 0 {
		return r.win[r.used : r.used+i+1], nil
	}
	r.discard()
	searched := 0
	for {
		b, _ := r.br.Peek(r.br.Buffered())
		if i := bytes.IndexByte(b[searched:], '\n'); i >= 0 {
			r.win = b
			return b[:searched+i+1], nil
		}
		searched = len(b)
		if searched == r.br.Size() {
			return nil, errLongLine
		}
		if _, err := r.br.Peek(searched + 1); err != nil {
			b, _ = r.br.Peek(r.br.Buffered())
			r.win = b
			return b, err
		}
	}
}

// discard consumes the lines returned before the one being read from br,
// which must be done before br is read otherwise, and forgets win.
func (r *recordReader) discard() {
	r.br.Discard(r.used + r.pending)
	r.win, r.used, r.pending = nil, 0, 0
}

// quoted reads the next record with encoding/csv.
func (r *recordReader) quoted() ([][]byte, int, error) {
	r.discard()
	offset := r.line - r.crLines
	rec, err := r.cr.Read()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			pe.StartLine += offset
			pe.Line += offset
		}
		return nil, 0, err
	}
	start, _ := r.cr.FieldPos(0)
	n := start - r.crLines + newlines(rec)
	r.line += n
	r.crLines += n
	r.buf = r.buf[:0]
	for _, f := range rec {
		r.buf = append(r.buf, f...)
	}
	r.rec = r.rec[:0]
	off := 0
	for _, f := range rec {
		r.rec = append(r.rec, r.buf[off:off+len(f)])
		off += len(f)
	}
	return r.rec, start + offset, nil
}
