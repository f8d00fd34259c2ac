package trajectory

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/trajkit/trajkit/mixture"
)

// Benchmarks of the E-step, the M-step and whole fits on careers simulated
// from BenchTruth (5 groups, ages 12-50) with benchDesign. The densities
// scale every rate, so that the persons and ages stay fixed while the share
// of special cells (positive counts, exposures other than 1, holes) grows:
// the time of a step should follow persons + special cells, not
// persons x ages. Each reports ns per person+cell.

// benchDensities scale the rates of BenchTruth.
var benchDensities = []struct {
	name  string
	scale float64
}{
	{"sparse", 0.1},
	{"base", 1},
	{"dense", 8},
}

// benchModel returns BenchTruth's model bound to c: families, components
// at the true coefficients, and the posteriors there.
func benchModel(c *Careers, dist Distribution) ([]mixture.Family, []mixture.Component, [][]float64, []float64) {
	fd := newFamilyData(c)
	s := WindowScaling(c.MinAge, c.MaxAge())
	k := 5
	fams := make([]mixture.Family, k)
	comps := make([]mixture.Component, k)
	post := make([][]float64, k)
	var p0 []float64
	for j := range fams {
		infl := -1
		if dist == ZIP {
			infl = 0
		}
		f := newGroupFamily(fd, s, 3, infl)
		fams[j] = f
		comps[j] = f.NewComponent()
		p := append([]float64(nil), benchCurves[j].beta...)
		if dist == ZIP {
			p = append(p, benchCurves[j].gamma)
		}
		comps[j].SetParams(p)
		p0 = append(p0, p...)
		post[j] = make([]float64, c.Len())
		comps[j].LogLik(post[j], 0, c.Len())
	}
	mixture.Posterior(post, post, nil, 0, c.Len())
	return fams, comps, post, p0
}

func reportPerCell(b *testing.B, c *Careers) {
	b.ReportMetric(float64(len(c.Y))/float64(c.NumObs), "special/obs")
	perOp := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	b.ReportMetric(perOp/float64(c.Len()+len(c.Y)), "ns/(person+cell)")
}

// BenchmarkEStep is the E-step of 5 groups on one thread: every group's
// log-likelihood of every person, in one pass as the engine computes them
// (LogLikAll), then the posteriors.
func BenchmarkEStep(b *testing.B) {
	for _, dist := range []Distribution{Poisson, ZIP} {
		for _, n := range []int{10_000, 100_000} {
			for _, d := range benchDensities {
				c := scaledCareers(b, dist, n, d.scale)
				_, comps, post, _ := benchModel(c, dist)
				b.Run(fmt.Sprintf("%s/persons=%d/%s", dist, n, d.name), func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						comps[0].(*groupComp).LogLikAll(comps, post, 0, c.Len())
						mixture.Posterior(post, post, nil, 0, c.Len())
					}
					reportPerCell(b, c)
				})
			}
		}
	}
}

// BenchmarkMStep is the M-step of 5 groups on one thread, each warm-started
// from the true coefficients with the posteriors there as weights, all
// groups together as the engine fits them (FitAll).
func BenchmarkMStep(b *testing.B) {
	for _, dist := range []Distribution{Poisson, ZIP} {
		for _, n := range []int{10_000, 100_000} {
			for _, d := range benchDensities {
				c := scaledCareers(b, dist, n, d.scale)
				fams, comps, post, p0 := benchModel(c, dist)
				infos := make([]mixture.FitInfo, len(fams))
				b.Run(fmt.Sprintf("%s/persons=%d/%s", dist, n, d.name), func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						off := 0
						for j, f := range fams {
							m := f.NumParams()
							comps[j].SetParams(p0[off : off+m])
							off += m
						}
						fams[0].(*groupFamily).FitAll(context.Background(), fams, comps, post, true, infos)
					}
					reportPerCell(b, c)
				})
			}
		}
	}
}

// BenchmarkFit is a whole fit of the true model (K = 5, cubic, ZIP with a
// constant inflation) with the default starts, on all threads; it reports
// the iterations of the returned run and the time per iteration over all
// runs (20 short runs and up to 5 to convergence).
func BenchmarkFit(b *testing.B) {
	for _, dist := range []Distribution{Poisson, ZIP} {
		for _, n := range []int{1_000, 10_000} {
			c := benchCareers(b, dist, n)
			m, err := NewModel(dist, 5, nil, nil)
			if err != nil {
				b.Fatal(err)
			}
			b.Run(fmt.Sprintf("%s/persons=%d", dist, n), func(b *testing.B) {
				b.ReportAllocs()
				var f *Fitted
				for b.Loop() {
					if f, err = Fit(c, m, &Settings{Search: mixture.Settings{Seed: 1}}); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(f.Iterations), "iterations")
			})
		}
	}
}

// BenchmarkFitIterations is 20 EM iterations of one start at 10^5 persons
// on all threads, without standard errors: the time of an iteration where
// the shards of persons, not the starts, are what runs in parallel.
func BenchmarkFitIterations(b *testing.B) {
	for _, dist := range []Distribution{Poisson, ZIP} {
		c := benchCareers(b, dist, 100_000)
		m, err := NewModel(dist, 5, nil, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("%s/persons=100000", dist), func(b *testing.B) {
			b.ReportAllocs()
			var f *Fitted
			for b.Loop() {
				if f, err = Fit(c, m, &Settings{Search: mixture.Settings{Seed: 1, Starts: 1, Keep: 1, MaxIterations: 20, Tolerance: 1e-300, ScoreTolerance: 1e-300}, NoSE: true}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed())/float64(b.N)/float64(f.Iterations)/float64(time.Millisecond), "ms/iteration")
		})
	}
}

// BenchmarkAcceleration is a whole fit with the default starts, with plain
// EM and with SQUAREM (Settings.Accelerate), on one thread so that
// the comparison does not depend on how the runs share the cores.
func BenchmarkAcceleration(b *testing.B) {
	for _, dist := range []Distribution{Poisson, ZIP} {
		c := benchCareers(b, dist, 10_000)
		m, err := NewModel(dist, 5, nil, nil)
		if err != nil {
			b.Fatal(err)
		}
		for _, acc := range []bool{false, true} {
			name := "plain"
			if acc {
				name = "squarem"
			}
			b.Run(fmt.Sprintf("%s/persons=10000/%s", dist, name), func(b *testing.B) {
				var res *Fitted
				for b.Loop() {
					if res, err = Fit(c, m, &Settings{Search: mixture.Settings{Seed: 1, Threads: 1, Accelerate: mixture.Accelerated(acc)}, NoSE: true}); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(res.Starts.Iterations), "iterations")
			})
		}
	}
}

// BenchmarkInformation is the observed information of 5 groups (the
// standard errors' cost) at the true coefficients on one thread: the
// complete-data Hessians and the per-person outer products of the scores.
func BenchmarkInformation(b *testing.B) {
	for _, dist := range []Distribution{Poisson, ZIP} {
		c := scaledCareers(b, dist, 100_000, 1)
		_, comps, post, _ := benchModel(c, dist)
		prior := mixture.ConstantShares{}.NewPrior(len(comps), c.Len())
		b.Run(fmt.Sprintf("%s/persons=%d", dist, c.Len()), func(b *testing.B) {
			for b.Loop() {
				if _, err := mixture.WeightedInformation(context.Background(), comps, prior, nil, post, nil, 1); err != nil {
					b.Fatal(err)
				}
			}
			reportPerCell(b, c)
		})
	}
}
