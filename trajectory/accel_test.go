package trajectory

import (
	"math"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/mixture"
)

// TestPlainEMReferenceMaxima: with plain EM (Settings.Accelerate PlainEM,
// --accelerate=false) the fits reach the peers' maxima of
// TestReferenceMaxima, which runs the default, SQUAREM (the shared
// reference table: flexmix 2.3-18 polished, crimCV 1.0.0), and the
// log-likelihood trace never decreases: on sim630 always, on the other
// data sets as a study (TRAJKIT_STUDIES=1, as in CI).
func TestPlainEMReferenceMaxima(t *testing.T) {
	for _, tc := range []struct {
		name, file, exposure string
		dist                 Distribution
		peer                 float64
	}{
		{"sim630 poisson", "../data/gbtm_sim/sim630.csv", "", Poisson, -11725.190055},
		{"sim630 zip", "../data/gbtm_sim/sim630.csv", "", ZIP, -11721.459748},
		{"sim5000 poisson", "../data/gbtm_sim/sim5000.csv", "", Poisson, -94415.964364},
		{"toronto1 adjusted poisson", "../data/toronto/TO1adj.csv", "", Poisson, -13537.399561},
		{"toronto1 exposure poisson", "../data/toronto/TO1_exposure.csv", "exposure", Poisson, -9428.622407},
		{"toronto1 adjusted zip", "../data/toronto/TO1adj.csv", "", ZIP, -11441.574849},
		{"toronto1 exposure zip", "../data/toronto/TO1_exposure.csv", "exposure", ZIP, -9125.587316},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !studies() && !strings.HasPrefix(tc.name, "sim630 ") {
				t.Skip("a study: TRAJKIT_STUDIES=1 runs it")
			}
			c := readCSVFile(t, tc.file, tc.exposure)
			res, err := Fit(c, mustModel(t, tc.dist, 4, nil, nil), &Settings{Search: mixture.Settings{Seed: 1, Accelerate: mixture.PlainEM}, NoSE: true})
			if err != nil {
				t.Fatal(err)
			}
			if res.LogLik < tc.peer-1e-3 {
				t.Errorf("log-likelihood %.6f is below the peer's %.6f", res.LogLik, tc.peer)
			}
			for j := 1; j < len(res.Trace); j++ {
				if res.Trace[j] < res.Trace[j-1]-1e-12*math.Abs(res.Trace[j]) {
					t.Errorf("step %d: log-likelihood fell from %.12f to %.12f", j, res.Trace[j-1], res.Trace[j])
				}
			}
			t.Logf("%s: %.6f, %d iterations in all", tc.name, res.LogLik, res.Starts.Iterations)
		})
	}
}
