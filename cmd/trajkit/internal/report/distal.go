package report

import (
	"fmt"
	"math"
	"strings"

	"github.com/trajkit/trajkit/internal/words"
	"github.com/trajkit/trajkit/trajectory"
)

// distalBox is the distal outcome's section: its table by group and the
// Wald test.
type distalBox struct {
	table
	Wald string
}

var distalMethods = map[trajectory.DistalMethod]string{
	trajectory.DistalML:       "Vermunt's (2010) three-step ML correction: each person's assigned group, with the classification errors D[k, s] = P(assigned s | group k) from the posteriors held fixed, is an indicator of her true group in a mixture of the distal outcome",
	trajectory.DistalBCH:      "the BCH correction (Bolck, Croon & Hagenaars 2004; Vermunt 2010): weighted means with weights from D⁻¹, with sandwich standard errors (Asparouhov & Muthén 2014)",
	trajectory.DistalClassify: "classify-then-analyse: the means among the persons assigned to each group, biased toward the overall mean by the classification errors; for comparison only",
	trajectory.DistalJoint:    "estimated jointly with the trajectories (traj's outcome()): the outcome is one more factor of each group's likelihood, so that it takes part in defining the groups (Vermunt 2010); standard errors from the observed information of the joint model",
}

// distalSection shows the distal outcome by group (nil without one): the
// mean with its SE and 95% interval, or each category's probability and
// SE, and the Wald test of equal groups.
func distalSection(f *trajectory.Fitted) *distalBox {
	d := f.Distal
	if d == nil {
		return nil
	}
	s := &distalBox{}
	s.Note = fmt.Sprintf("%s (model %s), from the person file, by group: %s. %s with a value", d.Name, d.Model, distalMethods[d.Method], capitalize(words.Count(d.N, "person")))
	if d.Missing > 0 {
		s.Note += fmt.Sprintf("; %d without one left out", d.Missing)
	}
	s.Note += ". The standard errors hold D fixed."
	s.Header = []cell{{Text: "Group"}}
	if d.Model == trajectory.DistalMlogit {
		for c := range d.Categories {
			s.Header = append(s.Header, cell{Text: "P(" + d.CategoryName(c) + ")", Number: true}, cell{Text: "SE", Number: true})
		}
	} else {
		what := "Mean"
		if d.Model == trajectory.DistalLogit {
			what = "P(1)"
		}
		s.Header = append(s.Header, cell{Text: what, Number: true}, cell{Text: "SE", Number: true}, cell{Text: "95% CI", Number: true})
	}
	for _, g := range d.ByGroup {
		cells := []cell{{Text: groupHeading(f, g.Number)}}
		if d.Model == trajectory.DistalMlogit {
			for c, p := range g.Probs {
				cells = append(cells, cell{Text: fmtNum(p, 4), Number: true}, cell{Text: orDash(float64(g.ProbSE[c])), Number: true})
			}
		} else {
			m, se := float64(g.Mean), float64(g.SE)
			ci := "–"
			if !math.IsNaN(se) {
				ci = fmtNum(m-1.96*se, 4) + " to " + fmtNum(m+1.96*se, 4)
			}
			cells = append(cells, cell{Text: fmtNum(m, 4), Number: true}, cell{Text: orDash(se), Number: true}, cell{Text: ci, Number: true})
		}
		s.Rows = append(s.Rows, row{Cells: cells})
	}
	p := "p = " + pOrDash(float64(d.Wald.P))
	if strings.HasPrefix(p, "p = <") {
		p = "p " + p[4:]
	}
	s.Wald = fmt.Sprintf("Wald test that the groups do not differ: χ² = %s, df = %d, %s.", orDash(float64(d.Wald.Chi2)), d.Wald.DF, p)
	return s
}

func orDash(x float64) string {
	if math.IsNaN(x) {
		return "–"
	}
	return fmtNum(x, 4)
}
