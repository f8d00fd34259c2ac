package main

import (
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/trajkit/trajkit/trajectory"
)

const fitUsage = `Usage: trajkit fit --data FILE|example:NAME --groups K [flags]

Fits a group-based trajectory model: K groups, each with its own curve of
offending by age, log λ a polynomial in age (Poisson), optionally with
zero inflation whose logit is a polynomial in age (ZIP). EM runs from
--starts starts (random partitions and one by mean rate), the best five go
on to convergence, and the summary says how many reached the best
log-likelihood. Groups are numbered by ascending mean expected count.

Examples:
  trajkit fit --data example:sim630 --groups 4
  trajkit fit --data careers.csv --groups 3 --order 2,3,3 --out result
  trajkit fit --data example:toronto1-exposure --groups 4 --dist zip --inflation 0
  trajkit fit --data wide.csv --format wide --count y --exposure e --ages 12-40 --groups 4
  trajkit fit --data example:sim630 --groups 3 --bootstrap 200 --bootstrap-type parametric
  trajkit fit --data careers.csv --groups 4 --persons persons.csv --risk female,qualification
  trajkit fit --data example:employment --groups 2 --order 2 --tcov employed --out emp

Standard errors come from the observed information of the full mixture
likelihood; shares get 95% intervals by the delta method on the logit
scale and the expected counts by the delta method on the log scale.
--bootstrap B adds percentile intervals from B refits on resampled persons
(or, with --bootstrap-type parametric, on data simulated from the fit),
each warm-started from the fit and matched to its groups.

With --persons FILE (one row per person, joined on --id) and --risk
a,b,c, group membership is a multinomial logit on those risk factors
(traj's risk()): log-odds of each group against --reference, with odds
ratios, 95% intervals and a Wald test per risk factor. Categorical
columns become indicators against their first level in sorted order.
--persons alone gives group profiles only (profiles.csv).

With --tcov a,b (columns of a long file, or prefixes a12, a13, ... of a
wide file) the log-rate of each group gains δ_k · w, the effects of
time-varying covariates such as employment or detention (traj's tcov),
with SEs; the curves are then at covariates zero, and trajkit plot --tcov
a=0,1 draws them at other values.

With --out DIR it writes DIR/model.json (the model, diagnostics and
settings) and DIR/assignments.csv (each person's posterior probabilities
and maximum-posterior group); with --plot also DIR/trajectories.png and
DIR/trajectories.svg (see trajkit plot for other figures).
`

// emFlags control the EM runs; every command that fits shares them.
type emFlags struct {
	starts, keep, threads, maxIter int
	seed                           uint64
	convergeAll, accelerate        bool
	tolerance, scoreTolerance      float64
}

func (e *emFlags) register(fs *flag.FlagSet) {
	fs.IntVar(&e.starts, "starts", 20, "number of EM starts")
	fs.IntVar(&e.keep, "keep", 5, "number of best starts run to convergence")
	fs.BoolVar(&e.convergeAll, "converge-all", false, "run every start to convergence")
	fs.Uint64Var(&e.seed, "seed", 1, "seed of the random starts (the same seed gives the same result)")
	fs.IntVar(&e.threads, "threads", 0, "number of threads (default: all cores); never changes the result")
	fs.IntVar(&e.maxIter, "max-iter", 10000, "maximum EM iterations per start")
	fs.Float64Var(&e.tolerance, "tol", 1e-10, "convergence: relative change of the log-likelihood")
	fs.Float64Var(&e.scoreTolerance, "score-tol", 1e-5, "convergence: largest score (gradient) component per person")
	fs.BoolVar(&e.accelerate, "accelerate", false, "SQUAREM: try a longer EM step every two iterations, kept only when it raises the log-likelihood (fewer iterations when groups overlap)")
}

func (e *emFlags) check() error {
	if e.starts < 1 || e.keep < 1 || e.maxIter < 1 {
		return usagef("--starts, --keep and --max-iter must be at least 1")
	}
	if !(e.tolerance > 0) || !(e.scoreTolerance > 0) {
		return usagef("--tol and --score-tol must be positive")
	}
	return nil
}

func (e *emFlags) settings() *trajectory.Settings {
	return &trajectory.Settings{
		Starts:         e.starts,
		Keep:           e.keep,
		ConvergeAll:    e.convergeAll,
		Accelerate:     e.accelerate,
		Seed:           e.seed,
		Threads:        e.threads,
		MaxIterations:  e.maxIter,
		Tolerance:      e.tolerance,
		ScoreTolerance: e.scoreTolerance,
	}
}

type fitFlags struct {
	dataFlags
	emFlags
	personFlags
	groups                 int
	order, inflation, dist string
	noSE                   bool
	bootstrap              int
	bootstrapType          string
	out                    string
	plot                   bool
}

func (f *fitFlags) register(fs *flag.FlagSet) {
	f.dataFlags.register(fs)
	f.dataFlags.registerTcov(fs)
	fs.IntVar(&f.groups, "groups", 0, "number of groups K (required)")
	fs.StringVar(&f.order, "order", "3", "polynomial order of log λ in age, 0-5: one for all groups or one per group, e.g. 2,3,3,1")
	fs.StringVar(&f.dist, "dist", "poisson", "count distribution: poisson or zip")
	fs.StringVar(&f.inflation, "inflation", "", "ZIP: order of the logit of the zero inflation, -1 (none) to 3, one or one per group (default 0 with --dist zip, -1 with poisson)")
	f.personFlags.register(fs)
	f.emFlags.register(fs)
	fs.BoolVar(&f.noSE, "no-se", false, "skip the standard errors and intervals")
	fs.IntVar(&f.bootstrap, "bootstrap", 0, "number of bootstrap replicates for percentile intervals of shares and curves (0: none)")
	fs.StringVar(&f.bootstrapType, "bootstrap-type", "person", "bootstrap: person (resample persons) or parametric (simulate from the fit)")
	fs.StringVar(&f.out, "out", "", "directory for model.json and assignments.csv (created if missing)")
	fs.BoolVar(&f.plot, "plot", false, "also write the trajectories figure, DIR/trajectories.png and .svg (needs --out)")
}

// model returns the model the flags describe.
func (f *fitFlags) model() (trajectory.Model, error) {
	if f.groups < 1 {
		return trajectory.Model{}, usagef("--groups: expected a number of groups ≥ 1, got %d", f.groups)
	}
	orders, err := parseInts(f.order, "order")
	if err != nil {
		return trajectory.Model{}, err
	}
	infl, err := parseInts(f.inflation, "inflation")
	if err != nil {
		return trajectory.Model{}, err
	}
	m, err := trajectory.NewModel(trajectory.Distribution(f.dist), f.groups, orders, infl)
	if err != nil {
		return m, usagef("%v", err)
	}
	return m, nil
}

func (f *fitFlags) settings() *trajectory.Settings {
	s := f.emFlags.settings()
	s.NoSE = f.noSE
	return s
}

func (f *fitFlags) check() (trajectory.Model, error) {
	if err := f.dataFlags.check(); err != nil {
		return trajectory.Model{}, err
	}
	m, err := f.model()
	if err != nil {
		return m, err
	}
	if err := f.emFlags.check(); err != nil {
		return m, err
	}
	if err := f.personFlags.check(m.Groups()); err != nil {
		return m, err
	}
	if f.bootstrap < 0 {
		return m, usagef("--bootstrap %d: expected a number of replicates ≥ 0", f.bootstrap)
	}
	if f.bootstrapType != trajectory.PersonBootstrap && f.bootstrapType != trajectory.ParametricBootstrap {
		return m, usagef("--bootstrap-type %q: expected person or parametric", f.bootstrapType)
	}
	if f.plot && f.out == "" {
		return m, usagef("--plot needs --out DIR: the figures are written there")
	}
	return m, checkOut(f.out)
}

func runFit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("fit", flag.ContinueOnError)
	var f fitFlags
	f.register(fs)
	if err := parseFlags(fs, fitUsage, args, stdout); err != nil {
		return err
	}
	m, err := f.check()
	if err != nil {
		return err
	}
	t0 := time.Now()
	l, err := f.load(fs)
	if err != nil {
		return err
	}
	if err := f.attach(l); err != nil {
		return err
	}
	tRead := time.Since(t0)
	if m.Groups() > l.careers.Len() {
		return usagef("--groups %d is more than the %d persons in the data", m.Groups(), l.careers.Len())
	}
	warn(stderr, l.warnings...)
	s := f.settings()
	s.Risk, s.Reference = l.risk, f.reference
	s.Context = ctx
	t1 := time.Now()
	fit, err := trajectory.Fit(l.careers, m, s)
	if err != nil {
		return err
	}
	if f.bootstrap > 0 {
		err := fit.Bootstrap(l.careers, s, trajectory.BootstrapSettings{Replicates: f.bootstrap, Type: f.bootstrapType, Seed: f.seed, Threads: f.threads})
		if err != nil {
			return err
		}
	}
	tFit := time.Since(t1)
	fit.Warnings = append(l.warnings, fit.Warnings...)
	mf := fit.File(s, l.settings)
	mf.Timing = map[string]float64{"read_seconds": tRead.Seconds(), "fit_seconds": tFit.Seconds()}
	writeSummary(stdout, fit, l)
	var profiles []trajectory.ProfileRow
	if l.persons != nil {
		labels := make([]string, len(fit.Groups))
		for j, g := range fit.Groups {
			labels[j] = g.Label
		}
		profiles = trajectory.Profiles(l.persons, fit.IDs, fit.Posterior, fit.Assigned, labels)
		fmt.Fprintln(stdout)
		writeProfiles(stdout, l.persons, profiles, len(fit.Groups), labels)
	}
	if f.out == "" {
		return nil
	}
	if err := interrupted(ctx, f.out); err != nil {
		return err
	}
	if err := writeFitOutputs(f.out, mf, fit); err != nil {
		return err
	}
	written := []string{filepath.Join(f.out, "model.json"), filepath.Join(f.out, "assignments.csv")}
	if profiles != nil {
		path := filepath.Join(f.out, "profiles.csv")
		if err := writeAtomic(path, func(w io.Writer) error { return writeProfilesCSV(w, profiles) }); err != nil {
			return err
		}
		written = append(written, path)
	}
	fmt.Fprintf(stdout, "\nWrote %s\n", strings.Join(written, ", "))
	if !f.plot {
		return nil
	}
	var ff figureFlags
	ff.register(flag.NewFlagSet("", flag.ContinueOnError)) // the defaults
	fig, err := ff.figure(kindTrajectories, &figureData{model: mf, careers: l.careers, post: fit.Posterior})
	if err != nil {
		return err
	}
	for _, name := range []string{"trajectories.png", "trajectories.svg"} {
		if err := writeFigure(filepath.Join(f.out, name), fig, ff.width, ff.height); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "Wrote %s and %s\n", filepath.Join(f.out, "trajectories.png"), filepath.Join(f.out, "trajectories.svg"))
	return nil
}

// writeFitOutputs writes model.json and assignments.csv into dir.
func writeFitOutputs(dir string, mf *trajectory.ModelFile, fit *trajectory.Fitted) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := writeAtomic(filepath.Join(dir, "model.json"), mf.WriteJSON); err != nil {
		return err
	}
	return writeAtomic(filepath.Join(dir, "assignments.csv"), func(w io.Writer) error {
		return writeAssignments(w, fit)
	})
}

// writeAssignments writes id,group,p1..pK: persons in input order, the
// 1-based maximum-posterior group, posteriors with round-trip precision.
func writeAssignments(w io.Writer, fit *trajectory.Fitted) error {
	cw := csv.NewWriter(w)
	k := len(fit.Groups)
	rec := make([]string, k+2)
	rec[0], rec[1] = "id", "group"
	for j := 0; j < k; j++ {
		rec[j+2] = "p" + strconv.Itoa(j+1)
	}
	if err := cw.Write(rec); err != nil {
		return err
	}
	for i, id := range fit.IDs {
		rec[0] = id
		rec[1] = strconv.Itoa(fit.Assigned[i] + 1)
		for j := 0; j < k; j++ {
			rec[j+2] = formatFloat(fit.Posterior[j][i])
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
