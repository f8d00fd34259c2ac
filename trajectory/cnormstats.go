package trajectory

import "math"

// cnormStats are the weighted sums of the M-step by cell type: of the
// uncensored cells the weight sw, the mean m and the sum of squares about
// it ss, and the weights of the cells censored at min (wlo) and at max
// (whi). The cells not listed (value 0) are added by age.
type cnormStats struct {
	win, spec         []float64 // by age, as groupStats'
	sw, swy, swy2     []float64 // by type: Σ w, Σ w y, Σ w y² of uncensored cells
	m, ss             []float64 // by type: Σ w y / Σ w and Σ w (y − m)²
	wlo, whi          []float64 // by type
	sumW              float64
	w                 []float64 // the weights of the last accumulate, by reference
	par0              []float64
	sigmaX, sigmaGrad []float64
}

func (s *cnormStats) init(types, ages int) {
	for _, p := range []*[]float64{&s.sw, &s.swy, &s.swy2, &s.m, &s.ss, &s.wlo, &s.whi} {
		*p = make([]float64, types)
	}
	s.win = make([]float64, ages+1)
	s.spec = make([]float64, ages)
}

// accumulate computes the weighted sums for weights w, in
// O(persons + special cells).
func (s *cnormStats) accumulate(d *cnormData, w []float64) {
	cs := d.c
	for _, p := range [][]float64{s.win, s.spec, s.sw, s.swy, s.swy2, s.wlo, s.whi} {
		clear(p)
	}
	s.sumW = 0
	s.w = w
	for i, wi := range w {
		if wi == 0 {
			continue
		}
		s.sumW += wi
		s.win[cs.Lo[i]] += wi
		s.win[int(cs.Hi[i])+1] -= wi
		for k := cs.Start[i]; k < cs.Start[i+1]; k++ {
			ty := d.typeOf(k)
			s.spec[cs.Age[k]] += wi
			switch d.class[k] {
			case cnormValue:
				v := cs.V[k]
				s.sw[ty] += wi
				s.swy[ty] += wi * v
				s.swy2[ty] += wi * v * v
			case cnormLow:
				s.wlo[ty] += wi
			case cnormHigh:
				s.whi[ty] += wi
			}
		}
	}
	var run float64
	for t := range s.spec {
		run += s.win[t]
		s.win[t] = run
		w0 := math.Max(0, run-s.spec[t]) // the cells not listed: value 0
		switch d.zeroClass {
		case cnormLow:
			s.wlo[t] += w0
		case cnormHigh:
			s.whi[t] += w0
		default:
			s.sw[t] += w0
		}
	}
	for ty, sw := range s.sw {
		s.m[ty], s.ss[ty] = 0, 0
		if sw > 0 {
			s.m[ty] = s.swy[ty] / sw
			s.ss[ty] = math.Max(0, s.swy2[ty]-s.swy[ty]*s.m[ty])
		}
	}
}

// eval returns the group's weighted log-likelihood
//
//	Σ_c [ −sw_c (½ log 2π + s) − (ss_c + sw_c (m_c − μ_c)²)/(2σ²)
//	      + wlo_c log Φ((min − μ_c)/σ) + whi_c log Φ((μ_c − max)/σ) ]
//
// over cell types c, at latent-mean coefficients rate and s = log σ, from
// the sums st, and sets g (p+1) and h ((p+1) x (p+1), row-major) to its
// gradient and Hessian in (rate, s) when they are not nil.
func (f *cnormFamily) eval(st *cnormStats, rate []float64, s float64, g, h []float64) float64 {
	p := len(rate)
	q := p + 1
	clear(g)
	clear(h)
	d := f.d
	inv := math.Exp(-s)
	var ll float64
	for ty, xt := range f.x {
		sw, wlo, whi := st.sw[ty], st.wlo[ty], st.whi[ty]
		if sw == 0 && wlo == 0 && whi == 0 {
			continue
		}
		mu := polyval(rate, xt)
		var dm, ds, dmm, dms, dss float64
		if sw > 0 {
			r := st.m[ty] - mu
			quad := (st.ss[ty] + sw*r*r) * inv * inv
			ll += -sw*(halfLog2Pi+s) - quad/2
			dm += sw * r * inv * inv
			ds += -sw + quad
			dmm -= sw * inv * inv
			dms -= 2 * sw * r * inv * inv
			dss -= 2 * quad
		}
		// A censored end of weight w at z = u (μ − c)/σ (u = −1 at min, +1
		// at max): log Φ(z), with the inverse Mills ratio λ = φ(z)/Φ(z)
		// and λ' = −λ (z + λ).
		for _, end := range [2]struct{ w, u, c float64 }{{wlo, -1, d.min}, {whi, 1, d.max}} {
			if end.w == 0 {
				continue
			}
			z := end.u * (mu - end.c) * inv
			lp := logNormCDF(z)
			lam := math.Exp(-halfLog2Pi - z*z/2 - lp)
			dl := -lam * (z + lam)
			ll += end.w * lp
			dm += end.w * end.u * lam * inv
			ds -= end.w * z * lam
			dmm += end.w * dl * inv * inv
			dms -= end.w * end.u * (z*dl + lam) * inv
			dss += end.w * z * (lam + z*dl)
		}
		if g == nil {
			continue
		}
		for j := 0; j < p; j++ {
			g[j] += dm * xt[j]
		}
		g[p] += ds
		if h == nil {
			continue
		}
		for j := 0; j < p; j++ {
			for m := 0; m <= j; m++ {
				h[j*q+m] += dmm * xt[j] * xt[m]
			}
			h[p*q+j] += dms * xt[j]
		}
		h[p*q+p] += dss
	}
	if h != nil {
		symmetrise(h, q)
	}
	return ll
}

// cnormObjective is the M-step objective of one group for mixture.Newton:
// its weighted log-likelihood (eval) in (β, δ), with σ fixed when it is
// shared, or in (β, δ, log σ) when it is the group's own.
type cnormObjective struct{ c *cnormComp }

func (o *cnormObjective) Dim() int { return len(o.c.par) }

func (o *cnormObjective) Eval(x, grad, negHess []float64) float64 {
	c := o.c
	f := c.f
	p := f.nrate()
	s := c.logSigma
	if f.byGroup {
		if s = x[p]; s < f.d.logSigmaMin {
			return math.Inf(-1) // refused by Newton's step halving
		}
	}
	var g, h []float64
	if grad != nil {
		g = c.g
	}
	if negHess != nil {
		h = c.h
	}
	ll := f.eval(&c.st, x[:p], s, g, h)
	n, q := len(x), p+1
	if grad != nil {
		copy(grad, g[:n])
	}
	if negHess != nil {
		for j := 0; j < n; j++ {
			for m := 0; m < n; m++ {
				negHess[j*n+m] = -h[j*q+m]
			}
		}
	}
	return ll
}
