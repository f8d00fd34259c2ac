package trajectory

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/trajkit/trajkit/internal/words"
	"github.com/trajkit/trajkit/mixture"
)

// A distal outcome is measured once per person, after (or beside) the
// careers: later victimisation, employment, a repeat conviction. Its
// distribution depends on the person's trajectory group,
//
//	z_i | group k ~ f_k(z | θ_k),
//
// and the question is how its mean (or category probabilities) differ
// between the groups. Fitted.EstimateDistal answers it from a fit's
// posteriors by one of the three-step methods (DistalML, DistalBCH) or,
// for comparison only, by classify-then-analyse (DistalClassify);
// FitDistalJoint estimates it jointly with the trajectories
// (DistalJoint). docs/methods.md gives the formulas.

// DistalModel is the distribution of a distal outcome within a group.
type DistalModel string

const (
	// DistalNormal: a real number, normal with mean μ_k and standard
	// deviation σ_k in group k.
	DistalNormal DistalModel = "normal"
	// DistalLogit: 0 or 1, with P(z = 1) = p_k, logit p_k = θ_k.
	DistalLogit DistalModel = "logit"
	// DistalPoisson: a count 0, 1, 2, ..., Poisson with mean λ_k,
	// log λ_k = θ_k.
	DistalPoisson DistalModel = "poisson"
	// DistalMlogit: one of C ≥ 2 categories, with probabilities p_kc,
	// log(p_kc / p_k1) = θ_kc (the first category is the reference).
	DistalMlogit DistalModel = "mlogit"
)

// DistalMethod is how a distal outcome's group means are estimated.
type DistalMethod string

const (
	// DistalML is Vermunt's (2010) three-step ML correction: the persons'
	// assigned groups, with the classification errors D fixed, are
	// indicators of the true group in a mixture of the distal outcome.
	DistalML DistalMethod = "ml"
	// DistalBCH is the correction of Bolck, Croon & Hagenaars (2004) in
	// Vermunt's (2010) form: weighted means with weights from D⁻¹ and
	// sandwich standard errors (Asparouhov & Muthén 2014).
	DistalBCH DistalMethod = "bch"
	// DistalClassify assigns each person to her maximum-posterior group
	// and takes the group means: biased toward the overall mean by the
	// classification errors, for comparison only.
	DistalClassify DistalMethod = "classify"
)

// DistalModels and DistalMethods list the models and the three-step
// methods of EstimateDistal, in the order the documentation gives them;
// DistalJoint (FitDistalJoint) is a fit of its own.
var (
	DistalModels  = []DistalModel{DistalNormal, DistalLogit, DistalPoisson, DistalMlogit}
	DistalMethods = []DistalMethod{DistalML, DistalBCH, DistalClassify}
)

// The kinds of warning of a distal outcome.
const (
	// DistalMissing: persons of the fit have no value of the distal
	// outcome and were left out of the distal step (the classification
	// errors D still come from every person).
	DistalMissing mixture.WarningKind = "distal-missing"
	// DistalOutOfRange: a BCH estimate fell outside its range (a
	// probability outside [0, 1], a negative Poisson mean), which
	// negative weights allow; it is reported at the nearest bound.
	DistalOutOfRange mixture.WarningKind = "distal-out-of-range"
)

// DistalOutcome is a distal outcome's data: one value per person of the
// fit, in the fit's person order (Fitted.IDs), NaN where missing. A
// logit outcome's values are 0 or 1, a Poisson outcome's whole numbers
// ≥ 0, an mlogit outcome's the 0-based index of the category in
// Categories.
type DistalOutcome struct {
	Name       string
	Model      DistalModel
	Values     []float64
	Categories []string
	// CategoryLabels are the value labels of the categories (from a Stata
	// or SPSS person file), by category; nil when none has one.
	CategoryLabels map[string]string
}

// Distal is a distal outcome's estimates by group (Fitted.Distal, and
// "distal" in model.json).
type Distal struct {
	Name   string       `json:"name"`
	Model  DistalModel  `json:"model"`
	Method DistalMethod `json:"method"`
	// Categories are an mlogit outcome's categories, in the order of each
	// group's Probs.
	Categories []string `json:"categories,omitempty"`
	// CategoryLabels are the categories' value labels, by category, for
	// tables (CategoryName); nil when none has one.
	CategoryLabels map[string]string `json:"category_labels,omitempty"`
	// N is the number of persons with a value, Missing the number left
	// out without one.
	N       int `json:"n"`
	Missing int `json:"n_missing"`
	// Classification is D (K x K): D[k][s] is the probability that a
	// person of group k is assigned to group s, estimated from the
	// posteriors of every person of the fit (Vermunt 2010); the identity
	// for DistalClassify; for DistalJoint D of the joint fit's
	// posteriors, for reference only.
	Classification [][]float64   `json:"classification"`
	ByGroup        []DistalGroup `json:"by_group"`
	// Wald tests that the group means (the category probabilities of
	// mlogit) are all equal: chi-square with DF = K − 1, (K − 1)(C − 1)
	// for mlogit.
	Wald DistalWald `json:"wald"`
}

// DistalGroup is the distal outcome in one group: the mean (normal,
// logit: the probability of 1, poisson) with its standard error, or an
// mlogit outcome's category probabilities with theirs. In model.json
// "se" is a number beside "mean" and a list beside "probs".
type DistalGroup struct {
	Number int
	Mean   Float
	SE     Float
	Probs  []float64
	ProbSE []Float
}

type distalScalar struct {
	Number int   `json:"group"`
	Mean   Float `json:"mean"`
	SE     Float `json:"se"`
}

type distalProbs struct {
	Number int       `json:"group"`
	Probs  []float64 `json:"probs"`
	SE     []Float   `json:"se"`
}

// MarshalJSON writes {group, mean, se} or, with Probs, {group, probs, se}.
func (g DistalGroup) MarshalJSON() ([]byte, error) {
	if g.Probs != nil {
		return json.Marshal(distalProbs{g.Number, g.Probs, g.ProbSE})
	}
	return json.Marshal(distalScalar{g.Number, g.Mean, g.SE})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (g *DistalGroup) UnmarshalJSON(b []byte) error {
	var v struct {
		Number int             `json:"group"`
		Mean   *Float          `json:"mean"`
		Probs  []float64       `json:"probs"`
		SE     json.RawMessage `json:"se"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*g = DistalGroup{Number: v.Number, Mean: Float(math.NaN()), SE: Float(math.NaN())}
	if v.Probs != nil {
		g.Probs = v.Probs
		if len(v.SE) > 0 {
			return json.Unmarshal(v.SE, &g.ProbSE)
		}
		return nil
	}
	if v.Mean != nil {
		g.Mean = *v.Mean
	}
	if len(v.SE) > 0 && string(v.SE) != "null" {
		return json.Unmarshal(v.SE, &g.SE)
	}
	return nil
}

// DistalWald is the Wald test of equal group means.
type DistalWald struct {
	Chi2 Float `json:"chi2"`
	DF   int   `json:"df"`
	P    Float `json:"p"`
}

// EstimateDistal estimates the distal outcome z by group with the given
// method (the zero value is DistalML), sets f.Distal (replacing an
// earlier estimate and its warnings) and returns it. It
// needs the fit's posteriors (a fit read from model.json alone has none).
// Persons whose value is NaN are left out, with a DistalMissing warning
// in f.Warnings; the classification errors D come from every person.
// Sampling weights (f.Weights) count as frequencies. An outcome whose
// values do not fit its model, fewer than two persons with a value, a
// group that classify assigns nobody with a value, and BCH weights of a
// group that sum to ≤ 0 (D nearly singular) are errors.
//
// The standard errors treat D as known: they leave out the uncertainty
// of the first step's parameters, which Bakk, Oberski & Vermunt (2014)
// find small unless the groups are poorly separated.
func (f *Fitted) EstimateDistal(z DistalOutcome, method DistalMethod) (*Distal, error) {
	if method == "" {
		method = DistalML
	}
	if f.Posterior == nil || f.Assigned == nil {
		return nil, errors.New("distal outcome: the fit has no posteriors (a fit read from model.json alone)")
	}
	n := len(f.Assigned)
	if len(z.Values) != n {
		panic(fmt.Sprintf("trajectory: %d distal values for %d persons", len(z.Values), n))
	}
	q, err := checkDistal(z)
	if err != nil {
		return nil, err
	}
	// A new estimate replaces the warnings of an earlier one.
	f.Warnings = slices.DeleteFunc(f.Warnings, func(w Warning) bool { return w.Kind == DistalMissing || w.Kind == DistalOutOfRange })
	k := len(f.Posterior)
	d := &Distal{Name: z.Name, Model: z.Model, Method: method}
	if z.Model == DistalMlogit {
		d.Categories, d.CategoryLabels = z.Categories, z.CategoryLabels
	}
	var obs distalData
	for i, v := range z.Values {
		if math.IsNaN(v) {
			d.Missing++
			continue
		}
		w := 1.0
		if f.Weights != nil {
			w = f.Weights[i]
		}
		obs.z = append(obs.z, v)
		obs.s = append(obs.s, f.Assigned[i]-1)
		obs.v = append(obs.v, w)
		obs.post = append(obs.post, columnOf(f.Posterior, i))
	}
	d.N = len(obs.z)
	if d.N < 2 {
		return nil, fmt.Errorf("distal outcome %q: %s with a value, expected at least 2", z.Name, words.Count(d.N, "person"))
	}
	if d.Missing > 0 {
		f.Warnings = append(f.Warnings, mixture.Warnf(DistalMissing, nil,
			"distal outcome %q: %s without a value left out of the distal step (%d used)", z.Name, words.Count(d.Missing, "person"), d.N))
	}
	switch method {
	case DistalClassify:
		d.Classification = identity(k)
	default:
		d.Classification = ClassificationErrors(f.Posterior, f.Assigned, f.Weights)
	}
	obs.model, obs.k, obs.q, obs.c = z.Model, k, q, len(z.Categories)
	var est distalEstimate
	switch method {
	case DistalML, DistalClassify:
		est, err = obs.threeStepML(d.Classification)
	case DistalBCH:
		est, err = obs.bch(d.Classification)
	default:
		return nil, fmt.Errorf("distal outcome: unknown method %q, expected ml, bch or classify", method)
	}
	if err != nil {
		return nil, fmt.Errorf("distal outcome %q (%s): %w", z.Name, method, err)
	}
	d.ByGroup, d.Wald = est.groups, est.wald
	for _, w := range est.warnings {
		f.Warnings = append(f.Warnings, mixture.Warnf(DistalOutOfRange, w.groups, "distal outcome %q: %s", z.Name, w.msg))
	}
	f.Distal = d
	return d, nil
}

// checkDistal checks the values against the model and returns the
// number of a group's parameters tested for equality (1, or C − 1 for
// mlogit).
func checkDistal(z DistalOutcome) (int, error) {
	bad := func(i int, want string) error {
		return fmt.Errorf("distal outcome %q: person %d has %g, expected %s", z.Name, i+1, z.Values[i], want)
	}
	for i, v := range z.Values {
		switch {
		case math.IsNaN(v):
		case math.IsInf(v, 0):
			return 0, bad(i, "a finite number")
		case z.Model == DistalLogit && v != 0 && v != 1:
			return 0, bad(i, "0 or 1")
		case z.Model == DistalPoisson && (v < 0 || v != math.Trunc(v)):
			return 0, bad(i, "a count (a whole number ≥ 0)")
		case z.Model == DistalMlogit && (v < 0 || v != math.Trunc(v) || int(v) >= len(z.Categories)):
			return 0, bad(i, fmt.Sprintf("a category index 0-%d", len(z.Categories)-1))
		}
	}
	switch z.Model {
	case DistalNormal, DistalLogit, DistalPoisson:
		return 1, nil
	case DistalMlogit:
		if len(z.Categories) < 2 {
			return 0, fmt.Errorf("distal outcome %q: %s, expected at least 2 for mlogit", z.Name, words.Count(len(z.Categories), "category"))
		}
		return len(z.Categories) - 1, nil
	}
	return 0, fmt.Errorf("distal outcome %q: unknown model %q, expected normal, logit, poisson or mlogit", z.Name, z.Model)
}

// ClassificationErrors returns D (K x K) from the posteriors (K x N) and
// the 1-based assigned groups: the share of group k's expected members
// assigned to group s (Vermunt 2010, eq. 6),
//
//	D[k][s] = Σ_i v_i p_ik 1[s_i = s] / Σ_i v_i p_ik,
//
// with weights v_i (all 1 when nil). Each row sums to one.
func ClassificationErrors(post [][]float64, assigned []int, v []float64) [][]float64 {
	k := len(post)
	d := make([][]float64, k)
	for a := range d {
		d[a] = make([]float64, k)
		tot := 0.0
		for i, s := range assigned {
			w := post[a][i]
			if v != nil {
				w *= v[i]
			}
			d[a][s-1] += w
			tot += w
		}
		for s := range d[a] {
			if tot > 0 {
				d[a][s] /= tot
			}
		}
	}
	return d
}

func identity(k int) [][]float64 {
	d := make([][]float64, k)
	for a := range d {
		d[a] = make([]float64, k)
		d[a][a] = 1
	}
	return d
}

func columnOf(m [][]float64, i int) []float64 {
	c := make([]float64, len(m))
	for k := range m {
		c[k] = m[k][i]
	}
	return c
}
