package trajectory

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/mixture"
)

// TestOverdispersionStudy is the overdispersion demonstration of
// docs/validation.md (only with -study, not in CI; about three minutes):
//
//	go test ./trajectory -run TestOverdispersionStudy -study -v -timeout 60m
//
// The design was fixed before the first run: 2,000 persons, ages 12-30,
// three NB groups (nbTruth: shares 0.5, 0.3, 0.2; α 0.6, 1 and 0.5),
// censoring of 30% of the careers, seeds 1 to 10 of Simulate. For each
// seed, Select over 1-7 groups of cubic order, Poisson and NB (α per
// group), with 10 starts (seed 1); the table gives the K of the lowest
// BIC (N = persons) and the K that Select recommends (the lowest BIC among
// the adequate candidates: APP ≥ 0.7, OCC ≥ 5, every share ≥ 0.05).
func TestOverdispersionStudy(t *testing.T) {
	if !*study {
		t.Skip("a study: go test ./trajectory -run OverdispersionStudy -study")
	}
	tr := nbTruth(12, 30, []float64{0.6, 1, 0.5}, false)
	var b strings.Builder
	b.WriteString("| seed | Poisson: K of lowest BIC | Poisson: recommended | NB: K of lowest BIC | NB: recommended |\n| --- | --- | --- | --- | --- |\n")
	var nbRight, poisRight int
	for seed := uint64(1); seed <= 10; seed++ {
		c, _, err := Simulate(tr, Design{Persons: 2000, CensorShare: 0.3}, seed)
		if err != nil {
			t.Fatal(err)
		}
		row := fmt.Sprintf("| %d |", seed)
		for _, d := range []Distribution{Poisson, NB} {
			sel, err := Select(c, SelectSettings{Distribution: d, MinGroups: 1, MaxGroups: 7, MinOrder: 3, MaxOrder: 3,
				Fit: Settings{Search: mixture.Settings{Seed: 1, Starts: 10}}})
			if err != nil {
				t.Fatal(err)
			}
			best, bic := 0, math.Inf(1)
			for _, cand := range sel.Candidates {
				if cand.BICPersons < bic {
					best, bic = cand.Groups, cand.BICPersons
				}
			}
			rec := "none"
			if sel.Recommended != nil {
				rec = fmt.Sprint(sel.Recommended.Groups)
			}
			row += fmt.Sprintf(" %d | %s |", best, rec)
			if best == 3 {
				if d == NB {
					nbRight++
				} else {
					poisRight++
				}
			}
		}
		b.WriteString(row + "\n")
		t.Log(row)
	}
	t.Logf("\n%s\nlowest BIC at K = 3: Poisson %d of 10 seeds, NB %d of 10", b.String(), poisRight, nbRight)
	if nbRight < 8 {
		t.Errorf("NB finds the 3 groups in %d of 10 seeds", nbRight)
	}
}
