package figure

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
	"math"
	"strconv"

	"github.com/trajkit/trajkit/trajectory"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	vgdraw "gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgpdf"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Figure is a figure ready to be written as PNG, SVG or PDF: one or more
// panels in a grid, an optional title over all of them and an optional
// legend where its Style puts it. The plotting functions (TrajectoryPlot,
// SelectionPlot, PosteriorPlot, CareersPlot) return one.
type Figure struct {
	title  string
	panels [][]*plot.Plot // rows of panels; nil panels are left blank
	legend *legend
	style  *Style
}

// Render writes the figure to w in format "png", "svg" or "pdf", width x
// height pixels at 96 dpi: RenderSize with Pixels(width, height, 0).
func (f *Figure) Render(w io.Writer, format string, width, height int) error {
	return f.RenderSize(w, format, Pixels(width, height, 0))
}

// RenderSize writes the figure to w in format "png", "svg" or "pdf" at
// size s. Text, lines and markers scale with the size (see AutoScale): the
// figure is laid out on a page s.Scale times smaller than s and drawn
// enlarged by s.Scale, a PNG at s.Scale times its resolution so that its
// text is rasterised at its final size. A PDF embeds its font. An SVG
// does not, to stay small: its text names Liberation Sans, the font the
// layout was measured with, then the fonts with the same widths (Arimo,
// Arial, Helvetica); where none of them is installed, a wider font can
// overrun the legend.
func (f *Figure) RenderSize(w io.Writer, format string, s Size) error {
	if err := s.check(); err != nil {
		return err
	}
	scale := s.scale()
	wl, hl := vg.Length(s.Width)*vg.Inch, vg.Length(s.Height)*vg.Inch
	var cw vg.CanvasWriterTo
	switch format {
	case "png":
		pw, ph := s.PixelSize()
		// The layout is rasterised at scale times the resolution, a whole
		// number of dots per inch: the layout's size follows from it.
		dpi := max(1, int(math.Round(scale*s.dpi())))
		c := vgimg.NewWith(vgimg.UseImage(image.NewRGBA(image.Rect(0, 0, pw, ph))), vgimg.UseDPI(dpi))
		f.draw(vgdraw.New(c))
		return writePNG(w, c.Image(), s.dpi())
	case "svg":
		cw = vgsvg.New(wl, hl)
	case "pdf":
		cw = pdfCanvas{vgpdf.New(wl, hl)}
	default:
		return fmt.Errorf("unknown figure format %q: expected png, svg or pdf", format)
	}
	cw.Scale(scale, scale)
	f.draw(vgdraw.Canvas{Canvas: cw, Rectangle: vg.Rectangle{Max: vg.Point{X: wl / vg.Length(scale), Y: hl / vg.Length(scale)}}})
	if format != "svg" {
		_, err := cw.WriteTo(w)
		return err
	}
	var b bytes.Buffer
	if _, err := cw.WriteTo(&b); err != nil {
		return err
	}
	_, err := w.Write(bytes.ReplaceAll(b.Bytes(), []byte("font-family:Liberation Sans;"), []byte(svgFontFamily)))
	return err
}

// pdfCanvas hands vgpdf each colour's straight components. vgpdf
// (gonum/plot v0.17) writes the components of color.Color.RGBA, which are
// premultiplied by the opacity, as the PDF's fill colour and the opacity
// as its alpha, so that a translucent colour was darkened twice: a band
// of orange at opacity 0.22 came out grey-brown. SVG is not affected.
type pdfCanvas struct{ *vgpdf.Canvas }

func (c pdfCanvas) SetColor(clr color.Color) {
	if clr != nil {
		clr = straightColour(color.NRGBA64Model.Convert(clr).(color.NRGBA64))
	}
	c.Canvas.SetColor(clr)
}

// straightColour is a colour whose RGBA method returns its components
// without premultiplying them by its opacity, which is what vgpdf writes.
// It is no valid color.Color for anything else.
type straightColour color.NRGBA64

func (s straightColour) RGBA() (r, g, b, a uint32) {
	return uint32(s.R), uint32(s.G), uint32(s.B), uint32(s.A)
}

// svgFontFamily lists Liberation Sans and the fonts with the same metrics
// (Arimo, Arial, Helvetica), so text keeps the width it was laid out with.
const svgFontFamily = "font-family:'Liberation Sans',Arimo,Arial,Helvetica,sans-serif;"

// figurePad is the space around the figure and between its parts.
const figurePad = vg.Length(6)

func (f *Figure) draw(c vgdraw.Canvas) {
	c.SetColor(color.White)
	c.Fill(c.Rectangle.Path())
	c = vgdraw.Crop(c, figurePad, -figurePad, figurePad, -figurePad)
	if f.title != "" {
		sty := textStyle(14 * f.style.fontScale())
		sty.XAlign, sty.YAlign = vgdraw.XCenter, vgdraw.YTop
		c.FillText(sty, vg.Point{X: c.Center().X, Y: c.Max.Y}, f.title)
		c.Max.Y -= sty.Rectangle(f.title).Size().Y + figurePad
	}
	leg, at := f.legend, f.legendPosition(c)
	switch at {
	case LegendRight:
		w, _ := leg.columnSize()
		// Level with the top of the panels' data areas.
		leg.drawColumn(c, c.Max.X-w, c.Max.Y-2*figurePad)
		c.Max.X -= w + 2*figurePad
	case LegendBottom:
		width := c.Max.X - c.Min.X
		_, h := leg.rowsSize(width)
		leg.drawRows(c, c.Center().X, c.Min.Y+h, width)
		c.Min.Y += h + 2*figurePad
	}
	rows, cols := len(f.panels), len(f.panels[0])
	canvases := [][]vgdraw.Canvas{{c}}
	if rows > 1 || cols > 1 {
		tiles := vgdraw.Tiles{Rows: rows, Cols: cols, PadX: 3 * figurePad, PadY: 3 * figurePad}
		canvases = plot.Align(f.panels, tiles, c)
	}
	for j, row := range f.panels {
		for i, p := range row {
			if p == nil {
				continue
			}
			if t, ok := p.X.Tick.Marker.(ageTicks); ok {
				// As many labelled ages as fit the panel's width.
				t.width = canvases[j][i].Max.X - canvases[j][i].Min.X
				t.font = p.X.Tick.Label.Font.Size
				p.X.Tick.Marker = t
			}
			p.Draw(canvases[j][i])
		}
	}
	if at == LegendInside {
		// The top right panel.
		i := len(f.panels[0]) - 1
		for i > 0 && f.panels[0][i] == nil {
			i--
		}
		dc := f.panels[0][i].DataCanvas(canvases[0][i])
		w, h := leg.columnSize()
		pad := leg.pad
		box := vg.Rectangle{Min: vg.Point{X: dc.Max.X - w - 3*pad, Y: dc.Max.Y - h - 3*pad}, Max: vg.Point{X: dc.Max.X - pad, Y: dc.Max.Y - pad}}
		c.SetColor(legendBox)
		c.Fill(box.Path())
		c.SetLineStyle(vgdraw.LineStyle{Color: color.Gray{Y: 0xA0}, Width: vg.Points(0.5)})
		c.Stroke(box.Path())
		leg.drawColumn(c, box.Min.X+pad, box.Max.Y-pad)
	}
}

// legendPosition is where the legend goes on c, the figure without its
// title: LegendAuto puts it at the right when its column takes at most a
// third of the width, else below.
func (f *Figure) legendPosition(c vgdraw.Canvas) LegendPosition {
	if f.legend == nil || len(f.legend.blocks) == 0 {
		return LegendNone
	}
	at := LegendAuto
	if f.style != nil {
		at = f.style.Legend
	}
	if at == LegendAuto {
		at = LegendRight
		if w, _ := f.legend.columnSize(); w+2*figurePad > (c.Max.X-c.Min.X)/3 {
			at = LegendBottom
		}
	}
	return at
}

// Okabe & Ito's (2008) palette, "Color Universal Design", distinguishable
// with the common colour-vision deficiencies; yellow, the faintest on
// white, comes last.
var okabeIto = []color.NRGBA{
	{0xE6, 0x9F, 0x00, 0xFF}, // orange
	{0x00, 0x72, 0xB2, 0xFF}, // blue
	{0x00, 0x9E, 0x73, 0xFF}, // bluish green
	{0xD5, 0x5E, 0x00, 0xFF}, // vermillion
	{0x56, 0xB4, 0xE9, 0xFF}, // sky blue
	{0xCC, 0x79, 0xA7, 0xFF}, // reddish purple
	{0x00, 0x00, 0x00, 0xFF}, // black
	{0xF0, 0xE4, 0x42, 0xFF}, // yellow
}

// Markers and dashes tell groups apart where colours do not, in
// greyscale: filled and hollow shapes alternate.
var (
	markers = []vgdraw.GlyphDrawer{
		vgdraw.CircleGlyph{}, vgdraw.PyramidGlyph{}, vgdraw.BoxGlyph{}, vgdraw.CrossGlyph{},
		vgdraw.RingGlyph{}, vgdraw.TriangleGlyph{}, vgdraw.SquareGlyph{}, vgdraw.PlusGlyph{},
	}
	dashes = [][]vg.Length{
		nil, {6, 3}, {2, 2}, {8, 3, 2, 3}, {12, 4}, {4, 2, 1, 2, 1, 2}, {1, 3}, {10, 2, 2, 2, 2, 2},
	}
)

// groupStyle is group k's (0-based) colour, marker and line style; the
// markers and dashes repeat after eight groups.
func (s *Style) groupStyle(k int) (color.NRGBA, vgdraw.GlyphStyle, vgdraw.LineStyle) {
	c := s.colour(k)
	g := vgdraw.GlyphStyle{Color: c, Radius: vg.Points(3.5), Shape: markers[k%len(markers)]}
	l := vgdraw.LineStyle{Color: c, Width: vg.Points(2), Dashes: dashes[k%len(dashes)]}
	return c, g, l
}

// GroupColour returns the colour of group number g (1-based) in the
// figures of the default Style as #RRGGBB, for tables and text that go
// with them.
func GroupColour(g int) string { return (*Style)(nil).GroupColour(g) }

// withAlpha returns c with opacity a in [0, 1].
func withAlpha(c color.NRGBA, a float64) color.NRGBA {
	c.A = uint8(math.Round(255 * a))
	return c
}

var sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

// Font returns the family name and the TrueType data of the font of
// the figures' text, Liberation Sans (SIL Open Font License 1.1, which
// allows embedding), so that a page that shows SVG figures inline can set
// their text in the font it was measured with.
func Font() (family string, ttf []byte, err error) {
	face := font.DefaultCache.Lookup(sans, 12)
	var b bytes.Buffer
	if _, err := face.Face.WriteSourceTo(nil, &b); err != nil {
		return "", nil, err
	}
	return "Liberation Sans", b.Bytes(), nil
}

// textStyle is plain black Liberation Sans of the given size in points.
func textStyle(size float64) text.Style {
	return text.Style{Color: color.Black, Font: font.From(sans, font.Length(size)), Handler: plot.DefaultTextHandler}
}

// newPlot returns a plot with trajkit's fonts: Liberation Sans, larger
// than gonum/plot's defaults (times the style's font scale), and the axis
// labels given.
func newPlot(st *Style, xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	fs := font.Length(st.fontScale())
	p.Title.TextStyle.Font = font.From(sans, 13*fs)
	p.X.Label.TextStyle.Font = font.From(sans, 13*fs)
	p.Y.Label.TextStyle.Font = font.From(sans, 13*fs)
	p.X.Tick.Label.Font = font.From(sans, 11*fs)
	p.Y.Tick.Label.Font = font.From(sans, 11*fs)
	p.X.Label.Text, p.Y.Label.Text = xLabel, yLabel
	p.Y.Tick.Marker = niceTicks{n: 6}
	return p
}

// horizontalGrid is light grey lines at the y ticks, to read values off.
func horizontalGrid() *plotter.Grid {
	g := plotter.NewGrid()
	g.Vertical.Color = nil
	g.Horizontal.Color = color.Gray{Y: 0xDD}
	g.Horizontal.Width = vg.Points(0.5)
	return g
}

// swatch is a legend thumbnail: a filled square with an optional outline.
type swatch struct {
	fill    color.Color
	outline color.Color
}

func (s swatch) Thumbnail(c *vgdraw.Canvas) {
	side := c.Max.Y - c.Min.Y
	x0 := c.Min.X + (c.Max.X-c.Min.X-side)/2
	r := vg.Rectangle{Min: vg.Point{X: x0, Y: c.Min.Y}, Max: vg.Point{X: x0 + side, Y: c.Max.Y}}
	pts := []vg.Point{r.Min, {X: r.Max.X, Y: r.Min.Y}, r.Max, {X: r.Min.X, Y: r.Max.Y}}
	if s.fill != nil {
		c.FillPolygon(s.fill, pts)
	}
	if s.outline != nil {
		c.StrokeLines(vgdraw.LineStyle{Color: s.outline, Width: vg.Points(0.5)}, append(pts, pts[0]))
	}
}

// defaultString returns s, or def when s is empty.
func defaultString(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// grid returns the rows and columns of a near-square grid of n panels,
// wider than tall.
func grid(n int) (rows, cols int) {
	cols = int(math.Ceil(math.Sqrt(float64(n))))
	rows = (n + cols - 1) / cols
	return rows, cols
}

// panelGrid lays n panels out row by row.
func panelGrid(ps []*plot.Plot) [][]*plot.Plot {
	rows, cols := grid(len(ps))
	out := make([][]*plot.Plot, rows)
	for j := range out {
		out[j] = make([]*plot.Plot, cols)
		for i := range out[j] {
			if k := j*cols + i; k < len(ps) {
				out[j][i] = ps[k]
			}
		}
	}
	return out
}

// errNoPosteriors is the error of a figure of a fit without posteriors.
var errNoPosteriors = errors.New("the fit has no posteriors (a fit read from model.json gets them from assignments.csv)")

// samePersons checks that the fit's persons are the careers', in order.
func samePersons(f *trajectory.Fitted, c *trajectory.Careers) error {
	if f.IDs == nil {
		return nil
	}
	if len(f.IDs) != c.Len() {
		return fmt.Errorf("the fit has %d persons, the careers %d", len(f.IDs), c.Len())
	}
	for i, id := range f.IDs {
		if c.IDs[i] != id {
			return fmt.Errorf("person %d of the fit is %q, of the careers %q: the careers are not the fit's persons in its order", i+1, id, c.IDs[i])
		}
	}
	return nil
}

// checkPosteriors checks that post has K rows of n posteriors.
func checkPosteriors(post [][]float64, k, n int) error {
	if len(post) != k {
		return fmt.Errorf("posteriors for %d groups, the model has %d", len(post), k)
	}
	for j := range post {
		if len(post[j]) != n {
			return fmt.Errorf("group %d has %d posteriors, expected %d", j+1, len(post[j]), n)
		}
	}
	return nil
}

// niceTicks labels about n ticks at multiples of 1, 2, 2.5 or 5 times a
// power of ten.
type niceTicks struct{ n int }

func (t niceTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) {
		return []plot.Tick{{Value: lo, Label: strconv.FormatFloat(lo, 'g', 4, 64)}}
	}
	raw := (hi - lo) / float64(t.n)
	e := int(math.Floor(math.Log10(raw)))
	pow := math.Pow(10, float64(e))
	m := 10.0
	for _, c := range []float64{1, 2, 2.5, 5} {
		if c*pow >= raw {
			m = c
			break
		}
	}
	step := m * pow
	// Enough decimals to write the step exactly, and no more.
	dec := max(0, -e)
	switch m {
	case 2.5:
		dec = max(0, 1-e)
	case 10:
		dec = max(0, -e-1)
	}
	var ticks []plot.Tick
	for v := math.Ceil(lo/step-1e-9) * step; v <= hi+1e-9*step; v += step {
		if math.Abs(v) < 1e-9*step {
			v = 0
		}
		ticks = append(ticks, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', dec, 64)})
	}
	return ticks
}

// ageTicks labels ages every 5 years (2 over short spans, 10 over long
// ones) with an unlabelled tick at every year in between (every 5 over
// long spans). Where the labels would not fit the axis's width, it labels
// fewer: every 10, 20, 25 or 50 years.
type ageTicks struct {
	// width is the width of the panel and font the size of the tick
	// labels, which Figure.draw sets; zero means no limit.
	width, font vg.Length
}

func (t ageTicks) Ticks(lo, hi float64) []plot.Tick {
	span := hi - lo
	major, minor := 5, 1
	switch {
	case span <= 12:
		major = 2
	case span > 60:
		major, minor = 10, 5
	}
	if t.width > 0 && t.font > 0 {
		// A label takes about three font sizes with the space around it;
		// the y axis takes about four.
		fit := max(2, float64((t.width-4*t.font)/(3*t.font)))
		for _, step := range []int{2, 5, 10, 20, 25, 50, 100} {
			if step < major {
				continue
			}
			major = step
			if span/float64(step)+1 <= fit {
				break
			}
		}
	}
	var ticks []plot.Tick
	for a := int(math.Ceil(lo)); float64(a) <= hi; a++ {
		switch {
		case a%major == 0:
			ticks = append(ticks, plot.Tick{Value: float64(a), Label: strconv.Itoa(a)})
		case a%minor == 0:
			ticks = append(ticks, plot.Tick{Value: float64(a)})
		}
	}
	return ticks
}
