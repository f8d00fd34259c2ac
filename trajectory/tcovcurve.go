package trajectory

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
)

// TcovSetting sets a model's time-varying covariates for its curves, as
// traj's plottcov: the covariates in Values at those values, the ones in
// Mean at each person's own values, averaged as below, the others at zero.
// The zero value is the curves of the model file, at covariates zero.
type TcovSetting struct {
	Values map[string]float64
	Mean   []string
}

// IsZero reports whether the setting puts every covariate at zero, where
// the curves are model.json's, with their intervals.
func (s TcovSetting) IsZero() bool {
	if len(s.Mean) > 0 {
		return false
	}
	for _, v := range s.Values {
		if v != 0 {
			return false
		}
	}
	return true
}

// String writes the setting as the command's --tcov takes it, names in
// order: "employed=1", "employed=mean", "hours=20, employed=mean";
// "covariates zero" for the zero value.
func (s TcovSetting) String() string {
	var parts []string
	for _, name := range slices.Sorted(maps.Keys(s.Values)) {
		parts = append(parts, name+"="+strconv.FormatFloat(s.Values[name], 'g', -1, 64))
	}
	for _, name := range slices.Sorted(slices.Values(s.Mean)) {
		parts = append(parts, name+"=mean")
	}
	if len(parts) == 0 {
		return "covariates zero"
	}
	return strings.Join(parts, ", ")
}

// TcovCurves returns each group's expected count per unit of exposure at
// each age of its curve (K x len(Group.Curve), in the order of Curve) with
// the time-varying covariates at s. With values only it is the curve
// shifted on the log scale, μ_kt exp(Σ_v δ_kv w_v). For the covariates in
// s.Mean it is the average of the persons' own expected counts at age t,
//
//	m_kt = μ_kt exp(Σ_v δ_kv w_v) · Σ_i w_ik e_it exp(Σ_m δ_km x_itm) / Σ_i w_ik e_it,
//
// the sums over the persons observed at t, each weighted as
// ObservedMeans weights them (the posteriors post, K x N, or assignment)
// and by the exposure: the expected value of the observed mean
// Σ_i w_ik y_it / Σ_i w_ik e_it given the persons, their covariates and
// weights, so that the curve is the one the observed means scatter
// around. Where nobody is observed at an age, m_kt is NaN. μ_kt is the
// curve's Mean ((1 − ρ) λ: the covariates move λ only).
//
// The careers c and post are needed only for s.Mean: the careers the
// model was fitted to, carrying those covariates, in the order of post.
//
// For the censored normal and the binary distributions the covariates
// shift the linear predictor, and the curve is the mean at the shifted
// predictor (shiftedTcovCurves).
func TcovCurves(f *Fitted, s TcovSetting, c *Careers, post [][]float64, by Weighting) ([][]float64, error) {
	names := f.TcovNames()
	for name := range s.Values {
		if !slices.Contains(names, name) {
			return nil, unknownTcov(f, name)
		}
		if math.IsNaN(s.Values[name]) || math.IsInf(s.Values[name], 0) {
			return nil, fmt.Errorf("time-varying covariate %s at %v: expected a finite value", name, s.Values[name])
		}
	}
	col := make([]int, len(s.Mean)) // the column of each mean covariate in the careers' patterns
	for j, name := range s.Mean {
		if !slices.Contains(names, name) {
			return nil, unknownTcov(f, name)
		}
		if _, both := s.Values[name]; both || slices.Index(s.Mean, name) != j {
			return nil, fmt.Errorf("time-varying covariate %s is set twice", name)
		}
		if c == nil {
			return nil, fmt.Errorf("%s at its mean needs the careers the model was fitted to", name)
		}
		if col[j] = slices.Index(c.TcovNames, name); col[j] < 0 {
			return nil, fmt.Errorf("the careers carry no time-varying covariate %s: read them with it", name)
		}
	}
	if f.Distribution.Real() || f.Distribution.Binary() {
		return shiftedTcovCurves(f, s, col, c, post, by)
	}
	out := make([][]float64, len(f.Groups))
	var ratio [][]float64 // K x careers' ages: the average of exp(Σ_m δ_km x_itm)
	if len(s.Mean) > 0 {
		var err error
		if ratio, err = meanTcovRatio(f, s.Mean, col, c, post, by); err != nil {
			return nil, err
		}
	}
	for k := range f.Groups {
		g := &f.Groups[k]
		shift := 0.0
		for name, v := range s.Values {
			d, ok := g.TcovCoef.Value(name)
			if !ok {
				return nil, fmt.Errorf("%s has no effect of time-varying covariate %s", g.Name(), name)
			}
			shift += d * v
		}
		out[k] = make([]float64, len(g.Curve))
		for t, p := range g.Curve {
			m := p.Mean * math.Exp(shift)
			if ratio != nil {
				m = math.NaN()
				if a := p.Age - c.MinAge; a >= 0 && a < c.NumAges {
					m = p.Mean * math.Exp(shift) * ratio[k][a]
				}
			}
			out[k][t] = m
		}
	}
	return out, nil
}

func unknownTcov(f *Fitted, name string) error {
	have := "none"
	if names := f.TcovNames(); len(names) > 0 {
		have = strings.Join(names, ", ")
	}
	return fmt.Errorf("the model has no time-varying covariate %q (it has %s)", name, have)
}

// meanTcovRatio returns, per group and age of the careers' grid,
// Σ_i w_ik e_it exp(Σ_m δ_km x_itm) / Σ_i w_ik e_it over the persons
// observed at the age (NaN where there are none). The denominators are
// ObservedMeans' exposures; the numerators differ from them only at the
// cells whose covariates are not all zero, the special cells with a
// pattern, so the cost is that of ObservedMeans plus those cells.
func meanTcovRatio(f *Fitted, mean []string, col []int, c *Careers, post [][]float64, by Weighting) ([][]float64, error) {
	k := len(f.Groups)
	if len(post) != k {
		return nil, fmt.Errorf("posteriors of %d groups for a model of %d", len(post), k)
	}
	obs := ObservedMeans(c, post, by)
	delta := make([][]float64, k)
	for j := range delta {
		delta[j] = make([]float64, len(mean))
		for m, name := range mean {
			d, ok := f.Groups[j].TcovCoef.Value(name)
			if !ok {
				return nil, fmt.Errorf("%s has no effect of time-varying covariate %s", f.Groups[j].Name(), name)
			}
			delta[j][m] = d
		}
	}
	extra := make([][]float64, k) // Σ_i w_ik e_it (exp(δ x) − 1)
	for j := range extra {
		extra[j] = make([]float64, c.NumAges)
	}
	// exp(δ_k · x) − 1 per pattern and group, computed once.
	gain := make([][]float64, len(c.Patterns))
	w := make([]float64, k)
	for i := 0; i < c.Len(); i++ {
		for cell := c.Start[i]; cell < c.Start[i+1]; cell++ {
			p := uint32(0)
			if c.Pattern != nil {
				p = c.Pattern[cell]
			}
			e := c.Exposure(cell)
			if p == 0 || e == 0 {
				continue
			}
			if gain[p] == nil {
				gain[p] = make([]float64, k)
				for j := range gain[p] {
					var eta float64
					for m, cj := range col {
						eta += delta[j][m] * c.Patterns[p][cj]
					}
					gain[p][j] = math.Expm1(eta)
				}
			}
			weights(w, post, i, by)
			for j, wj := range w {
				extra[j][c.Age[cell]] += wj * e * gain[p][j]
			}
		}
	}
	out := make([][]float64, k)
	for j := range out {
		out[j] = make([]float64, c.NumAges)
		for a := range out[j] {
			out[j][a] = math.NaN()
			if den := obs[j][a].Exposure; den > 0 {
				out[j][a] = 1 + extra[j][a]/den
			}
		}
	}
	return out, nil
}
