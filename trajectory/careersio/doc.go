// Package careersio reads offending careers, person tables and
// time-varying covariates from the files criminologists have, and writes
// careers back: the edge of the trajectory model where data come in.
//
//   - ReadCareers streams a long (id, age, count[, exposure]) or wide
//     (id, y12, y13, ...[, e12, ...]) CSV file into trajectory.Careers
//     through trajectory.CareerBuilder, without keeping rows; WriteLong and
//     WriteWide write careers back, so that reading a written file gives
//     the same careers.
//   - ReadTcov attaches time-varying covariates read from the same file.
//   - ReadPersons reads a person-level table (one row per person), each
//     column numeric or categorical by its cells (a column that mixes
//     types is an error unless named categorical); PersonTable.Design
//     builds the risk-factor design of the membership model, and Profiles
//     describes fitted groups by the table's variables.
//   - Load does all of it for a Source (a file or an embedded data set,
//     the reading options, covariates, an exposure floor, an age window,
//     a person file): the one loader the command and the notebooks use.
//
// Errors in a file are *DataError, naming the file, line and column and
// what was expected. Warnings are trajectory.Warning values; this package
// adds the kinds UnusedExposure, PersonsUnmatched, DataUnchecked, ManyLevels and UnusedTimes.
package careersio

import "github.com/trajkit/trajkit/mixture"

// The kinds of warning about files.
const (
	// UnusedExposure: a column looks like an exposure but was not named.
	UnusedExposure mixture.WarningKind = "unused-exposure"
	// PersonsUnmatched: persons of the person file have no careers, or
	// persons of the careers no row in the person file.
	PersonsUnmatched mixture.WarningKind = "persons-unmatched"
	// DataUnchecked: the data read again for a model cannot be checked to
	// be the data it was fitted to (no checksum recorded, or a pipe).
	DataUnchecked mixture.WarningKind = "data-unchecked"
	// ManyLevels: a text column of a person file has more than
	// ManyLevelsLimit levels and was not named categorical.
	ManyLevels mixture.WarningKind = "many-levels"
	// UnusedTimes: a file read as wide has time columns t1..tT beside
	// its counts y1..yT, as a traj file has (Traj).
	UnusedTimes mixture.WarningKind = "unused-times"
)
