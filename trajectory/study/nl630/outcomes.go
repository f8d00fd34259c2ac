package nl630

import (
	"bufio"
	"fmt"
	"io"
	"strconv"

	"github.com/trajkit/trajkit/trajectory"
	"github.com/trajkit/trajkit/trajectory/careersio"
)

// OutcomesFile is the file of the cohort's two outcomes, beside long.csv.
const OutcomesFile = "outcomes.csv"

// OutcomeColumns are the columns of outcomes.csv, in order.
var OutcomeColumns = []string{"id", "age", "thb", "other"}

// THBRecord is what the person table says of one person's trafficking
// (THB) cases: the age of the first (the index case), their number in
// the follow-up, the age of the first one at an older age (0 when there
// is none) and the last age of follow-up.
type THBRecord struct {
	ID                                       string
	AgeFirst, Cases, AgeNext, LastObservedAt int
}

// THBRecords returns the THB columns of the person table, one record per
// person in the table's order.
func (ps PersonTable) THBRecords() []THBRecord {
	r := make([]THBRecord, len(ps))
	for i, p := range ps {
		r[i] = THBRecord{ID: p.ID, AgeFirst: p.AgeFirstTHB, Cases: p.THBCases, AgeNext: p.AgeNextTHB, LastObservedAt: p.LastObservedAge}
	}
	return r
}

// OutcomeRow is one person and age of outcomes.csv: the THB cases and the
// other cases at that age, THB + Other = y of long.csv.
type OutcomeRow struct {
	ID              string
	Age, THB, Other int
}

// Outcomes are the cohort's careers split into two count series, one row
// per observed person and age, in the order of long.csv.
type Outcomes []OutcomeRow

// DeriveOutcomes splits the careers c (the cases per age, THB cases
// included, as in long.csv) into the THB cases and the other cases, from
// what the person table says of each person's THB cases (thb, in the
// careers' order). The person table does not give the age of every THB
// case, so they are placed by this rule:
//
//   - one at AgeFirst, the index case;
//   - with no later THB case (AgeNext = 0), the others at AgeFirst too:
//     the generator joins at most one second case to the index case, so
//     there is at most one;
//   - otherwise one at AgeNext; of the rest (Cases − 2, when Cases > 2),
//     one is the case joined to the index case, at AgeFirst, when the
//     careers have at least 2 cases there, and the others are at the ages
//     from AgeNext on, in order, as many at each age as its cases allow
//     (the one that does not fit there, if any, is the joined case).
//
// So the series are exact for every person with at most two THB cases;
// for more, the ages of the third and later ones are a guess that the
// careers allow. (On cohorts drawn by the generator, which knows the
// ages, the rule places every THB case right for about half of the
// persons with more than two.) The other cases are y − THB. An error
// reports a person for whom the rule does not fit the careers: a THB case
// at an age without one, other cases below 0, ages or ids that disagree.
func DeriveOutcomes(c *trajectory.Careers, thb []THBRecord) (Outcomes, error) {
	if len(thb) != c.Len() {
		return nil, fmt.Errorf("nl630 outcomes: %d careers, %d person records", c.Len(), len(thb))
	}
	var out Outcomes
	var ages, ys, cases []int
	for i, p := range thb {
		if p.ID != c.IDs[i] {
			return nil, fmt.Errorf("nl630 outcomes: person %d has id %s in the careers, %s in the person table", i+1, c.IDs[i], p.ID)
		}
		ages, ys = ages[:0], ys[:0]
		c.Cells(i, func(x trajectory.Cell) {
			if x.Exposure != 0 {
				ages, ys = append(ages, x.Age), append(ys, x.Y)
			}
		})
		cases = append(cases[:0], make([]int, len(ages))...)
		if err := placeTHB(ages, ys, cases, p); err != nil {
			return nil, fmt.Errorf("nl630 outcomes: person %s: %v", p.ID, err)
		}
		for j, a := range ages {
			out = append(out, OutcomeRow{ID: p.ID, Age: a, THB: cases[j], Other: ys[j] - cases[j]})
		}
	}
	return out, nil
}

// placeTHB fills cases[j], the THB cases at ages[j], by DeriveOutcomes'
// rule and checks them against the cases ys[j].
func placeTHB(ages, ys, cases []int, p THBRecord) error {
	if len(ages) == 0 {
		return fmt.Errorf("no observed age")
	}
	if last := ages[len(ages)-1]; last != p.LastObservedAt {
		return fmt.Errorf("follow-up ends at %d in the careers, at %d (last_observed_age) in the person table", last, p.LastObservedAt)
	}
	at := func(age int) int {
		for j, a := range ages {
			if a == age {
				return j
			}
		}
		return -1
	}
	first := at(p.AgeFirst)
	if first < 0 {
		return fmt.Errorf("age_first_thb %d is not an observed age", p.AgeFirst)
	}
	if p.Cases < 1 {
		return fmt.Errorf("thb_cases %d: every person has the index THB case", p.Cases)
	}
	cases[first] = 1
	rest, joined := p.Cases-1, 0
	if p.AgeNext != 0 {
		next := at(p.AgeNext)
		if next < 0 || p.AgeNext <= p.AgeFirst {
			return fmt.Errorf("age_next_thb %d is not an observed age above age_first_thb %d", p.AgeNext, p.AgeFirst)
		}
		if rest < 1 {
			return fmt.Errorf("age_next_thb %d but thb_cases %d", p.AgeNext, p.Cases)
		}
		cases[next] = 1
		rest--
		if rest > 0 && ys[first] >= 2 {
			joined, rest = 1, rest-1
		}
		for j := next; j < len(ages) && rest > 0; j++ {
			n := min(rest, ys[j]-cases[j])
			if n > 0 {
				cases[j] += n
				rest -= n
			}
		}
	}
	if joined+rest > 1 {
		return fmt.Errorf("thb_cases %d: %d THB cases do not fit at the ages from age_next_thb on, and at most one is joined to the index case", p.Cases, joined+rest-1)
	}
	cases[first] += joined + rest
	for j := range ages {
		if cases[j] > ys[j] {
			return fmt.Errorf("age %d: %d THB cases but y = %d, so other < 0", ages[j], cases[j], ys[j])
		}
	}
	return nil
}

// WriteCSV writes outcomes.csv: the columns OutcomeColumns, one row per
// person and observed age, in the order of long.csv.
func (o Outcomes) WriteCSV(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	for j, name := range OutcomeColumns {
		if j > 0 {
			bw.WriteByte(',')
		}
		bw.WriteString(name)
	}
	bw.WriteByte('\n')
	for _, r := range o {
		b := bw.AvailableBuffer()
		b = careersio.AppendField(b, r.ID)
		for _, v := range []int{r.Age, r.THB, r.Other} {
			b = append(b, ',')
			b = strconv.AppendInt(b, int64(v), 10)
		}
		b = append(b, '\n')
		if _, err := bw.Write(b); err != nil {
			return err
		}
	}
	return bw.Flush()
}
