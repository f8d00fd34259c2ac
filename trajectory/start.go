package trajectory

import (
	"fmt"
	"slices"
	"strings"
)

// startModel checks that the fitted model st can start a fit of model m
// to careers c with risk factors risk, and returns m with its groups in
// st's order (the orders are a multiset: the fit numbers its groups
// anew), so that st's parameters are laid out as the engine takes them.
// An error names what differs: the distribution, the number of groups,
// the orders, the inflation orders, the risk factors or the time-varying
// covariates.
func startModel(st *Fitted, name string, c *Careers, m Model, risk *RiskDesign) (Model, error) {
	if name == "" {
		name = "the start model"
	}
	sm := st.Model()
	if st.Distribution != m.Distribution {
		return m, fmt.Errorf("%s is a %s model, the fit %s", name, st.Distribution, m.Distribution)
	}
	if sm.Groups() != m.Groups() {
		return m, fmt.Errorf("%s has %d groups, the fit %d", name, sm.Groups(), m.Groups())
	}
	if m.Distribution.HasDispersion() && sm.CommonDispersion != m.CommonDispersion {
		return m, fmt.Errorf("%s has %s, the fit %s", name, dispersionForm(sm.CommonDispersion), dispersionForm(m.CommonDispersion))
	}
	if m.Distribution.HasSigma() && sm.SigmaByGroup != m.SigmaByGroup {
		return m, fmt.Errorf("%s has %s, the fit %s", name, sigmaForm(sm.SigmaByGroup), sigmaForm(m.SigmaByGroup))
	}
	if m.Distribution.Real() && sm.Censor != m.Censor {
		return m, fmt.Errorf("%s is censored at %v and %v, the fit at %v and %v", name, sm.Censor.Min, sm.Censor.Max, m.Censor.Min, m.Censor.Max)
	}
	if !sameMultiset(sm.Orders, m.Orders) {
		return m, fmt.Errorf("%s has orders %s, the fit %s", name, intList(sm.Orders), intList(m.Orders))
	}
	if !sameMultiset(sm.Inflation, m.Inflation) {
		return m, fmt.Errorf("%s has inflation orders %s, the fit %s", name, intList(sm.Inflation), intList(m.Inflation))
	}
	pairs := func(m Model) []int {
		p := make([]int, m.Groups())
		for j := range p {
			p[j] = m.Orders[j]*10 + m.Inflation[j] + 1
		}
		return p
	}
	if !sameMultiset(pairs(sm), pairs(m)) {
		return m, fmt.Errorf("%s pairs orders %s with inflation orders %s, the fit orders %s with %s", name,
			intList(sm.Orders), intList(sm.Inflation), intList(m.Orders), intList(m.Inflation))
	}
	var have, want []string
	if r := st.Risk(); r != nil {
		have = r.Names
	}
	if risk != nil {
		want = risk.Names
	}
	if !slices.Equal(have, want) {
		return m, fmt.Errorf("%s has risk factors %s, the fit %s", name, nameList(have), nameList(want))
	}
	if !slices.Equal(st.TcovNames(), c.TcovNames) {
		return m, fmt.Errorf("%s has time-varying covariates %s, the fit %s", name, nameList(st.TcovNames()), nameList(c.TcovNames))
	}
	return sm, nil
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
