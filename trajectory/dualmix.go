package trajectory

import (
	"context"
	"math"

	"github.com/trajkit/trajkit/mixture"
)

// The dual trajectory model (Nagin & Tremblay 2001; Jones & Nagin 2007)
// as a mixture for the engine: outcome A with K1 groups and outcome B
// with K2 groups, measured on the same persons, the person's pair of
// groups (k1, k2) a joint class c = k1·K2 + k2 of K1·K2 classes with
//
//	π_c = π_A(k1) · π_B|A(k2 | k1),
//	f_c(y_i) = f_A,k1(y_iA | θ_A,k1) · f_B,k2(y_iB | θ_B,k2),
//
// A and B independent given the classes. The classes have no parameters
// of their own: every outcome parameter (A's groups', A's shared ones,
// then B's) is a shared parameter φ of the engine (mixture.Shared), and
// the M-step of all classes at once aggregates the class weights,
//
//	W_A,k1(i) = Σ_k2 W_(k1,k2)(i),   W_B,k2(i) = Σ_k1 W_(k1,k2)(i),
//
// so that the expected complete-data log-likelihood is
// Σ_k1 Σ_i W_A,k1(i) log f_A,k1(y_iA) + Σ_k2 Σ_i W_B,k2(i) log f_B,k2(y_iB),
// a sum of terms in each outcome group's parameters alone, fitted by its
// own family.

// dualMinShare keeps every probability of the dual membership positive,
// as mixture's constant shares do.
const dualMinShare = 1e-12

// dualClass is the family of joint class (k1, k2): no parameters of its
// own, its log-likelihood the sum of its outcome groups', read from the
// run's cache (dualRun).
type dualClass struct {
	n, k1, k2 int
}

func (f *dualClass) Len() int       { return f.n }
func (f *dualClass) NumParams() int { return 0 }
func (f *dualClass) NewComponent() mixture.Component {
	return &dualComp{k1: f.k1, k2: f.k2}
}

// Fit is never called: the dual model's M-step is dualRun.Fit.
func (f *dualClass) Fit(context.Context, mixture.Component, []float64, bool) mixture.FitInfo {
	panic("trajectory: a dual class is fitted by its shared run")
}

// dualComp is class (k1, k2) of one EM run, bound to the run by NewRun.
type dualComp struct {
	k1, k2 int
	r      *dualRun
}

// LogLik sets dst[i] = log f_A,k1(y_iA) + log f_B,k2(y_iB).
func (c *dualComp) LogLik(dst []float64, from, to int) {
	a := c.r.outs[0].cached(c.k1, from, to, c.r.version)
	b := c.r.outs[1].cached(c.k2, from, to, c.r.version)
	for i := from; i < to; i++ {
		dst[i] = a[i] + b[i]
	}
}

func (c *dualComp) Params(dst []float64) []float64 { return dst[:0] }
func (c *dualComp) SetParams([]float64)            {}

// Scores and Hessian have nothing to fill: the class's parameters are
// all shared (dualRun.Scores, dualRun.Hessian).
func (c *dualComp) Scores([]float64, int, int)   {}
func (c *dualComp) Hessian([]float64, []float64) {}

// dualOutcome is one outcome of a dual model bound to its careers: a
// family per group and the parameters its groups share (nil when none).
type dualOutcome struct {
	fams   []mixture.Family
	shared mixture.Shared
}

// dualShared holds every outcome parameter of a dual model: φ is A's
// groups' parameters in group order, A's shared ones, then B's likewise.
type dualShared struct {
	outs [2]dualOutcome
}

func (s *dualShared) NumParams() int {
	n := 0
	for _, o := range s.outs {
		for _, f := range o.fams {
			n += f.NumParams()
		}
		if o.shared != nil {
			n += o.shared.NumParams()
		}
	}
	return n
}

// dualFamilies binds a dual model of outcome models ma (K1 groups) and
// mb (K2 groups) to careers ca and cb: K1·K2 class families, class
// k1·K2 + k2 the pair (k1, k2), and the shared parameters of every
// outcome group.
func dualFamilies(ca, cb *Careers, s AgeScaling, ma, mb Model) ([]mixture.Family, *dualShared) {
	sh := &dualShared{}
	for o, oc := range []struct {
		c *Careers
		m Model
	}{{ca, ma}, {cb, mb}} {
		sh.outs[o].fams, sh.outs[o].shared = families(oc.c, s, oc.m)
	}
	k1, k2 := ma.Groups(), mb.Groups()
	fams := make([]mixture.Family, k1*k2)
	for c := range fams {
		fams[c] = &dualClass{n: ca.Len(), k1: c / k2, k2: c % k2}
	}
	return fams, sh
}

func (s *dualShared) NewRun(comps []mixture.Component) mixture.SharedRun {
	r := &dualRun{version: 1}
	off := 0
	for o, out := range s.outs {
		or := &r.outs[o]
		k := len(out.fams)
		n := out.fams[0].Len()
		or.fams = out.fams
		or.comps = make([]groupComponent, k)
		or.d, or.off = make([]int, k), make([]int, k)
		mc := make([]mixture.Component, k)
		for j, f := range out.fams {
			mc[j] = f.NewComponent()
			or.comps[j] = mc[j].(groupComponent)
			or.d[j], or.off[j] = f.NumParams(), off
			off += f.NumParams()
		}
		or.sharedOff = off
		if out.shared != nil {
			or.shared = out.shared.NewRun(mc).(sharedStep)
			or.ns = out.shared.NumParams()
			off += or.ns
		}
		or.ll, or.w = newMatrix(k, n), newMatrix(k, n)
		or.stamp = make([][]uint32, k)
		for j := range or.stamp {
			or.stamp[j] = make([]uint32, n)
		}
		or.infos = make([]mixture.FitInfo, k)
	}
	r.s = off
	for _, c := range comps {
		c.(*dualComp).r = r
	}
	return r
}

// newMatrix returns a k x n matrix of zeros.
func newMatrix(k, n int) [][]float64 {
	m := make([][]float64, k)
	for j := range m {
		m[j] = make([]float64, n)
	}
	return m
}

// dualOutcomeRun is one outcome's state in an EM run of a dual model.
type dualOutcomeRun struct {
	fams   []mixture.Family
	comps  []groupComponent
	shared sharedStep // nil without shared parameters
	// d[j] and off[j] are the number and offset in φ of group j's
	// parameters; sharedOff and ns those of the outcome's shared ones.
	d, off        []int
	sharedOff, ns int
	// ll[j][i] caches log f_j(y_i), valid where stamp[j][i] is the run's
	// version: the K1·K2 classes read K1 + K2 evaluations.
	ll    [][]float64
	stamp [][]uint32
	// w are the aggregated weights of the M-step, infos its groups' fits.
	w     [][]float64
	infos []mixture.FitInfo
}

// cached returns the cache of group j, valid for persons from ≤ i < to
// at parameters version v. The engine's shards call it for disjoint
// ranges, each shard for all classes in turn, so no two calls touch the
// same persons at once.
func (o *dualOutcomeRun) cached(j, from, to int, v uint32) []float64 {
	st := o.stamp[j]
	for i := from; i < to; {
		if st[i] == v {
			i++
			continue
		}
		e := i
		for e < to && st[e] != v {
			e++
		}
		o.comps[j].LogLik(o.ll[j], i, e)
		for a := i; a < e; a++ {
			st[a] = v
		}
		i = e
	}
	return o.ll[j]
}

// dualRun is the shared state of one EM run of a dual model.
type dualRun struct {
	outs [2]dualOutcomeRun
	// version counts the parameter changes, which invalidate the caches.
	version uint32
	s       int // the number of shared parameters
}

// Fit is the M-step of every outcome group from the aggregated weights
// (W_A and W_B above), each group by its family, then, as an ECM step
// (Meng & Rubin 1993), each outcome's shared parameters given its groups.
// The aggregation and the groups' fits are tasks of their own (m.Run),
// each summing in a fixed order, so the bits do not depend on the
// threads. The classes' FitInfos are empty; the returned one joins the
// outcome groups' and the shared parameters'.
func (r *dualRun) Fit(ctx context.Context, m *mixture.MStep) mixture.FitInfo {
	k1, k2 := len(r.outs[0].comps), len(r.outs[1].comps)
	m.Run(k1+k2, func(t int) {
		if t < k1 {
			w := r.outs[0].w[t]
			copy(w, m.W[t*k2])
			for b := 1; b < k2; b++ {
				for i, x := range m.W[t*k2+b] {
					w[i] += x
				}
			}
			return
		}
		b := t - k1
		w := r.outs[1].w[b]
		copy(w, m.W[b])
		for a := 1; a < k1; a++ {
			for i, x := range m.W[a*k2+b] {
				w[i] += x
			}
		}
	})
	m.Run(k1+k2, func(t int) {
		o, j := 0, t
		if t >= k1 {
			o, j = 1, t-k1
		}
		or := &r.outs[o]
		or.infos[j] = or.fams[j].Fit(ctx, or.comps[j], or.w[j], m.Warm)
	})
	var info mixture.FitInfo
	for o := range r.outs {
		or := &r.outs[o]
		for _, fi := range or.infos {
			info.Score = max(info.Score, fi.Score)
			info.IllConditioned = info.IllConditioned || fi.IllConditioned
		}
		if or.shared != nil {
			fi := or.shared.fitShared(ctx, m.Warm)
			info.Score = max(info.Score, fi.Score)
			info.IllConditioned = info.IllConditioned || fi.IllConditioned
		}
	}
	for c := range m.Infos {
		m.Infos[c] = mixture.FitInfo{}
	}
	r.version++
	return info
}

func (r *dualRun) Params(dst []float64) []float64 {
	dst = dst[:0]
	for o := range r.outs {
		or := &r.outs[o]
		for _, c := range or.comps {
			dst = append(dst, c.Params(nil)...)
		}
		if or.shared != nil {
			dst = append(dst, or.shared.Params(nil)...)
		}
	}
	return dst
}

func (r *dualRun) SetParams(p []float64) {
	for o := range r.outs {
		or := &r.outs[o]
		for j, c := range or.comps {
			c.SetParams(p[or.off[j] : or.off[j]+or.d[j]])
		}
		if or.shared != nil {
			or.shared.SetParams(p[or.sharedOff : or.sharedOff+or.ns])
		}
	}
	r.version++
}

// Scores sets the scores of class c in φ: those of A's group k1 and B's
// group k2 in their columns, with their outcomes' shared parameters;
// zero elsewhere.
func (r *dualRun) Scores(c int, dst []float64, from, to int) {
	k2 := len(r.outs[1].comps)
	clear(dst[:(to-from)*r.s])
	for o, j := range [2]int{c / k2, c % k2} {
		or := &r.outs[o]
		d := or.d[j]
		part := make([]float64, (to-from)*d)
		or.comps[j].Scores(part, from, to)
		for i := range to - from {
			copy(dst[i*r.s+or.off[j]:i*r.s+or.off[j]+d], part[i*d:(i+1)*d])
		}
		if or.shared != nil {
			sp := make([]float64, (to-from)*or.ns)
			or.shared.Scores(j, sp, from, to)
			for i := range to - from {
				copy(dst[i*r.s+or.sharedOff:i*r.s+or.sharedOff+or.ns], sp[i*or.ns:(i+1)*or.ns])
			}
		}
	}
}

// Hessian sets shared to Σ_c Σ_i w_c(i) ∂² log f_c/∂φ∂φᵀ: block diagonal
// by outcome, each outcome's the Hessian of its groups with the
// aggregated weights (W_A, W_B) and of its shared parameters with them.
// The classes have no own parameters, so cross is empty.
func (r *dualRun) Hessian(_ [][]float64, shared []float64, w [][]float64) {
	s := r.s
	clear(shared[:s*s])
	k2 := len(r.outs[1].comps)
	n := len(w[0])
	for o := range r.outs {
		or := &r.outs[o]
		agg := newMatrix(len(or.comps), n)
		for c, row := range w {
			j := c / k2
			if o == 1 {
				j = c % k2
			}
			for i, x := range row {
				agg[j][i] += x
			}
		}
		for j, comp := range or.comps {
			d := or.d[j]
			h := make([]float64, d*d)
			comp.Hessian(h, agg[j])
			for a := range d {
				copy(shared[(or.off[j]+a)*s+or.off[j]:(or.off[j]+a)*s+or.off[j]+d], h[a*d:(a+1)*d])
			}
		}
		if or.shared == nil {
			continue
		}
		ns := or.ns
		cross := make([][]float64, len(or.comps))
		for j := range cross {
			cross[j] = make([]float64, or.d[j]*ns)
		}
		sh := make([]float64, ns*ns)
		or.shared.Hessian(cross, sh, agg)
		so := or.sharedOff
		for a := range ns {
			copy(shared[(so+a)*s+so:(so+a)*s+so+ns], sh[a*ns:(a+1)*ns])
		}
		for j, cr := range cross {
			for a := range or.d[j] {
				for b := range ns {
					shared[(or.off[j]+a)*s+so+b] = cr[a*ns+b]
					shared[(so+b)*s+or.off[j]+a] = cr[a*ns+b]
				}
			}
		}
	}
}

// dualMembership is the membership of a dual model's K1·K2 classes:
// π_i(k1,k2) = π_A,i(k1) π_B|A(k2 | k1), parametrised by the membership
// of A's groups, then, for each k1, the K2 − 1 logits
// β_k1,j = log(π_B|A(j | k1)/π_B|A(K2 | k1)): α first, then β_1, ...,
// β_K1. Without risk factors (a nil) π_A is the same for every person,
// α its K1 − 1 logits α_j = log(π_A(j)/π_A(K1)): (K1 − 1) + K1 (K2 − 1)
// parameters. With them a is the multinomial logit of A's groups on the
// person's risk factors (mixture.MultinomialLogit, its weights set) and
// α its coefficients.
type dualMembership struct {
	k1, k2 int
	a      mixture.Membership
}

// NewPrior returns equal probabilities.
func (m dualMembership) NewPrior(k, n int) mixture.Prior {
	if k != m.k1*m.k2 {
		panic("trajectory: a dual membership of the wrong number of classes")
	}
	p := &dualPrior{k1: m.k1, k2: m.k2, piA: make([]float64, m.k1), piB: newMatrix(m.k1, m.k2), logPi: make([]float64, k)}
	for a := range p.piA {
		p.piA[a] = 1 / float64(m.k1)
		for b := range p.piB[a] {
			p.piB[a][b] = 1 / float64(m.k2)
		}
	}
	if m.a != nil {
		p.a = m.a.NewPrior(m.k1, n).(mixture.DifferentiablePrior)
		p.na = p.a.NumParams()
		p.la, p.wA = newMatrix(m.k1, n), newMatrix(m.k1, n)
	}
	p.refresh()
	return p
}

// dualPrior is the dual membership of one EM run.
type dualPrior struct {
	k1, k2 int
	piA    []float64   // π_A(k1), without risk factors
	piB    [][]float64 // K1 x K2: π_B|A(k2 | k1)
	logPi  []float64   // log π_c, without risk factors; log π_B|A(k2 | k1) with
	// a is the membership of A's groups with risk factors (nil without),
	// na its number of parameters; la (K1 x N) holds log π_A,i(k1) in
	// AddLogPrior, wA (K1 x N) the weights of A's groups in Fit.
	a      mixture.DifferentiablePrior
	na     int
	la, wA [][]float64
}

func (p *dualPrior) refresh() {
	for a, pa := range p.piA {
		for b, pb := range p.piB[a] {
			if p.a != nil {
				p.logPi[a*p.k2+b] = math.Log(pb)
				continue
			}
			p.logPi[a*p.k2+b] = math.Log(pa) + math.Log(pb)
		}
	}
}

func (p *dualPrior) NumParams() int {
	if p.a != nil {
		return p.na + p.k1*(p.k2-1)
	}
	return p.k1 - 1 + p.k1*(p.k2-1)
}

// AddLogPrior adds log π_A,i(k1) + log π_B|A(k2 | k1). The engine's
// shards call it for disjoint ranges of persons, so each writes its own
// part of la.
func (p *dualPrior) AddLogPrior(dst [][]float64, from, to int) {
	if p.a != nil {
		for _, row := range p.la {
			clear(row[from:to])
		}
		p.a.AddLogPrior(p.la, from, to)
		for c, lp := range p.logPi {
			la := p.la[c/p.k2][from:to]
			d := dst[c][from:to]
			for i := range d {
				d[i] += la[i] + lp
			}
		}
		return
	}
	for c, lp := range p.logPi {
		d := dst[c][from:to]
		for i := range d {
			d[i] += lp
		}
	}
}

// Fit is closed-form: with n_c = Σ_i post[c][i], n_A(k1) = Σ_k2 n_(k1,k2)
// and T = Σ_k1 n_A(k1),
//
//	π_A(k1) = n_A(k1) / T,   π_B|A(k2 | k1) = n_(k1,k2) / n_A(k1),
//
// each at least dualMinShare and normalised (equal probabilities for a
// k1 without weight). The gradient in α_j is n_A(j) − T π_A(j), in β_k1,j
// n_(k1,j) − n_A(k1) π_B|A(j | k1). With risk factors the log-likelihood
// of α is that of the multinomial logit of A's groups with the weights
// W_A,k1(i) = Σ_k2 post[(k1,k2)][i], which a fits (its Newton steps); β
// is closed-form as without.
func (p *dualPrior) Fit(ctx context.Context, post [][]float64) float64 {
	nA := make([]float64, p.k1)
	nc := make([]float64, len(post))
	var total float64
	for c, row := range post {
		for _, x := range row {
			nc[c] += x
		}
		nA[c/p.k2] += nc[c]
	}
	for _, x := range nA {
		total += x
	}
	var score float64
	for a := range p.piA {
		if a < p.k1-1 && p.a == nil {
			score = math.Max(score, math.Abs(nA[a]-total*p.piA[a]))
		}
		for b := 0; b < p.k2-1; b++ {
			score = math.Max(score, math.Abs(nc[a*p.k2+b]-nA[a]*p.piB[a][b]))
		}
	}
	if p.a != nil {
		for a, w := range p.wA {
			copy(w, post[a*p.k2])
			for b := 1; b < p.k2; b++ {
				for i, x := range post[a*p.k2+b] {
					w[i] += x
				}
			}
		}
		score = math.Max(score, p.a.Fit(ctx, p.wA))
	}
	for a := range p.piA {
		p.piA[a] = math.Max(nA[a]/total, dualMinShare)
		for b := range p.piB[a] {
			p.piB[a][b] = 1 / float64(p.k2)
			if nA[a] > 0 {
				p.piB[a][b] = math.Max(nc[a*p.k2+b]/nA[a], dualMinShare)
			}
		}
		normalise(p.piB[a])
	}
	normalise(p.piA)
	p.refresh()
	return score
}

// normalise scales v to sum to one.
func normalise(v []float64) {
	var t float64
	for _, x := range v {
		t += x
	}
	for j := range v {
		v[j] /= t
	}
}

func (p *dualPrior) Params(dst []float64) []float64 {
	dst = dst[:0]
	if p.a != nil {
		dst = append(dst, p.a.Params(nil)...)
	} else {
		for a := 0; a < p.k1-1; a++ {
			dst = append(dst, math.Log(p.piA[a])-math.Log(p.piA[p.k1-1]))
		}
	}
	for _, row := range p.piB {
		for b := 0; b < p.k2-1; b++ {
			dst = append(dst, math.Log(row[b])-math.Log(row[p.k2-1]))
		}
	}
	return dst
}

func (p *dualPrior) SetParams(x []float64) {
	if len(x) != p.NumParams() {
		panic("trajectory: wrong number of dual membership parameters")
	}
	if p.a != nil {
		p.a.SetParams(x[:p.na])
		x = x[p.na:]
	} else {
		softmax(p.piA, x[:p.k1-1])
		x = x[p.k1-1:]
	}
	for _, row := range p.piB {
		softmax(row, x[:p.k2-1])
		x = x[p.k2-1:]
	}
	p.refresh()
}

// softmax sets dst (K) to the probabilities of the K − 1 logits x
// against the last.
func softmax(dst, x []float64) {
	m := 0.0
	for _, a := range x {
		m = math.Max(m, a)
	}
	for j := range dst {
		a := 0.0
		if j < len(x) {
			a = x[j]
		}
		dst[j] = math.Exp(a - m)
	}
	normalise(dst)
}

// Shares returns the joint probabilities π_c, with risk factors their
// means over the persons: π̄_A(k1) π_B|A(k2 | k1), π̄_A(k1) the mean of
// π_A,i(k1) (the multinomial logit's shares).
func (p *dualPrior) Shares(dst []float64) []float64 {
	dst = dst[:0]
	if p.a != nil {
		sa := p.a.Shares(nil)
		for c, lp := range p.logPi {
			dst = append(dst, sa[c/p.k2]*math.Exp(lp))
		}
		return dst
	}
	for _, lp := range p.logPi {
		dst = append(dst, math.Exp(lp))
	}
	return dst
}

// PriorScore: for class c = (k1, k2),
//
//	∂ log π_c/∂α_j = 1[j = k1] − π_A(j),
//	∂ log π_c/∂β_m,j = 1[m = k1] (1[j = k2] − π_B|A(j | k1)),
//
// with risk factors ∂ log π_c/∂α the multinomial logit's score of person
// i in A's group k1 (mixture.MultinomialLogit).
func (p *dualPrior) PriorScore(dst []float64, i int, c int) {
	k1, k2 := c/p.k2, c%p.k2
	clear(dst)
	off := p.k1 - 1
	if p.a != nil {
		p.a.PriorScore(dst[:p.na], i, k1)
		off = p.na
	} else {
		for j := 0; j < p.k1-1; j++ {
			dst[j] = -p.piA[j]
			if j == k1 {
				dst[j]++
			}
		}
	}
	off += k1 * (p.k2 - 1)
	for j := 0; j < p.k2-1; j++ {
		dst[off+j] = -p.piB[k1][j]
		if j == k2 {
			dst[off+j]++
		}
	}
}

// PriorHessian: Σ_i Σ_c post[c][i] ∂² log π_c is block diagonal,
// −T (diag π_A − π_A π_Aᵀ) in α and −n_A(k1) (diag π_B|A − π_B|A π_B|Aᵀ)
// in β_k1 (the rows of π_B|A given k1, n_A as in Fit). With risk factors
// log π_c = log π_A,i(k1) + log π_B|A(k2 | k1) still separates α from β:
// the α block is the multinomial logit's Hessian of A's groups with the
// weights W_A (Fit).
func (p *dualPrior) PriorHessian(ctx context.Context, dst []float64, post [][]float64) {
	np := p.NumParams()
	clear(dst[:np*np])
	nA := make([]float64, p.k1)
	var total float64
	for c, row := range post {
		var s float64
		for _, x := range row {
			s += x
		}
		nA[c/p.k2] += s
		total += s
	}
	block := func(off int, pi []float64, n float64) {
		m := len(pi) - 1
		for a := range m {
			for b := range m {
				v := pi[a] * pi[b]
				if a == b {
					v -= pi[a]
				}
				dst[(off+a)*np+off+b] = n * v
			}
		}
	}
	off := p.k1 - 1
	if p.a != nil {
		wA := newMatrix(p.k1, len(post[0]))
		for c, row := range post {
			for i, x := range row {
				wA[c/p.k2][i] += x
			}
		}
		h := make([]float64, p.na*p.na)
		p.a.PriorHessian(ctx, h, wA)
		for a := range p.na {
			copy(dst[a*np:a*np+p.na], h[a*p.na:(a+1)*p.na])
		}
		off = p.na
	} else {
		block(0, p.piA, total)
	}
	for a, row := range p.piB {
		block(off+a*(p.k2-1), row, nA[a])
	}
}

// dualStart is the start of a dual model from starts of each outcome's
// groups (K1 x N and K2 x N): class (k1, k2) weighs wa[k1][i] wb[k2][i].
func dualStart(wa, wb [][]float64) [][]float64 {
	w := make([][]float64, len(wa)*len(wb))
	for a, ra := range wa {
		for b, rb := range wb {
			row := make([]float64, len(ra))
			for i := range row {
				row[i] = ra[i] * rb[i]
			}
			w[a*len(wb)+b] = row
		}
	}
	return w
}
