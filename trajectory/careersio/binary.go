package careersio

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// cursor reads the dictionary of a binary file (Stata, SPSS) in order,
// checking every length it is given against the size of the file before
// it reads or allocates: a damaged or hostile header cannot make it
// allocate more than the file holds. Its errors name the file and the
// byte offset.
type cursor struct {
	r     io.ReaderAt
	off   int64
	size  int64
	name  string
	order binary.ByteOrder
}

// errorf is a DataError at byte offset off.
func (c *cursor) errorf(off int64, format string, args ...any) error {
	return &DataError{File: c.name, Msg: fmt.Sprintf("byte %d: ", off) + fmt.Sprintf(format, args...)}
}

// need checks that n more bytes of what are in the file.
func (c *cursor) need(n int64, what string) error {
	if n < 0 || n > c.size-c.off {
		return c.errorf(c.off, "%s needs %d bytes but the file ends after %d: a truncated or damaged file", what, n, c.size-c.off)
	}
	return nil
}

// bytes reads n bytes of what.
func (c *cursor) bytes(n int, what string) ([]byte, error) {
	if err := c.need(int64(n), what); err != nil {
		return nil, err
	}
	b := make([]byte, n)
	if _, err := c.r.ReadAt(b, c.off); err != nil && !(err == io.EOF && c.off+int64(n) == c.size) {
		return nil, readError(c.name, c.off, err)
	}
	c.off += int64(n)
	return b, nil
}

// peek returns the next n bytes, or fewer at the end of the file, without
// moving.
func (c *cursor) peek(n int) ([]byte, error) {
	n = int(min(int64(n), c.size-c.off))
	b := make([]byte, n)
	if _, err := c.r.ReadAt(b, c.off); err != nil && err != io.EOF {
		return nil, readError(c.name, c.off, err)
	}
	return b, nil
}

// skip moves past n bytes of what.
func (c *cursor) skip(n int64, what string) error {
	if err := c.need(n, what); err != nil {
		return err
	}
	c.off += n
	return nil
}

// uint reads an unsigned integer of n bytes (1 to 8) in the file's order.
func (c *cursor) uint(n int, what string) (uint64, error) {
	b, err := c.bytes(n, what)
	if err != nil {
		return 0, err
	}
	return uintN(c.order, b), nil
}

// expect reads the literal s (a Stata tag).
func (c *cursor) expect(s string) error {
	b, err := c.peek(len(s))
	if err != nil {
		return err
	}
	if string(b) != s {
		return c.errorf(c.off, "expected %q, found %q: not a Stata dataset of this format, or a damaged one", s, b)
	}
	c.off += int64(len(s))
	return nil
}

// readError is an error of the file system while reading at off; an
// interrupt (a DataError of ctxReaderAt) is returned as it is.
func readError(name string, off int64, err error) error {
	if de, ok := err.(*DataError); ok {
		return de
	}
	return &DataError{File: name, Msg: fmt.Sprintf("byte %d: %v", off, err), Err: err}
}

// cstring returns b up to its first binary zero.
func cstring(b []byte) []byte {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return b[:i]
	}
	return b
}

// toValidUTF8 returns b as a string, invalid bytes replaced by U+FFFD.
func toValidUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

// latin1 decodes ISO 8859-1 text, bytes 0x80-0x9F as Windows-1252 (its
// superset that Windows programs write); text that is valid UTF-8 is
// taken as UTF-8.
func latin1(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var s strings.Builder
	s.Grow(len(b) + len(b)/2)
	for _, c := range b {
		switch {
		case c < 0x80:
			s.WriteByte(c)
		case c < 0xa0:
			s.WriteRune(cp1252[c-0x80])
		default:
			s.WriteRune(rune(c))
		}
	}
	return s.String()
}

// cp1252 are the characters of Windows-1252 at 0x80-0x9F (U+FFFD where
// it has none).
var cp1252 = [32]rune{
	'€', '\uFFFD', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\uFFFD', 'Ž', '\uFFFD',
	'\uFFFD', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\uFFFD', 'ž', 'Ÿ',
}
