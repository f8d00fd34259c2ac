package trajectory

import "math"

// poissonObjective is the weighted Poisson log-likelihood of one group,
// aggregated by age (terms free of β dropped):
//
//	f(β) = Σ_t Y_t η_t − E_t exp(η_t),  η_t = Σ_j β_j x_tj,
//
// where Y_t is the weighted sum of counts at age t and E_t the weighted sum
// of (effective) exposures. It is concave; its gradient is Xᵀ(Y − E λ) and
// its negative Hessian Xᵀ diag(E λ) X.
type poissonObjective struct {
	x    [][]float64
	y, e []float64
}

func (o *poissonObjective) Dim() int { return len(o.x[0]) }

func (o *poissonObjective) Eval(b, grad, negHess []float64) float64 {
	p := len(b)
	clear(grad)
	clear(negHess)
	var f float64
	for t, xt := range o.x {
		y, e := o.y[t], o.e[t]
		if y == 0 && e == 0 {
			continue
		}
		eta := polyval(b, xt)
		mu := e * math.Exp(eta)
		f += y*eta - mu
		if grad == nil {
			continue
		}
		r := y - mu
		for j := 0; j < p; j++ {
			grad[j] += r * xt[j]
			if negHess != nil {
				for m := 0; m <= j; m++ {
					negHess[j*p+m] += mu * xt[j] * xt[m]
				}
			}
		}
	}
	symmetrise(negHess, p)
	return f
}

// symmetrise copies the lower triangle of a (p x p) to the upper.
func symmetrise(a []float64, p int) {
	if a == nil {
		return
	}
	for j := 0; j < p; j++ {
		for m := 0; m < j; m++ {
			a[m*p+j] = a[j*p+m]
		}
	}
}
