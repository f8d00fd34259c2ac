package figure

import (
	"bytes"
	"image/color"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/plot/cmpimg"

	"github.com/trajkit/trajkit/trajectory"
	"github.com/trajkit/trajkit/trajectory/careersio"
	"github.com/trajkit/trajkit/trajectory/results"
)

// plotFixture returns the fixture fit of sim630 (../testdata/sim630-k4, a
// model.json of format version 1, with its assignments), the careers it
// was fitted to and their posteriors (K x N), which are also the fit's.
func plotFixture(t *testing.T) (*trajectory.Fitted, *trajectory.Careers, [][]float64) {
	t.Helper()
	m, err := results.ReadFit(filepath.Join("..", "testdata", "sim630-k4"))
	if err != nil {
		t.Fatal(err)
	}
	l, err := careersio.Load(careersio.Source{Data: "example:sim630"})
	if err != nil {
		t.Fatal(err)
	}
	if err := results.Align(m, l.Careers, "example:sim630"); err != nil {
		t.Fatal(err)
	}
	return m, l.Careers, m.Posterior
}

// withPosterior returns a copy of m with other posteriors.
func withPosterior(m *trajectory.Fitted, post [][]float64) *trajectory.Fitted {
	out := *m
	out.Posterior = post
	return &out
}

// labelled returns a copy of m with the labels of the simulated groups
// (data/README.md) and, when bands, made-up 95% intervals mean·exp(∓0.25)
// standing in for the standard errors trajkit does not compute yet: they
// test the drawing, not any statistics.
func labelled(m *trajectory.Fitted, bands bool) *trajectory.Fitted {
	out := *m
	out.Groups = append([]trajectory.Group(nil), m.Groups...)
	for k, name := range []string{"incidental", "early-peak", "late-peak", "continuous"} {
		g := &out.Groups[k]
		g.Label = name
		g.Curve = append([]trajectory.CurvePoint(nil), g.Curve...)
		if !bands {
			continue
		}
		for t := range g.Curve {
			lo, hi := g.Curve[t].Mean*math.Exp(-0.25), g.Curve[t].Mean*math.Exp(0.25)
			g.Curve[t].MeanLo, g.Curve[t].MeanHi = trajectory.Float(lo), trajectory.Float(hi)
		}
	}
	return &out
}

func selectionFixture(t *testing.T) *results.SelectionTable {
	t.Helper()
	sel, err := results.ReadSelection(filepath.Join("..", "testdata", "select-sim630"))
	if err != nil {
		t.Fatal(err)
	}
	return sel.Table
}

// TestPlotGolden draws each kind of figure from the fixtures and compares
// the PNG with testdata/NAME_golden.png, pixel for pixel (cmpimg.Equal):
// gonum/plot embeds its fonts and rasteriser, so the same code gives the
// same pixels. go test -regen rewrites the golden images; on a difference
// the new image is kept in the test's artifact directory (go test
// -artifacts).
func TestPlotGolden(t *testing.T) {
	m, c, post := plotFixture(t)
	st := selectionFixture(t)
	if !st.Candidates[4].Recommended {
		t.Fatalf("row 5 is not the recommended model")
	}
	dark2 := Style{Colours: []color.Color{
		color.NRGBA{0x1B, 0x9E, 0x77, 0xFF}, color.NRGBA{0xD9, 0x5F, 0x02, 0xFF},
		color.NRGBA{0x75, 0x70, 0xB3, 0xFF}, color.NRGBA{0xE7, 0x29, 0x8A, 0xFF},
	}}
	for _, tc := range []struct {
		name string
		fig  func() (*Figure, error)
		size Size // zero: 960 x 640 pixels at 96 dpi
	}{
		{"trajectories", func() (*Figure, error) {
			return TrajectoryPlot(labelled(m, true), &TrajectoryOptions{Observed: trajectory.ObservedMeans(c, post, trajectory.ByPosterior)})
		}, Size{}},
		{"trajectories_assigned", func() (*Figure, error) {
			return TrajectoryPlot(m, &TrajectoryOptions{
				Observed: trajectory.ObservedMeans(c, post, trajectory.ByAssignment), Weighting: trajectory.ByAssignment,
				Title: "sim630, 4 groups", XLabel: "Age (years)", YLabel: "Mean offences",
			})
		}, Size{}},
		{"selection", func() (*Figure, error) { return SelectionPlot(st.Candidates, nil) }, Size{}},
		{"posteriors", func() (*Figure, error) { return PosteriorPlot(labelled(m, false), nil) }, Size{}},
		{"careers", func() (*Figure, error) {
			return CareersPlot(labelled(m, false), c, &CareersOptions{Sample: 15, Seed: 3})
		}, Size{}},
		// A journal's column, 85 x 60 mm at 300 dpi: the legend goes below
		// (LegendAuto), text at 0.65 (7 to 9 points), fewer age labels.
		{"trajectories_print", func() (*Figure, error) {
			return TrajectoryPlot(labelled(m, true), &TrajectoryOptions{Observed: trajectory.ObservedMeans(c, post, trajectory.ByPosterior)})
		}, Millimetres(85, 60, 300)},
		// Other colours, the legend inside, larger text, a small figure.
		{"trajectories_styled", func() (*Figure, error) {
			st := dark2
			st.Legend, st.FontScale = LegendInside, 1.2
			return TrajectoryPlot(labelled(m, true), &TrajectoryOptions{Observed: trajectory.ObservedMeans(c, post, trajectory.ByPosterior), Style: st})
		}, Pixels(700, 467, 0)},
		{"posteriors_bottom", func() (*Figure, error) {
			st := dark2
			st.Legend = LegendBottom
			return PosteriorPlot(labelled(m, false), &PosteriorOptions{Style: st})
		}, Size{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fig, err := tc.fig()
			if err != nil {
				t.Fatal(err)
			}
			size := tc.size
			if size == (Size{}) {
				size = Pixels(960, 640, 0)
			}
			var got bytes.Buffer
			if err := fig.RenderSize(&got, "png", size); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", tc.name+"_golden.png")
			if *cmpimg.GenerateTestData {
				if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (go test -regen writes it)", err)
			}
			ok, err := cmpimg.Equal("png", got.Bytes(), want)
			if err != nil {
				t.Fatal(err)
			}
			if !ok {
				kept := filepath.Join(t.ArtifactDir(), tc.name+".png")
				if err := os.WriteFile(kept, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				t.Errorf("the figure differs from %s; the new one is %s (go test -regen to accept it)", golden, kept)
			}
		})
	}
}

func TestRenderFormats(t *testing.T) {
	m, c, post := plotFixture(t)
	fig, err := TrajectoryPlot(labelled(m, false), &TrajectoryOptions{Observed: trajectory.ObservedMeans(c, post, trajectory.ByPosterior)})
	if err != nil {
		t.Fatal(err)
	}
	var svg, pdf bytes.Buffer
	if err := fig.Render(&svg, "svg", 1200, 800); err != nil {
		t.Fatal(err)
	}
	s := svg.String()
	// 1200 x 800 pixels at 96 dpi are 900 x 600 points.
	if !strings.Contains(s, `width="900pt" height="600pt"`) {
		t.Errorf("the SVG is not 900 x 600 points:\n%.300s", s)
	}
	for _, want := range []string{"incidental 36.4%", "early-peak 28.5%", "late-peak 19.6%", "continuous 15.4%", svgFontFamily} {
		if !strings.Contains(s, want) {
			t.Errorf("the SVG does not contain %q", want)
		}
	}
	if err := fig.Render(&pdf, "pdf", 1200, 800); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf.Bytes(), []byte("%PDF-")) {
		t.Errorf("the PDF starts with %q", pdf.Bytes()[:min(8, pdf.Len())])
	}
	// The PDF page is 900 x 600 points too.
	if !bytes.Contains(pdf.Bytes(), []byte("/MediaBox [0 0 900.00 600.00]")) {
		t.Errorf("the PDF page is not 900 x 600 points")
	}
	for _, tc := range []struct {
		format string
		w, h   int
		msg    string
	}{
		{"gif", 1200, 800, "unknown figure format"},
		{"png", 50, 800, "width and height must be"},
		{"svg", 1200, 20000, "width and height must be"},
	} {
		if err := fig.Render(&bytes.Buffer{}, tc.format, tc.w, tc.h); err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("Render(%s, %d, %d): error %v, want %q", tc.format, tc.w, tc.h, err, tc.msg)
		}
	}
}

func TestPlotInputErrors(t *testing.T) {
	m, c, post := plotFixture(t)
	if _, err := PosteriorPlot(withPosterior(m, post[:3]), nil); err == nil {
		t.Error("PosteriorPlot took posteriors of 3 groups for a model of 4")
	}
	if _, err := PosteriorPlot(withPosterior(m, nil), nil); err == nil {
		t.Error("PosteriorPlot drew a fit without posteriors")
	}
	if _, err := CareersPlot(withPosterior(m, [][]float64{post[0][:10], post[1][:10], post[2][:10], post[3][:10]}), c, nil); err == nil {
		t.Error("CareersPlot took posteriors of 10 persons for 630 careers")
	}
	other := withPosterior(m, post)
	other.IDs = append([]string{"x"}, m.IDs[1:]...)
	if _, err := CareersPlot(other, c, nil); err == nil {
		t.Error("CareersPlot drew a fit of other persons")
	}
	if _, err := TrajectoryPlot(m, &TrajectoryOptions{Observed: trajectory.ObservedMeans(c, post[:2], trajectory.ByPosterior)}); err == nil {
		t.Error("TrajectoryPlot took observed means of 2 groups for a model of 4")
	}
	if _, err := TrajectoryPlot(m, &TrajectoryOptions{Tcov: []trajectory.TcovSetting{{Mean: []string{"employed"}}}}); err == nil || !strings.Contains(err.Error(), `no time-varying covariate "employed"`) {
		t.Errorf("TrajectoryPlot drew a model without covariates at a covariate's mean: %v", err)
	}
	if _, err := SelectionPlot(nil, nil); err == nil {
		t.Error("SelectionPlot drew no models")
	}
	nan := math.NaN()
	if _, err := SelectionPlot([]*trajectory.Candidate{{Groups: 2, BICPersons: nan, BICObs: nan, AIC: nan}}, nil); err == nil {
		t.Error("SelectionPlot drew models without criteria")
	}
}

func TestFigureFontAndColours(t *testing.T) {
	family, ttf, err := Font()
	if err != nil {
		t.Fatal(err)
	}
	// A TrueType file starts with the version 1.0 tag.
	if family != "Liberation Sans" || len(ttf) < 100000 || !bytes.HasPrefix(ttf, []byte{0, 1, 0, 0}) {
		t.Errorf("Font: %q, %d bytes starting %x", family, len(ttf), ttf[:min(4, len(ttf))])
	}
	// Okabe & Ito's orange first; the palette repeats after eight groups.
	if GroupColour(1) != "#E69F00" || GroupColour(9) != GroupColour(1) || GroupColour(2) == GroupColour(1) {
		t.Errorf("GroupColour: %s %s %s", GroupColour(1), GroupColour(2), GroupColour(9))
	}
}

// TestPlotEdgeCases draws figures with nothing to scale them by: flat
// zero curves, one group, a group without members, a single model. They
// must render, not panic.
func TestPlotEdgeCases(t *testing.T) {
	m, c, _ := plotFixture(t)
	flat := labelled(m, false)
	for j := range flat.Groups {
		for a := range flat.Groups[j].Curve {
			flat.Groups[j].Curve[a].Mean = 0
		}
	}
	one := *m
	one.Groups = m.Groups[:1]
	ones := make([]float64, c.Len())
	for i := range ones {
		ones[i] = 1
	}
	// Everyone in group 2: groups 1, 3 and 4 have no members.
	empty := [][]float64{make([]float64, c.Len()), ones, make([]float64, c.Len()), make([]float64, c.Len())}
	for _, tc := range []struct {
		name string
		fig  func() (*Figure, error)
	}{
		{"flat curves", func() (*Figure, error) { return TrajectoryPlot(flat, nil) }},
		{"one group", func() (*Figure, error) {
			return TrajectoryPlot(&one, &TrajectoryOptions{Observed: trajectory.ObservedMeans(c, [][]float64{ones}, trajectory.ByPosterior)})
		}},
		{"posteriors of one group", func() (*Figure, error) { return PosteriorPlot(withPosterior(&one, [][]float64{ones}), nil) }},
		{"posteriors of empty groups", func() (*Figure, error) { return PosteriorPlot(withPosterior(m, empty), nil) }},
		{"careers of empty groups", func() (*Figure, error) { return CareersPlot(withPosterior(m, empty), c, nil) }},
		{"one model", func() (*Figure, error) {
			return SelectionPlot([]*trajectory.Candidate{{Groups: 3, BICPersons: 10, BICObs: 11, AIC: math.NaN(), Recommended: true}}, nil)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fig, err := tc.fig()
			if err != nil {
				t.Fatal(err)
			}
			for _, format := range []string{"png", "svg", "pdf"} {
				if err := fig.Render(io.Discard, format, 400, 300); err != nil {
					t.Errorf("%s: %v", format, err)
				}
			}
		})
	}
}

// TestShareStudyPlot: the robustness figure renders, with missing shares
// (NaN) left out.
func TestShareStudyPlot(t *testing.T) {
	labels := []string{"low-rate", "high-rate"}
	fig, err := ShareStudyPlot(labels, map[string][]float64{"low-rate": {0.35, 0.4, math.NaN()}, "high-rate": {0.15}},
		map[string]float64{"low-rate": 0.36, "high-rate": 0.15}, "test")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := fig.Render(&b, "png", 400, 300); err != nil {
		t.Fatal(err)
	}
	if b.Len() < 1000 {
		t.Errorf("PNG of %d bytes", b.Len())
	}
}

// TestHasBands: the fixture has no intervals; limits at every age of one
// group's curve (delta method, or bootstrap) make a band, limits at all
// but one age none.
func TestHasBands(t *testing.T) {
	m, _, _ := plotFixture(t)
	if HasBands(m) {
		t.Fatal("a fit without intervals has bands")
	}
	with := func(boot bool, ages int) *trajectory.Fitted {
		f := *m
		f.Groups = slices.Clone(m.Groups)
		g := &f.Groups[1]
		g.Curve = slices.Clone(g.Curve)
		for t := 0; t < ages; t++ {
			c := &g.Curve[t]
			lo, hi := trajectory.Float(0.8*c.Mean), trajectory.Float(1.2*c.Mean)
			if boot {
				c.MeanLoBoot, c.MeanHiBoot = lo, hi
			} else {
				c.MeanLo, c.MeanHi = lo, hi
			}
		}
		return &f
	}
	n := len(m.Groups[1].Curve)
	for _, boot := range []bool{false, true} {
		if !HasBands(with(boot, n)) {
			t.Errorf("bootstrap %v: limits at every age, no band", boot)
		}
		if HasBands(with(boot, n-1)) {
			t.Errorf("bootstrap %v: limits at all but one age, a band", boot)
		}
	}
}
