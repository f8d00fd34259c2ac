package trajectory

import (
	"errors"
	"fmt"
	"math"

	"github.com/trajkit/trajkit/mixture"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// distalData are the persons of a distal step: their values z, assigned
// groups s (0-based), weights v and first-step posteriors (K each).
type distalData struct {
	model   DistalModel
	k, q, c int // groups; tested parameters per group; mlogit categories
	z       []float64
	s       []int
	v       []float64
	post    [][]float64
}

type distalEstimate struct {
	groups   []DistalGroup
	wald     DistalWald
	warnings []distalWarning
}

type distalWarning struct {
	groups []int
	msg    string
}

// dim is the number of a group's parameters in the ML step: (μ, log σ)
// for normal, θ for logit and poisson, θ_2..θ_C for mlogit.
func (o *distalData) dim() int {
	if o.model == DistalNormal {
		return 2
	}
	return o.q
}

// logf returns log f(z | θ) and, when g is not nil, adds w times its
// gradient in θ to g.
func (o *distalData) logf(z float64, th []float64, w float64, g []float64) float64 {
	switch o.model {
	case DistalNormal:
		mu, ls := th[0], th[1]
		sd := math.Exp(ls)
		r := (z - mu) / sd
		if g != nil {
			g[0] += w * r / sd
			g[1] += w * (r*r - 1)
		}
		return -0.5*math.Log(2*math.Pi) - ls - 0.5*r*r
	case DistalLogit:
		p := 1 / (1 + math.Exp(-th[0]))
		if g != nil {
			g[0] += w * (z - p)
		}
		return z*th[0] - softplus(th[0])
	case DistalPoisson:
		lam := math.Exp(th[0])
		if g != nil {
			g[0] += w * (z - lam)
		}
		lg, _ := math.Lgamma(z + 1)
		return z*th[0] - lam - lg
	default: // mlogit: category z, θ_c of categories 1..C−1 (0-based)
		lse := logSumExp0(th)
		if g != nil {
			for c := range th {
				ind := 0.0
				if int(z) == c+1 {
					ind = 1
				}
				g[c] += w * (ind - math.Exp(th[c]-lse))
			}
		}
		if int(z) == 0 {
			return -lse
		}
		return th[int(z)-1] - lse
	}
}

// softplus returns log(1 + e^x) without overflow.
func softplus(x float64) float64 {
	if x > 0 {
		return x + math.Log1p(math.Exp(-x))
	}
	return math.Log1p(math.Exp(x))
}

// logSumExp0 is log(1 + Σ_c exp θ_c).
func logSumExp0(th []float64) float64 {
	m := 0.0
	for _, t := range th {
		m = max(m, t)
	}
	s := math.Exp(-m)
	for _, t := range th {
		s += math.Exp(t - m)
	}
	return m + math.Log(s)
}

// mlLogLik returns the step-3 log-likelihood at x = (η_2..η_K, θ_1..θ_K)
// with D fixed (Vermunt 2010, eq. 9),
//
//	ℓ(x) = Σ_i v_i log Σ_k π_k D[k][s_i] f(z_i | θ_k),  π = softmax(0, η),
//
// and, when grad is not nil, sets grad to its gradient; post (N x K),
// when not nil, receives the step's posteriors.
func (o *distalData) mlLogLik(x []float64, d [][]float64, grad []float64, post [][]float64) float64 {
	k, p := o.k, o.dim()
	eta := append([]float64{0}, x[:k-1]...)
	lse := floats.LogSumExp(eta)
	logPi := make([]float64, k)
	for a := range k {
		logPi[a] = eta[a] - lse
	}
	if grad != nil {
		clear(grad)
	}
	lj := make([]float64, k)
	w := make([]float64, k)
	ll := 0.0
	for i, z := range o.z {
		for a := range k {
			lj[a] = logPi[a] + math.Log(d[a][o.s[i]]) + o.logf(z, x[k-1+a*p:k-1+(a+1)*p], 0, nil)
		}
		li := floats.LogSumExp(lj)
		ll += o.v[i] * li
		for a := range k {
			w[a] = math.Exp(lj[a] - li)
		}
		if post != nil {
			copy(post[i], w)
		}
		if grad == nil {
			continue
		}
		for a := range k {
			if a > 0 {
				grad[a-1] += o.v[i] * (w[a] - math.Exp(logPi[a]))
			}
			if w[a] > 0 {
				o.logf(z, x[k-1+a*p:k-1+(a+1)*p], o.v[i]*w[a], grad[k-1+a*p:k-1+(a+1)*p])
			}
		}
	}
	return ll
}

// mStep sets x to the maximiser of the expected complete-data
// log-likelihood given the step's posteriors r (N x K): shares and each
// group's weighted mean, variance or proportions, in closed form.
func (o *distalData) mStep(x []float64, r [][]float64) error {
	k, p := o.k, o.dim()
	tot := make([]float64, k)
	all := 0.0
	for i := range o.z {
		for a := range k {
			tot[a] += o.v[i] * r[i][a]
		}
		all += o.v[i]
	}
	for a := range k {
		if !(tot[a] > 0) {
			return fmt.Errorf("group %d has no person with a value", a+1)
		}
	}
	for a := 1; a < k; a++ {
		x[a-1] = math.Log(tot[a]) - math.Log(tot[0])
	}
	for a := range k {
		th := x[k-1+a*p : k-1+(a+1)*p]
		sum := make([]float64, max(o.c, 2))
		for i, z := range o.z {
			w := o.v[i] * r[i][a]
			if o.model == DistalMlogit {
				sum[int(z)] += w
			} else {
				sum[0] += w * z
			}
		}
		const tiny = 1e-10
		switch o.model {
		case DistalNormal:
			mu := sum[0] / tot[a]
			ss := 0.0
			for i, z := range o.z {
				ss += o.v[i] * r[i][a] * (z - mu) * (z - mu)
			}
			th[0], th[1] = mu, 0.5*math.Log(max(ss/tot[a], tiny))
		case DistalLogit:
			m := min(max(sum[0]/tot[a], tiny), 1-tiny)
			th[0] = math.Log(m / (1 - m))
		case DistalPoisson:
			th[0] = math.Log(max(sum[0]/tot[a], tiny))
		default:
			p0 := max(sum[0]/tot[a], tiny)
			for c := range th {
				th[c] = math.Log(max(sum[c+1]/tot[a], tiny)) - math.Log(p0)
			}
		}
	}
	return nil
}

// threeStepML maximises ℓ by EM from the first step's posteriors (with D
// the identity, classify, it ends after one step), then takes the
// covariance from the observed information: the Hessian by central
// differences of the analytic gradient.
func (o *distalData) threeStepML(d [][]float64) (distalEstimate, error) {
	k, p := o.k, o.dim()
	n := k - 1 + k*p
	x := make([]float64, n)
	r := o.post
	if isIdentity(d) {
		r = make([][]float64, len(o.z))
		for i, s := range o.s {
			r[i] = make([]float64, k)
			r[i][s] = 1
		}
	}
	if err := o.mStep(x, r); err != nil {
		return distalEstimate{}, err
	}
	post := make([][]float64, len(o.z))
	for i := range post {
		post[i] = make([]float64, k)
	}
	prev := math.Inf(-1)
	for it := 0; it < mixture.DefaultMaxIterations; it++ {
		ll := o.mlLogLik(x, d, nil, post)
		if ll-prev < mixture.DefaultTolerance*(1+math.Abs(ll)) {
			break
		}
		prev = ll
		if err := o.mStep(x, post); err != nil {
			return distalEstimate{}, err
		}
	}
	cov := o.mlCovariance(x, d)
	est := distalEstimate{groups: make([]DistalGroup, k)}
	theta := make([]float64, k*o.q)
	tcov := make([]float64, k*o.q*k*o.q)
	at := func(a, j int) int { return k - 1 + a*p + j } // index of θ_aj in x
	for a := range k {
		th := x[at(a, 0) : at(a, 0)+p]
		g := DistalGroup{Number: a + 1, Mean: Float(math.NaN()), SE: Float(math.NaN())}
		v := func(i, j int) float64 {
			if cov == nil {
				return math.NaN()
			}
			return cov[at(a, i)*n+at(a, j)]
		}
		g.setOutcome(o.model, th, v)
		est.groups[a] = g
		for j := range o.q {
			theta[a*o.q+j] = th[j]
			for b := range k {
				for l := range o.q {
					c := math.NaN()
					if cov != nil {
						c = cov[at(a, j)*n+at(b, l)]
					}
					tcov[(a*o.q+j)*k*o.q+b*o.q+l] = c
				}
			}
		}
	}
	est.wald = waldEqual(theta, tcov, k, o.q)
	return est, nil
}

// setOutcome sets the group's mean of a distal outcome of the model
// (its probability for logit; its category probabilities for mlogit) and
// the standard error, by the delta method, from the group's parameters th
// with covariance v(i, j) (NaN without standard errors).
func (g *DistalGroup) setOutcome(model DistalModel, th []float64, v func(i, j int) float64) {
	switch model {
	case DistalNormal:
		g.Mean, g.SE = Float(th[0]), Float(math.Sqrt(v(0, 0)))
	case DistalLogit:
		m := expit(th[0])
		g.Mean, g.SE = Float(m), Float(m*(1-m)*math.Sqrt(v(0, 0)))
	case DistalPoisson:
		m := math.Exp(th[0])
		g.Mean, g.SE = Float(m), Float(m*math.Sqrt(v(0, 0)))
	default:
		g.Probs, g.ProbSE = mlogitProbs(th, v)
	}
}

// mlogitProbs returns the probabilities softmax(0, θ) and their standard
// errors by the delta method from θ's covariance v.
func mlogitProbs(th []float64, v func(i, j int) float64) ([]float64, []Float) {
	c := len(th) + 1
	lse := logSumExp0(th)
	p := make([]float64, c)
	p[0] = math.Exp(-lse)
	for j, t := range th {
		p[j+1] = math.Exp(t - lse)
	}
	// J[a][j] = ∂p_a/∂θ_j = p_a (1[a = j+1] − p_{j+1}).
	jac := func(a, j int) float64 {
		ind := 0.0
		if a == j+1 {
			ind = 1
		}
		return p[a] * (ind - p[j+1])
	}
	se := make([]Float, c)
	for a := range c {
		s := 0.0
		for i := range th {
			for j := range th {
				s += jac(a, i) * v(i, j) * jac(a, j)
			}
		}
		se[a] = Float(math.Sqrt(s))
	}
	return p, se
}

// mlCovariance returns the inverse of the observed information at x (n x
// n, row-major), nil when it is not positive definite.
func (o *distalData) mlCovariance(x []float64, d [][]float64) []float64 {
	n := len(x)
	h := mat.NewSymDense(n, nil)
	gp, gm := make([]float64, n), make([]float64, n)
	xx := append([]float64(nil), x...)
	rows := make([][]float64, n)
	for j := range n {
		step := 1e-5 * max(1, math.Abs(x[j]))
		xx[j] = x[j] + step
		o.mlLogLik(xx, d, gp, nil)
		xx[j] = x[j] - step
		o.mlLogLik(xx, d, gm, nil)
		xx[j] = x[j]
		rows[j] = make([]float64, n)
		for i := range n {
			rows[j][i] = -(gp[i] - gm[i]) / (2 * step)
		}
	}
	for i := range n {
		for j := i; j < n; j++ {
			h.SetSym(i, j, 0.5*(rows[i][j]+rows[j][i]))
		}
	}
	var chol mat.Cholesky
	if !chol.Factorize(h) {
		return nil
	}
	var inv mat.SymDense
	if err := chol.InverseTo(&inv); err != nil {
		return nil
	}
	out := make([]float64, n*n)
	for i := range n {
		for j := range n {
			out[i*n+j] = inv.At(i, j)
		}
	}
	return out
}

func isIdentity(d [][]float64) bool {
	for a := range d {
		for s := range d[a] {
			if (a == s) != (d[a][s] == 1) {
				return false
			}
		}
	}
	return true
}

// bch estimates the group means as weighted means with the BCH weights
// w_ik = v_i (D⁻¹)[s_i][k] (Vermunt 2010, eq. 11; Bakk, Tekle & Vermunt
// 2013),
//
//	m_k = Σ_i w_ik g(z_i) / Σ_i w_ik,
//
// g(z) = z, or the indicators of the categories (mlogit), on the mean
// scale so that the estimating equations stay linear in the weights, some
// of which are negative. The covariance is the sandwich A⁻¹ B A⁻¹ of
// those equations (Asparouhov & Muthén 2014), across groups:
//
//	Cov(m_ka, m_lb) = Σ_i ψ_ika ψ_ilb,  ψ_ika = w_ik (g_a(z_i) − m_ka) / Σ_j w_jk.
func (o *distalData) bch(d [][]float64) (distalEstimate, error) {
	k := o.k
	dm := mat.NewDense(k, k, nil)
	for a := range k {
		for s := range k {
			dm.Set(a, s, d[a][s])
		}
	}
	var inv mat.Dense
	if err := inv.Inverse(dm); err != nil {
		return distalEstimate{}, errors.New("the classification-error matrix D is singular: the groups are not separated")
	}
	g := o.c // components of g(z)
	if o.model != DistalMlogit {
		g = 1
	}
	gz := func(z float64, a int) float64 {
		if o.model != DistalMlogit {
			return z
		}
		if int(z) == a {
			return 1
		}
		return 0
	}
	nk := make([]float64, k)
	m := make([]float64, k*g)
	for i, z := range o.z {
		for a := range k {
			w := o.v[i] * inv.At(o.s[i], a)
			nk[a] += w
			for j := range g {
				m[a*g+j] += w * gz(z, j)
			}
		}
	}
	for a := range k {
		if !(nk[a] > 0) {
			return distalEstimate{}, fmt.Errorf("the BCH weights of group %d sum to %.3g ≤ 0: D is too far from the identity", a+1, nk[a])
		}
		for j := range g {
			m[a*g+j] /= nk[a]
		}
	}
	kg := k * g
	cov := make([]float64, kg*kg)
	psi := make([]float64, kg)
	for i, z := range o.z {
		for a := range k {
			w := o.v[i] * inv.At(o.s[i], a)
			for j := range g {
				psi[a*g+j] = w * (gz(z, j) - m[a*g+j]) / nk[a]
			}
		}
		for r := range kg {
			for c := range kg {
				cov[r*kg+c] += psi[r] * psi[c]
			}
		}
	}
	est := distalEstimate{groups: make([]DistalGroup, k)}
	for a := range k {
		gr := DistalGroup{Number: a + 1, Mean: Float(math.NaN()), SE: Float(math.NaN())}
		clip := func(x, lo, hi float64, what string) float64 {
			if x < lo || x > hi {
				est.warnings = append(est.warnings, distalWarning{[]int{a + 1},
					fmt.Sprintf("group %d's BCH %s is %.4g, outside [%g, %g], reported as %g (negative weights; the groups are poorly separated)", a+1, what, x, lo, hi, min(max(x, lo), hi))})
			}
			return min(max(x, lo), hi)
		}
		switch o.model {
		case DistalNormal:
			gr.Mean = Float(m[a])
		case DistalLogit:
			gr.Mean = Float(clip(m[a], 0, 1, "probability"))
		case DistalPoisson:
			gr.Mean = Float(clip(m[a], 0, math.Inf(1), "mean"))
		}
		if o.model != DistalMlogit {
			gr.SE = Float(math.Sqrt(cov[a*kg+a]))
		} else {
			gr.Probs, gr.ProbSE = make([]float64, g), make([]Float, g)
			for j := range g {
				gr.Probs[j] = clip(m[a*g+j], 0, 1, fmt.Sprintf("probability of %d", j+1))
				gr.ProbSE[j] = Float(math.Sqrt(cov[(a*g+j)*kg+a*g+j]))
			}
		}
		est.groups[a] = gr
	}
	// The test leaves out the first category of mlogit: the probabilities
	// sum to one.
	off := g - o.q
	theta := make([]float64, k*o.q)
	tcov := make([]float64, k*o.q*k*o.q)
	for a := range k {
		for j := range o.q {
			theta[a*o.q+j] = m[a*g+off+j]
			for b := range k {
				for l := range o.q {
					tcov[(a*o.q+j)*k*o.q+b*o.q+l] = cov[(a*g+off+j)*kg+b*g+off+l]
				}
			}
		}
	}
	est.wald = waldEqual(theta, tcov, k, o.q)
	return est, nil
}

// waldEqual tests θ_1 = ... = θ_K for θ (K x q) with covariance cov
// (Kq x Kq, row-major) by the contrasts θ_k − θ_1, k = 2..K:
//
//	W = (Aθ)ᵀ (A Σ Aᵀ)⁻¹ (Aθ) ~ χ²((K − 1) q).
func waldEqual(theta, cov []float64, k, q int) DistalWald {
	df := (k - 1) * q
	w := DistalWald{DF: df, Chi2: Float(math.NaN()), P: Float(math.NaN())}
	if df == 0 {
		return w
	}
	kq := k * q
	diff := mat.NewVecDense(df, nil)
	s := mat.NewSymDense(df, nil)
	// Row r = (a−1)q + j of A has +1 at aq + j and −1 at j.
	for r := range df {
		diff.SetVec(r, theta[q+r]-theta[r%q])
	}
	c := func(i, j int) float64 { return cov[i*kq+j] }
	for r := range df {
		for t := r; t < df; t++ {
			ri, ti := q+r, q+t
			r0, t0 := r%q, t%q
			v := c(ri, ti) - c(ri, t0) - c(r0, ti) + c(r0, t0)
			if math.IsNaN(v) {
				return w
			}
			s.SetSym(r, t, v)
		}
	}
	var chol mat.Cholesky
	if !chol.Factorize(s) {
		return w
	}
	var x mat.VecDense
	if err := chol.SolveVecTo(&x, diff); err != nil {
		return w
	}
	chi2 := mat.Dot(diff, &x)
	w.Chi2 = Float(chi2)
	w.P = Float(distuv.ChiSquared{K: float64(df)}.Survival(chi2))
	return w
}
