package nl630

import (
	"math"
	"reflect"
	"testing"

	"github.com/trajkit/trajkit/trajectory"
	"github.com/trajkit/trajkit/trajectory/careersio"
)

// TestJointSource: the joint profile reads the columns other and thb of
// the reproduction's career file, or the embedded cohort's outcomes file,
// with the reproduction's reading options, every age, and neither
// covariates nor a person file.
func TestJointSource(t *testing.T) {
	outcomes := []careersio.OutcomeColumns{{Name: "other", Count: "other"}, {Name: "thb", Count: "thb"}}
	dialect := careersio.Dialect{Sep: ";", Decimal: ","}
	tests := []struct {
		name      string
		src, want careersio.Source
	}{
		{"cohort", careersio.Source{Data: CohortData, Ages: [2]int{12, 39}, Persons: CohortPersons},
			careersio.Source{Data: CohortOutcomes, Outcomes: outcomes}},
		{"cohort, wide", careersio.Source{Data: CohortDataWide, Read: careersio.ReadOptions{Format: careersio.Wide}},
			careersio.Source{Data: CohortOutcomes, Outcomes: outcomes}},
		{"real extract", careersio.Source{Data: "careers.xlsx", Sheet: "cases", Read: careersio.ReadOptions{Format: careersio.Long, ID: "pid", Age: "leeftijd", Count: "cases", Exposure: "free"},
			Dialect: dialect, MinExposure: 0.1, Binarize: true, Tcov: []string{"detained"}, Ages: [2]int{12, 40},
			Persons: "persons.csv", Risk: []string{"sex"}, DropMissing: true, Categorical: []string{"region"}, Weights: "w"},
			careersio.Source{Data: "careers.xlsx", Sheet: "cases", Read: careersio.ReadOptions{Format: careersio.Long, ID: "pid", Age: "leeftijd"},
				Dialect: dialect, MinExposure: 0.1, Outcomes: outcomes}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := JointSource(tt.src); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("JointSource:\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// TestFitJoint runs the reproduction on the embedded cohort and fits the
// joint profile after it: two outcomes, other and thb, whose counts add up
// to the reproduction's careers at every person and age of the window;
// the reproduction's four groups, one label each; the fit records the
// outcomes file and the window. The shares are those trajkit reproduce
// --outcomes prints (seed 1, 20 starts; docs/reproduction.md), to the
// printed decimal.
func TestFitJoint(t *testing.T) {
	if testing.Short() {
		t.Skip("the whole reproduction")
	}
	l, err := careersio.Load(careersio.Source{Data: CohortData})
	if err != nil {
		t.Fatal(err)
	}
	s := Settings()
	s.Fit.Data = l.Settings
	r, err := Reproduce(l, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	j, err := FitJoint(careersio.Source{Data: CohortData}, r, &s.Fit)
	if err != nil {
		t.Fatal(err)
	}
	f := j.Fit
	if len(f.Outcomes) != 2 || f.Outcomes[0].Name != "other" || f.Outcomes[1].Name != "thb" || len(j.Outcomes) != 2 {
		t.Fatalf("%d outcomes in the fit, %d careers", len(f.Outcomes), len(j.Outcomes))
	}
	if d := f.Settings.Data; d.File != CohortOutcomes || d.Ages != "12-39" || d.Count != "" || j.Window != r.Window {
		t.Errorf("data %s, ages %q, count %q; window %v, reproduction's %v", d.File, d.Ages, d.Count, j.Window, r.Window)
	}
	type cell struct {
		id  string
		age int
	}
	y := map[cell]int{}
	for o, c := range j.Outcomes {
		if c.MinAge != r.Window[0] || c.MaxAge() != r.Window[1] || !reflect.DeepEqual(c.IDs, f.IDs) {
			t.Fatalf("outcome %d: ages %d-%d, %d persons; the fit has %d", o+1, c.MinAge, c.MaxAge(), c.Len(), len(f.IDs))
		}
		for i, id := range c.IDs {
			c.Cells(i, func(x trajectory.Cell) { y[cell{id, x.Age}] += x.Y })
		}
	}
	for i, id := range r.Careers.IDs {
		r.Careers.Cells(i, func(x trajectory.Cell) {
			if got := y[cell{id, x.Age}]; got != x.Y {
				t.Fatalf("person %s, age %d: other + thb = %d, y = %d", id, x.Age, got, x.Y)
			}
		})
	}
	want := map[string]float64{LowRate: 37.3, EarlyPeak: 31.3, LatePeak: 18.6, HighRate: 12.8}
	for _, g := range f.Groups {
		w, ok := want[g.Label]
		if !ok {
			t.Errorf("group %d: label %q", g.Number, g.Label)
			continue
		}
		delete(want, g.Label)
		if math.Abs(100*g.Share-w) > 0.05 {
			t.Errorf("%s: share %.2f%%, want %.1f%%", g.Label, 100*g.Share, w)
		}
	}
	if len(want) > 0 {
		t.Errorf("no group labelled %v", want)
	}
}
