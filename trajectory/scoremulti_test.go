package trajectory

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/mixture"
)

// TestScoreMultiOwnCareers: a multi-trajectory model scores the careers it
// was fitted to with its own posteriors and log-likelihood (to 1e-9).
func TestScoreMultiOwnCareers(t *testing.T) {
	outs, _ := multiOutcomes(t, 400, 6)
	f, err := FitMulti(outs, &Settings{Search: mixture.Settings{Starts: 3, Seed: 1}, NoSE: true})
	if err != nil {
		t.Fatal(err)
	}
	sc, err := f.ScoreMulti([]*Careers{outs[0].Careers, outs[1].Careers}, nil, 2)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(sc.LogLik-f.LogLik) > 1e-9*math.Abs(f.LogLik) {
		t.Errorf("log-likelihood %.10f scored, %.10f fitted", sc.LogLik, f.LogLik)
	}
	for j := range f.Groups {
		for i := range sc.IDs {
			if d := math.Abs(sc.Posterior[j][i] - f.Posterior[j][i]); d > 1e-9 {
				t.Fatalf("person %s group %d: posterior %.12f scored, %.12f fitted", sc.IDs[i], j+1, sc.Posterior[j][i], f.Posterior[j][i])
			}
		}
	}
	if !reflect.DeepEqual(sc.Assigned, f.Assigned) {
		t.Error("groups assigned differ from the fit's")
	}
	if _, err := f.Score(outs[0].Careers, nil, 1); err == nil {
		t.Error("Score of a multi model with one outcome's careers accepted")
	}
}

// TestDualBootstrapNeedsBothOutcomes: a dual trajectory model is
// bootstrapped with the careers of both its outcomes (TestBootstrapDual);
// given one outcome's, Bootstrap and BootstrapMulti return an error
// rather than numbers of the wrong model. Scoring one is
// TestScoreDualInSample's.
func TestDualBootstrapNeedsBothOutcomes(t *testing.T) {
	a, b := dualOutcomes(t, 200)
	f, err := FitDual(a, b, &Settings{Search: mixture.Settings{Starts: 2, Seed: 1}, NoSE: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Bootstrap(a.Careers, nil, BootstrapSettings{Replicates: 2}); err == nil || !strings.Contains(err.Error(), "dual model of 2 outcomes and careers of 1") {
		t.Errorf("Bootstrap of a dual model with one outcome's careers: error %v", err)
	}
	if err := f.BootstrapMulti([]*Careers{a.Careers}, nil, BootstrapSettings{Replicates: 2}); err == nil || !strings.Contains(err.Error(), "careers of 1") {
		t.Errorf("BootstrapMulti of a dual model with one outcome's careers: error %v", err)
	}
}
