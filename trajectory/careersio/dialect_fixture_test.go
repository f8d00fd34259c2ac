package careersio

import (
	"bytes"
	"path/filepath"
	"reflect"
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

// accentIDs returns long text with make.R's Windows-1252 ids: an odd id
// n as "én", an even one as "ßn".
func accentIDs(t *testing.T, text string) string {
	t.Helper()
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		id, rest, ok := strings.Cut(l, ",")
		if i == 0 || !ok {
			continue
		}
		n, err := strconv.Atoi(id)
		if err != nil {
			t.Fatalf("line %d: id %q is not a number", i+1, id)
		}
		prefix := "ß"
		if n%2 == 1 {
			prefix = "é"
		}
		lines[i] = prefix + id + "," + rest
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
