package figure

import (
	"fmt"
	"image/color"
	"maps"
	"math"
	"slices"
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
	// XLabel and YLabel label the axes; empty means "Age" and the
	// distribution's own ("Offences per year", "Probability of an
	// offence", "Expected score (COLUMN)").
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
	// named at zero, mean · exp(Σ δ w). It is Tcov with values only, and
	// comes first.
	TcovAt []map[string]float64
	// Tcov draws each group's curve at these settings of its time-varying
	// covariates, one line per setting, dashed by setting; a covariate at
	// its mean gives the average of the persons' expected counts, which
	// the observed means match (trajectory.TcovCurves). Empty (with TcovAt)
	// means the curves at covariates zero. The bands, which are at
	// covariates zero, are drawn only with a setting at zero.
	Tcov []trajectory.TcovSetting
	// Careers are the careers the model was fitted to, in the order of its
	// posteriors (Fitted.Posterior), weighted by Weighting: needed only for
	// a covariate at its mean.
	Careers *trajectory.Careers
	// OutcomeCareers are, for MultiTrajectoryPlot, the careers of each
	// outcome (in the order of Fitted.Outcomes), each outcome's panel
	// taking its own as Careers.
	OutcomeCareers []*trajectory.Careers
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
	settings := make([]trajectory.TcovSetting, 0, len(o.TcovAt)+len(o.Tcov))
	for _, w := range o.TcovAt {
		settings = append(settings, trajectory.TcovSetting{Values: w})
	}
	settings = append(settings, o.Tcov...)
	given := len(settings) > 0
	if !given {
		settings = []trajectory.TcovSetting{{}}
	}
	withBands := !o.NoBands && slices.ContainsFunc(settings, trajectory.TcovSetting.IsZero)
	curves := make([][][]float64, len(settings)) // setting, group, age
	for si, s := range settings {
		if len(s.Mean) > 0 && o.Careers != nil {
			if err := samePersons(m, o.Careers); err != nil {
				return nil, err
			}
		}
		var err error
		if curves[si], err = trajectory.TcovCurves(m, s, o.Careers, m.Posterior, o.Weighting); err != nil {
			return nil, err
		}
	}
	p := newPlot(&o.Style, defaultString(o.XLabel, "Age"), defaultString(o.YLabel, yLabel(m)))
	p.Add(horizontalGrid())
	leg := newLegend(&o.Style)
	var bandKind string
	// Bands first, so that no band hides a line.
	bands := make([]*plotter.Polygon, len(m.Groups))
	if withBands {
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
	for k := range m.Groups {
		g := &m.Groups[k]
		_, glyph, line := o.Style.groupStyle(k)
		thumbs := []plot.Thumbnailer{}
		if bands[k] != nil {
			thumbs = append(thumbs, bands[k])
		}
		for si := range settings {
			xy := make(plotter.XYs, 0, len(g.Curve))
			for t, c := range g.Curve {
				if y := curves[si][k][t]; isFinite(y) {
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
			if given {
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
	leg.Add(m.Distribution.CurveKey()+" (model)", keyLine)
	switch {
	case given:
		for si, s := range settings {
			leg.Add("  at "+tcovLabel(s), &plotter.Line{LineStyle: vgdraw.LineStyle{Color: black, Width: vg.Points(2), Dashes: dashes[si%len(dashes)]}})
		}
	case len(m.TcovNames()) > 0:
		leg.Add("  at covariates zero")
	}
	if o.Observed != nil {
		keyPoint := &plotter.Scatter{GlyphStyle: vgdraw.GlyphStyle{Color: black, Radius: vg.Points(3.5), Shape: vgdraw.CircleGlyph{}}}
		leg.Add("observed mean ("+o.Weighting.String()+")", keyPoint)
	}
	if bandKind != "" {
		leg.Add("95% pointwise interval ("+bandKind+")", swatch{fill: color.Gray{Y: 0xC8}})
	}
	p.Y.Min = math.Min(p.Y.Min, 0) // 0, unless a censored normal's curve goes below
	p.X.Tick.Marker = ageTicks{}
	p.X.Min, p.X.Max = float64(m.MinAge()), float64(m.MaxAge())
	if p.X.Min >= p.X.Max {
		p.X.Min, p.X.Max = xRange(m)
	}
	return &Figure{title: o.Title, panels: [][]*plot.Plot{{p}}, legend: leg, style: &o.Style}, nil
}

// tcovLabel names a setting of the time-varying covariates in the legend:
// "employed = 1", "employed = mean of the persons observed".
func tcovLabel(s trajectory.TcovSetting) string {
	var parts []string
	for _, name := range slices.Sorted(maps.Keys(s.Values)) {
		parts = append(parts, fmt.Sprintf("%s = %g", name, s.Values[name]))
	}
	for _, name := range slices.Sorted(slices.Values(s.Mean)) {
		parts = append(parts, name+" = mean")
	}
	if len(parts) == 0 {
		return "covariates zero"
	}
	label := strings.Join(parts, ", ")
	if len(s.Mean) > 0 {
		label += " of the persons observed"
	}
	return label
}

// bandOpacity is the opacity of the bands' fill.
const bandOpacity = 0.22

// band returns a group's 95% band (Group.CurveInterval) as a polygon
// without fill and the kind of interval, or nil when the curve lacks an
// interval at some age.
func band(g *trajectory.Group) (*plotter.Polygon, string) {
	lo, hi, kind := g.CurveInterval()
	if lo == nil {
		return nil, ""
	}
	n := len(g.Curve)
	ring := make(plotter.XYs, 2*n)
	for t, c := range g.Curve {
		ring[t] = plotter.XY{X: float64(c.Age), Y: lo[t]}
		ring[2*n-1-t] = plotter.XY{X: float64(c.Age), Y: hi[t]}
	}
	poly, err := plotter.NewPolygon(ring)
	if err != nil {
		return nil, ""
	}
	poly.LineStyle.Width = 0
	return poly, kind
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

// yLabel is the y axis of a figure of m's curves: the distribution's, and
// for a scale (cnorm) the scale's column name with it: "Expected score
// (delinquency)".
func yLabel(m *trajectory.Fitted) string {
	l := m.Distribution.YLabel()
	if name := m.Settings.Data.Count; m.Distribution.Real() && name != "" {
		l += " (" + name + ")"
	}
	return l
}

// MultiTrajectoryPlot draws a multi-trajectory model (traj's
// multtrajplot): one panel per outcome, titled with its name, each as
// TrajectoryPlot draws it, the groups in the same colours and markers in
// every panel and one legend (whose key to the model's curves is the
// first outcome's). A dual model's outcomes have groups of their own,
// coloured outcome by outcome: the legend then names each outcome's
// groups under the outcome's name. observed[i] are outcome i's observed
// means, as
// TrajectoryOptions.Observed; nil draws none. The settings of the
// time-varying covariates (Tcov, TcovAt) are every panel's, each outcome
// at its own effects, a covariate at its mean averaged over the
// outcome's careers (OutcomeCareers). The panels fill rows of up to
// three.
func MultiTrajectoryPlot(m *trajectory.Fitted, o *TrajectoryOptions, observed [][][]trajectory.ObservedMean) (*Figure, error) {
	if !m.IsMulti() && !m.IsDual() {
		return nil, fmt.Errorf("a model of distribution %s, not of several outcomes: draw it with TrajectoryPlot", m.Distribution)
	}
	if o == nil {
		o = &TrajectoryOptions{}
	}
	if observed != nil && len(observed) != len(m.Outcomes) {
		return nil, fmt.Errorf("observed means of %d outcomes, the model has %d", len(observed), len(m.Outcomes))
	}
	if o.OutcomeCareers != nil && len(o.OutcomeCareers) != len(m.Outcomes) {
		return nil, fmt.Errorf("careers of %d outcomes, the model has %d", len(o.OutcomeCareers), len(m.Outcomes))
	}
	const perRow = 3
	var panels [][]*plot.Plot
	var leg *legend
	for i, out := range m.Outcomes {
		oi := *o
		oi.Title, oi.Observed, oi.OutcomeCareers = "", nil, nil
		if observed != nil {
			oi.Observed = observed[i]
		}
		if o.OutcomeCareers != nil {
			oi.Careers = o.OutcomeCareers[i]
		}
		f, err := TrajectoryPlot(m.Outcome(i), &oi)
		if err != nil {
			return nil, fmt.Errorf("outcome %s: %w", out.Name, err)
		}
		p := f.panels[0][0]
		p.Title.Text = out.Name
		if i%perRow == 0 {
			panels = append(panels, nil)
		}
		panels[len(panels)-1] = append(panels[len(panels)-1], p)
		switch {
		case m.IsDual():
			leg = dualLegend(leg, out.Name, f.legend)
		case leg == nil:
			leg = f.legend
		}
	}
	for len(panels) > 1 && len(panels[len(panels)-1]) < perRow {
		panels[len(panels)-1] = append(panels[len(panels)-1], nil) // blank
	}
	return &Figure{title: o.Title, panels: panels, legend: leg, style: &o.Style}, nil
}

// dualLegend adds outcome name's groups, the first block of its panel's
// legend, to leg (nil for the first outcome, whose key to the marks then
// ends the legend).
func dualLegend(leg *legend, name string, panel *legend) *legend {
	if leg == nil {
		leg = &legend{text: panel.text, thumb: panel.thumb, pad: panel.pad}
		leg.Add(name)
		leg.blocks[0] = append(leg.blocks[0], panel.blocks[0]...)
		leg.blocks = append(leg.blocks, panel.blocks[1:]...)
		return leg
	}
	// Before the key to the marks, the last blocks.
	groups := append([]legendEntry{{text: name}}, panel.blocks[0]...)
	leg.blocks = append(leg.blocks[:1], append([][]legendEntry{groups}, leg.blocks[1:]...)...)
	return leg
}
