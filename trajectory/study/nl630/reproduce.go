package nl630

import (
	"math"
	"strings"

	"github.com/trajkit/trajkit/trajectory"
	"github.com/trajkit/trajkit/trajectory/careersio"
	"github.com/trajkit/trajkit/trajectory/results"
)

// WindowShare is the share of persons that must still be observed at the
// oldest modelled age.
const WindowShare = 0.25

// Window returns the age window the reproduction models: the ages from
// the first to the last at which at least a quarter of the persons are
// observed (every age when none has that many); careers start at 12, so
// it runs from the youngest age to the oldest still observed by a
// quarter. A polynomial fitted through the few long
// careers beyond it explodes (the note on the study, §6: with ages up to
// 65 the early-peak cubic reaches thousands of cases a year), and a curve
// beyond the data's support is an artefact, not a finding.
func Window(c *trajectory.Careers) (lo, hi int) {
	lo, hi, ok := c.ObservedWindow(c.ObservedByAge(), int(math.Ceil(WindowShare*float64(c.Len()))))
	if !ok {
		return c.MinAge, c.MaxAge()
	}
	return lo, hi
}

// EarlyPeakBefore is the peak age below which a middle group is labelled
// early-peak: where the published late-peak window (22-33) begins; the
// early-peak window is 15-22.
func EarlyPeakBefore() int {
	lo, _ := PeakWindow(LatePeak)
	return lo
}

// LabelByShape names each group by the shape of its curve, the rule of the
// reproduction: the group with the lowest mean expected count over the
// window is low-rate, the one with the highest high-rate, and each other
// group early-peak if its curve peaks before EarlyPeakBefore and late-peak
// otherwise. With one group it is low-rate. Groups are in output order
// (ascending mean count), so the first is low-rate and the last high-rate.
func LabelByShape(f *trajectory.Fitted) {
	k := len(f.Groups)
	for j := range f.Groups {
		g := &f.Groups[j]
		switch {
		case j == 0:
			g.Label = LowRate
		case j == k-1:
			g.Label = HighRate
		case g.PeakAge() < EarlyPeakBefore():
			g.Label = EarlyPeak
		default:
			g.Label = LatePeak
		}
	}
}

// studyPersons gives the person variables the table needs.
type studyPersons struct {
	female  func(id string) (bool, bool)
	ageTHB  func(id string) (float64, bool)
	missing []string
}

func newStudyPersons(t *careersio.PersonTable) *studyPersons {
	sp := &studyPersons{
		female: func(string) (bool, bool) { return false, false },
		ageTHB: func(string) (float64, bool) { return 0, false },
	}
	if t == nil {
		sp.missing = []string{"the person file"}
		return sp
	}
	if sex := t.Column("sex"); sex != nil && !sex.Numeric {
		sp.female = func(id string) (bool, bool) {
			r := t.Row(id)
			if r < 0 || sex.Codes[r] < 0 {
				return false, false
			}
			l := strings.ToLower(sex.Levels[sex.Codes[r]])
			return l == "female" || l == "f" || l == "woman", true
		}
	} else {
		sp.missing = append(sp.missing, "sex")
	}
	if a := t.Column("age_first_thb"); a != nil && a.Numeric {
		sp.ageTHB = func(id string) (float64, bool) {
			r := t.Row(id)
			if r < 0 || math.IsNaN(a.Values[r]) {
				return 0, false
			}
			return a.Values[r], true
		}
	} else {
		sp.missing = append(sp.missing, "age_first_thb")
	}
	return sp
}

// ReproductionTable compares a labelled fit with the published figures of
// the study (Figures). careers are the full careers (every observed age,
// not only the modelled window): cases before and after the first
// trafficking offence are counted over the whole follow-up. persons must
// have the columns sex (female/male) and age_first_thb; rows that need a
// missing column are NaN. The definitions are those of data/nl630/README.md:
// cases at the age of the first THB offence count as neither before nor
// after it; per-group rows use the persons assigned to the group.
func ReproductionTable(f *trajectory.Fitted, careers *trajectory.Careers, persons *careersio.PersonTable) []results.ReproRow {
	sp := newStudyPersons(persons)
	byLabel := map[string]int{}
	for j, g := range f.Groups {
		if _, dup := byLabel[g.Label]; !dup {
			byLabel[g.Label] = j
		}
	}
	var rows []results.ReproRow
	// add compares v (a share for a figure in percent) with figure id.
	add := func(row, id string, v float64) {
		fig := Lookup(id)
		if fig.Unit == "%" {
			v *= 100
		}
		rows = append(rows, results.ReproRow{Row: row, Published: fig.Published, Reproduced: v, Tolerance: fig.Tolerance(),
			OK: fig.Within(v), Unit: fig.Unit})
	}
	for _, l := range Labels {
		v := math.NaN()
		if j, ok := byLabel[l]; ok {
			v = f.Groups[j].Share
		}
		add("share of the "+l+" group", "share-"+l, v)
	}
	for _, l := range []string{EarlyPeak, LatePeak} {
		v := math.NaN()
		if j, ok := byLabel[l]; ok {
			v = float64(f.Groups[j].PeakAge())
		}
		add("peak age of the "+l+" group", l+"-peak-age", v)
	}

	// Per person: cases before, at and after the first THB offence, and the
	// age of the first case, over the whole follow-up.
	type career struct {
		before, after, firstCase int
		ok                       bool
	}
	careerOf := map[string]career{}
	for i, id := range careers.IDs {
		a, ok := sp.ageTHB(id)
		cr := career{firstCase: -1, ok: ok}
		careers.Cells(i, func(x trajectory.Cell) {
			if x.Y == 0 {
				return
			}
			if cr.firstCase < 0 {
				cr.firstCase = x.Age
			}
			if ok && float64(x.Age) < a {
				cr.before += x.Y
			} else if ok && float64(x.Age) > a {
				cr.after += x.Y
			}
		})
		careerOf[id] = cr
	}

	// The low-rate group: the persons assigned to it.
	var lowIDs []string
	if j, ok := byLabel[LowRate]; ok {
		for i, g := range f.Assigned {
			if g == j+1 {
				lowIDs = append(lowIDs, f.IDs[i])
			}
		}
	}
	meanOf := func(ids []string, v func(id string) (float64, bool)) float64 {
		var s float64
		n := 0
		for _, id := range ids {
			if x, ok := v(id); ok {
				s += x
				n++
			}
		}
		if n == 0 {
			return math.NaN()
		}
		return s / float64(n)
	}
	b01 := func(b bool) float64 {
		if b {
			return 1
		}
		return 0
	}
	add("low-rate group: women", "low-rate-female", meanOf(lowIDs, func(id string) (float64, bool) {
		fem, ok := sp.female(id)
		return b01(fem), ok
	}))
	add("low-rate group: mean age at the first trafficking offence", "low-rate-mean-age-first-thb", meanOf(lowIDs, sp.ageTHB))
	add("low-rate group: the trafficking case is the first case", "low-rate-thb-first-case", meanOf(lowIDs, func(id string) (float64, bool) {
		c := careerOf[id]
		return b01(c.before == 0), c.ok
	}))
	add("low-rate group: no case after the trafficking offence in follow-up", "low-rate-none-after", meanOf(lowIDs, func(id string) (float64, bool) {
		c := careerOf[id]
		return b01(c.after == 0), c.ok
	}))

	all := careers.IDs
	add("all: first offence as a minor", "first-offence-minor", meanOf(all, func(id string) (float64, bool) {
		c := careerOf[id]
		return b01(c.firstCase >= 0 && c.firstCase < 18), c.firstCase >= 0
	}))
	add("all: first trafficking offence as an adult", "first-thb-adult", meanOf(all, func(id string) (float64, bool) {
		a, ok := sp.ageTHB(id)
		return b01(a >= 18), ok
	}))
	add("all: younger than 25 at the first trafficking offence (of all offenders)", "first-thb-under-25", meanOf(all, func(id string) (float64, bool) {
		a, ok := sp.ageTHB(id)
		return b01(a < 25), ok
	}))
	var adults []string
	for _, id := range all {
		if a, ok := sp.ageTHB(id); ok && a >= 18 {
			adults = append(adults, id)
		}
	}
	add("all: younger than 25 at the first trafficking offence (of the adult offenders)", "first-thb-under-25-adults", meanOf(adults, func(id string) (float64, bool) {
		a, ok := sp.ageTHB(id)
		return b01(a < 25), ok
	}))
	for j := range rows {
		if math.IsNaN(rows[j].Reproduced) {
			rows[j].OK = false
		}
	}
	return rows
}

// MissingColumns names the person-file columns the reproduction table
// needs but the table lacks.
func MissingColumns(t *careersio.PersonTable) []string { return newStudyPersons(t).missing }
