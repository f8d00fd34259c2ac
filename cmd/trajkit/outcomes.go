package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/trajkit/trajkit/internal/words"
	"github.com/trajkit/trajkit/trajectory"
	"github.com/trajkit/trajkit/trajectory/careersio"
	"github.com/trajkit/trajkit/trajectory/results"
)

// perOutcome is a flag that each outcome of --outcomes may have a value
// of its own of: --order thb=3,3,2 --order violent=2 repeats the flag
// with NAME=VALUE, and a value without NAME= is every other outcome's.
// Without --outcomes it is a plain flag: dst holds the last value given.
type perOutcome struct {
	dst    *string
	def    string // the flag's default
	values []string
}

// newPerOutcome returns the flag over dst, whose value is its default.
func newPerOutcome(dst *string) *perOutcome { return &perOutcome{dst: dst, def: *dst} }

func (p *perOutcome) String() string {
	if p == nil || p.dst == nil {
		return ""
	}
	return *p.dst
}

func (p *perOutcome) Set(v string) error {
	if _, val, _ := splitNamed(v); strings.Contains(val, "=") {
		return fmt.Errorf("one outcome per value: repeat the flag for each outcome, as in --dist thb=zip --dist violent=poisson")
	}
	*p.dst = v
	p.values = append(p.values, v)
	return nil
}

// splitNamed returns NAME and VALUE of NAME=VALUE; ok is false for a
// value without a name.
func splitNamed(v string) (name, value string, ok bool) {
	name, value, ok = strings.Cut(v, "=")
	if !ok || name == "" || strings.ContainsAny(name, ",; ") {
		return "", v, false
	}
	return name, value, true
}

// of returns outcome name's value: the last NAME=VALUE given for it, else
// the last value without a name, else the default.
func (p *perOutcome) of(name string) string {
	v, named := p.def, false
	for _, x := range p.values {
		n, val, ok := splitNamed(x)
		switch {
		case ok && n == name:
			v, named = val, true
		case !ok && !named:
			v = x
		}
	}
	return v
}

// check returns a usage error for a NAME=VALUE that names no outcome, or
// any NAME=VALUE without --outcomes.
func (p *perOutcome) check(flagName string, outcomes []string) error {
	return p.checkIn(flagName, "outcomes", outcomes)
}

// checkIn is check for the outcomes that the flag list names (outcomes,
// or dual).
func (p *perOutcome) checkIn(flagName, list string, outcomes []string) error {
	for _, x := range p.values {
		n, _, ok := splitNamed(x)
		switch {
		case !ok:
		case len(outcomes) == 0:
			return usagef("--%s %q: NAME=VALUE gives one outcome's value and needs --outcomes", flagName, x)
		case !slices.Contains(outcomes, n):
			return usagef("--%s %q: no outcome %q in --%s %s", flagName, x, n, list, strings.Join(outcomes, ","))
		}
	}
	return nil
}

// outcomeNames returns the names of --outcomes (or --dual), nil without.
func (f *fitFlags) outcomeNames() []string {
	if f.dual != "" {
		return f.dualNames()
	}
	return splitList(f.outcomes)
}

// oneOutcome turns --outcomes NAME, a single outcome, into the plain fit
// of column (or prefix) NAME with the outcome's --dist, --order,
// --inflation and --exposure: a one-outcome model is the single-outcome
// model and writes its model.json.
func (f *fitFlags) oneOutcome(name string) {
	f.dist, f.order, f.inflation, f.exposure = f.distOut.of(name), f.orderOut.of(name), f.inflationOut.of(name), f.exposureOut.of(name)
	f.count, f.outcomes = name, ""
}

// outcomeModels returns each outcome's model for k groups, or with
// --dual for its own number of groups (see fitFlags.model for checkOnly).
func (f *fitFlags) outcomeModels(k int, checkOnly bool) ([]trajectory.Model, error) {
	names := f.outcomeNames()
	ms := make([]trajectory.Model, len(names))
	one := *f
	for o, name := range names {
		one.dist, one.order, one.inflation = f.distOut.of(name), f.orderOut.of(name), f.inflationOut.of(name)
		if f.dual != "" {
			k = f.groupList[o]
		}
		m, err := one.model(k, checkOnly)
		if err != nil {
			return nil, fmt.Errorf("outcome %s: %w", name, err)
		}
		ms[o] = m
	}
	return ms, nil
}

// checkOutcomes validates --outcomes and the flags given per outcome.
func (f *fitFlags) checkOutcomes(fs *flag.FlagSet) error {
	names := f.outcomeNames()
	for _, p := range []struct {
		name string
		flag *perOutcome
	}{{"dist", f.distOut}, {"order", f.orderOut}, {"inflation", f.inflationOut}, {"exposure", f.exposureOut}} {
		if err := p.flag.check(p.name, names); err != nil {
			return err
		}
	}
	if names == nil {
		return nil
	}
	if err := checkList("outcomes", f.outcomes); err != nil {
		return err
	}
	if setFlags(fs)["count"] {
		return usagef("--count is not supported with --outcomes (a multi-trajectory model): --outcomes names the count columns")
	}
	return f.checkOutcomeModels(fs, f.groups)
}

// checkOutcomeModels checks each outcome's model for k groups (see
// fitFlags.model's checkOnly) and the censoring points of those that
// take them (cnorm; --min and --max are every cnorm outcome's).
func (f *fitFlags) checkOutcomeModels(fs *flag.FlagSet, k int) error {
	ms, err := f.outcomeModels(k, true)
	if err != nil {
		return err
	}
	names := f.outcomeNames()
	for o, m := range ms {
		if err := f.censorFlags.check(fs, m.Distribution); err != nil && m.Distribution.Real() {
			return fmt.Errorf("outcome %s: %w", names[o], err)
		}
	}
	return nil
}

// open begins fit's result set (nil without --out) and reads the
// careers, of every outcome in f.outcomeCols when set, and the person
// file; it returns how long the reading took. The caller aborts the set
// unless it commits it.
func (f *fitFlags) open(ctx context.Context, fs *flag.FlagSet, args []string) (*results.Set, *careersio.Loaded, time.Duration, error) {
	out, err := beginOut(ctx, f.out, "fit", args)
	if err != nil {
		return nil, nil, 0, err
	}
	t0 := time.Now()
	l, err := f.load(ctx, fs, &f.personFlags)
	if err == nil {
		err = f.distalFlags.precheck(l)
	}
	if err != nil {
		out.Abort()
		return nil, nil, 0, err
	}
	return out, l, time.Since(t0), nil
}

// outcomeColumns returns the columns of each outcome for the reader: the
// count column (or prefix) is the outcome's name.
func (f *fitFlags) outcomeColumns() []careersio.OutcomeColumns {
	return outcomeColumns(f.outcomeNames(), f.distOut, f.exposureOut, f.binarize)
}

// outcomeColumns returns the columns of the named outcomes, each with its
// --dist and --exposure (fit and select --outcomes).
func outcomeColumns(names []string, dist, exposure *perOutcome, binarize bool) []careersio.OutcomeColumns {
	var cols []careersio.OutcomeColumns
	for _, name := range names {
		d := trajectory.Distribution(dist.of(name))
		cols = append(cols, careersio.OutcomeColumns{Name: name, Count: name, Exposure: exposure.of(name), Real: d.Real(), Binarize: binarize && d.Binary()})
	}
	return cols
}

// outcomeFit returns the outcomes of a fit of several (--outcomes or
// --dual: their columns, the careers read l and the models ms) and the
// fit's settings, whose data leave the count and exposure columns to
// each outcome's entry in model.json's outcomes.
func (f *fitFlags) outcomeFit(ctx context.Context, l *careersio.Loaded, ms []trajectory.Model) ([]trajectory.Outcome, *trajectory.Settings) {
	outs := make([]trajectory.Outcome, len(ms))
	for o, col := range f.outcomeCols {
		outs[o] = trajectory.Outcome{Name: col.Name, Exposure: col.Exposure, Careers: l.Outcomes[o], Model: ms[o]}
	}
	data := l.Settings
	data.Count, data.Exposure = "", ""
	data.Binarize = f.binarize
	s := &trajectory.Settings{Search: f.search(ctx), NoSE: f.noSE, Risk: l.Risk, Reference: f.reference, Data: data, Weights: l.Weights}
	f.withStart(s)
	return outs, s
}

// runFitMulti is fit with --outcomes: a multi-trajectory model.
func runFitMulti(ctx context.Context, f *fitFlags, fs *flag.FlagSet, args []string, stdout, stderr io.Writer) error {
	f.outcomeCols = f.outcomeColumns()
	out, l, tRead, err := f.open(ctx, fs, args)
	if err != nil {
		return err
	}
	defer out.Abort()
	if f.groups > l.Careers.Len() {
		return usagef("--groups %d is more than the %s in the data", f.groups, words.Count(l.Careers.Len(), "person"))
	}
	ms, err := f.outcomeModels(f.groups, false)
	if err != nil {
		return err
	}
	warn(stderr, l.Warnings...)
	outs, s := f.outcomeFit(ctx, l, ms)
	p := newProgress(stderr, "fit", f.quiet)
	s.Search.Progress = p.search
	fit, err := trajectory.FitMulti(outs, s)
	p.done()
	if err != nil {
		return binarizeHint(err)
	}
	if f.bootstrap > 0 {
		p := newProgress(stderr, "fit --bootstrap", f.quiet)
		err := fit.BootstrapMulti(l.Outcomes, s, trajectory.BootstrapSettings{Replicates: f.bootstrap, Type: f.bootstrapType, Progress: p.steps("replicate")})
		p.done()
		if err != nil {
			return err
		}
	}
	return f.finish(out, fit, l, tRead, stdout)
}
