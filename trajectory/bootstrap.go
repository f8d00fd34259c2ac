package trajectory

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"sync"
	"time"

	"github.com/trajkit/trajkit/internal/words"
	"github.com/trajkit/trajkit/mixture"
)

// Bootstrap types.
const (
	// PersonBootstrap resamples persons with replacement (nonparametric).
	PersonBootstrap = "person"
	// ParametricBootstrap simulates new counts from the fit on each
	// person's observed ages and exposures.
	ParametricBootstrap = "parametric"
)

// MaxReplicates bounds the replicates of a bootstrap: far more than
// percentile intervals need (a thousand or two), and few enough that the
// replicates' curves, which Bootstrap keeps until the intervals are taken,
// fit in memory.
const MaxReplicates = 10_000

// BootstrapSettings control Bootstrap.
type BootstrapSettings struct {
	Replicates int
	// Type is PersonBootstrap (default when empty) or ParametricBootstrap.
	Type string
	// Seed seeds the resampling; zero means the fit's search seed.
	Seed uint64
	// Progress, when not nil, is called after each replicate ends,
	// failed or not, with the replicates done of all, by one goroutine at
	// a time. (The replicates' own fits report nothing: their
	// Search.Progress is cleared.)
	Progress func(done, total int)
}

// Bootstrap refits the model on B resampled data sets, each warm-started
// from the fit (and from the deterministic start by mean rate), matches
// each replicate's groups to the fit's by their curves, and sets 95%
// percentile intervals of the shares (Group.ShareCIBoot) and of the
// expected counts (CurvePoint.MeanLoBoot, MeanHiBoot). Replicates that fail
// or end degenerate or unconverged are left out and counted. It records a
// report in f.BootstrapReport. With sampling weights (s.Weights) the
// person bootstrap draws persons with equal probability, each with her
// weight attached, and the parametric one keeps each person's weight for
// the careers simulated in her place.
//
// s are the settings the fit was run with: each replicate's fit derives
// its settings from them (two starts, one thread each, no standard
// errors), so SQUAREM, the search on a sample and the context reach every
// replicate, and the replicates run in parallel on s.Search.Threads. Once
// the context is cancelled no replicate starts, those under way stop
// within an EM iteration, and Bootstrap returns an error that wraps the
// context's, leaving f as it was.
//
// A multi-trajectory model (FitMulti) or a dual one (FitDual) is
// bootstrapped by BootstrapMulti, which takes every outcome's careers.
func (f *Fitted) Bootstrap(c *Careers, s *Settings, b BootstrapSettings) error {
	if f.IsMulti() {
		return fmt.Errorf("bootstrap: a model of %s: use BootstrapMulti with the careers of each", words.Count(len(f.Outcomes), "outcome"))
	}
	return f.bootstrap([]*Careers{c}, s, b)
}

// BootstrapMulti is Bootstrap of a multi-trajectory model (FitMulti),
// given the careers of each outcome (cs[o] those of f.Outcomes[o], as
// fitted). The person bootstrap draws persons and takes each drawn
// person's careers in every outcome; the parametric one draws each
// person's group from the fit once and then every outcome's counts given
// it, on the person's observed ages and exposures in that outcome. Each
// replicate is refitted by FitMulti, and its groups are matched to the
// fit's by the curves of all outcomes together. The intervals are those
// of the shares (f.Groups) and of every outcome's curves
// (f.Outcomes[o].Groups). A dual model (FitDual) is bootstrapped in the
// same two ways, the parametric bootstrap drawing each person's pair of
// groups, refitted by FitDual with each outcome's groups matched to the
// fit's separately; it adds intervals of each outcome's shares and of the
// transition tables (bootstrapDual).
func (f *Fitted) BootstrapMulti(cs []*Careers, s *Settings, b BootstrapSettings) error {
	if !f.IsMulti() && !f.IsDual() {
		if len(cs) != 1 {
			return fmt.Errorf("bootstrap: a model of one outcome and careers of %d", len(cs))
		}
		return f.bootstrap(cs, s, b)
	}
	if len(cs) != len(f.Outcomes) {
		return fmt.Errorf("bootstrap: a model of %s and careers of %d", words.Count(len(f.Outcomes), "outcome"), len(cs))
	}
	for o, c := range cs {
		if c.Len() != cs[0].Len() {
			return fmt.Errorf("bootstrap: outcome %s has %s, outcome %s %d", f.Outcomes[o].Name, words.Count(c.Len(), "person"), f.Outcomes[0].Name, cs[0].Len())
		}
	}
	return f.bootstrap(cs, s, b)
}

// bootstrap is Bootstrap and BootstrapMulti: cs are the careers of each
// outcome, one for a model of one outcome.
func (f *Fitted) bootstrap(cs []*Careers, s *Settings, b BootstrapSettings) error {
	if b.Replicates < 1 || b.Replicates > MaxReplicates {
		return fmt.Errorf("bootstrap: %d replicates: expected 1 to %d", b.Replicates, MaxReplicates)
	}
	if b.Type == "" {
		b.Type = PersonBootstrap
	}
	if b.Type != PersonBootstrap && b.Type != ParametricBootstrap {
		return fmt.Errorf("bootstrap: unknown type %q: expected person or parametric", b.Type)
	}
	if b.Type == ParametricBootstrap && f.TcovNames() != nil {
		return errors.New("bootstrap: the parametric bootstrap does not simulate time-varying covariates yet: use the person bootstrap")
	}
	if f.IsDual() {
		return f.bootstrapDual(cs, s, b)
	}
	views := f.views()
	truths := make([]Truth, len(views))
	for o, v := range views {
		truths[o] = v.truth()
		if b.Type == ParametricBootstrap {
			if err := truths[o].checkMeans(cs[o].maxExposure()); err != nil {
				if f.IsMulti() {
					return fmt.Errorf("bootstrap: outcome %s: %v", f.Outcomes[o].Name, err)
				}
				return fmt.Errorf("bootstrap: %v", err)
			}
		}
	}
	start := time.Now()
	k := len(f.Groups)
	type replicate struct {
		ok, relabelled bool
		shares         []float64
		means          [][][]float64 // outcomes x K x ages
	}
	reps := make([]replicate, b.Replicates)
	// Each person's membership probabilities (all alike without risk
	// factors), for the parametric bootstrap.
	memb := f.membershipsOf(cs)
	if s == nil {
		s = &Settings{}
	}
	if b.Seed == 0 {
		b.Seed = f.Settings.Seed
	}
	orig := make([][]Group, len(views))
	for o := range views {
		orig[o] = f.trajectoryGroups(o)
	}
	ctx := s.context()
	forReplicates(ctx, b, s.Search.Threads, func(r int, seed uint64) {
		data, rs := f.replicate(s, b.Type, cs, truths, memb, seed)
		var rf *Fitted
		var err error
		if f.IsMulti() {
			outs := make([]Outcome, len(views))
			for o, v := range views {
				outs[o] = Outcome{Name: f.Outcomes[o].Name, Exposure: f.Outcomes[o].Exposure, Careers: data[o], Model: v.Model()}
			}
			rf, err = FitMulti(outs, rs)
		} else {
			rf, err = Fit(data[0], f.Model(), rs)
		}
		if err != nil || rf.Status != mixture.Converged || len(rf.Groups) != k {
			return
		}
		got := make([][]Group, len(views))
		for o := range views {
			got[o] = rf.trajectoryGroups(o)
		}
		perm := matchOutcomeGroups(orig, got)
		rep := replicate{ok: true, shares: make([]float64, k), means: make([][][]float64, len(views))}
		for o := range views {
			rep.means[o] = make([][]float64, k)
		}
		for j, from := range perm {
			rep.relabelled = rep.relabelled || from != j
			rep.shares[j] = rf.Groups[from].Share
			for o := range views {
				rep.means[o][j] = make([]float64, len(got[o][from].Curve))
				for t, p := range got[o][from].Curve {
					rep.means[o][j][t] = p.Mean
				}
			}
		}
		reps[r] = rep
	})
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("bootstrap interrupted: %w", err)
	}
	good := tally(f, b, start, reps, func(r replicate) (bool, bool) { return r.ok, r.relabelled })
	if good == nil {
		return nil
	}
	vals := make([]float64, len(good))
	for j := range f.Groups {
		for r, rep := range good {
			vals[r] = rep.shares[j]
		}
		f.Groups[j].ShareCIBoot = percentiles(vals)
		for o := range orig {
			g := &orig[o][j]
			for t := range g.Curve {
				for r, rep := range good {
					vals[r] = rep.means[o][j][t]
				}
				ci := percentiles(vals)
				g.Curve[t].MeanLoBoot, g.Curve[t].MeanHiBoot = Float(ci[0]), Float(ci[1])
			}
		}
	}
	return nil
}

// percentiles returns the 2.5% and 97.5% quantiles of v (linear
// interpolation between order statistics, R's type 7). It sorts v.
func percentiles(v []float64) Interval {
	sort.Float64s(v)
	q := func(p float64) float64 {
		h := p * float64(len(v)-1)
		lo := math.Floor(h)
		if int(lo) >= len(v)-1 {
			return v[len(v)-1]
		}
		return v[int(lo)] + (h-lo)*(v[int(lo)+1]-v[int(lo)])
	}
	return Interval{q(0.025), q(0.975)}
}

// matchGroups returns perm with perm[j] = the index in rep of the group
// that matches orig's group j: the assignment minimising the summed squared
// differences of the log expected counts over the window (of the expected
// values themselves for the censored normal, which may be negative;
// exhaustively for up to 8 groups, greedily beyond).
func matchGroups(orig, rep []Group) []int {
	return matchOutcomeGroups([][]Group{orig}, [][]Group{rep})
}

// matchOutcomeGroups is matchGroups over several outcomes (orig[o] and
// rep[o] the groups of outcome o): the squared differences are summed over
// the outcomes' curves.
func matchOutcomeGroups(orig, rep [][]Group) []int {
	k := len(orig[0])
	cost := make([][]float64, k)
	for a := range cost {
		cost[a] = make([]float64, k)
		for b := range cost[a] {
			var s float64
			for o := range orig {
				for t := range orig[o][a].Curve {
					d := matchScale(orig[o][a], t) - matchScale(rep[o][b], t)
					s += d * d
				}
			}
			cost[a][b] = s
		}
	}
	perm := make([]int, k)
	for j := range perm {
		perm[j] = j
	}
	if k > 8 {
		used := make([]bool, k)
		for a := 0; a < k; a++ {
			best := -1
			for b := 0; b < k; b++ {
				if !used[b] && (best < 0 || cost[a][b] < cost[a][best]) {
					best = b
				}
			}
			used[best] = true
			perm[a] = best
		}
		return perm
	}
	best := append([]int(nil), perm...)
	bestCost := math.Inf(1)
	var walk func(j int, sum float64)
	walk = func(j int, sum float64) {
		if sum >= bestCost {
			return
		}
		if j == k {
			bestCost = sum
			copy(best, perm)
			return
		}
		for m := j; m < k; m++ {
			perm[j], perm[m] = perm[m], perm[j]
			walk(j+1, sum+cost[j][perm[j]])
			perm[j], perm[m] = perm[m], perm[j]
		}
	}
	walk(0, 0)
	return best
}

// matchScale is the scale on which matchGroups compares group g's curves
// at age index t: log expected counts, or a censored normal's expected
// value.
func matchScale(g Group, t int) float64 {
	if g.Sigma != nil {
		return g.Curve[t].Mean
	}
	return math.Log(g.Curve[t].Mean + 1e-12)
}

// truth returns the fitted curves and shares as a data-generating model.
func (f *Fitted) truth() Truth { return TruthFromFit(f) }

// engineParams returns the fit's parameters as the engine takes them for a
// warm start: with risk factors the engine's reference is the last group
// (of a dual model, A's last group), so the coefficients are re-expressed
// against it.
func (f *Fitted) engineParams() []float64 {
	params := f.Params()
	if f.Risk() == nil {
		return params
	}
	groups := f.Groups
	if f.IsDual() {
		groups = f.Outcomes[0].Groups
	}
	k := len(groups)
	last := groups[k-1].MembershipCoef.Values
	var out []float64
	for j := 0; j < k-1; j++ {
		for a, v := range groups[j].MembershipCoef.Values {
			out = append(out, v-last[a])
		}
	}
	return append(out, params[(k-1)*len(last):]...)
}

// memberships returns each person's membership probabilities (K x N).
func (f *Fitted) memberships(c *Careers) [][]float64 { return f.membershipsOf([]*Careers{c}) }

// membershipsOf is memberships given the careers of each outcome.
func (f *Fitted) membershipsOf(cs []*Careers) [][]float64 {
	k, n := len(f.Groups), cs[0].Len()
	lp := make([][]float64, k)
	for j := range lp {
		lp[j] = make([]float64, n)
	}
	_, prior, _, _ := f.components(cs, f.riskX())
	prior.AddLogPrior(lp, 0, n)
	for j := range lp {
		for i, v := range lp[j] {
			lp[j][i] = math.Exp(v)
		}
	}
	return lp
}

// Subset returns the careers of persons idx (repeats allowed), in that
// order, on the same age grid (so that curves and coefficients mean the
// same) and sharing no storage with c; a repeated person gets the id
// "id#2", "id#3", ....
func (c *Careers) Subset(idx []int) *Careers { return c.subset(idx) }

func (c *Careers) subset(idx []int) *Careers {
	out := &Careers{MinAge: c.MinAge, NumAges: c.NumAges, TcovNames: c.TcovNames, Patterns: c.Patterns,
		IDs: make([]string, len(idx)), Lo: make([]uint8, len(idx)), Hi: make([]uint8, len(idx)),
		Start: make([]int32, len(idx)+1), Const: make([]float64, len(idx))}
	if c.V != nil {
		out.V = []float64{} // real-valued even without a special cell
	}
	seen := map[int]int{}
	for j, i := range idx {
		seen[i]++
		out.IDs[j] = c.IDs[i]
		if seen[i] > 1 {
			out.IDs[j] = fmt.Sprintf("%s#%d", c.IDs[i], seen[i])
		}
		out.Lo[j], out.Hi[j], out.Const[j] = c.Lo[i], c.Hi[i], c.Const[i]
		from, to := c.Start[i], c.Start[i+1]
		out.Age = append(out.Age, c.Age[from:to]...)
		out.Y = append(out.Y, c.Y[from:to]...)
		if c.E != nil {
			out.E = append(out.E, c.E[from:to]...)
		}
		if c.V != nil {
			out.V = append(out.V, c.V[from:to]...)
		}
		if c.Pattern != nil {
			out.Pattern = append(out.Pattern, c.Pattern[from:to]...)
		}
		out.Start[j+1] = int32(len(out.Age))
		out.NumObs += int(c.Hi[i]) - int(c.Lo[i]) + 1
		for k := from; k < to; k++ {
			if c.Exposure(k) == 0 {
				out.NumObs--
			}
		}
	}
	return out
}

// maxExposure returns the largest exposure of an observed cell: 1 when
// every exposure is 1 (an observed cell not listed has exposure 1).
func (c *Careers) maxExposure() float64 {
	m := 1.0
	for _, e := range c.E {
		m = max(m, e)
	}
	return m
}

// simulateLike draws new careers from truth on the same persons, ages and
// exposures as c: each person's group from their membership probabilities
// memb (K x N), then each observed cell's count.
func (c *Careers) simulateLike(truth Truth, memb [][]float64, rng *rand.Rand) *Careers {
	return simulateLikeOutcomes([]*Careers{c}, []Truth{truth}, memb, rng)[0]
}

// simulateLikeOutcomes is simulateLike for several outcomes of the same
// persons (cs[o] drawn from truths[o]): each person's group is drawn once,
// then her cells in every outcome, outcome by outcome.
func simulateLikeOutcomes(cs []*Careers, truths []Truth, memb [][]float64, rng *rand.Rand) []*Careers {
	bs := make([]*CareerBuilder, len(cs))
	for o := range bs {
		bs[o] = NewCareerBuilder()
		if truths[o].Distribution.Real() {
			bs[o].SetReal()
		}
		if len(cs) > 1 {
			bs[o].Span(cs[o].MinAge, cs[o].MaxAge()) // one grid for all outcomes
		}
	}
	probs := make([]float64, len(memb))
	for i := 0; i < cs[0].Len(); i++ {
		for j := range probs {
			probs[j] = memb[j][i]
		}
		k := draw(rng, cumulative(probs))
		for o, c := range cs {
			b, truth := bs[o], &truths[o]
			p := b.Person(c.IDs[i])
			if len(cs) > 1 {
				b.KeepUnobserved(p) // the persons stay the same in every outcome
			}
			c.Cells(i, func(x Cell) {
				if x.Exposure == 0 {
					return
				}
				a := x.Age - truth.MinAge
				if truth.Distribution.Real() {
					b.mustAddCell(p, Cell{Age: x.Age, Value: truth.drawValue(rng, k, a), Exposure: 1})
					return
				}
				b.mustAdd(p, x.Age, truth.drawCount(rng, k, a, x.Exposure), x.Exposure)
			})
		}
	}
	out := make([]*Careers, len(cs))
	for o, c := range cs {
		var err error
		if out[o], err = bs[o].Build(c.E != nil); err != nil {
			panic("trajectory: simulating like valid careers failed: " + err.Error())
		}
	}
	return out
}

// BootstrapReport summarises a bootstrap.
type BootstrapReport struct {
	Type       string `json:"type"` // "person" or "parametric"
	Replicates int    `json:"replicates"`
	Failed     int    `json:"failed"`
	// Relabelled counts replicates whose groups had to be matched to the
	// original fit's in another order.
	Relabelled int    `json:"relabelled"`
	Seed       uint64 `json:"seed"`
}

// tally sets f's bootstrap report, from the replicates reps (ok and
// relabelled say of each whether it succeeded and whether its groups
// were matched to the fit's in another order), its time since start and
// the warnings about failed replicates, and returns the replicates that
// succeeded: nil when fewer than two did, which give no intervals.
func tally[R any](f *Fitted, b BootstrapSettings, start time.Time, reps []R, ok func(R) (succeeded, relabelled bool)) []R {
	report := &BootstrapReport{Type: b.Type, Replicates: b.Replicates, Seed: b.Seed}
	var good []R
	for _, r := range reps {
		succeeded, relabelled := ok(r)
		if !succeeded {
			report.Failed++
			continue
		}
		if relabelled {
			report.Relabelled++
		}
		good = append(good, r)
	}
	f.BootstrapReport = report
	if f.Timing == nil {
		f.Timing = map[string]float64{}
	}
	f.Timing["bootstrap_seconds"] = time.Since(start).Seconds()
	if len(good) < 2 {
		f.Warnings = append(f.Warnings, mixture.Warnf(BootstrapFailed, nil, "bootstrap: only %d of %s succeeded; no bootstrap intervals", len(good), words.Count(b.Replicates, "replicate")))
		return nil
	}
	if report.Failed > 0 {
		f.Warnings = append(f.Warnings, mixture.Warnf(BootstrapFailed, nil, "bootstrap: %d of %s failed to converge or degenerated and %s left out", report.Failed, words.Count(b.Replicates, "replicate"), words.Choose(report.Failed, "is", "are")))
	}
	return good
}

// forReplicates runs replicate r of b for r = 0..B−1 on threads, each
// with its seed (the same for every kind of model, so that a replicate
// of the same data draws the same persons), reporting each that ends to
// b.Progress; once ctx is cancelled the replicates not begun are skipped.
func forReplicates(ctx context.Context, b BootstrapSettings, threads int, replicate func(r int, seed uint64)) {
	var mu sync.Mutex
	ended := 0
	mixture.ForEach(b.Replicates, threads, func(r int) {
		if ctx.Err() != nil {
			return
		}
		if b.Progress != nil {
			defer func() {
				mu.Lock()
				defer mu.Unlock()
				ended++
				b.Progress(ended, b.Replicates)
			}()
		}
		replicate(r, b.Seed^(uint64(r+1)*0x9e3779b97f4a7c15))
	})
}

// replicate draws the data of one replicate from seed, the careers of
// each outcome cs resampled by person (person) or simulated from truths
// at each person's own ages and exposures (parametric, memberships
// memb), and returns them with the refit's settings: warm from the fit,
// in its output order and with its reference, scaling and the drawn
// persons' risk factors and weights (their own with a parametric
// bootstrap).
func (f *Fitted) replicate(s *Settings, kind string, cs []*Careers, truths []Truth, memb [][]float64, seed uint64) ([]*Careers, *Settings) {
	data := make([]*Careers, len(cs))
	risk, weights := f.Risk(), s.Weights
	if kind == PersonBootstrap {
		rng := rand.New(rand.NewPCG(seed, 1))
		n := cs[0].Len()
		idx := make([]int, n)
		for j := range idx {
			idx[j] = rng.IntN(n)
		}
		for o, c := range cs {
			data[o] = c.subset(idx)
		}
		risk, weights = risk.subset(idx), subsetWeights(s.Weights, idx)
	} else {
		data = simulateLikeOutcomes(cs, truths, memb, rand.New(rand.NewPCG(seed, 2)))
	}
	rs := s.refit(f.engineParams())
	rs.Search.Seed = seed
	rs.Search.Progress = nil
	rs.Scaling, rs.Risk, rs.Reference, rs.Weights = &f.Scaling, risk, f.ref()+1, weights
	return data, rs
}
