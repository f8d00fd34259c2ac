package trajectory

import (
	"fmt"
	"slices"
	"strings"

	"github.com/trajkit/trajkit/internal/words"
)

// startModel checks that the fitted model st can start a fit of model m
// to careers c with risk factors risk, and returns m with its groups in
// st's order (the orders are a multiset: the fit numbers its groups
// anew), so that st's parameters are laid out as the engine takes them.
// An error names what differs: the kind of model, the distribution, the
// number of groups, the orders, the inflation orders, the risk factors
// or the time-varying covariates.
func startModel(st *Fitted, name string, c *Careers, m Model, risk *RiskDesign) (Model, error) {
	name = startName(name)
	if st.IsMulti() || st.IsDual() {
		return m, fmt.Errorf("%s is %s, the fit a model of one outcome", name, startKind(st))
	}
	sm := st.Model()
	if diff := modelDiff(sm, m); diff != "" {
		return m, fmt.Errorf("%s %s", name, diff)
	}
	if err := sameRisk(name, st, risk); err != nil {
		return m, err
	}
	if !slices.Equal(st.TcovNames(), c.TcovNames) {
		return m, fmt.Errorf("%s has time-varying covariates %s, the fit %s", name, nameList(st.TcovNames()), nameList(c.TcovNames))
	}
	return sm, nil
}

// startOutcomes checks that the fitted multi-trajectory model st can
// start a fit (FitMulti) of outcomes outs with risk factors risk, and
// returns the outcomes with their models in st's group order, so that
// st's parameters are laid out as the engine takes them. st must have the
// same outcomes by name in the same order, each with the same
// distribution, orders and inflation orders (a group's orders over all
// outcomes a tuple, the tuples a multiset), the same number of groups
// and the same risk factors; an error names the first difference.
func startOutcomes(st *Fitted, name string, outs []Outcome, risk *RiskDesign) ([]Outcome, error) {
	name = startName(name)
	if !st.IsMulti() {
		return nil, fmt.Errorf("%s is %s, the fit a multi-trajectory model", name, startKind(st))
	}
	if err := sameOutcomes(name, st, outs); err != nil {
		return nil, err
	}
	if k, kf := len(st.Groups), outs[0].Model.Groups(); k != kf {
		return nil, fmt.Errorf("%s has %s, the fit %d", name, words.Count(k, "group"), kf)
	}
	started := slices.Clone(outs)
	for o := range outs {
		if err := sameOutcome(name, st, o, outs[o]); err != nil {
			return nil, err
		}
		started[o].Model = st.Outcome(o).Model()
	}
	// Each outcome's orders agree as multisets; the groups must also
	// combine them alike.
	tuples := func(outs []Outcome) []string {
		t := make([]string, outs[0].Model.Groups())
		for j := range t {
			for _, out := range outs {
				t[j] += fmt.Sprintf("%d/%d;", out.Model.Orders[j], out.Model.Inflation[j])
			}
		}
		slices.Sort(t)
		return t
	}
	if !slices.Equal(tuples(started), tuples(outs)) {
		return nil, fmt.Errorf("%s combines the outcomes' orders in its groups otherwise than the fit (%s; the fit %s)", name, groupOrders(started), groupOrders(outs))
	}
	if err := sameRisk(name, st, risk); err != nil {
		return nil, err
	}
	return started, nil
}

// startDual checks that the fitted dual model st can start a fit
// (FitDual) of outcomes a and b with risk factors risk, and returns them
// with their models in st's group orders. st must have the same two
// outcomes by name in the same order, K1 and K2 groups as the fit, each
// outcome the same distribution, orders and inflation orders (each a
// multiset) and the same risk factors; an error names the first
// difference.
func startDual(st *Fitted, name string, a, b Outcome, risk *RiskDesign) (Outcome, Outcome, error) {
	name = startName(name)
	if !st.IsDual() {
		return a, b, fmt.Errorf("%s is %s, the fit a dual trajectory model", name, startKind(st))
	}
	outs := []Outcome{a, b}
	if err := sameOutcomes(name, st, outs); err != nil {
		return a, b, err
	}
	for o, out := range outs {
		if k, kf := len(st.Outcomes[o].Groups), out.Model.Groups(); k != kf {
			return a, b, fmt.Errorf("%s: outcome %s has %s, the fit %d", name, out.Name, words.Count(k, "group"), kf)
		}
	}
	for o := range outs {
		if err := sameOutcome(name, st, o, outs[o]); err != nil {
			return a, b, err
		}
		outs[o].Model = st.Outcome(o).Model()
	}
	if err := sameRisk(name, st, risk); err != nil {
		return a, b, err
	}
	return outs[0], outs[1], nil
}

// startName is the name of the start model in messages.
func startName(name string) string {
	if name == "" {
		return "the start model"
	}
	return name
}

// startKind says what kind of model st is, for the messages.
func startKind(st *Fitted) string {
	switch {
	case st.IsMulti():
		return "a multi-trajectory model of outcomes " + strings.Join(outcomeNames(st.Outcomes), ",")
	case st.IsDual():
		return "a dual trajectory model of outcomes " + strings.Join(outcomeNames(st.Outcomes), ",")
	}
	return fmt.Sprintf("a model of one outcome (%s)", st.Distribution)
}

func outcomeNames(outs []OutcomeFit) []string {
	names := make([]string, len(outs))
	for o, out := range outs {
		names[o] = out.Name
	}
	return names
}

// sameOutcomes returns an error unless st has the outcomes of outs by
// name, in the same order.
func sameOutcomes(name string, st *Fitted, outs []Outcome) error {
	have, want := outcomeNames(st.Outcomes), make([]string, len(outs))
	for o, out := range outs {
		want[o] = out.Name
	}
	if !slices.Equal(have, want) {
		return fmt.Errorf("%s has outcomes %s, the fit %s", name, nameList(have), nameList(want))
	}
	return nil
}

// sameOutcome returns an error unless outcome o of st has out's model
// and time-varying covariates.
func sameOutcome(name string, st *Fitted, o int, out Outcome) error {
	v := st.Outcome(o)
	if diff := modelDiff(v.Model(), out.Model); diff != "" {
		return fmt.Errorf("%s: outcome %s %s", name, out.Name, diff)
	}
	if have, want := v.TcovNames(), out.Careers.TcovNames; !slices.Equal(have, want) {
		return fmt.Errorf("%s: outcome %s has time-varying covariates %s, the fit %s", name, out.Name, nameList(have), nameList(want))
	}
	return nil
}

// groupOrders writes each group's orders over the outcomes, as
// "2/0,1/-1 | 3/0,2/-1" (order/inflation order of each outcome, groups
// apart by |).
func groupOrders(outs []Outcome) string {
	gs := make([]string, outs[0].Model.Groups())
	for j := range gs {
		var t []string
		for _, out := range outs {
			t = append(t, fmt.Sprintf("%d/%d", out.Model.Orders[j], out.Model.Inflation[j]))
		}
		gs[j] = strings.Join(t, ",")
	}
	return strings.Join(gs, " | ")
}

// sameRisk returns an error unless st has the risk factors of risk (nil:
// none).
func sameRisk(name string, st *Fitted, risk *RiskDesign) error {
	var have, want []string
	if r := st.Risk(); r != nil {
		have = r.Names
	}
	if risk != nil {
		want = risk.Names
	}
	if !slices.Equal(have, want) {
		return fmt.Errorf("%s has risk factors %s, the fit %s", name, nameList(have), nameList(want))
	}
	return nil
}

// modelDiff says how start model sm differs from the fit's model m, as a
// predicate of the start ("has orders 2,2, the fit 2,3"); "" when they
// agree (the orders and inflation orders as multisets, each group
// keeping its pair).
func modelDiff(sm, m Model) string {
	if sm.Distribution != m.Distribution {
		return fmt.Sprintf("is a %s model, the fit %s", sm.Distribution, m.Distribution)
	}
	if sm.Groups() != m.Groups() {
		return fmt.Sprintf("has %d groups, the fit %d", sm.Groups(), m.Groups())
	}
	if m.Distribution.HasDispersion() && sm.CommonDispersion != m.CommonDispersion {
		return fmt.Sprintf("has %s, the fit %s", dispersionForm(sm.CommonDispersion), dispersionForm(m.CommonDispersion))
	}
	if m.Distribution.HasSigma() && sm.SigmaByGroup != m.SigmaByGroup {
		return fmt.Sprintf("has %s, the fit %s", sigmaForm(sm.SigmaByGroup), sigmaForm(m.SigmaByGroup))
	}
	if m.Distribution.Real() && sm.Censor != m.Censor {
		return fmt.Sprintf("is censored at %v and %v, the fit at %v and %v", sm.Censor.Min, sm.Censor.Max, m.Censor.Min, m.Censor.Max)
	}
	if !sameMultiset(sm.Orders, m.Orders) {
		return fmt.Sprintf("has orders %s, the fit %s", intList(sm.Orders), intList(m.Orders))
	}
	if !sameMultiset(sm.Inflation, m.Inflation) {
		return fmt.Sprintf("has inflation orders %s, the fit %s", intList(sm.Inflation), intList(m.Inflation))
	}
	pairs := func(m Model) []int {
		p := make([]int, m.Groups())
		for j := range p {
			p[j] = m.Orders[j]*10 + m.Inflation[j] + 1
		}
		return p
	}
	if !sameMultiset(pairs(sm), pairs(m)) {
		return fmt.Sprintf("pairs orders %s with inflation orders %s, the fit orders %s with %s",
			intList(sm.Orders), intList(sm.Inflation), intList(m.Orders), intList(m.Inflation))
	}
	return ""
}

// started returns the settings of a fit started from s.Start, whose
// parameters in the engine's layout are params: the start is one warm
// start more beside the usual ones, or with StartOnly the only one, run
// to convergence; without Scaling the fit takes the start model's, in
// which its coefficients are expressed.
func (s *Settings) started(params []float64) *Settings {
	r := *s
	if r.Scaling == nil {
		scaling := s.Start.Scaling
		r.Scaling = &scaling
	}
	r.warm = append(slices.Clone(s.warm), params)
	if s.StartOnly {
		r.Search.Starts, r.Search.Keep, r.Search.ConvergeAll, r.warmOnly = 1, 1, false, true
	} else {
		r.Search.Starts = s.Search.Resolved().Starts + 1
	}
	return &r
}

func dispersionForm(common bool) string {
	if common {
		return "one dispersion for all groups"
	}
	return "a dispersion per group"
}

func sigmaForm(byGroup bool) string {
	if byGroup {
		return "a σ per group"
	}
	return "one σ for all groups"
}

func sameMultiset(a, b []int) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func intList(v []int) string {
	s := make([]string, len(v))
	for j, x := range v {
		s[j] = fmt.Sprint(x)
	}
	return strings.Join(s, ",")
}

func nameList(v []string) string {
	if len(v) == 0 {
		return "none"
	}
	return strings.Join(v, ",")
}
