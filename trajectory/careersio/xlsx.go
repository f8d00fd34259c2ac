package careersio

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// MaxUnzippedBytes bounds what an Excel workbook may decompress to (its
// XML parts, those above 16 MiB kept in temporary files by excelize):
// 4 GiB, some four times a full sheet of 1,048,576 rows of careers.
const MaxUnzippedBytes = 4 << 30

// An Excel workbook (.xlsx, Office Open XML), read with excelize: the
// first sheet or a named one, row by row with its streaming iterator
// (Rows), cells as stored (Options.RawCellValue: a number as written in
// the file, not as its display format rounds it: 0.5 shown as "1" is
// read as 0.5). The header is the first row that is not empty; line n of
// the text is row n of the sheet, and an empty row is an empty line,
// which the readers skip. A number written in exponent or decimal form
// ("1E+6", "0.10000000000000001") is written in full or in its shortest
// form ("1000000", "0.1"), so a text cell that looks like such a number
// is read as that number; digits alone are kept as they are ("007").
// A sheet has at most 1,048,576 rows (Excel's limit); longer data need
// a CSV, Stata or SPSS file.
type xlsx struct {
	ctx    context.Context
	name   string
	file   *excelize.File
	rows   *excelize.Rows
	header []string
	skip   int // empty rows before the header
	row    int // sheet row of the last row read
}

// decimalNumber matches a number in decimal or exponent form.
var decimalNumber = regexp.MustCompile(`^[-+]?[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?$`)

// openXLSX opens the sheet (the first when empty) of the workbook in r.
func openXLSX(ctx context.Context, r io.ReaderAt, size int64, name, sheet string) (*xlsx, io.Closer, error) {
	f, err := excelize.OpenReader(io.NewSectionReader(r, 0, size), excelize.Options{RawCellValue: true, UnzipSizeLimit: MaxUnzippedBytes})
	if err != nil {
		var de *DataError
		if errors.As(err, &de) {
			return nil, nil, de
		}
		return nil, nil, &DataError{File: name, Msg: fmt.Sprintf("not a readable Excel workbook (.xlsx): %v", err), Err: err}
	}
	sheets := f.GetSheetList()
	if sheet == "" {
		if len(sheets) == 0 {
			f.Close()
			return nil, nil, &DataError{File: name, Msg: "the workbook has no sheet"}
		}
		sheet = sheets[0]
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		f.Close()
		return nil, nil, &DataError{File: name, Msg: fmt.Sprintf("no sheet %q: the workbook has %s", sheet, quoteList(sheets))}
	}
	x := &xlsx{ctx: ctx, name: name, file: f, rows: rows}
	closer := multiCloser{rows, f}
	for {
		cells, err := x.read()
		if err == io.EOF {
			closer.Close()
			return nil, nil, &DataError{File: name, Msg: fmt.Sprintf("sheet %q is empty: expected a header row with column names", sheet)}
		}
		if err != nil {
			closer.Close()
			return nil, nil, err
		}
		if cells != nil {
			x.header = cells
			break
		}
		x.skip++
	}
	return x, closer, nil
}

// read returns the cells of the next row, trailing empty cells removed,
// nil for an empty row; io.EOF after the last.
func (x *xlsx) read() ([]string, error) {
	if x.row%1024 == 0 {
		if err := x.ctx.Err(); err != nil {
			return nil, &DataError{File: x.name, Msg: fmt.Sprintf("reading stopped: %v", err), Err: err}
		}
	}
	if !x.rows.Next() {
		if err := x.rows.Error(); err != nil {
			if errors.Is(err, excelize.ErrMaxRows) {
				return nil, &DataError{File: x.name, Line: x.row + 1, Msg: fmt.Sprintf("a row beyond row %d, Excel's last", excelize.TotalRows)}
			}
			return nil, &DataError{File: x.name, Line: x.row + 1, Msg: err.Error(), Err: err}
		}
		return nil, io.EOF
	}
	x.row++
	cells, err := x.rows.Columns()
	if err != nil {
		return nil, &DataError{File: x.name, Line: x.row, Msg: err.Error(), Err: err}
	}
	n := len(cells)
	for n > 0 && strings.TrimSpace(cells[n-1]) == "" {
		n--
	}
	if n == 0 {
		return nil, nil
	}
	cells = cells[:n]
	for j, c := range cells {
		if decimalNumber.MatchString(c) && strings.ContainsAny(c, ".eE") {
			if v, err := strconv.ParseFloat(c, 64); err == nil {
				cells[j] = formatNumber(v, 64)
			}
		}
	}
	return cells, nil
}

func (x *xlsx) names() []string { return x.header }

// headerLine returns the number of empty lines before the header.
func (x *xlsx) headerLine() int { return x.skip }

// next returns the next row, padded to the header's width.
func (x *xlsx) next(rec []string) ([]string, error) {
	cells, err := x.read()
	if err != nil || cells == nil {
		return nil, err
	}
	if len(cells) >= len(rec) {
		return cells, nil // a longer row is the readers' error
	}
	n := copy(rec, cells)
	for j := n; j < len(rec); j++ {
		rec[j] = ""
	}
	return rec, nil
}
