package nl630

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/trajkit/trajkit/internal/words"
	"github.com/trajkit/trajkit/mixture"
	"github.com/trajkit/trajkit/trajectory"
	"github.com/trajkit/trajkit/trajectory/careersio"
	"github.com/trajkit/trajkit/trajectory/results"
)

// Settings are the search settings of the reproduction: 1 to 6 groups,
// zero-inflated Poisson with a constant inflation per group, per-group
// orders 0-3 (trajkit select's rule: the lowest BIC, N = persons, among
// adequate models), the default seed; trajkit reproduce's defaults.
func Settings() trajectory.SelectSettings {
	return trajectory.SelectSettings{Distribution: trajectory.ZIP, MinGroups: 1, MaxGroups: 6, MinOrder: 0, MaxOrder: 3, Inflation: []int{0},
		Fit: trajectory.Settings{Search: mixture.Settings{Seed: mixture.DefaultSeed}}}
}

// The committed synthetic cohort as embedded in trajkit (data/nl630):
// its careers, long and wide, and its person file, the reproduction's
// defaults.
const (
	CohortData     = "example:nl630"
	CohortDataWide = "example:nl630-wide"
	CohortPersons  = "example:nl630-persons"
)

// IsCohort reports whether file names the embedded synthetic cohort's
// careers.
func IsCohort(file string) bool { return file == CohortData || file == CohortDataWide }

// DataName says what data a reproduction ran on, for every output that
// shows its figures: "synthetic cohort (example:nl630)" for the embedded
// cohort, so that no table reads as computed from the study's records,
// and otherwise the career file as given.
func DataName(file string) string {
	if IsCohort(file) {
		return "synthetic cohort (" + file + ")"
	}
	return file
}

// Reproduction is the outcome of the reproduction pipeline.
type Reproduction struct {
	// Window is the modelled age window and Careers the careers in it.
	Window  [2]int
	Careers *trajectory.Careers
	// Selection is the model search; Fit its recommended model, groups
	// labelled by shape.
	Selection *trajectory.Selection
	Fit       *trajectory.Fitted
	// Profiles describe the groups by the person file's variables (nil
	// without one); Rows is the published-versus-reproduced table.
	Profiles []careersio.ProfileRow
	Rows     []results.ReproRow
	// Warnings are the data's, the window's and the person file's.
	Warnings []trajectory.Warning
	// Data names the careers (DataName); every row of Rows says it too.
	Data string
}

// Reproduce runs the reproduction on loaded careers (every observed age,
// and the person file with the columns sex and age_first_thb, or none):
// the age window the data support (Window) unless the careers were read
// with one, the model search s, labels by shape (LabelByShape), the group
// profiles and the published-versus-reproduced table, whose rows name the
// data (DataName of the career file). progress, when not nil, is called
// after each candidate model.
func Reproduce(l *careersio.Loaded, s trajectory.SelectSettings, progress func(done int, c *trajectory.Candidate)) (*Reproduction, error) {
	r := &Reproduction{Careers: l.Careers, Warnings: slices.Clone(l.Warnings), Data: DataName(l.Settings.File)}
	if l.Persons == nil {
		r.Warnings = append(r.Warnings, mixture.Warnf(careersio.PersonsUnmatched, nil, "no person file: the rows that need one are not computed"))
	} else if missing := MissingColumns(l.Persons); len(missing) > 0 {
		r.Warnings = append(r.Warnings, mixture.Warnf(careersio.PersonsUnmatched, nil, "the person file lacks %s: the rows that need it are not computed", strings.Join(missing, ", ")))
	}
	if l.Settings.Ages == "" {
		lo, hi := Window(l.Careers)
		var dropped []int
		r.Careers, dropped = l.Careers.Restrict(lo, hi)
		// The window takes care of the sparse ends of the age grid.
		r.Warnings = slices.DeleteFunc(r.Warnings, func(w trajectory.Warning) bool { return w.Kind == trajectory.SparseWindowEnd })
		if len(dropped) > 0 {
			r.Warnings = append(r.Warnings, mixture.Warnf(trajectory.PersonsLeftOut, nil, "%s %s no observed age in %d-%d and %s left out", words.Count(len(dropped), "person"), words.Choose(len(dropped), "has", "have"), lo, hi, words.Choose(len(dropped), "is", "are")))
		}
		s.Fit.Data.Ages = fmt.Sprintf("%d-%d", lo, hi)
	}
	r.Window = [2]int{r.Careers.MinAge, r.Careers.MaxAge()}
	s.Progress = progress
	sel, err := trajectory.Select(r.Careers, s)
	if err != nil {
		return nil, err
	}
	r.Selection = sel
	if sel.Fit == nil {
		return r, fmt.Errorf("no adequate model: %s", sel.Reason)
	}
	r.Fit = sel.Fit
	LabelByShape(r.Fit)
	if l.Persons != nil {
		r.Profiles = careersio.Profiles(l.Persons, r.Fit)
	}
	r.Rows = ReproductionTable(r.Fit, l.Full, l.Persons)
	for j := range r.Rows {
		r.Rows[j].Data = r.Data
	}
	return r, nil
}

// SeedResult is the outcome of the pipeline on one regenerated cohort.
type SeedResult struct {
	Seed uint64
	// Groups is the number of groups recommended; Shares the estimated
	// share of each label; Agreement the share of persons whose label is
	// their true group.
	Groups    int
	Shares    map[string]float64
	Agreement float64
	// Err says why the pipeline gave no model; empty when it did.
	Err string
}

// MaxSeeds bounds the cohorts of a seed study: each is a model search of
// its own, and their results are kept until the study ends.
const MaxSeeds = 10_000

// SeedStudy regenerates the cohort with seeds 1..n and runs the pipeline
// on each (the model search s, on its window, labelled by shape): how
// robust the reproduction is to sampling. Cohorts run in parallel on
// s.Fit.Search.Threads, each fit on one thread; done, when not nil, is
// called as each cohort finishes (from several goroutines at once). n is
// at most MaxSeeds (the command checks --seeds).
func SeedStudy(n int, s trajectory.SelectSettings, done func()) []SeedResult {
	out := make([]SeedResult, n)
	threads := s.Fit.Search.Threads
	s.Fit.Search.Threads = 1
	mixture.ForEach(n, threads, func(j int) {
		out[j] = reproduceSeed(uint64(j+1), s)
		if done != nil {
			done()
		}
	})
	return out
}

func reproduceSeed(seed uint64, s trajectory.SelectSettings) SeedResult {
	r := SeedResult{Seed: seed, Shares: map[string]float64{}, Agreement: math.NaN()}
	sim, err := Simulate(Persons, seed)
	if err != nil {
		r.Err = err.Error()
		return r
	}
	c := sim.Careers
	// The pipeline of Reproduce, on the careers alone.
	rep, err := Reproduce(&careersio.Loaded{Careers: c, Full: c}, s, nil)
	if err != nil {
		r.Err = err.Error()
		return r
	}
	fit := rep.Fit
	r.Groups = len(fit.Groups)
	for _, g := range fit.Groups {
		r.Shares[g.Label] += g.Share
	}
	truth := map[string]string{}
	for i, id := range c.IDs {
		truth[id] = sim.Labels[sim.Groups[i]-1]
	}
	hit := 0
	for i, id := range fit.IDs {
		if fit.Groups[fit.Assigned[i]-1].Label == truth[id] {
			hit++
		}
	}
	r.Agreement = float64(hit) / float64(len(fit.IDs))
	return r
}

// SeedSummary summarises a seed study.
type SeedSummary struct {
	Cohorts, Failed, FourGroups int
	// Within counts, by label, the cohorts whose share is within the
	// published figure's tolerance.
	Within map[string]int
	// Agreement are the cohorts' agreements, sorted.
	Agreement []float64
}

// Summarise counts how often the study picks four groups, how often each
// share is within its published tolerance, and collects the agreements.
func Summarise(rs []SeedResult) SeedSummary {
	sum := SeedSummary{Cohorts: len(rs), Within: map[string]int{}}
	for _, r := range rs {
		if r.Err != "" {
			sum.Failed++
			continue
		}
		if r.Groups == len(Labels) {
			sum.FourGroups++
		}
		for _, l := range Labels {
			if v, ok := r.Shares[l]; ok && Lookup("share-"+l).Within(100*v) {
				sum.Within[l]++
			}
		}
		sum.Agreement = append(sum.Agreement, r.Agreement)
	}
	sort.Float64s(sum.Agreement)
	return sum
}

// SeedsFile is the file of a seed study.
const SeedsFile = "seeds.csv"

// WriteSeeds writes seeds.csv: seed, groups, share_<label> for each label,
// agreement and error, one row per cohort; undefined values are empty.
func WriteSeeds(w io.Writer, rs []SeedResult) error {
	cw := csv.NewWriter(w)
	head := []string{"seed", "groups"}
	for _, l := range Labels {
		head = append(head, "share_"+l)
	}
	cw.Write(append(head, "agreement", "error"))
	for _, r := range rs {
		rec := []string{strconv.FormatUint(r.Seed, 10), strconv.Itoa(r.Groups)}
		for _, l := range Labels {
			v, ok := r.Shares[l]
			if !ok {
				v = math.NaN()
			}
			rec = append(rec, results.FormatFloat(v))
		}
		cw.Write(append(rec, results.FormatFloat(r.Agreement), r.Err))
	}
	cw.Flush()
	return cw.Error()
}
