package main

import (
	"bytes"
	"context"
	"image"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/trajectory"
	"github.com/trajkit/trajkit/trajectory/results"
)

// selectFixture is the selection of trajectory/testdata (see its README),
// shared with the results and figure tests.
var selectFixture = filepath.Join("..", "..", "trajectory", "testdata", "select-sim630")

// writeReport fits sim630 with labelled groups, adds the profiles fixture
// and writes the report with the selection fixture; it returns the HTML
// file, the groups' legend entries and the model's directory.
func writeReport(t *testing.T) (string, []string, string) {
	t.Helper()
	dir := fitSim630(t, true)
	prof, err := os.ReadFile(filepath.Join("testdata", "report", "profiles.csv"))
	if err != nil {
		t.Fatal(err)
	}
	err = results.Save(context.Background(), dir, "test", nil, func(s *results.Set) error {
		if err := s.Write(results.ProfilesFile, func(w io.Writer) error { _, err := w.Write(prof); return err }); err != nil {
			return err
		}
		return s.CarryRest(results.ProfilesFile)
	})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "report.html")
	code, stdout, stderr := trajkit(t, "report", "--model", dir, "--select", selectFixture, "--out", out)
	if code != 0 {
		t.Fatalf("report: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "Wrote "+out) {
		t.Errorf("stdout %q", stdout)
	}
	return out, legends(t, dir), dir
}

// external matches what would make the page load anything from elsewhere.
var external = regexp.MustCompile(`(?i)<script|<link|<iframe|<object|<embed|(src|href)\s*=\s*"(https?:)?//|url\(\s*['"]?(https?:)?//|@import`)

func TestReport(t *testing.T) {
	out, legend, dir := writeReport(t)
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	if m := external.FindString(page); m != "" {
		t.Errorf("the report is not self-contained: it has %q", m)
	}
	if strings.Contains(page, "ZgotmplZ") {
		t.Error("html/template rejected a value (ZgotmplZ)")
	}
	if n := strings.Count(page, "<svg "); n != 4 {
		t.Errorf("%d inline SVG figures, want 4 (trajectories, posteriors, careers, selection)", n)
	}
	for _, l := range legend {
		// The legend of the trajectories figure, as SVG text.
		if !strings.Contains(page, ">"+l+"</text>") {
			t.Errorf("no legend entry %q in the figures", l)
		}
		// The coefficients' heading.
		if !strings.Contains(page, "</span>"+l+"</h3>") {
			t.Errorf("no heading %q", l)
		}
	}
	for _, want := range []string{
		`<tr><th scope="row">Persons</th><td>630</td></tr>`,
		`<td>36.4%</td>`, // a share, one decimal
		"Group profiles", "age_first_contact",
		"Recommended: <strong>4 groups, orders 3;3;3;3</strong>", // as select prints them
		seNote(t, dir),
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the report does not contain %q", want)
		}
	}
	if n := strings.Count(page, `<tr class="recommended">`); n != 1 {
		t.Errorf("%d recommended rows in the selection table, want 1", n)
	}
}

// seNote is what the report must say about the standard errors of the
// model in dir: whether fit wrote them depends on its version.
func seNote(t *testing.T, dir string) string {
	t.Helper()
	m, err := results.ReadModel(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range m.Groups {
		for _, se := range g.BetaSE {
			if se.IsDefined() {
				return "Standard errors from model.json"
			}
		}
	}
	return "model.json has no standard errors"
}

// TestReportInBrowser opens the report in headless Chromium: it must load
// without console errors, uncaught exceptions or failed loads; every
// group's legend entry must be rendered text of the trajectories figure;
// the screenshot must not be blank; and the page must print.
func TestReportInBrowser(t *testing.T) {
	b := startBrowser(t)
	out, legend, _ := writeReport(t)
	abs, err := filepath.Abs(out)
	if err != nil {
		t.Fatal(err)
	}
	b.open("file://"+filepath.ToSlash(abs), 1100)
	for _, p := range b.problems() {
		t.Errorf("browser: %s", p)
	}
	// The text of the figure as laid out: an entry with no width was not
	// rendered.
	var texts []struct {
		Text  string  `json:"text"`
		Width float64 `json:"width"`
	}
	b.eval(`Array.from(document.querySelectorAll("#fig-trajectories svg text")).map(e => ({text: e.textContent, width: e.getBBox().width}))`, &texts)
	for _, l := range legend {
		found := false
		for _, x := range texts {
			if x.Text == l && x.Width > 0 {
				found = true
			}
		}
		if !found {
			t.Errorf("the rendered trajectories figure has no legend entry %q", l)
		}
	}
	var body string
	b.eval(`document.body.innerText`, &body)
	for _, want := range []string{"Groups and adequacy", "36.4%", "Model selection", "Group profiles"} {
		if !strings.Contains(body, want) {
			t.Errorf("the rendered page does not show %q", want)
		}
	}
	// Not blank: a real page has many colours and much ink.
	img := b.screenshot()
	colours, ink, total := inkOf(img)
	if colours < 50 || ink < total/50 {
		t.Errorf("the screenshot looks blank: %d colours, %d of %d pixels not white", colours, ink, total)
	}
	pdf := b.printPDF()
	if !strings.HasPrefix(string(pdf), "%PDF-") || len(pdf) < 10000 {
		t.Errorf("printing gave %d bytes starting %q", len(pdf), pdf[:min(8, len(pdf))])
	}
}

// inkOf counts the distinct colours of an image and its pixels that are
// not white.
func inkOf(img image.Image) (colours, ink, total int) {
	seen := map[uint32]bool{}
	r := img.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			seen[cr>>8<<16|cg>>8<<8|cb>>8] = true
			if cr < 0xF000 || cg < 0xF000 || cb < 0xF000 {
				ink++
			}
			total++
		}
	}
	return len(seen), ink, total
}

// TestReportWithStandardErrors gives model.json made-up standard errors
// and intervals, round numbers: the report must show them, with z and p,
// and draw the bands.
func TestReportWithStandardErrors(t *testing.T) {
	dir := fitSim630(t, false, "--no-se")
	m, err := results.ReadModel(dir)
	if err != nil {
		t.Fatal(err)
	}
	for j := range m.Groups {
		g := &m.Groups[j]
		g.ShareSE, g.ShareCI = 0.02, trajectory.Interval{g.Share - 0.04, g.Share + 0.04}
		g.BetaSE = make([]trajectory.Float, len(g.Beta))
		for q := range g.Beta {
			g.BetaSE[q] = 0.1
		}
		for a := range g.Curve {
			g.Curve[a].MeanLo, g.Curve[a].MeanHi = trajectory.Float(0.8*g.Curve[a].Mean), trajectory.Float(1.25*g.Curve[a].Mean)
		}
	}
	writeModel(t, dir, m)
	out := filepath.Join(t.TempDir(), "report.html")
	if code, _, stderr := trajkit(t, "report", "--model", dir, "--out", out); code != 0 {
		t.Fatalf("report: exit %d: %s", code, stderr)
	}
	page, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	g := m.Groups[0]
	z := g.Beta[0] / 0.1
	for _, want := range []string{
		"Standard errors from model.json",
		"<td>0.10000</td><td>" + fmtNum(z, 2) + "</td>",
		"<th scope=\"col\">95% interval</th>",
		"<td>2.0%</td><td>" + trajectory.FormatShare(g.Share-0.04) + " to " + trajectory.FormatShare(g.Share+0.04) + "</td>",
		"Shaded: pointwise 95% intervals",
		"95% pointwise interval (delta method)",
	} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("the report does not contain %q", want)
		}
	}
	if strings.Contains(string(page), "no standard errors") {
		t.Error("the report says there are no standard errors")
	}
}
