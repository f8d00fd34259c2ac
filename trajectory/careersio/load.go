package careersio

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"

	"github.com/trajkit/trajkit/data"
	"github.com/trajkit/trajkit/internal/words"
	"github.com/trajkit/trajkit/mixture"
	"github.com/trajkit/trajkit/trajectory"
)

// Source says which careers to read and how, and what to attach to them.
type Source struct {
	// Context, when not nil, interrupts the reading.
	Context context.Context
	// Data is a career file (CSV, or a Stata, SPSS or Excel file: see
	// Table), or example:NAME for an embedded data set (data.Lookup).
	Data string
	// Sheet names the worksheet of an Excel career file; empty means the
	// first.
	Sheet string
	// Read are the reading options. For an embedded data set, an empty
	// Format or Exposure takes the data set's own, unless Exact.
	Read ReadOptions
	// Exact says that Read says all there is to say (the options a fit
	// recorded), so an embedded data set's defaults do not apply.
	Exact bool
	// Tcov names time-varying covariates to read from the same file.
	Tcov []string
	// MinExposure, when above 0, floors the exposures at it.
	MinExposure float64
	// Binarize makes every count above 0 a 1 (Careers.Binarize), the
	// outcome of the binary distributions.
	Binarize bool
	// Ages, when not zero, restricts the careers to the ages Ages[0] to
	// Ages[1]; persons with no observed age there are left out.
	Ages [2]int
	// Persons is a person file (or example:NAME), joined on the careers'
	// id column; Risk names risk factors of membership among its columns;
	// DropMissing leaves out persons with a missing risk factor or no row
	// instead of refusing them; Categorical names its columns read as
	// categorical whatever their cells (PersonOptions.Categorical), and
	// PersonsSheet the worksheet of an Excel person file (empty: the
	// first).
	Persons      string
	PersonsSheet string
	Risk         []string
	DropMissing  bool
	Categorical  []string
	// Weights names the person file's column of sampling weights (one
	// finite number > 0 per person of the careers); empty for none.
	Weights string
	// Dialect says how CSV files (careers and persons) are written; the
	// zero value detects the separator and reads UTF-8.
	Dialect Dialect
	// Outcomes, when not empty, are several outcomes read from the one
	// career file in one pass (ReadOutcomes): Read's Count, Exposure and
	// Real are then left empty, each outcome naming its own, and
	// Binarize is each outcome's. An age window restricts them together
	// (trajectory.RestrictOutcomes); time-varying covariates (Tcov) are
	// read once per person and age and attached to every outcome
	// (ReadTcovOutcomes).
	Outcomes []OutcomeColumns
}

// Loaded are careers read and prepared as a Source says.
type Loaded struct {
	// Careers are the careers to fit: in the age window, without the
	// persons left out for a missing risk factor.
	Careers *trajectory.Careers
	// Full are the careers as read, every observed age (exposures floored
	// and covariates attached), before the window.
	Full *trajectory.Careers
	Info *ReadInfo
	// Settings record how the data were read, for the fit.
	Settings trajectory.DataSettings
	Warnings []trajectory.Warning
	// Persons is the person file and Risk the risk-factor design (aligned
	// with Careers), when given.
	Persons *PersonTable
	Risk    *trajectory.RiskDesign
	// Weights are the persons' sampling weights as read (aligned with
	// Careers), nil without Source.Weights.
	Weights []float64
	// Outcomes and FullOutcomes are the careers of each of
	// Source.Outcomes, as Careers and Full are (which are the first's):
	// the same persons in the same order on one age grid. Nil without
	// Source.Outcomes.
	Outcomes, FullOutcomes []*trajectory.Careers
}

// Load reads the careers of s, attaches the covariates, floors the
// exposures, restricts them to the age window and reads the person file,
// collecting the warnings of every step. Without an age window it warns
// about ends of the age grid that few persons reach. A name twice in
// Tcov, Risk or Categorical is an error.
func Load(s Source) (*Loaded, error) {
	for _, l := range []struct {
		what  string
		names []string
	}{{"time-varying covariate", s.Tcov}, {"risk factor", s.Risk}, {"categorical column", s.Categorical}} {
		if name, ok := twice(l.names); ok {
			return nil, fmt.Errorf("%s %q is named twice", l.what, name)
		}
	}
	several := len(s.Outcomes) > 0
	if several {
		if s.Binarize {
			return nil, fmt.Errorf("with several outcomes, each says whether it is made binary (OutcomeColumns.Binarize)")
		}
	}
	ds, isExample, err := data.Lookup(s.Data)
	if err != nil {
		return nil, err
	}
	opt := s.Read
	if isExample && ds.Format == "" {
		return nil, fmt.Errorf("%s holds no careers: %s", s.Data, ds.Description)
	}
	if isExample && !s.Exact {
		if opt.Format == "" {
			opt.Format = Format(ds.Format)
		}
		if opt.Exposure == "" && !several {
			opt.Exposure = ds.Exposure
		}
	}
	open := func() (io.ReadCloser, error) {
		if isExample {
			return data.Open(ds)
		}
		return openData(s.Context, s.Data, TableOptions{Sheet: s.Sheet, Dialect: s.Dialect})
	}
	// A file that cannot be read twice (a pipe, /dev/stdin) is read once:
	// with time-varying covariates, its bytes are kept in a temporary file
	// for their second pass.
	regular := isExample
	if !isExample {
		st, err := os.Stat(s.Data)
		if err != nil {
			return nil, err
		}
		regular = st.Mode().IsRegular()
	}
	f, err := open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var raw io.Reader = f
	var spool *os.File
	if len(s.Tcov) > 0 && !regular {
		if spool, err = os.CreateTemp("", "trajkit-data-*.csv"); err != nil {
			return nil, err
		}
		// Unlinked at once (read through its descriptor), so that no copy
		// of the data is left behind when the process is stopped before
		// its deferred calls run (the command's interrupt deadline); where
		// an open file cannot be removed, it is removed once closed.
		os.Remove(spool.Name())
		defer os.Remove(spool.Name())
		defer spool.Close()
		raw = io.TeeReader(f, spool)
	}
	in := NewInput(s.Context, raw, s.Data)
	var c *trajectory.Careers
	var cs []*trajectory.Careers
	var info *ReadInfo
	if several {
		cs, info, err = ReadOutcomes(in, s.Data, opt, s.Outcomes)
		if err == nil {
			c = cs[0]
			opt.Count, opt.Exposure = s.Outcomes[0].Count, s.Outcomes[0].Exposure
		}
	} else {
		c, info, err = ReadCareers(in, s.Data, opt)
	}
	if err != nil {
		return nil, err
	}
	if _, err := io.Copy(io.Discard, in); err != nil { // the bytes after the last record, if any
		return nil, err
	}
	opt = opt.withDefaults()
	l := &Loaded{Info: info, Settings: trajectory.DataSettings{
		File: s.Data, Sheet: s.Sheet, Format: string(info.Format), ID: opt.ID, Age: opt.Age, Count: opt.Count, Exposure: opt.Exposure,
		NoID: opt.NoID,
	}}
	if info.Format == Traj {
		l.Settings.Time, l.Settings.TimeScale = opt.Time, opt.TimeScale
	}
	if dr, ok := f.(*dialectReader); ok {
		l.Settings.Sep = SepName(dr.Sep)
		if dr.Commas > 0 || s.Dialect.Decimal == "," {
			l.Settings.Decimal = ","
		}
		if s.Dialect.windows1252() {
			l.Settings.Encoding = "windows-1252"
		}
		if l.Settings.Sep == "," {
			l.Settings.Sep = ""
		}
	}
	size, sum := in.Sum()
	if regular {
		l.Settings.Size, l.Settings.SHA256 = sourceSum(f, size, sum)
	} else {
		l.Settings.Unchecked = "not a regular file: its bytes cannot be read again"
	}
	l.Warnings = append(l.Warnings, info.Warnings...)
	if len(s.Tcov) > 0 {
		var again io.Reader
		if spool != nil {
			if _, err := spool.Seek(0, io.SeekStart); err != nil {
				return nil, err
			}
			again = spool
		} else {
			g, err := open()
			if err != nil {
				return nil, err
			}
			defer g.Close()
			again = g
		}
		in2 := NewInput(s.Context, again, s.Data)
		if several {
			cs, err = ReadTcovOutcomes(in2, s.Data, info.Format, opt, s.Outcomes, s.Tcov, cs)
			if err == nil {
				c = cs[0]
			}
		} else {
			c, err = ReadTcov(in2, s.Data, info.Format, opt, s.Tcov, c)
		}
		if err != nil {
			return nil, err
		}
		if _, err := io.Copy(io.Discard, in2); err != nil {
			return nil, err
		}
		if size2, sum2 := in2.Sum(); size2 != size || sum2 != sum {
			return nil, fmt.Errorf("%s changed while it was read (%d bytes, then %d): read it again once nothing writes to it", s.Data, size, size2)
		}
		l.Settings.Tcov = s.Tcov
	}
	if s.Binarize {
		c = c.Binarize()
		l.Settings.Binarize = true
	}
	if several {
		return l.several(s, cs)
	}
	c = l.floor(s, c)
	l.Full, l.Careers = c, c
	if s.Ages != [2]int{} {
		lo, hi := s.Ages[0], s.Ages[1]
		if lo > hi {
			return nil, fmt.Errorf("age window %d-%d is empty", lo, hi)
		}
		var dropped []int
		l.Careers, dropped = c.Restrict(lo, hi)
		l.Settings.Ages = strconv.Itoa(lo) + "-" + strconv.Itoa(hi)
		if l.Careers.Len() == 0 {
			return nil, fmt.Errorf("%s: no person is observed at ages %d-%d (the data cover ages %d-%d)", s.Data, lo, hi, c.MinAge, c.MaxAge())
		}
		if len(dropped) > 0 {
			l.Warnings = append(l.Warnings, mixture.Warnf(trajectory.PersonsLeftOut, nil,
				"%s %s no observed age in %d-%d and %s left out (first: %q)", words.Count(len(dropped), "person"), words.Choose(len(dropped), "has", "have"),
				lo, hi, words.Choose(len(dropped), "is", "are"), c.IDs[dropped[0]]))
		}
	} else {
		l.Warnings = append(l.Warnings, trajectory.WindowWarnings(c)...)
	}
	if err := l.persons(s); err != nil {
		return nil, err
	}
	return l, nil
}

// persons joins the person file of s, its risk factors and weights, to
// l.Careers.
func (l *Loaded) persons(s Source) error {
	var err error
	if s.Persons != "" {
		if err := l.attach(s); err != nil {
			return err
		}
		if s.Weights != "" {
			if l.Weights, err = l.Persons.Weights(s.Weights, l.Careers.IDs); err != nil {
				return err
			}
			l.Settings.Weights = s.Weights
		}
	} else if s.Weights != "" {
		return fmt.Errorf("sampling weights (column %q) need a person file", s.Weights)
	} else if len(s.Risk) > 0 {
		return fmt.Errorf("risk factors %v need a person file", s.Risk)
	} else if len(s.Categorical) > 0 {
		return fmt.Errorf("categorical columns %v need a person file", s.Categorical)
	}
	return nil
}

// floor floors the exposures of c at s.MinExposure, or warns about tiny
// ones, and returns the careers.
func (l *Loaded) floor(s Source, c *trajectory.Careers) *trajectory.Careers {
	if s.MinExposure > 0 {
		var n int
		c, n = c.FloorExposure(s.MinExposure)
		l.Settings.MinExposure = s.MinExposure
		l.Warnings = append(l.Warnings, mixture.Warnf(trajectory.ExposureFloored, nil,
			"exposures below %g were raised to it in %s", s.MinExposure, words.Count(n, "cell")))
	} else if w, ok := c.TinyExposures(trajectory.TinyExposureLimit).Warning(); ok {
		l.Warnings = append(l.Warnings, w)
	}
	return c
}

// several finishes Load for the careers of several outcomes, cs: the
// exposures floored and the warnings about the ends of the age grid per
// outcome, the person file joined on the persons all share.
func (l *Loaded) several(s Source, cs []*trajectory.Careers) (*Loaded, error) {
	for k, c := range cs {
		n := len(l.Warnings)
		cs[k] = l.floor(s, c)
		if s.Ages == [2]int{} {
			l.Warnings = append(l.Warnings, trajectory.WindowWarnings(cs[k])...)
		}
		name := s.Outcomes[k].Name
		if name == "" {
			name = s.Outcomes[k].Count
		}
		for j := n; j < len(l.Warnings); j++ {
			l.Warnings[j].Message = fmt.Sprintf("outcome %q: %s", name, l.Warnings[j].Message)
		}
	}
	l.FullOutcomes = cs
	l.Outcomes = slices.Clone(cs)
	l.Full, l.Careers = cs[0], cs[0]
	if s.Ages != [2]int{} {
		lo, hi := s.Ages[0], s.Ages[1]
		if lo > hi {
			return nil, fmt.Errorf("age window %d-%d is empty", lo, hi)
		}
		var dropped []int
		l.Outcomes, dropped = trajectory.RestrictOutcomes(cs, lo, hi)
		l.Careers = l.Outcomes[0]
		l.Settings.Ages = strconv.Itoa(lo) + "-" + strconv.Itoa(hi)
		if len(dropped) == len(cs[0].IDs) {
			return nil, fmt.Errorf("%s: no person is observed at ages %d-%d in any outcome", s.Data, lo, hi)
		}
		if len(dropped) > 0 {
			l.Warnings = append(l.Warnings, mixture.Warnf(trajectory.PersonsLeftOut, nil,
				"%s %s no observed age of any outcome in %d-%d and %s left out (first: %q)", words.Count(len(dropped), "person"), words.Choose(len(dropped), "has", "have"),
				lo, hi, words.Choose(len(dropped), "is", "are"), cs[0].IDs[dropped[0]]))
		}
	}
	base := l.Careers
	if err := l.persons(s); err != nil {
		return nil, err
	}
	if l.Careers != base { // persons left out for a missing risk factor
		idx := make([]int, 0, l.Careers.Len())
		at := make(map[string]int, base.Len())
		for i, id := range base.IDs {
			at[id] = i
		}
		for _, id := range l.Careers.IDs {
			idx = append(idx, at[id])
		}
		for k, c := range l.Outcomes {
			l.Outcomes[k] = c.Subset(idx)
		}
		l.Careers = l.Outcomes[0]
	}
	return l, nil
}

// twice returns the first of names that comes again later.
func twice(names []string) (string, bool) {
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			return n, true
		}
		seen[n] = true
	}
	return "", false
}

// attach reads the person file into l and, with risk factors, builds
// their design, leaving out (with a warning) or refusing persons with
// missing values. A person file that shares no id with the careers is an
// error.
func (l *Loaded) attach(s Source) error {
	t, err := ReadPersonsSource(s.Persons, PersonOptions{ID: l.Settings.ID, Categorical: s.Categorical, Sheet: s.PersonsSheet, Dialect: s.Dialect})
	if err != nil {
		return err
	}
	matched, err := t.Matched(l.Careers.IDs, s.Data)
	if err != nil {
		return err
	}
	l.Persons = t
	l.Settings.Persons = s.Persons
	l.Settings.Categorical = s.Categorical
	l.Warnings = append(l.Warnings, t.Warnings...)
	if extra := len(t.IDs) - matched; extra > 0 {
		l.Warnings = append(l.Warnings, mixture.Warnf(PersonsUnmatched, nil, "%s: %s %s no careers and %s not used", s.Persons, words.Count(extra, "person"),
			words.Choose(extra, "has", "have"), words.Choose(extra, "is", "are")))
	}
	if len(s.Risk) == 0 {
		if matched < l.Careers.Len() {
			l.Warnings = append(l.Warnings, mixture.Warnf(PersonsUnmatched, nil,
				"%s: %s of the careers %s no row; their profile values count as missing", s.Persons, words.Count(l.Careers.Len()-matched, "person"),
				words.Choose(l.Careers.Len()-matched, "has", "have")))
		}
		return nil
	}
	d, keep, err := t.Design(s.Risk, l.Careers.IDs, s.DropMissing)
	if err != nil {
		return err
	}
	if dropped := l.Careers.Len() - len(keep); dropped > 0 {
		l.Warnings = append(l.Warnings, mixture.Warnf(trajectory.PersonsLeftOut, nil,
			"%s left out for a missing risk factor or no row in %s", words.Count(dropped, "person"), s.Persons))
		l.Careers = l.Careers.Subset(keep)
	}
	l.Risk = d
	l.Settings.Risk = s.Risk
	return nil
}

// ReadPersonsSource reads a person file, or an embedded one
// (example:NAME), as opt says. The file may be CSV, Stata, SPSS or Excel
// (see Table); a variable with value labels is a categorical column.
func ReadPersonsSource(name string, opt PersonOptions) (*PersonTable, error) {
	ds, isExample, err := data.Lookup(name)
	if err != nil {
		return nil, err
	}
	if !isExample {
		return ReadPersonsFile(name, opt)
	}
	f, err := data.Open(ds)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadPersons(f, name, opt)
}

// CheckSame checks that the careers l were read from the same bytes as
// the careers a model was fitted to, as fitted records them (its
// settings.data): an error when both are identified and differ, a warning
// when either cannot be identified.
func CheckSame(fitted trajectory.DataSettings, l *Loaded) (*trajectory.Warning, error) {
	now := l.Settings
	switch {
	case fitted.SHA256 != "" && now.SHA256 != "":
		if fitted.SHA256 == now.SHA256 && fitted.Size == now.Size {
			return nil, nil
		}
		return nil, fmt.Errorf("%s is not the data the model was fitted to: %d bytes with SHA-256 %.12s… now, %d bytes with %.12s… recorded in model.json (changed since the fit?); the observed means would not be those of the fitted careers: fit again, or read the file the model was fitted to",
			now.File, now.Size, now.SHA256, fitted.Size, fitted.SHA256)
	case fitted.SHA256 == "":
		why := fitted.Unchecked
		if why == "" {
			why = "written by a trajkit that did not record it"
		}
		w := mixture.Warnf(DataUnchecked, nil, "model.json records no checksum of %s (%s): cannot check that %s holds the careers fitted", fitted.File, why, now.File)
		return &w, nil
	}
	w := mixture.Warnf(DataUnchecked, nil, "%s is %s: cannot check that it holds the careers fitted", now.File, now.Unchecked)
	return &w, nil
}
