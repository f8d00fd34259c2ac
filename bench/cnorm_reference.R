# The K = 1 reference of trajkit's censored normal (cnorm, Tobit) family:
# simulates a long career file of real values censored at 0 and 10 (with
# late starts, early ends, holes and a binary time-varying covariate w),
# and maximises the Tobit likelihood with survival::survreg, left and right
# censoring through type = "interval2":
#
#   survreg(Surv(lower, upper, type = "interval2") ~ a + I(a^2) + w,
#           dist = "gaussian", control = survreg.control(rel.tolerance = 1e-13, iter.max = 200))
#
# where a = (age - 21) / 9 (trajkit's default scaling of the window 12-30
# onto [-1, 1]), lower = NA and upper = 0 for y <= 0, lower = 10 and upper
# = NA for y >= 10, lower = upper = y otherwise. It also recomputes the
# log-likelihood from the coefficients (pnorm, dnorm) as a check on
# survreg's.
#
# Usage: Rscript bench/cnorm_reference.R DIR
#
# writes DIR/cnorm-k1.csv (id,age,y,w) and DIR/cnorm-k1-survreg.txt (the
# log-likelihood, the coefficients intercept, a, a^2, w, log(scale), their
# standard errors from survreg's vcov, the fitting time in seconds), as trajectory/testdata holds them.

suppressPackageStartupMessages(library(survival))
args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 1) stop("usage: Rscript bench/cnorm_reference.R DIR")
dir <- args[1]

set.seed(14)
n <- 500
rows <- list()
for (i in 1:n) {
  first <- if (i == 1 || runif(1) > 0.3) 12 else sample(12:16, 1)
  last <- if (i == 2 || runif(1) > 0.3) 30 else sample(22:30, 1)
  ages <- first:last
  keep <- c(TRUE, runif(length(ages) - 2) > 0.1, TRUE)[seq_along(ages)]
  ages <- ages[keep]
  a <- (ages - 21) / 9
  w <- as.integer(runif(length(ages)) < 0.25)
  mu <- 3 + 2 * a - 4 * a^2 + 1.5 * w + rnorm(1, 0, 0.5)
  y <- round(pmin(pmax(mu + rnorm(length(ages), 0, 2.5), 0), 10), 3)
  rows[[i]] <- data.frame(id = i, age = ages, y = y, w = w)
}
d <- do.call(rbind, rows)
write.csv(d, file.path(dir, "cnorm-k1.csv"), row.names = FALSE, quote = FALSE)

d <- read.csv(file.path(dir, "cnorm-k1.csv"))
d$a <- (d$age - 21) / 9
d$lower <- ifelse(d$y <= 0, NA, ifelse(d$y >= 10, 10, d$y))
d$upper <- ifelse(d$y <= 0, 0, ifelse(d$y >= 10, NA, d$y))
t0 <- proc.time()[["elapsed"]]
fit <- survreg(Surv(lower, upper, type = "interval2") ~ a + I(a^2) + w, data = d,
               dist = "gaussian", control = survreg.control(rel.tolerance = 1e-13, iter.max = 200))
elapsed <- proc.time()[["elapsed"]] - t0
b <- coef(fit)
s <- fit$scale
mu <- b[1] + b[2] * d$a + b[3] * d$a^2 + b[4] * d$w
ll <- sum(ifelse(d$y <= 0, pnorm((0 - mu) / s, log.p = TRUE),
          ifelse(d$y >= 10, pnorm((mu - 10) / s, log.p = TRUE),
                 dnorm(d$y, mu, s, log = TRUE))))
if (abs(ll - fit$loglik[2]) > 1e-8 * abs(ll)) stop("survreg's log-likelihood ", fit$loglik[2], " differs from the recomputed ", ll)
out <- c(sprintf("loglik %.12f", fit$loglik[2]),
         sprintf("beta %.10f %.10f %.10f", b[1], b[2], b[3]),
         sprintf("delta %.10f", b[4]),
         sprintf("log_sigma %.10f", log(s)),
         sprintf("se %s", paste(sprintf("%.10f", sqrt(diag(vcov(fit)))), collapse = " ")),
         sprintf("cells %d censored_low %d censored_high %d", nrow(d), sum(d$y <= 0), sum(d$y >= 10)),
         sprintf("seconds %.3f", elapsed),
         sprintf("# %s, survival %s", R.version.string, packageVersion("survival")))
writeLines(out, file.path(dir, "cnorm-k1-survreg.txt"))
cat(out, sep = "\n")
