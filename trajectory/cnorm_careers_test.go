package trajectory

import (
	"bytes"
	"context"
	"math"
	"math/rand/v2"
	"reflect"
	"strconv"
	"testing"

	"github.com/trajkit/trajkit/mixture"
)

// cellsOf returns every cell of every person's window.
func cellsOf(c *Careers) [][]Cell {
	out := make([][]Cell, c.Len())
	for i := range out {
		c.Cells(i, func(x Cell) { out[i] = append(out[i], x) })
	}
	return out
}

// TestRealCareers: real values (negatives, zeros, holes) are kept by the
// builder and by every function that derives careers; the value 0 is the
// implicit cell; counts and real values do not mix.
func TestRealCareers(t *testing.T) {
	b := NewCareerBuilder()
	p := b.Person("a")
	q := b.Person("b")
	for _, x := range []struct {
		p, age int
		v      float64
	}{{p, 12, -1.5}, {p, 13, 0}, {p, 15, 2.25}, {q, 14, 0}, {q, 13, 7}} {
		if err := b.AddValue(x.p, x.age, x.v); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Add(p, 16, 3, 1); err == nil {
		t.Error("a count in real careers: no error")
	}
	if err := b.AddValue(p, 17, math.NaN()); err == nil {
		t.Error("a NaN value: no error")
	}
	c, err := b.Build(false)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Real() || len(c.V) != 4 || c.NumObs != 5 { // −1.5, the hole at 14, 2.25; 7
		t.Fatalf("real %v, %d special cells, %d observed: want true, 4 and 5", c.Real(), len(c.V), c.NumObs)
	}
	want := [][]Cell{
		{{Age: 12, Value: -1.5, Exposure: 1}, {Age: 13, Exposure: 1}, {Age: 14}, {Age: 15, Value: 2.25, Exposure: 1}},
		{{Age: 13, Value: 7, Exposure: 1}, {Age: 14, Exposure: 1}},
	}
	if got := cellsOf(c); !reflect.DeepEqual(got, want) {
		t.Fatalf("cells %v, want %v", got, want)
	}
	tc, err := c.WithTcov([]string{"w"}, func(i, age int) []float64 { return []float64{float64(age % 2)} })
	if err != nil {
		t.Fatal(err)
	}
	for name, d := range map[string]*Careers{
		"subset":    c.subset([]int{0, 1}),
		"regrid":    c.regrid(10, 20),
		"tcov":      tc,
		"restrict":  func() *Careers { r, _ := c.Restrict(10, 20); return r }(),
		"floor":     func() *Careers { r, _ := c.FloorExposure(0.5); return r }(),
		"bootstrap": c.subset([]int{1, 0}).subset([]int{1, 0}),
	} {
		if !d.Real() {
			t.Errorf("%s: not real-valued", name)
		}
		if got := cellsOf(d); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: cells %v, want %v", name, got, want)
		}
	}
	r, _ := c.Restrict(13, 14)
	if got, w := cellsOf(r), [][]Cell{{{Age: 13, Exposure: 1}}, {{Age: 13, Value: 7, Exposure: 1}, {Age: 14, Exposure: 1}}}; !reflect.DeepEqual(got, w) {
		t.Errorf("restricted to 13-14: %v, want %v", got, w)
	}
	cb := NewCareerBuilder()
	if err := cb.Add(cb.Person("x"), 12, 2, 1); err != nil {
		t.Fatal(err)
	}
	if err := cb.AddValue(0, 13, 1.5); err == nil {
		t.Error("a real value in count careers: no error")
	}
	if _, err := Fit(c, Model{Distribution: Poisson, Orders: []int{0}, Inflation: []int{-1}}, nil); err == nil {
		t.Error("a Poisson fit of real values: no error")
	}
	counts, _ := cb.Build(false)
	if _, err := Fit(counts, Model{Distribution: CNorm, Orders: []int{0}, Inflation: []int{-1}, Censor: Censoring{0, 10}}, nil); err == nil {
		t.Error("a cnorm fit of counts: no error")
	}
}

// TestCnormSteadyState: a group's log-likelihoods and warm M-step allocate
// nothing once set up.
func TestCnormSteadyState(t *testing.T) {
	c, _, _ := cnormCareers(t, 500, 4, Censoring{0, 8})
	for _, byGroup := range []bool{false, true} {
		m := Model{Distribution: CNorm, Orders: []int{2}, Inflation: []int{-1}, Censor: Censoring{0, 8}, SigmaByGroup: byGroup}
		fams, _ := families(c, WindowScaling(c.MinAge, c.MaxAge()), m)
		comp := fams[0].NewComponent()
		w := make([]float64, c.Len())
		for i := range w {
			w[i] = 0.5
		}
		ll := make([]float64, c.Len())
		fams[0].Fit(context.Background(), comp, w, false)
		if n := testing.AllocsPerRun(5, func() {
			comp.LogLik(ll, 0, c.Len())
			fams[0].Fit(context.Background(), comp, w, true)
		}); n != 0 {
			t.Errorf("σ by group %v: %v allocations per iteration", byGroup, n)
		}
	}
}

// TestCnormSameBits: the same seed gives the same model file at one and at
// four threads, over several shards, with the shared σ.
func TestCnormSameBits(t *testing.T) {
	c, _, _ := cnormCareers(t, 2*4096+300, 6, Censoring{0, 8})
	m := Model{Distribution: CNorm, Orders: []int{2, 2, 2}, Inflation: []int{-1, -1, -1}, Censor: Censoring{0, 8}}
	first := fitFileJSON(t, c, m, &Settings{Search: mixture.Settings{Seed: 4, Starts: 4, Keep: 2, Threads: 1}})
	if got := fitFileJSON(t, c, m, &Settings{Search: mixture.Settings{Seed: 4, Starts: 4, Keep: 2, Threads: 4}}); !bytes.Equal(got, first) {
		t.Errorf("threads 4: the fit differs from one thread's")
	}
}

// TestCnormBootstrap: both bootstraps of a cnorm fit run, the parametric
// one on censored normal draws (TruthFromFit), and give intervals around
// the estimates.
func TestCnormBootstrap(t *testing.T) {
	c, _, _ := cnormCareers(t, 600, 8, Censoring{0, 8})
	m := Model{Distribution: CNorm, Orders: []int{1, 1}, Inflation: []int{-1, -1}, Censor: Censoring{0, 8}}
	f, err := Fit(c, m, &Settings{Search: mixture.Settings{Seed: 1, Starts: 2}})
	if err != nil {
		t.Fatal(err)
	}
	tr := TruthFromFit(f)
	if len(tr.LatentMean) != 2 || len(tr.Sigma) != 2 || tr.Censor != (Censoring{0, 8}) || tr.Sigma[0] != tr.Sigma[1] {
		t.Fatalf("truth from the fit: %d latent curves, σ %v, censoring %+v", len(tr.LatentMean), tr.Sigma, tr.Censor)
	}
	sim, _, err := Simulate(tr, Design{Persons: 50}, 3)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range sim.V {
		if v < 0 || v > 8 {
			t.Fatalf("simulated value %v outside [0, 8]", v)
		}
	}
	for _, typ := range []string{PersonBootstrap, ParametricBootstrap} {
		g := *f
		g.Groups = append([]Group(nil), f.Groups...)
		if err := g.Bootstrap(c, &Settings{Search: mixture.Settings{Seed: 1, Starts: 2}}, BootstrapSettings{Replicates: 8, Type: typ, Seed: 2}); err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
		if g.BootstrapReport == nil || g.BootstrapReport.Failed > 0 {
			t.Errorf("%s: report %+v", typ, g.BootstrapReport)
		}
	}
}

// BenchmarkCnormIteration is one EM iteration's work of three censored
// normal groups on one thread, σ by group: each group's log-likelihood of
// every person and its warm M-step from fixed weights.
func BenchmarkCnormIteration(b *testing.B) {
	tr := cnormTruth(Censoring{0, 8}, []float64{1.5, 1.5, 1.5})
	c, _, err := Simulate(tr, Design{Persons: 20000, CensorShare: 0.3, HoleShare: 0.05}, 1)
	if err != nil {
		b.Fatal(err)
	}
	m := Model{Distribution: CNorm, Orders: []int{2, 3, 2}, Inflation: []int{-1, -1, -1}, Censor: Censoring{0, 8}, SigmaByGroup: true}
	fams, _ := families(c, WindowScaling(c.MinAge, c.MaxAge()), m)
	comps := make([]mixture.Component, len(fams))
	ll := make([]float64, c.Len())
	w := make([]float64, c.Len())
	for i := range w {
		w[i] = 1.0 / 3
	}
	for j, f := range fams {
		comps[j] = f.NewComponent()
		f.Fit(context.Background(), comps[j], w, false)
	}
	b.ReportAllocs()
	for b.Loop() {
		for j, f := range fams {
			comps[j].LogLik(ll, 0, c.Len())
			f.Fit(context.Background(), comps[j], w, true)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(c.Len()+len(c.V)), "ns/(person+cell)")
}

// TestCnormMatchGroups: the bootstrap matches censored normal groups by
// their expected values, which may be negative (censoring below 0).
func TestCnormMatchGroups(t *testing.T) {
	sigma := 1.0
	group := func(means ...float64) Group {
		g := Group{Sigma: &sigma}
		for _, m := range means {
			g.Curve = append(g.Curve, CurvePoint{Mean: m})
		}
		return g
	}
	orig := []Group{group(-2.5, -2, -1.8), group(-0.5, 0.2, 0.4), group(3, 3.5, 4)}
	rep := []Group{group(3.1, 3.4, 4.2), group(-2.4, -2.1, -1.7), group(-0.4, 0.1, 0.5)}
	if got := matchGroups(orig, rep); !reflect.DeepEqual(got, []int{1, 2, 0}) {
		t.Errorf("matched %v, want [1 2 0]", got)
	}
}

// TestCnormSigmaFloor: persons who all have one uncensored value make a
// group's likelihood grow without bound as its σ goes to 0; the fit stays
// finite, with σ at or above its floor.
func TestCnormSigmaFloor(t *testing.T) {
	b := NewCareerBuilder()
	rng := rand.New(rand.NewPCG(3, 3))
	for i := 0; i < 200; i++ {
		p := b.Person(strconv.Itoa(i))
		for age := 20; age < 26; age++ {
			v := 5.0
			if i >= 20 {
				v = math.Round(2+1.5*rng.NormFloat64()*10) / 10
			}
			if err := b.AddValue(p, age, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	c, err := b.Build(false)
	if err != nil {
		t.Fatal(err)
	}
	m := Model{Distribution: CNorm, Orders: []int{0, 0}, Inflation: []int{-1, -1}, Censor: Censoring{0, 10}, SigmaByGroup: true}
	// EM creeps towards the floor (a boundary, where the score is not
	// 0): a status, not an error.
	f, err := Fit(c, m, &Settings{Search: mixture.Settings{Seed: 1, Starts: 4, MaxIterations: 500}})
	if err != nil {
		t.Fatal(err)
	}
	if math.IsNaN(f.LogLik) || math.IsInf(f.LogLik, 0) {
		t.Fatalf("log-likelihood %v", f.LogLik)
	}
	low := math.Inf(1)
	for _, g := range f.Groups {
		low = math.Min(low, *g.Sigma)
	}
	if floor := minSigmaShare * 10; low < floor*(1-1e-9) {
		t.Errorf("smallest σ %g below the floor %g", low, floor)
	}
}
