package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/trajkit/trajkit/internal/words"
	"github.com/trajkit/trajkit/trajectory"
	"github.com/trajkit/trajkit/trajectory/results"
	"github.com/trajkit/trajkit/trajectory/study/nl630"
)

const simulateUsageHead = `Usage: trajkit simulate (--model DIR/model.json | --preset NAME) --out DIR [flags]

Draws careers from a fitted model (its curves and shares in model.json) or
from a named preset, and writes into DIR:

  long.csv     id,age,y[,exposure]: one row per person and observed age
  wide.csv     id,y<age>,...[,e<age>,...]: one row per person, empty cells unobserved
  truth.csv    id,group: each person's true group (1-based, or its label)
  persons.csv  person-level variables, when the preset has them (nl630)
  outcomes.csv id,age,thb,other: the careers split into trafficking and
               other cases, when the preset has them (nl630)

The same seed gives byte-identical files. From a model, each person's
group is drawn from the shares, then at each observed age t with exposure
e a structural zero with probability ρ_t of the group's curve, else a
Poisson(e·λ_t) count; persons are observed at every age of the model's
window with exposure 1 unless --censor, --late-start, --exposed or --holes
say otherwise. A preset fixes its own design.

From a multi-trajectory model (fit --outcomes) every outcome is drawn on
the same persons, ages and exposures, each person's group shared: long.csv
then has one count column per outcome (id,age,a,b,...[,exposure]), for fit
--outcomes to read back, and there is no wide.csv. From a dual model (fit
--dual) each person's pair of groups is drawn from the joint probabilities
π(k1, k2) and each outcome's counts from its group's curve, written the
same way; truth.csv is then id,group_A,group_B, assignments.csv's groups.

Presets:
`

const simulateUsageTail = `
Examples:
  trajkit simulate --preset default --persons 2000 --seed 7 --out sim
  trajkit simulate --preset nl630 --out nl630
  trajkit simulate --preset scale --persons 20000 --seed 3 --out bench
  trajkit simulate --model result/model.json --persons 5000 --censor 0.3 --out resim

Read them back with, for example:
  trajkit fit --data sim/long.csv --exposure exposure --groups 4 --dist zip
  trajkit fit --data nl630/long.csv --ages 12-40 --groups 4 --dist zip
`

// presets are the named settings of simulate: the model package's and the
// study's.
var presets = append(slices.Clone(trajectory.Presets), nl630.Preset)

var simulateUsage = func() string {
	var b strings.Builder
	b.WriteString(simulateUsageHead)
	for _, p := range presets {
		fmt.Fprintf(&b, "  %-8s %s\n", p.Name, wrap(p.Description, 66, "           "))
		fmt.Fprintf(&b, "           default %d persons, seed %d\n", p.Persons, p.Seed)
	}
	b.WriteString(simulateUsageTail)
	return b.String()
}()

type simulateFlags struct {
	model, preset, out                string
	persons                           int
	seed                              uint64
	censor, lateStart, exposed, holes float64
}

func (f *simulateFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.model, "model", "", "draw from a fitted model: model.json (or the directory holding it) written by trajkit fit --out")
	fs.StringVar(&f.preset, "preset", "", "draw from a named preset: "+presetNames())
	fs.IntVar(&f.persons, "persons", 0, "number of persons (default: the preset's; 1000 with --model)")
	fs.Uint64Var(&f.seed, "seed", 0, "seed; the same seed gives the same files (default: the preset's; 1 with --model)")
	fs.StringVar(&f.out, "out", "", "directory for the files (required; created if missing)")
	fs.Float64Var(&f.censor, "censor", 0, "with --model: share of persons whose follow-up ends early, at an age drawn over the window's second half")
	fs.Float64Var(&f.lateStart, "late-start", 0, "with --model: share of persons first observed at an age drawn over the window's first quarter")
	fs.Float64Var(&f.exposed, "exposed", 0, "with --model: share of observed years with exposure below 1, drawn uniformly on (0.05, 1); writes an exposure column")
	fs.Float64Var(&f.holes, "holes", 0, "with --model: share of years inside a follow-up left unobserved")
}

// wrap breaks text into lines of at most width characters, indenting the
// lines after the first.
func wrap(text string, width int, indent string) string {
	var b strings.Builder
	n := 0
	for j, w := range strings.Fields(text) {
		if j > 0 && n+1+len(w) > width {
			b.WriteString("\n" + indent)
			n = 0
		} else if j > 0 {
			b.WriteByte(' ')
			n++
		}
		b.WriteString(w)
		n += len(w)
	}
	return b.String()
}

func presetNames() string {
	names := make([]string, len(presets))
	for j, p := range presets {
		names[j] = p.Name
	}
	return strings.Join(names, ", ")
}

// check validates the flags before any work is done.
func (f *simulateFlags) check(fs *flag.FlagSet) error {
	set := setFlags(fs)
	switch {
	case f.model == "" && f.preset == "":
		return usagef("give --model FILE or --preset NAME (%s)", presetNames())
	case f.model != "" && f.preset != "":
		return usagef("give --model or --preset, not both")
	case f.out == "":
		return usagef("--out is required: the directory for long.csv, wide.csv and truth.csv")
	case set["persons"] && (f.persons < 1 || f.persons > trajectory.MaxPersons):
		return usagef("--persons: expected a number of persons from 1 to %d, got %d", trajectory.MaxPersons, f.persons)
	}
	if f.preset != "" {
		p, err := trajectory.LookupPreset(presets, f.preset)
		if err != nil {
			return usagef("--preset: %v", err)
		}
		for _, name := range []string{"censor", "late-start", "exposed", "holes"} {
			if set[name] {
				return usagef("--%s goes with --model: preset %s fixes its own design", name, p.Name)
			}
		}
		if !set["persons"] {
			f.persons = p.Persons
		}
		if !set["seed"] {
			f.seed = p.Seed
		}
	} else {
		if !set["persons"] {
			f.persons = 1000
		}
		if !set["seed"] {
			f.seed = 1
		}
		for _, s := range []struct {
			name string
			v    float64
		}{{"censor", f.censor}, {"late-start", f.lateStart}, {"exposed", f.exposed}, {"holes", f.holes}} {
			if !(s.v >= 0 && s.v <= 1) {
				return usagef("--%s %v: expected a share between 0 and 1", s.name, s.v)
			}
		}
	}
	return checkOut(f.out)
}

func runSimulate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("simulate", flag.ContinueOnError)
	var f simulateFlags
	f.register(fs)
	if err := parseFlags(fs, simulateUsage, args, stdout); err != nil {
		return err
	}
	if err := f.check(fs); err != nil {
		return err
	}
	out, err := beginOut(ctx, f.out, "simulate", args)
	if err != nil {
		return err
	}
	defer out.Abort()
	var (
		s      *trajectory.Simulated
		source string
	)
	if f.preset != "" {
		p, _ := trajectory.LookupPreset(presets, f.preset)
		var err error
		if s, err = p.Generate(ctx, f.persons, f.seed); err != nil {
			return err
		}
		source = "preset " + p.Name
	} else {
		m, err := results.ReadModel(f.model)
		if err != nil {
			return err
		}
		path := results.ModelPath(f.model)
		if m.Attrition != nil {
			fmt.Fprintf(stderr, "trajkit: warning: %s has a dropout model; the careers are drawn from its curves and shares at the window's start, without its dropout\n", path)
		}
		if m.Covariates != nil {
			fmt.Fprintf(stderr, "trajkit: warning: %s has covariates; the careers are drawn from its curves and estimated shares, without the covariates\n", path)
		}
		d := trajectory.Design{Persons: f.persons, CensorShare: f.censor, LateStartShare: f.lateStart, ExposedShare: f.exposed, HoleShare: f.holes, Context: ctx}
		switch {
		case m.IsDual():
			s, err = simulateDual(m, d, f.seed)
		case m.IsMulti():
			s, err = simulateMulti(m, d, f.seed)
		default:
			s, err = trajectory.SimulateTruth(trajectory.TruthFromFit(m), d, f.seed)
		}
		if err != nil {
			return fmt.Errorf("%s: %v", path, err)
		}
		source = path
	}
	if err := results.WriteSimulated(out, s); err != nil {
		return err
	}
	c, of := s.Careers, ""
	if s.Outcomes != nil {
		of = fmt.Sprintf(" of %s (%s)", words.Count(len(s.Outcomes), "outcome"), strings.Join(s.OutcomeNames, ", "))
	}
	fmt.Fprintf(stdout, "Simulated %s%s, ages %d-%d, from %s with seed %d\n", words.Count(c.Len(), "career"), of, c.MinAge, c.MaxAge(), source, f.seed)
	if s.OutcomeGroups != nil {
		fmt.Fprintf(stdout, "True pairs of groups (%s, %s):%s\n", s.OutcomeNames[0], s.OutcomeNames[1], groupCounts(s))
	} else {
		fmt.Fprintf(stdout, "True groups:%s\n", groupCounts(s))
	}
	return commitOut(out, stdout)
}

// simulateMulti draws the careers of every outcome of a multi-trajectory
// model on the same persons, each from the outcome's curves and the
// shared groups.
func simulateMulti(m *trajectory.Fitted, d trajectory.Design, seed uint64) (*trajectory.Simulated, error) {
	ts := make([]trajectory.Truth, len(m.Outcomes))
	names := make([]string, len(m.Outcomes))
	for o := range m.Outcomes {
		ts[o], names[o] = trajectory.TruthFromFit(m.Outcome(o)), m.Outcomes[o].Name
	}
	cs, groups, err := trajectory.SimulateMulti(ts, d, seed)
	if err != nil {
		return nil, err
	}
	return &trajectory.Simulated{Careers: cs[0], Outcomes: cs, OutcomeNames: names, Groups: groups}, nil
}

// simulateDual draws the careers of both outcomes of a dual model on the
// same persons: each person's pair of groups from the joint
// probabilities π(k1, k2), then each outcome's counts from its group's
// curve (trajectory.Fitted.DualTruths).
func simulateDual(m *trajectory.Fitted, d trajectory.Design, seed uint64) (*trajectory.Simulated, error) {
	cs, classes, err := trajectory.SimulateMulti(m.DualTruths(), d, seed)
	if err != nil {
		return nil, err
	}
	k2 := len(m.Outcomes[1].Groups)
	s := &trajectory.Simulated{Careers: cs[0], Outcomes: cs, OutcomeNames: []string{m.Outcomes[0].Name, m.Outcomes[1].Name}, Groups: classes,
		OutcomeGroups: [][]int{make([]int, len(classes)), make([]int, len(classes))}}
	for i, c := range classes {
		s.OutcomeGroups[0][i], s.OutcomeGroups[1][i] = (c-1)/k2+1, (c-1)%k2+1
	}
	for c := range m.Groups {
		s.Labels = append(s.Labels, fmt.Sprintf("(%d,%d)", c/k2+1, c%k2+1))
	}
	return s, nil
}

// groupCounts lists the number of persons in each true group.
func groupCounts(s *trajectory.Simulated) string {
	k := slices.Max(s.Groups)
	if s.Labels != nil {
		k = len(s.Labels)
	}
	n := make([]int, k)
	for _, g := range s.Groups {
		n[g-1]++
	}
	var b strings.Builder
	for j, v := range n {
		name := fmt.Sprint(j + 1)
		if s.Labels != nil {
			name = s.Labels[j]
		}
		fmt.Fprintf(&b, " %s %d (%.1f%%)", name, v, 100*float64(v)/float64(len(s.Groups)))
	}
	return b.String()
}
