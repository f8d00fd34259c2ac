package careersio

import (
	"bytes"
	"fmt"
	"maps"
	"math"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/trajectory"
)

// The fixtures in testdata/dialects are made by make.R there (base R's
// write.csv, write.csv2 and write.table) from the careers of
// testdata/foreign/long60.csv; see its README.
func dialectFile(name string) string { return filepath.Join("testdata", "dialects", name) }

// longText returns the careers as WriteLong writes them: one line per
// person and observed age with the id, age, count and exposure.
func longText(t *testing.T, c *trajectory.Careers) string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteLong(&b, c); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// accentID returns make.R's Windows-1252 id of id n: "én" for an odd n,
// "ßn" for an even one.
func accentID(t *testing.T, id string) string {
	t.Helper()
	n, err := strconv.Atoi(id)
	if err != nil {
		t.Fatalf("id %q is not a number", id)
	}
	if n%2 == 1 {
		return "é" + id
	}
	return "ß" + id
}

// accentIDs returns long text (id first on every line after the header)
// with make.R's Windows-1252 ids.
func accentIDs(t *testing.T, text string) string {
	t.Helper()
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if id, rest, ok := strings.Cut(l, ","); i > 0 && ok {
			lines[i] = accentID(t, id) + "," + rest
		}
	}
	return strings.Join(lines, "\n")
}

// TestDialectFixtures reads each committed dialect fixture to the careers
// (ids, ages, counts, exposures and, for the long files, the covariate
// employed) of the plain comma file of the same data: long60.csv, or
// long60_exposure.csv for the file with exposures. It also checks that
// the settings record how the file was read, and that
// long60_exposure.csv, its exposures aside, is long60.csv.
func TestDialectFixtures(t *testing.T) {
	long60 := foreign("long60.csv")
	exposure := dialectFile("long60_exposure.csv")
	for _, tc := range []struct {
		file, ref string
		read      ReadOptions
		dialect   Dialect
		tcov      bool
		accents   bool // the ids are make.R's accented ids
		want      trajectory.DataSettings
	}{
		// The separator and the decimal comma detected.
		{file: "long60_semicolon.csv", ref: exposure, read: ReadOptions{Exposure: "exposure"}, tcov: true,
			want: trajectory.DataSettings{Format: "long", Sep: ";", Decimal: ","}},
		{file: "long60_tab.tsv", ref: long60, tcov: true,
			want: trajectory.DataSettings{Format: "long", Sep: "tab"}},
		{file: "long60_bom.csv", ref: long60, tcov: true,
			want: trajectory.DataSettings{Format: "long"}},
		{file: "long60_cp1252.csv", ref: long60, dialect: Dialect{Encoding: "windows-1252"}, tcov: true, accents: true,
			want: trajectory.DataSettings{Format: "long", Encoding: "windows-1252"}},
		// The traj format detected from the header (y1.., t1..), and
		// forced, with time columns time1.. in decades.
		{file: "long60_traj.csv", ref: long60,
			want: trajectory.DataSettings{Format: "traj", Time: "t"}},
		{file: "long60_traj_decades.csv", ref: long60, read: ReadOptions{Format: Traj, Time: "time", TimeScale: 10},
			want: trajectory.DataSettings{Format: "traj", Time: "time", TimeScale: 10}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			var tcov []string
			if tc.tcov {
				tcov = []string{"employed"}
			}
			got, err := Load(Source{Data: dialectFile(tc.file), Read: tc.read, Dialect: tc.dialect, Tcov: tcov})
			if err != nil {
				t.Fatal(err)
			}
			want, err := Load(Source{Data: tc.ref, Read: ReadOptions{Exposure: tc.read.Exposure}, Tcov: tcov})
			if err != nil {
				t.Fatal(err)
			}
			gotText, wantText := longText(t, got.Full), longText(t, want.Full)
			if tc.accents {
				wantText = accentIDs(t, wantText)
			}
			switch {
			case gotText != wantText:
				t.Errorf("careers differ from those of %s", tc.ref)
			case !tc.accents && !reflect.DeepEqual(got.Full, want.Full):
				t.Errorf("careers as stored differ from those of %s, though their cells agree", tc.ref)
			}
			if tc.accents && got.Full.Len() != want.Full.Len() {
				t.Errorf("%d persons, %s has %d", got.Full.Len(), tc.ref, want.Full.Len())
			}
			s := got.Settings
			for _, f := range []struct{ name, got, want string }{
				{"format", s.Format, tc.want.Format},
				{"sep", s.Sep, tc.want.Sep},
				{"decimal", s.Decimal, tc.want.Decimal},
				{"encoding", s.Encoding, tc.want.Encoding},
				{"time", s.Time, tc.want.Time},
			} {
				if f.got != f.want {
					t.Errorf("settings.data.%s %q, want %q", f.name, f.got, f.want)
				}
			}
			if s.TimeScale != tc.want.TimeScale {
				t.Errorf("settings.data.time_scale %g, want %g", s.TimeScale, tc.want.TimeScale)
			}
		})
	}
	t.Run("long60_exposure.csv", func(t *testing.T) {
		got, _ := loadFull(t, Source{Data: exposure, Tcov: []string{"employed"}})
		want, _ := loadFull(t, Source{Data: long60, Tcov: []string{"employed"}})
		if !reflect.DeepEqual(got, want) {
			t.Error("careers without the exposures differ from those of long60.csv")
		}
		withE, _ := loadFull(t, Source{Data: exposure, Read: ReadOptions{Exposure: "exposure"}})
		if withE.E == nil {
			t.Error("no exposures read")
		}
	})
}

// samePersons reports how a person table differs from want, ids apart:
// "" when every column is the same, NaN (missing) where want has NaN.
func samePersons(got, want *PersonTable) string {
	if len(got.Columns) != len(want.Columns) || !slices.Equal(got.Lines, want.Lines) {
		return fmt.Sprintf("%d columns on lines %v, want %d on %v", len(got.Columns), got.Lines, len(want.Columns), want.Lines)
	}
	for j, w := range want.Columns {
		g := got.Columns[j]
		if g.Name != w.Name || g.Field != w.Field || g.Numeric != w.Numeric || !slices.Equal(g.Levels, w.Levels) || !slices.Equal(g.Codes, w.Codes) || !maps.Equal(g.Labels, w.Labels) {
			return fmt.Sprintf("column %d: %+v, want %+v", j+1, g, w)
		}
		if !slices.EqualFunc(g.Values, w.Values, func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }) {
			return fmt.Sprintf("column %s: values %v, want %v", w.Name, g.Values, w.Values)
		}
	}
	return ""
}

// TestDialectPersons reads the person files of testdata/dialects
// (persons60.csv written by make.R with semicolons and decimal commas,
// with a byte-order mark before a quoted header, and in Windows-1252
// with accented ids) to the table of ../foreign/persons60.csv, and joins
// the Windows-1252 persons to the Windows-1252 careers as the UTF-8
// files join: the same risk-factor design.
func TestDialectPersons(t *testing.T) {
	want, err := ReadPersonsFile(foreign("persons60.csv"), PersonOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		file    string
		dialect Dialect
		accents bool
	}{
		{"persons60_semicolon.csv", Dialect{}, false},
		{"persons60_bom.csv", Dialect{}, false},
		{"persons60_cp1252.csv", Dialect{Encoding: "windows-1252"}, true},
	} {
		t.Run(tc.file, func(t *testing.T) {
			got, err := ReadPersonsFile(dialectFile(tc.file), PersonOptions{Dialect: tc.dialect})
			if err != nil {
				t.Fatal(err)
			}
			ids := want.IDs
			if tc.accents {
				ids = nil
				for _, id := range want.IDs {
					ids = append(ids, accentID(t, id))
				}
			}
			if !slices.Equal(got.IDs, ids) {
				t.Errorf("ids %v, want %v", got.IDs, ids)
			}
			if msg := samePersons(got, want); msg != "" {
				t.Error(msg)
			}
		})
	}
	t.Run("join", func(t *testing.T) {
		risk := []string{"female", "qualification", "region"}
		got, err := Load(Source{Data: dialectFile("long60_cp1252.csv"), Persons: dialectFile("persons60_cp1252.csv"), Risk: risk,
			Dialect: Dialect{Encoding: "windows-1252"}})
		if err != nil {
			t.Fatal(err)
		}
		want, err := Load(Source{Data: foreign("long60.csv"), Persons: foreign("persons60.csv"), Risk: risk})
		if err != nil {
			t.Fatal(err)
		}
		if got.Risk == nil || len(got.Risk.X) != 60 {
			t.Fatalf("risk design %+v, want one for 60 persons", got.Risk)
		}
		if !reflect.DeepEqual(got.Risk, want.Risk) {
			t.Errorf("risk design %+v, want %+v", got.Risk, want.Risk)
		}
	})
}
