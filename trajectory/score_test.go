package trajectory

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/trajkit/trajkit/mixture"
)

// TestDerivativesFiniteDifference: scores and weighted Hessians of groups
// without and with zero inflation against finite differences.
func TestDerivativesFiniteDifference(t *testing.T) {
	checkGroupDerivatives(t, testCareers(t, 150, 31), 3, 0.4, []derivCase{{3, -1}, {2, 0}, {3, 2}, {2, 1}})
}

// derivCase is a group's polynomial order and inflation order.
type derivCase struct{ order, inflation int }

// checkGroupDerivatives checks a group of each case on careers c, at parameters
// drawn with standard deviation sd: each person's analytic score against a
// central finite difference of the person's log-likelihood, and the
// Hessian with random weights against a central finite difference of the
// weighted sum of the analytic scores.
func checkGroupDerivatives(t *testing.T, c *Careers, seed uint64, sd float64, cases []derivCase) {
	t.Helper()
	s := WindowScaling(c.MinAge, c.MaxAge())
	fd := newFamilyData(c)
	rng := rand.New(rand.NewPCG(seed, seed))
	n := c.Len()
	w := make([]float64, n)
	for i := range w {
		w[i] = rng.Float64()
	}
	for _, tc := range cases {
		f := newGroupFamily(fd, s, tc.order, tc.inflation)
		p := make([]float64, f.NumParams())
		for j := range p {
			p[j] = sd * rng.NormFloat64()
		}
		checkComponentDerivatives(t, fmt.Sprintf("order %d inflation %d", tc.order, tc.inflation), f.NewComponent().(mixture.Differentiable), p, w)
	}
}

// checkComponentDerivatives checks a component at parameters p: each
// person's analytic score against a central finite difference of the
// person's log-likelihood, and the Hessian with weights w against a
// central finite difference of the weighted sum of the analytic scores.
func checkComponentDerivatives(t *testing.T, name string, comp mixture.Differentiable, p, w []float64) {
	t.Helper()
	n := len(w)
	d := len(p)
	// at sets the parameters to q and returns the persons'
	// log-likelihoods and the weighted sum of their scores.
	at := func(q []float64) (ll, score []float64) {
		comp.SetParams(q)
		ll = make([]float64, n)
		comp.LogLik(ll, 0, n)
		g := make([]float64, n*d)
		comp.Scores(g, 0, n)
		score = make([]float64, d)
		for i := 0; i < n; i++ {
			for j := 0; j < d; j++ {
				score[j] += w[i] * g[i*d+j]
			}
		}
		return ll, score
	}
	comp.SetParams(p)
	g := make([]float64, n*d)
	comp.Scores(g, 0, n)
	hess := make([]float64, d*d)
	comp.Hessian(hess, w)
	const h = 1e-6
	for j := 0; j < d; j++ {
		q := append([]float64(nil), p...)
		q[j] = p[j] + h
		llp, gp := at(q)
		q[j] = p[j] - h
		llm, gm := at(q)
		for i := 0; i < n; i++ {
			if want := (llp[i] - llm[i]) / (2 * h); math.Abs(g[i*d+j]-want) > 1e-6*(1+math.Abs(want)) {
				t.Fatalf("%s, person %d, parameter %d: score %.9g, finite difference %.9g", name, i, j, g[i*d+j], want)
			}
		}
		for m := 0; m < d; m++ {
			if want := (gp[m] - gm[m]) / (2 * h); math.Abs(hess[m*d+j]-want) > 1e-5*(1+math.Abs(want)) {
				t.Errorf("%s: H[%d,%d] = %.9g, finite difference %.9g", name, m, j, hess[m*d+j], want)
			}
		}
	}
	comp.SetParams(p)
}

// mixtureAt sets up a mixture of trajectory groups at parameters theta
// (the groups' parameters, then those they share, as the engine lays them
// out) and returns its log-likelihood, score and observed information.
func mixtureAt(t *testing.T, c *Careers, m Model, theta []float64) (float64, []float64, []float64) {
	t.Helper()
	fams, sh := families(c, WindowScaling(c.MinAge, c.MaxAge()), m)
	return mixtureOf(t, fams, sh, theta)
}

// mixtureOf is mixtureAt for the groups' families fams and their shared
// parameters sh.
func mixtureOf(t *testing.T, fams []mixture.Family, sh mixture.Shared, theta []float64) (float64, []float64, []float64) {
	t.Helper()
	k, n := len(fams), fams[0].Len()
	comps := make([]mixture.Component, k)
	prior := mixture.ConstantShares{}.NewPrior(k, n)
	prior.SetParams(theta[:k-1])
	off := k - 1
	for j, f := range fams {
		comps[j] = f.NewComponent()
	}
	var run mixture.SharedRun
	if sh != nil {
		run = sh.NewRun(comps)
	}
	for j, f := range fams {
		comps[j].SetParams(theta[off : off+f.NumParams()])
		off += f.NumParams()
	}
	if run != nil {
		run.SetParams(theta[off:])
	}
	post := make([][]float64, k)
	for j := range post {
		post[j] = make([]float64, n)
	}
	ll := mixture.EStep(comps, prior, post, nil, 1)
	score, err := mixture.Score(comps, prior, run, post)
	if err != nil {
		t.Fatal(err)
	}
	info, err := mixture.Information(context.Background(), comps, prior, run, post, 2)
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
	checkMixtureDerivatives(t, theta, func(q []float64) (float64, []float64, []float64) { return mixtureAt(t, c, m, q) })
}

// checkMixtureDerivatives checks the score and the observed information that at
// returns (with the log-likelihood) at theta against central finite
// differences (step 1e-5) of the log-likelihood and of the score: each
// within 1e-5 relative to 1 + its size.
func checkMixtureDerivatives(t *testing.T, theta []float64, at func(q []float64) (float64, []float64, []float64)) {
	t.Helper()
	_, score, info := at(theta)
	p := len(theta)
	if len(score) != p || len(info) != p*p {
		t.Fatalf("score %d, information %d for %d parameters", len(score), len(info), p)
	}
	const h = 1e-5
	for j := range p {
		q := append([]float64(nil), theta...)
		q[j] = theta[j] + h
		llp, sp, _ := at(q)
		q[j] = theta[j] - h
		llm, sm, _ := at(q)
		if want := (llp - llm) / (2 * h); math.Abs(score[j]-want) > 1e-5*(1+math.Abs(want)) {
			t.Errorf("score[%d] = %.9g, finite difference of ℓ %.9g", j, score[j], want)
		}
		for a := range p {
			want := -(sp[a] - sm[a]) / (2 * h)
			if math.Abs(info[a*p+j]-want) > 1e-5*(1+math.Abs(want)) {
				t.Errorf("information[%d,%d] = %.9g, −finite difference of the score %.9g", a, j, info[a*p+j], want)
			}
		}
	}
}
