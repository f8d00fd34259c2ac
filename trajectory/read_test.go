package trajectory

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
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
		{"wide duplicate person", ReadOptions{}, "id,y12\n1,0\n1,1\n", `f.csv:3:1: column "id"`, "already has a row"},
		{"wide missing exposure column", ReadOptions{Exposure: "e"}, "id,y12,y13,e12\n1,0,0,1\n", `f.csv:1:3: column "y13"`, "no exposure column e13"},
		{"no recognisable layout", ReadOptions{}, "a,b\n1,2\n", "f.csv:1: ", "cannot tell the format"},
		{"binary garbage", ReadOptions{}, "\x00\x01\x02\xff\xfe,\x03\n\x04,\x05\n", "f.csv:1:1: ", "not text"},
		{"bare quote", ReadOptions{}, "id,age,y\n1,1\"2,0\n", "f.csv:2:", "quote"},
		{"empty id", ReadOptions{}, "id,age,y\n,12,0\n", `f.csv:2:1: column "id"`, "empty person id"},
		{"age span too wide", ReadOptions{}, "id,age,y\n1,12,0\n1,300,0\n", `f.csv:3:2: column "age"`, "fewer than 128 years"},
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
	var cells []Cell
	c.Cells(0, func(x Cell) { cells = append(cells, x) })
	want := []Cell{{12, 0, 1}, {13, 3, 1}, {14, 0, 0}, {15, 0, 0.5}, {16, 1, 1}}
	if !reflect.DeepEqual(cells, want) {
		t.Errorf("cells of p1: %v, want %v", cells, want)
	}
	cells = nil
	c.Cells(1, func(x Cell) { cells = append(cells, x) })
	if !reflect.DeepEqual(cells, []Cell{{14, 0, 1}}) {
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
	got := strings.Join(info.Warnings, "\n")
	for _, want := range []string{"look like exposures", "1 persons have no observed age"} {
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
		var want, got []Cell
		c.Cells(i, func(x Cell) {
			if x.Age >= 15 && x.Age <= 30 && x.Exposure > 0 {
				want = append(want, x)
			}
		})
		if j, ok := byID[c.IDs[i]]; ok {
			r.Cells(j, func(x Cell) {
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

// TestExposurePolicy: tiny exposures with positive counts are reported;
// flooring them changes exactly those cells and keeps the likelihood
// constant consistent (a naive recomputation agrees).
func TestExposurePolicy(t *testing.T) {
	in := "id,age,y,e\n1,12,0,1\n1,13,2,1e-9\n1,14,1,0.5\n2,12,3,0.0001\n2,13,0,1e-6\n"
	c, _, err := ReadCareers(strings.NewReader(in), "e.csv", ReadOptions{Exposure: "e"})
	if err != nil {
		t.Fatal(err)
	}
	r := c.TinyExposures(TinyExposure)
	if r.Cells != 2 || r.WorstID != "1" || r.WorstAge != 13 || r.WorstY != 2 {
		t.Errorf("report %+v", r)
	}
	if w := r.Warning(TinyExposure); !strings.Contains(w, "2 years") || !strings.Contains(w, `person "1" at age 13`) {
		t.Errorf("warning %q", w)
	}
	if n := c.FloorExposure(1e-3); n != 3 {
		t.Errorf("floored %d cells, want 3 (two positive counts and one zero)", n)
	}
	if r := c.TinyExposures(TinyExposure); r.Cells != 0 {
		t.Errorf("after flooring: %+v", r)
	}
	s := WindowScaling(c.MinAge, c.MaxAge())
	f := newGroupFamily(newFamilyData(c), s, 1, 0)
	comp := f.NewComponent()
	comp.SetParams([]float64{-0.5, 0.2, -1})
	ll := make([]float64, c.Len())
	comp.LogLik(ll, 0, c.Len())
	for i := range ll {
		if want := naiveLogLik(c, i, s, []float64{-0.5, 0.2}, []float64{-1}); math.Abs(ll[i]-want) > 1e-9*(1+math.Abs(want)) {
			t.Errorf("person %d: %v, naive %v", i, ll[i], want)
		}
	}
}
