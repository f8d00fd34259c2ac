package trajectory

import (
	"fmt"
	"math"
	"strconv"
)

// Name returns the group's name in figures and reports: its label when it
// has one, otherwise "Group k".
func (g *GroupFile) Name() string {
	if g.Label != "" {
		return g.Label
	}
	return "Group " + strconv.Itoa(g.Group)
}

// Legend returns the group's name and estimated share, as in a figure's
// legend: "early-peak 28.1%".
func (g *GroupFile) Legend() string {
	return g.Name() + " " + FormatShare(g.Share)
}

// FormatShare writes a share as a percentage with one decimal: 0.2814
// becomes "28.1%". NaN and infinities become "-".
func FormatShare(s float64) string {
	if math.IsNaN(s) || math.IsInf(s, 0) {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", 100*s)
}
