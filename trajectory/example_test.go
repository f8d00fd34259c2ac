package trajectory_test

import (
	"fmt"
	"log"

	"github.com/trajkit/trajkit/trajectory"
)

// Fit a two-group Poisson trajectory model to the simulated careers of
// data/gbtm_sim and print the groups.
func ExampleFit() {
	c, _, err := trajectory.ReadCareersFile("../data/gbtm_sim/sim630.csv", trajectory.ReadOptions{})
	if err != nil {
		log.Fatal(err)
	}
	m, err := trajectory.NewModel(trajectory.Poisson, 2, []int{2}, nil)
	if err != nil {
		log.Fatal(err)
	}
	f, err := trajectory.Fit(c, m, &trajectory.Settings{Seed: 1})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d persons, ages %d-%d, status %s\n", f.NumPersons, f.MinAge, f.MaxAge, f.Status)
	for j, g := range f.Groups {
		fmt.Printf("group %d: share %.3f, APP %.3f, peak at age %d\n", j+1, g.Share, g.APP, g.PeakAge())
	}
	fmt.Printf("log-likelihood %.2f, BIC (persons) %.2f\n", f.LogLik, f.BICPersons)
	// Output:
	// 630 persons, ages 12-40, status converged
	// group 1: share 0.846, APP 0.999, peak at age 24
	// group 2: share 0.154, APP 1.000, peak at age 30
	// log-likelihood -12423.56, BIC (persons) 24892.23
}

// Draw careers with known groups from a model given by its coefficients.
func ExampleSimulate() {
	s := trajectory.WindowScaling(12, 30)
	truth := trajectory.TruthFromCoefficients(s, 12, 30, []float64{0.7, 0.3},
		[][]float64{{-2}, {0.5, -0.5, -1}}, nil)
	c, groups, err := trajectory.Simulate(truth, trajectory.Design{Persons: 1000, CensorShare: 0.2}, 7)
	if err != nil {
		log.Fatal(err)
	}
	n := 0
	for _, g := range groups {
		n += g
	}
	fmt.Printf("%d careers over ages %d-%d; %d in group 2\n", c.Len(), c.MinAge, c.MaxAge(), n)
	// Output:
	// 1000 careers over ages 12-30; 277 in group 2
}
