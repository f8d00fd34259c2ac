package trajectory

import (
	"fmt"
	"slices"
	"strings"
)

// RiskDesign is the design of the membership model: the expanded covariate
// names and each person's values.
//
// Its JSON form (in model.json's "covariates") names the covariates and
// the base levels of the categorical variables, enough to build the same
// design for other persons (see Variable); the per-person values X and the
// map to variables are not in it.
type RiskDesign struct {
	// Variables are the person-file columns used; Names the model's
	// covariates: a numeric variable as is, a categorical one as an
	// indicator per level except the base level (the first in sorted
	// order), named "variable=level".
	Names     []string `json:"risk,omitempty"`
	Variables []string `json:"risk_variables,omitempty"`
	// BaseLevels[v] is the base level of categorical variable v, "" for a
	// numeric one. model.json files written before trajkit recorded
	// them do not have them.
	BaseLevels []string `json:"risk_base_levels,omitempty"`
	// ValueLabels are the value labels of the categorical variables read
	// from a Stata or SPSS file, by variable and then level (the code as
	// the person file writes it), for the levels of the design; nil when
	// no variable has any. They name levels in tables (LevelName), never
	// in Names, which stay the covariates' identifiers.
	ValueLabels map[string]map[string]string `json:"risk_value_labels,omitempty"`
	// Of[j] is the variable of covariate j.
	Of []int `json:"-"`
	// X holds the covariates of each kept person, in the careers' order.
	X [][]float64 `json:"-"`
}

// RiskVariable is one person-file column of a membership design.
type RiskVariable struct {
	Name string
	// Levels are the levels with an indicator each, in the order of the
	// design's covariates (sorted); nil for a numeric variable.
	Levels []string
	// Base is the base level of a categorical variable, whose indicators
	// are all zero; "" for a numeric variable, and when the design does
	// not record it (a model.json written before BaseLevels existed): the
	// base level was then the one level that sorts before all of Levels.
	Base string
}

// Numeric reports whether the variable enters the design as it is.
func (v RiskVariable) Numeric() bool { return v.Levels == nil }

// VariableList returns the design's variables with the levels their
// indicators stand for, from Names, Variables and BaseLevels alone (what
// model.json records): the covariates of variable v follow those of
// variable v−1, a numeric one named as the variable, a categorical one
// "variable=level". It is an error when the names do not follow that
// pattern.
func (d *RiskDesign) VariableList() ([]RiskVariable, error) {
	if len(d.BaseLevels) != 0 && len(d.BaseLevels) != len(d.Variables) {
		return nil, fmt.Errorf("%d base levels for %d risk variables", len(d.BaseLevels), len(d.Variables))
	}
	out := make([]RiskVariable, len(d.Variables))
	j := 0
	for v, name := range d.Variables {
		rv := RiskVariable{Name: name}
		if len(d.BaseLevels) > 0 {
			rv.Base = d.BaseLevels[v]
		}
		switch {
		case j < len(d.Names) && d.Names[j] == name:
			if rv.Base != "" {
				return nil, fmt.Errorf("risk variable %q is numeric but has the base level %q", name, rv.Base)
			}
			j++
		default:
			for j < len(d.Names) && strings.HasPrefix(d.Names[j], name+"=") {
				rv.Levels = append(rv.Levels, strings.TrimPrefix(d.Names[j], name+"="))
				j++
			}
			if rv.Levels == nil {
				return nil, fmt.Errorf("risk variable %q has no covariate (expected %q or %q=LEVEL among %q)", name, name, name, d.Names)
			}
			if slices.Contains(rv.Levels, rv.Base) {
				return nil, fmt.Errorf("risk variable %q: the base level %q also has an indicator", name, rv.Base)
			}
		}
		out[v] = rv
	}
	if j != len(d.Names) {
		return nil, fmt.Errorf("risk factor %q belongs to none of the risk variables %q", d.Names[j], d.Variables)
	}
	return out, nil
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
