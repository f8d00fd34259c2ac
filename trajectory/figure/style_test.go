package figure

import (
	"bytes"
	"encoding/binary"
	"image/color"
	"image/png"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/trajectory"
)

// svgText is a text of an SVG figure: where it starts in the layout's
// coordinates (y up from the bottom) and its size in points as drawn.
type svgText struct {
	x, y, size float64
}

// svgLayout reads an SVG figure: the scale its layout is drawn at, the
// layout's width and height, and its texts by content.
func svgLayout(t *testing.T, svg []byte) (scale, width, height float64, texts map[string]svgText) {
	t.Helper()
	m := regexp.MustCompile(`viewBox="0 0 ([0-9.]+) ([0-9.]+)"[\s\S]*?<g transform="scale\(([0-9.]+),([0-9.]+)\)">`).FindSubmatch(svg)
	if m == nil {
		t.Fatalf("no viewBox and scaled group in the SVG:\n%.500s", svg)
	}
	num := func(b []byte) float64 { v, _ := strconv.ParseFloat(string(b), 64); return v }
	scale = num(m[3])
	width, height = num(m[1])/scale, num(m[2])/scale
	texts = map[string]svgText{}
	for _, m := range regexp.MustCompile(`<text x="([-0-9.e]+)" y="([-0-9.e]+)" transform="scale\(1, -1\)"\s*style="[^"]*font-size:([0-9.]+)px">([^<]*)</text>`).FindAllSubmatch(svg, -1) {
		// The text is drawn flipped: its y is minus the layout's.
		texts[string(m[4])] = svgText{x: num(m[1]), y: -num(m[2]), size: num(m[3]) * scale}
	}
	return scale, width, height, texts
}

func renderSVG(t *testing.T, fig *Figure, s Size) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := fig.RenderSize(&b, "svg", s); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestAutoScale: text, lines and markers scale with the smaller of the
// ratios to 1200 x 800 pixels at 96 dpi, at least 0.65.
func TestAutoScale(t *testing.T) {
	for _, tc := range []struct {
		name string
		size Size
		want float64
	}{
		{"default", Pixels(1200, 800, 0), 1},
		{"twice as wide", Pixels(2400, 800, 0), 1},
		{"2100 x 1400", Pixels(2100, 1400, 0), 1.75},
		{"700 x 467 (0.58)", Pixels(700, 467, 0), MinScale},
		{"85 x 60 mm", Millimetres(85, 60, 300), MinScale},
		{"A4 landscape", Millimetres(297, 210, 300), 0.9354},
		{"1200 x 800 at 300 dpi (4 inches wide)", Pixels(1200, 800, 300), MinScale},
	} {
		if got := AutoScale(tc.size.Width, tc.size.Height); math.Abs(got-tc.want) > 1e-4 {
			t.Errorf("%s: AutoScale %g, want %g", tc.name, got, tc.want)
		}
	}
}

// TestTextScalesWithSize: the SVG's text is the size of the default
// figure's times the scale, --font-scale multiplies it, and the legend
// takes about the same share of the width at 700, 1200 and 2100 pixels
// (before, at 700 pixels it took 40%).
func TestTextScalesWithSize(t *testing.T) {
	m, c, post := plotFixture(t)
	obs := trajectory.ObservedMeans(c, post, trajectory.ByPosterior)
	fig, err := TrajectoryPlot(labelled(m, true), &TrajectoryOptions{Observed: obs})
	if err != nil {
		t.Fatal(err)
	}
	share := map[int]float64{}
	for _, tc := range []struct {
		w, h  int
		scale float64
	}{{700, 467, MinScale}, {1200, 800, 1}, {2100, 1400, 1.75}} {
		scale, width, _, texts := svgLayout(t, renderSVG(t, fig, Pixels(tc.w, tc.h, 0)))
		if math.Abs(scale-tc.scale) > 1e-9 {
			t.Errorf("%dx%d: drawn at scale %g, want %g", tc.w, tc.h, scale, tc.scale)
		}
		// Tick labels 11 points, axis labels 13, legend 12, at the scale.
		for text, size := range map[string]float64{"15": 11, "Age": 13, "incidental 36.4%": 12} {
			if got, ok := texts[text]; !ok || math.Abs(got.size-size*tc.scale) > 1e-6 {
				t.Errorf("%dx%d: %q is %g points, want %g", tc.w, tc.h, text, got.size, size*tc.scale)
			}
		}
		// From the legend's thumbnails (28 + 4 points before its text) to
		// the right edge.
		share[tc.w] = (width - texts["incidental 36.4%"].x + 32) / width
	}
	for w, s := range share {
		if s > 0.3 {
			t.Errorf("%d pixels wide: the legend takes %.0f%% of the width, want at most 30%%", w, 100*s)
		}
	}
	if math.Abs(share[2100]-share[1200]) > 1e-3 {
		t.Errorf("the legend takes %.1f%% of 2100 pixels, %.1f%% of 1200", 100*share[2100], 100*share[1200])
	}
	big, err := TrajectoryPlot(labelled(m, true), &TrajectoryOptions{Observed: obs, Style: Style{FontScale: 1.5}})
	if err != nil {
		t.Fatal(err)
	}
	_, _, _, texts := svgLayout(t, renderSVG(t, big, Pixels(1200, 800, 0)))
	for text, size := range map[string]float64{"15": 16.5, "Age": 19.5, "incidental 36.4%": 18} {
		if got := texts[text].size; math.Abs(got-size) > 1e-6 {
			t.Errorf("font scale 1.5: %q is %g points, want %g", text, got, size)
		}
	}
}

// TestLegendPositions: the legend's first entry is at the right of the
// panel, below it, inside its data area, or absent, and the panel takes
// the width the legend leaves.
func TestLegendPositions(t *testing.T) {
	m, c, post := plotFixture(t)
	obs := trajectory.ObservedMeans(c, post, trajectory.ByPosterior)
	const entry = "incidental 36.4%"
	for _, tc := range []struct {
		at   LegendPosition
		size Size
		// check gets the legend entry (ok false when absent), the x axis's
		// label and the layout's size.
		check func(e svgText, ok bool, age svgText, w, h float64) string
	}{
		{LegendAuto, Pixels(1200, 800, 0), func(e svgText, ok bool, age svgText, w, h float64) string {
			if !ok || e.x < 0.7*w || e.y < 0.8*h || age.x > 0.45*w {
				return "not at the right, level with the top"
			}
			return ""
		}},
		{LegendRight, Millimetres(85, 60, 300), func(e svgText, ok bool, age svgText, w, h float64) string {
			if !ok || e.x < 0.4*w || age.x > 0.3*w {
				return "not at the right of a narrow panel"
			}
			return ""
		}},
		{LegendAuto, Millimetres(85, 60, 300), func(e svgText, ok bool, age svgText, w, h float64) string {
			if !ok || e.y > age.y || e.x > 0.5*w || math.Abs(age.x-0.5*w) > 0.1*w {
				return "not below the panel, which takes the width"
			}
			return ""
		}},
		{LegendBottom, Pixels(1200, 800, 0), func(e svgText, ok bool, age svgText, w, h float64) string {
			if !ok || e.y > age.y || math.Abs(age.x-0.5*w) > 0.05*w {
				return "not below the panel"
			}
			return ""
		}},
		{LegendInside, Pixels(1200, 800, 0), func(e svgText, ok bool, age svgText, w, h float64) string {
			if !ok || e.x < 0.6*w || e.y < 0.8*h || math.Abs(age.x-0.5*w) > 0.05*w {
				return "not inside the top right of a panel that takes the width"
			}
			return ""
		}},
		{LegendNone, Pixels(1200, 800, 0), func(e svgText, ok bool, age svgText, w, h float64) string {
			if ok || math.Abs(age.x-0.5*w) > 0.05*w {
				return "drawn, or the panel does not take the width"
			}
			return ""
		}},
	} {
		fig, err := TrajectoryPlot(labelled(m, true), &TrajectoryOptions{Observed: obs, Style: Style{Legend: tc.at}})
		if err != nil {
			t.Fatal(err)
		}
		_, w, h, texts := svgLayout(t, renderSVG(t, fig, tc.size))
		e, ok := texts[entry]
		age := texts["Age"]
		// The axis label starts half its width left of the panel's centre.
		age.x += 12
		if msg := tc.check(e, ok, age, w, h); msg != "" {
			t.Errorf("%v at %.3gx%.3g in: the legend is %s (entry %+v, present %v; Age at %+v; layout %.0fx%.0f)", tc.at, tc.size.Width, tc.size.Height, msg, e, ok, age, w, h)
		}
	}
}

// TestColours: the groups take the given colours in the lines, markers
// and bands of the trajectories and the dots of the posteriors, and the
// default palette's are gone; GroupColour gives the same.
func TestColours(t *testing.T) {
	m, c, post := plotFixture(t)
	names := []string{"#1b9e77", "chocolate", "SlateBlue", "#E7298A"}
	want := []string{"#1B9E77", "#D2691E", "#6A5ACD", "#E7298A"}
	st := Style{}
	for _, n := range names {
		col, err := ParseColour(n)
		if err != nil {
			t.Fatal(err)
		}
		st.Colours = append(st.Colours, col)
	}
	for k, w := range want {
		if got := st.GroupColour(k + 1); got != w {
			t.Errorf("GroupColour(%d) = %s, want %s", k+1, got, w)
		}
	}
	traj, err := TrajectoryPlot(labelled(m, true), &TrajectoryOptions{Observed: trajectory.ObservedMeans(c, post, trajectory.ByPosterior), Style: st})
	if err != nil {
		t.Fatal(err)
	}
	posteriors, err := PosteriorPlot(labelled(m, false), &PosteriorOptions{Style: st})
	if err != nil {
		t.Fatal(err)
	}
	svg := renderSVG(t, traj, Pixels(1200, 800, 0))
	for _, w := range want {
		if !bytes.Contains(svg, []byte("stroke:"+w)) {
			t.Errorf("the trajectories have no line in %s", w)
		}
	}
	bands := translucentSVGFills(svg)
	for k, w := range want {
		h, _ := strconv.ParseUint(w[1:], 16, 32)
		f := fill{float64(h>>16) / 255, float64(h>>8&0xFF) / 255, float64(h&0xFF) / 255, bandOpacity}
		found := false
		for _, b := range bands {
			found = found || b.near(f, 1.5/255)
		}
		if !found {
			t.Errorf("no band of group %d in %s", k+1, w)
		}
	}
	// The posteriors' dots are translucent: the SVG writes their colour
	// (filled markers) or their outline (the cross of group 4) with the
	// opacity (140/255) apart, its components truncated after dividing it
	// out.
	psvg := renderSVG(t, posteriors, Pixels(1200, 800, 0))
	var dots []fill
	for _, m := range regexp.MustCompile(`(?:fill|stroke):#([0-9A-F]{6});(?:fill|stroke)-opacity:0.549`).FindAllSubmatch(psvg, -1) {
		h, _ := strconv.ParseUint(string(m[1]), 16, 32)
		dots = append(dots, fill{float64(h>>16) / 255, float64(h>>8&0xFF) / 255, float64(h&0xFF) / 255, 0.55})
	}
	for k, w := range want {
		h, _ := strconv.ParseUint(w[1:], 16, 32)
		f := fill{float64(h>>16) / 255, float64(h>>8&0xFF) / 255, float64(h&0xFF) / 255, 0.55}
		found := false
		for _, d := range dots {
			found = found || d.near(f, 1.5/255)
		}
		if !found {
			t.Errorf("no dots of group %d in %s", k+1, w)
		}
	}
	for _, svg := range [][]byte{svg, psvg} {
		for k := range want {
			if def := GroupColour(k + 1); bytes.Contains(svg, []byte("stroke:"+def)) || bytes.Contains(svg, []byte("fill:"+def+";fill-opacity:0.55")) {
				t.Errorf("the default colour %s of group %d is still drawn", def, k+1)
			}
		}
	}
}

func TestParseColour(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want color.NRGBA
		err  string
	}{
		{in: "#E69F00", want: color.NRGBA{0xE6, 0x9F, 0x00, 0xFF}},
		{in: " #0072b2 ", want: color.NRGBA{0x00, 0x72, 0xB2, 0xFF}},
		{in: "steelblue", want: color.NRGBA{0x46, 0x82, 0xB4, 0xFF}},
		{in: "Dark Red", want: color.NRGBA{0x8B, 0x00, 0x00, 0xFF}},
		{in: "grey", want: color.NRGBA{0x80, 0x80, 0x80, 0xFF}},
		{in: "#E69F0", err: "six hexadecimal digits"},
		{in: "#GGGGGG", err: "six hexadecimal digits"},
		{in: "okabe", err: "not #rrggbb nor an SVG/CSS colour name"},
		{in: "", err: "not #rrggbb"},
	} {
		got, err := ParseColour(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseColour(%q): error %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseColour(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	for p := LegendAuto; p <= LegendNone; p++ {
		if got, err := ParseLegendPosition(p.String()); err != nil || got != p {
			t.Errorf("ParseLegendPosition(%q) = %v, %v", p.String(), got, err)
		}
	}
	if _, err := ParseLegendPosition("left"); err == nil || !strings.Contains(err.Error(), "auto, right, bottom, inside, none") {
		t.Errorf("ParseLegendPosition(left): %v", err)
	}
}

// TestPNGResolution: a PNG of 85 x 60 mm at 300 dpi has 1004 x 709 pixels
// and says 300 dpi (11811 pixels per metre) in its pHYs chunk, before its
// image data; the default says 96.
func TestPNGResolution(t *testing.T) {
	m, _, _ := plotFixture(t)
	fig, err := TrajectoryPlot(m, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		size      Size
		w, h      int
		perMetre  uint32
		inchWidth float64
	}{
		{Millimetres(85, 60, 300), 1004, 709, 11811, 85 / 25.4},
		{Pixels(960, 640, 0), 960, 640, 3780, 10},
		{Pixels(1200, 800, 300), 1200, 800, 11811, 4},
	} {
		var b bytes.Buffer
		if err := fig.RenderSize(&b, "png", tc.size); err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		if got := img.Bounds().Size(); got.X != tc.w || got.Y != tc.h {
			t.Errorf("%+v: %v pixels, want %dx%d", tc.size, got, tc.w, tc.h)
		}
		data := b.Bytes()
		i, idat := bytes.Index(data, []byte("pHYs")), bytes.Index(data, []byte("IDAT"))
		if i < 0 || idat < i {
			t.Fatalf("%+v: no pHYs chunk before the image data", tc.size)
		}
		x, y, unit := binary.BigEndian.Uint32(data[i+4:]), binary.BigEndian.Uint32(data[i+8:]), data[i+12]
		if x != tc.perMetre || y != tc.perMetre || unit != 1 {
			t.Errorf("%+v: pHYs %d x %d per unit %d, want %d per metre", tc.size, x, y, unit, tc.perMetre)
		}
		if math.Abs(tc.size.Width-tc.inchWidth) > 1e-9 {
			t.Errorf("%+v: %g inches wide, want %g", tc.size, tc.size.Width, tc.inchWidth)
		}
	}
	// The SVG and PDF have the size in points.
	var svg, pdf bytes.Buffer
	if err := fig.RenderSize(&svg, "svg", Millimetres(85, 60, 300)); err != nil {
		t.Fatal(err)
	}
	if err := fig.RenderSize(&pdf, "pdf", Millimetres(85, 60, 300)); err != nil {
		t.Fatal(err)
	}
	// 85 mm = 240.94 points, 60 mm = 170.08.
	if !bytes.Contains(svg.Bytes(), []byte(`width="240.94pt" height="170.08pt"`)) {
		t.Errorf("the SVG is not 85 x 60 mm:\n%.200s", svg.Bytes())
	}
	if !bytes.Contains(pdf.Bytes(), []byte("/MediaBox [0 0 240.94 170.08]")) {
		t.Errorf("the PDF is not 85 x 60 mm")
	}
	for _, tc := range []struct {
		size Size
		msg  string
	}{
		{Millimetres(40, 30, 96), "151x113 pixels at 96 dpi: width and height must be 200 to 10000"},
		{Pixels(1200, 800, 20), "resolution 20 dpi"},
		{Size{Width: 10, Height: 8, Scale: -1}, "figure scale -1"},
	} {
		if err := fig.RenderSize(&bytes.Buffer{}, "png", tc.size); err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%+v: error %v, want %q", tc.size, err, tc.msg)
		}
	}
	if _, err := TrajectoryPlot(m, &TrajectoryOptions{Style: Style{FontScale: -2}}); err == nil || !strings.Contains(err.Error(), "font scale -2") {
		t.Errorf("font scale -2: %v", err)
	}
}
