package trajectory

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/trajkit/trajkit/internal/words"
	"github.com/trajkit/trajkit/mixture"
)

// Fitted is a fitted trajectory model in user terms: groups ordered by
// ascending mean expected count over the modelled window (group 1 is the
// lowest-rate group), each with its coefficients, curve and diagnostics.
//
// It is the one representation of a fit: figures, reports and notebooks
// use it, and its JSON encoding is model.json (the results package adds
// the file's version). Undefined numbers are NaN (Float and Interval
// write them as null). The per-person fields are not in the JSON: a fit
// read from model.json alone has them nil, and the functions that need
// them say so.
type Fitted struct {
	Distribution Distribution `json:"distribution"`
	// DispersionCommon says whether the dispersion α is one for all groups
	// (nb, zinb), SigmaCommon whether σ is (cnorm); Censoring holds cnorm's
	// censoring points. nil for the other distributions.
	DispersionCommon *bool      `json:"dispersion_common,omitempty"`
	SigmaCommon      *bool      `json:"sigma_common,omitempty"`
	Censoring        *Censoring `json:"censoring,omitempty"`
	LogLik           float64    `json:"loglik"`
	NumParams        int        `json:"n_params"`
	NumPersons       int        `json:"n_persons"`
	// NumObs is the number of observed person-age cells in the window.
	NumObs int `json:"n_obs"`
	// BICPersons and BICObs are −2ℓ + p ln N with N persons and N
	// person-age observations; AIC is −2ℓ + 2p. Smaller is better.
	BICPersons float64 `json:"bic_persons"`
	BICObs     float64 `json:"bic_obs"`
	AIC        float64 `json:"aic"`
	// Entropy is the relative entropy of the posteriors; NaN for K = 1.
	Entropy  Float          `json:"entropy"`
	Status   mixture.Status `json:"status"`
	Warnings []Warning      `json:"warnings"`
	// Iterations of the returned run, its short run included.
	Iterations int                 `json:"iterations"`
	Starts     mixture.StartReport `json:"starts"`
	Scaling    AgeScaling          `json:"age_scaling"`
	// Settings are what the fit ran with: the model, the search settings
	// with their defaults filled in, the age window and the data.
	Settings FitSettings `json:"settings"`
	Groups   []Group     `json:"groups"`
	// Outcomes are the outcomes of a multi-trajectory model
	// (Distribution Multi, FitMulti), whose Groups then hold the
	// membership alone; nil for a model of one outcome.
	Outcomes []OutcomeFit `json:"outcomes,omitempty"`
	// Transition links the outcomes' groups of a dual model (Distribution
	// Dual, FitDual), whose Groups are the joint classes; nil otherwise.
	Transition *Transition `json:"transition,omitempty"`
	// Distal is a distal outcome's estimates by group (EstimateDistal);
	// nil without one.
	Distal *Distal `json:"distal,omitempty"`
	// Attrition describes the dropout model (FitDropout), whose hazards
	// are in each group's Dropout; nil without one.
	Attrition *Attrition `json:"dropout,omitempty"`
	// Inference holds the covariance matrix of the free parameters and
	// their standard errors; nil when not computed (Settings.NoSE).
	Inference *Inference `json:"covariance"`
	// BootstrapReport is set by Bootstrap.
	BootstrapReport *BootstrapReport `json:"bootstrap,omitempty"`
	// Covariates describes the risk factors of membership and the
	// time-varying covariates; nil without either.
	Covariates *Covariates `json:"covariates,omitempty"`
	// Timing holds every field that changes from run to run, in seconds
	// ("fit_seconds", "bootstrap_seconds", and "read_seconds" when the
	// caller adds it); the rest is identical for the same data, settings
	// and seed. It is not in model.json, which stays byte-identical when a
	// fit is run again, but in the model.json entry of the result set's
	// manifest.json (results.WriteFit, Dir.Model).
	Timing map[string]float64 `json:"-"`

	// IDs are the persons' ids; Posterior is K x N in output group order;
	// Assigned[i] is the 1-based number of person i's maximum-posterior
	// group.
	IDs       []string    `json:"-"`
	Posterior [][]float64 `json:"-"`
	Assigned  []int       `json:"-"`
	// PersonLogLik[i] is person i's log-likelihood.
	PersonLogLik []float64 `json:"-"`
	// Trace is the log-likelihood after the start and each iteration of
	// the returned run.
	Trace []float64 `json:"-"`
	// Weights are the persons' sampling weights rescaled to sum to N
	// (Settings.Weights), nil without.
	Weights []float64 `json:"-"`
}

// FitSettings are the settings of a fit, enough to refit it or to read
// its data again. Groups, Orders and InflationOrders repeat the groups'
// orders, in output order.
type FitSettings struct {
	Groups          int   `json:"groups"`
	Orders          []int `json:"orders"`
	InflationOrders []int `json:"inflation_orders"`
	// The search settings, with every default filled in.
	mixture.Settings
	// AgeWindow is the modelled window [first age, last age].
	AgeWindow [2]int       `json:"age_window"`
	Data      DataSettings `json:"data"`
	// Weighted says that the fit had sampling weights (Settings.Weights;
	// Data.Weights names their column): its log-likelihood is weighted
	// and its standard errors model-based, not design-based.
	Weighted bool `json:"weighted,omitempty"`
	// Start says where the start model came from (Settings.StartFile,
	// "(given)" when not named), StartOnly that it was the only start.
	Start     string `json:"start,omitempty"`
	StartOnly bool   `json:"start_only,omitempty"`
}

// DataSettings say where the careers came from and how they were read;
// the reading package fills them, and a fit records them.
type DataSettings struct {
	File string `json:"file"`
	// Sheet is the worksheet of an Excel career file, when one was named.
	Sheet    string `json:"sheet,omitempty"`
	Format   string `json:"format"` // "long", "wide" or "traj"
	ID       string `json:"id"`
	Age      string `json:"age"`
	Count    string `json:"count"`
	Exposure string `json:"exposure"`
	// Sep, Decimal and Encoding say how a CSV file not comma-separated
	// UTF-8 with decimal points was written (";" or "tab"; ",";
	// "windows-1252"), as found or as given; empty for the default.
	Sep      string `json:"sep,omitempty"`
	Decimal  string `json:"decimal,omitempty"`
	Encoding string `json:"encoding,omitempty"`
	// NoID says that the file has no id column: persons are numbered
	// 1..N in file order.
	NoID bool `json:"no_id,omitempty"`
	// Time is the prefix of the time columns of a traj file (format
	// "traj") and TimeScale the factor that makes them ages (1 when
	// zero).
	Time      string  `json:"time,omitempty"`
	TimeScale float64 `json:"time_scale,omitempty"`
	// Ages is the window of ages as given ("" for all ages).
	Ages string `json:"ages"`
	// Tcov names the time-varying covariates read with the careers.
	Tcov []string `json:"tcov,omitempty"`
	// MinExposure is the floor of the exposures, when one was applied.
	MinExposure float64 `json:"min_exposure,omitempty"`
	// Binarize says that every count above 0 was made 1 (the outcome of
	// the binary distributions).
	Binarize bool `json:"binarize,omitempty"`
	// Persons is the person file and Risk the risk factors, when used;
	// Categorical names the person file's columns read as categorical
	// whatever their cells, when any.
	Persons     string   `json:"persons,omitempty"`
	Risk        []string `json:"risk,omitempty"`
	Categorical []string `json:"categorical,omitempty"`
	// Weights is the person file's column of sampling weights, when used.
	Weights string `json:"weights,omitempty"`
	// Size and SHA256 identify the bytes of the career file as read (of
	// the embedded file for example:NAME), so that a later reader can tell
	// whether it still holds the careers fitted. Unchecked says why they
	// are missing when the file could not be identified (a pipe or a
	// device, whose bytes cannot be read again).
	Size      int64  `json:"size,omitempty"`
	SHA256    string `json:"sha256,omitempty"`
	Unchecked string `json:"unchecked,omitempty"`
}

// Covariates are a model's covariates: the membership model's risk
// factors (the design, whose per-person values are not in the JSON) and
// the time-varying covariates of the trajectories.
type Covariates struct {
	*RiskDesign
	// Reference is the 1-based number of the reference group of the
	// membership log-odds; 0 without risk factors.
	Reference int        `json:"reference,omitempty"`
	Wald      []WaldTest `json:"wald,omitempty"`
	Tcov      []string   `json:"tcov,omitempty"`
	// CurveAt says at which covariate values the curves are given.
	CurveAt string `json:"curve_at,omitempty"`
}

// Group is one fitted trajectory group. Standard errors and delta-method
// intervals are NaN (lists of them nil) when not computed (Settings.NoSE)
// or not estimable; bootstrap intervals are zero without a bootstrap.
type Group struct {
	// Number is the group's 1-based number in output order.
	Number int `json:"group"`
	// Label names the group's shape (e.g. "early-peak"); empty unless set.
	Label string `json:"label,omitempty"`
	// Share is the estimated share π_k, with its standard error and 95%
	// interval (delta method on the logit scale) and, after a bootstrap,
	// its percentile interval (zero without).
	Share       float64  `json:"share"`
	ShareSE     Float    `json:"share_se"`
	ShareCI     Interval `json:"share_ci"`
	ShareCIBoot Interval `json:"share_ci_boot,omitzero"`
	// AssignedShare is the share of persons whose maximum-posterior group
	// is k, NAssigned their number.
	AssignedShare float64 `json:"assigned_share"`
	// APP is the average posterior probability of group k among the
	// persons assigned to it; OCC the odds of correct classification
	// (Nagin 2005, ch. 5). NaN when undefined.
	APP            Float `json:"app"`
	OCC            Float `json:"occ"`
	NAssigned      int   `json:"n_assigned"`
	Order          int   `json:"order"`
	InflationOrder int   `json:"inflation_order"`
	// Beta are the coefficients of log λ in ascending powers of a_t;
	// Inflation those of logit ρ (empty for no inflation); BetaSE and
	// InflationSE their standard errors (nil when not computed).
	Beta        []float64 `json:"beta"`
	BetaSE      []Float   `json:"beta_se"`
	Inflation   []float64 `json:"inflation"`
	InflationSE []Float   `json:"inflation_se"`
	// MembershipCoef are the log-odds of this group against the reference
	// group, "(intercept)" first, then one per risk factor (zeros for the
	// reference group); MembershipSE their standard errors. Empty without
	// risk factors.
	MembershipCoef Named `json:"membership_coef,omitzero"`
	MembershipSE   Named `json:"membership_se,omitzero"`
	// TcovCoef are the effects δ of the time-varying covariates on log λ,
	// TcovSE their standard errors; empty without covariates. The curves
	// are at covariates zero.
	TcovCoef Named `json:"tcov_coef,omitzero"`
	TcovSE   Named `json:"tcov_se,omitzero"`
	// Dispersion is the negative binomial's α (nb, zinb: Var = μ + α μ²,
	// α = 1/θ of R's MASS::glm.nb), 0 at its lower bound; DispersionSE its
	// standard error (null at the bound); DispersionLRT the test of α = 0.
	// Repeated in each group when common (Fitted.DispersionCommon). nil
	// for the other distributions.
	Dispersion    *float64     `json:"dispersion,omitempty"`
	DispersionSE  *Float       `json:"dispersion_se,omitempty"`
	DispersionLRT *BoundaryLRT `json:"dispersion_lrt,omitempty"`
	// Sigma is the standard deviation σ of cnorm's latent normal, SigmaSE
	// its standard error; repeated in each group when common
	// (Fitted.SigmaCommon). nil for the other distributions.
	Sigma   *float64 `json:"sigma,omitempty"`
	SigmaSE *Float   `json:"sigma_se,omitempty"`
	// MeanCount is the mean of the curve's expected counts over the
	// window, the key that orders groups.
	MeanCount float64      `json:"mean_count"`
	Curve     []CurvePoint `json:"curve"`
	// Dropout is the group's dropout hazard by age (FitDropout); nil
	// without a dropout model.
	Dropout *GroupDropout `json:"dropout,omitempty"`
}

// CurvePoint is a group's model at one age, with every time-varying
// covariate zero. Mean is the expected value of y (per unit of exposure
// for counts); the family's own fields are NaN where the family does not
// have them, and model.json leaves them out.
type CurvePoint struct {
	Age int `json:"age"`
	// Rate is λ, the expected count per unit of exposure if not a
	// structural zero (poisson, zip, nb, zinb; cloglog's rate of the
	// Poisson process behind P(y = 1) = 1 − exp(−λ)).
	Rate float64 `json:"rate"`
	// ZeroProb is ρ, the probability of a structural zero (zip, zinb).
	ZeroProb float64 `json:"zero_prob"`
	// Prob is P(y = 1) at exposure 1 (logit, cloglog).
	Prob float64 `json:"prob"`
	// LatentMean is μ, the mean of the latent normal (cnorm).
	LatentMean float64 `json:"latent_mean"`
	// Mean is E[y]: (1 − ρ) λ for counts, P(y = 1) for binary outcomes,
	// the censored mean for cnorm.
	Mean float64 `json:"mean"`
	// MeanLo and MeanHi bound a pointwise 95% interval of Mean (delta
	// method on the distribution's scale: log, logit or identity); NaN when
	// not computed.
	MeanLo Float `json:"mean_lo"`
	MeanHi Float `json:"mean_hi"`
	// MeanLoBoot and MeanHiBoot are bootstrap percentile limits; zero
	// without a bootstrap.
	MeanLoBoot Float `json:"mean_lo_boot,omitzero"`
	MeanHiBoot Float `json:"mean_hi_boot,omitzero"`
}

// curvePointJSON is CurvePoint in model.json: the family's own fields are
// absent where the family does not have them (NaN in memory).
type curvePointJSON struct {
	Age        int      `json:"age"`
	Rate       *float64 `json:"rate,omitempty"`
	ZeroProb   *float64 `json:"zero_prob,omitempty"`
	Prob       *float64 `json:"prob,omitempty"`
	LatentMean *float64 `json:"latent_mean,omitempty"`
	Mean       float64  `json:"mean"`
	MeanLo     Float    `json:"mean_lo"`
	MeanHi     Float    `json:"mean_hi"`
	MeanLoBoot Float    `json:"mean_lo_boot,omitzero"`
	MeanHiBoot Float    `json:"mean_hi_boot,omitzero"`
}

// MarshalJSON writes the point with the family's own fields that are not
// NaN.
func (p CurvePoint) MarshalJSON() ([]byte, error) {
	opt := func(v float64) *float64 {
		if math.IsNaN(v) {
			return nil
		}
		return &v
	}
	return json.Marshal(curvePointJSON{Age: p.Age, Rate: opt(p.Rate), ZeroProb: opt(p.ZeroProb), Prob: opt(p.Prob), LatentMean: opt(p.LatentMean),
		Mean: p.Mean, MeanLo: p.MeanLo, MeanHi: p.MeanHi, MeanLoBoot: p.MeanLoBoot, MeanHiBoot: p.MeanHiBoot})
}

// UnmarshalJSON reads what MarshalJSON writes: an absent field is NaN.
func (p *CurvePoint) UnmarshalJSON(b []byte) error {
	var v curvePointJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	val := func(x *float64) float64 {
		if x == nil {
			return math.NaN()
		}
		return *x
	}
	*p = CurvePoint{Age: v.Age, Rate: val(v.Rate), ZeroProb: val(v.ZeroProb), Prob: val(v.Prob), LatentMean: val(v.LatentMean),
		Mean: v.Mean, MeanLo: v.MeanLo, MeanHi: v.MeanHi, MeanLoBoot: v.MeanLoBoot, MeanHiBoot: v.MeanHiBoot}
	return nil
}

// Name returns the group's name in figures and reports: its label when it
// has one, otherwise "Group k".
func (g *Group) Name() string {
	if g.Label != "" {
		return g.Label
	}
	return "Group " + strconv.Itoa(g.Number)
}

// Legend returns the group's name and estimated share, as in a figure's
// legend: "early-peak 28.1%".
func (g *Group) Legend() string { return g.Name() + " " + FormatShare(g.Share) }

// Heading returns the group's name in a table's heading, where the group
// number leads: "Group 2", or "Group 2 early-peak" with a label.
func (g *Group) Heading() string {
	h := "Group " + strconv.Itoa(g.Number)
	if g.Label != "" {
		h += " " + g.Label
	}
	return h
}

// ShortHeading is Heading without the word "Group", for the rows and
// columns of a table of groups by groups (a dual model's transition
// tables): "2", or "2 early-peak" with a label.
func (g *Group) ShortHeading() string {
	h := strconv.Itoa(g.Number)
	if g.Label != "" {
		h += " " + g.Label
	}
	return h
}

// Labelled reports whether any group of the fit has a label.
func (f *Fitted) Labelled() bool { return labelled(f.Groups) }

// SetLabels names the groups, in group order: one name per group, each
// non-empty (surrounding spaces are trimmed) and different from the
// others, so that a name says which group it is in every figure and
// table. nil removes the labels, of a dual model's outcomes' groups too.
// A dual model's groups are named outcome by outcome (SetOutcomeLabels):
// SetLabels refuses names for its joint classes. On an error the labels
// are unchanged.
func (f *Fitted) SetLabels(names []string) error {
	if names == nil {
		setLabels(f.Groups, nil)
		for o := range f.Outcomes {
			setLabels(f.Outcomes[o].Groups, nil)
		}
		return nil
	}
	if f.IsDual() {
		return fmt.Errorf("a dual model's groups are its outcomes' (%s): name each outcome's groups, not the %s of pairs", f.outcomeList(), words.Count(len(f.Groups), "joint class"))
	}
	labels, err := checkLabels(names, len(f.Groups), "the model")
	if err != nil {
		return err
	}
	setLabels(f.Groups, labels)
	return nil
}

// SetOutcomeLabels names the groups of outcome o (0-based) of a dual
// model, in that outcome's group order, as SetLabels names a model's
// groups: one distinct, non-empty name per group (trimmed); nil removes
// them. The joint classes are then named after their pair of groups,
// "low / rare" (a group without a label by its Name, "Group 2"), so that
// a table of the classes says which pair each is without the numbering
// k1·K2 + k2 + 1; with neither outcome labelled they have no label. The
// outcomes of a multi-trajectory model share the model's groups, named by
// SetLabels. On an error the labels are unchanged.
func (f *Fitted) SetOutcomeLabels(o int, names []string) error {
	switch {
	case f.IsMulti():
		return fmt.Errorf("the outcomes of a multi-trajectory model share its groups: name them with SetLabels")
	case !f.IsDual():
		return fmt.Errorf("a model of distribution %s has no outcomes with groups of their own", f.Distribution)
	case o < 0 || o >= len(f.Outcomes):
		return fmt.Errorf("outcome %d of a model of %s", o+1, words.Count(len(f.Outcomes), "outcome"))
	}
	out := &f.Outcomes[o]
	var labels []string
	if names != nil {
		var err error
		if labels, err = checkLabels(names, len(out.Groups), "outcome "+out.Name); err != nil {
			return err
		}
	}
	setLabels(out.Groups, labels)
	f.labelClasses()
	return nil
}

// labelClasses names the joint classes of a dual model after their pairs
// of groups, class (k1, k2) at k1·K2 + k2 (SetOutcomeLabels).
func (f *Fitted) labelClasses() {
	a, b := f.Outcomes[0].Groups, f.Outcomes[1].Groups
	if len(f.Groups) != len(a)*len(b) {
		return
	}
	if !labelled(a) && !labelled(b) {
		setLabels(f.Groups, nil)
		return
	}
	for k1 := range a {
		for k2 := range b {
			f.Groups[k1*len(b)+k2].Label = a[k1].Name() + " / " + b[k2].Name()
		}
	}
}

// outcomeList returns the names of the outcomes, comma-separated.
func (f *Fitted) outcomeList() string {
	names := make([]string, len(f.Outcomes))
	for o := range f.Outcomes {
		names[o] = f.Outcomes[o].Name
	}
	return strings.Join(names, ", ")
}

// checkLabels returns names trimmed, or an error unless there is one
// distinct, non-empty name for each of k groups of what (in the error).
func checkLabels(names []string, k int, what string) ([]string, error) {
	if len(names) != k {
		return nil, fmt.Errorf("%s for the %s of %s", words.Count(len(names), "name"), words.Count(k, "group"), what)
	}
	labels := make([]string, len(names))
	seen := map[string]int{}
	for j, name := range names {
		name = strings.TrimSpace(name)
		if name == "" {
			return nil, fmt.Errorf("group %d has an empty name", j+1)
		}
		if i, dup := seen[name]; dup {
			return nil, fmt.Errorf("groups %d and %d are both named %q", i+1, j+1, name)
		}
		seen[name] = j
		labels[j] = name
	}
	return labels, nil
}

// setLabels sets the groups' labels to labels, or clears them for nil.
func setLabels(groups []Group, labels []string) {
	for k := range groups {
		groups[k].Label = ""
		if labels != nil {
			groups[k].Label = labels[k]
		}
	}
}

// labelled reports whether any of groups has a label.
func labelled(groups []Group) bool {
	for k := range groups {
		if groups[k].Label != "" {
			return true
		}
	}
	return false
}

// CurveInterval returns the group's pointwise 95% interval of the expected
// count at each age of its curve, and its kind: the delta method's
// (MeanLo, MeanHi) when defined at every age, else the bootstrap's
// (MeanLoBoot, MeanHiBoot) when those are, else nil and "". The figures'
// bands and plot's --curves take it.
func (g *Group) CurveInterval() (lo, hi []float64, kind string) {
	for _, k := range []struct {
		name   string
		lo, hi func(CurvePoint) Float
	}{
		{"delta method", func(c CurvePoint) Float { return c.MeanLo }, func(c CurvePoint) Float { return c.MeanHi }},
		{"bootstrap", func(c CurvePoint) Float { return c.MeanLoBoot }, func(c CurvePoint) Float { return c.MeanHiBoot }},
	} {
		lo, hi = make([]float64, len(g.Curve)), make([]float64, len(g.Curve))
		ok := len(g.Curve) > 0
		for t, c := range g.Curve {
			l, h := k.lo(c), k.hi(c)
			// Zero bounds are those of a fit without a bootstrap.
			if !l.IsDefined() || !h.IsDefined() || h == 0 {
				ok = false
				break
			}
			lo[t], hi[t] = float64(l), float64(h)
		}
		if ok {
			return lo, hi, k.name
		}
	}
	return nil, nil, ""
}

// PeakAge returns the age at which the group's expected count is highest
// within the modelled window.
func (g *Group) PeakAge() int {
	best := 0
	for t, p := range g.Curve {
		if p.Mean > g.Curve[best].Mean {
			best = t
		}
	}
	return g.Curve[best].Age
}

// Model returns the fitted model's specification, in output group order.
func (f *Fitted) Model() Model {
	m := Model{Distribution: f.Distribution, Orders: make([]int, len(f.Groups)), Inflation: make([]int, len(f.Groups))}
	for j, g := range f.Groups {
		m.Orders[j], m.Inflation[j] = g.Order, g.InflationOrder
	}
	m.CommonDispersion = f.DispersionCommon != nil && *f.DispersionCommon
	m.SigmaByGroup = f.SigmaCommon != nil && !*f.SigmaCommon
	if f.Censoring != nil {
		m.Censor = *f.Censoring
	}
	return m
}

// MinAge and MaxAge bound the modelled window.
func (f *Fitted) MinAge() int { return f.Settings.AgeWindow[0] }
func (f *Fitted) MaxAge() int { return f.Settings.AgeWindow[1] }

// Risk returns the membership model's design; nil for constant shares.
func (f *Fitted) Risk() *RiskDesign {
	if f.Covariates == nil {
		return nil
	}
	return f.Covariates.RiskDesign
}

// TcovNames names the time-varying covariates; nil without.
func (f *Fitted) TcovNames() []string {
	if f.Covariates == nil {
		return nil
	}
	return f.Covariates.Tcov
}

// ref is the 0-based index of the membership model's reference group.
func (f *Fitted) ref() int {
	if f.Covariates == nil || f.Covariates.Reference == 0 {
		return 0
	}
	return f.Covariates.Reference - 1
}

// meanCount is the mean of a curve's expected counts.
func meanCount(curve []CurvePoint) float64 {
	var s float64
	for _, p := range curve {
		s += p.Mean
	}
	return s / float64(len(curve))
}

// tcovCurveZero begins what tcovCurveAt says.
const tcovCurveZero = "the curves are at every time-varying covariate zero; "

// tcovCurveAt says where the curves of a model with time-varying
// covariates are.
func tcovCurveAt(d Distribution) string {
	const zero = tcovCurveZero
	switch {
	case d == Logit:
		return zero + "the probability at covariates w is expit(logit(prob) + tcov_coef·w)"
	case d == Cloglog:
		return zero + "the probability at covariates w is 1 − exp(−rate·exp(tcov_coef·w)) at exposure 1"
	case d.Real():
		return zero + "the expected score at covariates w is E[y] at the latent mean latent_mean + tcov_coef·w"
	}
	return zero + "the expected count at covariates w is mean·exp(tcov_coef·w)"
}

// newFitHeader returns a fit of distribution d with the engine's result's
// summary (log-likelihood, criteria, status, starts) for careers c, and
// its covariates when it has risk factors (ref the output index of the
// reference group) or time-varying covariates.
func newFitHeader(c *Careers, d Distribution, scaling AgeScaling, res *mixture.Result, risk *RiskDesign, ref int) *Fitted {
	n := c.Len()
	f := &Fitted{
		Distribution: d,
		Scaling:      scaling,
		NumPersons:   n,
		NumObs:       c.NumObs,
		NumParams:    res.NumParams,
		LogLik:       res.LogLik,
		Status:       res.Status,
		Iterations:   res.Iterations,
		Trace:        res.Trace,
		Starts:       res.Starts,
		IDs:          c.IDs,
		PersonLogLik: res.PersonLogLik,
	}
	f.Settings.AgeWindow = [2]int{c.MinAge, c.MaxAge()}
	f.BICPersons = mixture.BIC(f.LogLik, f.NumParams, n)
	f.BICObs = mixture.BIC(f.LogLik, f.NumParams, c.NumObs)
	f.AIC = mixture.AIC(f.LogLik, f.NumParams)
	if risk != nil || len(c.TcovNames) > 0 {
		f.Covariates = &Covariates{RiskDesign: risk}
		if risk != nil {
			f.Covariates.Reference = ref + 1
		}
	}
	return f
}

// newFitted turns the engine's result into a fit in user terms. ref is the
// 0-based output index of the membership model's reference group.
func newFitted(c *Careers, m Model, scaling AgeScaling, res *mixture.Result, risk *RiskDesign, ref int) *Fitted {
	k := m.Groups()
	f := newFitHeader(c, m.Distribution, scaling, res, risk, ref)
	if len(c.TcovNames) > 0 {
		f.Covariates.Tcov = c.TcovNames
		f.Covariates.CurveAt = tcovCurveAt(m.Distribution)
	}
	off := len(res.Params) - m.sharedParams()
	for j := k - 1; j >= 0; j-- {
		off -= m.layout(j, len(c.TcovNames)).len()
	}
	comps := make([]groupComponent, k)
	for j, comp := range res.Components {
		comps[j] = comp.(groupComponent)
	}
	groups := outcomeGroups(c, m, comps, res.Params[off:], res.Params[len(res.Params)-m.sharedParams():])
	for j := range groups {
		groups[j].Share = res.Shares[j]
		groups[j].ShareSE, groups[j].ShareCI = Float(math.NaN()), NoInterval
	}
	perm := outputOrder(groups)
	f.Groups = make([]Group, k)
	for j, from := range perm {
		f.Groups[j] = groups[from]
		f.Groups[j].Number = j + 1
	}
	f.setMembership(res, perm, risk, ref)
	f.DispersionCommon, f.SigmaCommon, f.Censoring = m.familyFacts()
	m = f.Model()
	f.Settings.Groups, f.Settings.Orders, f.Settings.InflationOrders = k, m.Orders, m.Inflation
	f.classify()
	f.checkGroups()
	return f
}

// outcomeGroups returns the groups of one outcome in engine order, with
// their orders, coefficients and curves: comps[j] is group j's component
// of the outcome, params holds the groups' own parameters one after the
// other (and may go on), shared the parameters common to the groups.
func outcomeGroups(c *Careers, m Model, comps []groupComponent, params, shared []float64) []Group {
	groups := make([]Group, len(comps))
	off := 0
	for j, gc := range comps {
		g := &groups[j]
		g.Order, g.InflationOrder = m.Orders[j], m.Inflation[j]
		l := m.layout(j, len(c.TcovNames))
		g.setParams(m, l, params[off:off+l.len()], shared, c.TcovNames)
		off += l.len()
		g.Curve = make([]CurvePoint, c.NumAges)
		for t := range g.Curve {
			g.Curve[t] = gc.curvePoint(t)
			g.Curve[t].Age = c.MinAge + t
			g.Curve[t].MeanLo, g.Curve[t].MeanHi = Float(math.NaN()), Float(math.NaN())
		}
		g.MeanCount = meanCount(g.Curve)
	}
	return groups
}

// outputOrder returns the engine index of each output group: ascending
// mean expected count, ties in engine order.
func outputOrder(groups []Group) []int {
	perm := make([]int, len(groups))
	for j := range perm {
		perm[j] = j
	}
	sort.SliceStable(perm, func(a, b int) bool { return groups[perm[a]].MeanCount < groups[perm[b]].MeanCount })
	return perm
}

// familyFacts returns the fields of Fitted that record the
// distribution's own settings: whether the dispersion is common (nb,
// zinb), whether σ is (cnorm), and the censoring points (cnorm); nil
// for the distributions without them.
func (m Model) familyFacts() (dispersionCommon, sigmaCommon *bool, censor *Censoring) {
	d := m.Distribution
	if d.HasDispersion() {
		common := m.CommonDispersion
		dispersionCommon = &common
	}
	if d.HasSigma() {
		common := !m.SigmaByGroup
		sigmaCommon = &common
	}
	if d.Real() {
		censor = &Censoring{m.Censor.Min, m.Censor.Max}
	}
	return dispersionCommon, sigmaCommon, censor
}

// setMembership sets the fit's posteriors, warnings and membership
// coefficients from the engine's result, whose group perm[j] is output
// group j; ref is the output index of the reference group.
func (f *Fitted) setMembership(res *mixture.Result, perm []int, risk *RiskDesign, ref int) {
	k := len(perm)
	number := make([]int, k) // engine index -> output number
	f.Posterior = make([][]float64, k)
	for j, from := range perm {
		f.Posterior[j] = res.Posterior[from]
		number[from] = j + 1
	}
	// The engine numbers groups in its own order.
	for _, w := range res.Warnings {
		f.Warnings = append(f.Warnings, w.Renumber(func(g int) int { return number[g-1] }))
	}
	if risk != nil {
		// Engine coefficients: one block per group but the last (the
		// engine's reference); re-express against the output reference.
		d := len(risk.Names) + 1
		g := make([][]float64, k)
		for j := range g {
			g[j] = make([]float64, d)
			if j < k-1 {
				copy(g[j], res.Params[j*d:(j+1)*d])
			}
		}
		base := g[perm[ref]]
		names := risk.membershipNames()
		for j := range f.Groups {
			coef := make([]float64, d)
			for a := range coef {
				coef[a] = g[perm[j]][a] - base[a]
			}
			f.Groups[j].MembershipCoef = Named{Names: names, Values: coef}
		}
	}
}

// membershipNames are the names of a group's membership coefficients:
// "(intercept)", then the risk factors.
func (d *RiskDesign) membershipNames() []string {
	return append([]string{"(intercept)"}, d.Names...)
}

// Params returns the fit's parameter vector, in the engine's layout for
// the groups in output order: the membership parameters (share logits
// against the last group, or the log-odds coefficients of each group but
// the reference), then each group's β, δ (time-varying covariates) and γ
// (of each outcome in turn, for a multi-trajectory model), then the
// parameters the groups share. A dual model's is dualParams'.
func (f *Fitted) Params() []float64 {
	if f.IsDual() {
		return f.dualParams()
	}
	k := len(f.Groups)
	var out []float64
	if f.Risk() != nil {
		for j, g := range f.Groups {
			if j != f.ref() {
				out = append(out, g.MembershipCoef.Values...)
			}
		}
	} else {
		for j := 0; j < k-1; j++ {
			out = append(out, math.Log(f.Groups[j].Share)-math.Log(f.Groups[k-1].Share))
		}
	}
	vs := f.views()
	for j := range f.Groups {
		for _, v := range vs {
			g := &v.Groups[j]
			out = append(out, g.Beta...)
			out = append(out, g.TcovCoef.Values...)
			out = append(out, g.Inflation...)
			if v.Model().groupExtra() > 0 {
				out = append(out, g.extraParam())
			}
		}
	}
	for _, v := range vs {
		if v.Model().sharedParams() > 0 {
			out = append(out, v.Groups[0].extraParam())
		}
	}
	return out
}

// MinDispersion is the lower bound of the dispersion α of the negative
// binomial distributions: the fit estimates log α ≥ log MinDispersion,
// and reports α = 0 at the bound.
const MinDispersion = 1e-8

// setParams sets the group's coefficients from its own parameters p (of
// layout l) and the shared ones.
func (g *Group) setParams(m Model, l layout, p, shared []float64, tcov []string) {
	g.Beta = append([]float64(nil), p[:l.beta]...)
	p = p[l.beta:]
	if l.tcov > 0 {
		g.TcovCoef = Named{Names: tcov, Values: append([]float64(nil), p[:l.tcov]...)}
	}
	p = p[l.tcov:]
	g.Inflation = append([]float64{}, p[:l.gamma]...)
	p = p[l.gamma:]
	extra := shared
	if l.extra > 0 {
		extra = p
	}
	switch d := m.Distribution; {
	case d.HasDispersion():
		a, atMin := nbAlpha(extra[0])
		if atMin {
			a = 0
		}
		g.Dispersion = &a
	case d.HasSigma():
		sigma := math.Exp(extra[0])
		g.Sigma = &sigma
	}
}

// extraParam returns the group's parameter beyond its polynomials on the
// engine's scale: log α (log MinDispersion for α = 0) or log σ.
func (g *Group) extraParam() float64 {
	switch {
	case g.Dispersion != nil:
		return math.Log(math.Max(*g.Dispersion, MinDispersion))
	case g.Sigma != nil:
		return math.Log(*g.Sigma)
	}
	panic("trajectory: a group without a dispersion or σ")
}

// membership returns the membership model of the fit in output order,
// for persons with risk factors x (ignored without risk factors).
func (f *Fitted) membership(x [][]float64) mixture.Membership {
	if f.Risk() != nil {
		return mixture.MultinomialLogit{X: x, Reference: f.ref() + 1}
	}
	return mixture.ConstantShares{}
}

// riskX returns the risk factors of the persons fitted; nil without.
func (f *Fitted) riskX() [][]float64 {
	if r := f.Risk(); r != nil {
		return r.X
	}
	return nil
}

// numMembershipParams is the number of membership parameters.
func (f *Fitted) numMembershipParams() int {
	if r := f.Risk(); r != nil {
		return (len(f.Groups) - 1) * (len(r.Names) + 1)
	}
	return len(f.Groups) - 1
}

// checkGroups warns about groups that duplicate another (curves within 1%
// of each other at every age) and about zero inflation and dispersion
// estimated at their boundary.
func (f *Fitted) checkGroups() {
	f.checkBoundaries()
	for a := range f.Groups {
		for b := a + 1; b < len(f.Groups); b++ {
			if sameCurve(&f.Groups[a], &f.Groups[b]) {
				f.Status = mixture.Degenerate
				f.Warnings = append(f.Warnings, mixture.Warnf(DuplicateGroups, []int{a + 1, b + 1},
					"the same curve (within 1%% at every age): the model has more groups than the data support"))
			}
		}
	}
}

// checkBoundaries warns about zero inflation and dispersion estimated at
// their boundary.
func (f *Fitted) checkBoundaries() {
	f.checkDispersion()
	for j, g := range f.Groups {
		if g.inflationAtBoundary() {
			f.Warnings = append(f.Warnings, mixture.Warnf(InflationAtBoundary, []int{j + 1},
				"the zero inflation is estimated at 0 (below 1e-6 at every age), at the boundary of its range; the group needs no inflation (inflation order -1)"))
		}
	}
}

// inflationAtBoundary reports whether the group's zero inflation is
// estimated at 0: below 1e-6 at every age.
func (g *Group) inflationAtBoundary() bool {
	if g.InflationOrder < 0 {
		return false
	}
	maxRho := 0.0
	for _, p := range g.Curve {
		maxRho = math.Max(maxRho, p.ZeroProb)
	}
	return maxRho < 1e-6
}

// sameCurve reports whether groups a and b have curves within 1% of each
// other at every age.
func sameCurve(a, b *Group) bool {
	for t := range a.Curve {
		ma, mb := a.Curve[t].Mean, b.Curve[t].Mean
		if math.Abs(ma-mb) > 0.01*math.Max(ma, mb)+1e-12 {
			return false
		}
	}
	return true
}

// FormatShare writes a share as a percentage with one decimal: 0.2814
// becomes "28.1%". NaN and infinities become "-".
func FormatShare(s float64) string {
	if math.IsNaN(s) || math.IsInf(s, 0) {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", 100*s)
}
