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
//	reproduce reproduce the four-group solution of the Dutch 630-offender study
//	fit       fit a trajectory model to a career file
//	select    compare numbers of groups and orders, and recommend a model
//	score     assign new careers to the groups of a fitted model
//	profile   describe the groups of a fitted model by person-level variables
//	label     name the groups of a fitted model
//	simulate  draw careers from a fitted model or a named preset
//	plot      draw a figure of a fitted model or a model selection
//	report    write a one-file HTML report of a fitted model
//	datasets  list the data sets embedded in trajkit
//	bench     time reading and fitting simulated careers
//	version   print the version
//
// Examples:
//
//	trajkit reproduce
//	trajkit fit --data example:sim630 --groups 4
//	trajkit select --data example:sim630 --groups 1-6
//	trajkit fit --data careers.csv --groups 3 --order 2,3,3 --dist zip --out result
//	trajkit simulate --preset nl630 --out nl630
//	trajkit fit --data example:sim630 --groups 4 --out sim630 --plot
//	trajkit plot --model sim630 --data example:sim630 --kind careers --out careers.png
//	trajkit report --model sim630 --data example:sim630 --out report.html
//	trajkit score --model sim630 --data example:sim630-wide --format wide --out scores.csv
//	trajkit datasets
//	trajkit bench --persons 2000 --groups 3 --dist poisson --starts 4 --keep 2
//
// Run `trajkit help <command>` (or `trajkit <command> -h`) for a command's
// flags, and `trajkit --version` for the version. Exit status: 0 on
// success, 1 when the data or the fit fail, 2 on a usage error, 130 when
// an interrupt (SIGINT) or SIGTERM stopped the command.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/trajkit/trajkit/trajectory/results"
)

func main() {
	// The first SIGINT or SIGTERM cancels the command's context: a fit
	// stops within its current EM iteration (its M-steps, the standard
	// errors, the bootstrap and cross-validation check the context too)
	// and nothing more is written. The second ends the process at once.
	ctx, cancel := context.WithCancelCause(context.Background())
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		s := <-sig
		signal.Stop(sig)
		fmt.Fprintf(os.Stderr, "\ntrajkit: %v: stopping; a fit stops within its current EM iteration (again to stop at once)\n", s)
		cancel(fmt.Errorf("stopped by %v", s))
		// A step that cannot watch the context (the open of a pipe that
		// no one writes) must not keep the process: after the deadline it
		// exits by itself. A publication in progress ends first (an
		// interrupted one rolls back), and nothing staged is left.
		time.Sleep(interruptDeadline)
		results.AbortAll()
		fmt.Fprintf(os.Stderr, "trajkit: %v: still running %v later: stopped; the results in --out are as they were\n", s, interruptDeadline)
		os.Exit(exitInterrupted)
	}()
	os.Exit(runContext(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// interruptDeadline is how long a command may take to stop after SIGINT
// or SIGTERM before the process exits by itself.
const interruptDeadline = 2 * time.Second

// Exit codes.
const (
	exitOK          = 0
	exitFail        = 1
	exitUsage       = 2
	exitInterrupted = 130 // 128 + SIGINT, as shells report it
)

// usageError marks an error in the command line.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

var commands []command

func init() {
	commands = []command{
		{"reproduce", "reproduce the four-group solution of the Dutch 630-offender study", runReproduce},
		{"fit", "fit a trajectory model to a career file", runFit},
		{"select", "compare numbers of groups and orders, and recommend a model", runSelect},
		{"score", "assign new careers to the groups of a fitted model", runScore},
		{"profile", "describe the groups of a fitted model by person-level variables", runProfile},
		{"label", "name the groups of a fitted model", runLabel},
		{"simulate", "draw careers from a fitted model or a named preset", runSimulate},
		{"plot", "draw a figure of a fitted model or a model selection", runPlot},
		{"report", "write a one-file HTML report of a fitted model", runReport},
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
Run 'trajkit help <command>' (or 'trajkit <command> -h') for the flags of a
command, and 'trajkit --version' (or 'trajkit version') for the version.

Exit status: 0 on success; 1 when the data or a fit fail (the message names
the file, line and column, or the reason); 2 on a usage error (the message
names the flag); 130 when an interrupt (SIGINT) or SIGTERM stopped the
command, which then leaves no partial output file (select --out keeps
the models it finished, for select --resume).

Progress goes to stderr (fit, select, reproduce): on a terminal one line
that redraws; otherwise (a log, a pipe) a line at most every 10 seconds,
and a last one, when the run takes that long; --quiet turns it off.
`

func printUsage(w io.Writer) {
	var list string
	for _, c := range commands {
		list += fmt.Sprintf("  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, mainUsage, list)
}

// run runs a command line that nothing cancels.
func run(args []string, stdout, stderr io.Writer) int {
	return runContext(context.Background(), args, stdout, stderr)
}

// runContext runs a command line until it ends or ctx is cancelled, and
// returns the exit status.
func runContext(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		printUsage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help":
		printUsage(stdout)
		return exitOK
	case "help":
		// help CMD is CMD -h; help alone is the overview.
		if len(args) > 2 {
			fmt.Fprintf(stderr, "trajkit help: expected one command, got %q\nRun 'trajkit help' for the commands.\n", strings.Join(args[1:], " "))
			return exitUsage
		}
		if len(args) == 1 || args[1] == "help" {
			printUsage(stdout)
			return exitOK
		}
		args = []string{args[1], "-h"}
	case "-version", "--version":
		args = []string{"version"}
	}
	for _, c := range commands {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, args[1:], stdout, stderr)
		switch {
		case err == nil:
			return exitOK
		case ctx.Err() != nil && errors.Is(err, ctx.Err()):
			fmt.Fprintf(stderr, "trajkit: %v\ntrajkit: %v; no output file was left half-written\n", err, context.Cause(ctx))
			return exitInterrupted
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

const versionUsage = `Usage: trajkit version

Prints trajkit's version, as trajkit --version and trajkit -version do.
`

func runVersion(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	if err := parseFlags(fs, versionUsage, args, stdout); err != nil {
		return err
	}
	fmt.Fprintln(stdout, results.Software)
	return nil
}
