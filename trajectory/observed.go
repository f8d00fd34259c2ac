package trajectory

import (
	"fmt"
	"math"
)

// Weighting says how persons count towards a group's observed means.
type Weighting int

const (
	// ByPosterior counts person i in every group k with weight p_ik, its
	// posterior probability of membership (the default, as in traj's
	// plots of observed means).
	ByPosterior Weighting = iota
	// ByAssignment counts person i with weight 1 in its maximum-posterior
	// group only.
	ByAssignment
)

func (w Weighting) String() string {
	switch w {
	case ByPosterior:
		return "posterior-weighted"
	case ByAssignment:
		return "by assignment"
	}
	return fmt.Sprintf("Weighting(%d)", int(w))
}

// ObservedMean is a group's observed offending at one age.
type ObservedMean struct {
	Age int
	// Persons is the summed weight of the persons observed at the age:
	// the expected number of the group's members among them (ByPosterior)
	// or the number of its assigned members (ByAssignment).
	Persons float64
	// Count and Exposure are the weighted sums of the counts and of the
	// exposures of the persons observed at the age.
	Count, Exposure float64
	// Mean is Count / Exposure, the observed counterpart of the curve's
	// expected count per unit of exposure (CurvePoint.Mean); NaN when
	// Exposure is 0.
	Mean float64
}

// ObservedMeans returns the observed mean count per unit of exposure of
// each group at each age of the careers' grid (K x ages), with weights w_ik
// given by the posteriors post (K x N, groups in the order of the fit):
//
//	mean_kt = Σ_i w_ik y_it / Σ_i w_ik e_it,
//
// the sums over the persons observed at age t. Unobserved ages inside a
// person's window count nowhere. The cost is proportional to persons plus
// special cells, times K.
//
// ObservedMeans panics if post does not have one row of N posteriors per
// group.
func ObservedMeans(c *Careers, post [][]float64, by Weighting) [][]ObservedMean {
	k, n := len(post), c.Len()
	for j := range post {
		if len(post[j]) != n {
			panic(fmt.Sprintf("trajectory: ObservedMeans: %d posteriors in group %d for %d persons", len(post[j]), j+1, n))
		}
	}
	t := c.NumAges
	// Persons and exposure start as difference arrays over each person's
	// window (every age counted with exposure 1), then the special cells
	// correct them: a hole removes the person, an exposure e adds e − 1.
	persons := make([][]float64, k)
	expo := make([][]float64, k)
	count := make([][]float64, k)
	for j := range persons {
		persons[j] = make([]float64, t+1)
		expo[j] = make([]float64, t+1)
		count[j] = make([]float64, t)
	}
	w := make([]float64, k)
	for i := 0; i < n; i++ {
		weights(w, post, i, by)
		lo, hi := int(c.Lo[i]), int(c.Hi[i])+1
		for j, wj := range w {
			if wj == 0 {
				continue
			}
			persons[j][lo] += wj
			persons[j][hi] -= wj
			expo[j][lo] += wj
			expo[j][hi] -= wj
		}
		for cell := c.Start[i]; cell < c.Start[i+1]; cell++ {
			a := int(c.Age[cell])
			e := c.Exposure(cell)
			y := c.Value(cell)
			for j, wj := range w {
				if wj == 0 {
					continue
				}
				if e == 0 {
					persons[j][a] -= wj
					persons[j][a+1] += wj
				}
				expo[j][a] += wj * (e - 1)
				expo[j][a+1] -= wj * (e - 1)
				count[j][a] += wj * y
			}
		}
	}
	out := make([][]ObservedMean, k)
	for j := range out {
		out[j] = make([]ObservedMean, t)
		var p, e float64
		for a := range out[j] {
			p += persons[j][a]
			e += expo[j][a]
			// The running sums leave rounding noise where no one is
			// observed.
			pa, ea := p, e
			if pa < 1e-9 {
				pa = 0
			}
			if ea < 1e-12 {
				ea = 0
			}
			m := math.NaN()
			if ea > 0 {
				m = count[j][a] / ea
			}
			out[j][a] = ObservedMean{Age: c.MinAge + a, Persons: pa, Count: count[j][a], Exposure: ea, Mean: m}
		}
	}
	return out
}

// weights fills w with person i's weight in each group.
func weights(w []float64, post [][]float64, i int, by Weighting) {
	if by == ByPosterior {
		for j := range w {
			w[j] = post[j][i]
		}
		return
	}
	for j := range w {
		w[j] = 0
	}
	w[AssignedGroup(post, i)-1] = 1
}

// AssignedGroup returns the 1-based number of person i's maximum-posterior
// group in posteriors post (K x N), the lowest on ties (as Fit assigns).
func AssignedGroup(post [][]float64, i int) int {
	best := 0
	for j := range post {
		if post[j][i] > post[best][i] {
			best = j
		}
	}
	return best + 1
}
