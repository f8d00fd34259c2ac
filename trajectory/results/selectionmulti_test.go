package results

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/trajectory"
)

// TestSelectionMultiColumns: the candidates of a multi-trajectory search
// write a cve_NAME column per outcome after cve, read back into their
// outcomes, and selection.json's settings name the outcomes.
func TestSelectionMultiColumns(t *testing.T) {
	outs := func(a, b float64) []trajectory.CandidateOutcome {
		return []trajectory.CandidateOutcome{{Name: "thb", Distribution: trajectory.ZIP, Orders: []int{2, 2}, Inflation: []int{0, 0}, CVE: a},
			{Name: "other", Distribution: trajectory.Poisson, Orders: []int{3, 3}, Inflation: []int{-1, -1}, CVE: b}}
	}
	cands := []*trajectory.Candidate{
		{Groups: 1, LogLik: -500, BICPersons: 1010, BICObs: 1020, AIC: 1005, Entropy: math.NaN(), MinAPP: math.NaN(), MinOCC: math.NaN(), CVLogLik: -510, CVE: math.NaN(), Outcomes: outs(0.25, 0.5)[:2]},
		{Groups: 2, LogLik: -450, BICPersons: 960, BICObs: 970, AIC: 950, Entropy: 0.8, MinAPP: 0.9, MinOCC: 20, CVLogLik: -470, CVE: math.NaN(), Outcomes: outs(0.2, math.NaN()), Recommended: true},
	}
	var buf bytes.Buffer
	if err := WriteSelectionCSV(&buf, cands); err != nil {
		t.Fatal(err)
	}
	head, _, _ := strings.Cut(buf.String(), "\n")
	if !strings.Contains(head, ",cv_loglik,cve,cve_thb,cve_other,blrt_lr,") {
		t.Fatalf("header %s", head)
	}
	back, err := ReadSelectionCSV(&buf, "selection.csv")
	if err != nil {
		t.Fatal(err)
	}
	got := back.Candidates[1].Outcomes
	if len(got) != 2 || got[0].Name != "thb" || got[0].CVE != 0.2 || !math.IsNaN(got[1].CVE) || back.Candidates[0].Outcomes[1].CVE != 0.5 {
		t.Errorf("read back %+v", got)
	}
	sel := &trajectory.Selection{Candidates: cands, Recommended: cands[1], BestBIC: cands[1], Outcomes: outs(math.NaN(), math.NaN())}
	b, err := json.Marshal(NewSelectionFile(sel, trajectory.SelectSettings{MinGroups: 1, MaxGroups: 2, CV: 5}))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"distribution":"multi"`, `"outcomes":[{"name":"thb","distribution":"zip","orders":[2,2],"inflation_orders":[0,0],"cve":0.2}`, `"settings":{"distribution":"multi","groups":[1,2],"orders":null,"inflation":null,`} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("selection.json lacks %s: %s", want, b)
		}
	}
}
