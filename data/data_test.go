package data

import (
	"bytes"
	"encoding/csv"
	"io/fs"
	"os"
	"strings"
	"testing"
)

// TestDatasets checks the list against the files and the codebook: every
// data set opens and has the persons it says (distinct ids in the first
// column), every embedded file is a data set, and README.md names each.
func TestDatasets(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, d := range Datasets {
		listed[d.File] = true
		if !strings.Contains(string(readme), "`"+d.Name+"`") {
			t.Errorf("%s: not in README.md", d.Name)
		}
		f, err := Open(d)
		if err != nil {
			t.Errorf("%s: %v", d.Name, err)
			continue
		}
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Errorf("%s: %v", d.Name, err)
			continue
		}
		ids := map[string]bool{}
		for _, r := range rows[1:] {
			ids[r[0]] = true
		}
		if len(ids) != d.Persons {
			t.Errorf("%s: %d persons, the list says %d", d.Name, len(ids), d.Persons)
		}
		if d.Exposure != "" && !strings.Contains(strings.Join(rows[0], ","), d.Exposure) {
			t.Errorf("%s: no exposure column %q in %v", d.Name, d.Exposure, rows[0])
		}
	}
	err = fs.WalkDir(files, ".", func(path string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() && !listed[path] {
			t.Errorf("%s is embedded but no data set", path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestScoresIsReference: the embedded scores are the careers of the
// survreg reference in trajectory/testdata, byte for byte.
func TestScoresIsReference(t *testing.T) {
	ref, err := os.ReadFile("../trajectory/testdata/cnorm-k1.csv")
	if err != nil {
		t.Fatal(err)
	}
	got, err := ReadFile("cnorm/scores.csv")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, ref) {
		t.Error("cnorm/scores.csv differs from trajectory/testdata/cnorm-k1.csv")
	}
}

func TestLookup(t *testing.T) {
	if d, ok, err := Lookup("example:toronto1-exposure"); !ok || err != nil || d.Exposure != "exposure" {
		t.Errorf("example:toronto1-exposure: %+v %v %v", d, ok, err)
	}
	if _, ok, err := Lookup("careers.csv"); ok || err != nil {
		t.Errorf("a file name: ok %v, err %v; want neither", ok, err)
	}
	if _, ok, err := Lookup("example:nope"); !ok || err == nil || !strings.Contains(err.Error(), "sim630") {
		t.Errorf("example:nope: ok %v, err %v; want an error listing the data sets", ok, err)
	}
}
