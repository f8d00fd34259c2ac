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
	sep, decimal, encoding, time                        string
	timeScale                                           float64
	noID, binarize                                      bool
	minExposure                                         float64
	// exact is set when the flags were completed from a model's settings
	// (fromModel): they say all there is to say, so an embedded data set's
	// defaults do not apply.
	exact bool
	// real reads the values as real numbers (ReadOptions.Real): set from
	// the distribution (cnorm), not a flag of its own.
	real bool
	// exposureOut is --exposure, which each of several outcomes may give
	// (fit --outcomes); outcomeCols, when set, are the outcomes to read.
	exposureOut *perOutcome
	outcomeCols []careersio.OutcomeColumns
	// outcomes names the outcomes of a multi-trajectory model (fit and
	// select --outcomes); dualOutcomes says that fit --dual names two.
	outcomes     string
	dualOutcomes bool
}

func (d *dataFlags) register(fs *flag.FlagSet) {
	d.registerReading(fs)
	fs.StringVar(&d.ages, "ages", "", "model only ages LO-HI, e.g. 12-40 (default: all ages in the data)")
}

// registerReading adds the flags that say which careers to read and how,
// but not the window of ages: score takes the model's.
func (d *dataFlags) registerReading(fs *flag.FlagSet) {
	fs.StringVar(&d.data, "data", "", "career file: CSV, Stata (.dta), SPSS (.sav, .zsav) or Excel (.xlsx); or example:NAME for an embedded data set (see trajkit datasets)")
	fs.StringVar(&d.sheet, "sheet", "", "worksheet of an Excel --data file (default: the first)")
	fs.StringVar(&d.format, "format", "", "file layout: long, wide or traj (default: detected from the header; traj when counts y1..yT come with times t1..tT)")
	fs.StringVar(&d.time, "time", "t", "prefix of the time columns t1, t2, ... of a traj file: each wave's age")
	fs.Float64Var(&d.timeScale, "time-scale", 1, "factor that makes a traj file's times ages in whole years (10 for t = age/10)")
	fs.BoolVar(&d.noID, "no-id", false, "a wide or traj file without id column (crimCV's matrix): persons are numbered 1..N in file order")
	fs.StringVar(&d.id, "id", "id", "person id column")
	fs.StringVar(&d.age, "age", "age", "age column (long files)")
	fs.StringVar(&d.count, "count", "y", "count column (long), or prefix of the count columns y12, y13, ... (wide)")
	d.exposureOut = newPerOutcome(&d.exposure)
	fs.Var(d.exposureOut, "exposure", "exposure (time at risk) column (long), or prefix of the exposure columns (wide); default: exposure 1")
	fs.StringVar(&d.sep, "sep", "", "field separator of CSV files: ',', ';' or tab (default: detected from the header line)")
	fs.StringVar(&d.decimal, "decimal", "", "decimal mark of CSV files: . or , (default: a point; in a semicolon or tab file, a comma when cells such as 0,5 say so)")
	fs.StringVar(&d.encoding, "encoding", "", "text encoding of CSV files: utf-8 or windows-1252 (default: utf-8)")
	fs.BoolVar(&d.binarize, "binarize", false, "make every count above 0 a 1 (an offence in the year or not), the outcome of --dist logit and cloglog")
	fs.Float64Var(&d.minExposure, "min-exposure", 0, fmt.Sprintf("floor exposures at this value (default: use them as given, with a warning for years with a positive count and exposure below %g)", trajectory.TinyExposureLimit))
}

// registerTcov adds --tcov, for the commands that fit.
func (d *dataFlags) registerTcov(fs *flag.FlagSet) {
	fs.StringVar(&d.tcov, "tcov", "", "time-varying covariates of the trajectories (traj's tcov): columns of a long file, or prefixes of columns name+age of a wide file, comma-separated")
}

// distHelp describes --dist.
const distHelp = "distribution of the yearly outcome: poisson, zip, nb, zinb, logit, cloglog or cnorm (see trajkit fit -h)"

// binarizeHint adds the flag that makes counts binary to the error of a
// binary distribution fitted to counts.
func binarizeHint(err error) error {
	if errors.Is(err, trajectory.ErrNotBinary) {
		return fmt.Errorf("%w (give --binarize)", err)
	}
	return err
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
	d.data = s.File
	if !set["ages"] {
		d.ages = s.Ages
	}
	d.readingFromModel(fs, s)
}

// readingFromModel completes the reading flags not set on the command
// line from the settings a model was fitted with (the layout, the
// columns, the floor of the exposures and the time-varying covariates),
// so that other careers are read as the fitted ones were; neither the data
// nor the window are taken.
func (d *dataFlags) readingFromModel(fs *flag.FlagSet, s trajectory.DataSettings) {
	set := setFlags(fs)
	for _, f := range []struct {
		name  string
		dst   *string
		value string
	}{
		{"sheet", &d.sheet, s.Sheet}, {"format", &d.format, s.Format}, {"id", &d.id, s.ID}, {"age", &d.age, s.Age},
		{"count", &d.count, s.Count}, {"exposure", &d.exposure, s.Exposure},
		{"sep", &d.sep, s.Sep}, {"decimal", &d.decimal, s.Decimal}, {"encoding", &d.encoding, s.Encoding},
	} {
		if !set[f.name] {
			*f.dst = f.value
		}
	}
	if !set["min-exposure"] {
		d.minExposure = s.MinExposure
	}
	if !set["time"] && s.Time != "" {
		d.time = s.Time
	}
	if !set["time-scale"] && s.TimeScale != 0 {
		d.timeScale = s.TimeScale
	}
	if !set["no-id"] {
		d.noID = s.NoID
	}
	if !set["binarize"] {
		d.binarize = s.Binarize
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
	if d.format != "" && d.format != string(careersio.Long) && d.format != string(careersio.Wide) && d.format != string(careersio.Traj) {
		return usagef("--format %q: expected long, wide or traj", d.format)
	}
	if !(d.timeScale > 0) || math.IsInf(d.timeScale, 0) {
		return usagef("--time-scale %v: expected a factor > 0", d.timeScale)
	}
	if d.noID && d.format == string(careersio.Long) {
		return usagef("--no-id is for wide and traj files (one row per person); a long file needs its id column")
	}
	if d.sheet != "" && !strings.EqualFold(filepath.Ext(d.data), ".xlsx") {
		return usagef("--sheet %q names a worksheet of an Excel (.xlsx) --data file, not of %s", d.sheet, d.data)
	}
	if err := d.dialect().Check(); err != nil {
		return usagef("%v", err)
	}
	if d.minExposure < 0 || d.minExposure > 1 || math.IsNaN(d.minExposure) {
		return usagef("--min-exposure %v: expected a time at risk between 0 and 1", d.minExposure)
	}
	if d.ages != "" {
		if _, err := parseAges(d.ages); err != nil {
			return err
		}
	}
	if d.outcomes == "" && !d.dualOutcomes {
		if err := d.exposureOut.check("exposure", nil); err != nil {
			return err
		}
	}
	return checkList("tcov", d.tcov)
}

// source returns the careers the flags describe; flags not set on the
// command line take an embedded data set's defaults.
func (d *dataFlags) source(fs *flag.FlagSet) careersio.Source {
	set := setFlags(fs)
	s := careersio.Source{
		Data:        d.data,
		Sheet:       d.sheet,
		Read:        careersio.ReadOptions{ID: d.id, Age: d.age, Count: d.count, NoID: d.noID, Time: d.time, Real: d.real},
		Exact:       d.exact,
		Tcov:        splitList(d.tcov),
		MinExposure: d.minExposure,
		Binarize:    d.binarize,
		Dialect:     d.dialect(),
	}
	if d.timeScale != 1 {
		s.Read.TimeScale = d.timeScale
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
	if d.outcomeCols != nil {
		s.Outcomes, s.Read.Count, s.Read.Exposure, s.Read.Real, s.Binarize = d.outcomeCols, "", "", false, false
	}
	return s
}

// dialect returns how CSV files are written, as the flags say.
func (d *dataFlags) dialect() careersio.Dialect {
	return careersio.Dialect{Sep: d.sep, Decimal: d.decimal, Encoding: d.encoding}
}

// load reads the careers the flags describe, with the person file of p
// (nil for none).
func (d *dataFlags) load(ctx context.Context, fs *flag.FlagSet, p *personFlags) (*careersio.Loaded, error) {
	s := d.source(fs)
	s.Context = ctx
	if p != nil {
		s.Persons, s.PersonsSheet, s.Risk, s.DropMissing, s.Categorical = p.persons, p.personsSheet, p.riskNames(), p.dropMissing, p.categoricalNames()
		s.Weights = p.weights
	}
	l, err := careersio.Load(s)
	if errors.Is(err, careersio.ErrMissingRisk) {
		return nil, fmt.Errorf("%w (give --drop-missing to leave such persons out)", err)
	}
	return l, personsHint(err)
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

// parseOrders parses the list of orders or inflation orders of --NAME:
// one number, or one per group separated by , or ; (select prints "0;3",
// and fit takes it back as written).
func parseOrders(s, flagName string) ([]int, error) {
	if s == "" {
		return nil, nil
	}
	v, err := trajectory.ParseOrders(s)
	if err != nil {
		return nil, usagef("--%s %q: expected a whole number or one per group separated by , or ;, e.g. 3, 2,3,3 or \"2;3;3\"", flagName, s)
	}
	return v, nil
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

// checkList checks that a comma-separated list of names, the value of
// the flag name, names none twice.
func checkList(name, value string) error {
	seen := map[string]bool{}
	for _, v := range splitList(value) {
		if seen[v] {
			return usagef("--%s %s: %q is named twice", name, value, v)
		}
		seen[v] = true
	}
	return nil
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

// checkOutFile checks that the file flag name names can be written, before
// any work is done: not a directory, and in a directory that exists (the
// commands that write one file do not create directories).
func checkOutFile(name, path string) error {
	if path == "" {
		return nil
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return usagef("--%s %s is a directory: expected a file name", name, path)
	}
	dir := filepath.Dir(path)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return usagef("--%s %s: no directory %s to write it in", name, path, dir)
	}
	return nil
}

// checkCount checks that an int flag is in lo..hi.
func checkCount(name string, v, lo, hi int) error {
	if v < lo || v > hi {
		return usagef("--%s %d: expected %d to %d", name, v, lo, hi)
	}
	return nil
}

// checkThreads checks --threads: when given, 1 to mixture.MaxThreads (its
// default 0, left out, means all cores).
func checkThreads(fs *flag.FlagSet, threads int) error {
	if !setFlags(fs)["threads"] {
		return nil
	}
	if threads < 1 || threads > mixture.MaxThreads {
		return usagef("--threads %d: expected 1 to %d (leave it out to use all cores)", threads, mixture.MaxThreads)
	}
	return nil
}

// checkPositive checks that a float flag is a finite number > 0.
func checkPositive(name string, v float64) error {
	if !(v > 0) || math.IsInf(v, 0) {
		return usagef("--%s %v: expected a finite number > 0", name, v)
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
	quiet                          bool
}

func (e *emFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&e.quiet, "quiet", false, "no progress report on stderr")
	fs.IntVar(&e.starts, "starts", mixture.DefaultStarts, fmt.Sprintf("number of EM starts, at most %d", mixture.MaxStarts))
	fs.IntVar(&e.keep, "keep", mixture.DefaultKeep, "number of best starts run to convergence")
	fs.BoolVar(&e.convergeAll, "converge-all", false, "run every start to convergence")
	fs.Uint64Var(&e.seed, "seed", mixture.DefaultSeed, "seed of the random starts (the same seed gives the same result)")
	fs.IntVar(&e.threads, "threads", 0, fmt.Sprintf("number of threads, 1 to %d (default: all cores); never changes the result", mixture.MaxThreads))
	fs.IntVar(&e.maxIter, "max-iter", mixture.DefaultMaxIterations, "maximum EM iterations per start")
	fs.Float64Var(&e.tolerance, "tol", mixture.DefaultTolerance, "convergence: relative change of the log-likelihood")
	fs.Float64Var(&e.scoreTolerance, "score-tol", mixture.DefaultScoreTolerance, "convergence: largest score (gradient) component per person")
	fs.StringVar(&e.cpuprofile, "cpuprofile", "", "write a CPU profile of the whole command to this file (go tool pprof)")
	fs.BoolVar(&e.accelerate, "accelerate", mixture.AccelerateDefault.On(), "SQUAREM in the runs to convergence: a longer EM step every two iterations, kept only when it raises the log-likelihood (far fewer iterations when groups overlap); --accelerate=false runs plain EM")
}

// check validates the flags before any work is done; fs says which were
// given.
func (e *emFlags) check(fs *flag.FlagSet) error {
	return firstErr(
		checkCount("starts", e.starts, 1, mixture.MaxStarts),
		checkCount("keep", e.keep, 1, mixture.MaxStarts),
		checkCount("max-iter", e.maxIter, 1, math.MaxInt),
		checkThreads(fs, e.threads),
		checkPositive("tol", e.tolerance),
		checkPositive("score-tol", e.scoreTolerance),
		checkOutFile("cpuprofile", e.cpuprofile),
	)
}

// firstErr returns the first non-nil error.
func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
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
	categorical                 string
	weights                     string
}

func (p *personFlags) register(fs *flag.FlagSet) {
	p.registerFile(fs)
	fs.IntVar(&p.reference, "reference", 1, "reference group of the membership model (1 is the lowest-rate group)")
}

// registerCategorical adds --categorical, for every command that reads a
// person file.
func (p *personFlags) registerCategorical(fs *flag.FlagSet) {
	fs.StringVar(&p.categorical, "categorical", "", "columns of --persons that are categorical whatever their cells (codes written as numbers, a mix of numbers and text, many levels), comma-separated")
}

// registerFile adds the flags of the person file, its risk factors and
// its categorical columns, without --reference (select, whose candidates
// have their log-odds against group 1).
func (p *personFlags) registerFile(fs *flag.FlagSet) {
	fs.StringVar(&p.persons, "persons", "", "person file (CSV, Stata, SPSS or Excel; one row per person, joined on the --id column): risk factors and profile variables; a variable with value labels is categorical")
	fs.StringVar(&p.personsSheet, "persons-sheet", "", "worksheet of an Excel --persons file (default: the first)")
	fs.StringVar(&p.risk, "risk", "", "risk factors of group membership: columns of --persons, comma-separated (multinomial logit)")
	fs.BoolVar(&p.dropMissing, "drop-missing", false, "leave out persons with a missing risk factor or no row in --persons (default: an error)")
	p.registerCategorical(fs)
	p.reference = 1
}

// registerWeights adds --weights, for the commands that fit (fit,
// select).
func (p *personFlags) registerWeights(fs *flag.FlagSet) {
	fs.StringVar(&p.weights, "weights", "", "column of --persons holding each person's sampling weight (a number > 0; traj's weight()): each person's log-likelihood counts that many times, the weights rescaled to sum to the number of persons; standard errors are then model-based, not design-based")
}

// check checks the flags for a model of the given number of groups.
func (p *personFlags) check(groups int) error {
	if err := p.checkFile(); err != nil {
		return err
	}
	if p.personsSheet != "" && !strings.EqualFold(filepath.Ext(p.persons), ".xlsx") {
		return usagef("--persons-sheet %q names a worksheet of an Excel (.xlsx) --persons file, not of %s", p.personsSheet, p.persons)
	}
	if p.reference < 1 || (groups > 0 && p.reference > groups) {
		return usagef("--reference %d: expected a group between 1 and %d", p.reference, max(groups, 1))
	}
	return nil
}

// checkFile checks the person file and risk factor flags.
func (p *personFlags) checkFile() error {
	if p.risk != "" && p.persons == "" {
		return usagef("--risk needs --persons, the file that holds the risk factors")
	}
	if err := checkList("risk", p.risk); err != nil {
		return err
	}
	if p.weights != "" && p.persons == "" {
		return usagef("--weights needs --persons, the file that holds the weights")
	}
	if err := p.checkCategorical(); err != nil {
		return err
	}
	if _, _, err := data.Lookup(p.persons); err != nil {
		return usagef("--persons: %v", err)
	}
	return nil
}

// checkCategorical checks --categorical.
func (p *personFlags) checkCategorical() error {
	if p.categorical != "" && p.persons == "" {
		return usagef("--categorical needs --persons, the file whose columns it names")
	}
	return checkList("categorical", p.categorical)
}

// riskNames returns the --risk list.
func (p *personFlags) riskNames() []string { return splitList(p.risk) }

// categoricalNames returns the --categorical list.
func (p *personFlags) categoricalNames() []string { return splitList(p.categorical) }

// personsHint adds to an error about a person column that mixes types the
// flag that reads it as categorical.
func personsHint(err error) error {
	var de *careersio.DataError
	if errors.Is(err, careersio.ErrColumnType) && errors.As(err, &de) {
		return fmt.Errorf("%w (--categorical %s reads the column as categorical)", err, de.ColumnName)
	}
	return err
}

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
	case careersio.ManyLevels:
		return " (--categorical NAME says that it is meant)"
	case mixture.StartsDisagree:
		return " (--starts)"
	case trajectory.InflationAtBoundary:
		return " (--inflation -1 for the group)"
	case trajectory.DispersionAtBoundary:
		return " (--dist poisson, or zip, may do)"
	}
	return ""
}
