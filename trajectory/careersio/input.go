package careersio

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
)

// The bounds of what the readers take. A career, person or result file
// whose line (or record: a quoted field may span lines) or field is
// longer is refused with an error naming the line, so that a file that is
// not CSV (a binary file, /dev/zero, a header that never ends) cannot fill
// the memory.
const (
	// MaxRecordBytes bounds a record: 1 MiB, some 25,000 ages of a wide
	// file with counts, exposures and a covariate per age.
	MaxRecordBytes = 1 << 20
	// MaxFieldBytes bounds a field: 64 KiB.
	MaxFieldBytes = 1 << 16
)

// Input is a data file as the readers take it: it refuses records longer
// than MaxRecordBytes, stops once its context is cancelled (checked on
// every read of the underlying reader, at most 64 KiB apart), and counts
// and hashes (SHA-256) the bytes it reads, so that a fit can record which
// data it read.
type Input struct {
	r    io.Reader
	ctx  context.Context
	name string
	h    hash.Hash
	size int64
	// line is the line of the next byte; recordLine the line the current
	// record starts on, run its bytes so far, quoted whether the next byte
	// is inside a quoted field.
	line, recordLine int
	run              int
	quoted           bool
	err              error
}

// NewInput returns the Input of r, the file name (for errors); ctx may be
// nil.
func NewInput(ctx context.Context, r io.Reader, name string) *Input {
	if ctx == nil {
		ctx = context.Background()
	}
	return &Input{r: r, ctx: ctx, name: name, h: sha256.New(), line: 1, recordLine: 1}
}

// input returns r as an Input: r itself when it is one.
func input(r io.Reader, name string) *Input {
	if in, ok := r.(*Input); ok {
		return in
	}
	return NewInput(nil, r, name)
}

// Read reads from the underlying reader; see Input.
func (in *Input) Read(p []byte) (int, error) {
	if in.err != nil {
		return 0, in.err
	}
	if err := in.ctx.Err(); err != nil {
		in.err = &DataError{File: in.name, Msg: fmt.Sprintf("reading stopped: %v", err), Err: err}
		return 0, in.err
	}
	n, err := in.r.Read(p)
	b := p[:n]
	in.h.Write(b)
	in.size += int64(n)
	if !in.scan(b) {
		in.err = &DataError{File: in.name, Line: in.recordLine,
			Msg: fmt.Sprintf("a line (or quoted record) longer than %d MiB, the limit: expected a CSV file with one record per line", MaxRecordBytes>>20)}
		return 0, in.err
	}
	return n, err
}

// scan follows the records through b and reports whether the current one
// is within the bound. Lines without quotes, nearly all of a career file,
// cost a search for the last line end and a count of line ends.
func (in *Input) scan(b []byte) bool {
	if !in.quoted && len(b) <= MaxRecordBytes && bytes.IndexByte(b, '"') < 0 {
		nl := bytes.Count(b, []byte{'\n'})
		if nl == 0 {
			in.run += len(b)
			return in.run <= MaxRecordBytes
		}
		last := bytes.LastIndexByte(b, '\n')
		if in.run+bytes.IndexByte(b, '\n') > MaxRecordBytes {
			return false
		}
		in.line += nl
		in.recordLine = in.line
		in.run = len(b) - last - 1
		return in.run <= MaxRecordBytes
	}
	for _, c := range b {
		switch {
		case c == '"':
			in.quoted = !in.quoted // a doubled quote toggles twice
		case c == '\n':
			in.line++
			if !in.quoted {
				in.recordLine = in.line
				in.run = 0
				continue
			}
		}
		in.run++
		if in.run > MaxRecordBytes {
			return false
		}
	}
	return true
}

// Sum returns the number of bytes read so far and their SHA-256 (hex).
func (in *Input) Sum() (int64, string) {
	return in.size, hex.EncodeToString(in.h.Sum(nil))
}

// NewCSVReader returns a CSV reader of r (the file name, for errors)
// within the bounds of Input; its errors go through EachRecord and
// CSVError.
// A UTF-8 byte-order mark before the header is skipped, so that a quoted
// header ("id","age", as R's write.csv and Excel write it) reads.
func NewCSVReader(r io.Reader, name string) *csv.Reader {
	br := bufio.NewReaderSize(input(r, name), 1<<16)
	skipBOM(br)
	return csv.NewReader(br)
}

// skipBOM consumes a UTF-8 byte-order mark at the start of br. Left in
// front of a quoted field, it would make the quote a bare quote.
func skipBOM(br *bufio.Reader) {
	if b, _ := br.Peek(3); bytes.Equal(b, []byte("\ufeff")) {
		br.Discard(3)
	}
}
