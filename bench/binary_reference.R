# Fits the binary trajectory models that trajkit fits with --dist logit and
# --dist cloglog (K groups, the linear predictor cubic in age, free
# shares) with flexmix's binomial mixture, for the reference maxima of
# trajectory/binary_test.go (TestBinaryReferenceMaxima):
#
#   flexmix(cbind(y, 1 - y) ~ agec + I(agec^2) + I(agec^3) | id, k = K,
#           model = FLXMRglm(family = binomial(link = "logit")),
#           control = list(iter.max = 1000, tolerance = 1e-10, minprior = 0))
#
# flexmix's FLXMRglm has only the canonical logit link, so cloglog is
# checked with one group (--k 1) by R's glm:
#
#   glm(y ~ agec + I(agec^2) + I(agec^3), family = binomial(link = "cloglog"),
#       offset = log(exposure))
#
# which is P(y = 1) = 1 - exp(-e * exp(eta)), trajkit's cloglog model.
# The counts are binarized first (y > 0 becomes 1), as trajkit's
# --binarize does. For K > 1 it runs --starts random starts (flexmix's
# random initial partition), keeps the best, and prints the best
# log-likelihood (flexmix's logLik) with its degrees of freedom, the
# shares, and how many starts reached it (within 1e-6 relative); for
# K = 1 the log-likelihood and the coefficients.
#
# Usage: Rscript bench/binary_reference.R FILE [--link logit|cloglog]
#        [--exposure COLUMN] [--k 3] [--starts 20] [--seed 1]

suppressPackageStartupMessages(library(flexmix))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 1) stop("usage: Rscript bench/binary_reference.R FILE [--link logit|cloglog] [--exposure COLUMN] [--k 3] [--starts 20] [--seed 1]")
opt <- list(file = args[1], link = "logit", exposure = "", k = 3, starts = 20, seed = 1)
i <- 2
while (i <= length(args)) {
  key <- sub("^--", "", args[i])
  if (!key %in% names(opt) || i == length(args)) stop("unknown or incomplete option ", args[i])
  opt[[key]] <- if (key %in% c("link", "exposure")) args[i + 1] else as.integer(args[i + 1])
  i <- i + 2
}

d <- read.csv(opt$file)
if (opt$exposure != "") d <- d[d[[opt$exposure]] > 0, ]
d$y <- as.integer(d$y > 0)
lo <- min(d$age); hi <- max(d$age)
d$agec <- (d$age - (lo + hi) / 2) / max((hi - lo) / 2, 1)

d$off <- if (opt$exposure == "") 0 else log(d[[opt$exposure]])
if (opt$k == 1) {
  fit <- glm(y ~ agec + I(agec^2) + I(agec^3), family = binomial(link = opt$link), offset = off, data = d,
             control = glm.control(epsilon = 1e-14, maxit = 100))
  cat(sprintf("file=%s link=%s k=1 loglik=%.8f df=%d coef=%s\n", opt$file, opt$link, as.numeric(logLik(fit)),
              attr(logLik(fit), "df"), paste(sprintf("%.8f", coef(fit)), collapse = ",")))
  quit(save = "no")
}
if (opt$link != "logit" || opt$exposure != "") stop("flexmix's binomial mixture has the logit link and no offset: use --k 1 for cloglog")
model <- FLXMRglm(family = "binomial")

set.seed(opt$seed)
best <- NULL
lls <- c()
for (s in seq_len(opt$starts)) {
  fit <- tryCatch(flexmix(cbind(y, 1 - y) ~ agec + I(agec^2) + I(agec^3) | id, data = d, k = opt$k, model = model,
                          control = list(iter.max = 1000, tolerance = 1e-10, minprior = 0)),
                  error = function(e) NULL)
  if (is.null(fit) || length(fit@prior) != opt$k) next
  ll <- as.numeric(logLik(fit))
  lls <- c(lls, ll)
  if (is.null(best) || ll > as.numeric(logLik(best))) best <- fit
}
ll <- as.numeric(logLik(best))
cat(sprintf("file=%s link=%s k=%d starts=%d loglik=%.6f df=%d reached=%d shares=%s\n",
            opt$file, opt$link, opt$k, length(lls), ll, attr(logLik(best), "df"),
            sum(abs(lls - ll) <= 1e-6 * abs(ll)), paste(sprintf("%.4f", sort(best@prior)), collapse = ",")))
