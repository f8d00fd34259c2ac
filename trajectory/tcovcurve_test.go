package trajectory

import (
	"math"
	"strings"
	"testing"
)

// tcovFit is a two-group model of the careers of tcovCareers, written by
// hand: curves by age, effects of employed and hours. Its numbers are
// made up; TcovCurves only combines them.
func tcovFit(c *Careers) *Fitted {
	f := &Fitted{Covariates: &Covariates{Tcov: []string{"employed", "hours"}}}
	for k, delta := range [][]float64{{-0.5, 0.3}, {-0.8, 0.1}} {
		g := Group{Number: k + 1, TcovCoef: Named{Names: []string{"employed", "hours"}, Values: delta}}
		for age := c.MinAge; age <= c.MaxAge(); age++ {
			g.Curve = append(g.Curve, CurvePoint{Age: age, Mean: 0.1*float64(k+1) + 0.01*float64(age-c.MinAge)})
		}
		f.Groups = append(f.Groups, g)
	}
	return f
}

// TestTcovCurvesMean: at employed=mean the curve is, age by age, the
// average of the persons' own expected counts μ exp(δ x), weighted by
// posterior (or assignment) times exposure, over the persons observed at
// the age, computed here person by person and cell by cell; hours at a
// value multiplies it by exp(δ v). Tolerance 1e-12, relative: the same
// sums in another order.
func TestTcovCurvesMean(t *testing.T) {
	c, _ := tcovCareers(t, 300, 11, [][]float64{{-0.5, 0.3}, {-0.8, 0.1}})
	f := tcovFit(c)
	post := randomPosteriors(2, c.Len(), 4)
	for _, by := range []Weighting{ByPosterior, ByAssignment} {
		s := TcovSetting{Values: map[string]float64{"hours": 0.5}, Mean: []string{"employed"}}
		got, err := TcovCurves(f, s, c, post, by)
		if err != nil {
			t.Fatal(err)
		}
		w := make([]float64, 2)
		num := make([][]float64, 2)
		den := make([][]float64, 2)
		for k := range num {
			num[k], den[k] = make([]float64, c.NumAges), make([]float64, c.NumAges)
		}
		for i := 0; i < c.Len(); i++ {
			weights(w, post, i, by)
			cov := map[int][]float64{}
			c.Tcov(i, func(age int, v []float64) { cov[age] = v })
			c.Cells(i, func(x Cell) {
				if x.Exposure == 0 {
					return
				}
				employed := 0.0
				if v, ok := cov[x.Age]; ok {
					employed = v[0]
				}
				for k := range w {
					d, _ := f.Groups[k].TcovCoef.Value("employed")
					num[k][x.Age-c.MinAge] += w[k] * x.Exposure * math.Exp(d*employed)
					den[k][x.Age-c.MinAge] += w[k] * x.Exposure
				}
			})
		}
		for k, g := range f.Groups {
			dh, _ := g.TcovCoef.Value("hours")
			for a, p := range g.Curve {
				want := p.Mean * math.Exp(dh*0.5) * num[k][a] / den[k][a]
				if den[k][a] == 0 {
					want = math.NaN()
				}
				if !(math.Abs(got[k][a]-want) <= 1e-12*want) && !(math.IsNaN(want) && math.IsNaN(got[k][a])) {
					t.Errorf("%v, group %d, age %d: %.15g, person by person %.15g", by, k+1, p.Age, got[k][a], want)
				}
			}
		}
		// A covariate that is sometimes 1 with a negative effect pulls
		// the curve below the one at zero, above the one at 1.
		for k, g := range f.Groups {
			a := 8
			zero := g.Curve[a].Mean
			if m := got[k][a] / math.Exp(f.Groups[k].TcovCoef.Values[1]*0.5); !(m < zero && m > zero*math.Exp(g.TcovCoef.Values[0])) {
				t.Errorf("group %d, age %d: at the mean %.4g, not between %.4g (employed=1) and %.4g (0)", k+1, g.Curve[a].Age, m, zero*math.Exp(g.TcovCoef.Values[0]), zero)
			}
		}
	}
}

// TestTcovCurvesValues: values only need no careers and shift the curve by
// exp(Σ δ v); the zero setting is the curve itself.
func TestTcovCurvesValues(t *testing.T) {
	c, _ := tcovCareers(t, 50, 12, [][]float64{{-0.5, 0.3}, {-0.8, 0.1}})
	f := tcovFit(c)
	for _, s := range []TcovSetting{{}, {Values: map[string]float64{"employed": 1, "hours": 2}}, {Values: map[string]float64{"employed": 0}}} {
		got, err := TcovCurves(f, s, nil, nil, ByPosterior)
		if err != nil {
			t.Fatal(err)
		}
		for k, g := range f.Groups {
			shift := 0.0
			for name, v := range s.Values {
				d, _ := g.TcovCoef.Value(name)
				shift += d * v
			}
			for a, p := range g.Curve {
				if want := p.Mean * math.Exp(shift); math.Abs(got[k][a]-want) > 1e-15*want {
					t.Errorf("%v, group %d, age %d: %g, want %g", s, k+1, p.Age, got[k][a], want)
				}
			}
		}
		if zero := s.IsZero(); zero != (s.String() == "covariates zero" || s.String() == "employed=0") {
			t.Errorf("%v: IsZero %v", s, zero)
		}
	}
	if s := (TcovSetting{Values: map[string]float64{"hours": 20, "employed": 1}, Mean: []string{"married"}}).String(); s != "employed=1, hours=20, married=mean" {
		t.Errorf("String: %q", s)
	}
}

func TestTcovCurvesErrors(t *testing.T) {
	c, _ := tcovCareers(t, 50, 13, [][]float64{{-0.5, 0.3}, {-0.8, 0.1}})
	f := tcovFit(c)
	post := randomPosteriors(2, c.Len(), 5)
	bare := testCareers(t, c.Len(), 3)
	for _, tc := range []struct {
		name string
		s    TcovSetting
		c    *Careers
		msg  string
	}{
		{"unknown value", TcovSetting{Values: map[string]float64{"married": 1}}, nil, `no time-varying covariate "married" (it has employed, hours)`},
		{"unknown mean", TcovSetting{Mean: []string{"married"}}, c, `no time-varying covariate "married"`},
		{"twice", TcovSetting{Values: map[string]float64{"employed": 1}, Mean: []string{"employed"}}, c, "employed is set twice"},
		{"mean without careers", TcovSetting{Mean: []string{"employed"}}, nil, "needs the careers"},
		{"careers without it", TcovSetting{Mean: []string{"employed"}}, bare, "the careers carry no time-varying covariate employed"},
		{"infinite", TcovSetting{Values: map[string]float64{"hours": math.Inf(1)}}, nil, "expected a finite value"},
	} {
		if _, err := TcovCurves(f, tc.s, tc.c, post, ByPosterior); err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.msg)
		}
	}
	if _, err := TcovCurves(&Fitted{}, TcovSetting{Values: map[string]float64{"x": 1}}, nil, nil, ByPosterior); err == nil || !strings.Contains(err.Error(), "(it has none)") {
		t.Errorf("a model without covariates: %v", err)
	}
}
