package data_test

import (
	"math"
	"strconv"
	"strings"
)

// A figure is one published figure and how the cohort's value is computed
// from the files. A figure with a target passes within tol of it; one
// without (NaN) passes its check, a qualitative statement.
type figure struct {
	id        string
	what      string // what is computed, in the README's words
	published string
	source    string // reference labels defined in nl630/README.md, and confidence
	target    float64
	tol       float64
	unit      string // "%", "years", "cases", "age"
	value     func(co *cohort) float64
	check     func(co *cohort, v float64) bool
	checkText string
}

func (f figure) format(v float64) string {
	switch f.unit {
	case "%":
		return strconv.FormatFloat(v, 'f', 1, 64) + "%"
	case "years", "cases":
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

func (f figure) pass(co *cohort, v float64) bool {
	if f.check != nil {
		return f.check(co, v)
	}
	return math.Abs(v-f.target) <= f.tol
}

// criterion is the README's text for how the figure is checked.
func (f figure) criterion() string {
	if f.check != nil {
		return f.checkText
	}
	if f.tol == 0 {
		return "exact"
	}
	switch f.unit {
	case "%":
		return "±" + strconv.FormatFloat(f.tol, 'f', -1, 64) + " points"
	case "years":
		return "±" + strconv.FormatFloat(f.tol, 'f', -1, 64) + " years"
	case "cases":
		return "±" + strconv.FormatFloat(f.tol, 'f', -1, 64) + " cases"
	}
	return "exact"
}

// row is the figure's line in the README table.
func (f figure) row(co *cohort) string {
	return "| `" + f.id + "` | " + f.what + " | " + f.published + " | " + f.source + " | " + f.format(f.value(co)) + " | " + f.criterion() + " |"
}

const (
	pct   = "%"
	years = "years"
	cases = "cases"
)

var none = math.NaN()

// figures are the rows of the table in nl630/README.md, in order.
var figures = []figure{
	// The sample.
	{"persons", "persons (rows of persons.csv and truth.csv, careers)", "630", "[NRM 2024] A", 630, 0, "", func(co *cohort) float64 { return float64(co.n) }, nil, ""},
	{"index-years", "`index_thb_year` within 2008-2017", "THB case registered 2008-2017", "[letter] D", 100, 0, pct, func(co *cohort) float64 {
		y := co.mustInts("index_thb_year")
		return co.share("", func(i int) bool { return y[i] >= 2008 && y[i] <= 2017 }, nil)
	}, nil, ""},
	{"share-low-rate", "`group` = low-rate in truth.csv", "36%", "[letter] D", 36, 5, pct, groupShare("low-rate"), nil, ""},
	{"share-early-peak", "`group` = early-peak", "28%", "[letter] D", 28, 5, pct, groupShare("early-peak"), nil, ""},
	{"share-late-peak", "`group` = late-peak", "21%", "[letter] D", 21, 5, pct, groupShare("late-peak"), nil, ""},
	{"share-high-rate", "`group` = high-rate", "15%", "[letter] D", 15, 5, pct, groupShare("high-rate"), nil, ""},

	// Whole sample: careers.
	{"first-offence-minor", "first age with `y` > 0 is below 18", "65%", "[letter] D", 65, 5, pct, func(co *cohort) float64 {
		return co.share("", func(i int) bool { return co.firstCase[i] < 18 }, nil)
	}, nil, ""},
	{"first-thb-adult", "`age_first_thb` ≥ 18", "94%", "[letter] D", 94, 5, pct, func(co *cohort) float64 {
		return co.share("", func(i int) bool { return co.aT[i] >= 18 }, nil)
	}, nil, ""},
	{"first-thb-under-25", "`age_first_thb` < 25, of all persons", "52%", "[NRM 2024] A; [letter] D", 52, 5, pct, func(co *cohort) float64 {
		return co.share("", func(i int) bool { return co.aT[i] < 25 }, nil)
	}, nil, ""},
	{"first-thb-under-25-adults", "`age_first_thb` < 25, of those with `age_first_thb` ≥ 18 (the letter's other reading)", "52%", "[letter] D", none, 0, pct, func(co *cohort) float64 {
		return co.share("", func(i int) bool { return co.aT[i] < 25 }, func(i int) bool { return co.aT[i] >= 18 })
	}, func(*cohort, float64) bool { return true }, "reported only"},
	{"first-thb-18-24", "18 ≤ `age_first_thb` ≤ 24", "almost half (52% − 6% minors)", "[WTJ] C", 46, 5, pct, func(co *cohort) float64 {
		return co.share("", func(i int) bool { return co.aT[i] >= 18 && co.aT[i] < 25 }, nil)
	}, nil, ""},
	{"mean-age-first-thb", "mean of `age_first_thb`", "27", "[WTJ] C", 27, 2, years, func(co *cohort) float64 {
		return co.mean("", func(i int) float64 { return float64(co.aT[i]) })
	}, nil, ""},
	{"mean-cases-before", "mean of the cases at ages below `age_first_thb`", "8 other cases on average", "[WTJ] C", 8, 1.5, cases, func(co *cohort) float64 {
		return co.mean("", func(i int) float64 { return float64(co.before[i]) })
	}, nil, ""},
	{"before-and-after", "a case at an age below and one at an age above `age_first_thb`", "many offend both before and after THB", "[NRM 2024] A; [EN 2025] A", none, 0, pct, func(co *cohort) float64 {
		return co.share("", func(i int) bool { return co.before[i] > 0 && co.after[i] > 0 }, nil)
	}, func(co *cohort, v float64) bool { return v >= 50 }, "at least 50%"},
	{"most-cases-before", "largest number of cases at ages below `age_first_thb`", "some had dozens of cases before THB", "[KRO-NCRV] A", none, 0, "", func(co *cohort) float64 {
		m := 0
		for _, v := range co.before {
			m = max(m, v)
		}
		return float64(m)
	}, func(co *cohort, v float64) bool { return v >= 24 }, "at least 24"},
	{"repeat-thb", "`repeat_thb` = 1 (`thb_cases` ≥ 2)", "24%", "[NRM 2024] A; [NJB] A", 24, 5, pct, func(co *cohort) float64 {
		return co.share("", co.is("repeat_thb"), nil)
	}, nil, ""},

	// Whole sample: person variables.
	{"male", "`sex` = male", "88%", "[WTJ] C; [KWW 2023] A (the 658)", 88, 5, pct, func(co *cohort) float64 {
		return co.share("", func(i int) bool { return co.col["sex"][i] == "male" }, nil)
	}, nil, ""},
	{"migration-background", "`migration_background` = 1", "about three quarters; 73% non-Dutch origin", "[WTJ] C; [GeenStijl] C", 73, 5, pct, column("migration_background"), nil, ""},
	{"born-traditional", "`born_traditional_migration_country` = 1", "21%", "[GeenStijl] C", 21, 5, pct, column("born_traditional_migration_country"), nil, ""},
	{"criminal-family", "`criminal_family` = 1", "89%", "[NRM 2024] A", 89, 5, pct, column("criminal_family"), nil, ""},
	{"starting-qualification", "`starting_qualification` = 1", "30%", "[NRM 2024] A", 30, 5, pct, column("starting_qualification"), nil, ""},
	{"one-parent", "`one_parent_household` = 1", "68%", "[WTJ] C", 68, 5, pct, column("one_parent_household"), nil, ""},
	{"victimisation", "`victimisation` = 1", "74%", "[NRM June 2024] A", 74, 5, pct, column("victimisation"), nil, ""},
	{"lvb", "`lvb` = 1", "3.6 times the non-offenders' rate, 1.6 times the other offenders' (no level published)", "[NRM June 2024] A", none, 0, pct, column("lvb"),
		func(*cohort, float64) bool { return true }, "reported only (an assumption)"},

	// Low-rate group.
	{"low-rate-female", "`sex` = female, low-rate", "24%", "[letter] D", 24, 5, pct, func(co *cohort) float64 {
		return co.share("low-rate", func(i int) bool { return co.col["sex"][i] == "female" }, nil)
	}, nil, ""},
	{"low-rate-mean-age-first-thb", "mean of `age_first_thb`, low-rate", "30.4", "[letter] D", 30.4, 2, years, func(co *cohort) float64 {
		return co.mean("low-rate", func(i int) float64 { return float64(co.aT[i]) })
	}, nil, ""},
	{"low-rate-thb-first-case", "no case at an age below `age_first_thb`, low-rate", "29%", "[letter] D", 29, 5, pct, func(co *cohort) float64 {
		return co.share("low-rate", func(i int) bool { return co.before[i] == 0 }, nil)
	}, nil, ""},
	{"low-rate-at-most-2-before", "at most 2 cases at ages below `age_first_thb`, of the low-rate persons with any", "a large part had only 2 other cases before", "[letter] D", none, 0, pct, func(co *cohort) float64 {
		return co.share("low-rate", func(i int) bool { return co.before[i] <= 2 }, func(i int) bool { return co.before[i] > 0 })
	}, func(co *cohort, v float64) bool { return v > 50 }, "above 50%"},
	{"low-rate-none-after", "no case at an age above `age_first_thb` in the follow-up, low-rate", "about half stop offending after THB", "[letter] D", 50, 5, pct, func(co *cohort) float64 {
		return co.share("low-rate", func(i int) bool { return co.after[i] == 0 }, nil)
	}, nil, ""},
	{"low-rate-thb-cases", "low-rate share of all THB cases (sum of `thb_cases`)", "more than a quarter of all THB cases", "[letter] D", none, 0, pct, func(co *cohort) float64 {
		thb := co.mustInts("thb_cases")
		var all, low int
		for i, v := range thb {
			all += v
			if co.group[i] == "low-rate" {
				low += v
			}
		}
		return 100 * float64(low) / float64(all)
	}, func(co *cohort, v float64) bool { return v > 25 }, "above 25%"},
	{"low-rate-criminal-family", "`criminal_family` = 1, low-rate", "fewer risk factors, e.g. less often a criminal social environment", "[letter] D", none, 0, pct, func(co *cohort) float64 {
		return co.share("low-rate", co.is("criminal_family"), nil)
	}, func(co *cohort, v float64) bool {
		return extreme(func(g string) float64 { return co.share(g, co.is("criminal_family"), nil) }, "low-rate", true)
	}, "lowest of the groups"},

	// Early-peak and late-peak groups.
	{"early-peak-peak-age", "age of the highest mean `y`, early-peak (ages with ≥ 20 of them observed)", "peak between 15 and 22", "[letter] D", none, 0, "age", func(co *cohort) float64 { return co.peakAge("early-peak") },
		func(co *cohort, v float64) bool { return v >= 15 && v <= 22 }, "15-22"},
	{"early-peak-qualification", "`starting_qualification` = 1, early-peak", "only a fifth", "[letter] D", 20, 5, pct, func(co *cohort) float64 {
		return co.share("early-peak", co.is("starting_qualification"), nil)
	}, nil, ""},
	{"late-peak-peak-age", "age of the highest mean `y`, late-peak (ages with ≥ 20 of them observed)", "peak between 22 and 33", "[letter] D", none, 0, "age", func(co *cohort) float64 { return co.peakAge("late-peak") },
		func(co *cohort, v float64) bool { return v >= 22 && v <= 33 }, "22-33"},
	{"late-peak-benefits", "`benefits_or_no_income_at_thb` = 1, late-peak", "a large part on benefits or without income at THB", "[letter] D", none, 0, pct, func(co *cohort) float64 {
		return co.share("late-peak", co.is("benefits_or_no_income_at_thb"), nil)
	}, func(co *cohort, v float64) bool { return v > 50 }, "above 50%"},

	// High-rate group.
	{"high-rate-rate-before", "cases per observed year at ages below `age_first_thb`, high-rate", "offend most often, before and after THB", "[letter] D", none, 0, cases, func(co *cohort) float64 { return co.perYear("high-rate", false) },
		func(co *cohort, v float64) bool {
			return extreme(func(g string) float64 { return co.perYear(g, false) }, "high-rate", false)
		}, "highest of the groups"},
	{"high-rate-rate-after", "cases per observed year at ages above `age_first_thb`, high-rate", "offend most often, before and after THB", "[letter] D", none, 0, cases, func(co *cohort) float64 { return co.perYear("high-rate", true) },
		func(co *cohort, v float64) bool {
			return extreme(func(g string) float64 { return co.perYear(g, true) }, "high-rate", false)
		}, "highest of the groups"},
	{"high-rate-offence-types", "mean of `offence_types`, high-rate", "the most types of offences", "[letter] D", none, 0, cases, func(co *cohort) float64 { return meanColumn(co, "high-rate", "offence_types") },
		func(co *cohort, v float64) bool {
			return extreme(func(g string) float64 { return meanColumn(co, g, "offence_types") }, "high-rate", false)
		}, "highest of the groups"},
	{"high-rate-one-parent", "`one_parent_household` = 1, high-rate", "highest on an unstable, complex family", "[letter] D", none, 0, pct, func(co *cohort) float64 {
		return co.share("high-rate", co.is("one_parent_household"), nil)
	}, func(co *cohort, v float64) bool {
		return extreme(func(g string) float64 { return co.share(g, co.is("one_parent_household"), nil) }, "high-rate", false)
	}, "highest of the groups"},
	{"high-rate-qualification", "`starting_qualification` = 1, high-rate", "highest on having no starting qualification", "[letter] D", none, 0, pct, func(co *cohort) float64 {
		return co.share("high-rate", co.is("starting_qualification"), nil)
	}, func(co *cohort, v float64) bool {
		return extreme(func(g string) float64 { return co.share(g, co.is("starting_qualification"), nil) }, "high-rate", true)
	}, "lowest of the groups"},
	{"high-rate-criminal-family", "`criminal_family` = 1, high-rate", "highest on a criminal social environment", "[letter] D", none, 0, pct, func(co *cohort) float64 {
		return co.share("high-rate", co.is("criminal_family"), nil)
	}, func(co *cohort, v float64) bool {
		return extreme(func(g string) float64 { return co.share(g, co.is("criminal_family"), nil) }, "high-rate", false)
	}, "highest of the groups"},

	// Related publications: other samples of the same offenders.
	{"mean-age-first-thb-658", "mean of `age_first_thb`", "27.6 (the 658 domestic traffickers of 2008-2017)", "[KWW 2023] A", 27.6, 2, years, func(co *cohort) float64 {
		return co.mean("", func(i int) float64 { return float64(co.aT[i]) })
	}, nil, ""},
	{"born-in-nl-658", "`born_abroad` = 0", "64.4% (the 658)", "[KWW 2023] A", 64.4, 5, pct, func(co *cohort) float64 {
		return 100 - co.share("", co.is("born_abroad"), nil)
	}, nil, ""},
	{"any-case-2y", "a case at an age 1-2 years above `age_first_thb` (every follow-up runs 5 years or more past it)", "36% (general recidivism, offenders of 2017-2021)", "[Monitor 2017-2021] A", 36, 5, pct, anyCaseWithin(2), nil, ""},
	{"any-case-5y", "the same within 5 years", "58%", "[Monitor 2017-2021] A", 58, 5, pct, anyCaseWithin(5), nil, ""},
	{"any-case-7y", "the same within 7 years, of those with `index_thb_year` ≤ 2015", "65%", "[Monitor 2017-2021] A", 65, 5, pct, anyCaseWithin(7), nil, ""},
	{"thb-again-5y", "`age_next_thb` ≤ `age_first_thb` + 5", "9% commit THB again within 5 years", "[letter] D; [Monitor 2017-2021] A", 9, 5, pct, func(co *cohort) float64 {
		next := co.mustInts("age_next_thb")
		return co.share("", func(i int) bool { return next[i] > 0 && next[i] <= co.aT[i]+5 }, nil)
	}, nil, ""},
	{"first-thb-under-23", "`age_first_thb` < 23", "one third under 23 (offenders of 2015-2019 and 2017-2021)", "[Monitor 2015-2019] A; [Monitor 2017-2021] A", 33.3, 5, pct, func(co *cohort) float64 {
		return co.share("", func(i int) bool { return co.aT[i] < 23 }, nil)
	}, nil, ""},
}

func groupShare(g string) func(*cohort) float64 {
	return func(co *cohort) float64 {
		return co.share("", func(i int) bool { return co.group[i] == g }, nil)
	}
}

func column(name string) func(*cohort) float64 {
	return func(co *cohort) float64 { return co.share("", co.is(name), nil) }
}

func meanColumn(co *cohort, g, name string) float64 {
	v := co.mustInts(name)
	return co.mean(g, func(i int) float64 { return float64(v[i]) })
}

// anyCaseWithin returns the share with a case at an age 1..k years above
// the age of the first THB offence, among the persons followed that long
// (index_thb_year + k ≤ 2022).
func anyCaseWithin(k int) func(*cohort) float64 {
	return func(co *cohort) float64 {
		year := co.mustInts("index_thb_year")
		return co.share("", func(i int) bool { return co.casesWithin(i, k) }, func(i int) bool { return year[i]+k <= 2022 })
	}
}

// observedLine is the README's line on how many persons are observed at
// older ages.
func observedLine(co *cohort) string {
	obs := co.c.ObservedByAge()
	ages := []int{30, 35, 40, 45, 50, 55, 60, 65}
	var a, n []string
	for _, age := range ages {
		a = append(a, strconv.Itoa(age))
		n = append(n, strconv.Itoa(obs[age-co.c.MinAge]))
	}
	return "Persons observed at ages " + strings.Join(a, ", ") + ": " + strings.Join(n, ", ") + "."
}

// table returns the README table of the figures.
func table(co *cohort) string {
	var b strings.Builder
	b.WriteString("| id | computed from the files | published | source, confidence | synthetic | target |\n")
	b.WriteString("| --- | --- | --- | --- | --- | --- |\n")
	for _, f := range figures {
		b.WriteString(f.row(co) + "\n")
	}
	return b.String()
}
