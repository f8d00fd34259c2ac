package trajectory

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/trajkit/trajkit/mixture"
)

// TestDropoutDerivatives: the dropout component's scores and Hessian
// against finite differences, with lags and a covariate, on careers with
// late starts, holes and early ends.
func TestDropoutDerivatives(t *testing.T) {
	c := testCareers(t, 150, 31)
	n := c.Len()
	rng := rand.New(rand.NewPCG(9, 9))
	x := make([][]float64, n)
	end := make([]float64, n)
	w := make([]float64, n)
	for i := range x {
		x[i] = []float64{rng.NormFloat64()}
		end[i] = float64(30 + rng.IntN(15))
		w[i] = rng.Float64()
	}
	for _, tc := range []struct {
		name       string
		order, lag int
	}{{"constant", 0, 0}, {"linear lag 1", 1, 1}, {"quadratic lag 2", 2, 2}} {
		d := &Dropout{Orders: []int{tc.order}, Lag: tc.lag, Names: []string{"x"}, X: x, FollowupEnd: end}
		dd := newDropoutData(c, WindowScaling(c.MinAge, c.MaxAge()), d)
		if dd.dropped == 0 {
			t.Fatal("no dropouts in the test careers")
		}
		f := &dropoutFamily{d: dd, order: tc.order}
		p := make([]float64, f.NumParams())
		for j := range p {
			p[j] = 0.3 * rng.NormFloat64()
		}
		p[0] = -2
		checkComponentDerivatives(t, tc.name, f.NewComponent().(mixture.Differentiable), p, w)
	}
}

// TestDropoutInformationFiniteDifference: the joint model's score and
// observed information (trajectory, dropout and shares) against finite
// differences of its log-likelihood, as TestJointInformationFiniteDifference.
func TestDropoutInformationFiniteDifference(t *testing.T) {
	c := testCareers(t, 200, 5)
	m, err := NewModel(ZIP, 2, []int{2, 1}, []int{0})
	if err != nil {
		t.Fatal(err)
	}
	d := &Dropout{Orders: []int{1, 0}, Lag: 1}
	theta := []float64{0.3, // share logit
		-1.5, 0.2, -0.3, -0.5, -2.5, 0.4, 0.3, // group 1: β (order 2), γ0; dropout θ0, θ1, λ1
		0.5, -0.4, -1, -2, 0.2} // group 2: β (order 1), γ0; dropout θ0, λ1
	at := func(q []float64) (float64, []float64, []float64) {
		fams, sh, _ := dropoutFamilies(c, WindowScaling(c.MinAge, c.MaxAge()), m, d, []int{1, 0})
		return mixtureOf(t, fams, sh, q)
	}
	checkMixtureDerivatives(t, theta, at)
}

// dropoutDesign is the fixed design of the recovery test and of
// docs/validation.md: ages 12..30, two Poisson groups (shares 0.6, 0.4;
// log rates −1.5 + 0.3a − 0.5a² and 0.3 + 0.2a − 0.6a² in the window's
// scaled age a), each person observed from 12 until she drops out; the
// dropout hazards' logits are low[0] + low[1]a (group 1) and high[0] +
// high[1]a (group 2), lag 0.
func dropoutDesign(t *testing.T, n int, low, high [2]float64, seed uint64) (*Careers, []int) {
	t.Helper()
	sim := dropoutSim{n: n, haz: [2][2]float64{low, high}, seed: seed}.draw(t)
	return sim.c, sim.group
}

// dropoutSim is dropoutDesign with more to the hazard and the follow-up:
// group k's logit gains lag[k]·1[y > 0] of the previous age and
// cov[k]·x_i, x_i ~ N(0, 1) a person-level covariate; a share censored
// of the persons have a follow-up end drawn uniformly from 16..29 (not
// observed after it: censoring, not dropout), the others 30. The
// covariates and the follow-up ends come from a second stream, so that
// without them the careers are dropoutDesign's, bit for bit.
type dropoutSim struct {
	n        int
	haz      [2][2]float64
	lag, cov [2]float64
	censored float64
	seed     uint64
}

// dropoutDraw is a data set of dropoutSim: the careers, each person's
// true group (0-based), covariate and follow-up end.
type dropoutDraw struct {
	c     *Careers
	group []int
	x     [][]float64
	end   []float64
}

func (d dropoutSim) draw(t *testing.T) dropoutDraw {
	t.Helper()
	s := WindowScaling(12, 30)
	beta := [][]float64{{-1.5, 0.3, -0.5}, {0.3, 0.2, -0.6}}
	rng := rand.New(rand.NewPCG(d.seed, d.seed+1))
	side := rand.New(rand.NewPCG(d.seed+100, d.seed+101))
	b := NewCareerBuilder()
	out := dropoutDraw{group: make([]int, d.n), x: make([][]float64, d.n), end: make([]float64, d.n)}
	for i := range d.n {
		out.x[i] = []float64{side.NormFloat64()}
		out.end[i] = 30
		if side.Float64() < d.censored {
			out.end[i] = float64(16 + side.IntN(14))
		}
		k := 0
		if rng.Float64() < 0.4 {
			k = 1
		}
		out.group[i] = k
		p := b.Person(fmt.Sprint(i))
		var z float64
		for age := 12; age <= int(out.end[i]); age++ {
			a := s.Scaled(float64(age))
			if age > 12 && rng.Float64() < expit(d.haz[k][0]+d.haz[k][1]*a+d.lag[k]*z+d.cov[k]*out.x[i][0]) {
				break
			}
			mu := math.Exp(beta[k][0] + beta[k][1]*a + beta[k][2]*a*a)
			y := poissonDraw(rng, mu)
			if err := b.Add(p, age, uint32(y), 1); err != nil {
				t.Fatal(err)
			}
			z = 0
			if y > 0 {
				z = 1
			}
		}
	}
	b.Span(12, 30)
	c, err := b.Build(false)
	if err != nil {
		t.Fatal(err)
	}
	out.c = c
	return out
}

// survival returns group k's true survival from 12 to each age 12..30 of
// the persons with covariates x (without censoring), averaged over them:
// the lagged response 1[y > 0] at age u − 1 is independent of being
// observed at u − 1 (which depends on the responses up to u − 2), so that
// each person's survival is the product of her hazards averaged over the
// lag's Bernoulli distribution.
func (d dropoutSim) survival(k int, x [][]float64) []float64 {
	s := WindowScaling(12, 30)
	beta := [][]float64{{-1.5, 0.3, -0.5}, {0.3, 0.2, -0.6}}
	out := make([]float64, 19)
	for _, xi := range x {
		surv := 1.0
		out[0]++
		for age := 13; age <= 30; age++ {
			a, prev := s.Scaled(float64(age)), s.Scaled(float64(age-1))
			p1 := 1 - math.Exp(-math.Exp(beta[k][0]+beta[k][1]*prev+beta[k][2]*prev*prev))
			eta := d.haz[k][0] + d.haz[k][1]*a + d.cov[k]*xi[0]
			surv *= 1 - (p1*expit(eta+d.lag[k]) + (1-p1)*expit(eta))
			out[age-12] += surv
		}
	}
	for j := range out {
		out[j] /= float64(len(x))
	}
	return out
}

// TestDropoutRecovery: with group-specific dropout (N = 20,000, the fixed
// design of dropoutDesign), the dropout model recovers the shares at the
// window's start within 0.02, while the plain model's are visibly biased
// (the numbers of docs/validation.md come from this test's log). In
// "censored", the same persons' careers, 30% of them have a follow-up
// end drawn from 16..29 (the end of data collection for them, given as
// Dropout.FollowupEnd): their careers end there without a dropout event,
// and the shares come back within the same 0.02.
func TestDropoutRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("N = 20,000")
	}
	for _, tc := range []struct {
		name     string
		censored float64
	}{{"window", 0}, {"censored", 0.3}} {
		t.Run(tc.name, func(t *testing.T) {
			sim := dropoutSim{n: 20000, haz: [2][2]float64{{-4, 0}, {-1.5, 0.5}}, censored: tc.censored, seed: 16}.draw(t)
			m, err := NewModel(Poisson, 2, []int{2}, nil)
			if err != nil {
				t.Fatal(err)
			}
			d, followup := Dropout{Orders: []int{1}}, "window"
			if tc.censored > 0 {
				d.FollowupEnd, followup = sim.end, "end"
			}
			set := &Settings{Search: mixture.Settings{Seed: 3, Starts: 4}}
			fd, err := FitDropout(sim.c, m, d, followup, set)
			if err != nil {
				t.Fatal(err)
			}
			plain, err := Fit(sim.c, m, set)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%d persons dropped out", fd.Attrition.Dropped)
			want := []float64{0.6, 0.4}
			for j, g := range fd.Groups {
				t.Logf("group %d: share %.4f (dropout model), %.4f (plain), true %.2f; hazard at 13 %.4f, at 30 %.4f",
					j+1, g.Share, plain.Groups[j].Share, want[j], g.Dropout.Curve[1].Hazard, g.Dropout.Curve[18].Hazard)
				if math.Abs(g.Share-want[j]) > 0.02 {
					t.Errorf("group %d: share %.4f with dropout modelled, want %.2f ± 0.02", j+1, g.Share, want[j])
				}
			}
			if bias := math.Abs(plain.Groups[1].Share - want[1]); bias < 0.03 {
				t.Errorf("the plain model's high-rate share %.4f is within 0.03 of the truth: the design shows no bias", plain.Groups[1].Share)
			}
			// The shares among those still observed fall for the high-dropout group.
			g := fd.Groups[1].Dropout
			if !(g.Curve[18].ShareAtAge < g.Curve[0].ShareAtAge) || math.Abs(g.Curve[0].ShareAtAge-fd.Groups[1].Share) > 1e-12 {
				t.Errorf("share at age of group 2: %.4f at 12, %.4f at 30, share %.4f", g.Curve[0].ShareAtAge, g.Curve[18].ShareAtAge, fd.Groups[1].Share)
			}
			for _, pt := range g.Curve {
				if !(pt.HazardLo <= Float(pt.Hazard) && Float(pt.Hazard) <= pt.HazardHi) {
					t.Fatalf("age %d: hazard %.4f outside its interval [%v, %v]", pt.Age, pt.Hazard, pt.HazardLo, pt.HazardHi)
				}
			}
		})
	}
}

// TestDropoutSurvivalLagCovariate: with a lag and a covariate in the
// hazard (logit + 1.5·1[offended last year] + 0.8·x, x ~ N(0, 1); N =
// 5,000, 30% censored early), each group's survival is the model's
// marginal survival in the group, not the survival at lag and covariate
// zero: it is within 4 binomial standard errors of a proportion among
// the group's persons, 4·0.5/sqrt(π_k N) (0.037 and 0.045), of the true
// survival averaged over the group's persons (dropoutSim.survival), at
// every age, while the product of the curve's hazards (at lag and
// covariate zero) misses it by more somewhere.
func TestDropoutSurvivalLagCovariate(t *testing.T) {
	sim := dropoutSim{n: 5000, haz: [2][2]float64{{-4, 0}, {-2.5, 0.3}}, lag: [2]float64{1.5, 1.5}, cov: [2]float64{0.8, 0.8}, censored: 0.3, seed: 21}
	draw := sim.draw(t)
	m, err := NewModel(Poisson, 2, []int{2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	d := Dropout{Orders: []int{1}, Lag: 1, Names: []string{"x"}, X: draw.x, FollowupEnd: draw.end}
	fd, err := FitDropout(draw.c, m, d, "end", &Settings{NoSE: true, Search: mixture.Settings{Seed: 3, Starts: 3}})
	if err != nil {
		t.Fatal(err)
	}
	for j, share := range []float64{0.6, 0.4} {
		var x [][]float64
		for i, k := range draw.group {
			if k == j {
				x = append(x, draw.x[i])
			}
		}
		truth := sim.survival(j, x)
		tol := 4 * 0.5 / math.Sqrt(share*float64(sim.n))
		var worst, zero float64
		surv0 := 1.0
		for a, pt := range fd.Groups[j].Dropout.Curve {
			if a > 0 {
				surv0 *= 1 - pt.Hazard
			}
			worst = max(worst, math.Abs(pt.Survival-truth[a]))
			zero = max(zero, math.Abs(surv0-truth[a]))
			if math.Abs(pt.Survival-truth[a]) > tol {
				t.Errorf("group %d age %d: survival %.4f, true %.4f ± %.3f", j+1, pt.Age, pt.Survival, truth[a], tol)
			}
		}
		t.Logf("group %d: survival to 20 %.4f (true %.4f), to 30 %.4f (true %.4f); largest error %.4f, at lag and covariate zero %.4f",
			j+1, fd.Groups[j].Dropout.Curve[8].Survival, truth[8], fd.Groups[j].Dropout.Curve[18].Survival, truth[18], worst, zero)
		if zero <= tol {
			t.Errorf("group %d: the survival at lag and covariate zero is within %.3f of the truth: the design does not tell the two apart", j+1, tol)
		}
	}
	var sum float64
	for j := range fd.Groups {
		sum += fd.Groups[j].Dropout.Curve[18].ShareAtAge
	}
	if math.Abs(sum-1) > 1e-12 {
		t.Errorf("the shares at age 30 sum to %.15g", sum)
	}
}

// TestDropoutIndependentOfGroup: with the same dropout hazard in every
// group, the dropout model's curves equal the plain model's within
// sampling error (3 standard errors of the plain model's curve), and the
// model writes and reads back as JSON.
func TestDropoutIndependentOfGroup(t *testing.T) {
	c, _ := dropoutDesign(t, 3000, [2]float64{-2.5, 0.3}, [2]float64{-2.5, 0.3}, 7)
	m, err := NewModel(Poisson, 2, []int{2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	set := &Settings{Search: mixture.Settings{Seed: 3, Starts: 3}}
	fd, err := FitDropout(c, m, Dropout{Orders: []int{1}}, "window", set)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := Fit(c, m, set)
	if err != nil {
		t.Fatal(err)
	}
	for j := range fd.Groups {
		for a, pt := range fd.Groups[j].Curve {
			q := plain.Groups[j].Curve[a]
			se := (float64(q.MeanHi) - float64(q.MeanLo)) / (2 * Z975)
			if math.Abs(pt.Mean-q.Mean) > 3*se {
				t.Errorf("group %d age %d: mean %.4f with dropout, %.4f plain (se %.4f)", j+1, pt.Age, pt.Mean, q.Mean, se)
			}
		}
		if math.Abs(fd.Groups[j].Share-plain.Groups[j].Share) > 0.01 {
			t.Errorf("group %d: share %.4f with dropout, %.4f plain", j+1, fd.Groups[j].Share, plain.Groups[j].Share)
		}
	}
	b, err := json.Marshal(fd)
	if err != nil {
		t.Fatal(err)
	}
	var back Fitted
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Attrition == nil || back.Attrition.FollowupEnd != "window" || back.Attrition.Dropped != fd.Attrition.Dropped {
		t.Fatalf("dropout model read back as %+v, wrote %+v", back.Attrition, fd.Attrition)
	}
	for j := range fd.Groups {
		got, want := back.Groups[j].Dropout, fd.Groups[j].Dropout
		if got == nil || len(got.Curve) != len(want.Curve) || got.Curve[5] != want.Curve[5] || got.Coef.Values[0] != want.Coef.Values[0] {
			t.Fatalf("group %d: dropout read back as %+v, wrote %+v", j+1, got, want)
		}
	}
}

// TestDropoutThreads: the same seed gives the same bits with 1 and 4
// threads, and the log-likelihood never decreases.
func TestDropoutThreads(t *testing.T) {
	c, _ := dropoutDesign(t, 800, [2]float64{-3, 0}, [2]float64{-1.5, 0.5}, 2)
	m, _ := NewModel(Poisson, 2, []int{1}, nil)
	var ll []float64
	for _, threads := range []int{1, 4} {
		f, err := FitDropout(c, m, Dropout{Orders: []int{0}, Lag: 2}, "window", &Settings{NoSE: true, Search: mixture.Settings{Seed: 1, Starts: 2, Threads: threads}})
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; i < len(f.Trace); i++ {
			if f.Trace[i] < f.Trace[i-1]-1e-9*math.Abs(f.Trace[i-1]) {
				t.Fatalf("threads %d: log-likelihood fell from %.10g to %.10g", threads, f.Trace[i-1], f.Trace[i])
			}
		}
		ll = append(ll, f.LogLik)
	}
	if ll[0] != ll[1] {
		t.Errorf("log-likelihood %.17g with 1 thread, %.17g with 4", ll[0], ll[1])
	}
}

// TestDropoutRecords: the risk records of hand-made careers. A person
// observed at 12, 13 and 15 (a hole at 14) in the window 12..18 has
// records at 13 and 15 (no hazard at her first age) and, when her
// follow-up goes past 15, the dropout at 16; her lagged responses are
// 1[y > 0] of the previous observed ages, 0 before the first.
func TestDropoutRecords(t *testing.T) {
	b := NewCareerBuilder()
	p := b.Person("a")
	for _, cell := range [][2]int{{12, 3}, {13, 0}, {15, 2}} {
		if err := b.Add(p, cell[0], uint32(cell[1]), 1); err != nil {
			t.Fatal(err)
		}
	}
	b.Span(12, 18)
	c, err := b.Build(false)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name          string
		end           []float64
		ages          []int32
		events, lag1  []float64
		lag2          []float64
		dropped, late int
	}{
		{"window", nil, []int32{1, 3, 4}, []float64{0, 0, 1}, []float64{1, 0, 1}, []float64{0, 1, 0}, 1, 0},
		{"follow-up to 17", []float64{17}, []int32{1, 3, 4}, []float64{0, 0, 1}, []float64{1, 0, 1}, []float64{0, 1, 0}, 1, 0},
		{"follow-up ends at 15", []float64{15}, []int32{1, 3}, []float64{0, 0}, []float64{1, 0}, []float64{0, 1}, 0, 0},
		{"follow-up ends at 14", []float64{14}, []int32{1, 3}, []float64{0, 0}, []float64{1, 0}, []float64{0, 1}, 0, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newDropoutData(c, WindowScaling(12, 18), &Dropout{Orders: []int{0}, Lag: 2, FollowupEnd: tc.end})
			if d.dropped != tc.dropped || d.late != tc.late {
				t.Errorf("dropped %d, late %d; want %d, %d", d.dropped, d.late, tc.dropped, tc.late)
			}
			if n := int(d.start[1]); n != len(tc.ages) {
				t.Fatalf("%d records, want %d", n, len(tc.ages))
			}
			for r, cell := range d.cell {
				got := []float64{float64(d.cellAge[cell]), d.cellEvent[cell], d.cellRest[2*cell], d.cellRest[2*cell+1]}
				want := []float64{float64(tc.ages[r]), tc.events[r], tc.lag1[r], tc.lag2[r]}
				for j := range got {
					if got[j] != want[j] {
						t.Errorf("record %d: age index, event, lags %v, want %v", r, got, want)
						break
					}
				}
			}
		})
	}
}
