package careersio

import (
	"fmt"
	"io"
	"os"

	"github.com/trajkit/trajkit/trajectory"
)

// OutcomeColumns name the columns of one outcome of a career file that
// holds several, measured on the same persons and ages (the data of
// multi-trajectory models: Nagin, Jones, Passos & Tremblay 2018, Stat.
// Methods Med. Res. 27(7)).
type OutcomeColumns struct {
	// Name names the outcome in errors and results; empty means Count.
	Name string
	// Count names the count column of a long file, or the prefix of the
	// count columns of a wide file (thb for thb12, thb13, ...).
	Count string
	// Exposure names the exposure column of a long file, or the prefix of
	// the exposure columns of a wide file; empty means every exposure is 1.
	// Several outcomes may name the same exposure.
	Exposure string
	// Real reads the counts as real values, negatives allowed, for the
	// censored normal (ReadOptions.Real); real values take no exposure.
	Real bool
	// Binarize makes every count above 0 a 1 (Careers.Binarize), the
	// outcome of the binary distributions; not with Real.
	Binarize bool
}

// outcome is an outcome being read: its columns, its builder, and the
// cell of the row being read.
type outcome struct {
	OutcomeColumns
	b *trajectory.CareerBuilder
	// col and eCol are the count and exposure columns of a long file
	// (eCol −1 without exposure); counts and expOf those of a wide or
	// traj file (expOf nil without exposure).
	col, eCol int
	counts    []ageColumn
	expOf     []int
}

func newOutcome(oc OutcomeColumns) *outcome {
	o := &outcome{OutcomeColumns: oc, b: trajectory.NewCareerBuilder()}
	if oc.Real {
		o.b.SetReal()
	}
	return o
}

// ReadOutcomesFile reads several outcomes from one long or wide career
// file (ReadOutcomes).
func ReadOutcomesFile(path string, opt ReadOptions, outs []OutcomeColumns) ([]*trajectory.Careers, *ReadInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	return ReadOutcomes(f, path, opt, outs)
}

// ReadOutcomes reads several outcomes, measured on the same persons and
// ages, from one long file (id, age and a count column per outcome, with
// an optional exposure column each) or wide file (a prefix of count
// columns per outcome, thb12.. and vio12.., with optional exposure
// prefixes), in one pass over r: r may be a pipe. name is the file name
// used in errors. opt says how to read the file as for ReadCareers, but
// each outcome names its own counts, exposure and Real: opt.Count,
// opt.Exposure and opt.Real must be left empty. A traj file holds one
// outcome.
//
// The careers returned, one per outcome in the order of outs, have the
// same persons in the same order (the same IDs) on the same age grid
// (MinAge, NumAges), so that person i is the same person in each. A cell
// is missing per outcome: an empty cell (or NA, or .) of one outcome at
// an age another observes is an unobserved age of that outcome only. A
// person observed in some outcome but not in another has, in that other,
// the grid's first age alone, unobserved (trajectory.CareerBuilder's
// KeepUnobserved), which every family's log-likelihood counts as 0. A
// row of a long file with every outcome missing is an error, as a
// missing count is for ReadCareers; a person of a wide file with no
// observed cell in any outcome is left out, with a PersonsLeftOut
// warning. Every outcome must have an observed cell.
//
// Outcomes with the same name, or the same count column, are an error.
// One outcome gives the careers ReadCareers gives with that outcome's
// columns.
func ReadOutcomes(r io.Reader, name string, opt ReadOptions, outs []OutcomeColumns) ([]*trajectory.Careers, *ReadInfo, error) {
	if len(outs) == 0 {
		return nil, nil, fmt.Errorf("%s: no outcome named: expected at least one count column", name)
	}
	if opt.Count != "" || opt.Exposure != "" || opt.Real {
		return nil, nil, fmt.Errorf("%s: with several outcomes, each names its count, exposure and real values (OutcomeColumns), not ReadOptions", name)
	}
	opt = opt.withDefaults()
	names := map[string]int{}
	counts := map[string]int{}
	list := make([]*outcome, len(outs))
	for k, oc := range outs {
		if oc.Count == "" {
			return nil, nil, fmt.Errorf("%s: outcome %d (%q) names no count column", name, k+1, oc.Name)
		}
		if oc.Name == "" {
			oc.Name = oc.Count
		}
		if j, ok := names[oc.Name]; ok {
			return nil, nil, fmt.Errorf("%s: two outcomes named %q (outcomes %d and %d)", name, oc.Name, j+1, k+1)
		}
		if j, ok := counts[oc.Count]; ok {
			return nil, nil, fmt.Errorf("%s: outcomes %q and %q have the same count column %q", name, outs[j].Name, oc.Name, oc.Count)
		}
		names[oc.Name], counts[oc.Count] = k, k
		if oc.Real && oc.Exposure != "" {
			return nil, nil, &DataError{File: name, Msg: fmt.Sprintf("outcome %q: real values (the censored normal) take no exposure: leave out the exposure column", oc.Name)}
		}
		if oc.Real && oc.Binarize {
			return nil, nil, fmt.Errorf("%s: outcome %q: real values cannot be made binary", name, oc.Name)
		}
		list[k] = newOutcome(oc)
	}
	first := list[0].OutcomeColumns
	opt.Count, opt.Exposure, opt.Real = first.Count, first.Exposure, first.Real
	if len(list) > 1 {
		return readSeveral(r, name, opt, list)
	}
	c, info, err := ReadCareers(r, name, opt)
	if err != nil {
		return nil, nil, err
	}
	if first.Binarize {
		c = c.Binarize()
	}
	return []*trajectory.Careers{c}, info, nil
}

// readSeveral reads two outcomes or more and builds their careers on the
// persons and ages of all.
func readSeveral(r io.Reader, name string, opt ReadOptions, outs []*outcome) ([]*trajectory.Careers, *ReadInfo, error) {
	rd, err := read(r, name, opt, outs)
	if err != nil {
		return nil, nil, err
	}
	cs := make([]*trajectory.Careers, len(outs))
	for k, o := range outs {
		o.b.Span(rd.lo, rd.hi)
		for p, seen := range rd.seen {
			if seen {
				o.b.KeepUnobserved(p)
			}
		}
		c, err := o.b.Build(o.Exposure != "")
		if err != nil {
			return nil, nil, &DataError{File: name, Msg: err.Error()}
		}
		if c.NumObs == 0 {
			return nil, nil, &DataError{File: name, Msg: fmt.Sprintf("outcome %q (column %q) has no observed cell", o.Name, o.Count)}
		}
		if o.Binarize {
			c = c.Binarize()
		}
		cs[k] = c
	}
	rd.warnUnobserved()
	return cs, rd.info, nil
}
