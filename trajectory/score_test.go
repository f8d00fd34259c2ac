package trajectory

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/trajkit/trajkit/mixture"
)

// TestScoresFiniteDifference: each person's analytic score equals a central
// finite difference of the person's log-likelihood.
func TestScoresFiniteDifference(t *testing.T) {
	c := testCareers(t, 120, 31)
	s := WindowScaling(c.MinAge, c.MaxAge())
	fd := newFamilyData(c)
	rng := rand.New(rand.NewPCG(3, 3))
	for _, tc := range []struct{ order, inflation int }{{3, -1}, {2, 0}, {3, 2}} {
		f := newGroupFamily(fd, s, tc.order, tc.inflation)
		comp := f.NewComponent().(*groupComp)
		p := make([]float64, f.NumParams())
		for j := range p {
			p[j] = 0.4 * rng.NormFloat64()
		}
		comp.SetParams(p)
		n, d := c.Len(), len(p)
		g := make([]float64, n*d)
		comp.Scores(g, 0, n)
		llp := make([]float64, n)
		llm := make([]float64, n)
		const h = 1e-6
		for j := 0; j < d; j++ {
			q := append([]float64(nil), p...)
			q[j] = p[j] + h
			comp.SetParams(q)
			comp.LogLik(llp, 0, n)
			q[j] = p[j] - h
			comp.SetParams(q)
			comp.LogLik(llm, 0, n)
			for i := 0; i < n; i++ {
				want := (llp[i] - llm[i]) / (2 * h)
				if math.Abs(g[i*d+j]-want) > 1e-6*(1+math.Abs(want)) {
					t.Fatalf("order %d inflation %d, person %d, parameter %d: score %.9g, finite difference %.9g",
						tc.order, tc.inflation, i, j, g[i*d+j], want)
				}
			}
		}
		comp.SetParams(p)
	}
}

// TestHessianFiniteDifference: the weighted Hessian equals a central finite
// difference of the weighted sum of the analytic scores.
func TestHessianFiniteDifference(t *testing.T) {
	c := testCareers(t, 150, 32)
	s := WindowScaling(c.MinAge, c.MaxAge())
	fd := newFamilyData(c)
	rng := rand.New(rand.NewPCG(4, 4))
	w := make([]float64, c.Len())
	for i := range w {
		w[i] = rng.Float64()
	}
	for _, tc := range []struct{ order, inflation int }{{3, -1}, {2, 1}} {
		f := newGroupFamily(fd, s, tc.order, tc.inflation)
		comp := f.NewComponent().(*groupComp)
		p := make([]float64, f.NumParams())
		for j := range p {
			p[j] = 0.4 * rng.NormFloat64()
		}
		comp.SetParams(p)
		d, n := len(p), c.Len()
		hess := make([]float64, d*d)
		comp.Hessian(hess, w)
		weighted := func(q []float64) []float64 {
			comp.SetParams(q)
			g := make([]float64, n*d)
			comp.Scores(g, 0, n)
			out := make([]float64, d)
			for i := 0; i < n; i++ {
				for j := 0; j < d; j++ {
					out[j] += w[i] * g[i*d+j]
				}
			}
			return out
		}
		const h = 1e-6
		for j := 0; j < d; j++ {
			q := append([]float64(nil), p...)
			q[j] = p[j] + h
			gp := weighted(q)
			q[j] = p[j] - h
			gm := weighted(q)
			for m := 0; m < d; m++ {
				want := (gp[m] - gm[m]) / (2 * h)
				if math.Abs(hess[m*d+j]-want) > 1e-5*(1+math.Abs(want)) {
					t.Errorf("order %d inflation %d, H[%d,%d] = %.9g, finite difference %.9g", tc.order, tc.inflation, m, j, hess[m*d+j], want)
				}
			}
		}
	}
}

// mixtureAt sets up a mixture of trajectory groups at parameters theta and
// returns its log-likelihood, score and observed information.
func mixtureAt(t *testing.T, c *Careers, m Model, theta []float64) (float64, []float64, []float64) {
	t.Helper()
	s := WindowScaling(c.MinAge, c.MaxAge())
	fd := newFamilyData(c)
	k := m.Groups()
	comps := make([]mixture.Component, k)
	prior := mixture.ConstantShares{}.NewPrior(k, c.Len())
	prior.SetParams(theta[:k-1])
	off := k - 1
	for j := 0; j < k; j++ {
		f := newGroupFamily(fd, s, m.Orders[j], m.Inflation[j])
		comps[j] = f.NewComponent()
		comps[j].SetParams(theta[off : off+f.NumParams()])
		off += f.NumParams()
	}
	post := make([][]float64, k)
	for j := range post {
		post[j] = make([]float64, c.Len())
	}
	ll := mixture.EStep(comps, prior, post, nil, 1)
	score, err := mixture.Score(comps, prior, post)
	if err != nil {
		t.Fatal(err)
	}
	info, err := mixture.Information(comps, prior, post, 2)
	if err != nil {
		t.Fatal(err)
	}
	return ll, score, info
}

// TestInformationFiniteDifference checks the mixture's analytic score
// against finite differences of the log-likelihood, and the observed
// information (Louis 1982) against finite differences of the score, away
// from the maximum so that no term vanishes.
func TestInformationFiniteDifference(t *testing.T) {
	c := testCareers(t, 300, 33)
	m := mustModel(t, ZIP, 3, []int{2, 1, 2}, []int{0, -1, 1})
	rng := rand.New(rand.NewPCG(5, 5))
	theta := []float64{0.3, -0.2, // share logits
		-1.5, 0.2, -0.3, -0.5, // group 1: β (order 2), γ0
		0.1, -0.8, // group 2: β (order 1)
		0.6, 0.1, -0.4, -1, 0.3} // group 3: β (order 2), γ (order 1)
	for j := range theta {
		theta[j] += 0.05 * rng.NormFloat64()
	}
	ll, score, info := mixtureAt(t, c, m, theta)
	p := len(theta)
	if len(score) != p || len(info) != p*p {
		t.Fatalf("score %d, information %d for %d parameters", len(score), len(info), p)
	}
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
			want := -(sp[a] - sm[a]) / (2 * h)
			if math.Abs(info[a*p+j]-want) > 1e-5*(1+math.Abs(want)) {
				t.Errorf("information[%d,%d] = %.9g, −finite difference of the score %.9g", a, j, info[a*p+j], want)
			}
		}
	}
	_ = ll
}
