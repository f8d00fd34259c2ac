package trajectory

import "testing"

// TestLevelName: a level with a value label is named by its code and the
// label in brackets; without one (or with a blank label, or the code as
// its label) by the code alone, as every table showed levels before
// labels were read.
func TestLevelName(t *testing.T) {
	for _, tc := range []struct{ level, label, want string }{
		{"2", "female", "2 (female)"},
		{"0", " male ", "0 (male)"},
		{"2", "", "2"},
		{"2", "  ", "2"},
		{"2", "2", "2"},
		{"north", "", "north"},
	} {
		if got := LevelName(tc.level, tc.label); got != tc.want {
			t.Errorf("LevelName(%q, %q) = %q, want %q", tc.level, tc.label, got, tc.want)
		}
	}
}

// TestCovariateName: the indicator of a labelled level shows its label,
// every other covariate (the intercept, a numeric variable, a level of a
// variable without labels) its name unchanged; the base level is quoted
// with its label after it.
func TestCovariateName(t *testing.T) {
	d := &RiskDesign{
		Names:       []string{"age", "sex=2", "region=south", "region=west"},
		Variables:   []string{"age", "sex", "region"},
		BaseLevels:  []string{"", "1", "north"},
		ValueLabels: map[string]map[string]string{"sex": {"1": "male", "2": "female"}},
	}
	for name, want := range map[string]string{
		"(intercept)":  "(intercept)",
		"age":          "age",
		"sex=2":        "sex=2 (female)",
		"region=south": "region=south",
	} {
		if got := d.CovariateName(name); got != want {
			t.Errorf("CovariateName(%q) = %q, want %q", name, got, want)
		}
	}
	for v, want := range []string{"", `"1" (male)`, `"north"`} {
		if got := d.BaseName(v); got != want {
			t.Errorf("BaseName(%d) = %q, want %q", v, got, want)
		}
	}
	var none *RiskDesign
	if got := none.CovariateName("sex=2"); got != "sex=2" {
		t.Errorf("a nil design names sex=2 %q", got)
	}
	old := &RiskDesign{Names: []string{"sex=2"}, Variables: []string{"sex"}} // no base levels recorded
	if got := old.BaseName(0); got != "" {
		t.Errorf("BaseName without base levels = %q", got)
	}
}

// TestCategoryName: an mlogit distal outcome's category is named with its
// value label as a level is.
func TestCategoryName(t *testing.T) {
	d := &Distal{Categories: []string{"0", "1", "2"}, CategoryLabels: map[string]string{"1": "female"}}
	for c, want := range []string{"0", "1 (female)", "2"} {
		if got := d.CategoryName(c); got != want {
			t.Errorf("CategoryName(%d) = %q, want %q", c, got, want)
		}
	}
}
