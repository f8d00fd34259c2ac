package nl630

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strconv"

	"github.com/trajkit/trajkit/trajectory"
	"github.com/trajkit/trajkit/trajectory/careersio"
	"github.com/trajkit/trajkit/trajectory/results"
)

// cohort is the nl630 data read back from its files (long.csv,
// persons.csv, truth.csv), with what the figures need per person. The
// figures are computed from the files only, as a reproduction would.
type cohort struct {
	n     int
	c     *trajectory.Careers
	group []string            // truth.csv: the true group label
	col   map[string][]string // persons.csv, by column name
	aT    []int               // age_first_thb
	// before and after count the cases at ages before and after aT;
	// yearsBefore and yearsAfter the observed ages there.
	before, after           []int
	yearsBefore, yearsAfter []int
	// firstCase is the first age with a case.
	firstCase []int
}

func loadCohort(long, persons, truth []byte) (*cohort, error) {
	c, _, err := careersio.ReadCareers(bytes.NewReader(long), "long.csv", careersio.ReadOptions{})
	if err != nil {
		return nil, err
	}
	co := &cohort{n: c.Len(), c: c, col: map[string][]string{}}
	pr, err := csv.NewReader(bytes.NewReader(persons)).ReadAll()
	if err != nil {
		return nil, err
	}
	tr, err := results.ReadTruth(bytes.NewReader(truth), "truth.csv")
	if err != nil {
		return nil, err
	}
	if len(pr) != co.n+1 || len(tr.IDs) != co.n || len(tr.Columns) != 1 {
		return nil, fmt.Errorf("%d careers, %d person rows, %d truth rows of %d groups", co.n, len(pr)-1, len(tr.IDs), len(tr.Columns))
	}
	for j, name := range pr[0] {
		for _, row := range pr[1:] {
			co.col[name] = append(co.col[name], row[j])
		}
	}
	for i := 0; i < co.n; i++ {
		if pr[i+1][0] != c.IDs[i] || tr.IDs[i] != c.IDs[i] {
			return nil, fmt.Errorf("row %d: ids %s (careers), %s (persons), %s (truth)", i+1, c.IDs[i], pr[i+1][0], tr.IDs[i])
		}
		co.group = append(co.group, tr.Groups[0][i])
	}
	if co.aT, err = co.ints("age_first_thb"); err != nil {
		return nil, err
	}
	for i := 0; i < co.n; i++ {
		var before, after, yb, ya int
		first := -1
		c.Cells(i, func(x trajectory.Cell) {
			if x.Exposure == 0 {
				return
			}
			if x.Y > 0 && first < 0 {
				first = x.Age
			}
			switch {
			case x.Age < co.aT[i]:
				before += x.Y
				yb++
			case x.Age > co.aT[i]:
				after += x.Y
				ya++
			}
		})
		co.before = append(co.before, before)
		co.after = append(co.after, after)
		co.yearsBefore = append(co.yearsBefore, yb)
		co.yearsAfter = append(co.yearsAfter, ya)
		co.firstCase = append(co.firstCase, first)
	}
	return co, nil
}

// ints returns a persons.csv column as whole numbers, −1 for empty cells.
func (co *cohort) ints(name string) ([]int, error) {
	col, ok := co.col[name]
	if !ok {
		return nil, fmt.Errorf("persons.csv has no column %s", name)
	}
	out := make([]int, co.n)
	for i, s := range col {
		if s == "" {
			out[i] = -1
			continue
		}
		v, err := strconv.Atoi(s)
		if err != nil {
			return nil, fmt.Errorf("persons.csv row %d, column %s: %q is not a whole number", i+1, name, s)
		}
		out[i] = v
	}
	return out, nil
}

func (co *cohort) mustInts(name string) []int {
	v, err := co.ints(name)
	if err != nil {
		panic(err)
	}
	return v
}

// share returns the percentage of the persons of group ("" for all) that
// satisfy cond, among those that satisfy among (nil for all).
func (co *cohort) share(group string, cond, among func(i int) bool) float64 {
	var num, den int
	for i := 0; i < co.n; i++ {
		if group != "" && co.group[i] != group || among != nil && !among(i) {
			continue
		}
		den++
		if cond(i) {
			num++
		}
	}
	return 100 * float64(num) / float64(den)
}

// mean returns the mean of v over the persons of group ("" for all).
func (co *cohort) mean(group string, v func(i int) float64) float64 {
	var s float64
	var n int
	for i := 0; i < co.n; i++ {
		if group == "" || co.group[i] == group {
			s += v(i)
			n++
		}
	}
	return s / float64(n)
}

// is returns whether a 0/1 column of persons.csv is 1.
func (co *cohort) is(name string) func(int) bool {
	col := co.col[name]
	return func(i int) bool { return col[i] == "1" }
}

// casesWithin returns whether person i has a case at an age 1..k years
// after the age of the first THB offence.
func (co *cohort) casesWithin(i, k int) bool {
	n := 0
	co.c.Cells(i, func(x trajectory.Cell) {
		if x.Age > co.aT[i] && x.Age <= co.aT[i]+k {
			n += x.Y
		}
	})
	return n > 0
}

// peakAge returns the age at which the group's mean count is highest,
// over the ages at which at least 20 of its members are observed.
func (co *cohort) peakAge(group string) float64 {
	sum := make([]float64, co.c.NumAges)
	obs := make([]int, co.c.NumAges)
	for i := 0; i < co.n; i++ {
		if co.group[i] != group {
			continue
		}
		co.c.Cells(i, func(x trajectory.Cell) {
			if x.Exposure > 0 {
				sum[x.Age-co.c.MinAge] += float64(x.Y)
				obs[x.Age-co.c.MinAge]++
			}
		})
	}
	best, age := -1.0, 0
	for t := range sum {
		if obs[t] >= 20 && sum[t]/float64(obs[t]) > best {
			best, age = sum[t]/float64(obs[t]), co.c.MinAge+t
		}
	}
	return float64(age)
}

// perYear returns the group's cases per observed year before (or after)
// the age of the first THB offence, that age left out.
func (co *cohort) perYear(group string, after bool) float64 {
	cases, years := co.before, co.yearsBefore
	if after {
		cases, years = co.after, co.yearsAfter
	}
	var c, y int
	for i := 0; i < co.n; i++ {
		if co.group[i] == group {
			c += cases[i]
			y += years[i]
		}
	}
	return float64(c) / float64(y)
}

// groupOrder lists the groups of truth.csv.
var groupOrder = Labels

// extreme reports whether group holds the largest value of v over the
// groups (the smallest when lowest).
func extreme(v func(g string) float64, group string, lowest bool) bool {
	x := v(group)
	for _, g := range groupOrder {
		if g == group {
			continue
		}
		if y := v(g); !lowest && y >= x || lowest && y <= x {
			return false
		}
	}
	return true
}
