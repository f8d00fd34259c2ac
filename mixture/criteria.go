package mixture

import "math"

// BIC returns the Bayesian information criterion −2ℓ + p ln n (smaller is
// better; Schwarz 1978). Which n to use is a choice: GBTM software reports
// both the number of persons and the number of person-period observations
// (Jones, Nagin & Roeder 2001; Nagin 2005, ch. 4).
func BIC(loglik float64, params, n int) float64 {
	return -2*loglik + float64(params)*math.Log(float64(n))
}

// AIC returns Akaike's criterion −2ℓ + 2p.
func AIC(loglik float64, params int) float64 {
	return -2*loglik + 2*float64(params)
}

// RelativeEntropy returns
//
//	E = 1 − Σ_i Σ_k (−p_ik ln p_ik) / (N ln K)
//
// for posteriors post (K x N): 1 for a perfectly separated classification,
// 0 for posteriors equal to 1/K (Ramaswamy et al. 1993). It is NaN for
// K = 1, where it is undefined.
func RelativeEntropy(post [][]float64) float64 {
	k := len(post)
	if k < 2 || len(post[0]) == 0 {
		return math.NaN()
	}
	n := len(post[0])
	var h float64
	for _, col := range post {
		for _, p := range col {
			if p > 0 {
				h -= p * math.Log(p)
			}
		}
	}
	return 1 - h/(float64(n)*math.Log(float64(k)))
}
