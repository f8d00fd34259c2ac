package results

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// jsonPath returns the parent of the value at path (a.b[2].c) in v, JSON
// read into maps and lists, and the last step: a key or an index.
func jsonPath(t *testing.T, v any, path string) (parent any, key string, index int) {
	t.Helper()
	var steps []string
	for _, part := range strings.Split(path, ".") {
		name, rest, _ := strings.Cut(part, "[")
		steps = append(steps, name)
		for rest != "" {
			i, after, _ := strings.Cut(rest, "]")
			steps = append(steps, "["+i)
			rest = strings.TrimPrefix(after, "[")
		}
	}
	for j, s := range steps {
		last := j == len(steps)-1
		if strings.HasPrefix(s, "[") {
			i, _ := strconv.Atoi(s[1:])
			if last {
				return v, "", i
			}
			v = v.([]any)[i]
		} else {
			if last {
				return v, s, -1
			}
			v = v.(map[string]any)[s]
		}
	}
	t.Fatalf("empty path")
	return nil, "", 0
}

// set sets the value at path in m.
func set(t *testing.T, m map[string]any, path string, x any) {
	t.Helper()
	parent, key, i := jsonPath(t, m, path)
	if i >= 0 {
		parent.([]any)[i] = x
	} else {
		parent.(map[string]any)[key] = x
	}
}

// get returns the value at path in m.
func get(t *testing.T, m map[string]any, path string) any {
	t.Helper()
	parent, key, i := jsonPath(t, m, path)
	if i >= 0 {
		return parent.([]any)[i]
	}
	return parent.(map[string]any)[key]
}

// window sets the age window to lo..hi and every group's curve to as many
// ages, each a copy of the curve's first point at its age.
func window(t *testing.T, m map[string]any, lo, hi int) {
	t.Helper()
	set(t, m, "settings.age_window", []any{lo, hi})
	for _, g := range m["groups"].([]any) {
		g := g.(map[string]any)
		first := g["curve"].([]any)[0].(map[string]any)
		var curve []any
		for a := lo; a <= hi; a++ {
			p := map[string]any{}
			for k, v := range first {
				p[k] = v
			}
			p["age"] = a
			curve = append(curve, p)
		}
		g["curve"] = curve
	}
}

// TestHostileModels: a model.json edited out of its ranges is refused on
// load with a *FieldError naming the file and the field, for every range
// the rest of trajkit relies on. Each file is a valid model.json (testFit:
// ZIP, two groups, ages 12-30, risk factors, a time-varying covariate,
// standard errors, a bootstrap) with one change.
func TestHostileModels(t *testing.T) {
	f, _ := testFit(t)
	var valid bytes.Buffer
	if err := EncodeModel(&valid, f); err != nil {
		t.Fatal(err)
	}
	if _, err := DecodeModel(bytes.NewReader(valid.Bytes()), "model.json"); err != nil {
		t.Fatalf("the valid file is refused: %v", err)
	}
	edits := func(kv ...any) func(*testing.T, map[string]any) {
		return func(t *testing.T, m map[string]any) {
			for j := 0; j < len(kv); j += 2 {
				set(t, m, kv[j].(string), kv[j+1])
			}
		}
	}
	for _, tc := range []struct {
		name  string
		edit  func(*testing.T, map[string]any)
		field string
		msg   string
	}{
		// The cases of issue 18.
		{"zero_prob 2.0", edits("groups[0].curve[3].zero_prob", 2.0), "groups[0].curve[3].zero_prob", "2 is not a probability"},
		{"an inverted window", edits("settings.age_window", []any{30, 12}), "settings.age_window", "[30, 12]: expected the first age no later than the last"},
		{"shares -0.5 and 1.5", edits("groups[0].share", -0.5, "groups[1].share", 1.5), "groups[0].share", "-0.5 is not a probability"},
		{"a window of ±2·10⁹", edits("settings.age_window", []any{-2e9, 2e9}), "settings.age_window", "[-2000000000, 2000000000]: expected ages within ±1000000"},
		{"a window of 2·10⁹ and its curves", func(t *testing.T, m map[string]any) { window(t, m, 2e9, 2e9+18) }, "settings.age_window", "expected ages within ±1000000"},
		{"300 ages", func(t *testing.T, m map[string]any) { window(t, m, 12, 311) }, "settings.age_window", "[12, 311]: 300 ages, expected at most 256"},
		{"257 ages", func(t *testing.T, m map[string]any) { window(t, m, 12, 268) }, "settings.age_window", "257 ages"},
		{"a rate of 1e10", edits("groups[1].curve[5].rate", 1e10), "groups[1].curve[5].rate", "1e+10: expected an expected count in [0, 4294967295]"},

		// Shares and probabilities.
		{"shares summing to 1.1", edits("groups[0].share", 0.5, "groups[1].share", 0.6), "groups[*].share", "the shares sum to 1.1"},
		{"shares summing to 1 - 2e-6", edits("groups[0].share", 0.5, "groups[1].share", 0.5-2e-6), "groups[*].share", "expected 1 (within 1e-06)"},
		{"a negative share SE", edits("groups[0].share_se", -0.1), "groups[0].share_se", "-0.1: expected a number ≥ 0"},
		{"a share interval upside down", edits("groups[0].share_ci", []any{0.7, 0.3}), "groups[0].share_ci", "[0.7, 0.3]: expected an interval within [0, 1]"},
		{"a share interval beyond 1", edits("groups[1].share_ci_boot", []any{0.3, 1.2}), "groups[1].share_ci_boot", "[0.3, 1.2]"},
		{"an APP above 1", edits("groups[1].app", 1.2), "groups[1].app", "1.2 is not a probability"},
		{"a negative OCC", edits("groups[0].occ", -3.0), "groups[0].occ", "-3: expected a number ≥ 0"},
		{"a negative assigned share", edits("groups[1].assigned_share", -0.1), "groups[1].assigned_share", "-0.1 is not a probability"},
		{"an entropy of 1.5", edits("entropy", 1.5), "entropy", "1.5: expected a relative entropy in [0, 1]"},
		{"more assigned than persons", edits("groups[0].n_assigned", 301), "groups[0].n_assigned", "301: expected 0 to 300"},

		// Curves.
		{"a negative rate", edits("groups[0].curve[0].rate", -1.0), "groups[0].curve[0].rate", "-1: expected an expected count"},
		{"a negative mean", edits("groups[0].curve[2].mean", -0.1), "groups[0].curve[2].mean", "-0.1"},
		{"a curve age out of order", edits("groups[0].curve[5].age", 99), "groups[0].curve[5].age", "99 where 17 was expected"},
		{"a curve shorter than the window", func(t *testing.T, m map[string]any) {
			c := get(t, m, "groups[1].curve").([]any)
			set(t, m, "groups[1].curve", c[:len(c)-1])
		}, "groups[1].curve", "18 ages for the window 12-30 (settings.age_window): expected 19"},
		{"a band upside down", edits("groups[0].curve[4].mean_lo", 5.0, "groups[0].curve[4].mean_hi", 1.0), "groups[0].curve[4].mean_lo", "5 is above mean_hi 1"},
		{"a negative band", edits("groups[0].curve[4].mean_lo_boot", -1.0), "groups[0].curve[4].mean_lo_boot", "-1: expected a number ≥ 0"},
		{"a negative mean count", edits("groups[1].mean_count", -2.0), "groups[1].mean_count", "-2"},
		{"an age scale of 0", edits("age_scaling.scale", 0), "age_scaling.scale", "0: expected a number > 0"},

		// Groups, orders and coefficients.
		{"three groups in the settings", edits("settings.groups", 3), "settings.groups", "3 groups, but groups lists 2"},
		{"one order in the settings", edits("settings.orders", []any{1}), "settings.orders", "1 orders for 2 groups"},
		{"orders that disagree", edits("settings.orders", []any{2, 2}), "groups[0].order", "orders 1 and 0, but settings.orders[0] and settings.inflation_orders[0] are 2 and 0"},
		{"an order out of range", edits("groups[0].order", 7, "settings.orders", []any{7, 2}), "groups[0].order", "order 7 is outside 0..5"},
		{"a coefficient too many", edits("groups[0].beta", []any{0.1, 0.2, 0.3}), "groups[0].beta", "3 coefficients for order 1: expected 2"},
		{"no inflation coefficient", edits("groups[0].inflation", []any{}), "groups[0].inflation", "0 coefficients for inflation order 0: expected 1"},
		{"a standard error too few", edits("groups[1].beta_se", []any{0.1}), "groups[1].beta_se", "1 standard errors for 3 coefficients in beta"},
		{"a negative standard error", edits("groups[1].beta_se[2]", -0.5), "groups[1].beta_se[2]", "-0.5"},
		{"groups numbered 1, 5", edits("groups[1].group", 5), "groups[1].group", "5: expected 2"},
		{"a parameter count of 3", edits("n_params", 3), "n_params", "3: the groups' coefficients and the membership model have"},
		{"more groups than persons", edits("n_persons", 1), "n_persons", "1 persons for 2 groups"},
		{"fewer cells than persons", edits("n_obs", 10), "n_obs", "10 observed cells for 300 persons"},
		{"an unknown distribution", edits("distribution", "negbin"), "distribution", `unknown distribution "negbin": expected one of poisson, zip, nb`},

		// Covariates, the bootstrap, warnings and data settings.
		{"reference group 3", edits("covariates.reference", 3), "covariates.reference", "3: expected a group between 1 and 2"},
		{"reference group 0 with risk factors", edits("covariates.reference", 0), "covariates.reference", "0: expected a group between 1 and 2"},
		{"membership coefficients of another risk factor", edits("groups[1].membership_coef", map[string]any{"(intercept)": 0.1, "age": 0.2}), "groups[1].membership_coef", `expected ["(intercept)" "region=b" "score"]`},
		{"a time-varying coefficient of another covariate", edits("groups[0].tcov_coef", map[string]any{"detained": 0.3}), "groups[0].tcov_coef", `names ["detained"]: expected ["employed"], from covariates.tcov`},
		{"a null time-varying coefficient", edits("groups[0].tcov_coef", map[string]any{"employed": nil}), "groups[0].tcov_coef.employed", "null: expected a coefficient"},
		{"value labels of an unknown variable", edits("covariates.risk_value_labels", map[string]any{"sex": map[string]any{"1": "male"}}), "covariates.risk_value_labels.sex", "not a risk variable"},
		{"value labels of a numeric variable", edits("covariates.risk_value_labels", map[string]any{"score": map[string]any{"1": "high"}}), "covariates.risk_value_labels.score", "a numeric risk variable has no value labels"},
		{"a value label of an unknown level", edits("covariates.risk_value_labels.region.c", "west"), "covariates.risk_value_labels.region.c", `not a level of region: expected its base "a" or one of ["b"]`},
		{"an empty value label", edits("covariates.risk_value_labels.region.b", " "), "covariates.risk_value_labels.region.b", "an empty label"},
		{"a Wald test of 0 degrees of freedom", edits("covariates.wald[0].df", 0), "covariates.wald[0].df", "0: expected at least 1"},
		{"a Wald p-value of 2", edits("covariates.wald[1].p", 2.0), "covariates.wald[1].p", "2 is not a probability"},
		{"more failed replicates than replicates", edits("bootstrap.failed", 5), "bootstrap.failed", "5 of 4 replicates"},
		{"an unknown bootstrap", edits("bootstrap.type", "jackknife"), "bootstrap.type", `"jackknife": expected person or parametric`},
		{"a warning about group 3", edits("warnings", []any{map[string]any{"kind": "collapsed-group", "groups": []any{3}, "message": "x"}}), "warnings[0].groups[0]", "group 3: expected 1 to 2"},
		{"a minimum exposure of 2", edits("settings.data.min_exposure", 2.0), "settings.data.min_exposure", "2: expected a time at risk in [0, 1]"},
		{"an unknown layout", edits("settings.data.format", "tall"), "settings.data.format", `"tall": expected long, wide or traj`},
		{"negative iterations", edits("starts.iterations", -1), "starts.iterations", "-1: expected a number ≥ 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var m map[string]any
			if err := json.Unmarshal(valid.Bytes(), &m); err != nil {
				t.Fatal(err)
			}
			tc.edit(t, m)
			b, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			_, err = DecodeModel(bytes.NewReader(b), "dir/model.json")
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v, want a FieldError", err)
			}
			if fe.File != "dir/model.json" || fe.Field != tc.field || !strings.Contains(fe.Msg, tc.msg) {
				t.Errorf("error %q\nwant file dir/model.json, field %s and %q", err, tc.field, tc.msg)
			}
			if want := "dir/model.json: " + tc.field + ": "; !strings.HasPrefix(err.Error(), want) {
				t.Errorf("error %q does not start with %q", err, want)
			}
		})
	}
}

// TestWrittenModelsLoad: the model files trajkit wrote in earlier format
// versions still load: version 1 (../testdata/sim630-k4, no
// format_version), and the test fit's file stamped version 2 and 3, and
// shares that sum to 1 within the tolerance only.
func TestWrittenModelsLoad(t *testing.T) {
	if _, err := ReadModel(filepath.Join("..", "testdata", "sim630-k4")); err != nil {
		t.Errorf("version 1: %v", err)
	}
	f, _ := testFit(t)
	var b bytes.Buffer
	if err := EncodeModel(&b, f); err != nil {
		t.Fatal(err)
	}
	for _, v := range []int{2, 3} {
		var m map[string]any
		if err := json.Unmarshal(b.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		m["format_version"] = v
		s0 := get(t, m, "groups[0].share").(float64)
		set(t, m, "groups[0].share", s0+0.9e-6)
		out, _ := json.Marshal(m)
		if _, err := DecodeModel(bytes.NewReader(out), "model.json"); err != nil {
			t.Errorf("version %d: %v", v, err)
		}
	}
}

// TestJSONSizeBound: a model.json or selection.json above MaxJSONSize is
// refused, naming the file, before it is decoded: here valid JSON padded
// with spaces beyond the bound.
func TestJSONSizeBound(t *testing.T) {
	f, _ := testFit(t)
	var b bytes.Buffer
	if err := EncodeModel(&b, f); err != nil {
		t.Fatal(err)
	}
	pad := func(n int) io.Reader { return io.LimitReader(spaces{}, int64(n)) }
	if _, err := DecodeModel(io.MultiReader(bytes.NewReader(b.Bytes()), pad(MaxJSONSize-b.Len())), "big/model.json"); err != nil {
		t.Errorf("a file of exactly %d bytes: %v", MaxJSONSize, err)
	}
	_, err := DecodeModel(io.MultiReader(bytes.NewReader(b.Bytes()), pad(MaxJSONSize-b.Len()+1)), "big/model.json")
	if want := "big/model.json: larger than 64 MiB"; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %v, want %q", err, want)
	}

	dir := t.TempDir()
	for _, name := range []string{SelectionCSV, SelectionJSON} {
		src, err := os.ReadFile(filepath.Join("..", "testdata", "select-sim630", name))
		if err != nil {
			t.Fatal(err)
		}
		if name == SelectionJSON {
			src = append(src, bytes.Repeat([]byte(" "), MaxJSONSize)...)
		}
		if err := os.WriteFile(filepath.Join(dir, name), src, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, err = ReadSelection(dir)
	if want := fmt.Sprintf("%s: larger than 64 MiB", filepath.Join(dir, SelectionJSON)); err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %v, want %q", err, want)
	}
}

// spaces is an endless reader of spaces.
type spaces struct{}

func (spaces) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}
