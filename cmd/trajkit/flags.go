package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/trajkit/trajkit/data"
	"github.com/trajkit/trajkit/trajectory"
)

// dataFlags are the flags that say which careers to read and how; every
// command that fits shares them.
type dataFlags struct {
	data, format, id, age, count, exposure, ages string
	tcov                                         string
	minExposure                                  float64
	// stored is set when the flags were completed from a model's settings
	// (fromModel): they say all there is to say, so an embedded data set's
	// defaults do not apply.
	stored bool
}

func (d *dataFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&d.data, "data", "", "career file (CSV), or example:NAME for an embedded data set (see trajkit datasets)")
	fs.StringVar(&d.format, "format", "", "file layout: long or wide (default: detected from the header)")
	fs.StringVar(&d.id, "id", "id", "person id column")
	fs.StringVar(&d.age, "age", "age", "age column (long files)")
	fs.StringVar(&d.count, "count", "y", "count column (long), or prefix of the count columns y12, y13, ... (wide)")
	fs.StringVar(&d.exposure, "exposure", "", "exposure (time at risk) column (long), or prefix of the exposure columns (wide); default: exposure 1")
	fs.StringVar(&d.ages, "ages", "", "model only ages LO-HI, e.g. 12-40 (default: all ages in the data)")
	fs.Float64Var(&d.minExposure, "min-exposure", 0, "floor exposures at this value (default: use them as given, with a warning for years with a positive count and exposure below 0.001)")
}

// registerTcov adds --tcov, for the commands that fit.
func (d *dataFlags) registerTcov(fs *flag.FlagSet) {
	fs.StringVar(&d.tcov, "tcov", "", "time-varying covariates of the trajectories (traj's tcov): columns of a long file, or prefixes of columns name+age of a wide file, comma-separated")
}

// loaded is a data set read and restricted to the modelled window.
type loaded struct {
	careers  *trajectory.Careers
	settings trajectory.DataSettings
	info     *trajectory.ReadInfo
	warnings []string
	// dropped is the number of persons with no observed age in the window.
	dropped int
	// persons is the person file, risk the risk-factor design (aligned
	// with careers), when given.
	persons *trajectory.PersonTable
	risk    *trajectory.RiskDesign
}

// readOptions returns the reading options; flags not set on the command
// line take an embedded data set's defaults.
func (d *dataFlags) readOptions(fs *flag.FlagSet, ds *data.Dataset) trajectory.ReadOptions {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	o := trajectory.ReadOptions{Format: trajectory.Format(d.format), ID: d.id, Age: d.age, Count: d.count, Exposure: d.exposure}
	if ds != nil && !d.stored {
		if !set["format"] {
			o.Format = trajectory.Format(ds.Format)
		}
		if !set["exposure"] {
			o.Exposure = ds.Exposure
		}
	}
	return o
}

// fromModel completes the flags from the settings a model was fitted
// with, so that the data are read again as they were for the fit. With
// --data on the command line, the command line alone says how to read;
// otherwise each reading flag given overrides the stored setting.
func (d *dataFlags) fromModel(fs *flag.FlagSet, s trajectory.DataSettings) {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if set["data"] {
		return
	}
	for _, f := range []struct {
		name  string
		dst   *string
		value string
	}{
		{"data", &d.data, s.File}, {"format", &d.format, string(s.Format)}, {"id", &d.id, s.ID}, {"age", &d.age, s.Age},
		{"count", &d.count, s.Count}, {"exposure", &d.exposure, s.Exposure}, {"ages", &d.ages, s.Ages},
	} {
		if !set[f.name] {
			*f.dst = f.value
		}
	}
	if !set["min-exposure"] {
		d.minExposure = s.MinExposure
	}
	d.stored = true
}

// check validates the flags before any work is done.
func (d *dataFlags) check() error {
	if d.data == "" {
		return usagef("--data is required: a career file, or example:NAME (see trajkit datasets)")
	}
	if d.format != "" && d.format != "long" && d.format != "wide" {
		return usagef("--format %q: expected long or wide", d.format)
	}
	if d.minExposure < 0 || d.minExposure > 1 || math.IsNaN(d.minExposure) {
		return usagef("--min-exposure %v: expected a time at risk between 0 and 1", d.minExposure)
	}
	if d.ages != "" {
		if _, _, err := parseAges(d.ages); err != nil {
			return err
		}
	}
	return nil
}

// load reads the careers and restricts them to the window.
func (d *dataFlags) load(fs *flag.FlagSet) (*loaded, error) {
	ds, isExample, err := data.Lookup(d.data)
	if err != nil {
		return nil, usagef("--data: %v", err)
	}
	var (
		c    *trajectory.Careers
		info *trajectory.ReadInfo
	)
	var opt trajectory.ReadOptions
	if isExample {
		if ds.Format == "" {
			return nil, usagef("--data %s holds no careers: %s", d.data, ds.Description)
		}
		opt = d.readOptions(fs, &ds)
		f, err := data.Open(ds)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		c, info, err = trajectory.ReadCareers(f, d.data, opt)
		if err != nil {
			return nil, err
		}
	} else {
		opt = d.readOptions(fs, nil)
		c, info, err = trajectory.ReadCareersFile(d.data, opt)
		if err != nil {
			return nil, err
		}
	}
	l := &loaded{
		careers: c,
		info:    info,
		settings: trajectory.DataSettings{
			File: d.data, Format: info.Format, ID: opt.ID, Age: opt.Age, Count: opt.Count, Exposure: opt.Exposure, Ages: d.ages,
		},
	}
	l.warnings = append(l.warnings, info.Warnings...)
	if names := splitList(d.tcov); len(names) > 0 {
		if c, err = d.readTcov(ds, isExample, info.Format, opt, names, c); err != nil {
			return nil, err
		}
		l.careers = c
		l.settings.Tcov = names
	}
	if d.minExposure > 0 {
		n := c.FloorExposure(d.minExposure)
		l.settings.MinExposure = d.minExposure
		l.warnings = append(l.warnings, fmt.Sprintf("--min-exposure %g: %d cells had a lower exposure and were floored", d.minExposure, n))
	} else if w := c.TinyExposures(trajectory.TinyExposure).Warning(trajectory.TinyExposure); w != "" {
		l.warnings = append(l.warnings, w)
	}
	if d.ages != "" {
		lo, hi, _ := parseAges(d.ages)
		var dropped []int
		l.careers, dropped = c.Restrict(lo, hi)
		l.dropped = len(dropped)
		if l.careers.Len() == 0 {
			return nil, fmt.Errorf("%s: no person is observed at ages %d-%d (the data cover ages %d-%d)", d.data, lo, hi, c.MinAge, c.MaxAge())
		}
		if l.dropped > 0 {
			l.warnings = append(l.warnings, fmt.Sprintf("%d persons have no observed age in %d-%d and are left out (first: %q)", l.dropped, lo, hi, c.IDs[dropped[0]]))
		}
	} else {
		l.warnings = append(l.warnings, trajectory.WindowWarnings(c)...)
	}
	return l, nil
}

// parseAges parses LO-HI.
func parseAges(s string) (lo, hi int, err error) {
	a, b, ok := strings.Cut(s, "-")
	if ok {
		lo, err = strconv.Atoi(strings.TrimSpace(a))
		if err == nil {
			hi, err = strconv.Atoi(strings.TrimSpace(b))
		}
	}
	if !ok || err != nil || lo > hi {
		return 0, 0, usagef("--ages %q: expected a window LO-HI of whole ages, e.g. 12-40", s)
	}
	return lo, hi, nil
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

// interrupted returns an error wrapping ctx's error once ctx is cancelled
// (an interrupt): a command checks it before it writes path, so that it
// writes nothing after an interrupt.
func interrupted(ctx context.Context, path string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("interrupted before writing %s: %w", path, err)
	}
	return nil
}

// writeAtomic writes a file by writing a temporary file in the same
// directory and renaming it, so an interrupted run leaves no partial file.
// The file is readable by all (0644), as os.Create would leave it under
// the usual umask, not private as temporary files are created.
func writeAtomic(path string, write func(io.Writer) error) (err error) {
	dir, base := splitPath(path)
	tmp, err := os.CreateTemp(dir, "."+base+".tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = tmp.Chmod(0o644); err != nil {
		return err
	}
	if err = write(tmp); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func splitPath(p string) (dir, base string) {
	i := strings.LastIndexAny(p, `/\`)
	if i < 0 {
		return ".", p
	}
	return p[:i+1], p[i+1:]
}

// formatFloat writes x with enough digits to round-trip.
func formatFloat(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return ""
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

// personFlags name a person-level file: risk factors of membership and
// profile variables.
type personFlags struct {
	persons, risk string
	reference     int
	dropMissing   bool
}

func (p *personFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&p.persons, "persons", "", "person file (CSV, one row per person, joined on the --id column): risk factors and profile variables")
	fs.StringVar(&p.risk, "risk", "", "risk factors of group membership: columns of --persons, comma-separated (multinomial logit)")
	fs.IntVar(&p.reference, "reference", 1, "reference group of the membership model (1 is the lowest-rate group)")
	fs.BoolVar(&p.dropMissing, "drop-missing", false, "leave out persons with a missing risk factor or no row in --persons (default: an error)")
}

func (p *personFlags) check(groups int) error {
	if p.risk != "" && p.persons == "" {
		return usagef("--risk needs --persons, the file that holds the risk factors")
	}
	if p.reference < 1 || (groups > 0 && p.reference > groups) {
		return usagef("--reference %d: expected a group between 1 and %d", p.reference, max(groups, 1))
	}
	return nil
}

// riskNames returns the --risk list.
func (p *personFlags) riskNames() []string { return splitList(p.risk) }

// attach reads the person file into l and, with risk factors, builds
// their design, leaving out (with a warning) or rejecting persons with
// missing values.
func (p *personFlags) attach(l *loaded) error {
	if p.persons == "" {
		return nil
	}
	t, err := readPersons(p.persons, l.settings.ID)
	if err != nil {
		return err
	}
	l.persons = t
	l.settings.Persons = p.persons
	matched := 0
	for _, id := range l.careers.IDs {
		if t.Row(id) >= 0 {
			matched++
		}
	}
	if extra := len(t.IDs) - matched; extra > 0 {
		l.warnings = append(l.warnings, fmt.Sprintf("%s: %d persons have no careers and are not used", p.persons, extra))
	}
	names := p.riskNames()
	if len(names) == 0 {
		if matched < l.careers.Len() {
			l.warnings = append(l.warnings, fmt.Sprintf("%s: %d persons of the careers have no row; their profile values count as missing", p.persons, l.careers.Len()-matched))
		}
		return nil
	}
	d, keep, err := t.Design(names, l.careers.IDs, p.dropMissing)
	if err != nil {
		return err
	}
	if dropped := l.careers.Len() - len(keep); dropped > 0 {
		l.warnings = append(l.warnings, fmt.Sprintf("%d persons left out for a missing risk factor or no row in %s (--drop-missing)", dropped, p.persons))
		l.careers = l.careers.Subset(keep)
	}
	l.risk = d
	l.settings.Risk = names
	return nil
}

// readPersons reads a person file, or an embedded one (example:NAME).
func readPersons(arg, id string) (*trajectory.PersonTable, error) {
	ds, isExample, err := data.Lookup(arg)
	if err != nil {
		return nil, usagef("--persons: %v", err)
	}
	if !isExample {
		return trajectory.ReadPersonsFile(arg, id)
	}
	f, err := data.Open(ds)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return trajectory.ReadPersons(f, arg, id)
}

// readTcov reads the time-varying covariates from the data file a second
// time and attaches them to the careers.
func (d *dataFlags) readTcov(ds data.Dataset, isExample bool, format trajectory.Format, opt trajectory.ReadOptions, names []string, c *trajectory.Careers) (*trajectory.Careers, error) {
	var r io.ReadCloser
	var err error
	if isExample {
		r, err = data.Open(ds)
	} else {
		r, err = os.Open(d.data)
	}
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return trajectory.ReadTcov(r, d.data, format, opt, names, c)
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
