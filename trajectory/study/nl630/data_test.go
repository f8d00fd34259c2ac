package nl630

import (
	"bytes"
	"flag"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/data"
	"github.com/trajkit/trajkit/mixture"
	"github.com/trajkit/trajkit/trajectory"
	"github.com/trajkit/trajkit/trajectory/careersio"
	"github.com/trajkit/trajkit/trajectory/results"
)

var (
	printTable = flag.Bool("nl630-table", false, "print the figure table of nl630/README.md as computed from the committed files")
	calibrate  = flag.Int("nl630-calibrate", 0, "print the figures of a cohort of this many persons drawn with -nl630-seed (a calibration check)")
	calSeed    = flag.Uint64("nl630-seed", Seed, "seed for -nl630-calibrate")
	seeds      = flag.Int("nl630-seeds", 0, "count how many of this many seeds from 20240228 on give a cohort that meets every target")
)

var nl630Files = []string{"long.csv", "wide.csv", "persons.csv", "truth.csv", OutcomesFile}

// generate draws the nl630 cohort and returns its files.
func generate(t *testing.T, n int, seed uint64) map[string][]byte {
	t.Helper()
	s, err := Simulate(n, seed)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for name, write := range map[string]func(*bytes.Buffer) error{
		"long.csv":    func(b *bytes.Buffer) error { return careersio.WriteLong(b, s.Careers) },
		"wide.csv":    func(b *bytes.Buffer) error { return careersio.WriteWide(b, s.Careers) },
		"persons.csv": func(b *bytes.Buffer) error { return s.Persons.WriteCSV(b) },
		"truth.csv":   func(b *bytes.Buffer) error { return results.WriteTruth(b, s) },
	} {
		var b bytes.Buffer
		if err := write(&b); err != nil {
			t.Fatal(err)
		}
		out[name] = b.Bytes()
	}
	for _, f := range s.Files {
		var b bytes.Buffer
		if err := f.Write(&b); err != nil {
			t.Fatal(err)
		}
		out[f.Name] = b.Bytes()
	}
	return out
}

func committed(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, name := range nl630Files {
		b, err := data.ReadFile("nl630/" + name)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = b
	}
	return out
}

func committedCohort(t *testing.T) *cohort {
	t.Helper()
	f := committed(t)
	co, err := loadCohort(f["long.csv"], f["persons.csv"], f["truth.csv"])
	if err != nil {
		t.Fatal(err)
	}
	return co
}

// TestNL630Regenerates: the committed files are what the generator gives
// from its seed, byte for byte.
func TestNL630Regenerates(t *testing.T) {
	got, want := generate(t, 630, Seed), committed(t)
	for _, name := range nl630Files {
		if !bytes.Equal(got[name], want[name]) {
			t.Errorf("nl630/%s differs from the generator's output (trajkit simulate --preset nl630 --out data/nl630 rewrites it)", name)
		}
	}
}

// TestNL630LongWide: the long and wide files hold the same careers.
func TestNL630LongWide(t *testing.T) {
	f := committed(t)
	long, _, err := careersio.ReadCareers(bytes.NewReader(f["long.csv"]), "long.csv", careersio.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wide, _, err := careersio.ReadCareers(bytes.NewReader(f["wide.csv"]), "wide.csv", careersio.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var a, b bytes.Buffer
	careersio.WriteLong(&a, long)
	careersio.WriteLong(&b, wide)
	if !bytes.Equal(a.Bytes(), b.Bytes()) || a.Len() != len(f["long.csv"]) {
		t.Error("long.csv and wide.csv hold different careers")
	}
}

// TestNL630Figures recomputes every figure of nl630/README.md from the
// committed files: the README's table must show exactly these values,
// and each must meet its published target within the stated tolerance.
func TestNL630Figures(t *testing.T) {
	co := committedCohort(t)
	if *printTable {
		fmt.Print(table(co))
		fmt.Println(observedLine(co))
	}
	readme, err := os.ReadFile("../../../data/nl630/README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range figures {
		v := f.value(co)
		if math.IsNaN(v) || !f.pass(co, v) {
			t.Errorf("%s: %s, target %s %s", f.id, f.format(v), Lookup(f.id).Published, f.criterion())
		}
		if !bytes.Contains(readme, []byte(f.row(co)+"\n")) {
			t.Errorf("data/nl630/README.md has no row\n%s\n(go test ./trajectory/study/nl630 -run NL630Figures -nl630-table prints the table)", f.row(co))
		}
	}
	if line := observedLine(co); !bytes.Contains(readme, []byte(line)) {
		t.Errorf("data/nl630/README.md does not say\n%s", line)
	}
	// The table has no rows the test does not compute.
	_, section, _ := strings.Cut(string(readme), "## Published figures and the synthetic cohort\n")
	section, _, _ = strings.Cut(section, "\n\n")
	if n := strings.Count(section, "\n| `"); n != len(figures) {
		t.Errorf("data/nl630/README.md has %d figure rows, the test computes %d", n, len(figures))
	}
}

// TestNL630Recovery fits the committed cohort on the reproduction's
// window (Window) with ZIP models, cubic with a constant inflation, and the
// default seed, without the order search of the pipeline. BIC (N = persons) must prefer 4
// groups to 3 and 5, each true group must have at least 70% of its members
// in a fitted group of its own, fitted shares must be within 5 points of
// the published 36/28/21/15%, and the fitted early and late peaks within
// the published 15-22 and 22-33.
func TestNL630Recovery(t *testing.T) {
	co := committedCohort(t)
	lo, hi := Window(co.c)
	c, dropped := co.c.Restrict(lo, hi)
	if len(dropped) > 0 {
		t.Fatalf("%d persons have no age in %d-%d", len(dropped), lo, hi)
	}
	bic := map[int]float64{}
	var fit4 *trajectory.Fitted
	for _, k := range []int{3, 4, 5} {
		m, err := trajectory.NewModel(trajectory.ZIP, k, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		f, err := trajectory.Fit(c, m, &trajectory.Settings{Search: mixture.Settings{Seed: mixture.DefaultSeed}})
		if err != nil {
			t.Fatal(err)
		}
		bic[k] = f.BICPersons
		if k == 4 {
			fit4 = f
		}
	}
	if !(bic[4] < bic[3] && bic[4] < bic[5]) {
		t.Errorf("BIC for 3, 4, 5 groups: %.1f %.1f %.1f; 4 is not the smallest", bic[3], bic[4], bic[5])
	}
	used := map[int]string{}
	for _, g := range groupOrder {
		counts := make([]int, 4)
		n := 0
		for i := range co.group {
			if co.group[i] == g {
				counts[fit4.Assigned[i]-1]++
				n++
			}
		}
		best := 0
		for j, v := range counts {
			if v > counts[best] {
				best = j
			}
		}
		frac := float64(counts[best]) / float64(n)
		fg := fit4.Groups[best]
		t.Logf("%s: %.0f%% in fitted group %d (share %.3f)", g, 100*frac, best+1, fg.Share)
		if frac < 0.7 {
			t.Errorf("%s: only %.0f%% of its members in one fitted group", g, 100*frac)
		}
		if other, ok := used[best]; ok {
			t.Errorf("%s and %s share fitted group %d", g, other, best+1)
		}
		used[best] = g
		if share := Lookup("share-" + g); !share.Within(100 * fg.Share) {
			t.Errorf("%s: fitted share %.3f, published %s", g, fg.Share, share.Published)
		}
		if g == EarlyPeak || g == LatePeak {
			if peak := Lookup(g + "-peak-age"); !peak.Within(float64(fg.PeakAge())) {
				t.Errorf("%s: fitted curve peaks at %d, published %s", g, fg.PeakAge(), peak.Published)
			}
		}
	}
}

// TestNL630Calibration prints the figures of a large cohort drawn from the
// generator, to see what its parameters give apart from sampling error:
//
//	go test ./trajectory/study/nl630 -run Calibration -v -args -nl630-calibrate 400000 -nl630-seed 1
func TestNL630Calibration(t *testing.T) {
	if *calibrate == 0 {
		t.Skip("give -nl630-calibrate N")
	}
	f := generate(t, *calibrate, *calSeed)
	co, err := loadCohort(f["long.csv"], f["persons.csv"], f["truth.csv"])
	if err != nil {
		t.Fatal(err)
	}
	for _, fg := range figures {
		v := fg.value(co)
		mark := ""
		if !fg.pass(co, v) {
			mark = "  <- misses"
		}
		t.Logf("%-28s %10s  published %s, %s%s", fg.id, fg.format(v), Lookup(fg.id).Published, fg.criterion(), mark)
	}
}

// TestNL630Seeds counts the seeds from 20240228 on whose 630 persons meet
// every target, and which targets the others miss:
//
//	go test ./trajectory/study/nl630 -run Seeds -v -args -nl630-seeds 300
func TestNL630Seeds(t *testing.T) {
	if *seeds == 0 {
		t.Skip("give -nl630-seeds N")
	}
	pass := 0
	misses := map[string]int{}
	for k := 0; k < *seeds; k++ {
		seed := uint64(20240228 + k)
		f := generate(t, 630, seed)
		co, err := loadCohort(f["long.csv"], f["persons.csv"], f["truth.csv"])
		if err != nil {
			t.Fatal(err)
		}
		ok := true
		for _, fg := range figures {
			if !fg.pass(co, fg.value(co)) {
				ok = false
				misses[fg.id]++
			}
		}
		if ok {
			if pass == 0 {
				t.Logf("first seed meeting every target: %d", seed)
			}
			pass++
		}
	}
	t.Logf("%d of %d seeds meet every target; misses by figure: %v", pass, *seeds, misses)
}
