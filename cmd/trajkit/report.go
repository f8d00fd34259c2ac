package main

import (
	"context"
	_ "embed"
	"encoding/base64"
	"flag"
	"fmt"
	"html/template"
	"io"
	"path/filepath"

	"github.com/trajkit/trajkit/trajectory"
)

const reportUsage = `Usage: trajkit report --model DIR [--data FILE] [--select DIR] --out report.html

Writes one self-contained HTML file about the model in DIR (the --out
directory of trajkit fit): the data summary, the model and its fit, the
groups with their adequacy diagnostics, the coefficients with standard
errors (when model.json has them), the figures (trajectories, posterior
probabilities, careers), the model selection when --select names the --out
directory of trajkit select, and the group profiles when DIR holds
profiles.csv. Figures are inline SVG and the styles inline: the file has no
links to other files and no scripts, and prints as it shows.

The careers are read again as model.json says they were read for the fit;
--data and the reading flags override that.

Examples:
  trajkit fit --data example:sim630 --groups 4 --out result
  trajkit report --model result --data example:sim630 --out report.html
  trajkit report --model result --select selection --title "Simulated careers" --out report.html
`

//go:embed report.tmpl
var reportHTML string

var reportTemplate = template.Must(template.New("report").Parse(reportHTML))

type reportFlags struct {
	dataFlags
	model, selectDir, out, title string
	sample                       int
	seed                         uint64
}

func runReport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	var f reportFlags
	f.dataFlags.register(fs)
	fs.StringVar(&f.model, "model", "", "directory of the model: the --out directory of trajkit fit (required)")
	fs.StringVar(&f.selectDir, "select", "", "directory of a model selection: the --out directory of trajkit select")
	fs.StringVar(&f.out, "out", "", "HTML file to write (required)")
	fs.StringVar(&f.title, "title", "", `title of the report (default "Group-based trajectory model of DATA")`)
	fs.IntVar(&f.sample, "sample", 20, "careers figure: persons drawn per group")
	fs.Uint64Var(&f.seed, "seed", 1, "careers figure: seed of the sample")
	if err := parseFlags(fs, reportUsage, args, stdout); err != nil {
		return err
	}
	if f.model == "" {
		return usagef("--model is required: the --out directory of trajkit fit")
	}
	if f.out == "" {
		return usagef("--out is required: the HTML file to write")
	}
	if f.sample < 1 {
		return usagef("--sample %d: expected at least 1 person per group", f.sample)
	}
	if f.data != "" {
		if err := f.dataFlags.check(); err != nil {
			return err
		}
	}
	// Every input is read before any figure is drawn.
	d, err := readFigureData(f.model, &f.dataFlags, fs, true, stderr)
	if err != nil {
		return err
	}
	var sel *trajectory.SelectionTable
	var selFile *selectionFile
	var selWarning string
	if f.selectDir != "" {
		if sel, selFile, selWarning, err = readSelection(f.selectDir); err != nil {
			return err
		}
	}
	prof, err := readProfiles(f.model)
	if err != nil {
		return err
	}
	repro, err := readCSVTable(f.model, "reproduction.csv")
	if err != nil {
		return err
	}
	page, err := f.page(d)
	if err != nil {
		return err
	}
	if sel != nil {
		if page.Selection, err = selectionSection(sel, selFile, selWarning); err != nil {
			return err
		}
	}
	if prof != nil {
		page.Profiles = profilesSection(prof)
	}
	if repro != nil {
		page.Reproduction = reproductionSection(repro)
	}
	if err := writeAtomic(f.out, func(w io.Writer) error { return reportTemplate.Execute(w, page) }); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Wrote %s\n", f.out)
	return nil
}

// reportPage is what the template shows; every number is already written
// as text.
type reportPage struct {
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
	Groups             []reportGroup
	HasShareSE, AnyLow bool
	CoefNote           string
	Coefs              []coefBlock
	Figures            []reportFigure
	Selection          *reportSelection
	Profiles           *reportTable
	Reproduction       *reportTable
}

type keyValue struct{ Key, Value string }

type reportGroup struct {
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

type reportFigure struct {
	ID, Title, Caption string
	SVG                template.HTML
}

type reportSelection struct {
	Recommended, Reason, Note string
	Warnings                  []string
	Header                    []reportCell
	Rows                      []reportRow
	Figure                    *reportFigure
}

type reportTable struct {
	Note   string
	Header []reportCell
	Rows   []reportRow
}

// reportCell is a table cell; text cells are aligned left.
type reportCell struct {
	Text   string
	Number bool
}

type reportRow struct {
	Cells []reportCell
	Mark  bool
}

// page assembles the report of the model and data d.
func (f *reportFlags) page(d *figureData) (*reportPage, error) {
	m := d.model
	p := &reportPage{
		Title: f.title,
		Subtitle: fmt.Sprintf("%s trajectories, %d groups, fitted by %s to %s",
			distName(m.Distribution), len(m.Groups), m.Software, d.read.File),
		Software: "trajkit " + trajectory.Version,
		Footer:   fmt.Sprintf("Written by trajkit %s from %s.", trajectory.Version, filepath.Join(f.model, "model.json")),
	}
	if p.Title == "" {
		p.Title = "Group-based trajectory model of " + d.read.File
	}
	family, ttf, err := trajectory.FigureFont()
	if err != nil {
		return nil, err
	}
	p.FontFamily = family
	p.FontURL = template.URL("data:font/ttf;base64," + base64.StdEncoding.EncodeToString(ttf))
	p.dataSection(d)
	p.modelSection(m)
	p.groupSections(m)
	if err := p.figures(d, f.sample, f.seed); err != nil {
		return nil, err
	}
	return p, nil
}
