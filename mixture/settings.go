package mixture

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
)

// The defaults of Settings: each is the one home of its value, used by
// the engine, recorded in the result files and shown as the command's
// flag defaults.
const (
	// DefaultStarts is the number of starts of emEM.
	DefaultStarts = 20
	// DefaultKeep is the number of best starts, after the short runs,
	// that are run to convergence.
	DefaultKeep = 5
	// DefaultShortIterations is the length of the short run from each
	// start.
	DefaultShortIterations = 30
	// DefaultMaxIterations bounds the iterations of one run.
	DefaultMaxIterations = 10000
	// DefaultTolerance bounds the relative change of the log-likelihood
	// between iterations at convergence.
	DefaultTolerance = 1e-10
	// DefaultScoreTolerance bounds the largest score component per person
	// at convergence.
	DefaultScoreTolerance = 1e-5
	// DefaultCollapseShare is the share below which a group counts as
	// collapsed.
	DefaultCollapseShare = 0.005
	// DefaultStartSample bounds the persons of the short runs on large
	// data (see Settings.StartSample).
	DefaultStartSample = 1 << 15
	// DefaultSeed is the seed of the command and of the studies when none
	// is given. Settings.Seed has no default of its own: every seed, 0
	// included, is a seed.
	DefaultSeed = 1
)

// The bounds of Settings, which keep a setting from exhausting memory
// before any work is done (the engine allocates a little for every start
// and starts every goroutine up front).
const (
	// MaxStarts bounds the starts of a fit: far more than any search
	// needs (the default is DefaultStarts), each with at least
	// ShortIterations EM iterations.
	MaxStarts = 100_000
	// MaxThreads bounds the goroutines of a fit; more would buy nothing
	// on any machine.
	MaxThreads = 1024
)

// Settings controls Fit. The zero value gives the documented defaults;
// every field says what its zero value does. The JSON form records the
// settings of a fit (Threads and Context, which never change a result,
// are left out).
type Settings struct {
	// Seed seeds the random starts; the same seed gives the same result.
	Seed uint64 `json:"seed"`
	// Starts is the number of starts, the problem's initial weights and
	// parameters included; the rest are random partitions. Zero means
	// DefaultStarts.
	Starts int `json:"starts"`
	// Keep is the number of best starts, after the short runs, that are
	// run to convergence. Zero means DefaultKeep.
	Keep int `json:"keep"`
	// ConvergeAll runs every start to convergence.
	ConvergeAll bool `json:"converge_all"`
	// Accelerate says whether the runs to convergence use SQUAREM, the
	// squared extrapolation that every two EM iterations tries a longer
	// step along their direction and keeps it only when the
	// log-likelihood does not decrease (Varadhan & Roland 2008). The short
	// runs that rank the starts are plain EM either way, so that the
	// ranking, and the starts kept, do not depend on it. The zero value is
	// the default, SQUAREM (see docs/performance.md for the measurement
	// behind it); PlainEM turns it off.
	Accelerate Acceleration `json:"accelerate"`
	// Tolerance on the relative change of the log-likelihood between
	// iterations, |Δℓ| / |ℓ|. Zero means DefaultTolerance.
	Tolerance float64 `json:"tolerance"`
	// ScoreTolerance on the largest absolute component of the score
	// (gradient of ℓ over all free parameters) divided by the number of
	// persons. Zero means DefaultScoreTolerance.
	ScoreTolerance float64 `json:"score_tolerance"`
	// MaxIterations bounds the iterations of a run. Zero means
	// DefaultMaxIterations.
	MaxIterations int `json:"max_iterations"`
	// ShortIterations is the length of the short run from each start.
	// Zero means DefaultShortIterations.
	ShortIterations int `json:"short_iterations"`
	// CollapseShare is the share below which a group counts as collapsed
	// (Degenerate). Zero means DefaultCollapseShare.
	CollapseShare float64 `json:"collapse_share"`
	// StartSample bounds the persons of the short runs. When there are
	// more than twice as many persons, the short runs from every start
	// work on a systematic sample of about StartSample of them (whole
	// shards spread evenly over the persons, the same for every start);
	// the Keep best then converge on the sample, and each distinct
	// optimum they reach there goes on with all persons from its best
	// run's parameters (see StartReport.Continued): emEM with the search
	// on a sample, which costs a fraction of the same search on all
	// persons while ranking the starts nearly as well (Biernacki, Celeux &
	// Govaert 2003; Wehrens et al. 2004). Zero means DefaultStartSample; a
	// negative value means all persons.
	StartSample int `json:"start_sample"`
	// Threads is the number of goroutines; zero or less means GOMAXPROCS,
	// and more than MaxThreads means MaxThreads. It never changes a
	// result.
	Threads int `json:"-"`
	// Context, when not nil, cancels the fit: every run checks it before
	// each iteration and the M-steps within theirs (see Prior.Fit), and
	// Fit returns an *Interrupted error, which wraps the context's error,
	// once it is done. It lives here rather than in
	// an argument so that it reaches every fit of a model search or a
	// bootstrap that derives its settings from these.
	Context context.Context `json:"-"`
	// Progress, when not nil, is called each time a run from a start ends
	// (never within a run, so the EM iterations cost the same with it),
	// by one goroutine at a time. Like Threads and Context it never
	// changes a result.
	Progress func(Progress) `json:"-"`
}

// Progress is how far a fit's search has got (see Settings.Progress).
type Progress struct {
	// Phase is the phase of the search the run belonged to.
	Phase Phase
	// Done of Total runs of the phase have ended.
	Done, Total int
	// BestLogLik is the highest log-likelihood the phase's runs have
	// reached so far: on the sample's persons in ShortRuns and SampleRuns
	// when the search works on a sample (Settings.StartSample), on all
	// persons otherwise.
	BestLogLik float64
}

// Resolved returns the settings with every zero value replaced by its
// default (nil s: all defaults) and Threads by the number of goroutines
// Fit uses. Keep is at most Starts, and Starts with ConvergeAll.
func (s *Settings) Resolved() Settings { return s.resolve(0) }

// resolve is Resolved with at least minStarts starts: Fit runs every
// start the problem supplies, beyond Settings.Starts.
func (s *Settings) resolve(minStarts int) Settings {
	var d Settings
	if s != nil {
		d = *s
	}
	if d.Starts <= 0 {
		d.Starts = DefaultStarts
	}
	d.Starts = max(d.Starts, minStarts)
	if d.Keep <= 0 {
		d.Keep = DefaultKeep
	}
	if d.ConvergeAll {
		d.Keep = d.Starts
	}
	d.Keep = min(d.Keep, d.Starts)
	if d.StartSample == 0 {
		d.StartSample = DefaultStartSample
	}
	if d.ShortIterations <= 0 {
		d.ShortIterations = DefaultShortIterations
	}
	if d.MaxIterations <= 0 {
		d.MaxIterations = DefaultMaxIterations
	}
	if d.Tolerance <= 0 {
		d.Tolerance = DefaultTolerance
	}
	if d.ScoreTolerance <= 0 {
		d.ScoreTolerance = DefaultScoreTolerance
	}
	if d.Accelerate == AccelerateDefault {
		d.Accelerate = SQUAREM
	}
	if d.CollapseShare <= 0 {
		d.CollapseShare = DefaultCollapseShare
	}
	d.Threads = Threads(d.Threads)
	return d
}

// check reports resolved settings that Fit cannot run with: more than
// MaxStarts starts, or tolerances and a collapse share that are not finite
// numbers in range.
func (s *Settings) check() error {
	if s.Starts > MaxStarts {
		return fmt.Errorf("mixture: %d starts: expected at most %d", s.Starts, MaxStarts)
	}
	for _, t := range []struct {
		name string
		v    float64
	}{{"tolerance", s.Tolerance}, {"score tolerance", s.ScoreTolerance}} {
		if math.IsNaN(t.v) || math.IsInf(t.v, 0) {
			return fmt.Errorf("mixture: %s %v: expected a finite number > 0", t.name, t.v)
		}
	}
	if !(s.CollapseShare < 1) {
		return fmt.Errorf("mixture: collapse share %v: expected a share below 1", s.CollapseShare)
	}
	return nil
}

// Acceleration chooses between SQUAREM and plain EM for the runs to
// convergence (Settings.Accelerate). In JSON it is a boolean: true for
// SQUAREM.
type Acceleration int8

const (
	// AccelerateDefault is the zero value: SQUAREM.
	AccelerateDefault Acceleration = iota
	// SQUAREM accelerates the runs to convergence.
	SQUAREM
	// PlainEM runs plain EM throughout.
	PlainEM
)

// On reports whether a resolves to SQUAREM.
func (a Acceleration) On() bool { return a != PlainEM }

// Accelerated returns SQUAREM for true and PlainEM for false.
func Accelerated(on bool) Acceleration {
	if on {
		return SQUAREM
	}
	return PlainEM
}

func (a Acceleration) MarshalJSON() ([]byte, error) { return json.Marshal(a.On()) }

func (a *Acceleration) UnmarshalJSON(b []byte) error {
	var on bool
	if err := json.Unmarshal(b, &on); err != nil {
		return err
	}
	*a = Accelerated(on)
	return nil
}
