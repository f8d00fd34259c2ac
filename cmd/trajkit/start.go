package main

import (
	"strings"

	"github.com/trajkit/trajkit/trajectory"
	"github.com/trajkit/trajkit/trajectory/results"
)

// checkStartOutcomes checks that --start's model st, of several outcomes
// or fitted by --outcomes or --dual, is of the fit's kind with its
// numbers of groups, and lets each of its outcomes' distribution, orders
// and inflation orders stand in for --dist, --order and --inflation when
// those give that outcome no value. The library checks the rest (the outcomes' names,
// each outcome's model, the risk factors).
func (f *fitFlags) checkStartOutcomes(st *trajectory.Fitted) error {
	path := results.ModelPath(f.start)
	names := make([]string, len(st.Outcomes))
	for o, out := range st.Outcomes {
		names[o] = out.Name
	}
	list := strings.Join(names, ",")
	switch {
	case st.IsMulti() && f.outcomes == "":
		return usagef("--start %s is a multi-trajectory model: fit it with --outcomes %s --groups %d", path, list, len(st.Groups))
	case st.IsDual() && f.dual == "":
		return usagef("--start %s is a dual trajectory model: fit it with --dual %s --groups %d,%d", path, list, len(st.Outcomes[0].Groups), len(st.Outcomes[1].Groups))
	case !st.IsMulti() && !st.IsDual():
		return usagef("--start %s is a model of one outcome (%s): it starts a fit without --outcomes and --dual", path, st.Distribution)
	case list != strings.Join(f.outcomeNames(), ","):
		flagName := "outcomes"
		if f.dual != "" {
			flagName = "dual"
		}
		return usagef("--start %s has outcomes %s, --%s says %s", path, list, flagName, strings.Join(f.outcomeNames(), ","))
	case st.IsMulti() && len(st.Groups) != f.groups:
		return usagef("--start %s has %d groups, --groups says %d", path, len(st.Groups), f.groups)
	case st.IsDual() && (len(st.Outcomes[0].Groups) != f.groupList[0] || len(st.Outcomes[1].Groups) != f.groupList[1]):
		return usagef("--start %s has %d,%d groups, --groups says %s", path, len(st.Outcomes[0].Groups), len(st.Outcomes[1].Groups), intList(f.groupList))
	}
	for _, out := range st.Outcomes {
		for _, d := range []struct {
			flag  *perOutcome
			value string
		}{{f.distOut, string(out.Distribution)}, {f.orderOut, intList(out.Orders)}, {f.inflationOut, intList(out.InflationOrders)}} {
			if !d.flag.given(out.Name) {
				d.flag.values = append(d.flag.values, out.Name+"="+d.value)
			}
		}
	}
	return nil
}

// withStart puts the --start model, if any, into the fit's settings s:
// one start more, or with --starts 0 the only one.
func (f *fitFlags) withStart(s *trajectory.Settings) {
	if f.startFit != nil {
		s.Start, s.StartFile, s.StartOnly = f.startFit, results.ModelPath(f.start), f.starts == 0
	}
}

// given reports whether the flag was given a value for outcome name: its
// own NAME=VALUE, or a value without a name.
func (p *perOutcome) given(name string) bool {
	for _, x := range p.values {
		if n, _, ok := splitNamed(x); !ok || n == name {
			return true
		}
	}
	return false
}
