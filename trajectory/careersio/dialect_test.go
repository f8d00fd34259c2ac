package careersio

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/trajectory"
)

// dialectRows returns the first rows of data/gbtm_sim/sim630.csv (long:
// id, age, y), split into fields, with an exposure column: 0.5 on every
// seventh row, else 1.
func dialectRows(t *testing.T, n int) [][]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "data", "gbtm_sim", "sim630.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")[:n+1]
	rows := make([][]string, len(lines))
	for i, l := range lines {
		rows[i] = strings.Split(strings.TrimSpace(l), ",")
		switch {
		case i == 0:
			rows[i] = append(rows[i], "exposure")
		case i%7 == 0:
			rows[i] = append(rows[i], "0.5")
		default:
			rows[i] = append(rows[i], "1")
		}
	}
	return rows
}

// writeRows writes rows joined by sep, each field through cell, with a
// line end end, and returns the file's path.
func writeRows(t *testing.T, name string, rows [][]string, prefix, sep, end string, cell func(i, j int, f string) string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(prefix)
	for i, r := range rows {
		for j, f := range r {
			if j > 0 {
				b.WriteString(sep)
			}
			b.WriteString(cell(i, j, f))
		}
		b.WriteString(end)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func loadFull(t *testing.T, s Source) (*trajectory.Careers, *Loaded) {
	t.Helper()
	l, err := Load(s)
	if err != nil {
		t.Fatal(err)
	}
	return l.Full, l
}

// TestDialects: the careers of a semicolon file with decimal commas, a
// tab file, a BOM + quoted file and a Windows-1252 file with non-ASCII
// ids equal, cell for cell, those of the comma UTF-8 file of the same
// data (the first 400 rows of sim630.csv, with exposures).
func TestDialects(t *testing.T) {
	rows := dialectRows(t, 400)
	plain := func(i, j int, f string) string { return f }
	ref := writeRows(t, "ref.csv", rows, "", ",", "\n", plain)
	want, _ := loadFull(t, Source{Data: ref, Read: ReadOptions{Exposure: "exposure"}})
	// Ids with a ü, in UTF-8 and in Windows-1252 (0xFC).
	umlaut := func(enc string) func(i, j int, f string) string {
		return func(i, j int, f string) string {
			if i > 0 && j == 0 {
				return "J" + enc + f
			}
			return f
		}
	}
	refU := writeRows(t, "refu.csv", rows, "", ",", "\n", umlaut("ü"))
	wantU, _ := loadFull(t, Source{Data: refU, Read: ReadOptions{Exposure: "exposure"}})
	for _, tc := range []struct {
		name    string
		path    string
		dialect Dialect
		want    *trajectory.Careers
		sep     string
		decimal string
	}{
		{"semicolon decimal comma", writeRows(t, "semi.csv", rows, "", ";", "\r\n", func(i, j int, f string) string { return strings.Replace(f, ".", ",", 1) }), Dialect{}, want, ";", ","},
		{"semicolon forced", writeRows(t, "semi2.csv", rows, "", ";", "\n", func(i, j int, f string) string { return strings.Replace(f, ".", ",", 1) }), Dialect{Sep: ";", Decimal: ","}, want, ";", ","},
		{"tab", writeRows(t, "tab.tsv", rows, "", "\t", "\n", plain), Dialect{}, want, "tab", ""},
		{"BOM quoted", writeRows(t, "bom.csv", rows, "\ufeff", ",", "\r\n", func(i, j int, f string) string { return `"` + f + `"` }), Dialect{}, want, "", ""},
		{"BOM quoted semicolon", writeRows(t, "bom2.csv", rows, "\ufeff", ";", "\r\n", func(i, j int, f string) string { return `"` + strings.Replace(f, ".", ",", 1) + `"` }), Dialect{}, want, ";", ","},
		{"windows-1252", writeRows(t, "cp.csv", rows, "", ",", "\n", umlaut("\xfc")), Dialect{Encoding: "windows-1252"}, wantU, "", ""},
		{"windows-1252 semicolon", writeRows(t, "cp2.csv", rows, "", ";", "\n", func(i, j int, f string) string {
			return strings.Replace(umlaut("\xfc")(i, j, f), ".", ",", 1)
		}), Dialect{Encoding: "windows-1252", Decimal: ","}, wantU, ";", ","},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, l := loadFull(t, Source{Data: tc.path, Read: ReadOptions{Exposure: "exposure"}, Dialect: tc.dialect})
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("careers differ from those of the comma file")
			}
			if l.Settings.Sep != tc.sep || l.Settings.Decimal != tc.decimal {
				t.Errorf("settings sep %q decimal %q, want %q %q", l.Settings.Sep, l.Settings.Decimal, tc.sep, tc.decimal)
			}
			// Read again as the settings say.
			again, _ := loadFull(t, Source{Data: tc.path, Read: ReadOptions{Exposure: "exposure"}, Dialect: Dialect{Sep: l.Settings.Sep, Decimal: l.Settings.Decimal, Encoding: l.Settings.Encoding}})
			if !reflect.DeepEqual(again, tc.want) {
				t.Errorf("careers read again with the settings differ")
			}
		})
	}
}

// TestBOMQuotedPersons: a person file with a byte-order mark and a quoted
// header, as R's write.csv and Excel write it, is read.
func TestBOMQuotedPersons(t *testing.T) {
	r := strings.NewReader("\ufeff\"id\",\"sex\",\"age_first\"\r\n\"1\",\"male\",\"24\"\r\n\"2\",\"female\",\"31\"\r\n")
	p, err := ReadPersons(r, "p.csv", PersonOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Column("sex") == nil || p.Row("2") != 1 {
		t.Errorf("columns or ids not read: %+v", p)
	}
}

// TestDialectErrors: a header with no separator, or with two as often,
// is an error naming the separators tried; decimal commas and points in
// one semicolon file are an error naming both lines.
func TestDialectErrors(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       []string
	}{
		{"no separator", "id age y\n1 12 0\n", []string{"x.csv:1:", "tried comma, semicolon and tab", "--sep"}},
		{"as many", "id;age,y\n1;12,0\n", []string{"x.csv:1:", "tried comma, semicolon and tab", "as many"}},
		{"mixed decimals", "id;age;y;e\n1;12;0;0,5\n1;13;0;0.5\n", []string{"x.csv:3:4:", "decimal comma (first on line 2)", "decimal point (first on line 3)", "--decimal"}},
		{"bad field count", "id;age;y;e\n1;12;0;1\n1;13;1\n", []string{"x.csv:3", "wrong number of fields"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "x.csv")
			if err := os.WriteFile(path, []byte(tc.text), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Load(Source{Data: path, Read: ReadOptions{Exposure: "e"}})
			var de *DataError
			if !errors.As(err, &de) {
				t.Fatalf("error %v, want a DataError", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), strings.TrimPrefix(w, "x.csv")) || !strings.Contains(err.Error(), "x.csv") {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

// TestDialectTcovPersons: a semicolon Windows-1252 file with decimal
// commas gives the covariates and the person file of its comma UTF-8
// twin: the dialect applies to the covariates' pass and to the persons.
func TestDialectTcovPersons(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	careers := "id,age,y,emp\nJü1,12,0,0.5\nJü1,13,2,1\nJü2,12,1,0.25\nJü2,14,0,1\n"
	persons := "id,sex,score\nJü1,m,1.5\nJü2,f,-0.5\n"
	euro := func(s string) string {
		s = strings.ReplaceAll(s, ",", ";")
		s = strings.ReplaceAll(s, ".", ",")
		return strings.ReplaceAll(s, "ü", "\xfc")
	}
	want, err := Load(Source{Data: write("c.csv", careers), Tcov: []string{"emp"}, Persons: write("p.csv", persons)})
	if err != nil {
		t.Fatal(err)
	}
	got, err := Load(Source{Data: write("ce.csv", euro(careers)), Tcov: []string{"emp"}, Persons: write("pe.csv", euro(persons)),
		Dialect: Dialect{Encoding: "windows-1252"}})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Full, want.Full) {
		t.Error("careers with covariates differ from those of the comma file")
	}
	if !reflect.DeepEqual(got.Persons.Column("score"), want.Persons.Column("score")) || got.Persons.Row("Jü2") != want.Persons.Row("Jü2") {
		t.Error("person files differ")
	}
}

// BenchmarkSemicolon reads a long file of 10,000 simulated careers
// written with semicolons and decimal commas, through the conversion to
// comma text (BenchmarkRead's long file, the comma path, for comparison).
func BenchmarkSemicolon(b *testing.B) {
	c := benchCareers(b, 10_000)
	var file bytes.Buffer
	if err := WriteLong(&file, c); err != nil {
		b.Fatal(err)
	}
	semi := bytes.ReplaceAll(bytes.ReplaceAll(file.Bytes(), []byte(","), []byte(";")), []byte("."), []byte(","))
	b.ReportAllocs()
	b.SetBytes(int64(len(semi)))
	for b.Loop() {
		r := newDialectReader(bytes.NewReader(semi), nil, "bench.csv", ';', Dialect{})
		if _, _, err := ReadCareers(r, "bench.csv", ReadOptions{Format: Long, Exposure: "exposure"}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestNotUTF8ID: a Windows-1252 id read as UTF-8 is an error naming the
// encoding flag, not a person with a garbled name.
func TestNotUTF8ID(t *testing.T) {
	_, _, err := ReadCareers(strings.NewReader("id,age,y\n1,12,0\nJ\xfc2,12,1\n"), "x.csv", ReadOptions{})
	if err == nil || !strings.Contains(err.Error(), "x.csv:3:1:") || !strings.Contains(err.Error(), "--encoding windows-1252") {
		t.Errorf("error %v, want one at x.csv:3:1 naming --encoding", err)
	}
}

// TestDialectSum: the size and SHA-256 a fit records are those of the
// file's own bytes, not of the comma text read from them.
func TestDialectSum(t *testing.T) {
	text := "id;age;y;e\n1;12;0;0,5\n1;13;1;1\n"
	path := filepath.Join(t.TempDir(), "s.csv")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := Load(Source{Data: path, Read: ReadOptions{Exposure: "e"}})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(text))
	if l.Settings.Size != int64(len(text)) || l.Settings.SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("size %d sha256 %s, want %d and the file's", l.Settings.Size, l.Settings.SHA256, len(text))
	}
}
