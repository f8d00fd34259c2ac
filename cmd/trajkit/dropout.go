package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/trajkit/trajkit/internal/words"
	"github.com/trajkit/trajkit/trajectory"
	"github.com/trajkit/trajkit/trajectory/careersio"
)

// followupWindow is --followup-end's value for follow-up to the window's
// end for everyone.
const followupWindow = "window"

// dropoutFlags are fit's flags of the dropout model (traj's dropout()).
type dropoutFlags struct {
	dropout, covariates, followupEnd string
	lag                              int
}

func (d *dropoutFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&d.dropout, "dropout", "", "model non-random attrition (Haviland, Jones & Nagin 2011; traj's dropout()): the order, 0-2, of each group's dropout hazard's logit in age, one for all groups or one per group; needs --followup-end (see below)")
	fs.IntVar(&d.lag, "dropout-lag", 0, "with --dropout: the number of previous observed responses in the hazard, 0-2 (for counts whether the person offended, 1[y > 0]; for cnorm the value)")
	fs.StringVar(&d.covariates, "dropout-covariates", "", "with --dropout: columns of --persons in the hazard, comma-separated (numbers)")
	fs.StringVar(&d.followupEnd, "followup-end", "", "with --dropout: a column of --persons holding the last age at which each person could be observed (a career that ends there was censored, not ended by dropout), or window: everyone could be observed to the window's end")
}

// on reports whether a dropout model was asked for.
func (d *dropoutFlags) on() bool { return d.dropout != "" }

// check validates the flags for a model of k groups, before any work.
func (d *dropoutFlags) check(f *fitFlags) error {
	if !d.on() {
		for _, x := range []struct {
			name string
			set  bool
		}{{"dropout-lag", d.lag != 0}, {"dropout-covariates", d.covariates != ""}, {"followup-end", d.followupEnd != ""}} {
			if x.set {
				return usagef("--%s needs --dropout ORDER, the dropout model", x.name)
			}
		}
		return nil
	}
	orders, err := parseOrders(d.dropout, "dropout")
	if err != nil {
		return err
	}
	for _, p := range orders {
		if p < 0 || p > trajectory.MaxDropoutOrder {
			return usagef("--dropout %s: an order is %d, expected 0, 1 or 2", d.dropout, p)
		}
	}
	if len(orders) != 1 && len(orders) != f.groups {
		return usagef("--dropout %s: %s for %s, expected one for all groups or one per group", d.dropout, words.Count(len(orders), "order"), words.Count(f.groups, "group"))
	}
	if d.lag < 0 || d.lag > trajectory.MaxDropoutLag {
		return usagef("--dropout-lag %d: expected 0, 1 or 2", d.lag)
	}
	switch {
	case d.followupEnd == "":
		return usagef("--dropout needs --followup-end COLUMN (a column of --persons: the last age at which each person could be observed) or --followup-end window (everyone to the window's end): a career that ends when data collection ends is censored, not a dropout")
	case d.followupEnd != followupWindow && f.persons == "":
		return usagef("--followup-end %s needs --persons, the file that holds the column", d.followupEnd)
	case d.covariates != "" && f.persons == "":
		return usagef("--dropout-covariates needs --persons, the file that holds the covariates")
	case f.outcomes != "" || f.dual != "":
		return usagef("--dropout is for a model of one outcome, not yet with --outcomes or --dual")
	case f.start != "":
		return usagef("--dropout cannot start from --start yet")
	case f.bootstrap > 0:
		return usagef("--dropout has no --bootstrap yet")
	}
	return checkList("dropout-covariates", d.covariates)
}

// spec returns the dropout model the flags describe for the loaded data.
func (d *dropoutFlags) spec(l *careersio.Loaded) (trajectory.Dropout, error) {
	orders, err := parseOrders(d.dropout, "dropout")
	if err != nil {
		return trajectory.Dropout{}, err
	}
	s := trajectory.Dropout{Orders: orders, Lag: d.lag, Names: splitList(d.covariates)}
	ids := l.Careers.IDs
	if d.followupEnd != followupWindow {
		age := func(x float64) string {
			if x < 0 || x != math.Trunc(x) {
				return "an age (a whole number of years)"
			}
			return ""
		}
		if s.FollowupEnd, err = l.Persons.Numbers(d.followupEnd, "follow-up end", ids, age); err != nil {
			return s, err
		}
	}
	if len(s.Names) > 0 {
		s.X = make([][]float64, len(ids))
		for i := range s.X {
			s.X[i] = make([]float64, len(s.Names))
		}
		for c, name := range s.Names {
			v, err := l.Persons.Numbers(name, "dropout covariate", ids, nil)
			if err != nil {
				return s, err
			}
			for i, x := range v {
				s.X[i][c] = x
			}
		}
	}
	return s, nil
}

// fitModel fits model m: with the dropout model or the joint distal
// outcome when asked for.
func (f *fitFlags) fitModel(l *careersio.Loaded, m trajectory.Model, s *trajectory.Settings) (*trajectory.Fitted, error) {
	if f.distalFlags.joint() {
		return f.distalFlags.fitJoint(l, m, s)
	}
	if !f.dropoutFlags.on() {
		return trajectory.Fit(l.Careers, m, s)
	}
	d, err := f.dropoutFlags.spec(l)
	if err != nil {
		return nil, err
	}
	return trajectory.FitDropout(l.Careers, m, d, f.dropoutFlags.followupEnd, s)
}

// writeDropout prints the dropout model: per group the hazard's
// coefficients with their standard errors, then the hazard and the share
// among the persons still observed by age.
func writeDropout(w io.Writer, f *trajectory.Fitted) {
	a := f.Attrition
	cov := "no covariates"
	if len(a.Covariates) > 0 {
		cov = "covariates " + strings.Join(a.Covariates, ", ")
	}
	end := "the window's end for everyone"
	if a.FollowupEnd != followupWindow {
		end = fmt.Sprintf("column %q of %s", a.FollowupEnd, f.Settings.Data.Persons)
	}
	fmt.Fprintf(w, "Dropout model (Haviland, Jones & Nagin 2011): logit of the hazard in age, lag %d, %s; follow-up ends at %s; %s dropped out\n\n",
		a.Lag, cov, end, words.Count(a.Dropped, "person"))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "Group\tTerm\tEstimate\tSE\t")
	for j, g := range f.Groups {
		for c, name := range g.Dropout.Coef.Names {
			fmt.Fprintf(tw, "%d\t%s\t%.4f\t%s\t\n", j+1, name, g.Dropout.Coef.Values[c], fmtNum(g.Dropout.SE.Values[c], 4))
		}
	}
	tw.Flush()
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	head := "Age\t"
	for j := range f.Groups {
		head += fmt.Sprintf("Hazard %d\tShare %d %%\t", j+1, j+1)
	}
	fmt.Fprintln(tw, head)
	for t := range f.Groups[0].Dropout.Curve {
		fmt.Fprintf(tw, "%d\t", f.Groups[0].Dropout.Curve[t].Age)
		for _, g := range f.Groups {
			pt := g.Dropout.Curve[t]
			fmt.Fprintf(tw, "%.4f\t%.1f\t", pt.Hazard, 100*pt.ShareAtAge)
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	fmt.Fprintln(w, "(hazards at lagged responses and covariates zero; share = the group's share among the persons still observed, from the hazards' survival)")
	fmt.Fprintln(w)
}
