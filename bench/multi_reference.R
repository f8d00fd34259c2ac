# External reference for a multi-trajectory (multi-outcome) group-based
# trajectory model: two outcomes measured on the same persons and ages,
# each with its own family and its own quadratic in age, sharing ONE latent
# class membership per person, the outcomes independent given the class.
#
#   y1 (count):  Poisson,  log rate = b0 + b1 a + b2 a^2
#   y2 (0/1):    binomial, logit    = c0 + c1 a + c2 a^2
#   a = (age - 21) / 9                (ages 12..30 mapped onto [-1, 1])
#
# The script (a) simulates a seeded data set (600 persons, ages 12..30, each
# person observed over a contiguous window starting at 12; about 20% of the
# persons stop early at a random age in 20..29, the later ages simply have
# no row; 3 classes with shares about 0.5/0.3/0.2, well separated), and
# (b) fits it with flexmix, a list of drivers (one per outcome) and the
# grouping "| id", so that the class is per person, not per row:
#
#   flexmix(~ 1 | id, data = d, k = 3,
#           model = list(FLXMRglm(y1 ~ a + I(a^2), family = "poisson"),
#                        FLXMRglm(cbind(y2, 1 - y2) ~ a + I(a^2), family = "binomial")),
#           control = list(iter.max = 5000, tolerance = 1e-10, minprior = 0))
#
# (a + I(a^2) is the design poly(a, 2, raw = TRUE) gives, with plainer
# coefficient names) from 30 seeded random starts (flexmix's random initial partition; start s
# runs after set.seed(1000 + s)), keeping the best logLik. The driver
# formulas are merged into the main one by update(), so "~ 1 | id" only
# supplies the grouping. The log-likelihood is recomputed by hand from the
# fitted parameters, per person (log sum_k pi_k prod_t f1 f2), with and
# without the -log(y1!) terms, to check what flexmix's logLik is, and 100
# further EM steps by hand (glm.fit converged to 1e-15) tell how precise
# flexmix's coefficients are.
#
# Usage (from the repository root):  Rscript bench/multi_reference.R
#
# Writes
#   trajectory/testdata/multi_flexmix.csv   long data: id,age,y1,y2, one row
#                                           per observed person-age
#   trajectory/testdata/multi_flexmix.json  the call, R and flexmix versions,
#                                           logLik (%.10f), its df and nobs,
#                                           per class (sorted by ascending
#                                           mean fitted Poisson rate over ages
#                                           12..30) the prior and the Poisson
#                                           and logit coefficients (intercept,
#                                           a, a^2), the hand checks, the
#                                           simulation's truth, and how the
#                                           30 starts ended.
# and prints a one-line summary. Needs the R packages flexmix and jsonlite.

suppressPackageStartupMessages({
  library(flexmix)
  library(jsonlite)
})

outdir <- "trajectory/testdata"
if (!dir.exists(outdir)) stop("run from the repository root (", outdir, " not found)")
csvfile <- file.path(outdir, "multi_flexmix.csv")
jsonfile <- file.path(outdir, "multi_flexmix.json")

## (a) Simulation ---------------------------------------------------------

sim_seed <- 20240521
set.seed(sim_seed)
n <- 600
ages <- 12:30
scale_age <- function(age) (age - 21) / 9
true_prior <- c(0.5, 0.3, 0.2)
# rows: classes (ascending Poisson rate); columns: intercept, a, a^2
true_pois <- rbind(c(-0.7, 0.4, -0.6),
                   c(0.6, 0.8, -0.5),
                   c(1.5, -0.4, -0.4))
true_logit <- rbind(c(-2.0, 0.5, 0.5),
                    c(0.2, 1.5, -0.8),
                    c(1.5, -1.0, -1.0))
cls <- sample(1:3, n, replace = TRUE, prob = true_prior)
early <- runif(n) < 0.2
last <- ifelse(early, sample(20:29, n, replace = TRUE), 30)
rows <- lapply(seq_len(n), function(i) {
  age <- 12:last[i]
  a <- scale_age(age)
  X <- cbind(1, a, a^2)
  mu <- exp(drop(X %*% true_pois[cls[i], ]))
  p <- plogis(drop(X %*% true_logit[cls[i], ]))
  data.frame(id = i, age = age, y1 = rpois(length(age), mu), y2 = rbinom(length(age), 1, p))
})
sim <- do.call(rbind, rows)
write.csv(sim, csvfile, row.names = FALSE, quote = FALSE)

## (b) Fit --------------------------------------------------------------

d <- read.csv(csvfile)
d$a <- scale_age(d$age)
K <- 3
nstarts <- 30
call_text <- paste0(
  "flexmix(~ 1 | id, data = d, k = 3, ",
  "model = list(FLXMRglm(y1 ~ a + I(a^2), family = \"poisson\"), ",
  "FLXMRglm(cbind(y2, 1 - y2) ~ a + I(a^2), family = \"binomial\")), ",
  "control = list(iter.max = 5000, tolerance = 1e-10, minprior = 0))")
call_expr <- parse(text = call_text)[[1]]

starts <- list()
best <- NULL
for (s in seq_len(nstarts)) {
  set.seed(1000 + s)
  fit <- tryCatch(eval(call_expr), error = function(e) e)
  if (inherits(fit, "error")) {
    starts[[s]] <- list(start = s, seed = 1000 + s, error = conditionMessage(fit))
    next
  }
  ll <- as.numeric(logLik(fit))
  starts[[s]] <- list(start = s, seed = 1000 + s, k = length(fit@prior), loglik = ll,
                      iter = fit@iter, converged = fit@converged)
  if (length(fit@prior) == K && (is.null(best) || ll > as.numeric(logLik(best)))) best <- fit
}
if (is.null(best)) stop("no start kept 3 classes")

ll <- logLik(best)
llv <- as.numeric(ll)
prior <- prior(best)
pois <- t(sapply(1:K, function(j) parameters(best, component = j, model = 1)))
logit <- t(sapply(1:K, function(j) parameters(best, component = j, model = 2)))
A <- cbind(1, scale_age(ages), scale_age(ages)^2)
mean_rate <- sapply(1:K, function(j) mean(exp(A %*% pois[j, ])))
ord <- order(mean_rate)

# Recompute the log-likelihood by hand: per person, log sum_k pi_k prod_t f1 f2.
X <- cbind(1, d$a, d$a^2)
persons <- split(seq_len(nrow(d)), d$id)
hand_ll <- function(with_factorial) {
  lc <- sapply(1:K, function(j) {
    l1 <- dpois(d$y1, exp(drop(X %*% pois[j, ])), log = TRUE)
    if (!with_factorial) l1 <- l1 + lgamma(d$y1 + 1)
    l2 <- dbinom(d$y2, 1, plogis(drop(X %*% logit[j, ])), log = TRUE)
    rowsum(l1 + l2, d$id)[, 1] + log(prior[j])
  })
  m <- apply(lc, 1, max)
  sum(m + log(rowSums(exp(lc - m))))
}
ll_fact <- hand_ll(TRUE)
ll_nofact <- hand_ll(FALSE)
includes_fact <- abs(ll_fact - llv) < 1e-6 * abs(llv)
if (!includes_fact) stop(sprintf("hand log-likelihood %.10f (with -log y!) differs from flexmix's %.10f", ll_fact, llv))
# Per-row (ungrouped) mixture, to show the reported logLik is per person.
lrow <- sapply(1:K, function(j) {
  dpois(d$y1, exp(drop(X %*% pois[j, ])), log = TRUE) +
    dbinom(d$y2, 1, plogis(drop(X %*% logit[j, ])), log = TRUE) + log(prior[j])
})
ll_rows <- sum(apply(lrow, 1, function(v) max(v) + log(sum(exp(v - max(v))))))

# Polish: 100 more EM steps by hand from flexmix's maximum, with glm.fit
# converged to 1e-15, to tell how precise flexmix's coefficients are.
polish <- function(pois, logit, prior, steps = 100) {
  for (it in seq_len(steps)) {
    lc <- sapply(1:K, function(j) {
      rowsum(dpois(d$y1, exp(drop(X %*% pois[j, ])), log = TRUE) +
               dbinom(d$y2, 1, plogis(drop(X %*% logit[j, ])), log = TRUE), d$id)[, 1] + log(prior[j])
    })
    m <- apply(lc, 1, max)
    post <- exp(lc - m - log(rowSums(exp(lc - m))))
    w <- post[match(d$id, as.integer(rownames(lc))), ]
    tight <- glm.control(epsilon = 1e-15, maxit = 100)
    for (j in 1:K) {
      pois[j, ] <- coef(glm.fit(X, d$y1, weights = w[, j], family = poisson(), control = tight))
      logit[j, ] <- coef(suppressWarnings(glm.fit(X, d$y2, weights = w[, j], family = binomial(), control = tight)))
    }
    prior <- colMeans(post)
  }
  list(pois = pois, logit = logit, prior = prior)
}
pol <- polish(pois, logit, prior)
polish_diff <- max(abs(c(pol$pois - pois, pol$logit - logit)))
polish_prior_diff <- max(abs(pol$prior - prior))

ok <- Filter(function(s) is.null(s$error) && s$k == K, starts)
lls <- sapply(ok, `[[`, "loglik")
reached <- sum(abs(lls - llv) <= 1e-6 * abs(llv))
coefnames <- c("intercept", "a", "a^2")
json_verbatim_num <- function(x) structure(sprintf("%.10f", x), class = "json")

classes <- lapply(seq_along(ord), function(r) {
  j <- ord[r]
  list(class = r, flexmix_component = j, prior = unname(prior[j]),
       mean_poisson_rate_12_30 = unname(mean_rate[j]),
       poisson = setNames(as.list(unname(pois[j, ])), coefnames),
       logit = setNames(as.list(unname(logit[j, ])), coefnames),
       persons_assigned = unname(sum(clusters(best)[!duplicated(d$id)] == j)))
})

out <- list(
  description = paste("Multi-trajectory reference: Poisson y1 and binary y2 on the same persons and ages,",
                      "one shared latent class per person, outcomes independent given the class;",
                      "written by bench/multi_reference.R"),
  call = call_text,
  age_scaling = "a = (age - 21) / 9",
  R_version = R.version.string,
  flexmix_version = as.character(packageVersion("flexmix")),
  data = list(file = "trajectory/testdata/multi_flexmix.csv", persons = length(persons), rows = nrow(d),
              persons_ending_early = sum(tapply(d$age, d$id, max) < 30), ages = "12..30"),
  starts = list(n = nstarts, seeds = "set.seed(1000 + s), s = 1..30", kept_k3 = length(ok),
                reached_best_within_rel_1e6 = reached,
                distinct_maxima = I(sort(unique(round(lls, 4)), decreasing = TRUE))),
  logLik = json_verbatim_num(llv),
  loglik_df = attr(ll, "df"),
  loglik_df_composition = "K*(3 Poisson + 3 logit coefficients) + (K - 1) priors = 3*6 + 2",
  loglik_nobs = attr(ll, "nobs"),
  loglik_nobs_note = "flexmix's nobs counts rows (person-ages), not persons; BIC(fit) uses log(rows)",
  n_parameters = 3 * 6 + 2,
  BIC_flexmix = json_verbatim_num(BIC(best)),
  loglik_is_per_person_grouped = abs(ll_fact - llv) < 1e-6 * abs(llv) && abs(ll_rows - llv) > 1,
  loglik_hand_per_person = json_verbatim_num(ll_fact),
  loglik_hand_per_row_ungrouped = json_verbatim_num(ll_rows),
  loglik_includes_log_factorial = includes_fact,
  loglik_without_log_factorial = json_verbatim_num(ll_nofact),
  sum_log_factorial_y1 = json_verbatim_num(sum(lgamma(d$y1 + 1))),
  binomial_term_note = "y2 is 0/1 with size 1, so dbinom has no log-choose term",
  best_iter = best@iter,
  best_converged = best@converged,
  polish_max_abs_coef_change = polish_diff,
  polish_max_abs_prior_change = polish_prior_diff,
  polish_note = "100 further EM steps by hand (glm.fit epsilon 1e-15) move the coefficients and priors by at most these",
  class_order = "ascending mean of exp(Poisson linear predictor) over integer ages 12..30",
  classes = classes,
  simulation = list(seed = sim_seed, persons = n, early_end = "about 20% end at a uniform age in 20..29",
                    prior = true_prior,
                    poisson = lapply(1:3, function(j) setNames(as.list(true_pois[j, ]), coefnames)),
                    logit = lapply(1:3, function(j) setNames(as.list(true_logit[j, ]), coefnames)),
                    realized_shares = as.numeric(table(factor(cls, levels = 1:3))) / n),
  all_starts = starts
)
writeLines(toJSON(out, auto_unbox = TRUE, pretty = TRUE, digits = NA, json_verbatim = TRUE), jsonfile)
cat(sprintf("rows=%d persons=%d loglik=%.10f df=%d reached=%d/%d priors=%s\n", nrow(d), length(persons), llv,
            attr(ll, "df"), reached, length(ok), paste(sprintf("%.4f", prior[ord]), collapse = ",")))
