package results

import "strings"

// Options control how the result files are written. The zero value
// writes every value as it is.
type Options struct {
	// SafeCSV escapes the person ids of assignments.csv that a
	// spreadsheet would run as a formula (see EscapeID) and names its id
	// column SafeIDColumn, so that readers know to undo it (UnescapeID).
	SafeCSV bool
	// Threads is the number of goroutines that format a large
	// assignments.csv (0: one per core); it never changes the file.
	Threads int
}

// The id column of assignments.csv: IDColumn holds the ids as they are,
// SafeIDColumn the ids escaped by EscapeID (Options.SafeCSV). The name is
// the one record of the escape, so that a reader never guesses.
const (
	IDColumn     = "id"
	SafeIDColumn = "safe_csv_id"
)

// EscapeID returns id as a cell that a spreadsheet shows as text: an id
// that starts with =, +, -, @, a tab or a carriage return, which Excel,
// LibreOffice and Google Sheets may run as a formula ("=1+1",
// "=HYPERLINK(...)", "-2+3", "@SUM(...)"), gets a leading ', as OWASP
// advises against CSV injection. So that the escape is undone exactly, an
// id that already starts with ' gets one more. Every other id is
// unchanged.
func EscapeID(id string) string {
	if id == "" {
		return id
	}
	switch id[0] {
	case '=', '+', '-', '@', '\t', '\r', '\'':
		return "'" + id
	}
	return id
}

// UnescapeID returns the id that EscapeID escaped as cell: cell without
// its first ', if it has one.
func UnescapeID(cell string) string { return strings.TrimPrefix(cell, "'") }
