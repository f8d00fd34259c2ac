package figure

import (
	"fmt"
	"image/color"
	"math"
	"sort"
	"strings"

	"github.com/trajkit/trajkit/trajectory"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	vgdraw "gonum.org/v1/plot/vg/draw"
)

// TrajectoryOptions control TrajectoryPlot. The zero value draws the
// curves with their bands, without observed means.
type TrajectoryOptions struct {
	// Title is drawn over the figure; empty means none.
	Title string
	// XLabel and YLabel label the axes; empty means "Age" and "Offences
	// per year".
	XLabel, YLabel string
	// Observed are the observed means to draw as points, K x ages as
	// trajectory.ObservedMeans returns them; nil draws none.
	Observed [][]trajectory.ObservedMean
	// Weighting says how Observed were computed, for the legend.
	Weighting trajectory.Weighting
	// MinPersons hides observed means that rest on fewer persons (summed
	// weights); 0 means 1.
	MinPersons float64
	// NoBands leaves out the 95% bands even when the model has intervals.
	NoBands bool
	// TcovAt draws each group's curve at these values of its time-varying
	// covariates (traj's plottcov): one line per setting, covariates not
	// named at zero, mean · exp(Σ δ w). Empty means the curves at
	// covariates zero. Bands and observed means are at covariates zero
	// and as observed.
	TcovAt []map[string]float64
	// Style sets the groups' colours, the legend's position and the text
	// size.
	Style Style
}

// TrajectoryPlot draws a fitted model's trajectories: per group the
// expected count by age as a line, the observed means as points, and a
// 95% pointwise band when the model file has intervals (mean_lo and
// mean_hi, else the bootstrap's). Colours come from Okabe & Ito's palette
// and each group also has its own marker and dashes, so the figure reads
// in greyscale. The legend names each group with its share.
func TrajectoryPlot(m *trajectory.Fitted, o *TrajectoryOptions) (*Figure, error) {
	if o == nil {
		o = &TrajectoryOptions{}
	}
	if err := o.Style.check(); err != nil {
		return nil, err
	}
	if o.Observed != nil && len(o.Observed) != len(m.Groups) {
		return nil, fmt.Errorf("observed means for %d groups, the model has %d", len(o.Observed), len(m.Groups))
	}
	minPersons := o.MinPersons
	if minPersons == 0 {
		minPersons = 1
	}
	p := newPlot(&o.Style, defaultString(o.XLabel, "Age"), defaultString(o.YLabel, "Offences per year"))
	p.Add(horizontalGrid())
	leg := newLegend(&o.Style)
	var bandKind string
	// Bands first, so that no band hides a line.
	bands := make([]*plotter.Polygon, len(m.Groups))
	if !o.NoBands {
		for k := range m.Groups {
			var kind string
			bands[k], kind = band(&m.Groups[k])
			if bands[k] != nil {
				c, _, _ := o.Style.groupStyle(k)
				bands[k].Color = withAlpha(c, bandOpacity)
				p.Add(bands[k])
				if bandKind == "" || bandKind == kind {
					bandKind = kind
				} else {
					bandKind = "delta method or bootstrap"
				}
			}
		}
	}
	settings := o.TcovAt
	if len(settings) == 0 {
		settings = []map[string]float64{nil}
	}
	for k := range m.Groups {
		g := &m.Groups[k]
		_, glyph, line := o.Style.groupStyle(k)
		thumbs := []plot.Thumbnailer{}
		if bands[k] != nil {
			thumbs = append(thumbs, bands[k])
		}
		for si, w := range settings {
			shift := 0.0 // Σ δ w on the log scale
			for name, v := range w {
				d, ok := g.TcovCoef.Value(name)
				if !ok {
					return nil, fmt.Errorf("%s has no time-varying covariate %q", g.Name(), name)
				}
				shift += d * v
			}
			xy := make(plotter.XYs, 0, len(g.Curve))
			for _, c := range g.Curve {
				if y := c.Mean * math.Exp(shift); isFinite(y) {
					xy = append(xy, plotter.XY{X: float64(c.Age), Y: y})
				}
			}
			if len(xy) == 0 {
				return nil, fmt.Errorf("%s has no finite expected count to draw", g.Name())
			}
			l, err := plotter.NewLine(xy)
			if err != nil {
				return nil, err
			}
			l.LineStyle = line
			if len(o.TcovAt) > 0 {
				l.LineStyle.Dashes = dashes[si%len(dashes)]
			}
			if si == 0 {
				thumbs = append(thumbs, l)
			}
			p.Add(l)
		}
		if o.Observed != nil {
			var pts plotter.XYs
			for _, ob := range o.Observed[k] {
				if ob.Persons >= minPersons && isFinite(ob.Mean) {
					pts = append(pts, plotter.XY{X: float64(ob.Age), Y: ob.Mean})
				}
			}
			s := &plotter.Scatter{XYs: pts, GlyphStyle: glyph}
			if len(pts) > 0 {
				p.Add(s)
			}
			thumbs = append(thumbs, s)
		}
		leg.Add(g.Legend(), thumbs...)
	}
	// A key to the elements, in black.
	black := color.Black
	leg.Break()
	keyLine := &plotter.Line{LineStyle: vgdraw.LineStyle{Color: black, Width: vg.Points(2)}}
	leg.Add("expected count (model)", keyLine)
	if len(o.TcovAt) > 0 {
		for si, w := range o.TcovAt {
			names := make([]string, 0, len(w))
			for n := range w {
				names = append(names, n)
			}
			sort.Strings(names)
			parts := make([]string, len(names))
			for j, n := range names {
				parts[j] = fmt.Sprintf("%s = %g", n, w[n])
			}
			label := strings.Join(parts, ", ")
			if label == "" {
				label = "covariates zero"
			}
			leg.Add("  at "+label, &plotter.Line{LineStyle: vgdraw.LineStyle{Color: black, Width: vg.Points(2), Dashes: dashes[si%len(dashes)]}})
		}
	}
	if o.Observed != nil {
		keyPoint := &plotter.Scatter{GlyphStyle: vgdraw.GlyphStyle{Color: black, Radius: vg.Points(3.5), Shape: vgdraw.CircleGlyph{}}}
		leg.Add("observed mean ("+o.Weighting.String()+")", keyPoint)
	}
	if bandKind != "" {
		leg.Add("95% pointwise interval ("+bandKind+")", swatch{fill: color.Gray{Y: 0xC8}})
	}
	p.Y.Min = 0
	p.X.Tick.Marker = ageTicks{}
	p.X.Min, p.X.Max = float64(m.MinAge()), float64(m.MaxAge())
	if p.X.Min >= p.X.Max {
		p.X.Min, p.X.Max = xRange(m)
	}
	return &Figure{title: o.Title, panels: [][]*plot.Plot{{p}}, legend: leg, style: &o.Style}, nil
}

// bandOpacity is the opacity of the bands' fill.
const bandOpacity = 0.22

// band returns a group's 95% band as a polygon without fill and the kind
// of interval, or nil when the curve lacks an interval at some age.
func band(g *trajectory.Group) (*plotter.Polygon, string) {
	kinds := []struct {
		name   string
		lo, hi func(trajectory.CurvePoint) trajectory.Float
	}{
		{"delta method", func(c trajectory.CurvePoint) trajectory.Float { return c.MeanLo }, func(c trajectory.CurvePoint) trajectory.Float { return c.MeanHi }},
		{"bootstrap", func(c trajectory.CurvePoint) trajectory.Float { return c.MeanLoBoot }, func(c trajectory.CurvePoint) trajectory.Float { return c.MeanHiBoot }},
	}
	for _, kind := range kinds {
		n := len(g.Curve)
		ring := make(plotter.XYs, 2*n)
		ok := n > 0
		for t, c := range g.Curve {
			lo, hi := kind.lo(c), kind.hi(c)
			// Zero bounds are those of a fit without a bootstrap.
			if !lo.IsDefined() || !hi.IsDefined() || hi == 0 {
				ok = false
				break
			}
			ring[t] = plotter.XY{X: float64(c.Age), Y: float64(lo)}
			ring[2*n-1-t] = plotter.XY{X: float64(c.Age), Y: float64(hi)}
		}
		if !ok {
			continue
		}
		poly, err := plotter.NewPolygon(ring)
		if err != nil {
			continue
		}
		poly.LineStyle.Width = 0
		return poly, kind.name
	}
	return nil, ""
}

// HasBands reports whether TrajectoryPlot draws an interval band for any
// group of the fit (one with delta-method or bootstrap limits at every
// age).
func HasBands(f *trajectory.Fitted) bool {
	for k := range f.Groups {
		if b, _ := band(&f.Groups[k]); b != nil {
			return true
		}
	}
	return false
}

// xRange returns the ages the curves cover.
func xRange(m *trajectory.Fitted) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, g := range m.Groups {
		for _, c := range g.Curve {
			lo = math.Min(lo, float64(c.Age))
			hi = math.Max(hi, float64(c.Age))
		}
	}
	if lo >= hi {
		lo, hi = lo-1, hi+1
	}
	return lo, hi
}

func isFinite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
