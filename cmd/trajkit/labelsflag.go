package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/trajkit/trajkit/internal/words"
	"github.com/trajkit/trajkit/trajectory"
)

// labelsFlag is --labels of fit, plot and report, and the names of
// trajkit label: the groups' names, comma-separated in group order
// ("low,early-peak,high"). A dual model's outcomes have groups of their
// own, named as a per-outcome flag gives values (perOutcome): the flag
// repeated with OUTCOME=NAMES (--labels violent=low,high --labels
// property=rare,some,often); a list without OUTCOME= names every outcome
// not named, and an outcome not named keeps its labels. A model of one
// outcome, or of several sharing their groups (--outcomes), takes one
// list, the last given. arg says that the values are label's arguments,
// not a flag's (in errors).
type labelsFlag struct {
	values []string
	arg    bool
}

// register adds the flag to fs with usage text usage.
func (l *labelsFlag) register(fs *flag.FlagSet, usage string) { fs.Var(l, "labels", usage) }

// registerOutput is register for plot and report: names for one output.
func (l *labelsFlag) registerOutput(fs *flag.FlagSet) {
	l.register(fs, `names of the groups for this output, in group order, comma-separated and distinct, e.g. "low,early-peak,late-peak,high"; of a dual model's outcomes, OUTCOME=NAMES, the flag repeated for each outcome (default: the labels of model.json, else "Group k")`)
}

func (l *labelsFlag) String() string {
	if l == nil {
		return ""
	}
	return strings.Join(l.values, " ")
}

func (l *labelsFlag) Set(v string) error {
	l.values = append(l.values, v)
	return nil
}

// what names value v in errors: --labels "v", or label's "v".
func (l *labelsFlag) what(v string) string {
	if l.arg {
		return fmt.Sprintf("%q", v)
	}
	return fmt.Sprintf("--labels %q", v)
}

// apply names the groups of fit (Fitted.SetLabels, and for a dual model
// Fitted.SetOutcomeLabels: one distinct, non-empty name per group).
func (l *labelsFlag) apply(fit *trajectory.Fitted) error {
	if len(l.values) == 0 {
		return nil
	}
	if !fit.IsDual() {
		v := l.values[len(l.values)-1]
		if name, names, ok := splitNamed(v); ok {
			why := "a model of one outcome"
			if fit.IsMulti() {
				why = "the outcomes of a multi-trajectory model share their groups"
			}
			return usagef("%s: OUTCOME=NAMES names the groups of one outcome of a dual model (%s): %s, named by one list, e.g. %q", l.what(v), name, why, names)
		}
		if err := fit.SetLabels(strings.Split(v, ",")); err != nil {
			return usagef("%s: %v", l.what(v), err)
		}
		return nil
	}
	names := make([]string, len(fit.Outcomes))
	for o := range fit.Outcomes {
		names[o] = fit.Outcomes[o].Name
	}
	given := make([]string, len(names)) // each outcome's value, "" for none
	for _, v := range l.values {
		name, _, ok := splitNamed(v)
		o := -1
		for j := range names {
			if names[j] == name {
				o = j
			}
		}
		switch {
		case ok && o < 0:
			return usagef("%s: no outcome %q in the dual model of %s", l.what(v), name, strings.Join(names, " and "))
		case ok:
			given[o] = v
		}
	}
	for o := range names {
		v := given[o]
		if v == "" {
			// The last list without a name, as perOutcome.of.
			for _, x := range l.values {
				if _, _, ok := splitNamed(x); !ok {
					v = x
				}
			}
		}
		if v == "" {
			continue
		}
		_, list, named := splitNamed(v)
		if err := fit.SetOutcomeLabels(o, strings.Split(list, ",")); err != nil {
			if !named {
				return usagef("%s: %v (a list without OUTCOME= names each outcome's groups: name them outcome by outcome, %s=NAMES)", l.what(v), err, names[o])
			}
			return usagef("%s: %v", l.what(v), err)
		}
	}
	return nil
}

// check refuses, before any work, names that cannot name k groups, of a
// model of one outcome or, with multi, shared by several.
func (l *labelsFlag) check(k int, multi bool) error {
	if len(l.values) == 0 {
		return nil
	}
	if v := l.values[len(l.values)-1]; len(strings.Split(v, ",")) != k {
		if _, _, ok := splitNamed(v); !ok {
			return usagef("%s: %s for the %s of --groups", l.what(v), words.Count(len(strings.Split(v, ",")), "name"), words.Count(k, "group"))
		}
	}
	probe := &trajectory.Fitted{Groups: make([]trajectory.Group, k)}
	if multi {
		probe.Distribution = trajectory.Multi
	}
	return l.apply(probe)
}

// checkDual is check for a dual model of the outcomes names with ks[o]
// groups each (fit --dual, --groups K1,K2).
func (l *labelsFlag) checkDual(names []string, ks []int) error {
	if len(l.values) == 0 {
		return nil
	}
	probe := &trajectory.Fitted{Distribution: trajectory.Dual, Groups: make([]trajectory.Group, ks[0]*ks[1])}
	for o, name := range names {
		probe.Outcomes = append(probe.Outcomes, trajectory.OutcomeFit{Name: name, Groups: make([]trajectory.Group, ks[o])})
	}
	return l.apply(probe)
}
