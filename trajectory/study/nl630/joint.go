package nl630

import (
	"fmt"
	"strings"

	"github.com/trajkit/trajkit/trajectory"
	"github.com/trajkit/trajkit/trajectory/careersio"
)

// CohortOutcomes is the embedded cohort's file of its two outcomes, the
// trafficking (thb) and the other cases (outcomes.csv).
const CohortOutcomes = "example:nl630-outcomes"

// JointOutcomes are the columns of the joint profile's outcomes, the
// other cases first: the groups are numbered, and labelled by shape, by
// the other cases, which carry the career.
var JointOutcomes = []string{"other", "thb"}

// JointTitles name JointOutcomes in the report's headings, in their order.
var JointTitles = []string{"other cases", "trafficking (THB) cases"}

// JointOrder is the polynomial order of every group's trafficking cases in
// the joint profile: rare counts, a rise and a fall.
const JointOrder = 2

// JointSource returns where the joint profile's careers are read, given
// the source the reproduction read its careers from (src): the same file,
// or for the embedded cohort (IsCohort) its file of two outcomes
// (CohortOutcomes) in that file's own layout; the same reading options and
// dialect, but the outcomes JointOutcomes, each a count column of its own
// name with every exposure 1; every observed age (FitJoint restricts them
// to the reproduction's window); no time-varying covariates and no person
// file.
func JointSource(src careersio.Source) careersio.Source {
	j := src
	if IsCohort(src.Data) {
		j.Data, j.Sheet, j.Read.Format = CohortOutcomes, "", ""
	}
	j.Ages, j.Tcov = [2]int{}, nil
	j.Read.Count, j.Read.Exposure, j.Read.Real, j.Binarize = "", "", false, false
	j.Persons, j.PersonsSheet, j.Risk, j.DropMissing, j.Categorical, j.Weights = "", "", nil, false, nil, ""
	j.Outcomes = make([]careersio.OutcomeColumns, len(JointOutcomes))
	for o, name := range JointOutcomes {
		j.Outcomes[o] = careersio.OutcomeColumns{Name: name, Count: name}
	}
	return j
}

// Joint is the exploratory joint profile of the other and the
// trafficking cases.
type Joint struct {
	// Fit is the multi-trajectory model, its outcomes JointOutcomes, its
	// groups labelled by the shape of their other cases.
	Fit *trajectory.Fitted
	// Outcomes are the careers Fit was fitted to, one per outcome, in the
	// reproduction's window: the same persons in the order of Fit.
	Outcomes []*trajectory.Careers
	// Window is the reproduction's window, the ages modelled.
	Window [2]int
}

// FitJoint reads the careers of JointSource(src) and fits the joint
// profile on them (JointProfile) over the window of the reproduction r,
// with the settings s of the reproduction's fits (nil: the defaults); the
// fit records the data as read, in that window.
func FitJoint(src careersio.Source, r *Reproduction, s *trajectory.Settings) (*Joint, error) {
	l, err := careersio.Load(JointSource(src))
	if err != nil {
		return nil, err
	}
	var js trajectory.Settings
	if s != nil {
		js = *s
	}
	js.Data = l.Settings
	js.Data.Count, js.Data.Ages = "", fmt.Sprintf("%d-%d", r.Window[0], r.Window[1])
	if len(l.Outcomes) != len(JointOutcomes) {
		return nil, fmt.Errorf("%d outcomes for the joint profile, want %d (%s)", len(l.Outcomes), len(JointOutcomes), strings.Join(JointOutcomes, ", "))
	}
	in, _ := trajectory.RestrictOutcomes(l.Outcomes, r.Window[0], r.Window[1])
	f, err := fitJoint(in, r, &js)
	if err != nil {
		return nil, err
	}
	return &Joint{Fit: f, Outcomes: in, Window: r.Window}, nil
}

// JointProfile fits the four groups as joint profiles of the other and the
// trafficking cases: a multi-trajectory model (trajectory.FitMulti) on
// the careers of JointOutcomes (cs, one per outcome, as careersio reads
// them with Source.Outcomes), restricted to the reproduction's window, the
// other cases with the recommended model's distribution, orders and
// inflation orders, the trafficking cases Poisson of JointOrder. It is
// exploratory: the study publishes no joint model. The groups are
// labelled by the shape of their other cases (LabelByShape).
func JointProfile(cs []*trajectory.Careers, r *Reproduction, s *trajectory.Settings) (*trajectory.Fitted, error) {
	if len(cs) != len(JointOutcomes) {
		return nil, fmt.Errorf("%d outcomes for the joint profile, want %d (%s)", len(cs), len(JointOutcomes), strings.Join(JointOutcomes, ", "))
	}
	in, _ := trajectory.RestrictOutcomes(cs, r.Window[0], r.Window[1])
	return fitJoint(in, r, s)
}

// fitJoint is JointProfile on the careers in the window.
func fitJoint(in []*trajectory.Careers, r *Reproduction, s *trajectory.Settings) (*trajectory.Fitted, error) {
	k := len(r.Fit.Groups)
	thb, err := trajectory.NewModel(trajectory.Poisson, k, []int{JointOrder}, nil)
	if err != nil {
		return nil, err
	}
	outs := []trajectory.Outcome{
		{Name: JointOutcomes[0], Careers: in[0], Model: r.Fit.Model()},
		{Name: JointOutcomes[1], Careers: in[1], Model: thb},
	}
	f, err := trajectory.FitMulti(outs, s)
	if err != nil {
		return nil, err
	}
	other := f.Outcome(0)
	LabelByShape(other)
	for j := range f.Groups {
		f.Groups[j].Label = other.Groups[j].Label
	}
	return f, nil
}
