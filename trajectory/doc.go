// Package trajectory fits group-based trajectory models of offending by age
// (Nagin 1999, 2005; Jones, Nagin & Roeder 2001): finite mixtures of
// Poisson or zero-inflated Poisson (Lambert 1992) groups whose log-rate,
// and logit of zero inflation, are polynomials in age, with exposure (time
// at risk), an order per group, time-varying covariates, and constant
// shares or a multinomial logit on risk factors.
//
// It is the model alone: no files, flags, figures or studies. Careers come
// in through the careersio package, fits go out through results (whose
// model.json is the JSON encoding of Fitted), figures are drawn by
// figure, and the 630-offender study lives in study/nl630.
//
// Follow one career through it:
//
//   - Careers is the sparse store, built by CareerBuilder: each person's
//     window of observed ages plus the "special" cells (positive counts,
//     exposures other than 1, unobserved ages);
//   - the Poisson and ZIP families (family.go, poisson.go, zip.go) turn
//     careers into per-person log-likelihoods from prefix sums by age and
//     into per-age sufficient statistics for the M-step, so a fit costs
//     time in proportion to persons plus special cells, not persons x ages;
//     the negative binomial and ZINB families (nb.go, nbfit.go, nbscore.go)
//     do the same with a table of the counts' lgamma terms, and with one
//     dispersion per group or one shared by all (an ECM step); nblrt.go
//     tests each dispersion against 0 (Self & Liang 1987);
//   - the mixture package's EM engine turns those into posteriors and new
//     parameters, from many starts (and from a fitted model, Settings.Start:
//     start.go), with sampling weights when given (Settings.Weights,
//     rescaled to sum to N: weights.go);
//   - Fit returns a Fitted in user terms: groups ordered by ascending mean
//     expected count (numbered from 1), their curves by age, shares, APP,
//     OCC, criteria, standard errors from the observed information (Louis
//     1982), typed warnings;
//   - Select compares numbers of groups and per-group orders and
//     recommends a model; Bootstrap adds percentile intervals;
//     ObservedMeans gives the observed counterpart of the curves;
//   - Simulate and the presets draw careers with known groups.
//
// A fit that does not converge or degenerates is a result with a status
// and warnings, not an error. The package never prints.
package trajectory
