package trajectory

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/mixture"
	"gonum.org/v1/gonum/stat/distuv"
)

// multiTcovTruth is the truth of tcovOutcomes: two groups (shares 0.6 and
// 0.4) of ages 14-35, a Poisson outcome (quadratic log-rates) and a logit
// outcome (linear log-odds), and the effect of the binary covariate
// employed on each outcome's linear predictor, per group, of opposite
// signs between the outcomes and of other sizes between the groups.
var multiTcovTruth = struct {
	shares           []float64
	poisson, logit   [][]float64 // β per group
	dPoisson, dLogit []float64   // δ per group
	minAge, maxAge   int
}{
	shares:   []float64{0.6, 0.4},
	poisson:  [][]float64{{-1.2, 0.3, -0.6}, {0.4, -0.5, -0.7}},
	logit:    [][]float64{{-1.5, 0.4}, {0.2, -0.8}},
	dPoisson: []float64{-0.6, 0.3},
	dLogit:   []float64{0.8, -0.5},
	minAge:   14,
	maxAge:   35,
}

// tcovOutcomes draws n persons of multiTcovTruth, each observed from 14 to
// an age between 24 and 35, employed (0/1) switching with probability 0.3
// from one year to the next, and returns the Poisson and the logit
// outcome's careers, both with the covariate, and the true groups
// (0-based).
func tcovOutcomes(t testing.TB, n int, seed uint64) ([]*Careers, []int) {
	t.Helper()
	tr := multiTcovTruth
	s := WindowScaling(tr.minAge, tr.maxAge)
	rng := rand.New(rand.NewPCG(seed, 5))
	bp, bl := NewCareerBuilder(), NewCareerBuilder()
	type key struct{ i, age int }
	w := map[key][]float64{}
	groups := make([]int, n)
	for i := range groups {
		k := 0
		if rng.Float64() > tr.shares[0] {
			k = 1
		}
		groups[i] = k
		pp, pl := bp.Person(itoa(i)), bl.Person(itoa(i))
		last := tr.minAge + 10 + rng.IntN(12)
		employed := 0.0
		if rng.Float64() < 0.5 {
			employed = 1
		}
		for age := tr.minAge; age <= last; age++ {
			if rng.Float64() < 0.3 {
				employed = 1 - employed
			}
			a := s.Scaled(float64(age))
			lam := math.Exp(horner(tr.poisson[k], a) + tr.dPoisson[k]*employed)
			bp.mustAdd(pp, age, uint32(distuv.Poisson{Lambda: lam, Src: rng}.Rand()), 1)
			var y uint32
			if rng.Float64() < expit(horner(tr.logit[k], a)+tr.dLogit[k]*employed) {
				y = 1
			}
			bl.mustAdd(pl, age, y, 1)
			w[key{i, age}] = []float64{employed}
		}
	}
	cs := make([]*Careers, 2)
	for o, b := range []*CareerBuilder{bp, bl} {
		c, err := b.Build(false)
		if err != nil {
			t.Fatal(err)
		}
		if cs[o], err = c.WithTcov([]string{"employed"}, func(i, age int) []float64 { return w[key{i, age}] }); err != nil {
			t.Fatal(err)
		}
	}
	return cs, groups
}

// tcovOutcomeModels are the outcomes of tcovOutcomes with the true
// orders: offences (Poisson, quadratic) and any (logit, linear).
func tcovOutcomeModels(t testing.TB, cs []*Careers) []Outcome {
	t.Helper()
	pm, err := NewModel(Poisson, 2, []int{2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	lm, err := NewModel(Logit, 2, []int{1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return []Outcome{{Name: "offences", Careers: cs[0], Model: pm}, {Name: "any", Careers: cs[1], Model: lm}}
}

// TestFitMultiTcovRecovery: a multi-trajectory model with a time-varying
// covariate (traj's tcov with multgroups) recovers each outcome's and
// group's effect δ within three standard errors, the shares within 0.03,
// from 10,000 simulated persons of two groups (multiTcovTruth); model.json
// names the effects per outcome.
func TestFitMultiTcovRecovery(t *testing.T) {
	tr := multiTcovTruth
	cs, _ := tcovOutcomes(t, 10000, 9)
	outs := tcovOutcomeModels(t, cs)
	f, err := FitMulti(outs, &Settings{Search: mixture.Settings{Starts: 5, Seed: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if f.Status != mixture.Converged {
		t.Fatalf("status %s", f.Status)
	}
	for k, g := range f.Groups {
		if math.Abs(g.Share-tr.shares[k]) > 0.03 {
			t.Errorf("group %d: share %.3f, true %.2f", k+1, g.Share, tr.shares[k])
		}
	}
	for o, want := range [][]float64{tr.dPoisson, tr.dLogit} {
		for k, g := range f.Outcomes[o].Groups {
			got, se := g.TcovCoef.Values[0], g.TcovSE.Values[0]
			if !(math.Abs(got-want[k]) <= 3*se) || !(se < 0.2) {
				t.Errorf("outcome %s group %d: δ = %.3f ± %.3f, true %.2f", outs[o].Name, k+1, got, se, want[k])
			}
		}
	}
	// The parameters are named per outcome and group, each δ's SE the
	// covariance's at its name, and the model reads back from its JSON
	// with every outcome's effects.
	checkOutcomeTcovNames(t, f)
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	var back Fitted
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if got := back.Outcomes[1].Groups[1].TcovCoef; got.Names[0] != "employed" || got.Values[0] != f.Outcomes[1].Groups[1].TcovCoef.Values[0] {
		t.Errorf("read back %+v, written %+v", got, f.Outcomes[1].Groups[1].TcovCoef)
	}
	if back.Covariates == nil || len(back.Covariates.Tcov) != 1 || !strings.Contains(back.Covariates.CurveAt, "outcome any:") {
		t.Errorf("covariates read back %+v", back.Covariates)
	}
}

// TestJointTcovInformationFiniteDifference checks the joint family's
// score and observed information with a time-varying covariate in both
// outcomes (its δ in each group's block of each outcome) against finite
// differences of the mixture log-likelihood and its score.
func TestJointTcovInformationFiniteDifference(t *testing.T) {
	cs, _ := tcovOutcomes(t, 200, 3)
	outs := tcovOutcomeModels(t, cs)
	theta := []float64{0.3, // share logit
		-1.1, 0.2, -0.5, -0.5, -1.4, 0.3, 0.7, // group 1: offences' β (order 2) and δ, any's β (order 1) and δ
		0.3, -0.4, -0.6, 0.2, 0.1, -0.7, -0.4} // group 2
	rng := rand.New(rand.NewPCG(8, 8))
	for j := range theta {
		theta[j] += 0.05 * rng.NormFloat64()
	}
	at := func(q []float64) (float64, []float64, []float64) {
		fams, sh := jointFamilies(outs, func(o int) *Careers { return outs[o].Careers }, WindowScaling(14, 35))
		return mixtureOf(t, fams, sh, q)
	}
	checkMixtureDerivatives(t, theta, at)
}

// TestFitMultiTcovShared: the outcomes of a multi-trajectory model share
// their time-varying covariates; outcomes with others, or one without,
// are refused with an error naming both.
func TestFitMultiTcovShared(t *testing.T) {
	cs, _ := tcovOutcomes(t, 50, 4)
	outs := tcovOutcomeModels(t, cs)
	plain := *cs[1]
	plain.TcovNames, plain.Patterns, plain.Pattern = nil, nil, nil
	outs[1].Careers = &plain
	_, err := FitMulti(outs, &Settings{NoSE: true})
	if err == nil || !strings.Contains(err.Error(), "outcome any has time-varying covariates none and outcome offences employed") {
		t.Errorf("error %v", err)
	}
}

// TestMultiTcovScoreBootstrap: a multi-trajectory model with a
// time-varying covariate scores the careers it was fitted to with its own
// log-likelihood (to 1e-9) and refuses careers of an outcome without the
// covariate; the person bootstrap resamples persons with their
// covariates, and the parametric bootstrap, which does not draw them, is
// refused as for one outcome.
func TestMultiTcovScoreBootstrap(t *testing.T) {
	cs, _ := tcovOutcomes(t, 400, 6)
	outs := tcovOutcomeModels(t, cs)
	s := &Settings{Search: mixture.Settings{Starts: 3, Seed: 1}, NoSE: true}
	f, err := FitMulti(outs, s)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := f.ScoreMulti(cs, nil, 2)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(sc.LogLik-f.LogLik) > 1e-9*math.Abs(f.LogLik) {
		t.Errorf("log-likelihood %.10f scored, %.10f fitted", sc.LogLik, f.LogLik)
	}
	plain := *cs[1]
	plain.TcovNames, plain.Patterns, plain.Pattern = nil, nil, nil
	if _, err := f.ScoreMulti([]*Careers{cs[0], &plain}, nil, 1); err == nil || !strings.Contains(err.Error(), "outcome any: the model has 1 time-varying covariate") {
		t.Errorf("careers of an outcome without the covariate: error %v", err)
	}
	if err := f.BootstrapMulti(cs, s, BootstrapSettings{Replicates: 4, Type: ParametricBootstrap}); err == nil || !strings.Contains(err.Error(), "does not simulate time-varying covariates") {
		t.Errorf("parametric bootstrap: error %v", err)
	}
	if err := f.BootstrapMulti(cs, s, BootstrapSettings{Replicates: 4}); err != nil {
		t.Fatal(err)
	}
	if b := f.BootstrapReport; b == nil || b.Failed > 1 {
		t.Errorf("bootstrap report %+v", b)
	}
	if ci := f.Outcomes[1].Groups[0].Curve[3]; !(ci.MeanLoBoot < ci.MeanHiBoot) {
		t.Errorf("bootstrap interval of any, group 1, age 17: %v-%v", ci.MeanLoBoot, ci.MeanHiBoot)
	}
}

// checkOutcomeTcovNames checks that each outcome group's effect of the
// covariate employed, and its SE, are the parameter and covariance entry
// named OUTCOME_gK_tcov_employed (models of several outcomes).
func checkOutcomeTcovNames(t *testing.T, f *Fitted) {
	t.Helper()
	for o, out := range f.Outcomes {
		for k, g := range out.Groups {
			n := fmt.Sprintf("%s_g%d_tcov_employed", out.Name, k+1)
			at := slices.Index(f.Inference.Names, n)
			if at < 0 {
				t.Fatalf("no parameter %s in %q", n, f.Inference.Names)
			}
			if se := f.Inference.SE[at]; se != g.TcovSE.Values[0] || f.Params()[at] != g.TcovCoef.Values[0] {
				t.Errorf("outcome %d group %d: δ %v (se %v), parameter %s %v (se %v)", o, k+1, g.TcovCoef.Values[0], g.TcovSE.Values[0], n, f.Params()[at], se)
			}
		}
	}
}
