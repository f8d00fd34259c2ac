package trajectory

import (
	"encoding/json"
	"fmt"

	"github.com/trajkit/trajkit/mixture"
)

// candidateJSON is a Candidate as a checkpoint stores it: every field
// Select needs to take it as finished (SelectSettings.Done), parameters
// in full precision (encoding/json writes the shortest decimal that reads
// back to the same float64), undefined values as null.
type candidateJSON struct {
	Groups          int            `json:"groups"`
	Orders          []int          `json:"orders"`
	Inflation       []int          `json:"inflation"`
	LogLik          Float          `json:"loglik"`
	NumParams       int            `json:"n_params"`
	BICPersons      Float          `json:"bic_persons"`
	BICObs          Float          `json:"bic_obs"`
	AIC             Float          `json:"aic"`
	Entropy         Float          `json:"entropy"`
	MinAPP          Float          `json:"min_app"`
	MinOCC          Float          `json:"min_occ"`
	SmallestShare   Float          `json:"smallest_share"`
	ReachedBest     int            `json:"reached_best"`
	Status          mixture.Status `json:"status"`
	Adequate        bool           `json:"adequate"`
	AdequacyFailure string         `json:"adequacy_failure,omitempty"`
	CVLogLik        Float          `json:"cv_loglik"`
	CVE             Float          `json:"cve"`
	Params          []float64      `json:"params"`
	Start           []float64      `json:"start"`
	NMemb           int            `json:"n_membership"`
	NTcov           int            `json:"n_tcov"`
	NExtra          int            `json:"n_extra,omitempty"`
	NShared         int            `json:"n_shared,omitempty"`
	Split           []splitGroup   `json:"split"`
	Risk            bool           `json:"risk"`
}

// MarshalJSON writes the candidate with everything a resumed Select
// needs of it (SelectSettings.Done), parameters in full precision.
func (c *Candidate) MarshalJSON() ([]byte, error) {
	return json.Marshal(candidateJSON{
		Groups: c.Groups, Orders: c.Orders, Inflation: c.Inflation, LogLik: Float(c.LogLik), NumParams: c.NumParams,
		BICPersons: Float(c.BICPersons), BICObs: Float(c.BICObs), AIC: Float(c.AIC), Entropy: Float(c.Entropy),
		MinAPP: Float(c.MinAPP), MinOCC: Float(c.MinOCC), SmallestShare: Float(c.SmallestShare), ReachedBest: c.ReachedBest,
		Status: c.Status, Adequate: c.Adequate, AdequacyFailure: c.adequacyFailure, CVLogLik: Float(c.CVLogLik), CVE: Float(c.CVE),
		Params: c.Params, Start: c.start, NMemb: c.nmemb, NTcov: c.ntcov, Split: c.split, Risk: c.risk,
		NExtra: c.nextra, NShared: c.nshared,
	})
}

// UnmarshalJSON reads what MarshalJSON wrote.
func (c *Candidate) UnmarshalJSON(b []byte) error {
	var j candidateJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	if j.Groups < 1 || len(j.Orders) != j.Groups || len(j.Inflation) != j.Groups || len(j.Split) == 0 || len(j.Start) == 0 {
		return fmt.Errorf("candidate: %d groups with %d orders, %d inflation orders, %d groups to split and %d parameters: not a finished candidate",
			j.Groups, len(j.Orders), len(j.Inflation), len(j.Split), len(j.Start))
	}
	*c = Candidate{
		Groups: j.Groups, Orders: j.Orders, Inflation: j.Inflation, LogLik: float64(j.LogLik), NumParams: j.NumParams,
		BICPersons: float64(j.BICPersons), BICObs: float64(j.BICObs), AIC: float64(j.AIC), Entropy: float64(j.Entropy),
		MinAPP: float64(j.MinAPP), MinOCC: float64(j.MinOCC), SmallestShare: float64(j.SmallestShare), ReachedBest: j.ReachedBest,
		Status: j.Status, Adequate: j.Adequate, adequacyFailure: j.AdequacyFailure, CVLogLik: float64(j.CVLogLik), CVE: float64(j.CVE),
		Params: j.Params, start: j.Start, nmemb: j.NMemb, ntcov: j.NTcov, split: j.Split, risk: j.Risk,
		nextra: j.NExtra, nshared: j.NShared,
	}
	return nil
}
