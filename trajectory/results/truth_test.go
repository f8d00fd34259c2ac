package results

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/trajectory"
)

// TestTruthRoundTrip: ReadTruth reads what WriteTruth writes, numbered,
// labelled and per outcome of a dual model (odd ids quoted), and refuses
// files that are not truth.csv with the line and column.
func TestTruthRoundTrip(t *testing.T) {
	b := trajectory.NewCareerBuilder()
	ids := []string{"a", `b,"c"`, "d e"}
	for _, id := range ids {
		if err := b.Add(b.Person(id), 12, 1, 1); err != nil {
			t.Fatal(err)
		}
	}
	c, err := b.Build(false)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		sim  trajectory.Simulated
		want Truth
	}{
		{"numbered", trajectory.Simulated{Careers: c, Groups: []int{2, 1, 2}},
			Truth{Columns: []string{"group"}, IDs: ids, Groups: [][]string{{"2", "1", "2"}}}},
		{"labelled", trajectory.Simulated{Careers: c, Groups: []int{2, 1, 2}, Labels: []string{"low", "high, late"}},
			Truth{Columns: []string{"group"}, IDs: ids, Groups: [][]string{{"high, late", "low", "high, late"}}}},
		{"dual", trajectory.Simulated{Careers: c, Groups: []int{4, 1, 2}, OutcomeNames: []string{"thb", "other"}, OutcomeGroups: [][]int{{2, 1, 1}, {2, 1, 2}}},
			Truth{Columns: []string{"group_thb", "group_other"}, IDs: ids, Groups: [][]string{{"2", "1", "1"}, {"2", "1", "2"}}}},
	} {
		var buf bytes.Buffer
		if err := WriteTruth(&buf, &tc.sim); err != nil {
			t.Fatal(err)
		}
		got, err := ReadTruth(&buf, "truth.csv")
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !reflect.DeepEqual(*got, tc.want) {
			t.Errorf("%s: read %+v, want %+v", tc.name, *got, tc.want)
		}
	}
	for _, tc := range []struct{ text, want string }{
		{"", "truth.csv:1: expected the header"},
		{"id,grp\n", "truth.csv:1: expected the header id,group"},
		{"id,group_a,klass\n", `truth.csv:1:3: column "klass"`},
		{"id,group\na,1\nb,\n", "truth.csv:3:2: empty group"},
		{"id,group\na,1\na,2\n", `truth.csv:3:1: id "a" again (line 2)`},
		{"id,group\na,1,3\n", "truth.csv:2:"},
	} {
		if _, err := ReadTruth(strings.NewReader(tc.text), "truth.csv"); err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want one starting %q", tc.text, err, tc.want)
		}
	}
}
