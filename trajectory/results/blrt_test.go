package results

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/mixture"
	"github.com/trajkit/trajkit/trajectory"
)

// TestSelectionBLRTRoundTrip: the bootstrap likelihood-ratio tests go
// into selection.csv on the row of their K (empty cells elsewhere) and
// into selection.json, and read back; the recommendation rule is named in
// the criteria.
func TestSelectionBLRTRoundTrip(t *testing.T) {
	s := trajectory.WindowScaling(12, 30)
	tr := trajectory.TruthFromCoefficients(s, 12, 30, []float64{0.6, 0.4}, [][]float64{{-1.5}, {0.5, -0.5}}, nil)
	c, _, err := trajectory.Simulate(tr, trajectory.Design{Persons: 200}, 9)
	if err != nil {
		t.Fatal(err)
	}
	ss := trajectory.SelectSettings{Distribution: trajectory.Poisson, MinGroups: 1, MaxGroups: 2, MinOrder: 1, MaxOrder: 1, BLRT: 5, Recommend: trajectory.RecommendBLRT,
		Fit: trajectory.Settings{Search: mixture.Settings{Seed: 1, Starts: 4, Keep: 2}}}
	sel, err := trajectory.Select(c, ss)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := Save(context.Background(), dir, "test", nil, func(s *Set) error { return WriteSelection(s, sel, ss, Options{}) }); err != nil {
		t.Fatal(err)
	}
	back, err := ReadSelection(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := back.Table.Candidates[0].BLRT; got != nil {
		t.Errorf("K = 1 read back with a test %+v", got)
	}
	want, got := sel.Candidates[1].BLRT, back.Table.Candidates[1].BLRT
	if want == nil || got == nil {
		t.Fatalf("K = 2: test written %+v, read back %+v", want, got)
	}
	// FormatFloat writes the shortest decimal that reads back exactly.
	if got.LR != want.LR || got.P != want.P || got.Replicates != 5 || got.Failed != want.Failed || got.Negative != want.Negative || got.Groups != 2 {
		t.Errorf("K = 2: test read back %+v, written %+v", got, want)
	}
	f := back.File
	if f.BLRT == nil || len(f.BLRT.Tests) != 1 || f.BLRT.Replicates != 5 || f.BLRT.Level != trajectory.BLRTLevel || f.BLRT.RandomStarts != trajectory.BLRTRandomStarts {
		t.Fatalf("selection.json blrt: %+v", f.BLRT)
	}
	if tt := f.BLRT.Tests[0]; tt.NullGroups != 1 || tt.Groups != 2 || tt.P != want.P || len(tt.LRStar) != 5 {
		t.Errorf("selection.json test %+v, want 1 vs 2 groups, p %v, 5 replicates", tt, want.P)
	}
	if f.Criteria.Recommend != trajectory.RecommendBLRT || !strings.Contains(f.Criteria.Rule, "bootstrap likelihood-ratio") {
		t.Errorf("criteria %+v do not name the BLRT rule", f.Criteria)
	}
	// A malformed cell of a test is an error naming it.
	_, err = ReadSelectionCSV(strings.NewReader("groups,bic_persons,bic_obs,aic,blrt_replicates\n2,1,2,3,x\n"), "sel.csv")
	if err == nil || !strings.Contains(err.Error(), `column "blrt_replicates": "x" is not a count`) {
		t.Errorf("error %v", err)
	}
	v, err := ReadSelectionCSV(strings.NewReader("groups,bic_persons,bic_obs,aic,blrt_p\n2,1,2,3,0.25\n"), "sel.csv")
	if err != nil || v.Candidates[0].BLRT == nil || v.Candidates[0].BLRT.P != 0.25 || !math.IsNaN(v.Candidates[0].BLRT.LR) {
		t.Errorf("a table with blrt_p alone: %v, %+v", err, v)
	}
}
