package mixture

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"sort"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats"
)

func TestPosteriorSumsToOne(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const k, n = 4, 200
	lj := make([][]float64, k)
	for j := range lj {
		lj[j] = make([]float64, n)
		for i := range lj[j] {
			lj[j][i] = -1000 * rng.Float64()
			if i%17 == j {
				lj[j][i] = math.Inf(-1) // a group with zero density
			}
		}
	}
	// A person with every density zero gets posteriors 1/K.
	for j := range lj {
		lj[j][5] = math.Inf(-1)
	}
	want := make([]float64, n)
	for i := range want {
		col := make([]float64, k)
		for j := range col {
			col[j] = lj[j][i]
		}
		want[i] = floats.LogSumExp(col)
	}
	personLL := make([]float64, n)
	post := make([][]float64, k)
	for j := range post {
		post[j] = make([]float64, n)
	}
	total := Posterior(post, lj, personLL, 0, n)
	var sum float64
	for i := 0; i < n; i++ {
		var s float64
		for j := 0; j < k; j++ {
			p := post[j][i]
			if p < 0 || p > 1 || math.IsNaN(p) {
				t.Fatalf("person %d group %d: posterior %v", i, j, p)
			}
			s += p
		}
		if math.Abs(s-1) > 1e-14 {
			t.Errorf("person %d: posteriors sum to %v", i, s)
		}
		if personLL[i] != want[i] && !(math.IsInf(want[i], -1) && math.IsInf(personLL[i], -1)) {
			t.Errorf("person %d: log-likelihood %v, want %v", i, personLL[i], want[i])
		}
		sum += personLL[i]
	}
	if total != sum && !(math.IsInf(total, -1) && math.IsInf(sum, -1)) {
		t.Errorf("total %v, sum of persons %v", total, sum)
	}
}

func TestCriteria(t *testing.T) {
	// Closed forms: BIC = −2ℓ + p ln n, AIC = −2ℓ + 2p.
	if got, want := BIC(-100, 5, 50), 200+5*math.Log(50); math.Abs(got-want) > 1e-12 {
		t.Errorf("BIC = %v, want %v", got, want)
	}
	if got := AIC(-100, 5); got != 210 {
		t.Errorf("AIC = %v, want 210", got)
	}
	// Relative entropy: 1 for hard posteriors, 0 for uniform ones, NaN
	// for one group.
	hard := [][]float64{{1, 0, 1}, {0, 1, 0}}
	unif := [][]float64{{0.5, 0.5}, {0.5, 0.5}}
	if e := RelativeEntropy(hard); e != 1 {
		t.Errorf("entropy of hard posteriors = %v, want 1", e)
	}
	if e := RelativeEntropy(unif); math.Abs(e) > 1e-15 {
		t.Errorf("entropy of uniform posteriors = %v, want 0", e)
	}
	if e := RelativeEntropy([][]float64{{1, 1}}); !math.IsNaN(e) {
		t.Errorf("entropy with one group = %v, want NaN", e)
	}
}

func TestEMNeverDecreases(t *testing.T) {
	y := toyData(3000, []float64{0.5, 0.3, 0.2}, []float64{0.5, 3, 9}, 7)
	res, err := Fit(toyProblem(y, 3), &Settings{Starts: 6, Keep: 6, Seed: 3, ShortIterations: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Trace) < 3 {
		t.Fatalf("trace has %d entries", len(res.Trace))
	}
	for j := 1; j < len(res.Trace); j++ {
		if res.Trace[j] < res.Trace[j-1]-1e-12*math.Abs(res.Trace[j]) {
			t.Errorf("iteration %d: log-likelihood fell from %.12f to %.12f", j, res.Trace[j-1], res.Trace[j])
		}
	}
	if res.Trace[len(res.Trace)-1] != res.LogLik {
		t.Errorf("last trace entry %v differs from the log-likelihood %v", res.Trace[len(res.Trace)-1], res.LogLik)
	}
}

// TestRecoverToyMixture checks that EM recovers known parameters from data
// simulated from the model (20,000 persons): shares within 0.02, rates
// within 5%.
func TestRecoverToyMixture(t *testing.T) {
	shares := []float64{0.3, 0.7}
	rates := []float64{1, 8}
	y := toyData(20000, shares, rates, 11)
	res, err := Fit(toyProblem(y, 2), &Settings{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != Converged {
		t.Fatalf("status %v", res.Status)
	}
	type grp struct{ share, rate float64 }
	var got []grp
	for j, c := range res.Components {
		got = append(got, grp{res.Shares[j], math.Exp(c.Params(nil)[0])})
	}
	sort.Slice(got, func(a, b int) bool { return got[a].rate < got[b].rate })
	for j, g := range got {
		if math.Abs(g.share-shares[j]) > 0.02 {
			t.Errorf("group %d: share %.4f, want %.2f ± 0.02", j, g.share, shares[j])
		}
		if math.Abs(g.rate/rates[j]-1) > 0.05 {
			t.Errorf("group %d: rate %.4f, want %.1f ± 5%%", j, g.rate, rates[j])
		}
	}
	if res.Starts.ReachedBest < 1 || res.Starts.Total != DefaultStarts || res.Starts.RunToConvergence != DefaultKeep {
		t.Errorf("start report %+v", res.Starts)
	}
}

// TestDeterministic checks that the same seed gives identical bits with
// one thread or several, in every path of the engine: plain EM, SQUAREM,
// runs on a sample of the persons (with weight 0 outside it, and on the
// problem's subset), and parameters shared by the groups. The data span
// several shards; another seed gives another run.
func TestDeterministic(t *testing.T) {
	// Three shards, more than twice the sample's one.
	y := toyData(2*ShardSize+17, []float64{0.4, 0.35, 0.25}, []float64{0.3, 2, 6}, 5)
	z := normData(2*ShardSize+17, []float64{0.5, 0.5}, []float64{0, 3}, 1, 4)
	var asked []int
	for _, tc := range []struct {
		name    string
		problem func() *Problem
		s       Settings
	}{
		{"plain", func() *Problem { return toyProblem(y, 3) }, Settings{Accelerate: PlainEM}},
		{"accelerate", func() *Problem { return toyProblem(y, 3) }, Settings{}},
		{"sample", func() *Problem { return toyProblem(y, 3) }, Settings{StartSample: ShardSize, Accelerate: PlainEM}},
		{"sample, accelerate", func() *Problem { return toyProblem(y, 3) }, Settings{StartSample: ShardSize, Accelerate: SQUAREM}},
		{"subset", func() *Problem { return toySubsetProblem(y, 3, &asked) }, Settings{StartSample: ShardSize}},
		{"shared, sample", func() *Problem { return normProblem(z, 2) }, Settings{StartSample: ShardSize}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var first *Result
			for _, threads := range []int{1, 4} {
				s := tc.s
				s.Seed, s.Threads, s.Starts, s.Keep, s.MaxIterations = 9, threads, 3, 2, 40
				res, err := Fit(tc.problem(), &s)
				if err != nil {
					t.Fatal(err)
				}
				if first == nil {
					first = res
					if tc.s.StartSample > 0 && res.Starts.Sample == 0 {
						t.Fatalf("no runs on a sample: %+v", res.Starts)
					}
					continue
				}
				if res.LogLik != first.LogLik || !reflect.DeepEqual(res.Params, first.Params) ||
					!reflect.DeepEqual(res.Posterior, first.Posterior) || !reflect.DeepEqual(res.Trace, first.Trace) {
					t.Errorf("threads %d: result differs (loglik %v vs %v)", threads, res.LogLik, first.LogLik)
				}
			}
			s := tc.s
			s.Seed, s.Starts, s.Keep, s.MaxIterations = 10, 3, 2, 40
			other, err := Fit(tc.problem(), &s)
			if err != nil {
				t.Fatal(err)
			}
			if reflect.DeepEqual(other.Starts.LogLiks, first.Starts.LogLiks) {
				t.Errorf("a different seed gave the same runs: the seed is not used")
			}
		})
	}
}

// TestCollapsedGroupReported: more groups than the data hold are reported
// in the status, never deleted.
func TestCollapsedGroupReported(t *testing.T) {
	y := make([]float64, 500) // every count is 2: one group is enough
	for i := range y {
		y[i] = 2
	}
	res, err := Fit(toyProblem(y, 3), &Settings{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Components) != 3 || len(res.Shares) != 3 {
		t.Fatalf("got %d groups, want the 3 asked for", len(res.Components))
	}
	for _, v := range res.PersonLogLik {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatalf("person log-likelihood %v", v)
		}
	}
	if math.IsNaN(res.LogLik) {
		t.Fatal("NaN log-likelihood")
	}
}

func TestProblemErrors(t *testing.T) {
	if _, err := Fit(&Problem{}, nil); err == nil {
		t.Error("no groups: want an error")
	}
	if _, err := Fit(toyProblem(nil, 2), nil); err == nil {
		t.Error("no persons: want an error")
	}
	p := &Problem{Families: []Family{&toyFamily{y: []float64{1, 2}}, &toyFamily{y: []float64{1}}}}
	if _, err := Fit(p, nil); err == nil {
		t.Error("families of different lengths: want an error")
	}
}

// TestSettingsErrors: settings out of range are an error before any work,
// and threads beyond MaxThreads are MaxThreads.
func TestSettingsErrors(t *testing.T) {
	p := toyProblem(toyData(50, []float64{0.5, 0.5}, []float64{1, 5}, 1), 2)
	for _, tc := range []struct {
		name string
		s    Settings
		msg  string
	}{
		{"too many starts", Settings{Starts: MaxStarts + 1}, "mixture: 100001 starts: expected at most 100000"},
		{"an infinite tolerance", Settings{Tolerance: math.Inf(1)}, "mixture: tolerance +Inf: expected a finite number > 0"},
		{"a NaN score tolerance", Settings{ScoreTolerance: math.NaN()}, "mixture: score tolerance NaN"},
		{"a collapse share of 1", Settings{CollapseShare: 1}, "mixture: collapse share 1: expected a share below 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Fit(p, &tc.s); err == nil || !strings.HasPrefix(err.Error(), tc.msg) {
				t.Errorf("error %v, want %q", err, tc.msg)
			}
		})
	}
	if n := Threads(1 << 40); n != MaxThreads {
		t.Errorf("Threads(2^40) = %d, want %d", n, MaxThreads)
	}
	if _, err := Fit(p, &Settings{Starts: 4, Threads: 1 << 40}); err != nil {
		t.Errorf("2^40 threads: %v", err)
	}
}

// TestWarningText: a warning about groups puts their numbers in front of
// the message, keeps them through Renumber, and reads back from its JSON
// form and from the plain string of files without kinds.
func TestWarningText(t *testing.T) {
	w := Warnf(CollapsedGroup, []int{3}, "the group collapsed: its share %.1g is below %.3g", 0.001, 0.005)
	if got, want := w.String(), "group 3: the group collapsed: its share 0.001 is below 0.005"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	two := Warnf(StartsDisagree, []int{1, 2}, "x").Renumber(func(g int) int { return 4 - g })
	if got, want := two.String(), "groups 2 and 3: x"; got != want {
		t.Errorf("renumbered String() = %q, want %q", got, want)
	}
	b, err := json.Marshal(Warnf(NotConverged, nil, "stopped"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"kind":"not-converged","groups":[],"message":"stopped"}`; got != want {
		t.Errorf("JSON %s, want %s", got, want)
	}
	for _, tc := range []struct {
		in   string
		want Warning
	}{
		{string(b), Warning{Kind: NotConverged, Groups: []int{}, Message: "stopped"}},
		{`"group 2 collapsed: share 0.001"`, Warning{Message: "group 2 collapsed: share 0.001"}},
	} {
		var got Warning
		if err := json.Unmarshal([]byte(tc.in), &got); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s read as %+v, want %+v", tc.in, got, tc.want)
		}
	}
}

// TestCollapsedGroupNumbered: a group that collapses is named by its
// 1-based number in the order of Problem.Families. The start gives group
// 2 the rate of group 1 and a share of 1e-9, which EM keeps (its
// posteriors stay 1e-9 times group 1's).
func TestCollapsedGroupNumbered(t *testing.T) {
	y := toyData(2000, []float64{0.5, 0.5}, []float64{1, 6}, 3)
	p := toyProblem(y, 3)
	p.InitialParams = [][]float64{{0, math.Log(2e-9), 0, 0, math.Log(6)}}
	res, err := Fit(p, &Settings{Starts: 1})
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, w := range res.Warnings {
		if w.Kind == CollapsedGroup {
			found = true
			if !reflect.DeepEqual(w.Groups, []int{2}) {
				t.Errorf("collapsed group %v, want [2] (shares %v)", w.Groups, res.Shares)
			}
		}
	}
	if !found || res.Status != Degenerate {
		t.Errorf("status %v, warnings %v; want degenerate with group 2 collapsed (shares %v)", res.Status, res.Warnings, res.Shares)
	}
}

// TestCount: the engine's messages count in the singular for one ("after
// 1 iteration"), as the module's words.Count does.
func TestCount(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want string
	}{{0, "0 iterations"}, {1, "1 iteration"}, {2, "2 iterations"}, {10000, "10000 iterations"}} {
		if got := count(tc.n, "iteration"); got != tc.want {
			t.Errorf("count(%d, iteration) = %q, want %q", tc.n, got, tc.want)
		}
	}
}
