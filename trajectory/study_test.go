package trajectory

import (
	"flag"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/mixture"
)

var study = flag.Bool("study", false, "run the coverage study (slow; prints a table for docs/validation.md)")

// TestCoverageStudy is a simulation study, not a unit test: it runs only
// with -study. It draws R data sets from a known three-group model (the
// fitted model is correctly specified: quadratic and cubic Poisson groups,
// or ZIP with constant inflation), fits each, and counts how often the 95%
// intervals cover the truth: the shares (delta method on the logit scale)
// and the expected counts at five ages (delta method on the log scale).
//
//	go test ./trajectory -run CoverageStudy -study -timeout 2h
func TestCoverageStudy(t *testing.T) {
	if !*study {
		t.Skip("a simulation study: run with -study")
	}
	const reps = 300
	s := WindowScaling(12, 40)
	shares := []float64{0.5, 0.3, 0.2}
	beta := [][]float64{{-2, 0.3, -0.6}, {-0.1, -1.5, -1.1, 0.8}, {0.7, 0.3, -0.8}}
	ages := []int{15, 20, 25, 30, 35}
	var out strings.Builder
	fmt.Fprintf(&out, "| model | persons | replicates | converged | share coverage (per group) | curve coverage (%d ages x 3 groups) |\n| --- | --- | --- | --- | --- | --- |\n", len(ages))
	for _, tc := range []struct {
		name    string
		dist    Distribution
		gamma   [][]float64
		persons int
	}{
		{"Poisson, orders 2,3,2", Poisson, nil, 500},
		{"Poisson, orders 2,3,2", Poisson, nil, 2000},
		{"ZIP, orders 2,3,2, constant inflation", ZIP, [][]float64{{-0.5}, {-1.5}, {-2}}, 1000},
	} {
		tr := TruthFromCoefficients(s, 12, 40, shares, beta, tc.gamma)
		var infl []int
		if tc.dist == ZIP {
			infl = []int{0, 0, 0}
		}
		m := mustModel(t, tc.dist, 3, []int{2, 3, 2}, infl)
		var conv int
		shareHit := make([]int, 3)
		curveHit, curveN := 0, 0
		for r := 0; r < reps; r++ {
			c, _, err := Simulate(tr, Design{Persons: tc.persons, CensorShare: 0.3, ExposedShare: 0.1}, uint64(1000+r))
			if err != nil {
				t.Fatal(err)
			}
			f, err := Fit(c, m, &Settings{Search: mixture.Settings{Seed: uint64(r), Starts: 10}})
			if err != nil || f.Status.String() != "converged" || f.Inference == nil {
				continue
			}
			conv++
			for k, g := range f.Groups {
				if g.ShareCI[0] <= shares[k] && shares[k] <= g.ShareCI[1] {
					shareHit[k]++
				}
				for _, a := range ages {
					p := g.Curve[a-f.MinAge()]
					want := tr.Rate[k][a-tr.MinAge] * (1 - tr.ZeroProb[k][a-tr.MinAge])
					curveN++
					if float64(p.MeanLo) <= want && want <= float64(p.MeanHi) {
						curveHit++
					}
				}
			}
		}
		pct := func(h, n int) string { return fmt.Sprintf("%.1f%%", 100*float64(h)/float64(n)) }
		fmt.Fprintf(&out, "| %s | %d | %d | %d | %s, %s, %s | %s |\n", tc.name, tc.persons, reps, conv,
			pct(shareHit[0], conv), pct(shareHit[1], conv), pct(shareHit[2], conv), pct(curveHit, curveN))
		// Monte Carlo standard error of a 95% coverage from 300 data sets is
		// about 1.3 points: report, do not assert.
		t.Logf("%s, N=%d: shares %v of %d, curve %d of %d", tc.name, tc.persons, shareHit, conv, curveHit, curveN)
	}
	t.Log("\n" + out.String())
}

// TestCovariateCoverageStudy is a simulation study run only with -study:
// the coverage of the 95% Wald intervals of the membership coefficients
// (risk factors) and of the time-varying covariates' effects, over data
// sets drawn from known models (riskCareers, tcovCareers).
//
//	go test ./trajectory -run CovariateCoverageStudy -study -timeout 2h
func TestCovariateCoverageStudy(t *testing.T) {
	if !*study {
		t.Skip("a simulation study: run with -study")
	}
	const reps = 200
	var out strings.Builder
	fmt.Fprintf(&out, "| coefficients | persons | data sets | converged | coverage of each coefficient's 95%% interval |\n| --- | --- | --- | --- | --- |\n")
	pct := func(h, n int) string { return fmt.Sprintf("%.1f%%", 100*float64(h)/float64(n)) }

	gamma := [][]float64{{0, 0, 0}, {-0.3, 0.8, 0}, {-1, 0.5, 1.2}}
	hits := make([]int, 6)
	conv := 0
	for r := 0; r < reps; r++ {
		c, risk := riskCareers(t, 1500, uint64(100+r), gamma)
		f, err := Fit(c, mustModel(t, Poisson, 3, []int{0, 2, 2}, nil), &Settings{Search: mixture.Settings{Seed: uint64(r), Starts: 10}, Risk: risk})
		if err != nil || f.Status.String() != "converged" || f.Inference == nil {
			continue
		}
		conv++
		for k := 1; k < 3; k++ {
			for a, want := range gamma[k] {
				est, se := f.Groups[k].MembershipCoef.Values[a], f.Groups[k].MembershipSE.Values[a]
				if math.Abs(est-want) <= Z975*se {
					hits[(k-1)*3+a]++
				}
			}
		}
	}
	var cells []string
	for _, h := range hits {
		cells = append(cells, pct(h, conv))
	}
	fmt.Fprintf(&out, "| membership γ (groups 2, 3: intercept, x1, x2) | 1500 | %d | %d | %s |\n", reps, conv, strings.Join(cells, ", "))

	delta := [][]float64{{-0.5, 0.3}, {-0.8, 0.1}}
	hits = make([]int, 4)
	conv = 0
	for r := 0; r < reps; r++ {
		c, _ := tcovCareers(t, 1500, uint64(300+r), delta)
		f, err := Fit(c, mustModel(t, ZIP, 2, []int{2, 2}, []int{0, -1}), &Settings{Search: mixture.Settings{Seed: uint64(r), Starts: 10}})
		if err != nil || f.Status.String() != "converged" || f.Inference == nil {
			continue
		}
		conv++
		for k := range delta {
			for a, want := range delta[k] {
				if math.Abs(f.Groups[k].TcovCoef.Values[a]-want) <= Z975*f.Groups[k].TcovSE.Values[a] {
					hits[k*2+a]++
				}
			}
		}
	}
	cells = cells[:0]
	for _, h := range hits {
		cells = append(cells, pct(h, conv))
	}
	fmt.Fprintf(&out, "| time-varying δ (groups 1, 2: employed, hours) | 1500 | %d | %d | %s |\n", reps, conv, strings.Join(cells, ", "))
	t.Log("\n" + out.String())
}
