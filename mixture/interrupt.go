package mixture

import "context"

// Cancellation reaches the numerical code as a context.Context argument:
// the M-steps (Prior.Fit, Family.Fit, SharedRun.Fit), Newton.Maximize,
// Information (and DifferentiablePrior.PriorHessian) and Invert take one,
// and the engine hands the M-steps the fit's (Settings.Context, or
// context.Background()). A loop that may run for
// long checks it every so much work, never so often that the check shows
// in a profile; when it finds the context cancelled it stops, and the
// caller, which checks the context too, discards what was left half done
// and returns an error that wraps the context's. Until the context is
// cancelled the checks change no operation, so a fit gives the same bits
// with or without a context.

// checkWork is the number of multiply-adds, roughly, between two checks of
// the context in a long loop: some milliseconds of work, so that a
// cancelled loop returns at once and the check (an atomic load) costs
// nothing.
const checkWork = 1 << 22

// checkEvery returns how many steps of a loop, each of about work
// multiply-adds, to run between two checks of the context.
func checkEvery(work int) int { return max(1, checkWork/max(work, 1)) }

// orBackground returns ctx, or context.Background() for nil.
func orBackground(ctx context.Context) context.Context {
	if ctx == nil {
		return context.Background()
	}
	return ctx
}
