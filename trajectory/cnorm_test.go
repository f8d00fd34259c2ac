package trajectory

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/trajkit/trajkit/mixture"
)

// cnormTruth is a three-group censored normal truth on ages 12-40 of
// polynomials on the window's scaling, with σ per group and the censoring
// points cens.
func cnormTruth(cens Censoring, sigma []float64) Truth {
	s := WindowScaling(12, 40)
	beta := [][]float64{{0.5, 0.8, -1}, {3, -2, -1.5, 1}, {6, 1, -2}}
	tr := Truth{Distribution: CNorm, MinAge: 12, Shares: []float64{0.45, 0.3, 0.25}, Sigma: sigma, Censor: cens}
	for _, b := range beta {
		mu := make([]float64, 29)
		for a := range mu {
			mu[a] = horner(b, s.Scaled(float64(12+a)))
		}
		tr.LatentMean = append(tr.LatentMean, mu)
	}
	return tr
}

// cnormCareers simulates n careers of cnormTruth with censored windows,
// late starts and holes.
func cnormCareers(t *testing.T, n int, seed uint64, cens Censoring) (*Careers, []int, Truth) {
	t.Helper()
	tr := cnormTruth(cens, []float64{1.5, 1.5, 1.5})
	c, truth, err := Simulate(tr, Design{Persons: n, CensorShare: 0.4, LateStartShare: 0.3, HoleShare: 0.1}, seed)
	if err != nil {
		t.Fatal(err)
	}
	return c, truth, tr
}

// withTestTcov adds one time-varying covariate, 1 at some observed ages
// and 0 at others.
func withTestTcov(t *testing.T, c *Careers) *Careers {
	t.Helper()
	out, err := c.WithTcov([]string{"jail"}, func(i, age int) []float64 {
		return []float64{float64((i + age) % 3 % 2)}
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// naiveTobit is the reference: person i's log-likelihood under one group,
// cell by cell from the definition (Tobin 1958), with the cumulative
// normal from math.Erfc and no sufficient statistics or prefix sums:
//
//	y ≤ min: log Φ((min − μ)/σ),  y ≥ max: log Φ((μ − max)/σ),
//	else:    log φ((y − μ)/σ) − log σ,
//
// with μ = β · (1, a, a², ...) + δ · w.
func naiveTobit(c *Careers, i int, s AgeScaling, beta, delta []float64, sigma float64, cens Censoring) float64 {
	w := map[int][]float64{}
	c.Tcov(i, func(age int, v []float64) { w[age] = v })
	var ll float64
	c.Cells(i, func(x Cell) {
		if x.Exposure == 0 {
			return
		}
		mu := horner(beta, s.Scaled(float64(x.Age)))
		for j, v := range w[x.Age] {
			mu += delta[j] * v
		}
		cdf := func(z float64) float64 { return 0.5 * math.Erfc(-z/math.Sqrt2) }
		switch y := x.Value; {
		case y <= cens.Min:
			ll += math.Log(cdf((cens.Min - mu) / sigma))
		case y >= cens.Max:
			ll += math.Log(cdf((mu - cens.Max) / sigma))
		default:
			z := (y - mu) / sigma
			ll += -0.5*math.Log(2*math.Pi) - math.Log(sigma) - z*z/2
		}
	})
	return ll
}

// cnormCensorings are censoring points that put the value 0 (the cells not
// listed) at each end and in between.
var cnormCensorings = []struct {
	name string
	cens Censoring
}{
	{"zero censored at min", Censoring{0, 8}},
	{"zero uncensored", Censoring{-1, 7}},
	{"zero censored at max", Censoring{-3, 0}},
}

// TestCnormLogLikMatchesNaive: the sufficient-statistics log-likelihood of
// a group equals the cell-by-cell Tobit computation (relative 1e-12), with
// holes, censoring at both ends and a time-varying covariate, for σ of the
// group and shared.
func TestCnormLogLikMatchesNaive(t *testing.T) {
	for _, tc := range cnormCensorings {
		t.Run(tc.name, func(t *testing.T) {
			c, _, _ := cnormCareers(t, 300, 3, tc.cens)
			c = withTestTcov(t, c)
			s := WindowScaling(c.MinAge, c.MaxAge())
			m := Model{Distribution: CNorm, Orders: []int{2, 3}, Inflation: []int{-1, -1}, Censor: tc.cens, SigmaByGroup: true}
			fams, _ := families(c, s, m)
			comp := fams[1].NewComponent()
			beta, delta, logSigma := []float64{2, -1.2, -0.8, 0.6}, []float64{0.7}, math.Log(1.7)
			comp.SetParams(append(append(append([]float64(nil), beta...), delta...), logSigma))
			ll := make([]float64, c.Len())
			comp.LogLik(ll, 0, c.Len())
			var low, high int
			for k := range c.V {
				switch {
				case c.Exposure(int32(k)) == 0:
				case c.V[k] <= tc.cens.Min:
					low++
				case c.V[k] >= tc.cens.Max:
					high++
				}
			}
			if low == 0 || high == 0 {
				t.Fatalf("%d special cells censored at min, %d at max: the test needs both", low, high)
			}
			for i := range ll {
				want := naiveTobit(c, i, s, beta, delta, math.Exp(logSigma), tc.cens)
				if math.Abs(ll[i]-want) > 1e-12*(1+math.Abs(want)) {
					t.Fatalf("person %d: %.15g, naive %.15g", i, ll[i], want)
				}
			}
			// The shared σ's components read the run's σ.
			m.SigmaByGroup = false
			fams, sh := families(c, s, m)
			sc := fams[1].NewComponent()
			run := sh.NewRun([]mixture.Component{fams[0].NewComponent(), sc})
			sc.SetParams(append(append([]float64(nil), beta...), delta...))
			run.SetParams([]float64{logSigma})
			got := make([]float64, c.Len())
			sc.LogLik(got, 0, c.Len())
			for i := range got {
				if got[i] != ll[i] {
					t.Fatalf("person %d: %.15g with a shared σ, %.15g with the group's", i, got[i], ll[i])
				}
			}
		})
	}
}

// TestLogNormCDF: log Φ against the erfc formula where that is accurate
// and against the exact tail values of R's pnorm(z, log.p = TRUE):
// pnorm(c(-40, -38, -37.5), log.p = TRUE) printed with digits = 17 by R
// 4.2.2.
func TestLogNormCDF(t *testing.T) {
	for _, tc := range []struct{ z, want float64 }{
		{-40, -804.60844201375380},
		{-38, -726.55721601882010},
		{-37.5, -707.66898931750723},
		{0, math.Log(0.5)},
		{-36.9, math.Log(0.5 * math.Erfc(36.9/math.Sqrt2))},
		{8, math.Log1p(-0.5 * math.Erfc(8/math.Sqrt2))},
	} {
		if got := logNormCDF(tc.z); math.Abs(got-tc.want) > 1e-13*math.Abs(tc.want) {
			t.Errorf("log Φ(%v) = %.16g, want %.16g", tc.z, got, tc.want)
		}
	}
	// Continuity where the series takes over.
	if a, b := logNormCDF(-37+1e-9), logNormCDF(-37-1e-9); math.Abs(a-b) > 1e-6 {
		t.Errorf("log Φ jumps at −37: %.16g, %.16g", a, b)
	}
}

// TestCnormDerivatives: each person's score and the weighted Hessian of a
// group, in its own parameters (σ its own or fixed), and the shared σ's
// scores and Hessian blocks, against central finite differences (relative
// 1e-6 for scores, 1e-5 for Hessians), with a covariate and both
// censoring ends.
func TestCnormDerivatives(t *testing.T) {
	for _, tc := range cnormCensorings {
		t.Run(tc.name, func(t *testing.T) {
			c, _, _ := cnormCareers(t, 150, 5, tc.cens)
			c = withTestTcov(t, c)
			s := WindowScaling(c.MinAge, c.MaxAge())
			n := c.Len()
			rng := rand.New(rand.NewPCG(9, 9))
			w := make([]float64, n)
			for i := range w {
				w[i] = rng.Float64()
			}
			theta := []float64{2, -1.2, -0.8, 0.7, math.Log(1.7)} // β (order 2), δ, log σ
			for _, byGroup := range []bool{true, false} {
				m := Model{Distribution: CNorm, Orders: []int{2}, Inflation: []int{-1}, Censor: tc.cens, SigmaByGroup: byGroup}
				fams, sh := families(c, s, m)
				comp := fams[0].NewComponent().(*cnormComp)
				var run mixture.DifferentiableShared
				if sh != nil {
					run = sh.NewRun([]mixture.Component{comp}).(mixture.DifferentiableShared)
				}
				// set puts all five parameters in place.
				set := func(q []float64) {
					if byGroup {
						comp.SetParams(q)
						return
					}
					comp.SetParams(q[:4])
					run.SetParams(q[4:])
				}
				// at returns the persons' log-likelihoods and the weighted
				// sums of their scores in all five parameters.
				at := func(q []float64) (ll, score []float64) {
					set(q)
					ll = make([]float64, n)
					comp.LogLik(ll, 0, n)
					full := comp.fullScores(0, n)
					score = make([]float64, 5)
					for i := 0; i < n; i++ {
						for j := range score {
							score[j] += w[i] * full[i*5+j]
						}
					}
					return ll, score
				}
				set(theta)
				d := len(comp.par)
				own := make([]float64, n*d)
				comp.Scores(own, 0, n)
				hess := make([]float64, d*d)
				comp.Hessian(hess, w)
				var sigScore []float64
				cross, shared := [][]float64{make([]float64, 4)}, make([]float64, 1)
				if run != nil {
					sigScore = make([]float64, n)
					run.Scores(0, sigScore, 0, n)
					run.Hessian(cross, shared, [][]float64{w})
				}
				// The analytic second derivatives in all five parameters.
				full := make([]float64, 25)
				for j := 0; j < 5; j++ {
					for a := 0; a < 5; a++ {
						switch {
						case j < d && a < d:
							full[j*5+a] = hess[j*d+a]
						case j == 4 && a == 4:
							full[24] = shared[0]
						case j == 4:
							full[j*5+a] = cross[0][a]
						default:
							full[j*5+a] = cross[0][j]
						}
					}
				}
				const h = 1e-6
				for j := 0; j < 5; j++ {
					q := append([]float64(nil), theta...)
					q[j] = theta[j] + h
					llp, gp := at(q)
					q[j] = theta[j] - h
					llm, gm := at(q)
					for i := 0; i < n; i++ {
						got := math.NaN()
						switch {
						case j < d:
							got = own[i*d+j]
						default:
							got = sigScore[i]
						}
						if want := (llp[i] - llm[i]) / (2 * h); math.Abs(got-want) > 1e-6*(1+math.Abs(want)) {
							t.Fatalf("σ by group %v, person %d, parameter %d: score %.9g, finite difference %.9g", byGroup, i, j, got, want)
						}
					}
					for a := 0; a < 5; a++ {
						if want := (gp[a] - gm[a]) / (2 * h); math.Abs(full[a*5+j]-want) > 1e-5*(1+math.Abs(want)) {
							t.Errorf("σ by group %v: H[%d,%d] = %.9g, finite difference %.9g", byGroup, a, j, full[a*5+j], want)
						}
					}
				}
				// The M-step objective is the weighted log-likelihood.
				comp.st.accumulate(comp.f.d, w)
				set(theta)
				ll := make([]float64, n)
				comp.LogLik(ll, 0, n)
				var want float64
				for i := range ll {
					want += w[i] * ll[i]
				}
				if got := comp.f.eval(&comp.st, comp.rate, comp.logSigma, nil, nil); math.Abs(got-want) > 1e-10*math.Abs(want) {
					t.Errorf("σ by group %v: aggregated objective %.12g, Σ w ℓ %.12g", byGroup, got, want)
				}
				checkDerivatives(t, &comp.obj, append([]float64(nil), comp.par...), 1e-6, 1e-5)
			}
		})
	}
}

// TestCnormInformation: the mixture's score and observed information with
// the shared σ (the blocks between groups through σ included) against
// finite differences, away from the maximum.
func TestCnormInformation(t *testing.T) {
	c, _, _ := cnormCareers(t, 200, 7, Censoring{0, 8})
	m := Model{Distribution: CNorm, Orders: []int{1, 2}, Inflation: []int{-1, -1}, Censor: Censoring{0, 8}}
	theta := []float64{0.2, 1, 0.5, 4, -1, -1.3, math.Log(1.4)}
	_, score, info := mixtureAt(t, c, m, theta)
	p := len(theta)
	const h = 1e-5
	for j := 0; j < p; j++ {
		q := append([]float64(nil), theta...)
		q[j] = theta[j] + h
		llp, sp, _ := mixtureAt(t, c, m, q)
		q[j] = theta[j] - h
		llm, sm, _ := mixtureAt(t, c, m, q)
		if want := (llp - llm) / (2 * h); math.Abs(score[j]-want) > 1e-5*(1+math.Abs(want)) {
			t.Errorf("score[%d] = %.9g, finite difference of ℓ %.9g", j, score[j], want)
		}
		for a := 0; a < p; a++ {
			if want := -(sp[a] - sm[a]) / (2 * h); math.Abs(info[a*p+j]-want) > 1e-5*(1+math.Abs(want)) {
				t.Errorf("information[%d,%d] = %.9g, −finite difference of the score %.9g", a, j, info[a*p+j], want)
			}
		}
	}
}

// TestCnormFitNeverDecreases: EM's (ECM's, with the shared σ)
// log-likelihood trace never decreases, σ shared and by group.
func TestCnormFitNeverDecreases(t *testing.T) {
	c, _, _ := cnormCareers(t, 1500, 21, Censoring{0, 8})
	for _, byGroup := range []bool{false, true} {
		m := Model{Distribution: CNorm, Orders: []int{2, 3, 2}, Inflation: []int{-1, -1, -1}, Censor: Censoring{0, 8}, SigmaByGroup: byGroup}
		f, err := Fit(c, m, &Settings{Search: mixture.Settings{Seed: 2, Starts: 4, Keep: 2}})
		if err != nil {
			t.Fatal(err)
		}
		checkMonotone(t, fmt.Sprintf("σ by group %v", byGroup), f.Trace)
	}
}

// TestCnormRecovery fits simulated careers (censored windows, late
// starts, holes; censored at 0 and 8, σ 1.5) and checks the truth, with σ
// shared and by group: as a study (TRAJKIT_STUDIES=1), at 20,000 persons,
// shares within 0.02, latent and censored means within 0.1σ at every age
// where the group has at least 500 persons observed and σ within 0.02; by
// default at 6,000 persons with the tolerances grown as 1/√N (0.036,
// 0.18σ, 0.036; ages with 150 persons observed), as TestRecovery does.
func TestCnormRecovery(t *testing.T) {
	persons, shareTol, meanTol, sigmaTol, minObs := 6000, 0.036, 0.18, 0.036, 150
	if studies() {
		persons, shareTol, meanTol, sigmaTol, minObs = 20000, 0.02, 0.1, 0.02, 500
	}
	cens := Censoring{0, 8}
	c, truth, tr := cnormCareers(t, persons, 77, cens)
	obs := observedByGroup(c, truth, 3)
	for _, byGroup := range []bool{false, true} {
		m := Model{Distribution: CNorm, Orders: []int{2, 3, 2}, Inflation: []int{-1, -1, -1}, Censor: cens, SigmaByGroup: byGroup}
		f, err := Fit(c, m, &Settings{Search: mixture.Settings{Seed: 1, Starts: 6, Keep: 2}})
		if err != nil {
			t.Fatal(err)
		}
		if f.Status.String() != "converged" {
			t.Fatalf("status %v: %v", f.Status, f.Warnings)
		}
		for k, g := range f.Groups {
			if math.Abs(g.Share-tr.Shares[k]) > shareTol {
				t.Errorf("σ by group %v, group %d: share %.4f, true %.2f", byGroup, k+1, g.Share, tr.Shares[k])
			}
			if math.Abs(*g.Sigma-tr.Sigma[k]) > sigmaTol || g.SigmaSE == nil || !(*g.SigmaSE > 0) {
				t.Errorf("σ by group %v, group %d: σ %.4f (se %v), true %.2f", byGroup, k+1, *g.Sigma, g.SigmaSE, tr.Sigma[k])
			}
			for a, p := range g.Curve {
				if obs[k][a] < minObs {
					continue
				}
				if want := tr.LatentMean[k][a]; math.Abs(p.LatentMean-want) > meanTol*tr.Sigma[k] {
					t.Errorf("σ by group %v, group %d age %d: latent mean %.4f, true %.4f", byGroup, k+1, p.Age, p.LatentMean, want)
				}
				if want := censoredMean(tr.LatentMean[k][a], tr.Sigma[k], cens.Min, cens.Max); math.Abs(p.Mean-want) > meanTol*tr.Sigma[k] || !(float64(p.MeanLo) <= p.Mean && p.Mean <= float64(p.MeanHi)) {
					t.Errorf("σ by group %v, group %d age %d: mean %.4f [%v, %v], true %.4f", byGroup, k+1, p.Age, p.Mean, p.MeanLo, p.MeanHi, want)
				}
			}
		}
	}
}

// TestCensoredMean: E[y] of the censored normal against numerical
// integration (the midpoint rule over 10⁵ steps) of the censored value.
func TestCensoredMean(t *testing.T) {
	for _, tc := range []struct{ mu, sigma, lo, hi float64 }{
		{2, 1.5, 0, 8}, {-3, 2, 0, 10}, {12, 2, 0, 10}, {0.5, 0.1, -1, 1},
	} {
		const steps = 100000
		from, to := tc.mu-12*tc.sigma, tc.mu+12*tc.sigma
		dx := (to - from) / steps
		var want float64
		for j := 0; j < steps; j++ {
			x := from + (float64(j)+0.5)*dx
			z := (x - tc.mu) / tc.sigma
			want += math.Min(math.Max(x, tc.lo), tc.hi) * math.Exp(-z*z/2) / (tc.sigma * math.Sqrt(2*math.Pi)) * dx
		}
		if got := censoredMean(tc.mu, tc.sigma, tc.lo, tc.hi); math.Abs(got-want) > 1e-6 {
			t.Errorf("%+v: E[y] = %.9g, integral %.9g", tc, got, want)
		}
	}
}

// TestCnormSelect: the model search runs on the censored normal with σ
// common and by group: the split starts and the starts with a term
// dropped carry σ (each a full parameter vector of its model, with the
// K−1 fit's σ), every candidate keeps the censoring points, and the
// search finds the truth's three groups.
func TestCnormSelect(t *testing.T) {
	cens := Censoring{0, 8}
	c, _, _ := cnormCareers(t, 800, 12, cens)
	for _, byGroup := range []bool{false, true} {
		prev, err := Fit(c, Model{Distribution: CNorm, Orders: []int{2, 2}, Inflation: []int{-1, -1}, Censor: cens, SigmaByGroup: byGroup},
			&Settings{Search: mixture.Settings{Seed: 1, Starts: 2}, NoSE: true})
		if err != nil {
			t.Fatal(err)
		}
		m := Model{Distribution: CNorm, Orders: []int{2, 2, 2}, Inflation: []int{-1, -1, -1}, Censor: cens, SigmaByGroup: byGroup}
		for _, p := range splitStarts(splitGroups(prev), false, m) {
			if len(p) != m.NumParams() {
				t.Fatalf("σ by group %v: a split start of %d parameters for a model of %d", byGroup, len(p), m.NumParams())
			}
			if got, want := p[len(p)-1], math.Log(*prev.Groups[len(prev.Groups)-1].Sigma); got != want {
				t.Errorf("σ by group %v: the split start's last log σ %v, the fit's %v", byGroup, got, want)
			}
		}
		cand := newCandidate(prev, Criteria{MinAPP: MinAPP, MinOCC: MinOCC, MinShare: DefaultMinShare})
		small := Model{Distribution: CNorm, Orders: []int{1, 2}, Inflation: []int{-1, -1}, Censor: cens, SigmaByGroup: byGroup}
		if p := dropTerm(cand, 0, small.groupExtra()); len(p) != small.NumParams() || p[len(p)-1] != cand.start[len(cand.start)-1] {
			t.Errorf("σ by group %v: a start with a term dropped of %d parameters for a model of %d, last %v of %v", byGroup, len(p), small.NumParams(), p[len(p)-1], cand.start[len(cand.start)-1])
		}
		sel, err := Select(c, SelectSettings{Distribution: CNorm, MinGroups: 1, MaxGroups: 3, MinOrder: 1, MaxOrder: 2, SigmaByGroup: byGroup, Censor: cens,
			Fit: Settings{Search: mixture.Settings{Seed: 1, Starts: 4, Keep: 2}}})
		if err != nil {
			t.Fatal(err)
		}
		if sel.Fit == nil || sel.Fit.Censoring == nil || *sel.Fit.Censoring != cens || *sel.Fit.SigmaCommon == byGroup || len(sel.Candidates) < 5 {
			t.Fatalf("σ by group %v: %d candidates, recommended fit %+v", byGroup, len(sel.Candidates), sel.Fit)
		}
		if k := sel.Recommended.Groups; k != 3 {
			t.Errorf("σ by group %v: recommended %d groups, the truth has 3", byGroup, k)
		}
	}
}

// TestCnormTcovCurves: with time-varying covariates the censored normal's
// curves at other values are E[y] at the shifted latent mean, and at the
// covariates' mean the posterior-weighted average over the persons
// observed at each age of E[y] at each person's own latent mean, computed
// here cell by cell.
func TestCnormTcovCurves(t *testing.T) {
	cens := Censoring{0, 8}
	c, _, _ := cnormCareers(t, 400, 13, cens)
	c = withTestTcov(t, c)
	f, err := Fit(c, Model{Distribution: CNorm, Orders: []int{2, 2}, Inflation: []int{-1, -1}, Censor: cens}, &Settings{Search: mixture.Settings{Seed: 1, Starts: 2}, NoSE: true})
	if err != nil {
		t.Fatal(err)
	}
	got, err := TcovCurves(f, TcovSetting{Values: map[string]float64{"jail": 1}}, nil, nil, ByPosterior)
	if err != nil {
		t.Fatal(err)
	}
	for k, g := range f.Groups {
		d, _ := g.TcovCoef.Value("jail")
		for a, p := range g.Curve {
			if want := censoredMean(p.LatentMean+d, *g.Sigma, 0, 8); math.Abs(got[k][a]-want) > 1e-12 {
				t.Fatalf("group %d age %d: %v at jail = 1, want %v", k+1, p.Age, got[k][a], want)
			}
		}
	}
	got, err = TcovCurves(f, TcovSetting{Mean: []string{"jail"}}, c, f.Posterior, ByPosterior)
	if err != nil {
		t.Fatal(err)
	}
	for k, g := range f.Groups {
		d, _ := g.TcovCoef.Value("jail")
		num, den := make([]float64, c.NumAges), make([]float64, c.NumAges)
		for i := 0; i < c.Len(); i++ {
			w := map[int]float64{}
			c.Tcov(i, func(age int, v []float64) { w[age] = v[0] })
			c.Cells(i, func(x Cell) {
				if x.Exposure == 0 {
					return
				}
				a := x.Age - c.MinAge
				num[a] += f.Posterior[k][i] * censoredMean(g.Curve[a].LatentMean+d*w[x.Age], *g.Sigma, 0, 8)
				den[a] += f.Posterior[k][i]
			})
		}
		for a := range num {
			if want := num[a] / den[a]; math.Abs(got[k][a]-want) > 1e-9 {
				t.Errorf("group %d age %d: %v at the mean, cell by cell %v", k+1, c.MinAge+a, got[k][a], want)
			}
		}
	}
}
