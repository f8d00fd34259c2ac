package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/trajectory"
	"github.com/trajkit/trajkit/trajectory/careersio"
	"github.com/trajkit/trajkit/trajectory/results"
)

// fitSim630 fits four groups to example:sim630 into a new directory and
// returns it; with labels, the groups get the names of the simulated ones
// (data/README.md).
func fitSim630(t *testing.T, labels bool, extra ...string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "sim630")
	args := append([]string{"fit", "--data", "example:sim630", "--groups", "4", "--out", dir}, extra...)
	if code, _, stderr := trajkit(t, args...); code != 0 {
		t.Fatalf("fit: exit %d: %s", code, stderr)
	}
	if !labels {
		return dir
	}
	m, err := results.ReadModel(dir)
	if err != nil {
		t.Fatal(err)
	}
	for k, name := range []string{"incidental", "early-peak", "late-peak", "continuous"} {
		m.Groups[k].Label = name
	}
	writeModel(t, dir, m)
	return dir
}

// writeModel replaces model.json of the result set in dir by m's,
// keeping the set's other files.
func writeModel(t *testing.T, dir string, m *trajectory.Fitted) {
	t.Helper()
	err := results.Save(context.Background(), dir, "test", nil, func(s *results.Set) error {
		if err := s.Write(results.ModelFile, func(w io.Writer) error { return results.EncodeModel(w, m) }); err != nil {
			return err
		}
		return s.CarryRest(results.ModelFile)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// legends returns each group's legend entry ("early-peak 28.5%") as the
// figures and the report write it.
func legends(t *testing.T, dir string) []string {
	t.Helper()
	m, err := results.ReadModel(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for j := range m.Groups {
		out = append(out, m.Groups[j].Legend())
	}
	return out
}

func TestFitPlot(t *testing.T) {
	dir := fitSim630(t, false, "--plot")
	f, err := os.Open(filepath.Join(dir, "trajectories.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 1200 || b.Dy() != 800 {
		t.Errorf("trajectories.png is %dx%d, want 1200x800", b.Dx(), b.Dy())
	}
	svg, err := os.ReadFile(filepath.Join(dir, "trajectories.svg"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range append(legends(t, dir), `width="900pt" height="600pt"`) {
		if !bytes.Contains(svg, []byte(want)) {
			t.Errorf("trajectories.svg does not contain %q", want)
		}
	}
}

func TestPlotKindsAndFormats(t *testing.T) {
	dir := fitSim630(t, true)
	out := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
		file string
		want []string // in SVG files
	}{
		{"trajectories from the stored settings", []string{"--model", dir}, "t.svg", append(legends(t, dir), "observed mean (posterior-weighted)")},
		{"trajectories by assignment", []string{"--model", dir, "--observed", "assigned", "--title", "Four & more"}, "t2.svg", []string{"observed mean (by assignment)", "Four &amp; more"}},
		{"trajectories without data", []string{"--model", dir, "--observed", "none", "--data", "example:nope"}, "t3.svg", legends(t, dir)},
		{"trajectories with labels", []string{"--model", dir, "--xlabel", "Years of age", "--ylabel", "Arrests"}, "t4.png", nil},
		{"posteriors", []string{"--model", dir, "--kind", "posteriors"}, "p.svg", []string{"APP 0.9"}},
		{"careers", []string{"--model", dir, "--kind", "careers", "--data", "example:sim630", "--sample", "5"}, "c.svg", []string{"5 of 235 assigned"}},
		{"careers pdf", []string{"--model", dir, "--kind", "careers"}, "c.pdf", nil},
		{"selection", []string{"--model", selectFixture, "--kind", "selection"}, "s.svg", []string{"recommended: 4 groups", "BIC (N observations)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(out, tc.file)
			args := append(append([]string{"plot"}, tc.args...), "--out", path, "--width", "960", "--height", "640")
			code, stdout, stderr := trajkit(t, args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if !strings.Contains(stdout, "Wrote "+path) {
				t.Errorf("stdout %q", stdout)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			switch filepath.Ext(path) {
			case ".png":
				img, err := png.Decode(bytes.NewReader(b))
				if err != nil {
					t.Fatal(err)
				}
				if img.Bounds().Dx() != 960 || img.Bounds().Dy() != 640 {
					t.Errorf("%s is %v, want 960x640", tc.file, img.Bounds())
				}
			case ".pdf":
				// 960 x 640 pixels at 96 dpi are 720 x 480 points.
				if !bytes.HasPrefix(b, []byte("%PDF-")) || !bytes.Contains(b, []byte("/MediaBox [0 0 720.00 480.00]")) {
					t.Errorf("%s is not a 720 x 480 point PDF", tc.file)
				}
			case ".svg":
				for _, want := range append(tc.want, `width="720pt" height="480pt"`) {
					if !bytes.Contains(b, []byte(want)) {
						t.Errorf("%s does not contain %q", tc.file, want)
					}
				}
			}
		})
	}
}

func TestPlotStoredSettings(t *testing.T) {
	// Exposure and a window: the data must be read again with both, or
	// the persons would not match assignments.csv.
	dir := filepath.Join(t.TempDir(), "to1")
	if code, _, stderr := trajkit(t, "fit", "--data", "example:toronto1-exposure", "--groups", "2", "--ages", "10-30", "--out", dir); code != 0 {
		t.Fatalf("fit: exit %d: %s", code, stderr)
	}
	m, err := results.ReadModel(dir)
	if err != nil {
		t.Fatal(err)
	}
	if s := m.Settings.Data; s.Exposure != "exposure" || s.Ages != "10-30" {
		t.Fatalf("model.json data settings %+v", s)
	}
	out := filepath.Join(t.TempDir(), "t.svg")
	if code, _, stderr := trajkit(t, "plot", "--model", dir, "--out", out); code != 0 {
		t.Fatalf("plot: exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	// The age axis covers the window of the fit.
	for _, want := range []string{">10</text>", ">30</text>"} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("the figure has no tick label %q", want)
		}
	}
	// Other data than the fit's do not match the posteriors.
	code, _, stderr := trajkit(t, "plot", "--model", dir, "--data", "example:toronto2", "--out", out)
	if code != 1 || !strings.Contains(stderr, "not the data the model was fitted to") {
		t.Errorf("other data: exit %d, stderr %q", code, stderr)
	}
}

func TestPlotExitCodes(t *testing.T) {
	dir := fitSim630(t, false)
	out := filepath.Join(t.TempDir(), "f.png")
	empty := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no model", []string{"plot", "--out", out}, 2, "--model is required"},
		{"no out", []string{"plot", "--model", dir}, 2, "--out is required"},
		{"bad extension", []string{"plot", "--model", dir, "--out", "f.gif"}, 2, ".png, .svg or .pdf"},
		{"bad kind", []string{"plot", "--model", dir, "--out", out, "--kind", "pie"}, 2, `--kind "pie"`},
		{"bad observed", []string{"plot", "--model", dir, "--out", out, "--observed", "all"}, 2, `--observed "all"`},
		{"too small", []string{"plot", "--model", dir, "--out", out, "--width", "20"}, 2, "--width 20"},
		{"bad sample", []string{"plot", "--model", dir, "--out", out, "--kind", "careers", "--sample", "0"}, 2, "--sample 0"},
		{"bad data flag", []string{"plot", "--model", dir, "--out", out, "--data", "example:sim630", "--format", "tall"}, 2, `--format "tall"`},
		{"unknown example", []string{"plot", "--model", dir, "--out", out, "--data", "example:nope"}, 2, "no embedded data set"},
		{"not a model", []string{"plot", "--model", empty, "--out", out}, 1, "model.json: no such file"},
		{"not a selection", []string{"plot", "--model", dir, "--kind", "selection", "--out", out}, 1, "selection.csv: no such file"},
		{"other data", []string{"plot", "--model", dir, "--out", out, "--data", "example:toronto1"}, 1, "not the data the model was fitted to"},
		{"bad colour", []string{"plot", "--model", dir, "--out", out, "--colors", "red,green,blu,black"}, 2, `--colors "red,green,blu,black": group 3: colour "blu": not #rrggbb nor an SVG/CSS colour name`},
		{"bad hex colour", []string{"plot", "--model", dir, "--out", out, "--colors", "#12345,red,green,blue"}, 2, "six hexadecimal digits"},
		{"too few colours", []string{"plot", "--model", dir, "--out", out, "--colors", "red,green"}, 2, "2 colours for the 4 groups of the model"},
		{"too many colours", []string{"plot", "--model", dir, "--out", out, "--kind", "posteriors", "--colors", "red,green,blue,black,grey"}, 2, "5 colours for the 4 groups"},
		{"colours of careers", []string{"plot", "--model", dir, "--out", out, "--kind", "careers", "--colors", "red,green,blue,black"}, 2, "the careers figure has none"},
		{"bad legend", []string{"plot", "--model", dir, "--out", out, "--legend", "left"}, 2, `--legend "left": expected auto, right, bottom, inside or none`},
		{"zero font scale", []string{"plot", "--model", dir, "--out", out, "--font-scale", "0"}, 2, "--font-scale 0: expected a factor above 0"},
		{"negative font scale", []string{"plot", "--model", dir, "--out", out, "--font-scale", "-1"}, 2, "--font-scale -1"},
		{"bad dpi", []string{"plot", "--model", dir, "--out", out, "--dpi", "10"}, 2, "--dpi 10: expected 50 to 2400"},
		{"bad size", []string{"plot", "--model", dir, "--out", out, "--size", "85mm"}, 2, `--size "85mm": expected WIDTHxHEIGHT in millimetres`},
		{"negative size", []string{"plot", "--model", dir, "--out", out, "--size", "-85x60"}, 2, `--size "-85x60"`},
		{"size and width", []string{"plot", "--model", dir, "--out", out, "--size", "85x60", "--width", "900"}, 2, "both give the figure's size"},
		{"size too small", []string{"plot", "--model", dir, "--out", out, "--size", "40x30"}, 2, "--size 40x30 at --dpi 96 is 151x113 pixels: expected 200 to 10000"},
		{"report bad colour", []string{"report", "--model", dir, "--out", filepath.Join(empty, "r.html"), "--colors", "red,green,blue,nope"}, 2, `colour "nope"`},
		{"report too few colours", []string{"report", "--model", dir, "--out", filepath.Join(empty, "r.html"), "--colors", "red"}, 2, "1 colour for the 4 groups"},
		{"report bad legend", []string{"report", "--model", dir, "--out", filepath.Join(empty, "r.html"), "--legend", "top"}, 2, `--legend "top"`},
		{"fit plot without out", []string{"fit", "--data", "example:sim630", "--groups", "2", "--plot"}, 2, "--plot needs --out"},
		{"report without model", []string{"report", "--out", "r.html"}, 2, "--model is required"},
		{"report without out", []string{"report", "--model", dir}, 2, "--out is required"},
		{"report of no model", []string{"report", "--model", empty, "--out", filepath.Join(empty, "r.html")}, 1, "model.json: no such file"},
		{"report without selection", []string{"report", "--model", dir, "--select", empty, "--out", filepath.Join(empty, "r.html")}, 1, "selection.csv: no such file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := trajkit(t, tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.msg) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr, tc.code, tc.msg)
			}
		})
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed plot wrote %s", out)
	}
	if _, err := os.Stat(filepath.Join(empty, "r.html")); !os.IsNotExist(err) {
		t.Errorf("a failed report wrote r.html")
	}
}

func TestPlotHelp(t *testing.T) {
	for _, cmd := range []string{"plot", "report"} {
		code, stdout, _ := trajkit(t, cmd, "-h")
		if code != 0 || !strings.Contains(stdout, "Usage: trajkit "+cmd) || !strings.Contains(stdout, "-model") {
			t.Errorf("%s -h: exit %d, stdout %q", cmd, code, stdout)
		}
	}
}

// TestLabelsFlag: --labels names the groups of the figure and the report
// without touching model.json (whose edits its manifest would refuse);
// one name per group.
func TestLabelsFlag(t *testing.T) {
	dir := fitSim630(t, false)
	before, err := os.ReadFile(filepath.Join(dir, results.ModelFile))
	if err != nil {
		t.Fatal(err)
	}
	names := "incidental,early-peak,late-peak,continuous"
	svg := filepath.Join(t.TempDir(), "t.svg")
	if code, _, stderr := trajkit(t, "plot", "--model", dir, "--labels", names, "--out", svg); code != 0 {
		t.Fatalf("plot --labels: exit %d: %s", code, stderr)
	}
	html := filepath.Join(t.TempDir(), "r.html")
	if code, _, stderr := trajkit(t, "report", "--model", dir, "--labels", names, "--out", html); code != 0 {
		t.Fatalf("report --labels: exit %d: %s", code, stderr)
	}
	for _, file := range []string{svg, html} {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range strings.Split(names, ",") {
			if !bytes.Contains(b, []byte(name)) {
				t.Errorf("%s does not name group %q", filepath.Base(file), name)
			}
		}
	}
	if after, _ := os.ReadFile(filepath.Join(dir, results.ModelFile)); !bytes.Equal(after, before) {
		t.Error("--labels changed model.json")
	}
	code, _, stderr := trajkit(t, "plot", "--model", dir, "--labels", "a,b", "--out", svg)
	if code != 2 || !strings.Contains(stderr, "2 names for the 4 groups") {
		t.Errorf("two labels for four groups: exit %d: %s", code, stderr)
	}
}

// TestReadersInterrupted: plot, report and profile, cancelled while they
// read (here before they start), exit with status 130 and write nothing.
func TestReadersInterrupted(t *testing.T) {
	dir := fitSim630(t, false)
	out := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, args := range [][]string{
		{"plot", "--model", dir, "--data", "example:sim630", "--kind", "careers", "--out", filepath.Join(out, "careers.png")},
		{"report", "--model", dir, "--data", "example:sim630", "--out", filepath.Join(out, "report.html")},
		{"profile", "--model", dir, "--persons", filepath.Join("testdata", "persons630.csv"), "--out", filepath.Join(out, "profiles")},
	} {
		var stdout, stderr bytes.Buffer
		if code := runContext(ctx, args, &stdout, &stderr); code != exitInterrupted {
			t.Errorf("%s: exit %d, want %d; stderr:\n%s", args[0], code, exitInterrupted, stderr.String())
		}
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Errorf("the output directory holds %d entries, want none", len(entries))
	}
}

// TestPlotStyleFlags: --colors, --legend, --font-scale, --size and --dpi
// reach the figures of plot and report: the groups' colours in the lines
// (and the report's swatches), the legend's text at the font scale, the
// size and resolution of the files.
func TestPlotStyleFlags(t *testing.T) {
	dir := fitSim630(t, true)
	out := t.TempDir()
	colours := []string{"#1B9E77", "#D95F02", "#7570B3", "#E7298A"}
	flags := []string{"--colors", "#1b9e77,#d95f02,#7570B3,#E7298A", "--font-scale", "1.5", "--legend", "bottom"}
	svg := filepath.Join(out, "t.svg")
	if code, _, stderr := trajkit(t, append([]string{"plot", "--model", dir, "--out", svg}, flags...)...); code != 0 {
		t.Fatalf("plot: exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(svg)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range colours {
		if !bytes.Contains(b, []byte("stroke:"+c)) {
			t.Errorf("the trajectories have no line in %s", c)
		}
	}
	if bytes.Contains(b, []byte("stroke:#E69F00")) {
		t.Error("the trajectories still draw Okabe & Ito's orange")
	}
	// The legend's 12 points times 1.5, at the default size's scale 1;
	// below the panel, so the x axis's label is centred on the figure.
	entry := regexp.MustCompile(`<text x="([0-9.]+)" y="([-0-9.]+)"[^>]*font-size:18px">` + regexp.QuoteMeta(legends(t, dir)[0]) + `</text>`).FindSubmatch(b)
	age := regexp.MustCompile(`<text x="([0-9.]+)" y="([-0-9.]+)"[^>]*font-size:19.5px">Age</text>`).FindSubmatch(b)
	if entry == nil || age == nil {
		t.Fatalf("no legend entry at 18 points or axis label at 19.5 points")
	}
	num := func(b []byte) float64 { v, _ := strconv.ParseFloat(string(b), 64); return v }
	// The SVG's y runs down the page; "Age" is about 1.6 font sizes wide
	// and centred on the data area, right of the y axis: near the centre
	// of the 900-point figure (with the legend at the right, 140 points
	// to the left of it).
	if num(entry[2]) <= num(age[2]) || math.Abs(num(age[1])+0.8*19.5-450) > 45 {
		t.Errorf("the legend (y %s) is not below the axis label (x %s, y %s)", entry[2], age[1], age[2])
	}

	png300 := filepath.Join(out, "column.png")
	if code, _, stderr := trajkit(t, "plot", "--model", dir, "--size", "85x60", "--dpi", "300", "--out", png300); code != 0 {
		t.Fatalf("plot --size: exit %d: %s", code, stderr)
	}
	b, err = os.ReadFile(png300)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	// 85 x 60 mm at 300 dpi, 11811 pixels per metre.
	if s := img.Bounds().Size(); s.X != 1004 || s.Y != 709 {
		t.Errorf("85x60 mm at 300 dpi: %v pixels, want 1004x709", s)
	}
	if i := bytes.Index(b, []byte("pHYs")); i < 0 || binary.BigEndian.Uint32(b[i+4:]) != 11811 {
		t.Errorf("the PNG does not say 300 dpi")
	}
	pdf := filepath.Join(out, "column.pdf")
	if code, _, stderr := trajkit(t, "plot", "--model", dir, "--size", "85x60", "--out", pdf); code != 0 {
		t.Fatalf("plot --size pdf: exit %d: %s", code, stderr)
	}
	if b, _ := os.ReadFile(pdf); !bytes.Contains(b, []byte("/MediaBox [0 0 240.94 170.08]")) {
		t.Error("the PDF of --size 85x60 is not 85 x 60 mm")
	}
	// --width and --height at --dpi 300 are a PNG of those pixels, an SVG
	// of 4 x 2.67 inches.
	svg300 := filepath.Join(out, "t300.svg")
	if code, _, stderr := trajkit(t, "plot", "--model", dir, "--dpi", "300", "--out", svg300); code != 0 {
		t.Fatalf("plot --dpi: exit %d: %s", code, stderr)
	}
	if b, _ := os.ReadFile(svg300); !bytes.Contains(b, []byte(`width="288pt" height="192pt"`)) {
		t.Errorf("1200x800 pixels at 300 dpi: the SVG is not 288 x 192 points")
	}

	html := filepath.Join(out, "r.html")
	if code, _, stderr := trajkit(t, append([]string{"report", "--model", dir, "--out", html}, flags...)...); code != 0 {
		t.Fatalf("report: exit %d: %s", code, stderr)
	}
	b, err = os.ReadFile(html)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range colours {
		// The figures' lines and the tables' swatches.
		if !bytes.Contains(b, []byte("stroke:"+c)) || bytes.Count(b, []byte(c)) < 3 {
			t.Errorf("the report does not colour a group %s in its figures and tables", c)
		}
	}
}

// readCurves reads a curves file that plot --curves wrote.
func readCurves(t *testing.T, path string) []results.CurveRow {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := results.ReadCurves(f, path)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestPlotCurves: plot --curves writes the plotted numbers: mean and its
// interval are the model's curve (model.json), observed_mean and n are
// trajectory.ObservedMeans of the careers read again, weighted as
// --observed says; --labels names the groups. At --tcov employed=mean the
// mean is trajectory.TcovCurves', which the observed means scatter around
// more closely than around the curve at zero.
func TestPlotCurves(t *testing.T) {
	dir := fitSim630(t, false)
	out := t.TempDir()
	fit, err := results.ReadFit(dir)
	if err != nil {
		t.Fatal(err)
	}
	l, err := careersio.Load(careersio.Source{Data: "example:sim630"})
	if err != nil {
		t.Fatal(err)
	}
	if err := results.Align(fit, l.Careers, "example:sim630"); err != nil {
		t.Fatal(err)
	}
	names := []string{"incidental", "early-peak", "late-peak", "continuous"}
	for _, by := range []trajectory.Weighting{trajectory.ByPosterior, trajectory.ByAssignment} {
		observed := map[trajectory.Weighting]string{trajectory.ByPosterior: "posterior", trajectory.ByAssignment: "assigned"}[by]
		csv := filepath.Join(out, observed+".csv")
		code, stdout, stderr := trajkit(t, "plot", "--model", dir, "--observed", observed, "--labels", strings.Join(names, ","),
			"--out", filepath.Join(out, "t.svg"), "--curves", csv)
		if code != 0 {
			t.Fatalf("plot --curves: exit %d: %s", code, stderr)
		}
		if !strings.Contains(stdout, "Wrote "+csv) {
			t.Errorf("stdout %q", stdout)
		}
		b, err := os.ReadFile(csv)
		if err != nil {
			t.Fatal(err)
		}
		if head, _, _ := strings.Cut(string(b), "\n"); head != "age,group,label,mean,mean_lo,mean_hi,observed_mean,n" {
			t.Errorf("header %q", head)
		}
		rows := readCurves(t, csv)
		obs := trajectory.ObservedMeans(l.Careers, fit.Posterior, by)
		if n := 4 * len(fit.Groups[0].Curve); len(rows) != n {
			t.Fatalf("%d rows, want %d", len(rows), n)
		}
		for _, r := range rows {
			g := fit.Groups[r.Group-1]
			p := g.Curve[r.Age-g.Curve[0].Age]
			o := obs[r.Group-1][r.Age-l.Careers.MinAge]
			// The file writes shortest round-trip decimals: exact.
			if r.Label != names[r.Group-1] || r.Mean != p.Mean || r.MeanLo != float64(p.MeanLo) || r.MeanHi != float64(p.MeanHi) ||
				r.ObservedMean != o.Mean || r.N != o.Persons || r.Tcov != "" {
				t.Fatalf("%s: row %+v; curve %+v, observed %+v", observed, r, p, o)
			}
		}
	}
	// Only for the trajectories figure.
	if code, _, stderr := trajkit(t, "plot", "--model", dir, "--kind", "posteriors", "--out", filepath.Join(out, "p.svg"), "--curves", filepath.Join(out, "p.csv")); code != 2 || !strings.Contains(stderr, "--curves writes the numbers of the trajectories figure") {
		t.Errorf("--curves of posteriors: exit %d: %s", code, stderr)
	}
	if code, _, stderr := trajkit(t, "plot", "--model", dir, "--out", filepath.Join(out, "t.svg"), "--curves", filepath.Join(out, "t.svg")); code != 2 || !strings.Contains(stderr, "is the figure's --out") {
		t.Errorf("--curves onto --out: exit %d: %s", code, stderr)
	}
	// --curves alone writes the numbers and no figure: the same numbers.
	alone := filepath.Join(t.TempDir(), "alone.csv")
	if code, stdout, stderr := trajkit(t, "plot", "--model", dir, "--labels", strings.Join(names, ","), "--curves", alone); code != 0 || strings.Count(stdout, "Wrote") != 1 {
		t.Errorf("plot --curves alone: exit %d: %s%s", code, stdout, stderr)
	} else if a, b := readCurves(t, alone), readCurves(t, filepath.Join(out, "posterior.csv")); !reflect.DeepEqual(a, b) {
		t.Errorf("plot --curves alone wrote other numbers than with a figure")
	}
	if code, _, stderr := trajkit(t, "plot", "--model", dir); code != 2 || !strings.Contains(stderr, "--out is required") {
		t.Errorf("plot without --out or --curves: exit %d: %s", code, stderr)
	}

	emp := filepath.Join(t.TempDir(), "emp")
	if code, _, stderr := trajkit(t, "fit", "--data", "example:employment", "--groups", "2", "--order", "2", "--tcov", "employed", "--out", emp); code != 0 {
		t.Fatalf("fit: exit %d: %s", code, stderr)
	}
	csv := filepath.Join(out, "emp.csv")
	if code, _, stderr := trajkit(t, "plot", "--model", emp, "--tcov", "employed=0,mean", "--out", filepath.Join(out, "emp.svg"), "--curves", csv); code != 0 {
		t.Fatalf("plot --tcov --curves: exit %d: %s", code, stderr)
	}
	fit, err = results.ReadFit(emp)
	if err != nil {
		t.Fatal(err)
	}
	l, err = careersio.Load(careersio.Source{Data: "example:employment", Tcov: []string{"employed"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := results.Align(fit, l.Careers, "example:employment"); err != nil {
		t.Fatal(err)
	}
	atMean, err := trajectory.TcovCurves(fit, trajectory.TcovSetting{Mean: []string{"employed"}}, l.Careers, fit.Posterior, trajectory.ByPosterior)
	if err != nil {
		t.Fatal(err)
	}
	// Squared distances of the observed means from the curves, weighted
	// by n, at zero and at the mean.
	var off [2]float64
	var nrows [2]int
	for _, r := range readCurves(t, csv) {
		g := fit.Groups[r.Group-1]
		a := r.Age - g.Curve[0].Age
		j := map[string]int{"employed=0": 0, "employed=mean": 1}[r.Tcov]
		nrows[j]++
		want := g.Curve[a].Mean
		if j == 1 {
			want = atMean[r.Group-1][a]
		}
		if r.Mean != want || (j == 0) == math.IsNaN(r.MeanLo) {
			t.Fatalf("row %+v: want mean %g and an interval at zero only", r, want)
		}
		off[j] += r.N * (r.ObservedMean - r.Mean) * (r.ObservedMean - r.Mean)
	}
	if n := 2 * len(fit.Groups[0].Curve); nrows[0] != n || nrows[1] != n {
		t.Errorf("rows %v per setting, want %d", nrows, n)
	}
	if !(off[1] < off[0]/2) {
		t.Errorf("the observed means are not closer to the curves at the mean (%.3g) than at zero (%.3g)", off[1], off[0])
	}
}
