package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/trajkit/trajkit/trajectory"
)

// groupsFlag is --groups: a number of groups K, or with --dual one per
// outcome, K1,K2. k holds the first number, list all of them.
type groupsFlag struct {
	k    *int
	list *[]int
}

func (g groupsFlag) String() string {
	if g.k == nil || *g.k == 0 {
		return ""
	}
	if len(*g.list) > 1 {
		return intList(*g.list)
	}
	return strconv.Itoa(*g.k)
}

func (g groupsFlag) Set(v string) error {
	var ks []int
	for _, s := range strings.Split(v, ",") {
		k, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf("expected a number of groups K, or K1,K2 with --dual, got %q", v)
		}
		ks = append(ks, k)
	}
	*g.k, *g.list = ks[0], ks
	return nil
}

// dualNames returns the names of --dual, nil without.
func (f *fitFlags) dualNames() []string { return splitList(f.dual) }

// checkDual validates --dual, its --groups K1,K2 and the flags given per
// outcome; without --dual, that --groups is one number.
func (f *fitFlags) checkDual(fs *flag.FlagSet) error {
	if f.dual == "" {
		if len(f.groupList) > 1 {
			return usagef("--groups %s: two numbers of groups, K1,K2, are for --dual A,B (a dual trajectory model); one model has one number", intList(f.groupList))
		}
		return nil
	}
	names := f.dualNames()
	switch {
	case f.outcomes != "":
		return usagef("--outcomes and --dual both name several outcomes: give --outcomes for a multi-trajectory model (shared groups), --dual A,B for a dual one (each outcome its own groups)")
	case len(names) != 2:
		return usagef("--dual %s: expected two outcomes, A,B (count columns of a long file or prefixes of a wide file)", f.dual)
	case names[0] == names[1]:
		return usagef("--dual %s: %q is named twice", f.dual, names[0])
	case len(f.groupList) != 2:
		return usagef("--groups %s: --dual %s needs two numbers of groups, K1,K2 (K1 of %s, K2 of %s), e.g. --groups 3,2", intList(f.groupList), f.dual, names[0], names[1])
	}
	for o, k := range f.groupList {
		if k < 1 {
			return usagef("--groups %s: expected numbers of groups ≥ 1, got %d for %s", intList(f.groupList), k, names[o])
		}
	}
	for _, p := range []struct {
		name string
		flag *perOutcome
	}{{"dist", f.distOut}, {"order", f.orderOut}, {"inflation", f.inflationOut}, {"exposure", f.exposureOut}} {
		if err := p.flag.checkIn(p.name, "dual", names); err != nil {
			return err
		}
	}
	if setFlags(fs)["count"] {
		return usagef("--count is not supported with --dual (a dual trajectory model): --dual names the count columns")
	}
	return f.checkOutcomeModels(fs, 0)
}

// runFitDual is fit with --dual: a dual trajectory model.
func runFitDual(ctx context.Context, f *fitFlags, fs *flag.FlagSet, args []string, stdout, stderr io.Writer) error {
	f.outcomeCols = f.outcomeColumns()
	out, l, tRead, err := f.open(ctx, fs, args)
	if err != nil {
		return err
	}
	defer out.Abort()
	if n, k := l.Careers.Len(), f.groupList[0]*f.groupList[1]; k > n {
		return usagef("--groups %s: %d x %d joint classes for the %d persons in the data: a class needs at least one person", intList(f.groupList), f.groupList[0], f.groupList[1], n)
	}
	ms, err := f.outcomeModels(0, false)
	if err != nil {
		return err
	}
	warn(stderr, l.Warnings...)
	outs, s := f.outcomeFit(ctx, l, ms)
	p := newProgress(stderr, "fit", f.quiet)
	s.Search.Progress = p.search
	fit, err := trajectory.FitDual(outs[0], outs[1], s)
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
