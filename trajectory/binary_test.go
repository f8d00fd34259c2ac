package trajectory

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/mixture"
)

// binaryTruth is a three-group truth of yearly any-offence indicators on
// ages 12-40: logit probabilities, or cloglog rates.
func binaryTruth(dist Distribution) Truth {
	s := WindowScaling(12, 40)
	beta := [][]float64{{-3, 0.2, -0.5}, {-0.8, -1.2, -1.0, 0.6}, {0.4, 0.3, -0.8}}
	t := Truth{Distribution: dist, MinAge: 12, Shares: []float64{0.5, 0.3, 0.2}}
	for _, b := range beta {
		row := make([]float64, 29)
		for a := range row {
			eta := horner(b, s.Scaled(float64(12+a)))
			if dist == Logit {
				row[a] = expit(eta)
			} else {
				row[a] = math.Exp(eta)
			}
		}
		if dist == Logit {
			t.Prob = append(t.Prob, row)
		} else {
			t.Rate = append(t.Rate, row)
		}
	}
	return t
}

// binaryCareers simulates binary careers with censoring, late starts and
// holes, and for cloglog exposures below 1; with tcov, a covariate that
// is 1 in a third of the years.
func binaryCareers(t *testing.T, dist Distribution, n int, seed uint64, tcov bool) *Careers {
	t.Helper()
	d := Design{Persons: n, CensorShare: 0.4, LateStartShare: 0.3, HoleShare: 0.1}
	if dist == Cloglog {
		d.ExposedShare = 0.2
	}
	c, _, err := Simulate(binaryTruth(dist), d, seed)
	if err != nil {
		t.Fatal(err)
	}
	if tcov {
		c, err = c.WithTcov([]string{"x"}, func(i, age int) []float64 { return []float64{float64((i + age) % 3 / 2)} })
		if err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// naiveBinaryLogLik is the reference: person i's log-likelihood under one
// group, cell by cell from the definitions (δ the effect of covariate x).
func naiveBinaryLogLik(c *Careers, dist Distribution, i int, s AgeScaling, beta []float64, delta float64) float64 {
	var ll float64
	cell := c.Start[i]
	for t := int(c.Lo[i]); t <= int(c.Hi[i]); t++ {
		y, e, w := 0, 1.0, 0.0
		if cell < c.Start[i+1] && int(c.Age[cell]) == t {
			y, e = int(c.Y[cell]), c.Exposure(cell)
			if c.Pattern != nil {
				w = c.Patterns[c.Pattern[cell]][0]
			}
			cell++
		}
		if e == 0 {
			continue
		}
		eta := horner(beta, s.Scaled(float64(c.MinAge+t))) + delta*w
		var p1 float64
		if dist == Logit {
			p1 = 1 / (1 + math.Exp(-eta))
		} else {
			p1 = 1 - math.Exp(-e*math.Exp(eta))
		}
		if y == 1 {
			ll += math.Log(p1)
		} else {
			ll += math.Log(1 - p1)
		}
	}
	return ll
}

func TestBinaryLogLikMatchesNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, dist := range []Distribution{Logit, Cloglog} {
		for _, tcov := range []bool{false, true} {
			c := binaryCareers(t, dist, 400, 3, tcov)
			if dist == Cloglog && c.E == nil {
				t.Fatal("cloglog test careers have no exposures")
			}
			s := WindowScaling(c.MinAge, c.MaxAge())
			for _, order := range []int{0, 2, 5} {
				m := Model{Distribution: dist, Orders: []int{order}, Inflation: []int{-1}}
				fams, _ := families(c, s, m)
				comp := fams[0].NewComponent()
				p := make([]float64, fams[0].NumParams())
				for j := range p {
					p[j] = 0.6 * rng.NormFloat64()
				}
				p[0] -= 1
				comp.SetParams(p)
				got := make([]float64, c.Len())
				comp.LogLik(got, 0, c.Len())
				delta := 0.0
				if tcov {
					delta = p[order+1]
				}
				for i := range got {
					want := naiveBinaryLogLik(c, dist, i, s, p[:order+1], delta)
					if math.Abs(got[i]-want) > 1e-9*(1+math.Abs(want)) {
						t.Fatalf("%s order %d tcov %v, person %d: sufficient statistics give %.12g, cell by cell %.12g", dist, order, tcov, i, got[i], want)
					}
				}
			}
		}
	}
}

func TestBinaryDerivatives(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, dist := range []Distribution{Logit, Cloglog} {
		for _, tcov := range []bool{false, true} {
			c := binaryCareers(t, dist, 150, 31, tcov)
			s := WindowScaling(c.MinAge, c.MaxAge())
			w := make([]float64, c.Len())
			for i := range w {
				w[i] = rng.Float64()
			}
			for _, order := range []int{0, 3} {
				fams, _ := families(c, s, Model{Distribution: dist, Orders: []int{order}, Inflation: []int{-1}})
				p := make([]float64, fams[0].NumParams())
				for j := range p {
					p[j] = 0.4 * rng.NormFloat64()
				}
				p[0] -= 1
				comp := fams[0].NewComponent().(*binaryComp)
				checkComponentDerivatives(t, string(dist), comp, p, w)
				// The M-step objective's own derivatives.
				comp.st.accumulate(comp.f.d, w)
				checkDerivatives(t, &comp.obj, p, 1e-6, 1e-5)
			}
		}
	}
}

// TestBinaryMStepMaximises: a cold M-step reaches the maximum of the
// weighted log-likelihood, where the gradient vanishes, and a further
// step from there does not change it.
func TestBinaryMStepMaximises(t *testing.T) {
	for _, dist := range []Distribution{Logit, Cloglog} {
		c := binaryCareers(t, dist, 500, 5, true)
		s := WindowScaling(c.MinAge, c.MaxAge())
		fams, _ := families(c, s, Model{Distribution: dist, Orders: []int{3}, Inflation: []int{-1}})
		w := make([]float64, c.Len())
		for i := range w {
			w[i] = float64(i%4) / 3
		}
		comp := fams[0].NewComponent()
		fams[0].Fit(t.Context(), comp, w, false)
		info := fams[0].Fit(t.Context(), comp, w, true)
		if info.Score > 1e-6 {
			t.Errorf("%s: the gradient after a cold M-step is %g", dist, info.Score)
		}
	}
}

func TestBinaryFitNeverDecreases(t *testing.T) {
	for _, dist := range []Distribution{Logit, Cloglog} {
		c := binaryCareers(t, dist, 1500, 21, false)
		f, err := Fit(c, mustModel(t, dist, 3, []int{2, 3, 2}, nil), &Settings{Search: mixture.Settings{Seed: 2, Starts: 4, Keep: 2}})
		if err != nil {
			t.Fatal(err)
		}
		checkMonotone(t, string(dist), f.Trace)
	}
}

// TestBinaryRecovery fits data simulated from the model (censored
// windows, holes, cloglog with exposures below 1) and checks the known
// truth: at 6,000 persons shares within 0.036 and probabilities within
// 0.036 at every age where the group has at least 150 persons observed;
// as a study (TRAJKIT_STUDIES=1), at 20,000 persons within 0.02 where 500
// are observed (the tolerances; they shrink as 1/√N between the
// two).
func TestBinaryRecovery(t *testing.T) {
	persons, tol, minObs := 6000, 0.036, 150
	if studies() {
		persons, tol, minObs = 20000, 0.02, 500
	}
	for _, dist := range []Distribution{Logit, Cloglog} {
		t.Run(string(dist), func(t *testing.T) {
			tr := binaryTruth(dist)
			d := Design{Persons: persons, CensorShare: 0.3, LateStartShare: 0.2, HoleShare: 0.05}
			if dist == Cloglog {
				d.ExposedShare = 0.15
			}
			c, truth, err := Simulate(tr, d, 77)
			if err != nil {
				t.Fatal(err)
			}
			f, err := Fit(c, mustModel(t, dist, 3, []int{2, 3, 2}, nil), &Settings{Search: mixture.Settings{Seed: 1}})
			if err != nil {
				t.Fatal(err)
			}
			if f.Status.String() != "converged" {
				t.Fatalf("status %v: %v", f.Status, f.Warnings)
			}
			obs := observedByGroup(c, truth, 3)
			for k, g := range f.Groups {
				if math.Abs(g.Share-tr.Shares[k]) > tol {
					t.Errorf("group %d: share %.4f, true %.2f", k+1, g.Share, tr.Shares[k])
				}
				for a, p := range g.Curve {
					if obs[k][a] < minObs {
						continue
					}
					want := 0.0
					if dist == Logit {
						want = tr.Prob[k][a]
					} else {
						want = -math.Expm1(-tr.Rate[k][a])
					}
					if math.Abs(p.Mean-want) > tol || math.Abs(p.Prob-want) > tol {
						t.Errorf("group %d age %d: probability %.4f, true %.4f", k+1, p.Age, p.Mean, want)
					}
					if !(float64(p.MeanLo) < p.Mean && p.Mean < float64(p.MeanHi) && p.MeanHi < 1) {
						t.Errorf("group %d age %d: interval %v-%v around %v", k+1, p.Age, p.MeanLo, p.MeanHi, p.Mean)
					}
				}
			}
		})
	}
}

// TestBinaryRefusesCounts: a binary model of counts above 1, and logit
// with exposures, are refused with the person and age.
func TestBinaryRefusesCounts(t *testing.T) {
	c := testCareers(t, 200, 3)
	for _, tc := range []struct {
		dist Distribution
		want string
	}{
		{Logit, "takes no exposure"},
		{Cloglog, "binarize the counts"},
	} {
		_, err := Fit(c, mustModel(t, tc.dist, 2, nil, nil), nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "at age") {
			t.Errorf("%s: error %v, want %q with a person and an age", tc.dist, err, tc.want)
		}
	}
}

// TestBinaryReferenceMaxima: on the Toronto data binarized (an offence in
// the year or not), trajkit's maximum is at least R's. References from
// bench/binary_reference.R (R 4.2.2, flexmix 2.3-18, stats::glm), whose
// output is kept in testdata/binary-reference.txt:
//
//	Rscript bench/binary_reference.R data/toronto/TO1adj.csv --link logit --k 3 --starts 20
//	  loglik=-4534.774404 df=14 reached=20 shares=0.1392,0.3816,0.4792
//	Rscript bench/binary_reference.R data/toronto/TO1adj.csv --link logit --k 1
//	  loglik=-5084.50464936
//	Rscript bench/binary_reference.R data/toronto/TO1_exposure.csv --link cloglog --exposure exposure --k 1
//	  loglik=-5891.41007482
//
// (flexmix's binomial mixture has only the logit link: cloglog is checked
// with one group against glm's binomial(link = "cloglog") with offset
// log(exposure).) One group has a single maximum, which trajkit must
// reach within 1e-6 relative; three groups at least flexmix's best of 20
// starts minus 1e-3.
func TestBinaryReferenceMaxima(t *testing.T) {
	for _, tc := range []struct {
		name, file, exposure string
		dist                 Distribution
		k                    int
		peer                 float64
		shares               []float64
	}{
		{"toronto1 logit k=3", "../data/toronto/TO1adj.csv", "", Logit, 3, -4534.774404, []float64{0.1392, 0.3816, 0.4792}},
		{"toronto1 logit k=1", "../data/toronto/TO1adj.csv", "", Logit, 1, -5084.50464936, nil},
		{"toronto1 exposure cloglog k=1", "../data/toronto/TO1_exposure.csv", "exposure", Cloglog, 1, -5891.41007482, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := readCSVFile(t, tc.file, tc.exposure).Binarize()
			f, err := Fit(c, mustModel(t, tc.dist, tc.k, nil, nil), &Settings{Search: mixture.Settings{Seed: 1}})
			if err != nil {
				t.Fatal(err)
			}
			if f.NumParams != 5*tc.k-1 {
				t.Errorf("%d parameters, R counts %d", f.NumParams, 5*tc.k-1)
			}
			if tc.k == 1 && math.Abs(f.LogLik-tc.peer) > 1e-6*math.Abs(tc.peer) {
				t.Errorf("log-likelihood %.8f, R's %.8f", f.LogLik, tc.peer)
			}
			if f.LogLik < tc.peer-1e-3 {
				t.Errorf("log-likelihood %.6f is below R's %.6f", f.LogLik, tc.peer)
			}
			// Shares: flexmix's posterior means, sorted; trajkit orders
			// groups by mean probability, so compare sorted too.
			if tc.shares != nil {
				got := make([]float64, len(f.Groups))
				for j, g := range f.Groups {
					got[j] = g.Share
				}
				slices.Sort(got)
				for j := range got {
					if math.Abs(got[j]-tc.shares[j]) > 1e-3 {
						t.Errorf("shares %v, flexmix's %v", got, tc.shares)
						break
					}
				}
			}
			t.Logf("%s: trajkit %.6f, R %.6f", tc.name, f.LogLik, tc.peer)
		})
	}
}

// TestBinaryTcovCurves: a binary model's curves at a covariate value are
// the probability at the shifted linear predictor, and at the covariate's
// mean the posterior-weighted average over the persons observed at each
// age of their own probabilities, cell by cell (not the mean times
// e^δw, which holds for counts only).
func TestBinaryTcovCurves(t *testing.T) {
	for _, dist := range []Distribution{Logit, Cloglog} {
		c := binaryCareers(t, dist, 400, 13, true)
		if dist == Cloglog {
			c, _, _ = Simulate(binaryTruth(dist), Design{Persons: 400, CensorShare: 0.4, HoleShare: 0.1}, 13)
			var err error
			if c, err = c.WithTcov([]string{"x"}, func(i, age int) []float64 { return []float64{float64((i + age) % 3 / 2)} }); err != nil {
				t.Fatal(err)
			}
		}
		f, err := Fit(c, Model{Distribution: dist, Orders: []int{2, 2}, Inflation: []int{-1, -1}}, &Settings{Search: mixture.Settings{Seed: 1, Starts: 2}, NoSE: true})
		if err != nil {
			t.Fatal(err)
		}
		prob := func(g *Group, a int, shift float64) float64 {
			if dist == Logit {
				p := g.Curve[a].Prob
				return expit(math.Log(p/(1-p)) + shift)
			}
			return 1 - math.Exp(-g.Curve[a].Rate*math.Exp(shift))
		}
		got, err := TcovCurves(f, TcovSetting{Values: map[string]float64{"x": 1}}, nil, nil, ByPosterior)
		if err != nil {
			t.Fatal(err)
		}
		for k := range f.Groups {
			g := &f.Groups[k]
			d, _ := g.TcovCoef.Value("x")
			for a := range g.Curve {
				if want := prob(g, a, d); math.Abs(got[k][a]-want) > 1e-12 {
					t.Fatalf("%s group %d age %d: %v at x = 1, want %v", dist, k+1, g.Curve[a].Age, got[k][a], want)
				}
			}
		}
		got, err = TcovCurves(f, TcovSetting{Mean: []string{"x"}}, c, f.Posterior, ByPosterior)
		if err != nil {
			t.Fatal(err)
		}
		for k := range f.Groups {
			g := &f.Groups[k]
			d, _ := g.TcovCoef.Value("x")
			num, den := make([]float64, c.NumAges), make([]float64, c.NumAges)
			for i := 0; i < c.Len(); i++ {
				w := map[int]float64{}
				c.Tcov(i, func(age int, v []float64) { w[age] = v[0] })
				c.Cells(i, func(x Cell) {
					if x.Exposure == 0 {
						return
					}
					a := x.Age - c.MinAge
					num[a] += f.Posterior[k][i] * prob(g, a, d*w[x.Age])
					den[a] += f.Posterior[k][i]
				})
			}
			for a := range num {
				if want := num[a] / den[a]; math.Abs(got[k][a]-want) > 1e-9 {
					t.Errorf("%s group %d age %d: %v at the mean, cell by cell %v", dist, k+1, c.MinAge+a, got[k][a], want)
				}
			}
		}
	}
}
