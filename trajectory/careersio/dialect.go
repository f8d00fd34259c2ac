package careersio

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Dialect says how a CSV file is written when it is not comma-separated
// UTF-8 with decimal points: the European CSV that Excel writes where the
// list separator is a semicolon, with decimal commas and Windows-1252
// text. The zero value detects the separator from the header line and
// the decimal mark from the cells, and reads UTF-8.
type Dialect struct {
	// Sep is the field separator: ",", ";" or "tab"; empty means detect
	// it from the header line (comma, semicolon or tab, whichever occurs
	// there outside quotes, the most frequent one when several do).
	Sep string
	// Decimal is the decimal mark of numbers: "." or ","; empty means a
	// point, except in a semicolon or tab file, where cells such as 0,5
	// are decimal commas (an error when the file also has cells such as
	// 0.5).
	Decimal string
	// Encoding is "utf-8" (or empty) or "windows-1252" (which includes
	// ISO 8859-1, Latin-1); the text is decoded to UTF-8.
	Encoding string
}

// SepName returns the name of a separator byte as Dialect.Sep writes it.
func SepName(c byte) string {
	if c == '\t' {
		return "tab"
	}
	return string(c)
}

// sepByte returns the separator Dialect.Sep names, 0 for detection.
func sepByte(s string) (byte, error) {
	switch s {
	case "":
		return 0, nil
	case ",", ";":
		return s[0], nil
	case "tab", "\t", `\t`:
		return '\t', nil
	}
	return 0, fmt.Errorf("separator %q: expected ',', ';' or tab", s)
}

// Check reports whether the dialect's fields are valid.
func (d Dialect) Check() error {
	if _, err := sepByte(d.Sep); err != nil {
		return err
	}
	if d.Decimal != "" && d.Decimal != "." && d.Decimal != "," {
		return fmt.Errorf("decimal mark %q: expected . or ,", d.Decimal)
	}
	switch strings.ToLower(d.Encoding) {
	case "", "utf-8", "utf8", "windows-1252", "cp1252", "latin1", "iso-8859-1":
	default:
		return fmt.Errorf("encoding %q: expected utf-8 or windows-1252", d.Encoding)
	}
	return nil
}

// windows1252 reports whether the dialect's encoding is Windows-1252.
func (d Dialect) windows1252() bool {
	switch strings.ToLower(d.Encoding) {
	case "windows-1252", "cp1252", "latin1", "iso-8859-1":
		return true
	}
	return false
}

// detectSep returns the separator of a header line (its bytes up to the
// first line end, or all of head): the one of comma, semicolon and tab
// that occurs most often outside quotes. A header not ended within head
// (not a CSV file, or a very long header) is taken as comma-separated,
// for the readers to judge.
func detectSep(name string, head []byte) (byte, error) {
	head = bytes.TrimPrefix(head, []byte("\ufeff"))
	i := bytes.IndexByte(head, '\n')
	if i < 0 && (len(head) == 0 || len(head) == 1<<16) {
		return ',', nil
	}
	if i >= 0 {
		head = head[:i]
	}
	var n [3]int
	seps := [3]byte{',', ';', '\t'}
	quoted := false
	for _, c := range head {
		if c == '"' {
			quoted = !quoted
			continue
		}
		if quoted {
			continue
		}
		for k, s := range seps {
			if c == s {
				n[k]++
			}
		}
	}
	best := -1
	for k := range seps {
		if n[k] > 0 && (best < 0 || n[k] > n[best]) {
			best = k
		}
	}
	if best < 0 {
		return 0, &DataError{File: name, Line: 1, Msg: "cannot tell the separator from the header: tried comma, semicolon and tab, and the first line has none of them outside quotes; name it (--sep ',', ';' or tab)"}
	}
	for k := range seps {
		if k != best && n[k] == n[best] {
			return 0, &DataError{File: name, Line: 1, Msg: fmt.Sprintf("cannot tell the separator from the header: tried comma, semicolon and tab, and the first line has as many %q as %q; name it (--sep ',', ';' or tab)", seps[best], seps[k])}
		}
	}
	return seps[best], nil
}

// dialectReader is a CSV file of another dialect read as comma-separated
// UTF-8 text with decimal points, the text every reader takes. Line
// numbers are kept: each record is written on the line where it starts
// in the file (empty lines fill the gaps), and its fields keep their
// order, so errors name the file's lines and columns.
type dialectReader struct {
	name    string
	closer  io.Closer
	cr      *csv.Reader
	w       *csv.Writer
	buf     bytes.Buffer
	line    int // the line the next byte of buf's text is on
	header  bool
	decimal byte // '.', ',' or 0 for a comma in a semicolon or tab file
	// Sep is the separator read; Commas the number of decimal commas
	// read as points.
	Sep    byte
	Commas int
	// pointLine and commaLine are the first lines with a decimal point
	// and a decimal comma, for the error when decimal is detected.
	pointLine, commaLine int
	err                  error
	// raw counts and hashes the file's own bytes.
	raw *Input
}

// newDialectReader returns the comma text of the CSV file r of dialect d,
// whose separator is sep.
func newDialectReader(r io.Reader, closer io.Closer, name string, sep byte, d Dialect) *dialectReader {
	raw := NewInput(nil, r, name)
	br := bufio.NewReaderSize(raw, 1<<16)
	skipBOM(br)
	var src io.Reader = br
	if d.windows1252() {
		src = &cp1252Reader{r: br}
	}
	cr := csv.NewReader(src)
	cr.Comma = rune(sep)
	cr.ReuseRecord = true
	dr := &dialectReader{name: name, closer: closer, cr: cr, line: 1, Sep: sep, raw: raw}
	dr.w = csv.NewWriter(&dr.buf)
	switch {
	case d.Decimal != "":
		dr.decimal = d.Decimal[0]
	case sep == ',':
		dr.decimal = '.'
	}
	return dr
}

// Read returns the converted text.
func (dr *dialectReader) Read(p []byte) (int, error) {
	for dr.buf.Len() == 0 && dr.err == nil {
		dr.fill()
	}
	if dr.buf.Len() > 0 {
		return dr.buf.Read(p)
	}
	return 0, dr.err
}

// Close closes the file.
func (dr *dialectReader) Close() error {
	if dr.closer != nil {
		return dr.closer.Close()
	}
	return nil
}

// fill converts the next record into buf.
func (dr *dialectReader) fill() {
	rec, err := dr.cr.Read()
	if err == io.EOF {
		dr.err = io.EOF
		return
	}
	if err != nil {
		dr.err = CSVError(dr.name, dr.cr, err)
		return
	}
	start, _ := dr.cr.FieldPos(0)
	if dr.header {
		for j, f := range rec {
			if rec[j], err = dr.number(f, start, j); err != nil {
				dr.err = err
				return
			}
		}
	}
	dr.header = true
	for ; dr.line < start; dr.line++ {
		dr.buf.WriteByte('\n')
	}
	dr.w.Write(rec)
	dr.w.Flush()
	dr.line = start + 1 + newlines(rec)
}

// number returns field j of the record on line with a decimal comma
// written as a point, when it is a number so written.
func (dr *dialectReader) number(f string, line, j int) (string, error) {
	if dr.decimal == '.' {
		return f, nil
	}
	t := strings.TrimSpace(f)
	if decimalLike(t, ',') {
		if dr.decimal == 0 && dr.pointLine > 0 {
			dr.commaLine = line
			return "", dr.mixed(line, j)
		}
		dr.Commas++
		if dr.commaLine == 0 {
			dr.commaLine = line
		}
		return strings.Replace(t, ",", ".", 1), nil
	}
	if dr.decimal == 0 && decimalLike(t, '.') {
		if dr.commaLine > 0 {
			dr.pointLine = line
			return "", dr.mixed(line, j)
		}
		if dr.pointLine == 0 {
			dr.pointLine = line
		}
	}
	return f, nil
}

// mixed is the error of a file with both decimal marks.
func (dr *dialectReader) mixed(line, j int) error {
	return &DataError{File: dr.name, Line: line, Column: j + 1, Msg: fmt.Sprintf(
		"numbers with a decimal comma (first on line %d) and with a decimal point (first on line %d): cannot tell the decimal mark; name it (--decimal , or .)",
		dr.commaLine, dr.pointLine)}
}

// decimalLike reports whether s is a number with one decimal mark mark:
// an optional sign, digits, the mark, digits, an optional exponent.
func decimalLike(s string, mark byte) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := func() int {
		k := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i - k
	}
	digits()
	if i >= len(s) || s[i] != mark {
		return false
	}
	i++
	if digits() == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}

// cp1252Reader decodes Windows-1252 text to UTF-8.
type cp1252Reader struct {
	r   io.Reader
	in  []byte
	out []byte
	err error
}

func (c *cp1252Reader) Read(p []byte) (int, error) {
	for len(c.out) == 0 {
		if c.err != nil {
			return 0, c.err
		}
		if cap(c.in) == 0 {
			c.in = make([]byte, 1<<15)
		}
		n, err := c.r.Read(c.in[:cap(c.in)])
		c.err = err
		c.out = c.out[:0]
		for _, b := range c.in[:n] {
			switch {
			case b < 0x80:
				c.out = append(c.out, b)
			case b < 0xa0:
				c.out = utf8.AppendRune(c.out, cp1252[b-0x80])
			default:
				c.out = utf8.AppendRune(c.out, rune(b))
			}
		}
	}
	n := copy(p, c.out)
	c.out = c.out[n:]
	return n, nil
}
