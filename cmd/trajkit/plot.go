package main

import (
	"context"
	"flag"
	"fmt"
	"image/color"
	"io"
	"maps"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/trajkit/trajkit/mixture"
	"github.com/trajkit/trajkit/trajectory"
	"github.com/trajkit/trajkit/trajectory/careersio"
	"github.com/trajkit/trajkit/trajectory/figure"
	"github.com/trajkit/trajkit/trajectory/results"
)

const plotUsage = `Usage: trajkit plot --model DIR --out FILE.png|.svg|.pdf [flags]

Draws a figure of the model in DIR (the --out directory of trajkit fit):

  trajectories  per group the expected count by age as a line, the observed
                means as points (posterior-weighted; --observed assigned for
                assigned members only) and 95% bands when model.json has
                intervals; the default
  posteriors    each assigned person's posterior probability of the group,
                with the group's APP (average posterior probability)
  careers       a random sample of individual careers per group, as strips
                of counts by age
  selection     BIC (N persons, N observations) and AIC by number of groups,
                the recommended model ringed; DIR is the --out directory of
                trajkit select (selection.csv, selection.json)

The careers are read again as model.json says they were read for the fit;
--data and the reading flags override that.

Size: a PNG has --width x --height pixels and says --dpi (default 96) in
the file; an SVG or PDF has the size of that PNG in inches. For print give
--size in millimetres instead: --size 85x60 --dpi 300 is an 85 x 60 mm
figure, a PNG of 1004 x 709 pixels. Text, line widths and markers scale
with the size: by the smaller of width/12.5 in and height/8.33 in (the
default 1200 x 800 pixels at 96 dpi), at least 0.65, then --font-scale.

Look: the groups are named by their labels in model.json (trajkit label
stores them) or "Group k"; --labels names them for this figure only.
--colors colours them (the same colours in every figure and in the
report's tables), --legend places the legend.

--curves FILE.csv writes the numbers of the trajectories figure, to redraw
it in R or Stata: per group and age the expected count (mean) and its 95%
interval (mean_lo, mean_hi; empty when model.json has none or the curve is
at covariates other than zero), the observed mean and n, the persons
observed at the age weighted as the observed means are; with --tcov, one
row per setting, named in a last column, tcov. It is of a model of one
outcome: for a model of several (fit --outcomes, --dual) it is refused.

A multi-trajectory model (fit --outcomes) and a dual one (fit --dual)
have a panel per outcome; with time-varying covariates --tcov sets them
in every panel, each outcome's curves at its own effects (by default at
the persons' own values, beside the observed means).

Examples:
  trajkit fit --data example:sim630 --groups 4 --out result
  trajkit plot --model result --data example:sim630 --out trajectories.png
  trajkit plot --model result --data example:sim630 --kind careers --sample 30 --out careers.svg
  trajkit plot --model result --kind posteriors --out posteriors.pdf --width 900 --height 600
  trajkit plot --model result --title "Simulated careers" --ylabel "Offences per year at risk" --out trajectories.svg
  trajkit plot --model result --size 85x60 --dpi 300 --legend bottom --out column.png
  trajkit plot --model result --out trajectories.pdf --curves curves.csv
  trajkit plot --model result --labels low,early,late,high --colors "grey,#0072B2,#009E73,darkred" --legend inside --font-scale 1.2 --out styled.pdf
  trajkit plot --model selection --kind selection --out selection.png
  trajkit fit --data example:employment --groups 2 --order 2 --tcov employed --out emp
  trajkit plot --model emp --tcov employed=0,1 --out employment.png
  trajkit plot --model emp --tcov employed=mean --out employment-observed.png
`

// Figure kinds.
const (
	kindTrajectories = "trajectories"
	kindPosteriors   = "posteriors"
	kindCareers      = "careers"
	kindSelection    = "selection"
	kindTransitions  = "transitions"
	kindDropout      = "dropout"
)

// figureFlags are the flags that shape a figure.
type figureFlags struct {
	kind                  string
	title, xLabel, yLabel string
	width, height         int
	dpi                   float64
	size                  string
	observed              string
	noBands               bool
	sample                int
	seed                  uint64
	tcovAt                tcovValues
	labels                labelsFlag
	styleFlags
	// mm is --size parsed (check).
	mm [2]float64
}

// styleFlags are the flags of the figures' look, which plot and report
// share.
type styleFlags struct {
	colors    string
	legend    string
	fontScale float64
	// colours and position are --colors and --legend parsed (check).
	colours  []color.Color
	position figure.LegendPosition
}

func (s *styleFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&s.colors, "colors", "", `colours of the groups, in group order, comma-separated: names (steelblue, darkred) or #rrggbb, one per group (default: Okabe & Ito's colour-blind-safe palette)`)
	fs.StringVar(&s.legend, "legend", "auto", "where the legend goes: right, bottom, inside (the top right of the panel), none, or auto (right, or bottom when it would take over a third of the width)")
	fs.Float64Var(&s.fontScale, "font-scale", 1, "multiply the size of all text by this factor (> 0), on top of the scaling with the figure's size")
}

// check parses the flags.
func (s *styleFlags) check() error {
	var err error
	if s.position, err = figure.ParseLegendPosition(s.legend); err != nil {
		return usagef("--legend %q: expected auto, right, bottom, inside or none", s.legend)
	}
	if !(s.fontScale > 0 && s.fontScale <= 10) {
		return usagef("--font-scale %g: expected a factor above 0, at most 10", s.fontScale)
	}
	s.colours = nil
	if s.colors == "" {
		return nil
	}
	for k, c := range strings.Split(s.colors, ",") {
		col, err := figure.ParseColour(c)
		if err != nil {
			return usagef("--colors %q: group %d: %v", s.colors, k+1, err)
		}
		s.colours = append(s.colours, col)
	}
	return nil
}

// style returns the figures' style for a model of groups groups: one
// colour per group when --colors is given.
func (s *styleFlags) style(groups int) (figure.Style, error) {
	if s.colours != nil && len(s.colours) != groups {
		noun := "colours"
		if len(s.colours) == 1 {
			noun = "colour"
		}
		return figure.Style{}, usagef("--colors %q: %d %s for the %d groups of the model: give one per group", s.colors, len(s.colours), noun, groups)
	}
	return figure.Style{Colours: s.colours, Legend: s.position, FontScale: s.fontScale}, nil
}

// tcovValues collects --tcov NAME=V1,V2 settings of the plot command; a
// value "mean" puts the covariate at each person's own values, averaged
// over the persons observed at each age.
type tcovValues struct {
	names  []string
	values [][]tcovValue
}

// tcovValue is a value of --tcov: a number, or the mean.
type tcovValue struct {
	v    float64
	mean bool
}

func (t *tcovValues) String() string { return "" }

func (t *tcovValues) Set(s string) error {
	name, vals, ok := strings.Cut(s, "=")
	name = strings.TrimSpace(name)
	if !ok || name == "" {
		return fmt.Errorf("expected NAME=V1,V2 or NAME=mean, e.g. employed=0,1")
	}
	var vs []tcovValue
	for _, v := range strings.Split(vals, ",") {
		if strings.TrimSpace(v) == "mean" {
			vs = append(vs, tcovValue{mean: true})
			continue
		}
		x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("value %q of %s is not a finite number nor mean", v, name)
		}
		vs = append(vs, tcovValue{v: x})
	}
	if slices.Contains(t.names, name) {
		return fmt.Errorf("%s is given twice: list its values once, NAME=V1,V2", name)
	}
	t.names = append(t.names, name)
	t.values = append(t.values, vs)
	return nil
}

// hasMean says whether a setting has a covariate at its mean.
func (t *tcovValues) hasMean() bool {
	for _, vs := range t.values {
		if slices.ContainsFunc(vs, func(v tcovValue) bool { return v.mean }) {
			return true
		}
	}
	return false
}

// settings returns every combination of the values, in order.
func (t *tcovValues) settings() []trajectory.TcovSetting {
	if len(t.names) == 0 {
		return nil
	}
	out := []trajectory.TcovSetting{{}}
	for j, name := range t.names {
		var next []trajectory.TcovSetting
		for _, s := range out {
			for _, v := range t.values[j] {
				c := trajectory.TcovSetting{Values: maps.Clone(s.Values), Mean: slices.Clone(s.Mean)}
				if v.mean {
					c.Mean = append(c.Mean, name)
				} else {
					if c.Values == nil {
						c.Values = map[string]float64{}
					}
					c.Values[name] = v.v
				}
				next = append(next, c)
			}
		}
		out = next
	}
	return out
}

func (f *figureFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.kind, "kind", kindTrajectories, "figure: trajectories, posteriors, careers, selection, transitions (of a dual model: the table of π(k2 | k1)), or dropout (of fit --dropout: each group's dropout hazard by age)")
	fs.IntVar(&f.width, "width", 1200, "width in pixels; the SVG or PDF is as wide in inches at --dpi")
	fs.IntVar(&f.height, "height", 800, "height in pixels")
	fs.Float64Var(&f.dpi, "dpi", figure.DPI, "resolution in pixels per inch: of the PNG (written into it), and turning --width and --height into inches")
	fs.StringVar(&f.size, "size", "", "size in millimetres, WxH, for print, e.g. 85x60 (a journal's column): the PNG has the pixels of that size at --dpi (instead of --width and --height)")
	fs.StringVar(&f.title, "title", "", "title over the figure (default none)")
	fs.StringVar(&f.xLabel, "xlabel", "", `label of the x axis (default "Age" for trajectories and careers)`)
	fs.StringVar(&f.yLabel, "ylabel", "", `label of the y axis (default for trajectories: the distribution's, "Offences per year" for counts, "Probability of an offence" for logit and cloglog, "Expected score (COLUMN)" for cnorm)`)
	fs.StringVar(&f.observed, "observed", "posterior", "trajectories: observed means weighted by posterior probability (posterior), of assigned members (assigned), or none")
	fs.BoolVar(&f.noBands, "no-bands", false, "trajectories: leave out the 95% bands")
	fs.Var(&f.tcovAt, "tcov", "trajectories: draw each group's curve at these values of a time-varying covariate, NAME=V1,V2, where a value mean is each person's own values averaged over the persons observed at each age (what the observed means match), e.g. employed=mean or employed=0,1,mean (repeat for several covariates; all combinations are drawn; default: every covariate at its mean beside the observed means, at zero with --observed none)")
	fs.IntVar(&f.sample, "sample", figure.DefaultSample, "careers: persons drawn per group")
	fs.Uint64Var(&f.seed, "seed", mixture.DefaultSeed, "careers: seed of the sample")
	f.labels.registerOutput(fs)
	f.styleFlags.register(fs)
}

// check checks the flags; fs says which were given.
func (f *figureFlags) check(fs *flag.FlagSet) error {
	switch f.kind {
	case kindTrajectories, kindPosteriors, kindCareers, kindSelection, kindTransitions, kindDropout:
	default:
		return usagef("--kind %q: expected trajectories, posteriors, careers, selection, transitions or dropout", f.kind)
	}
	switch f.observed {
	case "posterior", "assigned", "none":
	default:
		return usagef("--observed %q: expected posterior, assigned or none", f.observed)
	}
	if !(f.dpi >= figure.MinDPI && f.dpi <= figure.MaxDPI) {
		return usagef("--dpi %g: expected %d to %d pixels per inch", f.dpi, figure.MinDPI, figure.MaxDPI)
	}
	for _, d := range []struct {
		name string
		v    int
	}{{"width", f.width}, {"height", f.height}} {
		if d.v < figure.MinPixels || d.v > figure.MaxPixels {
			return usagef("--%s %d: expected %d to %d pixels", d.name, d.v, figure.MinPixels, figure.MaxPixels)
		}
	}
	if f.size != "" {
		set := setFlags(fs)
		if set["width"] || set["height"] {
			return usagef("--size %q and --width/--height both give the figure's size: give one", f.size)
		}
		w, h, ok := strings.Cut(strings.ToLower(f.size), "x")
		var err1, err2 error
		f.mm[0], err1 = strconv.ParseFloat(strings.TrimSpace(w), 64)
		f.mm[1], err2 = strconv.ParseFloat(strings.TrimSpace(h), 64)
		if !ok || err1 != nil || err2 != nil || !(f.mm[0] > 0 && f.mm[1] > 0) || math.IsInf(f.mm[0]+f.mm[1], 0) {
			return usagef("--size %q: expected WIDTHxHEIGHT in millimetres, e.g. 85x60", f.size)
		}
		pw, ph := f.figureSize().PixelSize()
		if min(pw, ph) < figure.MinPixels || max(pw, ph) > figure.MaxPixels {
			return usagef("--size %s at --dpi %g is %dx%d pixels: expected %d to %d (change --dpi)", f.size, f.dpi, pw, ph, figure.MinPixels, figure.MaxPixels)
		}
	}
	if err := f.styleFlags.check(); err != nil {
		return err
	}
	if f.colours != nil && (f.kind == kindCareers || f.kind == kindSelection || f.kind == kindTransitions) {
		return usagef("--colors colours the groups of the trajectories and posteriors figures; the %s figure has none", f.kind)
	}
	if f.sample < 1 {
		return usagef("--sample %d: expected at least 1 person per group", f.sample)
	}
	return nil
}

// figureSize is the figure's size: --size in millimetres, else --width
// and --height pixels, at --dpi.
func (f *figureFlags) figureSize() figure.Size {
	if f.size != "" {
		return figure.Millimetres(f.mm[0], f.mm[1], f.dpi)
	}
	return figure.Pixels(f.width, f.height, f.dpi)
}

// needsData says whether the figure needs the careers.
func (f *figureFlags) needsData() bool {
	return f.kind == kindCareers || f.kind == kindTrajectories && (f.observed != "none" || f.tcovAt.hasMean())
}

// figureFormat returns png, svg or pdf from a file name.
func figureFormat(path string) (string, error) {
	ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(path), "."))
	switch ext {
	case "png", "svg", "pdf":
		return ext, nil
	}
	return "", usagef("--out %q: expected a file name ending in .png, .svg or .pdf", path)
}

// figureData is what the figures are drawn from.
type figureData struct {
	// fit is the model; its per-person fields are in the order of careers,
	// the persons it was fitted to, when they are set (nil when not read).
	fit     *trajectory.Fitted
	careers *trajectory.Careers
	// outcomes are the careers of each outcome of a multi-trajectory
	// model (careers is the first's); nil otherwise.
	outcomes []*trajectory.Careers
	// selection are a model search's candidates, for the selection figure.
	selection []*trajectory.Candidate
	// dir is the result directory the fit was read from (nil when the fit
	// was not read from one).
	dir *results.Dir
}

// draw draws the figure of the given kind.
func (f *figureFlags) draw(kind string, d *figureData) (*figure.Figure, error) {
	groups := 0
	if d.fit != nil {
		groups = len(d.fit.Groups)
		if d.fit.IsDual() { // each outcome's groups coloured by themselves
			groups = max(len(d.fit.Outcomes[0].Groups), len(d.fit.Outcomes[1].Groups))
		}
	}
	st, err := f.style(groups)
	if err != nil {
		return nil, err
	}
	switch {
	case kind == kindTransitions && !d.fit.IsDual():
		return nil, usagef("--kind transitions draws the transition probabilities of a dual model (fit --dual); this is a %s model", distName(d.fit))
	case d.fit != nil && d.fit.IsDual() && (kind == kindPosteriors || kind == kindCareers):
		return nil, usagef("--kind %s of a dual model is not built yet: draw trajectories or transitions", kind)
	}
	switch kind {
	case kindDropout:
		return figure.DropoutPlot(d.fit, &figure.DropoutOptions{Title: f.title, XLabel: f.xLabel, YLabel: f.yLabel, Style: st})
	case kindTransitions:
		return figure.TransitionPlot(d.fit, &figure.TransitionOptions{Title: f.title, XLabel: f.xLabel, YLabel: f.yLabel, Style: st})
	case kindTrajectories:
		if d.fit.IsMulti() || d.fit.IsDual() {
			return f.multiTrajectories(d, st)
		}
		o := f.trajectoryOptions(d)
		o.Style = st
		return figure.TrajectoryPlot(d.fit, o)
	case kindPosteriors:
		return figure.PosteriorPlot(d.fit, &figure.PosteriorOptions{Title: f.title, XLabel: f.xLabel, YLabel: f.yLabel, Style: st})
	case kindCareers:
		return figure.CareersPlot(d.fit, d.careers, &figure.CareersOptions{
			Title: f.title, XLabel: f.xLabel, YLabel: f.yLabel, Sample: f.sample, Seed: f.seed, Style: st})
	case kindSelection:
		return figure.SelectionPlot(d.selection, &figure.SelectionOptions{Title: f.title, XLabel: f.xLabel, YLabel: f.yLabel, Style: st})
	}
	panic("trajkit: unknown figure kind " + kind)
}

// trajectoryOptions are the options of the trajectories figure: the
// observed means weighted as --observed says (and a covariate at its mean
// weighted so too, by posterior with --observed none). Without --tcov, a
// model with time-varying covariates has its curves drawn at every
// covariate's mean when the observed means are drawn, so that the curves
// are what the means beside them estimate (as in the report), and at zero
// with --observed none.
func (f *figureFlags) trajectoryOptions(d *figureData) *figure.TrajectoryOptions {
	o := &figure.TrajectoryOptions{Title: f.title, XLabel: f.xLabel, YLabel: f.yLabel, NoBands: f.noBands, Tcov: f.tcovAt.settings(), Careers: d.careers}
	if f.observed == "assigned" {
		o.Weighting = trajectory.ByAssignment
	}
	if f.observed != "none" {
		o.Observed = trajectory.ObservedMeans(d.careers, d.fit.Posterior, o.Weighting)
		if names := d.fit.TcovNames(); o.Tcov == nil && names != nil {
			o.Tcov = []trajectory.TcovSetting{{Mean: names}}
		}
	}
	return o
}

// multiTrajectories draws the trajectories of a multi-trajectory model,
// a panel per outcome, with each outcome's observed means when its
// careers are there.
func (f *figureFlags) multiTrajectories(d *figureData, st figure.Style) (*figure.Figure, error) {
	o := &figure.TrajectoryOptions{Title: f.title, XLabel: f.xLabel, YLabel: f.yLabel, NoBands: f.noBands, Style: st,
		Tcov: f.tcovAt.settings(), OutcomeCareers: d.outcomes}
	if f.observed == "assigned" {
		o.Weighting = trajectory.ByAssignment
	}
	if names := d.fit.TcovNames(); o.Tcov == nil && names != nil && f.observed != "none" {
		// As for one outcome (trajectoryOptions): the curves that the
		// observed means estimate.
		o.Tcov = []trajectory.TcovSetting{{Mean: names}}
	}
	var observed [][][]trajectory.ObservedMean
	if f.observed != "none" && d.outcomes != nil {
		for i, c := range d.outcomes {
			post := d.fit.Posterior
			if d.fit.IsDual() { // each outcome's groups have their own posteriors
				post = d.fit.Outcomes[i].Posterior
			}
			observed = append(observed, trajectory.ObservedMeans(c, post, o.Weighting))
		}
	}
	return figure.MultiTrajectoryPlot(d.fit, o, observed)
}

// writeFigure renders fig into path, atomically.
func writeFigure(ctx context.Context, path string, fig *figure.Figure, size figure.Size) error {
	format, err := figureFormat(path)
	if err != nil {
		return err
	}
	return results.WriteFile(ctx, path, func(w io.Writer) error { return fig.RenderSize(w, format, size) })
}

type plotFlags struct {
	dataFlags
	figureFlags
	model, out, curves string
}

func runPlot(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("plot", flag.ContinueOnError)
	var f plotFlags
	f.dataFlags.register(fs)
	f.figureFlags.register(fs)
	fs.StringVar(&f.model, "model", "", "directory of the model (trajkit fit --out), or of the selection for --kind selection (required)")
	fs.StringVar(&f.out, "out", "", "figure file: .png, .svg or .pdf (required unless --curves is given)")
	fs.StringVar(&f.curves, "curves", "", "trajectories: also write the plotted numbers to this CSV file, one row per group and age: age,group,label,mean,mean_lo,mean_hi,observed_mean,n (and tcov with --tcov)")
	if err := parseFlags(fs, plotUsage, args, stdout); err != nil {
		return err
	}
	if f.model == "" {
		return usagef("--model is required: the --out directory of trajkit fit (or of trajkit select for --kind selection)")
	}
	if f.out == "" && f.curves == "" {
		return usagef("--out is required: a file name ending in .png, .svg or .pdf (or --curves FILE.csv alone for the numbers of the trajectories)")
	}
	if f.out != "" {
		if _, err := figureFormat(f.out); err != nil {
			return err
		}
		if err := checkOutFile("out", f.out); err != nil {
			return err
		}
	}
	if err := f.figureFlags.check(fs); err != nil {
		return err
	}
	if f.curves != "" {
		if f.kind != kindTrajectories {
			return usagef("--curves writes the numbers of the trajectories figure, not of --kind %s", f.kind)
		}
		if f.out != "" && sameFile(f.curves, f.out) {
			return usagef("--curves %q is the figure's --out", f.curves)
		}
	}
	if f.data != "" && f.needsData() {
		if err := f.dataFlags.check(); err != nil {
			return err
		}
	}
	d := &figureData{}
	if f.kind == kindSelection {
		sd, err := results.OpenDir(f.model)
		if err != nil {
			return err
		}
		sel, err := sd.Selection()
		if err != nil {
			return err
		}
		warn(stderr, sd.Warnings...)
		if sel.Warning != "" {
			fmt.Fprintf(stderr, "trajkit: warning: %s\n", sel.Warning)
		}
		d.selection = sel.Table.Candidates
	} else {
		var err error
		if d, err = readFigureData(ctx, f.model, &f.dataFlags, fs, f.needsData(), stderr); err != nil {
			return err
		}
		warn(stderr, d.dir.Warnings...)
		if err := f.labels.apply(d.fit); err != nil {
			return err
		}
		if f.curves != "" && len(d.fit.Outcomes) > 0 {
			return usagef("--curves writes the numbers of a model of one outcome; for a model of several (%s) it is not built yet: model.json holds each outcome's curves", distName(d.fit))
		}
	}
	if f.out != "" {
		fig, err := f.draw(f.kind, d)
		if err != nil {
			return err
		}
		if err := writeFigure(ctx, f.out, fig, f.figureSize()); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Wrote %s\n", f.out)
	}
	if f.curves == "" {
		return nil
	}
	rows, err := f.curveRows(d)
	if err != nil {
		return err
	}
	if err := results.WriteFile(ctx, f.curves, func(w io.Writer) error { return results.WriteCurves(w, rows) }); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Wrote %s\n", f.curves)
	return nil
}

// curveRows are the numbers of the trajectories figure, as --curves
// writes them.
func (f *figureFlags) curveRows(d *figureData) ([]results.CurveRow, error) {
	o := f.trajectoryOptions(d)
	var tcov []results.TcovCurve
	for _, s := range o.Tcov {
		means, err := trajectory.TcovCurves(d.fit, s, d.careers, d.fit.Posterior, o.Weighting)
		if err != nil {
			return nil, err
		}
		tcov = append(tcov, results.TcovCurve{Setting: s, Means: means})
	}
	return results.CurveRows(d.fit, o.Observed, tcov), nil
}

// sameFile reports whether paths a and b name the same file, as far as
// their names tell.
func sameFile(a, b string) bool {
	x, err1 := filepath.Abs(a)
	y, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && x == y
}

// readFigureData reads the fit in dir (model.json and assignments.csv)
// and, when withCareers, the careers it was fitted to, with the fit's
// per-person fields in their order.
func readFigureData(ctx context.Context, dir string, df *dataFlags, fs *flag.FlagSet, withCareers bool, stderr io.Writer) (*figureData, error) {
	rd, err := results.OpenDir(dir)
	if err != nil {
		return nil, err
	}
	fit, err := rd.Fit()
	if err != nil {
		return nil, err
	}
	d := &figureData{fit: fit, dir: rd}
	if !withCareers {
		return d, nil
	}
	given := df.data != ""
	df.fromModel(fs, fit.Settings.Data)
	df.real = fit.Distribution.Real()
	// The careers carry the model's time-varying covariates (plot's and
	// report's --tcov are no reading flag), which a curve at their mean
	// averages.
	df.tcov = strings.Join(fit.Settings.Data.Tcov, ",")
	if fit.IsMulti() || fit.IsDual() {
		// Each outcome's columns, as the fit read them.
		var names []string
		df.outcomeCols = nil
		for o, out := range fit.Outcomes {
			names = append(names, out.Name)
			d := fit.Outcome(o).Distribution
			df.outcomeCols = append(df.outcomeCols, careersio.OutcomeColumns{Name: out.Name, Count: out.Name, Exposure: out.Exposure, Real: d.Real(), Binarize: fit.Settings.Data.Binarize && d.Binary()})
		}
		df.outcomes, df.binarize = strings.Join(names, ","), false
	}
	if df.data == "" {
		return nil, usagef("%s does not say which data the model was fitted to: give --data", filepath.Join(dir, results.ModelFile))
	}
	if err := df.check(); err != nil {
		return nil, err
	}
	l, err := df.load(ctx, fs, nil)
	if err != nil {
		if !given {
			return nil, fmt.Errorf("reading the data of the fit again as model.json records (--data to read other data or from elsewhere): %w", err)
		}
		return nil, err
	}
	if given {
		warn(stderr, l.Warnings...)
	}
	w, err := careersio.CheckSame(fit.Settings.Data, l)
	if err != nil {
		return nil, err
	}
	if w != nil {
		warn(stderr, *w)
	}
	if err := results.Align(fit, l.Careers, df.data); err != nil {
		return nil, err
	}
	d.careers, d.outcomes = l.Careers, l.Outcomes
	return d, nil
}
