package trajectory

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// SelectionTable is a model-selection table as trajkit select writes it
// (selection.csv): one row per model fitted, with at least the columns
// groups, bic_persons, bic_obs and aic; an empty cell is undefined. Orders
// are lists of whole numbers with any separator ("3;3;2", "3,3,2"). A
// column recommended, when present, marks the recommended model with
// "true".
type SelectionTable struct {
	// Header and Rows are the file as read, every column kept.
	Header []string
	Rows   [][]string
	// Points are the rows as SelectionPlot takes them, one per row.
	Points []SelectionPoint
	// Orders and InflationOrders are each row's polynomial orders (nil
	// when the file has no such column).
	Orders, InflationOrders [][]int
}

// ReadSelectionTable reads a selection table; name is the file name used
// in errors.
func ReadSelectionTable(r io.Reader, name string) (*SelectionTable, error) {
	cr := csv.NewReader(r)
	header, err := cr.Read()
	if err == io.EOF {
		return nil, &DataError{File: name, Line: 1, Msg: "the file is empty: expected a header with groups,bic_persons,bic_obs,aic"}
	}
	if err != nil {
		return nil, selectionCSVError(name, err)
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	col := map[string]int{}
	for j, h := range header {
		col[strings.TrimSpace(h)] = j
	}
	for _, need := range []string{"groups", "bic_persons", "bic_obs", "aic"} {
		if _, ok := col[need]; !ok {
			return nil, &DataError{File: name, Line: 1, Msg: fmt.Sprintf("no column %q: a selection table has the columns groups, bic_persons, bic_obs and aic", need)}
		}
	}
	t := &SelectionTable{Header: header}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, selectionCSVError(name, err)
		}
		line, _ := cr.FieldPos(0)
		at := func(c string) (int, string) { return col[c], strings.TrimSpace(rec[col[c]]) }
		num := func(c string) (float64, error) {
			j, s := at(c)
			if s == "" {
				return math.NaN(), nil
			}
			v, err := strconv.ParseFloat(s, 64)
			if err != nil || math.IsInf(v, 0) {
				return 0, &DataError{File: name, Line: line, Column: j + 1, ColumnName: c, Msg: fmt.Sprintf("%q is not a number", s)}
			}
			return v, nil
		}
		var p SelectionPoint
		j, s := at("groups")
		k, err := strconv.Atoi(s)
		if err != nil || k < 1 {
			return nil, &DataError{File: name, Line: line, Column: j + 1, ColumnName: "groups", Msg: fmt.Sprintf("%q is not a number of groups (a whole number ≥ 1)", s)}
		}
		p.Groups = k
		if p.BICPersons, err = num("bic_persons"); err != nil {
			return nil, err
		}
		if p.BICObs, err = num("bic_obs"); err != nil {
			return nil, err
		}
		if p.AIC, err = num("aic"); err != nil {
			return nil, err
		}
		if _, ok := col["recommended"]; ok {
			j, s := at("recommended")
			if p.Recommended, err = strconv.ParseBool(strings.ToLower(s)); err != nil && s != "" {
				return nil, &DataError{File: name, Line: line, Column: j + 1, ColumnName: "recommended", Msg: fmt.Sprintf("%q: expected true or false", s)}
			}
		}
		for _, c := range []struct {
			name string
			dst  *[][]int
		}{{"orders", &t.Orders}, {"inflation_orders", &t.InflationOrders}} {
			if _, ok := col[c.name]; !ok {
				continue
			}
			j, s := at(c.name)
			v, err := parseIntList(s)
			if err != nil {
				return nil, &DataError{File: name, Line: line, Column: j + 1, ColumnName: c.name, Msg: err.Error()}
			}
			*c.dst = append(*c.dst, v)
		}
		t.Rows = append(t.Rows, slices.Clone(rec))
		t.Points = append(t.Points, p)
	}
	if len(t.Rows) == 0 {
		return nil, &DataError{File: name, Line: 1, Msg: "the file has a header but no models"}
	}
	return t, nil
}

// Recommend marks the row with the given number of groups and orders as
// the recommended model, and no other, and returns its index; it returns
// −1 and leaves the marks as they were when no row matches. An order list
// of one entry stands for the same order in every group; nil orders match
// any.
func (t *SelectionTable) Recommend(groups int, orders, inflation []int) int {
	for r, p := range t.Points {
		if p.Groups != groups {
			continue
		}
		if orders != nil && t.Orders != nil && !sameOrders(t.Orders[r], orders, groups) {
			continue
		}
		if inflation != nil && t.InflationOrders != nil && !sameOrders(t.InflationOrders[r], inflation, groups) {
			continue
		}
		for q := range t.Points {
			t.Points[q].Recommended = q == r
		}
		return r
	}
	return -1
}

func sameOrders(a, b []int, k int) bool {
	ea, err1 := expand(a, k, 0, "order")
	eb, err2 := expand(b, k, 0, "order")
	return err1 == nil && err2 == nil && slices.Equal(ea, eb)
}

// parseIntList reads whole numbers from a cell whatever separates them:
// "3,3,2", "3 3 2", "[3, 3, 2]".
func parseIntList(s string) ([]int, error) {
	f := strings.FieldsFunc(s, func(r rune) bool { return !(r == '-' || r >= '0' && r <= '9') })
	out := make([]int, 0, len(f))
	for _, x := range f {
		v, err := strconv.Atoi(x)
		if err != nil {
			return nil, fmt.Errorf("%q is not a list of orders, e.g. 3,3,2", s)
		}
		out = append(out, v)
	}
	return out, nil
}

// selectionCSVError turns a CSV syntax error into a DataError.
func selectionCSVError(name string, err error) error {
	if pe, ok := err.(*csv.ParseError); ok {
		return &DataError{File: name, Line: pe.Line, Column: pe.Column, Msg: pe.Err.Error()}
	}
	return fmt.Errorf("%s: %v", name, err)
}
