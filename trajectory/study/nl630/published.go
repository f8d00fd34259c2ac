package nl630

import (
	"fmt"
	"math"
	"strconv"
)

// Figure is a published figure of the study (data/nl630/README.md lists
// each with its sources): what was published, and the range a value
// computed from data must fall in to reproduce it.
type Figure struct {
	// ID names the figure (data/nl630/README.md's first column).
	ID string
	// Published is the figure as published.
	Published string
	// Source names the references of data/nl630/README.md and the
	// confidence in them (A to D, as in the study note).
	Source string
	// Unit is "%" (Target and Tol in percentage points), "years",
	// "cases", "age" or "" (a count).
	Unit string
	// A value reproduces the figure when it is within Tol of Target, or,
	// for a range of ages (Unit "age"), within Lo..Hi. Target is NaN for a
	// figure published only in words.
	Target, Tol float64
	Lo, Hi      int
}

// Within reports whether v reproduces the figure; never for NaN or for a
// figure published only in words.
func (f Figure) Within(v float64) bool {
	if f.Hi > 0 {
		return v >= float64(f.Lo) && v <= float64(f.Hi)
	}
	return math.Abs(v-f.Target) <= f.Tol
}

// Tolerance says in words what Within accepts.
func (f Figure) Tolerance() string {
	switch {
	case f.Hi > 0:
		return fmt.Sprintf("within %d-%d", f.Lo, f.Hi)
	case math.IsNaN(f.Target):
		return "none (published in words)"
	case f.Tol == 0:
		return "exact"
	case f.Unit == "%":
		return "±" + strconv.FormatFloat(f.Tol, 'f', -1, 64) + " points"
	}
	return "±" + strconv.FormatFloat(f.Tol, 'f', -1, 64) + " " + f.Unit
}

var none = math.NaN()

// Figures are the study's published figures: the one home of every
// number the cohort is calibrated to and the reproduction is checked
// against. The shares and the peak windows are those of the four-group
// solution (the policy letter of 28 June 2024).
var Figures = []Figure{
	// The sample.
	{"persons", "630", "[NRM 2024] A", "", Persons, 0, 0, 0},
	{"index-years", "THB case registered 2008-2017", "[letter] D", "%", 100, 0, 0, 0},
	{"share-low-rate", "36%", "[letter] D", "%", 36, 5, 0, 0},
	{"share-early-peak", "28%", "[letter] D", "%", 28, 5, 0, 0},
	{"share-late-peak", "21%", "[letter] D", "%", 21, 5, 0, 0},
	{"share-high-rate", "15%", "[letter] D", "%", 15, 5, 0, 0},

	// Whole sample: careers.
	{"first-offence-minor", "65%", "[letter] D", "%", 65, 5, 0, 0},
	{"first-thb-adult", "94%", "[letter] D", "%", 94, 5, 0, 0},
	{"first-thb-under-25", "52%", "[NRM 2024] A; [letter] D", "%", 52, 5, 0, 0},
	{"first-thb-under-25-adults", "52%", "[letter] D", "%", 52, 5, 0, 0},
	{"first-thb-18-24", "almost half (52% − 6% minors)", "[WTJ] C", "%", 46, 5, 0, 0},
	{"mean-age-first-thb", "27", "[WTJ] C", "years", 27, 2, 0, 0},
	{"mean-cases-before", "8 other cases on average", "[WTJ] C", "cases", 8, 1.5, 0, 0},
	{"before-and-after", "many offend both before and after THB", "[NRM 2024] A; [EN 2025] A", "%", none, 0, 0, 0},
	{"most-cases-before", "some had dozens of cases before THB", "[KRO-NCRV] A", "", none, 0, 0, 0},
	{"repeat-thb", "24%", "[NRM 2024] A; [NJB] A", "%", 24, 5, 0, 0},

	// Whole sample: person variables.
	{"male", "88%", "[WTJ] C; [KWW 2023] A (the 658)", "%", 88, 5, 0, 0},
	{"migration-background", "about three quarters; 73% non-Dutch origin", "[WTJ] C; [GeenStijl] C", "%", 73, 5, 0, 0},
	{"born-traditional", "21%", "[GeenStijl] C", "%", 21, 5, 0, 0},
	{"criminal-family", "89%", "[NRM 2024] A", "%", 89, 5, 0, 0},
	{"starting-qualification", "30%", "[NRM 2024] A", "%", 30, 5, 0, 0},
	{"one-parent", "68%", "[WTJ] C", "%", 68, 5, 0, 0},
	{"victimisation", "74%", "[NRM June 2024] A", "%", 74, 5, 0, 0},
	{"lvb", "3.6 times the non-offenders' rate, 1.6 times the other offenders' (no level published)", "[NRM June 2024] A", "%", none, 0, 0, 0},

	// Low-rate group.
	{"low-rate-female", "24%", "[letter] D", "%", 24, 5, 0, 0},
	{"low-rate-mean-age-first-thb", "30.4", "[letter] D", "years", 30.4, 2, 0, 0},
	{"low-rate-thb-first-case", "29%", "[letter] D", "%", 29, 5, 0, 0},
	{"low-rate-at-most-2-before", "a large part had only 2 other cases before", "[letter] D", "%", none, 0, 0, 0},
	{"low-rate-none-after", "about half stop offending after THB", "[letter] D", "%", 50, 5, 0, 0},
	{"low-rate-thb-cases", "more than a quarter of all THB cases", "[letter] D", "%", none, 0, 0, 0},
	{"low-rate-criminal-family", "fewer risk factors, e.g. less often a criminal social environment", "[letter] D", "%", none, 0, 0, 0},

	// Early-peak and late-peak groups.
	{"early-peak-peak-age", "peak between 15 and 22", "[letter] D", "age", none, 0, 15, 22},
	{"early-peak-qualification", "only a fifth", "[letter] D", "%", 20, 5, 0, 0},
	{"late-peak-peak-age", "peak between 22 and 33", "[letter] D", "age", none, 0, 22, 33},
	{"late-peak-benefits", "a large part on benefits or without income at THB", "[letter] D", "%", none, 0, 0, 0},

	// High-rate group.
	{"high-rate-rate-before", "offend most often, before and after THB", "[letter] D", "cases", none, 0, 0, 0},
	{"high-rate-rate-after", "offend most often, before and after THB", "[letter] D", "cases", none, 0, 0, 0},
	{"high-rate-offence-types", "the most types of offences", "[letter] D", "cases", none, 0, 0, 0},
	{"high-rate-one-parent", "highest on an unstable, complex family", "[letter] D", "%", none, 0, 0, 0},
	{"high-rate-qualification", "highest on having no starting qualification", "[letter] D", "%", none, 0, 0, 0},
	{"high-rate-criminal-family", "highest on a criminal social environment", "[letter] D", "%", none, 0, 0, 0},

	// Related publications: other samples of the same offenders.
	{"mean-age-first-thb-658", "27.6 (the 658 domestic traffickers of 2008-2017)", "[KWW 2023] A", "years", 27.6, 2, 0, 0},
	{"born-in-nl-658", "64.4% (the 658)", "[KWW 2023] A", "%", 64.4, 5, 0, 0},
	{"any-case-2y", "36% (general recidivism, offenders of 2017-2021)", "[Monitor 2017-2021] A", "%", 36, 5, 0, 0},
	{"any-case-5y", "58%", "[Monitor 2017-2021] A", "%", 58, 5, 0, 0},
	{"any-case-7y", "65%", "[Monitor 2017-2021] A", "%", 65, 5, 0, 0},
	{"thb-again-5y", "9% commit THB again within 5 years", "[letter] D; [Monitor 2017-2021] A", "%", 9, 5, 0, 0},
	{"first-thb-under-23", "one third under 23 (offenders of 2015-2019 and 2017-2021)", "[Monitor 2015-2019] A; [Monitor 2017-2021] A", "%", 33.3, 5, 0, 0},
}

// Lookup returns the published figure with the given id; it panics for an
// id that is not one, a mistake in the program.
func Lookup(id string) Figure {
	for _, f := range Figures {
		if f.ID == id {
			return f
		}
	}
	panic("nl630: no published figure " + strconv.Quote(id))
}

// The labels of the four groups of the study (the English summary's
// names).
const (
	LowRate   = "low-rate"
	EarlyPeak = "early-peak"
	LatePeak  = "late-peak"
	HighRate  = "high-rate"
)

// Labels are the four groups' labels, in order of ascending offending.
var Labels = []string{LowRate, EarlyPeak, LatePeak, HighRate}

// Share returns the published share of the group with the given label.
func Share(label string) float64 { return Lookup("share-"+label).Target / 100 }

// PeakWindow returns the published window of ages in which the group
// with the given label (early-peak or late-peak) peaks.
func PeakWindow(label string) (lo, hi int) {
	f := Lookup(label + "-peak-age")
	return f.Lo, f.Hi
}
