// Package words makes the counts in trajkit's messages agree with their
// nouns and verbs: "converged after 1 iteration", "after 12 iterations",
// "1 person has no row", "3 persons have no row".
//
// Every package of the module may use it except mixture, which imports
// only the standard library and gonum (docs/architecture.md) and keeps its
// own copy of Count.
package words

import "strconv"

// Count returns n followed by noun, in the plural (noun + "s") unless n is
// 1:
//
//	Count(1, "iteration")  = "1 iteration"
//	Count(0, "iteration")  = "0 iterations"
//	Count(12, "iteration") = "12 iterations"
//
// The nouns of trajkit's messages all take -s; use Choose for others.
func Count(n int, noun string) string {
	return strconv.Itoa(n) + " " + Choose(n, noun, noun+"s")
}

// Choose returns one when n is 1 and many otherwise: the noun of a
// count written elsewhere ("%d of %d " + Choose(total, "row", "rows")), or
// a verb that agrees with a count (Choose(n, "has", "have")).
func Choose(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
