package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/trajkit/trajkit/internal/words"
	"github.com/trajkit/trajkit/trajectory"
	"github.com/trajkit/trajkit/trajectory/careersio"
	"github.com/trajkit/trajkit/trajectory/results"
)

const fitUsage = `Usage: trajkit fit --data FILE|example:NAME --groups K [flags]

Fits a group-based trajectory model: K groups, each with its own curve of
offending by age, log λ a polynomial in age (Poisson), optionally with
zero inflation whose logit is a polynomial in age (ZIP), or another
distribution of the yearly outcome (--dist, below). EM runs from
--starts starts (random partitions and one by mean rate), the best five go
on to convergence, and the summary says how many reached the best
log-likelihood. Groups are numbered by ascending mean expected count.

Examples:
  trajkit fit --data example:sim630 --groups 4
  trajkit fit --data careers.csv --groups 3 --order 2,3,3 --out result
  trajkit fit --data example:sim630 --groups 2 --order "0;3"
  trajkit fit --data example:toronto1-exposure --groups 4 --dist zip --inflation 0
  trajkit fit --data wide.csv --format wide --count y --exposure e --ages 12-40 --groups 4
  trajkit fit --data example:sim630 --groups 3 --bootstrap 200 --bootstrap-type parametric
  trajkit fit --data careers.csv --groups 4 --persons persons.csv --risk female,qualification
  trajkit fit --data example:employment --groups 2 --order 2 --tcov employed --out emp
  trajkit fit --data example:sim630 --groups 4 --labels low,early-peak,late-peak,high --out named --plot
  trajkit fit --data careers.csv --groups 4 --persons persons.csv --weights sampling_weight
  trajkit fit --data example:sim630 --groups 4 --start named/model.json --starts 0
  trajkit fit --data example:nl630 --groups 4 --persons example:nl630-persons --distal repeat_thb --distal-model logit

--dist says what the yearly outcome is and how it varies within a group:
  poisson   counts, variance = mean (the default)
  zip       counts with structural zeros: logit ρ a polynomial (--inflation)
  nb        counts overdispersed within groups: negative binomial, variance
            μ + α μ², one α per group (--dispersion common: one for all)
  zinb      zip's structural zeros on top of nb
  logit     0 or 1 (an offence registered in the year or not): logit P(y = 1)
            a polynomial in age (traj's model(logit)); no exposure
  cloglog   0 or 1 with time at risk: P(y = 1) = 1 - exp(-e λ)
  cnorm     a bounded scale (traj's model(cnorm), censored normal) between
            --min (default 0) and --max (required); σ common to the groups
            (--sigma group: one per group)
--binarize makes every count above 0 a 1, so that count data can be
modelled with logit or cloglog. One example of each:
  trajkit fit --data example:sim630 --groups 3 --dist nb
  trajkit fit --data example:sim630 --groups 3 --dist nb --dispersion common
  trajkit fit --data example:toronto1-exposure --groups 3 --dist zinb --inflation 0
  trajkit fit --data example:toronto1 --groups 3 --dist logit --binarize
  trajkit fit --data example:toronto1-exposure --groups 3 --dist cloglog --binarize
  trajkit fit --data example:scores --groups 3 --dist cnorm --min 0 --max 10 --sigma group

--order and --inflation take one number for every group, or one per
group separated by commas or semicolons: 2,3,3 and "2;3;3" are the same
list, so the orders select prints (and selection.csv holds) can be given
as they are (quote a list with ; in the shell). The list is a multiset:
groups are numbered after the fit, by ascending mean expected count, and
each keeps its orders.

With --dist nb each group's yearly count is negative binomial (NB2):
mean e·λ, variance μ + α μ² with μ = e·λ, the dispersion α per group or,
with --dispersion common, one for all groups; --dist zinb adds ZIP's
structural zero (--inflation as for zip). The summary gives each α with
its SE and the likelihood-ratio test of α = 0 (a test on the boundary:
p = ½ P(χ²₁ > LR)), which says which groups need the NB rather than the
Poisson; an α at its bound is 0 with a dispersion-at-boundary warning.

Standard errors come from the observed information of the full mixture
likelihood; shares get 95% intervals by the delta method on the logit
scale and the expected counts by the delta method on the log scale.
--bootstrap B adds percentile intervals from B refits on resampled persons
(or, with --bootstrap-type parametric, on data simulated from the fit),
each warm-started from the fit and matched to its groups.

With --persons FILE (one row per person, joined on --id) and --risk
a,b,c, group membership is a multinomial logit on those risk factors
(traj's risk()): log-odds of each group against --reference, with odds
ratios, 95% intervals and a Wald test per risk factor. Categorical
columns become indicators against their first level in sorted order.
A Stata or SPSS variable with value labels is categorical, its codes the
levels, and the tables show each code with its label ("female=1
(female)", "female = 1 (female)").
--persons alone gives group profiles only (profiles.csv). A column is
numeric when every value is a number (or true/false, read as 1/0) and
categorical when every value is text; a column that mixes them is an
error naming its first odd cell, unless --categorical names the column,
which also makes codes written as numbers (region 1-5) categorical.

With --weights COLUMN (of --persons, one number > 0 per person; traj's
weight()) each person's log-likelihood counts as often as her sampling
weight says, the weights rescaled to sum to the number of persons (as
Mplus does), so the log-likelihood and BIC stay on the scale of the
persons observed. The standard errors are then model-based (the weights
taken as known frequencies), not design-based: the summary says so.

With --start DIR/model.json (or DIR; traj's start()) EM also starts from
the parameters of that fit: the same number of groups, distribution,
orders, inflation orders, risk factors and --tcov (an error names what
differs; --dist, --order and --inflation default to the start model's).
It is one start beside the --starts others, or, with --starts 0, the
only one: a refit of a published model on a new cohort, or a fit
continued from its own model.json. A model of --outcomes starts from a
multi-trajectory model of the same outcomes in the same order, a --dual
model from a dual model of the same A,B and K1,K2; each outcome's --dist,
--order and --inflation default to its own in the start model.

With --tcov a,b (columns of a long file, or prefixes a12, a13, ... of a
wide file) the log-rate of each group gains δ_k · w, the effects of
time-varying covariates such as employment or detention (traj's tcov),
with SEs; the curves are then at covariates zero, and trajkit plot --tcov
a=0,1 draws them at other values.

With --dist cnorm (the censored normal, Tobit: Stata traj's model(cnorm))
the values are real numbers, a scale such as self-reported delinquency:
the latent mean μ is the polynomial in age, y* ~ N(μ, σ²), and a value
y ≤ --min (default 0) is censored at --min, y ≥ --max (required) at
--max. σ is one for all groups, or one per group with --sigma group
(traj's sigmabygroup). The curves are E[y] under the censoring, with μ
beside it in model.json.

With --dropout ORDER (0-2, one for all groups or one per group) the fit
models non-random attrition (Haviland, Jones & Nagin 2011): careers that
end early through death, emigration or detention, at rates that differ
by group. Each group has a hazard of dropping out at each age, a logit
of that order in age, given that the person was observed at her previous
observed age; --dropout-lag 1 or 2 adds the previous one or two observed
responses (for counts whether the person offended, 1[y > 0]; for cnorm
the value) and --dropout-covariates a,b columns of --persons. A person
drops out after her last observed age unless her follow-up ended there:
--followup-end COLUMN (required; a column of --persons: the last age at
which she could be observed, the end of data collection for her) or
--followup-end window (everyone to the window's end). The shares are
those at the window's start; the summary, model.json (groups[k].dropout)
and --plot's DIR/dropout.png give each group's hazard by age and its
share among the persons still observed. traj's dropout(1 1 1) is
--dropout 0 --dropout-lag 1: traj's numlist gives each group's number of
lagged responses (0 a constant rate), trajkit's lag is one for all
groups and its order is in age. traj's dcov (lagged time-varying
covariates) has no counterpart yet; its obsmar (observations missing at
random) is what --followup-end says. Not yet with --dropout: --outcomes,
--dual, --start, --bootstrap.

With --outcomes a,b,c (count columns of a long file, or prefixes a12,
a13, ... of a wide file) the outcomes share the K groups and are
independent given the group: a multi-trajectory model (Nagin, Jones,
Passos & Tremblay 2018; traj's multgroups). Each outcome has its own
distribution and orders: repeat --dist, --order, --inflation and
--exposure as NAME=VALUE for one outcome; a value without NAME= is every
other outcome's. Groups are numbered by the first outcome's mean. The
630 cohort's trafficking (THB) cases beside its other cases:
  trajkit fit --data example:nl630-outcomes --outcomes thb,other --groups 4 \
      --ages 12-40 --dist thb=poisson --dist other=zip --order thb=2 --plot --out multi
model.json then holds each outcome's groups under "outcomes", and the
figure has a panel per outcome; --bootstrap resamples persons in every
outcome together (or simulates every outcome from the fit), and trajkit
score and simulate --model take the model. With --tcov w every outcome's
groups get their own effects δ_ko · w (traj's tcov with multgroups),
model.json's outcomes[o].groups[k].tcov_coef; the covariates are read
once per person and age, from every row or age at which some outcome is
observed. Not yet with --outcomes and --tcov: the parametric bootstrap,
as for one outcome.

With --dual A,B and --groups K1,K2 each outcome has its own groups, and
membership in B's groups depends on A's group: a dual trajectory model
(Nagin & Tremblay 2001; traj's models 1 and 2 without multgroups). --dist,
--order, --inflation and --exposure are given per outcome as with
--outcomes (--order A=... lists K1 orders, B=... K2). The summary gives
each outcome's groups with their shares and the tables of π(k2 | k1)
(rows sum to 1), π(k1 | k2) (columns sum to 1) and the joint π(k1, k2),
with SEs; --plot adds DIR/transitions.png, the table of π(k2 | k1):
  trajkit fit --data careers.csv --dual violent,property --groups 2,3 \
      --dist property=zip --order violent=1 --plot --out dual
assignments.csv is then id,group_A,group_B,A_p1..,B_p1.. (A and B the
outcomes' names). --persons FILE --risk a,b puts the risk factors on A's
groups: π(k1) a multinomial logit on them (log-odds against --reference,
one of A's groups), π(k2 | k1) the same for every person. With --tcov w
each outcome's groups get their own effects δ · w on that outcome's
linear predictor, model.json's outcomes[o].groups[k].tcov_coef, the
covariates read once per person and age as with --outcomes. --bootstrap
resamples persons with both outcomes (or simulates both from the fit),
matches each outcome's groups to the fit's separately and adds
percentile intervals of the three tables, in brackets in the summary
(the parametric bootstrap refuses time-varying covariates, as for one
outcome). trajkit score scores
new careers under it and simulate --model draws careers from it (both
outcomes' columns, truth.csv id,group_A,group_B; with --tcov from the
curves at covariates zero, with a warning that the covariates are not
drawn).

With --out DIR it writes DIR/model.json (the model, diagnostics and
settings) and DIR/assignments.csv (each person's posterior probabilities
and maximum-posterior group); with --plot also DIR/trajectories.png and
DIR/trajectories.svg (see trajkit plot for other figures). --labels names
the groups, once they are numbered, in model.json and everything drawn
from it; trajkit label names them afterwards. With --dual each outcome's
groups are named on their own, the flag repeated as for --order:
  --labels violent=low,high --labels property=rare,some,often
and the joint classes after their pairs ("high / often", as in
profiles.csv); an outcome not named keeps its numbers.

` + distalHelp

type fitFlags struct {
	dataFlags
	emFlags
	personFlags
	censorFlags
	distalFlags
	dropoutFlags
	groups                 int
	order, inflation, dist string
	dispersion             dispersionFlag
	noSE                   bool
	bootstrap              int
	bootstrapType          string
	out                    string
	plot                   bool
	safeCSV                bool
	labels                 labelsFlag
	start                  string
	// startFit is the --start model, read by readStart (nil without).
	startFit *trajectory.Fitted
	// dist, order and inflation may be given per outcome of --outcomes
	// (dataFlags.outcomes) or --dual.
	distOut, orderOut, inflationOut *perOutcome
	// dual names the two outcomes of a dual trajectory model, whose
	// numbers of groups are groupList (--groups K1,K2).
	dual      string
	groupList []int
}

func (f *fitFlags) register(fs *flag.FlagSet) {
	f.dataFlags.register(fs)
	f.dataFlags.registerTcov(fs)
	fs.Var(groupsFlag{&f.groups, &f.groupList}, "groups", "number of groups K (required); with --dual, K1,K2: the groups of each outcome")
	fs.StringVar(&f.dual, "dual", "", "two outcomes A,B each with its own groups, B's membership depending on A's group (a dual trajectory model): count columns of a long file or prefixes of a wide file; --groups K1,K2, and --dist, --order, --inflation and --exposure as NAME=VALUE as with --outcomes (see below)")
	fs.StringVar(&f.outcomes, "outcomes", "", "several outcomes sharing the groups (a multi-trajectory model): count columns of a long file or prefixes of a wide file, comma-separated (one name is the plain fit of that column); --dist, --order, --inflation and --exposure then take NAME=VALUE per outcome, repeated (see below)")
	f.order, f.dist = "3", "poisson"
	f.orderOut, f.distOut, f.inflationOut = newPerOutcome(&f.order), newPerOutcome(&f.dist), newPerOutcome(&f.inflation)
	fs.Var(f.orderOut, "order", "polynomial order of log λ in age, 0-5: one for all groups or one per group, separated by , or ; (as select prints them), e.g. 2,3,3,1 or \"2;3;3;1\"; with --outcomes, NAME=ORDERS for one outcome")
	fs.Var(f.distOut, "dist", distHelp+"; with --outcomes, NAME=DIST for one outcome")
	fs.Var(f.inflationOut, "inflation", "ZIP: order of the logit of the zero inflation, -1 (none) to 3: one for all groups or one per group, separated by , or ; (default 0 with --dist zip, -1 with poisson); with --outcomes, NAME=ORDERS for one outcome")
	f.censorFlags.register(fs)
	f.dispersion.register(fs)
	f.personFlags.register(fs)
	f.personFlags.registerWeights(fs)
	f.distalFlags.register(fs)
	f.dropoutFlags.register(fs)
	f.emFlags.register(fs)
	fs.StringVar(&f.start, "start", "", "start EM from the parameters of a fitted model, DIR/model.json or DIR (traj's start()): the same number of groups, distribution, orders, inflation orders, risk factors and --tcov (with --outcomes or --dual, the same outcomes and each outcome's model); one start beside the --starts others, or alone with --starts 0")
	fs.BoolVar(&f.noSE, "no-se", false, "skip the standard errors and intervals")
	fs.IntVar(&f.bootstrap, "bootstrap", 0, fmt.Sprintf("number of bootstrap replicates for percentile intervals of shares and curves, at most %d (0: none)", trajectory.MaxReplicates))
	fs.StringVar(&f.bootstrapType, "bootstrap-type", "person", "bootstrap: person (resample persons) or parametric (simulate from the fit)")
	fs.StringVar(&f.out, "out", "", "directory for model.json and assignments.csv (created if missing)")
	fs.BoolVar(&f.plot, "plot", false, "also write the trajectories figure, DIR/trajectories.png and .svg (needs --out)")
	f.labels.register(fs, `names of the groups, in group order (ascending mean expected count), comma-separated and distinct, e.g. "low,early-peak,late-peak,high": stored in model.json as trajkit label does; with --dual, OUTCOME=NAMES, the flag repeated for each outcome`)
	registerSafeCSV(fs, &f.safeCSV)
}

// model returns the model the flags describe for k groups; with
// checkOnly, for one group when one order and one inflation order stand
// for every group, which says whether they are valid at no cost whatever
// --groups says (lists of one order per group are as long as --groups).
// The model itself is made once the data say that --groups is no more
// than their persons.
func (f *fitFlags) model(k int, checkOnly bool) (trajectory.Model, error) {
	orders, err := parseOrders(f.order, "order")
	if err != nil {
		return trajectory.Model{}, err
	}
	infl, err := parseOrders(f.inflation, "inflation")
	if err != nil {
		return trajectory.Model{}, err
	}
	if checkOnly && len(orders) <= 1 && len(infl) <= 1 {
		k = 1
	}
	m, err := trajectory.NewModel(trajectory.Distribution(f.dist), k, orders, infl)
	if err != nil {
		return m, usagef("%v", err)
	}
	f.censorFlags.apply(&m)
	m.CommonDispersion, err = f.dispersion.common(f.dist)
	return m, err
}

// check validates the flags before any work is done.
func (f *fitFlags) check(fs *flag.FlagSet) error {
	f.dualOutcomes = f.dual != "" // --exposure NAME=VALUE is checked per outcome
	if err := f.dataFlags.check(); err != nil {
		return err
	}
	if f.groups < 1 {
		return usagef("--groups: expected a number of groups ≥ 1, got %d", f.groups)
	}
	if err := f.checkDual(fs); err != nil {
		return err
	}
	if f.dual != "" {
	} else if err := f.checkOutcomes(fs); err != nil {
		return err
	} else if names := f.outcomeNames(); len(names) == 1 {
		f.oneOutcome(names[0])
	}
	if f.outcomes != "" || f.dual != "" {
	} else if _, err := f.model(f.groups, true); err != nil {
		return err
	} else if err := f.censorFlags.check(fs, trajectory.Distribution(f.dist)); err != nil {
		return err
	}
	em := f.emFlags
	if f.start != "" && em.starts == 0 {
		em.starts = 1 // --starts 0: the start model alone
	}
	if f.starts == 0 && f.start == "" {
		return usagef("--starts 0 runs the --start model alone: it needs --start DIR/model.json")
	}
	return firstErr(
		em.check(fs),
		f.personFlags.check(f.groups),
		f.distalFlags.check(fs, f.persons),
		f.checkJoint(),
		f.dropoutFlags.check(f),
		checkCount("bootstrap", f.bootstrap, 0, trajectory.MaxReplicates),
		f.checkBootstrapType(),
		f.checkPlot(),
		f.checkLabels(),
		checkOut(f.out),
	)
}

// checkLabels checks --labels against --groups, with --dual against each
// outcome's.
func (f *fitFlags) checkLabels() error {
	if f.dual != "" {
		return f.labels.checkDual(f.dualNames(), f.groupList)
	}
	return f.labels.check(f.groups, f.outcomes != "")
}

func (f *fitFlags) checkBootstrapType() error {
	if f.bootstrapType != trajectory.PersonBootstrap && f.bootstrapType != trajectory.ParametricBootstrap {
		return usagef("--bootstrap-type %q: expected person or parametric", f.bootstrapType)
	}
	return nil
}

func (f *fitFlags) checkPlot() error {
	if f.plot && f.out == "" {
		return usagef("--plot needs --out DIR: the figures are written there")
	}
	return nil
}

// readStart reads the --start model (nil without --start), whose
// distribution, orders and inflation orders stand in for --dist, --order
// and --inflation when those are not given.
func (f *fitFlags) readStart(fs *flag.FlagSet) (*trajectory.Fitted, error) {
	if f.start == "" {
		return nil, nil
	}
	st, err := results.ReadModel(f.start)
	if err != nil {
		return nil, fmt.Errorf("--start: %w", err)
	}
	if st.IsMulti() || st.IsDual() || f.outcomes != "" || f.dual != "" {
		return st, f.checkStartOutcomes(st)
	}
	m := st.Model()
	if m.Groups() != f.groups {
		return nil, usagef("--start %s has %d groups, --groups says %d", results.ModelPath(f.start), m.Groups(), f.groups)
	}
	set := setFlags(fs)
	if !set["dist"] {
		f.dist = string(m.Distribution)
	}
	if !set["order"] {
		f.order = intList(m.Orders)
	}
	if !set["inflation"] {
		f.inflation = intList(m.Inflation)
	}
	return st, nil
}

// intList writes orders as --order takes them.
func intList(v []int) string {
	s := make([]string, len(v))
	for j, x := range v {
		s[j] = strconv.Itoa(x)
	}
	return strings.Join(s, ",")
}

func runFit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("fit", flag.ContinueOnError)
	var f fitFlags
	f.register(fs)
	if err := parseFlags(fs, fitUsage, args, stdout); err != nil {
		return err
	}
	if err := f.check(fs); err != nil {
		return err
	}
	var err error
	if f.startFit, err = f.readStart(fs); err != nil {
		return err
	}
	stop, err := startProfile(f.cpuprofile)
	if err != nil {
		return err
	}
	defer stop()
	if f.outcomes != "" {
		return runFitMulti(ctx, &f, fs, args, stdout, stderr)
	}
	if f.dual != "" {
		return runFitDual(ctx, &f, fs, args, stdout, stderr)
	}
	f.real = trajectory.Distribution(f.dist).Real()
	out, l, tRead, err := f.open(ctx, fs, args)
	if err != nil {
		return err
	}
	defer out.Abort()
	if f.groups > l.Careers.Len() {
		return usagef("--groups %d is more than the %s in the data", f.groups, words.Count(l.Careers.Len(), "person"))
	}
	m, err := f.model(f.groups, false)
	if err != nil {
		return err
	}
	warn(stderr, l.Warnings...)
	s := &trajectory.Settings{Search: f.search(ctx), NoSE: f.noSE, Risk: l.Risk, Reference: f.reference, Data: l.Settings, Weights: l.Weights}
	f.withStart(s)
	p := newProgress(stderr, "fit", f.quiet)
	s.Search.Progress = p.search
	fit, err := f.fitModel(l, m, s)
	p.done()
	if err != nil {
		return binarizeHint(err)
	}
	if f.bootstrap > 0 {
		p := newProgress(stderr, "fit --bootstrap", f.quiet)
		err := fit.Bootstrap(l.Careers, s, trajectory.BootstrapSettings{Replicates: f.bootstrap, Type: f.bootstrapType, Progress: p.steps("replicate")})
		p.done()
		if err != nil {
			return err
		}
	}
	return f.finish(out, fit, l, tRead, stdout)
}

// finish ends fit: the labels, the warnings of the reading, the summary
// and the profiles, and with --out the result set (model.json,
// assignments.csv, profiles.csv, --plot's figures), committed.
func (f *fitFlags) finish(out *results.Set, fit *trajectory.Fitted, l *careersio.Loaded, tRead time.Duration, stdout io.Writer) error {
	if err := f.labels.apply(fit); err != nil {
		return err
	}
	fit.Warnings = append(slices.Clone(l.Warnings), fit.Warnings...)
	fit.Timing["read_seconds"] = tRead.Seconds()
	if err := f.distalFlags.estimate(fit, l.Persons); err != nil {
		return err
	}
	writeSummary(stdout, fit)
	if fit.Distal != nil {
		fmt.Fprintln(stdout)
		writeDistal(stdout, fit)
	}
	var profiles []careersio.ProfileRow
	if l.Persons != nil {
		profiles = careersio.Profiles(l.Persons, fit)
		fmt.Fprintln(stdout)
		writeProfiles(stdout, profiles, fit)
	}
	if out == nil {
		return nil
	}
	if err := results.WriteFit(out, "", fit, results.Options{SafeCSV: f.safeCSV, Threads: f.threads}); err != nil {
		return err
	}
	if profiles != nil {
		if err := out.Write(results.ProfilesFile, func(w io.Writer) error { return results.WriteProfiles(w, profiles) }); err != nil {
			return err
		}
	}
	if f.plot {
		if err := writeFitFigures(out, &figureData{fit: fit, careers: l.Careers, outcomes: l.Outcomes}); err != nil {
			return err
		}
	}
	return commitOut(out, stdout)
}

// writeFitFigures writes fit --plot's figures: the trajectories, and for
// a dual model the transition probabilities, as PNG and SVG, with the
// figure flags' defaults.
func writeFitFigures(out *results.Set, d *figureData) error {
	var ff figureFlags
	ff.register(flag.NewFlagSet("", flag.ContinueOnError)) // the defaults
	kinds := []string{kindTrajectories}
	if d.fit.IsDual() {
		kinds = append(kinds, kindTransitions)
	}
	if d.fit.Attrition != nil {
		kinds = append(kinds, kindDropout)
	}
	for _, kind := range kinds {
		fig, err := ff.draw(kind, d)
		if err != nil {
			return err
		}
		for _, ext := range []string{".png", ".svg"} {
			if err := writeFigureTo(out, kind+ext, fig, ff.figureSize()); err != nil {
				return err
			}
		}
	}
	return nil
}
