package careersio

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// editFile is a career file being changed line by line for a test.
type editFile struct {
	lines  []string // without line ends; lines[0] is the header
	header []string
}

func newEditFile(text string) *editFile {
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	return &editFile{lines: lines, header: strings.Split(lines[0], ",")}
}

// set sets the field of column name on line (1-based) to v.
func (f *editFile) set(line int, name, v string) *editFile {
	j := index(f.header, name)
	if j < 0 {
		panic("no column " + name)
	}
	rec := strings.Split(f.lines[line-1], ",")
	rec[j] = v
	f.lines[line-1] = strings.Join(rec, ",")
	return f
}

// get returns the field of column name on line.
func (f *editFile) get(line int, name string) string {
	return strings.Split(f.lines[line-1], ",")[index(f.header, name)]
}

// observed returns the first line from line on whose cell of column name
// is not empty.
func (f *editFile) observed(line int, name string) int {
	for f.get(line, name) == "" {
		line++
	}
	return line
}

// edit replaces line by fn's result.
func (f *editFile) edit(line int, fn func(string) string) *editFile {
	f.lines[line-1] = fn(f.lines[line-1])
	return f
}

// copyColumns appends to every line a copy of the columns whose names
// start with from, renamed to start with to.
func (f *editFile) copyColumns(from, to string) *editFile {
	var cols []int
	for j, name := range f.header {
		if strings.HasPrefix(name, from) {
			cols = append(cols, j)
		}
	}
	for i, l := range f.lines {
		rec := strings.Split(l, ",")
		for _, j := range cols {
			v := rec[j]
			if i == 0 {
				v = to + strings.TrimPrefix(v, from)
			}
			rec = append(rec, v)
		}
		f.lines[i] = strings.Join(rec, ",")
	}
	f.header = strings.Split(f.lines[0], ",")
	return f
}

func (f *editFile) String() string { return strings.Join(f.lines, "\n") + "\n" }

// cancelAfter is a reader that cancels a context once n bytes are read.
type cancelAfter struct {
	r      io.Reader
	n      int
	cancel context.CancelFunc
}

func (c *cancelAfter) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	if c.n -= k; c.n <= 0 {
		c.cancel()
	}
	return k, err
}

// TestReadPipelined: a large long or wide file, as it is or with an error
// deep inside it, reads to the same careers, ReadInfo and error through
// the pipelined reader (with the usual batches and with batches of a few
// records) as through the sequential one.
func TestReadPipelined(t *testing.T) {
	// 6,000 persons: a wide file of 15 batches (at most batchCells cells,
	// some 400 records, each), a long one of more than 20.
	c := testCareers(t, 6_000, 9)
	var w, l bytes.Buffer
	if err := WriteWide(&w, c); err != nil {
		t.Fatal(err)
	}
	if err := WriteLong(&l, c); err != nil {
		t.Fatal(err)
	}
	wide := func() *editFile { return newEditFile(w.String()) }
	long := func() *editFile { return newEditFile(l.String()) }
	wideOpt := ReadOptions{Format: Wide, Exposure: "e"}
	longOpt := ReadOptions{Format: Long, Exposure: "exposure"}
	two := []OutcomeColumns{{Count: "y", Exposure: "e"}, {Count: "z", Exposure: "f"}}
	twoLong := []OutcomeColumns{{Count: "y", Exposure: "exposure"}, {Count: "z"}}
	deep := 4_001
	lateLong := len(long().lines) * 3 / 4 // a record of a late batch of the long file
	firstID := wide().get(2, "id")
	for _, tc := range []struct {
		name string
		text string
		opt  ReadOptions
		outs []OutcomeColumns // several outcomes (ReadOutcomes) when not nil
		// cancel, when > 0, cancels the reading once as many bytes are read.
		cancel int
		// err is what the error starts with ("" for none).
		err string
	}{
		{name: "wide", text: w.String(), opt: wideOpt},
		{name: "wide/no exposure", text: w.String(), opt: ReadOptions{Format: Wide}},
		{name: "wide/no id", text: w.String(), opt: ReadOptions{Format: Wide, Exposure: "e", NoID: true}},
		{name: "wide/crlf", text: strings.ReplaceAll(w.String(), "\n", "\r\n"), opt: wideOpt},
		{name: "wide/no last line end", text: strings.TrimSuffix(w.String(), "\n"), opt: wideOpt},
		{name: "wide/quoted", text: wide().edit(3_001, func(s string) string { return `"` + strings.Replace(s, ",", `",`, 1) }).
			set(3_003, "id", `"a,""b"""`).String(), opt: wideOpt},
		{name: "wide/two outcomes", text: wide().copyColumns("y", "z").copyColumns("e", "f").String(), opt: ReadOptions{Format: Wide}, outs: two},
		{name: "wide/bad count", text: wide().set(deep, "y20", "x").String(), opt: wideOpt, err: "w.csv:4001:10: "},
		{name: "wide/bad exposure", text: func() string {
			f := wide()
			return f.set(f.observed(deep, "y30"), "e30", "0").String()
		}(), opt: wideOpt, err: "w.csv:40"},
		{name: "wide/duplicate", text: wide().set(deep, "id", firstID).String(), opt: wideOpt, err: "w.csv:4001:1: "},
		{name: "wide/duplicate and bad count", text: wide().set(deep, "id", firstID).set(deep, "y12", "-1").String(), opt: wideOpt, err: "w.csv:4001:1: "},
		{name: "wide/duplicate, then bad count", text: wide().set(deep, "id", firstID).set(deep+2, "y12", "-1").String(), opt: wideOpt, err: "w.csv:4001:1: "},
		{name: "wide/bad count, then duplicate", text: wide().set(deep, "y12", "1.5").set(deep+2, "id", firstID).String(), opt: wideOpt, err: "w.csv:4001:2: "},
		{name: "wide/spelling", text: wide().set(deep, "id", " "+firstID).String(), opt: wideOpt, err: "w.csv:4001:1: "},
		{name: "wide/not utf-8", text: wide().set(deep, "id", "\xff").String(), opt: wideOpt, err: "w.csv:4001:1: "},
		{name: "wide/empty id", text: wide().set(deep, "id", " ").String(), opt: wideOpt, err: "w.csv:4001:1: "},
		{name: "wide/field count", text: wide().edit(deep, func(s string) string { return s + "," }).String(), opt: wideOpt, err: "w.csv:4001: wrong number"},
		{name: "wide/bare quote", text: wide().edit(deep, func(s string) string { return "a\"" + s }).String(), opt: wideOpt, err: "w.csv:4001:2: "},
		{name: "wide/far age", text: func() string {
			f := wide()
			for line := 2; line <= len(f.lines); line++ {
				f.set(line, "y40", "")
			}
			f.header[index(f.header, "y40")] = "y900"
			f.lines[0] = strings.Join(f.header, ",")
			return f.set(deep, "y900", "1").String()
		}(), opt: ReadOptions{Format: Wide}, err: "w.csv:4001:30: "},
		{name: "wide/cancelled", text: w.String(), opt: wideOpt, cancel: w.Len() / 2, err: "w.csv: reading stopped"},
		{name: "long", text: l.String(), opt: longOpt},
		{name: "long/quoted", text: long().edit(lateLong, func(s string) string { return `"` + strings.Replace(s, ",", `",`, 1) }).String(), opt: longOpt},
		{name: "long/id last", text: long().copyColumns("id", "pid").edit(lateLong, func(s string) string { return `"` + strings.Replace(s, ",", `",`, 1) }).String(),
			opt: ReadOptions{Format: Long, Exposure: "exposure", ID: "pid"}},
		{name: "long/long field between", text: long().copyColumns("y", "note").copyColumns("id", "pid").set(deep-1, "note", strings.Repeat("x", 2000)).
			set(deep, "note", strings.Repeat("x", 2000)).set(deep, "exposure", "-1").String(),
			opt: ReadOptions{Format: Long, Exposure: "exposure", ID: "pid"}, err: "l.csv:4001:4: "},
		{name: "long/two outcomes", text: long().copyColumns("y", "z").set(deep, "y", "").String(), opt: ReadOptions{Format: Long}, outs: twoLong},
		{name: "long/bad age", text: long().set(deep, "age", "12.5").String(), opt: longOpt, err: "l.csv:4001:2: "},
		{name: "long/age out of range", text: long().set(deep, "age", "99999999999").String(), opt: longOpt, err: "l.csv:4001:2: "},
		{name: "long/missing count", text: long().set(deep, "y", "NA").String(), opt: longOpt, err: "l.csv:4001:3: "},
		{name: "long/bad exposure", text: long().set(deep, "exposure", "-1").String(), opt: longOpt, err: "l.csv:4001:4: "},
		{name: "long/second row for an age", text: long().edit(deep, func(string) string { return long().lines[deep-2] }).String(), opt: longOpt, err: "l.csv:4001:2: "},
		{name: "long/spelling", text: long().edit(deep, func(s string) string { return " " + s }).String(), opt: longOpt, err: "l.csv:4001:1: "},
		{name: "long/bad age and spelling", text: long().edit(deep, func(s string) string { return " " + s }).set(deep, "age", "x").String(), opt: longOpt, err: "l.csv:4001:2: "},
		{name: "long/bad count, then field count", text: long().set(deep, "y", "-1").edit(deep+2, func(s string) string { return s + ",1" }).String(), opt: longOpt, err: "l.csv:4001:3: "},
		{name: "long/field count", text: long().edit(deep, func(s string) string { return s + ",1" }).String(), opt: longOpt, err: "l.csv:4001: wrong number"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name := "l.csv"
			if strings.HasPrefix(tc.name, "wide") {
				name = "w.csv"
			}
			read := func(opt ReadOptions) (any, *ReadInfo, error) {
				var r io.Reader = strings.NewReader(tc.text)
				if tc.cancel > 0 {
					ctx, cancel := context.WithCancel(context.Background())
					defer cancel()
					r = NewInput(ctx, &cancelAfter{r: r, n: tc.cancel, cancel: cancel}, name)
				}
				if tc.outs != nil {
					return ReadOutcomes(r, name, opt, tc.outs)
				}
				return ReadCareers(r, name, opt)
			}
			seq := tc.opt
			seq.sequential = true
			want, wantInfo, wantErr := read(seq)
			if tc.err == "" && wantErr != nil {
				t.Fatal(wantErr)
			}
			if tc.err != "" && (wantErr == nil || !strings.HasPrefix(wantErr.Error(), tc.err)) {
				t.Fatalf("sequential: error %v, want one starting %q", wantErr, tc.err)
			}
			for _, batch := range []int{0, 7} {
				opt := tc.opt
				opt.batch = batch
				got, info, err := read(opt)
				if !reflect.DeepEqual(err, wantErr) || fmt.Sprint(err) != fmt.Sprint(wantErr) {
					t.Errorf("batches of %d records: error\n%v\nwant\n%v", batch, err, wantErr)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("batches of %d records: the careers differ", batch)
				}
				if !reflect.DeepEqual(info, wantInfo) {
					t.Errorf("batches of %d records: ReadInfo %+v, want %+v", batch, info, wantInfo)
				}
			}
		})
	}
}

// countReader counts the bytes read from r.
type countReader struct {
	r io.Reader
	n int
}

func (c *countReader) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	c.n += k
	return k, err
}

// TestReadPipelinedStops: an error near the start of a large file, found
// by the half that builds the careers, stops the half that reads the file
// well before the end, and no goroutine is left running.
func TestReadPipelinedStops(t *testing.T) {
	var w bytes.Buffer
	if err := WriteWide(&w, testCareers(t, 20_000, 10)); err != nil {
		t.Fatal(err)
	}
	f := newEditFile(w.String())
	text := f.set(3, "id", f.get(2, "id")).String()
	before := runtime.NumGoroutine()
	r := &countReader{r: strings.NewReader(text)}
	_, _, err := ReadCareers(r, "w.csv", ReadOptions{Format: Wide, Exposure: "e"})
	if err == nil || !strings.HasPrefix(err.Error(), "w.csv:3:1: ") {
		t.Fatalf("error %v, want one on line 3", err)
	}
	if r.n > len(text)/2 {
		t.Errorf("read %d bytes of %d after an error on line 3", r.n, len(text))
	}
	// The reading goroutine has closed its channel; let it end.
	for i := 0; i < 10_000 && runtime.NumGoroutine() > before; i++ {
		runtime.Gosched()
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after the reading, %d before", n, before)
	}
}
