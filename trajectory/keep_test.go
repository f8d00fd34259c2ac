package trajectory

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

// keptCareers builds person "a", observed at ages 12 to 16 (counts, or
// real values when real, exposures other than 1 when exposure), then,
// when keep, person "b" with no observed age, kept, on a grid spanning
// ages 10 to 20.
func keptCareers(t *testing.T, keep, real, exposure bool) *Careers {
	t.Helper()
	b := NewCareerBuilder()
	if real {
		b.SetReal()
	}
	a := b.Person("a")
	for age, y := range map[int]uint32{12: 0, 13: 2, 15: 1, 16: 3} {
		var err error
		switch {
		case real:
			err = b.AddValue(a, age, float64(y)-1.5)
		case exposure:
			err = b.Add(a, age, y, 0.5+float64(age%3)/4)
		default:
			err = b.Add(a, age, y, 1)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if keep {
		b.KeepUnobserved(b.Person("b"))
	}
	b.Span(10, 20)
	c, err := b.Build(exposure)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestKeepUnobserved: a person kept without an observed age has the
// grid's first age alone, unobserved; the person observed is as without
// her; and every family's log-likelihood of her career is exactly 0, at
// any parameters.
func TestKeepUnobserved(t *testing.T) {
	for _, tc := range []struct {
		dist           Distribution
		real, exposure bool
	}{
		{Poisson, false, false}, {Poisson, false, true}, {ZIP, false, true},
		{Logit, false, false}, {Cloglog, false, true},
		{CNorm, true, false},
		{NB, false, true}, {ZINB, false, false},
	} {
		name := string(tc.dist)
		if tc.exposure {
			name += " with exposure"
		}
		t.Run(name, func(t *testing.T) {
			c := keptCareers(t, true, tc.real, tc.exposure)
			alone := keptCareers(t, false, tc.real, tc.exposure)
			if tc.dist.Binary() {
				c, alone = c.Binarize(), alone.Binarize()
			}
			if c.Len() != 2 || c.MinAge != 10 || c.NumAges != 11 || c.NumObs != 4 || !reflect.DeepEqual(c.IDs, []string{"a", "b"}) {
				t.Fatalf("%d persons %v on ages %d + %d, %d observed; want a, b on 10 + 11, 4", c.Len(), c.IDs, c.MinAge, c.NumAges, c.NumObs)
			}
			var cells []Cell
			c.Cells(1, func(x Cell) { cells = append(cells, x) })
			if want := []Cell{{Age: 10}}; !reflect.DeepEqual(cells, want) {
				t.Errorf("b's cells %+v, want %+v", cells, want)
			}
			if c.Const[1] != 0 || c.Lo[1] != 0 || c.Hi[1] != 0 {
				t.Errorf("b: window %d-%d, constant %g; want 0-0, 0", c.Lo[1], c.Hi[1], c.Const[1])
			}
			if got := c.ObservedByAge(); got[0] != 0 {
				t.Errorf("%d observed at age 10, want 0", got[0])
			}
			m, err := NewModel(tc.dist, 2, []int{2}, nil)
			if err != nil {
				t.Fatal(err)
			}
			m.SigmaByGroup = true // no shared parameters: each group's alone
			m.Censor = Censoring{Min: -1, Max: 1}
			rng := rand.New(rand.NewPCG(5, 6))
			both, _ := families(c, WindowScaling(10, 20), m)
			one, _ := families(alone, WindowScaling(10, 20), m)
			for j := range both {
				cb, ca := both[j].NewComponent(), one[j].NewComponent()
				p := make([]float64, both[j].NumParams())
				for trial := 0; trial < 5; trial++ {
					for k := range p {
						p[k] = 2*rng.Float64() - 1
					}
					cb.SetParams(p)
					ca.SetParams(p)
					ll := make([]float64, 2)
					la := make([]float64, 1)
					cb.LogLik(ll, 0, 2)
					ca.LogLik(la, 0, 1)
					if ll[1] != 0 {
						t.Errorf("group %d at %v: b's log-likelihood %g, want exactly 0", j, p, ll[1])
					}
					if ll[0] != la[0] || math.IsNaN(ll[0]) {
						t.Errorf("group %d at %v: a's log-likelihood %g beside b, %g alone", j, p, ll[0], la[0])
					}
				}
			}
		})
	}
}

// TestSpanTooWide: a span that makes the grid wider than MaxAges is an
// error, and a builder with a span but no observed age builds no careers.
func TestSpanTooWide(t *testing.T) {
	b := NewCareerBuilder()
	if err := b.Add(b.Person("a"), 20, 1, 1); err != nil {
		t.Fatal(err)
	}
	b.Span(20-MaxAges, 20)
	if _, err := b.Build(false); err == nil {
		t.Error("no error for a span of more than MaxAges ages")
	}
	e := NewCareerBuilder()
	e.Person("a")
	e.Span(10, 20)
	c, err := e.Build(false)
	if err != nil || c.Len() != 0 {
		t.Errorf("no observed age, no one kept: %d persons, %v; want none", c.Len(), err)
	}
}
