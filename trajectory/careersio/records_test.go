package careersio

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// readAll reads a header and records with encoding/csv alone (want) or
// with recordReader (got): each record's fields and start line, then the
// error that ended the reading (nil at the end of the input).
type readResult struct {
	recs  [][]string
	lines []int
	err   error
}

func readWithCSV(input string) readResult {
	cr := csv.NewReader(strings.NewReader(input))
	var res readResult
	h, err := cr.Read()
	if err != nil {
		res.err = err
		return res
	}
	cr.FieldsPerRecord = len(h)
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return res
		}
		if err != nil {
			res.err = err
			return res
		}
		line, _ := cr.FieldPos(0)
		res.recs = append(res.recs, rec)
		res.lines = append(res.lines, line)
	}
}

func readWithRecords(input string, bufSize int) readResult {
	br := bufio.NewReaderSize(strings.NewReader(input), bufSize)
	cr := csv.NewReader(br)
	cr.ReuseRecord = true
	var res readResult
	h, err := cr.Read()
	if err != nil {
		res.err = err
		return res
	}
	cr.FieldsPerRecord = len(h)
	rr := newRecordReader(br, cr, h)
	for {
		rec, line, err := rr.next()
		if err == io.EOF {
			return res
		}
		if err != nil {
			res.err = err
			return res
		}
		s := make([]string, len(rec))
		for j, f := range rec {
			s[j] = string(f)
		}
		res.recs = append(res.recs, s)
		res.lines = append(res.lines, line)
	}
}

func (r readResult) String() string {
	return fmt.Sprintf("records %q at lines %v, error %v", r.recs, r.lines, r.err)
}

func sameResult(a, b readResult) bool {
	if !reflect.DeepEqual(a.recs, b.recs) || !reflect.DeepEqual(a.lines, b.lines) {
		return false
	}
	var pa, pb *csv.ParseError
	if errors.As(a.err, &pa) && errors.As(b.err, &pb) {
		return pa.StartLine == pb.StartLine && pa.Line == pb.Line && pa.Column == pb.Column && errors.Is(pa.Err, pb.Err)
	}
	return (a.err == nil) == (b.err == nil)
}

// TestRecordsLikeCSV: the fast record reader gives encoding/csv's records,
// line numbers and errors, on inputs that mix plain lines with quoted
// fields, line ends, empty lines and long lines (4096 is bufio's smallest
// buffer, so long lines go through encoding/csv).
func TestRecordsLikeCSV(t *testing.T) {
	long := strings.Repeat("9", 5000)
	for _, tc := range []struct{ name, input string }{
		{"plain", "id,y\na,1\nb,2\n"},
		{"no final line end", "id,y\na,1\nb,2"},
		{"CRLF", "id,y\r\na,1\r\nb,2\r\n"},
		{"CR before EOF", "id,y\na,1\nb,2\r"},
		{"CR inside", "id,y\na\r,1\nb,2\r\r\n"},
		{"empty lines", "id,y\n\na,1\n\r\n\nb,2\n\n"},
		{"quoted header over lines", "\"i\nd\",y\na,1\n"},
		{"quoted fields", "id,y\n\"a,b\",1\n\"c\"\"d\",2\ne,3\n"},
		{"line break in quotes", "id,y\n\"a\nb\",1\nc,2\n\"d\r\n\",3\ne,4\n"},
		{"empty line in quotes", "id,y\n\"a\n\nb\",1\nc,2\n"},
		{"bare quote", "id,y\na,1\nb,1\"2\n"},
		{"bad quote after quoted", "id,y\n\"a\nb\"x,1\n"},
		{"open quote at EOF", "id,y\na,1\n\"b,2\n"},
		{"ragged after quoted", "id,y\n\"a\nb\",1\nc\n"},
		{"ragged", "id,y\na,1\nb\n"},
		{"too many fields", "id,y\na,1,2\n"},
		{"long line", "id,y\na," + long + "\nb,2\n"},
		{"long line without end", "id,y\na,1\nb," + long},
		{"long quoted", "id,y\n\"" + long + "\",1\nb,2\n"},
		{"only header", "id,y\n"},
		{"empty", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := readWithCSV(tc.input)
			for _, size := range []int{4096, 1 << 16} {
				if got := readWithRecords(tc.input, size); !sameResult(got, want) {
					t.Errorf("buffer %d: got  %v\nwant %v", size, got, want)
				}
			}
		})
	}
}

// TestRecordsRandom compares the readers on random inputs built from
// pieces that matter to CSV: commas, quotes, CR, LF and plain text.
func TestRecordsRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pieces := []string{",", "\"", "\"\"", "\r", "\n", "\r\n", "a", "12", " ", "x,y", "\"q\""}
	for n := 0; n < 20000; n++ {
		var b strings.Builder
		b.WriteString("a,b,c\n")
		for j := rng.IntN(30); j > 0; j-- {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		input := b.String()
		want := readWithCSV(input)
		if got := readWithRecords(input, 4096); !sameResult(got, want) {
			t.Fatalf("input %q:\n got  %v\nwant %v", input, got, want)
		}
	}
}

func FuzzRecords(f *testing.F) {
	f.Add("id,y\na,1\n\"b\nc\",2\r\nd,3")
	f.Add("id,y\n\na,\"1\"\"\"\nb")
	f.Fuzz(func(t *testing.T, input string) {
		want := readWithCSV(input)
		if got := readWithRecords(input, 4096); !sameResult(got, want) {
			t.Fatalf("input %q:\n got  %v\nwant %v", input, got, want)
		}
	})
}
