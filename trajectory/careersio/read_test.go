package careersio

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/trajectory"
)

func TestReadErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		opt   ReadOptions
		input string
		// want is the start of the error: file:line:column and the
		// column name where they apply, then a piece of the message.
		want, msg string
	}{
		{"empty file", ReadOptions{}, "", "f.csv: ", "the file is empty"},
		{"header only", ReadOptions{}, "id,age,y\n", "f.csv:1: ", "no data rows"},
		{"missing column", ReadOptions{Format: Long}, "id,age,count\n1,12,0\n", "f.csv:1: ", `no column "y"`},
		{"duplicated column", ReadOptions{}, "id,age,y,age\n1,12,0,3\n", `f.csv:1:4: column "age"`, "duplicated column name"},
		{"negative count", ReadOptions{}, "id,age,y\n1,12,-1\n", `f.csv:2:3: column "y"`, "negative"},
		{"fractional count", ReadOptions{}, "id,age,y\n1,12,0.5\n", `f.csv:2:3: column "y"`, "not a whole number"},
		{"NaN count", ReadOptions{}, "id,age,y\n1,12,NaN\n", `f.csv:2:3: column "y"`, "not finite"},
		{"Inf count", ReadOptions{}, "id,age,y\n1,12,Inf\n", `f.csv:2:3: column "y"`, "not finite"},
		{"text count", ReadOptions{}, "id,age,y\n1,12,two\n", `f.csv:2:3: column "y"`, "not a number"},
		{"empty count", ReadOptions{}, "id,age,y\n1,12,\n", `f.csv:2:3: column "y"`, "missing count"},
		{"text age", ReadOptions{}, "id,age,y\n1,twelve,0\n", `f.csv:2:2: column "age"`, "not a number"},
		{"fractional age", ReadOptions{}, "id,age,y\n1,12.5,0\n", `f.csv:2:2: column "age"`, "round or bin"},
		{"infinite age", ReadOptions{}, "id,age,y\n1,Inf,0\n", `f.csv:2:2: column "age"`, "not finite"},
		{"duplicate person-age", ReadOptions{}, "id,age,y\n1,12,0\n1,13,0\n1,12,1\n", `f.csv:4:2: column "age"`, `person "1" already has a row for age 12`},
		{"ragged row", ReadOptions{}, "id,age,y\n1,12,0\n1,13\n", "f.csv:3: ", "wrong number of fields"},
		{"zero exposure", ReadOptions{Exposure: "e"}, "id,age,y,e\n1,12,0,0\n", `f.csv:2:4: column "e"`, "not positive"},
		{"negative exposure", ReadOptions{Exposure: "e"}, "id,age,y,e\n1,12,0,-0.5\n", `f.csv:2:4: column "e"`, "not positive"},
		{"NaN exposure", ReadOptions{Exposure: "e"}, "id,age,y,e\n1,12,0,NaN\n", `f.csv:2:4: column "e"`, "not finite"},
		{"missing exposure", ReadOptions{Exposure: "e"}, "id,age,y,e\n1,12,0,\n", `f.csv:2:4: column "e"`, "missing exposure"},
		{"named exposure column absent", ReadOptions{Exposure: "risk"}, "id,age,y\n1,12,0\n", "f.csv:1: ", `no column "risk"`},
		{"wide text cell", ReadOptions{}, "id,y12,y13\n1,0,x\n", `f.csv:2:3: column "y13"`, "not a number"},
		{"wide without ids", ReadOptions{}, "y12,y13\n0,1\n", "f.csv:1: ", `no column "id" (person id); the header has "y12", "y13": name the id column (--id), or number the rows 1..N as the ids with --no-id`},
		{"wide duplicate person", ReadOptions{}, "id,y12\n1,0\n1,1\n", `f.csv:3:1: column "id"`, "already has a row"},
		{"wide missing exposure column", ReadOptions{Exposure: "e"}, "id,y12,y13,e12\n1,0,0,1\n", `f.csv:1:3: column "y13"`, "no exposure column e13"},
		{"no recognisable layout", ReadOptions{}, "a,b\n1,2\n", "f.csv:1: ", "cannot tell the format"},
		// A column named prefix+digits is a count (exposure) column: digits
		// that are no age, or a second column for one age, are an error at
		// that column of the header, not a column left out or merged.
		{"wide: count column age overflows", ReadOptions{}, "id,y12,y99999999999999999999\n1,0,1\n", `f.csv:1:3: column "y99999999999999999999"`,
			`the name is "y" and 99999999999999999999, which is no age`},
		{"wide: overflow only", ReadOptions{Format: Wide}, "id,y99999999999999999999\n1,1\n", `f.csv:1:2: column "y99999999999999999999"`, "which is no age"},
		{"wide: two count columns for one age", ReadOptions{}, "id,y12,y13,y012\n1,0,1,\n", `f.csv:1:4: column "y012"`,
			`a second column for "y" at age 12 (also column 2, "y12")`},
		{"wide: exposure column age overflows", ReadOptions{Exposure: "e"}, "id,y12,e12,e99999999999999999999\n1,0,1,1\n", `f.csv:1:4: column "e99999999999999999999"`,
			`the name is "e" and 99999999999999999999, which is no age`},
		{"wide: two exposure columns for one age", ReadOptions{Exposure: "e"}, "id,y12,e12,e0012\n1,0,1,1\n", `f.csv:1:4: column "e0012"`,
			`a second column for "e" at age 12 (also column 3, "e12")`},
		{"binary garbage", ReadOptions{}, "\x00\x01\x02\xff\xfe,\x03\n\x04,\x05\n", "f.csv:1:1: ", "not text"},
		{"bare quote", ReadOptions{}, "id,age,y\n1,1\"2,0\n", "f.csv:2:", "quote"},
		{"empty id", ReadOptions{}, "id,age,y\n,12,0\n", `f.csv:2:1: column "id"`, "empty person id"},
		// One id written two ways, which trim to the same id: the error is
		// on the second spelling's line and names the first's.
		{"long: id then padded id", ReadOptions{}, "id,age,y\nA,12,0\nB,12,0\n A,13,1\n", `f.csv:4:1: column "id"`,
			`person id " A" is "A" with the white space around it trimmed, and line 2 writes that id "A"`},
		{"long: padded id then id", ReadOptions{}, "id,age,y\n A,12,0\nA,13,1\n", `f.csv:3:1: column "id"`,
			`person id "A" is "A" with the white space around it trimmed, and line 2 writes that id " A"`},
		{"long: two paddings", ReadOptions{}, "id,age,y\nA ,12,0\nA ,13,0\nA\t,14,1\n", `f.csv:4:1: column "id"`,
			`person id "A\t" is "A" with the white space around it trimmed, and line 2 writes that id "A "`},
		{"long: no-break space", ReadOptions{}, "id,age,y\nA,12,0\n\u00a0A,13,1\n", `f.csv:3:1: column "id"`,
			`person id "\u00a0A" is "A" with the white space around it trimmed, and line 2 writes that id "A"`},
		{"wide: id then padded id", ReadOptions{}, "id,y12\nA,0\nB,1\n\"A \",1\n", `f.csv:4:1: column "id"`,
			`person id "A " is "A" with the white space around it trimmed, and line 2 writes that id "A"`},
		{"wide: padded id then id", ReadOptions{}, "id,y12\n A,0\nA,1\n", `f.csv:3:1: column "id"`,
			`person id "A" is "A" with the white space around it trimmed, and line 2 writes that id " A"`},
		{"age span too wide", ReadOptions{}, "id,age,y\n1,12,0\n1,300,0\n", `f.csv:3:2: column "age"`, "age 300 is too far from age 12: the ages of a data set must span at most 256 years"},
		{"age span too wide, youngest last", ReadOptions{}, "id,age,y\n1,300,0\n2,100,0\n1,44,0\n", `f.csv:4:2: column "age"`, "age 44 is too far from age 300"},
		{"age out of range", ReadOptions{}, "id,age,y\n1,2000000000,0\n", `f.csv:2:2: column "age"`, "age 2000000000 is out of range: expected whole years within ±1000000"},
		{"age out of range, as a float", ReadOptions{}, "id,age,y\n1,-2e9,0\n", `f.csv:2:2: column "age"`, `age "-2e9" is out of range`},
		{"wide age out of range", ReadOptions{}, "id,y12,y3000000\n1,0,0\n", `f.csv:2:3: column "y3000000"`, "age 3000000 is out of range"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := ReadCareers(strings.NewReader(tc.input), "f.csv", tc.opt)
			if err == nil {
				t.Fatalf("no error for %q", tc.input)
			}
			var de *DataError
			if !errors.As(err, &de) {
				t.Fatalf("error %v is not a DataError", err)
			}
			if !strings.HasPrefix(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q\nwant it to start with %q and contain %q", err, tc.want, tc.msg)
			}
		})
	}
}

// TestReadOddButValid: inputs that are unusual but valid are read, and
// give the same careers as the plain file.
func TestReadOddButValid(t *testing.T) {
	plain := "id,age,y\na,12,0\na,13,2\nb,12,1\n"
	want, _, err := ReadCareers(strings.NewReader(plain), "plain.csv", ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, input string
		opt         ReadOptions
	}{
		{"CRLF line ends", "id,age,y\r\na,12,0\r\na,13,2\r\nb,12,1\r\n", ReadOptions{}},
		{"byte-order mark", "\ufeffid,age,y\na,12,0\na,13,2\nb,12,1\n", ReadOptions{}},
		{"quoted fields", "\"id\",\"age\",\"y\"\n\"a\",\"12\",\"0\"\n\"a\",13,\"2\"\n\"b\",12,1\n", ReadOptions{}},
		{"extra columns", "sex,id,age,y,note\nf,a,12,0,x\nf,a,13,2,\"y, z\"\nm,b,12,1,\n", ReadOptions{}},
		{"rows in any order", "id,age,y\na,13,2\nb,12,1\na,12,0\n", ReadOptions{}},
		{"count written 2.0", "id,age,y\na,12,0\na,13,2.0\nb,12,1\n", ReadOptions{}},
		{"other column names", "person,t,n\na,12,0\na,13,2\nb,12,1\n", ReadOptions{ID: "person", Age: "t", Count: "n"}},
		{"wide with NA", "id,y12,y13\na,0,2\nb,1,NA\n", ReadOptions{}},
		{"ids padded alike on every row", "id,age,y\n a ,12,0\n a ,13,2\nb\t,12,1\n", ReadOptions{}},
		{"wide ids padded", "id,y12,y13\n a,0,2\n\"b \",1,\n", ReadOptions{}},
		// Names that start with the count prefix but are not prefix+digits
		// are other columns; so are prefix+digits columns of a long file.
		{"wide with year and y12_note", "id,year,y12,y13,y12_note,y1x\na,2001,0,2,x,\nb,2001,1,,,3\n", ReadOptions{}},
		{"long with a y99999999999999999999 column", "id,age,y,y99999999999999999999\na,12,0,\na,13,2,x\nb,12,1,\n", ReadOptions{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, _, err := ReadCareers(strings.NewReader(tc.input), "odd.csv", tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if tc.name == "rows in any order" {
				// Persons keep the order of first appearance.
				if !reflect.DeepEqual(got.IDs, []string{"a", "b"}) {
					t.Fatalf("ids %v", got.IDs)
				}
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("careers differ from the plain file's:\n got %+v\nwant %+v", got, want)
			}
		})
	}
}

// TestReadStore checks the sparse store built from a small file with
// holes, exposure and a person observed at one age only.
func TestReadStore(t *testing.T) {
	in := "id,age,y,e\n" +
		"p1,12,0,1\np1,13,3,1\np1,15,0,0.5\np1,16,1,1\n" + // 14 missing
		"p2,14,0,1\n" // a single observed age
	c, info, err := ReadCareers(strings.NewReader(in), "s.csv", ReadOptions{Exposure: "e"})
	if err != nil {
		t.Fatal(err)
	}
	if info.Rows != 5 || c.Len() != 2 || c.MinAge != 12 || c.NumAges != 5 || c.NumObs != 5 {
		t.Fatalf("rows %d persons %d ages %d+%d obs %d", info.Rows, c.Len(), c.MinAge, c.NumAges, c.NumObs)
	}
	var cells []trajectory.Cell
	c.Cells(0, func(x trajectory.Cell) { cells = append(cells, x) })
	want := []trajectory.Cell{cell(12, 0, 1), cell(13, 3, 1), cell(14, 0, 0), cell(15, 0, 0.5), cell(16, 1, 1)}
	if !reflect.DeepEqual(cells, want) {
		t.Errorf("cells of p1: %v, want %v", cells, want)
	}
	cells = nil
	c.Cells(1, func(x trajectory.Cell) { cells = append(cells, x) })
	if !reflect.DeepEqual(cells, []trajectory.Cell{cell(14, 0, 1)}) {
		t.Errorf("cells of p2: %v", cells)
	}
	// Only special cells are stored: 13 (count), 14 (hole), 15 (exposure), 16 (count).
	if len(c.Y) != 4 {
		t.Errorf("%d special cells stored, want 4", len(c.Y))
	}
	if obs := c.ObservedByAge(); !reflect.DeepEqual(obs, []int{1, 1, 1, 1, 1}) {
		t.Errorf("observed by age %v", obs)
	}
}

func TestReadWarnings(t *testing.T) {
	_, info, err := ReadCareers(strings.NewReader("id,y12,y13,e12,e13\n1,0,1,1,0.5\n2,,,,\n"), "w.csv", ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, w := range info.Warnings {
		texts = append(texts, w.Message)
	}
	if len(info.Warnings) != 2 || info.Warnings[0].Kind != UnusedExposure || info.Warnings[1].Kind != trajectory.PersonsLeftOut {
		t.Errorf("warnings %+v: want one of kind %s and one of %s", info.Warnings, UnusedExposure, trajectory.PersonsLeftOut)
	}
	got := strings.Join(texts, "\n")
	for _, want := range []string{"look like exposures", "1 person has no observed age and is left out"} {
		if !strings.Contains(got, want) {
			t.Errorf("warnings %q do not mention %q", got, want)
		}
	}
}

func TestRestrict(t *testing.T) {
	c := testCareers(t, 200, 2)
	r, dropped := c.Restrict(15, 30)
	if r.MinAge < 15 || r.MaxAge() > 30 {
		t.Fatalf("restricted grid %d-%d", r.MinAge, r.MaxAge())
	}
	if r.Len()+len(dropped) != c.Len() {
		t.Fatalf("%d kept + %d dropped != %d", r.Len(), len(dropped), c.Len())
	}
	// Every observed cell in the window survives with its count and exposure.
	byID := map[string]int{}
	for i, id := range r.IDs {
		byID[id] = i
	}
	for i := 0; i < c.Len(); i++ {
		var want, got []trajectory.Cell
		c.Cells(i, func(x trajectory.Cell) {
			if x.Age >= 15 && x.Age <= 30 && x.Exposure > 0 {
				want = append(want, x)
			}
		})
		if j, ok := byID[c.IDs[i]]; ok {
			r.Cells(j, func(x trajectory.Cell) {
				if x.Exposure > 0 {
					got = append(got, x)
				}
			})
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("person %s: %v, want %v", c.IDs[i], got, want)
		}
	}
}

// TestLongWideSameFit: the long and wide files of sim630 hold the same
// careers and give the same fit.
func TestLongWideSameFit(t *testing.T) {
	long, _, err := ReadCareersFile("../../data/gbtm_sim/sim630.csv", ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wide, info, err := ReadCareersFile("../../data/gbtm_sim/sim630_wide.csv", ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if info.Format != Wide {
		t.Fatalf("format detected as %q", info.Format)
	}
	if !reflect.DeepEqual(long, wide) {
		t.Fatal("long and wide files give different careers")
	}
	m, err := trajectory.NewModel(trajectory.Poisson, 4, nil, nil)
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
	if a, b := fit(long), fit(wide); !slices.Equal(a, b) {
		t.Error("long and wide files give different fits")
	}
}

func TestReadPersons(t *testing.T) {
	in := "\ufeffid,sex,age_thb,qual,income\n1,m,24,1,NA\n2,f,31.5,0,benefits\n3,m,,1,work\n"
	tb, err := ReadPersons(strings.NewReader(in), "p.csv", PersonOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sex := tb.Column("sex")
	if sex.Numeric || strings.Join(sex.Levels, ",") != "f,m" || sex.Codes[0] != 1 {
		t.Errorf("sex: %+v", sex)
	}
	age := tb.Column("age_thb")
	if !age.Numeric || age.Values[1] != 31.5 || !math.IsNaN(age.Values[2]) {
		t.Errorf("age_thb: %+v", age)
	}
	d, keep, err := tb.Design([]string{"sex", "qual"}, []string{"3", "1", "2"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(d.Names, ",") != "sex=m,qual" || len(keep) != 3 || d.X[0][0] != 1 || d.X[2][0] != 0 {
		t.Errorf("design %+v keep %v", d, keep)
	}
	// A missing value is an error naming line and column, or a dropped
	// person with --drop-missing.
	_, _, err = tb.Design([]string{"age_thb"}, []string{"1", "2", "3"}, false)
	if err == nil || !strings.HasPrefix(err.Error(), `p.csv:4:3: column "age_thb": missing value for person "3"`) {
		t.Errorf("error %v", err)
	}
	d, keep, err = tb.Design([]string{"age_thb"}, []string{"1", "2", "3", "4"}, true)
	if err != nil || len(keep) != 2 || keep[1] != 1 {
		t.Errorf("drop missing: keep %v, err %v", keep, err)
	}
	for _, tc := range []struct{ in, want string }{
		{"id,x\n1,2\n1,3\n", `p.csv:3:1: column "id": person "1" already has a row (line 2)`},
		{"id,x\n1,2\n1 ,3\n", `p.csv:3:1: column "id": person id "1 " is "1" with the white space around it trimmed, and line 2 writes that id "1"`},
		{"id,x\n1,Inf\n", `p.csv:2:2: column "x": value "Inf" is not finite`},
		{"pid,x\n1,2\n", `p.csv:1: no column "id"`},
		{"id,x\n1,2,3\n", `p.csv:2: wrong number of fields`},
	} {
		if _, err := ReadPersons(strings.NewReader(tc.in), "p.csv", PersonOptions{}); err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.in, err, tc.want)
		}
	}
}

// TestPersonsMatched: Matched counts the persons with a row; none at all
// is an error naming both files.
func TestPersonsMatched(t *testing.T) {
	tb, err := ReadPersons(strings.NewReader("id,x\nA,1\nB,2\n"), "p.csv", PersonOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := tb.Matched([]string{"C", "A"}, "c.csv"); n != 1 || err != nil {
		t.Errorf("one of two matched: %d, %v", n, err)
	}
	_, err = tb.Matched([]string{"1", "2", "3"}, "c.csv")
	want := `p.csv: no person of c.csv has a row: its 3 ids (such as "1") are none of the 2 in column "id" here (such as "A")`
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("none matched: error %v, want %q", err, want)
	}
}

// TestLoadNamesTwice: a name twice among the covariates, risk factors or
// categorical columns of a Source is an error, before anything is read.
func TestLoadNamesTwice(t *testing.T) {
	for _, tc := range []struct {
		s    Source
		want string
	}{
		{Source{Data: "example:employment", Tcov: []string{"employed", "employed"}}, `time-varying covariate "employed" is named twice`},
		{Source{Data: "example:sim630", Persons: "p.csv", Risk: []string{"a", "b", "a"}}, `risk factor "a" is named twice`},
		{Source{Data: "example:sim630", Persons: "p.csv", Categorical: []string{"a", "a"}}, `categorical column "a" is named twice`},
	} {
		if _, err := Load(tc.s); err == nil || err.Error() != tc.want {
			t.Errorf("%+v: error %v, want %q", tc.s, err, tc.want)
		}
	}
}

// TestStartSampleCareers: a search on a sample of the careers (one shard
// of four, through Problem.Subset) reaches the maximum of the search on
// all persons (relative 1e-8), with and without risk factors, and the
// report gives the sample.
// TestReadTcov: covariates written as columns of a long file, or as
// prefixed columns of a wide file, read back to the same careers.
func TestReadTcov(t *testing.T) {
	c, err := testCareers(t, 60, 4).WithTcov([]string{"employed", "hours"}, func(i, age int) []float64 {
		return []float64{float64((i + age) % 2), float64(age%3) / 2}
	})
	if err != nil {
		t.Fatal(err)
	}
	var long, wide strings.Builder
	long.WriteString("id,age,y,exposure,employed,hours\n")
	wide.WriteString("id")
	for a := c.MinAge; a <= c.MaxAge(); a++ {
		fmt.Fprintf(&wide, ",y%d,e%d,employed%d,hours%d", a, a, a, a)
	}
	wide.WriteString("\n")
	for i := 0; i < c.Len(); i++ {
		w := map[int][]float64{}
		c.Tcov(i, func(age int, v []float64) { w[age] = v })
		cells := map[int]trajectory.Cell{}
		c.Cells(i, func(x trajectory.Cell) {
			if x.Exposure == 0 {
				return
			}
			cells[x.Age] = x
			v := w[x.Age]
			if v == nil {
				v = []float64{0, 0}
			}
			fmt.Fprintf(&long, "%s,%d,%d,%v,%v,%v\n", c.IDs[i], x.Age, x.Y, x.Exposure, v[0], v[1])
		})
		wide.WriteString(c.IDs[i])
		for a := c.MinAge; a <= c.MaxAge(); a++ {
			x, ok := cells[a]
			if !ok {
				wide.WriteString(",,,,")
				continue
			}
			v := w[a]
			if v == nil {
				v = []float64{0, 0}
			}
			fmt.Fprintf(&wide, ",%d,%v,%v,%v", x.Y, x.Exposure, v[0], v[1])
		}
		wide.WriteString("\n")
	}
	for _, tc := range []struct {
		name   string
		text   string
		format Format
		opt    ReadOptions
	}{
		{"long", long.String(), Long, ReadOptions{Exposure: "exposure"}},
		{"wide", wide.String(), Wide, ReadOptions{Exposure: "e", Format: Wide}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plain, _, err := ReadCareers(strings.NewReader(tc.text), "t.csv", tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ReadTcov(strings.NewReader(tc.text), "t.csv", tc.format, tc.opt, []string{"employed", "hours"}, plain)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < c.Len(); i++ {
				want, have := map[int][]float64{}, map[int][]float64{}
				c.Tcov(i, func(age int, v []float64) { want[age] = v })
				got.Tcov(i, func(age int, v []float64) { have[age] = v })
				if !reflect.DeepEqual(want, have) {
					t.Fatalf("person %s: covariates %v, want %v", c.IDs[i], have, want)
				}
			}
		})
	}
	// A missing covariate value is an error naming the cell.
	bad := "id,age,y,employed\n1,12,0,1\n1,13,2,\n"
	plain, _, err := ReadCareers(strings.NewReader(bad), "b.csv", ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = ReadTcov(strings.NewReader(bad), "b.csv", Long, ReadOptions{}, []string{"employed"}, plain)
	if err == nil || !strings.HasPrefix(err.Error(), `b.csv:3:4: column "employed": missing value`) {
		t.Errorf("error %v", err)
	}
	// A wide file read as long has no age and count columns: an error, not
	// a panic; a broken row names its line.
	wideText := "id,y12,y13,employed12,employed13\n1,0,1,0,1\n"
	if _, err := ReadTcov(strings.NewReader(wideText), "w.csv", Long, ReadOptions{}, []string{"employed12"}, plain); err == nil || !strings.Contains(err.Error(), `no columns "age" and "y"`) {
		t.Errorf("a wide file read as long: error %v", err)
	}
	if _, err := ReadTcov(strings.NewReader("id,age,y,employed\n1,12,0,1\n1,13\n"), "b.csv", Long, ReadOptions{}, []string{"employed"}, plain); err == nil || !strings.HasPrefix(err.Error(), "b.csv:3") {
		t.Errorf("a short row: error %v, want one naming line 3", err)
	}
	// A wide covariate column whose digits are no age is an error naming
	// it, not a column left out.
	odd := "id,y12,employed12,employed99999999999999999999\n1,0,1,0\n"
	plainWide, _, err := ReadCareers(strings.NewReader(odd), "w.csv", ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = ReadTcov(strings.NewReader(odd), "w.csv", Wide, ReadOptions{}, []string{"employed"}, plainWide)
	if want := `w.csv:1:4: column "employed99999999999999999999": the name is "employed" and 99999999999999999999, which is no age`; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("a covariate column of no age: error %v, want %q", err, want)
	}
}

// cell is a trajectory.Cell.
func cell(age, y int, e float64) trajectory.Cell {
	return trajectory.Cell{Age: age, Y: y, Value: float64(y), Exposure: e}
}
