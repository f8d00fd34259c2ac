package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/trajkit/trajkit/internal/words"
	"github.com/trajkit/trajkit/trajectory"
	"github.com/trajkit/trajkit/trajectory/careersio"
)

// distalHelp is fit -h's paragraph on distal outcomes.
const distalHelp = `With --distal COLUMN (of --persons, one value per person) fit
also estimates a distal outcome by group: its mean (--distal-model
normal; logit for 0/1, the probability of 1; poisson for counts) or its
category probabilities (mlogit: the column's 2 to 20 distinct values),
with SEs and the Wald test that the groups do not differ.
--distal-method says how:
  ml        Vermunt's (2010) three-step ML correction (the default): each
            person's assigned group, with the classification errors
            D[k, s] = P(assigned s | group k) from the posteriors held
            fixed, is an indicator of her true group in a mixture of the
            distal outcome
  bch       the BCH correction (Bolck, Croon & Hagenaars 2004): weighted
            means with weights from D's inverse, some negative, and
            sandwich SEs; a logit or mlogit probability driven outside
            [0, 1] by them is reported at the bound, with a warning
  classify  each person's maximum-posterior group, then the group means:
            biased toward the overall mean, for comparison only
  joint     traj's default: the outcome is one more factor of each group's
            likelihood, fitted with the trajectories (a normal outcome
            has its own SD in each group), SEs from the joint information;
            not with --outcomes, --dual, --dropout, --bootstrap or --start
trajkit's default is ml because the trajectories should define the
groups: jointly, a strong distal outcome moves the groups themselves
(Vermunt 2010; Bakk, Tekle & Vermunt 2013), and ml and bch leave the
trajectory fit as it is. Persons without a value (an empty or NA cell, or
no row) are left out of the distal step and counted (with joint they
contribute their careers alone); D comes from every person. The 630 cohort's repeat trafficking
case (0/1) and the age at it (known for the 89 who had one) by group:
  trajkit fit --data example:nl630 --groups 4 --persons example:nl630-persons \
      --distal repeat_thb --distal-model logit
  trajkit fit --data example:nl630 --groups 4 --persons example:nl630-persons \
      --distal age_next_thb --distal-method bch
`

// distalFlags are fit's flags of a distal outcome.
type distalFlags struct {
	distal, distalModel, distalMethod string
}

func (d *distalFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&d.distal, "distal", "", "a distal outcome by group: a column of --persons, one value per person (see below)")
	fs.StringVar(&d.distalModel, "distal-model", string(trajectory.DistalNormal), "the distal outcome's model: normal, logit (0/1), poisson (counts) or mlogit (categories)")
	fs.StringVar(&d.distalMethod, "distal-method", string(trajectory.DistalML), "how the distal outcome is estimated: ml (three-step ML), bch, classify (for comparison only) or joint (with the trajectories, traj's default)")
}

func (d *distalFlags) check(fs *flag.FlagSet, persons string) error {
	set := setFlags(fs)
	if d.distal == "" {
		for _, name := range []string{"distal-model", "distal-method"} {
			if set[name] {
				return usagef("--%s needs --distal COLUMN, the distal outcome", name)
			}
		}
		return nil
	}
	if persons == "" {
		return usagef("--distal needs --persons, the file that holds the distal outcome")
	}
	if !slices.Contains(trajectory.DistalModels, trajectory.DistalModel(d.distalModel)) {
		return usagef("--distal-model %q: expected normal, logit, poisson or mlogit", d.distalModel)
	}
	if m := trajectory.DistalMethod(d.distalMethod); m != trajectory.DistalJoint && !slices.Contains(trajectory.DistalMethods, m) {
		return usagef("--distal-method %q: expected ml, bch, classify or joint", d.distalMethod)
	}
	return nil
}

// joint reports whether the distal outcome is fitted with the trajectories.
func (d *distalFlags) joint() bool {
	return d.distal != "" && trajectory.DistalMethod(d.distalMethod) == trajectory.DistalJoint
}

// checkJoint refuses what --distal-method joint does not combine with.
func (f *fitFlags) checkJoint() error {
	if !f.distalFlags.joint() {
		return nil
	}
	for _, x := range []struct {
		name string
		set  bool
	}{{"outcomes", f.outcomes != ""}, {"dual", f.dual != ""}, {"dropout", f.dropoutFlags.on()}, {"bootstrap", f.bootstrap > 0}, {"start", f.start != ""}} {
		if x.set {
			return usagef("--distal-method joint does not combine with --%s: use --distal-method ml or bch, which leave the trajectory fit as it is", x.name)
		}
	}
	return nil
}

// fitJoint fits model m jointly with the distal outcome.
func (d *distalFlags) fitJoint(l *careersio.Loaded, m trajectory.Model, s *trajectory.Settings) (*trajectory.Fitted, error) {
	z, err := l.Persons.Distal(d.distal, trajectory.DistalModel(d.distalModel), l.Careers.IDs)
	if err != nil {
		return nil, err
	}
	return trajectory.FitDistalJoint(l.Careers, m, z, s)
}

// precheck reads the distal outcome for the careers' persons before the
// fit, so that a column that does not fit the model is an error at once.
func (d *distalFlags) precheck(l *careersio.Loaded) error {
	if d.distal == "" {
		return nil
	}
	_, err := l.Persons.Distal(d.distal, trajectory.DistalModel(d.distalModel), l.Careers.IDs)
	return err
}

// estimate estimates the distal outcome, when there is one, from the
// fit and the person file and sets fit.Distal; a joint fit has it already.
func (d *distalFlags) estimate(fit *trajectory.Fitted, persons *careersio.PersonTable) error {
	if d.distal == "" || d.joint() {
		return nil
	}
	z, err := persons.Distal(d.distal, trajectory.DistalModel(d.distalModel), fit.IDs)
	if err != nil {
		return err
	}
	_, err = fit.EstimateDistal(z, trajectory.DistalMethod(d.distalMethod))
	return err
}

// distalMethodName says what a method is, as the summary and the report
// name it.
func distalMethodName(m trajectory.DistalMethod) string {
	switch m {
	case trajectory.DistalML:
		return "three-step ML correction (Vermunt 2010)"
	case trajectory.DistalBCH:
		return "BCH correction (Bolck, Croon & Hagenaars 2004; Vermunt 2010)"
	case trajectory.DistalClassify:
		return "classify-then-analyse (biased toward the overall mean; for comparison only)"
	case trajectory.DistalJoint:
		return "estimated jointly with the trajectories (traj's outcome())"
	}
	return string(m)
}

// writeDistal prints the distal outcome's estimates by group: one row per
// group (the mean and its SE, or each category's probability and SE), then
// the Wald test.
func writeDistal(w io.Writer, f *trajectory.Fitted) {
	d := f.Distal
	if d == nil {
		return
	}
	fmt.Fprintf(w, "Distal outcome %s: %s, %s\n", d.Name, d.Model, distalMethodName(d.Method))
	fmt.Fprintf(w, "%s with a value", words.Count(d.N, "person"))
	if d.Missing > 0 {
		fmt.Fprintf(w, ", %d without left out", d.Missing)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	if d.Model == trajectory.DistalMlogit {
		head := []string{"Group"}
		for c := range d.Categories {
			head = append(head, "P("+d.CategoryName(c)+")", "SE")
		}
		fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
		for _, g := range d.ByGroup {
			cells := []string{fmt.Sprint(g.Number)}
			for c, p := range g.Probs {
				cells = append(cells, fmt.Sprintf("%.4f", p), fmtSE(float64(g.ProbSE[c])))
			}
			fmt.Fprintln(tw, strings.Join(cells, "\t")+"\t")
		}
	} else {
		what := "Mean"
		if d.Model == trajectory.DistalLogit {
			what = "P(1)"
		}
		fmt.Fprintf(tw, "Group\t%s\tSE\t95%% CI\t\n", what)
		for _, g := range d.ByGroup {
			m, se := float64(g.Mean), float64(g.SE)
			ci := "–"
			if !math.IsNaN(se) {
				ci = fmt.Sprintf("%.4f to %.4f", m-1.96*se, m+1.96*se)
			}
			fmt.Fprintf(tw, "%d\t%.4f\t%s\t%s\t\n", g.Number, m, fmtSE(se), ci)
		}
	}
	tw.Flush()
	p := "p = " + pOrDash(float64(d.Wald.P))
	if float64(d.Wald.P) < 1e-4 {
		p = "p < 0.0001"
	}
	fmt.Fprintf(w, "Wald test of equal groups: chi2 = %s, df = %d, %s\n", fmtSE(float64(d.Wald.Chi2)), d.Wald.DF, p)
}

func fmtSE(x float64) string {
	if math.IsNaN(x) {
		return "–"
	}
	return fmt.Sprintf("%.4f", x)
}

func pOrDash(p float64) string {
	if math.IsNaN(p) {
		return "–"
	}
	return fmtP(p)
}
