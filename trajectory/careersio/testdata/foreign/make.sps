* Makes the SPSS system files written by GNU PSPP for the careersio tests
* from wide60.csv (made by make.R). Run from the repository's root:
*   pspp trajectory/careersio/testdata/foreign/make.sps
* (Debian: apt-get install pspp). Unobserved counts become the user-missing
* value -9, unobserved covariates 9 in the user-missing range 8 THRU 10;
* employment_at_first_age has a long name (record 7/13), remarks is a
* very long string of 300 bytes (7/14), code a string whose value 'NA' is
* user-missing, and the files carry their encoding (7/20).
SET LOCALE="UTF-8".
GET DATA /TYPE=TXT
  /FILE='trajectory/careersio/testdata/foreign/wide60.csv'
  /ENCODING='UTF-8'
  /ARRANGEMENT=DELIMITED /DELCASE=LINE /FIRSTCASE=2 /DELIMITERS=","
  /VARIABLES=
    id F8.0 y14 F8.0 y15 F8.0 y16 F8.0 y17 F8.0 y18 F8.0 y19 F8.0 y20 
    F8.0 y21 F8.0 y22 F8.0 y23 F8.0 y24 F8.0 y25 F8.0 y26 F8.0 y27 F8.0 
    y28 F8.0 y29 F8.0 y30 F8.0 employed14 F8.0 employed15 F8.0 employed16 
    F8.0 employed17 F8.0 employed18 F8.0 employed19 F8.0 employed20 F8.0 
    employed21 F8.0 employed22 F8.0 employed23 F8.0 employed24 F8.0 
    employed25 F8.0 employed26 F8.0 employed27 F8.0 employed28 F8.0 
    employed29 F8.0 employed30 F8.0 .
RECODE y14 TO y30 (SYSMIS=-9).
MISSING VALUES y14 TO y30 (-9).
RECODE employed14 TO employed30 (SYSMIS=9).
MISSING VALUES employed14 TO employed30 (8 THRU 10).
VALUE LABELS employed14 TO employed30 0 'no' 1 'yes'.
NUMERIC employment_at_first_age (F8.0).
COMPUTE employment_at_first_age = employed14.
STRING remarks (A300).
COMPUTE remarks = CONCAT('case ', LTRIM(STRING(id, F8.0)), ': ', LPAD('end', 290, '.')).
STRING code (A4).
COMPUTE code = 'ok'.
IF (MOD(id, 5) = 0) code = 'NA'.
MISSING VALUES code ('NA').
EXECUTE.
SAVE OUTFILE='trajectory/careersio/testdata/foreign/wide60_pspp.sav' /COMPRESSED.
SAVE OUTFILE='trajectory/careersio/testdata/foreign/wide60_pspp_plain.sav' /UNCOMPRESSED.
SAVE OUTFILE='trajectory/careersio/testdata/foreign/wide60_pspp.zsav' /ZCOMPRESSED.
