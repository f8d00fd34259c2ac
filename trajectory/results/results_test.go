package results

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/mixture"
	"github.com/trajkit/trajkit/trajectory"
	"github.com/trajkit/trajkit/trajectory/careersio"
)

// testFit fits a small model with every part model.json can hold: risk
// factors (one categorical, with value labels), a time-varying covariate,
// standard errors and a bootstrap.
func testFit(t *testing.T) (*trajectory.Fitted, *trajectory.Careers) {
	t.Helper()
	s := trajectory.WindowScaling(12, 30)
	tr := trajectory.TruthFromCoefficients(s, 12, 30, []float64{0.6, 0.4}, [][]float64{{-1.5, 0.2}, {0.3, -0.5, -0.6}}, [][]float64{{-1}, nil})
	c, _, err := trajectory.Simulate(tr, trajectory.Design{Persons: 300, CensorShare: 0.3, ExposedShare: 0.1}, 5)
	if err != nil {
		t.Fatal(err)
	}
	c, err = c.WithTcov([]string{"employed"}, func(i, age int) []float64 { return []float64{float64((i + age) % 2)} })
	if err != nil {
		t.Fatal(err)
	}
	x := make([][]float64, c.Len())
	for i := range x {
		x[i] = []float64{float64(i % 3), float64(i%2) * 1.5}
	}
	risk := &trajectory.RiskDesign{Variables: []string{"region", "score"}, Names: []string{"region=b", "score"}, Of: []int{0, 1}, BaseLevels: []string{"a", ""}, X: x,
		ValueLabels: map[string]map[string]string{"region": {"a": "north", "b": "south"}}}
	m, err := trajectory.NewModel(trajectory.ZIP, 2, []int{1, 2}, []int{0, -1})
	if err != nil {
		t.Fatal(err)
	}
	set := &trajectory.Settings{Search: mixture.Settings{Seed: 2, Starts: 4, Keep: 2}, Risk: risk, Data: trajectory.DataSettings{File: "careers.csv", Format: "long", ID: "id", Age: "age", Count: "y", Exposure: "e", Tcov: []string{"employed"}}}
	f, err := trajectory.Fit(c, m, set)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Bootstrap(c, set, trajectory.BootstrapSettings{Replicates: 4}); err != nil {
		t.Fatal(err)
	}
	return f, c
}

// roundTrip encodes f as model.json, decodes it and checks that writing
// the fit read back gives the same bytes; it returns the fit read back
// and the file.
func roundTrip(t *testing.T, f *trajectory.Fitted) (*trajectory.Fitted, *bytes.Buffer) {
	t.Helper()
	var b bytes.Buffer
	if err := EncodeModel(&b, f); err != nil {
		t.Fatal(err)
	}
	back, err := DecodeModel(bytes.NewReader(b.Bytes()), "model.json")
	if err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer
	if err := EncodeModel(&again, back); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), again.Bytes()) {
		t.Errorf("model.json written again differs:\n%s\n---\n%s", b.Bytes(), again.Bytes())
	}
	return back, &b
}

// TestModelRoundTrip: model.json reads back into the same fit, apart from
// what the file does not hold (the per-person fields and the risk design's
// values; its base levels it holds), and writes back to the same bytes.
func TestModelRoundTrip(t *testing.T) {
	f, _ := testFit(t)
	back, b := roundTrip(t, f)
	want := *f
	want.IDs, want.Posterior, want.Assigned, want.PersonLogLik, want.Trace = nil, nil, nil, nil, nil
	rd := *f.Risk()
	rd.X, rd.Of = nil, nil
	cov := *f.Covariates
	cov.RiskDesign = &rd
	want.Covariates = &cov
	want.Settings.Context, want.Settings.Threads = nil, 0
	if want.Warnings == nil {
		want.Warnings = []trajectory.Warning{} // written as an empty list
	}
	if !reflect.DeepEqual(withoutNaN(back.Groups), withoutNaN(want.Groups)) {
		t.Errorf("groups read back differ:\n%+v\n%+v", back.Groups[1], want.Groups[1])
	}
	if !reflect.DeepEqual(back.Covariates, want.Covariates) || !reflect.DeepEqual(back.Warnings, want.Warnings) ||
		!reflect.DeepEqual(back.Settings, want.Settings) || !reflect.DeepEqual(back.Starts, want.Starts) {
		t.Errorf("covariates, warnings, settings or starts read back differ")
	}
	// Undefined numbers are null, never NaN (which JSON cannot hold).
	var m map[string]any
	if err := json.Unmarshal(b.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	if m["format_version"] != float64(FormatVersion) || m["software"] != Software {
		t.Errorf("format_version %v, software %v", m["format_version"], m["software"])
	}
	ref := m["groups"].([]any)[0].(map[string]any)
	if se := ref["membership_se"].(map[string]any); se["score"] != 0.0 {
		t.Errorf("the reference group's membership SE %v, want 0", se)
	}
}

// TestReadModelVersion1 reads a model.json of format version 1 (trajkit
// 0.1.0 before standard errors and SQUAREM by default,
// ../testdata/sim630-k4) and refuses files
// that do not describe a fit, naming what is wrong.
func TestReadModelVersion1(t *testing.T) {
	dir := filepath.Join("..", "testdata", "sim630-k4")
	f, err := ReadFit(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Groups) != 4 || f.MinAge() != 12 || f.MaxAge() != 40 || f.Inference != nil || len(f.IDs) != 630 || f.Assigned[0] < 1 {
		t.Errorf("version 1 fit: %d groups, ages %d-%d, inference %v, %d persons", len(f.Groups), f.MinAge(), f.MaxAge(), f.Inference, len(f.IDs))
	}
	if !math.IsNaN(float64(f.Groups[0].ShareSE)) || f.Groups[0].ShareCI.IsDefined() || f.Groups[0].BetaSE != nil {
		t.Errorf("a fit without standard errors reads SEs %v %v %v", f.Groups[0].ShareSE, f.Groups[0].ShareCI, f.Groups[0].BetaSE)
	}
	// Files of before SQUAREM became the default leave "accelerate" out
	// when plain EM ran.
	if f.Settings.Accelerate != mixture.PlainEM {
		t.Errorf("a file without settings.accelerate reads as %v, want plain EM", f.Settings.Accelerate)
	}
	b, err := os.ReadFile(filepath.Join(dir, ModelFile))
	if err != nil {
		t.Fatal(err)
	}
	v1 := string(b)
	for _, tc := range []struct{ name, from, to, msg string }{
		{"a newer version", `"software"`, `"format_version": 8, "software"`, "format version 8"},
		{"no groups", `"groups": [`, `"groups": [], "x": [`, "no groups"},
		{"a short curve", `"age": 40,`, `"age": 41,`, "m.json: groups[0].curve[28].age: 41 where 40 was expected"},
		{"a share above 1", `"share": 0.3`, `"share": 1.3`, "not a probability"},
		{"too few coefficients", `"beta": [`, `"beta": [], "x": [`, "m.json: groups[0].beta: 0 coefficients for order 3: expected 4"},
		{"a warning without a kind", `"warnings": []`, `"format_version": 2, "warnings": [{"message": "x"}]`, "has no kind"},
		{"risk factors of no variable", `"groups": [`, `"covariates": {"risk": ["a"], "risk_variables": ["b"]}, "groups": [`, `covariates.risk_variables: risk variable "b" has no covariate`},
		{"a version 1 warning", `"warnings": []`, `"warnings": ["group 2 collapsed"]`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(v1, tc.from) {
				t.Fatalf("the fixture has no %q", tc.from)
			}
			_, err := DecodeModel(strings.NewReader(strings.Replace(v1, tc.from, tc.to, 1)), "m.json")
			if tc.msg == "" {
				if err != nil {
					t.Errorf("refused: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.msg) || !strings.HasPrefix(err.Error(), "m.json: ") {
				t.Errorf("error %v, want %q", err, tc.msg)
			}
		})
	}
}

// TestWriteFitAndAlign: WriteFit writes both files; ReadFit and Align give
// back the fit's posteriors in the careers' order, and refuse careers of
// other persons.
func TestWriteFitAndAlign(t *testing.T) {
	f, c := testFit(t)
	dir := filepath.Join(t.TempDir(), "new", "fit")
	if err := Save(context.Background(), dir, "test", nil, func(s *Set) error { return WriteFit(s, "", f, Options{}) }); err != nil {
		t.Fatal(err)
	}
	back, err := ReadFit(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(back.IDs, f.IDs) || !slices.Equal(back.Assigned, f.Assigned) || !reflect.DeepEqual(back.Posterior, f.Posterior) {
		t.Error("assignments.csv does not read back into the fit's posteriors")
	}
	// The careers in another order: Align puts the posteriors in it.
	idx := make([]int, c.Len())
	for i := range idx {
		idx[i] = c.Len() - 1 - i
	}
	rev := c.Subset(idx)
	if err := Align(back, rev, "rev"); err != nil {
		t.Fatal(err)
	}
	if back.IDs[0] != f.IDs[c.Len()-1] || back.Posterior[1][0] != f.Posterior[1][c.Len()-1] || back.Assigned[0] != f.Assigned[c.Len()-1] {
		t.Error("Align did not reorder the posteriors")
	}
	if err := Align(back, c.Subset(idx[:10]), "part"); err == nil || !strings.Contains(err.Error(), "10 persons in the data") {
		t.Errorf("Align of 10 persons: %v", err)
	}
	for _, tc := range []struct{ name, file, msg string }{
		{"header", "id,grp,p1,p2\n", "expected id,group,p1..p2"},
		{"group", "id,group,p1,p2\n1,3,0.5,0.5\n", `a.csv:2:2: column "group": group "3": expected 1..2`},
		{"probability", "id,group,p1,p2\n1,1,1.5,0.5\n", `a.csv:2:3: column "p1": "1.5" is not a probability`},
		{"empty", "id,group,p1,p2\n", "no persons"},
		{"a person twice", "id,group,p1,p2\n7,1,1,0\n7,2,0,1\n", `a.csv:3:1: column "id": person "7" again (first on line 2)`},
		{"no id", "id,group,p1,p2\n,1,1,0\n", `a.csv:2:1: column "id": empty person id`},
		{"no id but the escape", "safe_csv_id,group,p1,p2\n',1,1,0\n", `a.csv:2:1: column "safe_csv_id": empty person id`},
		{"a person twice, once escaped", "safe_csv_id,group,p1,p2\n'=7,1,1,0\n=7,2,0,1\n", `a.csv:3:1: column "safe_csv_id": person "=7" again (first on line 2)`},
	} {
		if _, err := ReadAssignments(strings.NewReader(tc.file), "a.csv", 2); err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.msg)
		}
	}
}

func selectionFixture(t *testing.T) *SelectionTable {
	t.Helper()
	sel, err := ReadSelection(filepath.Join("..", "testdata", "select-sim630"))
	if err != nil {
		t.Fatal(err)
	}
	if !sel.Table.Candidates[4].Recommended || sel.Warning != "" {
		t.Fatalf("selection.json's recommendation is not row 5: %q", sel.Warning)
	}
	return sel.Table
}

// TestReadSelectionVersion: selection.json of version 1 (no
// format_version), 2 and 3 are read, others refused with the file's name.
func TestReadSelectionVersion(t *testing.T) {
	fixture := filepath.Join("..", "testdata", "select-sim630")
	csvText, err := os.ReadFile(filepath.Join(fixture, SelectionCSV))
	if err != nil {
		t.Fatal(err)
	}
	jsonText, err := os.ReadFile(filepath.Join(fixture, SelectionJSON))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(jsonText), "format_version") {
		t.Fatal("the fixture's selection.json has a format_version: it is no longer version 1")
	}
	for _, tc := range []struct {
		version string
		ok      bool
	}{{"", true}, {`"format_version": 2,`, true}, {`"format_version": 3,`, true}, {`"format_version": 4,`, true}, {`"format_version": 5,`, true}, {`"format_version": 6,`, true}, {`"format_version": 7,`, true}, {`"format_version": 8,`, false}, {`"format_version": 0,`, false}} {
		dir := t.TempDir()
		js := strings.Replace(string(jsonText), "{", "{"+tc.version, 1)
		if err := os.WriteFile(filepath.Join(dir, SelectionCSV), csvText, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, SelectionJSON), []byte(js), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := ReadSelection(dir)
		if tc.ok != (err == nil) || err != nil && !strings.Contains(err.Error(), SelectionJSON+": format version") {
			t.Errorf("%q: error %v, want ok %v", tc.version, err, tc.ok)
		}
	}
}

func TestSelectionTable(t *testing.T) {
	st := selectionFixture(t)
	if len(st.Candidates) != 8 || len(st.Header) != 14 {
		t.Fatalf("%d rows, %d columns; want 8 and 14", len(st.Candidates), len(st.Header))
	}
	// Row 2 has orders "3,3" and inflation orders "-1,-1"; row 1 has no
	// entropy (one group), an empty cell kept as read.
	if !slices.Equal(st.Candidates[1].Orders, []int{3, 3}) || !slices.Equal(st.Candidates[1].Inflation, []int{-1, -1}) || st.Rows[0][8] != "" {
		t.Errorf("row 2 orders %v inflation %v; row 1 entropy %q", st.Candidates[1].Orders, st.Candidates[1].Inflation, st.Rows[0][8])
	}
	for _, tc := range []struct {
		groups          int
		orders, inflate []int
		row             int
	}{
		{4, []int{3, 3, 3, 3}, []int{-1, -1, -1, -1}, 4},
		{4, []int{2, 3, 2, 3}, nil, 5},
		{3, []int{2}, []int{-1}, 3},
		{4, []int{1}, nil, -1},
		{7, nil, nil, -1},
	} {
		if r := selectionFixture(t).Recommend(tc.groups, tc.orders, tc.inflate); r != tc.row {
			t.Errorf("Recommend(%d, %v, %v) = %d, want %d", tc.groups, tc.orders, tc.inflate, r, tc.row)
		}
	}
	for _, tc := range []struct{ name, file, msg string }{
		{"empty", "", "the file is empty"},
		{"no aic", "groups,bic_persons,bic_obs\n2,1,2\n", `no column "aic"`},
		{"no rows", "groups,bic_persons,bic_obs,aic\n", "no models"},
		{"bad groups", "groups,bic_persons,bic_obs,aic\nx,1,2,3\n", `sel.csv:2:1: column "groups": "x" is not a number of groups`},
		{"bad number", "groups,bic_persons,bic_obs,aic\n2,1,abc,3\n", `sel.csv:2:3: column "bic_obs": "abc" is not a number`},
		{"bad orders", "groups,orders,bic_persons,bic_obs,aic\n2,3-,1,2,3\n", `column "orders"`},
	} {
		if _, err := ReadSelectionCSV(strings.NewReader(tc.file), "sel.csv"); err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.msg)
		}
	}
	// select's recommended column marks a row; Recommend moves the mark.
	st3, err := ReadSelectionCSV(strings.NewReader("groups,orders,bic_persons,bic_obs,aic,recommended\n2,3;3,10,11,9,false\n3,3;2;2,8,9,7,true\n"), "sel.csv")
	if err != nil || st3.Candidates[0].Recommended || !st3.Candidates[1].Recommended || !slices.Equal(st3.Candidates[1].Orders, []int{3, 2, 2}) {
		t.Fatalf("recommended column: %v, %+v", err, st3)
	}
	if st3.Recommend(2, nil, nil) != 0 || !st3.Candidates[0].Recommended || st3.Candidates[1].Recommended {
		t.Errorf("Recommend did not move the mark: %+v", st3.Candidates)
	}
	if _, err := ReadSelectionCSV(strings.NewReader("groups,bic_persons,bic_obs,aic,recommended\n2,10,11,9,maybe\n"), "sel.csv"); err == nil || !strings.Contains(err.Error(), `"maybe": expected true or false`) {
		t.Errorf("bad recommended cell: %v", err)
	}
	// Undefined criteria are empty cells.
	st2, err := ReadSelectionCSV(strings.NewReader("groups,bic_persons,bic_obs,aic\n1,10,11,\n"), "sel.csv")
	if err != nil || !math.IsNaN(st2.Candidates[0].AIC) {
		t.Errorf("empty aic: %v, %+v", err, st2)
	}
}

// TestSelectionRoundTrip: a selection written as selection.csv and
// selection.json reads back: every candidate's columns, the mark of the
// recommended one, and the criteria the search used (the smallest share
// recorded is the one applied).
func TestSelectionRoundTrip(t *testing.T) {
	s := trajectory.WindowScaling(12, 30)
	tr := trajectory.TruthFromCoefficients(s, 12, 30, []float64{0.6, 0.4}, [][]float64{{-1.5}, {0.5, -0.5, -0.6}}, nil)
	c, _, err := trajectory.Simulate(tr, trajectory.Design{Persons: 300}, 8)
	if err != nil {
		t.Fatal(err)
	}
	ss := trajectory.SelectSettings{Distribution: trajectory.Poisson, MinGroups: 1, MaxGroups: 3, MinOrder: 2, MaxOrder: 2, Inflation: []int{-1}, MinShare: 0.1,
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
	if len(back.Table.Candidates) != len(sel.Candidates) {
		t.Fatalf("%d candidates read back, %d written", len(back.Table.Candidates), len(sel.Candidates))
	}
	for j, want := range sel.Candidates {
		got := back.Table.Candidates[j]
		if got.Groups != want.Groups || !slices.Equal(got.Orders, want.Orders) || got.BICPersons != want.BICPersons ||
			got.Adequate != want.Adequate || got.Recommended != want.Recommended || got.SmallestShare != want.SmallestShare ||
			!(got.Entropy == want.Entropy || math.IsNaN(got.Entropy) && math.IsNaN(want.Entropy)) {
			t.Errorf("candidate %d read back %+v, written %+v", j+1, got, want)
		}
	}
	if back.File == nil || back.File.FormatVersion != FormatVersion || back.File.Criteria.MinShare != 0.1 || !strings.Contains(back.File.Reason, "smallest share ≥ 0.100") {
		t.Fatalf("selection.json: %+v", back.File)
	}
	if st := back.File.Settings; st.Inflation == nil || *st.Inflation != -1 || st.InflationOrders != nil {
		t.Errorf("selection.json settings: inflation %v, inflation_orders %v; want -1 and none", st.Inflation, st.InflationOrders)
	}
	for _, p := range []string{filepath.Join(RecommendedDir, ModelFile), ModelFile, AssignmentsFile} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("missing %s", p)
		}
	}
	// The table of version 1 named the smallest share min_share.
	v1, err := ReadSelectionCSV(strings.NewReader("groups,bic_persons,bic_obs,aic,min_share\n2,10,11,9,0.25\n"), "v1.csv")
	if err != nil || v1.Candidates[0].SmallestShare != 0.25 {
		t.Fatalf("version 1 min_share column: %v, %+v", err, v1)
	}
	// Numbers of columns the file lacks are undefined, not zero.
	if c := v1.Candidates[0]; !math.IsNaN(c.LogLik) || !math.IsNaN(c.Entropy) || !math.IsNaN(c.MinAPP) || !math.IsNaN(c.CVE) || c.NumParams != 0 {
		t.Errorf("absent columns read as %+v", c)
	}
}

// TestProfilesAndReproductionRoundTrip: profiles.csv and reproduction.csv
// read back what was written; malformed cells are errors naming them.
func TestProfilesAndReproductionRoundTrip(t *testing.T) {
	nan := math.NaN()
	profiles := []careersio.ProfileRow{
		{Variable: "sex", Level: "female", Group: 1, Label: "low-rate", NAssigned: 12, AssignedMean: 0.25, PosteriorMean: 0.26, Share: true},
		{Variable: "age", Group: 2, NAssigned: 0, AssignedMean: nan, PosteriorMean: 31.5},
		{Variable: "employed", Group: 1, NAssigned: 12, AssignedMean: 0.5, PosteriorMean: 0.5, Share: true},
	}
	var b bytes.Buffer
	if err := WriteProfiles(&b, profiles); err != nil {
		t.Fatal(err)
	}
	back, err := ReadProfiles(bytes.NewReader(b.Bytes()), "p.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != 3 || back[0] != profiles[0] || !math.IsNaN(back[1].AssignedMean) || back[1].PosteriorMean != 31.5 || back[1].Share || back[2] != profiles[2] {
		t.Errorf("profiles read back %+v", back)
	}
	if strings.Contains(b.String(), "level_label") {
		t.Errorf("profiles.csv without value labels has their column:\n%s", b.String())
	}
	// With a value label, the level_label column: empty for the rows
	// without one.
	labelled := append([]careersio.ProfileRow{{Variable: "sex", Level: "2", LevelLabel: "female", Group: 1, NAssigned: 12, AssignedMean: 0.5, PosteriorMean: 0.5, Share: true}}, profiles...)
	b.Reset()
	if err := WriteProfiles(&b, labelled); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.String(), "variable,level,group,label,n_assigned,assigned_mean,posterior_mean,share,level_label\nsex,2,1,,12,0.5,0.5,true,female\nsex,female,1,low-rate,12,0.25,0.26,true,\n") {
		t.Errorf("profiles.csv with a value label:\n%s", b.String())
	}
	if back, err = ReadProfiles(bytes.NewReader(b.Bytes()), "p.csv"); err != nil || len(back) != 4 || back[0] != labelled[0] || back[1] != labelled[1] {
		t.Errorf("labelled profiles read back %+v, %v", back, err)
	}
	rows := []ReproRow{
		{Row: "share", Published: "36%", Reproduced: 35.2, Tolerance: "±5 points", OK: true, Unit: "%", Data: "synthetic cohort (example:nl630)"},
		{Row: "x", Published: "y", Reproduced: nan, Tolerance: "z", Data: "careers, real.csv"},
	}
	b.Reset()
	if err := WriteReproduction(&b, rows); err != nil {
		t.Fatal(err)
	}
	rback, err := ReadReproduction(bytes.NewReader(b.Bytes()), "r.csv")
	if err != nil || len(rback) != 2 || rback[0] != rows[0] || !math.IsNaN(rback[1].Reproduced) || rback[1].OK {
		t.Errorf("reproduction read back %+v, %v", rback, err)
	}
	if !strings.Contains(b.String(), "row,published,reproduced,tolerance,ok,unit,data\n") || !strings.Contains(b.String(), `"careers, real.csv"`) {
		t.Errorf("reproduction.csv:\n%s", b.String())
	}
	for _, tc := range []struct{ text, msg string }{
		{"variable,level,group,label,n_assigned,assigned_mean,posterior_mean\nx,,0,,1,0.5,0.5\n", `p.csv:2:3: column "group"`},
		{"variable,level,group,label,n_assigned,assigned_mean,posterior_mean,share\nx,,1,,1,0.5,0.5,maybe\n", `p.csv:2:8: column "share"`},
		{"variable,level,group,label,n_assigned,assigned_mean,posterior_mean,share,extra\nx,,1,,1,0.5,0.5,true,1\n", `p.csv:1:9`},
		{"variable,level,group,label,n_assigned,assigned_mean,posterior_mean,share,level_label,extra\nx,,1,,1,0.5,0.5,true,,1\n", `p.csv:1`},
		{"variable,level,group,label,n_assigned,assigned_mean,posterior_mean,share,level_label\nx,,1,,1,0.5,0.5,true,male\n", `p.csv:2:9: column "level_label"`},
		{"variable,level,group,label,n_assigned,assigned_mean,posterior_mean\nx,,1,,1,abc,0.5\n", `p.csv:2:6: column "assigned_mean"`},
		{"variable,level\nx,y\n", `p.csv:1`},
	} {
		if _, err := ReadProfiles(strings.NewReader(tc.text), "p.csv"); err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("error %v, want %q", err, tc.msg)
		}
	}
}

// TestEarlierProfilesAndReproduction: files written before profiles.csv's
// share column and reproduction.csv's unit and data columns are read;
// levels of categorical variables are shares, other variables means (the
// file does not say which are 0/1); units and data are empty.
func TestEarlierProfilesAndReproduction(t *testing.T) {
	p, err := ReadProfiles(strings.NewReader("variable,level,group,label,n_assigned,assigned_mean,posterior_mean\nsex,male,1,low,10,0.5,0.5\nfemale,,1,low,10,0.25,0.25\n"), "p.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(p) != 2 || !p[0].Share || p[1].Share || p[1].AssignedMean != 0.25 {
		t.Errorf("earlier profiles read as %+v", p)
	}
	r, err := ReadReproduction(strings.NewReader("row,published,reproduced,tolerance,ok\nshare,36%,37.13,±5 points,true\n"), "r.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(r) != 1 || r[0].Reproduced != 37.13 || !r[0].OK || r[0].Unit != "" || r[0].Data != "" {
		t.Errorf("earlier reproduction read as %+v", r)
	}
	if _, err := ReadReproduction(strings.NewReader("row,published,reproduced,tolerance\nshare,36%,37.13,±5 points\n"), "r.csv"); err == nil || !strings.Contains(err.Error(), "r.csv:1: ") {
		t.Errorf("a header without ok: %v", err)
	}
}

// TestFormatReproduced: the reproduced value reads as the published figure
// it is compared with, on the terminal and in the report.
func TestFormatReproduced(t *testing.T) {
	for _, tc := range []struct {
		unit          string
		v             float64
		ok            bool
		want, verdict string
	}{
		{"%", 37.13, true, "37.1%", "✔"}, // beside a published "36%"
		{"age", 18, true, "18", "✔"},     // a peak age beside "15-22"
		{"age", 35, false, "35", "✘"},
		{"years", 29.79, true, "29.8", "✔"}, // a mean age beside "30.4"
		{"", 8.04, true, "8.0", "✔"},
		{"%", math.NaN(), false, "-", "n/a"},
	} {
		r := ReproRow{Reproduced: tc.v, Unit: tc.unit, OK: tc.ok}
		if got := r.FormatReproduced(); got != tc.want {
			t.Errorf("%v %s: %q, want %q", tc.v, tc.unit, got, tc.want)
		}
		if got := r.Verdict(); got != tc.verdict {
			t.Errorf("%v %s: verdict %q, want %q", tc.v, tc.unit, got, tc.verdict)
		}
	}
}

// TestWriteFile: the file appears whole, readable by all, with no
// temporary file left; a failed write leaves nothing.
func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.csv")
	if err := WriteFile(context.Background(), path, func(w io.Writer) error { _, err := io.WriteString(w, "a,b\n"); return err }); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", st.Mode().Perm())
	}
	failed := filepath.Join(dir, "failed.csv")
	if err := WriteFile(context.Background(), failed, func(io.Writer) error { return errors.New("interrupted") }); err == nil {
		t.Error("no error from a failed write")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("the directory holds %d entries, want only out.csv", len(entries))
	}
}

// TestWriteFileInterrupted: a write through WriteFile fails once its
// context is cancelled, with the context's error, and leaves no file.
func TestWriteFileInterrupted(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	err := WriteFile(ctx, filepath.Join(dir, "long.csv"), func(w io.Writer) error {
		if _, err := io.WriteString(w, "id,age,y\n"); err != nil {
			t.Fatalf("write before the cancel: %v", err)
		}
		cancel()
		_, err := io.WriteString(w, "1,12,0\n")
		return err
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("the directory holds %d entries after the cancel, want none", len(entries))
	}
}

// TestSafeCSVRoundTrip: assignments.csv with ids that a spreadsheet would
// run as formulas, written plain and with Options.SafeCSV: the bytes
// written (the escaped ids prefixed with ', the id column named
// safe_csv_id) and the ids read back, equal to the originals either way.
func TestSafeCSVRoundTrip(t *testing.T) {
	ids := []string{"=1+1", "-5", "@x", "'q", "plain", "+7", "\tt", "\rr"}
	f := &trajectory.Fitted{
		Groups:    make([]trajectory.Group, 2),
		IDs:       ids,
		Assigned:  []int{1, 2, 1, 2, 1, 2, 1, 2},
		Posterior: [][]float64{{1, 0.25, 1, 0, 1, 0, 1, 0}, {0, 0.75, 0, 1, 0, 1, 0, 1}},
	}
	for _, tc := range []struct {
		name string
		o    Options
		want string
	}{
		{"plain", Options{}, "id,group,p1,p2\n=1+1,1,1,0\n-5,2,0.25,0.75\n@x,1,1,0\n'q,2,0,1\nplain,1,1,0\n+7,2,0,1\n\"\tt\",1,1,0\n\"\rr\",2,0,1\n"},
		{"safe", Options{SafeCSV: true}, "safe_csv_id,group,p1,p2\n'=1+1,1,1,0\n'-5,2,0.25,0.75\n'@x,1,1,0\n''q,2,0,1\nplain,1,1,0\n'+7,2,0,1\n'\tt,1,1,0\n\"'\rr\",2,0,1\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteAssignments(&b, f, tc.o); err != nil {
				t.Fatal(err)
			}
			if got := b.String(); got != tc.want {
				t.Errorf("wrote\n%q\nwant\n%q", got, tc.want)
			}
			a, err := ReadAssignments(&b, "a.csv", 2)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(a.IDs, ids) {
				t.Errorf("read back ids %q, want %q", a.IDs, ids)
			}
			if !slices.Equal(a.Groups, f.Assigned) || !reflect.DeepEqual(a.Posterior, f.Posterior) {
				t.Error("the groups or posteriors did not read back")
			}
		})
	}
}

// TestWriteScores: score's file has assignments.csv's columns, an empty
// group for a person with no observed cell in the window, and the ids
// escaped with --safe-csv.
func TestWriteScores(t *testing.T) {
	s := &trajectory.Scored{
		IDs:       []string{"a", "=b", "c"},
		Assigned:  []int{2, 0, 1},
		Posterior: [][]float64{{0.1, 0.3, 0.9}, {0.9, 0.7, 0.1}},
	}
	for _, tc := range []struct {
		o    Options
		want string
	}{
		{Options{}, "id,group,p1,p2\na,2,0.1,0.9\n=b,,0.3,0.7\nc,1,0.9,0.1\n"},
		{Options{SafeCSV: true}, "safe_csv_id,group,p1,p2\na,2,0.1,0.9\n'=b,,0.3,0.7\nc,1,0.9,0.1\n"},
	} {
		var b bytes.Buffer
		if err := WriteScores(&b, s, tc.o); err != nil {
			t.Fatal(err)
		}
		if got := b.String(); got != tc.want {
			t.Errorf("safe %v: wrote\n%q\nwant\n%q", tc.o.SafeCSV, got, tc.want)
		}
	}
}

// withoutNaN returns a copy of the groups with the curves' NaN fields (of
// other families) set to −1, which reflect.DeepEqual can compare.
func withoutNaN(groups []trajectory.Group) []trajectory.Group {
	out := make([]trajectory.Group, len(groups))
	for j, g := range groups {
		g.Curve = append([]trajectory.CurvePoint(nil), g.Curve...)
		for t := range g.Curve {
			for _, v := range []*float64{&g.Curve[t].Rate, &g.Curve[t].ZeroProb, &g.Curve[t].Prob, &g.Curve[t].LatentMean} {
				if math.IsNaN(*v) {
					*v = -1
				}
			}
		}
		out[j] = g
	}
	return out
}

// TestMultiModelRoundTrip: the model.json of a multi-trajectory model
// reads back (its outcomes checked as fits of their own) and writes back
// to the same bytes; an outcome that disagrees with the model is refused
// with the field named.
func TestMultiModelRoundTrip(t *testing.T) {
	s := trajectory.WindowScaling(12, 30)
	shares := []float64{0.6, 0.4}
	tr := trajectory.TruthFromCoefficients(s, 12, 30, shares, [][]float64{{-1.5, 0.2}, {0.3, -0.5, -0.6}}, [][]float64{{-1}, nil})
	groups := make([]int, 300)
	for i := range groups {
		groups[i] = 1 + i%2
	}
	var outs []trajectory.Outcome
	for o, name := range []string{"thb", "other"} {
		c, _, err := trajectory.Simulate(tr, trajectory.Design{Persons: 300, Groups: groups}, uint64(o+1))
		if err != nil {
			t.Fatal(err)
		}
		m, err := trajectory.NewModel([]trajectory.Distribution{trajectory.ZIP, trajectory.Poisson}[o], 2, []int{1, 2}, nil)
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, trajectory.Outcome{Name: name, Careers: c, Model: m})
	}
	f, err := trajectory.FitMulti(outs, &trajectory.Settings{Search: mixture.Settings{Seed: 2, Starts: 3}})
	if err != nil {
		t.Fatal(err)
	}
	back, b := roundTrip(t, f)
	if back.Distribution != trajectory.Multi || len(back.Outcomes) != 2 || back.Outcome(1).Groups[1].Share != f.Groups[1].Share {
		t.Errorf("read back %s with %d outcomes", back.Distribution, len(back.Outcomes))
	}
	for _, tc := range []struct{ old, new, field string }{
		{`"name": "other"`, `"name": "thb"`, "outcomes[1].name"},
		{`"orders": [
        1,
        2
      ],
      "inflation_orders": [
        0,`, `"orders": [
        1
      ],
      "inflation_orders": [
        0,`, "outcomes[0].groups"},
		{`"n_params": ` + strconv.Itoa(f.NumParams), `"n_params": 3`, "n_params"},
	} {
		bad := strings.Replace(b.String(), tc.old, tc.new, 1)
		if bad == b.String() {
			t.Fatalf("%s: %q not in model.json", tc.field, tc.old)
		}
		_, err := DecodeModel(strings.NewReader(bad), "model.json")
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != tc.field {
			t.Errorf("%s: error %v", tc.field, err)
		}
	}
}
