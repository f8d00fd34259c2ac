package careersio

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
)

// TestPersonColumnTypes: the type of a person column comes from its
// values (docs/data-formats.md, Person files): all numbers, all
// true/false, all text, or an error at the first cell of another type
// than most values, unless the column is named categorical.
func TestPersonColumnTypes(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		name        string
		cells       []string // the column x, one cell per person, from line 2
		categorical []string
		// A numeric column's values, or a categorical one's levels and
		// codes; or the error's start (file:line:column: column "x": ...).
		values []float64
		levels []string
		codes  []int
		err    string
	}{
		{name: "integers and decimals", cells: []string{"1", "2.5", "-3", "1e-3", "+2"}, values: []float64{1, 2.5, -3, 0.001, 2}},
		{name: "missing cells", cells: []string{"1", "", "NA", "NaN", ".", "2"}, values: []float64{1, nan, nan, nan, nan, 2}},
		{name: "padded numbers", cells: []string{" 1", "2 ", "\t3"}, values: []float64{1, 2, 3}},
		{name: "booleans", cells: []string{"true", "false", "", "true"}, values: []float64{1, 0, nan, 1}},
		{name: "text", cells: []string{"north", "west", "NA", "north"}, levels: []string{"north", "west"}, codes: []int{0, 1, -1, 0}},
		// gota, the reader before, took only lower-case true/false as
		// booleans; R's TRUE/FALSE stay text, so categorical.
		{name: "TRUE and FALSE are text", cells: []string{"TRUE", "FALSE", "TRUE"}, levels: []string{"FALSE", "TRUE"}, codes: []int{1, 0, 1}},
		{name: "every cell missing", cells: []string{"", "NA"}, levels: nil, codes: []int{-1, -1}},
		// Among text, a spelling of a number that is not finite is text.
		{name: "Nan among names", cells: []string{"Ann", "Nan", "Bo"}, levels: []string{"Ann", "Bo", "Nan"}, codes: []int{0, 2, 1}},
		{name: "numbers with a word", cells: []string{"1", "2", "abc", "4"},
			err: `p.csv:4:2: column "x": value "abc" is text, but 3 of the column's 4 values are numbers (the first on line 2)`},
		{name: "numbers with 1e400", cells: []string{"1", "", "1e400", "4"},
			err: `p.csv:4:2: column "x": value "1e400" is not finite, but 2 of the column's 3 values are numbers (the first on line 2)`},
		{name: "numbers with Inf", cells: []string{"1", "-Inf"},
			err: `p.csv:3:2: column "x": value "-Inf" is not finite, but 1 of the column's 2 values is a number (the first on line 2)`},
		{name: "only Inf", cells: []string{"Inf", "NA"}, err: `p.csv:2:2: column "x": value "Inf" is not finite: expected a finite number`},
		{name: "booleans with a 2", cells: []string{"true", "false", "2", "true"},
			err: `p.csv:4:2: column "x": value "2" is a number, but 3 of the column's 4 values are true or false (the first on line 2)`},
		{name: "true with TRUE", cells: []string{"true", "TRUE", "false"},
			err: `p.csv:3:2: column "x": value "TRUE" is text, but 2 of the column's 3 values are true or false (the first on line 2)`},
		// The minority's first cell may come before the majority's.
		{name: "a number among words", cells: []string{"7", "a", "b", "c"},
			err: `p.csv:2:2: column "x": value "7" is a number, but 3 of the column's 4 values are text (the first on line 3)`},
		{name: "a tie goes to the first type", cells: []string{"1", "a"},
			err: `p.csv:3:2: column "x": value "a" is text, but 1 of the column's 2 values is a number (the first on line 2)`},
		{name: "three types", cells: []string{"1", "2", "true", "x"},
			err: `p.csv:4:2: column "x": value "true" is true/false, but 2 of the column's 4 values are numbers (the first on line 2)`},
		// Named categorical, any column is: its values are levels, sorted
		// as text.
		{name: "categorical: numbers with a word", cells: []string{"1", "2", "abc", "2"}, categorical: []string{"x"},
			levels: []string{"1", "2", "abc"}, codes: []int{0, 1, 2, 1}},
		{name: "categorical: codes", cells: []string{"1", "10", "2", ""}, categorical: []string{"x"},
			levels: []string{"1", "10", "2"}, codes: []int{0, 1, 2, -1}},
		{name: "categorical: 1e400", cells: []string{"1", "1e400"}, categorical: []string{"x"},
			levels: []string{"1", "1e400"}, codes: []int{0, 1}},
		{name: "categorical: no such column", cells: []string{"1"}, categorical: []string{"z"},
			err: `p.csv:1: no column "z" (named categorical); the header has "id", "x"`},
		{name: "categorical: the id", cells: []string{"1"}, categorical: []string{"id"},
			err: `p.csv:1:1: column "id": the person id column is named categorical`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var in strings.Builder
			in.WriteString("id,x\n")
			for i, c := range tc.cells {
				fmt.Fprintf(&in, "p%d,%s\n", i, c)
			}
			tb, err := ReadPersons(strings.NewReader(in.String()), "p.csv", PersonOptions{Categorical: tc.categorical})
			if tc.err != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tc.err) {
					t.Fatalf("error %v\nwant %q", err, tc.err)
				}
				var de *DataError
				if !errors.As(err, &de) {
					t.Errorf("error %v is not a DataError", err)
				}
				if is := errors.Is(err, ErrColumnType); is != strings.Contains(tc.err, "value ") {
					t.Errorf("errors.Is(err, ErrColumnType) = %v for %q", is, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			x := tb.Column("x")
			if x.Field != 2 || len(tb.Warnings) != 0 {
				t.Errorf("field %d, warnings %v", x.Field, tb.Warnings)
			}
			if tc.values != nil {
				if !x.Numeric || !sameFloats(x.Values, tc.values) {
					t.Errorf("numeric %v values %v, want numeric %v", x.Numeric, x.Values, tc.values)
				}
				return
			}
			if x.Numeric || !reflect.DeepEqual(x.Levels, tc.levels) || !reflect.DeepEqual(x.Codes, tc.codes) {
				t.Errorf("numeric %v levels %q codes %v, want categorical %q %v", x.Numeric, x.Levels, x.Codes, tc.levels, tc.codes)
			}
		})
	}
}

// TestManyLevels: a text column with more than ManyLevelsLimit levels gets
// a ManyLevels warning naming the file, the column and the count, unless
// it is named categorical; ManyLevelsLimit levels get none.
func TestManyLevels(t *testing.T) {
	file := func(levels int) string {
		var b strings.Builder
		b.WriteString("id,town,n\n")
		for i := range levels {
			fmt.Fprintf(&b, "%d,town%d,%d\n", i, i, i)
		}
		return b.String()
	}
	for _, tc := range []struct {
		name        string
		levels      int
		categorical []string
		warn        bool
	}{
		{"at the limit", ManyLevelsLimit, nil, false},
		{"above it", ManyLevelsLimit + 1, nil, true},
		{"above it, named categorical", ManyLevelsLimit + 1, []string{"town"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tb, err := ReadPersons(strings.NewReader(file(tc.levels)), "p.csv", PersonOptions{Categorical: tc.categorical})
			if err != nil {
				t.Fatal(err)
			}
			if n := len(tb.Column("town").Levels); n != tc.levels {
				t.Fatalf("%d levels, want %d", n, tc.levels)
			}
			if !tc.warn {
				if len(tb.Warnings) != 0 {
					t.Errorf("warnings %v, want none", tb.Warnings)
				}
				return
			}
			want := fmt.Sprintf(`p.csv: column "town" is text with %d levels, more than %d`, tc.levels, ManyLevelsLimit)
			if len(tb.Warnings) != 1 || tb.Warnings[0].Kind != ManyLevels || !strings.HasPrefix(tb.Warnings[0].Message, want) {
				t.Errorf("warnings %+v, want one of kind %s starting %q", tb.Warnings, ManyLevels, want)
			}
		})
	}
}

// sameFloats reports whether a and b hold the same numbers, NaN where
// the other has NaN.
func sameFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] && !(math.IsNaN(a[i]) && math.IsNaN(b[i])) {
			return false
		}
	}
	return true
}
