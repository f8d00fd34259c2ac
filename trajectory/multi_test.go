package trajectory

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/trajkit/trajkit/mixture"
)

// TestFitMultiOneOutcome: a multi-trajectory model of one outcome is the
// single-outcome model: the same maximum, curves and standard errors.
func TestFitMultiOneOutcome(t *testing.T) {
	c := testCareers(t, 600, 41)
	m := mustModel(t, ZIP, 3, []int{2, 3, 2}, []int{0, -1, 0})
	s := &Settings{Search: mixture.Settings{Starts: 5, Seed: 3}}
	single, err := Fit(c, m, s)
	if err != nil {
		t.Fatal(err)
	}
	multi, err := FitMulti([]Outcome{{Name: "y", Careers: c, Model: m}}, s)
	if err != nil {
		t.Fatal(err)
	}
	if d := math.Abs(single.LogLik - multi.LogLik); d > 1e-9 {
		t.Errorf("log-likelihood %.12f multi, %.12f single", multi.LogLik, single.LogLik)
	}
	if multi.NumParams != single.NumParams || multi.BICObs != single.BICObs {
		t.Errorf("parameters %d and BIC %v multi, %d and %v single", multi.NumParams, multi.BICObs, single.NumParams, single.BICObs)
	}
	v := multi.Outcome(0)
	for j, g := range single.Groups {
		h := v.Groups[j]
		if math.Abs(g.Share-h.Share) > 1e-7 || math.Abs(float64(g.ShareSE-h.ShareSE)) > 1e-6 {
			t.Errorf("group %d: share %v (se %v) multi, %v (se %v) single", j+1, h.Share, h.ShareSE, g.Share, g.ShareSE)
		}
		for a := range g.Beta {
			if math.Abs(g.Beta[a]-h.Beta[a]) > 1e-6 || math.Abs(float64(g.BetaSE[a]-h.BetaSE[a])) > 1e-6 {
				t.Errorf("group %d: β%d %v (se %v) multi, %v (se %v) single", j+1, a, h.Beta[a], h.BetaSE[a], g.Beta[a], g.BetaSE[a])
			}
		}
		for a, p := range g.Curve {
			q := h.Curve[a]
			if math.Abs(p.Mean-q.Mean) > 1e-7*p.Mean || math.Abs(float64(p.MeanHi-q.MeanHi)) > 1e-6*float64(p.MeanHi) {
				t.Errorf("group %d age %d: mean %v [.., %v] multi, %v [.., %v] single", j+1, p.Age, q.Mean, q.MeanHi, p.Mean, p.MeanHi)
			}
		}
	}
	names := multi.paramNames()
	if names[len(names)-1] != "y_g3_gamma0" {
		t.Errorf("the last parameter is %q, want y_g3_gamma0", names[len(names)-1])
	}
}

// jointCareers returns three outcomes of n persons: ZIP counts, counts for
// a negative binomial with a common dispersion (shared parameters) and
// any-offence indicators with time at risk (cloglog).
func jointCareers(t *testing.T, n int) []Outcome {
	t.Helper()
	return []Outcome{
		{Name: "a", Careers: testCareers(t, n, 33), Model: mustModel(t, ZIP, 2, []int{2, 1}, []int{0, -1})},
		{Name: "b", Careers: testCareers(t, n, 34), Model: Model{Distribution: NB, Orders: []int{1, 2}, Inflation: []int{-1, -1}, CommonDispersion: true}},
		{Name: "c", Careers: testCareers(t, n, 35).Binarize(), Model: mustModel(t, Cloglog, 2, []int{1, 0}, nil)},
	}
}

// TestJointInformationFiniteDifference checks the joint family's score
// and observed information, the shared dispersion's blocks included,
// against finite differences of the mixture log-likelihood and its score.
func TestJointInformationFiniteDifference(t *testing.T) {
	outs := jointCareers(t, 250)
	theta := []float64{0.2, // share logit
		-1.5, 0.2, -0.3, -0.5, 0.3, -0.2, -1.2, 0.2, // group 1: a's β (order 2) and γ0, b's β (order 1), c's β (order 1)
		0.5, -0.4, -0.3, 0.6, -0.1, -0.6, // group 2: a's β (order 1), b's β (order 2), c's β0
		-0.7} // b's common log α
	rng := rand.New(rand.NewPCG(7, 7))
	for j := range theta {
		theta[j] += 0.05 * rng.NormFloat64()
	}
	at := func(q []float64) (float64, []float64, []float64) {
		fams, sh := jointFamilies(outs, func(o int) *Careers { return outs[o].Careers }, WindowScaling(12, 40))
		return mixtureOf(t, fams, sh, q)
	}
	_, score, info := at(theta)
	p := len(theta)
	if len(score) != p {
		t.Fatalf("score of %d parameters, want %d", len(score), p)
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

// TestFitMultiMonotone: EM on the joint model, with an outcome's shared
// dispersion (an ECM step), never lowers the log-likelihood, and the fit
// writes and reads back as model.json.
func TestFitMultiMonotone(t *testing.T) {
	outs := jointCareers(t, 400)
	f, err := FitMulti(outs, &Settings{Search: mixture.Settings{Starts: 3, Seed: 1, Accelerate: mixture.PlainEM}})
	if err != nil {
		t.Fatal(err)
	}
	for j := 1; j < len(f.Trace); j++ {
		if f.Trace[j] < f.Trace[j-1]-1e-9*math.Abs(f.Trace[j-1]) {
			t.Fatalf("iteration %d: log-likelihood %.10f after %.10f", j, f.Trace[j], f.Trace[j-1])
		}
	}
	if len(f.Outcomes) != 3 || f.Outcomes[1].DispersionCommon == nil || !*f.Outcomes[1].DispersionCommon {
		t.Fatalf("outcomes %+v", f.Outcomes)
	}
	for o, out := range f.Outcomes {
		for j, g := range out.Groups {
			if len(g.Curve) != 29 || len(g.BetaSE) != len(g.Beta) || math.IsNaN(float64(g.Curve[5].MeanLo)) {
				t.Errorf("outcome %d group %d: %d curve points, %d βs with %d SEs, interval %v", o, j+1, len(g.Curve), len(g.Beta), len(g.BetaSE), g.Curve[5].MeanLo)
			}
		}
	}
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte(`"curve":null`)) || !bytes.Contains(b, []byte(`"outcomes":[{"name":"a","distribution":"zip"`)) {
		t.Errorf("model.json: %.400s", b)
	}
	var back Fitted
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Outcomes[2].Groups[1].Curve[3].Mean != f.Outcomes[2].Groups[1].Curve[3].Mean || back.Groups[1].Curve != nil ||
		back.Groups[1].Share != f.Groups[1].Share {
		t.Errorf("read back: %+v", back.Outcomes[2].Groups[1])
	}
	if got, want := back.Params(), f.Params(); len(got) != len(want) {
		t.Errorf("%d parameters read back, %d fitted", len(got), len(want))
	}
}
