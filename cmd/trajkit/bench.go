package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"runtime/pprof"
	"text/tabwriter"
	"time"

	"github.com/trajkit/trajkit/internal/words"
	"github.com/trajkit/trajkit/mixture"
	"github.com/trajkit/trajkit/trajectory"
	"github.com/trajkit/trajkit/trajectory/careersio"
	"github.com/trajkit/trajkit/trajectory/results"
)

const benchUsage = `Usage: trajkit bench [flags]

Times trajkit on simulated careers. It draws --persons careers in memory
from a model of --groups of the usual shapes (rare offending,
adolescence-limited, low chronic, late peak, high chronic, adult onset;
cubic curves, ZIP with a constant zero inflation of 12-38%), observed over
--ages with censored windows, late starts and exposures below 1; with
--csv FILE it writes them as a wide career file and reads that back; then
it fits the true model (K groups, cubic) with the given starts. It prints
the wall time of each step, the iterations, the time per iteration and the
peak memory of the process.

Examples:
  trajkit bench --persons 2000 --groups 3 --dist poisson --starts 4 --keep 2
  trajkit bench --persons 1000000 --groups 5 --dist zip --csv careers.csv
  trajkit bench --persons 1000000 --csv careers.csv --fit=false

The second writes careers.csv (about 180 MB); the third only writes it,
for timing 'trajkit fit' on it, e.g.:
  trajkit fit --data careers.csv --format wide --exposure e --groups 5 --dist zip
`

type benchFlags struct {
	persons, groups, order         int
	dist, ages, csv, cpuprofile    string
	censor, late, exposed, holes   float64
	starts, keep, threads, maxIter int
	seed                           uint64
	fit                            bool
}

func (f *benchFlags) register(fs *flag.FlagSet) {
	fs.IntVar(&f.persons, "persons", 10000, "number of careers to simulate")
	fs.IntVar(&f.groups, "groups", 5, "number of groups K, 1-6 (simulated and fitted)")
	fs.IntVar(&f.order, "order", 3, "polynomial order of the fitted curves, 0-5")
	fs.StringVar(&f.dist, "dist", "zip", "count distribution, simulated and fitted: poisson or zip")
	fs.StringVar(&f.ages, "ages", "12-50", fmt.Sprintf("ages LO-HI of the simulated careers, at most %d", trajectory.MaxAges))
	fs.Float64Var(&f.censor, "censor", 0.4, "share of careers whose follow-up ends early")
	fs.Float64Var(&f.late, "late", 0.3, "share of careers first observed after the first age")
	fs.Float64Var(&f.exposed, "exposed", 0.05, "share of observed years with exposure below 1")
	fs.Float64Var(&f.holes, "holes", 0, "share of years inside a window left unobserved")
	fs.StringVar(&f.csv, "csv", "", "write the careers to this wide career file and read it back before fitting")
	fs.BoolVar(&f.fit, "fit", true, "fit the model (--fit=false only simulates and writes)")
	fs.StringVar(&f.cpuprofile, "cpuprofile", "", "write a CPU profile of reading and fitting to this file (go tool pprof)")
	fs.IntVar(&f.starts, "starts", mixture.DefaultStarts, fmt.Sprintf("number of EM starts, at most %d", mixture.MaxStarts))
	fs.IntVar(&f.keep, "keep", mixture.DefaultKeep, "number of best starts run to convergence")
	fs.IntVar(&f.threads, "threads", 0, fmt.Sprintf("number of threads, 1 to %d (default: all cores)", mixture.MaxThreads))
	fs.IntVar(&f.maxIter, "max-iter", mixture.DefaultMaxIterations, "maximum EM iterations per start")
	fs.Uint64Var(&f.seed, "seed", mixture.DefaultSeed, "seed of the simulation and of the random starts")
}

// check validates the flags before any work is done, and returns the
// model to fit, the design and the truth to simulate from.
func (f *benchFlags) check(fs *flag.FlagSet) (trajectory.Model, trajectory.Design, trajectory.Truth, error) {
	var (
		m     trajectory.Model
		d     trajectory.Design
		truth trajectory.Truth
	)
	if err := checkCount("persons", f.persons, 1, trajectory.MaxPersons); err != nil {
		return m, d, truth, err
	}
	ages, err := parseAges(f.ages)
	if err != nil {
		return m, d, truth, err
	}
	if ages[0] < -trajectory.MaxAbsAge || ages[1] > trajectory.MaxAbsAge || ages[1]-ages[0] >= trajectory.MaxAges {
		return m, d, truth, usagef("--ages %s: expected at most %d ages within ±%d", f.ages, trajectory.MaxAges, trajectory.MaxAbsAge)
	}
	for _, s := range []struct {
		name string
		v    float64
	}{{"censor", f.censor}, {"late", f.late}, {"exposed", f.exposed}, {"holes", f.holes}} {
		if !(s.v >= 0 && s.v <= 1) {
			return m, d, truth, usagef("--%s %v: expected a share between 0 and 1", s.name, s.v)
		}
	}
	err = firstErr(
		checkCount("starts", f.starts, 1, mixture.MaxStarts),
		checkCount("keep", f.keep, 1, mixture.MaxStarts),
		checkCount("max-iter", f.maxIter, 1, math.MaxInt),
		checkThreads(fs, f.threads),
		checkOutFile("csv", f.csv),
		checkOutFile("cpuprofile", f.cpuprofile),
	)
	if err != nil {
		return m, d, truth, err
	}
	// The truth first: it bounds --groups (the window is checked above),
	// which the model is made for.
	if truth, err = trajectory.BenchTruth(trajectory.Distribution(f.dist), f.groups, ages[0], ages[1]); err != nil {
		return m, d, truth, usagef("--groups %d: %v", f.groups, err)
	}
	if m, err = trajectory.NewModel(trajectory.Distribution(f.dist), f.groups, []int{f.order}, nil); err != nil {
		return m, d, truth, usagef("%v", err)
	}
	d = trajectory.Design{Persons: f.persons, CensorShare: f.censor, LateStartShare: f.late, ExposedShare: f.exposed, HoleShare: f.holes}
	return m, d, truth, nil
}

func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	var f benchFlags
	f.register(fs)
	if err := parseFlags(fs, benchUsage, args, stdout); err != nil {
		return err
	}
	m, design, truth, err := f.check(fs)
	if err != nil {
		return err
	}

	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	defer tw.Flush()
	row := func(name, format string, args ...any) {
		fmt.Fprintf(tw, "%s\t%s\n", name, fmt.Sprintf(format, args...))
	}
	t0 := time.Now()
	c, _, err := trajectory.Simulate(truth, design, f.seed)
	if err != nil {
		return err
	}
	row("simulate", "%s", seconds(time.Since(t0)))
	if f.csv != "" {
		t0 = time.Now()
		if err := results.WriteFile(ctx, f.csv, func(w io.Writer) error { return careersio.WriteWide(w, c) }); err != nil {
			return err
		}
		st, err := os.Stat(f.csv)
		if err != nil {
			return err
		}
		row("write", "%s  (%s, %.1f MB)", seconds(time.Since(t0)), f.csv, float64(st.Size())/1e6)
		if f.fit {
			stop, err := startProfile(f.cpuprofile)
			if err != nil {
				return err
			}
			defer stop()
			opt := careersio.ReadOptions{Format: careersio.Wide}
			if c.E != nil {
				opt.Exposure = "e"
			}
			c = nil // the fit uses what was read
			runtime.GC()
			t0 = time.Now()
			if c, _, err = careersio.ReadCareersFile(f.csv, opt); err != nil {
				return err
			}
			row("read", "%s", seconds(time.Since(t0)))
		}
	}
	row("persons", "%d", c.Len())
	row("cells", "%d observed, %d special (%.1f%%: positive counts, exposures other than 1, holes)",
		c.NumObs, len(c.Y), 100*float64(len(c.Y))/float64(c.NumObs))
	if f.fit {
		if f.csv == "" {
			stop, err := startProfile(f.cpuprofile)
			if err != nil {
				return err
			}
			defer stop()
		}
		s := &trajectory.Settings{Search: mixture.Settings{Starts: f.starts, Keep: f.keep, Seed: f.seed, Threads: f.threads, MaxIterations: f.maxIter, Context: ctx}}
		t0 = time.Now()
		fit, err := trajectory.Fit(c, m, s)
		if err != nil {
			return err
		}
		d := time.Since(t0)
		all := fit.Starts.Iterations
		row("fit", "%s  (%s, K = %d, order %d, %s, %d run to convergence, %s)",
			seconds(d), m.Distribution, m.Groups(), f.order, words.Count(fit.Starts.Total, "start"), fit.Starts.RunToConvergence, words.Count(mixture.Threads(f.threads), "thread"))
		sampled := ""
		if st := fit.Starts; st.Sample > 0 {
			sampled = fmt.Sprintf(" (%d of them on a sample of %s)", st.SampleIterations, words.Count(st.Sample, "person"))
		}
		row("iterations", "%d in all runs%s; %d in the best run", all, sampled, fit.Iterations)
		row("per iteration", "%.1f ms  (fit time / iterations in all runs)", 1e3*d.Seconds()/float64(max(all, 1)))
		row("log-likelihood", "%.6f  (%s; best reached by %d of %d)", fit.LogLik, fit.Status, fit.Starts.ReachedBest, fit.Starts.RunToConvergence)
	}
	row("peak memory", "%s", peakMemory())
	return nil
}

// startProfile starts a CPU profile into path, when not empty, and
// returns the function that stops it.
func startProfile(path string) (func(), error) {
	if path == "" {
		return func() {}, nil
	}
	out, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(out); err != nil {
		out.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		out.Close()
	}, nil
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f s", d.Seconds()) }
