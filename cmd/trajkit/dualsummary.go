package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/trajkit/trajkit/internal/words"
	"github.com/trajkit/trajkit/trajectory"
)

// writeDualHeading prints the first line of a dual model's summary.
func writeDualHeading(w io.Writer, f *trajectory.Fitted) {
	a, b := f.Outcomes[0], f.Outcomes[1]
	fmt.Fprintf(w, "Dual trajectory model: %s (%s), %s (%s), %s's groups given %s's (%d joint classes)\n",
		a.Name, words.Count(len(a.Groups), "group"), b.Name, words.Count(len(b.Groups), "group"), b.Name, a.Name, len(f.Groups))
}

// writeDualTables prints each outcome's adequacy table, then the three
// tables of the transition probabilities with their standard errors, as
// traj prints them for a dual model: π(k2 | k1) (each row sums to one),
// π(k1 | k2) (each column sums to one) and the joint π(k1, k2).
func writeDualTables(w io.Writer, f *trajectory.Fitted) {
	for o, out := range f.Outcomes {
		fmt.Fprintf(w, "%s:\n", out.Name)
		writeAdequacy(w, f.Outcome(o))
	}
	a, b, t := f.Outcomes[0], f.Outcomes[1], f.Transition
	boot := ""
	if t.BGivenALoBoot != nil {
		boot = ", bootstrap 95% percentile intervals in brackets"
	}
	fmt.Fprintf(w, "\nTransition probabilities (Nagin & Tremblay 2001), standard errors in parentheses%s; rows are %s's groups, columns %s's\n", boot, a.Name, b.Name)
	for _, tab := range []struct {
		title  string
		p      [][]float64
		se     [][]trajectory.Float
		lo, hi [][]trajectory.Float // nil without a bootstrap
	}{
		{fmt.Sprintf("π(k2 | k1): group of %s given group of %s (each row sums to 1)", b.Name, a.Name), t.BGivenA, t.BGivenASE, t.BGivenALoBoot, t.BGivenAHiBoot},
		{fmt.Sprintf("π(k1 | k2): group of %s given group of %s (each column sums to 1)", a.Name, b.Name), t.AGivenB, t.AGivenBSE, t.AGivenBLoBoot, t.AGivenBHiBoot},
		{"π(k1, k2): joint probabilities (all sum to 1)", t.Joint, t.JointSE, t.JointLoBoot, t.JointHiBoot},
	} {
		fmt.Fprintf(w, "%s\n", tab.title)
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
		head := []string{a.Name + " \\ " + b.Name}
		for j := range b.Groups {
			head = append(head, b.Groups[j].ShortHeading())
		}
		fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
		for k1, row := range tab.p {
			cells := []string{a.Groups[k1].ShortHeading()}
			for k2, p := range row {
				cell := fmt.Sprintf("%.3f (%s)", p, fmtNum(float64(tab.se[k1][k2]), 3))
				if tab.lo != nil {
					cell += fmt.Sprintf(" [%s, %s]", fmtNum(float64(tab.lo[k1][k2]), 3), fmtNum(float64(tab.hi[k1][k2]), 3))
				}
				cells = append(cells, cell)
			}
			fmt.Fprintln(tw, strings.Join(cells, "\t")+"\t")
		}
		tw.Flush()
	}
}
