// Package mixture is a small engine for finite mixtures fitted by the EM
// algorithm, in the spirit of flexmix's separation of the EM driver from the
// model drivers (Leisch 2004; Grün & Leisch 2008).
//
// A mixture of K groups has the log-likelihood
//
//	ℓ(θ) = Σ_i log Σ_k π_ik f_k(y_i | θ_k),
//
// where π_ik are the membership probabilities (constant shares, or a
// multinomial logit on person-level covariates) and f_k is the density of
// person i's data under group k. The engine sees these seams:
//
//   - a Family, bound to the data, which fits one group's parameters from
//     per-person weights (warm-started from the previous fit), and its
//     Component, which fills one log-likelihood per person;
//   - a Membership, which gives log π_ik and fits it from the posteriors;
//   - optionally a Shared, for parameters common to every group (one
//     dispersion or variance for all groups) and an M-step that sees every
//     group's weights at once: an ECM step (Meng & Rubin 1993), each
//     group's own parameters given the shared ones, then the shared ones
//     given all groups.
//
// How a family computes its numbers is its own business: the trajectory
// families use sufficient statistics by age and never loop over every
// person-age cell.
//
// EM alternates the E-step, the posteriors
//
//	p_ik = π_ik f_k(y_i) / Σ_j π_ij f_j(y_i),
//
// computed in log space with a max-shifted log-sum-exp, and the M-step, which
// maximises Σ_i p_ik log f_k(y_i | θ_k) for each k and Σ_i Σ_k p_ik log π_ik
// for the membership (Dempster, Laird & Rubin 1977). The log-likelihood never
// decreases. Fit runs many starts (emEM: short runs from random partitions and
// from supplied starts, then the best run to convergence; Biernacki, Celeux &
// Govaert 2003) and reports how many reached the best optimum.
//
// With sampling weights v_i (Problem.Weights) the engine maximises
// Σ_i v_i ℓ_i instead: the E-step is the same, and the M-steps see the
// weights v_i p_ik; the observed information (WeightedInformation) counts
// each person's terms v_i times. Weights all 1 give the bits of a fit
// without them.
//
// Work over persons is split into shards of fixed size and reduced in shard
// order, so results are bit-identical whatever the number of threads.
//
// The files: problem.go, settings.go and result.go hold what goes in and
// out of Fit (with the one copy of every default, and the Status, Phase,
// StartReport and Interrupted types), warning.go the typed warnings; fit.go is Fit as a
// pipeline of search.go's phases; em.go and squarem.go are one EM run;
// family.go, prior.go, multinomial.go and shared.go the seams; estep.go,
// newton.go, information.go and criteria.go the kernels; parallel.go the
// pool of goroutines and the shards.
package mixture
