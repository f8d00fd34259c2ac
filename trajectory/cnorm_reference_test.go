package trajectory

import (
	"bufio"
	"encoding/csv"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/mixture"
)

// readCnormReference reads testdata/cnorm-k1.csv (id,age,y,w) into careers
// with the time-varying covariate w, and testdata/cnorm-k1-survreg.txt
// into its numbers by name.
func readCnormReference(t *testing.T) (*Careers, map[string][]float64) {
	t.Helper()
	f, err := os.Open("testdata/cnorm-k1.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	b := NewCareerBuilder()
	w := map[[2]int]float64{}
	for _, r := range rows[1:] {
		p := b.Person(r[0])
		age, _ := strconv.Atoi(r[1])
		y, err1 := strconv.ParseFloat(r[2], 64)
		wv, err2 := strconv.ParseFloat(r[3], 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("row %v", r)
		}
		if err := b.AddValue(p, age, y); err != nil {
			t.Fatal(err)
		}
		w[[2]int{p, age}] = wv
	}
	c, err := b.Build(false)
	if err != nil {
		t.Fatal(err)
	}
	// Persons keep their order of first appearance: index i of the
	// careers is index i of the builder (everyone has an observed age).
	c, err = c.WithTcov([]string{"w"}, func(i, age int) []float64 { return []float64{w[[2]int{i, age}]} })
	if err != nil {
		t.Fatal(err)
	}
	ref := map[string][]float64{}
	rf, err := os.Open("testdata/cnorm-k1-survreg.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer rf.Close()
	sc := bufio.NewScanner(rf)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 || fields[0] == "#" {
			continue
		}
		for _, s := range fields[1:] {
			if v, err := strconv.ParseFloat(s, 64); err == nil {
				ref[fields[0]] = append(ref[fields[0]], v)
			}
		}
	}
	return c, ref
}

func floatsOf(v []Float) []float64 {
	out := make([]float64, len(v))
	for j, x := range v {
		out[j] = float64(x)
	}
	return out
}

// TestCnormSurvreg: one group, quadratic in age, with a time-varying
// covariate, censored at 0 and 10, against the Tobit maximum of R's
// survival::survreg (dist = "gaussian", left and right censoring by
// type = "interval2") on the same data: the log-likelihood within 1e-6
// relative, the coefficients and log σ within 1e-4 and their standard
// errors within 1e-4 relative. The data and R's
// numbers were written by
//
//	Rscript bench/cnorm_reference.R trajectory/testdata
//
// (R 4.2.2, survival 3.5.3; see trajectory/testdata/README.md).
func TestCnormSurvreg(t *testing.T) {
	c, ref := readCnormReference(t)
	if c.MinAge != 12 || c.MaxAge() != 30 {
		t.Fatalf("ages %d-%d, want 12-30 (R scales age as (age − 21)/9)", c.MinAge, c.MaxAge())
	}
	for _, byGroup := range []bool{false, true} {
		m := Model{Distribution: CNorm, Orders: []int{2}, Inflation: []int{-1}, Censor: Censoring{0, 10}, SigmaByGroup: byGroup}
		f, err := Fit(c, m, &Settings{Search: mixture.Settings{Seed: 1, Starts: 1}})
		if err != nil {
			t.Fatal(err)
		}
		if want := ref["loglik"][0]; math.Abs(f.LogLik-want) > 1e-6*math.Abs(want) {
			t.Errorf("σ by group %v: log-likelihood %.10f, survreg %.10f", byGroup, f.LogLik, want)
		}
		g := f.Groups[0]
		got := append(append(append([]float64(nil), g.Beta...), g.TcovCoef.Values...), math.Log(*g.Sigma))
		want := append(append(append([]float64(nil), ref["beta"]...), ref["delta"]...), ref["log_sigma"]...)
		if len(got) != len(want) {
			t.Fatalf("%d estimates, survreg %d", len(got), len(want))
		}
		for j := range got {
			if math.Abs(got[j]-want[j]) > 1e-4 {
				t.Errorf("σ by group %v, parameter %d: %.8f, survreg %.8f", byGroup, j, got[j], want[j])
			}
		}
		// Standard errors from the observed information: survreg's vcov,
		// also in log(scale).
		se := append(append(floatsOf(g.BetaSE), g.TcovSE.Values...), float64(*g.SigmaSE) / *g.Sigma)
		for j, v := range ref["se"] {
			if math.Abs(se[j]-v) > 1e-4*v {
				t.Errorf("σ by group %v, parameter %d: standard error %.8f, survreg %.8f", byGroup, j, se[j], v)
			}
		}
		t.Logf("σ by group %v: log-likelihood %.9f (survreg %.9f) in %.3f s (survreg %.3f s)", byGroup, f.LogLik, ref["loglik"][0], f.Timing["fit_seconds"], ref["seconds"][0])
	}
}
