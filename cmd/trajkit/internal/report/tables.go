package report

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/trajkit/trajkit/internal/words"
	"github.com/trajkit/trajkit/trajectory"
	"github.com/trajkit/trajkit/trajectory/careersio"
	"github.com/trajkit/trajkit/trajectory/figure"
	"github.com/trajkit/trajkit/trajectory/results"
)

// The report's tables of other commands' files: select's selection and the
// group profiles.

// selectionSection shows select's table, its recommendation and the
// selection figure.
func selectionSection(sel *results.Selection) (*selectionBox, error) {
	t := sel.Table
	s := &selectionBox{}
	if sel.Warning != "" {
		s.Warnings = append(s.Warnings, sel.Warning)
	}
	for r, rec := range t.Rows {
		s.Rows = append(s.Rows, row{Cells: formatCells(t.Header, rec, results.SelectionColumn), Mark: t.Candidates[r].Recommended})
	}
	titles := make([]string, len(t.Header))
	for j, h := range t.Header {
		titles[j] = h
		if c, ok := results.SelectionColumn(strings.TrimSpace(h)); ok {
			titles[j] = c.Title
		}
	}
	s.Header = headerCells(titles, s.Rows)
	if sel.File != nil {
		s.Reason = sel.File.Reason
		if sel.File.Recommended == nil {
			s.Recommended = "none"
		}
	}
	for _, c := range t.Candidates {
		if !c.Recommended {
			continue
		}
		// The orders as select prints them (and fit --order takes them).
		s.Recommended = words.Count(c.Groups, "group")
		if t.HasOrders {
			s.Recommended += ", orders " + trajectory.FormatOrders(c.Orders)
		}
		if t.HasInflation && slices.ContainsFunc(c.Inflation, func(v int) bool { return v >= 0 }) {
			s.Recommended += ", zero-inflation orders " + trajectory.FormatOrders(c.Inflation)
		}
	}
	s.Note = "One row per model fitted, from selection.csv; the recommended model is highlighted. Criteria are smaller-is-better; shares are percentages."
	fig, err := figure.SelectionPlot(t.Candidates, nil)
	if err != nil {
		return nil, err
	}
	f, err := inlineSVG(fig, "fig-selection", "Model selection", 1200, 700,
		"BIC with N persons and with N person-age observations, and AIC, by number of groups; where models with the same number of groups differ in their orders, the one with the lowest BIC (N persons). The recommended model is ringed.")
	if err != nil {
		return nil, err
	}
	s.Figure = &f
	return s, nil
}

// profilesSection shows the group profiles.
func profilesSection(rows []careersio.ProfileRow) *table {
	s := &table{Note: "From profiles.csv: the mean of each variable among the persons assigned to each group, and weighted by the posterior probabilities."}
	cols := results.ProfileColumns()
	header := make([]string, len(cols))
	titles := make([]string, len(cols))
	for j, c := range cols {
		header[j], titles[j] = c.Name, c.Title
	}
	byName := func(name string) (results.Column, bool) {
		j := slices.Index(header, name)
		if j < 0 {
			return results.Column{}, false
		}
		return cols[j], true
	}
	for _, r := range rows {
		s.Rows = append(s.Rows, row{Cells: formatCells(header, results.ProfileRecord(r), byName)})
	}
	s.Header = headerCells(titles, s.Rows)
	return s
}

// reproductionSection shows the published-versus-reproduced table.
func reproductionSection(rows []results.ReproRow) *table {
	s := &table{Note: "From reproduction.csv: each published figure of the 630-offender study next to the value the pipeline reproduces, with its tolerance."}
	for _, r := range rows {
		v := "–"
		if !math.IsNaN(r.Reproduced) {
			v = strconv.FormatFloat(r.Reproduced, 'f', 2, 64)
		}
		ok := "✘"
		if r.OK {
			ok = "✔"
		}
		s.Rows = append(s.Rows, row{Cells: []cell{{Text: r.Row}, {Text: r.Published}, {Text: v}, {Text: r.Tolerance}, {Text: ok}}})
	}
	for _, c := range results.ReproductionColumns() {
		s.Header = append(s.Header, cell{Text: c.Title})
	}
	return s
}

// formatCells writes a table row for display: the numeric columns with
// the digits their declaration gives, shares as percentages, other numbers
// with four significant digits, text as it is (aligned left); empty cells
// become "–".
func formatCells(header, rec []string, column func(name string) (results.Column, bool)) []cell {
	out := make([]cell, len(rec))
	for j, v := range rec {
		v = strings.TrimSpace(v)
		var col results.Column
		if j < len(header) {
			col, _ = column(strings.TrimSpace(header[j]))
		}
		x, err := strconv.ParseFloat(v, 64)
		c := cell{Text: v, Number: err == nil}
		switch {
		case v == "":
			c.Text = "–"
		case err != nil:
		case col.Share:
			c.Text = trajectory.FormatShare(x)
		case col.Digits > 0:
			c.Text = fmtNum(x, col.Digits)
		case x == math.Trunc(x) && math.Abs(x) < 1e15:
		default:
			c.Text = strconv.FormatFloat(x, 'g', 4, 64)
		}
		out[j] = c
	}
	return out
}

// headerCells aligns each column's title as its cells: right over
// numbers, left over text.
func headerCells(titles []string, rows []row) []cell {
	out := make([]cell, len(titles))
	for j, t := range titles {
		out[j] = cell{Text: t, Number: true}
		for _, r := range rows {
			if j < len(r.Cells) && !r.Cells[j].Number && r.Cells[j].Text != "–" {
				out[j].Number = false
			}
		}
	}
	return out
}

func joinList(v []int, sep string) string {
	s := make([]string, len(v))
	for j, x := range v {
		s[j] = strconv.Itoa(x)
	}
	return strings.Join(s, sep)
}
