package figure

import (
	"errors"
	"math"

	"github.com/trajkit/trajkit/trajectory"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
)

// DropoutOptions control DropoutPlot. The zero value gives the defaults.
type DropoutOptions struct {
	// Title is drawn over the figure; empty means none.
	Title string
	// XLabel and YLabel label the axes; empty means "Age" and
	// "Probability of dropping out".
	XLabel, YLabel string
	// Style sets the groups' colours, the legend's position and the text
	// size.
	Style Style
}

// errNoDropout is DropoutPlot's error for a fit without a dropout model.
var errNoDropout = errors.New("the model has no dropout model: fit it with --dropout")

// DropoutPlot draws each group's dropout hazard d_k(age) (Haviland, Jones
// & Nagin 2011; at lagged responses and covariates zero) with its 95%
// interval as a band when the fit has standard errors. The hazard at the
// window's first age is drawn although no one can drop out there: the
// curve is the fitted logit's.
func DropoutPlot(f *trajectory.Fitted, o *DropoutOptions) (*Figure, error) {
	if o == nil {
		o = &DropoutOptions{}
	}
	if err := o.Style.check(); err != nil {
		return nil, err
	}
	if f.Attrition == nil {
		return nil, errNoDropout
	}
	p := newPlot(&o.Style, defaultString(o.XLabel, "Age"), defaultString(o.YLabel, "Probability of dropping out"))
	p.X.Tick.Marker = niceTicks{n: 8}
	leg := newLegend(&o.Style)
	hi := 0.0
	for j := range f.Groups {
		g := &f.Groups[j]
		c, _, line := o.Style.groupStyle(j)
		xy := make(plotter.XYs, len(g.Dropout.Curve))
		var band plotter.XYs
		for t, pt := range g.Dropout.Curve {
			xy[t] = plotter.XY{X: float64(pt.Age), Y: pt.Hazard}
			hi = math.Max(hi, pt.Hazard)
			if !math.IsNaN(float64(pt.HazardHi)) {
				hi = math.Max(hi, float64(pt.HazardHi))
			}
		}
		if !math.IsNaN(float64(g.Dropout.Curve[0].HazardLo)) {
			for _, pt := range g.Dropout.Curve {
				band = append(band, plotter.XY{X: float64(pt.Age), Y: float64(pt.HazardLo)})
			}
			for t := len(g.Dropout.Curve) - 1; t >= 0; t-- {
				pt := g.Dropout.Curve[t]
				band = append(band, plotter.XY{X: float64(pt.Age), Y: float64(pt.HazardHi)})
			}
			poly, err := plotter.NewPolygon(band)
			if err != nil {
				return nil, err
			}
			poly.Color = withAlpha(c, 0.15)
			poly.LineStyle.Width = 0
			p.Add(poly)
		}
		l, err := plotter.NewLine(xy)
		if err != nil {
			return nil, err
		}
		l.LineStyle = line
		p.Add(l)
		leg.Add(g.Legend(), l)
	}
	p.Y.Min, p.Y.Max = 0, math.Max(hi*1.05, 0.01)
	p.X.Min, p.X.Max = float64(f.MinAge()), float64(f.MaxAge())
	return &Figure{title: o.Title, panels: [][]*plot.Plot{{p}}, legend: leg, style: &o.Style}, nil
}
