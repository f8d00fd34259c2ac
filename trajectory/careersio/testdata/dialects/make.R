# Makes the CSV dialect fixtures of the careersio and command tests from
# the careers of ../foreign/long60.csv (the first 60 careers of the
# embedded employment data: id, age, y, employed; every person observed
# at ages 14-30) and the persons of ../foreign/persons60.csv, with base R
# only. Run from the repository's root:
#
#   Rscript trajectory/careersio/testdata/dialects/make.R
#
# Every career file holds the careers of long60.csv, every person file
# the persons of persons60.csv, written as R (and Excel, for the
# byte-order mark and CRLF line ends) write them; the README beside this
# script lists them.
out <- "trajectory/careersio/testdata/dialects"
long <- read.csv("trajectory/careersio/testdata/foreign/long60.csv")
stopifnot(nrow(long) == 60 * 17)

# An exposure by row: 0.5 on every seventh row, 0.25 on every eleventh
# (that is not also a seventh), else 1.
r <- seq_len(nrow(long))
exposed <- long
exposed$exposure <- ifelse(r %% 7 == 0, 0.5, ifelse(r %% 11 == 0, 0.25, 1))

# The plain reference with exposures: comma, decimal point, UTF-8.
write.csv(exposed, file.path(out, "long60_exposure.csv"), row.names = FALSE, quote = FALSE)

# Semicolons and decimal commas (write.csv2: quoted header, 0,5), with
# CRLF line ends as Excel writes them.
write.csv2(exposed, file.path(out, "long60_semicolon.csv"), row.names = FALSE, eol = "\r\n")

# Tab-separated, unquoted.
write.table(long, file.path(out, "long60_tab.tsv"), sep = "\t", row.names = FALSE, quote = FALSE)

# A UTF-8 byte-order mark before a quoted header, ids quoted (character),
# CRLF line ends: Excel's "CSV UTF-8", and what write.csv writes with
# fileEncoding "UTF-8-BOM" from R 4.3 on (R 4.2 reads that encoding but
# cannot write it, so the mark is written first, by hand).
bom <- long
bom$id <- as.character(bom$id)
con <- file(file.path(out, "long60_bom.csv"), "wb")
writeBin(as.raw(c(0xef, 0xbb, 0xbf)), con)
write.csv(bom, con, row.names = FALSE, eol = "\r\n")
close(con)

# Windows-1252 with non-ASCII ids: odd ids 1, 3, ... as "é1", "é3", even
# ones as "ß2", "ß4", ...; é is the byte 0xE9, ß 0xDF.
cp <- long
cp$id <- ifelse(long$id %% 2 == 1, paste0("\u00e9", long$id), paste0("\u00df", long$id))
write.csv(cp, file.path(out, "long60_cp1252.csv"), row.names = FALSE, fileEncoding = "windows-1252")

# traj wave files: counts y1..y17 and times t1..t17 per person, the waves
# of person i starting at age 14 + (i - 1) mod 17 and going round, so
# that each person has times of their own; and the same with times in
# decades (t = age / 10) in columns time1..time17.
ages <- 14:30
ids <- unique(long$id)
T <- length(ages)
waves <- function(scale, prefix) {
  w <- data.frame(id = ids)
  y <- matrix(NA, length(ids), T)
  tm <- matrix(NA, length(ids), T)
  for (i in seq_along(ids)) {
    a <- ages[(seq_len(T) - 1 + (i - 1)) %% T + 1]
    p <- long[long$id == ids[i], ]
    y[i, ] <- p$y[match(a, p$age)]
    tm[i, ] <- a / scale
  }
  for (k in seq_len(T)) w[[paste0("y", k)]] <- y[, k]
  for (k in seq_len(T)) w[[paste0(prefix, k)]] <- tm[, k]
  w
}
write.csv(waves(1, "t"), file.path(out, "long60_traj.csv"), row.names = FALSE, quote = FALSE)
write.csv(waves(10, "time"), file.path(out, "long60_traj_decades.csv"), row.names = FALSE, quote = FALSE)

# Persons: ../foreign/persons60.csv (id, female, qualification, region,
# age_first with two missing) as R writes it: semicolons and decimal
# commas (17,9), missing as NA; a byte-order mark before a quoted header;
# Windows-1252 with the accented ids of long60_cp1252.csv.
persons <- read.csv("trajectory/careersio/testdata/foreign/persons60.csv")
stopifnot(nrow(persons) == 60, sum(is.na(persons$age_first)) == 2)
write.csv2(persons, file.path(out, "persons60_semicolon.csv"), row.names = FALSE, eol = "\r\n")
con <- file(file.path(out, "persons60_bom.csv"), "wb")
writeBin(as.raw(c(0xef, 0xbb, 0xbf)), con)
write.csv(persons, con, row.names = FALSE, eol = "\r\n")
close(con)
cp <- persons
cp$id <- ifelse(persons$id %% 2 == 1, paste0("\u00e9", persons$id), paste0("\u00df", persons$id))
write.csv(cp, file.path(out, "persons60_cp1252.csv"), row.names = FALSE, fileEncoding = "windows-1252")
