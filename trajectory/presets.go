package trajectory

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Simulated is a simulated data set: careers, each person's true group,
// and the person-level variables when the generator has any.
type Simulated struct {
	// Careers are the careers drawn: the first outcome's when there are
	// several.
	Careers *Careers
	// Outcomes, when not nil, are the careers of each of several outcomes
	// drawn on the same persons (SimulateMulti), named OutcomeNames;
	// Careers is then Outcomes[0].
	Outcomes     []*Careers
	OutcomeNames []string
	// Groups[i] is the 1-based number of the true group of person i of the
	// careers.
	Groups []int
	// OutcomeGroups, of careers drawn from a dual model (DualTruths), are
	// each person's true group of each outcome (1-based); Groups are then
	// the joint classes. Nil otherwise.
	OutcomeGroups [][]int
	// Labels name the groups; nil means they are numbered 1, 2, ...
	Labels []string
	// Persons holds one row of person-level variables per person, in the
	// careers' order; nil when the generator has none.
	Persons PersonWriter
	// Files are further files of the data set, written beside the careers
	// (study/nl630's outcomes.csv); nil when the generator has none.
	Files []SimulatedFile
}

// SimulatedFile is a further file of a simulated data set: its name in
// the output directory and how to write it.
type SimulatedFile struct {
	Name  string
	Write func(w io.Writer) error
}

// PersonWriter is a simulated table of person-level variables that writes
// itself as CSV, one row per person, the id first.
type PersonWriter interface {
	WriteCSV(w io.Writer) error
}

var errNoPersons = errors.New("simulate: at least one person is needed")

// SimulateTruth draws careers from a truth with a design (see Simulate)
// as a simulated data set with numbered groups.
func SimulateTruth(t Truth, d Design, seed uint64) (*Simulated, error) {
	c, groups, err := Simulate(t, d, seed)
	if err != nil {
		return nil, err
	}
	return &Simulated{Careers: c, Groups: groups}, nil
}

// Preset is a named data-generating setting: a truth with its design, or
// a generator of its own.
type Preset struct {
	Name        string
	Description string
	// Persons and Seed are the defaults when none are given.
	Persons int
	Seed    uint64
	// Generate draws a data set of n persons from the seed; once ctx is
	// cancelled it returns an error that wraps ctx's.
	Generate func(ctx context.Context, n int, seed uint64) (*Simulated, error)
}

// Presets lists the named settings of this package, for `trajkit
// simulate --preset`; a study adds its own (study/nl630.Preset).
var Presets = []Preset{
	{
		Name:        "default",
		Description: "4 groups (40/25/20/15%), ZIP, cubic, ages 12-50; 40% of follow-ups end early, 10% of years with exposure below 1",
		Persons:     1000,
		Seed:        1,
		Generate:    truthPreset(defaultTruth, Design{CensorShare: 0.4, ExposedShare: 0.1}),
	},
	{
		Name:        "scale",
		Description: "the benchmark setting: 5 groups (35/25/18/14/8%), ZIP with constant inflation, cubic, ages 12-50; 50% of follow-ups end early, 10% of years with exposure below 1",
		Persons:     1000000,
		Seed:        1,
		Generate:    truthPreset(scaleTruth, Design{CensorShare: 0.5, ExposedShare: 0.1}),
	},
}

// LookupPreset returns the preset of that name among presets (for
// example Presets and a study's).
func LookupPreset(presets []Preset, name string) (Preset, error) {
	names := make([]string, len(presets))
	for j, p := range presets {
		if p.Name == name {
			return p, nil
		}
		names[j] = p.Name
	}
	return Preset{}, fmt.Errorf("no preset %q: expected one of %s", name, strings.Join(names, ", "))
}

func truthPreset(truth func() Truth, d Design) func(context.Context, int, uint64) (*Simulated, error) {
	return func(ctx context.Context, n int, seed uint64) (*Simulated, error) {
		dn := d // a copy per call: the preset may be used concurrently
		dn.Persons, dn.Context = n, ctx
		return SimulateTruth(truth(), dn, seed)
	}
}

// The preset curves are cubic in a = (age − 31)/19 (ages 12-50 onto
// [−1, 1]), least-squares fits, rounded to two decimals, of the log of
// hand-drawn criminal-career shapes: low-rate (0.03 at 12, 0.12 at 26,
// 0.04 at 50), early peak (1.2 around 18, 0.07 by 40), late peak (1.0 at
// 30), moderate chronic (0.9 at 22-26) and high-rate (2.6 at 22-26; 4.4 in
// the scale preset's chronic group). The inflation logits are constants.
var (
	curveLow      = []float64{-2.2, -0.76, -1.12, 0.88}
	curveEarly    = []float64{-1.19, -3.24, -0.58, 1.91}
	curveLate     = []float64{-0.05, -0.4, -2.34, 1.07}
	curveHigh     = []float64{0.83, -0.97, -0.89, 0.98}
	curveModerate = []float64{-0.26, -0.91, -0.78, 0.95}
	curveChronic  = []float64{1.33, -0.91, -0.81, 1.05}
)

func defaultTruth() Truth {
	return TruthFromCoefficients(WindowScaling(12, 50), 12, 50,
		[]float64{0.40, 0.25, 0.20, 0.15},
		[][]float64{curveLow, curveEarly, curveLate, curveHigh},
		[][]float64{{0}, {-1}, {-1}, {-2}})
}

func scaleTruth() Truth {
	return TruthFromCoefficients(WindowScaling(12, 50), 12, 50,
		[]float64{0.35, 0.25, 0.18, 0.14, 0.08},
		[][]float64{curveLow, curveEarly, curveLate, curveModerate, curveChronic},
		[][]float64{{0.5}, {-1}, {-1}, {-1.5}, {-2.5}})
}
