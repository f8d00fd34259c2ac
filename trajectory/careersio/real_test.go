package careersio

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/trajectory"
)

// realCells returns every cell of every person's window.
func realCells(c *trajectory.Careers) [][]trajectory.Cell {
	out := make([][]trajectory.Cell, c.Len())
	for i := range out {
		c.Cells(i, func(x trajectory.Cell) { out[i] = append(out[i], x) })
	}
	return out
}

// TestReadReal: real values (negatives, zeros, exponents, a hole) read
// alike from a long file, a wide file and a semicolon file with decimal
// commas, and written by WriteLong and WriteWide they read back into the
// same careers.
func TestReadReal(t *testing.T) {
	want := [][]trajectory.Cell{
		{{Age: 12, Value: -1.5, Exposure: 1}, {Age: 13, Exposure: 1}, {Age: 14}, {Age: 15, Value: 2.25e-3, Exposure: 1}},
		{{Age: 13, Value: 7, Exposure: 1}},
	}
	long := "id,age,y\na,12,-1.5\na,13,0\na,15,2.25e-3\nb,13,7\n"
	wide := "id,y12,y13,y14,y15\na,-1.5,0,,0.00225\nb,,7.0,NA,\n"
	dir := t.TempDir()
	semi := filepath.Join(dir, "semi.csv")
	if err := os.WriteFile(semi, []byte("id;age;y\na;12;-1,5\na;13;0\na;15;0,00225\nb;13;7\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	read := func(name, text string) *trajectory.Careers {
		c, _, err := ReadCareers(strings.NewReader(text), name, ReadOptions{Real: true})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return c
	}
	cs := map[string]*trajectory.Careers{"long": read("long.csv", long), "wide": read("wide.csv", wide)}
	l, err := Load(Source{Data: semi, Read: ReadOptions{Real: true}, Dialect: Dialect{Decimal: ","}})
	if err != nil {
		t.Fatal(err)
	}
	cs["decimal comma"] = l.Full
	for name, c := range cs {
		if !c.Real() {
			t.Errorf("%s: not real-valued", name)
		}
		if got := realCells(c); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: cells %v, want %v", name, got, want)
		}
	}
	c := cs["long"]
	for name, write := range map[string]func(*bytes.Buffer, *trajectory.Careers) error{
		"long": func(b *bytes.Buffer, c *trajectory.Careers) error { return WriteLong(b, c) },
		"wide": func(b *bytes.Buffer, c *trajectory.Careers) error { return WriteWide(b, c) },
	} {
		var b bytes.Buffer
		if err := write(&b, c); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(b.String(), "exposure") || strings.Contains(b.String(), ",e12") {
			t.Errorf("%s: real values written with exposures:\n%s", name, b.String())
		}
		if got := read(name+" written", b.String()); !reflect.DeepEqual(got, c) {
			t.Errorf("%s: written and read back:\n%s\ncells %v, want %v", name, b.String(), realCells(got), realCells(c))
		}
	}
	// All zeros still make real-valued careers.
	if z := read("zeros.csv", "id,age,y\na,12,0\n"); !z.Real() {
		t.Error("a file of zeros read with Real: not real-valued")
	}
}

// TestReadRealErrors: a bad value names the file, line and column; a
// missing value in a long file and an exposure column are errors.
func TestReadRealErrors(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		opt        ReadOptions
		line, col  int
		msg        string
	}{
		{"not a number", "id,age,y\na,12,1.5\na,13,abc\n", ReadOptions{}, 3, 3, `value "abc" is not a number`},
		{"decimal comma without the mark", "id,age,y\na,12,\"1,5\"\n", ReadOptions{}, 2, 3, `value "1,5" is not a number`},
		{"not finite", "id,age,y\na,12,Inf\n", ReadOptions{}, 2, 3, "not finite"},
		{"missing in a long file", "id,age,y\na,12,NA\n", ReadOptions{}, 2, 3, "missing value"},
		{"wide", "id,y12,y13\na,1,x2\n", ReadOptions{}, 2, 3, `value "x2" is not a number`},
		{"exposure", "id,age,y,e\na,12,1,1\n", ReadOptions{Exposure: "e"}, 0, 0, "take no exposure"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opt := tc.opt
			opt.Real = true
			_, _, err := ReadCareers(strings.NewReader(tc.text), "v.csv", opt)
			var de *DataError
			if !errors.As(err, &de) || de.File != "v.csv" || de.Line != tc.line || de.Column != tc.col || !strings.Contains(de.Msg, tc.msg) {
				t.Errorf("error %v, want v.csv:%d:%d: ...%s", err, tc.line, tc.col, tc.msg)
			}
		})
	}
	// Counts read as before: a fraction is no count.
	if _, _, err := ReadCareers(strings.NewReader("id,age,y\na,12,1.5\n"), "c.csv", ReadOptions{}); err == nil || !strings.Contains(err.Error(), "not a whole number") {
		t.Errorf("a fraction read as a count: %v", err)
	}
}
