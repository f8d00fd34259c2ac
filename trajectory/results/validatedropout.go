package results

import (
	"fmt"
	"math"

	"github.com/trajkit/trajkit/trajectory"
)

// checkDropout checks a fit's dropout model (FitDropout): either every
// group has its dropout hazards and the fit its description, or none; the
// lag and orders within their limits and agreeing with each group's
// coefficients; every hazard, survival and share by age a probability,
// one per age of the window; survival not increasing with age; and the
// shares by age summing to 1 at each age.
func checkDropout(f *trajectory.Fitted) error {
	a := f.Attrition
	for j := range f.Groups {
		if (f.Groups[j].Dropout != nil) != (a != nil) {
			return fieldErrorf(fmt.Sprintf("groups[%d].dropout", j), "expected a dropout curve in every group of a model with a dropout model, and none without")
		}
	}
	if a == nil {
		return nil
	}
	if a.Lag < 0 || a.Lag > trajectory.MaxDropoutLag {
		return fieldErrorf("dropout.lag", "%d: expected 0..%d", a.Lag, trajectory.MaxDropoutLag)
	}
	if len(a.Orders) != len(f.Groups) {
		return fieldErrorf("dropout.orders", "%d orders for %d groups", len(a.Orders), len(f.Groups))
	}
	if a.FollowupEnd == "" {
		return fieldErrorf("dropout.followup_end", "empty: expected a column of the person file or window")
	}
	if a.Dropped < 0 || a.Dropped > f.NumPersons {
		return fieldErrorf("dropout.n_dropped", "%d of %d persons", a.Dropped, f.NumPersons)
	}
	ages := f.MaxAge() - f.MinAge() + 1
	for j := range f.Groups {
		d := f.Groups[j].Dropout
		at := func(field string) string { return fmt.Sprintf("groups[%d].dropout.%s", j, field) }
		if d.Order != a.Orders[j] || d.Order < 0 || d.Order > trajectory.MaxDropoutOrder {
			return fieldErrorf(at("order"), "%d: expected dropout.orders[%d] = %d, within 0..%d", d.Order, j, a.Orders[j], trajectory.MaxDropoutOrder)
		}
		if n := d.Order + 1 + a.Lag + len(a.Covariates); len(d.Coef.Values) != n || len(d.SE.Values) != n {
			return fieldErrorf(at("coef"), "%d coefficients and %d standard errors: expected %d (the order's, the lags' and the covariates')", len(d.Coef.Values), len(d.SE.Values), n)
		}
		if len(d.Curve) != ages {
			return fieldErrorf(at("curve"), "%d ages: expected %d, the window %d-%d", len(d.Curve), ages, f.MinAge(), f.MaxAge())
		}
		prev := 1.0
		for t, p := range d.Curve {
			pt := func(field string) string { return at(fmt.Sprintf("curve[%d].%s", t, field)) }
			if p.Age != f.MinAge()+t {
				return fieldErrorf(pt("age"), "%d: expected %d", p.Age, f.MinAge()+t)
			}
			if err := firstError(probability(pt("hazard"), p.Hazard), optProbability(pt("hazard_lo"), p.HazardLo), optProbability(pt("hazard_hi"), p.HazardHi),
				probability(pt("survival"), p.Survival), probability(pt("share_at_age"), p.ShareAtAge)); err != nil {
				return err
			}
			if lo, hi := float64(p.HazardLo), float64(p.HazardHi); !math.IsNaN(lo) && !(lo <= hi) {
				return fieldErrorf(pt("hazard_lo"), "[%v, %v]: expected its low end first", lo, hi)
			}
			if p.Survival > prev+1e-12 {
				return fieldErrorf(pt("survival"), "%v after %v: survival cannot increase with age", p.Survival, prev)
			}
			prev = p.Survival
		}
	}
	for t := range ages {
		var sum float64
		for j := range f.Groups {
			sum += f.Groups[j].Dropout.Curve[t].ShareAtAge
		}
		if math.Abs(sum-1) > ShareSumTolerance {
			return fieldErrorf(fmt.Sprintf("groups[*].dropout.curve[%d].share_at_age", t), "the shares sum to %v: expected 1 (within %g)", sum, ShareSumTolerance)
		}
	}
	return nil
}

// dropoutParams is the number of the dropout model's parameters.
func dropoutParams(f *trajectory.Fitted) int {
	n := 0
	for _, g := range f.Groups {
		if g.Dropout != nil {
			n += len(g.Dropout.Coef.Values)
		}
	}
	return n
}
