package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/trajkit/trajkit/trajectory"
)

// dispersionFlag is --dispersion of fit and select: one dispersion α per
// group (group, the default) or one for all groups (common), for the
// negative binomial distributions.
type dispersionFlag string

func (d *dispersionFlag) register(fs *flag.FlagSet) {
	fs.StringVar((*string)(d), "dispersion", "group", "nb, zinb: a dispersion α per group (group) or one for all groups (common)")
}

// common checks the flag and reports whether α is common to the groups.
func (d dispersionFlag) common(dist string) (bool, error) {
	switch d {
	case "group", "common":
	default:
		return false, usagef("--dispersion %q: expected group or common", string(d))
	}
	if d == "common" && !trajectory.Distribution(dist).HasDispersion() {
		return false, usagef("--dispersion common is for the negative binomial distributions (--dist nb or zinb), not %s", dist)
	}
	return d == "common", nil
}

// writeDispersion prints a group's dispersion α with its standard error
// and the test of α = 0, in the layout of writeSummary's rows.
func writeDispersion(w io.Writer, f *trajectory.Fitted, g *trajectory.Group, se bool) {
	if g.Dispersion == nil {
		return
	}
	label := "Dispersion α"
	if f.DispersionCommon != nil && *f.DispersionCommon {
		label += " (common)"
	}
	if se && g.DispersionSE != nil {
		fmt.Fprintf(w, "  %-24s %12.5f %10s\n", label, *g.Dispersion, fmtNum(float64(*g.DispersionSE), 5))
	} else {
		fmt.Fprintf(w, "  %-24s %12.5f\n", label, *g.Dispersion)
	}
	if t := g.DispersionLRT; t != nil {
		fmt.Fprintf(w, "  Test of α = 0: LR %s, p %s (½ P(χ²₁ > LR), Self & Liang 1987)\n", fmtNum(float64(t.Chi2), 3), fmtP(float64(t.P)))
	}
}

// fmtP writes a p-value: 4 decimals, or "< 0.0001".
func fmtP(p float64) string {
	if p < 1e-4 {
		return "< 0.0001"
	}
	return fmtNum(p, 4)
}
