package results

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/mixture"
	"github.com/trajkit/trajkit/trajectory"
)

// TestHostileDistal: a distal block edited out of its ranges is refused
// on load with a *FieldError naming the field; the block as written
// loads and reads back the same, the categories' value labels with it.
func TestHostileDistal(t *testing.T) {
	for _, model := range []trajectory.DistalModel{trajectory.DistalLogit, trajectory.DistalMlogit} {
		f, _ := testFit(t)
		z := trajectory.DistalOutcome{Name: "z", Model: model, Values: make([]float64, len(f.Assigned))}
		if model == trajectory.DistalMlogit {
			z.Categories = []string{"a", "b", "c"}
			z.CategoryLabels = map[string]string{"a": "none", "c": "many"}
		}
		c := max(len(z.Categories), 2)
		for i := range z.Values {
			z.Values[i] = float64((i * 7 / 3) % c)
		}
		if _, err := f.EstimateDistal(z, trajectory.DistalBCH); err != nil {
			t.Fatal(err)
		}
		var valid bytes.Buffer
		if err := EncodeModel(&valid, f); err != nil {
			t.Fatal(err)
		}
		back, err := DecodeModel(bytes.NewReader(valid.Bytes()), "model.json")
		if err != nil {
			t.Fatalf("%s: the valid file is refused: %v", model, err)
		}
		if model == trajectory.DistalMlogit && back.Distal.CategoryName(2) != "c (many)" {
			t.Errorf("category c read back as %q", back.Distal.CategoryName(2))
		}
		if fmt.Sprint(back.Distal) != fmt.Sprint(f.Distal) {
			t.Errorf("%s: read back %+v, wrote %+v", model, back.Distal, f.Distal)
		}
		type edit struct {
			name, path string
			value      any
			field, msg string
		}
		edits := []edit{
			{"an unknown method", "distal.method", "jointly", "distal.method", `"jointly": expected ml, bch, classify or joint`},
			{"one person", "distal.n", 1, "distal.n", "expected at least 2"},
			{"a classification above 1", "distal.classification[0][1]", 1.5, "distal.classification[0][1]", "1.5 is not a probability"},
			{"a Wald df of 3", "distal.wald.df", 3, "distal.wald.df", "expected"},
			{"a Wald p of 2", "distal.wald.p", 2.0, "distal.wald.p", "2 is not a probability"},
		}
		if model == trajectory.DistalMlogit {
			edits = append(edits,
				edit{"a probability above 1", "distal.by_group[0].probs[1]", 1.2, "distal.by_group[0].probs[1]", "1.2 is not a probability"},
				edit{"a negative SE", "distal.by_group[1].se[2]", -0.1, "distal.by_group[1].se[2]", "expected a number ≥ 0"},
				edit{"probabilities not summing to 1", "distal.by_group[1].probs[0]", 0.0, "distal.by_group[1].probs", "expected 1"},
				edit{"a label of no category", "distal.category_labels.d", "some", "distal.category_labels.d", `not a category: expected one of ["a" "b" "c"]`},
				edit{"an empty label", "distal.category_labels.a", "", "distal.category_labels.a", "an empty label"})
		} else {
			edits = append(edits,
				edit{"a probability of 1.5", "distal.by_group[0].mean", 1.5, "distal.by_group[0].mean", "1.5 is not a probability"},
				edit{"a negative SE", "distal.by_group[1].se", -0.1, "distal.by_group[1].se", "expected a number ≥ 0"})
		}
		for _, tc := range edits {
			t.Run(string(model)+" "+tc.name, func(t *testing.T) {
				var m map[string]any
				if err := json.Unmarshal(valid.Bytes(), &m); err != nil {
					t.Fatal(err)
				}
				set(t, m, tc.path, tc.value)
				b, err := json.Marshal(m)
				if err != nil {
					t.Fatal(err)
				}
				_, err = DecodeModel(bytes.NewReader(b), "dir/model.json")
				var fe *FieldError
				if !errors.As(err, &fe) || fe.Field != tc.field || !strings.Contains(fe.Msg, tc.msg) {
					t.Errorf("error %v\nwant field %s and %q", err, tc.field, tc.msg)
				}
			})
		}
	}
}

// TestDistalJointModelJSON: a fit with a joint distal outcome
// (trajectory.FitDistalJoint) writes a model.json that loads, passes the
// checks and reads back the same distal block, method "joint".
func TestDistalJointModelJSON(t *testing.T) {
	s := trajectory.WindowScaling(12, 30)
	tr := trajectory.TruthFromCoefficients(s, 12, 30, []float64{0.6, 0.4}, [][]float64{{-1.5, 0.2}, {0.3, -0.5}}, nil)
	c, _, err := trajectory.Simulate(tr, trajectory.Design{Persons: 300}, 8)
	if err != nil {
		t.Fatal(err)
	}
	m, err := trajectory.NewModel(trajectory.Poisson, 2, []int{1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	z := trajectory.DistalOutcome{Name: "z", Model: trajectory.DistalNormal, Values: make([]float64, c.Len())}
	for i := range z.Values {
		z.Values[i] = float64((i*7)%11) / 3
		if i%10 == 0 {
			z.Values[i] = math.NaN()
		}
	}
	f, err := trajectory.FitDistalJoint(c, m, z, &trajectory.Settings{Search: mixture.Settings{Seed: 3, Starts: 3}})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := EncodeModel(&buf, f); err != nil {
		t.Fatal(err)
	}
	back, err := DecodeModel(bytes.NewReader(buf.Bytes()), "model.json")
	if err != nil {
		t.Fatalf("the joint fit's model.json is refused: %v", err)
	}
	if back.Distal == nil || back.Distal.Method != trajectory.DistalJoint || back.Distal.Missing != 30 {
		t.Fatalf("read back %+v", back.Distal)
	}
	if fmt.Sprint(back.Distal) != fmt.Sprint(f.Distal) {
		t.Errorf("read back %+v, wrote %+v", back.Distal, f.Distal)
	}
}
