package figure

import (
	"fmt"
	"image/color"
	"math/rand/v2"
	"sort"
	"strconv"

	"github.com/trajkit/trajkit/trajectory"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	vgdraw "gonum.org/v1/plot/vg/draw"
)

// CareersOptions control CareersPlot. The zero value gives the defaults.
type CareersOptions struct {
	// Title is drawn over the figure; empty means none.
	Title string
	// XLabel and YLabel label each panel's axes; empty means "Age" and
	// "Persons (a random sample)".
	XLabel, YLabel string
	// Sample is the number of persons drawn from each group (0:
	// DefaultSample); a group with fewer assigned persons shows them all.
	Sample int
	// Seed seeds the draw: the same seed draws the same persons.
	Seed uint64
	// Style sets the legend's position and the text size; the colours
	// are those of the counts.
	Style Style
}

// DefaultSample is the number of careers drawn per group by default.
const DefaultSample = 20

// countColours colour a count of 0, 1, ..., 5 or more offences: a
// sequential blue scale (Brewer's Blues) that darkens steadily, so it
// reads in greyscale and with colour-vision deficiencies. Ages not
// observed stay white.
var countColours = []color.NRGBA{
	{0xF0, 0xF0, 0xF0, 0xFF},
	{0x9E, 0xCA, 0xE1, 0xFF},
	{0x6B, 0xAE, 0xD6, 0xFF},
	{0x31, 0x82, 0xBD, 0xFF},
	{0x08, 0x51, 0x9C, 0xFF},
	{0x08, 0x30, 0x6B, 0xFF},
}

// CareersPlot draws a random sample of individual careers per group, one
// panel per group: each person a row, each age a cell coloured by the
// count of offences (the raw count, whatever the exposure), white where
// the person is not observed. Persons are assigned to their
// maximum-posterior group; within a panel the rows are ordered by total
// offences, most at the top. c are the careers the model was fitted to,
// the persons of the fit's posteriors (Fitted.IDs and Posterior, which a
// fit read from model.json alone lacks) in the same order.
func CareersPlot(f *trajectory.Fitted, c *trajectory.Careers, o *CareersOptions) (*Figure, error) {
	if o == nil {
		o = &CareersOptions{}
	}
	if err := o.Style.check(); err != nil {
		return nil, err
	}
	k, n := len(f.Groups), c.Len()
	post := f.Posterior
	if post == nil {
		return nil, errNoPosteriors
	}
	if err := checkPosteriors(post, k, n); err != nil {
		return nil, err
	}
	if err := samePersons(f, c); err != nil {
		return nil, err
	}
	sample := o.Sample
	if sample == 0 {
		sample = DefaultSample
	}
	if sample < 0 {
		return nil, fmt.Errorf("sample of %d persons: expected a positive number", sample)
	}
	members := make([][]int, k)
	for i := 0; i < n; i++ {
		j := trajectory.AssignedGroup(post, i) - 1
		members[j] = append(members[j], i)
	}
	rng := rand.New(rand.NewPCG(o.Seed, 0x63617265657273))
	panels := make([]*plot.Plot, k)
	for j := range panels {
		g := &f.Groups[j]
		p := newPlot(&o.Style, defaultString(o.XLabel, "Age"), defaultString(o.YLabel, "Persons (a random sample)"))
		rows := drawSample(rng, members[j], sample)
		strip := newCareerStrip(c, rows)
		p.Add(strip)
		p.Title.Text = fmt.Sprintf("%s: %d of %d assigned", g.Legend(), len(rows), len(members[j]))
		p.X.Min, p.X.Max = float64(c.MinAge)-0.5, float64(c.MaxAge())+0.5
		p.Y.Min, p.Y.Max = 0, float64(max(len(rows), 1))
		p.Y.Tick.Marker = plot.ConstantTicks(nil)
		p.X.Tick.Marker = ageTicks{}
		p.Y.Padding, p.X.Padding = 0, 0
		panels[j] = p
	}
	leg := newLegend(&o.Style)
	leg.Add("Offences", swatch{})
	for v, col := range countColours {
		label := strconv.Itoa(v)
		if v == len(countColours)-1 {
			label += " or more"
		}
		leg.Add(label, swatch{fill: col, outline: color.Gray{Y: 0x80}})
	}
	leg.Add("not observed", swatch{fill: color.White, outline: color.Gray{Y: 0x80}})
	return &Figure{title: o.Title, panels: panelGrid(panels), legend: leg, style: &o.Style}, nil
}

// drawSample returns up to size of the persons, drawn without replacement,
// ordered by total offences (most first) then by input order.
func drawSample(rng *rand.Rand, persons []int, size int) []int {
	out := append([]int(nil), persons...)
	if len(out) > size {
		// A partial Fisher-Yates shuffle.
		for a := 0; a < size; a++ {
			b := a + rng.IntN(len(out)-a)
			out[a], out[b] = out[b], out[a]
		}
		out = out[:size]
	}
	sort.Ints(out)
	return out
}

// careerStrip draws careers as rows of cells, the first at the top.
type careerStrip struct {
	minAge int
	// cells[r][a] is the count of row r at age index a, −1 where the
	// person is not observed.
	cells [][]int
}

func newCareerStrip(c *trajectory.Careers, persons []int) *careerStrip {
	s := &careerStrip{minAge: c.MinAge, cells: make([][]int, len(persons))}
	total := make([]int, len(persons))
	for r, i := range persons {
		row := make([]int, c.NumAges)
		for a := range row {
			row[a] = -1
		}
		c.Cells(i, func(x trajectory.Cell) {
			if x.Exposure > 0 {
				row[x.Age-c.MinAge] = x.Y
				total[r] += x.Y
			}
		})
		s.cells[r] = row
	}
	order := make([]int, len(persons))
	for r := range order {
		order[r] = r
	}
	sort.SliceStable(order, func(a, b int) bool { return total[order[a]] > total[order[b]] })
	sorted := make([][]int, len(order))
	for r, from := range order {
		sorted[r] = s.cells[from]
	}
	s.cells = sorted
	return s
}

func (s *careerStrip) Plot(c vgdraw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	n := len(s.cells)
	for r, row := range s.cells {
		// Row r fills [n−r−1, n−r] on the y axis, so the first is on top.
		y0, y1 := trY(float64(n-r-1)), trY(float64(n-r))
		for a, v := range row {
			if v < 0 {
				continue
			}
			x0, x1 := trX(float64(s.minAge+a)-0.5), trX(float64(s.minAge+a)+0.5)
			col := countColours[min(v, len(countColours)-1)]
			c.FillPolygon(col, []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}})
		}
	}
	// Thin white rules between persons keep the rows apart.
	rule := vgdraw.LineStyle{Color: color.White, Width: vg.Points(0.75)}
	for r := 1; r < n; r++ {
		y := trY(float64(r))
		c.StrokeLine2(rule, c.Min.X, y, c.Max.X, y)
	}
}
