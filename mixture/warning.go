package mixture

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// WarningKind classifies a warning, so that code decides on the kind and
// never on the wording. Kinds are lower-case words joined by hyphens; the
// closed list, across the packages that add kinds of their own, is in
// docs/errors.md.
type WarningKind string

// The kinds of warning the engine gives.
const (
	// NotConverged: a run reached Settings.MaxIterations.
	NotConverged WarningKind = "not-converged"
	// LikelihoodDecreased: the log-likelihood fell between iterations by
	// more than rounding error, so an M-step did not always improve.
	LikelihoodDecreased WarningKind = "likelihood-decreased"
	// StartsDisagree: only one of the runs to convergence reached the
	// best log-likelihood.
	StartsDisagree WarningKind = "starts-disagree"
	// CollapsedGroup: a group's share fell below Settings.CollapseShare.
	CollapsedGroup WarningKind = "collapsed-group"
	// IllConditioned: an M-step system was singular or nearly so.
	IllConditioned WarningKind = "ill-conditioned"
)

// Warning is a note on a result that does not stop it. Message is a
// sentence about the groups in Groups that never names a group by number,
// so that the groups can be renumbered (see Renumber); String puts the
// numbers in front.
type Warning struct {
	Kind WarningKind `json:"kind"`
	// Groups are the 1-based numbers of the groups the warning is about,
	// ascending; empty when it is about none.
	Groups  []int  `json:"groups"`
	Message string `json:"message"`
}

// count returns n followed by noun, in the plural (noun + "s") unless n is
// 1: "1 iteration", "12 iterations". It is the module's words.Count, which
// mixture does not import (it imports only the standard library and
// gonum).
func count(n int, noun string) string {
	if n == 1 {
		return strconv.Itoa(n) + " " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// Warnf returns a warning of kind k about the given groups (1-based).
func Warnf(k WarningKind, groups []int, format string, args ...any) Warning {
	return Warning{Kind: k, Groups: groups, Message: fmt.Sprintf(format, args...)}
}

// String is the warning as a line of text: "group 2: ..." or
// "groups 1 and 3: ..." before the message.
func (w Warning) String() string {
	switch len(w.Groups) {
	case 0:
		return w.Message
	case 1:
		return "group " + strconv.Itoa(w.Groups[0]) + ": " + w.Message
	}
	s := make([]string, len(w.Groups))
	for j, g := range w.Groups {
		s[j] = strconv.Itoa(g)
	}
	return "groups " + strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1] + ": " + w.Message
}

// Renumber returns the warning with each group g numbered number(g), in
// ascending order, for results whose groups are put in another order.
func (w Warning) Renumber(number func(g int) int) Warning {
	if len(w.Groups) == 0 {
		return w
	}
	g := make([]int, len(w.Groups))
	for j, v := range w.Groups {
		g[j] = number(v)
	}
	slices.Sort(g)
	w.Groups = g
	return w
}

// MarshalJSON writes {"kind", "groups", "message"}, groups as [] when the
// warning is about none.
func (w Warning) MarshalJSON() ([]byte, error) {
	type plain Warning
	if w.Groups == nil {
		w.Groups = []int{}
	}
	return json.Marshal(plain(w))
}

// UnmarshalJSON reads the object MarshalJSON writes, or a plain string,
// the form of files written before warnings had kinds: it becomes a
// warning of no kind about no group.
func (w *Warning) UnmarshalJSON(b []byte) error {
	if b = bytes.TrimSpace(b); len(b) > 0 && b[0] == '"' {
		*w = Warning{}
		return json.Unmarshal(b, &w.Message)
	}
	type plain Warning
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*w = Warning(p)
	return nil
}
