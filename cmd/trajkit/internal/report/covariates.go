package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/trajkit/trajkit/trajectory"
	"github.com/trajkit/trajkit/trajectory/figure"
)

// The sections of a model with covariates: the membership model on risk
// factors and the effects of the time-varying covariates, from
// model.json's covariates and each group's coefficients and standard
// errors. The numbers are those the terminal summary prints.

// effectsBox is a table of coefficients by group: per group a block of
// rows, the group named in the first.
type effectsBox struct {
	Note, SENote string
	// EstimateTitle and RatioTitle head the columns of the coefficient
	// and of its exponential.
	EstimateTitle, RatioTitle string
	Groups                    []effectGroup
	Wald                      []waldRow
}

type effectGroup struct {
	Name, Colour string
	Rows         []effectRow
}

// effectRow is one coefficient: its estimate, SE and 95% interval, the
// exponentiated estimate (odds ratio or rate ratio) with its interval, z
// and p.
type effectRow struct {
	Name, Estimate, SE, Ratio, RatioCI, Z, P string
}

type waldRow struct{ Variable, Chi2, DF, P string }

// effect writes a coefficient b with standard error se (NaN or ≤ 0 when
// not known); hasSE records whether it was.
func effect(name string, b, se float64, hasSE *bool) effectRow {
	r := effectRow{Name: name, Estimate: fmtNum(b, 4), SE: "–", Ratio: fmtNum(math.Exp(b), 3), RatioCI: "–", Z: "–", P: "–"}
	if !math.IsNaN(se) && se > 0 {
		*hasSE = true
		z := b / se
		r.SE, r.Z, r.P = fmtNum(se, 4), fmtNum(z, 2), formatP(trajectory.WaldP(z))
		r.RatioCI = fmtNum(math.Exp(b-trajectory.Z975*se), 3) + " to " + fmtNum(math.Exp(b+trajectory.Z975*se), 3)
	}
	return r
}

// membershipSection shows the multinomial logit of group membership on
// the risk factors: per group other than the reference, the log-odds of
// belonging to it rather than to the reference group, their odds ratios
// with 95% intervals, and a Wald test per risk factor; nil without risk
// factors. Each group's swatch has its colour in st, as in the figures.
func membershipSection(f *trajectory.Fitted, st *figure.Style) *effectsBox {
	risk := f.Risk()
	if risk == nil || len(risk.Names) == 0 {
		return nil
	}
	cov := f.Covariates
	ref := cov.Reference
	b := &effectsBox{EstimateTitle: "Log-odds", RatioTitle: "Odds ratio", Note: fmt.Sprintf("Group membership is a multinomial logit on the risk factors %s (traj's risk()): for each group, the log-odds of belonging to it rather than to the reference group (%s); the odds ratio is exp(log-odds), the change in those odds per unit of the risk factor.",
		strings.Join(risk.Variables, ", "), groupHeading(f, ref))}
	var base []string
	for v, l := range risk.BaseLevels {
		if l != "" && v < len(risk.Variables) {
			base = append(base, risk.Variables[v]+" against "+risk.BaseName(v))
		}
	}
	switch {
	case len(base) > 0:
		b.Note += " Categorical risk factors enter as one indicator per level (variable=level): " + strings.Join(base, ", ") + "."
	case strings.Contains(strings.Join(risk.Names, ""), "="):
		b.Note += " A categorical risk factor enters as one indicator per level (variable=level), against its first level in sorted order."
	}
	if len(risk.ValueLabels) > 0 {
		b.Note += labelNote
	}
	hasSE := false
	for j := range f.Groups {
		g := &f.Groups[j]
		if j+1 == ref {
			continue
		}
		eg := effectGroup{Name: groupHeading(f, j+1), Colour: st.GroupColour(j + 1)}
		for a, name := range g.MembershipCoef.Names {
			se := math.NaN()
			if a < len(g.MembershipSE.Values) {
				se = g.MembershipSE.Values[a]
			}
			eg.Rows = append(eg.Rows, effect(risk.CovariateName(name), g.MembershipCoef.Values[a], se, &hasSE))
		}
		b.Groups = append(b.Groups, eg)
	}
	for _, t := range cov.Wald {
		b.Wald = append(b.Wald, waldRow{Variable: t.Variable, Chi2: fmtNum(float64(t.Chi2), 2), DF: fmt.Sprint(t.DF), P: pOrDash(float64(t.P))})
	}
	b.SENote = seNote(hasSE)
	return b
}

// labelNote says how the tables of a model whose person file has value
// labels name the labelled levels (trajectory.LevelName).
const labelNote = " A level with a value label (from a Stata or SPSS person file) is shown by its code with the label in brackets."

// tcovSection shows the effects δ of the time-varying covariates on each
// group's log-rate, with their rate ratios exp(δ); nil without
// time-varying covariates. Swatches take the groups' colours in st.
func tcovSection(f *trajectory.Fitted, st *figure.Style) *effectsBox {
	names := f.TcovNames()
	if len(names) == 0 {
		return nil
	}
	b := &effectsBox{EstimateTitle: "δ", RatioTitle: "Rate ratio", Note: fmt.Sprintf("The log-rate of each group gains δ·w, the effects of the time-varying covariates %s (traj's tcov): the rate ratio exp(δ) multiplies the group's expected count per unit of the covariate.",
		strings.Join(names, ", "))}
	if f.IsMulti() {
		b.RatioTitle = "exp(δ)"
		b.Note = fmt.Sprintf("Each outcome's linear predictor in each group gains δ·w, the effects of the time-varying covariates %s (traj's tcov with multgroups), one per outcome and group (rows outcome: covariate): exp(δ) is a rate ratio of a count outcome's expected count, an odds ratio of a logit outcome's probability.",
			strings.Join(names, ", "))
	}
	if at := f.Covariates.CurveAt; at != "" {
		b.Note += " " + capitalize(at) + "."
	}
	hasSE := false
	rows := func(eg *effectGroup, g *trajectory.Group, prefix string) {
		for a, name := range g.TcovCoef.Names {
			se := math.NaN()
			if a < len(g.TcovSE.Values) {
				se = g.TcovSE.Values[a]
			}
			eg.Rows = append(eg.Rows, effect(prefix+name, g.TcovCoef.Values[a], se, &hasSE))
		}
	}
	if f.IsDual() {
		// Each outcome has groups of its own, named by outcome as in the
		// groups' table.
		b.RatioTitle = "exp(δ)"
		b.Note = fmt.Sprintf("Each outcome's linear predictor in each of its groups gains δ·w, the effects of the time-varying covariates %s, one per outcome and group: exp(δ) is a rate ratio of a count outcome's expected count, an odds ratio of a logit outcome's probability.",
			strings.Join(names, ", "))
		if at := f.Covariates.CurveAt; at != "" {
			b.Note += " " + capitalize(at) + "."
		}
		for _, out := range f.Outcomes {
			for j := range out.Groups {
				eg := effectGroup{Name: out.Name + ", " + out.Groups[j].Heading(), Colour: st.GroupColour(j + 1)}
				rows(&eg, &out.Groups[j], "")
				b.Groups = append(b.Groups, eg)
			}
		}
		b.SENote = seNote(hasSE)
		return b
	}
	for j := range f.Groups {
		eg := effectGroup{Name: groupHeading(f, j+1), Colour: st.GroupColour(j + 1)}
		for o, v := range views(f) {
			prefix := ""
			if f.IsMulti() {
				prefix = f.Outcomes[o].Name + ": "
			}
			rows(&eg, &v.Groups[j], prefix)
		}
		b.Groups = append(b.Groups, eg)
	}
	b.SENote = seNote(hasSE)
	return b
}

// groupHeading names group k (1-based) of f in a table as the terminal's
// tables do (Group.Heading): "Group k", and its label after it when it
// has one.
func groupHeading(f *trajectory.Fitted, k int) string {
	if k >= 1 && k <= len(f.Groups) {
		return f.Groups[k-1].Heading()
	}
	return "Group " + strconv.Itoa(k)
}

func seNote(hasSE bool) string {
	if hasSE {
		return "Standard errors from model.json; 95% intervals exp(estimate ± 1.96 SE); z = estimate / SE, p two-sided from the normal distribution."
	}
	return "model.json has no standard errors, so SE, intervals, z and p are not shown."
}

func pOrDash(p float64) string {
	if math.IsNaN(p) {
		return "–"
	}
	return formatP(p)
}
