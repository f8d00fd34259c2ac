package figure

import (
	"fmt"
	"image/color"
	"math"
	"strconv"

	"github.com/trajkit/trajkit/trajectory"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	vgdraw "gonum.org/v1/plot/vg/draw"
)

// TransitionOptions control TransitionPlot. The zero value draws the
// table with the default title and axis labels.
type TransitionOptions struct {
	// Title is drawn over the figure; empty means "π(k2 | k1): group of B
	// given group of A" with the outcomes' names.
	Title string
	// XLabel and YLabel label the axes; empty means "Group of B" and
	// "Group of A" with the outcomes' names and their groups' shares.
	XLabel, YLabel string
	// Style sets the text size (the cells' shading is its own, and the
	// figure has no legend).
	Style Style
}

// transitionShade is the colour of a probability of 1; 0 is white.
var transitionShade = color.NRGBA{0x08, 0x45, 0x94, 0xFF}

// TransitionPlot draws the transition probabilities of a dual trajectory
// model (Nagin & Tremblay 2001): a table of π(k2 | k1), one row per group
// of the first outcome A (group 1 at the top) and one column per group of
// the second outcome B, each cell shaded from white (0) to dark blue (1)
// by its probability, which is printed in it with its standard error
// below when the model has one. Each row sums to one. The axis labels give
// each group's share.
func TransitionPlot(m *trajectory.Fitted, o *TransitionOptions) (*Figure, error) {
	if !m.IsDual() || m.Transition == nil || len(m.Outcomes) != 2 {
		return nil, fmt.Errorf("a model of distribution %s, not a dual trajectory model: it has no transition probabilities", m.Distribution)
	}
	if o == nil {
		o = &TransitionOptions{}
	}
	if err := o.Style.check(); err != nil {
		return nil, err
	}
	a, b := m.Outcomes[0], m.Outcomes[1]
	k1, k2 := len(a.Groups), len(b.Groups)
	p := newPlot(&o.Style, defaultString(o.XLabel, "Group of "+b.Name), defaultString(o.YLabel, "Group of "+a.Name))
	cells := &transitionCells{t: m.Transition, k1: k1, k2: k2, font: 12 * o.Style.fontScale()}
	p.Add(cells)
	xt := make([]plot.Tick, k2)
	for j, g := range b.Groups {
		xt[j] = plot.Tick{Value: float64(j + 1), Label: groupTick(g)}
	}
	yt := make([]plot.Tick, k1)
	for j, g := range a.Groups {
		yt[j] = plot.Tick{Value: float64(k1 - j), Label: groupTick(g)}
	}
	p.X.Tick.Marker, p.Y.Tick.Marker = plot.ConstantTicks(xt), plot.ConstantTicks(yt)
	p.X.Min, p.X.Max = 0.5, float64(k2)+0.5
	p.Y.Min, p.Y.Max = 0.5, float64(k1)+0.5
	title := o.Title
	if title == "" {
		title = fmt.Sprintf("π(k2 | k1): group of %s given group of %s", b.Name, a.Name)
	}
	return &Figure{title: title, panels: [][]*plot.Plot{{p}}, style: &o.Style}, nil
}

// groupTick labels a group on an axis of the transition table: its
// number (or label) and its share.
func groupTick(g trajectory.Group) string {
	name := strconv.Itoa(g.Number)
	if g.Label != "" {
		name = g.Label
	}
	return fmt.Sprintf("%s (%.1f%%)", name, 100*g.Share)
}

// transitionCells draws the cells of the table of π(k2 | k1) on data
// coordinates: column k2 + 1, row K1 − k1 (0-based k1, k2).
type transitionCells struct {
	t      *trajectory.Transition
	k1, k2 int
	font   float64
}

func (c *transitionCells) Plot(dc vgdraw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&dc)
	big, small := textStyle(c.font), textStyle(0.8*c.font)
	for _, s := range []*vgdraw.TextStyle{&big, &small} {
		s.XAlign, s.YAlign = vgdraw.XCenter, vgdraw.YCenter
	}
	for a := range c.k1 {
		for b := range c.k2 {
			q := c.t.BGivenA[a][b]
			x, y := float64(b+1), float64(c.k1-a)
			r := vg.Rectangle{Min: vg.Point{X: trX(x - 0.5), Y: trY(y - 0.5)}, Max: vg.Point{X: trX(x + 0.5), Y: trY(y + 0.5)}}
			dc.SetColor(shade(q))
			dc.Fill(r.Path())
			dc.SetLineStyle(vgdraw.LineStyle{Color: color.White, Width: vg.Points(2)})
			dc.Stroke(r.Path())
			ink := color.Color(color.Black)
			if q > 0.55 {
				ink = color.White
			}
			big.Color, small.Color = ink, ink
			mid := vg.Point{X: (r.Min.X + r.Max.X) / 2, Y: (r.Min.Y + r.Max.Y) / 2}
			se := float64(c.t.BGivenASE[a][b])
			if math.IsNaN(se) {
				dc.FillText(big, mid, fmt.Sprintf("%.2f", q))
				continue
			}
			h := big.Height("0")
			dc.FillText(big, vg.Point{X: mid.X, Y: mid.Y + 0.4*h}, fmt.Sprintf("%.2f", q))
			dc.FillText(small, vg.Point{X: mid.X, Y: mid.Y - 0.6*h}, fmt.Sprintf("(SE %.2f)", se))
		}
	}
}

// DataRange is the whole table.
func (c *transitionCells) DataRange() (xmin, xmax, ymin, ymax float64) {
	return 0.5, float64(c.k2) + 0.5, 0.5, float64(c.k1) + 0.5
}

// shade is the cell colour of probability q: white to transitionShade.
func shade(q float64) color.NRGBA {
	q = math.Max(0, math.Min(1, q))
	mix := func(v uint8) uint8 { return uint8(math.Round(255 - q*(255-float64(v)))) }
	return color.NRGBA{mix(transitionShade.R), mix(transitionShade.G), mix(transitionShade.B), 0xFF}
}
