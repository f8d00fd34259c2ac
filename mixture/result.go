package mixture

import (
	"fmt"
	"math"
)

// Status says how an EM run ended. Not converging is a status, not an
// error. Its text form ("converged", "max_iterations", "degenerate") is
// the one result files use.
type Status int

const (
	// Converged: the relative change of the log-likelihood and the score
	// fell below their tolerances.
	Converged Status = iota
	// MaxIterations: the iteration limit was reached first.
	MaxIterations
	// Degenerate: the run ended, but a group collapsed (its share fell
	// below Settings.CollapseShare or it received no weight), so the
	// solution has fewer usable groups than asked for.
	Degenerate
)

var statusNames = []string{"converged", "max_iterations", "degenerate"}

func (s Status) String() string {
	if int(s) >= 0 && int(s) < len(statusNames) {
		return statusNames[s]
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// MarshalText writes the status's name.
func (s Status) MarshalText() ([]byte, error) {
	if int(s) < 0 || int(s) >= len(statusNames) {
		return nil, fmt.Errorf("mixture: no status %d", int(s))
	}
	return []byte(statusNames[s]), nil
}

// UnmarshalText reads a status's name.
func (s *Status) UnmarshalText(b []byte) error {
	for j, n := range statusNames {
		if string(b) == n {
			*s = Status(j)
			return nil
		}
	}
	return fmt.Errorf("status %q: expected converged, max_iterations or degenerate", b)
}

// Result is a fitted mixture.
type Result struct {
	// Components are the fitted groups, in the order of Problem.Families.
	Components []Component
	// Prior is the fitted membership.
	Prior Prior
	// Shared holds the parameters common to all groups; nil without
	// Problem.Shared.
	Shared SharedRun
	// Shares are the mean membership probabilities π_k.
	Shares []float64
	// Posterior is K x N: Posterior[k][i] = P(group k | y_i).
	Posterior [][]float64
	// PersonLogLik[i] = log Σ_k π_ik f_k(y_i).
	PersonLogLik []float64
	// LogLik is the maximised log-likelihood Σ_i PersonLogLik[i].
	LogLik float64
	// NumParams is the number of free parameters.
	NumParams int
	// Params is the parameter vector: membership, then each component's,
	// then the shared ones.
	Params []float64
	// Iterations of the returned run, its short run included.
	Iterations int
	// Trace is the log-likelihood of the returned run after its start,
	// after each iteration and after each SQUAREM step taken; neither EM
	// nor SQUAREM (which falls back to the EM step) lets it decrease.
	Trace  []float64
	Status Status
	// Warnings are notes on the fit: collapsed groups, ill-conditioned
	// M-steps, starts that disagree. Their groups are 1-based numbers in
	// the order of Problem.Families.
	Warnings []Warning
	Starts   StartReport
}

// StartReport summarises the multi-start search. Its JSON form is part of
// the result files.
type StartReport struct {
	// Total is the number of starts.
	Total int `json:"total"`
	// RunToConvergence is how many of them were run to convergence.
	RunToConvergence int `json:"run_to_convergence"`
	// ReachedBest is how many of those reached the best log-likelihood,
	// within a relative SameOptimum.
	ReachedBest int `json:"reached_best"`
	// Optima are the distinct log-likelihoods the converged runs reached
	// (relative SameOptimum apart), best first.
	Optima []float64 `json:"optima"`
	// LogLiks are the final log-likelihoods of the runs to convergence,
	// best first (see Continued).
	LogLiks []float64 `json:"logliks"`
	// Iterations is the number of EM iterations of all runs together, the
	// measure of the work of the fit; SampleIterations how many of them
	// were runs on a sample of Sample persons (0: none).
	Iterations       int `json:"iterations"`
	SampleIterations int `json:"sample_iterations,omitempty"`
	Sample           int `json:"sample_persons,omitempty"`
	// Continued is how many runs went on with all persons after runs on a
	// sample (0 without one): the runs to convergence first converge on
	// the sample, and those that reach the same optimum there (within
	// SameOptimum) go on with all persons as one run, from the best of
	// them, which then stands for all of them in ReachedBest, Optima and
	// LogLiks.
	Continued int `json:"continued,omitempty"`
}

// SameOptimum is the relative difference of log-likelihoods under which two
// runs count as having reached the same optimum.
const SameOptimum = 1e-6

// Phase is a phase of Fit's search.
type Phase int

const (
	// ShortRuns are the short runs from every start.
	ShortRuns Phase = iota
	// SampleRuns are the runs to convergence on a sample of the persons
	// (data large enough for Settings.StartSample).
	SampleRuns
	// FullRuns are the runs to convergence with all persons.
	FullRuns
)

func (p Phase) String() string {
	switch p {
	case ShortRuns:
		return "short runs"
	case SampleRuns:
		return "runs to convergence on the sample"
	case FullRuns:
		return "runs to convergence"
	}
	return fmt.Sprintf("Phase(%d)", int(p))
}

// Interrupted is the error of a fit cancelled through Settings.Context.
// It says where the fit stopped.
type Interrupted struct {
	Phase Phase
	// Iterations is the number of EM iterations done by all runs.
	Iterations int
	// Starts is the number of starts; Keep the number run to convergence.
	Starts, Keep int
	// LogLik is the best log-likelihood reached by a run to convergence
	// with all persons; NaN before there is one (the log-likelihoods of
	// runs on a sample are of the sample).
	LogLik float64
	// Err is the context's error.
	Err error
}

func (e *Interrupted) Error() string {
	keep := fmt.Sprintf("the best %d", e.Keep)
	if e.Keep >= e.Starts {
		keep = "all"
	}
	msg := fmt.Sprintf("fit interrupted during the %s (%s, %s to convergence) after %s", e.Phase, count(e.Starts, "start"), keep, count(e.Iterations, "EM iteration"))
	if !math.IsNaN(e.LogLik) {
		msg += fmt.Sprintf("; best log-likelihood so far %.6f, not converged", e.LogLik)
	}
	return msg + ": " + e.Err.Error()
}

func (e *Interrupted) Unwrap() error { return e.Err }
