package nl630

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/trajectory"
)

// TestNL630Consistent checks, person by person on 5000 draws, that the
// careers and the person variables tell one story: follow-up from 12 to
// min(2022 − birth year, 65); the index case inside it, at age
// index year − birth year; at least as many cases as THB cases at the
// index age and in all; later THB cases inside the follow-up; nested
// migration variables.
func TestNL630Consistent(t *testing.T) {
	s, err := Simulate(5000, 3)
	if err != nil {
		t.Fatal(err)
	}
	c := s.Careers
	ps := s.Persons.(PersonTable)
	if len(ps) != c.Len() || c.MinAge != 12 {
		t.Fatalf("%d persons for %d careers; first age %d", len(ps), c.Len(), c.MinAge)
	}
	for i, p := range ps {
		if p.ID != c.IDs[i] {
			t.Fatalf("person %d: id %s, career id %s", i, p.ID, c.IDs[i])
		}
		var first, last, total, atTHB int
		first = -1
		c.Cells(i, func(x trajectory.Cell) {
			if x.Exposure == 0 {
				t.Fatalf("person %s: unobserved age %d inside the follow-up", p.ID, x.Age)
			}
			if first < 0 {
				first = x.Age
			}
			last = x.Age
			total += x.Y
			if x.Age == p.AgeFirstTHB {
				atTHB = x.Y
			}
		})
		// With no later THB case, every THB case is at the index age.
		minAtTHB := 1
		if p.AgeNextTHB == 0 {
			minAtTHB = p.THBCases
		}
		switch {
		case p.IndexTHBYear < 2008 || p.IndexTHBYear > 2017:
			t.Errorf("person %s: index year %d", p.ID, p.IndexTHBYear)
		case p.AgeFirstTHB != p.IndexTHBYear-p.BirthYear || p.AgeFirstTHB < 12 || p.AgeFirstTHB > 60:
			t.Errorf("person %s: age at first THB %d, born %d, index year %d", p.ID, p.AgeFirstTHB, p.BirthYear, p.IndexTHBYear)
		case first != 12 || last != min(2022-p.BirthYear, 65) || last != p.LastObservedAge:
			t.Errorf("person %s: observed %d-%d, born %d, last observed age %d", p.ID, first, last, p.BirthYear, p.LastObservedAge)
		case atTHB < minAtTHB || total < p.THBCases || p.THBCases < 1:
			t.Errorf("person %s: %d cases at the index age, %d in all, %d THB cases", p.ID, atTHB, total, p.THBCases)
		case p.AgeNextTHB != 0 && (p.AgeNextTHB <= p.AgeFirstTHB || p.AgeNextTHB > last):
			t.Errorf("person %s: next THB case at %d, first at %d, follow-up to %d", p.ID, p.AgeNextTHB, p.AgeFirstTHB, last)
		case p.BornTraditionalMigrationCountry && !p.BornAbroad || p.BornAbroad && !p.MigrationBackground:
			t.Errorf("person %s: born in a traditional migration country %v, abroad %v, migration background %v",
				p.ID, p.BornTraditionalMigrationCountry, p.BornAbroad, p.MigrationBackground)
		case p.OffenceTypes < 1 || p.OffenceTypes > 8:
			t.Errorf("person %s: %d offence types", p.ID, p.OffenceTypes)
		}
	}
}

// TestPersonTableCSV pins the header and checks that every row has the
// header's fields.
func TestPersonTableCSV(t *testing.T) {
	s, err := Simulate(50, 1)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := s.Persons.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	const header = "id,sex,birth_year,index_thb_year,age_first_thb,last_observed_age,starting_qualification,criminal_family," +
		"one_parent_household,benefits_or_no_income_at_thb,migration_background,born_abroad,born_traditional_migration_country," +
		"victimisation,lvb,thb_cases,repeat_thb,age_next_thb,offence_types"
	if got := strings.Join(rows[0], ","); got != header {
		t.Errorf("header\n%s\nwant\n%s", got, header)
	}
	if len(rows) != 51 {
		t.Errorf("%d rows for 50 persons", len(rows)-1)
	}
}

// TestNL630Samplers checks the hand-written samplers against their laws
// on 200,000 draws: Poisson mean and variance λ, normal mean 0 and
// variance 1, within about 5 standard errors.
func TestNL630Samplers(t *testing.T) {
	r := &uniformSource{src: rand.NewPCG(9, 0)}
	const n = 200000
	for _, lambda := range []float64{0.05, 0.8, 3.5} {
		var s, s2 float64
		for i := 0; i < n; i++ {
			x := float64(r.poisson(lambda))
			s += x
			s2 += x * x
		}
		mean, variance := s/n, s2/n-(s/n)*(s/n)
		if se := math.Sqrt(lambda / n); math.Abs(mean-lambda) > 5*se {
			t.Errorf("Poisson(%v): mean %v", lambda, mean)
		}
		if math.Abs(variance/lambda-1) > 0.05 {
			t.Errorf("Poisson(%v): variance %v", lambda, variance)
		}
	}
	var s, s2 float64
	for i := 0; i < n; i++ {
		x := r.normal()
		s += x
		s2 += x * x
	}
	if mean, variance := s/n, s2/n-(s/n)*(s/n); math.Abs(mean) > 5/math.Sqrt(n) || math.Abs(variance-1) > 0.02 {
		t.Errorf("normal: mean %v, variance %v", mean, variance)
	}
}

// TestPresetCancelled: the preset's generator, given a cancelled context,
// returns an error that wraps the context's; given a live one, the cohort
// of Simulate.
func TestPresetCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	live, err := Preset.Generate(ctx, 200, 3)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := Simulate(200, 3)
	// Files hold functions, which DeepEqual never finds equal: compare
	// what they write.
	if !reflect.DeepEqual(written(t, live.Files), written(t, want.Files)) {
		t.Error("a live context changed the cohort's further files")
	}
	live.Files, want.Files = nil, nil
	if !reflect.DeepEqual(live, want) {
		t.Error("a live context changed the cohort")
	}
	cancel()
	if s, err := Preset.Generate(ctx, 200, 3); s != nil || !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: cohort %v, error %v; want none and an error wrapping context.Canceled", s != nil, err)
	}
}

// written returns the contents of the files by name.
func written(t *testing.T, files []trajectory.SimulatedFile) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, f := range files {
		var b strings.Builder
		if err := f.Write(&b); err != nil {
			t.Fatal(err)
		}
		out[f.Name] = b.String()
	}
	return out
}
