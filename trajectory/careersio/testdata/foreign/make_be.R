# Writes big-endian (MSF, HILO) Stata datasets of formats 114, 117, 118
# and 119 from scratch, byte by byte, as StataCorp's `help dta`,
# `help dta_117`, `help dta_119` and `help dta_114` describe them: haven
# writes little-endian files only, and never Latin-1 strings, the
# documented (v,o) layout of format 119 or cross-linked strLs. Run from
# the repository's root, after make.R (it reads long60.csv):
#
#   Rscript trajectory/careersio/testdata/foreign/make_be.R
#
# Each file holds the careers of long60.csv (id long, age byte, y byte,
# employed byte with the value labels 0 "no" 1 "yes") and three more
# variables that the tests check cell by cell:
#   note   str6: "café", "naïve", "x,y" in turn (Latin-1 in 114 and 117,
#          UTF-8 in 118 and 119);
#   score  float: missing (.) in every 7th observation, .b in every 11th
#          that is not a 7th, else age / 4;
#   memo   strL (117-119 only): observation 1 "first memo"; observation 2
#          the same strL, cross-linked to (v,o) = (7,1); every 10th from
#          the 10th "memo <o>"; otherwise empty, (v,o) = (0,0).
out <- "trajectory/careersio/testdata/foreign"
long <- read.csv(file.path(out, "long60.csv"))
n <- nrow(long)

e <- "big"
i1 <- function(x) writeBin(as.integer(x), raw(), size = 1, endian = e)
i2 <- function(x) writeBin(as.integer(x), raw(), size = 2, endian = e)
i4 <- function(x) writeBin(as.integer(x), raw(), size = 4, endian = e)
f4 <- function(x) writeBin(as.numeric(x), raw(), size = 4, endian = e)
# uN writes x as an n-byte unsigned integer, most significant byte first.
uN <- function(x, nb) {
  b <- raw(nb)
  for (k in nb:1) {
    b[k] <- as.raw(x %% 256)
    x <- x %/% 256
  }
  b
}
txt <- function(s) charToRaw(s)
fixed <- function(b, width) {
  if (is.character(b)) b <- charToRaw(b)
  c(b, raw(width - length(b)))
}

notes <- c("caf\u00e9", "na\u00efve", "x,y")
note_bytes <- function(i, release) {
  s <- notes[(i - 1) %% 3 + 1]
  if (release <= 117) iconv(s, "UTF-8", "latin1", toRaw = TRUE)[[1]] else charToRaw(enc2utf8(s))
}
# Stata's missing values of a float: . is 2^127, .b is (1 + 2/16^3) 2^127.
score <- function(i) {
  if (i %% 7 == 0) return(2^127)
  if (i %% 11 == 0) return((1 + 2 / 16^3) * 2^127)
  long$age[i] / 4
}
memo <- function(i) {
  if (i == 1 || i == 2) return("first memo")
  if (i %% 10 == 0) return(paste("memo", i))
  ""
}

# The value-label table of 0 "no" 1 "yes".
yesno_table <- c(i4(2), i4(7), i4(0), i4(3), i4(0), i4(1), txt("no"), as.raw(0), txt("yes"), as.raw(0))

write_old <- function(path) {
  k <- 6
  types <- c(253, 251, 251, 251, 6, 254)
  names <- c("id", "age", "y", "employed", "note", "score")
  hdr <- c(i1(114), i1(1), i1(1), i1(0), i2(k), i4(n), fixed("big-endian careers", 81), fixed("01 Dec 2026 12:00", 18))
  desc <- c(as.raw(types), unlist(lapply(names, fixed, 33)), raw(2 * (k + 1)),
            unlist(lapply(rep("%9.0g", k), fixed, 49)),
            unlist(lapply(c("", "", "", "yesno", "", ""), fixed, 33)),
            unlist(lapply(rep("", k), fixed, 81)))
  # One expansion field (a characteristic), then the terminator.
  ch <- c(fixed("id", 33), fixed("note", 33), txt("person id"), as.raw(0))
  exp <- c(i1(1), i4(length(ch)), ch, raw(5))
  rows <- lapply(seq_len(n), function(i) c(i4(long$id[i]), i1(long$age[i]), i1(long$y[i]), i1(long$employed[i]),
                                          fixed(note_bytes(i, 114), 6), f4(score(i))))
  lbl <- c(i4(length(yesno_table)), fixed("yesno", 33), raw(3), yesno_table)
  writeBin(c(hdr, desc, exp, unlist(rows), lbl), path)
}

write_tagged <- function(path, release) {
  k <- 7
  name_len <- if (release == 117) 33 else 129
  fmt_len <- if (release == 117) 49 else 57
  vlab_len <- if (release == 117) 81 else 321
  kb <- if (release == 119) function(x) i4(x) else function(x) i2(x)
  sortb <- if (release == 119) 4 else 2
  types <- c(65528, 65530, 65530, 65530, 6, 65527, 32768)
  names <- c("id", "age", "y", "employed", "note", "score", "memo")
  nb <- if (release == 117) i4(n) else uN(n, 8)
  label <- txt("big-endian careers")
  lab <- if (release == 117) c(i1(length(label)), label) else c(i2(length(label)), label)
  header <- c(txt("<stata_dta><header><release>"), txt(as.character(release)), txt("</release><byteorder>MSF</byteorder><K>"),
              kb(k), txt("</K><N>"), nb, txt("</N><label>"), lab, txt("</label><timestamp>"), i1(17),
              txt("01 Dec 2026 12:00"), txt("</timestamp></header>"))
  vo <- function(v, o) {
    if (release == 117) return(c(i4(v), i4(o)))
    if (release == 118) return(c(uN(v, 2), uN(o, 6)))
    c(uN(v, 3), uN(o, 5))
  }
  memo_vo <- function(i) {
    if (memo(i) == "") return(vo(0, 0))
    if (i == 2) return(vo(7, 1))
    vo(7, i)
  }
  rows <- lapply(seq_len(n), function(i) c(i4(long$id[i]), i1(long$age[i]), i1(long$y[i]), i1(long$employed[i]),
                                          fixed(note_bytes(i, release), 6), f4(score(i)), memo_vo(i)))
  gsos <- lapply(setdiff(which(sapply(seq_len(n), memo) != ""), 2), function(i) {
    s <- c(charToRaw(memo(i)), as.raw(0))
    o <- if (release == 117) i4(i) else uN(i, 8)
    c(txt("GSO"), i4(7), o, as.raw(130), i4(length(s)), s)
  })
  ch <- c(fixed("id", name_len), fixed("note", name_len), txt("person id"), as.raw(0))
  sections <- list(
    map = NULL,
    variable_types = unlist(lapply(types, function(t) uN(t, 2))),
    varnames = unlist(lapply(names, fixed, name_len)),
    sortlist = raw(sortb * (k + 1)),
    formats = unlist(lapply(rep("%9.0g", k), fixed, fmt_len)),
    value_label_names = unlist(lapply(c("", "", "", "yesno", "", "", ""), fixed, name_len)),
    variable_labels = unlist(lapply(rep("", k), fixed, vlab_len)),
    characteristics = c(txt("<ch>"), i4(length(ch)), ch, txt("</ch>")),
    data = unlist(rows),
    strls = unlist(gsos),
    value_labels = c(txt("<lbl>"), i4(length(yesno_table)), fixed("yesno", name_len), raw(3), yesno_table, txt("</lbl>"))
  )
  # The map: offsets of <stata_dta>, <map>, each section, </stata_dta>
  # and the end of the file.
  off <- numeric(14)
  pos <- length(header) + 0
  off[1] <- 0
  off[2] <- pos
  pos <- pos + nchar("<map>") + 14 * 8 + nchar("</map>")
  body <- raw()
  for (j in 2:length(sections)) {
    s <- names(sections)[j]
    off[j + 1] <- pos
    piece <- c(txt(paste0("<", s, ">")), sections[[j]], txt(paste0("</", s, ">")))
    body <- c(body, piece)
    pos <- pos + length(piece)
  }
  off[13] <- pos
  off[14] <- pos + nchar("</stata_dta>")
  map <- c(txt("<map>"), unlist(lapply(off, uN, 8)), txt("</map>"))
  writeBin(c(header, map, body, txt("</stata_dta>")), path)
}

write_old(file.path(out, "long60_be114.dta"))
for (r in c(117, 118, 119)) write_tagged(file.path(out, sprintf("long60_be%d.dta", r)), r)
