# The K = 1 references of trajkit's negative binomial families
# (trajectory/nbref_test.go): one NB group fitted by MASS::glm.nb and one
# ZINB group by pscl::zeroinfl(dist = "negbin"), with the exposure as an
# offset on the mean and trajkit's polynomial in the scaled age
# a = (age - 21) / 9 (the window 12..30 mapped onto [-1, 1]):
#
#   glm.nb(y ~ a + I(a^2) + offset(log(e)))
#   zeroinfl(y ~ a + I(a^2) | 1, offset = log(e), dist = "negbin")
#
# Usage: Rscript bench/nb_reference.R trajectory/testdata/nb-k1.csv > trajectory/testdata/nb-k1-reference.txt
#
# It prints lines "sample key values...": the log-likelihood (R's logLik,
# the full NB log-likelihood with -log y!), the count coefficients (beta)
# and their standard errors, the zero-inflation coefficients (gamma),
# theta (alpha = 1/theta), and the fitting time in seconds.

suppressPackageStartupMessages({
  library(MASS)
  library(pscl)
})
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1], stringsAsFactors = FALSE)
d$a <- (d$age - 21) / 9
out <- function(sample, key, v) cat(sample, key, formatC(v, digits = 15, format = "g"), "\n")
cat("# ", R.version.string, ", MASS ", as.character(packageVersion("MASS")),
    ", pscl ", as.character(packageVersion("pscl")), "\n", sep = "")

nb <- d[d$sample == "nb", ]
t0 <- proc.time()[["elapsed"]]
m <- glm.nb(y ~ a + I(a^2) + offset(log(e)), data = nb,
            control = glm.control(epsilon = 1e-13, maxit = 200))
t1 <- proc.time()[["elapsed"]]
out("nb", "loglik", as.numeric(logLik(m)))
out("nb", "beta", coef(m))
out("nb", "beta_se", sqrt(diag(vcov(m))))
out("nb", "theta", m$theta)
out("nb", "theta_se", m$SE.theta)
out("nb", "seconds", t1 - t0)

z <- d[d$sample == "zinb", ]
t0 <- proc.time()[["elapsed"]]
m <- zeroinfl(y ~ a + I(a^2) | 1, data = z, offset = log(e), dist = "negbin",
              control = zeroinfl.control(reltol = 1e-14, maxit = 100000))
t1 <- proc.time()[["elapsed"]]
out("zinb", "loglik", as.numeric(logLik(m)))
out("zinb", "beta", coef(m, model = "count"))
out("zinb", "gamma", coef(m, model = "zero"))
se <- sqrt(diag(vcov(m)))
out("zinb", "beta_se", se[1:3])
out("zinb", "gamma_se", se[4])
out("zinb", "theta", m$theta)
out("zinb", "seconds", t1 - t0)
