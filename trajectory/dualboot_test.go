package trajectory

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/trajkit/trajkit/mixture"
)

// TestBootstrapDual: both bootstraps of a dual fit on simulated data give
// intervals of the joint classes' shares, of each outcome's shares and
// curves and of the three transition tables that contain the estimates,
// with the same bits at 1 and 4 threads.
func TestBootstrapDual(t *testing.T) {
	a, b := dualOutcomes(t, 300)
	cs := []*Careers{a.Careers, b.Careers}
	// inside reports whether v lies in [lo, hi] up to the interpolation of
	// the quantiles.
	inside := func(v, lo, hi float64) bool { return lo-1e-12 <= v && v <= hi+1e-12 }
	for _, typ := range []string{PersonBootstrap, ParametricBootstrap} {
		t.Run(typ, func(t *testing.T) {
			var fits []*Fitted
			for _, threads := range []int{1, 4} {
				s := &Settings{Search: mixture.Settings{Starts: 2, Seed: 3, Threads: threads}}
				f, err := FitDual(a, b, s)
				if err != nil {
					t.Fatal(err)
				}
				if err := f.BootstrapMulti(cs, s, BootstrapSettings{Replicates: 20, Type: typ, Seed: 2}); err != nil {
					t.Fatal(err)
				}
				fits = append(fits, f)
			}
			f := fits[0]
			if r := f.BootstrapReport; r.Replicates != 20 || r.Failed > 2 || r.Type != typ {
				t.Errorf("report %+v", r)
			}
			if !reflect.DeepEqual(f.BootstrapReport, fits[1].BootstrapReport) {
				t.Errorf("report %+v with 1 thread, %+v with 4", f.BootstrapReport, fits[1].BootstrapReport)
			}
			for c, g := range f.Groups {
				if ci := g.ShareCIBoot; !inside(g.Share, ci[0], ci[1]) {
					t.Errorf("class %d: share %.4f outside its bootstrap interval %v", c+1, g.Share, ci)
				}
			}
			for _, out := range f.Outcomes {
				for j, g := range out.Groups {
					if ci := g.ShareCIBoot; !inside(g.Share, ci[0], ci[1]) {
						t.Errorf("outcome %s group %d: share %.4f outside its bootstrap interval %v", out.Name, j+1, g.Share, ci)
					}
					for _, p := range g.Curve {
						if lo, hi := float64(p.MeanLoBoot), float64(p.MeanHiBoot); !(lo <= p.Mean*(1+1e-9) && p.Mean <= hi*(1+1e-9)) {
							t.Errorf("outcome %s group %d age %d: mean %.4f outside its bootstrap interval %.4f-%.4f", out.Name, j+1, p.Age, p.Mean, lo, hi)
						}
					}
				}
			}
			tr := f.Transition
			for _, tab := range []struct {
				name   string
				p      [][]float64
				lo, hi [][]Float
			}{{"b_given_a", tr.BGivenA, tr.BGivenALoBoot, tr.BGivenAHiBoot}, {"a_given_b", tr.AGivenB, tr.AGivenBLoBoot, tr.AGivenBHiBoot}, {"joint", tr.Joint, tr.JointLoBoot, tr.JointHiBoot}} {
				if len(tab.lo) != len(tab.p) || len(tab.hi) != len(tab.p) {
					t.Fatalf("%s: %d and %d rows of limits for %d rows", tab.name, len(tab.lo), len(tab.hi), len(tab.p))
				}
				for k1, row := range tab.p {
					for k2, p := range row {
						if lo, hi := float64(tab.lo[k1][k2]), float64(tab.hi[k1][k2]); !inside(p, lo, hi) {
							t.Errorf("%s[%d][%d] = %.4f outside its bootstrap interval %.4f-%.4f", tab.name, k1, k2, p, lo, hi)
						}
					}
				}
			}
			// The limits, compared bit for bit (the standard errors, NaN
			// here, would not be equal to themselves).
			type limits struct {
				classes, shares []Interval
				curves          []Float
				tables          [6][][]Float
			}
			limitsOf := func(f *Fitted) limits {
				var l limits
				for _, g := range f.Groups {
					l.classes = append(l.classes, g.ShareCIBoot)
				}
				for _, out := range f.Outcomes {
					for _, g := range out.Groups {
						l.shares = append(l.shares, g.ShareCIBoot)
						for _, p := range g.Curve {
							l.curves = append(l.curves, p.MeanLoBoot, p.MeanHiBoot)
						}
					}
				}
				tr := f.Transition
				l.tables = [6][][]Float{tr.BGivenALoBoot, tr.BGivenAHiBoot, tr.AGivenBLoBoot, tr.AGivenBHiBoot, tr.JointLoBoot, tr.JointHiBoot}
				return l
			}
			if !reflect.DeepEqual(limitsOf(f), limitsOf(fits[1])) {
				t.Error("the intervals differ between 1 and 4 threads")
			}
		})
	}
}

// TestDualReplicateRelabelled: a replicate whose groups of B (and then
// also of A) come out in another order is matched back outcome by
// outcome: its shares and transition tables in the fit's orders are the
// fit's own, and it counts as relabelled; the fit itself does not.
func TestDualReplicateRelabelled(t *testing.T) {
	a, b := dualOutcomes(t, 300)
	f, err := FitDual(a, b, &Settings{Search: mixture.Settings{Starts: 2, Seed: 3, Threads: 1}})
	if err != nil {
		t.Fatal(err)
	}
	k1, k2 := len(f.Outcomes[0].Groups), len(f.Outcomes[1].Groups)
	if rep := f.dualReplicate(f); rep.relabelled {
		t.Error("the fit matched to itself is relabelled")
	}
	// permuted returns f with outcome o's groups in the order perm[o]
	// (new group j the old perm[o][j]), its classes and tables with them.
	permuted := func(perm [2][]int) *Fitted {
		g := *f
		g.Outcomes = append([]OutcomeFit(nil), f.Outcomes...)
		for o := range g.Outcomes {
			g.Outcomes[o].Groups = make([]Group, len(perm[o]))
			for j, from := range perm[o] {
				g.Outcomes[o].Groups[j] = f.Outcomes[o].Groups[from]
			}
		}
		g.Groups = make([]Group, k1*k2)
		for a := range k1 {
			for b := range k2 {
				g.Groups[a*k2+b] = f.Groups[perm[0][a]*k2+perm[1][b]]
			}
		}
		g.Transition = g.transition()
		return &g
	}
	for _, tc := range []struct {
		name string
		perm [2][]int
	}{
		{"B", [2][]int{{0, 1}, {2, 0, 1}}},
		{"A and B", [2][]int{{1, 0}, {1, 2, 0}}},
		{"A", [2][]int{{1, 0}, {0, 1, 2}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := f.dualReplicate(permuted(tc.perm))
			if !rep.relabelled {
				t.Error("not counted as relabelled")
			}
			const tol = 1e-12 // the transition tables are recomputed from the same shares
			for c, g := range f.Groups {
				if rep.classes[c] != g.Share {
					t.Errorf("class %d: share %v, the fit's %v", c+1, rep.classes[c], g.Share)
				}
			}
			for o, out := range f.Outcomes {
				for j, g := range out.Groups {
					if d := rep.shares[o][j] - g.Share; d > tol || d < -tol {
						t.Errorf("outcome %s group %d: share %v, the fit's %v", out.Name, j+1, rep.shares[o][j], g.Share)
					}
					if rep.means[o][j][0] != g.Curve[0].Mean {
						t.Errorf("outcome %s group %d: curve matched to another group's", out.Name, j+1)
					}
				}
			}
			for i, tab := range [3][][]float64{f.Transition.BGivenA, f.Transition.AGivenB, f.Transition.Joint} {
				for a := range k1 {
					for b := range k2 {
						if d := rep.tables[i][a][b] - tab[a][b]; d > tol || d < -tol {
							t.Errorf("table %d [%d][%d]: %v, the fit's %v", i, a, b, rep.tables[i][a][b], tab[a][b])
						}
					}
				}
			}
		})
	}
}

// TestBootstrapDualCancelled: a dual model's bootstrap under a cancelled
// context returns an error wrapping the context's and leaves the fit as
// it was.
func TestBootstrapDualCancelled(t *testing.T) {
	a, b := dualOutcomes(t, 200)
	f, err := FitDual(a, b, &Settings{Search: mixture.Settings{Starts: 2, Seed: 1}, NoSE: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = f.BootstrapMulti([]*Careers{a.Careers, b.Careers}, &Settings{Search: mixture.Settings{Threads: 1, Context: ctx}}, BootstrapSettings{Replicates: MaxReplicates})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want one wrapping context.Canceled", err)
	}
	if f.BootstrapReport != nil || f.Transition.JointLoBoot != nil || f.Outcomes[0].Groups[0].Curve[0].MeanLoBoot != 0 {
		t.Errorf("the cancelled bootstrap changed the fit: report %+v", f.BootstrapReport)
	}
}
