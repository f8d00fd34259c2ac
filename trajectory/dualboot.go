package trajectory

import (
	"fmt"
	"math"
	"time"

	"github.com/trajkit/trajkit/mixture"
)

// dualReplicate holds what a dual model's bootstrap keeps of one
// replicate, in the fit's group orders (after matchDual).
type dualReplicate struct {
	ok, relabelled bool
	classes        []float64      // K1·K2 joint classes' shares
	shares         [2][]float64   // each outcome's groups' shares
	means          [2][][]float64 // each outcome's K_o x ages expected values
	tables         [3][][]float64 // π(k2 | k1), π(k1 | k2), π(k1, k2), K1 x K2
}

// bootstrapDual is bootstrap of a dual model (cs its two outcomes'
// careers, b checked): each replicate resamples persons with both their
// outcomes (person) or draws each person's joint class from the fit and
// then both outcomes' values at her own ages and exposures (parametric),
// is refitted by FitDual warm-started from the fit, and has each
// outcome's groups matched to the fit's separately (matchDual). The
// percentile intervals are those of the joint classes' shares
// (f.Groups), of each outcome's shares and curves (f.Outcomes[o].Groups)
// and of the three transition tables (f.Transition's *LoBoot, *HiBoot).
func (f *Fitted) bootstrapDual(cs []*Careers, s *Settings, b BootstrapSettings) error {
	if len(cs) != 2 {
		return fmt.Errorf("bootstrap: a dual model of 2 outcomes and careers of %d", len(cs))
	}
	truths := f.DualTruths()
	if b.Type == ParametricBootstrap {
		for o := range truths {
			if err := truths[o].checkMeans(cs[o].maxExposure()); err != nil {
				return fmt.Errorf("bootstrap: outcome %s: %v", f.Outcomes[o].Name, err)
			}
		}
	}
	start := time.Now()
	if s == nil {
		s = &Settings{}
	}
	if b.Seed == 0 {
		b.Seed = f.Settings.Seed
	}
	var memb [][]float64
	if b.Type == ParametricBootstrap {
		memb = f.dualMemberships(cs[0].Len())
	}
	models := [2]Model{f.Outcome(0).Model(), f.Outcome(1).Model()}
	reps := make([]dualReplicate, b.Replicates)
	ctx := s.context()
	forReplicates(ctx, b, s.Search.Threads, func(r int, seed uint64) {
		data, rs := f.replicate(s, b.Type, cs, truths, memb, seed)
		var outs [2]Outcome
		for o := range outs {
			outs[o] = Outcome{Name: f.Outcomes[o].Name, Exposure: f.Outcomes[o].Exposure, Careers: data[o], Model: models[o]}
		}
		rf, err := FitDual(outs[0], outs[1], rs)
		if err != nil || rf.Status != mixture.Converged {
			return
		}
		reps[r] = f.dualReplicate(rf)
	})
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("bootstrap interrupted: %w", err)
	}
	good := tally(f, b, start, reps, func(r dualReplicate) (bool, bool) { return r.ok, r.relabelled })
	if good == nil {
		return nil
	}
	f.setDualIntervals(good)
	return nil
}

// dualMemberships returns each of n persons' probabilities of the joint
// classes (K1·K2 x N) under the fit, for the parametric bootstrap.
func (f *Fitted) dualMemberships(n int) [][]float64 {
	lp := newMatrix(len(f.Groups), n)
	f.dualPrior(f.riskX(), nil, n).AddLogPrior(lp, 0, n)
	for j := range lp {
		for i, v := range lp[j] {
			lp[j][i] = math.Exp(v)
		}
	}
	return lp
}

// matchDual returns, for each outcome, perm with perm[j] = the index of
// rf's group of that outcome that matches f's group j (matchGroups on
// that outcome's curves alone: the outcomes have their own groups).
func (f *Fitted) matchDual(rf *Fitted) [2][]int {
	var perms [2][]int
	for o := range perms {
		perms[o] = matchGroups(f.Outcomes[o].Groups, rf.Outcomes[o].Groups)
	}
	return perms
}

// dualReplicate returns replicate rf's shares, curves and transition
// tables in f's group orders: rf's class (perm_A[a], perm_B[b]) becomes
// f's class (a, b). It is relabelled when either outcome's groups were
// permuted.
func (f *Fitted) dualReplicate(rf *Fitted) dualReplicate {
	perms := f.matchDual(rf)
	k1, k2 := len(perms[0]), len(perms[1])
	rep := dualReplicate{ok: true, classes: make([]float64, k1*k2)}
	for o, perm := range perms {
		rep.shares[o] = make([]float64, len(perm))
		rep.means[o] = make([][]float64, len(perm))
		for j, from := range perm {
			rep.relabelled = rep.relabelled || from != j
			g := rf.Outcomes[o].Groups[from]
			rep.shares[o][j] = g.Share
			rep.means[o][j] = make([]float64, len(g.Curve))
			for t, p := range g.Curve {
				rep.means[o][j][t] = p.Mean
			}
		}
	}
	tr := rf.Transition
	for i, tab := range [3][][]float64{tr.BGivenA, tr.AGivenB, tr.Joint} {
		rep.tables[i] = newMatrix(k1, k2)
		for a, fa := range perms[0] {
			for b, fb := range perms[1] {
				rep.tables[i][a][b] = tab[fa][fb]
			}
		}
	}
	for a, fa := range perms[0] {
		for b, fb := range perms[1] {
			rep.classes[a*k2+b] = rf.Groups[fa*k2+fb].Share
		}
	}
	return rep
}

// setDualIntervals sets the 95% percentile intervals of the replicates
// good (at least two) on the joint classes' shares, each outcome's
// groups' shares and curves, and the transition tables.
func (f *Fitted) setDualIntervals(good []dualReplicate) {
	vals := make([]float64, len(good))
	pct := func(v func(rep *dualReplicate) float64) Interval {
		for r := range good {
			vals[r] = v(&good[r])
		}
		return percentiles(vals)
	}
	for c := range f.Groups {
		f.Groups[c].ShareCIBoot = pct(func(rep *dualReplicate) float64 { return rep.classes[c] })
	}
	for o := range f.Outcomes {
		for j := range f.Outcomes[o].Groups {
			g := &f.Outcomes[o].Groups[j]
			g.ShareCIBoot = pct(func(rep *dualReplicate) float64 { return rep.shares[o][j] })
			for t := range g.Curve {
				ci := pct(func(rep *dualReplicate) float64 { return rep.means[o][j][t] })
				g.Curve[t].MeanLoBoot, g.Curve[t].MeanHiBoot = Float(ci[0]), Float(ci[1])
			}
		}
	}
	k1, k2 := len(f.Outcomes[0].Groups), len(f.Outcomes[1].Groups)
	t := f.Transition
	for i, lims := range [3][2]*[][]Float{
		{&t.BGivenALoBoot, &t.BGivenAHiBoot},
		{&t.AGivenBLoBoot, &t.AGivenBHiBoot},
		{&t.JointLoBoot, &t.JointHiBoot},
	} {
		lo, hi := make([][]Float, k1), make([][]Float, k1)
		for a := range k1 {
			lo[a], hi[a] = make([]Float, k2), make([]Float, k2)
			for b := range k2 {
				ci := pct(func(rep *dualReplicate) float64 { return rep.tables[i][a][b] })
				lo[a][b], hi[a][b] = Float(ci[0]), Float(ci[1])
			}
		}
		*lims[0], *lims[1] = lo, hi
	}
}
