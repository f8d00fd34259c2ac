package trajectory

import (
	"fmt"
	"math"
	"strings"

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

// ParamNames returns the names of a model's free parameters in the order
// of Fitted.Params.
func ParamNames(m Model) []string {
	k := m.Groups()
	var names []string
	for j := 0; j < k-1; j++ {
		names = append(names, fmt.Sprintf("share_logit_g%d", j+1))
	}
	for j := 0; j < k; j++ {
		for p := 0; p <= m.Orders[j]; p++ {
			names = append(names, fmt.Sprintf("g%d_beta%d", j+1, p))
		}
		for p := 0; p <= m.Inflation[j]; p++ {
			names = append(names, fmt.Sprintf("g%d_gamma%d", j+1, p))
		}
	}
	return names
}

// infer computes standard errors and 95% intervals for the fit: of each
// coefficient, of the shares (delta method on the logit scale) and of the
// expected count at each age (delta method on the log scale). A singular or
// nearly singular information matrix is reported in the warnings, naming
// the parameters, whose standard errors are then NaN.
func (f *Fitted) infer(c *Careers, threads int) {
	k := len(f.Groups)
	fd := newFamilyData(c)
	comps := make([]mixture.Component, k)
	prior := mixture.ConstantShares{}.NewPrior(k, c.Len())
	prior.SetParams(f.Params[:k-1])
	off := k - 1
	offsets := make([]int, k)
	for j := 0; j < k; j++ {
		fam := newGroupFamily(fd, f.Scaling, f.Model.Orders[j], f.Model.Inflation[j])
		comps[j] = fam.NewComponent()
		offsets[j] = off
		comps[j].SetParams(f.Params[off : off+fam.NumParams()])
		off += fam.NumParams()
	}
	info, err := mixture.Information(comps, prior, f.Posterior, threads)
	if err != nil {
		f.Warnings = append(f.Warnings, "standard errors not computed: "+err.Error())
		return
	}
	p := len(f.Params)
	cov := mixture.Invert(info, p)
	inf := &Inference{Names: ParamNames(f.Model), Cov: cov.Matrix, SE: make([]float64, p), Condition: cov.Condition}
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

	// Shares: π_k = exp α_k / Σ_j exp α_j with α_K = 0.
	sharesOf := func(j int) (se float64, ci [2]float64) {
		g := f.Groups[j]
		if k == 1 {
			return 0, [2]float64{1, 1}
		}
		pi := make([]float64, k)
		for m := range pi {
			pi[m] = f.Groups[m].Share
		}
		// ∂π_j/∂α_m = π_j(1[m=j] − π_m); ∂ logit π_j/∂α_m = (1[m=j] − π_m)/(1 − π_j).
		dpi := make([]float64, k-1)
		dlogit := make([]float64, k-1)
		for m := 0; m < k-1; m++ {
			d := -pi[m]
			if m == j {
				d++
			}
			dpi[m] = pi[j] * d
			dlogit[m] = d / (1 - pi[j])
		}
		vpi, _ := cov.Variance(0, dpi)
		vl, _ := cov.Variance(0, dlogit)
		l := math.Log(g.Share / (1 - g.Share))
		sd := math.Sqrt(vl)
		return math.Sqrt(vpi), [2]float64{expit(l - z975*sd), expit(l + z975*sd)}
	}
	for j := range f.Groups {
		g := &f.Groups[j]
		g.ShareSE, g.ShareCI = sharesOf(j)
		o := offsets[j]
		nb := len(g.Beta)
		g.BetaSE = append([]float64(nil), inf.SE[o:o+nb]...)
		g.InflationSE = append([]float64{}, inf.SE[o+nb:o+nb+len(g.Inflation)]...)
		// log mean_t = x_t β + log(1 − ρ_t): gradient x_t for β, −ρ_t z_t for γ.
		fam := comps[j].(*groupComp).f
		grad := make([]float64, nb+len(g.Inflation))
		for t := range g.Curve {
			copy(grad, fam.x[t])
			for m := range g.Inflation {
				grad[nb+m] = -g.Curve[t].ZeroProb * fam.z[t][m]
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
