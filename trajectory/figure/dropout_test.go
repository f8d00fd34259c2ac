package figure

import (
	"bytes"
	"errors"
	"math"
	"testing"

	"github.com/trajkit/trajkit/trajectory"
)

// TestDropoutPlot: the dropout figure of a fit with hazards renders, with
// and without intervals, and a fit without a dropout model is refused.
func TestDropoutPlot(t *testing.T) {
	m, _, _ := plotFixture(t)
	if _, err := DropoutPlot(m, nil); !errors.Is(err, errNoDropout) {
		t.Fatalf("a fit without dropout: error %v, want %v", err, errNoDropout)
	}
	for _, bands := range []bool{true, false} {
		d := *m
		d.Attrition = &trajectory.Attrition{Orders: make([]int, len(m.Groups)), FollowupEnd: "window"}
		d.Groups = append([]trajectory.Group(nil), m.Groups...)
		for j := range d.Groups {
			g := &trajectory.GroupDropout{}
			for age := d.MinAge(); age <= d.MaxAge(); age++ {
				h := 0.02 * float64(j+1) * (1 + float64(age-d.MinAge())/20)
				pt := trajectory.DropoutPoint{Age: age, Hazard: h, HazardLo: trajectory.Float(math.NaN()), HazardHi: trajectory.Float(math.NaN())}
				if bands {
					pt.HazardLo, pt.HazardHi = trajectory.Float(0.8*h), trajectory.Float(1.2*h)
				}
				g.Curve = append(g.Curve, pt)
			}
			d.Groups[j].Dropout = g
		}
		fig, err := DropoutPlot(&d, &DropoutOptions{Title: "dropout"})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := fig.Render(&b, "png", 960, 640); err != nil || b.Len() == 0 {
			t.Fatalf("bands %v: render: %v (%d bytes)", bands, err, b.Len())
		}
	}
}
