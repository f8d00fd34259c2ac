package results

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/trajectory"
)

// sameFloat is equality with NaN equal to NaN.
func sameFloat(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }

func sameCurveRow(a, b CurveRow) bool {
	return a.Age == b.Age && a.Group == b.Group && a.Label == b.Label && a.Tcov == b.Tcov && sameFloat(a.Mean, b.Mean) &&
		sameFloat(a.MeanLo, b.MeanLo) && sameFloat(a.MeanHi, b.MeanHi) && sameFloat(a.ObservedMean, b.ObservedMean) && sameFloat(a.N, b.N)
}

// TestCurveRows: the curves file holds each group's curve, its delta-method
// interval and the observed means and weighted persons of ObservedMeans,
// age by age; at settings of the time-varying covariate the means of
// TcovCurves, with the interval only at zero. It reads back as written,
// with or without the tcov column.
func TestCurveRows(t *testing.T) {
	f, c := testFit(t)
	f.Groups[1].Label = "high"
	obs := trajectory.ObservedMeans(c, f.Posterior, trajectory.ByPosterior)
	rows := CurveRows(f, obs, nil)
	if n := len(f.Groups) * len(f.Groups[0].Curve); len(rows) != n {
		t.Fatalf("%d rows, want %d", len(rows), n)
	}
	for _, r := range rows {
		g := f.Groups[r.Group-1]
		p := g.Curve[r.Age-g.Curve[0].Age]
		o := obs[r.Group-1][r.Age-c.MinAge]
		if r.Label != g.Name() || r.Mean != p.Mean || r.MeanLo != float64(p.MeanLo) || r.MeanHi != float64(p.MeanHi) ||
			!sameFloat(r.ObservedMean, o.Mean) || r.N != o.Persons || r.Tcov != "" {
			t.Fatalf("row %+v: curve %+v, observed %+v", r, p, o)
		}
	}
	if rows[len(rows)-1].Label != "high" || rows[0].Label != "Group 1" {
		t.Errorf("labels %q, %q", rows[0].Label, rows[len(rows)-1].Label)
	}
	var b bytes.Buffer
	if err := WriteCurves(&b, rows); err != nil {
		t.Fatal(err)
	}
	if head, _, _ := strings.Cut(b.String(), "\n"); head != "age,group,label,mean,mean_lo,mean_hi,observed_mean,n" {
		t.Errorf("header %q", head)
	}
	checkRoundTrip(t, b.Bytes(), rows)

	var tcov []TcovCurve
	for _, s := range []trajectory.TcovSetting{{Values: map[string]float64{"employed": 0}}, {Values: map[string]float64{"employed": 1}}, {Mean: []string{"employed"}}} {
		m, err := trajectory.TcovCurves(f, s, c, f.Posterior, trajectory.ByPosterior)
		if err != nil {
			t.Fatal(err)
		}
		tcov = append(tcov, TcovCurve{Setting: s, Means: m})
	}
	rows = CurveRows(f, nil, tcov)
	if n := 3 * len(f.Groups) * len(f.Groups[0].Curve); len(rows) != n {
		t.Fatalf("%d rows at three settings, want %d", len(rows), n)
	}
	for _, r := range rows {
		j := map[string]int{"employed=0": 0, "employed=1": 1, "employed=mean": 2}[r.Tcov]
		g := f.Groups[r.Group-1]
		a := r.Age - g.Curve[0].Age
		if r.Mean != tcov[j].Means[r.Group-1][a] || (j == 0) != !math.IsNaN(r.MeanLo) || !math.IsNaN(r.ObservedMean) || !math.IsNaN(r.N) {
			t.Fatalf("row %+v: want mean %g, an interval only at zero, no observed means", r, tcov[j].Means[r.Group-1][a])
		}
	}
	b.Reset()
	if err := WriteCurves(&b, rows); err != nil {
		t.Fatal(err)
	}
	if head, _, _ := strings.Cut(b.String(), "\n"); head != "age,group,label,mean,mean_lo,mean_hi,observed_mean,n,tcov" {
		t.Errorf("header with settings %q", head)
	}
	checkRoundTrip(t, b.Bytes(), rows)

	for _, tc := range []struct{ text, msg string }{
		{"age,group,label,mean\n", "c.csv:1: 4 columns where 8 or 9 were expected"},
		{"age,group,label,mean,lo,mean_hi,observed_mean,n\n", `c.csv:1:5: column "lo" where "mean_lo" was expected`},
		{"age,group,label,mean,mean_lo,mean_hi,observed_mean,n\n12,0,a,1,,,,\n", `c.csv:2:2: column "group"`},
		{"age,group,label,mean,mean_lo,mean_hi,observed_mean,n\n12,1,a,x,,,,\n", `c.csv:2:4: column "mean"`},
		{"age,group,label,mean,mean_lo,mean_hi,observed_mean,n\n12,1,a,1,,,\n", "c.csv:2"},
	} {
		if _, err := ReadCurves(strings.NewReader(tc.text), "c.csv"); err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("error %v, want %q", err, tc.msg)
		}
	}
}

func checkRoundTrip(t *testing.T, b []byte, rows []CurveRow) {
	t.Helper()
	back, err := ReadCurves(bytes.NewReader(b), "c.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != len(rows) {
		t.Fatalf("%d rows read back, %d written", len(back), len(rows))
	}
	for i := range rows {
		if !sameCurveRow(back[i], rows[i]) {
			t.Fatalf("row %d read back %+v, written %+v", i+1, back[i], rows[i])
		}
	}
}
