// Package data holds the data sets embedded in the trajkit binary, so
// that examples and tests run without any file: `trajkit datasets` lists
// them and `--data example:NAME` reads one. README.md in this folder is
// their codebook, with sources and licences.
package data

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
)

//go:embed gbtm_sim/*.csv toronto/*.csv tcov/*.csv nl630/*.csv cnorm/*.csv
var files embed.FS

// Dataset describes one embedded data set.
type Dataset struct {
	Name string
	// File is the path inside this folder.
	File string
	// Format is "long" or "wide"; Exposure names the exposure column (long)
	// or prefix (wide), empty for none. They are the defaults when the
	// data set is read with example:NAME.
	Format, Exposure string
	Persons          int
	Description      string
	Source           string
	Licence          string
}

const (
	simSource   = "simulated for trajkit (4-group Poisson mixture, non-polynomial curves; see data/README.md)"
	simLicence  = "free to use; distributed under trajkit's licence (GPL-3.0-or-later)"
	toSource    = "R package crimCV 1.0.0 by Jason D. Nielsen (CRAN), data sets TO1adj/TO1/TO1Risk and TO2adj/TO2/TO2Risk; Nielsen et al. (2011)"
	toLicence   = "GPL (>= 2), the licence of crimCV"
	torontoDesc = "Toronto youth court contacts"
	nlSource    = "synthetic: trajkit simulate --preset nl630 (seed 20240229), calibrated to the published figures of the Dutch National Rapporteur's study of 630 domestic sex traffickers (2024); see data/nl630/README.md"
	nlLicence   = simLicence
	cnSource    = "simulated by R for trajkit: bench/cnorm_reference.R (seed 14), the data of trajkit's survreg reference trajectory/testdata/cnorm-k1.csv; see data/README.md"
)

// Datasets lists the embedded data sets.
var Datasets = []Dataset{
	{"sim630", "gbtm_sim/sim630.csv", "long", "", 630, "630 simulated careers, ages 12-40, shares 36/28/21/15% (long)", simSource, simLicence},
	{"sim630-wide", "gbtm_sim/sim630_wide.csv", "wide", "", 630, "the same careers as sim630, one row per person (wide)", simSource, simLicence},
	{"sim630-groups", "gbtm_sim/sim630_groups.csv", "", "", 630, "true groups of sim630 (A incidental, B early peak, C late peak, D continuous); not career data", simSource, simLicence},
	{"sim5000", "gbtm_sim/sim5000.csv", "long", "", 5000, "5000 simulated careers from the same four groups (long)", simSource, simLicence},
	{"sim5000-wide", "gbtm_sim/sim5000_wide.csv", "wide", "", 5000, "the same careers as sim5000 (wide)", simSource, simLicence},
	{"sim5000-groups", "gbtm_sim/sim5000_groups.csv", "", "", 5000, "true groups of sim5000; not career data", simSource, simLicence},
	{"nl630", "nl630/long.csv", "long", "", 630, "synthetic cohort of the Dutch study of 630 domestic sex traffickers: cases per age, 12 to end of follow-up (long)", nlSource, nlLicence},
	{"nl630-wide", "nl630/wide.csv", "wide", "", 630, "the same careers as nl630, one row per person, empty after follow-up (wide)", nlSource, nlLicence},
	{"nl630-persons", "nl630/persons.csv", "", "", 630, "person variables of nl630 (sex, birth year, THB case, risk factors); not career data", nlSource, nlLicence},
	{"nl630-outcomes", "nl630/outcomes.csv", "long", "", 630, "the careers of nl630 split into trafficking (thb) and other cases per age, thb + other = y (long; --count thb or --count other)", nlSource, nlLicence},
	{"nl630-truth", "nl630/truth.csv", "", "", 630, "true groups of nl630 (low-rate, early-peak, late-peak, high-rate); not career data", nlSource, nlLicence},
	{"employment", "tcov/employment.csv", "long", "", 300, "300 simulated careers, ages 14-30, with a yearly 0/1 employed covariate that lowers the rate by exp(-0.7) (long; --tcov employed)", simSource, simLicence},
	{"scores", "cnorm/scores.csv", "long", "", 500, "500 simulated careers of real values on a 0-10 scale (censored at 0 and 10), ages 12-30, with a yearly 0/1 covariate w (long; --dist cnorm --max 10, --tcov w)", cnSource, simLicence},
	{"toronto1", "toronto/TO1adj.csv", "long", "", 378, torontoDesc + ", sample 1, ages 8-38, counts adjusted for time at risk by crimCV (TO1adj)", toSource, toLicence},
	{"toronto1-exposure", "toronto/TO1_exposure.csv", "long", "exposure", 378, torontoDesc + ", sample 1, raw counts (TO1) with time at risk as exposure (TO1Risk)", toSource, toLicence},
	{"toronto2", "toronto/TO2adj.csv", "long", "", 386, torontoDesc + ", sample 2, ages 9-38, adjusted counts (TO2adj)", toSource, toLicence},
	{"toronto2-exposure", "toronto/TO2_exposure.csv", "long", "exposure", 386, torontoDesc + ", sample 2, raw counts (TO2) with time at risk as exposure (TO2Risk)", toSource, toLicence},
}

// Prefix marks an embedded data set in a --data argument.
const Prefix = "example:"

// Lookup returns the data set named by a --data argument "example:NAME".
func Lookup(arg string) (Dataset, bool, error) {
	name, ok := strings.CutPrefix(arg, Prefix)
	if !ok {
		return Dataset{}, false, nil
	}
	for _, d := range Datasets {
		if d.Name == name {
			return d, true, nil
		}
	}
	names := make([]string, len(Datasets))
	for j, d := range Datasets {
		names[j] = d.Name
	}
	sort.Strings(names)
	return Dataset{}, true, fmt.Errorf("no embedded data set %q: expected one of %s (see trajkit datasets)", name, strings.Join(names, ", "))
}

// Open opens an embedded data set's file.
func Open(d Dataset) (fs.File, error) { return files.Open(d.File) }

// ReadFile returns an embedded file's contents.
func ReadFile(path string) ([]byte, error) { return files.ReadFile(path) }
