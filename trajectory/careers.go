package trajectory

import (
	"math"

	"github.com/trajkit/trajkit/internal/words"
	"github.com/trajkit/trajkit/mixture"
)

// Careers is the sparse store of offending careers that the trajectory
// families work on. Person i is observed over a window of ages
// [Lo[i], Hi[i]] (indices into the age grid MinAge, MinAge+1, ...). Inside
// the window every age counts as observed with count 0 and exposure 1,
// except the person's special cells, which are listed explicitly:
//
//   - a positive count (or, for real-valued careers, a value other than 0),
//   - an exposure other than 1,
//   - an age inside the window that was not observed (exposure 0, count 0).
//
// So the cost of anything computed from Careers is proportional to persons
// plus special cells, not to persons x ages.
//
// The special cells of person i are Start[i] ≤ c < Start[i+1], ordered by
// age.
//
// Careers are not changed once built: the methods that derive careers
// (Restrict, Subset, WithTcov, FloorExposure) return new ones, which may
// share storage with their source. CareerBuilder builds them.
type Careers struct {
	// IDs are the persons' identifiers, as given, in order of first
	// appearance in the input.
	IDs []string
	// MinAge is the age of grid index 0; NumAges the length of the grid.
	MinAge, NumAges int
	// Lo and Hi are the first and last observed age index of each person.
	Lo, Hi []uint8
	// Start indexes the special cells of each person; len(Start) = N+1.
	Start []int32
	// Age, Y and E describe the special cells: age index, count, and
	// exposure. E is nil when every observed exposure is 1; then a cell
	// with Y = 0 is an unobserved age. Otherwise E = 0 marks an unobserved
	// age.
	Age []uint8
	Y   []uint32
	E   []float64
	// V holds the real values of the special cells of real-valued careers
	// (the censored normal's scales, negatives allowed), nil for counts.
	// Real-valued careers have Y all 0 and always keep E (1 for an
	// observed cell, 0 for an unobserved age), so that an unobserved age
	// and an observed value 0 differ; an observed age that is not listed
	// has the value 0.
	V []float64
	// Const[i] = Σ_cells y log e − log y!, the part of person i's
	// log-likelihood that does not depend on any parameter. It is 0 for
	// real-valued careers: which of their cells are censored, and so the
	// constant −½ log 2π of each uncensored one, depends on the model's
	// censoring points, and the censored normal family adds it itself.
	Const []float64
	// NumObs is the number of observed person-age cells.
	NumObs int
	// Time-varying covariates, nil without them (see WithTcov): TcovNames
	// names them, Patterns holds their distinct value vectors (Patterns[0]
	// is all zeros) and Pattern[k] is the pattern of special cell k. An
	// observed cell whose covariates are not all zero is a special cell.
	TcovNames []string
	Patterns  [][]float64
	Pattern   []uint32
}

// Len returns the number of persons.
func (c *Careers) Len() int { return len(c.Lo) }

// Real reports whether the careers hold real values (V) rather than
// counts.
func (c *Careers) Real() bool { return c.V != nil }

// Value returns the value of special cell k: its count, or its real value
// for real-valued careers.
func (c *Careers) Value(k int32) float64 {
	if c.V != nil {
		return c.V[k]
	}
	return float64(c.Y[k])
}

// MaxAge returns the last age of the grid.
func (c *Careers) MaxAge() int { return c.MinAge + c.NumAges - 1 }

// Cell is one observed or unobserved person-age cell.
type Cell struct {
	Age      int     // age in years
	Y        int     // count (0 for real-valued careers)
	Value    float64 // the count, or the real value of real-valued careers
	Exposure float64 // time at risk; 0 for an unobserved age inside the window
}

// Cells calls fn for every age of person i's window in order, observed or
// not. It is meant for output and tests, not for hot loops.
func (c *Careers) Cells(i int, fn func(Cell)) {
	cell := c.Start[i]
	for t := int(c.Lo[i]); t <= int(c.Hi[i]); t++ {
		x := Cell{Age: c.MinAge + t, Exposure: 1}
		if cell < c.Start[i+1] && int(c.Age[cell]) == t {
			x.Y = int(c.Y[cell])
			x.Value = c.Value(cell)
			switch {
			case c.E != nil:
				x.Exposure = c.E[cell]
			case x.Y == 0:
				x.Exposure = 0
			}
			cell++
		}
		fn(x)
	}
}

// Exposure returns the exposure of special cell k: 0 for an unobserved
// age inside the window.
func (c *Careers) Exposure(k int32) float64 {
	if c.E != nil {
		return c.E[k]
	}
	if c.Y[k] == 0 {
		return 0
	}
	return 1
}

// Restrict returns the careers restricted to ages lo..hi (inclusive), and
// the indices (into c) of the persons who have no observed age there and
// are therefore left out.
func (c *Careers) Restrict(lo, hi int) (*Careers, []int) {
	b := NewCareerBuilder()
	if c.Real() {
		b.SetReal()
	}
	var dropped, kept []int
	for i := 0; i < c.Len(); i++ {
		pi := -1
		c.Cells(i, func(x Cell) {
			if x.Age < lo || x.Age > hi || x.Exposure == 0 {
				return
			}
			if pi < 0 {
				pi = b.Person(c.IDs[i])
			}
			b.mustAddCell(pi, x)
		})
		if pi < 0 {
			dropped = append(dropped, i)
		} else {
			kept = append(kept, i)
		}
	}
	out, err := b.Build(c.E != nil)
	if err != nil {
		panic("trajectory: restricting valid careers failed: " + err.Error())
	}
	return c.carryTcov(out, func(j int) int { return kept[j] }), dropped
}

// RestrictOutcomes restricts the careers of several outcomes of the same
// persons to ages lo..hi together: a person observed there in any outcome
// stays in every one (without an observed age in those where she has
// none, see CareerBuilder.KeepUnobserved), and all keep one age grid. It
// returns the careers and the indices of the persons left out, observed
// in no outcome there.
func RestrictOutcomes(cs []*Careers, lo, hi int) ([]*Careers, []int) {
	n := cs[0].Len()
	observed := make([]bool, n)
	first, last := hi+1, lo-1 // the ages observed in any outcome
	for _, c := range cs {
		for i := range n {
			c.Cells(i, func(x Cell) {
				if x.Age >= lo && x.Age <= hi && x.Exposure != 0 {
					observed[i] = true
					first, last = min(first, x.Age), max(last, x.Age)
				}
			})
		}
	}
	var kept, dropped []int
	for i, ok := range observed {
		if ok {
			kept = append(kept, i)
		} else {
			dropped = append(dropped, i)
		}
	}
	out := make([]*Careers, len(cs))
	for o, c := range cs {
		b := NewCareerBuilder()
		if c.Real() {
			b.SetReal()
		}
		if len(kept) > 0 {
			b.Span(first, last)
		}
		for _, i := range kept {
			pi := b.Person(c.IDs[i])
			b.KeepUnobserved(pi)
			c.Cells(i, func(x Cell) {
				if x.Age >= lo && x.Age <= hi && x.Exposure != 0 {
					b.mustAddCell(pi, x)
				}
			})
		}
		r, err := b.Build(c.E != nil)
		if err != nil {
			panic("trajectory: restricting valid careers failed: " + err.Error())
		}
		out[o] = c.carryTcov(r, func(j int) int { return kept[j] })
	}
	return out, dropped
}

// ObservedByAge returns, for each age of the grid, the number of persons
// observed at that age.
func (c *Careers) ObservedByAge() []int {
	diff := make([]int, c.NumAges+1)
	for i := 0; i < c.Len(); i++ {
		diff[c.Lo[i]]++
		diff[int(c.Hi[i])+1]--
		for k := c.Start[i]; k < c.Start[i+1]; k++ {
			if c.Exposure(k) == 0 {
				diff[c.Age[k]]--
				diff[int(c.Age[k])+1]++
			}
		}
	}
	out := make([]int, c.NumAges)
	run := 0
	for t := range out {
		run += diff[t]
		out[t] = run
	}
	return out
}

// SupportMinPersons returns the number of persons that should be observed
// at the ends of a modelled window: 10, or 1% of the persons if more.
func SupportMinPersons(n int) int {
	return max(10, (n+99)/100)
}

// ObservedWindow returns the ages from the first to the last at which at
// least need persons are observed (obs is ObservedByAge); ok is false when
// no age has that many.
func (c *Careers) ObservedWindow(obs []int, need int) (lo, hi int, ok bool) {
	a, b := 0, c.NumAges-1
	for a < c.NumAges && obs[a] < need {
		a++
	}
	for b >= 0 && obs[b] < need {
		b--
	}
	return c.MinAge + a, c.MinAge + b, a <= b
}

// WindowWarnings warns, with kind SparseWindowEnd, about each end of the
// careers' age grid where fewer than SupportMinPersons are observed: a
// polynomial fitted through a handful of careers can explode there.
func WindowWarnings(c *Careers) []Warning {
	obs := c.ObservedByAge()
	need := SupportMinPersons(c.Len())
	lo, hi, ok := c.ObservedWindow(obs, need)
	if !ok {
		return []Warning{mixture.Warnf(SparseWindowEnd, nil, "no age has %s observed: the data are too sparse for a trajectory model", words.Count(need, "person"))}
	}
	var w []Warning
	for _, end := range []struct {
		age, obs int
		which    string
	}{{c.MinAge, obs[0], "youngest"}, {c.MaxAge(), obs[c.NumAges-1], "oldest"}} {
		if end.obs < need {
			w = append(w, mixture.Warnf(SparseWindowEnd, nil, "only %s %s observed at age %d, the %s age: a polynomial through so few careers can explode there; ages %d-%d have at least %s observed",
				words.Count(end.obs, "person"), words.Choose(end.obs, "is", "are"), end.age, end.which, lo, hi, words.Count(need, "person")))
		}
	}
	return w
}

// Binarize returns the careers with every count above 1 made 1: whether
// the person offended at the age, the outcome of the binary distributions
// (logit, cloglog). Persons, ages, exposures and covariates are the same.
func (c *Careers) Binarize() *Careers {
	out := *c
	out.Y = make([]uint32, len(c.Y))
	out.Const = make([]float64, len(c.Const))
	for i := 0; i < c.Len(); i++ {
		for k := c.Start[i]; k < c.Start[i+1]; k++ {
			if c.Y[k] > 0 {
				out.Y[k] = 1
				out.Const[i] += math.Log(c.Exposure(k)) // y log e − log y! with y = 1
			}
		}
	}
	return &out
}
