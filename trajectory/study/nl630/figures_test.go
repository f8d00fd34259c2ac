package nl630

import (
	"strconv"
	"strings"
)

// A figure is one published figure and how the cohort's value is computed
// from the files. A figure with a target passes within tol of it; one
// without (NaN) passes its check, a qualitative statement.
type figure struct {
	id        string // the published figure (Lookup)
	what      string // what is computed, in the README's words
	value     func(co *cohort) float64
	check     func(co *cohort, v float64) bool
	checkText string
}

func (f figure) format(v float64) string {
	switch Lookup(f.id).Unit {
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
	return Lookup(f.id).Within(v)
}

// criterion is the README's text for how the figure is checked.
func (f figure) criterion() string {
	if f.check != nil {
		return f.checkText
	}
	return Lookup(f.id).Tolerance()
}

// row is the figure's line in the README table.
func (f figure) row(co *cohort) string {
	p := Lookup(f.id)
	return "| `" + f.id + "` | " + f.what + " | " + p.Published + " | " + p.Source + " | " + f.format(f.value(co)) + " | " + f.criterion() + " |"
}

// figures are the rows of the table in nl630/README.md, in order.
var figures = []figure{
	// The sample.
	{"persons", "persons (rows of persons.csv and truth.csv, careers)", func(co *cohort) float64 { return float64(co.n) }, nil, ""},
	{"index-years", "`index_thb_year` within 2008-2017", func(co *cohort) float64 {
		y := co.mustInts("index_thb_year")
		return co.share("", func(i int) bool { return y[i] >= 2008 && y[i] <= 2017 }, nil)
	}, nil, ""},
	{"share-low-rate", "`group` = low-rate in truth.csv", groupShare(LowRate), nil, ""},
	{"share-early-peak", "`group` = early-peak", groupShare(EarlyPeak), nil, ""},
	{"share-late-peak", "`group` = late-peak", groupShare(LatePeak), nil, ""},
	{"share-high-rate", "`group` = high-rate", groupShare(HighRate), nil, ""},

	// Whole sample: careers.
	{"first-offence-minor", "first age with `y` > 0 is below 18", func(co *cohort) float64 {
		return co.share("", func(i int) bool { return co.firstCase[i] < 18 }, nil)
	}, nil, ""},
	{"first-thb-adult", "`age_first_thb` ≥ 18", func(co *cohort) float64 {
		return co.share("", func(i int) bool { return co.aT[i] >= 18 }, nil)
	}, nil, ""},
	{"first-thb-under-25", "`age_first_thb` < 25, of all persons", func(co *cohort) float64 {
		return co.share("", func(i int) bool { return co.aT[i] < 25 }, nil)
	}, nil, ""},
	{"first-thb-under-25-adults", "`age_first_thb` < 25, of those with `age_first_thb` ≥ 18 (the letter's other reading)", func(co *cohort) float64 {
		return co.share("", func(i int) bool { return co.aT[i] < 25 }, func(i int) bool { return co.aT[i] >= 18 })
	}, func(*cohort, float64) bool { return true }, "reported only"},
	{"first-thb-18-24", "18 ≤ `age_first_thb` ≤ 24", func(co *cohort) float64 {
		return co.share("", func(i int) bool { return co.aT[i] >= 18 && co.aT[i] < 25 }, nil)
	}, nil, ""},
	{"mean-age-first-thb", "mean of `age_first_thb`", func(co *cohort) float64 {
		return co.mean("", func(i int) float64 { return float64(co.aT[i]) })
	}, nil, ""},
	{"mean-cases-before", "mean of the cases at ages below `age_first_thb`", func(co *cohort) float64 {
		return co.mean("", func(i int) float64 { return float64(co.before[i]) })
	}, nil, ""},
	{"before-and-after", "a case at an age below and one at an age above `age_first_thb`", func(co *cohort) float64 {
		return co.share("", func(i int) bool { return co.before[i] > 0 && co.after[i] > 0 }, nil)
	}, func(co *cohort, v float64) bool { return v >= 50 }, "at least 50%"},
	{"most-cases-before", "largest number of cases at ages below `age_first_thb`", func(co *cohort) float64 {
		m := 0
		for _, v := range co.before {
			m = max(m, v)
		}
		return float64(m)
	}, func(co *cohort, v float64) bool { return v >= 24 }, "at least 24"},
	{"repeat-thb", "`repeat_thb` = 1 (`thb_cases` ≥ 2)", func(co *cohort) float64 {
		return co.share("", co.is("repeat_thb"), nil)
	}, nil, ""},

	// Whole sample: person variables.
	{"male", "`sex` = male", func(co *cohort) float64 {
		return co.share("", func(i int) bool { return co.col["sex"][i] == "male" }, nil)
	}, nil, ""},
	{"migration-background", "`migration_background` = 1", column("migration_background"), nil, ""},
	{"born-traditional", "`born_traditional_migration_country` = 1", column("born_traditional_migration_country"), nil, ""},
	{"criminal-family", "`criminal_family` = 1", column("criminal_family"), nil, ""},
	{"starting-qualification", "`starting_qualification` = 1", column("starting_qualification"), nil, ""},
	{"one-parent", "`one_parent_household` = 1", column("one_parent_household"), nil, ""},
	{"victimisation", "`victimisation` = 1", column("victimisation"), nil, ""},
	{"lvb", "`lvb` = 1", column("lvb"),
		func(*cohort, float64) bool { return true }, "reported only (an assumption)"},

	// Low-rate group.
	{"low-rate-female", "`sex` = female, low-rate", func(co *cohort) float64 {
		return co.share(LowRate, func(i int) bool { return co.col["sex"][i] == "female" }, nil)
	}, nil, ""},
	{"low-rate-mean-age-first-thb", "mean of `age_first_thb`, low-rate", func(co *cohort) float64 {
		return co.mean(LowRate, func(i int) float64 { return float64(co.aT[i]) })
	}, nil, ""},
	{"low-rate-thb-first-case", "no case at an age below `age_first_thb`, low-rate", func(co *cohort) float64 {
		return co.share(LowRate, func(i int) bool { return co.before[i] == 0 }, nil)
	}, nil, ""},
	{"low-rate-at-most-2-before", "at most 2 cases at ages below `age_first_thb`, of the low-rate persons with any", func(co *cohort) float64 {
		return co.share(LowRate, func(i int) bool { return co.before[i] <= 2 }, func(i int) bool { return co.before[i] > 0 })
	}, func(co *cohort, v float64) bool { return v > 50 }, "above 50%"},
	{"low-rate-none-after", "no case at an age above `age_first_thb` in the follow-up, low-rate", func(co *cohort) float64 {
		return co.share(LowRate, func(i int) bool { return co.after[i] == 0 }, nil)
	}, nil, ""},
	{"low-rate-thb-cases", "low-rate share of all THB cases (sum of `thb_cases`)", func(co *cohort) float64 {
		thb := co.mustInts("thb_cases")
		var all, low int
		for i, v := range thb {
			all += v
			if co.group[i] == LowRate {
				low += v
			}
		}
		return 100 * float64(low) / float64(all)
	}, func(co *cohort, v float64) bool { return v > 25 }, "above 25%"},
	{"low-rate-criminal-family", "`criminal_family` = 1, low-rate", func(co *cohort) float64 {
		return co.share(LowRate, co.is("criminal_family"), nil)
	}, func(co *cohort, v float64) bool {
		return extreme(func(g string) float64 { return co.share(g, co.is("criminal_family"), nil) }, LowRate, true)
	}, "lowest of the groups"},

	// Early-peak and late-peak groups.
	{"early-peak-peak-age", "age of the highest mean `y`, early-peak (ages with ≥ 20 of them observed)", func(co *cohort) float64 { return co.peakAge(EarlyPeak) },
		func(co *cohort, v float64) bool { return v >= 15 && v <= 22 }, "15-22"},
	{"early-peak-qualification", "`starting_qualification` = 1, early-peak", func(co *cohort) float64 {
		return co.share(EarlyPeak, co.is("starting_qualification"), nil)
	}, nil, ""},
	{"late-peak-peak-age", "age of the highest mean `y`, late-peak (ages with ≥ 20 of them observed)", func(co *cohort) float64 { return co.peakAge(LatePeak) },
		func(co *cohort, v float64) bool { return v >= 22 && v <= 33 }, "22-33"},
	{"late-peak-benefits", "`benefits_or_no_income_at_thb` = 1, late-peak", func(co *cohort) float64 {
		return co.share(LatePeak, co.is("benefits_or_no_income_at_thb"), nil)
	}, func(co *cohort, v float64) bool { return v > 50 }, "above 50%"},

	// High-rate group.
	{"high-rate-rate-before", "cases per observed year at ages below `age_first_thb`, high-rate", func(co *cohort) float64 { return co.perYear(HighRate, false) },
		func(co *cohort, v float64) bool {
			return extreme(func(g string) float64 { return co.perYear(g, false) }, HighRate, false)
		}, "highest of the groups"},
	{"high-rate-rate-after", "cases per observed year at ages above `age_first_thb`, high-rate", func(co *cohort) float64 { return co.perYear(HighRate, true) },
		func(co *cohort, v float64) bool {
			return extreme(func(g string) float64 { return co.perYear(g, true) }, HighRate, false)
		}, "highest of the groups"},
	{"high-rate-offence-types", "mean of `offence_types`, high-rate", func(co *cohort) float64 { return meanColumn(co, HighRate, "offence_types") },
		func(co *cohort, v float64) bool {
			return extreme(func(g string) float64 { return meanColumn(co, g, "offence_types") }, HighRate, false)
		}, "highest of the groups"},
	{"high-rate-one-parent", "`one_parent_household` = 1, high-rate", func(co *cohort) float64 {
		return co.share(HighRate, co.is("one_parent_household"), nil)
	}, func(co *cohort, v float64) bool {
		return extreme(func(g string) float64 { return co.share(g, co.is("one_parent_household"), nil) }, HighRate, false)
	}, "highest of the groups"},
	{"high-rate-qualification", "`starting_qualification` = 1, high-rate", func(co *cohort) float64 {
		return co.share(HighRate, co.is("starting_qualification"), nil)
	}, func(co *cohort, v float64) bool {
		return extreme(func(g string) float64 { return co.share(g, co.is("starting_qualification"), nil) }, HighRate, true)
	}, "lowest of the groups"},
	{"high-rate-criminal-family", "`criminal_family` = 1, high-rate", func(co *cohort) float64 {
		return co.share(HighRate, co.is("criminal_family"), nil)
	}, func(co *cohort, v float64) bool {
		return extreme(func(g string) float64 { return co.share(g, co.is("criminal_family"), nil) }, HighRate, false)
	}, "highest of the groups"},

	// Related publications: other samples of the same offenders.
	{"mean-age-first-thb-658", "mean of `age_first_thb`", func(co *cohort) float64 {
		return co.mean("", func(i int) float64 { return float64(co.aT[i]) })
	}, nil, ""},
	{"born-in-nl-658", "`born_abroad` = 0", func(co *cohort) float64 {
		return 100 - co.share("", co.is("born_abroad"), nil)
	}, nil, ""},
	{"any-case-2y", "a case at an age 1-2 years above `age_first_thb` (every follow-up runs 5 years or more past it)", anyCaseWithin(2), nil, ""},
	{"any-case-5y", "the same within 5 years", anyCaseWithin(5), nil, ""},
	{"any-case-7y", "the same within 7 years, of those with `index_thb_year` ≤ 2015", anyCaseWithin(7), nil, ""},
	{"thb-again-5y", "`age_next_thb` ≤ `age_first_thb` + 5", func(co *cohort) float64 {
		next := co.mustInts("age_next_thb")
		return co.share("", func(i int) bool { return next[i] > 0 && next[i] <= co.aT[i]+5 }, nil)
	}, nil, ""},
	{"first-thb-under-23", "`age_first_thb` < 23", func(co *cohort) float64 {
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
