# K = 1 NB and ZINB on the embedded sim630 careers
# (data/gbtm_sim/sim630.csv, ages 12-40), for docs/validation.md:
#
#   glm.nb(y ~ a + I(a^2) + I(a^3))
#   zeroinfl(y ~ a + I(a^2) + I(a^3) | 1, dist = "negbin")
#
# with a = (age - 26) / 14, trajkit's scaling of the window 12..40. The
# same models in trajkit:
#
#   trajkit fit --data example:sim630 --groups 1 --dist nb --order 3
#   trajkit fit --data example:sim630 --groups 1 --dist zinb --order 3 --inflation 0
#
# (R's glm.nb cannot fit the toronto1-exposure careers: their exposures
# down to 1e-13 stop its IRLS.)
#
# Usage: Rscript bench/nb_sim630.R data/gbtm_sim/sim630.csv
suppressPackageStartupMessages({
  library(MASS)
  library(pscl)
})
d <- read.csv(commandArgs(trailingOnly = TRUE)[1])
d$a <- (d$age - 26) / 14
t0 <- proc.time()[["elapsed"]]
m <- glm.nb(y ~ a + I(a^2) + I(a^3), data = d, control = glm.control(epsilon = 1e-13, maxit = 200))
t1 <- proc.time()[["elapsed"]]
cat("nb loglik", format(as.numeric(logLik(m)), digits = 15), "alpha", format(1 / m$theta, digits = 10),
    "beta", format(coef(m), digits = 10), "seconds", t1 - t0, "\n")
t0 <- proc.time()[["elapsed"]]
z <- zeroinfl(y ~ a + I(a^2) + I(a^3) | 1, data = d, dist = "negbin",
              control = zeroinfl.control(reltol = 1e-14, maxit = 100000))
t1 <- proc.time()[["elapsed"]]
cat("zinb loglik", format(as.numeric(logLik(z)), digits = 15), "alpha", format(1 / z$theta, digits = 10),
    "coef", format(coef(z), digits = 10), "seconds", t1 - t0, "\n")
