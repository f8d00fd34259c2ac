package trajectory

import (
	"github.com/trajkit/trajkit/mixture"

	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestRiskRecovery: membership coefficients used to simulate (group k
// against group 1 has log-odds γ_k0 + γ_k1 x1 + γ_k2 x2) come back within
// three standard errors, on 3,000 simulated careers; the Wald test rejects
// both risk factors.
func TestRiskRecovery(t *testing.T) {
	gamma := [][]float64{{0, 0, 0}, {-0.3, 0.8, 0}, {-1, 0.5, 1.2}}
	c, risk := riskCareers(t, 3000, 7, gamma)
	f, err := Fit(c, mustModel(t, Poisson, 3, []int{0, 2, 2}, nil), &Settings{Seed: 1, Risk: risk})
	if err != nil {
		t.Fatal(err)
	}
	for k, g := range f.Groups {
		for a, want := range gamma[k] {
			got, se := g.MembershipCoef[a], g.MembershipSE[a]
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
	for _, w := range f.Wald {
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
	f3, err := Fit(c, mustModel(t, Poisson, 3, []int{0, 2, 2}, nil), &Settings{Seed: 1, Risk: risk, Reference: 3, NoSE: true})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(f3.LogLik-f.LogLik) > 1e-6*math.Abs(f.LogLik) {
		t.Errorf("reference 3: log-likelihood %v, reference 1: %v", f3.LogLik, f.LogLik)
	}
	for a := range gamma[1] {
		want := f.Groups[1].MembershipCoef[a] - f.Groups[2].MembershipCoef[a]
		if got := f3.Groups[1].MembershipCoef[a]; math.Abs(got-want) > 1e-4 {
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
	c, _, err := Simulate(tr, Design{Persons: n, Groups: groups}, seed+1)
	if err != nil {
		t.Fatal(err)
	}
	return c, &RiskDesign{Variables: []string{"x1", "x2"}, Names: []string{"x1", "x2"}, Of: []int{0, 1}, Reference: []string{"", ""}, X: x}
}

func TestReadPersons(t *testing.T) {
	in := "\ufeffid,sex,age_thb,qual,income\n1,m,24,1,NA\n2,f,31.5,0,benefits\n3,m,,1,work\n"
	tb, err := ReadPersons(strings.NewReader(in), "p.csv", "id")
	if err != nil {
		t.Fatal(err)
	}
	sex := tb.Column("sex")
	if sex.Numeric || strings.Join(sex.Levels, ",") != "f,m" || sex.Codes[0] != 1 {
		t.Errorf("sex: %+v", sex)
	}
	age := tb.Column("age_thb")
	if !age.Numeric || age.Values[1] != 31.5 || !math.IsNaN(age.Values[2]) {
		t.Errorf("age_thb: %+v", age)
	}
	d, keep, err := tb.Design([]string{"sex", "qual"}, []string{"3", "1", "2"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(d.Names, ",") != "sex=m,qual" || len(keep) != 3 || d.X[0][0] != 1 || d.X[2][0] != 0 {
		t.Errorf("design %+v keep %v", d, keep)
	}
	// A missing value is an error naming line and column, or a dropped
	// person with --drop-missing.
	_, _, err = tb.Design([]string{"age_thb"}, []string{"1", "2", "3"}, false)
	if err == nil || !strings.HasPrefix(err.Error(), `p.csv:4:3: column "age_thb": missing value for person "3"`) {
		t.Errorf("error %v", err)
	}
	d, keep, err = tb.Design([]string{"age_thb"}, []string{"1", "2", "3", "4"}, true)
	if err != nil || len(keep) != 2 || keep[1] != 1 {
		t.Errorf("drop missing: keep %v, err %v", keep, err)
	}
	for _, tc := range []struct{ in, want string }{
		{"id,x\n1,2\n1,3\n", `p.csv:3:1: column "id": person "1" already has a row (line 2)`},
		{"id,x\n1,Inf\n", `p.csv:2:2: column "x": value "Inf" is not finite`},
		{"pid,x\n1,2\n", `p.csv:1: no column "id"`},
		{"id,x\n1,2,3\n", `p.csv:2: wrong number of fields`},
	} {
		if _, err := ReadPersons(strings.NewReader(tc.in), "p.csv", "id"); err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.in, err, tc.want)
		}
	}
}

// TestStartSampleCareers: a search on a sample of the careers (one shard
// of four, through Problem.Subset) reaches the maximum of the search on
// all persons (relative 1e-8), with and without risk factors, and the
// report gives the sample.
func TestStartSampleCareers(t *testing.T) {
	gamma := [][]float64{{0, 0, 0}, {-0.3, 0.8, 0}, {-1, 0.5, 1.2}}
	c, risk := riskCareers(t, 4*mixture.ShardSize, 11, gamma)
	m := mustModel(t, Poisson, 3, []int{0, 2, 2}, nil)
	for _, r := range []*RiskDesign{nil, risk} {
		all, err := Fit(c, m, &Settings{Seed: 2, Starts: 6, Keep: 3, Risk: r, StartSample: -1, NoSE: true})
		if err != nil {
			t.Fatal(err)
		}
		sampled, err := Fit(c, m, &Settings{Seed: 2, Starts: 6, Keep: 3, Risk: r, StartSample: mixture.ShardSize, NoSE: true})
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
