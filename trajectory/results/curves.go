package results

import (
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/trajkit/trajkit/trajectory"
	"github.com/trajkit/trajkit/trajectory/careersio"
)

// CurveRow is one row of the curves file that trajkit plot --curves writes:
// the numbers of the trajectories figure for one group at one age, to
// redraw it elsewhere (as traj writes its plot data).
type CurveRow struct {
	Age int
	// Group is the 1-based group number, Label its name in the figure
	// (its label, or "Group k").
	Group int
	Label string
	// Mean is the expected count per unit of exposure, at the setting
	// Tcov of the time-varying covariates (trajectory.TcovSetting.String;
	// empty for the model's curves, at covariates zero).
	Mean float64
	// MeanLo and MeanHi bound its pointwise 95% interval
	// (Group.CurveInterval): NaN when the model has none, or the curve is
	// at covariates other than zero.
	MeanLo, MeanHi float64
	// ObservedMean is the observed mean count per unit of exposure at the
	// age and N the persons observed there, weighted as the observed means
	// are (trajectory.ObservedMean's Mean and Persons); NaN without
	// observed means, and ObservedMean where no one is observed.
	ObservedMean, N float64
	Tcov            string
}

// curveColumns are the curves file's columns, in order; curveTcovColumn
// follows them when the curves are at settings of the time-varying
// covariates.
var (
	curveColumns = []Column{
		{"age", "Age", 0, false},
		{"group", "Group", 0, false},
		{"label", "Label", 0, false},
		{"mean", "Expected count", 4, false},
		{"mean_lo", "95% interval, lower", 4, false},
		{"mean_hi", "95% interval, upper", 4, false},
		{"observed_mean", "Observed mean", 4, false},
		{"n", "Persons observed", 1, false},
	}
	curveTcovColumn = Column{"tcov", "Time-varying covariates", 0, false}
)

// CurveColumns returns the columns of the curves file, in order, with the
// tcov column when withTcov.
func CurveColumns(withTcov bool) []Column {
	cols := append([]Column(nil), curveColumns...)
	if withTcov {
		cols = append(cols, curveTcovColumn)
	}
	return cols
}

// TcovCurve is a model's curves at one setting of its time-varying
// covariates: K x ages, in the order of each group's Curve, as
// trajectory.TcovCurves returns them.
type TcovCurve struct {
	Setting trajectory.TcovSetting
	Means   [][]float64
}

// CurveRows returns the rows of the curves file of the fit f: for each
// setting in tcov (none: the model's curves, at covariates zero), each
// group and each age of its curve, with the observed means obs (K x the
// careers' ages, as trajectory.ObservedMeans returns them; nil for none).
func CurveRows(f *trajectory.Fitted, obs [][]trajectory.ObservedMean, tcov []TcovCurve) []CurveRow {
	withTcov := len(tcov) > 0
	if !withTcov {
		tcov = []TcovCurve{{}}
	}
	var rows []CurveRow
	for _, tc := range tcov {
		setting := ""
		if withTcov {
			setting = tc.Setting.String()
		}
		for k := range f.Groups {
			g := &f.Groups[k]
			lo, hi, _ := g.CurveInterval()
			if !tc.Setting.IsZero() {
				lo, hi = nil, nil
			}
			at := map[int]trajectory.ObservedMean{}
			if obs != nil {
				for _, o := range obs[k] {
					at[o.Age] = o
				}
			}
			for t, p := range g.Curve {
				r := CurveRow{Age: p.Age, Group: g.Number, Label: g.Name(), Mean: p.Mean, Tcov: setting,
					MeanLo: math.NaN(), MeanHi: math.NaN(), ObservedMean: math.NaN(), N: math.NaN()}
				if tc.Means != nil {
					r.Mean = tc.Means[k][t]
				}
				if lo != nil {
					r.MeanLo, r.MeanHi = lo[t], hi[t]
				}
				if o, ok := at[p.Age]; ok {
					r.ObservedMean, r.N = o.Mean, o.Persons
				} else if obs != nil {
					r.N = 0
				}
				rows = append(rows, r)
			}
		}
	}
	return rows
}

// WriteCurves writes the curves file, with the tcov column when a row has
// a setting.
func WriteCurves(w io.Writer, rows []CurveRow) error {
	withTcov := false
	for _, r := range rows {
		withTcov = withTcov || r.Tcov != ""
	}
	return writeCSV(w, CurveColumns(withTcov), records(rows, func(r CurveRow) []string {
		rec := []string{strconv.Itoa(r.Age), strconv.Itoa(r.Group), r.Label, FormatFloat(r.Mean), FormatFloat(r.MeanLo),
			FormatFloat(r.MeanHi), FormatFloat(r.ObservedMean), FormatFloat(r.N)}
		if withTcov {
			rec = append(rec, r.Tcov)
		}
		return rec
	}))
}

// ReadCurves reads a curves file, with or without its tcov column; name is
// its name in errors.
func ReadCurves(r io.Reader, name string) ([]CurveRow, error) {
	cr := careersio.NewCSVReader(r, name)
	head, err := cr.Read()
	if err != nil {
		return nil, &careersio.DataError{File: name, Line: 1, Msg: fmt.Sprintf("expected the header of a curves file: %v", err)}
	}
	cols := CurveColumns(len(head) == len(curveColumns)+1)
	if len(head) != len(cols) {
		return nil, &careersio.DataError{File: name, Line: 1, Msg: fmt.Sprintf("%d columns where %d or %d were expected", len(head), len(curveColumns), len(curveColumns)+1)}
	}
	for j, c := range cols {
		if head[j] != c.Name {
			return nil, &careersio.DataError{File: name, Line: 1, Column: j + 1, Msg: fmt.Sprintf("column %q where %q was expected", head[j], c.Name)}
		}
	}
	cr.FieldsPerRecord = len(cols)
	var rows []CurveRow
	err = careersio.EachRecord(cr, name, func(rec []string, line int) error {
		at := func(j int, msg string) error {
			return &careersio.DataError{File: name, Line: line, Column: j + 1, ColumnName: cols[j].Name, Msg: fmt.Sprintf("%q: %s", rec[j], msg)}
		}
		row := CurveRow{Label: rec[2]}
		var err error
		if row.Age, err = strconv.Atoi(rec[0]); err != nil {
			return at(0, "expected an age in years")
		}
		if row.Group, err = strconv.Atoi(rec[1]); err != nil || row.Group < 1 {
			return at(1, "expected a group number ≥ 1")
		}
		for j, dst := range []*float64{&row.Mean, &row.MeanLo, &row.MeanHi, &row.ObservedMean, &row.N} {
			*dst = math.NaN()
			if s := rec[3+j]; s != "" {
				if *dst, err = strconv.ParseFloat(s, 64); err != nil || math.IsInf(*dst, 0) || math.IsNaN(*dst) {
					return at(3+j, "expected a number or an empty cell")
				}
			}
		}
		if len(rec) > len(curveColumns) {
			row.Tcov = rec[len(curveColumns)]
		}
		rows = append(rows, row)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return rows, nil
}
