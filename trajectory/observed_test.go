package trajectory

import (
	"math"
	"math/rand/v2"
	"testing"
)

// naiveObservedMeans is the reference: the weighted sums of counts and
// exposures cell by cell, from the definition in ObservedMeans' doc.
func naiveObservedMeans(c *Careers, post [][]float64, by Weighting) [][]ObservedMean {
	k := len(post)
	out := make([][]ObservedMean, k)
	for j := range out {
		out[j] = make([]ObservedMean, c.NumAges)
		for a := range out[j] {
			out[j][a].Age = c.MinAge + a
		}
	}
	w := make([]float64, k)
	for i := 0; i < c.Len(); i++ {
		best := 0
		for j := range post {
			if post[j][i] > post[best][i] {
				best = j
			}
		}
		for j := range w {
			w[j] = post[j][i]
			if by == ByAssignment {
				w[j] = 0
				if j == best {
					w[j] = 1
				}
			}
		}
		c.Cells(i, func(x Cell) {
			if x.Exposure == 0 {
				return
			}
			for j := range w {
				o := &out[j][x.Age-c.MinAge]
				o.Persons += w[j]
				o.Count += w[j] * float64(x.Y)
				o.Exposure += w[j] * x.Exposure
			}
		})
	}
	for j := range out {
		for a := range out[j] {
			o := &out[j][a]
			o.Mean = o.Count / o.Exposure
			if o.Exposure == 0 {
				o.Mean = math.NaN()
			}
		}
	}
	return out
}

// randomPosteriors returns K x N posteriors that sum to one per person.
func randomPosteriors(k, n int, seed uint64) [][]float64 {
	rng := rand.New(rand.NewPCG(seed, 1))
	post := make([][]float64, k)
	for j := range post {
		post[j] = make([]float64, n)
	}
	for i := 0; i < n; i++ {
		var s float64
		for j := range post {
			post[j][i] = rng.ExpFloat64()
			s += post[j][i]
		}
		for j := range post {
			post[j][i] /= s
		}
	}
	return post
}

func TestObservedMeansMatchNaive(t *testing.T) {
	c := testCareers(t, 300, 7)
	post := randomPosteriors(3, c.Len(), 8)
	obs := c.ObservedByAge()
	for _, by := range []Weighting{ByPosterior, ByAssignment} {
		t.Run(by.String(), func(t *testing.T) {
			got := ObservedMeans(c, post, by)
			want := naiveObservedMeans(c, post, by)
			// Tolerance: the difference arrays sum the same terms in
			// another order; 1e-9 relative is rounding.
			close := func(a, b float64) bool {
				if math.IsNaN(a) || math.IsNaN(b) {
					return math.IsNaN(a) && math.IsNaN(b)
				}
				return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b))
			}
			for j := range want {
				for a := range want[j] {
					g, w := got[j][a], want[j][a]
					if g.Age != w.Age || !close(g.Persons, w.Persons) || !close(g.Count, w.Count) ||
						!close(g.Exposure, w.Exposure) || !close(g.Mean, w.Mean) {
						t.Fatalf("group %d age %d: got %+v, want %+v", j+1, w.Age, g, w)
					}
				}
			}
			// Every observed person counts once in all: the weights sum
			// to one per person.
			for a := range obs {
				var s float64
				for j := range got {
					s += got[j][a].Persons
				}
				if math.Abs(s-float64(obs[a])) > 1e-9 {
					t.Errorf("age %d: persons sum to %v over groups, %d observed", c.MinAge+a, s, obs[a])
				}
			}
		})
	}
}
