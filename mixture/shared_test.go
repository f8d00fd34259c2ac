package mixture

import (
	"context"
	"math"
	"math/rand/v2"
	"sort"
	"testing"
)

// The toy family of the shared-parameter seam: person i has one value y_i
// from N(μ_k, σ²) in group k, with one variance for every group,
// parametrised as φ = log σ². Its ECM step has closed forms: μ_k = Σ w y /
// Σ w (whatever σ²), then σ² = Σ_k Σ_i w_ki (y_i − μ_k)² / Σ_k Σ_i w_ki, so
// it is EM itself and the log-likelihood never decreases.
type normFamily struct{ y []float64 }

type normComp struct {
	f  *normFamily
	mu float64
	sh *normShared // set by normSharedModel.NewRun
}

type normSharedModel struct{ y []float64 }

type normShared struct {
	y      []float64
	comps  []*normComp
	logVar float64
}

func (f *normFamily) Len() int                { return len(f.y) }
func (f *normFamily) NumParams() int          { return 1 }
func (f *normFamily) NewComponent() Component { return &normComp{f: f} }

func (f *normFamily) Fit(_ context.Context, c Component, w []float64, warm bool) FitInfo {
	nc := c.(*normComp)
	var sw, swy float64
	for i, wi := range w {
		sw += wi
		swy += wi * f.y[i]
	}
	var info FitInfo
	if warm {
		info.Score = math.Abs(swy-sw*nc.mu) / math.Exp(nc.sh.logVar)
	}
	if sw < 1e-12 {
		info.Empty = true
		return info
	}
	nc.mu = swy / sw
	return info
}

func (c *normComp) LogLik(dst []float64, from, to int) {
	v := math.Exp(c.sh.logVar)
	for i := from; i < to; i++ {
		d := c.f.y[i] - c.mu
		dst[i] = -0.5*math.Log(2*math.Pi) - 0.5*c.sh.logVar - d*d/(2*v)
	}
}

func (c *normComp) Params(dst []float64) []float64 { return append(dst[:0], c.mu) }
func (c *normComp) SetParams(p []float64)          { c.mu = p[0] }

// Scores and Hessian of the own parameter: ∂/∂μ = (y − μ)/σ², ∂²/∂μ² = −1/σ².
func (c *normComp) Scores(dst []float64, from, to int) {
	v := math.Exp(c.sh.logVar)
	for i := from; i < to; i++ {
		dst[i-from] = (c.f.y[i] - c.mu) / v
	}
}

func (c *normComp) Hessian(dst []float64, w []float64) {
	var s float64
	for _, v := range w {
		s += v
	}
	dst[0] = -s / math.Exp(c.sh.logVar)
}

func (m *normSharedModel) NumParams() int { return 1 }

func (m *normSharedModel) NewRun(comps []Component) SharedRun {
	var mean, ss float64
	for _, v := range m.y {
		mean += v
	}
	mean /= float64(len(m.y))
	for _, v := range m.y {
		ss += (v - mean) * (v - mean)
	}
	s := &normShared{y: m.y, logVar: math.Log(ss / float64(len(m.y)))}
	for _, c := range comps {
		nc := c.(*normComp)
		nc.sh = s
		s.comps = append(s.comps, nc)
	}
	return s
}

// Fit is the ECM step: the means given σ² by the families, then σ².
func (s *normShared) Fit(_ context.Context, m *MStep) FitInfo {
	var info FitInfo
	if m.Warm {
		info.Score = math.Abs(s.gradient(m.W))
	}
	m.FitGroups()
	// The weighted sums of squares of each group on the fit's goroutines
	// (MStep.Run), added in group order so that threads change no bit.
	sw, ss := make([]float64, len(s.comps)), make([]float64, len(s.comps))
	m.Run(len(s.comps), func(k int) {
		for i, w := range m.W[k] {
			d := s.y[i] - s.comps[k].mu
			sw[k] += w
			ss[k] += w * d * d
		}
	})
	var tw, tss float64
	for k := range sw {
		tw += sw[k]
		tss += ss[k]
	}
	s.logVar = math.Log(tss / tw)
	return info
}

// gradient is Σ_k Σ_i w_ki ∂ log f_k(y_i)/∂φ.
func (s *normShared) gradient(w [][]float64) float64 {
	v := math.Exp(s.logVar)
	var g float64
	for k, c := range s.comps {
		for i, wi := range w[k] {
			d := s.y[i] - c.mu
			g += wi * (-0.5 + d*d/(2*v))
		}
	}
	return g
}

func (s *normShared) Params(dst []float64) []float64 { return append(dst[:0], s.logVar) }
func (s *normShared) SetParams(p []float64)          { s.logVar = p[0] }

// Scores: ∂ log f_k/∂φ = −1/2 + (y − μ_k)²/(2σ²).
func (s *normShared) Scores(k int, dst []float64, from, to int) {
	v := math.Exp(s.logVar)
	for i := from; i < to; i++ {
		d := s.y[i] - s.comps[k].mu
		dst[i-from] = -0.5 + d*d/(2*v)
	}
}

// Hessian: ∂²/∂μ_k∂φ = −(y − μ_k)/σ², ∂²/∂φ² = −(y − μ_k)²/(2σ²).
func (s *normShared) Hessian(cross [][]float64, shared []float64, w [][]float64) {
	v := math.Exp(s.logVar)
	shared[0] = 0
	for k, c := range s.comps {
		cross[k][0] = 0
		for i, wi := range w[k] {
			d := s.y[i] - c.mu
			cross[k][0] -= wi * d / v
			shared[0] -= wi * d * d / (2 * v)
		}
	}
}

// normProblem is a k-group problem with one start of its own: the persons
// split into k groups of equal size by rank of y (random partitions alone
// start every group at the overall mean, and a normal mixture can stay
// with two groups merged).
func normProblem(y []float64, k int) *Problem {
	f := &normFamily{y: y}
	p := &Problem{Families: make([]Family, k), Shared: &normSharedModel{y: y}}
	for j := range p.Families {
		p.Families[j] = f
	}
	order := make([]int, len(y))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return y[order[a]] < y[order[b]] })
	w := make([][]float64, k)
	for j := range w {
		w[j] = make([]float64, len(y))
	}
	for r, i := range order {
		w[r*k/len(y)][i] = 1
	}
	p.InitialWeights = [][][]float64{w}
	return p
}

// normData draws n values from a normal mixture with the given shares and
// means and one standard deviation sd.
func normData(n int, shares, means []float64, sd float64, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 3))
	y := make([]float64, n)
	for i := range y {
		u := rng.Float64()
		k := 0
		for k < len(shares)-1 && u > shares[k] {
			u -= shares[k]
			k++
		}
		y[i] = means[k] + sd*rng.NormFloat64()
	}
	return y
}

// TestSharedRecovery: a simulation with known truth (4,000 persons from
// three normal groups with one standard deviation 1.3): every parameter
// comes back within four standard errors from the observed information,
// and the log-likelihood trace never decreases, with and without SQUAREM.
func TestSharedRecovery(t *testing.T) {
	shares, means, sd := []float64{0.3, 0.5, 0.2}, []float64{-2, 1, 5}, 1.3
	y := normData(4000, shares, means, sd, 1)
	for _, acc := range []bool{false, true} {
		res, err := Fit(normProblem(y, 3), &Settings{Seed: 1, Starts: 6, Keep: 2, Accelerate: Accelerated(acc)})
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != Converged || res.NumParams != 2+3+1 || len(res.Params) != res.NumParams {
			t.Fatalf("status %v, %d parameters (vector of %d); want converged, 6", res.Status, res.NumParams, len(res.Params))
		}
		for j := 1; j < len(res.Trace); j++ {
			if res.Trace[j] < res.Trace[j-1]-1e-12*math.Abs(res.Trace[j]) {
				t.Errorf("accelerate %v, step %d: log-likelihood fell from %.12f to %.12f", acc, j, res.Trace[j-1], res.Trace[j])
			}
		}
		info, err := Information(context.Background(), res.Components, res.Prior, res.Shared, res.Posterior, 2)
		if err != nil {
			t.Fatal(err)
		}
		np := res.NumParams
		cov, err := Invert(context.Background(), info, np)
		if err != nil {
			t.Fatal(err)
		}
		if !cov.PositiveDefinite || len(cov.Singular) > 0 {
			t.Fatalf("information not positive definite at the maximum")
		}
		se := func(j int) float64 { return math.Sqrt(cov.Matrix[j*np+j]) }
		type grp struct {
			mu, se, share float64
		}
		var got []grp
		for j, c := range res.Components {
			got = append(got, grp{c.Params(nil)[0], se(2 + j), res.Shares[j]})
		}
		sort.Slice(got, func(a, b int) bool { return got[a].mu < got[b].mu })
		for j, g := range got {
			if math.Abs(g.mu-means[j]) > 4*g.se {
				t.Errorf("group %d: mean %.4f ± %.4f, true %.1f", j+1, g.mu, g.se, means[j])
			}
			if math.Abs(g.share-shares[j]) > 0.03 {
				t.Errorf("group %d: share %.4f, true %.2f", j+1, g.share, shares[j])
			}
		}
		logVar := res.Shared.Params(nil)[0]
		if want := 2 * math.Log(sd); math.Abs(logVar-want) > 4*se(5) {
			t.Errorf("log σ² = %.4f ± %.4f, true %.4f", logVar, se(5), want)
		}
	}
}

// TestSharedInformation: the score of a mixture with a shared variance
// matches central finite differences of the log-likelihood, and the
// observed information (Louis 1982, with the blocks of each mean with the
// shared variance) central finite differences of the score, at a point
// that is not a maximum (the identity holds at any parameters).
func TestSharedInformation(t *testing.T) {
	y := normData(500, []float64{0.4, 0.6}, []float64{0, 2.5}, 1, 2)
	p := normProblem(y, 2)
	theta := []float64{0.3, -0.4, 2.2, 0.1} // share logit, μ1, μ2, log σ²
	eval := func(th []float64) (float64, []float64, []float64) {
		comps := []Component{p.Families[0].NewComponent(), p.Families[1].NewComponent()}
		shared := p.Shared.NewRun(comps)
		prior := ConstantShares{}.NewPrior(2, len(y))
		prior.SetParams(th[:1])
		comps[0].SetParams(th[1:2])
		comps[1].SetParams(th[2:3])
		shared.SetParams(th[3:])
		post := [][]float64{make([]float64, len(y)), make([]float64, len(y))}
		ll := EStep(comps, prior, post, nil, 1)
		sc, err := Score(comps, prior, shared, post)
		if err != nil {
			t.Fatal(err)
		}
		info, err := Information(context.Background(), comps, prior, shared, post, 2)
		if err != nil {
			t.Fatal(err)
		}
		return ll, sc, info
	}
	checkDerivatives(t, theta, eval)
}

// TestSharedOnSample: with runs on a sample (weight 0 outside it, no
// Subset), a shared-variance fit reaches the maximum of the fit without a
// sample (relative 1e-9).
func TestSharedOnSample(t *testing.T) {
	y := normData(5*ShardSize+17, []float64{0.5, 0.5}, []float64{0, 3}, 1, 4)
	full, err := Fit(normProblem(y, 2), &Settings{Seed: 2, Starts: 6, Keep: 2, StartSample: -1})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Fit(normProblem(y, 2), &Settings{Seed: 2, Starts: 6, Keep: 2, StartSample: ShardSize})
	if err != nil {
		t.Fatal(err)
	}
	if res.Starts.Sample == 0 {
		t.Fatalf("no runs on a sample: %+v", res.Starts)
	}
	if math.Abs(res.LogLik-full.LogLik) > 1e-9*math.Abs(full.LogLik) {
		t.Errorf("log-likelihood %.10f on a sample first, %.10f without", res.LogLik, full.LogLik)
	}
}
