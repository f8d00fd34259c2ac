package figure

import (
	"bytes"
	"errors"
	"fmt"
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

// DPI is the resolution that turns a figure's size in pixels into a
// physical size: a PNG has one pixel per 1/96 inch, and an SVG or PDF of
// the same size in pixels has the same size in inches.
const DPI = 96

// Limits of a figure's size in pixels.
const (
	MinPixels = 200
	MaxPixels = 10000
)

// Figure is a figure ready to be written as PNG, SVG or PDF: one or more
// panels in a grid, an optional title over all of them and an optional
// legend at the right. The plotting functions (TrajectoryPlot,
// SelectionPlot, PosteriorPlot, CareersPlot) return one.
type Figure struct {
	title  string
	panels [][]*plot.Plot // rows of panels; nil panels are left blank
	legend *plot.Legend
}

// Render writes the figure to w in format "png", "svg" or "pdf", width x
// height pixels (see DPI). A PDF embeds its font. An SVG does not,
// to stay small: its text names Liberation Sans, the font the layout was
// measured with, then the fonts with the same widths (Arimo, Arial,
// Helvetica); where none of them is installed, a wider font can overrun
// the legend.
func (f *Figure) Render(w io.Writer, format string, width, height int) error {
	for _, d := range []int{width, height} {
		if d < MinPixels || d > MaxPixels {
			return fmt.Errorf("figure size %dx%d pixels: width and height must be %d to %d", width, height, MinPixels, MaxPixels)
		}
	}
	wl := vg.Length(width) * vg.Inch / DPI
	hl := vg.Length(height) * vg.Inch / DPI
	var cw vg.CanvasWriterTo
	switch format {
	case "png":
		cw = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(wl, hl), vgimg.UseDPI(DPI))}
	case "svg":
		cw = vgsvg.New(wl, hl)
	case "pdf":
		cw = pdfCanvas{vgpdf.New(wl, hl)}
	default:
		return fmt.Errorf("unknown figure format %q: expected png, svg or pdf", format)
	}
	f.draw(vgdraw.New(cw))
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
		sty := textStyle(14)
		sty.XAlign, sty.YAlign = vgdraw.XCenter, vgdraw.YTop
		c.FillText(sty, vg.Point{X: c.Center().X, Y: c.Max.Y}, f.title)
		c.Max.Y -= sty.Rectangle(f.title).Size().Y + figurePad
	}
	if f.legend != nil {
		r := f.legend.Rectangle(c)
		lc := c
		lc.Min.X = c.Max.X - (r.Max.X - r.Min.X)
		// Level with the top of the panels' data areas.
		lc.Max.Y -= 2 * figurePad
		f.legend.Draw(lc)
		c.Max.X = lc.Min.X - 2*figurePad
	}
	rows, cols := len(f.panels), len(f.panels[0])
	if rows == 1 && cols == 1 {
		f.panels[0][0].Draw(c)
		return
	}
	tiles := vgdraw.Tiles{Rows: rows, Cols: cols, PadX: 3 * figurePad, PadY: 3 * figurePad}
	canvases := plot.Align(f.panels, tiles, c)
	for j, row := range f.panels {
		for i, p := range row {
			if p != nil {
				p.Draw(canvases[j][i])
			}
		}
	}
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

// groupStyle is group k's (0-based) colour, marker and line style; they
// repeat after eight groups.
func groupStyle(k int) (color.NRGBA, vgdraw.GlyphStyle, vgdraw.LineStyle) {
	c := okabeIto[k%len(okabeIto)]
	g := vgdraw.GlyphStyle{Color: c, Radius: vg.Points(3.5), Shape: markers[k%len(markers)]}
	l := vgdraw.LineStyle{Color: c, Width: vg.Points(2), Dashes: dashes[k%len(dashes)]}
	return c, g, l
}

// GroupColour returns the colour of group k (0-based) in the figures as
// #RRGGBB, for tables and text that go with them.
func GroupColour(k int) string {
	c := okabeIto[k%len(okabeIto)]
	return fmt.Sprintf("#%02X%02X%02X", c.R, c.G, c.B)
}

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
// than gonum/plot's defaults, and the axis labels given.
func newPlot(xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	p.Title.TextStyle.Font = font.From(sans, 13)
	p.X.Label.TextStyle.Font = font.From(sans, 13)
	p.Y.Label.TextStyle.Font = font.From(sans, 13)
	p.X.Tick.Label.Font = font.From(sans, 11)
	p.Y.Tick.Label.Font = font.From(sans, 11)
	p.X.Label.Text, p.Y.Label.Text = xLabel, yLabel
	p.Y.Tick.Marker = niceTicks{n: 6}
	return p
}

// newLegend returns a legend for the right of a figure: icons on the left,
// entries from the top.
func newLegend() *plot.Legend {
	l := plot.NewLegend()
	l.TextStyle.Font = font.From(sans, 12)
	l.Top, l.Left = true, true
	l.ThumbnailWidth = vg.Points(28)
	l.Padding = vg.Points(4)
	return &l
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
// ones) with an unlabelled tick at every year in between.
type ageTicks struct{}

func (ageTicks) Ticks(lo, hi float64) []plot.Tick {
	span := hi - lo
	major, minor := 5, 1
	switch {
	case span <= 12:
		major = 2
	case span > 60:
		major, minor = 10, 5
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
