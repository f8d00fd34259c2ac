package trajectory

import (
	"strings"
	"testing"
)

// TestSetLabels: one distinct, non-empty name per group (trimmed), nil
// clears them, and a refused list leaves the labels as they were.
func TestSetLabels(t *testing.T) {
	f := &Fitted{Groups: []Group{{Number: 1, Label: "old"}, {Number: 2}, {Number: 3}}}
	for _, tc := range []struct {
		name  string
		names []string
		err   string
	}{
		{"two for three", []string{"a", "b"}, "2 names for the 3 groups"},
		{"one for three", []string{"a"}, "1 name for the 3 groups"},
		{"empty", []string{"a", " ", "c"}, "group 2 has an empty name"},
		{"duplicate after trimming", []string{"a", "b", " a"}, `groups 1 and 3 are both named "a"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := f.SetLabels(tc.names)
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("SetLabels(%q) = %v, want %q", tc.names, err, tc.err)
			}
			if f.Groups[0].Label != "old" || f.Groups[1].Label != "" {
				t.Errorf("a refused list changed the labels: %+v", f.Groups)
			}
		})
	}
	if err := f.SetLabels([]string{" low ", "mid", "high"}); err != nil {
		t.Fatal(err)
	}
	for k, want := range []string{"low", "mid", "high"} {
		if g := &f.Groups[k]; g.Label != want || g.Name() != want {
			t.Errorf("group %d: label %q name %q, want %q", k+1, g.Label, g.Name(), want)
		}
	}
	if err := f.SetLabels(nil); err != nil {
		t.Fatal(err)
	}
	if g := &f.Groups[2]; g.Label != "" || g.Name() != "Group 3" {
		t.Errorf("after clearing: label %q name %q", g.Label, g.Name())
	}
}

// TestSetOutcomeLabels: each outcome of a dual model is named as
// SetLabels names a model (one distinct, non-empty name per group,
// trimmed; a refused list changes nothing), the joint classes after their
// pairs ("low / rare", an unnamed group by "Group k"); nil clears an
// outcome, SetLabels(nil) every label, and SetLabels refuses names for
// the joint classes; a model of one outcome or of shared groups has no
// outcome labels.
func TestSetOutcomeLabels(t *testing.T) {
	groups := func(k int) []Group {
		g := make([]Group, k)
		for j := range g {
			g[j].Number = j + 1
		}
		return g
	}
	f := &Fitted{Distribution: Dual, Groups: groups(6),
		Outcomes: []OutcomeFit{{Name: "violent", Groups: groups(2)}, {Name: "property", Groups: groups(3)}}}
	for _, tc := range []struct {
		name  string
		o     int
		names []string
		err   string
	}{
		{"three for two", 0, []string{"a", "b", "c"}, "3 names for the 2 groups of outcome violent"},
		{"two for three", 1, []string{"a", "b"}, "2 names for the 3 groups of outcome property"},
		{"empty", 1, []string{"a", "", "c"}, "group 2 has an empty name"},
		{"duplicate after trimming", 1, []string{"a", "b", "b "}, `groups 2 and 3 are both named "b"`},
		{"no such outcome", 2, []string{"a", "b"}, "outcome 3 of a model of 2 outcomes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := f.SetOutcomeLabels(tc.o, tc.names)
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("SetOutcomeLabels(%d, %q) = %v, want %q", tc.o, tc.names, err, tc.err)
			}
			if f.Labelled() || labelled(f.Outcomes[0].Groups) || labelled(f.Outcomes[1].Groups) {
				t.Errorf("a refused list changed the labels")
			}
		})
	}
	if err := f.SetOutcomeLabels(0, []string{" low", "high "}); err != nil {
		t.Fatal(err)
	}
	want := []string{"low / Group 1", "low / Group 2", "low / Group 3", "high / Group 1", "high / Group 2", "high / Group 3"}
	for c, w := range want {
		if f.Groups[c].Label != w {
			t.Errorf("class %d with violent named: %q, want %q", c+1, f.Groups[c].Label, w)
		}
	}
	if err := f.SetOutcomeLabels(1, []string{"rare", "some", "often"}); err != nil {
		t.Fatal(err)
	}
	if g := f.Outcomes[1].Groups[2]; g.Label != "often" || g.Name() != "often" || f.Outcomes[0].Groups[1].Label != "high" {
		t.Errorf("outcome labels %+v", f.Outcomes)
	}
	if l := f.Groups[1*3+2].Label; l != "high / often" {
		t.Errorf("class (2, 3): %q, want %q", l, "high / often")
	}
	if err := f.SetLabels([]string{"a", "b", "c", "d", "e", "f"}); err == nil || !strings.Contains(err.Error(), "a dual model's groups are its outcomes' (violent, property)") {
		t.Errorf("SetLabels of a dual model's classes: %v", err)
	}
	if err := f.SetOutcomeLabels(0, nil); err != nil {
		t.Fatal(err)
	}
	if f.Outcomes[0].Groups[0].Label != "" || f.Groups[0].Label != "Group 1 / rare" {
		t.Errorf("violent cleared: %q, class 1 %q", f.Outcomes[0].Groups[0].Label, f.Groups[0].Label)
	}
	if err := f.SetLabels(nil); err != nil {
		t.Fatal(err)
	}
	if f.Labelled() || labelled(f.Outcomes[1].Groups) {
		t.Error("SetLabels(nil) left labels")
	}
	for _, m := range []*Fitted{{Distribution: Poisson, Groups: groups(2)}, {Distribution: Multi, Groups: groups(2), Outcomes: []OutcomeFit{{Name: "a", Groups: groups(2)}}}} {
		if err := m.SetOutcomeLabels(0, []string{"a", "b"}); err == nil {
			t.Errorf("SetOutcomeLabels of a %s model: no error", m.Distribution)
		}
	}
}
