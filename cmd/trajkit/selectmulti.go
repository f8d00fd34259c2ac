package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/trajkit/trajkit/trajectory"
)

// checkMulti validates the flags of select --outcomes (a multi-trajectory
// search over K in lo..hi): the per-outcome flags, and what the search of
// several outcomes does not do.
func (f *selectFlags) checkMulti(fs *flag.FlagSet, lo, hi int) error {
	if err := checkList("outcomes", f.outcomes); err != nil {
		return err
	}
	names := splitList(f.outcomes)
	for _, p := range []struct {
		name string
		flag *perOutcome
	}{{"dist", f.distOut}, {"order", f.orderOut}, {"inflation", f.inflationOut}, {"exposure", f.exposureOut}} {
		if err := p.flag.check(p.name, names); err != nil {
			return err
		}
	}
	set := setFlags(fs)
	for _, no := range []struct{ flag, why string }{
		{"orders", "each outcome has the orders of --order NAME=ORDER: a per-group order search over several outcomes is combinatorial and not built"},
		{"count", "--outcomes names the count columns"},
		{"blrt", "the bootstrap likelihood-ratio test of a multi-trajectory model is not built yet"},
		{"resume", "a multi-trajectory search is not checkpointed: run it again"},
	} {
		if set[no.flag] {
			return usagef("--%s is not supported with --outcomes (a multi-trajectory search): %s", no.flag, no.why)
		}
	}
	if f.recommend != trajectory.RecommendBIC {
		return usagef("--recommend %s is not supported with --outcomes: a multi-trajectory search recommends by BIC", f.recommend)
	}
	_, err := f.outcomeTemplates(fs, lo, hi)
	return err
}

// outcomeTemplates returns each outcome's model as SelectMulti takes it:
// its distribution, its family settings, and its orders and inflation
// orders, one for every group or, with lo = hi, one per group.
func (f *selectFlags) outcomeTemplates(fs *flag.FlagSet, lo, hi int) ([]trajectory.Model, error) {
	names := splitList(f.outcomes)
	ms := make([]trajectory.Model, len(names))
	for o, name := range names {
		dist := trajectory.Distribution(f.distOut.of(name))
		m, err := f.outcomeTemplate(fs, name, dist, lo, hi)
		if err != nil {
			return nil, fmt.Errorf("outcome %s: %w", name, err)
		}
		ms[o] = m
	}
	return ms, nil
}

func (f *selectFlags) outcomeTemplate(fs *flag.FlagSet, name string, dist trajectory.Distribution, lo, hi int) (trajectory.Model, error) {
	orders, err := parseOrders(f.orderOut.of(name), "order")
	if err != nil {
		return trajectory.Model{}, err
	}
	infl, err := parseOrders(f.inflationOut.of(name), "inflation")
	if err != nil {
		return trajectory.Model{}, err
	}
	if n := max(len(orders), len(infl)); n > 1 && (lo != n || hi != n) {
		return trajectory.Model{}, usagef("%d orders, one per group, describe a %d-group model: give --groups %d (one order applies to every group of every K)", n, n, n)
	}
	if _, err := trajectory.NewModel(dist, max(len(orders), len(infl), 1), orders, infl); err != nil {
		return trajectory.Model{}, usagef("%v", err)
	}
	m := trajectory.Model{Distribution: dist, Orders: orders, Inflation: infl}
	if err := f.censorFlags.check(fs, dist); err != nil && dist.Real() {
		return m, err
	}
	f.censorFlags.apply(&m)
	m.CommonDispersion, err = f.dispersion.common(string(dist))
	return m, err
}

// runSelectMulti is select with --outcomes: the number of groups of a
// multi-trajectory model (trajectory.SelectMulti).
func runSelectMulti(ctx context.Context, f *selectFlags, fs *flag.FlagSet, s trajectory.SelectSettings, args []string, stdout, stderr io.Writer) error {
	out, err := beginOut(ctx, f.out, "select", args)
	if err != nil {
		return err
	}
	defer out.Abort()
	names := splitList(f.outcomes)
	f.outcomeCols = outcomeColumns(names, f.distOut, f.exposureOut, f.binarize)
	l, err := f.load(ctx, fs, &f.personFlags)
	if err != nil {
		return err
	}
	if err := checkPersons(s, f.groups, l.Careers.Len()); err != nil {
		return err
	}
	ms, err := f.outcomeTemplates(fs, s.MinGroups, s.MaxGroups)
	if err != nil {
		return err
	}
	outs := make([]trajectory.Outcome, len(ms))
	for o, col := range f.outcomeCols {
		outs[o] = trajectory.Outcome{Name: col.Name, Exposure: col.Exposure, Careers: l.Outcomes[o], Model: ms[o]}
	}
	data := l.Settings
	data.Count, data.Exposure = "", "" // each outcome's, in selection.json's settings.outcomes
	data.Binarize = f.binarize
	s.Fit.Data, s.Fit.Risk, s.Fit.Weights = data, l.Risk, l.Weights
	warn(stderr, l.Warnings...)
	sel, err := runSearch("select", s, stderr, f.quiet, func(s trajectory.SelectSettings) (*trajectory.Selection, error) {
		return trajectory.SelectMulti(outs, s)
	})
	if err != nil {
		return err
	}
	return f.publish(out, sel, s, l, stdout)
}
