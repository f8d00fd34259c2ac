package trajectory

import (
	"fmt"
	"math"
)

// shiftedTcovCurves is TcovCurves for the distributions whose mean is not
// proportional to e^η (cnorm, logit, cloglog): with values only the curve
// is the mean at the shifted linear predictor,
//
//	m(η_kt + Σ_v δ_kv w_v),
//
// with m(η) E[y] at the latent mean η (cnorm), expit(η) (logit) or
// 1 − exp(−e^η) (cloglog, at exposure 1); with covariates at their mean
// (s.Mean) it is the average over the persons observed at age t, weighted
// as ObservedMeans weights them, of m at their own linear predictors
// η_kt + Σ_v δ_kv w_v + Σ_m δ_km x_itm, the expected value of the observed
// mean (for cloglog, of years at exposure 1). col are the columns of
// s.Mean in the careers' patterns.
func shiftedTcovCurves(f *Fitted, s TcovSetting, col []int, c *Careers, post [][]float64, by Weighting) ([][]float64, error) {
	k := len(f.Groups)
	// eta returns the linear predictor of a curve point, ey the mean of
	// group j at linear predictor x.
	eta := func(p CurvePoint) float64 {
		switch f.Distribution {
		case Logit:
			return math.Log(p.Prob / (1 - p.Prob))
		case Cloglog:
			return math.Log(p.Rate)
		}
		return p.LatentMean
	}
	ey := func(j int, x float64) float64 {
		switch f.Distribution {
		case Logit:
			return expit(x)
		case Cloglog:
			return -math.Expm1(-math.Exp(x))
		}
		cens := *f.Censoring
		return censoredMean(x, *f.Groups[j].Sigma, cens.Min, cens.Max)
	}
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
				out[j][t] = ey(j, eta(p)+shift[j])
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
	// mu returns group j's shifted linear predictor at age index a of the
	// careers' grid (NaN outside the curve).
	mu := func(j, a int) float64 {
		t := c.MinAge + a - f.MinAge()
		if t < 0 || t >= len(f.Groups[j].Curve) {
			return math.NaN()
		}
		return eta(f.Groups[j].Curve[t]) + shift[j]
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
				var d float64
				for v, cj := range col {
					d += delta[j][v] * x[cj]
				}
				extra[j][a] += wj * (ey(j, m+d) - ey(j, m))
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
