package report

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/trajkit/trajkit/trajectory"
)

// dropoutTables are a dropout model's tables: each group's coefficients
// of the hazard's logit with their standard errors, and by age each
// group's hazard (with its 95% interval) and its share among the persons
// still observed.
func dropoutTables(f *trajectory.Fitted) []table {
	a := f.Attrition
	cov := "no covariates"
	if len(a.Covariates) > 0 {
		cov = "the covariates " + strings.Join(a.Covariates, ", ")
	}
	end := "the window's end for everyone"
	if a.FollowupEnd != "window" {
		end = fmt.Sprintf("the person file's column %q", a.FollowupEnd)
	}
	coef := table{
		Note: fmt.Sprintf("The logit of each group's probability of dropping out at an age, given observation at the previous observed age (Haviland, Jones & Nagin 2011): powers of the rescaled age a, %d lagged responses and %s; follow-up ends at %s; %d persons dropped out. Standard errors from model.json.",
			a.Lag, cov, end, a.Dropped),
		Header: []cell{{Text: "Group"}, {Text: "Term"}, {Text: "Estimate", Number: true}, {Text: "SE", Number: true}},
	}
	for j, g := range f.Groups {
		for c, name := range g.Dropout.Coef.Names {
			coef.Rows = append(coef.Rows, row{Cells: []cell{{Text: groupName(f, j)}, {Text: name},
				{Text: fmt.Sprintf("%.4f", g.Dropout.Coef.Values[c]), Number: true}, {Text: fmtNum(g.Dropout.SE.Values[c], 4), Number: true}}})
		}
	}
	byAge := table{
		Note:   "By age: each group's hazard (95% interval), at lagged responses and covariates zero, and its share among the persons still observed, π_k S_k / Σ_j π_j S_j with S_k the survival from the window's start; the groups' shares in the tables above are those at the window's start.",
		Header: []cell{{Text: "Age"}},
	}
	for j := range f.Groups {
		byAge.Header = append(byAge.Header, cell{Text: "Hazard " + strconv.Itoa(j+1), Number: true}, cell{Text: "Share " + strconv.Itoa(j+1) + " %", Number: true})
	}
	for t, pt := range f.Groups[0].Dropout.Curve {
		r := row{Cells: []cell{{Text: strconv.Itoa(pt.Age)}}}
		for _, g := range f.Groups {
			q := g.Dropout.Curve[t]
			h := fmt.Sprintf("%.4f", q.Hazard)
			if lo, hi := fmtNum(float64(q.HazardLo), 4), fmtNum(float64(q.HazardHi), 4); lo != "–" {
				h += " (" + lo + "–" + hi + ")"
			}
			r.Cells = append(r.Cells, cell{Text: h, Number: true}, cell{Text: fmt.Sprintf("%.1f", 100*q.ShareAtAge), Number: true})
		}
		byAge.Rows = append(byAge.Rows, r)
	}
	return []table{coef, byAge}
}

// groupName is group j's number and label.
func groupName(f *trajectory.Fitted, j int) string {
	if l := f.Groups[j].Label; l != "" {
		return strconv.Itoa(j+1) + " " + l
	}
	return strconv.Itoa(j + 1)
}
