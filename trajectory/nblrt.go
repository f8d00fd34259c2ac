package trajectory

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/trajkit/trajkit/mixture"
)

// dispersionTests sets each group's DispersionLRT, the likelihood-ratio
// test of α_k = 0 (Self & Liang 1987): the fit is refitted with group k
// Poisson (ZIP for a zinb group with inflation), the other groups NB as
// fitted, warm-started from the fit's parameters, and
//
//	LR = 2 (ℓ − ℓ₀) (0 when negative),   p = ½ P(χ²₁ > LR)  (1 when LR = 0),
//
// the upper tail of the 50:50 mixture of χ²₀ and χ²₁, the null
// distribution of LR when α_k = 0 lies on the boundary of the parameter
// space. With a common α there is one test, every group Poisson (or ZIP),
// repeated in each group. The refits run with the fit's search settings
// but one start; Fit runs them with the standard errors (not under
// Settings.NoSE, as in a model search, cross-validation and the
// bootstrap). It returns an error only when the settings' context is
// cancelled.
func (f *Fitted) dispersionTests(c *Careers, s *Settings) error {
	m := f.Model()
	if !m.Distribution.HasDispersion() {
		return nil
	}
	params := f.engineParams()
	nm := len(params)
	for _, g := range f.Groups {
		nm -= len(g.Beta) + len(g.TcovCoef.Values) + len(g.Inflation) + m.groupExtra()
	}
	nm -= m.sharedParams()
	fd := newFamilyData(c)
	nd := newNBData(fd)
	test := func(null []bool) (BoundaryLRT, error) {
		fams := make([]mixture.Family, len(f.Groups))
		start := append([]float64(nil), params[:nm]...)
		off := nm
		for j, g := range f.Groups {
			l := m.layout(j, len(c.TcovNames))
			own := params[off : off+l.len()]
			off += l.len()
			if null[j] {
				fams[j] = newGroupFamily(fd, f.Scaling, g.Order, g.InflationOrder)
				start = append(start, own[:l.beta+l.tcov+l.gamma]...)
				continue
			}
			fams[j] = newNBFamily(nd, f.Scaling, g.Order, g.InflationOrder, false)
			start = append(start, own...)
		}
		p := &mixture.Problem{Families: fams, InitialParams: [][]float64{start}}
		if x := f.riskX(); x != nil {
			p.Membership = mixture.MultinomialLogit{X: x}
		}
		ss := s.Search
		ss.Starts, ss.Keep, ss.ConvergeAll, ss.StartSample, ss.Progress = 1, 1, false, -1, nil
		res, err := mixture.Fit(p, &ss)
		if err != nil {
			return BoundaryLRT{}, err
		}
		return boundaryLRT(f.LogLik, res.LogLik), nil
	}
	k := len(f.Groups)
	if m.CommonDispersion {
		null := make([]bool, k)
		for j := range null {
			null[j] = true
		}
		// The common φ is the last parameter; the null model has none.
		params = params[:len(params)-1]
		lrt, err := test(null)
		if err != nil {
			return err
		}
		for j := range f.Groups {
			v := lrt
			f.Groups[j].DispersionLRT = &v
		}
		return nil
	}
	for j := range f.Groups {
		null := make([]bool, k)
		null[j] = true
		lrt, err := test(null)
		if err != nil {
			return fmt.Errorf("the test of group %d's dispersion: %w", j+1, err)
		}
		f.Groups[j].DispersionLRT = &lrt
	}
	return nil
}

// boundaryLRT returns the test of a parameter on the boundary from the
// log-likelihoods with it free (ll) and at the boundary (ll0).
func boundaryLRT(ll, ll0 float64) BoundaryLRT {
	lr := math.Max(0, 2*(ll-ll0))
	p := 1.0
	if lr > 0 {
		p = 0.5 * distuv.ChiSquared{K: 1}.Survival(lr)
	}
	return BoundaryLRT{Chi2: Float(lr), P: Float(p)}
}

// checkDispersion warns about groups whose dispersion is estimated at its
// bound: the group is Poisson (or ZIP); one warning naming every group for
// a common dispersion.
func (f *Fitted) checkDispersion() {
	if len(f.Groups) == 0 || f.Groups[0].Dispersion == nil {
		return
	}
	if f.DispersionCommon != nil && *f.DispersionCommon {
		if *f.Groups[0].Dispersion == 0 {
			all := make([]int, len(f.Groups))
			for j := range all {
				all[j] = j + 1
			}
			f.Warnings = append(f.Warnings, mixture.Warnf(DispersionAtBoundary, all,
				"the common dispersion is estimated at 0 (at its lower bound %g): the groups show no overdispersion and are the Poisson limit of the negative binomial", MinDispersion))
		}
		return
	}
	for j, g := range f.Groups {
		if *g.Dispersion == 0 {
			f.Warnings = append(f.Warnings, mixture.Warnf(DispersionAtBoundary, []int{j + 1},
				"the dispersion is estimated at 0 (at its lower bound %g): the group shows no overdispersion and is the Poisson limit of the negative binomial", MinDispersion))
		}
	}
}
