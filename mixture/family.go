package mixture

import "context"

// Family is a model for one group's data, bound to the data of all N
// persons. It creates components and fits them from per-person weights.
// A Family is used by several EM runs at once and must not keep per-fit state.
type Family interface {
	// Len is the number of persons N.
	Len() int
	// NumParams is the number of free parameters of one component.
	NumParams() int
	// NewComponent returns a component with storage for this family's
	// parameters; its parameters are set by Fit or SetParams.
	NewComponent() Component
	// Fit sets c's parameters to maximise, or at least increase,
	//
	//	Σ_i w[i] log f(y_i | θ)
	//
	// over θ, where len(w) = Len(). When warm is true it starts from c's
	// current parameters and reports the gradient of that objective there;
	// otherwise it starts from the weights alone. A fit that may take long
	// checks ctx and, once it is cancelled, stops with parameters it has
	// not finished with (see Prior.Fit).
	Fit(ctx context.Context, c Component, w []float64, warm bool) FitInfo
}

// Component is one group with its parameters set.
type Component interface {
	// LogLik sets dst[i] = log f(y_i | θ) for persons from ≤ i < to.
	// len(dst) = N.
	LogLik(dst []float64, from, to int)
	// Params copies the free parameters into dst, allocating when dst is
	// nil, and returns it.
	Params(dst []float64) []float64
	// SetParams sets the free parameters from p, which it does not keep.
	SetParams(p []float64)
}

// JointFamily is an optional interface of a Family whose groups share
// their data, so that one pass over the persons can give the sums that
// several groups' M-steps need from their weights: the M-step then reads
// each person's data once per pass instead of once per group.
type JointFamily interface {
	// FitAll is Fit(ctx, comps[j], w[j], warm) of fams[j] for every j,
	// with the results in infos[j], each to the bit what Fit would give,
	// and reports true. When it cannot take the groups together (another
	// kind of family, other data) it fits nothing and reports false, and
	// the caller fits each group alone.
	FitAll(ctx context.Context, fams []Family, comps []Component, w [][]float64, warm bool, infos []FitInfo) bool
}

// JointComponent is an optional interface of a Component whose group
// shares its data with the other groups, so that one pass over each
// person's data can give every group's log-likelihood: the E-step then
// reads each person's data once instead of once per group (K times).
type JointComponent interface {
	// LogLikAll sets dst[j][i] = log f(y_i | θ_j) of comps[j] for every
	// group j and persons from ≤ i < to, to the bit what comps[j].LogLik
	// would give, and reports true. When it cannot take comps together
	// (another kind of component, other data) it writes nothing and
	// reports false, and the caller asks each component alone.
	LogLikAll(comps []Component, dst [][]float64, from, to int) bool
}

// logLikAll sets post[j][i] = log f(y_i | θ_j) for every component j and
// persons from ≤ i < to: in one pass when the components implement
// JointComponent, else group by group.
func logLikAll(comps []Component, post [][]float64, from, to int) {
	if jc, ok := comps[0].(JointComponent); ok && jc.LogLikAll(comps, post, from, to) {
		return
	}
	for j, c := range comps {
		c.LogLik(post[j], from, to)
	}
}

// FitInfo reports how a component's M-step went.
type FitInfo struct {
	// Score is the largest absolute component of the gradient of the
	// weighted objective at the starting parameters (warm fits only). By
	// Fisher's identity it is the gradient of the mixture log-likelihood
	// with respect to this group's parameters.
	Score float64
	// Empty is true when the weights sum to (nearly) zero, so the
	// parameters were left as they were.
	Empty bool
	// IllConditioned is true when the Newton system was singular or nearly
	// so and had to be regularised.
	IllConditioned bool
}
