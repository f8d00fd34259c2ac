package trajectory

import "fmt"

// AgeScaling is the affine rescaling of age used in the polynomials,
//
//	a_t = (age − Center) / Scale.
//
// The default maps the modelled age window onto [−1, 1] (Center its
// midpoint, Scale its half-width), which keeps the powers up to a⁵ well
// conditioned. Coefficients refer to a_t, so they depend on the scaling;
// the fitted curves by age do not.
type AgeScaling struct {
	Center float64 `json:"center"`
	Scale  float64 `json:"scale"`
}

// WindowScaling returns the default scaling for the ages lo..hi.
func WindowScaling(lo, hi int) AgeScaling {
	s := AgeScaling{Center: float64(lo+hi) / 2, Scale: float64(hi-lo) / 2}
	if s.Scale <= 0 {
		s.Scale = 1
	}
	return s
}

// Scaled returns a_t for an age.
func (s AgeScaling) Scaled(age float64) float64 { return (age - s.Center) / s.Scale }

// basis returns, for each age of the grid minAge..minAge+n-1, the powers
// 1, a, ..., a^order of the scaled age.
func basis(s AgeScaling, minAge, n, order int) [][]float64 {
	x := make([][]float64, n)
	for t := range x {
		x[t] = make([]float64, order+1)
		a := s.Scaled(float64(minAge + t))
		p := 1.0
		for j := range x[t] {
			x[t][j] = p
			p *= a
		}
	}
	return x
}

// polyval returns Σ_j c[j] x[j].
func polyval(c, x []float64) float64 {
	var s float64
	for j, v := range c {
		s += v * x[j]
	}
	return s
}

// powerNames name the terms of the polynomials, by power.
var powerNames = []string{"Intercept", "Linear", "Quadratic", "Cubic", "Quartic", "Quintic"}

// PowerName names the polynomial term of power q ("Intercept", "Linear",
// ... "Quintic"), as traj's output does.
func PowerName(q int) string {
	if q >= 0 && q < len(powerNames) {
		return powerNames[q]
	}
	return fmt.Sprintf("Power %d", q)
}
