// Package report writes trajkit's HTML report of a fitted model: one
// self-contained page with the data summary, the model and its fit, the
// groups with their adequacy diagnostics, the coefficients, the membership
// model and the effects of time-varying covariates when the model has
// them, the figures (inline SVG), the model selection (two tables narrow
// enough for the page), the group profiles as the terminal prints them
// and, for a reproduction, the published-versus-reproduced table with the
// data it was computed from, and the exploratory joint profile when one was
// fitted beside it. It has no links to other files and no
// scripts, and prints as it shows.
package report

import (
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"

	"github.com/trajkit/trajkit/internal/words"
	"github.com/trajkit/trajkit/trajectory"
	"github.com/trajkit/trajkit/trajectory/careersio"
	"github.com/trajkit/trajkit/trajectory/figure"
	"github.com/trajkit/trajkit/trajectory/results"
)

//go:embed report.tmpl
var pageHTML string

var pageTemplate = template.Must(template.New("report").Parse(pageHTML))

// Input is what a report shows.
type Input struct {
	// Title heads the page; empty means "Group-based trajectory model of
	// FILE".
	Title string
	// Source says where the fit was read from, for the footer.
	Source string
	// Fit is the model, with its per-person fields (posteriors) in the
	// order of Careers, the persons it was fitted to.
	Fit     *trajectory.Fitted
	Careers *trajectory.Careers
	// Outcomes are the careers of each outcome of a multi-trajectory
	// model (Careers is the first's), in the same order; nil otherwise.
	Outcomes []*trajectory.Careers
	// Selection is a model search to show; nil for none.
	Selection *results.Selection
	// Profiles and Reproduction are tables to show; nil for none.
	Profiles     []careersio.ProfileRow
	Reproduction []results.ReproRow
	// Joint is an exploratory joint profile fitted beside a reproduction
	// (reproduce --outcomes); nil for none.
	Joint *Joint
	// Sample persons per group (0: 20) from Seed are drawn in the careers
	// figure.
	Sample int
	Seed   uint64
	// Style is the figures' look: the groups' colours (the tables' swatches
	// take them too), the legends' position, the text size.
	Style figure.Style
}

// Render writes the report of in to w.
func Render(w io.Writer, in *Input) error {
	p, err := newPage(in)
	if err != nil {
		return err
	}
	return pageTemplate.Execute(w, p)
}

// page is what the template shows; every number is already written
// as text.
type page struct {
	Title, Subtitle, Software, Footer string
	// FontFamily and FontURL embed the figures' font, so that the text of
	// the inline SVG figures keeps the widths it was laid out with on
	// machines that lack the font.
	FontFamily         string
	FontURL            template.URL
	Data               []keyValue
	DataWarnings       []string
	Model, Criteria    []keyValue
	Warnings           []string
	Groups             []groupRow
	HasShareSE, AnyLow bool
	// MinAPP and MinOCC are Nagin's adequacy thresholds.
	MinAPP, MinOCC float64
	CoefNote       string
	Coefs          []coefBlock
	// Membership and Tcov are the covariates' sections; nil for a model
	// without them.
	Membership, Tcov *effectsBox
	Figures          []figureBox
	Selection        *selectionBox
	Profiles         *table
	Reproduction     *reproBox
	// Joint is the exploratory joint profile's section; nil without one.
	Joint *jointBox
	// Transition holds a dual model's tables of π(k2 | k1), π(k1 | k2)
	// and π(k1, k2); nil for other models.
	Transition []table
	// Distal is the distal outcome's section; nil without one.
	Distal *distalBox
	// Dropout holds a dropout model's tables: the hazards' coefficients
	// and the hazards and shares by age.
	Dropout []table
}

type keyValue struct{ Key, Value string }

type groupRow struct {
	Name, Colour                                 string
	Share, ShareSE, ShareCI, Assigned, NAssigned string
	APP, OCC, MeanCount                          string
	LowAPP, LowOCC                               bool
}

type coefBlock struct {
	Name, Colour string
	Rows         []coefRow
}

type coefRow struct{ Parameter, Estimate, SE, Z, P string }

type figureBox struct {
	ID, Title, Caption string
	SVG                template.HTML
}

type selectionBox struct {
	Recommended, Reason, Note string
	Warnings                  []string
	Tables                    []selectionTable
	Figure                    *figureBox
}

// selectionTable is one of the tables the selection is split into.
type selectionTable struct {
	Caption string
	Header  []cell
	Rows    []row
}

// reproBox is the published-versus-reproduced table and the data it was
// computed from ("" when reproduction.csv does not say: an earlier
// version).
type reproBox struct {
	table
	Data string
}

type table struct {
	Note   string
	Header []cell
	Rows   []row
}

// cell is a table cell; text cells are aligned left. Parts, when set,
// are its text cut where it may wrap.
type cell struct {
	Text   string
	Number bool
	Parts  []string
}

type row struct {
	Cells []cell
	Mark  bool
}

// newPage assembles the report of in.
func newPage(in *Input) (*page, error) {
	f := in.Fit
	data := f.Settings.Data
	p := &page{
		Title: in.Title,
		Subtitle: fmt.Sprintf("%s trajectories, %s, fitted by %s to %s",
			distName(f.Distribution), words.Count(len(f.Groups), "group"), results.Software, data.File),
		Software: results.Software,
		Footer:   fmt.Sprintf("Written by %s from %s.", results.Software, in.Source),
	}
	if f.IsMulti() {
		p.Subtitle = fmt.Sprintf("Multi-trajectory model of %s, %s, fitted by %s to %s",
			words.Count(len(f.Outcomes), "outcome"), words.Count(len(f.Groups), "group"), results.Software, data.File)
	}
	if f.IsDual() {
		p.Subtitle = fmt.Sprintf("Dual trajectory model of %s (%s) and %s (%s), fitted by %s to %s", f.Outcomes[0].Name, words.Count(len(f.Outcomes[0].Groups), "group"),
			f.Outcomes[1].Name, words.Count(len(f.Outcomes[1].Groups), "group"), results.Software, data.File)
		p.Transition = transitionTables(f)
	}
	if f.Attrition != nil {
		p.Dropout = dropoutTables(f)
	}
	if p.Title == "" {
		p.Title = "Group-based trajectory model of " + data.File
	}
	family, ttf, err := figure.Font()
	if err != nil {
		return nil, err
	}
	p.FontFamily = family
	p.FontURL = template.URL("data:font/ttf;base64," + base64.StdEncoding.EncodeToString(ttf))
	p.dataSection(f, in.Careers, in.Outcomes, data)
	p.modelSection(f)
	p.groupSections(f, &in.Style)
	p.Membership, p.Tcov = membershipSection(f, &in.Style), tcovSection(f, &in.Style)
	if f.IsDual() {
		// The risk factors are on the first outcome's groups.
		p.Membership = membershipSection(f.Outcome(0), &in.Style)
	}
	sample := in.Sample
	if sample == 0 {
		sample = 20
	}
	if err := p.figures(f, in.Careers, in.Outcomes, sample, in.Seed, &in.Style); err != nil {
		return nil, err
	}
	if in.Selection != nil {
		if p.Selection, err = selectionSection(in.Selection, &in.Style); err != nil {
			return nil, err
		}
	}
	p.Distal = distalSection(f)
	if in.Profiles != nil {
		p.Profiles = profilesSection(in.Profiles, f)
	}
	if in.Reproduction != nil {
		p.Reproduction = reproductionSection(in.Reproduction)
	}
	if in.Joint != nil {
		if p.Joint, err = jointSection(in.Joint, &in.Style); err != nil {
			return nil, err
		}
	}
	return p, nil
}
