package nl630

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/trajkit/trajkit/internal/words"
	"github.com/trajkit/trajkit/trajectory"
	"github.com/trajkit/trajkit/trajectory/careersio"
)

// The cohort: a synthetic cohort calibrated to the published figures
// of the Dutch National Rapporteur's study of 630 offenders of domestic
// sexual exploitation (Nationaal Rapporteur Mensenhandel en Seksueel
// Geweld tegen Kinderen, "Brede blik op daderschap", 28 February 2024) and
// the government's response to it (28 June 2024). The real records are
// confidential; these data are synthetic. data/nl630/README.md is the
// codebook and lists every published figure next to the cohort's value.
//
// The data-generating process is the project's proposal in its mode B
// (a lasting drop in offending after the index case, as unadjusted
// detention and desistance give in register data), with the changes the
// README lists:
//
//   - group g ~ Categorical(low-rate .36, early-peak .28, late-peak .21,
//     high-rate .15);
//   - age at the first trafficking (THB) offence
//     a_T = min(60, ⌊shift_g + exp(N(ln M_g − σ_g²/2, σ_g))⌋);
//   - year of the index THB case Y ~ Uniform{2008..2017}, birth year
//     B = Y − a_T, follow-up to the end of 2022: ages 12..min(2022 − B, 65);
//   - at each age a of the follow-up the number of other cases is
//     zero-inflated Poisson: a structural zero with probability ω_g, else
//     Poisson(f(a) m_g(a)/(1 − ω_g)), so that f(a) m_g(a) is the expected
//     number; m_g is log-linear between anchor ages; f is 1 up to a_T,
//     d_g after it, times inc1_g and inc2_g in the two years after it;
//   - the index THB case adds 1 at a_T, and with probability x_g a second
//     THB case joined to it (another victim) adds 1 more; every other case
//     at an age after a_T is a THB case with probability q_g;
//   - each non-THB case has an offence type drawn from a mix (flatter for
//     the high-rate group); offence_types counts the distinct types;
//   - person variables are Bernoulli given the group.
//
// Everything is drawn from one PCG stream through its Uint64 outputs only,
// with the samplers written out below, and explicit float64 conversions
// keep fused multiply-adds out, so that the committed cohort regenerates
// byte for byte across Go releases and platforms: no draw depends on the
// variate algorithms of the standard library or gonum. (A last-bit
// difference of math.Exp or math.Log between architectures would change a
// count only if a variate fell exactly on a boundary.)

// Seed is the seed of the committed cohort data/nl630: the first seed
// from 20240228, the report's date, whose 630 persons meet every published
// target within its tolerance (20240228 misses two by sampling alone).
const Seed = 20240229

// Persons is the number of persons of the study, and of the committed
// cohort.
const Persons = 630

// Preset is the cohort as a preset of trajkit simulate.
var Preset = trajectory.Preset{
	Name:        "nl630",
	Description: "the synthetic cohort of the Dutch study of 630 domestic sex traffickers: 4 labelled groups, follow-up to 2022 from birth year, person variables (data/nl630/README.md)",
	Persons:     Persons,
	Seed:        Seed,
	Generate:    nl630.simulate,
}

// nl630Params are the assumptions of the generator; the published figures
// they reproduce are listed in data/nl630/README.md.
type nl630Params struct {
	shares [4]float64
	// anchorAges and mean[g] give m_g, the expected background cases per
	// year; m_g is constant before the first and after the last anchor.
	anchorAges []int
	mean       [4][]float64
	// level multiplies m_g.
	level [4]float64
	// omega is the probability of a structural zero in a year.
	omega [4]float64
	// The law of the age at the first THB offence.
	shift, median, sigma [4]float64
	maxTHBAge            int
	// Years of the index case, the end of the data, and the age window.
	firstYear, lastYear, dataEnd int
	minAge, maxAge               int
	// Multipliers of the expected count in the first and second year
	// after the index case (detention, mostly).
	inc1, inc2 [4]float64
	// desist is d_g, the multiplier of the expected count at every age
	// after the index case (all 1 is the proposal's mode A).
	desist [4]float64
	// joined is x_g, the probability of a second THB case joined to the
	// index case; repeat is q_g, the probability that a later case is THB.
	joined, repeat [4]float64
	// offenceMix[g] are the probabilities of the offence types of non-THB
	// cases: property, violence, drugs, weapons and public order, traffic,
	// sexual, other.
	offenceMix [4][]float64
	// Person variables: probability of each given the group. bornAbroad is
	// given a migration background, bornTraditional given born abroad.
	female, qualification, criminalFamily, oneParent, benefits,
	migration, bornAbroad, bornTraditional, victimisation, lvb [4]float64
}

// nl630 holds the parameter values. Group order: low-rate, early-peak,
// late-peak, high-rate.
var nl630 = nl630Params{
	shares:     [4]float64{Share(LowRate), Share(EarlyPeak), Share(LatePeak), Share(HighRate)},
	anchorAges: []int{12, 15, 18, 22, 26, 30, 35, 40, 45, 50, 60},
	mean: [4][]float64{
		{0.015, 0.06, 0.10, 0.10, 0.10, 0.09, 0.08, 0.065, 0.05, 0.04, 0.02},
		{0.18, 1.00, 1.60, 1.05, 0.50, 0.27, 0.14, 0.08, 0.05, 0.03, 0.01},
		{0.04, 0.25, 0.40, 0.70, 1.00, 0.95, 0.55, 0.28, 0.14, 0.08, 0.03},
		{0.40, 1.80, 2.60, 2.80, 2.60, 2.30, 1.90, 1.50, 1.15, 0.85, 0.45},
	},
	level:     [4]float64{1.15, 1, 1, 1},
	omega:     [4]float64{0.60, 0.25, 0.35, 0.10},
	shift:     [4]float64{15, 13.5, 17, 14},
	median:    [4]float64{16.1, 8.0, 10.5, 10.5},
	sigma:     [4]float64{0.60, 0.45, 0.40, 0.50},
	maxTHBAge: 60,
	firstYear: 2008, lastYear: 2017, dataEnd: 2022,
	minAge: 12, maxAge: 65,
	inc1:   [4]float64{0.7, 0.5, 0.5, 0.5},
	inc2:   [4]float64{1.0, 0.8, 0.8, 0.8},
	desist: [4]float64{1, 0.45, 0.40, 0.75},
	joined: [4]float64{0.07, 0.12, 0.12, 0.22},
	repeat: [4]float64{0.08, 0.06, 0.07, 0.035},
	offenceMix: [4][]float64{
		{0.35, 0.25, 0.12, 0.13, 0.08, 0.03, 0.04},
		{0.35, 0.25, 0.12, 0.13, 0.08, 0.03, 0.04},
		{0.35, 0.25, 0.12, 0.13, 0.08, 0.03, 0.04},
		{0.28, 0.22, 0.14, 0.14, 0.10, 0.05, 0.07},
	},
	female:          [4]float64{0.24, 0.04, 0.07, 0.05},
	qualification:   [4]float64{0.45, 0.20, 0.28, 0.10},
	criminalFamily:  [4]float64{0.80, 0.93, 0.92, 0.98},
	oneParent:       [4]float64{0.55, 0.75, 0.70, 0.82},
	benefits:        [4]float64{0.45, 0.55, 0.70, 0.70},
	migration:       [4]float64{0.65, 0.80, 0.75, 0.78},
	bornAbroad:      [4]float64{0.49, 0.49, 0.49, 0.49},
	bornTraditional: [4]float64{0.50, 0.61, 0.60, 0.65},
	victimisation:   [4]float64{0.65, 0.78, 0.76, 0.85},
	lvb:             [4]float64{0.10, 0.15, 0.14, 0.20},
}

// Person holds one synthetic person's variables (persons.csv).
type Person struct {
	ID     string
	Female bool
	// BirthYear and IndexTHBYear, the calendar year of the index (first)
	// THB case; AgeFirstTHB = IndexTHBYear − BirthYear, in whole years.
	BirthYear, IndexTHBYear, AgeFirstTHB int
	// LastObservedAge is the end of follow-up: min(2022 − BirthYear, 65).
	LastObservedAge int
	StartingQualification, CriminalFamily, OneParentHousehold,
	BenefitsOrNoIncomeAtTHB, MigrationBackground, BornAbroad,
	BornTraditionalMigrationCountry, Victimisation, LVB bool
	// THBCases counts the THB cases in the follow-up (≥ 1); AgeNextTHB is
	// the age of the first THB case at an age after AgeFirstTHB, 0 when
	// there is none.
	THBCases, AgeNextTHB int
	// OffenceTypes is the number of distinct offence types among all the
	// person's cases, THB included.
	OffenceTypes int
}

// PersonTable is the person table of the cohort (persons.csv).
type PersonTable []Person

// PersonColumns are the columns of persons.csv, in order.
var PersonColumns = []string{
	"id", "sex", "birth_year", "index_thb_year", "age_first_thb", "last_observed_age",
	"starting_qualification", "criminal_family", "one_parent_household",
	"benefits_or_no_income_at_thb", "migration_background", "born_abroad",
	"born_traditional_migration_country", "victimisation", "lvb",
	"thb_cases", "repeat_thb", "age_next_thb", "offence_types",
}

// WriteCSV writes persons.csv: the columns PersonColumns, sex as
// female or male, yes/no variables as 1 or 0, age_next_thb empty when
// there is no later THB case.
func (ps PersonTable) WriteCSV(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	for j, name := range PersonColumns {
		if j > 0 {
			bw.WriteByte(',')
		}
		bw.WriteString(name)
	}
	bw.WriteByte('\n')
	for _, p := range ps {
		b := bw.AvailableBuffer()
		b = careersio.AppendField(b, p.ID)
		if p.Female {
			b = append(b, ",female"...)
		} else {
			b = append(b, ",male"...)
		}
		for _, v := range []int{p.BirthYear, p.IndexTHBYear, p.AgeFirstTHB, p.LastObservedAge} {
			b = append(b, ',')
			b = strconv.AppendInt(b, int64(v), 10)
		}
		for _, v := range []bool{p.StartingQualification, p.CriminalFamily, p.OneParentHousehold,
			p.BenefitsOrNoIncomeAtTHB, p.MigrationBackground, p.BornAbroad,
			p.BornTraditionalMigrationCountry, p.Victimisation, p.LVB} {
			b = appendBool01(b, v)
		}
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(p.THBCases), 10)
		b = appendBool01(b, p.THBCases > 1)
		b = append(b, ',')
		if p.AgeNextTHB > 0 {
			b = strconv.AppendInt(b, int64(p.AgeNextTHB), 10)
		}
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(p.OffenceTypes), 10)
		b = append(b, '\n')
		if _, err := bw.Write(b); err != nil {
			return err
		}
	}
	return bw.Flush()
}

func appendBool01(b []byte, v bool) []byte {
	if v {
		return append(b, ",1"...)
	}
	return append(b, ",0"...)
}

// Simulate draws the cohort of n persons from the seed (the committed
// cohort is Persons persons from Seed). Person i has id i+1; the careers
// hold the number of criminal cases at each age from 12 to the end of
// follow-up, the index THB case included; the groups are labelled by
// Labels; Files holds outcomes.csv, the careers split into THB and other
// cases (DeriveOutcomes).
func Simulate(n int, seed uint64) (*trajectory.Simulated, error) {
	return nl630.simulate(context.Background(), n, seed)
}

// simulate is Simulate until ctx is cancelled: it checks ctx every
// trajectory.CheckPersons persons.
func (p *nl630Params) simulate(ctx context.Context, n int, seed uint64) (*trajectory.Simulated, error) {
	if n < 1 {
		return nil, errors.New("nl630: at least one person is needed")
	}
	r := &uniformSource{src: rand.NewPCG(seed, 0x6e6c363330)}
	nAges := p.maxAge - p.minAge + 1
	// Expected background cases by group and age index.
	m := make([][]float64, 4)
	for g := range m {
		m[g] = make([]float64, nAges)
		for t := range m[g] {
			m[g][t] = p.level[g] * logLinear(p.anchorAges, p.mean[g], p.minAge+t)
		}
	}
	shareCum := cumulative(p.shares[:])
	mixCum := make([][]float64, 4)
	for g := range mixCum {
		mixCum[g] = cumulative(p.offenceMix[g])
	}
	b := trajectory.NewCareerBuilder()
	groups := make([]int, n)
	persons := make(PersonTable, n)
	y := make([]int, nAges)
	for i := range persons {
		if i%trajectory.CheckPersons == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("nl630: interrupted after %d of %s: %w", i, words.Count(n, "person"), err)
			}
		}
		g := r.categorical(shareCum)
		groups[i] = g + 1
		mu := math.Log(p.median[g]) - p.sigma[g]*p.sigma[g]/2
		aT := int(math.Floor(p.shift[g] + math.Exp(mu+float64(p.sigma[g]*r.normal()))))
		aT = min(max(aT, p.minAge), p.maxTHBAge)
		year := p.firstYear + int(r.uniform()*float64(p.lastYear-p.firstYear+1))
		birth := year - aT
		last := min(p.dataEnd-birth, p.maxAge)
		tT := aT - p.minAge
		for t := 0; t <= last-p.minAge; t++ {
			f := 1.0
			if t > tT {
				f = p.desist[g]
			}
			switch t {
			case tT + 1:
				f *= p.inc1[g]
			case tT + 2:
				f *= p.inc2[g]
			}
			y[t] = 0
			if r.uniform() >= p.omega[g] {
				y[t] = r.poisson(f * m[g][t] / (1 - p.omega[g]))
			}
		}
		// Later THB cases and the offence types of the other cases.
		thb, next := 1, 0
		var types [8]bool
		types[0] = true // THB
		for t := 0; t <= last-p.minAge; t++ {
			for c := 0; c < y[t]; c++ {
				if t > tT && r.uniform() < p.repeat[g] {
					thb++
					if next == 0 {
						next = p.minAge + t
					}
					continue
				}
				types[1+r.categorical(mixCum[g])] = true
			}
		}
		y[tT]++ // the index case
		if r.uniform() < p.joined[g] {
			y[tT]++
			thb++
		}
		id := strconv.Itoa(i + 1)
		pi := b.Person(id)
		for t := 0; t <= last-p.minAge; t++ {
			if err := b.Add(pi, p.minAge+t, uint32(y[t]), 1); err != nil {
				panic("nl630: " + err.Error()) // one cell per age of the follow-up
			}
		}
		nTypes := 0
		for _, seen := range types {
			if seen {
				nTypes++
			}
		}
		pp := Person{
			ID: id, BirthYear: birth, IndexTHBYear: year, AgeFirstTHB: aT, LastObservedAge: last,
			THBCases: thb, AgeNextTHB: next, OffenceTypes: nTypes,
		}
		pp.Female = r.bernoulli(p.female[g])
		pp.StartingQualification = r.bernoulli(p.qualification[g])
		pp.CriminalFamily = r.bernoulli(p.criminalFamily[g])
		pp.OneParentHousehold = r.bernoulli(p.oneParent[g])
		pp.BenefitsOrNoIncomeAtTHB = r.bernoulli(p.benefits[g])
		pp.MigrationBackground = r.bernoulli(p.migration[g])
		pp.BornAbroad = pp.MigrationBackground && r.bernoulli(p.bornAbroad[g])
		pp.BornTraditionalMigrationCountry = pp.BornAbroad && r.bernoulli(p.bornTraditional[g])
		pp.Victimisation = r.bernoulli(p.victimisation[g])
		pp.LVB = r.bernoulli(p.lvb[g])
		persons[i] = pp
	}
	c, err := b.Build(false)
	if err != nil {
		return nil, err
	}
	// The outcomes are derived from the files' contents, as DeriveOutcomes
	// does from the committed long.csv and persons.csv, not recorded while
	// drawing: outcomes.csv came after the cohort, whose files stay as
	// they were.
	o, err := DeriveOutcomes(c, persons.THBRecords())
	if err != nil {
		return nil, err
	}
	return &trajectory.Simulated{Careers: c, Groups: groups, Labels: Labels, Persons: persons,
		Files: []trajectory.SimulatedFile{{Name: OutcomesFile, Write: o.WriteCSV}}}, nil
}

// logLinear interpolates log v linearly between the anchor ages; v is
// constant outside them.
func logLinear(ages []int, v []float64, age int) float64 {
	if age <= ages[0] {
		return v[0]
	}
	for j := 1; j < len(ages); j++ {
		if age <= ages[j] {
			w := float64(age-ages[j-1]) / float64(ages[j]-ages[j-1])
			return math.Exp(float64((1-w)*math.Log(v[j-1])) + float64(w*math.Log(v[j])))
		}
	}
	return v[len(v)-1]
}

// uniformSource draws variates from a PCG stream with samplers written out
// here (see the note at the top of this file).
type uniformSource struct{ src *rand.PCG }

// uniform returns a uniform variate on [0, 1) with 53 random bits.
func (r *uniformSource) uniform() float64 {
	return float64(r.src.Uint64()>>11) * 0x1p-53
}

func (r *uniformSource) bernoulli(p float64) bool { return r.uniform() < p }

// categorical returns j with probability cum[j] − cum[j−1].
func (r *uniformSource) categorical(cum []float64) int {
	u := r.uniform() * cum[len(cum)-1]
	for j, c := range cum {
		if u < c {
			return j
		}
	}
	return len(cum) - 1
}

// normal returns a standard normal variate (Box–Muller, one of the pair).
func (r *uniformSource) normal() float64 {
	u1 := 1 - r.uniform() // in (0, 1]
	u2 := r.uniform()
	return math.Sqrt(-2*math.Log(u1)) * math.Cos(2*math.Pi*u2)
}

// poisson returns a Poisson(λ) variate by inversion (sequential search),
// one uniform per draw; meant for the small rates here (λ < 10).
func (r *uniformSource) poisson(lambda float64) int {
	u := r.uniform()
	p := math.Exp(-lambda)
	f := p
	k := 0
	for u > f && k < 200 {
		k++
		p = p * lambda / float64(k)
		f += p
	}
	return k
}

// cumulative returns the running sums of p.
func cumulative(p []float64) []float64 {
	c := make([]float64, len(p))
	var s float64
	for j, v := range p {
		s += v
		c[j] = s
	}
	return c
}
