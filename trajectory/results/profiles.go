package results

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"

	"github.com/trajkit/trajkit/trajectory/careersio"
)

// profileColumns are profiles.csv's columns, in order: for each variable
// of a person file (each level of a categorical one) and each group, the
// number of assigned persons with a value, their mean (the share having
// the level, or a 0/1 variable), the posterior-weighted mean, whether
// the means are shares, and the level's value label (from a Stata or SPSS
// person file). Files of earlier versions stop before share
// (profilesRequired); level_label is written only when some level has a
// label, so that the file of a person file without labels is as before.
var profileColumns = []Column{
	{"variable", "Variable", 0, false},
	{"level", "Level", 0, false},
	{"group", "Group", 0, false},
	{"label", "Label", 0, false},
	{"n_assigned", "N assigned", 0, false},
	{"assigned_mean", "Mean of the assigned", 3, false},
	{"posterior_mean", "Posterior-weighted mean", 3, false},
	{"share", "Share", 0, false},
	{"level_label", "Value label", 0, false},
}

const profilesRequired = 7

// WriteProfiles writes profiles.csv, with the level_label column when a
// row has a value label.
func WriteProfiles(w io.Writer, rows []careersio.ProfileRow) error {
	cols := profileColumns[:len(profileColumns)-1]
	if slices.ContainsFunc(rows, func(r careersio.ProfileRow) bool { return r.LevelLabel != "" }) {
		cols = profileColumns
	}
	return writeCSV(w, cols, records(rows, func(r careersio.ProfileRow) []string { return ProfileRecord(r)[:len(cols)] }))
}

// ProfileRecord is a profile row's cells in profiles.csv, in the order of
// its columns, level_label included.
func ProfileRecord(r careersio.ProfileRow) []string {
	return []string{r.Variable, r.Level, strconv.Itoa(r.Group), r.Label, strconv.Itoa(r.NAssigned), FormatFloat(r.AssignedMean), FormatFloat(r.PosteriorMean), strconv.FormatBool(r.Share), r.LevelLabel}
}

// ReadProfiles reads profiles.csv, of this version or an earlier one;
// name is its name in errors. An earlier file does not say which numeric
// variables are 0/1, so only the levels of categorical variables read as
// shares; a file without level_label has no value labels.
func ReadProfiles(r io.Reader, name string) ([]careersio.ProfileRow, error) {
	cr, n, err := newCSVReader(r, name, ProfilesFile, profileColumns, profilesRequired)
	if err != nil {
		return nil, err
	}
	var rows []careersio.ProfileRow
	err = careersio.EachRecord(cr, name, func(rec []string, line int) error {
		at := func(j int, msg string) error {
			return &careersio.DataError{File: name, Line: line, Column: j + 1, ColumnName: profileColumns[j].Name, Msg: fmt.Sprintf("%q: %s", rec[j], msg)}
		}
		row := careersio.ProfileRow{Variable: rec[0], Level: rec[1], Label: rec[3], Share: rec[1] != ""}
		var err error
		if n > 7 {
			if row.Share, err = strconv.ParseBool(rec[7]); err != nil {
				return at(7, "expected true or false")
			}
		}
		if n > 8 {
			if row.LevelLabel = rec[8]; row.LevelLabel != "" && row.Level == "" {
				return at(8, "a value label for a numeric variable (empty level)")
			}
		}
		if row.Group, err = strconv.Atoi(rec[2]); err != nil || row.Group < 1 {
			return at(2, "expected a group number ≥ 1")
		}
		if row.NAssigned, err = strconv.Atoi(rec[4]); err != nil || row.NAssigned < 0 {
			return at(4, "expected a number of persons")
		}
		for j, dst := range map[int]*float64{5: &row.AssignedMean, 6: &row.PosteriorMean} {
			*dst = math.NaN()
			if rec[j] != "" {
				if *dst, err = strconv.ParseFloat(rec[j], 64); err != nil {
					return at(j, "expected a number or an empty cell")
				}
			}
		}
		rows = append(rows, row)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return rows, nil
}

// Profiles reads the set's profiles.csv; nil and no error when the set
// has none.
func (d *Dir) Profiles() ([]careersio.ProfileRow, error) {
	return readOptional(d, ProfilesFile, ReadProfiles)
}
