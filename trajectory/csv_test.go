package trajectory

import (
	"encoding/csv"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"
)

// readCSV reads test careers from a long CSV file with the columns id,
// age, y and, when exposure is not empty, that exposure column. It is a
// plain reader for the tests of this package, which cannot import the
// reading package (careersio, which imports this one and is tested on its
// own); it stops the test on anything odd.
func readCSV(t testing.TB, r io.Reader, exposure string) *Careers {
	t.Helper()
	rows, err := csv.NewReader(r).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for j, h := range rows[0] {
		col[strings.TrimPrefix(strings.TrimSpace(h), "\ufeff")] = j
	}
	b := NewCareerBuilder()
	for _, r := range rows[1:] {
		age, err1 := strconv.Atoi(r[col["age"]])
		y, err2 := strconv.ParseUint(r[col["y"]], 10, 32)
		e := 1.0
		var err3 error
		if exposure != "" {
			e, err3 = strconv.ParseFloat(r[col[exposure]], 64)
		}
		if err1 != nil || err2 != nil || err3 != nil {
			t.Fatalf("test careers: row %v", r)
		}
		if err := b.Add(b.Person(r[col["id"]]), age, uint32(y), e); err != nil {
			t.Fatal(err)
		}
	}
	c, err := b.Build(exposure != "")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// readCSVFile is readCSV of a file.
func readCSVFile(t testing.TB, path, exposure string) *Careers {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return readCSV(t, f, exposure)
}
