// Command trajkit fits group-based trajectory models (Nagin's GBTM) of
// offending by age: finite mixtures of Poisson and zero-inflated Poisson
// curves, fitted by EM from many starts, with the diagnostics
// criminologists use.
//
// Usage:
//
//	trajkit <command> [flags]
//
// Commands:
//
//	fit       fit a trajectory model to a career file
//	datasets  list the data sets embedded in trajkit
//	bench     time reading and fitting simulated careers
//	version   print the version
//
// Examples:
//
//	trajkit fit --data example:sim630 --groups 4
//	trajkit fit --data careers.csv --groups 3 --order 2,3,3 --dist zip --out result
//	trajkit datasets
//	trajkit bench --persons 2000 --groups 3 --dist poisson --starts 4 --keep 2
//
// Run `trajkit <command> -h` for a command's flags. Exit status: 0 on
// success, 1 when the data or the fit fail, 2 on a usage error.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/trajkit/trajkit/trajectory"
)

func main() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

// usageError marks an error in the command line.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

type command struct {
	name, summary string
	run           func(args []string, stdout, stderr io.Writer) error
}

var commands []command

func init() {
	commands = []command{
		{"fit", "fit a trajectory model to a career file", runFit},
		{"datasets", "list the data sets embedded in trajkit", runDatasets},
		{"bench", "time reading and fitting simulated careers", runBench},
		{"version", "print the version", runVersion},
	}
}

const mainUsage = `trajkit fits group-based trajectory models of offending by age.

Usage:
  trajkit <command> [flags]

Commands:
%s
Run 'trajkit <command> -h' for the flags of a command.
`

func printUsage(w io.Writer) {
	var list string
	for _, c := range commands {
		list += fmt.Sprintf("  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, mainUsage, list)
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		printUsage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		printUsage(stdout)
		return exitOK
	}
	for _, c := range commands {
		if c.name != args[0] {
			continue
		}
		err := c.run(args[1:], stdout, stderr)
		switch {
		case err == nil:
			return exitOK
		case errors.Is(err, flag.ErrHelp):
			return exitOK
		case isUsage(err):
			fmt.Fprintf(stderr, "trajkit %s: %v\n", c.name, err)
			fmt.Fprintf(stderr, "Run 'trajkit %s -h' for usage.\n", c.name)
			return exitUsage
		default:
			fmt.Fprintf(stderr, "trajkit: %v\n", err)
			return exitFail
		}
	}
	fmt.Fprintf(stderr, "trajkit: unknown command %q\n", args[0])
	printUsage(stderr)
	return exitUsage
}

func isUsage(err error) bool {
	var u *usageError
	return errors.As(err, &u)
}

func runVersion(args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		return usagef("version takes no arguments")
	}
	fmt.Fprintf(stdout, "trajkit %s\n", trajectory.Version)
	return nil
}
