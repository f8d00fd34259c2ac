package careersio

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
)

// TestInputBounds: a record longer than MaxRecordBytes is refused with the
// line it starts on, whether it is one line or a quoted field over many;
// a field longer than MaxFieldBytes with its line and column; records at
// the bounds are read.
func TestInputBounds(t *testing.T) {
	long := strings.Repeat("x", MaxRecordBytes+1)
	field := strings.Repeat("7", MaxFieldBytes+1)
	quotedLines := strings.Repeat("abcdefghij\n", MaxRecordBytes/11+1)
	for _, tc := range []struct {
		name, text, want string
	}{
		{"a header that never ends", long, "f.csv:1: a line (or quoted record) longer than 1 MiB"},
		{"a long third line", "id,age,y\n1,12,0\n" + long + "\n", "f.csv:3: a line (or quoted record) longer than 1 MiB"},
		{"a quoted field over many lines", "id,age,y\n1,12,0\n\"" + quotedLines + "\",13,0\n", "f.csv:3: a line (or quoted record) longer than 1 MiB"},
		{"a long field", "id,age,y\n1,12,0\n" + field + ",13,0\n", "f.csv:3:1: a field longer than 64 KiB"},
		{"a long quoted field", "id,age,y\n1,12,0\n\"" + field + "\",13,0\n", "f.csv:3:1: a field longer than 64 KiB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := ReadCareers(strings.NewReader(tc.text), "f.csv", ReadOptions{})
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("got %.200v, want %q", err, tc.want)
			}
		})
	}
	// At the bounds: a field of MaxFieldBytes (an id) and quoted
	// records with doubled quotes are read.
	id := strings.Repeat("a", MaxFieldBytes)
	text := "id,age,y\n" + id + ",12,1\n\"q\"\"1\",12,0\n\"q\"\"1\",13,2\n"
	c, _, err := ReadCareers(strings.NewReader(text), "f.csv", ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Len() != 2 || c.IDs[0] != id || c.IDs[1] != `q"1` {
		t.Errorf("read %d careers, ids %.8q…", c.Len(), c.IDs)
	}
}

// TestInputSumAndInterrupt: Sum is the SHA-256 of the bytes read; a
// cancelled context stops the reading with an error that wraps it.
func TestInputSumAndInterrupt(t *testing.T) {
	text := "id,age,y\n1,12,0\n1,13,2\n\"2\",12,1\n"
	in := NewInput(nil, strings.NewReader(text), "f.csv")
	if _, _, err := ReadCareers(in, "f.csv", ReadOptions{}); err != nil {
		t.Fatal(err)
	}
	want := sha256.Sum256([]byte(text))
	if n, sum := in.Sum(); n != int64(len(text)) || sum != hex.EncodeToString(want[:]) {
		t.Errorf("Sum %d %s, want %d %x", n, sum, len(text), want)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err := ReadCareers(NewInput(ctx, strings.NewReader(text), "f.csv"), "f.csv", ReadOptions{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled read returned %v", err)
	}
	// Without end: an endless stream of records stops once cancelled.
	ctx, cancel = context.WithCancel(context.Background())
	r := &endless{cancel: cancel, after: 1 << 20}
	_, _, err = ReadCareers(NewInput(ctx, r, "f.csv"), "f.csv", ReadOptions{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("an endless read returned %v", err)
	}
}

// endless yields a header and then records without end, and cancels its
// context after some bytes.
type endless struct {
	n, after, id int
	cancel       func()
}

func (e *endless) Read(p []byte) (int, error) {
	if e.n == 0 {
		e.n = copy(p, "id,age,y\n")
		return e.n, nil
	}
	k := 0
	for k+32 <= len(p) {
		e.id++
		k += copy(p[k:], strconv.Itoa(e.id)+",12,0\n")
	}
	e.n += k
	if e.n > e.after {
		e.cancel()
	}
	return k, nil
}

var _ io.Reader = (*endless)(nil)
