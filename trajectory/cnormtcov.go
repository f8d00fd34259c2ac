package trajectory

import (
	"fmt"
	"math"
)

// cnormTcovCurves is TcovCurves for the censored normal: with values only
// the curve is
//
//	E[y] at μ_kt + Σ_v δ_kv w_v,
//
// and with covariates at their mean (s.Mean) the average over the persons
// observed at age t, weighted as ObservedMeans weights them, of E[y] at
// their own latent means μ_kt + Σ_v δ_kv w_v + Σ_m δ_km x_itm, the expected
// value of the observed mean. col are the columns of s.Mean in the
// careers' patterns.
func cnormTcovCurves(f *Fitted, s TcovSetting, col []int, c *Careers, post [][]float64, by Weighting) ([][]float64, error) {
	k := len(f.Groups)
	cens := *f.Censoring
	ey := func(j int, mu float64) float64 { return censoredMean(mu, *f.Groups[j].Sigma, cens.Min, cens.Max) }
	shift := make([]float64, k)
	for j := range f.Groups {
		g := &f.Groups[j]
		for name, v := range s.Values {
			d, ok := g.TcovCoef.Value(name)
			if !ok {
				return nil, fmt.Errorf("%s has no effect of time-varying covariate %s", g.Name(), name)
			}
			shift[j] += d * v
		}
	}
	out := make([][]float64, k)
	if len(s.Mean) == 0 {
		for j, g := range f.Groups {
			out[j] = make([]float64, len(g.Curve))
			for t, p := range g.Curve {
				out[j][t] = ey(j, p.LatentMean+shift[j])
			}
		}
		return out, nil
	}
	if len(post) != k {
		return nil, fmt.Errorf("posteriors of %d groups for a model of %d", len(post), k)
	}
	delta := make([][]float64, k)
	for j := range delta {
		for _, name := range s.Mean {
			d, ok := f.Groups[j].TcovCoef.Value(name)
			if !ok {
				return nil, fmt.Errorf("%s has no effect of time-varying covariate %s", f.Groups[j].Name(), name)
			}
			delta[j] = append(delta[j], d)
		}
	}
	// mu returns group j's shifted latent mean at age index a of the
	// careers' grid (NaN outside the curve).
	mu := func(j, a int) float64 {
		t := c.MinAge + a - f.MinAge()
		if t < 0 || t >= len(f.Groups[j].Curve) {
			return math.NaN()
		}
		return f.Groups[j].Curve[t].LatentMean + shift[j]
	}
	// Σ_i w_ik (E[y] at the person's latent mean − E[y] at covariates
	// zero) over the cells whose covariates are not all zero: the
	// observed means' weights count every observed person once.
	extra := make([][]float64, k)
	for j := range extra {
		extra[j] = make([]float64, c.NumAges)
	}
	w := make([]float64, k)
	for i := 0; i < c.Len(); i++ {
		for cell := c.Start[i]; cell < c.Start[i+1]; cell++ {
			if c.Pattern == nil || c.Pattern[cell] == 0 || c.Exposure(cell) == 0 {
				continue
			}
			x := c.Patterns[c.Pattern[cell]]
			a := int(c.Age[cell])
			weights(w, post, i, by)
			for j, wj := range w {
				m := mu(j, a)
				if wj == 0 || math.IsNaN(m) {
					continue
				}
				var eta float64
				for v, cj := range col {
					eta += delta[j][v] * x[cj]
				}
				extra[j][a] += wj * (ey(j, m+eta) - ey(j, m))
			}
		}
	}
	obs := ObservedMeans(c, post, by)
	for j, g := range f.Groups {
		out[j] = make([]float64, len(g.Curve))
		for t, p := range g.Curve {
			out[j][t] = math.NaN()
			a := p.Age - c.MinAge
			if a < 0 || a >= c.NumAges {
				continue
			}
			if den := obs[j][a].Exposure; den > 0 {
				out[j][t] = ey(j, mu(j, a)) + extra[j][a]/den
			}
		}
	}
	return out, nil
}
