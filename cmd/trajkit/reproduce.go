package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"slices"
	"sync"
	"text/tabwriter"

	"github.com/trajkit/trajkit/cmd/trajkit/internal/report"
	"github.com/trajkit/trajkit/data"
	"github.com/trajkit/trajkit/internal/words"
	"github.com/trajkit/trajkit/mixture"

	"github.com/trajkit/trajkit/trajectory"
	"github.com/trajkit/trajkit/trajectory/figure"
	"github.com/trajkit/trajkit/trajectory/results"
	"github.com/trajkit/trajkit/trajectory/study/nl630"
)

const reproduceUsage = `Usage: trajkit reproduce [--data FILE --persons FILE|--no-persons] [--out DIR] [--seeds N]

Reproduces the four-group solution of the Dutch study of 630 offenders of
domestic sexual exploitation (Nationaal Rapporteur, "Brede blik op
daderschap", 2024): low-rate 36%, early-peak (peak at 15-22) 28%, late-peak
(22-33) 21%, high-rate 15%. Without --data it runs on the synthetic cohort
embedded in trajkit (data/nl630: calibrated to every published figure; the
real records are confidential); with --data and --persons it runs the same
pipeline on a real extract (see docs/reproduction.md for the columns).
Every output names the data: "synthetic cohort (example:nl630)" on the
terminal, in reproduction.csv's data column and in report.html, or the
--data file. The embedded person file belongs to the synthetic cohort, so
--data FILE needs --persons FILE, or --no-persons to leave out the rows
that need a person file (and the profiles).

The pipeline:
  1. the age window the data support: from the youngest age to the oldest
     at which at least a quarter of the persons are still observed (a
     polynomial through the few long careers beyond it explodes);
  2. model selection over 1-6 groups, zero-inflated Poisson with a constant
     inflation per group, per-group order search over 0-3 (trajkit select's
     rule: the lowest BIC, N = persons, among adequate models);
  3. group labels by shape: the lowest mean expected count is low-rate, the
     highest high-rate, others early-peak if they peak before age 22,
     late-peak otherwise;
  4. group profiles from the person file, and the published-vs-reproduced
     table with a tolerance and a tick per row.

Examples:
  trajkit reproduce
  trajkit reproduce --out repro --threads 2
  trajkit reproduce --data careers.csv --persons persons.csv --out real
  trajkit reproduce --seeds 100 --out study

It writes to DIR (default out): model.json and assignments.csv (the
recommended model, groups labelled), selection.csv, selection.json,
profiles.csv, reproduction.csv (row,published,reproduced,tolerance,ok,
unit,data), the figures trajectories.png, trajectories.svg and
selection.png, and report.html, one self-contained page with all of it.
With --seeds N it instead regenerates the synthetic cohort with seeds 1..N,
runs the pipeline on each, and reports how often it picks four groups, how
often each share is within five points of the published one, and how well
the groups agree with the true ones (seeds.csv).
`

type reproduceFlags struct {
	dataFlags
	emFlags
	personFlags
	groups, orders, dist string
	inflation, seeds     int
	minShare             minShareFlag
	out                  string
	safeCSV, noPersons   bool
	// joint adds the exploratory joint profile of the other and the
	// trafficking cases (--outcomes).
	joint bool
}

func (f *reproduceFlags) register(fs *flag.FlagSet) {
	f.dataFlags.register(fs)
	f.dataFlags.registerTcov(fs)
	fs.Lookup("data").DefValue = nl630.CohortData
	f.data = nl630.CohortData
	fs.StringVar(&f.persons, "persons", nl630.CohortPersons, "person file (CSV, one row per person, joined on --id): needs sex and age_first_thb; required with --data FILE")
	fs.BoolVar(&f.noPersons, "no-persons", false, "no person file: leave out the profiles and the rows that need one")
	fs.BoolVar(&f.dropMissing, "drop-missing", false, "leave out persons with no row in --persons (default: their figures count as missing)")
	f.personFlags.registerCategorical(fs)
	d := nl630.Settings()
	fs.StringVar(&f.groups, "groups", fmt.Sprintf("%d-%d", d.MinGroups, d.MaxGroups), "numbers of groups to compare")
	fs.StringVar(&f.orders, "orders", fmt.Sprintf("%d-%d", d.MinOrder, d.MaxOrder), "per-group order search range")
	fs.StringVar(&f.dist, "dist", string(d.Distribution), "count distribution: zip, poisson, nb or zinb")
	fs.IntVar(&f.inflation, "inflation", d.Inflation[0], "inflation order of every group (ZIP)")
	f.minShare.register(fs)
	f.emFlags.register(fs)
	fs.IntVar(&f.seeds, "seeds", 0, fmt.Sprintf("robustness study: regenerate the synthetic cohort with seeds 1..N, N at most %d, and run the pipeline on each", nl630.MaxSeeds))
	fs.StringVar(&f.out, "out", "out", "output directory")
	fs.BoolVar(&f.joint, "outcomes", false, "also fit the groups as joint profiles of the other and the trafficking cases (exploratory, a multi-trajectory model; columns other and thb of --data, or the synthetic cohort's "+nl630.CohortOutcomes+"), into DIR/joint and a section of report.html")
	registerSafeCSV(fs, &f.safeCSV)
}

func (f *reproduceFlags) selectSettings(ctx context.Context, fs *flag.FlagSet) (trajectory.SelectSettings, error) {
	s := nl630.Settings()
	if err := f.emFlags.check(fs); err != nil {
		return s, err
	}
	var err error
	if s.MinGroups, s.MaxGroups, err = parseRange(f.groups, "groups"); err != nil {
		return s, err
	}
	if s.MinOrder, s.MaxOrder, err = parseRange(f.orders, "orders"); err != nil {
		return s, err
	}
	if s.MinGroups < 1 || s.MinOrder < 0 || s.MaxOrder > trajectory.MaxOrder {
		return s, usagef("--groups must be ≥ 1 and --orders within 0-%d", trajectory.MaxOrder)
	}
	s.Distribution = trajectory.Distribution(f.dist)
	if err := s.Distribution.Check(); err == nil && (s.Distribution.Binary() || s.Distribution.Real()) {
		return s, usagef("--dist %s: the study's outcome is a count of cases; expected zip, poisson, nb or zinb", f.dist)
	}
	s.Inflation = []int{f.inflation}
	if !s.Distribution.HasInflation() {
		s.Inflation = []int{-1}
	}
	if _, err := trajectory.NewModel(s.Distribution, 1, []int{s.MaxOrder}, s.Inflation); err != nil {
		return s, usagef("%v", err)
	}
	if err := f.minShare.check(); err != nil {
		return s, err
	}
	s.MinShare = float64(f.minShare)
	s.Fit = trajectory.Settings{Search: f.search(ctx)}
	return s, nil
}

func runReproduce(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("reproduce", flag.ContinueOnError)
	var f reproduceFlags
	f.register(fs)
	if err := parseFlags(fs, reproduceUsage, args, stdout); err != nil {
		return err
	}
	if err := f.dataFlags.check(); err != nil {
		return err
	}
	if _, _, err := data.Lookup(f.persons); err != nil {
		return usagef("--persons: %v", err)
	}
	if err := f.personFlags.checkCategorical(); err != nil {
		return err
	}
	s, err := f.selectSettings(ctx, fs)
	if err != nil {
		return err
	}
	if err := checkOut(f.out); err != nil {
		return err
	}
	if err := checkCount("seeds", f.seeds, 0, nl630.MaxSeeds); err != nil {
		return err
	}
	if f.seeds == 0 {
		if err := f.checkPersons(fs); err != nil {
			return err
		}
	}
	stop, err := startProfile(f.cpuprofile)
	if err != nil {
		return err
	}
	defer stop()
	out, err := beginOut(ctx, f.out, "reproduce", args)
	if err != nil {
		return err
	}
	defer out.Abort()
	if f.seeds > 0 {
		return runSeedStudy(ctx, f.seeds, s, out, stdout, stderr, f.quiet)
	}
	l, err := f.load(ctx, fs, &f.personFlags)
	if err != nil {
		return err
	}
	if err := checkPersons(s, f.groups, l.Careers.Len()); err != nil {
		return err
	}
	s.Fit.Data = l.Settings
	data := nl630.DataName(l.Settings.File)
	if nl630.IsCohort(l.Settings.File) {
		fmt.Fprintf(stdout, "Data: %s, generated by trajkit simulate --preset nl630 and calibrated to the published figures: not the study's records.\n", data)
	} else {
		fmt.Fprintf(stdout, "Data: %s.\n", data)
	}
	progress := newProgress(stderr, "reproduce", f.quiet)
	s.FoldProgress, s.Fit.Search.Progress = progress.fold, progress.searching
	r, err := nl630.Reproduce(l, s, progress.selection(s))
	progress.done()
	if r != nil {
		if f.ages == "" {
			fmt.Fprintf(stdout, "Age window %d-%d: the oldest age at which at least %.0f%% of the %s are still observed.\n\n",
				r.Window[0], r.Window[1], 100*nl630.WindowShare, words.Count(l.Careers.Len(), "person"))
		}
		warn(stderr, r.Warnings...)
		writeSelection(stdout, r.Selection)
	}
	if err != nil {
		return err
	}
	fit := r.Fit
	fit.Warnings = append(slices.Clone(r.Warnings), fit.Warnings...)
	fmt.Fprintln(stdout)
	writeSummary(stdout, fit)
	if r.Profiles != nil {
		fmt.Fprintln(stdout)
		writeProfiles(stdout, r.Profiles, fit)
	}
	fmt.Fprintln(stdout)
	writeReproduction(stdout, r.Rows)

	if err := results.WriteSelection(out, r.Selection, s, results.Options{SafeCSV: f.safeCSV, Threads: f.threads}); err != nil {
		return err
	}
	if r.Profiles != nil {
		if err := out.Write(results.ProfilesFile, func(w io.Writer) error { return results.WriteProfiles(w, r.Profiles) }); err != nil {
			return err
		}
	}
	if err := out.Write(results.ReproductionFile, func(w io.Writer) error { return results.WriteReproduction(w, r.Rows) }); err != nil {
		return err
	}
	// The figures, at plot's defaults, and the report.
	var ff figureFlags
	ff.register(flag.NewFlagSet("", flag.ContinueOnError))
	d := &figureData{fit: fit, careers: r.Careers, selection: r.Selection.Candidates}
	for _, fig := range []struct {
		kind  string
		names []string
	}{
		{kindTrajectories, []string{"trajectories.png", "trajectories.svg"}}, {kindSelection, []string{"selection.png"}},
	} {
		drawn, err := ff.draw(fig.kind, d)
		if err != nil {
			return err
		}
		for _, name := range fig.names {
			if err := writeFigureTo(out, name, drawn, ff.figureSize()); err != nil {
				return err
			}
		}
	}
	page := report.Input{
		Title: "Reproduction of the 630-offender four-group solution: " + r.Data, Source: out.Path(results.ModelFile),
		Fit: fit, Careers: r.Careers, Selection: &results.Selection{Table: results.NewSelectionTable(r.Selection.Candidates), File: results.NewSelectionFile(r.Selection, s)},
		Profiles: r.Profiles, Reproduction: r.Rows, Sample: figure.DefaultSample, Seed: mixture.DefaultSeed,
	}
	if f.joint {
		j, err := f.writeJoint(ctx, fs, r, s, out, stdout)
		if err != nil {
			return err
		}
		page.Joint = &report.Joint{Fit: j.Fit, Outcomes: j.Outcomes, Titles: nl630.JointTitles, Source: out.Path("joint/" + results.ModelFile)}
	}
	if err := out.Write("report.html", func(w io.Writer) error { return report.Render(w, &page) }); err != nil {
		return err
	}
	return commitOut(out, stdout)
}

// writeJoint fits the exploratory joint profile of the other and the
// trafficking cases (nl630.FitJoint, from the careers the flags read),
// prints it and writes it into DIR/joint: model.json, assignments.csv and
// the trajectories, a panel per outcome.
func (f *reproduceFlags) writeJoint(ctx context.Context, fs *flag.FlagSet, r *nl630.Reproduction, s trajectory.SelectSettings, out *results.Set, stdout io.Writer) (*nl630.Joint, error) {
	src := f.dataFlags.source(fs)
	src.Context = ctx
	j, err := nl630.FitJoint(src, r, &s.Fit)
	if err != nil {
		return nil, fmt.Errorf("--outcomes: %w", err)
	}
	fit := j.Fit
	fmt.Fprintf(stdout, "\nExploratory, with no published counterpart: the %s as joint profiles of the other and the trafficking (thb) cases, ages %d-%d\n\n",
		words.Count(len(fit.Groups), "group"), j.Window[0], j.Window[1])
	writeSummary(stdout, fit)
	if err := results.WriteFit(out, "joint", fit, results.Options{SafeCSV: f.safeCSV, Threads: f.threads}); err != nil {
		return nil, err
	}
	var ff figureFlags
	ff.register(flag.NewFlagSet("", flag.ContinueOnError))
	drawn, err := ff.draw(kindTrajectories, &figureData{fit: fit, careers: j.Outcomes[0], outcomes: j.Outcomes})
	if err != nil {
		return nil, err
	}
	return j, writeFigureTo(out, "joint/trajectories.png", drawn, ff.figureSize())
}

// checkPersons refuses careers other than the synthetic cohort's with its
// person file: joined by id, it would give figures of persons who are
// not those of the careers.
func (f *reproduceFlags) checkPersons(fs *flag.FlagSet) error {
	set := setFlags(fs)
	switch {
	case f.noPersons && set["persons"]:
		return usagef("--persons and --no-persons: give one of them")
	case f.noPersons:
		f.persons = ""
	case !set["persons"] && !nl630.IsCohort(f.data):
		return usagef("--data %s needs --persons FILE, the person file of those careers (with sex and age_first_thb), or --no-persons to leave out the rows that need one: the default %s describes the synthetic cohort", f.data, nl630.CohortPersons)
	}
	return nil
}

// writeReproduction prints the published-versus-reproduced table, after
// the data it was computed from.
func writeReproduction(w io.Writer, rows []results.ReproRow) {
	data := ""
	if len(rows) > 0 {
		data = rows[0].Data
	}
	fmt.Fprintf(w, "Published vs reproduced; data: %s\n", data)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "Row\tPublished\tReproduced\tTolerance\tOK")
	ok := 0
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Row, r.Published, r.FormatReproduced(), r.Tolerance, r.Verdict())
		if r.OK {
			ok++
		}
	}
	tw.Flush()
	fmt.Fprintf(w, "%d of %s within tolerance.\n", ok, words.Count(len(rows), "row"))
}

// runSeedStudy regenerates the synthetic cohort with seeds 1..n, runs the
// pipeline on each, and reports how often four groups are picked, each
// share is within its published tolerance, and the assigned labels agree
// with the true groups.
func runSeedStudy(ctx context.Context, n int, s trajectory.SelectSettings, out *results.Set, stdout, stderr io.Writer, quiet bool) error {
	progress := newProgress(stderr, "reproduce --seeds", quiet)
	var mu sync.Mutex
	done := 0
	rs := nl630.SeedStudy(n, s, func() {
		mu.Lock()
		done++
		progress.update(fmt.Sprintf("%d of %s%s", done, words.Count(n, "cohort"), progress.eta(done, n)))
		mu.Unlock()
	})
	progress.done()
	if err := ctx.Err(); err != nil {
		finished := 0
		for _, r := range rs {
			if r.Err == "" {
				finished++
			}
		}
		return fmt.Errorf("seed study interrupted with %d of %s finished: %w", finished, words.Count(n, "cohort"), err)
	}
	sum := nl630.Summarise(rs)
	seeds := fmt.Sprintf("seeds 1-%d", n)
	if n == 1 {
		seeds = "seed 1"
	}
	fmt.Fprintf(stdout, "Robustness of the reproduction: %s (%s), %d failed\n", words.Count(n, "synthetic cohort"), seeds, sum.Failed)
	fmt.Fprintf(stdout, "  four groups recommended: %d of %d (%.0f%%)\n", sum.FourGroups, n, 100*float64(sum.FourGroups)/float64(n))
	for _, l := range nl630.Labels {
		fig := nl630.Lookup("share-" + l)
		fmt.Fprintf(stdout, "  %-10s share within %s of %s: %d of %d\n", l, fig.Tolerance(), fig.Published, sum.Within[l], n)
	}
	if a := sum.Agreement; len(a) > 0 {
		fmt.Fprintf(stdout, "  persons whose assigned label is their true group: median %.1f%% (range %.1f%%-%.1f%%)\n",
			100*a[len(a)/2], 100*a[0], 100*a[len(a)-1])
	}
	if err := out.Write(nl630.SeedsFile, func(w io.Writer) error { return nl630.WriteSeeds(w, rs) }); err != nil {
		return err
	}
	shares := map[string][]float64{}
	published := map[string]float64{}
	for _, l := range nl630.Labels {
		published[l] = nl630.Share(l)
		for _, r := range rs {
			v, ok := r.Shares[l]
			if !ok {
				v = math.NaN()
			}
			shares[l] = append(shares[l], v)
		}
	}
	fig, err := figure.ShareStudyPlot(nl630.Labels, shares, published, "Shares recovered from "+words.Count(n, "synthetic cohort"))
	if err != nil {
		return err
	}
	if err := writeFigureTo(out, "seeds.png", fig, figure.Pixels(900, 600, 0)); err != nil {
		return err
	}
	// The seed study adds to the directory's results.
	if err := out.CarryRest(nl630.SeedsFile, "seeds.png"); err != nil {
		return err
	}
	return commitOut(out, stdout)
}
