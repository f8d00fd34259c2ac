package careersio

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/trajectory"
)

// TestDesignLike: the design of new persons has the columns of the
// model's design, in its order, whatever levels the new person file has;
// a level the model does not know is an error naming the person, the line
// and the column.
func TestDesignLike(t *testing.T) {
	// qual mixes codes and text: categorical by the fit's choice.
	fitted, err := ReadPersons(strings.NewReader("id,region,score,qual\n1,north,0.5,1\n2,south,1,2\n3,west,2,x\n"), "fit.csv", PersonOptions{ID: "id", Categorical: []string{"qual"}})
	if err != nil {
		t.Fatal(err)
	}
	model, _, err := fitted.Design([]string{"region", "score", "qual"}, []string{"1", "2", "3"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"region=south", "region=west", "score", "qual=2", "qual=x"}; !reflect.DeepEqual(model.Names, want) {
		t.Fatalf("the fit's design: %q, want %q", model.Names, want)
	}
	// On the fit's own persons, the fit's design.
	same, err := fitted.DesignLike(model, []string{"1", "2", "3"})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(same.X, model.X) || !reflect.DeepEqual(same.Of, model.Of) {
		t.Errorf("on the fit's persons: X %v Of %v, want %v %v", same.X, same.Of, model.X, model.Of)
	}
	// New persons without the level south, and with qual read as numbers
	// (it has no "x"): the same columns.
	read := func(in string) *PersonTable {
		t.Helper()
		tb, err := ReadPersons(strings.NewReader(in), "new.csv", PersonOptions{ID: "id"})
		if err != nil {
			t.Fatal(err)
		}
		return tb
	}
	fresh := read("id,qual,score,region\na,1,3,west\nb,2,-1,north\n")
	d, err := fresh.DesignLike(model, []string{"b", "a"})
	if err != nil {
		t.Fatal(err)
	}
	if want := [][]float64{{0, 0, -1, 1, 0}, {0, 1, 3, 0, 0}}; !reflect.DeepEqual(d.X, want) || !reflect.DeepEqual(d.Names, model.Names) {
		t.Errorf("new persons: %q %v, want %q %v", d.Names, d.X, model.Names, want)
	}
	// Without recorded base levels (an older model.json), the base is
	// the one value that sorts before every level with an indicator.
	old := *model
	old.BaseLevels = nil
	if d, err = fresh.DesignLike(&old, []string{"b", "a"}); err != nil || d.X[0][0] != 0 || d.X[0][1] != 0 {
		t.Errorf("no base levels: %v, %v", d, err)
	}
	for _, tc := range []struct {
		name, in string
		model    *trajectory.RiskDesign
		ids      []string
		want     string
		missing  bool
	}{
		{"an unknown level", "id,region,score,qual\na,north,1,1\nb,east,1,1\n", model, []string{"a", "b"},
			`new.csv:3:2: column "region": person "b" has the level "east", which the model does not know: it was fitted with "north", "south", "west"`, false},
		{"an unknown level and no base levels", "id,region,score,qual\na,north,1,1\nb,east,1,1\n", &old, []string{"a", "b"},
			`new.csv:3:2: column "region": person "b" has the level "east", which the model does not know: it was fitted with "north", "south", "west"`, false},
		{"an unknown level, no base level known", "id,region,score,qual\nb,zone,1,1\n", &old, []string{"b"},
			`new.csv:2:2: column "region": person "b" has the level "zone", which the model does not know: it was fitted with "south", "west" and a base level that the model does not record`, false},
		// A column of text where the model has a number (a column mixing
		// both is refused by the reader already).
		{"text for a number", "id,region,score,qual\na,north,high,1\nb,west,low,1\n", model, []string{"a", "b"},
			`new.csv:2:3: column "score": value "high" is not a finite number: the model's risk factor "score" is numeric`, false},
		{"missing only", "id,region,score,qual\na,north,NA,1\n", model, []string{"a"}, `new.csv:2:3: column "score": missing value for person "a"`, true},
		{"a column missing", "id,region,qual\na,north,1\n", model, []string{"a"}, `new.csv:1: no column "score", a risk factor of the model`, false},
		{"no row", "id,region,score,qual\na,north,1,1\n", model, []string{"a", "c"}, `new.csv: person "c" of the careers has no row`, true},
		{"a missing value", "id,region,score,qual\na,north,1,1\nb,,1,1\n", model, []string{"a", "b"}, `new.csv:3:2: column "region": missing value for person "b"`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := read(tc.in).DesignLike(tc.model, tc.ids)
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) || errors.Is(err, ErrMissingRisk) != tc.missing {
				t.Errorf("error %v, want %q (a missing risk factor: %v)", err, tc.want, tc.missing)
			}
		})
	}
}
