package trajectory

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/mixture"
)

// flatTruth is a truth of len(rates) groups with equal shares over ages
// minAge..minAge+n-1, group k at rate rates[k] at every age.
func flatTruth(minAge, n int, rates ...float64) Truth {
	t := Truth{MinAge: minAge}
	for _, r := range rates {
		t.Shares = append(t.Shares, 1/float64(len(rates)))
		t.Rate = append(t.Rate, slices.Repeat([]float64{r}, n))
	}
	return t
}

// TestSimulateRefuses: truths and designs Simulate cannot draw from are an
// error naming what is wrong (the group and age of a rate), never a panic
// or counts wrapped around at 2³².
func TestSimulateRefuses(t *testing.T) {
	rateAt := func(tr Truth, k, a int, r float64) Truth { tr.Rate[k][a] = r; return tr }
	zip := func(tr Truth, k, a int, p float64) Truth {
		tr.ZeroProb = [][]float64{make([]float64, tr.NumAges()), make([]float64, tr.NumAges())}
		tr.ZeroProb[k][a] = p
		return tr
	}
	for _, tc := range []struct {
		name  string
		truth Truth
		d     Design
		msg   string
	}{
		{"a rate whose counts would wrap at 2^32", rateAt(flatTruth(12, 10, 0.1, 1), 1, 3, 1e10), Design{Persons: 10},
			"simulate: group 2, age 15: expected count 1e+10 (rate 1e+10 at exposure 1) is above 2^31: its counts could exceed 4294967295"},
		{"a rate just above the bound", rateAt(flatTruth(12, 10, 0.1), 0, 0, MaxMeanCount*(1+1e-15)), Design{Persons: 10}, "group 1, age 12"},
		{"an infinite rate", rateAt(flatTruth(12, 10, 0.1), 0, 2, math.Inf(1)), Design{Persons: 10}, "group 1 has rate +Inf"},
		{"a NaN rate", rateAt(flatTruth(12, 10, 0.1), 0, 2, math.NaN()), Design{Persons: 10}, "group 1 has rate NaN"},
		{"a zero probability above 1", zip(flatTruth(12, 10, 0.1, 1), 1, 4, 2), Design{Persons: 10}, "group 2, age 16: zero probability 2 is not a probability"},
		{"more ages than careers hold", flatTruth(12, MaxAges+1, 0.1), Design{Persons: 10}, "ages 12-268: careers hold at most 256 ages"},
		{"ages beyond the largest", flatTruth(MaxAbsAge-5, 10, 0.1), Design{Persons: 10}, "ages 999995-1000004"},
		{"a fixed group out of range", flatTruth(12, 10, 0.1, 1), Design{Persons: 2, Groups: []int{1, 3}}, "person 2 is fixed to group 3 of 2"},
		{"fixed groups of the wrong length", flatTruth(12, 10, 0.1, 1), Design{Persons: 3, Groups: []int{1, 2}}, "2 fixed groups for 3 persons"},
		{"more persons than careers hold", flatTruth(12, 10, 0.1), Design{Persons: MaxPersons + 1}, "careers hold at most 2147483647"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Simulate(tc.truth, tc.d, 1)
			if err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %v, want %q", err, tc.msg)
			}
		})
	}
}

// TestSimulateExtremes: the largest rate (MaxMeanCount) and the widest grid
// (MaxAges ages) are drawn from, quickly, without a count wrapping
// around: every count lies within 10 standard deviations of its mean.
func TestSimulateExtremes(t *testing.T) {
	tr := flatTruth(-20, MaxAges, 0.5, MaxMeanCount)
	c, groups, err := Simulate(tr, Design{Persons: 200, CensorShare: 0.3, LateStartShare: 0.3, ExposedShare: 0.2}, 5)
	if err != nil {
		t.Fatal(err)
	}
	if c.MinAge != -20 || c.NumAges != MaxAges {
		t.Fatalf("grid %d + %d ages, want -20 + %d", c.MinAge, c.NumAges, MaxAges)
	}
	high := 0
	for i := 0; i < c.Len(); i++ {
		if groups[i] != 2 {
			continue
		}
		c.Cells(i, func(x Cell) {
			if x.Exposure == 0 {
				return
			}
			high++
			m := x.Exposure * MaxMeanCount
			if d := math.Abs(float64(x.Y) - m); d > 10*math.Sqrt(m) {
				t.Fatalf("person %s at age %d: count %d for mean %.0f", c.IDs[i], x.Age, x.Y, m)
			}
		})
	}
	if high == 0 {
		t.Fatal("no person of the high-rate group")
	}
}

// TestParametricBootstrapRefusesOverflow: the parametric bootstrap draws at
// the data's exposures, so a rate whose expected count at the largest
// exposure is above MaxMeanCount is an error naming the group and age;
// and more than MaxReplicates replicates are an error before any work.
func TestParametricBootstrapRefusesOverflow(t *testing.T) {
	b := NewCareerBuilder()
	for i, id := range []string{"a", "b", "c", "d"} {
		p := b.Person(id)
		for a := 20; a < 25; a++ {
			e := 1.0
			if i == 0 && a == 22 {
				e = 2
			}
			if err := b.Add(p, a, uint32(i+a%2), e); err != nil {
				t.Fatal(err)
			}
		}
	}
	c, err := b.Build(false)
	if err != nil {
		t.Fatal(err)
	}
	f, err := Fit(c, mustModel(t, Poisson, 1, []int{0}, nil), &Settings{Search: mixture.Settings{Seed: 1, Starts: 2}, NoSE: true})
	if err != nil {
		t.Fatal(err)
	}
	f.Groups[0].Curve[3].Rate = MaxMeanCount/2 + 1 // above the bound at exposure 2
	err = f.Bootstrap(c, nil, BootstrapSettings{Replicates: 2, Type: ParametricBootstrap})
	if err := f.Bootstrap(c, nil, BootstrapSettings{Replicates: MaxReplicates + 1}); err == nil || !strings.Contains(err.Error(), "10001 replicates: expected 1 to 10000") {
		t.Errorf("%d replicates: error %v", MaxReplicates+1, err)
	}
	const want = "bootstrap: group 1, age 23: expected count 2.14748365e+09 (rate 1.073741825e+09 at exposure 2) is above 2^31"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want %q", err, want)
	}
}
