package results

import (
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/trajkit/trajkit/trajectory"
)

// The validation of what is read: a result file is checked against the
// ranges the rest of trajkit relies on before anything uses it, so that a
// hand-edited or hostile file is an error naming the file and the field,
// never a panic, a wrapped-around count or a figure that exhausts memory.

// MaxJSONSize is the largest JSON result file (model.json, selection.json)
// read: 64 MiB, far above what a fit writes (a model of 6 groups over 256
// ages with its covariance matrix is below 1 MiB), and small enough that a
// hostile file cannot exhaust memory.
const MaxJSONSize = 64 << 20

// checkShareSum checks that the groups' shares sum to 1, within
// ShareSumTolerance.
func checkShareSum(groups []trajectory.Group) error {
	var sum float64
	for _, g := range groups {
		sum += g.Share
	}
	if math.Abs(sum-1) > ShareSumTolerance {
		return fieldErrorf("groups[*].share", "the shares sum to %v: expected 1 (within %g)", sum, ShareSumTolerance)
	}
	return nil
}

// ShareSumTolerance is how far the shares of a model read back may sum
// from 1.
const ShareSumTolerance = 1e-6

// MaxRate is the largest rate λ (expected count per unit of exposure) of a
// model read back: 2³² − 1, the largest count careers hold.
const MaxRate = math.MaxUint32

// FieldError is an error in a field of a JSON result file: File, the
// field's JSON path (groups[2].curve[5].rate, with 0-based indices into
// the file's lists) and what was found and expected.
type FieldError struct {
	File  string
	Field string
	Msg   string
}

func (e *FieldError) Error() string { return e.File + ": " + e.Field + ": " + e.Msg }

// readJSONFile reads all of r, a JSON result file named name in errors, up
// to MaxJSONSize bytes.
func readJSONFile(r io.Reader, name string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxJSONSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	if len(b) > MaxJSONSize {
		return nil, fmt.Errorf("%s: larger than %d MiB, the largest result file trajkit reads: not a file trajkit wrote", name, MaxJSONSize>>20)
	}
	return b, nil
}

// fieldErrorf returns a FieldError without a file, which the reader adds.
func fieldErrorf(field, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// probability checks that p is in [0, 1].
func probability(field string, p float64) error {
	if !(p >= 0 && p <= 1) {
		return fieldErrorf(field, "%v is not a probability: expected a number in [0, 1]", p)
	}
	return nil
}

// optProbability checks that p is undefined (null) or in [0, 1].
func optProbability(field string, p trajectory.Float) error {
	if math.IsNaN(float64(p)) {
		return nil
	}
	return probability(field, float64(p))
}

// nonNegative checks that x is undefined (null) when optional, or a finite
// number ≥ 0.
func nonNegative(field string, x float64, optional bool) error {
	if optional && math.IsNaN(x) {
		return nil
	}
	if !(x >= 0) || math.IsInf(x, 0) {
		return fieldErrorf(field, "%v: expected a number ≥ 0", x)
	}
	return nil
}

// ordered checks that an interval is undefined, or within [lo, hi] with
// its low bound first.
func ordered(field string, v trajectory.Interval, lo, hi float64) error {
	if math.IsNaN(v[0]) && math.IsNaN(v[1]) {
		return nil
	}
	if !(v[0] >= lo && v[0] <= v[1] && v[1] <= hi) {
		return fieldErrorf(field, "[%v, %v]: expected an interval within [%v, %v], its low end first", v[0], v[1], lo, hi)
	}
	return nil
}

// firstError returns the first non-nil error.
func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// checkFit checks what the rest of trajkit relies on in a fit read from
// model.json of format version v, and returns a *FieldError naming the
// first field out of range: groups, orders and coefficients that agree
// with the settings; an age window of at most trajectory.MaxAges ages
// within ±trajectory.MaxAbsAge that every curve covers, age by age; shares
// that are probabilities summing to 1 (within ShareSumTolerance); zero
// probabilities, APPs, assigned shares and the entropy in [0, 1]; rates
// and expected counts within [0, MaxRate]; standard errors and intervals
// in range; a reference group, covariates and warnings that name groups
// of the model; a distal block as checkDistal says.
func checkFit(f *trajectory.Fitted, v int) error {
	if err := checkDistal(f); err != nil {
		return err
	}
	switch {
	case f.IsMulti():
		return checkMulti(f, v)
	case f.IsDual():
		return checkDual(f, v)
	case len(f.Outcomes) > 0:
		return fieldErrorf("outcomes", "a %s model with outcomes: expected outcomes only in a model of distribution multi or dual", f.Distribution)
	case f.Transition != nil:
		return fieldErrorf("transition", "a %s model with transition probabilities: expected them only in a model of distribution dual", f.Distribution)
	}
	return checkOutcome(f, v, false)
}

// checkMulti checks a multi-trajectory model: each outcome as a fit of its
// own (its fields named outcomes[o]....), then what the outcomes share:
// the number of parameters, the covariance and the warnings.
func checkMulti(f *trajectory.Fitted, v int) error {
	if len(f.Outcomes) == 0 {
		return fieldErrorf("outcomes", "none: expected at least one outcome in a multi-trajectory model")
	}
	k := len(f.Groups)
	seen := map[string]bool{}
	n := 0
	for o, out := range f.Outcomes {
		at := fmt.Sprintf("outcomes[%d]", o)
		switch {
		case out.Name == "":
			return fieldErrorf(at+".name", "empty: expected the outcome's column")
		case seen[out.Name]:
			return fieldErrorf(at+".name", "%q: given twice", out.Name)
		case out.Distribution == trajectory.Multi || out.Distribution == trajectory.Dual:
			return fieldErrorf(at+".distribution", "%s: expected an outcome's distribution", out.Distribution)
		case len(out.Groups) != k || len(out.Orders) != k || len(out.InflationOrders) != k:
			return fieldErrorf(at+".groups", "%d groups, %d orders and %d inflation orders: expected %d, the model's groups", len(out.Groups), len(out.Orders), len(out.InflationOrders), k)
		}
		seen[out.Name] = true
		view := f.Outcome(o)
		view.NumParams, view.Warnings = numParams(view), nil
		if err := checkOutcome(view, v, true); err != nil {
			if fe, ok := err.(*FieldError); ok && (strings.HasPrefix(fe.Field, "groups[") || fe.Field == "distribution" || fe.Field == "censoring") {
				fe.Field = at + "." + fe.Field
			}
			return err
		}
		n += view.NumParams
	}
	// Each view counts the membership's parameters.
	n -= (len(f.Outcomes) - 1) * membershipParams(f)
	if f.NumParams != n {
		return fieldErrorf("n_params", "%d: the outcomes' coefficients and the membership model have %d", f.NumParams, n)
	}
	if inf := f.Inference; inf != nil && len(inf.Names) != f.NumParams {
		return fieldErrorf("covariance.names", "a covariance matrix of %d parameters for a model of %d", len(inf.Names), f.NumParams)
	}
	if f.Transition != nil {
		return fieldErrorf("transition", "transition probabilities in a multi-trajectory model: expected them only in a model of distribution dual")
	}
	return checkWarnings(f, v)
}

// checkOutcome is checkFit for a model of one outcome; part says that it
// is an outcome of a multi-trajectory model, some of whose persons may
// have no observed cell of it.
func checkOutcome(f *trajectory.Fitted, v int, part bool) error {
	if err := f.Distribution.Check(); err != nil {
		return fieldErrorf("distribution", "%v", err)
	}
	if f.Distribution.Real() && (f.Censoring == nil || !(f.Censoring.Min < f.Censoring.Max)) {
		return fieldErrorf("censoring", "%v: expected the censoring points {\"min\", \"max\"} of the %s distribution, min below max", f.Censoring, f.Distribution.Name())
	}
	k := len(f.Groups)
	if k == 0 {
		return fieldErrorf("groups", "no groups: expected at least one")
	}
	if f.NumPersons < k {
		return fieldErrorf("n_persons", "%d persons for %d groups: expected at least one person per group", f.NumPersons, k)
	}
	if f.NumObs < f.NumPersons && !part || f.NumObs < 0 {
		return fieldErrorf("n_obs", "%d observed cells for %d persons: every person has at least one", f.NumObs, f.NumPersons)
	}
	if e := float64(f.Entropy); !math.IsNaN(e) && !(e >= -1e-9 && e <= 1) {
		return fieldErrorf("entropy", "%v: expected a relative entropy in [0, 1]", e)
	}
	if err := checkSettings(f, k); err != nil {
		return err
	}
	if s := f.Scaling; !(s.Scale > 0) || math.IsInf(s.Scale, 0) {
		return fieldErrorf("age_scaling.scale", "%v: expected a number > 0", s.Scale)
	}
	for j := range f.Groups {
		if err := checkGroup(f, j); err != nil {
			return err
		}
	}
	if err := checkShareSum(f.Groups); err != nil {
		return err
	}
	if err := firstError(checkCovariates(f), checkDropout(f)); err != nil {
		return err
	}
	if n, nd, nz := numParams(f), dropoutParams(f), jointDistalParams(f); f.NumParams != n+nd+nz {
		if nd > 0 {
			return fieldErrorf("n_params", "%d: the groups' coefficients, the membership model and the dropout model have %d", f.NumParams, n+nd)
		}
		if nz > 0 {
			return fieldErrorf("n_params", "%d: the groups' coefficients, the membership model and the joint distal model have %d", f.NumParams, n+nz)
		}
		return fieldErrorf("n_params", "%d: the groups' coefficients and the membership model have %d", f.NumParams, n)
	}
	if inf := f.Inference; inf != nil && len(inf.Names) != f.NumParams {
		return fieldErrorf("covariance.names", "a covariance matrix of %d parameters for a model of %d", len(inf.Names), f.NumParams)
	}
	if b := f.BootstrapReport; b != nil {
		switch {
		case b.Type != trajectory.PersonBootstrap && b.Type != trajectory.ParametricBootstrap:
			return fieldErrorf("bootstrap.type", "%q: expected person or parametric", b.Type)
		case b.Replicates < 1:
			return fieldErrorf("bootstrap.replicates", "%d: expected at least 1", b.Replicates)
		case b.Failed < 0 || b.Failed > b.Replicates:
			return fieldErrorf("bootstrap.failed", "%d of %d replicates", b.Failed, b.Replicates)
		case b.Relabelled < 0 || b.Relabelled > b.Replicates:
			return fieldErrorf("bootstrap.relabelled", "%d of %d replicates", b.Relabelled, b.Replicates)
		}
	}
	st := f.Starts
	for _, n := range []struct {
		name string
		v    int
	}{{"total", st.Total}, {"run_to_convergence", st.RunToConvergence}, {"reached_best", st.ReachedBest}, {"iterations", st.Iterations}} {
		if n.v < 0 {
			return fieldErrorf("starts."+n.name, "%d: expected a number ≥ 0", n.v)
		}
	}
	if f.Iterations < 0 {
		return fieldErrorf("iterations", "%d: expected a number ≥ 0", f.Iterations)
	}
	return checkWarnings(f, v)
}

// checkWarnings checks that every warning has a kind (format version 2
// on) and names groups of the model.
func checkWarnings(f *trajectory.Fitted, v int) error {
	k := len(f.Groups)
	for i, w := range f.Warnings {
		if v >= 2 && w.Kind == "" {
			return fieldErrorf(fmt.Sprintf("warnings[%d].kind", i), "warning %q has no kind", w.Message)
		}
		for a, g := range w.Groups {
			if g < 1 || g > k {
				return fieldErrorf(fmt.Sprintf("warnings[%d].groups[%d]", i, a), "group %d: expected 1 to %d", g, k)
			}
		}
	}
	return nil
}

// checkSettings checks the settings against the groups: their number and
// orders, the age window and the data settings.
func checkSettings(f *trajectory.Fitted, k int) error {
	s := f.Settings
	if s.Groups != k {
		return fieldErrorf("settings.groups", "%d groups, but groups lists %d", s.Groups, k)
	}
	if len(s.Orders) != k {
		return fieldErrorf("settings.orders", "%d orders for %d groups", len(s.Orders), k)
	}
	if len(s.InflationOrders) != k {
		return fieldErrorf("settings.inflation_orders", "%d inflation orders for %d groups", len(s.InflationOrders), k)
	}
	lo, hi := s.AgeWindow[0], s.AgeWindow[1]
	switch {
	case lo < -trajectory.MaxAbsAge || lo > trajectory.MaxAbsAge || hi < -trajectory.MaxAbsAge || hi > trajectory.MaxAbsAge:
		return fieldErrorf("settings.age_window", "[%d, %d]: expected ages within ±%d", lo, hi, trajectory.MaxAbsAge)
	case hi < lo:
		return fieldErrorf("settings.age_window", "[%d, %d]: expected the first age no later than the last", lo, hi)
	case hi-lo >= trajectory.MaxAges:
		return fieldErrorf("settings.age_window", "[%d, %d]: %d ages, expected at most %d", lo, hi, hi-lo+1, trajectory.MaxAges)
	}
	d := s.Data
	if d.Format != "" && d.Format != "long" && d.Format != "wide" && d.Format != "traj" {
		return fieldErrorf("settings.data.format", "%q: expected long, wide or traj", d.Format)
	}
	if !(d.TimeScale >= 0) || math.IsInf(d.TimeScale, 0) {
		return fieldErrorf("settings.data.time_scale", "%v: expected a factor > 0", d.TimeScale)
	}
	switch {
	case d.Sep != "" && d.Sep != "," && d.Sep != ";" && d.Sep != "tab":
		return fieldErrorf("settings.data.sep", "%q: expected ',', ';' or tab", d.Sep)
	case d.Decimal != "" && d.Decimal != "." && d.Decimal != ",":
		return fieldErrorf("settings.data.decimal", "%q: expected . or ,", d.Decimal)
	case d.Encoding != "" && d.Encoding != "utf-8" && d.Encoding != "windows-1252":
		return fieldErrorf("settings.data.encoding", "%q: expected utf-8 or windows-1252", d.Encoding)
	}
	if !(d.MinExposure >= 0 && d.MinExposure <= 1) {
		return fieldErrorf("settings.data.min_exposure", "%v: expected a time at risk in [0, 1]", d.MinExposure)
	}
	return nil
}

// checkGroup checks group j: its number, orders and coefficients, its
// diagnostics and its curve.
func checkGroup(f *trajectory.Fitted, j int) error {
	g := &f.Groups[j]
	at := func(field string) string { return fmt.Sprintf("groups[%d].%s", j, field) }
	if g.Number != j+1 {
		return fieldErrorf(at("group"), "%d: expected %d, the groups numbered 1, 2, ... in order", g.Number, j+1)
	}
	m := trajectory.Model{Distribution: f.Distribution, Orders: []int{g.Order}, Inflation: []int{g.InflationOrder}}
	if f.Censoring != nil {
		m.Censor = *f.Censoring
	}
	if err := m.Validate(); err != nil {
		return fieldErrorf(at("order"), "%v", err)
	}
	if s := f.Settings; s.Orders[j] != g.Order || s.InflationOrders[j] != g.InflationOrder {
		return fieldErrorf(at("order"), "orders %d and %d, but settings.orders[%d] and settings.inflation_orders[%[3]d] are %d and %d",
			g.Order, g.InflationOrder, j, s.Orders[j], s.InflationOrders[j])
	}
	if len(g.Beta) != g.Order+1 {
		return fieldErrorf(at("beta"), "%d coefficients for order %d: expected %d", len(g.Beta), g.Order, g.Order+1)
	}
	if n := max(g.InflationOrder+1, 0); len(g.Inflation) != n {
		return fieldErrorf(at("inflation"), "%d coefficients for inflation order %d: expected %d", len(g.Inflation), g.InflationOrder, n)
	}
	for _, se := range []struct {
		name    string
		se      []trajectory.Float
		of      int
		ofField string
	}{{"beta_se", g.BetaSE, len(g.Beta), "beta"}, {"inflation_se", g.InflationSE, len(g.Inflation), "inflation"}} {
		if se.se != nil && len(se.se) != se.of {
			return fieldErrorf(at(se.name), "%d standard errors for %d coefficients in %s", len(se.se), se.of, se.ofField)
		}
		for a, x := range se.se {
			if err := nonNegative(at(fmt.Sprintf("%s[%d]", se.name, a)), float64(x), true); err != nil {
				return err
			}
		}
	}
	if err := firstError(
		probability(at("share"), g.Share),
		nonNegative(at("share_se"), float64(g.ShareSE), true),
		ordered(at("share_ci"), g.ShareCI, 0, 1),
		ordered(at("share_ci_boot"), g.ShareCIBoot, 0, 1),
		probability(at("assigned_share"), g.AssignedShare),
		optProbability(at("app"), g.APP),
		nonNegative(at("occ"), float64(g.OCC), true),
	); err != nil {
		return err
	}
	if g.NAssigned < 0 || g.NAssigned > f.NumPersons {
		return fieldErrorf(at("n_assigned"), "%d: expected 0 to %d, the persons of the model (n_persons)", g.NAssigned, f.NumPersons)
	}
	lo, hi := f.MinAge(), f.MaxAge()
	if len(g.Curve) != hi-lo+1 {
		return fieldErrorf(at("curve"), "%d ages for the window %d-%d (settings.age_window): expected %d", len(g.Curve), lo, hi, hi-lo+1)
	}
	for t, p := range g.Curve {
		pt := func(field string) string { return at(fmt.Sprintf("curve[%d].%s", t, field)) }
		if p.Age != lo+t {
			return fieldErrorf(pt("age"), "%d where %d was expected: a curve has the ages of the window %d-%d in order", p.Age, lo+t, lo, hi)
		}
		if err := checkCurvePoint(f, g, p, pt); err != nil {
			return err
		}
		for _, b := range []struct {
			lo, hi string
			v      trajectory.Interval
		}{{"mean_lo", "mean_hi", trajectory.Interval{float64(p.MeanLo), float64(p.MeanHi)}}, {"mean_lo_boot", "mean_hi_boot", trajectory.Interval{float64(p.MeanLoBoot), float64(p.MeanHiBoot)}}} {
			for e, x := range b.v {
				if f.Distribution.Real() {
					if math.IsInf(x, 0) {
						return fieldErrorf(pt([]string{b.lo, b.hi}[e]), "%v: expected a finite number or null", x)
					}
					continue
				}
				if err := nonNegative(pt([]string{b.lo, b.hi}[e]), x, true); err != nil {
					return err
				}
			}
			if b.v[0] > b.v[1] {
				return fieldErrorf(pt(b.lo), "%v is above %s %v", b.v[0], b.hi, b.v[1])
			}
		}
	}
	if !(g.MeanCount >= 0 && g.MeanCount <= MaxRate) && !(f.Distribution.Real() && !math.IsNaN(g.MeanCount) && !math.IsInf(g.MeanCount, 0)) {
		return fieldErrorf(at("mean_count"), "%v: expected an expected count in [0, %d]", g.MeanCount, uint32(MaxRate))
	}
	return checkFamilyParams(f, g, at)
}

// checkCurvePoint checks the fields of a curve point that its
// distribution has: present where the distribution has them, in range.
func checkCurvePoint(f *trajectory.Fitted, g *trajectory.Group, p trajectory.CurvePoint, pt func(string) string) error {
	d := f.Distribution
	need := func(name string, v float64, has bool) error {
		if has && math.IsNaN(v) {
			return fieldErrorf(pt(name), "missing: the %s distribution has it at every age", d.Name())
		}
		return nil
	}
	counts := !d.Binary() && !d.Real()
	if err := firstError(
		need("rate", p.Rate, counts || d == trajectory.Cloglog),
		need("zero_prob", p.ZeroProb, d.HasInflation() && g.InflationOrder >= 0),
		need("prob", p.Prob, d.Binary()),
		need("latent_mean", p.LatentMean, d.Real()),
	); err != nil {
		return err
	}
	if !math.IsNaN(p.Rate) && !(p.Rate >= 0 && p.Rate <= MaxRate) {
		return fieldErrorf(pt("rate"), "%v: expected an expected count in [0, %d] (the largest count careers hold)", p.Rate, uint32(MaxRate))
	}
	for _, x := range []struct {
		name string
		v    float64
	}{{"zero_prob", p.ZeroProb}, {"prob", p.Prob}} {
		if !math.IsNaN(x.v) {
			if err := probability(pt(x.name), x.v); err != nil {
				return err
			}
		}
	}
	switch {
	case d.Binary():
		return probability(pt("mean"), p.Mean)
	case d.Real():
		if math.IsNaN(p.LatentMean) || math.IsInf(p.LatentMean, 0) {
			return fieldErrorf(pt("latent_mean"), "%v: expected a finite number", p.LatentMean)
		}
		if c := f.Censoring; !(p.Mean >= c.Min && p.Mean <= c.Max) {
			return fieldErrorf(pt("mean"), "%v: expected an expected score within the censoring points [%v, %v]", p.Mean, c.Min, c.Max)
		}
		return nil
	}
	if !(p.Mean >= 0 && p.Mean <= MaxRate) {
		return fieldErrorf(pt("mean"), "%v: expected an expected count in [0, %d] (the largest count careers hold)", p.Mean, uint32(MaxRate))
	}
	return nil
}

// checkFamilyParams checks a group's dispersion or σ: present where the
// distribution has them, in range.
func checkFamilyParams(f *trajectory.Fitted, g *trajectory.Group, at func(string) string) error {
	d := f.Distribution
	for _, x := range []struct {
		name string
		v    *float64
		se   *trajectory.Float
		has  bool
	}{{"dispersion", g.Dispersion, g.DispersionSE, d.HasDispersion()}, {"sigma", g.Sigma, g.SigmaSE, d.HasSigma()}} {
		switch {
		case x.has && x.v == nil:
			return fieldErrorf(at(x.name), "missing: the %s distribution has one for every group", d.Name())
		case !x.has && x.v != nil:
			return fieldErrorf(at(x.name), "%v: the %s distribution has none", *x.v, d.Name())
		case x.v == nil:
			continue
		}
		if err := nonNegative(at(x.name), *x.v, false); err != nil {
			return err
		}
		if x.name == "sigma" && *x.v == 0 {
			return fieldErrorf(at(x.name), "0: expected a positive standard deviation")
		}
		if x.se != nil {
			if err := nonNegative(at(x.name+"_se"), float64(*x.se), true); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkValueLabels checks that every value label is a non-blank label of
// a level of a categorical risk variable: its base level or one with an
// indicator (any level but those when the model does not record its
// base).
func checkValueLabels(labels map[string]map[string]string, vars []trajectory.RiskVariable) error {
	for _, name := range slices.Sorted(maps.Keys(labels)) {
		at := slices.IndexFunc(vars, func(v trajectory.RiskVariable) bool { return v.Name == name })
		switch {
		case at < 0:
			return fieldErrorf("covariates.risk_value_labels."+name, "not a risk variable (covariates.risk_variables)")
		case vars[at].Numeric():
			return fieldErrorf("covariates.risk_value_labels."+name, "a numeric risk variable has no value labels")
		}
		v := vars[at]
		for _, level := range slices.Sorted(maps.Keys(labels[name])) {
			label := labels[name][level]
			field := fmt.Sprintf("covariates.risk_value_labels.%s.%s", name, level)
			if strings.TrimSpace(label) == "" {
				return fieldErrorf(field, "an empty label")
			}
			if level != v.Base && !slices.Contains(v.Levels, level) && v.Base != "" {
				return fieldErrorf(field, "not a level of %s: expected its base %q or one of %q", name, v.Base, v.Levels)
			}
		}
	}
	return nil
}

// checkCovariates checks the membership model's reference group and
// coefficients, and the time-varying covariates' coefficients, against
// the covariates the model names.
func checkCovariates(f *trajectory.Fitted) error {
	k := len(f.Groups)
	var membership, tcov []string
	if c := f.Covariates; c != nil {
		if r := f.Risk(); r != nil {
			if len(r.Names) == 0 {
				return fieldErrorf("covariates.risk", "no risk factors in a membership model")
			}
			vars, err := r.VariableList()
			if err != nil {
				return fieldErrorf("covariates.risk_variables", "%v", err)
			}
			if err := checkValueLabels(r.ValueLabels, vars); err != nil {
				return err
			}
			if c.Reference < 1 || c.Reference > k {
				return fieldErrorf("covariates.reference", "%d: expected a group between 1 and %d", c.Reference, k)
			}
			membership = append([]string{"(intercept)"}, r.Names...)
		} else if c.Reference != 0 {
			return fieldErrorf("covariates.reference", "%d without risk factors (covariates.risk)", c.Reference)
		}
		for i, w := range c.Wald {
			at := func(field string) string { return fmt.Sprintf("covariates.wald[%d].%s", i, field) }
			if err := firstError(nonNegative(at("chi2"), float64(w.Chi2), true), optProbability(at("p"), w.P)); err != nil {
				return err
			}
			if w.DF < 1 {
				return fieldErrorf(at("df"), "%d: expected at least 1 degree of freedom", w.DF)
			}
		}
		tcov = c.Tcov
	}
	for j, g := range f.Groups {
		for _, n := range []struct {
			field string
			v     trajectory.Named
			names []string
			of    string
			se    bool
		}{
			{"membership_coef", g.MembershipCoef, membership, "covariates.risk", false},
			{"membership_se", g.MembershipSE, membership, "covariates.risk", true},
			{"tcov_coef", g.TcovCoef, tcov, "covariates.tcov", false},
			{"tcov_se", g.TcovSE, tcov, "covariates.tcov", true},
		} {
			at := fmt.Sprintf("groups[%d].%s", j, n.field)
			if len(n.v.Names) == 0 && (n.se || len(n.names) == 0) {
				continue // standard errors may be absent; coefficients only without covariates
			}
			if !slices.Equal(n.v.Names, n.names) {
				return fieldErrorf(at, "names %q: expected %q, from %s", n.v.Names, n.names, n.of)
			}
			for a, x := range n.v.Values {
				if n.se {
					if err := nonNegative(fmt.Sprintf("%s.%s", at, n.v.Names[a]), x, true); err != nil {
						return err
					}
				} else if math.IsNaN(x) {
					return fieldErrorf(fmt.Sprintf("%s.%s", at, n.v.Names[a]), "null: expected a coefficient")
				}
			}
		}
	}
	return nil
}

// numParams returns the number of free parameters the groups'
// coefficients and the membership model hold: the K − 1 share logits (or
// the log-odds coefficients of every group but the reference), then each
// group's β, δ and γ.
func numParams(f *trajectory.Fitted) int {
	k := len(f.Groups)
	n := membershipParams(f)
	for _, g := range f.Groups {
		n += len(g.Beta) + len(g.TcovCoef.Values) + len(g.Inflation)
	}
	// A dispersion (nb, zinb) or σ (cnorm) per group, or one for all.
	for _, x := range []struct {
		has    bool
		common *bool
	}{{f.Distribution.HasDispersion(), f.DispersionCommon}, {f.Distribution.HasSigma(), f.SigmaCommon}} {
		switch {
		case !x.has:
		case x.common != nil && *x.common:
			n++
		default:
			n += k
		}
	}
	return n
}

// membershipParams is the number of the membership model's parameters.
func membershipParams(f *trajectory.Fitted) int {
	k := len(f.Groups)
	if r := f.Risk(); r != nil {
		return (k - 1) * (len(r.Names) + 1)
	}
	return k - 1
}
