package trajectory

import "math"

// halfLog2Pi is ½ log 2π, the normal density's constant.
var halfLog2Pi = 0.5 * math.Log(2*math.Pi)

// censoredMean is E[y] of y* ~ N(μ, σ²) censored to [lo, hi], kept in
// [lo, hi] against rounding where μ is far outside.
func censoredMean(mu, sigma, lo, hi float64) float64 {
	a, b := (lo-mu)/sigma, (hi-mu)/sigma
	m := lo*normCDF(a) + mu*normProb(a, b) + sigma*(normPDF(a)-normPDF(b)) + hi*normCDF(-b)
	return math.Min(math.Max(m, lo), hi)
}

// normProb is Φ(b) − Φ(a) for a ≤ b, from the tail in which the
// difference does not cancel.
func normProb(a, b float64) float64 {
	if a+b > 0 {
		return normCDF(-a) - normCDF(-b)
	}
	return normCDF(b) - normCDF(a)
}

// normCDF is Φ(z), from erfc: accurate in both tails' relative terms.
func normCDF(z float64) float64 { return 0.5 * math.Erfc(-z/math.Sqrt2) }

// normPDF is φ(z).
func normPDF(z float64) float64 { return math.Exp(-z*z/2 - halfLog2Pi) }

// logNormCDF is log Φ(z), accurate in both tails: from erfc down to
// z = −37 (where Φ is about 1e-300), from the asymptotic series
//
//	Φ(z) = φ(z)/(−z) (1 − 1/z² + 3/z⁴ − 15/z⁶ + 105/z⁸ − 945/z¹⁰ + ...)
//
// below, whose truncation error there is below 1e-15 relative.
func logNormCDF(z float64) float64 {
	switch {
	case z > 5:
		return math.Log1p(-0.5 * math.Erfc(z/math.Sqrt2))
	case z > -37:
		return math.Log(0.5 * math.Erfc(-z/math.Sqrt2))
	}
	u := 1 / (z * z)
	series := 1 - u*(1-3*u*(1-5*u*(1-7*u*(1-9*u))))
	return -z*z/2 - halfLog2Pi - math.Log(-z) + math.Log(series)
}
