package main

import (
	"context"
	_ "embed"
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/trajkit/trajkit/cmd/trajkit/internal/report"
	"github.com/trajkit/trajkit/mixture"
	"github.com/trajkit/trajkit/trajectory/figure"
	"github.com/trajkit/trajkit/trajectory/results"
)

const reportUsage = `Usage: trajkit report --model DIR [--data FILE] [--select DIR] --out report.html

Writes one self-contained HTML file about the model in DIR (the --out
directory of trajkit fit): the data summary, the model and its fit, the
groups with their adequacy diagnostics, the coefficients with standard
errors (when model.json has them), the membership model (odds ratios with
95% intervals, Wald tests) for a model with risk factors, the effects of
time-varying covariates for one with --tcov, the distal outcome by group
(fit --distal), the figures (trajectories,
posterior probabilities, careers), the model selection when --select names
the --out directory of trajkit select, the group profiles when DIR holds
profiles.csv, and the published-vs-reproduced table, with the data it was
computed from, when DIR holds reproduction.csv (trajkit reproduce). Figures
are inline SVG and the styles inline: the file has no links to other files
and no scripts, and prints as it shows.

The careers are read again as model.json says they were read for the fit;
--data and the reading flags override that. --labels, --colors, --legend
and --font-scale set the figures' look as in trajkit plot; the tables'
swatches take the same colours.

Examples:
  trajkit fit --data example:sim630 --groups 4 --out result
  trajkit report --model result --data example:sim630 --out report.html
  trajkit report --model result --select selection --title "Simulated careers" --out report.html
  trajkit report --model result --labels low,early,late,high --colors "grey,#0072B2,#009E73,darkred" --out report.html
`

type reportFlags struct {
	dataFlags
	model, selectDir, out, title string
	sample                       int
	seed                         uint64
	labels                       labelsFlag
	styleFlags
}

func runReport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	var f reportFlags
	f.dataFlags.register(fs)
	fs.StringVar(&f.model, "model", "", "directory of the model: the --out directory of trajkit fit (required)")
	fs.StringVar(&f.selectDir, "select", "", "directory of a model selection: the --out directory of trajkit select")
	fs.StringVar(&f.out, "out", "", "HTML file to write (required)")
	fs.StringVar(&f.title, "title", "", `title of the report (default "Group-based trajectory model of DATA")`)
	fs.IntVar(&f.sample, "sample", figure.DefaultSample, "careers figure: persons drawn per group")
	fs.Uint64Var(&f.seed, "seed", mixture.DefaultSeed, "careers figure: seed of the sample")
	f.labels.registerOutput(fs)
	f.styleFlags.register(fs)
	if err := parseFlags(fs, reportUsage, args, stdout); err != nil {
		return err
	}
	if err := f.styleFlags.check(); err != nil {
		return err
	}
	if f.model == "" {
		return usagef("--model is required: the --out directory of trajkit fit")
	}
	if f.out == "" {
		return usagef("--out is required: the HTML file to write")
	}
	if err := checkOutFile("out", f.out); err != nil {
		return err
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
	d, err := readFigureData(ctx, f.model, &f.dataFlags, fs, true, stderr)
	if err != nil {
		return err
	}
	if err := f.labels.apply(d.fit); err != nil {
		return err
	}
	style, err := f.style(len(d.fit.Groups))
	if err != nil {
		return err
	}
	in := &report.Input{Title: f.title, Source: filepath.Join(f.model, results.ModelFile), Fit: d.fit, Careers: d.careers, Outcomes: d.outcomes, Sample: f.sample, Seed: f.seed, Style: style}
	if f.selectDir != "" {
		sd, err := results.OpenDir(f.selectDir)
		if err != nil {
			return err
		}
		if in.Selection, err = sd.Selection(); err != nil {
			return err
		}
		warn(stderr, sd.Warnings...)
	}
	if in.Profiles, err = d.dir.Profiles(); err != nil {
		return err
	}
	if in.Reproduction, err = d.dir.Reproduction(); err != nil {
		return err
	}
	warn(stderr, d.dir.Warnings...)
	if err := results.WriteFile(ctx, f.out, func(w io.Writer) error { return report.Render(w, in) }); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Wrote %s\n", f.out)
	return nil
}
