package main

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/trajkit/trajkit/trajectory"
)

// The report's tables of other commands' files: select's selection and the
// group profiles.

// selectionSection shows select's table, its recommendation and the
// selection figure.
func selectionSection(t *trajectory.SelectionTable, sel *selectionFile, warning string) (*reportSelection, error) {
	s := &reportSelection{}
	if warning != "" {
		s.Warnings = append(s.Warnings, warning)
	}
	for r, row := range t.Rows {
		s.Rows = append(s.Rows, reportRow{Cells: formatCells(t.Header, row), Mark: t.Points[r].Recommended})
	}
	titles := make([]string, len(t.Header))
	for j, h := range t.Header {
		titles[j] = columnTitle(h)
	}
	s.Header = headerCells(titles, s.Rows)
	if sel != nil {
		s.Reason = sel.Reason
		if sel.Recommended == nil {
			s.Recommended = "none"
		}
	}
	for r, p := range t.Points {
		if !p.Recommended {
			continue
		}
		s.Recommended = fmt.Sprintf("%d groups", p.Groups)
		if t.Orders != nil {
			s.Recommended += ", orders " + joinList(t.Orders[r], ",")
		}
		if t.InflationOrders != nil && slices.ContainsFunc(t.InflationOrders[r], func(v int) bool { return v >= 0 }) {
			s.Recommended += ", zero-inflation orders " + joinList(t.InflationOrders[r], ",")
		}
	}
	s.Note = "One row per model fitted, from selection.csv; the recommended model is highlighted. Criteria are smaller-is-better; shares are percentages."
	ff := figureFlags{}
	fig, err := ff.figure(kindSelection, &figureData{selection: t})
	if err != nil {
		return nil, err
	}
	f, err := reportSVG(fig, "fig-selection", "Model selection", 1200, 700,
		"BIC with N persons and with N person-age observations, and AIC, by number of groups; where models with the same number of groups differ in their orders, the one with the lowest BIC (N persons). The recommended model is ringed.")
	if err != nil {
		return nil, err
	}
	s.Figure = &f
	return s, nil
}

// profilesSection shows profiles.csv.
func profilesSection(t *csvTable) *reportTable {
	s := &reportTable{Note: "From profiles.csv: the mean of each variable among the persons assigned to each group, and weighted by the posterior probabilities."}
	for _, r := range t.Rows {
		s.Rows = append(s.Rows, reportRow{Cells: formatCells(t.Header, r)})
	}
	s.Header = headerCells(t.Header, s.Rows)
	return s
}

// reproductionSection shows reproduction.csv, written by trajkit reproduce.
func reproductionSection(t *csvTable) *reportTable {
	s := &reportTable{Note: "From reproduction.csv: each published figure of the 630-offender study next to the value the pipeline reproduces, with its tolerance."}
	for _, r := range t.Rows {
		cells := make([]reportCell, len(r))
		for j, v := range r {
			if t.Header[j] == "ok" {
				v = map[string]string{"true": "✔", "false": "✘"}[v]
			}
			cells[j] = reportCell{Text: v}
		}
		s.Rows = append(s.Rows, reportRow{Cells: cells})
	}
	for _, h := range []string{"Row", "Published", "Reproduced", "Tolerance", "OK"} {
		s.Header = append(s.Header, reportCell{Text: h})
	}
	return s
}

// Digits of the numeric columns of select's and the profiles' tables;
// shares become percentages.
var columnDigits = map[string]int{
	"loglik": 2, "bic_persons": 2, "bic_obs": 2, "aic": 2, "cv_loglik": 2, "cve": 4,
	"entropy": 3, "min_app": 3, "min_occ": 1,
	"assigned_mean": 3, "posterior_mean": 3,
}

// columnTitles name the columns of select's table in the report.
var columnTitles = map[string]string{
	"groups": "Groups", "orders": "Orders", "inflation_orders": "Inflation orders", "loglik": "Log-likelihood",
	"n_params": "Parameters", "bic_persons": "BIC (N persons)", "bic_obs": "BIC (N obs.)", "aic": "AIC",
	"entropy": "Entropy", "min_app": "Min APP", "min_occ": "Min OCC", "min_share": "Min share",
	"starts_reached_best": "Starts at best", "adequate": "Adequate", "cv_loglik": "CV log-likelihood", "cve": "CVE",
	"recommended": "Recommended",
}

func columnTitle(h string) string {
	if t, ok := columnTitles[strings.TrimSpace(h)]; ok {
		return t
	}
	return h
}

// formatCells writes a table row for display: known numeric columns with
// their digits, shares as percentages, other numbers with four significant
// digits, text as it is (aligned left); empty cells become "–".
func formatCells(header, row []string) []reportCell {
	out := make([]reportCell, len(row))
	for j, v := range row {
		v = strings.TrimSpace(v)
		name := ""
		if j < len(header) {
			name = strings.TrimSpace(header[j])
		}
		x, err := strconv.ParseFloat(v, 64)
		c := reportCell{Text: v, Number: err == nil}
		switch {
		case v == "":
			c.Text = "–"
		case err != nil:
		case strings.Contains(name, "share"):
			c.Text = trajectory.FormatShare(x)
		case columnDigits[name] > 0:
			c.Text = fmtNum(x, columnDigits[name])
		case x == math.Trunc(x) && math.Abs(x) < 1e15:
		default:
			c.Text = strconv.FormatFloat(x, 'g', 4, 64)
		}
		out[j] = c
	}
	return out
}

func fmtPtr(x *float64, digits int) string {
	if x == nil {
		return "–"
	}
	return fmtNum(*x, digits)
}

// headerCells aligns each column's title as its cells: right over
// numbers, left over text.
func headerCells(titles []string, rows []reportRow) []reportCell {
	out := make([]reportCell, len(titles))
	for j, t := range titles {
		out[j] = reportCell{Text: t, Number: true}
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
