package main

import (
	"flag"
	"math"

	"github.com/trajkit/trajkit/trajectory"
)

// censorFlags are the censored normal's own flags (--dist cnorm): the
// censoring points, as traj's min() and max(), and whether σ is common to
// the groups or per group (traj's sigmabygroup).
type censorFlags struct {
	min, max float64
	sigma    string
}

func (c *censorFlags) register(fs *flag.FlagSet) {
	fs.Float64Var(&c.min, "min", 0, "cnorm: censoring point below: a value y ≤ min is censored at min")
	fs.Float64Var(&c.max, "max", 0, "cnorm: censoring point above, required with --dist cnorm: a value y ≥ max is censored at max")
	fs.StringVar(&c.sigma, "sigma", "common", "cnorm: the standard deviation σ of the latent normal, common (one for all groups) or group (one per group)")
}

// check returns a usage error when the flags do not fit distribution d:
// --min, --max and --sigma are cnorm's, and cnorm needs --max above --min.
func (c *censorFlags) check(fs *flag.FlagSet, d trajectory.Distribution) error {
	set := setFlags(fs)
	if !d.Real() {
		for _, name := range []string{"min", "max", "sigma"} {
			if set[name] {
				return usagef("--%s is for the censored normal (--dist cnorm), not --dist %s", name, d)
			}
		}
		return nil
	}
	switch {
	case set["binarize"]:
		return usagef("--binarize makes counts 0 or 1, for --dist logit or cloglog; the censored normal models the values as they are")
	case !set["max"]:
		return usagef("--dist cnorm needs --max, the censoring point above (the scale's largest value), as PROC TRAJ does; --min defaults to 0")
	case math.IsNaN(c.min) || math.IsInf(c.min, 0) || math.IsNaN(c.max) || math.IsInf(c.max, 0):
		return usagef("--min %v --max %v: expected finite censoring points", c.min, c.max)
	case !(c.min < c.max):
		return usagef("--min %v --max %v: min must be below max", c.min, c.max)
	case c.sigma != "common" && c.sigma != "group":
		return usagef("--sigma %q: expected common or group", c.sigma)
	}
	return nil
}

// apply sets the censoring points and σ's form on a cnorm model.
func (c *censorFlags) apply(m *trajectory.Model) {
	if !m.Distribution.Real() {
		return
	}
	m.Censor = trajectory.Censoring{Min: c.min, Max: c.max}
	m.SigmaByGroup = c.sigma == "group"
}
