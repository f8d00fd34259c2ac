package trajectory

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/trajkit/trajkit/mixture"
)

// TestSelectResume interrupts a search (order search, warm starts from
// one group fewer, cross-validation) after n candidates, passes the
// candidates it finished through their JSON to a second search
// (SelectSettings.Done), and checks that the resumed search ends with the
// candidates and the recommendation of an uninterrupted one, bit for bit.
func TestSelectResume(t *testing.T) {
	sc := WindowScaling(12, 35)
	tr := TruthFromCoefficients(sc, 12, 35, []float64{0.6, 0.4}, [][]float64{{-1.5, 0.2}, {0.5, -0.8, -1.2}}, nil)
	c, _, err := Simulate(tr, Design{Persons: 300}, 23)
	if err != nil {
		t.Fatal(err)
	}
	settings := func() SelectSettings {
		return SelectSettings{Distribution: Poisson, MinGroups: 1, MaxGroups: 3, MinOrder: 1, MaxOrder: 2, CV: 2,
			Fit: Settings{Search: mixture.Settings{Seed: 4, Starts: 8, Keep: 2}}}
	}
	marshal := func(cands []*Candidate) []string {
		var out []string
		for _, cd := range cands {
			b, err := json.Marshal(cd)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, string(b))
		}
		return out
	}
	want, err := Select(c, settings())
	if err != nil {
		t.Fatal(err)
	}
	wantJSON := marshal(want.Candidates)
	if len(wantJSON) < 5 {
		t.Fatalf("%d candidates: too few to interrupt in the middle of the order search", len(wantJSON))
	}
	for _, n := range []int{1, 2, 4} {
		ctx, cancel := context.WithCancel(context.Background())
		s := settings()
		s.Fit.Search.Context = ctx
		var saved [][]byte
		s.Progress = func(done int, cd *Candidate) {
			b, err := json.Marshal(cd)
			if err != nil {
				t.Fatal(err)
			}
			saved = append(saved, b)
			if done == n {
				cancel()
			}
		}
		if _, err := Select(c, s); !errors.Is(err, context.Canceled) {
			t.Fatalf("n=%d: interrupted search returned %v, want context.Canceled", n, err)
		}
		cancel()
		if len(saved) != n {
			t.Fatalf("n=%d: %d candidates finished", n, len(saved))
		}
		s = settings()
		for _, b := range saved {
			cd := new(Candidate)
			if err := json.Unmarshal(b, cd); err != nil {
				t.Fatal(err)
			}
			s.Done = append(s.Done, cd)
		}
		got, err := Select(c, s)
		if err != nil {
			t.Fatal(err)
		}
		gotJSON := marshal(got.Candidates)
		if len(gotJSON) != len(wantJSON) {
			t.Fatalf("n=%d: %d candidates resumed, %d uninterrupted", n, len(gotJSON), len(wantJSON))
		}
		for i := range gotJSON {
			if gotJSON[i] != wantJSON[i] {
				t.Errorf("n=%d: candidate %d differs:\n%s\nwant\n%s", n, i+1, gotJSON[i], wantJSON[i])
			}
		}
		if got.Reason != want.Reason || (got.Fit == nil) != (want.Fit == nil) || got.Fit != nil && got.Fit.LogLik != want.Fit.LogLik {
			t.Errorf("n=%d: recommendation %q, want %q", n, got.Reason, want.Reason)
		}
	}
	// Candidates of other settings are refused.
	s := settings()
	s.Done = want.Candidates[1:2]
	if _, err := Select(c, s); err == nil {
		t.Error("a search resumed with another search's candidate: no error")
	}
}

// TestSelectFoldProgress: FoldProgress sees every fold of every candidate
// end, and changes no candidate.
func TestSelectFoldProgress(t *testing.T) {
	sc := WindowScaling(12, 35)
	tr := TruthFromCoefficients(sc, 12, 35, []float64{0.6, 0.4}, [][]float64{{-1.5, 0.2}, {0.5, -0.8}}, nil)
	c, _, err := Simulate(tr, Design{Persons: 200}, 24)
	if err != nil {
		t.Fatal(err)
	}
	s := SelectSettings{Distribution: Poisson, MinGroups: 1, MaxGroups: 2, MinOrder: 1, MaxOrder: 1, CV: 3,
		Fit: Settings{Search: mixture.Settings{Seed: 2, Starts: 4, Keep: 2, Threads: 4}}}
	want, err := Select(c, s)
	if err != nil {
		t.Fatal(err)
	}
	reports := map[int]int{} // by groups
	s.FoldProgress = func(m Model, done, folds int) {
		reports[m.Groups()]++
		if folds != 3 || done < 1 || done > folds {
			t.Errorf("fold %d of %d", done, folds)
		}
	}
	got, err := Select(c, s)
	if err != nil {
		t.Fatal(err)
	}
	if reports[1] != 3 || reports[2] != 3 {
		t.Errorf("folds reported %v, want 3 for each K", reports)
	}
	for i := range got.Candidates {
		a, _ := json.Marshal(got.Candidates[i])
		b, _ := json.Marshal(want.Candidates[i])
		if string(a) != string(b) {
			t.Errorf("candidate %d changed with FoldProgress", i+1)
		}
	}
}
