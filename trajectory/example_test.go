package trajectory_test

import (
	"fmt"
	"log"
	"strings"

	"github.com/trajkit/trajkit/mixture"
	"github.com/trajkit/trajkit/trajectory"
	"github.com/trajkit/trajkit/trajectory/careersio"
)

// Fit a two-group Poisson trajectory model to the simulated careers of
// data/gbtm_sim and print the groups.
func ExampleFit() {
	c, _, err := careersio.ReadCareersFile("../data/gbtm_sim/sim630.csv", careersio.ReadOptions{})
	if err != nil {
		log.Fatal(err)
	}
	m, err := trajectory.NewModel(trajectory.Poisson, 2, []int{2}, nil)
	if err != nil {
		log.Fatal(err)
	}
	f, err := trajectory.Fit(c, m, &trajectory.Settings{Search: mixture.Settings{Seed: 1}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d persons, ages %d-%d, status %s\n", f.NumPersons, f.MinAge(), f.MaxAge(), f.Status)
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
		if g == 2 {
			n++
		}
	}
	fmt.Printf("%d careers over ages %d-%d; %d in group 2\n", c.Len(), c.MinAge, c.MaxAge(), n)
	// Output:
	// 1000 careers over ages 12-30; 277 in group 2
}

func ExampleObservedMeans() {
	// Three persons: 1 and 2 in the first group, 3 in the second; person 2
	// is not observed at age 14 and has half a year at risk at 13.
	careers := `id,age,y,exposure
1,12,0,1
1,13,1,1
1,14,2,1
2,12,1,1
2,13,1,0.5
3,12,3,1
3,13,4,1
3,14,5,1
`
	c, _, err := careersio.ReadCareers(strings.NewReader(careers), "careers.csv", careersio.ReadOptions{Exposure: "exposure"})
	if err != nil {
		fmt.Println(err)
		return
	}
	post := [][]float64{{0.9, 0.8, 0.1}, {0.1, 0.2, 0.9}}
	for j, g := range trajectory.ObservedMeans(c, post, trajectory.ByAssignment) {
		for _, o := range g {
			fmt.Printf("group %d age %d: persons %g, offences %g, years at risk %g, mean %.3f\n", j+1, o.Age, o.Persons, o.Count, o.Exposure, o.Mean)
		}
	}
	// Output:
	// group 1 age 12: persons 2, offences 1, years at risk 2, mean 0.500
	// group 1 age 13: persons 2, offences 2, years at risk 1.5, mean 1.333
	// group 1 age 14: persons 1, offences 2, years at risk 1, mean 2.000
	// group 2 age 12: persons 1, offences 3, years at risk 1, mean 3.000
	// group 2 age 13: persons 1, offences 4, years at risk 1, mean 4.000
	// group 2 age 14: persons 1, offences 5, years at risk 1, mean 5.000
}
