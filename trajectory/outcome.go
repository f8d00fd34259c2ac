package trajectory

import (
	"errors"
	"fmt"
	"math"

	"github.com/trajkit/trajkit/mixture"
)

// groupComponent is a group's engine component as the trajectory model
// uses it beyond the engine: the analytic derivatives of the observed
// information, and the group's curve in user terms. Every family's
// component implements it.
//
// A group's own parameters are laid out as Model.layout says: β (the
// polynomial in age), δ (the time-varying covariates), γ (the inflation
// polynomial, zero-inflated families), then the family's own (log α, log
// σ) unless they are shared by all groups (mixture.Shared), which then
// come after every group's.
type groupComponent interface {
	mixture.Differentiable
	// curvePoint returns the group's model at age index t with every
	// time-varying covariate zero: Mean, the expected value of y (per
	// unit of exposure for counts), and the family's own fields (Rate,
	// ZeroProb, Prob, LatentMean), NaN for those it does not have. Age,
	// MeanLo and MeanHi are the caller's.
	curvePoint(t int) CurvePoint
	// meanGrad sets own (the group's own parameters) and shared (the
	// shared ones) to the gradient of s(Mean_t) at age index t, where s is
	// the distribution's interval scale (log, logit or identity).
	meanGrad(t int, own, shared []float64)
}

// layout is where a group's parameters are in its parameter vector.
type layout struct {
	beta, tcov, gamma, extra int // lengths, in this order
}

func (l layout) len() int { return l.beta + l.tcov + l.gamma + l.extra }

// layout returns group k's layout for ntcov time-varying covariates.
func (m Model) layout(k, ntcov int) layout {
	return layout{beta: m.Orders[k] + 1, tcov: ntcov, gamma: max(m.Inflation[k]+1, 0), extra: m.groupExtra()}
}

// families binds the groups of model m to careers c, with age scaling s:
// one family per group, and the parameters the groups share (nil when
// none).
func families(c *Careers, s AgeScaling, m Model) ([]mixture.Family, mixture.Shared) {
	d := newFamilyData(c)
	fams := make([]mixture.Family, m.Groups())
	switch m.Distribution {
	case Poisson, ZIP:
		for j := range fams {
			fams[j] = newGroupFamily(d, s, m.Orders[j], m.Inflation[j])
		}
		return fams, nil
	case Logit, Cloglog:
		return binaryFamilies(c, s, m), nil
	case CNorm:
		cd := newCnormData(d, m.Censor)
		for j := range fams {
			fams[j] = newCnormFamily(cd, s, m.Orders[j], m.SigmaByGroup)
		}
		if m.SigmaByGroup {
			return fams, nil
		}
		return fams, &cnormShared{d: cd}
	case NB, ZINB:
		nd := newNBData(d)
		for j := range fams {
			fams[j] = newNBFamily(nd, s, m.Orders[j], m.Inflation[j], m.CommonDispersion)
		}
		if m.CommonDispersion {
			return fams, nbShared{}
		}
		return fams, nil
	}
	panic(fmt.Sprintf("trajectory: no family for distribution %q", m.Distribution))
}

// ErrNotBinary is the error of a binary distribution fitted to counts
// above 1.
var ErrNotBinary = errors.New("counts above 1")

// checkData returns an error when careers c cannot be modelled by
// distribution d: a binary outcome with a count above 1, exposures for a
// distribution that takes none, counts for a real-valued distribution and
// real values for the others.
func checkData(c *Careers, d Distribution) error {
	switch {
	case d.Real() && !c.Real():
		return fmt.Errorf("the %s distribution models real values, and the careers hold counts: read the values as real numbers (careersio.ReadOptions.Real)", d.Name())
	case !d.Real() && c.Real():
		return fmt.Errorf("the careers hold real values, which the %s distribution does not model: use the censored normal (cnorm), or read counts", d.Name())
	}
	if !d.TakesExposure() && c.E != nil {
		for k, e := range c.E {
			if e != 0 && e != 1 {
				return fmt.Errorf("the %s distribution takes no exposure, and person %s has exposure %v at age %d; leave the exposure out, or use cloglog for yearly any-offence data with time at risk",
					d.Name(), c.IDs[c.personOf(k)], e, c.MinAge+int(c.Age[k]))
			}
		}
	}
	if d.Binary() {
		for k, y := range c.Y {
			if y > 1 {
				return fmt.Errorf("%w: the %s distribution models 0 or 1 (an offence in the year or not), and person %s has %d at age %d; binarize the counts (Careers.Binarize: y > 0 becomes 1) to model any offence",
					ErrNotBinary, d.Name(), c.IDs[c.personOf(k)], y, c.MinAge+int(c.Age[k]))
			}
		}
	}
	return nil
}

// personOf returns the person of special cell k.
func (c *Careers) personOf(k int) int {
	lo, hi := 0, c.Len()
	for lo+1 < hi {
		mid := (lo + hi) / 2
		if int(c.Start[mid]) <= k {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}

// interval returns the values whose s lies within h of s(m), for the
// interval scale s: a pointwise interval of half-width h on that scale.
func (s meanScale) interval(m, h float64) (lo, hi float64) {
	switch s {
	case logitScale:
		l := math.Log(m / (1 - m))
		return expit(l - h), expit(l + h)
	case identityScale:
		return m - h, m + h
	}
	lm := math.Log(m)
	return math.Exp(lm - h), math.Exp(lm + h)
}
