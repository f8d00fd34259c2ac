package trajectory

import (
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/trajkit/trajkit/mixture"
)

// z975 is the 97.5% quantile of the standard normal distribution.
const z975 = 1.959963984540054

// Inference holds the estimated covariance of a fit's free parameters, in
// the order of Fitted.Params, from the observed information of the full
// mixture log-likelihood (Louis 1982).
type Inference struct {
	// Names of the parameters: share_logit_g1 .. (log-odds of group k
	// against the last group), then g1_beta0, g1_beta1, ..., g1_gamma0, ...
	Names []string
	// Cov is P x P, row-major; NaN for parameters that are not estimable.
	Cov []float64
	// SE are the standard errors; NaN where not estimable.
	SE []float64
	// Condition is the condition number of the information matrix.
	Condition float64
}

// paramNames returns the names of the fit's free parameters in the order
// of Params: the membership parameters (share_logit_g1, ... against the
// last group; or g2_risk_(intercept), g2_risk_x, ... for each group but the
// reference), then g1_beta0, g1_beta1, ..., g1_gamma0, ....
func (f *Fitted) paramNames() []string {
	k := len(f.Groups)
	var names []string
	if f.Risk != nil {
		for j := 0; j < k; j++ {
			if j == f.Reference {
				continue
			}
			names = append(names, fmt.Sprintf("g%d_risk_(intercept)", j+1))
			for _, n := range f.Risk.Names {
				names = append(names, fmt.Sprintf("g%d_risk_%s", j+1, n))
			}
		}
	} else {
		for j := 0; j < k-1; j++ {
			names = append(names, fmt.Sprintf("share_logit_g%d", j+1))
		}
	}
	for j, g := range f.Groups {
		for p := 0; p <= g.Order; p++ {
			names = append(names, fmt.Sprintf("g%d_beta%d", j+1, p))
		}
		for _, n := range f.TcovNames {
			names = append(names, fmt.Sprintf("g%d_tcov_%s", j+1, n))
		}
		for p := 0; p <= g.InflationOrder; p++ {
			names = append(names, fmt.Sprintf("g%d_gamma%d", j+1, p))
		}
	}
	return names
}

// components returns the fit's groups as engine components and its
// membership as a prior, in output order, for careers c.
func (f *Fitted) components(c *Careers) ([]mixture.Component, mixture.Prior, []int) {
	k := len(f.Groups)
	fams := families(c, f.Scaling, f.Model)
	comps := make([]mixture.Component, k)
	prior := f.membership().NewPrior(k, c.Len())
	np := f.numMembershipParams()
	prior.SetParams(f.Params[:np])
	off := np
	offsets := make([]int, k)
	for j, fam := range fams {
		comps[j] = fam.NewComponent()
		offsets[j] = off
		comps[j].SetParams(f.Params[off : off+fam.NumParams()])
		off += fam.NumParams()
	}
	return comps, prior, offsets
}

// infer computes standard errors and 95% intervals for the fit: of each
// coefficient, of the shares (delta method on the logit scale) and of the
// expected count at each age (delta method on the log scale). A singular or
// nearly singular information matrix is reported in the warnings, naming
// the parameters, whose standard errors are then NaN.
func (f *Fitted) infer(c *Careers, threads int) {
	k := len(f.Groups)
	comps, prior, offsets := f.components(c)
	np := f.numMembershipParams()
	info, err := mixture.Information(comps, prior, nil, f.Posterior, threads)
	if err != nil {
		f.Warnings = append(f.Warnings, "standard errors not computed: "+err.Error())
		return
	}
	p := len(f.Params)
	cov := mixture.Invert(info, p)
	inf := &Inference{Names: f.paramNames(), Cov: cov.Matrix, SE: make([]float64, p), Condition: cov.Condition}
	for j := range inf.SE {
		inf.SE[j] = math.Sqrt(cov.Matrix[j*p+j])
	}
	f.Inference = inf
	if len(cov.Singular) > 0 {
		names := make([]string, len(cov.Singular))
		for j, s := range cov.Singular {
			names[j] = inf.Names[s]
		}
		f.Warnings = append(f.Warnings, fmt.Sprintf("the information matrix is singular or nearly so (condition number %.3g); no standard errors for %s: not identified by the data (a polynomial order too high, a zero inflation at its boundary, or more groups than the data support)",
			cov.Condition, strings.Join(names, ", ")))
	}
	if !cov.PositiveDefinite {
		f.Warnings = append(f.Warnings, "the information matrix is not positive definite: the fit may not be at a maximum of the likelihood")
	}

	// Shares: the mean membership probability π̄_j = (1/N) Σ_i π_ij, with
	// ∂π̄_j/∂α = (1/N) Σ_i π_ij ∂ log π_ij/∂α (all persons alike for
	// constant shares), and the delta method on the logit scale.
	dprior := prior.(mixture.DifferentiablePrior)
	persons := c.Len()
	if f.Risk == nil {
		persons = 1
	}
	logPi := make([][]float64, k)
	for j := range logPi {
		logPi[j] = make([]float64, c.Len())
	}
	prior.AddLogPrior(logPi, 0, persons)
	ps := make([]float64, np)
	sharesOf := func(j int) (se float64, ci [2]float64) {
		if k == 1 {
			return 0, [2]float64{1, 1}
		}
		dpi := make([]float64, np)
		for i := 0; i < persons; i++ {
			dprior.PriorScore(ps, i, j)
			w := math.Exp(logPi[j][i]) / float64(persons)
			for a := range dpi {
				dpi[a] += w * ps[a]
			}
		}
		share := f.Groups[j].Share
		dlogit := make([]float64, np)
		for a := range dpi {
			dlogit[a] = dpi[a] / (share * (1 - share))
		}
		vpi, _ := cov.Variance(0, dpi)
		vl, _ := cov.Variance(0, dlogit)
		l := math.Log(share / (1 - share))
		sd := math.Sqrt(vl)
		return math.Sqrt(vpi), [2]float64{expit(l - z975*sd), expit(l + z975*sd)}
	}
	if f.Risk != nil {
		d := len(f.Risk.Names) + 1
		b := 0
		for j := range f.Groups {
			g := &f.Groups[j]
			g.MembershipSE = make([]float64, d)
			if j == f.Reference {
				continue
			}
			copy(g.MembershipSE, inf.SE[b:b+d])
			b += d
		}
		f.Wald = f.waldTests(cov.Matrix, p)
	}
	for j := range f.Groups {
		g := &f.Groups[j]
		g.ShareSE, g.ShareCI = sharesOf(j)
		o := offsets[j]
		nb := len(g.Beta)
		g.BetaSE = append([]float64(nil), inf.SE[o:o+nb]...)
		nd := len(g.TcovCoef)
		if nd > 0 {
			g.TcovSE = append([]float64(nil), inf.SE[o+nb:o+nb+nd]...)
		}
		g.InflationSE = append([]float64{}, inf.SE[o+nb+nd:o+nb+nd+len(g.Inflation)]...)
		// log mean_t = x_t β + log(1 − ρ_t) at covariates zero: gradient x_t
		// for β, 0 for δ, −ρ_t z_t for γ.
		fam := comps[j].(*groupComp).f
		grad := make([]float64, nb+nd+len(g.Inflation))
		for t := range g.Curve {
			copy(grad[:nb], fam.x[t])
			for m := range g.Inflation {
				grad[nb+nd+m] = -g.Curve[t].ZeroProb * fam.z[t][m]
			}
			v, _ := cov.Variance(o, grad)
			sd := math.Sqrt(v)
			lm := math.Log(g.Curve[t].Mean)
			g.Curve[t].MeanLo = math.Exp(lm - z975*sd)
			g.Curve[t].MeanHi = math.Exp(lm + z975*sd)
		}
	}
}

func expit(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// WaldTest is the test that a risk factor has no effect on membership:
// all its coefficients (every group against the reference, every level of
// a categorical variable) are zero.
type WaldTest struct {
	Variable string
	// Chi2 is W = θᵀ Σ⁻¹ θ over the variable's coefficients θ, chi-square
	// with DF degrees of freedom under the null; P its upper tail.
	Chi2 float64
	DF   int
	P    float64
}

func (f *Fitted) waldTests(cov []float64, p int) []WaldTest {
	d := len(f.Risk.Names) + 1
	var out []WaldTest
	for v, name := range f.Risk.Variables {
		var idx []int
		b := 0
		for j := range f.Groups {
			if j == f.Reference {
				continue
			}
			for a, of := range f.Risk.Of {
				if of == v {
					idx = append(idx, b+1+a)
				}
			}
			b += d
		}
		wt := WaldTest{Variable: name, DF: len(idx), Chi2: math.NaN(), P: math.NaN()}
		sub := mat.NewSymDense(len(idx), nil)
		theta := mat.NewVecDense(len(idx), nil)
		ok := true
		for a, ia := range idx {
			theta.SetVec(a, f.Params[ia])
			for bb, ib := range idx {
				v := cov[ia*p+ib]
				ok = ok && !math.IsNaN(v)
				sub.SetSym(a, bb, v)
			}
		}
		var chol mat.Cholesky
		if ok && chol.Factorize(sub) {
			var x mat.VecDense
			if err := chol.SolveVecTo(&x, theta); err == nil {
				wt.Chi2 = mat.Dot(theta, &x)
				wt.P = distuv.ChiSquared{K: float64(wt.DF)}.Survival(wt.Chi2)
			}
		}
		out = append(out, wt)
	}
	return out
}
