package report

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

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
		s.Recommended = fmt.Sprintf("%d groups", c.Groups)
		if t.HasOrders {
			s.Recommended += ", orders " + joinList(c.Orders, ",")
		}
		if t.HasInflation && slices.ContainsFunc(c.Inflation, func(v int) bool { return v >= 0 }) {
			s.Recommended += ", zero-inflation orders " + joinList(c.Inflation, ",")
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

// profilesSection shows the group profiles as the terminal prints them:
// one row per variable (or level of a categorical one), one column per
// group of f, each cell as ProfileRow.Format writes it.
func profilesSection(rows []careersio.ProfileRow, f *trajectory.Fitted) *table {
	s := &table{Note: "From profiles.csv: for each variable of the person file (each level of a categorical one), its mean among the persons assigned to each group (by their highest posterior probability) and, in brackets, the mean weighted by the posterior probabilities of the group. Shares (levels, and variables with only the values 0 and 1) are percentages."}
	k := len(f.Groups)
	for _, r := range rows {
		k = max(k, r.Group)
	}
	s.Header = []cell{{Text: "Variable"}}
	for g := 1; g <= k; g++ {
		s.Header = append(s.Header, cell{Text: groupHeading(f, g), Number: true})
	}
	type variable struct{ name, level string }
	at := map[variable]int{}
	for _, r := range rows {
		v := variable{r.Variable, r.Level}
		j, ok := at[v]
		if !ok {
			name := r.Variable
			if r.Level != "" {
				name += " = " + r.Level
			}
			cells := []cell{{Text: name}}
			for range k {
				cells = append(cells, cell{Text: "–", Number: true})
			}
			j = len(s.Rows)
			at[v] = j
			s.Rows = append(s.Rows, row{Cells: cells})
		}
		s.Rows[j].Cells[r.Group] = cell{Text: r.Format(), Number: true}
	}
	return s
}

// reproductionSection shows the published-versus-reproduced table: each
// value written as the figure it is compared with reads (ReproRow's
// FormatReproduced, as on the terminal) and aligned as the published
// one, and the data it comes from.
func reproductionSection(rows []results.ReproRow) *reproBox {
	s := &reproBox{table: table{Note: "Each published figure of the 630-offender study next to the value the pipeline reproduces, with its tolerance (reproduction.csv); n/a: not computed, the data lack what it needs."}}
	var data []string
	for _, r := range rows {
		if r.Data != "" && !slices.Contains(data, r.Data) {
			data = append(data, r.Data)
		}
		s.Rows = append(s.Rows, row{Cells: []cell{{Text: r.Row}, {Text: r.Published}, {Text: r.FormatReproduced()}, {Text: r.Tolerance}, {Text: r.Verdict()}}})
	}
	s.Data = strings.Join(data, "; ")
	for _, name := range []string{"row", "published", "reproduced", "tolerance", "ok"} {
		s.Header = append(s.Header, cell{Text: reproductionTitle(name)})
	}
	return s
}

// reproductionTitle is the title of a column of reproduction.csv.
func reproductionTitle(name string) string {
	for _, c := range results.ReproductionColumns() {
		if c.Name == name {
			return c.Title
		}
	}
	panic("report: reproduction.csv has no column " + name)
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
