package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/trajkit/trajkit/data"
)

const datasetsUsage = `Usage: trajkit datasets

Lists the data sets embedded in trajkit, with their source and licence.
Read one with --data example:NAME, for example:

  trajkit fit --data example:sim630 --groups 4
  trajkit fit --data example:toronto1-exposure --groups 4 --dist zip
  trajkit fit --data example:nl630 --ages 12-40 --groups 4 --dist zip
`

func runDatasets(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("datasets", flag.ContinueOnError)
	if err := parseFlags(fs, datasetsUsage, args, stdout); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tFORMAT\tPERSONS\tDESCRIPTION")
	for _, d := range data.Datasets {
		f := d.Format
		if f == "" {
			f = "-"
		}
		if d.Exposure != "" {
			f += " (exposure)"
		}
		fmt.Fprintf(tw, "%s%s\t%s\t%d\t%s\n", data.Prefix, d.Name, f, d.Persons, d.Description)
	}
	tw.Flush()
	fmt.Fprintln(stdout)
	seen := map[string]bool{}
	for _, d := range data.Datasets {
		key := d.Source + d.Licence
		if seen[key] {
			continue
		}
		seen[key] = true
		fmt.Fprintf(stdout, "Source: %s\nLicence: %s\n\n", d.Source, d.Licence)
	}
	return nil
}

// parseFlags parses args into fs. With -h it prints usage (and the flags)
// to stdout and returns flag.ErrHelp; a parsing error becomes a usage error,
// which run prints once.
func parseFlags(fs *flag.FlagSet, usage string, args []string, stdout io.Writer) error {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	if err == flag.ErrHelp {
		fmt.Fprint(stdout, usage)
		if hasFlags(fs) {
			fmt.Fprintln(stdout, "\nFlags:")
			fs.SetOutput(stdout)
			fs.PrintDefaults()
		}
		return err
	}
	if err != nil {
		return &usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q (flags start with --)", fs.Arg(0))
	}
	return nil
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}
