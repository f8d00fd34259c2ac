package trajectory

import (
	"fmt"
	"math"
)

// scaleWeights checks sampling weights for n persons (finite, > 0) and
// returns them rescaled to sum to n, as Mplus does: the fit then counts
// person i v_i times while its log-likelihood, BIC and information stay on
// the scale of the n persons observed. Weights all 1 stay exactly 1.
func scaleWeights(w []float64, n int) ([]float64, error) {
	if len(w) != n {
		return nil, fmt.Errorf("weights for %d persons, the careers have %d", len(w), n)
	}
	var sum float64
	for i, v := range w {
		if !(v > 0) || math.IsInf(v, 1) {
			return nil, fmt.Errorf("person %d: weight %g: a sampling weight must be a finite number > 0", i+1, v)
		}
		sum += v
	}
	if math.IsInf(sum, 1) {
		return nil, fmt.Errorf("the weights sum to more than %g", math.MaxFloat64)
	}
	out := make([]float64, n)
	for i, v := range w {
		out[i] = v * float64(n) / sum
	}
	return out, nil
}

// subsetWeights returns the weights of persons idx (nil for nil), as
// Careers.subset does for their careers.
func subsetWeights(w []float64, idx []int) []float64 {
	if w == nil {
		return nil
	}
	out := make([]float64, len(idx))
	for j, i := range idx {
		out[j] = w[i]
	}
	return out
}

// shareWeight is person i's weight in the mean membership probabilities
// of a fit with risk factors (1 without weights): the shares are the
// weighted means Σ_i v_i π_ik / N of the weights rescaled to sum to N.
func (f *Fitted) shareWeight(i int) float64 {
	if f.Weights == nil {
		return 1
	}
	return f.Weights[i]
}
