package mixture_test

import (
	"context"
	"fmt"
	"log"
	"math"
	"math/rand/v2"

	"github.com/trajkit/trajkit/mixture"
)

// poissonFamily is the smallest useful Family: person i has one count y_i
// from Poisson(λ); the M-step is λ = Σ w y / Σ w.
type poissonFamily struct{ y []float64 }

type poissonGroup struct {
	f      *poissonFamily
	logLam float64
}

func (f *poissonFamily) Len() int                        { return len(f.y) }
func (f *poissonFamily) NumParams() int                  { return 1 }
func (f *poissonFamily) NewComponent() mixture.Component { return &poissonGroup{f: f} }

func (f *poissonFamily) Fit(_ context.Context, c mixture.Component, w []float64, warm bool) mixture.FitInfo {
	g := c.(*poissonGroup)
	var sw, swy float64
	for i, wi := range w {
		sw += wi
		swy += wi * f.y[i]
	}
	if sw == 0 {
		return mixture.FitInfo{Empty: true}
	}
	g.logLam = math.Log((swy + 1e-9) / sw)
	return mixture.FitInfo{}
}

func (g *poissonGroup) LogLik(dst []float64, from, to int) {
	lam := math.Exp(g.logLam)
	for i := from; i < to; i++ {
		lg, _ := math.Lgamma(g.f.y[i] + 1)
		dst[i] = g.f.y[i]*g.logLam - lam - lg
	}
}

func (g *poissonGroup) Params(dst []float64) []float64 { return append(dst[:0], g.logLam) }
func (g *poissonGroup) SetParams(p []float64)          { g.logLam = p[0] }

// Fit a two-component Poisson mixture to counts drawn from one with
// shares 0.6 and 0.4 and rates 1 and 8.
func ExampleFit() {
	rng := rand.New(rand.NewPCG(1, 1))
	y := make([]float64, 5000)
	for i := range y {
		lam := 1.0
		if rng.Float64() < 0.4 {
			lam = 8
		}
		// Poisson by inversion.
		u, p, k := rng.Float64(), math.Exp(-lam), 0.0
		for u > p {
			u -= p
			k++
			p *= lam / k
		}
		y[i] = k
	}
	fam := &poissonFamily{y: y}
	res, err := mixture.Fit(&mixture.Problem{Families: []mixture.Family{fam, fam}}, &mixture.Settings{Seed: 1})
	if err != nil {
		log.Fatal(err)
	}
	for j, c := range res.Components {
		fmt.Printf("share %.2f rate %.2f\n", res.Shares[j], math.Exp(c.Params(nil)[0]))
	}
	fmt.Println(res.Status, "; best log-likelihood reached by", res.Starts.ReachedBest, "of", res.Starts.RunToConvergence, "starts")
	// Unordered output:
	// share 0.61 rate 0.98
	// share 0.39 rate 7.98
	// converged ; best log-likelihood reached by 5 of 5 starts
}
