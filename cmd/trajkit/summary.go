package main

import (
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/trajkit/trajkit/internal/words"
	"github.com/trajkit/trajkit/trajectory"
)

// writeSummary prints a fit in the layout of traj's output: per group its
// coefficients, share and adequacy diagnostics, then the criteria and the
// multi-start report.
func writeSummary(w io.Writer, f *trajectory.Fitted) {
	data := f.Settings.Data
	if f.IsMulti() {
		names := make([]string, len(f.Outcomes))
		for o, out := range f.Outcomes {
			names[o] = out.Name
		}
		fmt.Fprintf(w, "Multi-trajectory model: %s (%s) sharing %s\n", words.Count(len(f.Outcomes), "outcome"), strings.Join(names, ", "), words.Count(len(f.Groups), "group"))
	} else if f.IsDual() {
		writeDualHeading(w, f)
	} else {
		fmt.Fprintf(w, "Group-based trajectory model: %s, %s\n", distName(f), words.Count(len(f.Groups), "group"))
	}
	fmt.Fprintf(w, "Data: %s (%s), %s, %s, ages %d-%d\n",
		data.File, data.Format, words.Count(f.NumPersons, "person"), words.Count(f.NumObs, "person-age observation"), f.MinAge(), f.MaxAge())
	if data.Binarize {
		fmt.Fprintf(w, "Outcome: an offence in the year or not (every count above 0 made 1)\n")
	}
	fmt.Fprintf(w, "Age scaling: a = (age - %g) / %g\n", f.Scaling.Center, f.Scaling.Scale)
	if f.Settings.Weighted {
		fmt.Fprintf(w, "Sampling weights: column %q of %s, rescaled to sum to %d; the log-likelihood is weighted and the standard errors are model-based, not design-based\n",
			data.Weights, data.Persons, f.NumPersons)
	}
	if f.Settings.Start != "" {
		alone := "beside the other starts"
		if f.Settings.StartOnly {
			alone = "alone"
		}
		fmt.Fprintf(w, "Start: the parameters of %s, %s\n", f.Settings.Start, alone)
	}
	fmt.Fprintln(w)

	se := f.Inference != nil || f.Attrition != nil && len(f.Groups[0].BetaSE) > 0 // a dropout model keeps no covariance matrix
	if !f.IsMulti() && !f.IsDual() {
		writeGroups(w, f, se)
	}
	for o, out := range f.Outcomes {
		v := f.Outcome(o)
		fmt.Fprintf(w, "Outcome %s: %s, %s\n\n", out.Name, distName(v), words.Count(v.NumObs, "observed person-age"))
		writeGroups(w, v, se)
	}

	if f.Risk() != nil && f.IsDual() {
		writeMembership(w, f.Outcome(0), f.Outcomes[0].Name+"'s groups")
	} else if f.Risk() != nil {
		writeMembership(w, f, "")
	}
	if f.Attrition != nil {
		writeDropout(w, f)
	}
	fmt.Fprintf(w, "Adequacy (Nagin 2005): APP >= %g and OCC >= %g in every group\n", trajectory.MinAPP, trajectory.MinOCC)
	if f.IsDual() {
		writeDualTables(w, f)
	} else {
		writeAdequacy(w, f)
	}

	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "Log-likelihood\t%.6f\n", f.LogLik)
	fmt.Fprintf(tw, "Parameters\t%d\n", f.NumParams)
	fmt.Fprintf(tw, "BIC (N = %s)\t%.3f\n", words.Count(f.NumPersons, "person"), f.BICPersons)
	fmt.Fprintf(tw, "BIC (N = %s)\t%.3f\n", words.Count(f.NumObs, "observation"), f.BICObs)
	fmt.Fprintf(tw, "AIC\t%.3f\n", f.AIC)
	fmt.Fprintf(tw, "traj's BIC (larger is better)\t%.3f (persons), %.3f (observations)\n", -f.BICPersons/2, -f.BICObs/2)
	fmt.Fprintf(tw, "Relative entropy\t%s\n", fmtNum(float64(f.Entropy), 4))
	tw.Flush()

	st := f.Starts
	fmt.Fprintf(w, "\nStarts: %d; %d run to convergence; best log-likelihood reached by %d of %d\n",
		st.Total, st.RunToConvergence, st.ReachedBest, st.RunToConvergence)
	if st.Sample > 0 {
		optima := "1 distinct optimum there, continued"
		if st.Continued != 1 {
			optima = fmt.Sprintf("%d distinct optima there, each continued", st.Continued)
		}
		fmt.Fprintf(w, "Search on a sample of %s; %s with all persons\n", words.Count(st.Sample, "person"), optima)
	}
	if len(st.Optima) > 1 {
		opt := make([]string, len(st.Optima))
		for j, o := range st.Optima {
			opt[j] = fmt.Sprintf("%.4f", o)
		}
		fmt.Fprintf(w, "Distinct optima: %s\n", strings.Join(opt, ", "))
	}
	if b := f.BootstrapReport; b != nil {
		fmt.Fprintf(w, "Bootstrap (%s): %s, %d failed, %d matched to the fit's groups in another order\n",
			b.Type, words.Count(b.Replicates, "replicate"), b.Failed, b.Relabelled)
		if f.IsDual() {
			// Each outcome's groups; the joint classes' intervals are in
			// the table of π(k1, k2).
			for _, out := range f.Outcomes {
				for j, g := range out.Groups {
					fmt.Fprintf(w, "  %s group %d share %.1f%%: bootstrap 95%% interval %s-%s\n", out.Name, j+1, 100*g.Share,
						fmtPct(g.ShareCIBoot[0]), fmtPct(g.ShareCIBoot[1]))
				}
			}
		} else {
			for j, g := range f.Groups {
				fmt.Fprintf(w, "  group %d share %.1f%%: bootstrap 95%% interval %s-%s, delta method %s-%s\n", j+1, 100*g.Share,
					fmtPct(g.ShareCIBoot[0]), fmtPct(g.ShareCIBoot[1]), fmtPct(g.ShareCI[0]), fmtPct(g.ShareCI[1]))
			}
		}
	}
	fmt.Fprintf(w, "Status: %s after %s\n", f.Status, words.Count(f.Iterations, "iteration"))
	for _, warn := range f.Warnings {
		fmt.Fprintf(w, "Warning: %s%s\n", warn, flagHint(warn.Kind))
	}
}

// writeAdequacy prints the table of the groups' shares, adequacy
// diagnostics and mean counts (of each outcome of a multi-trajectory
// model).
func writeAdequacy(w io.Writer, f *trajectory.Fitted) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	views := []*trajectory.Fitted{f}
	if f.IsMulti() {
		views = views[:0]
		for o := range f.Outcomes {
			views = append(views, f.Outcome(o))
		}
	}
	head := "Group\t" + labelHead(f) + "Share %\tAssigned %\tN assigned\tAPP\tOCC\t"
	for o, v := range views {
		mean := "Mean count"
		switch {
		case v.Distribution.Binary():
			mean = "Mean probability"
		case v.Distribution.Real():
			mean = "Mean score"
		}
		if f.IsMulti() {
			mean = "Mean " + f.Outcomes[o].Name
		}
		head += mean + "\t"
	}
	fmt.Fprintln(tw, head)
	for j, g := range f.Groups {
		fmt.Fprintf(tw, "%d\t%s%.1f\t%.1f\t%d\t%s\t%s\t", j+1, labelCell(f, j), 100*g.Share, 100*g.AssignedShare, g.NAssigned,
			fmtNum(float64(g.APP), 3), fmtNum(float64(g.OCC), 1))
		for _, v := range views {
			fmt.Fprintf(tw, "%.3f\t", v.Groups[j].MeanCount)
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
}

// writeSigma prints the censored normal's σ with its standard error (no z
// test: σ > 0 by definition).
func writeSigma(w io.Writer, label string, sigma float64, sigmaSE *trajectory.Float, se bool) {
	if !se || sigmaSE == nil {
		fmt.Fprintf(w, "  %-24s %12.5f\n", label, sigma)
		return
	}
	fmt.Fprintf(w, "  %-24s %12.5f %10s\n", label, sigma, fmtNum(float64(*sigmaSE), 5))
}

func fmtPct(x float64) string {
	if math.IsNaN(x) {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", 100*x)
}

func fmtNum(x float64, digits int) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "-"
	}
	return fmt.Sprintf("%.*f", digits, x)
}

// writeMembership prints the multinomial logit of membership: per group
// against the reference, each coefficient with its SE, odds ratio and 95%
// interval; then a Wald test per risk factor. of names the groups when
// they are not the model's (a dual model's first outcome's), "" when they
// are.
func writeMembership(w io.Writer, f *trajectory.Fitted, of string) {
	risk, cov := f.Risk(), f.Covariates
	if of != "" {
		of = " of " + of
	}
	fmt.Fprintf(w, "Membership%s (multinomial logit; reference group %d)\n", of, cov.Reference)
	for v, base := range risk.BaseLevels {
		if base != "" {
			fmt.Fprintf(w, "  %s: indicators against level %s\n", risk.Variables[v], risk.BaseName(v))
		}
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "Group\t"+labelHead(f)+"Covariate\tLog-odds\tSE\tOdds ratio\t95% CI\tP>|z|\t")
	for j, g := range f.Groups {
		if j+1 == cov.Reference {
			continue
		}
		for a, n := range g.MembershipCoef.Names {
			b := g.MembershipCoef.Values[a]
			se := math.NaN()
			if g.MembershipSE.Values != nil {
				se = g.MembershipSE.Values[a]
			}
			ci := "-"
			if !math.IsNaN(se) {
				ci = fmt.Sprintf("%.3f-%.3f", math.Exp(b-trajectory.Z975*se), math.Exp(b+trajectory.Z975*se))
			}
			fmt.Fprintf(tw, "%d\t%s%s\t%.4f\t%s\t%.3f\t%s\t%s\t\n", j+1, labelCell(f, j), risk.CovariateName(n), b, fmtNum(se, 4), math.Exp(b), ci,
				fmtNum(trajectory.WaldP(b/se), 4))
		}
	}
	tw.Flush()
	if len(cov.Wald) > 0 {
		fmt.Fprintln(w, "Wald tests (all coefficients of a risk factor zero):")
		for _, t := range cov.Wald {
			fmt.Fprintf(w, "  %-24s chi2 = %s, df = %d, p = %s\n", t.Variable, fmtNum(float64(t.Chi2), 2), t.DF, fmtNum(float64(t.P), 4))
		}
	}
	fmt.Fprintln(w)
}

// labelHead and labelCell make a Label column beside a table's Group
// column when the fit's groups have labels, and nothing otherwise.
func labelHead(f *trajectory.Fitted) string {
	if !f.Labelled() {
		return ""
	}
	return "Label\t"
}

func labelCell(f *trajectory.Fitted, j int) string {
	if !f.Labelled() {
		return ""
	}
	return f.Groups[j].Label + "\t"
}

// floats converts undefined-or-number values to Floats.
func floats(v []float64) []trajectory.Float {
	out := make([]trajectory.Float, len(v))
	for j, x := range v {
		out[j] = trajectory.Float(x)
	}
	return out
}

// distName names the fit's distribution, with cnorm's censoring points.
func distName(f *trajectory.Fitted) string {
	if f.Censoring != nil {
		return fmt.Sprintf("%s (Tobit), censored at %g and %g", f.Distribution.Name(), f.Censoring.Min, f.Censoring.Max)
	}
	if f.Distribution == "" {
		return "Poisson"
	}
	return f.Distribution.Name()
}

// writeGroups prints each group's share and coefficients, with their
// standard errors when se.
func writeGroups(w io.Writer, f *trajectory.Fitted, se bool) {
	for _, g := range f.Groups {
		name := g.Heading()
		if se {
			fmt.Fprintf(w, "%s: share %.1f%% (95%% CI %s-%s)\n", name, 100*g.Share, fmtPct(g.ShareCI[0]), fmtPct(g.ShareCI[1]))
			fmt.Fprintf(w, "  %-24s %12s %10s %9s %8s\n", "Parameter", "Estimate", "SE", "z", "P>|z|")
		} else {
			fmt.Fprintf(w, "%s: share %.1f%%\n", name, 100*g.Share)
			fmt.Fprintf(w, "  %-24s %12s\n", "Parameter", "Estimate")
		}
		row := func(label string, b float64, ses []trajectory.Float, p int) {
			if !se {
				fmt.Fprintf(w, "  %-24s %12.5f\n", label, b)
				return
			}
			s := float64(ses[p])
			z := b / s
			fmt.Fprintf(w, "  %-24s %12.5f %10s %9s %8s\n", label, b, fmtNum(s, 5), fmtNum(z, 2), fmtNum(trajectory.WaldP(z), 4))
		}
		for p, b := range g.Beta {
			row(trajectory.PowerName(p), b, g.BetaSE, p)
		}
		for p, b := range g.TcovCoef.Values {
			row(g.TcovCoef.Names[p], b, floats(g.TcovSE.Values), p)
		}
		if g.InflationOrder >= 0 {
			for p, c := range g.Inflation {
				row("Inflation "+strings.ToLower(trajectory.PowerName(p)), c, g.InflationSE, p)
			}
		}
		writeDispersion(w, f, &g, se)
		if g.Sigma != nil && f.SigmaCommon != nil && !*f.SigmaCommon {
			writeSigma(w, "Sigma", *g.Sigma, g.SigmaSE, se)
		}
		fmt.Fprintln(w)
	}
	if g := f.Groups[0]; g.Sigma != nil && f.SigmaCommon != nil && *f.SigmaCommon {
		writeSigma(w, "Sigma (all groups)", *g.Sigma, g.SigmaSE, se)
		fmt.Fprintln(w)
	}

}
