package careersio

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/trajectory"
)

// TestReadOutcomesMissingCells: two outcomes of a small long file and a
// small wide file, each cell missing in one outcome or both, give the
// careers worked out by hand, field by field: one grid, the same persons,
// and a person with no cell in an outcome kept there with the grid's
// first age unobserved.
func TestReadOutcomesMissingCells(t *testing.T) {
	lg2, _ := math.Lgamma(3) // log 2!
	for _, tc := range []struct {
		name, file string
		outs       []OutcomeColumns
		want       []*trajectory.Careers
		unobserved []string
	}{
		{
			name: "long",
			// a: thb at 20 and 23, violent at 21 and 23; b: violent only;
			// c: thb only, with exposure 2.
			file: "id,age,thb,violent,e\na,20,1,,1\na,21,,2,0.5\na,23,0,0,1\nb,22,,1,1\nc,25,2,,2\n",
			outs: []OutcomeColumns{{Count: "thb", Exposure: "e"}, {Name: "vio", Count: "violent"}},
			want: []*trajectory.Careers{{
				IDs: []string{"a", "b", "c"}, MinAge: 20, NumAges: 6,
				Lo: []uint8{0, 0, 5}, Hi: []uint8{3, 0, 5}, Start: []int32{0, 3, 4, 5},
				Age: []uint8{0, 1, 2, 0, 5}, Y: []uint32{1, 0, 0, 0, 2}, E: []float64{1, 0, 0, 0, 2},
				Const: []float64{0, 0, -lg2 + 2*math.Log(2)}, NumObs: 3,
			}, {
				IDs: []string{"a", "b", "c"}, MinAge: 20, NumAges: 6,
				Lo: []uint8{1, 2, 0}, Hi: []uint8{3, 2, 0}, Start: []int32{0, 2, 3, 4},
				Age: []uint8{1, 2, 2, 0}, Y: []uint32{2, 0, 1, 0},
				Const: []float64{-lg2, 0, 0}, NumObs: 3,
			}},
		},
		{
			name: "wide",
			// b has no cell at all and is left out.
			file: "id,thb20,thb21,thb22,vio20,vio21,vio22\na,1,,0,,2,\nb,,,,,,\nc,,,,0,,1\n",
			outs: []OutcomeColumns{{Count: "thb"}, {Count: "vio"}},
			want: []*trajectory.Careers{{
				IDs: []string{"a", "c"}, MinAge: 20, NumAges: 3,
				Lo: []uint8{0, 0}, Hi: []uint8{2, 0}, Start: []int32{0, 2, 3},
				Age: []uint8{0, 1, 0}, Y: []uint32{1, 0, 0},
				Const: []float64{0, 0}, NumObs: 2,
			}, {
				IDs: []string{"a", "c"}, MinAge: 20, NumAges: 3,
				Lo: []uint8{1, 0}, Hi: []uint8{1, 2}, Start: []int32{0, 1, 3},
				Age: []uint8{1, 1, 2}, Y: []uint32{2, 0, 1},
				Const: []float64{-lg2, 0}, NumObs: 3,
			}},
			unobserved: []string{"b"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cs, info, err := ReadOutcomes(strings.NewReader(tc.file), "two.csv", ReadOptions{}, tc.outs)
			if err != nil {
				t.Fatal(err)
			}
			if len(cs) != len(tc.want) {
				t.Fatalf("%d careers, want %d", len(cs), len(tc.want))
			}
			for k := range cs {
				if !reflect.DeepEqual(cs[k], tc.want[k]) {
					t.Errorf("outcome %d:\n got %+v\nwant %+v", k+1, *cs[k], *tc.want[k])
				}
			}
			if !reflect.DeepEqual(info.Unobserved, tc.unobserved) {
				t.Errorf("unobserved %q, want %q", info.Unobserved, tc.unobserved)
			}
			left := 0
			for _, w := range info.Warnings {
				if w.Kind == trajectory.PersonsLeftOut {
					left++
				}
			}
			if want := min(len(tc.unobserved), 1); left != want {
				t.Errorf("%d PersonsLeftOut warnings, want %d: %v", left, want, info.Warnings)
			}
		})
	}
}

// TestReadOutcomesAligned: a long file of two outcomes made from
// nl630's careers (the second half the first, rounded down, with cells
// left empty in one outcome or the other) gives, for each outcome, the
// observed cells that outcome's own file gives to ReadCareers, person by
// person, on one grid with the same persons in each.
func TestReadOutcomesAligned(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "data", "nl630", "long.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	both := []string{"id,age,a,b"}
	own := [2][]string{{"id,age,y"}, {"id,age,y"}}
	for r, line := range lines[1:] {
		f := strings.Split(line, ",")
		n, err := strconv.Atoi(f[2])
		if err != nil {
			t.Fatal(err)
		}
		a, b := f[2], strconv.Itoa(n/2)
		switch {
		case r%7 == 3:
			a = ""
		case r%5 == 1:
			b = ""
		}
		both = append(both, f[0]+","+f[1]+","+a+","+b)
		for k, v := range []string{a, b} {
			if v != "" {
				own[k] = append(own[k], f[0]+","+f[1]+","+v)
			}
		}
	}
	cs, _, err := ReadOutcomes(strings.NewReader(strings.Join(both, "\n")), "both.csv", ReadOptions{}, []OutcomeColumns{{Count: "a"}, {Count: "b"}})
	if err != nil {
		t.Fatal(err)
	}
	for k, c := range cs {
		if !reflect.DeepEqual(c.IDs, cs[0].IDs) || c.MinAge != cs[0].MinAge || c.NumAges != cs[0].NumAges {
			t.Fatalf("outcome %d: persons or grid differ from outcome 1's", k+1)
		}
		alone, _, err := ReadCareers(strings.NewReader(strings.Join(own[k], "\n")), "own.csv", ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		at := map[string]int{}
		for i, id := range alone.IDs {
			at[id] = i
		}
		observed := func(c *trajectory.Careers, i int) []trajectory.Cell {
			var out []trajectory.Cell
			c.Cells(i, func(x trajectory.Cell) {
				if x.Exposure > 0 {
					out = append(out, x)
				}
			})
			return out
		}
		kept := 0
		for i, id := range c.IDs {
			got := observed(c, i)
			j, ok := at[id]
			if !ok {
				kept++
				if len(got) > 0 {
					t.Errorf("outcome %d, person %s: observed cells %v, none in the outcome's own file", k+1, id, got)
				}
				continue
			}
			if want := observed(alone, j); !reflect.DeepEqual(got, want) {
				t.Errorf("outcome %d, person %s: cells %v, want %v", k+1, id, got, want)
			}
		}
		if c.Len()-kept != alone.Len() || c.NumObs != alone.NumObs {
			t.Errorf("outcome %d: %d persons observed, %d cells; the outcome's own file has %d, %d", k+1, c.Len()-kept, c.NumObs, alone.Len(), alone.NumObs)
		}
	}
}

// TestReadOutcomesOne: one outcome gives what ReadCareers gives, careers
// and information alike, on the committed data sets and the dialect
// fixtures.
func TestReadOutcomesOne(t *testing.T) {
	data := func(p ...string) string { return filepath.Join(append([]string{"..", "..", "data"}, p...)...) }
	for _, tc := range []struct {
		file string
		opt  ReadOptions
	}{
		{data("nl630", "long.csv"), ReadOptions{}},
		{data("nl630", "wide.csv"), ReadOptions{}},
		{data("nl630", "wide.csv"), ReadOptions{Real: true}},
		{data("toronto", "TO1adj.csv"), ReadOptions{}},
		{data("toronto", "TO1_exposure.csv"), ReadOptions{Exposure: "exposure"}},
		{foreign("long60.csv"), ReadOptions{}},
		{dialectFile("long60_exposure.csv"), ReadOptions{Exposure: "exposure"}},
		{dialectFile("long60_traj.csv"), ReadOptions{}},
		{dialectFile("long60_traj_decades.csv"), ReadOptions{Format: Traj, Time: "time", TimeScale: 10}},
	} {
		t.Run(tc.file+" "+tc.opt.Exposure, func(t *testing.T) {
			want, wantInfo, err := ReadCareersFile(tc.file, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			one := OutcomeColumns{Count: tc.opt.Count, Exposure: tc.opt.Exposure, Real: tc.opt.Real}
			if one.Count == "" {
				one.Count = "y"
			}
			opt := tc.opt
			opt.Count, opt.Exposure, opt.Real = "", "", false
			got, info, err := ReadOutcomesFile(tc.file, opt, []OutcomeColumns{one})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || !reflect.DeepEqual(got[0], want) {
				t.Error("careers differ from ReadCareers'")
			}
			if !reflect.DeepEqual(info, wantInfo) {
				t.Errorf("information %+v, ReadCareers' %+v", info, wantInfo)
			}
		})
	}
	// Through Load, with each dialect read as the file is written.
	for _, tc := range []struct {
		file    string
		read    ReadOptions
		dialect Dialect
	}{
		{file: "long60_semicolon.csv", read: ReadOptions{Exposure: "exposure"}},
		{file: "long60_tab.tsv"},
		{file: "long60_bom.csv"},
		{file: "long60_cp1252.csv", dialect: Dialect{Encoding: "windows-1252"}},
	} {
		t.Run("Load "+tc.file, func(t *testing.T) {
			want, err := Load(Source{Data: dialectFile(tc.file), Read: tc.read, Dialect: tc.dialect})
			if err != nil {
				t.Fatal(err)
			}
			got, err := Load(Source{Data: dialectFile(tc.file), Dialect: tc.dialect, Outcomes: []OutcomeColumns{{Count: "y", Exposure: tc.read.Exposure}}})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Full, want.Full) || !reflect.DeepEqual(got.Careers, want.Careers) || len(got.Outcomes) != 1 || got.Outcomes[0] != got.Careers {
				t.Error("careers differ from those Load reads with one count")
			}
			if !reflect.DeepEqual(got.Settings, want.Settings) || !reflect.DeepEqual(got.Warnings, want.Warnings) {
				t.Errorf("settings %+v and warnings %v, Load with one count %+v and %v", got.Settings, got.Warnings, want.Settings, want.Warnings)
			}
		})
	}
}

// TestReadOutcomesErrors: each error names the file, the line and column
// where there is one, and what was expected.
func TestReadOutcomesErrors(t *testing.T) {
	two := []OutcomeColumns{{Count: "thb"}, {Count: "violent"}}
	for _, tc := range []struct {
		name, file string
		opt        ReadOptions
		outs       []OutcomeColumns
		line, col  int
		column     string
		msg        string // a part of the message
	}{
		{name: "count column missing", file: "id,age,thb,vio\na,20,1,0\n", outs: two,
			line: 1, msg: `no column "violent" (count of outcome "violent"); the header has "id", "age", "thb", "vio"`},
		{name: "wide prefix missing", file: "id,thb20,vio20\na,1,0\n", opt: ReadOptions{Format: Wide}, outs: two,
			line: 1, msg: `no count of outcome "violent" columns violent<age>`},
		{name: "bad value in the second outcome", file: "id,age,thb,violent\na,20,1,0\na,21,,2.5\n", outs: two,
			line: 3, col: 4, column: "violent", msg: `count "2.5" is not a whole number`},
		{name: "bad value in the second outcome, wide", file: "id,thb20,violent20,violent21\na,1,0,x\n", opt: ReadOptions{Format: Wide}, outs: two,
			line: 2, col: 4, column: "violent21", msg: `count "x" is not a number`},
		{name: "bad exposure of the second outcome", file: "id,age,thb,violent,e\na,20,1,0,1\na,21,,2,0\n", outs: []OutcomeColumns{{Count: "thb"}, {Count: "violent", Exposure: "e"}},
			line: 3, col: 5, column: "e", msg: "not positive"},
		{name: "every outcome missing", file: "id,age,thb,violent\na,20,1,0\na,21,,NA\n", outs: two,
			line: 3, col: 3, column: "thb", msg: `missing in every outcome (columns "thb", "violent")`},
		{name: "a second row for one age, other outcomes", file: "id,age,thb,violent\na,20,1,\na,20,,2\n", outs: two,
			line: 3, col: 2, column: "age", msg: `person "a" already has a row for age 20`},
		{name: "an outcome never observed", file: "id,age,thb,violent\na,20,1,\nb,21,2,\n", outs: two,
			msg: `outcome "violent" (column "violent") has no observed cell`},
		{name: "two outcomes of one name", file: "id,age,thb,violent\na,20,1,0\n", outs: []OutcomeColumns{{Name: "x", Count: "thb"}, {Name: "x", Count: "violent"}},
			msg: `two outcomes named "x" (outcomes 1 and 2)`},
		{name: "a name that is another's count", file: "id,age,thb,violent\na,20,1,0\n", outs: []OutcomeColumns{{Count: "thb"}, {Name: "thb", Count: "violent"}},
			msg: `two outcomes named "thb"`},
		{name: "two outcomes of one column", file: "id,age,thb\na,20,1\n", outs: []OutcomeColumns{{Name: "a", Count: "thb"}, {Name: "b", Count: "thb"}},
			msg: `outcomes "a" and "b" have the same count column "thb"`},
		{name: "no outcome", file: "id,age,thb\na,20,1\n", msg: "no outcome named"},
		{name: "counts in ReadOptions", file: "id,age,thb\na,20,1\n", opt: ReadOptions{Count: "thb"}, outs: two, msg: "not ReadOptions"},
		{name: "real with exposure", file: "id,age,thb\na,20,1\n", outs: []OutcomeColumns{{Count: "thb", Real: true, Exposure: "e"}}, msg: "take no exposure"},
		{name: "traj", file: "id,thb1,violent1,t1\na,1,0,20\n", opt: ReadOptions{Format: Traj}, outs: two, msg: "not from a traj file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := ReadOutcomes(strings.NewReader(tc.file), "two.csv", tc.opt, tc.outs)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tc.msg) || !strings.HasPrefix(err.Error(), "two.csv") {
				t.Errorf("error %q, want one naming two.csv and saying %q", err, tc.msg)
			}
			var de *DataError
			if tc.line == 0 && tc.col == 0 {
				return
			}
			if !errors.As(err, &de) {
				t.Fatalf("error %v is not a DataError", err)
			}
			if de.Line != tc.line || de.Column != tc.col || de.ColumnName != tc.column {
				t.Errorf("error at line %d, column %d (%q); want %d, %d (%q)", de.Line, de.Column, de.ColumnName, tc.line, tc.col, tc.column)
			}
		})
	}
}

// TestLoadOutcomes: Load reads several outcomes once from a pipe-like
// reader's file and joins the person file to the persons they share,
// leaving out a person with a missing risk factor from every outcome.
func TestLoadOutcomes(t *testing.T) {
	dir := t.TempDir()
	careers := filepath.Join(dir, "two.csv")
	persons := filepath.Join(dir, "persons.csv")
	if err := os.WriteFile(careers, []byte("id,age,thb,violent\na,20,1,\na,21,0,2\nb,22,,1\nc,20,3,0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(persons, []byte("id,male,w\na,1,1\nb,NA,2\nc,0,0.5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := Load(Source{Data: careers, Persons: persons, Risk: []string{"male"}, DropMissing: true, Weights: "w",
		Outcomes: []OutcomeColumns{{Count: "thb"}, {Count: "violent", Binarize: true}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Outcomes) != 2 || len(l.FullOutcomes) != 2 || l.Careers != l.Outcomes[0] || l.Full != l.FullOutcomes[0] {
		t.Fatal("Careers and Full are not the first outcome's")
	}
	for k, c := range l.Outcomes {
		if !reflect.DeepEqual(c.IDs, []string{"a", "c"}) || c.MinAge != 20 || c.NumAges != 3 {
			t.Errorf("outcome %d: persons %v on ages %d + %d; want a, c on 20 + 3", k+1, c.IDs, c.MinAge, c.NumAges)
		}
		if got := l.FullOutcomes[k].IDs; !reflect.DeepEqual(got, []string{"a", "b", "c"}) {
			t.Errorf("outcome %d as read: persons %v, want a, b, c", k+1, got)
		}
	}
	if got := l.Outcomes[1].Y; !reflect.DeepEqual(got, []uint32{1}) {
		t.Errorf("violent made binary: special counts %v, want a's 1 at 21 alone", got)
	}
	if !reflect.DeepEqual(l.Weights, []float64{1, 0.5}) {
		t.Errorf("weights %v, want 1, 0.5", l.Weights)
	}
	for _, s := range []Source{
		{Data: careers, Outcomes: []OutcomeColumns{{Count: "thb"}, {Count: "violent"}}, Tcov: []string{"employed"}},
		{Data: careers, Outcomes: []OutcomeColumns{{Count: "thb"}}, Ages: [2]int{20, 21}},
		{Data: careers, Outcomes: []OutcomeColumns{{Count: "thb"}}, Binarize: true},
	} {
		if _, err := Load(s); err == nil {
			t.Errorf("no error for %+v", s)
		}
	}
}

// TestLoadOutcomesTcov: time-varying covariates of several outcomes are
// read once per person and age, from the rows (long) or ages (wide) at
// which some outcome is observed, and every outcome's careers carry them
// at its own observed ages; an age that no outcome observes needs no
// value, and a missing value where one outcome is observed is an error
// naming its line and column.
func TestLoadOutcomesTcov(t *testing.T) {
	// a: thb at 20-22, violent at 21-22; b: violent alone at 22, its w
	// missing at the ages that neither outcome observes (wide).
	type at struct {
		id  string
		age int
	}
	want := map[at]float64{{"a", 20}: 1, {"a", 21}: 0.5, {"a", 22}: 0, {"b", 22}: 2}
	for _, tc := range []struct{ name, file, format string }{
		{"long", "id,age,thb,violent,w\na,20,1,,1\na,21,0,2,0.5\na,22,1,0,0\nb,22,,1,2\n", "long"},
		{"wide", "id,thb20,thb21,thb22,violent20,violent21,violent22,w20,w21,w22\na,1,0,1,,2,0,1,0.5,0\nb,,,,,,1,,,2\n", "wide"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "two.csv")
			if err := os.WriteFile(path, []byte(tc.file), 0o644); err != nil {
				t.Fatal(err)
			}
			l, err := Load(Source{Data: path, Read: ReadOptions{Format: Format(tc.format)}, Tcov: []string{"w"},
				Outcomes: []OutcomeColumns{{Count: "thb"}, {Count: "violent"}}})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(l.Settings.Tcov, []string{"w"}) {
				t.Errorf("settings' tcov %q", l.Settings.Tcov)
			}
			for o, c := range l.Outcomes {
				if !reflect.DeepEqual(c.TcovNames, []string{"w"}) {
					t.Fatalf("outcome %d: covariates %q", o+1, c.TcovNames)
				}
				// Each non-zero value at an age the outcome observes.
				got := map[at]float64{}
				for i := range c.Len() {
					c.Tcov(i, func(age int, w []float64) { got[at{c.IDs[i], age}] = w[0] })
				}
				exp := map[at]float64{}
				for k, v := range want {
					i := slices.Index(c.IDs, k.id)
					observed := false
					c.Cells(i, func(x trajectory.Cell) { observed = observed || x.Age == k.age && x.Exposure != 0 })
					if observed && v != 0 {
						exp[k] = v
					}
				}
				if !reflect.DeepEqual(got, exp) {
					t.Errorf("outcome %d: covariates %v, want %v", o+1, got, exp)
				}
			}
		})
	}
	path := filepath.Join(t.TempDir(), "missing.csv")
	if err := os.WriteFile(path, []byte("id,age,thb,violent,w\na,20,1,,1\na,21,,2,\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(Source{Data: path, Tcov: []string{"w"}, Outcomes: []OutcomeColumns{{Count: "thb"}, {Count: "violent"}}})
	var de *DataError
	if !errors.As(err, &de) || de.Line != 3 || de.ColumnName != "w" {
		t.Errorf("a missing value where violent is observed: error %v", err)
	}
}
