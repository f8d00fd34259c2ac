package figure

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot/cmpimg"

	"github.com/trajkit/trajkit/mixture"
	"github.com/trajkit/trajkit/trajectory"
)

// dualFixture fits a dual model to 400 simulated persons: A Poisson in
// two groups, B Poisson in three, B's group drawn given A's from
// π(k2 | k1) = (0.7, 0.2, 0.1) and (0.1, 0.3, 0.6) (person i's A group
// 1 + i%2, B's from a fixed sequence).
func dualFixture(t *testing.T) *trajectory.Fitted {
	t.Helper()
	const n = 400
	s := trajectory.WindowScaling(12, 30)
	ta := trajectory.TruthFromCoefficients(s, 12, 30, []float64{0.5, 0.5}, [][]float64{{-1.5, 0.2}, {0.5, -0.5}}, nil)
	tb := trajectory.TruthFromCoefficients(s, 12, 30, []float64{1. / 3, 1. / 3, 1. / 3}, [][]float64{{-2}, {-0.3, 0.4}, {0.8, -0.3}}, nil)
	ga, gb := make([]int, n), make([]int, n)
	seq := [][]int{{1, 1, 1, 1, 1, 1, 1, 2, 2, 3}, {1, 2, 2, 2, 3, 3, 3, 3, 3, 3}} // π(k2 | k1) in tenths
	for i := range ga {
		ga[i] = 1 + i%2
		gb[i] = seq[ga[i]-1][(i/2)%10]
	}
	ca, _, err := trajectory.Simulate(ta, trajectory.Design{Persons: n, Groups: ga}, 1)
	if err != nil {
		t.Fatal(err)
	}
	cb, _, err := trajectory.Simulate(tb, trajectory.Design{Persons: n, Groups: gb}, 2)
	if err != nil {
		t.Fatal(err)
	}
	ma, _ := trajectory.NewModel(trajectory.Poisson, 2, []int{1}, nil)
	mb, _ := trajectory.NewModel(trajectory.Poisson, 3, []int{0, 1, 1}, nil)
	f, err := trajectory.FitDual(trajectory.Outcome{Name: "violent", Careers: ca, Model: ma}, trajectory.Outcome{Name: "property", Careers: cb, Model: mb},
		&trajectory.Settings{Search: mixture.Settings{Seed: 2, Starts: 3}})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestDualPlotGolden compares the figures of a dual model with golden
// images (go test -regen rewrites them): the trajectories, a panel per
// outcome with its own groups, and the table of π(k2 | k1).
func TestDualPlotGolden(t *testing.T) {
	f := dualFixture(t)
	for _, tc := range []struct {
		name string
		fig  func() (*Figure, error)
	}{
		{"dual_trajectories", func() (*Figure, error) { return MultiTrajectoryPlot(f, nil, nil) }},
		{"transitions", func() (*Figure, error) { return TransitionPlot(f, nil) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fig, err := tc.fig()
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := fig.RenderSize(&got, "png", Pixels(960, 640, 0)); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", tc.name+"_golden.png")
			if *cmpimg.GenerateTestData {
				if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (go test -regen writes it)", err)
			}
			if ok, err := cmpimg.Equal("png", got.Bytes(), want); err != nil || !ok {
				kept := filepath.Join(t.ArtifactDir(), tc.name+".png")
				os.WriteFile(kept, got.Bytes(), 0o644)
				t.Errorf("the figure differs from %s (%v); the new one is %s (go test -regen to accept it)", golden, err, kept)
			}
		})
	}
	// A model that is not dual has no transition table.
	m, _, _ := plotFixture(t)
	if _, err := TransitionPlot(m, nil); err == nil || !strings.Contains(err.Error(), "not a dual trajectory model") {
		t.Errorf("TransitionPlot of a poisson model: %v", err)
	}
}

// TestDualPlotLabels: the labels of a dual model's outcomes' groups
// (Fitted.SetOutcomeLabels) are the transition table's axis labels, each
// with its group's share, and the names in the trajectories' legend,
// under each outcome's name; a group without a label keeps its number.
func TestDualPlotLabels(t *testing.T) {
	f := dualFixture(t)
	if err := f.SetOutcomeLabels(0, []string{"low", "high"}); err != nil {
		t.Fatal(err)
	}
	if err := f.SetOutcomeLabels(1, []string{"rare", "some", "often"}); err != nil {
		t.Fatal(err)
	}
	tr, err := TransitionPlot(f, nil)
	if err != nil {
		t.Fatal(err)
	}
	svg := string(renderSVG(t, tr, Pixels(960, 640, 0)))
	for o, out := range f.Outcomes {
		for _, g := range out.Groups {
			if tick := fmt.Sprintf("%s (%.1f%%)", g.Label, 100*g.Share); !strings.Contains(svg, ">"+tick+"<") {
				t.Errorf("outcome %d: the transition table has no axis label %q", o+1, tick)
			}
		}
	}
	traj, err := MultiTrajectoryPlot(f, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	svg = string(renderSVG(t, traj, Pixels(960, 640, 0)))
	for _, out := range f.Outcomes {
		for _, g := range out.Groups {
			if !strings.Contains(svg, ">"+g.Legend()+"<") {
				t.Errorf("the trajectories' legend has no %q", g.Legend())
			}
		}
	}
	if err := f.SetOutcomeLabels(0, nil); err != nil {
		t.Fatal(err)
	}
	if tr, err = TransitionPlot(f, nil); err != nil {
		t.Fatal(err)
	}
	if svg = string(renderSVG(t, tr, Pixels(960, 640, 0))); !strings.Contains(svg, fmt.Sprintf(">2 (%.1f%%)<", 100*f.Outcomes[0].Groups[1].Share)) {
		t.Error("an unlabelled group's axis label is not its number")
	}
}
