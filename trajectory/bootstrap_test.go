package trajectory

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/trajkit/trajkit/mixture"
)

// TestBootstrapKnownCase: with one group and a constant rate the MLE is
// λ̂ = Σy / Σe with standard error sqrt(λ̂ / Σe) (closed form), so both
// bootstraps' 95% percentile intervals must agree with λ̂ ± 1.96 SE up to
// Monte Carlo error (the 2.5% quantile of B = 400 replicates has a
// standard deviation of about 0.16 SE).
func TestBootstrapKnownCase(t *testing.T) {
	s := WindowScaling(20, 29)
	tr := TruthFromCoefficients(s, 20, 29, []float64{1}, [][]float64{{math.Log(0.5)}}, nil)
	c, _, err := Simulate(tr, Design{Persons: 300}, 12)
	if err != nil {
		t.Fatal(err)
	}
	m := mustModel(t, Poisson, 1, []int{0}, nil)
	var ys float64
	for _, y := range c.Y {
		ys += float64(y)
	}
	lam := ys / float64(c.NumObs)
	se := math.Sqrt(lam / float64(c.NumObs))
	for _, typ := range []string{PersonBootstrap, ParametricBootstrap} {
		t.Run(typ, func(t *testing.T) {
			f, err := Fit(c, m, &Settings{Search: mixture.Settings{Seed: 1, Starts: 2}})
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(f.Groups[0].Curve[0].Mean-lam) > 1e-9 {
				t.Fatalf("fitted rate %v, closed form %v", f.Groups[0].Curve[0].Mean, lam)
			}
			// The delta-method interval on the log scale is the closed form
			// λ̂ exp(±1.96 SE/λ̂).
			p := f.Groups[0].Curve[0]
			if want := lam * math.Exp(-Z975*se/lam); math.Abs(float64(p.MeanLo)-want) > 1e-6 {
				t.Errorf("delta-method lower limit %v, closed form %v", p.MeanLo, want)
			}
			if err := f.Bootstrap(c, &Settings{}, BootstrapSettings{Replicates: 400, Type: typ, Seed: 3}); err != nil {
				t.Fatal(err)
			}
			if r := f.BootstrapReport; r.Failed != 0 || r.Replicates != 400 {
				t.Errorf("report %+v", r)
			}
			lo, hi := float64(f.Groups[0].Curve[5].MeanLoBoot), float64(f.Groups[0].Curve[5].MeanHiBoot)
			if math.Abs(lo-(lam-Z975*se)) > 0.5*se || math.Abs(hi-(lam+Z975*se)) > 0.5*se {
				t.Errorf("bootstrap interval %.4f-%.4f, closed form %.4f-%.4f (SE %.4f)", lo, hi, lam-Z975*se, lam+Z975*se, se)
			}
			if ci := f.Groups[0].ShareCIBoot; ci != (Interval{1, 1}) {
				t.Errorf("share interval of a single group %v", ci)
			}
		})
	}
}

// TestBootstrapTwoGroups: with two well-separated groups the person
// bootstrap's share interval is close to the delta-method one, and no
// replicate needs its groups relabelled.
func TestBootstrapTwoGroups(t *testing.T) {
	s := WindowScaling(12, 30)
	tr := TruthFromCoefficients(s, 12, 30, []float64{0.6, 0.4}, [][]float64{{math.Log(0.2)}, {math.Log(3), 0.3}}, nil)
	c, _, err := Simulate(tr, Design{Persons: 400}, 13)
	if err != nil {
		t.Fatal(err)
	}
	f, err := Fit(c, mustModel(t, Poisson, 2, []int{0, 1}, nil), &Settings{Search: mixture.Settings{Seed: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Bootstrap(c, &Settings{}, BootstrapSettings{Replicates: 200, Seed: 4}); err != nil {
		t.Fatal(err)
	}
	if r := f.BootstrapReport; r.Failed != 0 || r.Relabelled != 0 {
		t.Errorf("report %+v", r)
	}
	for j, g := range f.Groups {
		b, d := g.ShareCIBoot, g.ShareCI
		if !(b[0] < g.Share && g.Share < b[1]) {
			t.Errorf("group %d: share %.4f outside its bootstrap interval %v", j+1, g.Share, b)
		}
		// Half-widths agree within 25% (Monte Carlo and delta-method error).
		hb, hd := (b[1]-b[0])/2, (d[1]-d[0])/2
		if math.Abs(hb/hd-1) > 0.25 {
			t.Errorf("group %d: bootstrap half-width %.4f, delta method %.4f", j+1, hb, hd)
		}
	}
}

func TestMatchGroups(t *testing.T) {
	mk := func(means ...float64) Group {
		g := Group{}
		for a, m := range means {
			g.Curve = append(g.Curve, CurvePoint{Age: a, Mean: m})
		}
		return g
	}
	orig := []Group{mk(0.1, 0.1, 0.1), mk(1, 2, 1), mk(2, 1, 0.5)}
	rep := []Group{mk(2.1, 0.9, 0.5), mk(0.12, 0.1, 0.09), mk(1, 2.2, 0.9)}
	perm := matchGroups(orig, rep)
	if perm[0] != 1 || perm[1] != 2 || perm[2] != 0 {
		t.Errorf("perm %v, want [1 2 0]", perm)
	}
}

// TestBootstrapCancelled: once the context is cancelled no replicate
// starts, so a bootstrap of MaxReplicates (10,000) replicates on 2,000 persons with a
// cancelled context returns at once, with an error that wraps
// context.Canceled and the fit unchanged. Before the replicates checked
// the context, each still drew its persons and set up its fit (the fit
// itself then stopped at once): 24 s for these replicates. The bound of
// 5 s is generous.
func TestBootstrapCancelled(t *testing.T) {
	tr := TruthFromCoefficients(WindowScaling(20, 29), 20, 29, []float64{0.6, 0.4}, [][]float64{{math.Log(0.2)}, {math.Log(2)}}, nil)
	c, _, err := Simulate(tr, Design{Persons: 2000}, 4)
	if err != nil {
		t.Fatal(err)
	}
	f, err := Fit(c, mustModel(t, Poisson, 2, []int{0}, nil), &Settings{Search: mixture.Settings{Seed: 1, Starts: 2}, NoSE: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	err = f.Bootstrap(c, &Settings{Search: mixture.Settings{Threads: 1, Context: ctx}}, BootstrapSettings{Replicates: MaxReplicates})
	took := time.Since(start)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want one wrapping context.Canceled", err)
	}
	if f.BootstrapReport != nil || f.Groups[0].Curve[0].MeanLoBoot != 0 {
		t.Errorf("the cancelled bootstrap changed the fit: report %+v", f.BootstrapReport)
	}
	if took > 5*time.Second {
		t.Errorf("the cancelled bootstrap took %v, want at most 5s", took)
	}
}
