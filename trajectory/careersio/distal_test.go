package careersio

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/trajectory"
)

const distalPersons = `id,score,victim,repeat,job
1,2.5,0,3,none
2,NA,1,0,part
3,-1,1,1,full
4,0.5,0,2,
`

func TestPersonDistal(t *testing.T) {
	many := strings.Builder{}
	many.WriteString("id,many\n")
	for i := range 25 {
		fmt.Fprintf(&many, "%d,%d\n", i+1, i)
	}
	wide, err := ReadPersons(strings.NewReader(many.String()), "many.csv", PersonOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tab, err := ReadPersons(strings.NewReader(distalPersons), "persons.csv", PersonOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{"1", "2", "3", "4", "5"} // 5 has no row
	nan := math.NaN()
	for _, tc := range []struct {
		column string
		model  trajectory.DistalModel
		want   []float64
		cats   []string
	}{
		{"score", trajectory.DistalNormal, []float64{2.5, nan, -1, 0.5, nan}, nil},
		{"victim", trajectory.DistalLogit, []float64{0, 1, 1, 0, nan}, nil},
		{"repeat", trajectory.DistalPoisson, []float64{3, 0, 1, 2, nan}, nil},
		{"repeat", trajectory.DistalMlogit, []float64{3, 0, 1, 2, nan}, []string{"0", "1", "2", "3"}},
		{"job", trajectory.DistalMlogit, []float64{1, 2, 0, nan, nan}, []string{"full", "none", "part"}},
	} {
		t.Run(tc.column+" "+string(tc.model), func(t *testing.T) {
			z, err := tab.Distal(tc.column, tc.model, ids)
			if err != nil {
				t.Fatal(err)
			}
			for i, v := range z.Values {
				if v != tc.want[i] && !(math.IsNaN(v) && math.IsNaN(tc.want[i])) {
					t.Errorf("values %v, want %v", z.Values, tc.want)
					break
				}
			}
			if strings.Join(z.Categories, ",") != strings.Join(tc.cats, ",") {
				t.Errorf("categories %q, want %q", z.Categories, tc.cats)
			}
		})
	}
	for _, tc := range []struct {
		column string
		model  trajectory.DistalModel
		want   string
	}{
		{"score", trajectory.DistalLogit, "persons.csv:2:2: column \"score\": distal outcome \"score\" of person \"1\" is 2.5: expected 0 or 1"},
		{"score", trajectory.DistalPoisson, "persons.csv:2:2: column \"score\": distal outcome \"score\" of person \"1\" is 2.5: expected a count"},
		{"job", trajectory.DistalNormal, "persons.csv:2:5: column \"job\": distal outcome \"job\" is \"none\": expected a number"},
		{"age", trajectory.DistalNormal, "no column \"age\" (the distal outcome)"},
		{"many", trajectory.DistalMlogit, "has 25 distinct values, expected 2 to 20 categories"},
		{"id", trajectory.DistalNormal, "the person id column"},
	} {
		t.Run("error "+tc.column+" "+string(tc.model), func(t *testing.T) {
			tb := tab
			if tc.column == "many" {
				tb = wide
			}
			_, err := tb.Distal(tc.column, tc.model, ids)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one with %q", err, tc.want)
			}
		})
	}
}
