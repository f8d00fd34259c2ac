package trajectory_test

import (
	"fmt"
	"log"
	"math/rand/v2"

	"github.com/trajkit/trajkit/mixture"
	"github.com/trajkit/trajkit/trajectory"
)

// Estimate a distal outcome by group: careers of two groups, a normal
// outcome with means 0 and 1 in them, and the three-step ML estimates
// beside classify's, which the classification errors pull together.
func ExampleFitted_EstimateDistal() {
	tr := trajectory.TruthFromCoefficients(trajectory.WindowScaling(12, 25), 12, 25, []float64{0.6, 0.4},
		[][]float64{{-1.5, 0.2, -0.3}, {-0.4, 0.3, -0.5}}, nil)
	c, groups, err := trajectory.Simulate(tr, trajectory.Design{Persons: 1000}, 1)
	if err != nil {
		log.Fatal(err)
	}
	m, err := trajectory.NewModel(trajectory.Poisson, 2, []int{2}, nil)
	if err != nil {
		log.Fatal(err)
	}
	fit, err := trajectory.Fit(c, m, &trajectory.Settings{Search: mixture.Settings{Seed: 1}, NoSE: true})
	if err != nil {
		log.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(2, 3))
	z := trajectory.DistalOutcome{Name: "score", Model: trajectory.DistalNormal, Values: make([]float64, c.Len())}
	for i, g := range groups {
		z.Values[i] = float64(g-1) + rng.NormFloat64()
	}
	for _, method := range []trajectory.DistalMethod{trajectory.DistalML, trajectory.DistalClassify} {
		d, err := fit.EstimateDistal(z, method)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%-8s", method)
		for _, g := range d.ByGroup {
			fmt.Printf("  group %d: %.2f (SE %.2f)", g.Number, g.Mean, g.SE)
		}
		fmt.Printf("  Wald df %d\n", d.Wald.DF)
	}
	// Output:
	// ml        group 1: 0.02 (SE 0.05)  group 2: 1.05 (SE 0.06)  Wald df 1
	// classify  group 1: 0.12 (SE 0.04)  group 2: 0.92 (SE 0.05)  Wald df 1
}
