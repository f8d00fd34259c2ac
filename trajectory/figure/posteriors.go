package figure

import (
	"fmt"
	"image/color"
	"math"
	"math/rand/v2"

	"github.com/trajkit/trajkit/trajectory"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	vgdraw "gonum.org/v1/plot/vg/draw"
)

// PosteriorOptions control PosteriorPlot. The zero value gives the
// defaults.
type PosteriorOptions struct {
	// Title is drawn over the figure; empty means none.
	Title string
	// XLabel and YLabel label the axes; empty means "Posterior probability
	// of the assigned group" and no label.
	XLabel, YLabel string
	// MaxPoints bounds the persons drawn per group (0: 2000); a larger
	// group shows a random sample of them, its APP still uses all.
	MaxPoints int
	// Style sets the groups' colours, the legend's position and the text
	// size.
	Style Style
}

// PosteriorPlot draws, for each group, the maximum posterior probability
// of every person assigned to it, one dot per person in the group's row
// (jittered vertically so that equal values stay visible), with the
// group's APP, their mean (Nagin 2005, ch. 5), as a black bar and the
// rule-of-thumb threshold 0.7 as a dashed line. Dots to the left are
// persons the model classifies poorly. It needs the fit's posteriors
// (Fitted.Posterior), which a fit read from model.json alone lacks.
func PosteriorPlot(f *trajectory.Fitted, o *PosteriorOptions) (*Figure, error) {
	if o == nil {
		o = &PosteriorOptions{}
	}
	if err := o.Style.check(); err != nil {
		return nil, err
	}
	post := f.Posterior
	k := len(f.Groups)
	if post == nil {
		return nil, errNoPosteriors
	}
	n := len(post[0])
	if err := checkPosteriors(post, k, n); err != nil {
		return nil, err
	}
	maxPoints := o.MaxPoints
	if maxPoints == 0 {
		maxPoints = 2000
	}
	members := make([][]float64, k)
	for i := 0; i < n; i++ {
		j := trajectory.AssignedGroup(post, i) - 1
		members[j] = append(members[j], post[j][i])
	}
	p := newPlot(&o.Style, defaultString(o.XLabel, "Posterior probability of the assigned group"), o.YLabel)
	p.X.Tick.Marker = niceTicks{n: 8}
	grid := plotter.NewGrid()
	grid.Horizontal.Color = nil
	grid.Vertical.Color = color.Gray{Y: 0xDD}
	p.Add(grid)
	// The jitter is seeded: the same posteriors give the same figure.
	rng := rand.New(rand.NewPCG(1, 0x617070))
	appLine := vgdraw.LineStyle{Color: color.Black, Width: vg.Points(2.5)}
	thrLine := vgdraw.LineStyle{Color: color.Gray{Y: 0x50}, Width: vg.Points(1), Dashes: []vg.Length{4, 3}}
	names := make([]string, k)
	var sampled bool
	for j := range f.Groups {
		g := &f.Groups[j]
		c, glyph, _ := o.Style.groupStyle(j)
		row := float64(k - 1 - j) // group 1 on top
		vals := members[j]
		var sum float64
		for _, v := range vals {
			sum += v
		}
		names[k-1-j] = fmt.Sprintf("%s\nn = %d", g.Legend(), len(vals))
		if len(vals) == 0 {
			continue
		}
		app := sum / float64(len(vals))
		names[k-1-j] += fmt.Sprintf(", APP %.3f", app)
		if len(vals) > maxPoints {
			vals = append([]float64(nil), vals...)
			rng.Shuffle(len(vals), func(a, b int) { vals[a], vals[b] = vals[b], vals[a] })
			vals = vals[:maxPoints]
			sampled = true
		}
		xy := make(plotter.XYs, len(vals))
		for i, v := range vals {
			xy[i] = plotter.XY{X: v, Y: row + 0.7*(rng.Float64()-0.5)}
		}
		glyph.Color = withAlpha(c, 0.55)
		glyph.Radius = vg.Points(2.2)
		// The bar goes under the dots, which are translucent.
		p.Add(&segment{x0: app, y0: row - 0.45, x1: app, y1: row + 0.45, sty: appLine})
		p.Add(&plotter.Scatter{XYs: xy, GlyphStyle: glyph})
	}
	p.Add(&segment{x0: trajectory.MinAPP, y0: -0.5, x1: trajectory.MinAPP, y1: float64(k) - 0.5, sty: thrLine})
	p.NominalY(names...)
	p.Y.Min, p.Y.Max = -0.5, float64(k)-0.5
	// A maximum of K posteriors is at least 1/K: start the axis there.
	p.X.Min, p.X.Max = 0, 1
	if k > 1 {
		p.X.Min = math.Floor(20/float64(k)) / 20
	}
	leg := newLegend(&o.Style)
	person := "a person assigned\nto the group"
	if sampled {
		person += fmt.Sprintf("\n(%d at most)", maxPoints)
	}
	leg.Add(person, &plotter.Scatter{GlyphStyle: vgdraw.GlyphStyle{Color: color.Gray{Y: 0x60}, Radius: vg.Points(2.2), Shape: vgdraw.CircleGlyph{}}})
	leg.Add("APP: the group's mean", &plotter.Line{LineStyle: appLine})
	leg.Add(fmt.Sprintf("%g: Nagin's (2005)\nrule of thumb", trajectory.MinAPP), &plotter.Line{LineStyle: thrLine})
	return &Figure{title: o.Title, panels: [][]*plot.Plot{{p}}, legend: leg, style: &o.Style}, nil
}

// segment is a line segment between two points in data coordinates.
type segment struct {
	x0, y0, x1, y1 float64
	sty            vgdraw.LineStyle
}

func (s *segment) Plot(c vgdraw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	c.StrokeLine2(s.sty, trX(s.x0), trY(s.y0), trX(s.x1), trY(s.y1))
}
