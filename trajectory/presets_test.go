package trajectory

import (
	"context"
	"errors"
	"math"
	"reflect"
	"testing"

	"github.com/trajkit/trajkit/mixture"
)

// TestPresetsDeterministic: every preset gives identical data sets from
// the same seed and different ones from another seed.
func TestPresetsDeterministic(t *testing.T) {
	for _, p := range Presets {
		t.Run(p.Name, func(t *testing.T) {
			gen := func(seed uint64) *Simulated {
				s, err := p.Generate(context.Background(), 300, seed)
				if err != nil {
					t.Fatal(err)
				}
				if s.Careers.Len() != 300 || len(s.Groups) != 300 {
					t.Fatalf("%d careers, %d groups for 300 persons", s.Careers.Len(), len(s.Groups))
				}
				return s
			}
			a, b, c := gen(5), gen(5), gen(6)
			if !reflect.DeepEqual(a, b) {
				t.Error("the same seed gave different data sets")
			}
			if reflect.DeepEqual(a.Careers, c.Careers) {
				t.Error("seeds 5 and 6 gave the same careers")
			}
		})
	}
}

func TestLookupPreset(t *testing.T) {
	for _, p := range Presets {
		if q, err := LookupPreset(Presets, p.Name); err != nil || q.Name != p.Name {
			t.Errorf("LookupPreset(%q) = %q, %v", p.Name, q.Name, err)
		}
	}
	if _, err := LookupPreset(Presets, "nope"); err == nil {
		t.Error("no error for an unknown preset")
	}
}

// TestPresetRoundTrip fits the default preset's own model (4 groups, ZIP,
// cubic, constant inflation) to 3000 persons drawn from it and checks the
// known truth roughly: each true group maps to one fitted group holding at
// least 85% of its members, shares within 0.04, and expected counts
// (1 − ρ)λ within 25% at every age where the group has 300 persons
// observed.
func TestPresetRoundTrip(t *testing.T) {
	p, err := LookupPreset(Presets, "default")
	if err != nil {
		t.Fatal(err)
	}
	s, err := p.Generate(context.Background(), 3000, 2)
	if err != nil {
		t.Fatal(err)
	}
	c := s.Careers
	tr := defaultTruth()
	f, err := Fit(c, mustModel(t, ZIP, 4, nil, nil), &Settings{Search: mixture.Settings{Seed: 1, Starts: 8, Keep: 2}})
	if err != nil {
		t.Fatal(err)
	}
	k := len(tr.Shares)
	counts := make([][]int, k) // true x fitted
	obs := make([][]int, k)    // true group x age
	for j := range counts {
		counts[j] = make([]int, k)
		obs[j] = make([]int, c.NumAges)
	}
	for i, g1 := range s.Groups {
		g := g1 - 1
		counts[g][f.Assigned[i]-1]++
		c.Cells(i, func(x Cell) {
			if x.Exposure > 0 {
				obs[g][x.Age-c.MinAge]++
			}
		})
	}
	for g := 0; g < k; g++ {
		best, n := 0, 0
		for j, v := range counts[g] {
			n += v
			if v > counts[g][best] {
				best = j
			}
		}
		if frac := float64(counts[g][best]) / float64(n); frac < 0.85 {
			t.Errorf("true group %d: only %.2f of its members in one fitted group (%v)", g+1, frac, counts[g])
		}
		fg := f.Groups[best]
		if math.Abs(fg.Share-tr.Shares[g]) > 0.04 {
			t.Errorf("true group %d: fitted share %.3f, true %.2f", g+1, fg.Share, tr.Shares[g])
		}
		for _, pt := range fg.Curve {
			a := pt.Age - tr.MinAge
			if obs[g][pt.Age-c.MinAge] < 300 {
				continue
			}
			want := tr.Rate[g][a] * (1 - tr.ZeroProb[g][a])
			if math.Abs(pt.Mean/want-1) > 0.25 {
				t.Errorf("true group %d, age %d: expected count %.3f, true %.3f", g+1, pt.Age, pt.Mean, want)
			}
		}
	}
}

// TestPresetsCancelled: a preset given a cancelled context returns an
// error that wraps the context's and no data; one given a live context
// draws the same data as without one.
func TestPresetsCancelled(t *testing.T) {
	for _, p := range Presets {
		t.Run(p.Name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			live, err := p.Generate(ctx, 300, 5)
			if err != nil {
				t.Fatal(err)
			}
			if want, _ := p.Generate(context.Background(), 300, 5); !reflect.DeepEqual(live, want) {
				t.Error("a live context changed the data set")
			}
			cancel()
			if s, err := p.Generate(ctx, 300, 5); s != nil || !errors.Is(err, context.Canceled) {
				t.Errorf("cancelled: data %v, error %v; want none and an error wrapping context.Canceled", s != nil, err)
			}
		})
	}
}
