package figure

import (
	"errors"
	"image/color"
	"math"
	"sort"
	"strconv"

	"github.com/trajkit/trajkit/trajectory"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	vgdraw "gonum.org/v1/plot/vg/draw"
)

// point is a model of a selection as the figure draws it.
type point struct {
	Groups                  int
	BICPersons, BICObs, AIC float64 // NaN when undefined
	Recommended             bool
}

// SelectionOptions control SelectionPlot. The zero value gives the
// defaults.
type SelectionOptions struct {
	// Title is drawn over the figure; empty means none.
	Title string
	// XLabel and YLabel label the axes; empty means "Number of groups" and
	// "Criterion (smaller is better)".
	XLabel, YLabel string
	// Style sets the legend's position and the text size; the criteria
	// keep the first colours of the default palette.
	Style Style
}

// SelectionPlot draws BIC with N persons, BIC with N observations and AIC
// against the number of groups. Where several models have the same number
// of groups (different polynomial orders), it draws the one with the
// lowest BIC (N persons). The recommended model is ringed, whether or not
// it is the one drawn for its number of groups. When the models with few
// groups dwarf the differences between the better ones, a second panel
// zooms in on the models from two groups below the lowest BIC (N persons)
// upwards.
func SelectionPlot(cands []*trajectory.Candidate, o *SelectionOptions) (*Figure, error) {
	if o == nil {
		o = &SelectionOptions{}
	}
	if err := o.Style.check(); err != nil {
		return nil, err
	}
	pts := make([]point, len(cands))
	for j, c := range cands {
		pts[j] = point{c.Groups, c.BICPersons, c.BICObs, c.AIC, c.Recommended}
	}
	if len(pts) == 0 {
		return nil, errors.New("no models to plot")
	}
	best := bestByGroups(pts)
	var rec *point
	for j := range pts {
		if pts[j].Recommended && isFinite(pts[j].BICPersons) {
			rec = &pts[j]
			break
		}
	}
	all, leg, err := selectionPanel(best, rec, o, true)
	if err != nil {
		return nil, err
	}
	panels := [][]*plot.Plot{{all}}
	lowest := -1
	for j, s := range best {
		if isFinite(s.BICPersons) && (lowest < 0 || s.BICPersons < best[lowest].BICPersons) {
			lowest = j
		}
	}
	if from := max(lowest-2, 0); lowest >= 0 && from > 0 && len(best)-from >= 2 {
		zoom, _, err := selectionPanel(best[from:], rec, o, false)
		if err == nil {
			all.Title.Text = "All models"
			zoom.Title.Text = "From " + strconv.Itoa(best[from].Groups) + " groups"
			panels = [][]*plot.Plot{{all, zoom}}
		}
	}
	return &Figure{title: o.Title, panels: panels, legend: leg, style: &o.Style}, nil
}

// selectionPanel draws the criteria of the models best, one per number of
// groups, and rings rec when it falls in the panel's range.
func selectionPanel(best []point, rec *point, o *SelectionOptions, withLegend bool) (*plot.Plot, *legend, error) {
	p := newPlot(&o.Style, defaultString(o.XLabel, "Number of groups"), defaultString(o.YLabel, "Criterion (smaller is better)"))
	p.Add(horizontalGrid())
	leg := newLegend(&o.Style)
	criteria := []struct {
		name  string
		value func(point) float64
	}{
		{"BIC (N persons)", func(s point) float64 { return s.BICPersons }},
		{"BIC (N observations)", func(s point) float64 { return s.BICObs }},
		{"AIC", func(s point) float64 { return s.AIC }},
	}
	var drawn bool
	for j, cr := range criteria {
		_, glyph, line := (*Style)(nil).groupStyle(j)
		var all, run plotter.XYs
		// Undefined values break the line.
		flush := func() {
			if len(run) > 1 {
				p.Add(&plotter.Line{XYs: run, LineStyle: line})
			}
			run = nil
		}
		for _, s := range best {
			v := cr.value(s)
			if !isFinite(v) {
				flush()
				continue
			}
			xy := plotter.XY{X: float64(s.Groups), Y: v}
			run = append(run, xy)
			all = append(all, xy)
		}
		flush()
		if len(all) == 0 {
			continue
		}
		drawn = true
		sc := &plotter.Scatter{XYs: all, GlyphStyle: glyph}
		p.Add(sc)
		leg.Add(cr.name, &plotter.Line{LineStyle: line}, sc)
	}
	if !drawn {
		return nil, nil, errors.New("no model has a defined BIC or AIC")
	}
	if rec != nil {
		ring := vgdraw.GlyphStyle{Color: color.Black, Radius: vg.Points(9), Shape: thickRing{}}
		sc := &plotter.Scatter{XYs: plotter.XYs{{X: float64(rec.Groups), Y: rec.BICPersons}}, GlyphStyle: ring}
		if rec.Groups >= best[0].Groups {
			p.Add(sc)
		}
		leg.Add("recommended: "+strconv.Itoa(rec.Groups)+" groups", sc)
	}
	var ticks []plot.Tick
	for _, s := range best {
		ticks = append(ticks, plot.Tick{Value: float64(s.Groups), Label: strconv.Itoa(s.Groups)})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.X.Min, p.X.Max = float64(best[0].Groups)-0.5, float64(best[len(best)-1].Groups)+0.5
	if !withLegend {
		leg = nil
	}
	return p, leg, nil
}

// bestByGroups returns, for each number of groups in increasing order, the
// model with the lowest BIC (N persons); undefined BICs lose, and among
// equals the first row wins.
func bestByGroups(pts []point) []point {
	best := map[int]point{}
	for _, s := range pts {
		b, ok := best[s.Groups]
		if !ok || isFinite(s.BICPersons) && (!isFinite(b.BICPersons) || s.BICPersons < b.BICPersons) {
			best[s.Groups] = s
		}
	}
	out := make([]point, 0, len(best))
	for _, s := range best {
		out = append(out, s)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Groups < out[b].Groups })
	return out
}

// thickRing is a ring drawn with a 1.5-point line, visible around the
// markers it surrounds.
type thickRing struct{}

func (thickRing) DrawGlyph(c *vgdraw.Canvas, sty vgdraw.GlyphStyle, pt vg.Point) {
	c.SetLineStyle(vgdraw.LineStyle{Color: sty.Color, Width: vg.Points(1.5)})
	var p vg.Path
	p.Move(vg.Point{X: pt.X + sty.Radius, Y: pt.Y})
	p.Arc(pt, sty.Radius, 0, 2*math.Pi)
	p.Close()
	c.Stroke(p)
}
