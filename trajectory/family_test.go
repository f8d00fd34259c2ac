package trajectory

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// naiveLogLik is the reference: person i's log-likelihood under one group,
// computed cell by cell from the model's definition, with no sufficient
// statistics (Lambert 1992 for ZIP):
//
//	P(y = 0) = ρ + (1 − ρ) exp(−e λ),  P(y = j) = (1 − ρ) (e λ)^j exp(−e λ) / j!.
func naiveLogLik(c *Careers, i int, s AgeScaling, beta, gamma []float64) float64 {
	var ll float64
	c.Cells(i, func(x Cell) {
		if x.Exposure == 0 {
			return
		}
		a := s.Scaled(float64(x.Age))
		lam := math.Exp(horner(beta, a))
		rho := 0.0
		if len(gamma) > 0 {
			rho = 1 / (1 + math.Exp(-horner(gamma, a)))
		}
		mu := x.Exposure * lam
		lg, _ := math.Lgamma(float64(x.Y) + 1)
		pois := float64(x.Y)*math.Log(mu) - mu - lg
		if x.Y == 0 {
			ll += math.Log(rho + (1-rho)*math.Exp(-mu))
		} else {
			ll += math.Log(1-rho) + pois
		}
	})
	return ll
}

// testCareers simulates careers with censoring, late starts, exposures
// below 1 and holes, from a truth that has some zero inflation.
func testCareers(t *testing.T, n int, seed uint64) *Careers {
	t.Helper()
	s := WindowScaling(12, 40)
	tr := TruthFromCoefficients(s, 12, 40, []float64{0.5, 0.3, 0.2},
		[][]float64{{-2, 0.3, -0.5}, {0, -1.5, -1, 0.8}, {0.8, 0, -0.6}},
		[][]float64{{0.4}, {-1, 0.5}, nil})
	c, _, err := Simulate(tr, Design{Persons: n, CensorShare: 0.4, LateStartShare: 0.3, ExposedShare: 0.2, HoleShare: 0.1}, seed)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestLogLikMatchesNaive(t *testing.T) {
	c := testCareers(t, 400, 3)
	if c.E == nil {
		t.Fatal("test careers have no exposures")
	}
	rng := rand.New(rand.NewPCG(5, 6))
	s := WindowScaling(c.MinAge, c.MaxAge())
	fd := newFamilyData(c)
	for _, tc := range []struct {
		name             string
		order, inflation int
	}{
		{"poisson constant", 0, -1},
		{"poisson cubic", 3, -1},
		{"poisson quintic", 5, -1},
		{"zip cubic, constant inflation", 3, 0},
		{"zip quadratic, quadratic inflation", 2, 2},
		{"zip linear, cubic inflation", 1, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newGroupFamily(fd, s, tc.order, tc.inflation)
			comp := f.NewComponent()
			p := make([]float64, f.NumParams())
			for j := range p {
				p[j] = 0.6 * rng.NormFloat64()
			}
			p[0] -= 1
			comp.SetParams(p)
			got := make([]float64, c.Len())
			comp.LogLik(got, 0, c.Len())
			beta := p[:tc.order+1]
			gamma := p[tc.order+1:]
			for i := range got {
				want := naiveLogLik(c, i, s, beta, gamma)
				if math.Abs(got[i]-want) > 1e-9*(1+math.Abs(want)) {
					t.Fatalf("person %d: sufficient statistics give %.12g, cell by cell %.12g", i, got[i], want)
				}
			}
		})
	}
}

// TestCareersWithoutExposure: the store without an exposure column marks
// holes by a zero count, and the log-likelihood still matches.
func TestCareersWithoutExposure(t *testing.T) {
	s := WindowScaling(12, 40)
	tr := TruthFromCoefficients(s, 12, 40, []float64{1}, [][]float64{{-0.5, 0.2, -0.4}}, nil)
	c, _, err := Simulate(tr, Design{Persons: 300, CensorShare: 0.5, HoleShare: 0.15}, 4)
	if err != nil {
		t.Fatal(err)
	}
	if c.E != nil {
		t.Fatal("careers without exposure keep an exposure array")
	}
	f := newGroupFamily(newFamilyData(c), s, 2, -1)
	comp := f.NewComponent()
	p := []float64{-0.4, 0.1, -0.3}
	comp.SetParams(p)
	got := make([]float64, c.Len())
	comp.LogLik(got, 0, c.Len())
	for i := range got {
		if want := naiveLogLik(c, i, s, p, nil); math.Abs(got[i]-want) > 1e-9*(1+math.Abs(want)) {
			t.Fatalf("person %d: %.12g, want %.12g", i, got[i], want)
		}
	}
}

// checkDerivatives compares an objective's analytic gradient and negative
// Hessian with central finite differences (step h, relative tolerance tol).
func checkDerivatives(t *testing.T, obj interface {
	Dim() int
	Eval(x, grad, negHess []float64) float64
}, x []float64, h, tol float64) {
	t.Helper()
	n := obj.Dim()
	grad := make([]float64, n)
	hess := make([]float64, n*n)
	obj.Eval(x, grad, hess)
	xp := append([]float64(nil), x...)
	gp := make([]float64, n)
	gm := make([]float64, n)
	for j := 0; j < n; j++ {
		xp[j] = x[j] + h
		fp := obj.Eval(xp, gp, nil)
		xp[j] = x[j] - h
		fm := obj.Eval(xp, gm, nil)
		xp[j] = x[j]
		fd := (fp - fm) / (2 * h)
		if math.Abs(fd-grad[j]) > tol*(1+math.Abs(grad[j])) {
			t.Errorf("gradient[%d]: analytic %.10g, finite difference %.10g", j, grad[j], fd)
		}
		for m := 0; m < n; m++ {
			fdh := -(gp[m] - gm[m]) / (2 * h)
			if math.Abs(fdh-hess[m*n+j]) > tol*(1+math.Abs(hess[m*n+j])) {
				t.Errorf("negative Hessian[%d,%d]: analytic %.10g, finite difference %.10g", m, j, hess[m*n+j], fdh)
			}
		}
	}
}

// TestMStepDerivatives checks the analytic gradients and Hessians of the
// M-step objectives against central finite differences.
func TestMStepDerivatives(t *testing.T) {
	c := testCareers(t, 300, 8)
	s := WindowScaling(c.MinAge, c.MaxAge())
	fd := newFamilyData(c)
	rng := rand.New(rand.NewPCG(1, 1))
	w := make([]float64, c.Len())
	for i := range w {
		w[i] = rng.Float64()
	}
	t.Run("poisson", func(t *testing.T) {
		f := newGroupFamily(fd, s, 3, -1)
		comp := f.NewComponent().(*groupComp)
		comp.st.accumulate(fd, w)
		for a := range comp.st.eff {
			comp.st.eff[a] = comp.st.w0[a] + comp.st.epos[a] + comp.st.ez[a]
		}
		obj := &poissonObjective{x: f.x, y: comp.st.y, e: comp.st.eff}
		checkDerivatives(t, obj, []float64{-0.5, 0.3, -0.4, 0.2}, 1e-5, 1e-6)
	})
	t.Run("logistic", func(t *testing.T) {
		f := newGroupFamily(fd, s, 1, 2)
		z := f.z
		succ := make([]float64, len(z))
		trials := make([]float64, len(z))
		for a := range z {
			trials[a] = 10 + 100*rng.Float64()
			succ[a] = trials[a] * rng.Float64()
		}
		obj := &logisticObjective{z: z, succ: succ, trials: trials}
		checkDerivatives(t, obj, []float64{-0.3, 0.5, -0.2}, 1e-5, 1e-6)
	})
	for _, q := range []int{0, 2} {
		t.Run("zip joint", func(t *testing.T) {
			f := newGroupFamily(fd, s, 2, q)
			comp := f.NewComponent().(*groupComp)
			comp.st.accumulate(fd, w)
			obj := &zipObjective{c: comp}
			x := []float64{-0.2, 0.4, -0.6, -0.5, 0.3, -0.2}[:3+q+1]
			checkDerivatives(t, obj, x, 1e-5, 1e-6)
		})
	}
}

// TestZIPExpansion: the warm ZIP M-step's model (zipObjective with pools
// poolsExpanded, expanded to second order by expandPools) has the
// exact objective's gradient and Hessian at the expansion point θ₀, and
// away from it the model's own derivatives match its finite differences.
// Lambert's bound B (poolsBound) minorises Q up to a constant: Q(θ) −
// Q(θ₀) ≥ B(θ) − B(θ₀) at random θ, and B has Q's gradient at θ₀.
func TestZIPExpansion(t *testing.T) {
	c := testCareers(t, 300, 8)
	fd := newFamilyData(c)
	if len(fd.zxE) == 0 {
		t.Fatal("the test careers have no zeros with exposure other than 0 and 1")
	}
	s := WindowScaling(c.MinAge, c.MaxAge())
	rng := rand.New(rand.NewPCG(3, 3))
	w := make([]float64, c.Len())
	for i := range w {
		w[i] = rng.Float64()
	}
	for _, q := range []int{0, 2} {
		f := newGroupFamily(fd, s, 2, q)
		comp := f.NewComponent().(*groupComp)
		x0 := []float64{-0.2, 0.4, -0.6, -0.5, 0.3, -0.2}[:3+q+1]
		comp.SetParams(x0)
		comp.st.accumulate(fd, w)
		comp.expandPools()
		n := len(x0)
		exact := &zipObjective{c: comp}
		ge, he := make([]float64, n), make([]float64, n*n)
		q0 := exact.Eval(x0, ge, he)
		model := &zipObjective{c: comp, pools: poolsExpanded}
		gm, hm := make([]float64, n), make([]float64, n*n)
		model.Eval(x0, gm, hm)
		for j := range ge {
			if math.Abs(gm[j]-ge[j]) > 1e-9*(1+math.Abs(ge[j])) {
				t.Errorf("inflation order %d: model gradient[%d] %.10g, exact %.10g", q, j, gm[j], ge[j])
			}
		}
		for j := range he {
			if math.Abs(hm[j]-he[j]) > 1e-9*(1+math.Abs(he[j])) {
				t.Errorf("inflation order %d: model Hessian[%d] %.10g, exact %.10g", q, j, hm[j], he[j])
			}
		}
		x1 := append([]float64(nil), x0...)
		for j := range x1 {
			x1[j] += 0.1 * (rng.Float64() - 0.5)
		}
		checkDerivatives(t, model, x1, 1e-5, 1e-6)

		bound := &zipObjective{c: comp, pools: poolsBound}
		gb := make([]float64, n)
		b0 := bound.Eval(x0, gb, make([]float64, n*n))
		for j := range ge {
			if math.Abs(gb[j]-ge[j]) > 1e-9*(1+math.Abs(ge[j])) {
				t.Errorf("inflation order %d: bound gradient[%d] %.10g, Q's %.10g", q, j, gb[j], ge[j])
			}
		}
		checkDerivatives(t, bound, x1, 1e-5, 1e-6)
		for try := 0; try < 20; try++ {
			for j := range x1 {
				x1[j] = x0[j] + (rng.Float64() - 0.5)
			}
			if dq, db := exact.Eval(x1, nil, nil)-q0, bound.Eval(x1, nil, nil)-b0; dq < db-1e-9*math.Abs(q0) {
				t.Errorf("inflation order %d: Q rose by %.10g and the bound by %.10g", q, dq, db)
			}
		}
	}
}

// TestMStepMaximises: after a group's M-step the gradient of its weighted
// log-likelihood is zero, so perturbing any coefficient lowers it.
func TestMStepMaximises(t *testing.T) {
	c := testCareers(t, 500, 9)
	s := WindowScaling(c.MinAge, c.MaxAge())
	fd := newFamilyData(c)
	rng := rand.New(rand.NewPCG(2, 2))
	w := make([]float64, c.Len())
	for i := range w {
		w[i] = rng.Float64()
	}
	for _, tc := range []struct{ order, inflation int }{{3, -1}, {3, 0}, {2, 1}} {
		f := newGroupFamily(fd, s, tc.order, tc.inflation)
		comp := f.NewComponent().(*groupComp)
		f.Fit(context.Background(), comp, w, false)
		f.Fit(context.Background(), comp, w, true)
		weighted := func() float64 {
			ll := make([]float64, c.Len())
			comp.LogLik(ll, 0, c.Len())
			var q float64
			for i, v := range ll {
				q += w[i] * v
			}
			return q
		}
		best := weighted()
		p := comp.Params(nil)
		for j := range p {
			for _, d := range []float64{-1e-3, 1e-3} {
				q := append([]float64(nil), p...)
				q[j] += d
				comp.SetParams(q)
				if v := weighted(); v > best+1e-9*math.Abs(best) {
					t.Errorf("order %d inflation %d: moving parameter %d by %g raises the objective from %.10f to %.10f", tc.order, tc.inflation, j, d, best, v)
				}
			}
		}
		comp.SetParams(p)
	}
}

// TestExposurePolicy: tiny exposures with positive counts are reported;
// flooring them changes exactly those cells and keeps the likelihood
// constant consistent (a naive recomputation agrees).
func TestExposurePolicy(t *testing.T) {
	in := "id,age,y,e\n1,12,0,1\n1,13,2,1e-9\n1,14,1,0.5\n2,12,3,0.0001\n2,13,0,1e-6\n"
	c := readCSV(t, strings.NewReader(in), "e")
	r := c.TinyExposures(TinyExposureLimit)
	if r.Cells != 2 || r.WorstID != "1" || r.WorstAge != 13 || r.WorstY != 2 {
		t.Errorf("report %+v", r)
	}
	if w, ok := r.Warning(); !ok || w.Kind != TinyExposure || !strings.Contains(w.Message, "2 years") || !strings.Contains(w.Message, `person "1" at age 13`) {
		t.Errorf("warning %+v", w)
	}
	// Careers that share the constants (WithTcov's result shares them
	// with its source) must not see a floor applied to the other.
	shared, err := c.WithTcov([]string{"x"}, func(int, int) []float64 { return []float64{1} })
	if err != nil {
		t.Fatal(err)
	}
	before, beforeConst := slices.Clone(c.E), slices.Clone(c.Const)
	if _, n := shared.FloorExposure(1e-3); n != 3 {
		t.Errorf("floored %d cells of the careers with covariates, want 3", n)
	}
	floored, n := c.FloorExposure(1e-3)
	if n != 3 {
		t.Errorf("floored %d cells, want 3 (two positive counts and one zero)", n)
	}
	if !slices.Equal(c.E, before) || !slices.Equal(c.Const, beforeConst) {
		t.Errorf("FloorExposure changed its receiver's (or a sharer's) exposures or constants")
	}
	c = floored
	if r := c.TinyExposures(TinyExposureLimit); r.Cells != 0 {
		t.Errorf("after flooring: %+v", r)
	}
	s := WindowScaling(c.MinAge, c.MaxAge())
	f := newGroupFamily(newFamilyData(c), s, 1, 0)
	comp := f.NewComponent()
	comp.SetParams([]float64{-0.5, 0.2, -1})
	ll := make([]float64, c.Len())
	comp.LogLik(ll, 0, c.Len())
	for i := range ll {
		if want := naiveLogLik(c, i, s, []float64{-0.5, 0.2}, []float64{-1}); math.Abs(ll[i]-want) > 1e-9*(1+math.Abs(want)) {
			t.Errorf("person %d: %v, naive %v", i, ll[i], want)
		}
	}
}
