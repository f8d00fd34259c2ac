package results

import (
	"fmt"
	"math"
	"strings"

	"github.com/trajkit/trajkit/trajectory"
)

// TransitionSumTolerance is how far a row of b_given_a, a column of
// a_given_b or the joint table of a dual model read back may sum from 1.
const TransitionSumTolerance = 1e-6

// checkDual checks a dual trajectory model (distribution dual): its two
// outcomes, each as a fit of its own with its own groups and their
// marginal shares (fields named outcomes[o]....); the K1·K2 joint classes
// of groups[], numbered k1·K2 + k2 + 1, with their membership alone; the
// transition tables, K1 x K2 probabilities whose rows of b_given_a,
// columns of a_given_b and whole joint table sum to 1 (within
// TransitionSumTolerance), the joint table the classes' shares, with
// standard errors ≥ 0 or null; and the number of parameters,
// (K1 − 1) + K1·(K2 − 1) plus the outcomes' own, with risk factors on
// the first outcome's groups (K1 − 1)(1 + R) + K1·(K2 − 1) plus them, R
// the risk factors (covariates.risk, checked with the first outcome's
// groups' membership_coef and membership_se).
func checkDual(f *trajectory.Fitted, v int) error {
	if len(f.Outcomes) != 2 {
		return fieldErrorf("outcomes", "%d outcomes: expected 2 in a dual trajectory model", len(f.Outcomes))
	}
	ks := [2]int{len(f.Outcomes[0].Groups), len(f.Outcomes[1].Groups)}
	n := 0
	for o, out := range f.Outcomes {
		at := fmt.Sprintf("outcomes[%d]", o)
		switch {
		case out.Name == "":
			return fieldErrorf(at+".name", "empty: expected the outcome's column")
		case o == 1 && out.Name == f.Outcomes[0].Name:
			return fieldErrorf(at+".name", "%q: given twice", out.Name)
		case out.Distribution == trajectory.Multi || out.Distribution == trajectory.Dual:
			return fieldErrorf(at+".distribution", "%s: expected an outcome's distribution", out.Distribution)
		case ks[o] == 0:
			return fieldErrorf(at+".groups", "none: expected at least one group")
		}
		if err := checkLabels(at+".groups", out.Groups); err != nil {
			return err
		}
		view := f.Outcome(o)
		view.Settings.Groups = ks[o]
		view.NumParams, view.Warnings = numParams(view), nil
		if err := checkOutcome(view, v, true); err != nil {
			if fe, ok := err.(*FieldError); ok && (strings.HasPrefix(fe.Field, "groups") || strings.HasPrefix(fe.Field, "settings.") ||
				fe.Field == "distribution" || fe.Field == "censoring" || fe.Field == "n_params") {
				fe.Field = at + "." + fe.Field
			}
			return err
		}
		// The view counts its shares' logits, A's with risk factors its
		// log-odds coefficients, which replace them.
		n += view.NumParams - (ks[o] - 1)
	}
	k1, k2 := ks[0], ks[1]
	if len(f.Groups) != k1*k2 || f.Settings.Groups != k1*k2 {
		return fieldErrorf("groups", "%d joint classes (settings.groups %d): expected %d x %d, the outcomes' groups", len(f.Groups), f.Settings.Groups, k1, k2)
	}
	if f.NumPersons < k1*k2 {
		return fieldErrorf("n_persons", "%d persons for %d joint classes: expected at least one person per class", f.NumPersons, k1*k2)
	}
	for c := range f.Groups {
		if err := checkClass(f, c); err != nil {
			return err
		}
	}
	if err := firstError(checkLabels("groups", f.Groups), checkShareSum(f.Groups)); err != nil {
		return err
	}
	if err := checkTransition(f, k1, k2); err != nil {
		return err
	}
	n += (k1 - 1) + k1*(k2-1)
	if f.NumParams != n {
		return fieldErrorf("n_params", "%d: the outcomes' coefficients, the %d shares of %s and the %d x %d transition probabilities have %d",
			f.NumParams, k1, f.Outcomes[0].Name, k1, k2, n)
	}
	if inf := f.Inference; inf != nil && len(inf.Names) != f.NumParams {
		return fieldErrorf("covariance.names", "a covariance matrix of %d parameters for a model of %d", len(inf.Names), f.NumParams)
	}
	return checkWarnings(f, v)
}

// checkLabels checks the labels of a dual model's groups (an outcome's,
// or the joint classes', at field at), which Fitted.SetOutcomeLabels sets
// all or none: none, or one distinct name per group that is not blank.
func checkLabels(at string, groups []trajectory.Group) error {
	if len(groups) == 0 {
		return nil
	}
	named := groups[0].Label != ""
	seen := map[string]int{}
	for j := range groups {
		l := groups[j].Label
		field := fmt.Sprintf("%s[%d].label", at, j)
		switch i, dup := seen[l]; {
		case (l != "") != named:
			return fieldErrorf(field, "%q where %s[0].label is %q: expected a name for every group or for none", l, at, groups[0].Label)
		case !named:
			continue
		case strings.TrimSpace(l) == "":
			return fieldErrorf(field, "%q: expected a name, not blanks", l)
		case dup:
			return fieldErrorf(field, "%q: also %s[%d].label, expected distinct names", l, at, i)
		}
		seen[l] = j
	}
	return nil
}

// checkClass checks joint class c of a dual model: its number and its
// membership fields.
func checkClass(f *trajectory.Fitted, c int) error {
	g := &f.Groups[c]
	at := func(field string) string { return fmt.Sprintf("groups[%d].%s", c, field) }
	if g.Number != c+1 {
		return fieldErrorf(at("group"), "%d: expected %d, the joint classes numbered 1, 2, ... in order", g.Number, c+1)
	}
	if g.Curve != nil || g.Beta != nil {
		return fieldErrorf(at("curve"), "a joint class with a trajectory: expected its membership alone, the curves being the outcomes'")
	}
	if g.NAssigned < 0 || g.NAssigned > f.NumPersons {
		return fieldErrorf(at("n_assigned"), "%d: expected 0 to %d, the persons of the model (n_persons)", g.NAssigned, f.NumPersons)
	}
	return firstError(
		probability(at("share"), g.Share),
		nonNegative(at("share_se"), float64(g.ShareSE), true),
		ordered(at("share_ci"), g.ShareCI, 0, 1),
		probability(at("assigned_share"), g.AssignedShare),
		optProbability(at("app"), g.APP),
		nonNegative(at("occ"), float64(g.OCC), true),
	)
}

// checkTransition checks the transition tables of a dual model of K1 and
// K2 groups.
func checkTransition(f *trajectory.Fitted, k1, k2 int) error {
	t := f.Transition
	if t == nil {
		return fieldErrorf("transition", "missing: a dual trajectory model has its transition probabilities")
	}
	for _, tab := range []struct {
		name string
		p    [][]float64
		se   [][]trajectory.Float
	}{{"b_given_a", t.BGivenA, t.BGivenASE}, {"a_given_b", t.AGivenB, t.AGivenBSE}, {"joint", t.Joint, t.JointSE}} {
		at := "transition." + tab.name
		if err := tableShape(at, len(tab.p), func(r int) int { return len(tab.p[r]) }, k1, k2); err != nil {
			return err
		}
		if err := tableShape(at+"_se", len(tab.se), func(r int) int { return len(tab.se[r]) }, k1, k2); err != nil {
			return err
		}
		for a := range k1 {
			for b := range k2 {
				if err := firstError(
					probability(fmt.Sprintf("%s[%d][%d]", at, a, b), tab.p[a][b]),
					nonNegative(fmt.Sprintf("%s_se[%d][%d]", at, a, b), float64(tab.se[a][b]), true),
				); err != nil {
					return err
				}
			}
		}
	}
	for a := range k1 {
		s := 0.0
		for b := range k2 {
			s += t.BGivenA[a][b]
		}
		if math.Abs(s-1) > TransitionSumTolerance {
			return fieldErrorf(fmt.Sprintf("transition.b_given_a[%d]", a), "the row of π(k2 | k1) sums to %v: expected 1 (within %g)", s, TransitionSumTolerance)
		}
	}
	for b := range k2 {
		s := 0.0
		for a := range k1 {
			s += t.AGivenB[a][b]
		}
		if math.Abs(s-1) > TransitionSumTolerance {
			return fieldErrorf(fmt.Sprintf("transition.a_given_b[*][%d]", b), "the column of π(k1 | k2) sums to %v: expected 1 (within %g)", s, TransitionSumTolerance)
		}
	}
	total := 0.0
	for a := range k1 {
		for b := range k2 {
			total += t.Joint[a][b]
			if d := t.Joint[a][b] - f.Groups[a*k2+b].Share; math.Abs(d) > ShareSumTolerance {
				return fieldErrorf(fmt.Sprintf("transition.joint[%d][%d]", a, b), "%v: expected groups[%d].share %v, the joint class's share", t.Joint[a][b], a*k2+b, f.Groups[a*k2+b].Share)
			}
		}
	}
	if math.Abs(total-1) > TransitionSumTolerance {
		return fieldErrorf("transition.joint", "the joint probabilities sum to %v: expected 1 (within %g)", total, TransitionSumTolerance)
	}
	return checkTransitionBoot(f, k1, k2)
}

// checkTransitionBoot checks the bootstrap limits of the transition
// tables: absent, or (with a bootstrap report) both limits of every
// table, K1 x K2 probabilities (null when undefined), each low limit at
// most its high one.
func checkTransitionBoot(f *trajectory.Fitted, k1, k2 int) error {
	t := f.Transition
	for _, tab := range []struct {
		name   string
		lo, hi [][]trajectory.Float
	}{{"b_given_a", t.BGivenALoBoot, t.BGivenAHiBoot}, {"a_given_b", t.AGivenBLoBoot, t.AGivenBHiBoot}, {"joint", t.JointLoBoot, t.JointHiBoot}} {
		at := "transition." + tab.name
		switch {
		case tab.lo == nil && tab.hi == nil:
			continue
		case tab.lo == nil || tab.hi == nil:
			return fieldErrorf(at+"_lo_boot", "the bootstrap limits come in pairs: expected both %s_lo_boot and %s_hi_boot, or neither", at, at)
		case f.BootstrapReport == nil:
			return fieldErrorf(at+"_lo_boot", "bootstrap limits without a bootstrap: expected bootstrap, the report of the replicates")
		}
		for _, lim := range []struct {
			name string
			v    [][]trajectory.Float
		}{{at + "_lo_boot", tab.lo}, {at + "_hi_boot", tab.hi}} {
			if err := tableShape(lim.name, len(lim.v), func(r int) int { return len(lim.v[r]) }, k1, k2); err != nil {
				return err
			}
			for a := range k1 {
				for b := range k2 {
					if err := optProbability(fmt.Sprintf("%s[%d][%d]", lim.name, a, b), lim.v[a][b]); err != nil {
						return err
					}
				}
			}
		}
		for a := range k1 {
			for b := range k2 {
				if lo, hi := float64(tab.lo[a][b]), float64(tab.hi[a][b]); lo > hi {
					return fieldErrorf(fmt.Sprintf("%s_lo_boot[%d][%d]", at, a, b), "%v is above %s_hi_boot's %v: expected the low limit first", lo, at, hi)
				}
			}
		}
	}
	return nil
}

// tableShape checks that a table has k1 rows of k2 entries.
func tableShape(at string, rows int, cols func(r int) int, k1, k2 int) error {
	if rows != k1 {
		return fieldErrorf(at, "%d rows: expected %d, the first outcome's groups", rows, k1)
	}
	for r := range rows {
		if c := cols(r); c != k2 {
			return fieldErrorf(fmt.Sprintf("%s[%d]", at, r), "%d entries: expected %d, the second outcome's groups", c, k2)
		}
	}
	return nil
}
