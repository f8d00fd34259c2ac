package report

import (
	"fmt"

	"github.com/trajkit/trajkit/internal/words"
	"github.com/trajkit/trajkit/trajectory"
	"github.com/trajkit/trajkit/trajectory/figure"
)

// Joint is an exploratory multi-trajectory model fitted beside a
// reproduction (trajkit reproduce --outcomes: the groups as joint
// profiles of several outcomes), which the study it reproduces does not
// publish.
type Joint struct {
	// Fit is the multi-trajectory model, with its posteriors in the order
	// of Outcomes, the careers of each of its outcomes.
	Fit      *trajectory.Fitted
	Outcomes []*trajectory.Careers
	// Titles name each outcome in the table's headings ("trafficking
	// (THB) cases"); an empty or missing title is the outcome's name.
	Titles []string
	// Source says where the fit was written, for the section's note.
	Source string
}

// jointBox is the joint profile's section: its figure, as trajkit report
// shows the multi-trajectory model, and a table of the groups' shares and
// mean expected values of each outcome.
type jointBox struct {
	Note    string
	Figure  figureBox
	Headers []string
	Groups  []jointRow
	Means   string
}

type jointRow struct {
	Name, Colour, Share string
	Means               []string
}

// jointSection assembles the section of j.
func jointSection(j *Joint, st *figure.Style) (*jointBox, error) {
	f := j.Fit
	if !f.IsMulti() {
		return nil, fmt.Errorf("report: the joint profile is not a multi-trajectory model")
	}
	vs := views(f)
	curve := vs[0].Groups[0].Curve
	lo, hi := curve[0].Age, curve[len(curve)-1].Age
	b := &jointBox{
		Note: fmt.Sprintf("Exploratory, with no published counterpart: the study publishes no model of several outcomes. The %s of a multi-trajectory model of %s on the same persons, ages %d-%d, each group a joint profile of every outcome (%s).",
			words.Count(len(f.Groups), "group"), words.Count(len(f.Outcomes), "outcome"), lo, hi, j.Source),
		Headers: []string{"Group", "Estimated share"},
		Means:   fmt.Sprintf("Mean per year: each group's expected value of the outcome, averaged over the ages %d-%d (the curves of the figure).", lo, hi),
	}
	for o, out := range f.Outcomes {
		title := out.Name
		if o < len(j.Titles) && j.Titles[o] != "" {
			title = j.Titles[o]
		}
		b.Headers = append(b.Headers, "Mean "+title+" per year")
	}
	for k := range f.Groups {
		g := &f.Groups[k]
		r := jointRow{Name: g.Name(), Colour: st.GroupColour(k + 1), Share: trajectory.FormatShare(g.Share)}
		for _, v := range vs {
			r.Means = append(r.Means, fmtNum(v.Groups[k].MeanCount, 3))
		}
		b.Groups = append(b.Groups, r)
	}
	drawn, err := multiTrajectoryPlot(f, j.Outcomes, st, nil)
	if err != nil {
		return nil, err
	}
	b.Figure, err = inlineSVG(drawn, "fig-joint", "Joint profile", 1200, 800, multiCaption+" "+bandsCaption(f))
	return b, err
}
