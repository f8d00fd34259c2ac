package trajectory

import (
	"bytes"
	"encoding/csv"
	"go/parser"
	"go/token"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/plot/cmpimg"

	"github.com/trajkit/trajkit/data"
)

// plotFixture returns the fixture fit of sim630 (testdata/sim630-k4), the
// careers it was fitted to and their posteriors (K x N).
func plotFixture(t *testing.T) (*ModelFile, *Careers, [][]float64) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "sim630-k4", "model.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := ReadModelFile(f, "model.json")
	if err != nil {
		t.Fatal(err)
	}
	ds, _, err := data.Lookup("example:sim630")
	if err != nil {
		t.Fatal(err)
	}
	df, err := data.Open(ds)
	if err != nil {
		t.Fatal(err)
	}
	defer df.Close()
	c, _, err := ReadCareers(df, "sim630", ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join("testdata", "sim630-k4", "assignments.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	k := len(m.Groups)
	post := make([][]float64, k)
	for i, r := range rows[1:] {
		if r[0] != c.IDs[i] {
			t.Fatalf("assignments row %d is person %s, careers have %s", i+1, r[0], c.IDs[i])
		}
		for j := 0; j < k; j++ {
			p, err := strconv.ParseFloat(r[j+2], 64)
			if err != nil {
				t.Fatal(err)
			}
			post[j] = append(post[j], p)
		}
	}
	return m, c, post
}

// labelled returns a copy of m with the labels of the simulated groups
// (data/README.md) and, when bands, made-up 95% intervals mean·exp(∓0.25)
// standing in for the standard errors trajkit does not compute yet: they
// test the drawing, not any statistics.
func labelled(m *ModelFile, bands bool) *ModelFile {
	out := *m
	out.Groups = append([]GroupFile(nil), m.Groups...)
	for k, name := range []string{"incidental", "early-peak", "late-peak", "continuous"} {
		g := &out.Groups[k]
		g.Label = name
		g.Curve = append([]CurveFile(nil), g.Curve...)
		if !bands {
			continue
		}
		for t := range g.Curve {
			lo, hi := g.Curve[t].Mean*math.Exp(-0.25), g.Curve[t].Mean*math.Exp(0.25)
			g.Curve[t].MeanLo, g.Curve[t].MeanHi = &lo, &hi
		}
	}
	return &out
}

func selectionFixture(t *testing.T) *SelectionTable {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "select-sim630", "selection.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := ReadSelectionTable(f, "selection.csv")
	if err != nil {
		t.Fatal(err)
	}
	return st
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
	if r := st.Recommend(4, []int{3}, nil); r != 4 {
		t.Fatalf("the recommended model is row %d, want 4", r)
	}
	for _, tc := range []struct {
		name string
		fig  func() (*Figure, error)
	}{
		{"trajectories", func() (*Figure, error) {
			return TrajectoryPlot(labelled(m, true), &TrajectoryOptions{Observed: ObservedMeans(c, post, ByPosterior)})
		}},
		{"trajectories_assigned", func() (*Figure, error) {
			return TrajectoryPlot(m, &TrajectoryOptions{
				Observed: ObservedMeans(c, post, ByAssignment), Weighting: ByAssignment,
				Title: "sim630, 4 groups", XLabel: "Age (years)", YLabel: "Mean offences",
			})
		}},
		{"selection", func() (*Figure, error) { return SelectionPlot(st.Points, nil) }},
		{"posteriors", func() (*Figure, error) { return PosteriorPlot(labelled(m, false), post, nil) }},
		{"careers", func() (*Figure, error) {
			return CareersPlot(labelled(m, false), c, post, &CareersOptions{Sample: 15, Seed: 3})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fig, err := tc.fig()
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := fig.Render(&got, "png", 960, 640); err != nil {
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
	fig, err := TrajectoryPlot(labelled(m, false), &TrajectoryOptions{Observed: ObservedMeans(c, post, ByPosterior)})
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
	if _, err := PosteriorPlot(m, post[:3], nil); err == nil {
		t.Error("PosteriorPlot took posteriors of 3 groups for a model of 4")
	}
	if _, err := CareersPlot(m, c, [][]float64{post[0][:10], post[1][:10], post[2][:10], post[3][:10]}, nil); err == nil {
		t.Error("CareersPlot took posteriors of 10 persons for 630 careers")
	}
	if _, err := TrajectoryPlot(m, &TrajectoryOptions{Observed: ObservedMeans(c, post[:2], ByPosterior)}); err == nil {
		t.Error("TrajectoryPlot took observed means of 2 groups for a model of 4")
	}
	if _, err := SelectionPlot(nil, nil); err == nil {
		t.Error("SelectionPlot drew no models")
	}
	nan := math.NaN()
	if _, err := SelectionPlot([]SelectionPoint{{Groups: 2, BICPersons: nan, BICObs: nan, AIC: nan}}, nil); err == nil {
		t.Error("SelectionPlot drew models without criteria")
	}
}

func TestSelectionTable(t *testing.T) {
	st := selectionFixture(t)
	if len(st.Points) != 8 || len(st.Header) != 14 {
		t.Fatalf("%d rows, %d columns; want 8 and 14", len(st.Points), len(st.Header))
	}
	best := bestByGroups(st.Points)
	if len(best) != 6 {
		t.Fatalf("best models for %d numbers of groups, want 6", len(best))
	}
	// Rows 3 (orders 3,3,3) and 4 (2,2,2) both have 3 groups; the cubic
	// one has the lower BIC in the fixture.
	if best[2].BICPersons != st.Points[2].BICPersons {
		t.Errorf("best model with 3 groups has BIC %v, want %v", best[2].BICPersons, st.Points[2].BICPersons)
	}
	// Row 2 has orders "3,3" and inflation orders "-1,-1"; row 1 has no
	// entropy (one group), an empty cell kept as read.
	if !slices.Equal(st.Orders[1], []int{3, 3}) || !slices.Equal(st.InflationOrders[1], []int{-1, -1}) || st.Rows[0][8] != "" {
		t.Errorf("row 2 orders %v inflation %v; row 1 entropy %q", st.Orders[1], st.InflationOrders[1], st.Rows[0][8])
	}
	for _, tc := range []struct {
		groups          int
		orders, inflate []int
		row             int
	}{
		{4, []int{3, 3, 3, 3}, []int{-1, -1, -1, -1}, 4},
		{4, []int{2, 3, 2, 3}, nil, 5},
		{3, []int{2}, []int{-1}, 3},
		{4, []int{1}, nil, -1},
		{7, nil, nil, -1},
	} {
		if r := selectionFixture(t).Recommend(tc.groups, tc.orders, tc.inflate); r != tc.row {
			t.Errorf("Recommend(%d, %v, %v) = %d, want %d", tc.groups, tc.orders, tc.inflate, r, tc.row)
		}
	}
	for _, tc := range []struct{ name, file, msg string }{
		{"empty", "", "the file is empty"},
		{"no aic", "groups,bic_persons,bic_obs\n2,1,2\n", `no column "aic"`},
		{"no rows", "groups,bic_persons,bic_obs,aic\n", "no models"},
		{"bad groups", "groups,bic_persons,bic_obs,aic\nx,1,2,3\n", `sel.csv:2:1: column "groups": "x" is not a number of groups`},
		{"bad number", "groups,bic_persons,bic_obs,aic\n2,1,abc,3\n", `sel.csv:2:3: column "bic_obs": "abc" is not a number`},
		{"bad orders", "groups,orders,bic_persons,bic_obs,aic\n2,3-,1,2,3\n", `column "orders"`},
	} {
		if _, err := ReadSelectionTable(strings.NewReader(tc.file), "sel.csv"); err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.msg)
		}
	}
	// select's recommended column marks a row; Recommend moves the mark.
	st3, err := ReadSelectionTable(strings.NewReader("groups,orders,bic_persons,bic_obs,aic,recommended\n2,3;3,10,11,9,false\n3,3;2;2,8,9,7,true\n"), "sel.csv")
	if err != nil || st3.Points[0].Recommended || !st3.Points[1].Recommended || !slices.Equal(st3.Orders[1], []int{3, 2, 2}) {
		t.Fatalf("recommended column: %v, %+v", err, st3)
	}
	if st3.Recommend(2, nil, nil) != 0 || !st3.Points[0].Recommended || st3.Points[1].Recommended {
		t.Errorf("Recommend did not move the mark: %+v", st3.Points)
	}
	if _, err := ReadSelectionTable(strings.NewReader("groups,bic_persons,bic_obs,aic,recommended\n2,10,11,9,maybe\n"), "sel.csv"); err == nil || !strings.Contains(err.Error(), `"maybe": expected true or false`) {
		t.Errorf("bad recommended cell: %v", err)
	}
	// Undefined criteria are empty cells.
	st2, err := ReadSelectionTable(strings.NewReader("groups,bic_persons,bic_obs,aic\n1,10,11,\n"), "sel.csv")
	if err != nil || !math.IsNaN(st2.Points[0].AIC) {
		t.Errorf("empty aic: %v, %+v", err, st2)
	}
}

// TestPlotImports keeps gonum/plot in the plotting files of the package
// (docs: STYLE.md, "gonum/plot stays in its plotting files").
func TestPlotImports(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") || strings.HasPrefix(name, "plot") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			if path, _ := strconv.Unquote(imp.Path.Value); strings.HasPrefix(path, "gonum.org/v1/plot") {
				t.Errorf("%s imports %s: gonum/plot belongs in the plot*.go files", name, path)
			}
		}
	}
}

func TestFigureFontAndColours(t *testing.T) {
	family, ttf, err := FigureFont()
	if err != nil {
		t.Fatal(err)
	}
	// A TrueType file starts with the version 1.0 tag.
	if family != "Liberation Sans" || len(ttf) < 100000 || !bytes.HasPrefix(ttf, []byte{0, 1, 0, 0}) {
		t.Errorf("FigureFont: %q, %d bytes starting %x", family, len(ttf), ttf[:min(4, len(ttf))])
	}
	// Okabe & Ito's orange first; the palette repeats after eight groups.
	if GroupColour(0) != "#E69F00" || GroupColour(8) != GroupColour(0) || GroupColour(1) == GroupColour(0) {
		t.Errorf("GroupColour: %s %s %s", GroupColour(0), GroupColour(1), GroupColour(8))
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
			return TrajectoryPlot(&one, &TrajectoryOptions{Observed: ObservedMeans(c, [][]float64{ones}, ByPosterior)})
		}},
		{"posteriors of one group", func() (*Figure, error) { return PosteriorPlot(&one, [][]float64{ones}, nil) }},
		{"posteriors of empty groups", func() (*Figure, error) { return PosteriorPlot(m, empty, nil) }},
		{"careers of empty groups", func() (*Figure, error) { return CareersPlot(m, c, empty, nil) }},
		{"one model", func() (*Figure, error) {
			return SelectionPlot([]SelectionPoint{{Groups: 3, BICPersons: 10, BICObs: 11, AIC: math.NaN(), Recommended: true}}, nil)
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
