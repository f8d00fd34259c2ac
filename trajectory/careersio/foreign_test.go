package careersio

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/trajectory"
)

// The fixtures in testdata/foreign are made by make.R (R's haven and
// openxlsx), make_be.R (big-endian Stata files written byte by byte) and
// make.sps (GNU PSPP) from the first 60 careers of the embedded
// employment data (long60.csv, wide60.csv) and the first 60 rows of
// cmd/trajkit/testdata/persons630.csv (persons60.csv); see the scripts.
func foreign(name string) string { return filepath.Join("testdata", "foreign", name) }

// tableText returns the CSV text of a fixture.
func tableText(t *testing.T, name string, opt TableOptions) (string, *Table) {
	t.Helper()
	tab, err := OpenTable(nil, foreign(name), opt)
	if err != nil {
		t.Fatal(err)
	}
	defer tab.Close()
	b, err := io.ReadAll(tab)
	if err != nil {
		t.Fatal(err)
	}
	return string(b), tab
}

// TestTableValues checks the text of every kind of cell: integral numbers
// in full (ids join with CSV person files), other numbers in the shortest
// form that reads back, missing values (., .z) as empty cells, strings
// quoted where CSV needs it, line breaks as spaces, UTF-8, and strLs.
// The expected text is make.R's values data frame.
func TestTableValues(t *testing.T) {
	long := strings.Repeat("x", 3000)
	want := "id,x,s,long_text\n" +
		"1000000,0.5,\"a,b\"," + long + "\n" +
		"2500000,1e-07,\"say \"\"hi\"\"\",\n" +
		"123456789012,,two lines,short\n" +
		"7,,café," + long + "\n"
	short := "id,x,s\n" +
		"1000000,0.5,\"a,b\"\n" +
		"2500000,1e-07,\"say \"\"hi\"\"\"\n" +
		"123456789012,,two lines\n" +
		"7,,café\n"
	for _, tc := range []struct{ file, want string }{
		{"values_115.dta", short},
		{"values_117.dta", want},
		{"values_118.dta", want},
		{"values_119.dta", want},
		// x = 99, a user-missing value, where the data frame had NA.
		{"values.sav", want},
		{"values.xlsx", short},
	} {
		t.Run(tc.file, func(t *testing.T) {
			got, tab := tableText(t, tc.file, TableOptions{})
			if got != tc.want {
				t.Errorf("text:\n%s\nwant:\n%s", got, tc.want)
			}
			if k := Kind(strings.TrimPrefix(filepath.Ext(tc.file), ".")); tab.Kind != k {
				t.Errorf("kind %q, want %q", tab.Kind, k)
			}
		})
	}
}

// TestTableBigEndian reads make_be.R's files, written byte by byte in the
// MSF (HILO) order: Latin-1 strings in 114 and 117, floats with the
// missing values . and .b, strLs cross-linked and empty, and the 3+5 byte
// (v,o) of format 119. The expected cells follow make_be.R's rules.
func TestTableBigEndian(t *testing.T) {
	ref := readLines(t, "long60.csv")
	for _, file := range []string{"long60_be114.dta", "long60_be117.dta", "long60_be118.dta", "long60_be119.dta"} {
		t.Run(file, func(t *testing.T) {
			text, tab := tableText(t, file, TableOptions{})
			lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
			if len(lines) != len(ref) {
				t.Fatalf("%d lines, want %d", len(lines), len(ref))
			}
			notes := []string{"café", "naïve", `"x,y"`}
			for i, line := range lines[1:] {
				obs := i + 1
				f := strings.SplitN(line, ",", 5)
				if got := strings.Join(f[:4], ","); got != ref[obs] {
					t.Fatalf("observation %d: %s, want %s", obs, got, ref[obs])
				}
				rest := f[4]
				note := notes[i%3]
				if !strings.HasPrefix(rest, note+",") {
					t.Fatalf("observation %d: note in %q, want %q", obs, rest, note)
				}
				cells := strings.Split(strings.TrimPrefix(rest, note+","), ",")
				var score string
				switch {
				case obs%7 == 0, obs%11 == 0:
					score = ""
				default:
					age := strings.Split(ref[obs], ",")[1]
					a, _ := strconv.Atoi(age)
					score = formatNumber(float64(a)/4, 32)
				}
				if cells[0] != score {
					t.Fatalf("observation %d: score %q, want %q", obs, cells[0], score)
				}
				if file == "long60_be114.dta" {
					continue
				}
				memo := ""
				switch {
				case obs == 1 || obs == 2:
					memo = "first memo"
				case obs%10 == 0:
					memo = "memo " + strconv.Itoa(obs)
				}
				if cells[1] != memo {
					t.Fatalf("observation %d: memo %q, want %q", obs, cells[1], memo)
				}
			}
			if want := map[string]map[string]string{"employed": {"0": "no", "1": "yes"}}; !reflect.DeepEqual(tab.Labels, want) {
				t.Errorf("labels %v, want %v", tab.Labels, want)
			}
		})
	}
}

// foreignCareers are the fixtures that hold the careers of long60.csv or
// wide60.csv.
var foreignCareers = []struct {
	file, ref string
	opt       TableOptions
}{
	{"long60_113.dta", "long60.csv", TableOptions{}},
	{"long60_114.dta", "long60.csv", TableOptions{}},
	{"long60_115.dta", "long60.csv", TableOptions{}},
	{"long60_117.dta", "long60.csv", TableOptions{}},
	{"long60_118.dta", "long60.csv", TableOptions{}},
	{"long60_119.dta", "long60.csv", TableOptions{}},
	{"long60_be114.dta", "long60.csv", TableOptions{}},
	{"long60_be117.dta", "long60.csv", TableOptions{}},
	{"long60_be118.dta", "long60.csv", TableOptions{}},
	{"long60_be119.dta", "long60.csv", TableOptions{}},
	{"wide60_118.dta", "wide60.csv", TableOptions{}},
	{"long60.sav", "long60.csv", TableOptions{}},
	{"long60_none.sav", "long60.csv", TableOptions{}},
	{"long60.zsav", "long60.csv", TableOptions{}},
	{"wide60.sav", "wide60.csv", TableOptions{}},
	{"wide60_pspp.sav", "wide60.csv", TableOptions{}},
	{"wide60_pspp_plain.sav", "wide60.csv", TableOptions{}},
	{"wide60_pspp.zsav", "wide60.csv", TableOptions{}},
	{"long60.xlsx", "long60.csv", TableOptions{}},
	{"wide60.xlsx", "wide60.csv", TableOptions{Sheet: "wide"}},
	{"wide60.xlsx", "wide60.csv", TableOptions{Sheet: "offset"}},
}

// TestForeignCareers loads the careers, with the time-varying covariate
// employed (value-labelled, still read as its codes), from each fixture
// and from the CSV file of the same data: the careers must be identical
// cell for cell, and so must the fit.
func TestForeignCareers(t *testing.T) {
	var fitted bool
	for _, tc := range foreignCareers {
		t.Run(tc.file, func(t *testing.T) {
			got, err := Load(Source{Data: foreign(tc.file), Sheet: tc.opt.Sheet, Tcov: []string{"employed"}})
			if err != nil {
				t.Fatal(err)
			}
			want, err := Load(Source{Data: foreign(tc.ref), Tcov: []string{"employed"}})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Careers, want.Careers) {
				t.Fatal("careers differ from those of the CSV file")
			}
			if got.Info.Format != want.Info.Format || got.Info.Rows != want.Info.Rows {
				t.Errorf("read %s with %d rows, the CSV file %s with %d", got.Info.Format, got.Info.Rows, want.Info.Format, want.Info.Rows)
			}
			st, err := os.Stat(foreign(tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if got.Settings.Size != st.Size() || len(got.Settings.SHA256) != 64 {
				t.Errorf("settings record %d bytes (SHA-256 %q), the file has %d", got.Settings.Size, got.Settings.SHA256, st.Size())
			}
			if fitted {
				return
			}
			// One fit suffices: the same careers give the same fit.
			fitted = true
			m, err := trajectory.NewModel(trajectory.Poisson, 2, []int{2}, nil)
			if err != nil {
				t.Fatal(err)
			}
			fit := func(c *trajectory.Careers) []float64 {
				f, err := trajectory.Fit(c, m, &trajectory.Settings{NoSE: true})
				if err != nil {
					t.Fatal(err)
				}
				return append(f.Params(), f.LogLik)
			}
			if a, b := fit(got.Careers), fit(want.Careers); !slices.Equal(a, b) {
				t.Errorf("fit %v, the CSV file's %v", a, b)
			}
		})
	}
}

// TestForeignPersons reads the person file in each format: the numeric
// and text columns equal the CSV file's, and female, which has value
// labels, is categorical with its codes as levels and its labels kept.
func TestForeignPersons(t *testing.T) {
	want, err := ReadPersonsFile(foreign("persons60.csv"), PersonOptions{ID: "id"})
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range []string{"persons60.dta", "persons60.sav", "persons60.xlsx"} {
		t.Run(file, func(t *testing.T) {
			got, err := ReadPersonsFile(foreign(file), PersonOptions{ID: "id"})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.IDs, want.IDs) || len(got.Columns) != len(want.Columns) {
				t.Fatalf("ids %v and %d columns, want %v and %d", got.IDs, len(got.Columns), want.IDs, len(want.Columns))
			}
			for j, wc := range want.Columns {
				gc := got.Columns[j]
				if wc.Name == "female" && !strings.HasSuffix(file, ".xlsx") { // Excel has no value labels
					if gc.Numeric || !slices.Equal(gc.Levels, []string{"0", "1"}) {
						t.Fatalf("female: numeric %v, levels %v: want categorical with levels 0, 1", gc.Numeric, gc.Levels)
					}
					for r, v := range wc.Values {
						if gc.Codes[r] != int(v) {
							t.Fatalf("female row %d: code %d, the CSV value %v", r, gc.Codes[r], v)
						}
					}
					if !reflect.DeepEqual(gc.Labels, map[string]string{"0": "male", "1": "female"}) {
						t.Errorf("female labels %v", gc.Labels)
					}
					continue
				}
				gc.Labels = nil
				if !reflect.DeepEqual(equalNaN(gc), equalNaN(wc)) {
					t.Errorf("column %s: %+v, want %+v", wc.Name, gc, wc)
				}
			}
		})
	}
}

// equalNaN replaces NaN values by a sentinel, so that DeepEqual compares
// missing values as equal.
func equalNaN(pc PersonColumn) PersonColumn {
	v := slices.Clone(pc.Values)
	for i := range v {
		if v[i] != v[i] {
			v[i] = -1e300
		}
	}
	pc.Values = v
	return pc
}

// TestSAVPSPP checks what make.sps adds to the careers in the files GNU
// PSPP writes: a long variable name, a very long string (300 bytes, in
// two segments) and a string with a user-missing value.
func TestSAVPSPP(t *testing.T) {
	for _, file := range []string{"wide60_pspp.sav", "wide60_pspp_plain.sav", "wide60_pspp.zsav"} {
		t.Run(file, func(t *testing.T) {
			text, tab := tableText(t, file, TableOptions{})
			recs, err := csv.NewReader(strings.NewReader(text)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			h := recs[0]
			if got := strings.Join(h[len(h)-3:], ","); got != "employment_at_first_age,remarks,code" {
				t.Fatalf("last columns %s", got)
			}
			for _, rec := range recs[1:] {
				id, _ := strconv.Atoi(rec[0])
				remarks := "case " + rec[0] + ": " + strings.Repeat(".", 287) + "end"
				code := "ok"
				if id%5 == 0 {
					code = ""
				}
				if got := rec[len(rec)-2:]; got[0] != remarks || got[1] != code {
					t.Fatalf("person %d: remarks %q, code %q; want %q, %q", id, got[0], got[1], remarks, code)
				}
				if rec[len(rec)-3] != rec[18] {
					t.Fatalf("person %d: employment_at_first_age %q, employed14 %q", id, rec[len(rec)-3], rec[18])
				}
			}
			if l := tab.Labels["employed30"]; !reflect.DeepEqual(l, map[string]string{"0": "no", "1": "yes"}) {
				t.Errorf("labels of employed30: %v", l)
			}
		})
	}
}

// TestDTAErrors damages a valid file: every damage gives a DataError that
// names the file (and the byte or the line), never a panic, and a size
// declared beyond the file's is refused before anything is allocated.
func TestDTAErrors(t *testing.T) {
	good, err := os.ReadFile(foreign("long60_118.dta"))
	if err != nil {
		t.Fatal(err)
	}
	old, err := os.ReadFile(foreign("long60_114.dta"))
	if err != nil {
		t.Fatal(err)
	}
	set := func(b []byte, at int, v ...byte) []byte {
		b = bytes.Clone(b)
		copy(b[at:], v)
		return b
	}
	at := func(b []byte, s string) int { return bytes.Index(b, []byte(s)) + len(s) }
	for _, tc := range []struct {
		name string
		data []byte
		msg  string
	}{
		{"truncated header", good[:40], "truncated"},
		{"truncated data", good[:len(good)/2], "observations"},
		{"huge N", set(good, at(good, "<N>"), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f), "observations"},
		{"huge K", set(good, at(good, "<K>"), 0xff, 0xff), "the variable descriptors"},
		{"bad type", set(good, at(good, "<variable_types>"), 0x01, 0x90), "type"},
		{"bad byte order", set(good, at(good, "<byteorder>"), 'X'), "byte order"},
		{"release 116", set(good, at(good, "<release>"), '1', '1', '6'), "not read"},
		{"old huge N", set(old, 6, 0xff, 0xff, 0xff, 0x7f), "observations"},
		{"old release 112", set(old, 0, 112), "not a Stata"},
		{"old bad type", set(old, 109, 250), "type 250"},
		{"old truncated", old[:200], "truncated"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bad.dta")
			if err := os.WriteFile(path, tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Load(Source{Data: path})
			var de *DataError
			if !errors.As(err, &de) {
				t.Fatalf("error %v (%T): want a DataError", err, err)
			}
			if de.File != path || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q: want one naming %s and saying %q", err, path, tc.msg)
			}
		})
	}
}

// TestSAVErrors damages valid system files, as TestDTAErrors does.
func TestSAVErrors(t *testing.T) {
	read := func(name string) []byte {
		b, err := os.ReadFile(foreign(name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	plain, comp, z := read("long60_none.sav"), read("long60.sav"), read("long60.zsav")
	persons := read("persons60.sav")
	set := func(b []byte, at int, v ...byte) []byte {
		b = bytes.Clone(b)
		copy(b[at:], v)
		return b
	}
	for _, tc := range []struct {
		name, file string
		data       []byte
		msg        string
	}{
		{"truncated header", "a.sav", plain[:100], "truncated"},
		{"not a system file", "a.sav", set(plain, 0, 'X'), "not an SPSS .sav file"},
		{"layout code", "a.sav", set(plain, 64, 9, 9, 9, 9), "layout code"},
		{"compression", "a.sav", set(plain, 72, 2), "compression 2"},
		{"record type", "a.sav", set(plain, 176, 5), "record type 5"},
		{"missing values", "a.sav", set(plain, 188, 7), "missing values"},
		{"huge ncases", "a.sav", set(plain, 80, 0xff, 0xff, 0xff, 0x7f), "declares"},
		// region, a short string, declared 200 bytes wide in one element.
		{"string width", "a.sav", set(persons, bytes.Index(persons, []byte("REGION"))-20, 200), "elements"},
		{"truncated data", "a.sav", plain[:len(plain)*2/3], "truncated"},
		{"truncated compressed data", "a.sav", comp[:len(comp)*2/3], "truncated"},
		{"truncated zsav", "a.zsav", z[:len(z)-10], "zlib"},
		{"damaged zlib block", "a.zsav", set(z, len(z)*2/3, 0xde, 0xad, 0xbe, 0xef, 0xde, 0xad), "zlib"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), tc.file)
			if err := os.WriteFile(path, tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Load(Source{Data: path})
			var de *DataError
			if !errors.As(err, &de) {
				t.Fatalf("error %v (%T): want a DataError", err, err)
			}
			if de.File != path || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q: want one naming %s and saying %q", err, path, tc.msg)
			}
		})
	}
}

// TestXLSXErrors checks the errors of sheets and workbooks.
func TestXLSXErrors(t *testing.T) {
	good, err := os.ReadFile(foreign("wide60.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		data  []byte
		sheet string
		msg   string
	}{
		{"no such sheet", good, "nope", `no sheet "nope": the workbook has "notes", "wide", "offset"`},
		{"not careers", good, "", "cannot tell the format"},
		{"damaged", good[:len(good)/2], "", "not a readable Excel workbook"},
		{"not a workbook", []byte("id,age,y\n1,12,0\n"), "", "not an Excel .xlsx workbook"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "careers.xlsx")
			if err := os.WriteFile(path, tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Load(Source{Data: path, Sheet: tc.sheet})
			var de *DataError
			if !errors.As(err, &de) || de.File != path || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %v: want a DataError naming %s and saying %q", err, path, tc.msg)
			}
		})
	}
}

// TestForeignLines checks that an error in the data names the line of
// the CSV text, observation + 1 (Excel: the row of the sheet), and the
// variable.
func TestForeignLines(t *testing.T) {
	// Read as long with y16 as the age, the second person (sheet row 3,
	// row 5 of the sheet offset) has none.
	for sheet, line := range map[string]int{"wide": 3, "offset": 5} {
		_, err := Load(Source{Data: foreign("wide60.xlsx"), Sheet: sheet, Read: ReadOptions{Format: Long, Age: "y16", Count: "y15"}})
		var xe *DataError
		if !errors.As(err, &xe) || xe.Line != line || xe.ColumnName != "y16" {
			t.Errorf("sheet %s: error %v: want one at line %d (the row of the sheet), column y16", sheet, err, line)
		}
	}
	// values_118.dta has no age: read as long with the strL column as
	// the age, observation 1's "xxx..." is not a number.
	_, err := Load(Source{Data: foreign("values_118.dta"), Read: ReadOptions{Format: Long, Age: "long_text", Count: "id"}})
	var de *DataError
	if !errors.As(err, &de) || de.Line != 2 || de.ColumnName != "long_text" {
		t.Fatalf("error %v: want one at line 2 (observation 1), column long_text", err)
	}
}

func readLines(t *testing.T, name string) []string {
	t.Helper()
	b, err := os.ReadFile(foreign(name))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}
