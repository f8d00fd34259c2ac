package main

import (
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"

	"github.com/trajkit/trajkit/mixture"
	"github.com/trajkit/trajkit/trajectory"
)

const reproduceUsage = `Usage: trajkit reproduce [--data FILE --persons FILE] [--out DIR] [--seeds N]

Reproduces the four-group solution of the Dutch study of 630 offenders of
domestic sexual exploitation (Nationaal Rapporteur, "Brede blik op
daderschap", 2024): low-rate 36%, early-peak (peak at 15-22) 28%, late-peak
(22-33) 21%, high-rate 15%. Without --data it runs on the synthetic cohort
embedded in trajkit (data/nl630: calibrated to every published figure; the
real records are confidential); with --data and --persons it runs the same
pipeline on a real extract (see docs/reproduction.md for the columns).

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
profiles.csv, reproduction.csv (row,published,reproduced,tolerance,ok),
the figures trajectories.png, trajectories.svg and selection.png, and
report.html, one self-contained page with all of it.
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
	minShare             float64
	out                  string
}

func (f *reproduceFlags) register(fs *flag.FlagSet) {
	f.dataFlags.register(fs)
	f.dataFlags.registerTcov(fs)
	fs.Lookup("data").DefValue = "example:nl630"
	f.data = "example:nl630"
	fs.StringVar(&f.persons, "persons", "example:nl630-persons", "person file (CSV, one row per person, joined on --id): needs sex and age_first_thb")
	fs.BoolVar(&f.dropMissing, "drop-missing", false, "leave out persons with no row in --persons (default: their figures count as missing)")
	fs.StringVar(&f.groups, "groups", "1-6", "numbers of groups to compare")
	fs.StringVar(&f.orders, "orders", "0-3", "per-group order search range")
	fs.StringVar(&f.dist, "dist", "zip", "count distribution: zip or poisson")
	fs.IntVar(&f.inflation, "inflation", 0, "inflation order of every group (ZIP)")
	fs.Float64Var(&f.minShare, "min-share", 0.05, "smallest group share of an adequate model")
	f.emFlags.register(fs)
	fs.IntVar(&f.seeds, "seeds", 0, "robustness study: regenerate the synthetic cohort with seeds 1..N and run the pipeline on each")
	fs.StringVar(&f.out, "out", "out", "output directory")
}

func (f *reproduceFlags) selectSettings() (trajectory.SelectSettings, error) {
	var s trajectory.SelectSettings
	if err := f.emFlags.check(); err != nil {
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
	s.Inflation = f.inflation
	if s.Distribution == trajectory.Poisson {
		s.Inflation = -1
	}
	if _, err := trajectory.NewModel(s.Distribution, 1, []int{s.MaxOrder}, []int{s.Inflation}); err != nil {
		return s, usagef("%v", err)
	}
	s.MinShare = f.minShare
	s.Fit = *f.emFlags.settings()
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
	s, err := f.selectSettings()
	if err != nil {
		return err
	}
	if err := checkOut(f.out); err != nil {
		return err
	}
	if f.seeds < 0 {
		return usagef("--seeds %d: expected a number of seeds ≥ 1", f.seeds)
	}
	s.Fit.Context = ctx
	if f.seeds > 0 {
		return runSeedStudy(ctx, f.seeds, s, f.out, stdout, stderr)
	}
	l, err := f.load(fs)
	if err != nil {
		return err
	}
	full := l.careers // every observed age: figures count cases over the whole follow-up
	if err := f.attach(l); err != nil {
		return err
	}
	if missing := trajectory.MissingStudyColumns(l.persons); len(missing) > 0 {
		l.warnings = append(l.warnings, fmt.Sprintf("the person file lacks %s: the rows that need it are not computed", strings.Join(missing, ", ")))
	}
	if f.ages == "" {
		lo, hi := trajectory.StudyWindow(l.careers)
		var dropped []int
		l.careers, dropped = l.careers.Restrict(lo, hi)
		l.settings.Ages = fmt.Sprintf("%d-%d", lo, hi)
		l.warnings = dropWindowWarnings(l.warnings)
		if len(dropped) > 0 {
			l.warnings = append(l.warnings, fmt.Sprintf("%d persons have no observed age in %d-%d and are left out", len(dropped), lo, hi))
		}
		fmt.Fprintf(stdout, "Age window %d-%d: the oldest age at which at least %.0f%% of the %d persons are still observed.\n\n",
			lo, hi, 100*trajectory.StudyWindowShare, full.Len())
	}
	sel, err := runSelection("reproduce", l, s, stderr)
	if err != nil {
		return err
	}
	writeSelection(stdout, sel)
	if sel.Fit == nil {
		return fmt.Errorf("no adequate model: %s", sel.Reason)
	}
	fit := sel.Fit
	trajectory.LabelByShape(fit)
	fmt.Fprintln(stdout)
	writeSummary(stdout, fit, l)
	labels := make([]string, len(fit.Groups))
	for j, g := range fit.Groups {
		labels[j] = g.Label
	}
	var profiles []trajectory.ProfileRow
	if l.persons != nil {
		profiles = trajectory.Profiles(l.persons, fit.IDs, fit.Posterior, fit.Assigned, labels)
		fmt.Fprintln(stdout)
		writeProfiles(stdout, l.persons, profiles, len(fit.Groups), labels)
	}
	rows := trajectory.ReproductionTable(fit, full, l.persons)
	fmt.Fprintln(stdout)
	writeReproduction(stdout, rows)

	if err := interrupted(ctx, f.out); err != nil {
		return err
	}
	if err := writeSelectionFiles(f.out, sel, &s, l); err != nil {
		return err
	}
	written := []string{"model.json", "assignments.csv", "selection.csv", "selection.json"}
	if profiles != nil {
		if err := writeAtomic(filepath.Join(f.out, "profiles.csv"), func(w io.Writer) error { return writeProfilesCSV(w, profiles) }); err != nil {
			return err
		}
		written = append(written, "profiles.csv")
	}
	if err := writeAtomic(filepath.Join(f.out, "reproduction.csv"), func(w io.Writer) error { return writeReproductionCSV(w, rows) }); err != nil {
		return err
	}
	written = append(written, "reproduction.csv")
	// Figures and the report, by the plot and report commands.
	for _, args := range [][]string{
		{"--model", f.out, "--out", filepath.Join(f.out, "trajectories.png")},
		{"--model", f.out, "--out", filepath.Join(f.out, "trajectories.svg")},
		{"--model", f.out, "--kind", "selection", "--out", filepath.Join(f.out, "selection.png")},
	} {
		if err := runPlot(ctx, args, io.Discard, stderr); err != nil {
			return err
		}
		written = append(written, filepath.Base(args[len(args)-1]))
	}
	report := []string{"--model", f.out, "--select", f.out, "--title", "Reproduction of the 630-offender four-group solution", "--out", filepath.Join(f.out, "report.html")}
	if err := runReport(ctx, report, io.Discard, stderr); err != nil {
		return err
	}
	written = append(written, "report.html")
	fmt.Fprintf(stdout, "\nWrote %s in %s\n", strings.Join(written, ", "), f.out)
	return nil
}

// dropWindowWarnings removes the reader's warnings about sparse ends of the
// age grid, which the study window takes care of.
func dropWindowWarnings(w []string) []string {
	var out []string
	for _, s := range w {
		if !strings.Contains(s, "a polynomial through so few careers") {
			out = append(out, s)
		}
	}
	return out
}

func tick(ok bool, v float64) string {
	switch {
	case math.IsNaN(v):
		return "n/a"
	case ok:
		return "✔"
	}
	return "✘"
}

func fmtRepro(r trajectory.ReproRow) string {
	switch {
	case math.IsNaN(r.Reproduced):
		return "-"
	case r.Unit == "%":
		return fmt.Sprintf("%.1f%%", r.Reproduced)
	case r.Unit == "age":
		return fmt.Sprintf("%.0f", r.Reproduced)
	}
	return fmt.Sprintf("%.1f", r.Reproduced)
}

func writeReproduction(w io.Writer, rows []trajectory.ReproRow) {
	fmt.Fprintln(w, "Published vs reproduced")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "Row\tPublished\tReproduced\tTolerance\tOK")
	ok := 0
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Row, r.Published, fmtRepro(r), r.Tolerance, tick(r.OK, r.Reproduced))
		if r.OK {
			ok++
		}
	}
	tw.Flush()
	fmt.Fprintf(w, "%d of %d rows within tolerance.\n", ok, len(rows))
}

func writeReproductionCSV(w io.Writer, rows []trajectory.ReproRow) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"row", "published", "reproduced", "tolerance", "ok"})
	for _, r := range rows {
		v := ""
		if !math.IsNaN(r.Reproduced) {
			v = strconv.FormatFloat(r.Reproduced, 'f', 2, 64)
		}
		cw.Write([]string{r.Row, r.Published, v, r.Tolerance, strconv.FormatBool(r.OK)})
	}
	cw.Flush()
	return cw.Error()
}

// seedResult is the outcome of the pipeline on one regenerated cohort.
type seedResult struct {
	seed      uint64
	groups    int
	shares    map[string]float64 // by label
	agreement float64            // share of persons whose label is their true group
	err       string
}

// runSeedStudy regenerates the synthetic cohort with seeds 1..n, runs the
// pipeline on each (seeds in parallel, each single-threaded), and reports
// how often four groups are picked, each share is within five points, and
// the assigned labels agree with the true groups.
func runSeedStudy(ctx context.Context, n int, s trajectory.SelectSettings, out string, stdout, stderr io.Writer) error {
	results := make([]seedResult, n)
	progress := newProgress(stderr, "reproduce --seeds")
	done := 0
	threads := s.Fit.Threads
	s.Fit.Threads = 1
	var mu sync.Mutex
	mixture.ForEach(n, threads, func(j int) {
		results[j] = reproduceSeed(uint64(j+1), s)
		mu.Lock()
		done++
		progress.update(fmt.Sprintf("%d of %d cohorts", done, n))
		mu.Unlock()
	})
	progress.done()
	if err := ctx.Err(); err != nil {
		finished := 0
		for _, r := range results {
			if r.err == "" {
				finished++
			}
		}
		return fmt.Errorf("seed study interrupted with %d of %d cohorts finished: %w", finished, n, err)
	}
	published := map[string]float64{trajectory.LabelLowRate: 0.36, trajectory.LabelEarlyPeak: 0.28, trajectory.LabelLatePeak: 0.21, trajectory.LabelHighRate: 0.15}
	order := []string{trajectory.LabelLowRate, trajectory.LabelEarlyPeak, trajectory.LabelLatePeak, trajectory.LabelHighRate}
	four, failed := 0, 0
	within := map[string]int{}
	var agree []float64
	for _, r := range results {
		if r.err != "" {
			failed++
			continue
		}
		if r.groups == 4 {
			four++
		}
		for _, l := range order {
			if v, ok := r.shares[l]; ok && math.Abs(v-published[l]) <= 0.05 {
				within[l]++
			}
		}
		agree = append(agree, r.agreement)
	}
	fmt.Fprintf(stdout, "Robustness of the reproduction: %d synthetic cohorts (seeds 1-%d), %d failed\n", n, n, failed)
	fmt.Fprintf(stdout, "  four groups recommended: %d of %d (%.0f%%)\n", four, n, 100*float64(four)/float64(n))
	for _, l := range order {
		fmt.Fprintf(stdout, "  %-10s share within 5 points of %.0f%%: %d of %d\n", l, 100*published[l], within[l], n)
	}
	if len(agree) > 0 {
		sort.Float64s(agree)
		fmt.Fprintf(stdout, "  persons whose assigned label is their true group: median %.1f%% (range %.1f%%-%.1f%%)\n",
			100*agree[len(agree)/2], 100*agree[0], 100*agree[len(agree)-1])
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	path := filepath.Join(out, "seeds.csv")
	err := writeAtomic(path, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		head := []string{"seed", "groups"}
		for _, l := range order {
			head = append(head, "share_"+l)
		}
		cw.Write(append(head, "agreement", "error"))
		for _, r := range results {
			rec := []string{strconv.FormatUint(r.seed, 10), strconv.Itoa(r.groups)}
			for _, l := range order {
				v, ok := r.shares[l]
				if !ok {
					v = math.NaN()
				}
				rec = append(rec, formatFloat(v))
			}
			cw.Write(append(rec, formatFloat(r.agreement), r.err))
		}
		cw.Flush()
		return cw.Error()
	})
	if err != nil {
		return err
	}
	sharesByLabel := map[string][]float64{}
	for _, r := range results {
		for _, l := range order {
			v, ok := r.shares[l]
			if !ok {
				v = math.NaN()
			}
			sharesByLabel[l] = append(sharesByLabel[l], v)
		}
	}
	fig, err := trajectory.ShareStudyPlot(order, sharesByLabel, published, fmt.Sprintf("Shares recovered from %d synthetic cohorts", n))
	if err != nil {
		return err
	}
	figPath := filepath.Join(out, "seeds.png")
	if err := writeFigure(figPath, fig, 900, 600); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nWrote %s and %s\n", path, figPath)
	return nil
}

func reproduceSeed(seed uint64, s trajectory.SelectSettings) seedResult {
	r := seedResult{seed: seed, shares: map[string]float64{}, agreement: math.NaN()}
	sim, err := trajectory.SimulateNL630(630, seed)
	if err != nil {
		r.err = err.Error()
		return r
	}
	c := sim.Careers
	lo, hi := trajectory.StudyWindow(c)
	w, _ := c.Restrict(lo, hi)
	sel, err := trajectory.Select(w, s)
	if err != nil || sel.Fit == nil {
		r.err = "no adequate model"
		if err != nil {
			r.err = err.Error()
		}
		return r
	}
	fit := sel.Fit
	trajectory.LabelByShape(fit)
	r.groups = len(fit.Groups)
	for _, g := range fit.Groups {
		r.shares[g.Label] += g.Share
	}
	truth := map[string]string{}
	for i, id := range c.IDs {
		truth[id] = sim.Labels[sim.Groups[i]]
	}
	hit := 0
	for i, id := range fit.IDs {
		if fit.Groups[fit.Assigned[i]].Label == truth[id] {
			hit++
		}
	}
	r.agreement = float64(hit) / float64(len(fit.IDs))
	return r
}
