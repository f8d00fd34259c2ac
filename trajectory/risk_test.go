package trajectory

import (
	"github.com/trajkit/trajkit/mixture"

	"math"
	"math/rand/v2"
	"testing"
)

// TestRiskRecovery: membership coefficients used to simulate (group k
// against group 1 has log-odds γ_k0 + γ_k1 x1 + γ_k2 x2) come back within
// three standard errors, on 3,000 simulated careers; the Wald test rejects
// both risk factors.
func TestRiskRecovery(t *testing.T) {
	gamma := [][]float64{{0, 0, 0}, {-0.3, 0.8, 0}, {-1, 0.5, 1.2}}
	c, risk := riskCareers(t, 3000, 7, gamma)
	f, err := Fit(c, mustModel(t, Poisson, 3, []int{0, 2, 2}, nil), &Settings{Search: mixture.Settings{Seed: 1}, Risk: risk})
	if err != nil {
		t.Fatal(err)
	}
	for k, g := range f.Groups {
		for a, want := range gamma[k] {
			got, se := g.MembershipCoef.Values[a], g.MembershipSE.Values[a]
			if k == 0 {
				if got != 0 {
					t.Errorf("reference group coefficient %v", got)
				}
				continue
			}
			if math.Abs(got-want) > 3*se {
				t.Errorf("group %d coefficient %d: %.3f ± %.3f, true %.2f", k+1, a, got, se, want)
			}
		}
	}
	for _, w := range f.Covariates.Wald {
		if w.DF != 2 || !(w.P < 1e-6) {
			t.Errorf("Wald test %+v: want df 2 and a tiny p", w)
		}
	}
	// Shares are the mean membership probabilities, close to the
	// assigned shares for well-separated groups.
	for k, g := range f.Groups {
		if math.Abs(g.Share-g.AssignedShare) > 0.03 {
			t.Errorf("group %d: share %.3f, assigned %.3f", k+1, g.Share, g.AssignedShare)
		}
	}
	// Another reference gives the same model: log-odds are differences.
	f3, err := Fit(c, mustModel(t, Poisson, 3, []int{0, 2, 2}, nil), &Settings{Search: mixture.Settings{Seed: 1}, Risk: risk, Reference: 3, NoSE: true})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(f3.LogLik-f.LogLik) > 1e-6*math.Abs(f.LogLik) {
		t.Errorf("reference 3: log-likelihood %v, reference 1: %v", f3.LogLik, f.LogLik)
	}
	for a := range gamma[1] {
		want := f.Groups[1].MembershipCoef.Values[a] - f.Groups[2].MembershipCoef.Values[a]
		if got := f3.Groups[1].MembershipCoef.Values[a]; math.Abs(got-want) > 1e-4 {
			t.Errorf("reference 3, group 2 coefficient %d: %v, want %v", a, got, want)
		}
	}
}

// riskCareers draws n careers of three groups whose membership follows a
// multinomial logit on x1 ~ N(0, 1) and x2 ~ Bernoulli(0.3): group k
// against group 1 has log-odds γ_k0 + γ_k1 x1 + γ_k2 x2.
func riskCareers(t *testing.T, n int, seed uint64, gamma [][]float64) (*Careers, *RiskDesign) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, seed))
	x := make([][]float64, n)
	groups := make([]int, n)
	for i := range x {
		x1 := rng.NormFloat64()
		x2 := 0.0
		if rng.Float64() < 0.3 {
			x2 = 1
		}
		x[i] = []float64{x1, x2}
		eta := make([]float64, 3)
		for k := range eta {
			eta[k] = gamma[k][0] + gamma[k][1]*x1 + gamma[k][2]*x2
		}
		var s float64
		for k := range eta {
			eta[k] = math.Exp(eta[k])
			s += eta[k]
		}
		u := rng.Float64() * s
		for groups[i] = 0; groups[i] < 2 && u > eta[groups[i]]; groups[i]++ {
			u -= eta[groups[i]]
		}
	}
	s := WindowScaling(12, 35)
	tr := TruthFromCoefficients(s, 12, 35, []float64{0.4, 0.35, 0.25},
		[][]float64{{-2}, {0, -1, -1}, {0.9, 0.3, -0.5}}, nil)
	for i := range groups {
		groups[i]++ // group numbers are 1-based
	}
	c, _, err := Simulate(tr, Design{Persons: n, Groups: groups}, seed+1)
	if err != nil {
		t.Fatal(err)
	}
	return c, &RiskDesign{Variables: []string{"x1", "x2"}, Names: []string{"x1", "x2"}, Of: []int{0, 1}, BaseLevels: []string{"", ""}, X: x}
}
func TestStartSampleCareers(t *testing.T) {
	gamma := [][]float64{{0, 0, 0}, {-0.3, 0.8, 0}, {-1, 0.5, 1.2}}
	c, risk := riskCareers(t, 4*mixture.ShardSize, 11, gamma)
	m := mustModel(t, Poisson, 3, []int{0, 2, 2}, nil)
	for _, r := range []*RiskDesign{nil, risk} {
		all, err := Fit(c, m, &Settings{Search: mixture.Settings{Seed: 2, Starts: 6, Keep: 3, StartSample: -1}, Risk: r, NoSE: true})
		if err != nil {
			t.Fatal(err)
		}
		sampled, err := Fit(c, m, &Settings{Search: mixture.Settings{Seed: 2, Starts: 6, Keep: 3, StartSample: mixture.ShardSize}, Risk: r, NoSE: true})
		if err != nil {
			t.Fatal(err)
		}
		if all.Starts.Sample != 0 || sampled.Starts.Sample != mixture.ShardSize || sampled.Starts.SampleIterations == 0 {
			t.Errorf("risk %v: samples %d and %d persons (%d iterations on it); want 0 and %d", r != nil,
				all.Starts.Sample, sampled.Starts.Sample, sampled.Starts.SampleIterations, mixture.ShardSize)
		}
		if math.Abs(sampled.LogLik-all.LogLik) > 1e-8*math.Abs(all.LogLik) {
			t.Errorf("risk %v: log-likelihood %.8f on a sample, %.8f without", r != nil, sampled.LogLik, all.LogLik)
		}
		if sampled.Status != mixture.Converged || sampled.Starts.Continued < 1 || sampled.Starts.Continued > 3 {
			t.Errorf("risk %v: status %v, start report %+v", r != nil, sampled.Status, sampled.Starts)
		}
	}
}
