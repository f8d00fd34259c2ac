package careersio

import (
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/trajectory"
)

// TestProfiles: four persons in two groups, posteriors made up; the
// means by hand, a categorical and a 0/1 variable shares, a continuous
// one a mean, each formatted as the profile tables show it.
func TestProfiles(t *testing.T) {
	tb, err := ReadPersons(strings.NewReader("id,sex,employed,age\n1,female,1,20\n2,male,0,30\n3,male,1,40\n4,male,,50\n"), "p.csv", PersonOptions{ID: "id"})
	if err != nil {
		t.Fatal(err)
	}
	f := &trajectory.Fitted{
		Groups:    []trajectory.Group{{Number: 1}, {Number: 2, Label: "high"}},
		IDs:       []string{"1", "2", "3", "4"},
		Posterior: [][]float64{{0.9, 0.8, 0.25, 0}, {0.1, 0.2, 0.75, 1}},
		Assigned:  []int{1, 1, 2, 2},
	}
	rows := Profiles(tb, f)
	type want struct {
		variable, level string
		group           int
		share           bool
		format          string
	}
	// sex=female in group 1: assigned persons 1 and 2, one of them female
	// (50%); posterior-weighted 0.9 / (0.9 + 0.8 + 0.25) = 46.2%. sex=male
	// in group 2: (0.2 + 0.75 + 1) / 2.05 = 95.1%. employed in
	// group 2: person 3 only has a value among the assigned (100%);
	// weighted (0.1 + 0.75) / (0.1 + 0.2 + 0.75) = 81.0%. age in group 2:
	// (40 + 50) / 2 = 45; weighted (2 + 6 + 30 + 50) / 2.05 = 42.9.
	for _, w := range []want{
		{"sex", "female", 1, true, "50.0% (46.2%)"},
		{"sex", "male", 2, true, "100.0% (95.1%)"},
		{"employed", "", 2, true, "100.0% (81.0%)"},
		{"age", "", 2, false, "45.0 (42.9)"},
	} {
		found := false
		for _, r := range rows {
			if r.Variable != w.variable || r.Level != w.level || r.Group != w.group {
				continue
			}
			found = true
			if r.Share != w.share || r.Format() != w.format {
				t.Errorf("%s %s group %d: share %v, %q; want %v, %q", w.variable, w.level, w.group, r.Share, r.Format(), w.share, w.format)
			}
		}
		if !found {
			t.Errorf("no row %s %s group %d in %+v", w.variable, w.level, w.group, rows)
		}
	}
	undefined := ProfileRow{AssignedMean: math.NaN(), PosteriorMean: 0.25, Share: true}
	if got := undefined.Format(); got != "- (25.0%)" {
		t.Errorf("undefined mean: %q", got)
	}
}

// TestValueLabels: female, with value labels in persons60.dta and .sav
// (0 male, 1 female; testdata/foreign/make.R), names its levels in the
// profile rows (female = 1 (female)) and takes its labels into the
// risk-factor design, whose covariate names stay female=1, and into its
// categories as an mlogit distal outcome; the same
// column of persons60.csv read as categorical has neither.
func TestValueLabels(t *testing.T) {
	labels := map[string]string{"0": "male", "1": "female"}
	for _, tc := range []struct {
		file   string
		labels map[string]string
	}{
		{"persons60.dta", labels},
		{"persons60.sav", labels},
		{"persons60.csv", nil},
	} {
		t.Run(tc.file, func(t *testing.T) {
			tb, err := ReadPersonsFile(foreign(tc.file), PersonOptions{ID: "id", Categorical: []string{"female"}})
			if err != nil {
				t.Fatal(err)
			}
			d, _, err := tb.Design([]string{"female", "region"}, tb.IDs, true)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(d.Names, []string{"female=1", "region=south", "region=west"}) {
				t.Errorf("covariates %q", d.Names)
			}
			var want map[string]map[string]string
			if tc.labels != nil {
				want = map[string]map[string]string{"female": tc.labels}
			}
			if !reflect.DeepEqual(d.ValueLabels, want) {
				t.Errorf("design's value labels %v, want %v", d.ValueLabels, want)
			}
			z, err := tb.Distal("female", trajectory.DistalMlogit, tb.IDs)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(z.CategoryLabels, tc.labels) {
				t.Errorf("the distal outcome's labels %v, want %v", z.CategoryLabels, tc.labels)
			}
			f := &trajectory.Fitted{Groups: []trajectory.Group{{Number: 1}}, IDs: tb.IDs, Assigned: make([]int, len(tb.IDs))}
			f.Posterior = [][]float64{make([]float64, len(tb.IDs))}
			for i := range f.IDs {
				f.Assigned[i], f.Posterior[0][i] = 1, 1
			}
			var names []string
			for _, r := range Profiles(tb, f) {
				if r.LevelLabel != tc.labels[r.Level] {
					t.Errorf("%s = %s: label %q, want %q", r.Variable, r.Level, r.LevelLabel, tc.labels[r.Level])
				}
				names = append(names, r.Name())
			}
			wantNames := []string{"female = 0", "female = 1", "qualification", "region = north", "region = south", "region = west", "age_first"}
			if tc.labels != nil {
				wantNames[0], wantNames[1] = "female = 0 (male)", "female = 1 (female)"
			}
			if !slices.Equal(names, wantNames) {
				t.Errorf("rows %q, want %q", names, wantNames)
			}
		})
	}
}
