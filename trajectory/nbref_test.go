package trajectory

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/mixture"
)

// The K = 1 references: one NB group and one ZINB group fitted by R to the
// careers of testdata/nb-k1.csv (ages 12-30, exposures below 1 in some
// years, holes), written by
//
//	TRAJKIT_WRITE_NBREF=1 go test ./trajectory -run TestWriteNBReferenceData
//
// and fitted by
//
//	Rscript bench/nb_reference.R trajectory/testdata/nb-k1.csv > trajectory/testdata/nb-k1-reference.txt
//
// (R 4, MASS::glm.nb and pscl::zeroinfl(dist = "negbin", offset =
// log(e)), Debian r-cran-mass and r-cran-pscl), with a = (age − 21)/9,
// trajkit's scaling of the window 12..30.
const nbRefData = "testdata/nb-k1.csv"

// TestWriteNBReferenceData writes the careers of the K = 1 references
// (only with TRAJKIT_WRITE_NBREF=1): 800 persons of one NB group with
// α = 0.7, then 800 of a ZINB group (ρ = 0.3), ids n1.. and z1...
func TestWriteNBReferenceData(t *testing.T) {
	if os.Getenv("TRAJKIT_WRITE_NBREF") != "1" {
		t.Skip("TRAJKIT_WRITE_NBREF=1 writes " + nbRefData)
	}
	s := WindowScaling(12, 30)
	var b strings.Builder
	b.WriteString("id,age,y,e,sample\n")
	for _, part := range []struct {
		prefix string
		gamma  [][]float64
		dist   Distribution
		seed   uint64
	}{{"n", nil, NB, 1}, {"z", [][]float64{{math.Log(0.3 / 0.7)}}, ZINB, 2}} {
		tr := TruthFromCoefficients(s, 12, 30, []float64{1}, [][]float64{{-0.3, 0.4, -0.9}}, part.gamma)
		tr.Distribution, tr.Dispersion = part.dist, []float64{0.7}
		if part.gamma == nil {
			tr.ZeroProb = nil
		}
		c, _, err := Simulate(tr, Design{Persons: 800, CensorShare: 0.3, LateStartShare: 0.2, ExposedShare: 0.3, HoleShare: 0.05}, part.seed)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < c.Len(); i++ {
			c.Cells(i, func(x Cell) {
				if x.Exposure > 0 {
					fmt.Fprintf(&b, "%s%d,%d,%d,%s,%s\n", part.prefix, i+1, x.Age, x.Y, strconv.FormatFloat(x.Exposure, 'g', -1, 64), part.dist)
				}
			})
		}
	}
	if err := os.WriteFile(nbRefData, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// readNBRefCareers reads the careers of one sample ("nb" or "zinb") of
// nbRefData.
func readNBRefCareers(t *testing.T, sample string) *Careers {
	t.Helper()
	f, err := os.Open(nbRefData)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	b := NewCareerBuilder()
	for _, r := range rows[1:] {
		if r[4] != sample {
			continue
		}
		age, _ := strconv.Atoi(r[1])
		y, _ := strconv.Atoi(r[2])
		e, _ := strconv.ParseFloat(r[3], 64)
		b.mustAdd(b.Person(r[0]), age, uint32(y), e)
	}
	c, err := b.Build(true)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// readNBReference reads R's numbers: lines "sample key value...".
func readNBReference(t *testing.T) map[string][]float64 {
	t.Helper()
	f, err := os.Open("testdata/nb-k1-reference.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ref := map[string][]float64{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 3 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		for _, v := range fields[2:] {
			x, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("reference %q: %v", sc.Text(), err)
			}
			ref[fields[0]+" "+fields[1]] = append(ref[fields[0]+" "+fields[1]], x)
		}
	}
	return ref
}

// TestNBReference: K = 1 NB against MASS::glm.nb and K = 1 ZINB against
// pscl::zeroinfl(dist = "negbin") on the same careers (see nbRefData):
// log-likelihood within 1e-6 relative, coefficients (β, γ, log α) within
// 1e-4, α = 1/θ.
func TestNBReference(t *testing.T) {
	ref := readNBReference(t)
	for _, tc := range []struct {
		sample string
		infl   []int
	}{{"nb", nil}, {"zinb", []int{0}}} {
		t.Run(tc.sample, func(t *testing.T) {
			c := readNBRefCareers(t, tc.sample)
			if c.MinAge != 12 || c.MaxAge() != 30 {
				t.Fatalf("window %d..%d, the reference scales 12..30", c.MinAge, c.MaxAge())
			}
			f, err := Fit(c, mustModel(t, Distribution(tc.sample), 1, []int{2}, tc.infl), &Settings{Search: mixture.Settings{Seed: 1, Starts: 1}})
			if err != nil {
				t.Fatal(err)
			}
			g := f.Groups[0]
			want := ref[tc.sample+" loglik"][0]
			if math.Abs(f.LogLik-want) > 1e-6*math.Abs(want) {
				t.Errorf("log-likelihood %.8f, R %.8f", f.LogLik, want)
			}
			got := append(append([]float64(nil), g.Beta...), g.Inflation...)
			wantCoef := append(append([]float64(nil), ref[tc.sample+" beta"]...), ref[tc.sample+" gamma"]...)
			got = append(got, math.Log(*g.Dispersion))
			wantCoef = append(wantCoef, -math.Log(ref[tc.sample+" theta"][0]))
			for j := range wantCoef {
				if math.Abs(got[j]-wantCoef[j]) > 1e-4 {
					t.Errorf("coefficient %d: %.7f, R %.7f", j, got[j], wantCoef[j])
				}
			}
			se := append(append([]float64(nil), unfloat(g.BetaSE)...), unfloat(g.InflationSE)...)
			wantSE := append(append([]float64(nil), ref[tc.sample+" beta_se"]...), ref[tc.sample+" gamma_se"]...)
			for j := range wantSE {
				if math.Abs(se[j]/wantSE[j]-1) > 1e-3 {
					t.Errorf("standard error %d: %.7f, R %.7f", j, se[j], wantSE[j])
				}
			}
			t.Logf("%s: log-likelihood %.6f (R %.6f), α %.6f (R %.6f), %.3fs", tc.sample, f.LogLik, want, *g.Dispersion, 1/ref[tc.sample+" theta"][0], f.Timing["fit_seconds"])
		})
	}
}

func unfloat(v []Float) []float64 {
	out := make([]float64, len(v))
	for j, x := range v {
		out[j] = float64(x)
	}
	return out
}
