package trajectory

import (
	"reflect"
	"testing"

	"github.com/trajkit/trajkit/mixture"
)

// TestBootstrapMulti: both bootstraps of a multi-trajectory fit give
// intervals of the shares and of every outcome's curves that contain the
// estimates, the same with 1 and 2 threads.
func TestBootstrapMulti(t *testing.T) {
	outs, _ := multiOutcomes(t, 400, 4)
	cs := []*Careers{outs[0].Careers, outs[1].Careers}
	for _, typ := range []string{PersonBootstrap, ParametricBootstrap} {
		t.Run(typ, func(t *testing.T) {
			var fits []*Fitted
			for _, threads := range []int{1, 2} {
				s := &Settings{Search: mixture.Settings{Starts: 3, Seed: 1, Threads: threads}}
				f, err := FitMulti(outs, s)
				if err != nil {
					t.Fatal(err)
				}
				if err := f.BootstrapMulti(cs, s, BootstrapSettings{Replicates: 40, Type: typ, Seed: 2}); err != nil {
					t.Fatal(err)
				}
				fits = append(fits, f)
			}
			f := fits[0]
			if r := f.BootstrapReport; r.Replicates != 40 || r.Failed > 2 {
				t.Errorf("report %+v", r)
			}
			for j, g := range f.Groups {
				if ci := g.ShareCIBoot; !(ci[0] <= g.Share && g.Share <= ci[1]) {
					t.Errorf("group %d: share %.4f outside its bootstrap interval %v", j+1, g.Share, ci)
				}
				if !reflect.DeepEqual(g.ShareCIBoot, fits[1].Groups[j].ShareCIBoot) {
					t.Errorf("group %d: share interval %v with 1 thread, %v with 2", j+1, g.ShareCIBoot, fits[1].Groups[j].ShareCIBoot)
				}
			}
			for o, out := range f.Outcomes {
				for j, g := range out.Groups {
					for a, p := range g.Curve {
						lo, hi := float64(p.MeanLoBoot), float64(p.MeanHiBoot)
						// The estimate lies inside up to the interpolation of the quantiles.
						if !(lo <= p.Mean*(1+1e-9) && p.Mean <= hi*(1+1e-9)) {
							t.Errorf("outcome %s group %d age %d: mean %.4f outside its bootstrap interval %.4f-%.4f", out.Name, j+1, p.Age, p.Mean, lo, hi)
						}
						q := fits[1].Outcomes[o].Groups[j].Curve[a]
						if p.MeanLoBoot != q.MeanLoBoot || p.MeanHiBoot != q.MeanHiBoot {
							t.Fatalf("outcome %s group %d age %d: interval differs with 2 threads", out.Name, j+1, p.Age)
						}
					}
				}
			}
			if err := f.Bootstrap(cs[0], nil, BootstrapSettings{Replicates: 2}); err == nil {
				t.Error("Bootstrap of a multi fit with one outcome's careers accepted")
			}
		})
	}
}
