package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/trajkit/trajkit/data"
	"github.com/trajkit/trajkit/mixture"
	"github.com/trajkit/trajkit/trajectory"
	"github.com/trajkit/trajkit/trajectory/careersio"
	"github.com/trajkit/trajkit/trajectory/results"
)

const scoreUsage = `Usage: trajkit score --model DIR --data FILE|example:NAME --out FILE.csv [flags]

Scores new careers under the model in DIR (the --out directory of trajkit
fit, select or reproduce), as traj's outofsample() does: each person's
posterior probability of each group given her counts, with the model's
parameters held fixed, and her maximum-posterior group. The careers are
new by definition: nothing checks that they are, or are not, the careers
fitted.

The careers are read as model.json says the fitted ones were (layout,
columns, exposures and their floor, time-varying covariates); the reading
flags override that. A multi-trajectory model (fit --outcomes) reads every
outcome's column and scores the persons by the joint likelihood of their
outcomes. A dual model (fit --dual) reads both outcomes' columns, scores
the persons' joint classes and writes each outcome's groups and marginal
posteriors, the columns of its assignments.csv. A model whose distal
outcome was estimated jointly (--distal-method joint) scores the careers
alone, with a warning; a dropout model is refused. Only the model's age window counts: observed cells at
other ages are left out, and a person with no observed cell in the window
gets the prior probabilities (the shares, or the membership model's
probabilities given her risk factors) and an empty group, both with a
warning.

A model with risk factors needs --persons, a person file (one row per
person, joined on --id) with the model's risk factors for the persons
scored; a categorical one must take levels the model was fitted with. A
model with time-varying covariates reads them from the career file, the
model's columns unless --tcov names others (as many, in the model's
order).

--out FILE is written in assignments.csv's columns, one row per person in
the order of the data: id (safe_csv_id with --safe-csv), group (empty for
a person with no observed cell in the window) and p1..pK. The summary
gives per group the persons assigned to it (and their share of those with
a group), the mean posterior probability (the persons' estimated share)
and the model's share.

Examples:
  trajkit fit --data example:sim630 --groups 4 --out sim630k4
  trajkit score --model sim630k4 --data example:sim630-wide --format wide --out scores.csv
  trajkit simulate --model sim630k4/model.json --persons 300 --seed 5 --out new630
  trajkit score --model sim630k4 --data new630/long.csv --out new630-scores.csv
  trajkit score --model emp --data example:employment --out employment-scores.csv
  trajkit fit --data example:nl630 --ages 12-39 --groups 3 --dist zip --persons example:nl630-persons --risk sex,criminal_family --out nlrisk
  trajkit score --model nlrisk --data example:nl630 --persons example:nl630-persons --out nl630-scores.csv
  trajkit fit --data example:nl630-outcomes --outcomes thb,other --groups 2 --ages 12-40 --dist thb=poisson --dist other=zip --out multi
  trajkit simulate --model multi --persons 500 --seed 3 --out multisim
  trajkit score --model multi --data multisim/long.csv --out multisim-scores.csv
`

type scoreFlags struct {
	dataFlags
	model, persons, out string
	safeCSV             bool
}

func runScore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("score", flag.ContinueOnError)
	var f scoreFlags
	f.dataFlags.registerReading(fs)
	f.dataFlags.registerTcov(fs)
	fs.StringVar(&f.model, "model", "", "directory of the model: the --out directory of trajkit fit, select or reproduce (required)")
	fs.StringVar(&f.persons, "persons", "", "person file (CSV, one row per person, joined on --id) with the model's risk factors for the persons scored; required when the model has risk factors")
	fs.StringVar(&f.out, "out", "", "CSV file of the posterior probabilities and groups, in assignments.csv's columns (required)")
	registerSafeCSV(fs, &f.safeCSV)
	if err := parseFlags(fs, scoreUsage, args, stdout); err != nil {
		return err
	}
	if f.model == "" {
		return usagef("--model is required: the --out directory of trajkit fit")
	}
	if f.data == "" {
		return usagef("--data is required: the careers to score, a career file or example:NAME (see trajkit datasets)")
	}
	if f.out == "" {
		return usagef("--out is required: the CSV file of the posterior probabilities")
	}
	if err := checkOutFile("out", f.out); err != nil {
		return err
	}
	if _, _, err := data.Lookup(f.persons); err != nil {
		return usagef("--persons: %v", err)
	}
	dir, err := results.OpenDir(f.model)
	if err != nil {
		return err
	}
	fit, err := dir.Model()
	if err != nil {
		return err
	}
	warn(stderr, dir.Warnings...)
	if fit.Attrition != nil {
		return fmt.Errorf("%s has a dropout model: scoring careers with their dropout is not built yet", filepath.Join(f.model, results.ModelFile))
	}
	if d := fit.Distal; d != nil && d.Method == trajectory.DistalJoint {
		fmt.Fprintf(stderr, "trajkit: warning: %s estimated the distal outcome %s jointly with the trajectories; the new careers are scored from their careers alone, without it\n",
			filepath.Join(f.model, results.ModelFile), d.Name)
	}
	f.readingFromModel(fs, fit.Settings.Data)
	f.real = fit.Distribution.Real()
	if len(fit.Outcomes) > 0 {
		if setFlags(fs)["count"] {
			return usagef("--count %s: the model in %s has several outcomes, whose names are their count columns", f.count, f.model)
		}
		f.outcomeCols, f.outcomes = modelOutcomeColumns(fit)
		if setFlags(fs)["exposure"] {
			for o := range f.outcomeCols {
				f.outcomeCols[o].Exposure = f.exposure // every outcome's
			}
		}
		f.binarize = false // each outcome's, in outcomeCols
	}
	if err := f.dataFlags.check(); err != nil {
		return err
	}
	modelFile := filepath.Join(f.model, results.ModelFile)
	if want, got := fit.TcovNames(), splitList(f.tcov); len(got) != len(want) {
		if len(want) == 0 {
			return usagef("--tcov %s: the model in %s has no time-varying covariates", f.tcov, f.model)
		}
		return usagef("--tcov %s: the model in %s has %s (%s): name as many columns, in that order", f.tcov, f.model,
			count(len(want), "time-varying covariate", "time-varying covariates"), strings.Join(want, ","))
	}
	risk := fit.Risk()
	switch {
	case risk != nil && f.persons == "":
		return usagef("the model in %s has the risk factors %s: --persons is required, a person file with their values for the persons scored", f.model, strings.Join(risk.Variables, ","))
	case risk == nil && f.persons != "":
		return usagef("--persons %s: the model in %s has no risk factors, so scoring needs no person file", f.persons, f.model)
	}

	l, err := f.load(ctx, fs, nil)
	if err != nil {
		if from := f.fromModelHint(fs); from != "" {
			return fmt.Errorf("%w (read as %s says the fitted careers were: %s; the reading flags override that)", err, modelFile, from)
		}
		return err
	}
	// The new data's own age grid is not the model's window: the
	// warnings about its ends speak of choosing a window, which the model
	// did.
	warn(stderr, slices.DeleteFunc(l.Warnings, func(w trajectory.Warning) bool { return w.Kind == trajectory.SparseWindowEnd })...)
	var design *trajectory.RiskDesign
	if risk != nil {
		t, err := careersio.ReadPersonsSource(f.persons, careersio.PersonOptions{ID: l.Settings.ID, Categorical: fit.Settings.Data.Categorical,
			Dialect: careersio.Dialect{Decimal: l.Settings.Decimal, Encoding: l.Settings.Encoding}})
		if err != nil {
			return err
		}
		if design, err = t.DesignLike(risk, l.Careers.IDs); err != nil {
			if errors.Is(err, careersio.ErrMissingRisk) {
				return fmt.Errorf("%w: every person scored needs the model's risk factors", err)
			}
			return err
		}
		if extra := len(t.IDs) - l.Careers.Len(); extra > 0 {
			what := fmt.Sprintf("%d persons have no careers in %s and are not scored", extra, f.data)
			if extra == 1 {
				what = fmt.Sprintf("1 person has no careers in %s and is not scored", f.data)
			}
			warn(stderr, mixture.Warnf(careersio.PersonsUnmatched, nil, "%s: %s", f.persons, what))
		}
	}
	var sc *trajectory.Scored
	if len(fit.Outcomes) > 0 {
		sc, err = fit.ScoreMulti(l.Outcomes, design, 0)
	} else {
		sc, err = fit.Score(l.Careers, design, 0)
	}
	if err != nil {
		return binarizeHint(fmt.Errorf("scoring %s under %s: %w", f.data, modelFile, err))
	}
	warn(stderr, sc.Warnings...)
	if err := results.WriteFile(ctx, f.out, func(w io.Writer) error {
		return results.WriteScores(w, sc, results.Options{SafeCSV: f.safeCSV})
	}); err != nil {
		return err
	}
	writeScoreSummary(stdout, fit, sc, f.data, modelFile)
	fmt.Fprintf(stdout, "\nWrote %s\n", f.out)
	return nil
}

// modelOutcomeColumns returns the columns of a multi-trajectory model's
// outcomes as the fit read them (their names are their count columns),
// and --outcomes listing them.
func modelOutcomeColumns(fit *trajectory.Fitted) ([]careersio.OutcomeColumns, string) {
	var cols []careersio.OutcomeColumns
	var names []string
	for o, out := range fit.Outcomes {
		d := fit.Outcome(o).Distribution
		cols = append(cols, careersio.OutcomeColumns{Name: out.Name, Count: out.Name, Exposure: out.Exposure, Real: d.Real(), Binarize: fit.Settings.Data.Binarize && d.Binary()})
		names = append(names, out.Name)
	}
	return cols, strings.Join(names, ",")
}

// fromModelHint lists the reading settings taken from the model, as
// flags: those not on the command line and not empty.
func (f *scoreFlags) fromModelHint(fs *flag.FlagSet) string {
	set := setFlags(fs)
	var out []string
	for _, s := range []struct{ name, value string }{
		{"format", f.format}, {"id", f.id}, {"age", f.age}, {"count", f.count}, {"exposure", f.exposure}, {"tcov", f.tcov},
	} {
		if !set[s.name] && s.value != "" {
			out = append(out, "--"+s.name+" "+s.value)
		}
	}
	if !set["min-exposure"] && f.minExposure > 0 {
		out = append(out, fmt.Sprintf("--min-exposure %g", f.minExposure))
	}
	return strings.Join(out, " ")
}

// writeScoreSummary prints how many persons were scored and assigned to
// each group, beside the model's shares.
func writeScoreSummary(w io.Writer, fit *trajectory.Fitted, sc *trajectory.Scored, dataName, modelFile string) {
	n := len(sc.IDs)
	groups := fmt.Sprintf("%d groups", len(fit.Groups))
	if fit.IsDual() {
		a, b := fit.Outcomes[0], fit.Outcomes[1]
		groups = fmt.Sprintf("a dual model of %s, %d groups, and %s, %d", a.Name, len(a.Groups), b.Name, len(b.Groups))
	}
	fmt.Fprintf(w, "Scored %s of %s under %s (%s, ages %d-%d)\n\n",
		count(n, "person", "persons"), dataName, modelFile, groups, fit.MinAge(), fit.MaxAge())
	if sc.Outcomes == nil {
		writeScoreGroups(w, fit.Groups, sc.Assigned, sc.Posterior, sc.Unobserved)
	}
	for o, out := range sc.Outcomes {
		if o > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "Groups of %s\n", out.Name)
		writeScoreGroups(w, fit.Outcomes[o].Groups, out.Assigned, out.Posterior, sc.Unobserved)
	}
	fmt.Fprintf(w, "\nPersons with no observed cell at ages %d-%d: %d (prior probabilities, no group)\n", fit.MinAge(), fit.MaxAge(), sc.Unobserved)
	fmt.Fprintf(w, "Log-likelihood of the persons scored: %.6f\n", sc.LogLik)
}

// writeScoreGroups writes the table of a model's groups for the persons
// scored: each group's persons assigned (1-based groups; 0 for none, the
// unobserved persons), their share of those with a group, the mean
// posterior probability and the model's share.
func writeScoreGroups(w io.Writer, groups []trajectory.Group, assigned []int, post [][]float64, unobserved int) {
	n := len(assigned)
	withGroup := n - unobserved
	labels := slices.ContainsFunc(groups, func(g trajectory.Group) bool { return g.Label != "" })
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	head := "Group\tAssigned\tAssigned %\tMean posterior %\tModel share %\t"
	if labels {
		head += "Label\t"
	}
	fmt.Fprintln(tw, head)
	for j, g := range groups {
		na := 0
		var mean float64
		for i, a := range assigned {
			if a == j+1 {
				na++
			}
			mean += post[j][i]
		}
		share := "-"
		if withGroup > 0 {
			share = fmt.Sprintf("%.1f", 100*float64(na)/float64(withGroup))
		}
		fmt.Fprintf(tw, "%d\t%d\t%s\t%.1f\t%.1f\t", j+1, na, share, 100*mean/float64(n), 100*g.Share)
		if labels {
			fmt.Fprintf(tw, "%s\t", g.Label)
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
}

// count writes n with the singular or the plural.
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
