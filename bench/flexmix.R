# Fits the Poisson trajectory model that trajkit fits (K groups, log rate
# cubic in age, free shares) with flexmix, for the speed comparison in
# docs/performance.md. The call is the one of the project's reference
# table:
#
#   flexmix(y ~ agec + I(agec^2) + I(agec^3) | id, k = 4,
#           model = FLXMRglm(family = "poisson"[, offset = log(exposure)]),
#           control = list(iter.max = 1000, tolerance = 1e-8, minprior = 0))
#
# run from --starts random starts (flexmix's random initial partition),
# keeping the best. Only the fitting is timed (elapsed time inside R), not
# R's start-up, loading flexmix or reading the file.
#
# Usage: Rscript bench/flexmix.R FILE [--exposure COLUMN] [--k 4] [--starts 10] [--seed 1]
#
# FILE is a long career file (id, age, y[, exposure]). It prints one line:
# file, K, starts, the best log-likelihood (flexmix's logLik, the full
# Poisson mixture log-likelihood including -log y!), its degrees of
# freedom, how many starts reached it (within a relative 1e-6), and the
# fitting time in seconds.

suppressPackageStartupMessages(library(flexmix))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 1) stop("usage: Rscript bench/flexmix.R FILE [--exposure COLUMN] [--k 4] [--starts 10] [--seed 1]")
opt <- list(file = args[1], exposure = "", k = 4, starts = 10, seed = 1)
i <- 2
while (i <= length(args)) {
  key <- sub("^--", "", args[i])
  if (!key %in% c("exposure", "k", "starts", "seed") || i == length(args)) stop("unknown or incomplete option ", args[i])
  opt[[key]] <- if (key == "exposure") args[i + 1] else as.integer(args[i + 1])
  i <- i + 2
}

d <- read.csv(opt$file)
# Any affine rescaling of age gives the same maximum; this one maps the ages
# onto [-1, 1], as trajkit does.
lo <- min(d$age); hi <- max(d$age)
d$agec <- (d$age - (lo + hi) / 2) / max((hi - lo) / 2, 1)

model <- if (opt$exposure == "") {
  FLXMRglm(family = "poisson")
} else {
  d$logexp <- log(d[[opt$exposure]])
  FLXMRglm(family = "poisson", offset = d$logexp)
}

fit_once <- function() {
  flexmix(y ~ agec + I(agec^2) + I(agec^3) | id, data = d, k = opt$k, model = model,
          control = list(iter.max = 1000, tolerance = 1e-8, minprior = 0))
}

set.seed(opt$seed)
lls <- rep(NA_real_, opt$starts)
best <- NULL
elapsed <- system.time({
  for (r in seq_len(opt$starts)) {
    f <- tryCatch(fit_once(), error = function(e) NULL)
    if (is.null(f)) next
    lls[r] <- as.numeric(logLik(f))
    if (is.null(best) || lls[r] > as.numeric(logLik(best))) best <- f
  }
})[["elapsed"]]

ll <- as.numeric(logLik(best))
reached <- sum(!is.na(lls) & abs(lls - ll) <= 1e-6 * abs(ll))
cat(sprintf("file=%s k=%d starts=%d loglik=%.6f df=%d reached=%d groups=%d fit_seconds=%.2f flexmix=%s R=%s\n",
            basename(opt$file), opt$k, opt$starts, ll, attr(logLik(best), "df"), reached,
            length(best@size), elapsed, as.character(packageVersion("flexmix")),
            paste(R.version$major, R.version$minor, sep = ".")))
