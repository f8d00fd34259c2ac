package trajectory

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/trajkit/trajkit/mixture"
)

// TestLogLikAllSameBits: the joint E-step gives every group's
// log-likelihoods with the bits of the groups' own LogLik, for Poisson and
// ZIP groups of different orders together, with and without exposures and
// with time-varying covariates; it declines components of other careers
// and more groups than it holds.
func TestLogLikAllSameBits(t *testing.T) {
	withExposure := testCareers(t, 400, 3)
	withTcov, err := withExposure.WithTcov([]string{"x"}, func(i, age int) []float64 { return []float64{float64((i + age) % 3 / 2)} })
	if err != nil {
		t.Fatal(err)
	}
	s := WindowScaling(12, 40)
	tr := TruthFromCoefficients(s, 12, 40, []float64{1}, [][]float64{{-0.5, 0.2, -0.4}}, nil)
	noExposure, _, err := Simulate(tr, Design{Persons: 300, CensorShare: 0.5, HoleShare: 0.15}, 4)
	if err != nil {
		t.Fatal(err)
	}
	groups := []struct{ order, inflation int }{{0, -1}, {3, -1}, {3, 0}, {2, 2}, {1, 3}}
	rng := rand.New(rand.NewPCG(7, 8))
	for _, tc := range []struct {
		name string
		c    *Careers
	}{
		{"exposure", withExposure},
		{"tcov", withTcov},
		{"no exposure", noExposure},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.c
			fd := newFamilyData(c)
			comps := make([]mixture.Component, len(groups))
			for j, g := range groups {
				f := newGroupFamily(fd, WindowScaling(c.MinAge, c.MaxAge()), g.order, g.inflation)
				comps[j] = f.NewComponent()
				p := make([]float64, f.NumParams())
				for m := range p {
					p[m] = 0.6 * rng.NormFloat64()
				}
				p[0] -= 1
				comps[j].SetParams(p)
			}
			got := make([][]float64, len(comps))
			for j := range got {
				got[j] = make([]float64, c.Len())
			}
			if !comps[0].(*groupComp).LogLikAll(comps, got, 0, c.Len()) {
				t.Fatal("LogLikAll declined groups of one family")
			}
			want := make([]float64, c.Len())
			for j, comp := range comps {
				comp.LogLik(want, 0, c.Len())
				for i := range want {
					if math.Float64bits(got[j][i]) != math.Float64bits(want[i]) {
						t.Fatalf("group %d, person %d: LogLikAll gives %v, LogLik %v", j+1, i, got[j][i], want[i])
					}
				}
			}
		})
	}
	t.Run("declines", func(t *testing.T) {
		a := newGroupFamily(newFamilyData(withExposure), s, 2, 0).NewComponent()
		b := newGroupFamily(newFamilyData(withExposure), s, 2, 0).NewComponent()
		dst := [][]float64{make([]float64, withExposure.Len()), make([]float64, withExposure.Len())}
		if a.(*groupComp).LogLikAll([]mixture.Component{a, b}, dst, 0, withExposure.Len()) {
			t.Error("LogLikAll took components bound to other family data")
		}
		many := make([]mixture.Component, maxJoint+1)
		for j := range many {
			many[j] = a
		}
		if a.(*groupComp).LogLikAll(many, make([][]float64, len(many)), 0, withExposure.Len()) {
			t.Errorf("LogLikAll took %d groups, more than maxJoint", len(many))
		}
	})
}

// TestFitAllSameBits: the joint M-step gives every group the parameters
// and fit reports of its own Fit, to the bit, cold and warm, for Poisson
// and ZIP groups of different orders together, with and without exposures
// and with time-varying covariates, with weights of which some are 0 in
// some groups and all 0 for some persons.
func TestFitAllSameBits(t *testing.T) {
	withExposure := testCareers(t, 400, 3)
	withTcov, err := withExposure.WithTcov([]string{"x"}, func(i, age int) []float64 { return []float64{float64((i + age) % 3 / 2)} })
	if err != nil {
		t.Fatal(err)
	}
	tr := TruthFromCoefficients(WindowScaling(12, 40), 12, 40, []float64{1}, [][]float64{{-0.5, 0.2, -0.4}}, nil)
	noExposure, _, err := Simulate(tr, Design{Persons: 300, CensorShare: 0.5, HoleShare: 0.15}, 4)
	if err != nil {
		t.Fatal(err)
	}
	groups := []struct{ order, inflation int }{{0, -1}, {3, -1}, {3, 0}, {2, 2}, {1, 3}}
	for _, tc := range []struct {
		name string
		c    *Careers
	}{
		{"exposure", withExposure},
		{"tcov", withTcov},
		{"no exposure", noExposure},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.c
			s := WindowScaling(c.MinAge, c.MaxAge())
			fd := newFamilyData(c)
			rng := rand.New(rand.NewPCG(9, 10))
			w := make([][]float64, len(groups))
			for j := range w {
				w[j] = make([]float64, c.Len())
				for i := range w[j] {
					if i%7 != 0 && rng.IntN(4) != 0 {
						w[j][i] = rng.Float64()
					}
				}
			}
			fams := make([]mixture.Family, len(groups))
			joint := make([]mixture.Component, len(groups))
			alone := make([]mixture.Component, len(groups))
			for j, g := range groups {
				fams[j] = newGroupFamily(fd, s, g.order, g.inflation)
				joint[j], alone[j] = fams[j].NewComponent(), fams[j].NewComponent()
			}
			ctx := context.Background()
			infos := make([]mixture.FitInfo, len(groups))
			for _, warm := range []bool{false, true, true} {
				if !fams[0].(*groupFamily).FitAll(ctx, fams, joint, w, warm, infos) {
					t.Fatal("FitAll declined groups of one family")
				}
				for j, f := range fams {
					want := f.Fit(ctx, alone[j], w[j], warm)
					if infos[j] != want {
						t.Errorf("warm %v, group %d: FitAll reports %+v, Fit %+v", warm, j+1, infos[j], want)
					}
					got, wantP := joint[j].Params(nil), alone[j].Params(nil)
					for m := range got {
						if math.Float64bits(got[m]) != math.Float64bits(wantP[m]) {
							t.Fatalf("warm %v, group %d: FitAll gives %v, Fit %v", warm, j+1, got, wantP)
						}
					}
				}
				// The next fits start from new weights.
				for j := range w {
					for i := range w[j] {
						w[j][i] *= 0.5 + rng.Float64()
					}
				}
			}
		})
	}
}
