package trajectory

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/trajkit/trajkit/mixture"
	"gonum.org/v1/gonum/stat/distuv"
)

// tcovCareers draws careers whose counts depend on two time-varying
// covariates, employed (0/1, changing from year to year) and hours (a
// continuous value when employed): λ_t,w = λ_t exp(δ · w), by group, with
// exposure below 1 in some years and holes.
func tcovCareers(t *testing.T, n int, seed uint64, delta [][]float64) (*Careers, []int) {
	t.Helper()
	s := WindowScaling(14, 35)
	tr := TruthFromCoefficients(s, 14, 35, []float64{0.55, 0.45}, [][]float64{{-1.2, 0.2, -0.5}, {0.6, -0.4, -0.8}}, [][]float64{{-1}, nil})
	rng := rand.New(rand.NewPCG(seed, 3))
	b := NewCareerBuilder()
	type key struct{ i, age int }
	w := map[key][]float64{}
	groups := make([]int, n)
	for i := 0; i < n; i++ {
		k := 0
		if rng.Float64() > tr.Shares[0] {
			k = 1
		}
		groups[i] = k
		p := b.Person(itoa(i))
		last := 14 + 10 + rng.IntN(12)
		employed := 0.0
		for age := 14; age <= last; age++ {
			if age > 15 && age < last && rng.Float64() < 0.05 {
				continue // a hole
			}
			if rng.Float64() < 0.3 {
				employed = 1 - employed
			}
			hours := 0.0
			if employed == 1 {
				hours = math.Round(10*rng.Float64()) / 10
			}
			cov := []float64{employed, hours}
			e := 1.0
			if rng.Float64() < 0.1 {
				e = 0.2 + 0.8*rng.Float64()
			}
			a := age - 14
			lam := tr.Rate[k][a] * math.Exp(delta[k][0]*cov[0]+delta[k][1]*cov[1])
			var y uint32
			if !(rng.Float64() < tr.ZeroProb[k][a]) {
				y = uint32(distuv.Poisson{Lambda: e * lam, Src: rng}.Rand())
			}
			b.mustAdd(p, age, y, e)
			w[key{p, age}] = cov
		}
	}
	c, err := b.Build(true)
	if err != nil {
		t.Fatal(err)
	}
	c, err = c.WithTcov([]string{"employed", "hours"}, func(i, age int) []float64 { return w[key{i, age}] })
	if err != nil {
		t.Fatal(err)
	}
	return c, groups
}

// TestTcovLogLikNaive: with time-varying covariates the sufficient
// statistics still give the cell-by-cell log-likelihood.
func TestTcovLogLikNaive(t *testing.T) {
	c, _ := tcovCareers(t, 200, 1, [][]float64{{-0.5, 0.3}, {-0.8, 0.1}})
	if len(c.Patterns) < 5 {
		t.Fatalf("%d patterns", len(c.Patterns))
	}
	s := WindowScaling(c.MinAge, c.MaxAge())
	fd := newFamilyData(c)
	for _, tc := range []struct{ order, inflation int }{{2, -1}, {2, 0}, {1, 1}} {
		f := newGroupFamily(fd, s, tc.order, tc.inflation)
		comp := f.NewComponent()
		p := []float64{-0.4, 0.3, -0.2}[:tc.order+1]
		delta := []float64{-0.6, 0.25}
		gamma := []float64{-0.8, 0.4}[:max(tc.inflation+1, 0)]
		comp.SetParams(append(append(append([]float64(nil), p...), delta...), gamma...))
		got := make([]float64, c.Len())
		comp.LogLik(got, 0, c.Len())
		for i := range got {
			w := map[int][]float64{}
			c.Tcov(i, func(age int, v []float64) { w[age] = v })
			var want float64
			c.Cells(i, func(x Cell) {
				if x.Exposure == 0 {
					return
				}
				a := s.Scaled(float64(x.Age))
				eta := horner(p, a)
				if v, ok := w[x.Age]; ok {
					eta += delta[0]*v[0] + delta[1]*v[1]
				}
				rho := 0.0
				if len(gamma) > 0 {
					rho = 1 / (1 + math.Exp(-horner(gamma, a)))
				}
				mu := x.Exposure * math.Exp(eta)
				lg, _ := math.Lgamma(float64(x.Y) + 1)
				if x.Y == 0 {
					want += math.Log(rho + (1-rho)*math.Exp(-mu))
				} else {
					want += math.Log(1-rho) + float64(x.Y)*math.Log(mu) - mu - lg
				}
			})
			if math.Abs(got[i]-want) > 1e-9*(1+math.Abs(want)) {
				t.Fatalf("order %d inflation %d, person %d: %.12g, cell by cell %.12g", tc.order, tc.inflation, i, got[i], want)
			}
		}
	}
}

// TestTcovDerivatives: scores and Hessians with covariates against finite
// differences.
func TestTcovDerivatives(t *testing.T) {
	c, _ := tcovCareers(t, 120, 2, [][]float64{{-0.5, 0.3}, {-0.8, 0.1}})
	checkGroupDerivatives(t, c, 9, 0.3, []derivCase{{2, -1}, {1, 0}})
}

// TestTcovRecovery: known covariate effects δ come back within three
// standard errors, and the shares within 0.03, from 3,000 simulated careers.
func TestTcovRecovery(t *testing.T) {
	delta := [][]float64{{-0.5, 0.3}, {-0.8, 0.1}}
	c, _ := tcovCareers(t, 3000, 5, delta)
	m := mustModel(t, ZIP, 2, []int{2, 2}, []int{0, -1})
	f, err := Fit(c, m, &Settings{Search: mixture.Settings{Seed: 1}})
	if err != nil {
		t.Fatal(err)
	}
	for k, g := range f.Groups {
		if math.Abs(g.Share-[]float64{0.55, 0.45}[k]) > 0.03 {
			t.Errorf("group %d: share %.3f", k+1, g.Share)
		}
		for a, want := range delta[k] {
			if got, se := g.TcovCoef.Values[a], g.TcovSE.Values[a]; !(math.Abs(got-want) <= 3*se) {
				t.Errorf("group %d %s: δ = %.3f ± %.3f, true %.2f", k+1, f.TcovNames()[a], got, se, want)
			}
		}
	}
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	var mf struct {
		Covariates *struct{ Tcov []string }
		Groups     []struct {
			TcovCoef map[string]float64  `json:"tcov_coef"`
			TcovSE   map[string]*float64 `json:"tcov_se"`
		}
	}
	if err := json.Unmarshal(b, &mf); err != nil {
		t.Fatal(err)
	}
	if mf.Covariates == nil || len(mf.Covariates.Tcov) != 2 || mf.Groups[0].TcovCoef["employed"] != f.Groups[0].TcovCoef.Values[0] || mf.Groups[1].TcovSE["hours"] == nil {
		t.Errorf("model file covariates %+v, group 1 %v", mf.Covariates, mf.Groups[0].TcovCoef)
	}
	// The fit reads back from its JSON with the names in order.
	var back Fitted
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Groups[1].TcovCoef, f.Groups[1].TcovCoef) {
		t.Errorf("read back %+v, written %+v", back.Groups[1].TcovCoef, f.Groups[1].TcovCoef)
	}
}

// TestTcovNoneIsCore: careers that go through the covariate path with no
// covariates give a fit identical to the core path's.
func TestTcovNoneIsCore(t *testing.T) {
	c := testCareers(t, 500, 71)
	typed, err := c.WithTcov([]string{}, func(int, int) []float64 { return nil })
	if err != nil {
		t.Fatal(err)
	}
	if typed.Pattern == nil {
		t.Fatal("no pattern array: the covariate path is not taken")
	}
	m := mustModel(t, ZIP, 3, nil, nil)
	a := fitFileJSON(t, c, m, &Settings{Search: mixture.Settings{Seed: 3, Starts: 6}})
	b := fitFileJSON(t, typed, m, &Settings{Search: mixture.Settings{Seed: 3, Starts: 6}})
	if !bytes.Equal(a, b) {
		t.Error("the covariate path with no covariates gives another fit")
	}
}
