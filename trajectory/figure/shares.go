package figure

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	vgdraw "gonum.org/v1/plot/vg/draw"
)

// ShareStudyPlot draws the shares a repeated study recovered: for each
// label, one dot per data set (jittered sideways), with the published
// share as a horizontal bar and the ±5-point band around it.
func ShareStudyPlot(labels []string, shares map[string][]float64, published map[string]float64, title string) (*Figure, error) {
	p := newPlot(nil, "", "Estimated share (%)")
	p.Title.Text = title
	rng := rand.New(rand.NewPCG(1, 2))
	var ticks []plot.Tick
	hi := 0.0
	for j, l := range labels {
		x := float64(j + 1)
		ticks = append(ticks, plot.Tick{Value: x, Label: l})
		c, glyph, _ := (*Style)(nil).groupStyle(j)
		pub := 100 * published[l]
		band, err := plotter.NewPolygon(plotter.XYs{{X: x - 0.35, Y: pub - 5}, {X: x + 0.35, Y: pub - 5}, {X: x + 0.35, Y: pub + 5}, {X: x - 0.35, Y: pub + 5}})
		if err != nil {
			return nil, err
		}
		band.Color = withAlpha(c, 0.15)
		band.LineStyle.Width = 0
		line, err := plotter.NewLine(plotter.XYs{{X: x - 0.35, Y: pub}, {X: x + 0.35, Y: pub}})
		if err != nil {
			return nil, err
		}
		line.LineStyle = vgdraw.LineStyle{Color: c, Width: vg.Points(2.5)}
		var pts plotter.XYs
		for _, v := range shares[l] {
			if math.IsNaN(v) {
				continue
			}
			pts = append(pts, plotter.XY{X: x + 0.5*(rng.Float64()-0.5), Y: 100 * v})
			hi = math.Max(hi, 100*v)
		}
		p.Add(band, line)
		if len(pts) > 0 {
			sc, err := plotter.NewScatter(pts)
			if err != nil {
				return nil, err
			}
			glyph.Color = withAlpha(c, 0.6)
			glyph.Radius = vg.Points(2.5)
			sc.GlyphStyle = glyph
			p.Add(sc)
		}
		hi = math.Max(hi, pub+5)
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.X.Min, p.X.Max = 0.4, float64(len(labels))+0.6
	p.Y.Min, p.Y.Max = 0, math.Ceil(hi/5)*5+2
	leg := newLegend(nil)
	bar, _ := plotter.NewLine(plotter.XYs{{}, {}})
	bar.LineStyle = vgdraw.LineStyle{Color: okabeIto[6], Width: vg.Points(2.5)}
	leg.Add("published share", bar)
	bandThumb, _ := plotter.NewPolygon(plotter.XYs{{}, {X: 1}, {X: 1, Y: 1}})
	bandThumb.Color = withAlpha(okabeIto[6], 0.15)
	bandThumb.LineStyle.Width = 0
	leg.Add("±5 points", bandThumb)
	n := 0
	for _, v := range shares {
		n = max(n, len(v))
	}
	dot, _ := plotter.NewScatter(plotter.XYs{{}})
	_, g, _ := (*Style)(nil).groupStyle(0)
	g.Color = okabeIto[6]
	dot.GlyphStyle = g
	leg.Add(fmt.Sprintf("one cohort (of %d)", n), dot)
	return &Figure{title: "", panels: [][]*plot.Plot{{p}}, legend: leg}, nil
}
