package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"strings"

	"github.com/trajkit/trajkit/internal/words"
	"github.com/trajkit/trajkit/trajectory"
	"github.com/trajkit/trajkit/trajectory/results"
)

const labelUsage = `Usage: trajkit label --model DIR "NAME1,NAME2,..."
       trajkit label --model DIR "A=NAME1,NAME2,..." ["B=NAME1,..."]
       trajkit label --model DIR --clear

Names the groups of a fitted model: one name per group, in group order,
comma-separated, each non-empty and different from the others. The names
are stored as the groups' label in DIR/model.json, and every figure, table
and report drawn from DIR afterwards uses them (plot and report --labels
still override them for one output). --clear removes them.

A dual model (fit --dual A,B) has two outcomes with groups of their own:
an argument OUTCOME=NAMES per outcome names that outcome's groups, and an
outcome not named keeps its labels. The joint classes are then named
after their pairs of groups ("high / often"). A multi-trajectory model
(fit --outcomes) shares one set of groups among its outcomes: one list
names them.

DIR is the --out directory of trajkit fit, select or reproduce. Its
model.json is checked against its manifest, written again with the labels,
and published as a new result set that carries the other files over
unchanged. In the directory of select or reproduce, recommended/model.json
is the same fit as model.json and is labelled with it, and profiles.csv,
whose rows name the groups, is written again with the names. Figures and
reports already in DIR keep the names they were drawn with: draw them
again with trajkit plot or trajkit report.

Examples:
  trajkit fit --data example:sim630 --groups 4 --out sim630
  trajkit label --model sim630 "low,early-peak,late-peak,high"
  trajkit label --model sim630 --clear
  trajkit fit --data careers.csv --dual violent,property --groups 2,3 --out dual
  trajkit label --model dual "violent=low,high" "property=rare,some,often"
`

func runLabel(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("label", flag.ContinueOnError)
	model := fs.String("model", "", "directory of a fitted model (the --out of fit, select or reproduce)")
	clear := fs.Bool("clear", false, "remove the groups' labels")
	names, err := parseLabelArgs(fs, args, stdout)
	if err != nil {
		return err
	}
	if *model == "" {
		return usagef("--model is required")
	}
	switch {
	case *clear && len(names) > 0:
		return usagef("--clear takes no names, got %q", strings.Join(names, " "))
	case !*clear && len(names) == 0:
		return usagef(`expected the groups' names, comma-separated ("low,early-peak,late-peak,high"; OUTCOME=NAMES for each outcome of a dual model), or --clear`)
	}
	md, err := results.OpenDir(*model)
	if err != nil {
		return err
	}
	if md.Manifest == nil {
		// Without a manifest the new set could not carry the directory's
		// other files: they would drop out of it.
		return fmt.Errorf("%s has no %s (written by an older trajkit): fit the model again to label it", *model, results.ManifestFile)
	}
	set, err := results.Begin(ctx, *model, "label", args)
	if err != nil {
		return err
	}
	defer set.Abort()
	// Read under the directory's lock, so that what is labelled is the
	// set being replaced.
	if md, err = results.OpenDir(*model); err != nil {
		return err
	}
	warn(stderr, md.Warnings...)
	fit, err := md.Model()
	if err != nil {
		return err
	}
	if len(names) > 1 && !fit.IsDual() {
		return usagef("expected one comma-separated list of names, got %s (quote names with spaces; a list per outcome, OUTCOME=NAMES, names a dual model's groups)", words.Count(len(names), "argument"))
	}
	l := labelsFlag{values: names, arg: true}
	if *clear {
		err = fit.SetLabels(nil)
	} else {
		err = l.apply(fit)
	}
	if err != nil {
		return err
	}
	written := []string{results.ModelFile}
	rec := path.Join(results.RecommendedDir, results.ModelFile)
	if md.Has(rec) {
		if err := labelRecommended(set, md, rec, fit); err != nil {
			return err
		}
		written = append(written, rec)
	}
	if err := set.Write(results.ModelFile, func(w io.Writer) error { return results.EncodeModel(w, fit) }); err != nil {
		return err
	}
	if md.Has(results.ProfilesFile) {
		rows, err := md.Profiles()
		if err != nil {
			return err
		}
		for i := range rows {
			if g := rows[i].Group; g >= 1 && g <= len(fit.Groups) {
				rows[i].Label = fit.Groups[g-1].Label
			}
		}
		if err := set.Write(results.ProfilesFile, func(w io.Writer) error { return results.WriteProfiles(w, rows) }); err != nil {
			return err
		}
		written = append(written, results.ProfilesFile)
	}
	if err := set.CarryRest(written...); err != nil {
		return err
	}
	writeLabels(stdout, fit, filepath.Join(*model, results.ModelFile))
	if err := commitOut(set, stdout); err != nil {
		return err
	}
	if drawn := drawnFiles(set.Manifest()); len(drawn) > 0 {
		fmt.Fprintf(stdout, "%s drawn with the earlier names: draw %s again with trajkit plot or trajkit report\n",
			strings.Join(drawn, ", "), words.Choose(len(drawn), "it", "them"))
	}
	return nil
}

// parseLabelArgs parses label's flags, which may stand before and after
// the list of names, and returns the arguments that are not flags.
func parseLabelArgs(fs *flag.FlagSet, args []string, stdout io.Writer) ([]string, error) {
	fs.SetOutput(io.Discard)
	var names []string
	for {
		err := fs.Parse(args)
		if err == flag.ErrHelp {
			return nil, parseFlags(fs, labelUsage, []string{"-h"}, stdout)
		}
		if err != nil {
			return nil, &usageError{err.Error()}
		}
		if fs.NArg() == 0 {
			return names, nil
		}
		names = append(names, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// labelRecommended stages the recommended model of a selection with the
// labels of fit, the same fit in the directory itself.
func labelRecommended(set *results.Set, md *results.Dir, name string, fit *trajectory.Fitted) error {
	r, err := md.Open(name)
	if err != nil {
		return err
	}
	rf, err := results.DecodeModel(r, filepath.Join(md.Path, filepath.FromSlash(name)))
	r.Close()
	if err != nil {
		return err
	}
	if len(rf.Groups) != len(fit.Groups) || rf.LogLik != fit.LogLik {
		return fmt.Errorf("%s and %s are not the same fit: label one directory's model at a time", filepath.Join(md.Path, filepath.FromSlash(name)), filepath.Join(md.Path, results.ModelFile))
	}
	for k := range rf.Groups {
		rf.Groups[k].Label = fit.Groups[k].Label
	}
	for o := range rf.Outcomes {
		for k := range rf.Outcomes[o].Groups {
			if o < len(fit.Outcomes) && k < len(fit.Outcomes[o].Groups) {
				rf.Outcomes[o].Groups[k].Label = fit.Outcomes[o].Groups[k].Label
			}
		}
	}
	return set.Write(name, func(w io.Writer) error { return results.EncodeModel(w, rf) })
}

// writeLabels prints the groups of fit with their names, of a dual model
// each outcome's.
func writeLabels(w io.Writer, fit *trajectory.Fitted, file string) {
	if !fit.IsDual() {
		fmt.Fprintf(w, "Groups of %s:\n", file)
		writeGroupLabels(w, fit.Groups)
		return
	}
	for _, out := range fit.Outcomes {
		fmt.Fprintf(w, "Groups of %s in %s:\n", out.Name, file)
		writeGroupLabels(w, out.Groups)
	}
}

// writeGroupLabels prints each group's number, label and share.
func writeGroupLabels(w io.Writer, groups []trajectory.Group) {
	for _, g := range groups {
		name := "(no label)"
		if g.Label != "" {
			name = g.Label
		}
		fmt.Fprintf(w, "  Group %d  %-20s share %s\n", g.Number, name, trajectory.FormatShare(g.Share))
	}
}

// drawnFiles returns the figures and reports of a set that were carried
// over, which show the names they were drawn with.
func drawnFiles(m *results.Manifest) []string {
	var out []string
	for _, e := range m.Files {
		switch strings.ToLower(path.Ext(e.Name)) {
		case ".png", ".svg", ".pdf", ".html":
			if e.Run != "" {
				out = append(out, e.Name)
			}
		}
	}
	return out
}
