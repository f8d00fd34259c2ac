package trajectory

import (
	"fmt"
	"math"
	"strings"
)

// Group labels of the 630-offender study (Nationaal Rapporteur 2024).
const (
	LabelLowRate   = "low-rate"
	LabelEarlyPeak = "early-peak"
	LabelLatePeak  = "late-peak"
	LabelHighRate  = "high-rate"
)

// EarlyPeakBefore is the peak age below which a middle group is labelled
// early-peak: the study's windows are 15-22 (early) and 22-33 (late).
const EarlyPeakBefore = 22

// StudyWindowShare is the share of persons that must still be observed at
// the oldest modelled age.
const StudyWindowShare = 0.25

// StudyWindow returns the age window the reproduction models: from the
// youngest age to the oldest age at which at least a quarter of the
// persons are still observed. A polynomial fitted through the few long
// careers beyond it explodes (the note on the study, §6: with ages up to
// 65 the early-peak cubic reaches thousands of cases a year), and a curve
// beyond the data's support is an artefact, not a finding.
func StudyWindow(c *Careers) (lo, hi int) {
	obs := c.ObservedByAge()
	need := int(math.Ceil(StudyWindowShare * float64(c.Len())))
	first, last := -1, -1
	for t, n := range obs {
		if n >= need {
			if first < 0 {
				first = t
			}
			last = t
		}
	}
	if first < 0 {
		return c.MinAge, c.MaxAge()
	}
	return c.MinAge + first, c.MinAge + last
}

// PeakAge returns the age at which the group's expected count is highest
// within the modelled window.
func (g *Group) PeakAge() int {
	best := 0
	for t, p := range g.Curve {
		if p.Mean > g.Curve[best].Mean {
			best = t
		}
	}
	return g.Curve[best].Age
}

// LabelByShape names each group by the shape of its curve, the rule of the
// reproduction: the group with the lowest mean expected count over the
// window is low-rate, the one with the highest high-rate, and each other
// group early-peak if its curve peaks before age 22 and late-peak
// otherwise. With one group it is low-rate. Groups are in output order
// (ascending mean count), so the first is low-rate and the last high-rate.
func LabelByShape(f *Fitted) {
	k := len(f.Groups)
	for j := range f.Groups {
		g := &f.Groups[j]
		switch {
		case j == 0:
			g.Label = LabelLowRate
		case j == k-1:
			g.Label = LabelHighRate
		case g.PeakAge() < EarlyPeakBefore:
			g.Label = LabelEarlyPeak
		default:
			g.Label = LabelLatePeak
		}
	}
}

// ReproRow is one row of the published-versus-reproduced table.
type ReproRow struct {
	Row       string
	Published string
	// Reproduced is the value from the data; NaN when it cannot be
	// computed (a column or a group is missing).
	Reproduced float64
	Tolerance  string
	// OK is whether Reproduced is within the tolerance; false when NaN.
	OK bool
	// Unit is "%", "years" or "age".
	Unit string
}

// studyPersons gives the person variables the table needs.
type studyPersons struct {
	female  func(id string) (bool, bool)
	ageTHB  func(id string) (float64, bool)
	missing []string
}

func newStudyPersons(t *PersonTable) *studyPersons {
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
// the 630-offender study. careers are the full careers (every observed age,
// not only the modelled window): cases before and after the first
// trafficking offence are counted over the whole follow-up. persons must
// have the columns sex (female/male) and age_first_thb; rows that need a
// missing column are NaN. The definitions are those of data/nl630/README.md:
// cases at the age of the first THB offence count as neither before nor
// after it; per-group rows use the persons assigned to the group.
func ReproductionTable(f *Fitted, careers *Careers, persons *PersonTable) []ReproRow {
	sp := newStudyPersons(persons)
	byLabel := map[string]int{}
	for j, g := range f.Groups {
		if _, dup := byLabel[g.Label]; !dup {
			byLabel[g.Label] = j
		}
	}
	pct := func(row, published string, target, value float64) ReproRow {
		r := ReproRow{Row: row, Published: published, Reproduced: 100 * value, Tolerance: "±5 points", Unit: "%"}
		r.OK = math.Abs(r.Reproduced-target) <= 5
		return r
	}
	var rows []ReproRow
	shares := []struct {
		label string
		pub   float64
	}{{LabelLowRate, 36}, {LabelEarlyPeak, 28}, {LabelLatePeak, 21}, {LabelHighRate, 15}}
	for _, s := range shares {
		v := math.NaN()
		if j, ok := byLabel[s.label]; ok {
			v = f.Groups[j].Share
		}
		rows = append(rows, pct("share of the "+s.label+" group", fmt.Sprintf("%.0f%%", s.pub), s.pub, v))
	}
	for _, p := range []struct {
		label  string
		lo, hi int
	}{{LabelEarlyPeak, 15, 22}, {LabelLatePeak, 22, 33}} {
		r := ReproRow{Row: "peak age of the " + p.label + " group", Published: fmt.Sprintf("%d-%d", p.lo, p.hi),
			Reproduced: math.NaN(), Tolerance: fmt.Sprintf("within %d-%d", p.lo, p.hi), Unit: "age"}
		if j, ok := byLabel[p.label]; ok {
			a := f.Groups[j].PeakAge()
			r.Reproduced = float64(a)
			r.OK = a >= p.lo && a <= p.hi
		}
		rows = append(rows, r)
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
		careers.Cells(i, func(x Cell) {
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
	if j, ok := byLabel[LabelLowRate]; ok {
		for i, g := range f.Assigned {
			if g == j {
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
	rows = append(rows, pct("low-rate group: women", "24%", 24, meanOf(lowIDs, func(id string) (float64, bool) {
		fem, ok := sp.female(id)
		return b01(fem), ok
	})))
	r := ReproRow{Row: "low-rate group: mean age at the first trafficking offence", Published: "30.4", Tolerance: "±2 years", Unit: "years",
		Reproduced: meanOf(lowIDs, sp.ageTHB)}
	r.OK = math.Abs(r.Reproduced-30.4) <= 2
	rows = append(rows, r)
	rows = append(rows, pct("low-rate group: the trafficking case is the first case", "29%", 29, meanOf(lowIDs, func(id string) (float64, bool) {
		c := careerOf[id]
		return b01(c.before == 0), c.ok
	})))
	rows = append(rows, pct("low-rate group: no case after the trafficking offence in follow-up", "about half", 50, meanOf(lowIDs, func(id string) (float64, bool) {
		c := careerOf[id]
		return b01(c.after == 0), c.ok
	})))

	all := careers.IDs
	rows = append(rows, pct("all: first offence as a minor", "65%", 65, meanOf(all, func(id string) (float64, bool) {
		c := careerOf[id]
		return b01(c.firstCase >= 0 && c.firstCase < 18), c.firstCase >= 0
	})))
	rows = append(rows, pct("all: first trafficking offence as an adult", "94%", 94, meanOf(all, func(id string) (float64, bool) {
		a, ok := sp.ageTHB(id)
		return b01(a >= 18), ok
	})))
	rows = append(rows, pct("all: younger than 25 at the first trafficking offence (of all offenders)", "52%", 52, meanOf(all, func(id string) (float64, bool) {
		a, ok := sp.ageTHB(id)
		return b01(a < 25), ok
	})))
	var adults []string
	for _, id := range all {
		if a, ok := sp.ageTHB(id); ok && a >= 18 {
			adults = append(adults, id)
		}
	}
	rows = append(rows, pct("all: younger than 25 at the first trafficking offence (of the adult offenders)", "52%", 52, meanOf(adults, func(id string) (float64, bool) {
		a, ok := sp.ageTHB(id)
		return b01(a < 25), ok
	})))
	for j := range rows {
		if math.IsNaN(rows[j].Reproduced) {
			rows[j].OK = false
		}
	}
	return rows
}

// MissingStudyColumns names the person-file columns the reproduction table
// needs but the table lacks.
func MissingStudyColumns(t *PersonTable) []string { return newStudyPersons(t).missing }
