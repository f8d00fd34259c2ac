package mixture

import "context"

// Shared is the optional part of a Problem for what the groups have in
// common: parameters φ shared by every group (one dispersion or one
// variance for all groups), and an M-step that sees every group's weights
// at once (one pass over the persons for all groups, or groups whose
// parameters are tied together). Group k's density is then
// f_k(y | θ_k, φ), and the mixture's parameter vector is the membership's,
// then each group's own θ_k, then φ.
//
// A Problem with Shared hands the M-step of all groups to SharedRun.Fit.
// The usual one is an ECM step (Meng & Rubin 1993): each group's own
// parameters given φ by its family (MStep.FitGroups), then φ given all of
// them; each conditional maximisation increases the expected complete-data
// log-likelihood, so the log-likelihood still never decreases.
type Shared interface {
	// NumParams is the number of shared parameters.
	NumParams() int
	// NewRun returns the shared state of one EM run, bound to the run's
	// components (one per group, made by the families' NewComponent),
	// which read φ from it. φ starts at values of the Shared's choosing.
	NewRun(comps []Component) SharedRun
}

// SharedRun is the shared state of one EM run.
type SharedRun interface {
	// Fit is the M-step of every group at once from the weights m.W: it
	// sets each group's own parameters and φ so that
	//
	//	Σ_k Σ_i W[k][i] log f_k(y_i | θ_k, φ)
	//
	// does not decrease, fills m.Infos, and returns the FitInfo of φ,
	// whose Score is the largest absolute gradient of that objective in φ
	// at the starting parameters (warm fits only). ctx is the fit's, which
	// MStep.FitGroups hands to the families (see Prior.Fit).
	Fit(ctx context.Context, m *MStep) FitInfo
	// Params copies φ into dst, allocating when dst is nil, and returns
	// it.
	Params(dst []float64) []float64
	// SetParams sets φ from p, which it does not keep, and updates every
	// component that reads it.
	SetParams(p []float64)
}

// MStep is what SharedRun.Fit works with: the weights, and the engine's
// means to fit each group by its family and to run work in parallel.
type MStep struct {
	// W are the weights, K x N: the posteriors of the E-step.
	W [][]float64
	// Warm says to start from the current parameters (see Family.Fit).
	Warm bool
	// Infos receives each group's FitInfo.
	Infos []FitInfo

	r   *emRun
	job job
}

// FitGroups runs each group's Family.Fit with its weights and m.Warm, the
// groups in parallel, and fills m.Infos.
func (m *MStep) FitGroups() { m.r.pool.run(&m.r.mJob, len(m.r.comps)) }

// Run calls task(j) for 0 ≤ j < n on the fit's goroutines and returns
// when every call has returned. Tasks must write only to places of their
// own, so that which goroutine runs which task never changes a result.
// Run must not be called from inside one of its tasks.
func (m *MStep) Run(n int, task func(j int)) {
	m.job.fn = task
	m.r.pool.run(&m.job, n)
	m.job.fn = nil
}

// DifferentiableShared is a SharedRun whose groups' log-likelihoods have
// analytic derivatives in φ. With Differentiable components and a
// DifferentiablePrior it gives the observed information of the whole
// parameter vector, the blocks between groups through φ included.
type DifferentiableShared interface {
	SharedRun
	// Scores sets dst[(i−from)·s + j] = ∂ log f_k(y_i | θ_k, φ)/∂φ_j for
	// group k (an index into Problem.Families) and from ≤ i < to, where s
	// is the number of shared parameters.
	Scores(k int, dst []float64, from, to int)
	// Hessian sets, for weights w (K x N), cross[k] (d_k x s, row-major)
	// to Σ_i w[k][i] ∂² log f_k(y_i)/∂θ_k∂φᵀ for every group k, where d_k
	// is the number of group k's own parameters, and shared (s x s) to
	// Σ_k Σ_i w[k][i] ∂² log f_k(y_i)/∂φ∂φᵀ.
	Hessian(cross [][]float64, shared []float64, w [][]float64)
}
