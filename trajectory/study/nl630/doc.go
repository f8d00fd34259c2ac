// Package nl630 is the Dutch study of 630 offenders of domestic sexual
// exploitation (Nationaal Rapporteur Mensenhandel en Seksueel Geweld
// tegen Kinderen, "Brede blik op daderschap", 28 February 2024; the
// government's response of 28 June 2024) as trajkit reproduces it:
//
//   - Figures, the study's published figures with their sources and
//     tolerances, the one home of every number below (the four groups'
//     shares 36/28/21/15%, the early and late peak windows 15-22 and
//     22-33, the low-rate group's women and ages, ...);
//   - Simulate and Preset, the synthetic cohort calibrated to them (the
//     real records are confidential; data/nl630 is the committed cohort);
//   - Window, LabelByShape and ReproductionTable, the reproduction's rules:
//     the age window the data support, group labels by shape, and the
//     published-versus-reproduced table;
//   - Reproduce, the pipeline from loaded careers to the labelled model
//     and the table, and SeedStudy, the pipeline on regenerated cohorts.
//
// data/nl630/README.md is the codebook and lists every figure beside the
// cohort's value; docs/reproduction.md describes the pipeline.
package nl630
