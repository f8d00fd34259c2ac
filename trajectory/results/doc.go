// Package results owns the files of a result directory: for each file its
// name, its schema (declared once), its writer and its reader next to each
// other, and the validation of what is read.
//
//   - model.json (WriteFit, ReadModel, ReadFit): the JSON encoding of a
//     trajectory.Fitted, whose tags are the schema, in an envelope with
//     the format version and the software; assignments.csv (each person's
//     posteriors and group) beside it, its ids escaped when a spreadsheet
//     would run them as formulas with Options.SafeCSV (EscapeID).
//   - selection.csv and selection.json (WriteSelection, ReadSelection):
//     the candidates of a model search, the recommendation and its reason.
//   - profiles.csv (WriteProfiles, ReadProfiles): groups described by
//     person-level variables.
//   - reproduction.csv (WriteReproduction, ReadReproduction): published
//     figures beside the reproduced values.
//   - the curves file of trajkit plot --curves (CurveRows, WriteCurves,
//     ReadCurves): the numbers of the trajectories figure, for redrawing
//     it elsewhere; its name is the user's.
//   - the simulated data sets (WriteSimulated): long.csv, wide.csv,
//     truth.csv and persons.csv.
//
// What is read is validated in one place (validate.go) before anything
// uses it: model.json against its ranges, with a FieldError naming the
// file and the field's JSON path, and the JSON files within MaxJSONSize.
//
// Files are written atomically (WriteFile): a temporary file in the same
// directory, renamed into place, so an interrupted run leaves no half
// file. The formats are versioned (FormatVersion); files of the earlier
// versions are read too.
package results
