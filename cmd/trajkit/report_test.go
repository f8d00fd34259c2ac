package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
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
		"Recommended: <strong>4 groups, orders 3;3;3;3</strong>", // as select prints them
		seNote(t, dir),
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the report does not contain %q", want)
		}
	}
	// The selection, in two tables that both end with the recommendation
	// and mark the same row.
	sel := section(t, page, "selection")
	if n := strings.Count(sel, "<table"); n != 2 {
		t.Errorf("%d selection tables, want 2", n)
	}
	if n := strings.Count(sel, `<th scope="col" class="text">Recommended</th></tr></thead>`); n != 2 {
		t.Errorf("%d selection tables end with the Recommended column, want 2", n)
	}
	if n := strings.Count(sel, `<tr class="recommended">`); n != 2 {
		t.Errorf("%d recommended rows in the selection tables, want 2 (one each)", n)
	}
	for _, want := range []string{"<caption>Fit criteria (smaller is better)</caption>", "<caption>Adequacy diagnostics</caption>",
		`<td class="text">3,<wbr>3,<wbr>3,<wbr>3</td>`, `<td class="text">yes</td></tr>`} {
		if !strings.Contains(sel, want) {
			t.Errorf("the selection does not contain %q", want)
		}
	}
	// The profiles as the terminal prints them: variable by group, shares
	// (a level, a 0/1 variable) as percentages, means with one decimal,
	// the posterior-weighted value in brackets (testdata/report/profiles.csv).
	prof := section(t, page, "profiles")
	for _, want := range []string{
		`<thead><tr><th scope="col" class="text">Variable</th><th scope="col">Group 1 incidental</th><th scope="col">Group 2 early-peak</th><th scope="col">Group 3 late-peak</th><th scope="col">Group 4 continuous</th></tr></thead>`,
		`<tr><td class="text">sex = male</td><td>45.1% (45.9%)</td><td>67.0% (66.1%)</td><td>58.0% (58.5%)</td><td>80.4% (80.4%)</td></tr>`,
		`<tr><td class="text">employed</td><td>60.0% (59.1%)</td><td>25.0% (26.0%)</td><td>40.0% (41.0%)</td><td>10.0% (11.5%)</td></tr>`,
		`<tr><td class="text">age_first_contact</td><td>24.3 (24.1)</td><td>14.2 (14.4)</td><td>19.8 (19.9)</td><td>13.1 (13.1)</td></tr>`,
	} {
		if !strings.Contains(prof, want) {
			t.Errorf("the profiles do not contain %s", want)
		}
	}
	if n := strings.Count(prof, "<tr>"); n != 4 {
		t.Errorf("%d rows in the profiles table, want 4 (the header and three variables)", n)
	}
	// A model without covariates has neither covariate section.
	for _, id := range []string{"membership", "tcov"} {
		if strings.Contains(page, `id="`+id+`"`) {
			t.Errorf("a model without covariates has the section %s", id)
		}
	}
}

// section returns the section of the page with that id.
func section(t *testing.T, page, id string) string {
	t.Helper()
	i := strings.Index(page, `<section id="`+id+`">`)
	if i < 0 {
		t.Fatalf("the report has no section %s", id)
	}
	j := strings.Index(page[i:], "</section>")
	return page[i : i+j]
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
	b.open("file://"+filepath.ToSlash(abs), 1300)
	for _, p := range b.problems() {
		t.Errorf("browser: %s", p)
	}
	checkLayout(t, b, "at 1300 px")
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
	b.printLayout()
	checkLayout(t, b, "in print")
}

// TestReproductionReportInBrowser opens the report of trajkit reproduce
// (the run of its usage example, shared with TestReproduce) and of
// trajkit reproduce --outcomes: six-group selection tables, the profiles
// of the synthetic cohort's nineteen variables, the published-versus-
// reproduced table and, with --outcomes only, the exploratory joint
// profile (its figure a panel per outcome, its table of the groups) must
// fit the page at 1300 px and in print, and the page must say that its
// data are the synthetic cohort.
func TestReproductionReportInBrowser(t *testing.T) {
	chromiumBinary(t)
	all := usageExamples(t)
	i := slices.IndexFunc(all, func(ex *example) bool { return ex.key == "reproduce" })
	if i < 0 {
		t.Fatal("no usage example runs trajkit reproduce")
	}
	run, _ := runExample(t, all[i], all)
	if run.err != "" || run.code != 0 {
		t.Fatalf("exit %d %s: %s", run.code, run.err, run.stderr)
	}
	joint, _ := reproduceOutcomes(t)
	for _, tt := range []struct {
		name, page string
		joint      bool
	}{
		{"usage example", filepath.Join(run.dir, "out", "report.html"), false},
		{"--outcomes", filepath.Join(joint, "report.html"), true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			// A browser of its own: its failures are the subtest's.
			b := startBrowser(t)
			b.open("file://"+filepath.ToSlash(tt.page), 1300)
			for _, p := range b.problems() {
				t.Errorf("browser: %s", p)
			}
			var top string
			b.eval(`document.querySelector("header").innerText`, &top)
			if !strings.Contains(top, "synthetic cohort (example:nl630)") {
				t.Errorf("the page's header does not say the data are synthetic: %q", top)
			}
			checkJoint(t, b, tt.joint, "at 1300 px")
			checkLayout(t, b, "at 1300 px")
			b.printLayout()
			checkJoint(t, b, tt.joint, "in print")
			checkLayout(t, b, "in print")
		})
	}
}

// checkJoint checks the joint profile's section as laid out: absent
// unless want; else labelled exploratory, its figure drawn with a panel
// per outcome (other, thb) and within the page, and its table with a row
// per group (four) and the mean cases of both outcomes.
func checkJoint(t *testing.T, b *browser, want bool, how string) {
	t.Helper()
	var j struct {
		Found                   bool
		Text, Head              string
		Panels                  []string
		FigRight, Limit, Height float64
		Rows                    int
	}
	b.eval(`(() => {
		const s = document.getElementById("joint");
		if (!s) return {found: false};
		const svg = s.querySelector("figure svg");
		const body = document.body.getBoundingClientRect();
		const r = svg ? svg.getBoundingClientRect() : {right: 0, height: 0};
		return {found: true, text: s.innerText, head: s.querySelector("thead") ? s.querySelector("thead").innerText : "",
			panels: svg ? Array.from(svg.querySelectorAll("text")).filter(e => e.getBBox().width > 0).map(e => e.textContent) : [],
			figRight: r.right, limit: body.right, height: r.height, rows: s.querySelectorAll("tbody tr").length};
	})()`, &j)
	if j.Found != want {
		t.Fatalf("%s: a joint profile section %v, want %v", how, j.Found, want)
	}
	if !want {
		return
	}
	for _, w := range []string{"Exploratory", "no published counterpart", "Joint profile."} {
		if !strings.Contains(j.Text, w) {
			t.Errorf("%s: the joint profile's section does not say %q", how, w)
		}
	}
	for _, w := range []string{"Estimated share", "Mean other cases per year", "Mean trafficking (THB) cases per year"} {
		if !strings.Contains(j.Head, w) {
			t.Errorf("%s: the joint profile's table has no column %q: %q", how, w, j.Head)
		}
	}
	for _, w := range []string{"other", "thb"} {
		if !slices.Contains(j.Panels, w) {
			t.Errorf("%s: the joint profile's figure has no panel %q", how, w)
		}
	}
	if j.Height <= 0 || j.FigRight > j.Limit+0.5 {
		t.Errorf("%s: the joint profile's figure is %.0f px high and ends at %.0f, the page at %.0f", how, j.Height, j.FigRight, j.Limit)
	}
	if j.Rows != 4 {
		t.Errorf("%s: the joint profile's table has %d rows, want 4", how, j.Rows)
	}
}

// checkLayout checks the page as laid out: it does not scroll sideways,
// no table is wider than its box (or, in print, than the page), and the
// Recommended column of each selection table is on the page, beside the
// highlighted row's other cells.
func checkLayout(t *testing.T, b *browser, how string) {
	t.Helper()
	var l struct {
		PageWidth, ViewWidth float64
		Tables               []struct {
			ID           string
			Right, Limit float64
			Scrolls      bool
		}
		Recommended []struct {
			Left, Right, Width, Limit float64
			Marked                    string
		}
	}
	b.eval(`(() => {
		const body = document.body.getBoundingClientRect();
		const out = {pageWidth: document.documentElement.scrollWidth, viewWidth: document.documentElement.clientWidth, tables: [], recommended: []};
		for (const t of document.querySelectorAll("main table")) {
			const box = t.closest(".scroll");
			out.tables.push({id: t.closest("section").id + ": " + (t.caption ? t.caption.textContent : t.rows[0].innerText.slice(0, 40)),
				right: t.getBoundingClientRect().right, limit: box ? box.getBoundingClientRect().right : body.right,
				scrolls: box ? box.scrollWidth > box.clientWidth : false});
		}
		for (const t of document.querySelectorAll("table.selection")) {
			const th = Array.from(t.tHead.rows[0].cells).find(c => c.textContent === "Recommended");
			const r = th ? th.getBoundingClientRect() : {left: 0, right: 0, width: 0};
			const marked = t.querySelector("tr.recommended");
			out.recommended.push({left: r.left, right: r.right, width: r.width, limit: Math.min(body.right, t.closest(".scroll").getBoundingClientRect().right),
				marked: marked ? marked.cells[marked.cells.length - 1].textContent : ""});
		}
		return out;
	})()`, &l)
	if l.PageWidth > l.ViewWidth {
		t.Errorf("%s: the page scrolls sideways: %v px wide in a %v px window", how, l.PageWidth, l.ViewWidth)
	}
	if len(l.Tables) == 0 {
		t.Fatalf("%s: no tables", how)
	}
	for _, tb := range l.Tables {
		if tb.Scrolls || tb.Right > tb.Limit+0.5 {
			t.Errorf("%s: the table %q is wider than its box (right edge %.0f, box %.0f, scrolls %v)", how, tb.ID, tb.Right, tb.Limit, tb.Scrolls)
		}
	}
	if len(l.Recommended) != 2 {
		t.Fatalf("%s: %d selection tables, want 2", how, len(l.Recommended))
	}
	for q, r := range l.Recommended {
		if r.Width <= 0 || r.Right > r.Limit+0.5 {
			t.Errorf("%s: selection table %d: the Recommended column is not on the page (%.0f to %.0f, page ends at %.0f)", how, q+1, r.Left, r.Right, r.Limit)
		}
		if r.Marked != "yes" {
			t.Errorf("%s: selection table %d: the highlighted row's Recommended cell is %q", how, q+1, r.Marked)
		}
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

// effectRow is the report's row of a coefficient b with standard error se:
// the estimate and SE with four decimals, exp(b) and its 95% interval
// exp(b ± 1.96 se) with three, z with two.
func effectRow(name string, b, se float64) string {
	return fmt.Sprintf(`<td class="text">%s</td><td>%.4f</td><td>%.4f</td><td>%.3f</td><td>%.3f to %.3f</td><td>%.2f</td>`,
		name, b, se, math.Exp(b), math.Exp(b-1.959964*se), math.Exp(b+1.959964*se), b/se)
}

// TestReportMembership: a model with risk factors (sim630 with the test
// person file: female, and region with three levels) gets the membership
// section: per group but the reference, each coefficient's log-odds, SE,
// odds ratio and interval as model.json gives them, the Wald test per risk
// factor, and the same odds ratios as the terminal summary.
func TestReportMembership(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "risk")
	persons := filepath.Join(srcDir, "testdata", "persons630.csv")
	code, stdout, stderr := trajkit(t, "fit", "--data", "example:sim630", "--groups", "3", "--persons", persons, "--risk", "female,region", "--out", dir)
	if code != 0 {
		t.Fatalf("fit: exit %d: %s", code, stderr)
	}
	out := filepath.Join(t.TempDir(), "report.html")
	if code, _, stderr := trajkit(t, "report", "--model", dir, "--out", out); code != 0 {
		t.Fatalf("report: exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	if !strings.Contains(page, `<li><a href="#membership">Membership</a></li>`) {
		t.Error("no contents entry for the membership")
	}
	sec := section(t, page, "membership")
	m, err := results.ReadModel(dir)
	if err != nil {
		t.Fatal(err)
	}
	if m.Covariates.Reference != 1 {
		t.Fatalf("reference group %d", m.Covariates.Reference)
	}
	rows := 0
	for j, g := range m.Groups {
		heading := fmt.Sprintf("</span>Group %d</th>", j+1)
		if j == 0 {
			if strings.Contains(sec, heading) {
				t.Error("the reference group has rows")
			}
			continue
		}
		if !strings.Contains(sec, heading) {
			t.Errorf("no rows for group %d", j+1)
		}
		for a, name := range g.MembershipCoef.Names {
			bv, se := g.MembershipCoef.Values[a], g.MembershipSE.Values[a]
			if want := effectRow(name, bv, se); !strings.Contains(sec, want) {
				t.Errorf("group %d: no row %s", j+1, want)
			}
			// The terminal prints the same odds ratio and interval.
			want := fmt.Sprintf(`%s +%.4f +%.4f +%.3f +%.3f-%.3f `, regexp.QuoteMeta(name), bv, se, math.Exp(bv), math.Exp(bv-1.959964*se), math.Exp(bv+1.959964*se))
			if !regexp.MustCompile(want).MatchString(stdout) {
				t.Errorf("group %d %s: the terminal lacks %s", j+1, name, want)
			}
			rows++
		}
	}
	// Two groups against the reference, each with the intercept, female
	// and two region indicators.
	if rows != 8 {
		t.Errorf("%d coefficient rows, want 8", rows)
	}
	if len(m.Covariates.Wald) != 2 {
		t.Fatalf("model.json has %d Wald tests, want 2", len(m.Covariates.Wald))
	}
	for _, w := range m.Covariates.Wald {
		want := fmt.Sprintf(`<tr><td class="text">%s</td><td>%.2f</td><td>%d</td>`, w.Variable, float64(w.Chi2), w.DF)
		if !strings.Contains(sec, want) {
			t.Errorf("no Wald test %s", want)
		}
	}
	for _, want := range []string{"reference group (Group 1)", `region against &#34;north&#34;`, "Standard errors from model.json"} {
		if !strings.Contains(sec, want) {
			t.Errorf("the membership section lacks %q", want)
		}
	}
	if strings.Contains(page, `id="tcov"`) {
		t.Error("a model without time-varying covariates has their section")
	}
}

// TestReportTcov: a model with a time-varying covariate (the employment
// example) gets its section: per group the effect δ, its SE, the rate
// ratio exp(δ) and its interval, as model.json gives them; without
// standard errors, the estimates alone and a note that says so.
func TestReportTcov(t *testing.T) {
	for _, tc := range []struct {
		name  string
		extra []string
	}{{"with standard errors", nil}, {"without", []string{"--no-se"}}} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "emp")
			args := append([]string{"fit", "--data", "example:employment", "--groups", "2", "--order", "2", "--tcov", "employed", "--out", dir}, tc.extra...)
			if code, _, stderr := trajkit(t, args...); code != 0 {
				t.Fatalf("fit: exit %d: %s", code, stderr)
			}
			out := filepath.Join(t.TempDir(), "report.html")
			if code, _, stderr := trajkit(t, "report", "--model", dir, "--out", out); code != 0 {
				t.Fatalf("report: exit %d: %s", code, stderr)
			}
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			page := string(b)
			sec := section(t, page, "tcov")
			m, err := results.ReadModel(dir)
			if err != nil {
				t.Fatal(err)
			}
			for j, g := range m.Groups {
				d, _ := g.TcovCoef.Value("employed")
				se, ok := g.TcovSE.Value("employed")
				want := fmt.Sprintf(`<td class="text">employed</td><td>%.4f</td><td>–</td><td>%.3f</td><td>–</td>`, d, math.Exp(d))
				if ok {
					want = effectRow("employed", d, se)
				}
				if !strings.Contains(sec, want) {
					t.Errorf("group %d: no row %s", j+1, want)
				}
			}
			note := "Standard errors from model.json"
			if tc.extra != nil {
				note = "model.json has no standard errors"
			}
			for _, want := range []string{note, "The curves are at every time-varying covariate zero", "<th scope=\"col\">Rate ratio</th>"} {
				if !strings.Contains(sec, want) {
					t.Errorf("the section lacks %q", want)
				}
			}
			if strings.Contains(page, `id="membership"`) {
				t.Error("a model without risk factors has the membership section")
			}
		})
	}
}
