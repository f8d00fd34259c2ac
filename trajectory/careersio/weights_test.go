package careersio

import (
	"reflect"
	"strings"
	"testing"
)

// TestWeights: a numeric column gives one weight per person of the
// careers, in their order; a missing column, a person without a row, and a
// cell that is missing, text, zero or negative are errors naming the
// file, line and column. (A column mixing numbers and text is already
// ReadPersons' error, and a cell "Inf" is not a number there.)
func TestWeights(t *testing.T) {
	read := func(t *testing.T, in string) *PersonTable {
		t.Helper()
		tb, err := ReadPersons(strings.NewReader(in), "persons.csv", PersonOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return tb
	}
	tb := read(t, "id,w,sex\n1,2.5,f\n2,1,m\n3,0.5,f\n")
	w, err := tb.Weights("w", []string{"3", "1"})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(w, []float64{0.5, 2.5}) {
		t.Errorf("weights %v, want [0.5 2.5]", w)
	}
	for _, tc := range []struct {
		name, in, column string
		ids              []string
		want             string
	}{
		{"no column", "id,w\n1,1\n", "weight", []string{"1"}, `persons.csv:1: no column "weight" of sampling weights; the person file has "w"`},
		{"id column", "id,w\n1,1\n", "id", []string{"1"}, `"id" is the person id column`},
		{"no row", "id,w\n1,1\n", "w", []string{"1", "7"}, `person "7" of the careers has no row, so no sampling weight in column "w"`},
		{"missing", "id,w\n1,1\n2,\n", "w", []string{"1", "2"}, `persons.csv:3:2: column "w": sampling weight of person "2" is missing`},
		{"text", "id,w\n1,light\n2,heavy\n", "w", []string{"1", "2"}, `persons.csv:2:2: column "w": sampling weight of person "1" is "light"`},
		{"zero", "id,w\n1,1\n2,0\n", "w", []string{"1", "2"}, `persons.csv:3:2: column "w": sampling weight of person "2" is 0: expected a finite number > 0`},
		{"negative", "id,w\n1,-3\n", "w", []string{"1"}, `persons.csv:2:2: column "w": sampling weight of person "1" is -3`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := read(t, tc.in).Weights(tc.column, tc.ids)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one with %s", err, tc.want)
			}
		})
	}
}

// TestLoadWeightsNeedPersons: a column of weights without a person file
// is an error that says so.
func TestLoadWeightsNeedPersons(t *testing.T) {
	_, err := Load(Source{Data: "example:sim630", Weights: "w"})
	if err == nil || !strings.Contains(err.Error(), `sampling weights (column "w") need a person file`) {
		t.Errorf("error %v", err)
	}
}
