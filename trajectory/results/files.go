package results

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/trajkit/trajkit/trajectory"
)

// The files of result directories.
const (
	ModelFile        = "model.json"
	AssignmentsFile  = "assignments.csv"
	SelectionCSV     = "selection.csv"
	SelectionJSON    = "selection.json"
	RecommendedDir   = "recommended" // select's recommended model: model.json, assignments.csv
	ProfilesFile     = "profiles.csv"
	ReproductionFile = "reproduction.csv"
	LongFile         = "long.csv"
	WideFile         = "wide.csv"
	TruthFile        = "truth.csv"
	PersonsFile      = "persons.csv"
)

// FormatVersion is the version of the formats this package writes, which
// model.json and selection.json record. Version 2 has warnings as objects
// with a kind and selection.csv's smallest_share column; version 3 always
// records settings.accelerate, which now means SQUAREM in the runs to
// convergence only and is the default (version 2 left it out for plain
// EM, and true meant every run accelerated); version 4 records the career
// file's size and SHA-256 in settings.data (or why not: unchecked), and
// its files come as a result set with manifest.json; it also adds, each
// left out when unused, settings.data's categorical, sheet, sep, decimal,
// encoding, no_id, time and time_scale, covariates.risk_base_levels,
// selection.json's inflation_orders, the data and unit columns of
// reproduction.csv and the share column of profiles.csv; version 5 adds
// the distributions nb, zinb, logit, cloglog and cnorm, with their fields
// (each group's dispersion, dispersion_se and dispersion_lrt, or sigma and
// sigma_se; the fit's dispersion_common, sigma_common and censoring; the
// curve points' prob and latent_mean), and leaves a curve point's rate and
// zero_prob out where the family has none (version 4 wrote zero_prob 0
// for a group without inflation); it also adds, each left out when
// unused, settings.weighted, settings.start, settings.start_only,
// settings.data.weights and settings.data.binarize, and selection.csv's
// blrt_* columns with selection.json's blrt and criteria.recommend (select
// --blrt); version 6 adds multi-trajectory models (distribution "multi")
// with their outcomes, whose top-level groups hold the membership alone,
// and the selection of their K (select --outcomes): selection.csv's
// cve_NAME columns, one per outcome, and selection.json's
// settings.outcomes and the candidates' outcomes; dual trajectory models
// (distribution "dual"), whose groups are the K1·K2 joint classes, whose
// outcomes' groups carry their marginal
// membership (share, share_se, share_ci, assigned_share, app, occ,
// n_assigned) and which add transition (b_given_a, a_given_b and joint,
// K1 x K2, each with its _se), with the assignments.csv
// id,group_A,group_B,A_p1..A_pK1,B_p1..B_pK2 (A and B the outcomes' names);
// and distal (a distal outcome by group, fit --distal), left out when
// unused;
// and models of non-random attrition (fit --dropout), with the fit's
// dropout (orders, lag, covariates, followup_end, n_dropped) and each
// group's dropout (order, coef, se, and a curve by age of hazard,
// hazard_lo, hazard_hi, survival and share_at_age), n_params counting the
// dropout coefficients; version 7 leaves model.json's timing out (it is in
// model.json's entry of manifest.json, so that a fit run again writes the
// same model.json) and adds, each left out when unused, the effects of
// time-varying covariates per outcome of multi-trajectory and dual models
// (outcomes[o].groups[k].tcov_coef and tcov_se), the labels of a dual
// model's outcomes' groups (outcomes[o].groups[k].label), the bootstrap
// limits of a dual model's transition tables (transition's *_lo_boot and
// *_hi_boot) and the value labels of a Stata or SPSS person file:
// covariates.risk_value_labels (of categorical risk factors),
// distal.category_labels (of an mlogit distal outcome's categories) and
// profiles.csv's level_label column.
// Files of versions 1 (no format_version field) to 6 are read too.
const FormatVersion = 7

// formatVersion returns the format version of the JSON file b (name in
// errors, kind "model" or "selection"): 1 when it has none, as version 1
// files did not say, and an error outside the versions this package reads.
func formatVersion(b []byte, name, kind string) (int, error) {
	var version struct {
		FormatVersion *int `json:"format_version"`
	}
	if err := json.Unmarshal(b, &version); err != nil {
		return 0, fmt.Errorf("%s: not a trajkit %s file: %v", name, kind, err)
	}
	v := 1
	if version.FormatVersion != nil {
		v = *version.FormatVersion
	}
	if v < 1 || v > FormatVersion {
		return 0, fmt.Errorf("%s: format version %d: this trajkit reads versions 1 to %d (a newer trajkit wrote it?)", name, v, FormatVersion)
	}
	return v, nil
}

// Software names the program that writes the files.
var Software = "trajkit " + trajectory.Version

// WriteFile writes one file that is not part of a result set (a report
// or a figure given as --out FILE) by writing a temporary file in the same
// directory and renaming it, so that a failure or an interrupt (ctx)
// leaves the previous file as it was and no partial one. The file is
// readable by all (0644), as os.Create would leave it under the usual
// umask, not private as temporary files are created.
func WriteFile(ctx context.Context, path string, write func(io.Writer) error) (err error) {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("interrupted before writing %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	active.addTemp(tmp.Name())
	defer active.removeTemp(tmp.Name())
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = tmp.Chmod(0o644); err != nil {
		return err
	}
	if err = write(&checkedWriter{ctx: ctx, w: tmp}); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	commitMu.Lock()
	defer commitMu.Unlock()
	if err = ctx.Err(); err != nil {
		return fmt.Errorf("interrupted before writing %s: %w", path, err)
	}
	return os.Rename(tmp.Name(), path)
}

// Save writes a result set into dir in one call: Begin, write, Commit.
func Save(ctx context.Context, dir, command string, args []string, write func(*Set) error) error {
	s, err := Begin(ctx, dir, command, args)
	if err != nil {
		return err
	}
	defer s.Abort()
	if err := write(s); err != nil {
		return err
	}
	return s.Commit()
}
