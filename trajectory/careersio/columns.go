package careersio

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
)

// missingValues are the cells read as missing: empty, NA, NaN and ".".
var missingValues = []string{"", "NA", "NaN", "."}

// cellKind is what a cell of a person file holds.
type cellKind int8

const (
	missingCell cellKind = iota // empty, NA, NaN or "."
	numberCell                  // a finite number
	boolCell                    // true or false
	textCell                    // anything else, numbers that are not finite among them
	numKinds
)

// kindOf returns the kind of a trimmed cell; notFinite reports a text cell
// that is a number but not a finite one (Inf, nan, 1e400).
func kindOf(s string) (k cellKind, notFinite bool) {
	if slices.Contains(missingValues, s) {
		return missingCell, false
	}
	if s == "true" || s == "false" {
		return boolCell, false
	}
	f, err := strconv.ParseFloat(s, 64)
	switch {
	case err == nil && !math.IsInf(f, 0) && !math.IsNaN(f):
		return numberCell, false
	case err == nil || errors.Is(err, strconv.ErrRange):
		return textCell, true
	}
	return textCell, false
}

// columnKind returns the kind of every non-missing cell of a column
// (trimmed cells, on the file lines lines): numberCell, boolCell or
// textCell, textCell when every cell is missing. A column of several kinds
// is an error at the first cell (bad, an index into cells) not of the kind
// most cells have, ties going to the kind seen first; so is a column whose
// only values are numbers that are not finite.
func columnKind(cells []string, lines []int) (kind cellKind, bad int, err error) {
	var n [numKinds]int
	first := [numKinds]int{-1, -1, -1, -1}
	notFinite := -1 // the first text cell that is a number not finite
	onlyNotFinite := true
	for r, c := range cells {
		k, nf := kindOf(c)
		if k == missingCell {
			continue
		}
		n[k]++
		if first[k] < 0 {
			first[k] = r
		}
		switch {
		case nf && notFinite < 0:
			notFinite = r
		case k == textCell && !nf:
			onlyNotFinite = false
		}
	}
	kind = textCell
	for _, k := range []cellKind{numberCell, boolCell, textCell} {
		if n[k] > n[kind] || n[k] == n[kind] && n[k] > 0 && first[k] < first[kind] {
			kind = k
		}
	}
	values := n[numberCell] + n[boolCell] + n[textCell]
	if n[kind] == values {
		if kind == textCell && values > 0 && onlyNotFinite {
			return 0, notFinite, fmt.Errorf("value %q is not finite: expected a finite number (missing values are empty, NA, NaN or .), or a column named as categorical (PersonOptions.Categorical)", cells[notFinite])
		}
		return kind, 0, nil
	}
	bad = -1
	for k := numberCell; k < numKinds; k++ {
		if k != kind && first[k] >= 0 && (bad < 0 || first[k] < bad) {
			bad = first[k]
		}
	}
	k, nf := kindOf(cells[bad])
	is := map[cellKind]string{numberCell: "is a number", boolCell: "is true/false", textCell: "is text"}[k]
	if nf {
		is = "is not finite"
	}
	are := map[cellKind]string{numberCell: "are numbers", boolCell: "are true or false", textCell: "are text"}[kind]
	if n[kind] == 1 {
		are = map[cellKind]string{numberCell: "is a number", boolCell: "is true or false", textCell: "is text"}[kind]
	}
	return 0, bad, fmt.Errorf("value %q %s, but %d of the column's %d values %s (the first on line %d): fix the cell, or name the column as categorical (PersonOptions.Categorical) if it is one",
		cells[bad], is, n[kind], values, are, lines[first[kind]])
}

// cellValue is the value of a cell of a numeric column: the number, 1 for
// true, 0 for false, NaN where missing.
func cellValue(s string) float64 {
	switch s {
	case "true":
		return 1
	case "false":
		return 0
	}
	if slices.Contains(missingValues, s) {
		return math.NaN()
	}
	f, _ := strconv.ParseFloat(s, 64)
	return f
}

// setLevels makes pc a categorical column of the trimmed cells: the
// distinct values other than missing, sorted, and each cell's code.
func (pc *PersonColumn) setLevels(cells []string) {
	code := map[string]int{}
	for _, c := range cells {
		if !slices.Contains(missingValues, c) {
			code[c] = 0
		}
	}
	pc.Levels = slices.Sorted(maps.Keys(code))
	for i, l := range pc.Levels {
		code[l] = i
	}
	pc.Codes = make([]int, len(cells))
	for r, c := range cells {
		pc.Codes[r] = -1
		if i, ok := code[c]; ok {
			pc.Codes[r] = i
		}
	}
}
