package trajectory

// RiskDesign is the design of the membership model: the expanded covariate
// names and each person's values.
//
// Its JSON form (in model.json's "covariates") names the covariates; the
// per-person values X and the map to variables are not in it.
type RiskDesign struct {
	// Variables are the person-file columns used; Names the model's
	// covariates: a numeric variable as is, a categorical one as an
	// indicator per level except the base level (the first in sorted
	// order), named "variable=level".
	Names     []string `json:"risk,omitempty"`
	Variables []string `json:"risk_variables,omitempty"`
	// Of[j] is the variable of covariate j; BaseLevels[v] the base level
	// of categorical variable v ("" for numeric).
	Of         []int    `json:"-"`
	BaseLevels []string `json:"-"`
	// X holds the covariates of each kept person, in the careers' order.
	X [][]float64 `json:"-"`
}

// subset returns the design of persons idx (repeats allowed), in that
// order, sharing the rows of d; nil when d is nil.
func (d *RiskDesign) subset(idx []int) *RiskDesign {
	if d == nil {
		return nil
	}
	out := *d
	out.X = make([][]float64, len(idx))
	for j, i := range idx {
		out.X[j] = d.X[i]
	}
	return &out
}
