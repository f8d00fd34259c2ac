package mixture

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
)

// covariateData draws two-group toy data whose membership follows a
// multinomial logit: group 1 against group 0 has log-odds
// γ0 + γ1 x1 + γ2 x2, x1 ~ N(0, 1), x2 ~ Bernoulli(0.4).
func covariateData(n int, gamma []float64, rates []float64, seed uint64) ([]float64, [][]float64) {
	rng := rand.New(rand.NewPCG(seed, 9))
	y := make([]float64, n)
	x := make([][]float64, n)
	for i := range y {
		x1 := rng.NormFloat64()
		x2 := 0.0
		if rng.Float64() < 0.4 {
			x2 = 1
		}
		x[i] = []float64{x1, x2}
		p1 := 1 / (1 + math.Exp(-(gamma[0] + gamma[1]*x1 + gamma[2]*x2)))
		k := 0
		if rng.Float64() < p1 {
			k = 1
		}
		y[i] = poisson(rng, rates[k])
	}
	return y, x
}

// TestMultinomialRecovery: known membership coefficients come back within
// three standard errors (from the observed information), on 6,000
// simulated persons.
func TestMultinomialRecovery(t *testing.T) {
	gamma := []float64{-0.5, 1.0, -0.8}
	y, x := covariateData(6000, gamma, []float64{1, 7}, 3)
	p := toyProblem(y, 2)
	p.Membership = MultinomialLogit{X: x, Reference: 1}
	res, err := Fit(p, &Settings{Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	info, err := Information(context.Background(), res.Components, res.Prior, nil, res.Posterior, 2)
	if err != nil {
		t.Fatal(err)
	}
	np := len(res.Params)
	cov, err := Invert(context.Background(), info, np)
	if err != nil {
		t.Fatal(err)
	}
	est := res.Params[:3]
	// Group 1 is the reference; if it found the high-rate
	// group first, the log-odds are those of the low-rate group: negate.
	sign := 1.0
	if res.Components[0].Params(nil)[0] > res.Components[1].Params(nil)[0] {
		sign = -1
	}
	for j, want := range gamma {
		se := math.Sqrt(cov.Matrix[j*np+j])
		if got := sign * est[j]; math.Abs(got-want) > 3*se {
			t.Errorf("γ%d = %.4f ± %.4f, true %.2f", j, got, se, want)
		}
	}
	// Shares are the mean membership probabilities.
	var s float64
	for _, v := range res.Shares {
		s += v
	}
	if math.Abs(s-1) > 1e-12 {
		t.Errorf("shares sum to %v", s)
	}
}

// TestMultinomialInformation: the score of a mixture with a multinomial
// membership matches finite differences of the log-likelihood, and the
// observed information finite differences of the score.
func TestMultinomialInformation(t *testing.T) {
	y, x := covariateData(400, []float64{0.2, 0.7, -0.5}, []float64{1.5, 4}, 4)
	p := toyProblem(y, 3)
	mem := MultinomialLogit{X: x, Reference: 2}
	theta := []float64{0.3, -0.4, 0.5, -0.2, 0.6, 0.1, 0.1, 0.9, 1.6}
	eval := func(th []float64) (float64, []float64, []float64) {
		comps := make([]Component, 3)
		prior := mem.NewPrior(3, len(y))
		prior.SetParams(th[:6])
		for j := range comps {
			comps[j] = p.Families[j].NewComponent()
			comps[j].SetParams(th[6+j : 7+j])
		}
		post := [][]float64{make([]float64, len(y)), make([]float64, len(y)), make([]float64, len(y))}
		ll := EStep(comps, prior, post, nil, 1)
		sc, err := Score(comps, prior, nil, post)
		if err != nil {
			t.Fatal(err)
		}
		info, err := Information(context.Background(), comps, prior, nil, post, 1)
		if err != nil {
			t.Fatal(err)
		}
		return ll, sc, info
	}
	checkDerivatives(t, theta, eval)
}

// checkDerivatives compares, at theta, the analytic score with central
// finite differences of the log-likelihood and the observed information
// with central finite differences of the score (step 1e-6, relative
// tolerance 1e-5); eval returns the log-likelihood, score and information.
func checkDerivatives(t *testing.T, theta []float64, eval func([]float64) (float64, []float64, []float64)) {
	t.Helper()
	_, score, info := eval(theta)
	n := len(theta)
	const h = 1e-6
	for j := 0; j < n; j++ {
		q := append([]float64(nil), theta...)
		q[j] = theta[j] + h
		lp, sp, _ := eval(q)
		q[j] = theta[j] - h
		lm, sm, _ := eval(q)
		if want := (lp - lm) / (2 * h); math.Abs(score[j]-want) > 1e-5*(1+math.Abs(want)) {
			t.Errorf("score[%d] = %.8g, finite difference %.8g", j, score[j], want)
		}
		for a := 0; a < n; a++ {
			if want := -(sp[a] - sm[a]) / (2 * h); math.Abs(info[a*n+j]-want) > 1e-5*(1+math.Abs(want)) {
				t.Errorf("information[%d,%d] = %.8g, finite difference %.8g", a, j, info[a*n+j], want)
			}
		}
	}
}
