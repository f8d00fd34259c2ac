package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/trajkit/trajkit/trajectory"
)

const selectUsage = `Usage: trajkit select --data FILE|example:NAME --groups LO-HI [flags]

Fits every candidate model and recommends one. For each number of groups
K in LO-HI, it fits every group at the highest order; with --orders LO-HI
it then searches per-group orders (Nagin's practice): it repeatedly drops
the highest term of the group whose drop lowers the BIC (N = persons) the
most, until no drop lowers it. Every model visited is a candidate. Larger
K are warm-started from the fit with one group fewer as well as from fresh
starts.

Recommendation rule: among candidates that meet Nagin's adequacy criteria
(every group's APP >= 0.7 and OCC >= 5, smallest share >= --min-share,
converged), the one with the lowest BIC with N = persons. The summary gives
the BIC difference to the runner-up and its reading as 2 ln(Bayes factor)
(Kass & Raftery 1995: < 2 weak, 2-6 positive, 6-10 strong, > 10 very
strong). With one group the classification criteria are met trivially.

With --cv F it also reports the F-fold cross-validated log-likelihood
(the sum over persons of their log-likelihood under the model fitted
without their fold) and crimCV's cross-validation error CVE (mean absolute
error of posterior-predicted counts over the held-out observed cells).

Examples:
  trajkit select --data example:sim630 --groups 1-5
  trajkit select --data example:sim630 --groups 2-4 --orders 1-3 --cv 5 --out sel
  trajkit select --data example:toronto1 --groups 1-4 --dist zip --inflation 0

With --out DIR it writes DIR/selection.csv (one row per candidate),
DIR/selection.json (the recommendation and the reason), the recommended
model in DIR/recommended/ (model.json, assignments.csv) and copies of
those two files in DIR itself.
`

type selectFlags struct {
	dataFlags
	emFlags
	groups, order, orders, dist, out string
	inflation                        int
	cv                               int
	minShare                         float64
}

func (f *selectFlags) register(fs *flag.FlagSet) {
	f.dataFlags.register(fs)
	f.dataFlags.registerTcov(fs)
	fs.StringVar(&f.groups, "groups", "1-6", "numbers of groups to compare, LO-HI (or one number)")
	fs.StringVar(&f.order, "order", "3", "polynomial order of every group, 0-5 (without --orders)")
	fs.StringVar(&f.orders, "orders", "", "search per-group orders in LO-HI, e.g. 0-3")
	fs.StringVar(&f.dist, "dist", "poisson", "count distribution: poisson or zip")
	fs.IntVar(&f.inflation, "inflation", 0, "ZIP: inflation order of every group, -1 (none) to 3")
	fs.IntVar(&f.cv, "cv", 0, "cross-validation folds (0: none)")
	fs.Float64Var(&f.minShare, "min-share", 0.05, "smallest group share of an adequate model")
	f.emFlags.register(fs)
	fs.StringVar(&f.out, "out", "", "directory for the selection files (created if missing)")
}

// settings checks the flags and returns the selection settings.
func (f *selectFlags) settings(fs *flag.FlagSet) (trajectory.SelectSettings, error) {
	var s trajectory.SelectSettings
	if err := f.dataFlags.check(); err != nil {
		return s, err
	}
	if err := f.emFlags.check(); err != nil {
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
	if f.orders != "" {
		set := false
		fs.Visit(func(fl *flag.Flag) { set = set || fl.Name == "order" })
		if set {
			return s, usagef("give --order or --orders, not both")
		}
		if s.MinOrder, s.MaxOrder, err = parseRange(f.orders, "orders"); err != nil {
			return s, err
		}
	} else {
		o, err := strconv.Atoi(f.order)
		if err != nil {
			return s, usagef("--order %q: select takes one order for every group (or --orders LO-HI)", f.order)
		}
		s.MinOrder, s.MaxOrder = o, o
	}
	if s.MinOrder < 0 || s.MaxOrder > trajectory.MaxOrder {
		return s, usagef("orders must lie in 0..%d", trajectory.MaxOrder)
	}
	s.Distribution = trajectory.Distribution(f.dist)
	infl := []int{f.inflation}
	set := false
	fs.Visit(func(fl *flag.Flag) { set = set || fl.Name == "inflation" })
	if s.Distribution == trajectory.Poisson && !set {
		infl = []int{-1}
	}
	if _, err := trajectory.NewModel(s.Distribution, 1, []int{s.MaxOrder}, infl); err != nil {
		return s, usagef("%v", err)
	}
	s.Inflation = infl[0]
	if f.cv == 1 || f.cv < 0 {
		return s, usagef("--cv %d: expected 0 (none) or at least 2 folds", f.cv)
	}
	s.CV = f.cv
	if !(f.minShare >= 0 && f.minShare < 1) {
		return s, usagef("--min-share %v: expected a share in [0, 1)", f.minShare)
	}
	s.MinShare = f.minShare
	s.Fit = *f.emFlags.settings()
	return s, checkOut(f.out)
}

// parseRange parses LO-HI or a single number.
func parseRange(v, name string) (int, int, error) {
	a, b, ok := strings.Cut(v, "-")
	if !ok {
		b = a
	}
	lo, err1 := strconv.Atoi(strings.TrimSpace(a))
	hi, err2 := strconv.Atoi(strings.TrimSpace(b))
	if err1 != nil || err2 != nil || lo > hi {
		return 0, 0, usagef("--%s %q: expected LO-HI, e.g. 1-6, or one number", name, v)
	}
	return lo, hi, nil
}

func runSelect(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("select", flag.ContinueOnError)
	var f selectFlags
	f.register(fs)
	if err := parseFlags(fs, selectUsage, args, stdout); err != nil {
		return err
	}
	s, err := f.settings(fs)
	if err != nil {
		return err
	}
	l, err := f.load(fs)
	if err != nil {
		return err
	}
	if s.MaxGroups > l.careers.Len() {
		return usagef("--groups %s: more groups than the %d persons in the data", f.groups, l.careers.Len())
	}
	s.Fit.Context = ctx
	sel, err := runSelection("select", l, s, stderr)
	if err != nil {
		return err
	}
	writeSelection(stdout, sel)
	if f.out == "" {
		return nil
	}
	if err := interrupted(ctx, f.out); err != nil {
		return err
	}
	if err := writeSelectionFiles(f.out, sel, &s, l); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nWrote %s, %s", filepath.Join(f.out, "selection.csv"), filepath.Join(f.out, "selection.json"))
	if sel.Fit != nil {
		fmt.Fprintf(stdout, " and the recommended model in %s", filepath.Join(f.out, "recommended"))
	}
	fmt.Fprintln(stdout)
	return nil
}

// runSelection prints the data's warnings, then runs the model selection
// with a progress line on stderr when it is a terminal.
func runSelection(name string, l *loaded, s trajectory.SelectSettings, stderr io.Writer) (*trajectory.Selection, error) {
	warn(stderr, l.warnings...)
	progress := newProgress(stderr, name)
	s.Progress = func(done int, c *trajectory.Candidate) {
		progress.update(fmt.Sprintf("%d models fitted; last: %d groups, orders %s", done, c.Groups, joinInts(c.Orders)))
	}
	sel, err := trajectory.Select(l.careers, s)
	progress.done()
	return sel, err
}

func joinInts(v []int) string { return trajectory.FormatOrders(v) }

func writeSelection(w io.Writer, sel *trajectory.Selection) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "K\tOrders\tLog-lik\tParams\tBIC (persons)\tBIC (obs)\tAIC\tEntropy\tMin APP\tMin OCC\tMin share\tBest reached\tAdequate\tCV log-lik\tCVE\t")
	for _, c := range sel.Candidates {
		mark := ""
		if c == sel.Recommended {
			mark = " *"
		}
		fmt.Fprintf(tw, "%d\t%s\t%.3f\t%d\t%.3f\t%.3f\t%.3f\t%s\t%s\t%s\t%.3f\t%d\t%s\t%s\t%s\t\n", c.Groups, joinInts(c.Orders)+mark,
			c.LogLik, c.NumParams, c.BICPersons, c.BICObs, c.AIC, fmtNum(c.Entropy, 3), fmtNum(c.MinAPP, 3), fmtNum(c.MinOCC, 1),
			c.MinShare, c.ReachedBest, yesNo(c.Adequate), fmtNum(c.CVLogLik, 3), fmtNum(c.CVE, 4))
	}
	tw.Flush()
	fmt.Fprintln(w)
	if r := sel.Recommended; r != nil {
		fmt.Fprintf(w, "Recommended: %d groups, orders %s (marked *): %s.\n", r.Groups, joinInts(r.Orders), sel.Reason)
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

// selectionJSON is the form of selection.json.
type selectionJSON struct {
	Recommended *candidateJSON `json:"recommended"`
	Reason      string         `json:"reason"`
	BestBIC     *candidateJSON `json:"best_bic"`
	RunnerUp    *candidateJSON `json:"runner_up"`
	// DeltaBIC is the runner-up's BIC minus the recommended one's, read as
	// 2 ln(Bayes factor) in KassRaftery.
	DeltaBIC    *float64      `json:"delta_bic"`
	KassRaftery string        `json:"kass_raftery,omitempty"`
	Criteria    criteriaJSON  `json:"criteria"`
	Candidates  int           `json:"candidates"`
	Data        any           `json:"data"`
	Settings    selectSetJSON `json:"settings"`
}

type candidateJSON struct {
	Groups          int      `json:"groups"`
	Orders          []int    `json:"orders"`
	InflationOrders []int    `json:"inflation_orders"`
	LogLik          float64  `json:"loglik"`
	NParams         int      `json:"n_params"`
	BICPersons      float64  `json:"bic_persons"`
	BICObs          float64  `json:"bic_obs"`
	AIC             float64  `json:"aic"`
	Adequate        bool     `json:"adequate"`
	CVLogLik        *float64 `json:"cv_loglik,omitempty"`
	CVE             *float64 `json:"cve,omitempty"`
}

type criteriaJSON struct {
	MinAPP   float64 `json:"min_app"`
	MinOCC   float64 `json:"min_occ"`
	MinShare float64 `json:"min_share"`
	Rule     string  `json:"rule"`
}

type selectSetJSON struct {
	Distribution trajectory.Distribution `json:"distribution"`
	Groups       [2]int                  `json:"groups"`
	Orders       [2]int                  `json:"orders"`
	Inflation    int                     `json:"inflation"`
	CV           int                     `json:"cv"`
	Seed         uint64                  `json:"seed"`
	Starts       int                     `json:"starts"`
}

func candJSON(c *trajectory.Candidate) *candidateJSON {
	if c == nil {
		return nil
	}
	return &candidateJSON{Groups: c.Groups, Orders: c.Orders, InflationOrders: c.Inflation, LogLik: c.LogLik, NParams: c.NumParams,
		BICPersons: c.BICPersons, BICObs: c.BICObs, AIC: c.AIC, Adequate: c.Adequate, CVLogLik: finitePtr(c.CVLogLik), CVE: finitePtr(c.CVE)}
}

func finitePtr(x float64) *float64 {
	if formatFloat(x) == "" {
		return nil
	}
	return &x
}

// writeSelectionFiles writes selection.csv, selection.json and the
// recommended model.
func writeSelectionFiles(dir string, sel *trajectory.Selection, s *trajectory.SelectSettings, l *loaded) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	err := writeAtomic(filepath.Join(dir, "selection.csv"), func(w io.Writer) error {
		cw := csv.NewWriter(w)
		cw.Write([]string{"groups", "orders", "inflation_orders", "loglik", "n_params", "bic_persons", "bic_obs", "aic", "entropy",
			"min_app", "min_occ", "min_share", "starts_reached_best", "adequate", "cv_loglik", "cve", "recommended"})
		for _, c := range sel.Candidates {
			cw.Write([]string{strconv.Itoa(c.Groups), joinInts(c.Orders), joinInts(c.Inflation), formatFloat(c.LogLik), strconv.Itoa(c.NumParams),
				formatFloat(c.BICPersons), formatFloat(c.BICObs), formatFloat(c.AIC), formatFloat(c.Entropy), formatFloat(c.MinAPP),
				formatFloat(c.MinOCC), formatFloat(c.MinShare), strconv.Itoa(c.ReachedBest), strconv.FormatBool(c.Adequate),
				formatFloat(c.CVLogLik), formatFloat(c.CVE), strconv.FormatBool(c == sel.Recommended)})
		}
		cw.Flush()
		return cw.Error()
	})
	if err != nil {
		return err
	}
	sj := selectionJSON{
		Recommended: candJSON(sel.Recommended),
		Reason:      sel.Reason,
		BestBIC:     candJSON(sel.BestBIC),
		RunnerUp:    candJSON(sel.RunnerUp),
		Criteria: criteriaJSON{MinAPP: trajectory.MinAPP, MinOCC: trajectory.MinOCC, MinShare: s.MinShare,
			Rule: "among candidates with APP >= 0.7 and OCC >= 5 in every group, smallest share >= min_share and converged, the lowest bic_persons"},
		Candidates: len(sel.Candidates),
		Data:       l.settings,
		Settings: selectSetJSON{Distribution: s.Distribution, Groups: [2]int{s.MinGroups, s.MaxGroups}, Orders: [2]int{s.MinOrder, s.MaxOrder},
			Inflation: s.Inflation, CV: s.CV, Seed: s.Fit.Seed, Starts: s.Fit.Starts},
	}
	if sel.Recommended != nil && sel.RunnerUp != nil {
		d := sel.RunnerUp.BICPersons - sel.Recommended.BICPersons
		sj.DeltaBIC = &d
		sj.KassRaftery = trajectory.KassRaftery(d)
	}
	err = writeAtomic(filepath.Join(dir, "selection.json"), func(w io.Writer) error {
		b, err := json.MarshalIndent(sj, "", "  ")
		if err != nil {
			return err
		}
		_, err = w.Write(append(b, '\n'))
		return err
	})
	if err != nil || sel.Fit == nil {
		return err
	}
	mf := sel.Fit.File(&s.Fit, l.settings)
	if err := writeFitOutputs(filepath.Join(dir, "recommended"), mf, sel.Fit); err != nil {
		return err
	}
	return writeFitOutputs(dir, mf, sel.Fit)
}
