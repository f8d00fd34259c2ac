package careersio

import (
	"math"
	"strconv"

	"github.com/trajkit/trajkit/trajectory"
)

// ProfileRow is one line of a group profile: a variable (and, for a
// categorical one, a level) in one group.
type ProfileRow struct {
	Variable string
	Level    string // empty for a numeric variable
	// LevelLabel is the level's value label (from a Stata or SPSS file),
	// empty when it has none.
	LevelLabel string
	Group      int // 1-based
	// Label is the group's label (Group.Label).
	Label string
	// NAssigned is the number of persons assigned to the group (maximum
	// posterior) with a value for the variable.
	NAssigned int
	// AssignedMean is the mean among them (for a level, the share having
	// it; for a 0/1 variable, the share with 1). PosteriorMean weights
	// every person with a value by their posterior probability of the
	// group: Σ_i p_ik x_i / Σ_i p_ik. NaN when undefined.
	AssignedMean, PosteriorMean float64
	// Share is whether the values are shares, shown as percentages: the
	// variable is categorical, or has only the values 0 and 1
	// (PersonTable.IsShare). Otherwise they are means.
	Share bool
}

// Name is how a profile table names the row, on the terminal and in the
// report: the variable, and for a categorical one "variable = level",
// the level as trajectory.LevelName writes it ("female = 1 (female)" when
// the level has a value label).
func (r ProfileRow) Name() string {
	if r.Level == "" {
		return r.Variable
	}
	return r.Variable + " = " + trajectory.LevelName(r.Level, r.LevelLabel)
}

// Format writes the row as a group profile table shows it, on the
// terminal and in the report: the value among the assigned persons with
// the posterior-weighted one in brackets, shares as percentages with one
// decimal ("17.8% (17.9%)"), means with one decimal ("29.1 (29.1)"); "-"
// for an undefined value.
func (r ProfileRow) Format() string {
	f := func(x float64) string {
		switch {
		case math.IsNaN(x) || math.IsInf(x, 0):
			return "-"
		case r.Share:
			return trajectory.FormatShare(x)
		}
		return strconv.FormatFloat(x, 'f', 1, 64)
	}
	return f(r.AssignedMean) + " (" + f(r.PosteriorMean) + ")"
}

// Profiles describes each group by every variable of a person table: the
// mean among the persons assigned to the group and the posterior-weighted
// mean (Nagin 2005, ch. 5, on profiling groups), for a fit with its
// per-person fields (a fit read from files needs results.ReadFit). Persons
// without a row count as missing. A fit with sampling weights
// (Fitted.Weights) weights both means by them; NAssigned still counts
// persons.
func Profiles(t *PersonTable, f *trajectory.Fitted) []ProfileRow {
	k, post, assigned := len(f.Groups), f.Posterior, f.Assigned
	rows := make([]int, len(f.IDs))
	for i, id := range f.IDs {
		rows[i] = t.Row(id)
	}
	var out []ProfileRow
	for c := range t.Columns {
		pc := &t.Columns[c]
		share := t.IsShare(pc.Name)
		levels := []string{""}
		var labels map[string]string
		if !pc.Numeric {
			levels, labels = pc.Levels, pc.levelLabels()
		}
		for l, level := range levels {
			for g := 0; g < k; g++ {
				var n int
				var sumA, wA, sumP, wP float64
				for i, r := range rows {
					if r < 0 || pc.missing(r) {
						continue
					}
					x := 0.0
					if pc.Numeric {
						x = pc.Values[r]
					} else if pc.Codes[r] == l {
						x = 1
					}
					v := 1.0
					if f.Weights != nil {
						v = f.Weights[i]
					}
					p := v * post[g][i]
					sumP += p * x
					wP += p
					if assigned[i] == g+1 {
						n++
						sumA += v * x
						wA += v
					}
				}
				row := ProfileRow{Variable: pc.Name, Level: level, LevelLabel: labels[level], Group: g + 1, Label: f.Groups[g].Label, NAssigned: n,
					AssignedMean: math.NaN(), PosteriorMean: math.NaN(), Share: share}
				if n > 0 {
					row.AssignedMean = sumA / wA
				}
				if wP > 0 {
					row.PosteriorMean = sumP / wP
				}
				out = append(out, row)
			}
		}
	}
	return out
}

// IsShare reports whether a variable's profile values are shares: a level
// of a categorical variable, or a numeric variable with only 0 and 1.
func (t *PersonTable) IsShare(variable string) bool {
	pc := t.Column(variable)
	if pc == nil {
		return false
	}
	if !pc.Numeric {
		return true
	}
	for _, v := range pc.Values {
		if !math.IsNaN(v) && v != 0 && v != 1 {
			return false
		}
	}
	return true
}
