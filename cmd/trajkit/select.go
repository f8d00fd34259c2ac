package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/trajkit/trajkit/internal/words"
	"github.com/trajkit/trajkit/mixture"
	"github.com/trajkit/trajkit/trajectory"
	"github.com/trajkit/trajkit/trajectory/careersio"
	"github.com/trajkit/trajkit/trajectory/results"
)

// selectUsage takes the adequacy thresholds from their one home,
// trajectory.MinAPP and trajectory.MinOCC.
var selectUsage = fmt.Sprintf(`Usage: trajkit select --data FILE|example:NAME --groups LO-HI [flags]

Fits every candidate model and recommends one. For each number of groups
K in LO-HI, it fits every group at the highest order; with --orders LO-HI
it then searches per-group orders (Nagin's practice): it repeatedly drops
the highest term of the group whose drop lowers the BIC (N = persons) the
most, until no drop lowers it. Every model visited is a candidate. Larger
K are warm-started from the fit with one group fewer as well as from fresh
starts.

Recommendation rule: among candidates that meet Nagin's adequacy criteria
(every group's APP >= %v and OCC >= %v, smallest share >= --min-share,
converged), the one with the lowest BIC with N = persons. The summary gives
the BIC difference to the runner-up and its reading as 2 ln(Bayes factor)
(Kass & Raftery 1995: < 2 weak, 2-6 positive, 6-10 strong, > 10 very
strong). With one group the classification criteria are met trivially.

With --cv F it also reports the F-fold cross-validated log-likelihood
(the sum over persons of their log-likelihood under the model fitted
without their fold) and crimCV's cross-validation error CVE (mean absolute
error of posterior-predicted counts over the held-out observed cells).

--inflation (ZIP) takes one inflation order for every group of every K,
or one per group, separated by , or ; as fit takes them (traj's iorder):
a list of K orders describes a K-group model, so it needs --groups K, one
number, and the order search then keeps each group's inflation order with
it. (A list of K says nothing of the groups of another K: which group of a
3-group model is the third of a 4-group one?)

With --dist nb or zinb every candidate has a dispersion α per group, or
with --dispersion common one for all groups, counted in its BIC. Counts
overdispersed within groups make a Poisson search add groups that soak
up the extra variance; the NB search does not (docs/validation.md).

With --persons FILE and --risk a,b, every candidate has a multinomial
logit of membership on those risk factors (traj's risk()), and its BIC
counts their coefficients; the recommended model is written with its odds
ratios against group 1 (refit with fit --reference for another). Nagin's
practice (Nagin 2005) is to choose K without covariates and then
add them to the chosen model with fit: risk factors change what the
groups are and which K has the lowest BIC, so select with --risk answers
another question. --persons alone leaves the search as it is and adds the
recommended model's group profiles (profiles.csv), as fit --persons does.

With --blrt B, for each K >= 2 of the range it runs the parametric
bootstrap likelihood-ratio test of K-1 against K groups (McLachlan 1987;
Nylund, Asparouhov & Muthen 2007: Mplus's TECH14), both with every group
at the highest order: LR = 2 (loglik K - loglik K-1) against B data sets
simulated from the K-1 fit on each person's own ages, exposures and risk
factors, each fitted with K-1 groups (from the generating parameters)
and with K groups (from splits of the generating groups, the start by
mean rate and 10 random starts); p = (1 + #{LR* >= LR}) / (B + 1), so
B >= 20 is needed for p < 0.05 (B = 99 or 199 is usual). The columns
blrt_lr, blrt_p, blrt_replicates, blrt_failed and blrt_negative (how many
replicates gave LR* < 0: the K fit stopped at a local maximum) hold each
test on the row of its K at the highest order. --recommend blrt then
recommends the smallest K whose test against K+1 has p >= 0.05 (of its
candidates, the adequate one with the lowest BIC) instead of the lowest
BIC. The tests run after the search and are not checkpointed: select
--resume takes the finished models from the checkpoint and runs the
tests again (same seeds, same results).

With --outcomes a,b (as fit --outcomes: count columns of a long file or
prefixes of a wide one) select chooses K of a multi-trajectory model, the
outcomes sharing the groups (Nagin, Jones, Passos & Tremblay 2018). Each
outcome has its own --dist, --order and --inflation, given as NAME=VALUE
(a value without NAME= is every other outcome's), and keeps those orders
at every K: there is no order search (a per-group search over several
outcomes is combinatorial), so --orders is refused, as are --blrt,
--recommend blrt, --resume and --count; --tcov gives every candidate's
groups their effects in every outcome. Larger K are
warm-started from the fit with one group fewer, each group split in all
outcomes at once; adequacy and the recommendation are those above, of the
shared groups. With --cv F the folds are of persons; each fold's model is
refitted on the other persons from the full fit, and the held-out persons
are scored jointly: the CV log-likelihood is theirs over all outcomes
together, and each outcome has its own CVE (the mean absolute error of its
values predicted with the joint posteriors), in selection.csv's column
cve_NAME (cve itself is then empty: errors on different scales do not
add up).

Examples:
  trajkit select --data example:sim630 --groups 1-5
  trajkit select --data example:sim630 --groups 4 --blrt 20
  trajkit select --data example:sim630 --groups 2-4 --orders 1-3 --cv 5 --out sel
  trajkit select --data example:toronto1 --groups 1-4 --dist zip --inflation 0
  trajkit select --data example:toronto1 --groups 3 --orders 1-3 --dist zip --inflation "0;0;-1"
  trajkit select --data example:nl630 --ages 12-39 --persons example:nl630-persons --risk sex,starting_qualification --groups 2-4 --dist zip
  trajkit select --data careers.csv --groups 1-5 --persons persons.csv --weights sampling_weight --cv 5
  trajkit select --data example:scores --groups 1-3 --dist cnorm --max 10
  trajkit select --data example:nl630-outcomes --outcomes thb,other --groups 1-4 --dist thb=zip --order thb=2 --order other=3

--weights COLUMN fits every candidate with the persons' sampling weights
(see trajkit fit -h): BIC and the cross-validated log-likelihood are then
weighted. select takes no --start: a start model starts one fit (trajkit
fit --start), not a search over models. Nor does it take --dropout or
--distal (or --dropout-lag, --dropout-covariates, --followup-end,
--distal-model, --distal-method): it chooses the number of groups of the
trajectories alone, and trajkit fit --groups K then fits the chosen K
with the dropout model or the distal outcome.

With --out DIR it writes DIR/selection.csv (one row per candidate),
DIR/selection.json (the recommendation and the reason), the recommended
model in DIR/recommended/ (model.json, assignments.csv) and copies of
those two files in DIR itself; with --persons also DIR/profiles.csv.

While it runs, select --out DIR keeps each finished model in
DIR/.partial/ (outside the published files, with its parameters in full
precision). After an interrupt, the same command with --resume goes on
from there without refitting those models, and writes the selection.csv
an uninterrupted run writes. The settings must be the same (every search
flag, and the career file: its size and SHA-256 are checked); a
difference is an error that names it. DIR/.partial/ is removed once the
selection is published; a run without --resume starts afresh.
`, trajectory.MinAPP, trajectory.MinOCC)

type selectFlags struct {
	dataFlags
	emFlags
	personFlags
	censorFlags
	groups, order, orders, dist, out string
	inflation                        string
	dispersion                       dispersionFlag
	cv                               int
	blrt                             int
	recommend                        string
	minShare                         minShareFlag
	safeCSV                          bool
	resume                           bool
	// distOut, orderOut and inflationOut are --dist, --order and
	// --inflation, which each outcome of --outcomes may give.
	distOut, orderOut, inflationOut *perOutcome
}

// selectRefused are fit's flags of a dropout model and of distal
// outcomes. select registers them only to refuse them with what to do
// instead (rather than Go's "flag provided but not defined"): the number
// of groups is chosen for the trajectories alone, and the chosen K is
// fitted with them.
var selectRefused = []struct{ name, model, fit string }{
	{"dropout", "a dropout model", "--dropout ORDER --followup-end COLUMN|window"},
	{"dropout-lag", "a dropout model", "--dropout ORDER --dropout-lag L"},
	{"dropout-covariates", "a dropout model", "--dropout ORDER --dropout-covariates COLUMNS"},
	{"followup-end", "a dropout model", "--dropout ORDER --followup-end COLUMN|window"},
	{"distal", "distal outcomes", "--persons FILE --distal COLUMN"},
	{"distal-model", "distal outcomes", "--persons FILE --distal COLUMN --distal-model MODEL"},
	{"distal-method", "distal outcomes", "--persons FILE --distal COLUMN --distal-method METHOD"},
}

// checkRefused returns the usage error of the first refused flag given,
// in selectRefused's order.
func (f *selectFlags) checkRefused(fs *flag.FlagSet) error {
	given := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { given[fl.Name] = true })
	for _, r := range selectRefused {
		if given[r.name] {
			return usagef("--%s: select chooses the number of groups without %s; choose K here, then fit it with trajkit fit --groups K %s", r.name, r.model, r.fit)
		}
	}
	if given["dual"] {
		return usagef("--dual: select does not search dual trajectory models; choose each outcome's number of groups with select --count A and select --count B, then fit them with trajkit fit --dual A,B --groups K1,K2")
	}
	return nil
}

func (f *selectFlags) register(fs *flag.FlagSet) {
	f.dataFlags.register(fs)
	f.dataFlags.registerTcov(fs)
	fs.StringVar(&f.groups, "groups", "1-6", "numbers of groups to compare, LO-HI (or one number)")
	fs.StringVar(&f.outcomes, "outcomes", "", "several outcomes sharing the groups (a multi-trajectory model, as fit --outcomes): count columns or prefixes, comma-separated; --dist, --order, --inflation and --exposure then take NAME=VALUE per outcome, repeated")
	f.order, f.dist = "3", "poisson"
	f.orderOut, f.distOut, f.inflationOut = newPerOutcome(&f.order), newPerOutcome(&f.dist), newPerOutcome(&f.inflation)
	fs.Var(f.orderOut, "order", "polynomial order of every group, 0-5 (without --orders); with --outcomes, NAME=ORDER for one outcome, or NAME=ORDERS one per group with --groups K")
	fs.StringVar(&f.orders, "orders", "", "search per-group orders in LO-HI, e.g. 0-3 (one outcome only)")
	fs.Var(f.distOut, "dist", distHelp+"; with --outcomes, NAME=DIST for one outcome")
	fs.Var(f.inflationOut, "inflation", "ZIP: order of the logit of the zero inflation, -1 (none) to 3: one for every group of every K, or one per group separated by , or ; with --groups K (default 0 with --dist zip, -1 with poisson); with --outcomes, NAME=ORDERS for one outcome")
	f.censorFlags.register(fs)
	f.dispersion.register(fs)
	fs.IntVar(&f.cv, "cv", 0, "cross-validation folds (0: none)")
	fs.IntVar(&f.blrt, "blrt", 0, "bootstrap likelihood-ratio test of K-1 vs K groups with this many replicates, for each K >= 2 (0: none)")
	fs.StringVar(&f.recommend, "recommend", trajectory.RecommendBIC, "recommendation rule: bic (lowest BIC among adequate models) or blrt (smallest K whose BLRT against K+1 has p >= 0.05; needs --blrt)")
	f.personFlags.registerFile(fs)
	f.personFlags.registerWeights(fs)
	f.minShare.register(fs)
	f.emFlags.register(fs)
	fs.StringVar(&f.out, "out", "", "directory for the selection files (created if missing)")
	fs.BoolVar(&f.resume, "resume", false, "continue the interrupted search of the same settings in --out, from its checkpoint")
	registerSafeCSV(fs, &f.safeCSV)
	for _, r := range selectRefused {
		fs.String(r.name, "", fmt.Sprintf("not taken by select, which chooses K without %s: fit the chosen K with trajkit fit --%s", r.model, r.name))
	}
	fs.String("dual", "", "not taken by select: choose each outcome's K with select --count, then fit them with trajkit fit --dual A,B --groups K1,K2")
}

// settings checks the flags and returns the selection settings.
func (f *selectFlags) settings(ctx context.Context, fs *flag.FlagSet) (trajectory.SelectSettings, error) {
	var s trajectory.SelectSettings
	if err := f.checkRefused(fs); err != nil {
		return s, err
	}
	if err := f.dataFlags.check(); err != nil {
		return s, err
	}
	if err := f.emFlags.check(fs); err != nil {
		return s, err
	}
	lo, hi, err := parseRange(f.groups, "groups")
	if err != nil {
		return s, err
	}
	if lo < 1 {
		return s, usagef("--groups %q: expected numbers of groups ≥ 1", f.groups)
	}
	s.MinGroups, s.MaxGroups = lo, hi
	if f.outcomes != "" {
		if err := f.checkMulti(fs, lo, hi); err != nil {
			return s, err
		}
	} else if err := f.singleSettings(&s, fs, lo, hi); err != nil {
		return s, err
	}
	if err := f.personFlags.checkFile(); err != nil {
		return s, err
	}
	if f.cv == 1 || f.cv < 0 {
		return s, usagef("--cv %d: expected 0 (none) or at least 2 folds", f.cv)
	}
	s.CV = f.cv
	if f.blrt < 0 || f.blrt > trajectory.MaxReplicates {
		return s, usagef("--blrt %d: expected 0 (none) to %d replicates", f.blrt, trajectory.MaxReplicates)
	}
	if f.recommend != trajectory.RecommendBIC && f.recommend != trajectory.RecommendBLRT {
		return s, usagef("--recommend %q: expected bic or blrt", f.recommend)
	}
	if f.recommend == trajectory.RecommendBLRT && f.blrt == 0 {
		return s, usagef("--recommend blrt needs the tests: give --blrt B (e.g. 99)")
	}
	if f.blrt > 0 && hi < 2 {
		return s, usagef("--blrt compares K-1 and K groups: --groups %s needs K >= 2", f.groups)
	}
	if f.blrt > 0 && len(s.Inflation) > 1 {
		return s, usagef("--blrt compares K-1 and K groups at the same orders: give one --inflation order for every group")
	}
	s.BLRT, s.Recommend = f.blrt, f.recommend
	if err := f.minShare.check(); err != nil {
		return s, err
	}
	s.MinShare = float64(f.minShare)
	s.Fit = trajectory.Settings{Search: f.search(ctx)}
	if f.resume && f.out == "" {
		return s, usagef("--resume continues the search checkpointed in --out: give --out")
	}
	return s, checkOut(f.out)
}

// singleSettings checks the flags of one outcome's model (distribution,
// orders, inflation, family settings) and sets them in s.
func (f *selectFlags) singleSettings(s *trajectory.SelectSettings, fs *flag.FlagSet, lo, hi int) error {
	var err error
	if err := f.distOut.check("dist", nil); err != nil {
		return err
	}
	if err := f.orderOut.check("order", nil); err != nil {
		return err
	}
	if err := f.inflationOut.check("inflation", nil); err != nil {
		return err
	}
	if f.orders != "" {
		set := false
		fs.Visit(func(fl *flag.Flag) { set = set || fl.Name == "order" })
		if set {
			return usagef("give --order or --orders, not both")
		}
		if s.MinOrder, s.MaxOrder, err = parseRange(f.orders, "orders"); err != nil {
			return err
		}
	} else {
		o, err := strconv.Atoi(f.order)
		if err != nil {
			return usagef("--order %q: select takes one order for every group (or --orders LO-HI)", f.order)
		}
		s.MinOrder, s.MaxOrder = o, o
	}
	if s.MinOrder < 0 || s.MaxOrder > trajectory.MaxOrder {
		return usagef("orders must lie in 0..%d", trajectory.MaxOrder)
	}
	s.Distribution = trajectory.Distribution(f.dist)
	infl, err := parseOrders(f.inflation, "inflation")
	if err != nil {
		return err
	}
	if n := len(infl); n > 1 && (lo != n || hi != n) {
		return usagef("--inflation %q: %d inflation orders, one per group, describe a %d-group model: give --groups %d (one value applies to every group of every K)", f.inflation, n, n, n)
	}
	if _, err := trajectory.NewModel(s.Distribution, max(len(infl), 1), []int{s.MaxOrder}, infl); err != nil {
		return usagef("%v", err)
	}
	s.Inflation = infl
	if err := f.censorFlags.check(fs, s.Distribution); err != nil {
		return err
	}
	m := trajectory.Model{Distribution: s.Distribution}
	f.censorFlags.apply(&m)
	s.SigmaByGroup, s.Censor = m.SigmaByGroup, m.Censor
	f.real = s.Distribution.Real()
	s.CommonDispersion, err = f.dispersion.common(f.dist)
	return err
}

func runSelect(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("select", flag.ContinueOnError)
	var f selectFlags
	f.register(fs)
	if err := parseFlags(fs, selectUsage, args, stdout); err != nil {
		return err
	}
	s, err := f.settings(ctx, fs)
	if err != nil {
		return err
	}
	stop, err := startProfile(f.cpuprofile)
	if err != nil {
		return err
	}
	defer stop()
	if f.outcomes != "" {
		return runSelectMulti(ctx, &f, fs, s, args, stdout, stderr)
	}
	out, err := beginOut(ctx, f.out, "select", args)
	if err != nil {
		return err
	}
	defer out.Abort()
	l, err := f.load(ctx, fs, &f.personFlags)
	if err != nil {
		return err
	}
	if err := checkPersons(s, f.groups, l.Careers.Len()); err != nil {
		return err
	}
	s.Fit.Data, s.Fit.Risk, s.Fit.Weights = l.Settings, l.Risk, l.Weights
	warn(stderr, l.Warnings...)
	if s.BLRT > 0 && s.BLRT < 20 {
		fmt.Fprintf(stderr, "trajkit: warning: --blrt %d: p = (1 + #{LR* >= LR}) / (B + 1) is at least 1/%d, 0.05 or more whatever the data: give --blrt 20 or more (99 or 199 is usual) for a test at 5%%\n", s.BLRT, s.BLRT+1)
	}
	var cp *results.Checkpoint
	if out != nil {
		if cp, s.Done, err = results.OpenCheckpoint(out.Dir(), s, f.resume); err != nil {
			return err
		}
		switch partial := filepath.Join(out.Dir(), results.PartialDir); {
		case f.resume && len(s.Done) > 0:
			fmt.Fprintf(stderr, "select: resuming after the %s in %s\n", words.Count(len(s.Done), "model"), partial)
		case f.resume:
			fmt.Fprintf(stderr, "select: no model finished in %s: starting from the first\n", partial)
		}
		s.Progress = func(done int, c *trajectory.Candidate) {
			cp.Add(done, c)
			if candidateHook != nil {
				candidateHook(done)
			}
		}
	}
	sel, err := runSelection("select", l.Careers, s, stderr, f.quiet)
	if err := cp.Err(); err != nil {
		fmt.Fprintf(stderr, "trajkit: warning: %v\n", err)
	}
	if err != nil && cp != nil && ctx.Err() != nil && cp.Err() == nil {
		return fmt.Errorf("%w; the finished models are kept in %s: run the same command with --resume to go on", err, filepath.Join(out.Dir(), results.PartialDir))
	}
	if err != nil {
		return err
	}
	if err := f.publish(out, sel, s, l, stdout); err != nil {
		return err
	}
	return cp.Remove()
}

// publish writes the selection to stdout and, with --out, the selection
// files.
func (f *selectFlags) publish(out *results.Set, sel *trajectory.Selection, s trajectory.SelectSettings, l *careersio.Loaded, stdout io.Writer) error {
	writeSelection(stdout, sel)
	if sel.Fit != nil && (sel.Fit.Risk() != nil || l.Persons != nil) {
		fmt.Fprintln(stdout)
	}
	if sel.Fit != nil && sel.Fit.Risk() != nil {
		writeMembership(stdout, sel.Fit, "") // ends with an empty line
	}
	var profiles []careersio.ProfileRow
	if l.Persons != nil && sel.Fit != nil {
		profiles = careersio.Profiles(l.Persons, sel.Fit)
		writeProfiles(stdout, profiles, sel.Fit)
	}
	if out == nil {
		return nil
	}
	if err := results.WriteSelection(out, sel, s, results.Options{SafeCSV: f.safeCSV, Threads: f.threads}); err != nil {
		return err
	}
	if profiles != nil {
		if err := out.Write(results.ProfilesFile, func(w io.Writer) error { return results.WriteProfiles(w, profiles) }); err != nil {
			return err
		}
	}
	return commitOut(out, stdout)
}

// candidateHook, when not nil, is called after each candidate of select
// --out is checkpointed: tests interrupt a search there.
var candidateHook func(done int)

// checkPersons checks the flags of a model search that the data bound:
// --groups (given as groups) and --cv are at most the n persons.
func checkPersons(s trajectory.SelectSettings, groups string, n int) error {
	if s.MaxGroups > n {
		return usagef("--groups %s: more groups than the %s in the data", groups, words.Count(n, "person"))
	}
	if s.CV > n {
		return usagef("--cv %d: more folds than the %s in the data", s.CV, words.Count(n, "person"))
	}
	return nil
}

// runSelection runs the model selection with a progress report on
// stderr (see progress), none when quiet.
func runSelection(name string, c *trajectory.Careers, s trajectory.SelectSettings, stderr io.Writer, quiet bool) (*trajectory.Selection, error) {
	return runSearch(name, s, stderr, quiet, func(s trajectory.SelectSettings) (*trajectory.Selection, error) { return trajectory.Select(c, s) })
}

// runSearch runs the model search search with settings s and their
// progress report, as runSelection does.
func runSearch(name string, s trajectory.SelectSettings, stderr io.Writer, quiet bool, search func(trajectory.SelectSettings) (*trajectory.Selection, error)) (*trajectory.Selection, error) {
	p := newProgress(stderr, name, quiet)
	report, also := p.selection(s), s.Progress
	s.Progress = func(done int, c *trajectory.Candidate) {
		if also != nil {
			also(done, c)
		}
		report(done, c)
	}
	s.FoldProgress = p.fold
	s.BLRTProgress = p.blrt()
	s.Fit.Search.Progress = p.searching
	sel, err := search(s)
	err = binarizeHint(err)
	p.done()
	return sel, err
}

// selection returns a Progress callback of a model search with settings
// s. Without an order search the candidates are one per K, so the report
// gives models done of total and an ETA; with it the number of models of
// a K is not known ahead, and the report gives the K reached of the range.
func (p *progress) selection(s trajectory.SelectSettings) func(int, *trajectory.Candidate) {
	return func(done int, c *trajectory.Candidate) {
		last := "last: " + c.Describe()
		if s.MinOrder >= s.MaxOrder {
			total := s.MaxGroups - s.MinGroups + 1
			p.models = fmt.Sprintf("%d of %s fitted%s", done, words.Count(total, "model"), p.eta(done, total))
			p.allDone = done == total
		} else {
			p.models = fmt.Sprintf("%s fitted, K = %d of %d-%d", words.Count(done, "model"), c.Groups, s.MinGroups, s.MaxGroups)
		}
		p.update(p.models + "; " + last)
	}
}

// searching reports the EM search of the model being fitted
// (mixture.Settings.Progress of the search's fits).
func (p *progress) searching(r mixture.Progress) {
	head := p.models
	if head == "" {
		head = "no model fitted yet"
	}
	next := "fitting the next"
	if p.allDone {
		// After the last model: the recommended one refitted with
		// standard errors.
		next = "refitting the recommended model"
	}
	p.update(fmt.Sprintf("%s; %s: %s, %d of %s done, best log-likelihood %.3f", head, next, r.Phase, r.Done, words.Count(r.Total, "start"), r.BestLogLik))
}

// fold reports the cross-validation of model m (SelectSettings.FoldProgress).
func (p *progress) fold(m trajectory.Model, done, folds int) {
	head := p.models
	if head == "" {
		head = "no model fitted yet"
	}
	what := words.Count(m.Groups(), "group")
	if m.Distribution != trajectory.Multi {
		what += ", orders " + trajectory.FormatOrders(m.Orders)
	}
	p.update(fmt.Sprintf("%s; cross-validating %s: fold %d of %d", head, what, done, folds))
}

// blrt returns the report of the bootstrap likelihood-ratio tests
// (SelectSettings.BLRTProgress), with the ETA of the test under way.
func (p *progress) blrt() func(groups, done, total int) {
	var began time.Time
	test := 0
	return func(groups, done, total int) {
		if groups != test {
			test, began = groups, p.now()
		}
		eta := ""
		if el := p.now().Sub(began); done < total {
			eta = ", ETA " + time.Duration(float64(el)/float64(done)*float64(total-done)).Round(time.Second).String() + " for the test"
		}
		p.update(fmt.Sprintf("%s; bootstrap LRT of %d vs %d groups: %d of %s done%s", p.models, groups-1, groups, done, words.Count(total, "replicate"), eta))
	}
}

func writeSelection(w io.Writer, sel *trajectory.Selection) {
	// The inflation orders get a column when they differ between the
	// groups of a model (a per-group --inflation list): the orders alone
	// would not say which group has which.
	perGroup := slices.ContainsFunc(sel.Candidates, func(c *trajectory.Candidate) bool {
		return slices.ContainsFunc(c.Inflation, func(q int) bool { return q != c.Inflation[0] })
	})
	infl := func(c *trajectory.Candidate) string {
		if !perGroup {
			return ""
		}
		return trajectory.FormatOrders(c.Inflation) + "\t"
	}
	// The tests get columns when they ran.
	tests := sel.Tests != nil
	blrt := func(c *trajectory.Candidate) string {
		switch {
		case !tests:
			return ""
		case c.BLRT == nil:
			return "\t\t"
		}
		return fmt.Sprintf("%.2f\t%.3f\t", c.BLRT.LR, c.BLRT.P)
	}
	// A multi-trajectory search has its outcomes' orders above the table,
	// the same at every K, and a CVE column per outcome.
	multi := sel.Outcomes != nil
	cveHead, cve := "CVE\t", func(c *trajectory.Candidate) string { return fmtNum(c.CVE, 4) + "\t" }
	if multi {
		var desc []string
		cveHead = ""
		for _, o := range sel.Outcomes {
			d := fmt.Sprintf("%s (%s, orders %s", o.Name, o.Distribution, trajectory.FormatOrders(o.Orders))
			if o.Distribution.HasInflation() && o.Inflation != nil {
				d += ", inflation " + trajectory.FormatOrders(o.Inflation)
			}
			desc = append(desc, d+")")
			cveHead += "CVE " + o.Name + "\t"
		}
		fmt.Fprintf(w, "Outcomes: %s.\n\n", strings.Join(desc, ", "))
		cve = func(c *trajectory.Candidate) string {
			var cells string
			for _, o := range c.Outcomes {
				cells += fmtNum(o.CVE, 4) + "\t"
			}
			return cells
		}
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	head := "K\tOrders\t"
	if multi {
		head = "K\t"
	}
	if perGroup {
		head += "Inflation\t"
	}
	tail := ""
	if tests {
		tail = "BLRT LR\tBLRT p\t"
	}
	fmt.Fprintln(tw, head+"Log-lik\tParams\tBIC (persons)\tBIC (obs)\tAIC\tEntropy\tMin APP\tMin OCC\tSmallest share\tBest reached\tAdequate\tCV log-lik\t"+cveHead+tail)
	for _, c := range sel.Candidates {
		mark := ""
		if c == sel.Recommended {
			mark = " *"
		}
		first := fmt.Sprintf("%d\t%s\t", c.Groups, trajectory.FormatOrders(c.Orders)+mark)
		if multi {
			first = fmt.Sprintf("%d%s\t", c.Groups, mark)
		}
		fmt.Fprintf(tw, "%s%s%.3f\t%d\t%.3f\t%.3f\t%.3f\t%s\t%s\t%s\t%.3f\t%d\t%s\t%s\t%s%s\n", first, infl(c),
			c.LogLik, c.NumParams, c.BICPersons, c.BICObs, c.AIC, fmtNum(c.Entropy, 3), fmtNum(c.MinAPP, 3), fmtNum(c.MinOCC, 1),
			c.SmallestShare, c.ReachedBest, yesNo(c.Adequate), fmtNum(c.CVLogLik, 3), cve(c), blrt(c))
	}
	tw.Flush()
	fmt.Fprintln(w)
	if r := sel.Recommended; r != nil {
		what := r.Describe()
		if perGroup {
			what += ", inflation orders " + trajectory.FormatOrders(r.Inflation)
		}
		fmt.Fprintf(w, "Recommended: %s (marked *): %s.\n", what, sel.Reason)
	} else {
		fmt.Fprintf(w, "No recommendation: %s.\n", sel.Reason)
	}
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
