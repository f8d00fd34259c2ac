package trajectory

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"

	"github.com/trajkit/trajkit/internal/words"
	"github.com/trajkit/trajkit/mixture"
)

// The recommendation rules of Select (SelectSettings.Recommend).
const (
	// RecommendBIC recommends the adequate candidate with the lowest BIC
	// (N = persons).
	RecommendBIC = "bic"
	// RecommendBLRT recommends the smallest K whose bootstrap
	// likelihood-ratio test against K + 1 groups has p ≥ BLRTLevel.
	RecommendBLRT = "blrt"
)

// BLRTLevel is the level of the bootstrap likelihood-ratio tests of the
// BLRT recommendation rule.
const BLRTLevel = 0.05

// BLRTRandomStarts is the number of random starts of each replicate's
// K-group fit, besides the splits of the generating groups and the start
// by mean rate.
const BLRTRandomStarts = 10

// BLRT is the parametric bootstrap likelihood-ratio test of K − 1 against
// K groups (McLachlan 1987; Nylund, Asparouhov & Muthén 2007, Mplus's
// TECH14), both with every group at the same orders:
//
//	LR = 2 (ℓ_K − ℓ_{K−1})
//	p  = (1 + #{r : LR*_r ≥ LR}) / (B' + 1)
//
// where LR*_r is the statistic on the r-th of B data sets simulated from
// the (K − 1)-group fit (each person's group from their membership
// probabilities, then a count at each of their own observed ages with
// their own exposures), each fitted with K − 1 groups (warm from the
// generating parameters) and with K groups (from the splits of the
// generating groups, the start by mean rate and BLRTRandomStarts random
// starts), and B' ≤ B the replicates whose two fits succeeded.
type BLRT struct {
	// Groups is K, the groups of the alternative.
	Groups int
	// Orders and Inflation are those of the K-group model (the null's
	// groups have the same).
	Orders, Inflation []int
	// LR is the statistic on the data.
	LR float64
	// P is the bootstrap p-value.
	P float64
	// Replicates is B; Failed counts the replicates left out (a fit that
	// failed), Exceed those with LR* ≥ LR, Negative those with LR* < 0 (the
	// K-group fit stopped at a local maximum below the (K − 1)-group one).
	Replicates, Failed, Exceed, Negative int
	// Seed seeds the replicates: replicate r of the test of K groups
	// draws from blrtSeed(Seed, K, r), whatever the number of threads.
	Seed uint64
	// LRStar are the replicates' statistics, NaN for a failed one.
	LRStar []float64
}

// BLRTPValue returns the bootstrap p-value (1 + exceed) / (replicates + 1)
// of a test in which exceed of the replicates gave LR* ≥ LR: the
// observed statistic counted as one of the draws, so that p is never 0
// and P(p ≤ α) ≤ α under the null (Davison & Hinkley 1997, ch. 4).
func BLRTPValue(exceed, replicates int) float64 {
	return float64(1+exceed) / float64(replicates+1)
}

// blrtSeed is the seed of replicate r of the test of k groups.
func blrtSeed(seed uint64, k, r int) uint64 {
	// splitmix64's finaliser on the triple.
	z := seed ^ (uint64(k)<<40+uint64(r+1))*0x9e3779b97f4a7c15
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// checkBLRT checks that the tests of s can run on c: the data are
// simulated from fits, so a distribution the simulation does not draw, or
// time-varying covariates it does not simulate, are refused before any
// fit.
func checkBLRT(c *Careers, s SelectSettings) error {
	switch s.Recommend {
	case "", RecommendBIC:
	case RecommendBLRT:
		if s.BLRT < 1 {
			return errors.New("select: the BLRT recommendation needs the bootstrap likelihood-ratio tests: give their replicates (SelectSettings.BLRT)")
		}
	default:
		return fmt.Errorf("select: unknown recommendation rule %q: expected %s or %s", s.Recommend, RecommendBIC, RecommendBLRT)
	}
	if s.BLRT == 0 {
		return nil
	}
	if s.BLRT < 1 || s.BLRT > MaxReplicates {
		return fmt.Errorf("select: %d bootstrap LRT replicates: expected 1 to %d", s.BLRT, MaxReplicates)
	}
	if c.TcovNames != nil {
		return errors.New("select: the bootstrap likelihood-ratio test does not simulate time-varying covariates yet")
	}
	if len(s.Inflation) > 1 {
		return errors.New("select: the bootstrap likelihood-ratio test compares K − 1 and K groups at the same orders: give one inflation order for every group")
	}
	if s.MaxGroups < 2 {
		return errors.New("select: the bootstrap likelihood-ratio test compares K − 1 and K groups: the group range needs K ≥ 2")
	}
	return nil
}

// runBLRT runs the test of K − 1 against K groups for each K ≥ 2 of the
// range, attaching each to the K-group candidate at the highest orders
// (full[K − MinGroups]). null is the fit of MinGroups − 1 groups, nil
// when MinGroups is 1.
func (sel *Selection) runBLRT(c *Careers, s SelectSettings, full []*Candidate) error {
	seed := s.Fit.Search.Resolved().Seed
	prev := (*Candidate)(nil)
	if s.MinGroups >= 2 {
		m, err := NewModel(s.Distribution, s.MinGroups-1, []int{s.MaxOrder}, s.Inflation)
		if err != nil {
			return err
		}
		m = s.model(m.Orders, m.Inflation)
		fs := s.Fit
		fs.NoSE = true
		f, err := Fit(c, m, &fs)
		if err != nil {
			return err
		}
		prev = newCandidate(f, sel.Criteria)
	}
	for _, alt := range full {
		if prev != nil {
			t, err := blrt(c, s, prev, alt, seed)
			if err != nil {
				return err
			}
			alt.BLRT = t
			sel.Tests = append(sel.Tests, t)
		}
		prev = alt
	}
	return nil
}

// blrt tests null (K − 1 groups) against alt (K groups), both candidates
// of s's search on c.
func blrt(c *Careers, s SelectSettings, null, alt *Candidate, seed uint64) (*BLRT, error) {
	k := alt.Groups
	m0 := s.model(null.Orders, null.Inflation)
	m1 := s.model(alt.Orders, alt.Inflation)
	ctx := s.Fit.context()
	// The generating model: the null's fit again, from its parameters.
	f0, err := Fit(c, m0, s.Fit.refit(null.start))
	if err != nil {
		return nil, err
	}
	truth := f0.truth()
	if err := truth.check(); err != nil {
		return nil, fmt.Errorf("select: the bootstrap likelihood-ratio test of %d against %d groups: %v", k-1, k, err)
	}
	if err := truth.checkMeans(c.maxExposure()); err != nil {
		return nil, fmt.Errorf("select: the bootstrap likelihood-ratio test of %d against %d groups: %v", k-1, k, err)
	}
	memb := f0.memberships(c)
	warm0 := f0.engineParams()
	splits := splitStarts(splitGroups(f0), f0.Risk() != nil, m1)
	t := &BLRT{Groups: k, Orders: alt.Orders, Inflation: alt.Inflation, LR: 2 * (alt.LogLik - null.LogLik),
		Replicates: s.BLRT, Seed: seed, LRStar: make([]float64, s.BLRT)}
	var mu sync.Mutex
	ended := 0
	mixture.ForEach(s.BLRT, s.Fit.Search.Threads, func(r int) {
		t.LRStar[r] = math.NaN()
		if ctx.Err() != nil {
			return
		}
		if s.BLRTProgress != nil {
			defer func() {
				mu.Lock()
				defer mu.Unlock()
				ended++
				s.BLRTProgress(k, ended, s.BLRT)
			}()
		}
		rs := blrtSeed(seed, k, r)
		data := c.simulateLike(truth, memb, rand.New(rand.NewPCG(rs, 3)))
		s0 := s.Fit.refit(warm0)
		s0.Search.Seed, s0.Search.Progress, s0.Scaling, s0.Reference = rs, nil, &f0.Scaling, 0
		r0, err := Fit(data, m0, s0)
		if err != nil || math.IsNaN(r0.LogLik) {
			return
		}
		s1 := *s0
		s1.warm, s1.warmOnly = splits, false
		s1.Search.Starts = len(splits) + 1 + BLRTRandomStarts
		s1.Search.Keep = min(s.Fit.Search.Resolved().Keep, s1.Search.Starts)
		r1, err := Fit(data, m1, &s1)
		if err != nil || math.IsNaN(r1.LogLik) {
			return
		}
		t.LRStar[r] = 2 * (r1.LogLik - r0.LogLik)
	})
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("the bootstrap likelihood-ratio test of %d against %d groups was interrupted: %w", k-1, k, err)
	}
	for _, lr := range t.LRStar {
		switch {
		case math.IsNaN(lr):
			t.Failed++
			continue
		case lr < 0:
			t.Negative++
		}
		if lr >= t.LR {
			t.Exceed++
		}
	}
	t.P = BLRTPValue(t.Exceed, t.Replicates-t.Failed)
	return t, nil
}

// recommendBLRT applies the BLRT rule: the smallest K of the range whose
// test against K + 1 groups has p ≥ BLRTLevel (K = MinGroups − 1, tested
// when the range starts at 2 or more, is not a candidate), and of its candidates the
// adequate one with the lowest BIC (N = persons). It sets Recommended and
// returns the reason.
func (sel *Selection) recommendBLRT() string {
	if sel.Recommended != nil {
		sel.Recommended.fit = nil
		sel.Recommended = nil
	}
	for _, t := range sel.Tests {
		k := t.Groups - 1
		// The test of MinGroups − 1 against MinGroups groups says nothing
		// of a K of the range.
		if t.P < BLRTLevel || !slices.ContainsFunc(sel.Candidates, func(c *Candidate) bool { return c.Groups == k }) {
			continue
		}
		for _, c := range sel.Candidates {
			if c.Groups == k && c.Adequate && (sel.Recommended == nil || c.BICPersons < sel.Recommended.BICPersons) {
				sel.Recommended = c
			}
		}
		test := fmt.Sprintf("the smallest number of groups whose bootstrap likelihood-ratio test against one group more does not reject at %g: %d against %d groups, p = %.3f (LR = %.2f, %s)",
			BLRTLevel, k, k+1, t.P, t.LR, t.replicates())
		if sel.Recommended == nil {
			return test + "; but no candidate with " + words.Count(k, "group") + " meets the adequacy criteria (" + sel.Criteria.adequacy() + ")"
		}
		return test + "; among its candidates, the lowest BIC (N = persons) of those that meet the adequacy criteria (" + sel.Criteria.adequacy() + ")"
	}
	if len(sel.Tests) == 0 {
		return "no bootstrap likelihood-ratio test ran: the group range has no K ≥ 2 with K − 1 tested"
	}
	last := sel.Tests[len(sel.Tests)-1]
	return fmt.Sprintf("every bootstrap likelihood-ratio test rejects K − 1 groups at %g, up to %d against %d groups (p = %.3f): widen the group range", BLRTLevel, last.Groups-1, last.Groups, last.P)
}

// replicates says how many replicates a test used: "199 replicates", "199
// of 200 replicates (1 failed), 3 with LR* < 0".
func (t *BLRT) replicates() string {
	s := words.Count(t.Replicates, "replicate")
	if t.Failed > 0 {
		s = fmt.Sprintf("%d of %s, %d failed", t.Replicates-t.Failed, s, t.Failed)
	}
	if t.Negative > 0 {
		s += fmt.Sprintf(", %d with LR* < 0", t.Negative)
	}
	return s
}

// blrtRule states the BLRT rule.
func (c Criteria) blrtRule() string {
	return fmt.Sprintf("the smallest K whose bootstrap likelihood-ratio test against K + 1 groups has p ≥ %g, and among its candidates the lowest BIC (N = persons) of those that meet the adequacy criteria (%s)", BLRTLevel, c.adequacy())
}
