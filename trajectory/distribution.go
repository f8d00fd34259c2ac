package trajectory

import (
	"fmt"
	"strings"
)

// Distribution is the distribution of the outcome y within a group, at
// one age: its family and link.
type Distribution string

const (
	// Poisson counts: y ~ Poisson(e λ_t), log λ a polynomial in age.
	Poisson Distribution = "poisson"
	// ZIP counts: zero-inflated Poisson (Lambert 1992).
	ZIP Distribution = "zip"
	// NB counts: negative binomial NB2, mean e λ_t and variance
	// μ + α μ² (α the group's dispersion).
	NB Distribution = "nb"
	// ZINB counts: ZIP's structural zero on top of NB.
	ZINB Distribution = "zinb"
	// Logit: y ∈ {0, 1}, logit P(y = 1) a polynomial in age (traj's
	// model(logit)).
	Logit Distribution = "logit"
	// Cloglog: y ∈ {0, 1} with time at risk e, P(y = 1) = 1 − exp(−e λ_t),
	// log λ a polynomial in age: the probability of any offence in a year
	// of a Poisson process.
	Cloglog Distribution = "cloglog"
	// CNorm: a censored normal (Tobit) scale: the latent y* ~ N(μ_t, σ²),
	// μ a polynomial in age, observed as y* censored to [min, max] (traj's
	// model(cnorm)).
	CNorm Distribution = "cnorm"
)

// distFacts are what the rest of the package needs to know of a
// distribution.
type distFacts struct {
	name string // in prose: "zero-inflated Poisson"
	// inflation: the family has ZIP's structural zero (an inflation
	// order per group); exposure: it takes exposures; binary: y ∈ {0, 1};
	// real: y is real-valued; dispersion: a dispersion α per group (or
	// common); sigma: a standard deviation σ common to the groups (or per
	// group).
	inflation, exposure, binary, real, dispersion, sigma bool
	// yLabel is the y axis of a figure of the curves, curveKey what a
	// curve is in its legend.
	yLabel, curveKey string
	// scale is the scale of the curve's pointwise intervals.
	scale meanScale
}

// meanScale is the scale on which a curve's pointwise interval is
// symmetric (the delta method is applied there).
type meanScale int

const (
	logScale      meanScale = iota // expected counts: positive
	logitScale                     // probabilities: in (0, 1)
	identityScale                  // a scale's expected value
)

var distributions = map[Distribution]distFacts{
	Poisson: {name: "Poisson", exposure: true, yLabel: "Offences per year", curveKey: "expected count", scale: logScale},
	ZIP:     {name: "zero-inflated Poisson", inflation: true, exposure: true, yLabel: "Offences per year", curveKey: "expected count", scale: logScale},
	NB:      {name: "negative binomial", exposure: true, dispersion: true, yLabel: "Offences per year", curveKey: "expected count", scale: logScale},
	ZINB:    {name: "zero-inflated negative binomial", inflation: true, exposure: true, dispersion: true, yLabel: "Offences per year", curveKey: "expected count", scale: logScale},
	Logit:   {name: "logit", binary: true, yLabel: "Probability of an offence", curveKey: "probability", scale: logitScale},
	Cloglog: {name: "complementary log-log", binary: true, exposure: true, yLabel: "Probability of an offence", curveKey: "probability", scale: logitScale},
	CNorm:   {name: "censored normal", real: true, sigma: true, yLabel: "Expected score", curveKey: "expected score", scale: identityScale},
}

// Distributions lists every distribution, in the order of the
// documentation.
var Distributions = []Distribution{Poisson, ZIP, NB, ZINB, Logit, Cloglog, CNorm}

// Check returns an error naming the distributions when d is none of them.
func (d Distribution) Check() error {
	if _, ok := distributions[d]; ok {
		return nil
	}
	names := make([]string, len(Distributions))
	for j, x := range Distributions {
		names[j] = string(x)
	}
	return fmt.Errorf("unknown distribution %q: expected one of %s", string(d), strings.Join(names, ", "))
}

func (d Distribution) facts() distFacts { return distributions[d] }

// Name names the distribution in prose ("zero-inflated Poisson").
func (d Distribution) Name() string {
	if f, ok := distributions[d]; ok {
		return f.name
	}
	return string(d)
}

// HasInflation reports whether the distribution has a structural zero with
// an inflation order per group (zip, zinb).
func (d Distribution) HasInflation() bool { return d.facts().inflation }

// TakesExposure reports whether the distribution takes exposures (time at
// risk); logit and cnorm do not.
func (d Distribution) TakesExposure() bool { return d.facts().exposure }

// Binary reports whether the outcome is 0 or 1 (logit, cloglog).
func (d Distribution) Binary() bool { return d.facts().binary }

// Real reports whether the outcome is real-valued (cnorm).
func (d Distribution) Real() bool { return d.facts().real }

// HasDispersion reports whether the groups have a dispersion α (nb,
// zinb).
func (d Distribution) HasDispersion() bool { return d.facts().dispersion }

// HasSigma reports whether the distribution has a standard deviation σ
// (cnorm).
func (d Distribution) HasSigma() bool { return d.facts().sigma }

// YLabel is the y axis of a figure of the curves: "Offences per
// year", "Probability of an offence", "Expected score".
func (d Distribution) YLabel() string {
	if f, ok := distributions[d]; ok {
		return f.yLabel
	}
	return "Expected value"
}

// CurveKey says what a curve is in a figure's legend: "expected count",
// "probability", "expected score".
func (d Distribution) CurveKey() string {
	if f, ok := distributions[d]; ok {
		return f.curveKey
	}
	return "expected value"
}
