package mixture

import "math"

// extrapolate is the squared extrapolation of SQUAREM (Varadhan & Roland
// 2008, scheme S3) from the parameters θ0, θ1 = EM(θ0) and θ2 = EM(θ1), the
// current state:
//
//	r = θ1 − θ0,  v = θ2 − 2θ1 + θ0,  α = min(max(‖r‖ / ‖v‖, 1), stepMax),
//	θ' = θ0 + 2α r + α² v.
//
// α = 1 gives θ2 itself. The run moves to θ' only when its log-likelihood
// is at least θ2's (and not NaN), so the log-likelihood never decreases;
// otherwise it stays at θ2, whose posteriors were kept aside. stepMax
// starts at 1 and grows fourfold each time a step of that length is taken,
// shrinking again when one fails, as in the SQUAREM package (Du & Varadhan
// 2020). The E-step at θ' is not counted as an iteration: the next
// iteration's M-step starts from it.
func (r *emRun) extrapolate() {
	r.theta2 = r.params(r.theta2)
	var rr, vv float64
	for i, t0 := range r.theta0 {
		d := r.theta1[i] - t0
		v := r.theta2[i] - 2*r.theta1[i] + t0
		rr += d * d
		vv += v * v
	}
	alpha := math.Sqrt(rr / vv)
	if !(alpha > 1) { // also NaN, when θ2 = θ1 = θ0
		return
	}
	if r.stepMax == 1 {
		// A step of length 1 is θ2 itself: no need to try it.
		r.stepMax = 4
		return
	}
	alpha = min(alpha, r.stepMax)
	r.trial = r.trial[:0]
	for i, t0 := range r.theta0 {
		d := r.theta1[i] - t0
		v := r.theta2[i] - 2*r.theta1[i] + t0
		r.trial = append(r.trial, t0+2*alpha*d+alpha*alpha*v)
	}
	r.setParams(r.trial)
	r.post, r.alt = r.alt, r.post
	ll := r.eStep()
	if ll >= r.ll {
		r.ll = ll
		r.trace = append(r.trace, ll)
		if alpha == r.stepMax {
			r.stepMax *= 4
		}
		return
	}
	r.post, r.alt = r.alt, r.post
	r.setParams(r.theta2)
	if alpha == r.stepMax {
		r.stepMax = max(1, r.stepMax/4)
	}
}
