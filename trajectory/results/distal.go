package results

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/trajkit/trajkit/trajectory"
)

// ProbSumTolerance is how far from 1 the category probabilities of an
// mlogit distal outcome may sum in a group.
const ProbSumTolerance = 1e-6

// checkDistal checks a distal block (nil passes): a known model and
// method; n ≥ 2 persons with a value and n_missing ≥ 0; D a K x K matrix
// of probabilities whose rows sum to 1; one entry per group in order,
// with a finite mean (a probability for logit, ≥ 0 for poisson) or, for
// mlogit, one probability per category summing to 1; standard errors
// null or ≥ 0; and the Wald test's df = K − 1, (K − 1)(C − 1) for
// mlogit, with its chi2 null or ≥ 0 and p null or a probability.
func checkDistal(f *trajectory.Fitted) error {
	d := f.Distal
	if d == nil {
		return nil
	}
	k := len(f.Groups)
	if !slices.Contains(trajectory.DistalModels, d.Model) {
		return fieldErrorf("distal.model", "%q: expected normal, logit, poisson or mlogit", d.Model)
	}
	if !slices.Contains(trajectory.DistalMethods, d.Method) && d.Method != trajectory.DistalJoint {
		return fieldErrorf("distal.method", "%q: expected ml, bch, classify or joint", d.Method)
	}
	if d.N < 2 || d.Missing < 0 {
		return fieldErrorf("distal.n", "%d persons with a value and %d without: expected at least 2 and at least 0", d.N, d.Missing)
	}
	c := len(d.Categories)
	if (d.Model == trajectory.DistalMlogit) != (c >= 2) {
		return fieldErrorf("distal.categories", "%d categories for model %s: expected at least 2 for mlogit, none otherwise", c, d.Model)
	}
	for _, cat := range slices.Sorted(maps.Keys(d.CategoryLabels)) {
		at := "distal.category_labels." + cat
		if !slices.Contains(d.Categories, cat) {
			return fieldErrorf(at, "not a category: expected one of %q", d.Categories)
		}
		if strings.TrimSpace(d.CategoryLabels[cat]) == "" {
			return fieldErrorf(at, "an empty label")
		}
	}
	if len(d.Classification) != k {
		return fieldErrorf("distal.classification", "%d rows for %d groups: expected K x K", len(d.Classification), k)
	}
	for a, row := range d.Classification {
		at := fmt.Sprintf("distal.classification[%d]", a)
		if len(row) != k {
			return fieldErrorf(at, "%d entries for %d groups: expected K x K", len(row), k)
		}
		sum := 0.0
		for s, p := range row {
			if err := probability(fmt.Sprintf("%s[%d]", at, s), p); err != nil {
				return err
			}
			sum += p
		}
		if math.Abs(sum-1) > ProbSumTolerance {
			return fieldErrorf(at, "sums to %v: expected 1", sum)
		}
	}
	if len(d.ByGroup) != k {
		return fieldErrorf("distal.by_group", "%d entries for %d groups: expected one per group", len(d.ByGroup), k)
	}
	for j, g := range d.ByGroup {
		at := fmt.Sprintf("distal.by_group[%d]", j)
		if g.Number != j+1 {
			return fieldErrorf(at+".group", "%d: expected %d, the groups in order", g.Number, j+1)
		}
		if d.Model == trajectory.DistalMlogit {
			if len(g.Probs) != c || len(g.ProbSE) != c {
				return fieldErrorf(at+".probs", "%d probabilities and %d SEs for %d categories: expected one of each per category", len(g.Probs), len(g.ProbSE), c)
			}
			sum := 0.0
			for a, p := range g.Probs {
				if err := firstError(probability(fmt.Sprintf("%s.probs[%d]", at, a), p), nonNegative(fmt.Sprintf("%s.se[%d]", at, a), float64(g.ProbSE[a]), true)); err != nil {
					return err
				}
				sum += p
			}
			if math.Abs(sum-1) > ProbSumTolerance {
				return fieldErrorf(at+".probs", "sum to %v: expected 1", sum)
			}
			continue
		}
		m := float64(g.Mean)
		if g.Probs != nil || math.IsNaN(m) || math.IsInf(m, 0) {
			return fieldErrorf(at+".mean", "%v: expected a finite mean (and no probs) for model %s", m, d.Model)
		}
		var err error
		switch d.Model {
		case trajectory.DistalLogit:
			err = probability(at+".mean", m)
		case trajectory.DistalPoisson:
			err = nonNegative(at+".mean", m, false)
		}
		if err := firstError(err, nonNegative(at+".se", float64(g.SE), true)); err != nil {
			return err
		}
	}
	df := k - 1
	if c >= 2 {
		df *= c - 1
	}
	if d.Wald.DF != df {
		return fieldErrorf("distal.wald.df", "%d: expected %d for %d groups and model %s", d.Wald.DF, df, k, d.Model)
	}
	return firstError(nonNegative("distal.wald.chi2", float64(d.Wald.Chi2), true), optProbability("distal.wald.p", d.Wald.P))
}

// jointDistalParams returns the number of parameters of a joint distal
// model (0 for the three-step methods, which are not part of the fit):
// per group μ and log σ for normal, one for logit and poisson, C − 1 for
// mlogit.
func jointDistalParams(f *trajectory.Fitted) int {
	d := f.Distal
	if d == nil || d.Method != trajectory.DistalJoint {
		return 0
	}
	per := 1
	switch d.Model {
	case trajectory.DistalNormal:
		per = 2
	case trajectory.DistalMlogit:
		per = max(len(d.Categories)-1, 0)
	}
	return len(f.Groups) * per
}
