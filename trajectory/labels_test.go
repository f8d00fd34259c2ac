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
