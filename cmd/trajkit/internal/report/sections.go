package report

import (
	"bytes"
	"fmt"
	"html"
	"html/template"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/trajkit/trajkit/internal/words"
	"github.com/trajkit/trajkit/trajectory"
	"github.com/trajkit/trajkit/trajectory/careersio"
	"github.com/trajkit/trajkit/trajectory/figure"
)

// The sections of the report: each fills its part of the page with text
// ready to show.

func distName(d trajectory.Distribution) string {
	if d == "" {
		return "Poisson"
	}
	return d.Name()
}

// linearPredictor names the polynomial of a distribution's groups.
func linearPredictor(d trajectory.Distribution) string {
	switch {
	case d == trajectory.Logit:
		return "logit P(y = 1)"
	case d.Real():
		return "the latent mean μ"
	}
	return "log λ"
}

// dataSection summarises the careers as read (s): c, or with several
// outcomes (f.Outcomes) each of outs, one block of rows per outcome.
func (p *page) dataSection(f *trajectory.Fitted, c *trajectory.Careers, outs []*trajectory.Careers, s trajectory.DataSettings) {
	p.Data = []keyValue{
		{"File", s.File},
		{"Layout", layout(s, f.Outcomes)},
		{"Ages modelled", fmt.Sprintf("%d-%d", c.MinAge, c.MaxAge())},
		{"Persons", strconv.Itoa(c.Len())},
	}
	if len(f.Outcomes) == 0 || len(outs) != len(f.Outcomes) {
		p.Data = append(p.Data, careerRows(c, "", s.Exposure)...)
		return
	}
	for o, out := range f.Outcomes {
		p.Data = append(p.Data, careerRows(outs[o], out.Name+": ", out.Exposure)...)
	}
}

// careerRows summarise careers c (of exposure column exposure, "" for
// none), each key after prefix.
func careerRows(c *trajectory.Careers, prefix, exposure string) []keyValue {
	var offences, offenders int
	var exposed float64
	for i := 0; i < c.Len(); i++ {
		y := 0
		c.Cells(i, func(x trajectory.Cell) {
			y += x.Y
			exposed += x.Exposure
		})
		offences += y
		if y > 0 {
			offenders++
		}
	}
	obs := c.ObservedByAge()
	lo, hi := slices.Min(obs), slices.Max(obs)
	expo := "none: every observed year counts as 1"
	if exposure != "" {
		expo = "column " + exposure
	}
	rows := []keyValue{
		{"Exposure (time at risk)", expo},
		{"Person-age observations", strconv.Itoa(c.NumObs)},
		{"Persons observed per age", fmt.Sprintf("%d to %d", lo, hi)},
		{"Offences", strconv.Itoa(offences)},
		{"Persons with at least one offence", fmt.Sprintf("%d (%s)", offenders, trajectory.FormatShare(float64(offenders)/float64(c.Len())))},
		{"Offences per person-year at risk", fmtNum(float64(offences)/exposed, 4)},
	}
	if c.Real() {
		rows = append(rows[:len(rows)-3], realValues(c)...)
	}
	for j := range rows {
		rows[j].Key = prefix + rows[j].Key
	}
	return rows
}

// realValues summarises real-valued careers (the censored normal's) in
// place of the offences.
func realValues(c *trajectory.Careers) []keyValue {
	var sum float64
	nonzero := 0
	for k := range c.V {
		if c.Exposure(int32(k)) > 0 {
			sum += c.V[k]
			if c.V[k] != 0 {
				nonzero++
			}
		}
	}
	return []keyValue{
		{"Mean value per observed year", fmtNum(sum/float64(c.NumObs), 4)},
		{"Observed years with a value other than 0", fmt.Sprintf("%d (%s)", nonzero, trajectory.FormatShare(float64(nonzero)/float64(c.NumObs)))},
	}
}

// layout describes how the career file is laid out: its count column or
// prefix, or with several outcomes theirs.
func layout(s trajectory.DataSettings, outs []trajectory.OutcomeFit) string {
	names := []string{s.Count}
	if len(outs) > 0 {
		names = names[:0]
		for _, out := range outs {
			names = append(names, out.Name)
		}
	}
	if s.Format == string(careersio.Wide) {
		cols := make([]string, len(names))
		for o, n := range names {
			cols[o] = fmt.Sprintf("%s12, %s13, ...", n, n)
		}
		return fmt.Sprintf("wide: one row per person, id in column %s, counts in columns %s", s.ID, strings.Join(cols, " and "))
	}
	if len(names) > 1 {
		return fmt.Sprintf("long: one row per person and age, id and age in columns %s and %s, the outcomes' counts in columns %s", s.ID, s.Age, strings.Join(names, ", "))
	}
	return fmt.Sprintf("long: one row per person and age, id, age and count in columns %s, %s and %s", s.ID, s.Age, s.Count)
}

// modelSection describes the model, its fit and the multi-start report.
func (p *page) modelSection(m *trajectory.Fitted) {
	p.Model = []keyValue{{"Groups", strconv.Itoa(len(m.Groups))}}
	if m.IsDual() {
		a, b := m.Outcomes[0], m.Outcomes[1]
		p.Model[0].Value = fmt.Sprintf("%d of %s and %d of %s (%d pairs)", len(a.Groups), a.Name, len(b.Groups), b.Name, len(a.Groups)*len(b.Groups))
	}
	for o, v := range views(m) {
		of := ""
		if len(m.Outcomes) > 0 {
			of = " (" + m.Outcomes[o].Name + ")"
		}
		orders := make([]int, len(v.Groups))
		infl := make([]int, len(v.Groups))
		for j, g := range v.Groups {
			orders[j], infl[j] = g.Order, g.InflationOrder
		}
		p.Model = append(p.Model, keyValue{"Distribution" + of, distName(v.Distribution)},
			keyValue{"Polynomial orders of " + linearPredictor(v.Distribution) + of, joinList(orders, ", ")})
		if v.Distribution.HasInflation() {
			p.Model = append(p.Model, keyValue{"Orders of the logit of the zero inflation (−1: none)" + of, joinList(infl, ", ")})
		}
	}
	if m.Settings.Data.Binarize {
		p.Model = append(p.Model, keyValue{"Outcome", "an offence in the year or not (every count above 0 made 1)"})
	}
	p.Model = append(p.Model, keyValue{"Age in the polynomials", fmt.Sprintf("a = (age − %g) / %g", m.Scaling.Center, m.Scaling.Scale)})
	if m.Settings.Weighted {
		p.Model = append(p.Model, keyValue{"Sampling weights", fmt.Sprintf("column %q of %s, rescaled to sum to %d; the log-likelihood is weighted and the standard errors are model-based, not design-based",
			m.Settings.Data.Weights, m.Settings.Data.Persons, m.NumPersons)})
	}
	if m.Settings.Start != "" {
		alone := "beside the other starts"
		if m.Settings.StartOnly {
			alone = "alone"
		}
		p.Model = append(p.Model, keyValue{"Start", fmt.Sprintf("the parameters of %s, %s", m.Settings.Start, alone)})
	}
	st := m.Starts
	p.Criteria = []keyValue{
		{"Log-likelihood", fmtNum(m.LogLik, 3)},
		{"Parameters", strconv.Itoa(m.NumParams)},
		{"BIC, N = " + words.Count(m.NumPersons, "person"), fmtNum(m.BICPersons, 2)},
		{"BIC, N = " + words.Count(m.NumObs, "observation"), fmtNum(m.BICObs, 2)},
		{"AIC", fmtNum(m.AIC, 2)},
		{"Relative entropy", fmtNum(float64(m.Entropy), 3)},
		{"Starts", fmt.Sprintf("%d, %d run to convergence, the best log-likelihood reached by %d", st.Total, st.RunToConvergence, st.ReachedBest)},
		{"Status", fmt.Sprintf("%s after %s", m.Status, words.Count(m.Iterations, "iteration"))},
	}
	for _, w := range m.Warnings {
		p.Warnings = append(p.Warnings, w.String())
	}
}

// views returns the fit's outcomes as fits of one outcome each: the fit
// itself unless it is a multi-trajectory model.
func views(m *trajectory.Fitted) []*trajectory.Fitted {
	if len(m.Outcomes) == 0 {
		return []*trajectory.Fitted{m}
	}
	vs := make([]*trajectory.Fitted, len(m.Outcomes))
	for o := range vs {
		vs[o] = m.Outcome(o)
	}
	return vs
}

// groupSections writes the groups' shares and adequacy diagnostics, and
// their coefficients with standard errors when model.json has them (of
// each outcome in turn, for a multi-trajectory model, whose mean is the
// first outcome's).
func (p *page) groupSections(m *trajectory.Fitted, st *figure.Style) {
	p.MinAPP, p.MinOCC = trajectory.MinAPP, trajectory.MinOCC
	vs := views(m)
	for o, v := range vs {
		if o > 0 && !m.IsDual() {
			break // the groups are the same in every outcome
		}
		p.groupRows(m, o, v, st)
	}
	hasSE := false
	var notes []string
	for o, v := range vs {
		prefix := ""
		if len(m.Outcomes) > 0 {
			prefix = m.Outcomes[o].Name + ", "
		}
		note := p.coefBlocks(v, st, &hasSE, prefix)
		if len(m.Outcomes) > 0 {
			note = m.Outcomes[o].Name + ": " + note
		}
		notes = append(notes, note)
	}
	p.CoefNote = strings.Join(notes, "; ")
	if hasSE {
		p.CoefNote += ". Standard errors from model.json; z = estimate / SE, p two-sided from the normal distribution."
	} else {
		p.CoefNote += ". model.json has no standard errors, so SE, z and p are not shown."
	}
}

// groupRows adds the rows of the groups of view v, outcome o of m (a dual
// model's outcomes have groups of their own, named by outcome).
func (p *page) groupRows(m *trajectory.Fitted, o int, v *trajectory.Fitted, st *figure.Style) {
	for j := range v.Groups {
		g := &v.Groups[j]
		name := g.Name()
		if m.IsDual() {
			name = m.Outcomes[o].Name + ", " + name
		}
		r := groupRow{
			Name:      name,
			Colour:    st.GroupColour(j + 1),
			Share:     trajectory.FormatShare(g.Share),
			ShareSE:   "–",
			ShareCI:   "–",
			Assigned:  trajectory.FormatShare(g.AssignedShare),
			NAssigned: strconv.Itoa(g.NAssigned),
			APP:       fmtNum(float64(g.APP), 3),
			OCC:       fmtNum(float64(g.OCC), 1),
			MeanCount: fmtNum(g.MeanCount, 3),
			LowAPP:    g.APP.IsDefined() && g.APP < trajectory.MinAPP,
			LowOCC:    g.OCC.IsDefined() && g.OCC < trajectory.MinOCC,
		}
		if g.ShareSE.IsDefined() {
			p.HasShareSE = true
			r.ShareSE = trajectory.FormatShare(float64(g.ShareSE))
		}
		if g.ShareCI.IsDefined() {
			p.HasShareSE = true
			r.ShareCI = trajectory.FormatShare(g.ShareCI[0]) + " to " + trajectory.FormatShare(g.ShareCI[1])
		}
		p.AnyLow = p.AnyLow || r.LowAPP || r.LowOCC
		p.Groups = append(p.Groups, r)
	}
}

// coefBlocks writes each group's coefficients of the one-outcome fit m,
// each block's name after prefix, and returns the note that says what
// they are.
func (p *page) coefBlocks(m *trajectory.Fitted, st *figure.Style, hasSE *bool, prefix string) string {
	for j := range m.Groups {
		g := &m.Groups[j]
		b := coefBlock{Name: prefix + g.Legend(), Colour: st.GroupColour(j + 1)}
		for q, est := range g.Beta {
			b.Rows = append(b.Rows, coefficientRow(trajectory.PowerName(q), est, g.BetaSE, q, hasSE))
		}
		for q, est := range g.Inflation {
			b.Rows = append(b.Rows, coefficientRow("Inflation "+strings.ToLower(trajectory.PowerName(q)), est, g.InflationSE, q, hasSE))
		}
		if g.Dispersion != nil {
			b.Rows = append(b.Rows, dispersionRow(g))
		}
		p.Coefs = append(p.Coefs, b)
	}
	var note string
	switch d := m.Distribution; {
	case d == trajectory.Logit:
		note = "Coefficients of logit P(y = 1), the log-odds of an offence in the year, in powers of the rescaled age a"
	case d == trajectory.Cloglog:
		note = "Coefficients of log λ, where P(y = 1) = 1 − exp(−e λ) at time at risk e, in powers of the rescaled age a"
	case d.Real():
		note = "Coefficients of the latent mean μ of the censored normal, in powers of the rescaled age a"
	default:
		note = "Coefficients of log λ, the expected count per unit of exposure, in powers of the rescaled age a"
	}
	if m.Distribution.HasInflation() {
		note += ", and of the logit of the probability of a structural zero"
	}
	if m.Distribution.HasDispersion() {
		note += "; the dispersion α (Var = μ + α μ²) with the likelihood-ratio test of α = 0 as z (LR) and p (½ P(χ²₁ > LR), Self & Liang 1987)"
	}
	return note
}

// coefficientRow writes one coefficient, with its SE, z and p when the
// SE is known.
func coefficientRow(name string, est float64, ses []trajectory.Float, q int, hasSE *bool) coefRow {
	r := coefRow{Parameter: name, Estimate: fmtNum(est, 5), SE: "–", Z: "–", P: "–"}
	if q < len(ses) && ses[q].IsDefined() && ses[q] > 0 {
		se := float64(ses[q])
		*hasSE = true
		z := est / se
		r.SE, r.Z = fmtNum(se, 5), fmtNum(z, 2)
		r.P = formatP(trajectory.WaldP(z))
	}
	return r
}

// curveWhat says what a curve of distribution d shows.
func curveWhat(d trajectory.Distribution) string {
	switch {
	case d.Binary():
		return "Probability of an offence in a year at risk"
	case d.Real():
		return "Expected score"
	}
	return "Expected offences per year at risk"
}

// dispersionRow writes a group's dispersion α, its SE and, in the z and p
// columns, the test of α = 0 (LR and its boundary p-value).
func dispersionRow(g *trajectory.Group) coefRow {
	r := coefRow{Parameter: "Dispersion α", Estimate: fmtNum(*g.Dispersion, 5), SE: "–", Z: "–", P: "–"}
	if se := g.DispersionSE; se != nil && se.IsDefined() {
		r.SE = fmtNum(float64(*se), 5)
	}
	if t := g.DispersionLRT; t != nil && t.Chi2.IsDefined() {
		r.Z, r.P = "LR "+fmtNum(float64(t.Chi2), 2), formatP(float64(t.P))
	}
	return r
}

// formatP writes a p-value with two significant digits, "< 0.001" below.
func formatP(p float64) string {
	if p < 0.001 {
		return "< 0.001"
	}
	return strconv.FormatFloat(p, 'f', max(2, 1-int(math.Floor(math.Log10(p)))), 64)
}

// figures draws the trajectories, the posterior probabilities and a sample
// of careers.
func (p *page) figures(f *trajectory.Fitted, c *trajectory.Careers, outcomes []*trajectory.Careers, sample int, seed uint64, st *figure.Style) error {
	k := len(f.Groups)
	bands := bandsCaption(f)
	cols := int(math.Ceil(math.Sqrt(float64(k))))
	rows := (k + cols - 1) / cols
	traj := &figure.TrajectoryOptions{Observed: trajectory.ObservedMeans(c, f.Posterior, trajectory.ByPosterior), Style: *st}
	curves := curveWhat(views(f)[0].Distribution) + " by age in each group (lines)"
	if f.IsMulti() {
		curves = multiCurves
	}
	if f.IsDual() {
		curves = "One panel per outcome, each with its own groups: the expected value of each outcome by age in each of its groups (lines)"
	}
	if names := f.TcovNames(); len(names) > 0 {
		// The observed means include the covariates: the curves that match
		// them are at the persons' own values, not at zero.
		traj.Tcov, traj.Careers = []trajectory.TcovSetting{{Mean: names}}, c
		what := curveWhat(f.Distribution)
		if f.IsMulti() {
			what = "One panel per outcome: the expected value of each outcome"
		}
		curves = fmt.Sprintf(what+" by age in each group with each person's own values of %s, averaged over the persons observed at each age as the observed means are (lines; trajkit plot --tcov draws them at given values)", strings.Join(names, ", "))
		bands = "No intervals are drawn: model.json's are of the curves at covariates zero."
	}
	type figureSpec struct {
		draw      func() (*figure.Figure, error)
		id, title string
		height    int
		caption   string
	}
	specs := []figureSpec{
		{func() (*figure.Figure, error) {
			if len(f.Outcomes) > 0 {
				return multiTrajectoryPlot(f, outcomes, st, traj.Tcov)
			}
			return figure.TrajectoryPlot(f, traj)
		}, "fig-trajectories", "Trajectories", 800,
			curves + observedCaption + " " + bands},
		{func() (*figure.Figure, error) { return figure.PosteriorPlot(f, &figure.PosteriorOptions{Style: *st}) }, "fig-posteriors", "Posterior probabilities", min(240+110*k, 1600),
			fmt.Sprintf("Each dot is a person, in the row of the group with their highest posterior probability and at that probability; the black bar is the group's APP, the dashed line Nagin's threshold %g. Dots far to the left are persons the model cannot place with confidence.", trajectory.MinAPP)},
		{func() (*figure.Figure, error) {
			return figure.CareersPlot(views(f)[0], c, &figure.CareersOptions{Sample: sample, Seed: seed, Style: *st})
		}, "fig-careers", "Careers", min(120+340*rows, 2400),
			fmt.Sprintf("A random sample of up to %s per group (seed %d), assigned by their highest posterior probability: one row per person, one cell per age, darker for more offences (raw counts), white where the person is not observed.", words.Count(sample, "person"), seed)},
	}
	if f.IsDual() {
		// Each outcome's groups have their own posteriors: the joint
		// classes' figures are not drawn; the transition table is.
		a, b := f.Outcomes[0], f.Outcomes[1]
		specs = append(specs[:1], figureSpec{func() (*figure.Figure, error) { return figure.TransitionPlot(f, &figure.TransitionOptions{Style: *st}) },
			"fig-transitions", "Transition probabilities", min(260+120*len(a.Groups), 1200),
			fmt.Sprintf("π(k2 | k1): the probability of each group of %s (columns) given the group of %s (rows), shaded from white (0) to dark blue (1), with its standard error; each row sums to 1. The axis labels give each group's share.", b.Name, a.Name)})
	}
	if f.Attrition != nil {
		specs = append(specs, figureSpec{func() (*figure.Figure, error) { return figure.DropoutPlot(f, &figure.DropoutOptions{Style: *st}) },
			"fig-dropout", "Dropout", 600,
			"Each group's probability of dropping out at an age, given that the person was observed at her previous observed age (Haviland, Jones & Nagin 2011), at lagged responses and covariates zero, with its 95% interval (band). The trajectories' shares are those at the window's start; the groups' shares among the persons still observed follow from these hazards (model.json, groups[k].dropout.curve[t].share_at_age)."})
	}
	for _, fig := range specs {
		drawn, err := fig.draw()
		if err != nil {
			return err
		}
		rf, err := inlineSVG(drawn, fig.id, fig.title, 1200, fig.height, fig.caption)
		if err != nil {
			return err
		}
		p.Figures = append(p.Figures, rf)
	}
	return nil
}

// The captions of the trajectories' figure: what the lines of a
// multi-trajectory model are, what the points are, and the bands.
const (
	multiCurves     = "One panel per outcome: the expected value of each outcome by age in each group (lines)"
	observedCaption = " and the observed means, each person weighted by their posterior probability of the group (points). The legend gives each group's estimated share."
	multiCaption    = multiCurves + observedCaption
)

// bandsCaption says whether the trajectories of f are drawn with
// intervals: those of a model of several outcomes are its outcomes'.
func bandsCaption(f *trajectory.Fitted) string {
	for _, v := range views(f) {
		if figure.HasBands(v) {
			return "Shaded: pointwise 95% intervals of the expected count."
		}
	}
	return "No intervals are drawn: model.json has none."
}

// multiTrajectoryPlot draws the trajectories of a multi-trajectory or
// dual model, a panel per outcome, with the observed means of each of
// outcomes (none when outcomes is nil); a model with time-varying
// covariates has its curves at the settings tcov (the report's: each
// person's own values, averaged as the observed means are).
func multiTrajectoryPlot(f *trajectory.Fitted, outcomes []*trajectory.Careers, st *figure.Style, tcov []trajectory.TcovSetting) (*figure.Figure, error) {
	var observed [][][]trajectory.ObservedMean
	for o, oc := range outcomes {
		post := f.Posterior
		if f.IsDual() {
			post = f.Outcomes[o].Posterior
		}
		observed = append(observed, trajectory.ObservedMeans(oc, post, trajectory.ByPosterior))
	}
	mo := &figure.TrajectoryOptions{Style: *st}
	if outcomes != nil && f.TcovNames() != nil {
		// Beside the observed means, at the persons' own covariates.
		mo.Tcov, mo.OutcomeCareers = tcov, outcomes
	}
	return figure.MultiTrajectoryPlot(f, mo, observed)
}

// svgSize matches the fixed size of gonum/plot's SVG element.
var svgSize = regexp.MustCompile(`^<svg width="[^"]*" height="[^"]*"`)

// inlineSVG renders fig as an SVG element for the page: without the XML
// prologue, and without a fixed size so that it scales with the page (its
// viewBox keeps the proportions). The page shows every figure at its
// width, so text, lines and markers keep the scale of a 1200 pixel wide
// figure whatever its height.
func inlineSVG(fig *figure.Figure, id, title string, width, height int, caption string) (figureBox, error) {
	var b bytes.Buffer
	size := figure.Pixels(width, height, 0)
	size.Scale = float64(width) / 1200
	if err := fig.RenderSize(&b, "svg", size); err != nil {
		return figureBox{}, err
	}
	s := b.String()
	if i := strings.Index(s, "<svg"); i >= 0 {
		s = s[i:]
	}
	s = svgSize.ReplaceAllLiteralString(s, `<svg role="img" aria-label="`+html.EscapeString(title)+`"`)
	// The SVG comes from gonum/plot, which escapes every text it draws.
	return figureBox{ID: id, Title: title, Caption: caption, SVG: template.HTML(s)}, nil
}

// capitalize starts s with a capital letter: a sentence of the library's
// (a reason, a note) begun in the middle of one.
func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// fmtNum writes x with digits decimals, "–" when undefined.
func fmtNum(x float64, digits int) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "–"
	}
	return fmt.Sprintf("%.*f", digits, x)
}

// transitionTables are a dual model's tables of π(k2 | k1), π(k1 | k2)
// and π(k1, k2), each cell the probability with its standard error and,
// after a bootstrap, its 95% percentile interval in brackets.
func transitionTables(f *trajectory.Fitted) []table {
	a, b, t := f.Outcomes[0], f.Outcomes[1], f.Transition
	boot := ""
	if t.BGivenALoBoot != nil {
		boot = " Bootstrap 95% percentile intervals in brackets."
	}
	var out []table
	for _, tab := range []struct {
		note   string
		p      [][]float64
		se     [][]trajectory.Float
		lo, hi [][]trajectory.Float // nil without a bootstrap
	}{
		{fmt.Sprintf("π(k2 | k1): the probability of each group of %s (columns) given the group of %s (rows); each row sums to 1. Standard errors in parentheses (delta method).%s", b.Name, a.Name, boot), t.BGivenA, t.BGivenASE, t.BGivenALoBoot, t.BGivenAHiBoot},
		{fmt.Sprintf("π(k1 | k2): the probability of each group of %s (rows) given the group of %s (columns); each column sums to 1.", a.Name, b.Name), t.AGivenB, t.AGivenBSE, t.AGivenBLoBoot, t.AGivenBHiBoot},
		{"π(k1, k2): the joint probabilities of the pairs of groups; all sum to 1.", t.Joint, t.JointSE, t.JointLoBoot, t.JointHiBoot},
	} {
		tb := table{Note: tab.note, Header: []cell{{Text: a.Name + " \\ " + b.Name}}}
		for j := range b.Groups {
			tb.Header = append(tb.Header, cell{Text: b.Groups[j].ShortHeading(), Number: true})
		}
		for k1, r := range tab.p {
			rw := row{Cells: []cell{{Text: a.Groups[k1].ShortHeading()}}}
			for k2, q := range r {
				text := fmt.Sprintf("%.3f (%s)", q, fmtNum(float64(tab.se[k1][k2]), 3))
				if tab.lo != nil {
					text += fmt.Sprintf(" [%s, %s]", fmtNum(float64(tab.lo[k1][k2]), 3), fmtNum(float64(tab.hi[k1][k2]), 3))
				}
				rw.Cells = append(rw.Cells, cell{Text: text, Number: true})
			}
			tb.Rows = append(tb.Rows, rw)
		}
		out = append(out, tb)
	}
	return out
}
