package trajectory

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// naiveNB is the reference log-probability of count y under NB2 with mean
// μ and dispersion α (Var = μ + α μ²), from its definition with
// math.Lgamma, and with zero inflation ρ:
//
//	NB(y) = Γ(y + 1/α) / (Γ(1/α) y!) (1/(1 + αμ))^(1/α) (αμ/(1 + αμ))^y.
func naiveNB(y int, mu, alpha, rho float64) float64 {
	r := 1 / alpha
	a, _ := math.Lgamma(float64(y) + r)
	b, _ := math.Lgamma(r)
	c, _ := math.Lgamma(float64(y) + 1)
	nb := a - b - c + r*math.Log(r/(r+mu)) + float64(y)*math.Log(mu/(r+mu))
	if y == 0 {
		return math.Log(rho + (1-rho)*math.Exp(nb))
	}
	return math.Log(1-rho) + nb
}

// nbTruth is a three-group NB truth on ages lo..hi with dispersions
// alpha, and zero inflation in the last two groups when zinb (where the
// rates are high enough for α and ρ to be told apart).
func nbTruth(lo, hi int, alpha []float64, zinb bool) Truth {
	s := WindowScaling(lo, hi)
	var gamma [][]float64
	if zinb {
		gamma = [][]float64{nil, {-1.5, 0.5}, {-1}}
	}
	tr := TruthFromCoefficients(s, lo, hi, []float64{0.5, 0.3, 0.2},
		[][]float64{{-1.6, 0.3, -0.5}, {0.2, -1.5, -1, 0.8}, {0.9, 0, -0.6}}, gamma)
	tr.Distribution = NB
	if zinb {
		tr.Distribution = ZINB
	} else {
		tr.ZeroProb = nil
	}
	tr.Dispersion = alpha
	return tr
}

// nbCareers simulates NB careers with censoring, late starts, exposures
// below 1 and holes.
func nbCareers(t testing.TB, n int, seed uint64, zinb bool) *Careers {
	t.Helper()
	c, _, err := Simulate(nbTruth(12, 30, []float64{0.6, 1, 0.5}, zinb), Design{Persons: n, CensorShare: 0.4, LateStartShare: 0.3, ExposedShare: 0.2, HoleShare: 0.1}, seed)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestNBLogLikMatchesNaive: the sufficient statistics (cell types, pools
// of exposures, the table of G_α over the distinct counts) give each
// person's log-likelihood cell by cell, with exposures, holes and
// time-varying covariates, at α from near the bound to large, and the
// Poisson limit exactly at the bound.
func TestNBLogLikMatchesNaive(t *testing.T) {
	tc, _ := tcovCareers(t, 150, 1, [][]float64{{-0.5, 0.3}, {-0.8, 0.1}})
	rng := rand.New(rand.NewPCG(7, 8))
	for _, data := range []struct {
		name string
		c    *Careers
	}{{"nb careers", nbCareers(t, 300, 2, false)}, {"time-varying covariates", tc}} {
		c := data.c
		s := WindowScaling(c.MinAge, c.MaxAge())
		nd := newNBData(newFamilyData(c))
		if c.E == nil || len(nd.poolType) == 0 {
			t.Fatalf("%s: no exposures", data.name)
		}
		for _, tcase := range []struct {
			order, inflation int
			alpha            float64
		}{{0, -1, 0.5}, {3, -1, 1e-6}, {2, -1, 4}, {3, 0, 0.8}, {2, 2, 0.3}, {1, 3, 2}, {2, -1, 0}, {2, 1, 0}} {
			f := newNBFamily(nd, s, tcase.order, tcase.inflation, false)
			comp := f.NewComponent()
			nt := len(c.TcovNames)
			p := make([]float64, f.NumParams())
			for j := range p {
				p[j] = 0.5 * rng.NormFloat64()
			}
			p[0] -= 0.5
			p[len(p)-1] = math.Log(math.Max(tcase.alpha, MinDispersion))
			comp.SetParams(p)
			got := make([]float64, c.Len())
			comp.LogLik(got, 0, c.Len())
			beta, delta := p[:tcase.order+1], p[tcase.order+1:tcase.order+1+nt]
			gamma := p[tcase.order+1+nt : len(p)-1]
			for i := range got {
				w := map[int][]float64{}
				if nt > 0 {
					c.Tcov(i, func(age int, v []float64) { w[age] = v })
				}
				var want float64
				c.Cells(i, func(x Cell) {
					if x.Exposure == 0 {
						return
					}
					a := s.Scaled(float64(x.Age))
					eta := horner(beta, a)
					for j, v := range w[x.Age] {
						eta += delta[j] * v
					}
					rho := 0.0
					if len(gamma) > 0 {
						rho = 1 / (1 + math.Exp(-horner(gamma, a)))
					}
					mu := x.Exposure * math.Exp(eta)
					if tcase.alpha == 0 {
						lg, _ := math.Lgamma(float64(x.Y) + 1)
						pois := float64(x.Y)*math.Log(mu) - mu - lg
						if x.Y == 0 {
							want += math.Log(rho + (1-rho)*math.Exp(pois))
						} else {
							want += math.Log(1-rho) + pois
						}
						return
					}
					want += naiveNB(x.Y, mu, tcase.alpha, rho)
				})
				// Lgamma(1/α) for α near 0 loses digits: the reference is
				// good to about 1e-16/α relative.
				tol := 1e-9*(1+math.Abs(want)) + 1e-15/math.Max(tcase.alpha, 1e-15)*float64(c.NumAges)
				if tcase.alpha == 0 {
					tol = 1e-9 * (1 + math.Abs(want))
				}
				if math.Abs(got[i]-want) > tol {
					t.Fatalf("%s, order %d inflation %d α %g, person %d: sufficient statistics %.12g, cell by cell %.12g",
						data.name, tcase.order, tcase.inflation, tcase.alpha, i, got[i], want)
				}
			}
		}
	}
}

// TestNBMStepObjective: the M-step objective is the weighted sum of the
// persons' log-likelihoods less their constants, and its gradient and
// Hessian match central finite differences, with and without φ.
func TestNBMStepObjective(t *testing.T) {
	tc, _ := tcovCareers(t, 150, 3, [][]float64{{-0.5, 0.3}, {-0.8, 0.1}})
	rng := rand.New(rand.NewPCG(3, 4))
	for _, c := range []*Careers{nbCareers(t, 300, 5, true), tc} {
		s := WindowScaling(c.MinAge, c.MaxAge())
		nd := newNBData(newFamilyData(c))
		w := make([]float64, c.Len())
		for i := range w {
			w[i] = rng.Float64()
		}
		for _, tcase := range []derivCase{{2, -1}, {3, 0}, {2, 1}} {
			for _, shared := range []bool{false, true} {
				f := newNBFamily(nd, s, tcase.order, tcase.inflation, shared)
				comp := f.NewComponent().(*nbComp)
				p := make([]float64, f.NumParams())
				for j := range p {
					p[j] = 0.4 * rng.NormFloat64()
				}
				p[0] -= 0.5
				comp.SetParams(p)
				if shared {
					comp.setShared(math.Log(0.7))
				}
				comp.st.accumulate(nd, w)
				obj := &nbObjective{c: comp, withPhi: !shared}
				q := obj.Eval(p, nil, nil)
				ll := make([]float64, c.Len())
				comp.LogLik(ll, 0, c.Len())
				var want float64
				for i, wi := range w {
					want += wi * (ll[i] - c.Const[i])
				}
				if math.Abs(q-want) > 1e-9*math.Abs(want) {
					t.Errorf("order %d inflation %d shared %v: objective %.10f, weighted log-likelihood %.10f", tcase.order, tcase.inflation, shared, q, want)
				}
				checkDerivatives(t, obj, p, 1e-5, 1e-5)
			}
		}
	}
}

// TestNBDerivatives: each person's analytic score against a central finite
// difference of the person's log-likelihood, and the weighted Hessian
// against a central finite difference of the weighted scores, for NB and
// ZINB groups with their own α, with time-varying covariates too.
func TestNBDerivatives(t *testing.T) {
	tc, _ := tcovCareers(t, 100, 4, [][]float64{{-0.5, 0.3}, {-0.8, 0.1}})
	for _, c := range []*Careers{nbCareers(t, 150, 6, true), tc} {
		s := WindowScaling(c.MinAge, c.MaxAge())
		nd := newNBData(newFamilyData(c))
		rng := rand.New(rand.NewPCG(11, 12))
		n := c.Len()
		w := make([]float64, n)
		for i := range w {
			w[i] = rng.Float64()
		}
		for _, tcase := range []derivCase{{3, -1}, {2, 0}, {2, 2}} {
			f := newNBFamily(nd, s, tcase.order, tcase.inflation, false)
			comp := f.NewComponent().(*nbComp)
			p := make([]float64, f.NumParams())
			for j := range p {
				p[j] = 0.4 * rng.NormFloat64()
			}
			checkComponentDerivatives(t, fmt.Sprintf("nb order %d inflation %d", tcase.order, tcase.inflation), comp, p, w)
		}
	}
}

// TestNBSharedInformation: with a common α, the score and observed
// information of the whole mixture (the groups' blocks with φ through
// nbSharedRun's Scores and Hessian) against finite differences of the
// log-likelihood and of the score, at a point that is not a maximum.
func TestNBSharedInformation(t *testing.T) {
	c := nbCareers(t, 200, 9, true)
	m, err := NewModel(ZINB, 2, []int{2, 1}, []int{0, -1})
	if err != nil {
		t.Fatal(err)
	}
	m.CommonDispersion = true
	theta := []float64{0.3, -1.2, 0.2, -0.3, -0.6, 0.4, -0.5, math.Log(0.6)}
	if len(theta) != m.NumParams() {
		t.Fatalf("%d parameters, model has %d", len(theta), m.NumParams())
	}
	eval := func(th []float64) (float64, []float64, []float64) { return mixtureAt(t, c, m, th) }
	ll0, sc, info := eval(theta)
	const h = 1e-5
	n := len(theta)
	for j := range theta {
		tp := append([]float64(nil), theta...)
		tp[j] += h
		llp, scp, _ := eval(tp)
		tp[j] -= 2 * h
		llm, scm, _ := eval(tp)
		if fd := (llp - llm) / (2 * h); math.Abs(fd-sc[j]) > 1e-5*(1+math.Abs(fd)) {
			t.Errorf("score[%d] = %.8g, finite difference %.8g (ℓ = %.4f)", j, sc[j], fd, ll0)
		}
		for m := range theta {
			if fd := -(scp[m] - scm[m]) / (2 * h); math.Abs(fd-info[m*n+j]) > 1e-4*(1+math.Abs(fd)) {
				t.Errorf("information[%d,%d] = %.8g, finite difference %.8g", m, j, info[m*n+j], fd)
			}
		}
	}
}
