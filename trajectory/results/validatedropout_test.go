package results

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/mixture"
	"github.com/trajkit/trajkit/trajectory"
)

// dropoutModel returns model.json of a dropout model fitted to 300
// careers at ages 12..20 that end early at random.
func dropoutModel(t *testing.T) []byte {
	t.Helper()
	rng := rand.New(rand.NewPCG(3, 4))
	b := trajectory.NewCareerBuilder()
	for i := range 300 {
		p := b.Person(strconv.Itoa(i))
		mu := []uint32{0, 2}[i%2]
		for age := 12; age <= 20; age++ {
			if age > 12 && rng.Float64() < 0.05+0.1*float64(i%2) {
				break
			}
			if err := b.Add(p, age, uint32(rng.IntN(int(mu)+1)), 1); err != nil {
				t.Fatal(err)
			}
		}
	}
	b.Span(12, 20)
	c, err := b.Build(false)
	if err != nil {
		t.Fatal(err)
	}
	m, err := trajectory.NewModel(trajectory.Poisson, 2, []int{1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	f, err := trajectory.FitDropout(c, m, trajectory.Dropout{Orders: []int{1}, Lag: 1}, "window", &trajectory.Settings{Search: mixture.Settings{Seed: 1, Starts: 2}})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := EncodeModel(&buf, f); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestDropoutModelJSON: a dropout model's model.json reads back with its
// hazards, and out-of-range dropout fields are refused, naming the field.
func TestDropoutModelJSON(t *testing.T) {
	valid := dropoutModel(t)
	f, err := DecodeModel(bytes.NewReader(valid), "dir/model.json")
	if err != nil {
		t.Fatal(err)
	}
	if f.Attrition == nil || f.Attrition.Lag != 1 || f.Groups[1].Dropout == nil || len(f.Groups[1].Dropout.Curve) != 9 {
		t.Fatalf("read back: %+v, %+v", f.Attrition, f.Groups[1].Dropout)
	}
	for _, tc := range []struct {
		name, path string
		value      any
		field, msg string
	}{
		{"a hazard of 1.5", "groups[0].dropout.curve[3].hazard", 1.5, "groups[0].dropout.curve[3].hazard", "1.5 is not a probability"},
		{"a share at age of -0.1", "groups[1].dropout.curve[2].share_at_age", -0.1, "groups[1].dropout.curve[2].share_at_age", "not a probability"},
		{"a survival that rises", "groups[0].dropout.curve[8].survival", 1.0, "groups[0].dropout.curve[8].survival", "survival cannot increase"},
		{"lag 3", "dropout.lag", 3, "dropout.lag", "3: expected 0..2"},
		{"a group without dropout", "groups[1].dropout", nil, "groups[1].dropout", "expected a dropout curve in every group"},
		{"a coefficient too many", "groups[0].dropout.coef", map[string]any{"intercept": 1, "linear": 0, "lag1": 0, "x": 0}, "groups[0].dropout.coef", "expected 3"},
		{"an age short", "groups[0].dropout.curve[0].age", 11, "groups[0].dropout.curve[0].age", "11: expected 12"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var m map[string]any
			if err := json.Unmarshal(valid, &m); err != nil {
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
				t.Errorf("error %v, want field %s and %q", err, tc.field, tc.msg)
			}
		})
	}
}
