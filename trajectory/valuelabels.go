package trajectory

import (
	"strconv"
	"strings"
)

// How tables name the levels of categorical variables that have value
// labels (a Stata or SPSS person file's): by the code and the label in
// brackets, wherever a level is shown. The identifiers (RiskDesign.Names,
// profiles.csv's level) stay the codes.

// LevelName is how a table names a level of a categorical variable: the
// level (the code as the person file writes it) and, when the variable
// has a value label for it, the label in brackets, so that the code stays
// in sight and nothing is ambiguous:
//
//	LevelName("2", "female") = "2 (female)"
//	LevelName("2", "")       = "2"
//
// A label that is blank, or the level itself, adds nothing.
func LevelName(level, label string) string {
	label = strings.TrimSpace(label)
	if label == "" || label == level {
		return level
	}
	return level + " (" + label + ")"
}

// CategoryName is how a table names category c (0-based) of an mlogit
// distal outcome: as LevelName writes it, with its value label.
func (d *Distal) CategoryName(c int) string {
	return LevelName(d.Categories[c], d.CategoryLabels[d.Categories[c]])
}

// ValueLabel returns the value label of a level of variable, "" when it
// has none (and for a nil design).
func (d *RiskDesign) ValueLabel(variable, level string) string {
	if d == nil {
		return ""
	}
	return d.ValueLabels[variable][level]
}

// CovariateName is how a table names covariate name (one of Names, or
// "(intercept)"): the name itself, and for the indicator of a labelled
// level, "variable=level (label)" as LevelName writes the level.
func (d *RiskDesign) CovariateName(name string) string {
	if d == nil || len(d.ValueLabels) == 0 {
		return name
	}
	for _, v := range d.Variables {
		if level, ok := strings.CutPrefix(name, v+"="); ok {
			if l := d.ValueLabel(v, level); l != "" {
				return v + "=" + LevelName(level, l)
			}
		}
	}
	return name
}

// BaseName is how a table names the base level of categorical variable
// v: quoted, with its value label after it as LevelName writes it
// (`"1" (male)`); "" for a numeric variable or one whose base the design
// does not record.
func (d *RiskDesign) BaseName(v int) string {
	if v >= len(d.BaseLevels) || d.BaseLevels[v] == "" {
		return ""
	}
	level := d.BaseLevels[v]
	name := LevelName(level, d.ValueLabel(d.Variables[v], level))
	return strconv.Quote(level) + name[len(level):]
}
