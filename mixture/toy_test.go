package mixture

import (
	"context"
	"math"
	"math/rand/v2"
	"sync"
)

// toyFamily is a mixture component for tests: person i has one count y_i
// from Poisson(λ), with θ = log λ. Its M-step has the closed form
// λ = Σ w y / Σ w.
type toyFamily struct {
	y []float64

	once sync.Once
	lgy  []float64 // log y_i!, computed once
}

type toyComp struct {
	f      *toyFamily
	logLam float64
}

func (f *toyFamily) Len() int                { return len(f.y) }
func (f *toyFamily) NumParams() int          { return 1 }
func (f *toyFamily) NewComponent() Component { return &toyComp{f: f} }

// logFactorials returns log y_i!, computed at the first call.
func (f *toyFamily) logFactorials() []float64 {
	f.once.Do(func() {
		f.lgy = make([]float64, len(f.y))
		for i, y := range f.y {
			f.lgy[i], _ = math.Lgamma(y + 1)
		}
	})
	return f.lgy
}

func (f *toyFamily) Fit(_ context.Context, c Component, w []float64, warm bool) FitInfo {
	tc := c.(*toyComp)
	var sw, swy float64
	for i, wi := range w {
		sw += wi
		swy += wi * f.y[i]
	}
	var info FitInfo
	if warm {
		info.Score = math.Abs(swy - sw*math.Exp(tc.logLam))
	}
	if sw < 1e-12 {
		info.Empty = true
		return info
	}
	tc.logLam = math.Log((swy + 1e-12) / sw)
	return info
}

func (c *toyComp) LogLik(dst []float64, from, to int) {
	lam, lgy := math.Exp(c.logLam), c.f.logFactorials()
	for i := from; i < to; i++ {
		dst[i] = c.f.y[i]*c.logLam - lam - lgy[i]
	}
}

func (c *toyComp) Params(dst []float64) []float64 { return append(dst[:0], c.logLam) }
func (c *toyComp) SetParams(p []float64)          { c.logLam = p[0] }

// toyData draws n counts from a Poisson mixture with the given shares and
// rates.
func toyData(n int, shares, rates []float64, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 0))
	y := make([]float64, n)
	for i := range y {
		u := rng.Float64()
		k := 0
		for k < len(shares)-1 && u > shares[k] {
			u -= shares[k]
			k++
		}
		y[i] = poisson(rng, rates[k])
	}
	return y
}

// poisson draws a Poisson variate by inversion (small rates only).
func poisson(rng *rand.Rand, lam float64) float64 {
	u := rng.Float64()
	p := math.Exp(-lam)
	k := 0.0
	for u > p {
		u -= p
		k++
		p *= lam / k
	}
	return k
}

func toyProblem(y []float64, k int) *Problem {
	f := &toyFamily{y: y}
	p := &Problem{Families: make([]Family, k)}
	for j := range p.Families {
		p.Families[j] = f
	}
	return p
}

// Scores and Hessian make toyComp Differentiable: ∂/∂θ = y − e^θ,
// ∂²/∂θ² = −e^θ.
func (c *toyComp) Scores(dst []float64, from, to int) {
	lam := math.Exp(c.logLam)
	for i := from; i < to; i++ {
		dst[i-from] = c.f.y[i] - lam
	}
}

func (c *toyComp) Hessian(dst []float64, w []float64) {
	var s float64
	for _, v := range w {
		s += v
	}
	dst[0] = -s * math.Exp(c.logLam)
}
