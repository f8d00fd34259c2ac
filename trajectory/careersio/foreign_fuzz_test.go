package careersio

import (
	"bytes"
	"errors"
	"io"
	"os"
	"testing"
)

// checkTable is the property of the fuzz targets of the binary readers:
// a file gives a dictionary and CSV text that the career reader takes, or
// a DataError naming the file, never a panic.
func checkTable(t *testing.T, kind Kind, data []byte, open func(io.ReaderAt, int64, string) (rowSource, map[string]map[string]string, error)) {
	const name = "fuzz.bin"
	rows, _, err := open(bytes.NewReader(data), int64(len(data)), name)
	if err != nil {
		checkDataError(t, err, name)
		return
	}
	tab := newTable(kind, name)
	tab.rows = rows
	if _, _, err := ReadCareers(tab, name, ReadOptions{}); err != nil {
		checkDataError(t, err, name)
	}
}

func checkDataError(t *testing.T, err error, name string) {
	t.Helper()
	var de *DataError
	if !errors.As(err, &de) {
		t.Fatalf("error %v (%T) is not a DataError", err, err)
	}
	if de.File != name {
		t.Fatalf("error %q names file %q", err, de.File)
	}
}

// addSeeds adds fixtures to the seed corpus of a fuzz target.
func addSeeds(f *testing.F, names ...string) {
	for _, n := range names {
		b, err := os.ReadFile(foreign(n))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

func FuzzReadDTA(f *testing.F) {
	addSeeds(f, "values_115.dta", "values_117.dta", "values_119.dta", "persons60.dta", "long60_be118.dta")
	f.Add([]byte("<stata_dta><header><release>118</release>"))
	f.Add([]byte{115, 2, 1, 0, 1, 0, 1, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		checkTable(t, Stata, data, func(r io.ReaderAt, size int64, name string) (rowSource, map[string]map[string]string, error) {
			d, err := openDTA(r, size, name)
			if err != nil {
				return nil, nil, err
			}
			return d, d.labels, nil
		})
	})
}

func FuzzReadSAV(f *testing.F) {
	addSeeds(f, "persons60.sav", "long60.zsav", "wide60.sav", "long60_none.sav")
	f.Add([]byte("$FL2"))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkTable(t, SPSS, data, func(r io.ReaderAt, size int64, name string) (rowSource, map[string]map[string]string, error) {
			s, err := openSAV(r, size, name)
			if err != nil {
				return nil, nil, err
			}
			return s, s.labels, nil
		})
	})
}
