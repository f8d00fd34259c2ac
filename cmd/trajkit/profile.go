package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/trajkit/trajkit/trajectory"
	"github.com/trajkit/trajkit/trajectory/careersio"
	"github.com/trajkit/trajkit/trajectory/results"
)

const profileUsage = `Usage: trajkit profile --model DIR --persons FILE [--id id] [--categorical a,b] [--out DIR]

Describes the groups of a fitted model by the variables of a person file
(one row per person, joined on the --id column): for each group and each
variable, the mean among the persons assigned to the group (maximum
posterior) and the posterior-weighted mean; a categorical variable gives
one row per level (the share having it). It reads DIR/model.json and
DIR/assignments.csv and writes DIR/profiles.csv (or --out DIR/profiles.csv).
trajkit fit --persons FILE writes the same file. Columns are numeric or
categorical as trajkit fit -h says; --categorical names categorical ones.
A model fitted with --weights COLUMN gives weighted profiles, with the
weights read from that column of the person file.

Examples:
  trajkit fit --data example:nl630 --ages 12-39 --groups 4 --dist zip --out nl4
  trajkit profile --model nl4 --persons example:nl630-persons
`

func runProfile(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("profile", flag.ContinueOnError)
	model := fs.String("model", "", "directory of a fitted model (model.json, assignments.csv)")
	persons := fs.String("persons", "", "person file (CSV, Stata, SPSS or Excel), or an embedded one (example:NAME)")
	sheet := fs.String("persons-sheet", "", "worksheet of an Excel --persons file (default: the first)")
	id := fs.String("id", "", "person id column of the person file (default: the fit's --id)")
	var p personFlags
	p.registerCategorical(fs)
	fs.Lookup("categorical").Usage += " (default: the fit's --categorical, when --persons is the fit's)"
	out := fs.String("out", "", "directory for profiles.csv (default: --model)")
	if err := parseFlags(fs, profileUsage, args, stdout); err != nil {
		return err
	}
	if *model == "" || *persons == "" {
		return usagef("--model and --persons are required")
	}
	if err := checkList("categorical", p.categorical); err != nil {
		return err
	}
	if err := checkOut(*out); err != nil {
		return err
	}
	dir := *out
	if dir == "" {
		dir = *model
	}
	if _, err := results.OpenDir(*model); err != nil {
		return err
	}
	// Into the model's directory, profile publishes the fit's set again
	// with profiles.csv added (or replaced); elsewhere, a set of its own.
	set, err := results.Begin(ctx, dir, "profile", args)
	if err != nil {
		return err
	}
	defer set.Abort()
	md, err := results.OpenDir(*model)
	if err != nil {
		return err
	}
	warn(stderr, md.Warnings...)
	fit, err := md.Fit()
	if err != nil {
		return err
	}
	opt := careersio.PersonOptions{ID: *id, Categorical: p.categoricalNames()}
	if opt.ID == "" {
		opt.ID = fit.Settings.Data.ID
	}
	if !setFlags(fs)["categorical"] && *persons == fit.Settings.Data.Persons {
		opt.Categorical = fit.Settings.Data.Categorical
	}
	opt.Sheet = *sheet
	// The person file is written as the careers were (a separator of its
	// own is detected).
	opt.Dialect = careersio.Dialect{Decimal: fit.Settings.Data.Decimal, Encoding: fit.Settings.Data.Encoding}
	t, err := careersio.ReadPersonsSource(*persons, opt)
	if err != nil {
		return personsHint(err)
	}
	if _, err := t.Matched(fit.IDs, filepath.Join(*model, results.AssignmentsFile)); err != nil {
		return err
	}
	warn(stderr, t.Warnings...)
	if col := fit.Settings.Data.Weights; col != "" {
		// A weighted fit's profiles are weighted, as fit writes them: the
		// weights come from the person file again (their scale does not
		// matter to a mean).
		if fit.Weights, err = t.Weights(col, fit.IDs); err != nil {
			return fmt.Errorf("%w (the model was fitted with sampling weights, column %q of %s)", err, col, fit.Settings.Data.Persons)
		}
	}
	rows := careersio.Profiles(t, fit)
	writeProfiles(stdout, rows, fit)
	if err := set.Write(results.ProfilesFile, func(w io.Writer) error { return results.WriteProfiles(w, rows) }); err != nil {
		return err
	}
	if sameDir(dir, *model) {
		if err := set.CarryRest(results.ProfilesFile); err != nil {
			return err
		}
	}
	return commitOut(set, stdout)
}

// writeProfiles prints the profiles in the layout of a study's group
// table: one line per variable (or level), one column per group, each
// cell as ProfileRow.Format writes it (shares as percentages, other
// variables as means; assigned persons, with the posterior-weighted value
// in brackets).
func writeProfiles(w io.Writer, rows []careersio.ProfileRow, fit *trajectory.Fitted) {
	k := len(fit.Groups)
	fmt.Fprintln(w, "Group profiles: among persons assigned to each group (posterior-weighted in brackets)")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	head := []string{"Variable"}
	for g := 0; g < k; g++ {
		head = append(head, fit.Groups[g].Heading())
	}
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
	for r := 0; r < len(rows); r += k {
		cells := []string{rows[r].Name()}
		for g := 0; g < k; g++ {
			cells = append(cells, rows[r+g].Format())
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t")+"\t")
	}
	tw.Flush()
}
