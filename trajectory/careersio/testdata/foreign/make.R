# Makes the Stata, SPSS and Excel fixtures of the careersio tests from
# the embedded careers data/tcov/employment.csv (its first 60 persons)
# and the person file cmd/trajkit/testdata/persons630.csv (its first 60
# rows), with R's haven (Stata, SPSS) and openxlsx (Excel). Run from the
# repository's root:
#
#   Rscript trajectory/careersio/testdata/foreign/make.R
#
# (Debian: apt-get install r-cran-haven r-cran-openxlsx). make_be.R
# writes the big-endian Stata files, make.sps (GNU PSPP) more SPSS files.
suppressPackageStartupMessages({
  library(haven)
  library(openxlsx)
})
out <- "trajectory/careersio/testdata/foreign"
# haven 2.5.1 refuses one-letter variable names (y) for Stata formats
# before 118, which Stata allows: its name check, corrected.
check <- get("validate_dta", envir = asNamespace("haven"))
body(check)[[3]] <- quote(bad_name <- !grepl("^[A-Za-z_][A-Za-z0-9_]*$", names(data)))
assignInNamespace("validate_dta", check, "haven")
set.seed(20261201)

# Careers: long (id, age, y, employed) and wide (y14..y30, employed14..).
emp <- read.csv("data/tcov/employment.csv")
long <- emp[emp$id <= 60, ]
rownames(long) <- NULL
write.csv(long, file.path(out, "long60.csv"), row.names = FALSE, quote = FALSE)
ages <- sort(unique(long$age))
wide <- data.frame(id = unique(long$id))
for (a in ages) wide[[paste0("y", a)]] <- long$y[long$age == a][match(wide$id, long$id[long$age == a])]
for (a in ages) wide[[paste0("employed", a)]] <- long$employed[long$age == a][match(wide$id, long$id[long$age == a])]
# Holes: 40 counts and their covariates unobserved.
holes <- cbind(sample(nrow(wide), 40, replace = TRUE), sample(length(ages), 40, replace = TRUE))
for (h in seq_len(nrow(holes))) {
  wide[holes[h, 1], paste0("y", ages[holes[h, 2]])] <- NA
  wide[holes[h, 1], paste0("employed", ages[holes[h, 2]])] <- NA
}
write.csv(wide, file.path(out, "wide60.csv"), row.names = FALSE, quote = FALSE, na = "")

# employed carries value labels: a labelled 0/1 covariate is still read
# as its codes.
yesno <- c(no = 0L, yes = 1L)
long_l <- long
long_l$employed <- labelled(long$employed, yesno)
for (v in c(8, 10, 12, 13, 14, 15)) {
  release <- c("8" = 113, "10" = 114, "12" = 115, "13" = 117, "14" = 118, "15" = 119)[[as.character(v)]]
  write_dta(long_l, file.path(out, sprintf("long60_%d.dta", release)), version = v)
}
# Missing counts of the wide file as Stata's extended missing .a, missing
# covariates as the system missing value.
wide_dta <- wide
for (a in ages) {
  y <- paste0("y", a)
  wide_dta[[y]] <- ifelse(is.na(wide[[y]]), tagged_na("a"), wide[[y]])
}
write_dta(wide_dta, file.path(out, "wide60_118.dta"), version = 14)

write_sav(long_l, file.path(out, "long60.sav"), compress = "byte")
write_sav(long_l, file.path(out, "long60_none.sav"), compress = "none")
write_sav(long_l, file.path(out, "long60.zsav"), compress = "zsav")
# Missing counts as the user-missing value -9, missing covariates as
# values in the user-missing range 8-10.
wide_sav <- wide
for (a in ages) {
  y <- paste0("y", a)
  e <- paste0("employed", a)
  wide_sav[[y]] <- labelled_spss(ifelse(is.na(wide[[y]]), -9, wide[[y]]), na_values = -9)
  wide_sav[[e]] <- labelled_spss(ifelse(is.na(wide[[e]]), 9, wide[[e]]), na_range = c(8, 10))
}
write_sav(wide_sav, file.path(out, "wide60.sav"), compress = "byte")

write.xlsx(long, file.path(out, "long60.xlsx"), sheetName = "careers")
wb <- createWorkbook()
addWorksheet(wb, "notes")
writeData(wb, "notes", data.frame(note = "the careers are on the sheet wide"))
addWorksheet(wb, "wide")
writeData(wb, "wide", wide)
# The same careers below two empty rows: the header is on row 3.
addWorksheet(wb, "offset")
writeData(wb, "offset", wide, startRow = 3)
saveWorkbook(wb, file.path(out, "wide60.xlsx"), overwrite = TRUE)

# Persons: female with value labels (categorical), region a string.
persons <- read.csv("cmd/trajkit/testdata/persons630.csv")[1:60, ]
persons$age_first[c(3, 7)] <- NA
write.csv(persons, file.path(out, "persons60.csv"), row.names = FALSE, quote = FALSE, na = "")
persons_l <- persons
persons_l$female <- labelled(persons$female, c(male = 0L, female = 1L))
write_dta(persons_l, file.path(out, "persons60.dta"), version = 14)
write_sav(persons_l, file.path(out, "persons60.sav"))
write.xlsx(persons, file.path(out, "persons60.xlsx"), keepNA = FALSE)

# Values: how cells are written (numbers in full, missing values, strings).
values <- data.frame(
  id = c(1000000, 2500000, 123456789012, 7),
  x = c(0.5, 1e-7, NA, -2.25),
  s = c("a,b", "say \"hi\"", "two\nlines", "caf\u00e9"),
  stringsAsFactors = FALSE
)
values$x[4] <- tagged_na("z")
values$long_text <- c(strrep("x", 3000), "", "short", strrep("x", 3000))
for (v in c(12, 13, 14, 15)) {
  release <- c("12" = 115, "13" = 117, "14" = 118, "15" = 119)[[as.character(v)]]
  # Format 115 has no strL, and str244 is its longest string.
  vals <- if (release == 115) values[, c("id", "x", "s")] else values
  write_dta(vals, file.path(out, sprintf("values_%d.dta", release)), version = v, strl_threshold = 100)
}
values_sav <- values
values_sav$x <- labelled_spss(ifelse(is.na(values$x), 99, values$x), na_values = 99)
write_sav(values_sav, file.path(out, "values.sav"))
write.xlsx(values[, c("id", "x", "s")], file.path(out, "values.xlsx"), keepNA = FALSE)
