package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/trajkit/trajkit/data"
	"github.com/trajkit/trajkit/mixture"
	"github.com/trajkit/trajkit/trajectory"
	"github.com/trajkit/trajkit/trajectory/careersio"
)

// The flag groups the commands share, and their translation into the
// library's settings: dataFlags into careersio.Source, emFlags into
// mixture.Settings, personFlags into the Source's person file.

// dataFlags are the flags that say which careers to read and how; every
// command that fits shares them.
type dataFlags struct {
	data, sheet, format, id, age, count, exposure, ages string
	tcov                                                string
	minExposure                                         float64
	// exact is set when the flags were completed from a model's settings
	// (fromModel): they say all there is to say, so an embedded data set's
	// defaults do not apply.
	exact bool
}

func (d *dataFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&d.data, "data", "", "career file: CSV, Stata (.dta), SPSS (.sav, .zsav) or Excel (.xlsx); or example:NAME for an embedded data set (see trajkit datasets)")
	fs.StringVar(&d.sheet, "sheet", "", "worksheet of an Excel --data file (default: the first)")
	fs.StringVar(&d.format, "format", "", "file layout: long or wide (default: detected from the header)")
	fs.StringVar(&d.id, "id", "id", "person id column")
	fs.StringVar(&d.age, "age", "age", "age column (long files)")
	fs.StringVar(&d.count, "count", "y", "count column (long), or prefix of the count columns y12, y13, ... (wide)")
	fs.StringVar(&d.exposure, "exposure", "", "exposure (time at risk) column (long), or prefix of the exposure columns (wide); default: exposure 1")
	fs.StringVar(&d.ages, "ages", "", "model only ages LO-HI, e.g. 12-40 (default: all ages in the data)")
	fs.Float64Var(&d.minExposure, "min-exposure", 0, fmt.Sprintf("floor exposures at this value (default: use them as given, with a warning for years with a positive count and exposure below %g)", trajectory.TinyExposureLimit))
}

// registerTcov adds --tcov, for the commands that fit.
func (d *dataFlags) registerTcov(fs *flag.FlagSet) {
	fs.StringVar(&d.tcov, "tcov", "", "time-varying covariates of the trajectories (traj's tcov): columns of a long file, or prefixes of columns name+age of a wide file, comma-separated")
}

// fromModel completes the flags from the settings a model was fitted
// with, so that the data are read again as they were for the fit. With
// --data on the command line, the command line alone says how to read;
// otherwise each reading flag given overrides the stored setting.
func (d *dataFlags) fromModel(fs *flag.FlagSet, s trajectory.DataSettings) {
	set := setFlags(fs)
	if set["data"] {
		return
	}
	for _, f := range []struct {
		name  string
		dst   *string
		value string
	}{
		{"data", &d.data, s.File}, {"sheet", &d.sheet, s.Sheet}, {"format", &d.format, s.Format}, {"id", &d.id, s.ID}, {"age", &d.age, s.Age},
		{"count", &d.count, s.Count}, {"exposure", &d.exposure, s.Exposure}, {"ages", &d.ages, s.Ages},
	} {
		if !set[f.name] {
			*f.dst = f.value
		}
	}
	if !set["min-exposure"] {
		d.minExposure = s.MinExposure
	}
	if !set["tcov"] {
		d.tcov = strings.Join(s.Tcov, ",")
	}
	d.exact = true
}

// check validates the flags before any work is done.
func (d *dataFlags) check() error {
	if d.data == "" {
		return usagef("--data is required: a career file, or example:NAME (see trajkit datasets)")
	}
	ds, isExample, err := data.Lookup(d.data)
	if err != nil {
		return usagef("--data: %v", err)
	}
	if isExample && ds.Format == "" {
		return usagef("--data %s holds no careers: %s", d.data, ds.Description)
	}
	if d.format != "" && d.format != string(careersio.Long) && d.format != string(careersio.Wide) {
		return usagef("--format %q: expected long or wide", d.format)
	}
	if d.sheet != "" && !strings.EqualFold(filepath.Ext(d.data), ".xlsx") {
		return usagef("--sheet %q names a worksheet of an Excel (.xlsx) --data file, not of %s", d.sheet, d.data)
	}
	if d.minExposure < 0 || d.minExposure > 1 || math.IsNaN(d.minExposure) {
		return usagef("--min-exposure %v: expected a time at risk between 0 and 1", d.minExposure)
	}
	if d.ages != "" {
		if _, err := parseAges(d.ages); err != nil {
			return err
		}
	}
	return nil
}

// source returns the careers the flags describe; flags not set on the
// command line take an embedded data set's defaults.
func (d *dataFlags) source(fs *flag.FlagSet) careersio.Source {
	set := setFlags(fs)
	s := careersio.Source{
		Data:        d.data,
		Sheet:       d.sheet,
		Read:        careersio.ReadOptions{ID: d.id, Age: d.age, Count: d.count},
		Exact:       d.exact,
		Tcov:        splitList(d.tcov),
		MinExposure: d.minExposure,
	}
	if set["format"] || d.exact {
		s.Read.Format = careersio.Format(d.format)
	}
	if set["exposure"] || d.exact {
		s.Read.Exposure = d.exposure
	}
	if d.ages != "" {
		s.Ages, _ = parseAges(d.ages)
	}
	return s
}

// load reads the careers the flags describe, with the person file of p
// (nil for none).
func (d *dataFlags) load(ctx context.Context, fs *flag.FlagSet, p *personFlags) (*careersio.Loaded, error) {
	s := d.source(fs)
	s.Context = ctx
	if p != nil {
		s.Persons, s.PersonsSheet, s.Risk, s.DropMissing = p.persons, p.personsSheet, p.riskNames(), p.dropMissing
	}
	l, err := careersio.Load(s)
	if errors.Is(err, careersio.ErrMissingRisk) {
		return nil, fmt.Errorf("%w (give --drop-missing to leave such persons out)", err)
	}
	return l, err
}

// setFlags returns the names of the flags set on the command line.
func setFlags(fs *flag.FlagSet) map[string]bool {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set
}

// parseAges parses LO-HI.
func parseAges(s string) ([2]int, error) {
	a, b, ok := strings.Cut(s, "-")
	var lo, hi int
	var err error
	if ok {
		lo, err = strconv.Atoi(strings.TrimSpace(a))
		if err == nil {
			hi, err = strconv.Atoi(strings.TrimSpace(b))
		}
	}
	if !ok || err != nil || lo > hi {
		return [2]int{}, usagef("--ages %q: expected a window LO-HI of whole ages, e.g. 12-40", s)
	}
	return [2]int{lo, hi}, nil
}

// parseInts parses a comma-separated list of integers.
func parseInts(s, flagName string) ([]int, error) {
	if s == "" {
		return nil, nil
	}
	var out []int
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return nil, usagef("--%s %q: expected a whole number or a comma-separated list, e.g. 3 or 2,3,3", flagName, s)
		}
		out = append(out, v)
	}
	return out, nil
}

// parseRange parses LO-HI or a single number.
func parseRange(v, name string) (int, int, error) {
	a, b, ok := strings.Cut(v, "-")
	if !ok {
		b = a
	}
	lo, err1 := strconv.Atoi(strings.TrimSpace(a))
	hi, err2 := strconv.Atoi(strings.TrimSpace(b))
	if err1 != nil || err2 != nil || lo > hi {
		return 0, 0, usagef("--%s %q: expected LO-HI, e.g. 1-6, or one number", name, v)
	}
	return lo, hi, nil
}

// splitList splits a comma-separated list, dropping empty entries.
func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// checkOut checks that --out can be a directory, before any work is done.
func checkOut(dir string) error {
	if dir == "" {
		return nil
	}
	st, err := os.Stat(dir)
	if err == nil && !st.IsDir() {
		return usagef("--out %s is an existing file: expected a directory", dir)
	}
	return nil
}

// registerSafeCSV adds --safe-csv, for the commands that write
// assignments.csv.
func registerSafeCSV(fs *flag.FlagSet, safe *bool) {
	fs.BoolVar(safe, "safe-csv", false, "in assignments.csv, prefix with ' the ids that a spreadsheet would run as formulas (starting with =, +, -, @, a tab or a carriage return) and the ids starting with ', and name the column safe_csv_id; trajkit reads them back as they were")
}

// interrupted returns an error wrapping ctx's error once ctx is cancelled
// (an interrupt): a command checks it before it writes path, so that it
// writes nothing after an interrupt.
func interrupted(ctx context.Context, path string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("interrupted before writing %s: %w", path, err)
	}
	return nil
}

// emFlags control the EM search; every command that fits shares them.
// Their defaults are the engine's.
type emFlags struct {
	starts, keep, threads, maxIter int
	seed                           uint64
	convergeAll, accelerate        bool
	tolerance, scoreTolerance      float64
	cpuprofile                     string
}

func (e *emFlags) register(fs *flag.FlagSet) {
	fs.IntVar(&e.starts, "starts", mixture.DefaultStarts, "number of EM starts")
	fs.IntVar(&e.keep, "keep", mixture.DefaultKeep, "number of best starts run to convergence")
	fs.BoolVar(&e.convergeAll, "converge-all", false, "run every start to convergence")
	fs.Uint64Var(&e.seed, "seed", mixture.DefaultSeed, "seed of the random starts (the same seed gives the same result)")
	fs.IntVar(&e.threads, "threads", 0, "number of threads (default: all cores); never changes the result")
	fs.IntVar(&e.maxIter, "max-iter", mixture.DefaultMaxIterations, "maximum EM iterations per start")
	fs.Float64Var(&e.tolerance, "tol", mixture.DefaultTolerance, "convergence: relative change of the log-likelihood")
	fs.Float64Var(&e.scoreTolerance, "score-tol", mixture.DefaultScoreTolerance, "convergence: largest score (gradient) component per person")
	fs.StringVar(&e.cpuprofile, "cpuprofile", "", "write a CPU profile of the whole command to this file (go tool pprof)")
	fs.BoolVar(&e.accelerate, "accelerate", mixture.AccelerateDefault.On(), "SQUAREM in the runs to convergence: a longer EM step every two iterations, kept only when it raises the log-likelihood (far fewer iterations when groups overlap); --accelerate=false runs plain EM")
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

// search returns the engine's settings, cancelled through ctx.
func (e *emFlags) search(ctx context.Context) mixture.Settings {
	return mixture.Settings{
		Starts:         e.starts,
		Keep:           e.keep,
		ConvergeAll:    e.convergeAll,
		Accelerate:     mixture.Accelerated(e.accelerate),
		Seed:           e.seed,
		Threads:        e.threads,
		MaxIterations:  e.maxIter,
		Tolerance:      e.tolerance,
		ScoreTolerance: e.scoreTolerance,
		Context:        ctx,
	}
}

// personFlags name a person-level file: risk factors of membership and
// profile variables.
type personFlags struct {
	persons, personsSheet, risk string
	reference                   int
	dropMissing                 bool
}

func (p *personFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&p.persons, "persons", "", "person file (CSV, Stata, SPSS or Excel; one row per person, joined on the --id column): risk factors and profile variables; a variable with value labels is categorical")
	fs.StringVar(&p.personsSheet, "persons-sheet", "", "worksheet of an Excel --persons file (default: the first)")
	fs.StringVar(&p.risk, "risk", "", "risk factors of group membership: columns of --persons, comma-separated (multinomial logit)")
	fs.IntVar(&p.reference, "reference", 1, "reference group of the membership model (1 is the lowest-rate group)")
	fs.BoolVar(&p.dropMissing, "drop-missing", false, "leave out persons with a missing risk factor or no row in --persons (default: an error)")
}

func (p *personFlags) check(groups int) error {
	if p.risk != "" && p.persons == "" {
		return usagef("--risk needs --persons, the file that holds the risk factors")
	}
	if _, _, err := data.Lookup(p.persons); err != nil {
		return usagef("--persons: %v", err)
	}
	if p.personsSheet != "" && !strings.EqualFold(filepath.Ext(p.persons), ".xlsx") {
		return usagef("--persons-sheet %q names a worksheet of an Excel (.xlsx) --persons file, not of %s", p.personsSheet, p.persons)
	}
	if p.reference < 1 || (groups > 0 && p.reference > groups) {
		return usagef("--reference %d: expected a group between 1 and %d", p.reference, max(groups, 1))
	}
	return nil
}

// riskNames returns the --risk list.
func (p *personFlags) riskNames() []string { return splitList(p.risk) }

// minShareFlag is the adequacy criterion of select and reproduce.
type minShareFlag float64

func (m *minShareFlag) register(fs *flag.FlagSet) {
	*m = trajectory.DefaultMinShare
	fs.Float64Var((*float64)(m), "min-share", trajectory.DefaultMinShare, "smallest group share of an adequate model, in (0, 1)")
}

func (m minShareFlag) check() error {
	if !(m > 0 && m < 1) {
		return usagef("--min-share %v: expected a share between 0 and 1, both excluded", float64(m))
	}
	return nil
}

// warn prints warnings on stderr, one per line, prefixed "trajkit:
// warning:", with the flag that acts on each kind.
func warn(stderr io.Writer, warnings ...trajectory.Warning) {
	for _, w := range warnings {
		fmt.Fprintf(stderr, "trajkit: warning: %s%s\n", w, flagHint(w.Kind))
	}
}

// flagHint names the command-line flags that act on a kind of warning.
func flagHint(k mixture.WarningKind) string {
	switch k {
	case trajectory.SparseWindowEnd:
		return " (--ages sets the window)"
	case trajectory.TinyExposure:
		return " (--min-exposure X floors exposures at X)"
	case careersio.UnusedExposure:
		return " (--exposure names it)"
	case mixture.StartsDisagree:
		return " (--starts)"
	case trajectory.InflationAtBoundary:
		return " (--inflation -1 for the group)"
	}
	return ""
}
