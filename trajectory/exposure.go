package trajectory

import (
	"math"

	"github.com/trajkit/trajkit/internal/words"
	"github.com/trajkit/trajkit/mixture"
)

// TinyExposureLimit is the exposure below which a year with a positive
// count is reported: the count divided by the time at risk implies an
// absurd rate (the public Toronto data have exposures down to 1e-16 with
// positive counts).
const TinyExposureLimit = 1e-3

// ExposureReport describes cells with a positive count and an exposure
// below a threshold.
type ExposureReport struct {
	// Threshold is the exposure below which a cell is reported.
	Threshold float64
	Cells     int
	// Worst is the cell with the highest implied rate y / e.
	WorstID  string
	WorstAge int
	WorstY   int
	WorstE   float64
}

// TinyExposures reports the cells with a positive count and an exposure
// below threshold.
func (c *Careers) TinyExposures(threshold float64) ExposureReport {
	r := ExposureReport{Threshold: threshold}
	if c.E == nil {
		return r
	}
	worst := -1.0
	for i := 0; i < c.Len(); i++ {
		for k := c.Start[i]; k < c.Start[i+1]; k++ {
			e := c.E[k]
			if c.Y[k] == 0 || e == 0 || e >= threshold {
				continue
			}
			r.Cells++
			if rate := float64(c.Y[k]) / e; rate > worst {
				worst = rate
				r.WorstID, r.WorstAge, r.WorstY, r.WorstE = c.IDs[i], c.MinAge+int(c.Age[k]), int(c.Y[k]), e
			}
		}
	}
	return r
}

// Warning returns the report as a warning of kind TinyExposure; ok is
// false when there is none.
func (r ExposureReport) Warning() (w Warning, ok bool) {
	if r.Cells == 0 {
		return Warning{}, false
	}
	return mixture.Warnf(TinyExposure, nil, "%s %s a positive count with an exposure below %g, which implies an absurd rate (worst: person %q at age %d, count %d with exposure %.3g); %s used as given, as other tools do; a floor on the exposures (Careers.FloorExposure) raises %s",
		words.Count(r.Cells, "year"), words.Choose(r.Cells, "has", "have"), r.Threshold, r.WorstID, r.WorstAge, r.WorstY, r.WorstE,
		words.Choose(r.Cells, "it is", "they are"), words.Choose(r.Cells, "it", "them")), true
}

// FloorExposure returns the careers with every observed exposure below
// min raised to min, and the number of cells changed. c is not changed:
// the result has exposures and constants of its own.
func (c *Careers) FloorExposure(min float64) (*Careers, int) {
	if c.E == nil || !(min > 0) {
		return c, 0
	}
	out := *c
	out.E = append([]float64(nil), c.E...)
	out.Const = append([]float64(nil), c.Const...)
	changed := 0
	for i := 0; i < c.Len(); i++ {
		for k := c.Start[i]; k < c.Start[i+1]; k++ {
			e := c.E[k]
			if e == 0 || e >= min {
				continue
			}
			// Const holds Σ y log e: update it with the exposure.
			if y := float64(c.Y[k]); y > 0 {
				out.Const[i] += y * (math.Log(min) - math.Log(e))
			}
			out.E[k] = min
			changed++
		}
	}
	return &out, changed
}
