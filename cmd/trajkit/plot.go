package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/trajkit/trajkit/internal/words"
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
--data and the reading flags override that. A PNG has --width x --height
pixels; an SVG or PDF has the same size at 96 pixels per inch.

Examples:
  trajkit fit --data example:sim630 --groups 4 --out result
  trajkit plot --model result --data example:sim630 --out trajectories.png
  trajkit plot --model result --data example:sim630 --kind careers --sample 30 --out careers.svg
  trajkit plot --model result --kind posteriors --out posteriors.pdf --width 900 --height 600
  trajkit plot --model result --title "Simulated careers" --ylabel "Offences per year at risk" --out trajectories.svg
  trajkit plot --model selection --kind selection --out selection.png
  trajkit fit --data example:employment --groups 2 --order 2 --tcov employed --out emp
  trajkit plot --model emp --tcov employed=0,1 --out employment.png
`

// Figure kinds.
const (
	kindTrajectories = "trajectories"
	kindPosteriors   = "posteriors"
	kindCareers      = "careers"
	kindSelection    = "selection"
)

// figureFlags are the flags that shape a figure.
type figureFlags struct {
	kind                  string
	title, xLabel, yLabel string
	width, height         int
	observed              string
	noBands               bool
	sample                int
	seed                  uint64
	tcovAt                tcovValues
	labels                labelsFlag
}

// labelsFlag is --labels: names of the groups in the figures and the
// report, in group order, over the labels of model.json.
type labelsFlag string

func (l *labelsFlag) register(fs *flag.FlagSet) {
	fs.StringVar((*string)(l), "labels", "", `names of the groups, in group order, comma-separated, e.g. "low,early-peak,late-peak,high" (default: the labels of model.json, else "Group k")`)
}

// apply names the groups of fit, checking that there is one name per
// group.
func (l labelsFlag) apply(fit *trajectory.Fitted) error {
	if l == "" {
		return nil
	}
	names := strings.Split(string(l), ",")
	if len(names) != len(fit.Groups) {
		return usagef("--labels %q: %s for the %s of the model", string(l), words.Count(len(names), "name"), words.Count(len(fit.Groups), "group"))
	}
	for k, name := range names {
		if name = strings.TrimSpace(name); name == "" {
			return usagef("--labels %q: group %d has an empty name", string(l), k+1)
		}
		fit.Groups[k].Label = name
	}
	return nil
}

// tcovValues collects --tcov NAME=V1,V2 settings of the plot command.
type tcovValues struct {
	names  []string
	values [][]float64
}

func (t *tcovValues) String() string { return "" }

func (t *tcovValues) Set(s string) error {
	name, vals, ok := strings.Cut(s, "=")
	name = strings.TrimSpace(name)
	if !ok || name == "" {
		return fmt.Errorf("expected NAME=V1,V2, e.g. employed=0,1")
	}
	var vs []float64
	for _, v := range strings.Split(vals, ",") {
		x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("value %q of %s is not a finite number", v, name)
		}
		vs = append(vs, x)
	}
	t.names = append(t.names, name)
	t.values = append(t.values, vs)
	return nil
}

// settings returns every combination of the values, in order.
func (t *tcovValues) settings() []map[string]float64 {
	if len(t.names) == 0 {
		return nil
	}
	out := []map[string]float64{{}}
	for j, name := range t.names {
		var next []map[string]float64
		for _, m := range out {
			for _, v := range t.values[j] {
				c := map[string]float64{name: v}
				for k, x := range m {
					c[k] = x
				}
				next = append(next, c)
			}
		}
		out = next
	}
	return out
}

func (f *figureFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.kind, "kind", kindTrajectories, "figure: trajectories, posteriors, careers or selection")
	fs.IntVar(&f.width, "width", 1200, "width in pixels (96 per inch in SVG and PDF)")
	fs.IntVar(&f.height, "height", 800, "height in pixels")
	fs.StringVar(&f.title, "title", "", "title over the figure (default none)")
	fs.StringVar(&f.xLabel, "xlabel", "", `label of the x axis (default "Age" for trajectories and careers)`)
	fs.StringVar(&f.yLabel, "ylabel", "", `label of the y axis (default "Offences per year" for trajectories)`)
	fs.StringVar(&f.observed, "observed", "posterior", "trajectories: observed means weighted by posterior probability (posterior), of assigned members (assigned), or none")
	fs.BoolVar(&f.noBands, "no-bands", false, "trajectories: leave out the 95% bands")
	fs.Var(&f.tcovAt, "tcov", "trajectories: draw each group's curve at these values of a time-varying covariate, NAME=V1,V2 (repeat for several covariates; all combinations are drawn)")
	fs.IntVar(&f.sample, "sample", figure.DefaultSample, "careers: persons drawn per group")
	fs.Uint64Var(&f.seed, "seed", mixture.DefaultSeed, "careers: seed of the sample")
	f.labels.register(fs)
}

func (f *figureFlags) check() error {
	switch f.kind {
	case kindTrajectories, kindPosteriors, kindCareers, kindSelection:
	default:
		return usagef("--kind %q: expected trajectories, posteriors, careers or selection", f.kind)
	}
	switch f.observed {
	case "posterior", "assigned", "none":
	default:
		return usagef("--observed %q: expected posterior, assigned or none", f.observed)
	}
	for _, d := range []struct {
		name string
		v    int
	}{{"width", f.width}, {"height", f.height}} {
		if d.v < figure.MinPixels || d.v > figure.MaxPixels {
			return usagef("--%s %d: expected %d to %d pixels", d.name, d.v, figure.MinPixels, figure.MaxPixels)
		}
	}
	if f.sample < 1 {
		return usagef("--sample %d: expected at least 1 person per group", f.sample)
	}
	return nil
}

// needsData says whether the figure needs the careers.
func (f *figureFlags) needsData() bool {
	return f.kind == kindCareers || f.kind == kindTrajectories && f.observed != "none"
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
	// selection are a model search's candidates, for the selection figure.
	selection []*trajectory.Candidate
	// dir is the result directory the fit was read from (nil when the fit
	// was not read from one).
	dir *results.Dir
}

// draw draws the figure of the given kind.
func (f *figureFlags) draw(kind string, d *figureData) (*figure.Figure, error) {
	switch kind {
	case kindTrajectories:
		o := &figure.TrajectoryOptions{Title: f.title, XLabel: f.xLabel, YLabel: f.yLabel, NoBands: f.noBands, TcovAt: f.tcovAt.settings()}
		if f.observed != "none" {
			o.Weighting = trajectory.ByPosterior
			if f.observed == "assigned" {
				o.Weighting = trajectory.ByAssignment
			}
			o.Observed = trajectory.ObservedMeans(d.careers, d.fit.Posterior, o.Weighting)
		}
		return figure.TrajectoryPlot(d.fit, o)
	case kindPosteriors:
		return figure.PosteriorPlot(d.fit, &figure.PosteriorOptions{Title: f.title, XLabel: f.xLabel, YLabel: f.yLabel})
	case kindCareers:
		return figure.CareersPlot(d.fit, d.careers, &figure.CareersOptions{
			Title: f.title, XLabel: f.xLabel, YLabel: f.yLabel, Sample: f.sample, Seed: f.seed})
	case kindSelection:
		return figure.SelectionPlot(d.selection, &figure.SelectionOptions{Title: f.title, XLabel: f.xLabel, YLabel: f.yLabel})
	}
	panic("trajkit: unknown figure kind " + kind)
}

// writeFigure renders fig into path, atomically.
func writeFigure(ctx context.Context, path string, fig *figure.Figure, width, height int) error {
	format, err := figureFormat(path)
	if err != nil {
		return err
	}
	return results.WriteFile(ctx, path, func(w io.Writer) error { return fig.Render(w, format, width, height) })
}

type plotFlags struct {
	dataFlags
	figureFlags
	model, out string
}

func runPlot(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("plot", flag.ContinueOnError)
	var f plotFlags
	f.dataFlags.register(fs)
	f.figureFlags.register(fs)
	fs.StringVar(&f.model, "model", "", "directory of the model (trajkit fit --out), or of the selection for --kind selection (required)")
	fs.StringVar(&f.out, "out", "", "figure file: .png, .svg or .pdf (required)")
	if err := parseFlags(fs, plotUsage, args, stdout); err != nil {
		return err
	}
	if f.model == "" {
		return usagef("--model is required: the --out directory of trajkit fit (or of trajkit select for --kind selection)")
	}
	if f.out == "" {
		return usagef("--out is required: a file name ending in .png, .svg or .pdf")
	}
	if _, err := figureFormat(f.out); err != nil {
		return err
	}
	if err := f.figureFlags.check(); err != nil {
		return err
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
	}
	fig, err := f.draw(f.kind, d)
	if err != nil {
		return err
	}
	if err := writeFigure(ctx, f.out, fig, f.width, f.height); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Wrote %s\n", f.out)
	return nil
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
	d.careers = l.Careers
	return d, nil
}
