// Package trajectory fits group-based trajectory models of offending by age
// (Nagin 1999, 2005; Jones, Nagin & Roeder 2001): finite mixtures of
// Poisson or zero-inflated Poisson (Lambert 1992) groups whose log-rate,
// and logit of zero inflation, are polynomials in age, with exposure (time
// at risk), an order per group, and constant shares or a multinomial logit
// on risk factors.
//
// Follow one career through it:
//
//   - ReadCareers streams a long or wide CSV file into Careers, the sparse
//     store: each person's window of observed ages plus the "special"
//     cells (positive counts, exposures other than 1, unobserved ages);
//   - the Poisson and ZIP families (family.go, poisson.go, zip.go) turn
//     careers into per-person log-likelihoods from prefix sums by age and
//     into per-age sufficient statistics for the M-step, so a fit costs
//     time in proportion to persons plus special cells, not persons x ages;
//   - the mixture package's EM engine turns those into posteriors and new
//     parameters, from many starts;
//   - Fit returns a Fitted in user terms: groups ordered by ascending mean
//     expected count, their curves by age, shares, APP, OCC, criteria,
//     standard errors from the observed information (Louis 1982);
//   - Select compares numbers of groups and per-group orders and
//     recommends a model; Bootstrap adds percentile intervals; Profiles
//     describes groups by person-level variables;
//   - Simulate and the presets draw careers with known groups, among them
//     the synthetic cohort of the Dutch 630-offender study (nl630.go), and
//     reproduce.go holds the study's reproduction rules;
//   - the plot*.go files draw the figures (the only files that import
//     gonum/plot).
//
// Bad data give a *DataError naming file, line and column; a fit that does
// not converge or degenerates is a result with a status and warnings. The
// package never prints.
package trajectory
