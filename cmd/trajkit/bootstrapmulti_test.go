package main

import (
	"strings"
	"testing"

	"github.com/trajkit/trajkit/trajectory/results"
)

// TestFitOutcomesBootstrap: fit --outcomes --bootstrap writes percentile
// intervals of the shares and of every outcome's curves, and the report.
func TestFitOutcomesBootstrap(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := trajkit(t, "fit", "--data", "example:nl630-outcomes", "--outcomes", "thb,other", "--groups", "2", "--ages", "12-40",
		"--dist", "thb=poisson", "--dist", "other=zip", "--order", "1", "--starts", "3", "--bootstrap", "8", "--seed", "2", "--quiet", "--out", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "Bootstrap (person): 8 replicates") {
		t.Errorf("stdout lacks the bootstrap's report:\n%s", stdout)
	}
	fit, err := results.ReadFit(dir)
	if err != nil {
		t.Fatal(err)
	}
	if r := fit.BootstrapReport; r == nil || r.Replicates != 8 {
		t.Fatalf("bootstrap report %+v", r)
	}
	for j, g := range fit.Groups {
		if ci := g.ShareCIBoot; !(ci[0] <= g.Share && g.Share <= ci[1]) {
			t.Errorf("group %d: share %.4f, bootstrap interval %v", j+1, g.Share, ci)
		}
	}
	for _, out := range fit.Outcomes {
		for j, g := range out.Groups {
			if p := g.Curve[10]; !(float64(p.MeanLoBoot) <= p.Mean*(1+1e-9) && p.Mean <= float64(p.MeanHiBoot)*(1+1e-9)) {
				t.Errorf("outcome %s group %d age %d: mean %.4f, bootstrap interval %v-%v", out.Name, j+1, p.Age, p.Mean, p.MeanLoBoot, p.MeanHiBoot)
			}
		}
	}
}
