package results

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/trajkit/trajkit/internal/words"
	"github.com/trajkit/trajkit/mixture"
	"github.com/trajkit/trajkit/trajectory"
	"github.com/trajkit/trajkit/trajectory/careersio"
)

// selectionColumn is a column of selection.csv with its cell of a
// candidate and the reader of a cell.
type selectionColumn struct {
	Column
	cell func(c *trajectory.Candidate) string
	read func(c *trajectory.Candidate, s string) error
}

// selectionColumns are selection.csv's columns, in order: the one
// declaration of the file, for its writer, its reader and the report.
var selectionColumns = []selectionColumn{
	{Column{"groups", "Groups", 0, false}, func(c *trajectory.Candidate) string { return strconv.Itoa(c.Groups) },
		func(c *trajectory.Candidate, s string) (err error) {
			if c.Groups, err = strconv.Atoi(s); err == nil && c.Groups < 1 {
				err = errors.New("fewer than one group")
			}
			return err
		}},
	{Column{"orders", "Orders", 0, false}, func(c *trajectory.Candidate) string { return trajectory.FormatOrders(c.Orders) },
		optional(func(c *trajectory.Candidate, s string) (err error) { c.Orders, err = parseIntList(s); return err })},
	{Column{"inflation_orders", "Inflation orders", 0, false}, func(c *trajectory.Candidate) string { return trajectory.FormatOrders(c.Inflation) },
		optional(func(c *trajectory.Candidate, s string) (err error) { c.Inflation, err = parseIntList(s); return err })},
	{Column{"loglik", "Log-likelihood", 2, false}, func(c *trajectory.Candidate) string { return FormatFloat(c.LogLik) }, readFloat(func(c *trajectory.Candidate) *float64 { return &c.LogLik })},
	{Column{"n_params", "Parameters", 0, false}, func(c *trajectory.Candidate) string { return strconv.Itoa(c.NumParams) },
		optional(func(c *trajectory.Candidate, s string) (err error) { c.NumParams, err = strconv.Atoi(s); return err })},
	{Column{"bic_persons", "BIC (N persons)", 2, false}, func(c *trajectory.Candidate) string { return FormatFloat(c.BICPersons) }, readFloat(func(c *trajectory.Candidate) *float64 { return &c.BICPersons })},
	{Column{"bic_obs", "BIC (N obs.)", 2, false}, func(c *trajectory.Candidate) string { return FormatFloat(c.BICObs) }, readFloat(func(c *trajectory.Candidate) *float64 { return &c.BICObs })},
	{Column{"aic", "AIC", 2, false}, func(c *trajectory.Candidate) string { return FormatFloat(c.AIC) }, readFloat(func(c *trajectory.Candidate) *float64 { return &c.AIC })},
	{Column{"entropy", "Entropy", 3, false}, func(c *trajectory.Candidate) string { return FormatFloat(c.Entropy) }, readFloat(func(c *trajectory.Candidate) *float64 { return &c.Entropy })},
	{Column{"min_app", "Min APP", 3, false}, func(c *trajectory.Candidate) string { return FormatFloat(c.MinAPP) }, readFloat(func(c *trajectory.Candidate) *float64 { return &c.MinAPP })},
	{Column{"min_occ", "Min OCC", 1, false}, func(c *trajectory.Candidate) string { return FormatFloat(c.MinOCC) }, readFloat(func(c *trajectory.Candidate) *float64 { return &c.MinOCC })},
	{Column{"smallest_share", "Smallest share", 1, true}, func(c *trajectory.Candidate) string { return FormatFloat(c.SmallestShare) }, readFloat(func(c *trajectory.Candidate) *float64 { return &c.SmallestShare })},
	{Column{"starts_reached_best", "Starts at best", 0, false}, func(c *trajectory.Candidate) string { return strconv.Itoa(c.ReachedBest) },
		optional(func(c *trajectory.Candidate, s string) (err error) { c.ReachedBest, err = strconv.Atoi(s); return err })},
	{Column{"adequate", "Adequate", 0, false}, func(c *trajectory.Candidate) string { return strconv.FormatBool(c.Adequate) },
		optional(func(c *trajectory.Candidate, s string) (err error) {
			c.Adequate, err = strconv.ParseBool(strings.ToLower(s))
			return err
		})},
	{Column{"cv_loglik", "CV log-likelihood", 2, false}, func(c *trajectory.Candidate) string { return FormatFloat(c.CVLogLik) }, readFloat(func(c *trajectory.Candidate) *float64 { return &c.CVLogLik })},
	{Column{"cve", "CVE", 4, false}, func(c *trajectory.Candidate) string { return FormatFloat(c.CVE) }, readFloat(func(c *trajectory.Candidate) *float64 { return &c.CVE })},
	{Column{"blrt_lr", "BLRT LR", 2, false}, blrtCell(func(t *trajectory.BLRT) string { return FormatFloat(t.LR) }), readBLRT(func(t *trajectory.BLRT, s string) (err error) { t.LR, err = parseFinite(s); return err })},
	{Column{"blrt_p", "BLRT p", 3, false}, blrtCell(func(t *trajectory.BLRT) string { return FormatFloat(t.P) }), readBLRT(func(t *trajectory.BLRT, s string) (err error) { t.P, err = parseFinite(s); return err })},
	{Column{"blrt_replicates", "BLRT replicates", 0, false}, blrtCell(func(t *trajectory.BLRT) string { return strconv.Itoa(t.Replicates) }), readBLRT(func(t *trajectory.BLRT, s string) (err error) { t.Replicates, err = strconv.Atoi(s); return err })},
	{Column{"blrt_failed", "BLRT failed", 0, false}, blrtCell(func(t *trajectory.BLRT) string { return strconv.Itoa(t.Failed) }), readBLRT(func(t *trajectory.BLRT, s string) (err error) { t.Failed, err = strconv.Atoi(s); return err })},
	{Column{"blrt_negative", "BLRT LR* < 0", 0, false}, blrtCell(func(t *trajectory.BLRT) string { return strconv.Itoa(t.Negative) }), readBLRT(func(t *trajectory.BLRT, s string) (err error) { t.Negative, err = strconv.Atoi(s); return err })},
	{Column{"recommended", "Recommended", 0, false}, func(c *trajectory.Candidate) string { return strconv.FormatBool(c.Recommended) },
		optional(func(c *trajectory.Candidate, s string) (err error) {
			c.Recommended, err = strconv.ParseBool(strings.ToLower(s))
			return err
		})},
}

// selectionV1 maps the names of version 1 columns to today's.
var selectionV1 = map[string]string{"min_share": "smallest_share"}

// SelectionColumn returns the column of selection.csv of that name (a
// version 1 name too), and whether there is one.
func SelectionColumn(name string) (Column, bool) {
	if n, ok := selectionV1[name]; ok {
		name = n
	}
	for _, c := range selectionColumns {
		if c.Name == name {
			return c.Column, true
		}
	}
	return Column{}, false
}

// optional is a reader of a cell that keeps the zero value when empty.
func optional(read func(*trajectory.Candidate, string) error) func(*trajectory.Candidate, string) error {
	return func(c *trajectory.Candidate, s string) error {
		if s == "" {
			return nil
		}
		return read(c, s)
	}
}

// parseOptionalFloat reads a number, NaN when empty.
func parseOptionalFloat(s string) (float64, error) {
	var c trajectory.Candidate
	err := readFloat(func(c *trajectory.Candidate) *float64 { return &c.CVE })(&c, s)
	return c.CVE, err
}

// readFloat is a reader of a number, NaN when empty.
func readFloat(field func(*trajectory.Candidate) *float64) func(*trajectory.Candidate, string) error {
	return func(c *trajectory.Candidate, s string) error {
		if s == "" {
			*field(c) = math.NaN()
			return nil
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsInf(v, 0) {
			return fmt.Errorf("%q is not a number", s)
		}
		*field(c) = v
		return nil
	}
}

// blrtCell is the cell of a column of the candidate's bootstrap
// likelihood-ratio test, empty without one.
func blrtCell(cell func(*trajectory.BLRT) string) func(*trajectory.Candidate) string {
	return func(c *trajectory.Candidate) string {
		if c.BLRT == nil {
			return ""
		}
		return cell(c.BLRT)
	}
}

// readBLRT is the reader of a cell of the candidate's bootstrap
// likelihood-ratio test: an empty cell leaves the test as it is (nil
// when every cell of it is empty).
func readBLRT(read func(*trajectory.BLRT, string) error) func(*trajectory.Candidate, string) error {
	return func(c *trajectory.Candidate, s string) error {
		if s == "" {
			return nil
		}
		if c.BLRT == nil {
			c.BLRT = &trajectory.BLRT{Groups: c.Groups, Orders: c.Orders, Inflation: c.Inflation, LR: math.NaN(), P: math.NaN()}
		}
		return read(c.BLRT, s)
	}
}

// parseFinite reads a finite number.
func parseFinite(s string) (float64, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	return v, nil
}

// WriteSelectionCSV writes selection.csv: one row per candidate, undefined
// values as empty cells.
func WriteSelectionCSV(w io.Writer, cands []*trajectory.Candidate) error {
	t := NewSelectionTable(cands)
	cw := csv.NewWriter(w)
	cw.Write(t.Header)
	cw.WriteAll(t.Rows)
	return cw.Error()
}

// NewSelectionTable returns the table of candidates as selection.csv holds
// it.
// The candidates of a multi-trajectory search (SelectMulti) have a column
// cve_NAME per outcome after cve, which they leave empty, and empty orders
// and inflation_orders: each outcome's are in selection.json.
func NewSelectionTable(cands []*trajectory.Candidate) *SelectionTable {
	t := &SelectionTable{Candidates: cands, HasOrders: true, HasInflation: true}
	var outcomes []string
	for _, cand := range cands {
		if cand.Outcomes != nil {
			for _, o := range cand.Outcomes {
				outcomes = append(outcomes, o.Name)
			}
			break
		}
	}
	for _, c := range selectionColumns {
		t.Header = append(t.Header, c.Name)
		if c.Name == "cve" {
			for _, name := range outcomes {
				t.Header = append(t.Header, OutcomeCVEPrefix+name)
			}
		}
	}
	for _, cand := range cands {
		rec := make([]string, 0, len(t.Header))
		for _, c := range selectionColumns {
			rec = append(rec, c.cell(cand))
			if c.Name != "cve" {
				continue
			}
			for o := range outcomes {
				cell := ""
				if o < len(cand.Outcomes) {
					cell = FormatFloat(cand.Outcomes[o].CVE)
				}
				rec = append(rec, cell)
			}
		}
		t.Rows = append(t.Rows, rec)
	}
	return t
}

// OutcomeCVEPrefix starts the name of the column of an outcome's CVE in
// the selection.csv of a multi-trajectory search: cve_NAME.
const OutcomeCVEPrefix = "cve_"

// SelectionTable is a model-selection table as select writes it
// (selection.csv), or one with at least the columns groups, bic_persons,
// bic_obs and aic: one row per model, an empty cell undefined, orders as
// lists of whole numbers with any separator ("3;3;2", "3,3,2").
type SelectionTable struct {
	// Header and Rows are the file as read, every column kept.
	Header []string
	Rows   [][]string
	// Candidates are the rows read into candidates: the columns of
	// selection.csv that the file has, NaN for those it lacks.
	Candidates []*trajectory.Candidate
	// HasOrders and HasInflation say whether the file gives the orders.
	HasOrders, HasInflation bool
}

// ReadSelectionCSV reads a selection table; name is the file name used in
// errors.
func ReadSelectionCSV(r io.Reader, name string) (*SelectionTable, error) {
	cr := careersio.NewCSVReader(r, name)
	header, err := cr.Read()
	if err == io.EOF {
		return nil, &careersio.DataError{File: name, Line: 1, Msg: "the file is empty: expected a header with groups,bic_persons,bic_obs,aic"}
	}
	if err != nil {
		return nil, careersio.CSVError(name, cr, err)
	}
	header = slices.Clone(header)
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	col := map[string]int{}
	for j, h := range header {
		h = strings.TrimSpace(h)
		if n, ok := selectionV1[h]; ok {
			h = n
		}
		col[h] = j
	}
	for _, need := range []string{"groups", "bic_persons", "bic_obs", "aic"} {
		if _, ok := col[need]; !ok {
			return nil, &careersio.DataError{File: name, Line: 1, Msg: fmt.Sprintf("no column %q: a selection table has the columns groups, bic_persons, bic_obs and aic", need)}
		}
	}
	// The outcomes of a multi-trajectory search are those of the cve_NAME
	// columns, in file order.
	var outcomes []string
	for _, h := range header {
		if name, ok := strings.CutPrefix(strings.TrimSpace(h), OutcomeCVEPrefix); ok && name != "" {
			outcomes = append(outcomes, name)
		}
	}
	_, hasOrders := col["orders"]
	_, hasInfl := col["inflation_orders"]
	t := &SelectionTable{Header: header, HasOrders: hasOrders, HasInflation: hasInfl}
	err = careersio.EachRecord(cr, name, func(rec []string, line int) error {
		cand := &trajectory.Candidate{}
		for _, c := range selectionColumns {
			j, ok := col[c.Name]
			if !ok {
				// A column the file lacks reads as an empty cell: NaN
				// for a number, the zero value otherwise.
				c.read(cand, "")
				continue
			}
			s := strings.TrimSpace(rec[j])
			if err := c.read(cand, s); err != nil {
				return &careersio.DataError{File: name, Line: line, Column: j + 1, ColumnName: header[j], Msg: readMessage(c.Name, s, err)}
			}
		}
		for _, outcome := range outcomes {
			j := col[OutcomeCVEPrefix+outcome]
			v, err := parseOptionalFloat(strings.TrimSpace(rec[j]))
			if err != nil {
				return &careersio.DataError{File: name, Line: line, Column: j + 1, ColumnName: header[j], Msg: err.Error()}
			}
			cand.Outcomes = append(cand.Outcomes, trajectory.CandidateOutcome{Name: outcome, CVE: v})
		}
		t.Rows = append(t.Rows, slices.Clone(rec))
		t.Candidates = append(t.Candidates, cand)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(t.Rows) == 0 {
		return nil, &careersio.DataError{File: name, Line: 1, Msg: "the file has a header but no models"}
	}
	return t, nil
}

// readMessage says what was wrong with a cell.
func readMessage(column, s string, err error) string {
	switch column {
	case "groups":
		return fmt.Sprintf("%q is not a number of groups (a whole number ≥ 1)", s)
	case "blrt_replicates", "blrt_failed", "blrt_negative":
		return fmt.Sprintf("%q is not a count (a whole number)", s)
	case "recommended", "adequate":
		return fmt.Sprintf("%q: expected true or false", s)
	case "orders", "inflation_orders":
		return err.Error()
	}
	return fmt.Sprintf("%q is not a number", s)
}

// Recommend marks the row with the given number of groups and orders as
// the recommended model, and no other, and returns its index; it returns
// −1 and leaves the marks as they were when no row matches. An order list
// of one entry stands for the same order in every group; nil orders match
// any.
func (t *SelectionTable) Recommend(groups int, orders, inflation []int) int {
	for r, c := range t.Candidates {
		if c.Groups != groups {
			continue
		}
		if orders != nil && t.HasOrders && !sameOrders(c.Orders, orders, groups) {
			continue
		}
		if inflation != nil && t.HasInflation && !sameOrders(c.Inflation, inflation, groups) {
			continue
		}
		for q, o := range t.Candidates {
			o.Recommended = q == r
		}
		return r
	}
	return -1
}

func sameOrders(a, b []int, k int) bool {
	expand := func(v []int) []int {
		if len(v) == 1 {
			return slices.Repeat(v, k)
		}
		return v
	}
	ea, eb := expand(a), expand(b)
	return len(ea) == k && slices.Equal(ea, eb)
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

// SelectionFile is selection.json: the recommendation of a model search,
// its reason, and the criteria and settings it used.
type SelectionFile struct {
	FormatVersion int            `json:"format_version"`
	Software      string         `json:"software,omitempty"`
	Recommended   *CandidateJSON `json:"recommended"`
	Reason        string         `json:"reason"`
	BestBIC       *CandidateJSON `json:"best_bic"`
	RunnerUp      *CandidateJSON `json:"runner_up"`
	// DeltaBIC is the runner-up's BIC minus the recommended one's, read as
	// 2 ln(Bayes factor) in KassRaftery.
	DeltaBIC    *float64                `json:"delta_bic"`
	KassRaftery string                  `json:"kass_raftery,omitempty"`
	Criteria    CriteriaJSON            `json:"criteria"`
	Candidates  int                     `json:"candidates"`
	Data        trajectory.DataSettings `json:"data"`
	Settings    SearchJSON              `json:"settings"`
	// BLRT are the bootstrap likelihood-ratio tests (select --blrt), nil
	// without them. They are not in Settings, which a resumed search must
	// match: the tests run after the search, never from a checkpoint.
	BLRT *BLRTJSON `json:"blrt,omitempty"`
}

// BLRTJSON are a selection's bootstrap likelihood-ratio tests in
// selection.json.
type BLRTJSON struct {
	// Replicates is B, RandomStarts the random starts of each replicate's
	// K-group fit (besides the splits of the generating groups and the
	// start by mean rate), Seed the seed of the replicates.
	Replicates   int    `json:"replicates"`
	RandomStarts int    `json:"random_starts"`
	Seed         uint64 `json:"seed"`
	// Level is the level of the BLRT recommendation rule.
	Level float64    `json:"level"`
	Tests []BLRTTest `json:"tests"`
}

// BLRTTest is one test of K − 1 against K groups in selection.json.
type BLRTTest struct {
	NullGroups      int     `json:"null_groups"`
	Groups          int     `json:"groups"`
	Orders          []int   `json:"orders"`
	InflationOrders []int   `json:"inflation_orders"`
	LR              float64 `json:"lr"`
	P               float64 `json:"p"`
	Replicates      int     `json:"replicates"`
	Failed          int     `json:"failed"`
	Exceed          int     `json:"exceed"`
	Negative        int     `json:"negative"`
	// LRStar are the replicates' statistics, null for a failed one.
	LRStar []trajectory.Float `json:"lr_star"`
}

// blrtJSON describes the tests of sel, nil when none ran.
func blrtJSON(sel *trajectory.Selection, s trajectory.SelectSettings) *BLRTJSON {
	if s.BLRT == 0 {
		return nil
	}
	b := &BLRTJSON{Replicates: s.BLRT, RandomStarts: trajectory.BLRTRandomStarts, Seed: s.Fit.Search.Resolved().Seed, Level: trajectory.BLRTLevel, Tests: []BLRTTest{}}
	for _, t := range sel.Tests {
		lr := make([]trajectory.Float, len(t.LRStar))
		for r, v := range t.LRStar {
			lr[r] = trajectory.Float(v)
		}
		b.Tests = append(b.Tests, BLRTTest{NullGroups: t.Groups - 1, Groups: t.Groups, Orders: t.Orders, InflationOrders: t.Inflation,
			LR: t.LR, P: t.P, Replicates: t.Replicates, Failed: t.Failed, Exceed: t.Exceed, Negative: t.Negative, LRStar: lr})
	}
	return b
}

// CandidateJSON is a candidate in selection.json.
type CandidateJSON struct {
	Groups          int               `json:"groups"`
	Orders          []int             `json:"orders"`
	InflationOrders []int             `json:"inflation_orders"`
	LogLik          float64           `json:"loglik"`
	NParams         int               `json:"n_params"`
	BICPersons      float64           `json:"bic_persons"`
	BICObs          float64           `json:"bic_obs"`
	AIC             float64           `json:"aic"`
	Adequate        bool              `json:"adequate"`
	CVLogLik        *trajectory.Float `json:"cv_loglik,omitempty"`
	CVE             *trajectory.Float `json:"cve,omitempty"`
	// Outcomes are a multi-trajectory candidate's outcomes, whose orders
	// these are (Orders and InflationOrders are then null).
	Outcomes []OutcomeJSON `json:"outcomes,omitempty"`
}

// OutcomeJSON is an outcome of a multi-trajectory search in
// selection.json: of a candidate, with its orders and CVE (null without
// cross-validation); of the settings, its orders as the search was given
// them (one for every group, or one per group of its one K) and no CVE.
type OutcomeJSON struct {
	Name            string                  `json:"name"`
	Distribution    trajectory.Distribution `json:"distribution"`
	Orders          []int                   `json:"orders"`
	InflationOrders []int                   `json:"inflation_orders"`
	CVE             *trajectory.Float       `json:"cve,omitempty"`
}

func outcomesJSON(outs []trajectory.CandidateOutcome) []OutcomeJSON {
	var v []OutcomeJSON
	for _, o := range outs {
		v = append(v, OutcomeJSON{Name: o.Name, Distribution: o.Distribution, Orders: o.Orders, InflationOrders: o.Inflation, CVE: optFloat(o.CVE)})
	}
	return v
}

// optFloat is x, nil when NaN (undefined).
func optFloat(x float64) *trajectory.Float {
	if math.IsNaN(x) {
		return nil
	}
	v := trajectory.Float(x)
	return &v
}

// CriteriaJSON are the adequacy criteria a selection applied, and its
// rule in words.
type CriteriaJSON struct {
	trajectory.Criteria
	Rule string `json:"rule"`
}

// SearchJSON are the settings of the search.
type SearchJSON struct {
	Distribution trajectory.Distribution `json:"distribution"`
	Groups       [2]int                  `json:"groups"`
	// Orders is the range of the groups' polynomial orders, null for a
	// multi-trajectory search, whose outcomes have their own.
	Orders *[2]int `json:"orders"`
	// Inflation is the inflation order of every group, or null when the
	// search had one per group (of its one K), which InflationOrders
	// then holds.
	Inflation       *int  `json:"inflation"`
	InflationOrders []int `json:"inflation_orders,omitempty"`
	CV              int   `json:"cv"`
	// Outcomes are the outcomes of a multi-trajectory search (select
	// --outcomes), whose Distribution is then "multi", Orders and
	// Inflation null: each outcome has its own.
	Outcomes []OutcomeJSON `json:"outcomes,omitempty"`
	mixture.Settings
}

// NewSelectionFile describes a selection run with settings s.
func NewSelectionFile(sel *trajectory.Selection, s trajectory.SelectSettings) *SelectionFile {
	sf := &SelectionFile{
		FormatVersion: FormatVersion,
		Software:      Software,
		Recommended:   candidateJSON(sel.Recommended),
		Reason:        sel.Reason,
		BestBIC:       candidateJSON(sel.BestBIC),
		RunnerUp:      candidateJSON(sel.RunnerUp),
		Criteria:      CriteriaJSON{sel.Criteria, sel.Criteria.Rule()},
		Candidates:    len(sel.Candidates),
		Data:          s.Fit.Data,
		Settings: SearchJSON{Distribution: s.Distribution, Groups: [2]int{s.MinGroups, s.MaxGroups}, Orders: &[2]int{s.MinOrder, s.MaxOrder},
			CV: s.CV, Settings: s.Fit.Search.Resolved()},
		BLRT: blrtJSON(sel, s),
	}
	switch infl := s.Inflation; {
	case sel.Outcomes != nil:
		sf.Settings.Distribution, sf.Settings.Outcomes, sf.Settings.Orders = trajectory.Multi, outcomesJSON(sel.Outcomes), nil
	case !s.Distribution.HasInflation():
		sf.Settings.Inflation = new(-1)
	case len(infl) == 0:
		sf.Settings.Inflation = new(0)
	case len(infl) == 1:
		sf.Settings.Inflation = new(infl[0])
	default:
		sf.Settings.InflationOrders = infl
	}
	if sel.Recommended != nil && sel.RunnerUp != nil {
		d := sel.RunnerUp.BICPersons - sel.Recommended.BICPersons
		sf.DeltaBIC = &d
		sf.KassRaftery = trajectory.KassRaftery(d)
	}
	return sf
}

func candidateJSON(c *trajectory.Candidate) *CandidateJSON {
	if c == nil {
		return nil
	}
	return &CandidateJSON{Groups: c.Groups, Orders: c.Orders, InflationOrders: c.Inflation, LogLik: c.LogLik, NParams: c.NumParams,
		BICPersons: c.BICPersons, BICObs: c.BICObs, AIC: c.AIC, Adequate: c.Adequate, CVLogLik: optFloat(c.CVLogLik), CVE: optFloat(c.CVE),
		Outcomes: outcomesJSON(c.Outcomes)}
}

// WriteSelection writes selection.csv and selection.json into the set
// and, when the search recommends a model, that model's model.json and
// assignments.csv both in recommended/ and in the directory itself.
func WriteSelection(s *Set, sel *trajectory.Selection, settings trajectory.SelectSettings, o Options) error {
	if err := s.Write(SelectionCSV, func(w io.Writer) error { return WriteSelectionCSV(w, sel.Candidates) }); err != nil {
		return err
	}
	err := s.Write(SelectionJSON, func(w io.Writer) error {
		b, err := json.MarshalIndent(NewSelectionFile(sel, settings), "", "  ")
		if err != nil {
			return err
		}
		_, err = w.Write(append(b, '\n'))
		return err
	})
	if err != nil || sel.Fit == nil {
		return err
	}
	if err := WriteFit(s, RecommendedDir, sel.Fit, o); err != nil {
		return err
	}
	return WriteFit(s, "", sel.Fit, o)
}

// Selection is a model selection read back: the table and, when present,
// selection.json.
type Selection struct {
	Table *SelectionTable
	File  *SelectionFile // nil without selection.json
	// Warning is set when selection.json recommends a model the table
	// lacks.
	Warning string
}

// ReadSelection reads the selection in the result directory dir.
func ReadSelection(dir string) (*Selection, error) {
	d, err := OpenDir(dir)
	if err != nil {
		return nil, err
	}
	return d.Selection()
}

// Selection reads the set's selection.csv and, when present,
// selection.json (format version 1 to FormatVersion, at most
// MaxJSONSize bytes), marking the recommended model
// in the table.
func (d *Dir) Selection() (*Selection, error) {
	path := d.file(SelectionCSV)
	if !d.Has(SelectionCSV) {
		return nil, fmt.Errorf("%s: no such file: expected the output directory of trajkit select", path)
	}
	f, err := d.Open(SelectionCSV)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	t, err := ReadSelectionCSV(f, path)
	if err != nil {
		return nil, err
	}
	sel := &Selection{Table: t}
	jpath := d.file(SelectionJSON)
	jf, err := d.Optional(SelectionJSON)
	if err != nil || jf == nil {
		return sel, err
	}
	defer jf.Close()
	b, err := readJSONFile(jf, jpath)
	if err != nil {
		return nil, err
	}
	v, err := formatVersion(b, jpath, "selection")
	if err != nil {
		return nil, err
	}
	sf := &SelectionFile{}
	if err := json.Unmarshal(b, sf); err != nil {
		return nil, fmt.Errorf("%s: not a selection file: %v", jpath, err)
	}
	sf.Settings.Accelerate = recordedAcceleration(sf.Settings.Accelerate, v)
	sel.File = sf
	if r := sf.Recommended; r != nil && t.Recommend(r.Groups, r.Orders, r.InflationOrders) < 0 {
		sel.Warning = fmt.Sprintf("%s recommends %s with orders %s, which is not a row of %s", jpath, words.Count(r.Groups, "group"), trajectory.FormatOrders(r.Orders), path)
	}
	return sel, nil
}
