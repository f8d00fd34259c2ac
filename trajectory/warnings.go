package trajectory

import "github.com/trajkit/trajkit/mixture"

// Warning is a note on careers or a fit that does not stop it: a kind to
// decide on, the 1-based numbers of the groups it is about (in output
// order) and a message (see mixture.Warning).
type Warning = mixture.Warning

// The kinds of warning about ages, exposures, curves and inference; the
// engine's own kinds are in mixture, the reading package's in careersio,
// and docs/errors.md lists them all.
const (
	// DuplicateGroups: two groups have the same curve.
	DuplicateGroups mixture.WarningKind = "duplicate-groups"
	// DualUnidentified: two groups of one outcome of a dual model have
	// the same curve, so that the transition probabilities of those
	// groups are not identified.
	DualUnidentified mixture.WarningKind = "dual-unidentified"
	// InflationAtBoundary: a group's zero inflation is estimated at 0.
	InflationAtBoundary mixture.WarningKind = "inflation-at-boundary"
	// DispersionAtBoundary: a group's dispersion α (nb, zinb) is
	// estimated at its lower bound MinDispersion, reported as 0.
	DispersionAtBoundary mixture.WarningKind = "dispersion-at-boundary"
	// AllZero: every count is zero.
	AllZero mixture.WarningKind = "all-zero"
	// NoStandardErrors: the standard errors could not be computed at all.
	NoStandardErrors mixture.WarningKind = "no-standard-errors"
	// NoDropout: a dropout model of data in which no person dropped out
	// (or no one in some group): the hazards' logits run to −∞.
	NoDropout mixture.WarningKind = "no-dropout"
	// ObservedAfterFollowup: persons observed after the follow-up end
	// that the dropout model was given for them.
	ObservedAfterFollowup mixture.WarningKind = "observed-after-followup"
	// SingularInformation: some parameters are not identified; their
	// standard errors are NaN.
	SingularInformation mixture.WarningKind = "singular-information"
	// NotMaximum: the information matrix is not positive definite.
	NotMaximum mixture.WarningKind = "not-maximum"
	// SparseWindowEnd: few persons are observed at an end of the window.
	SparseWindowEnd mixture.WarningKind = "sparse-window-end"
	// TinyExposure: positive counts with an exposure so small that the
	// implied rate is absurd.
	TinyExposure mixture.WarningKind = "tiny-exposure"
	// ExposureFloored: exposures were raised to a floor.
	ExposureFloored mixture.WarningKind = "exposure-floored"
	// PersonsLeftOut: persons were left out of the careers (no observed
	// age, none in the window, or a missing risk factor).
	PersonsLeftOut mixture.WarningKind = "persons-left-out"
	// BootstrapFailed: bootstrap replicates failed and were left out.
	BootstrapFailed mixture.WarningKind = "bootstrap-failed"
	// PersonsWithoutCells: persons scored have no observed cell in the
	// model's window; they get the prior probabilities and no group.
	PersonsWithoutCells mixture.WarningKind = "persons-without-cells"
	// CellsOutsideWindow: observed cells of careers scored lie outside
	// the model's window and were left out.
	CellsOutsideWindow mixture.WarningKind = "cells-outside-window"
)
