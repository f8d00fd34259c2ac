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

// The selection table is shown as two tables, each narrow enough for the
// page: the fit criteria and the adequacy diagnostics, both led by the
// columns that name the model and ended by the recommendation.
var (
	selectionKeys     = []string{"groups", "orders", "inflation_orders"}
	selectionCriteria = []string{"loglik", "n_params", "bic_persons", "bic_obs", "aic", "cv_loglik", "cve"}
	// selectionTests are the columns of the bootstrap likelihood-ratio
	// tests (select --blrt), a third table when they ran; left out of the
	// note when they did not.
	selectionTests = []string{"blrt_lr", "blrt_p", "blrt_replicates", "blrt_failed", "blrt_negative"}
)

// selectionSection shows select's table, its recommendation and the
// selection figure.
func selectionSection(sel *results.Selection, st *figure.Style) (*selectionBox, error) {
	t := sel.Table
	s := &selectionBox{}
	if sel.Warning != "" {
		s.Warnings = append(s.Warnings, sel.Warning)
	}
	cells := make([][]cell, len(t.Rows))
	for r, rec := range t.Rows {
		cells[r] = formatCells(t.Header, rec, results.SelectionColumn)
	}
	// The columns by role, in the file's order; those empty in every row
	// are named in the note instead. The recommendation is the one the
	// selection applies (selection.json's, else the file's column), so it
	// is a column of its own whether the file has it or not.
	var keys, criteria, diagnostics, tests, empty []int
	for j, h := range t.Header {
		name := strings.TrimSpace(h)
		if c, ok := results.SelectionColumn(name); ok {
			name = c.Name
		}
		switch {
		case name == "recommended":
		case slices.Contains(selectionKeys, name):
			keys = append(keys, j)
		case !slices.ContainsFunc(cells, func(c []cell) bool { return j < len(c) && c[j].Text != "–" }):
			if !slices.Contains(selectionTests, name) {
				empty = append(empty, j)
			}
		case slices.Contains(selectionTests, name):
			tests = append(tests, j)
		case slices.Contains(selectionCriteria, name):
			criteria = append(criteria, j)
		default:
			diagnostics = append(diagnostics, j)
		}
	}
	title := func(j int) string {
		if c, ok := results.SelectionColumn(strings.TrimSpace(t.Header[j])); ok {
			return c.Title
		}
		return t.Header[j]
	}
	for _, part := range []struct {
		caption string
		cols    []int
	}{{"Fit criteria (smaller is better)", criteria}, {"Adequacy diagnostics", diagnostics},
		{"Bootstrap likelihood-ratio tests of K − 1 against K groups (on the row of K at the highest order)", tests}} {
		if len(part.cols) == 0 {
			continue
		}
		cols := append(slices.Clone(keys), part.cols...)
		st := selectionTable{Caption: part.caption}
		titles := make([]string, len(cols), len(cols)+1)
		for q, j := range cols {
			titles[q] = title(j)
		}
		titles = append(titles, "Recommended")
		for r := range t.Rows {
			rec := t.Candidates[r].Recommended
			rw := row{Mark: rec}
			for _, j := range cols {
				rw.Cells = append(rw.Cells, cells[r][j])
			}
			mark := "no"
			if rec {
				mark = "yes"
			}
			rw.Cells = append(rw.Cells, cell{Text: mark})
			st.Rows = append(st.Rows, rw)
		}
		st.Header = headerCells(titles, st.Rows)
		s.Tables = append(s.Tables, st)
	}
	if sel.File != nil {
		s.Reason = capitalize(sel.File.Reason)
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
	s.Note = "One row per model fitted, from selection.csv, in two tables; the recommended model is highlighted. Shares are percentages."
	if len(tests) > 0 {
		s.Note = "One row per model fitted, from selection.csv, in three tables; the recommended model is highlighted. Shares are percentages. BLRT: the parametric bootstrap likelihood-ratio test of K − 1 against K groups, LR = 2 (ℓ_K − ℓ_{K−1}), p = (1 + #{LR* ≥ LR}) / (B + 1); “LR* < 0” counts the replicates whose K-group fit stopped below the (K − 1)-group one."
	}
	if len(empty) > 0 {
		names := make([]string, len(empty))
		for q, j := range empty {
			names[q] = title(j)
		}
		s.Note += " Not shown, empty for every model: " + strings.Join(names, ", ") + "."
	}
	fig, err := figure.SelectionPlot(t.Candidates, &figure.SelectionOptions{Style: figure.Style{Legend: st.Legend, FontScale: st.FontScale}})
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
	if slices.ContainsFunc(rows, func(r careersio.ProfileRow) bool { return r.LevelLabel != "" }) {
		s.Note += labelNote
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
			cells := []cell{{Text: r.Name()}}
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
// with four significant digits, true and false as yes and no, text as it
// is (aligned left), lists of orders with places to wrap; empty cells
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
		case col.Name == "orders" || col.Name == "inflation_orders":
			c.Number, c.Parts = false, wrapList(v)
		case strings.EqualFold(v, "true"):
			c.Text = "yes"
		case strings.EqualFold(v, "false"):
			c.Text = "no"
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

// wrapList cuts a list such as "3;3;2" after each separator: the places
// where the page may wrap it.
func wrapList(v string) []string {
	var parts []string
	for v != "" {
		i := strings.IndexAny(v, ";,")
		if i < 0 {
			break
		}
		parts = append(parts, v[:i+1])
		v = v[i+1:]
	}
	if v != "" {
		parts = append(parts, v)
	}
	return parts
}

// headerCells aligns each column's title as its cells: right over
// numbers, left over text; the cells "–" of a column are aligned as its
// title.
func headerCells(titles []string, rows []row) []cell {
	out := make([]cell, len(titles))
	for j, t := range titles {
		out[j] = cell{Text: t, Number: true}
		for _, r := range rows {
			if j < len(r.Cells) && !r.Cells[j].Number && r.Cells[j].Text != "–" {
				out[j].Number = false
			}
		}
		for _, r := range rows {
			if j < len(r.Cells) && r.Cells[j].Text == "–" {
				r.Cells[j].Number = out[j].Number
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
