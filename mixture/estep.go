package mixture

import "math"

// Posterior turns joint log-densities into posteriors for persons
// from ≤ i < to. On entry lj[k][i] = log π_ik + log f_k(y_i); on return
//
//	post[k][i] = exp(lj[k][i] − m_i) / Σ_j exp(lj[j][i] − m_i),  m_i = max_j lj[j][i],
//
// and, when personLL is not nil, personLL[i] = log Σ_k exp lj[k][i]. It returns
// the sum of the persons' log-likelihoods. post and lj may be the same
// matrix. A person whose densities are all zero (every lj = −Inf) gets
// NaN-free posteriors 1/K and a log-likelihood of −Inf.
func Posterior(post, lj [][]float64, personLL []float64, from, to int) float64 {
	if len(post) != len(lj) {
		panic("mixture: posterior and log-density have different numbers of groups")
	}
	k := len(lj)
	var sum float64
	for i := from; i < to; i++ {
		m := math.Inf(-1)
		for j := 0; j < k; j++ {
			if v := lj[j][i]; v > m {
				m = v
			}
		}
		if math.IsInf(m, -1) || math.IsNaN(m) {
			for j := 0; j < k; j++ {
				post[j][i] = 1 / float64(k)
			}
			if personLL != nil {
				personLL[i] = m
			}
			sum += m
			continue
		}
		var s float64
		for j := 0; j < k; j++ {
			e := math.Exp(lj[j][i] - m)
			post[j][i] = e
			s += e
		}
		inv := 1 / s
		for j := 0; j < k; j++ {
			post[j][i] *= inv
		}
		ll := m + math.Log(s)
		if personLL != nil {
			personLL[i] = ll
		}
		sum += ll
	}
	return sum
}
