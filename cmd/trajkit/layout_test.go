package main

import (
	"go/build"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// module is the import path of this repository's module.
const module = "github.com/trajkit/trajkit"

// layout is the import rule of docs/architecture.md, for every package of
// the module: the module's packages it may import (exactly these), the
// outside modules (any of their packages) and the standard-library
// packages it must not import. The standard library is otherwise free.
// It is checked here because the command sits on top of every package.
var layout = map[string]struct {
	packages, modules, notStd []string
}{
	"mixture":                     {modules: []string{"gonum.org/v1/gonum"}, notStd: []string{"os", "encoding/csv"}},
	"trajectory":                  {packages: []string{"mixture", "internal/words"}, modules: []string{"gonum.org/v1/gonum"}, notStd: []string{"os", "encoding/csv"}},
	"trajectory/careersio":        {packages: []string{"mixture", "trajectory", "data", "internal/words"}, modules: []string{"github.com/xuri/excelize/v2"}},
	"trajectory/results":          {packages: []string{"mixture", "trajectory", "trajectory/careersio", "internal/words"}},
	"trajectory/figure":           {packages: []string{"trajectory", "internal/words"}, modules: []string{"gonum.org/v1/plot", "golang.org/x/image/colornames"}},
	"trajectory/study/nl630":      {packages: []string{"mixture", "trajectory", "trajectory/careersio", "trajectory/results", "internal/words"}},
	"cmd/trajkit/internal/report": {packages: []string{"trajectory", "trajectory/careersio", "trajectory/results", "trajectory/figure", "internal/words"}},
	"cmd/trajkit": {packages: []string{"mixture", "trajectory", "trajectory/careersio", "trajectory/results",
		"trajectory/figure", "trajectory/study/nl630", "cmd/trajkit/internal/report", "data", "internal/words"}},
	"data":           {},
	"notebooks":      {},
	"internal/words": {notStd: []string{"os"}},
}

// TestLayout checks the imports of every package of the module (tests
// excluded) against layout, and that every package has its place there.
func TestLayout(t *testing.T) {
	root := filepath.Join(srcDir, "..", "..")
	seen := map[string]bool{}
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata") {
			return filepath.SkipDir
		}
		pkg, err := build.ImportDir(path, 0)
		if _, none := err.(*build.NoGoError); none {
			return nil
		}
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		seen[rel] = true
		rule, ok := layout[rel]
		if !ok {
			t.Errorf("package %s has no place in the layout (docs/architecture.md and layout in this test)", rel)
			return nil
		}
		for _, imp := range pkg.Imports {
			if !allowed(imp, rule.packages, rule.modules, rule.notStd) {
				t.Errorf("%s imports %s (docs/architecture.md)", rel, imp)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for rel := range layout {
		if !seen[rel] {
			t.Errorf("layout names %s, which is not a package", rel)
		}
	}
}

// allowed reports whether a package may import imp.
func allowed(imp string, packages, modules, notStd []string) bool {
	if rel, ok := strings.CutPrefix(imp, module+"/"); ok {
		return slices.Contains(packages, rel)
	}
	if !strings.Contains(strings.SplitN(imp, "/", 2)[0], ".") {
		return !slices.Contains(notStd, imp)
	}
	for _, m := range modules {
		if imp == m || strings.HasPrefix(imp, m+"/") {
			return true
		}
	}
	return false
}

// TestLayoutCatches: the rule refuses what the layout forbids.
func TestLayoutCatches(t *testing.T) {
	for _, tc := range []struct {
		pkg, imp string
		want     bool
	}{
		{"trajectory", module + "/mixture", true},
		{"trajectory", "gonum.org/v1/gonum/mat", true},
		{"trajectory", "os", false},
		{"trajectory", module + "/trajectory/figure", false},
		{"trajectory", "gonum.org/v1/plot", false},
		{"trajectory/figure", "gonum.org/v1/plot/vg", true},
		{"trajectory/figure", module + "/trajectory/careersio", false},
		{"trajectory/study/nl630", module + "/trajectory/figure", false},
		{"mixture", module + "/trajectory", false},
		{"cmd/trajkit", "gonum.org/v1/plot/vg", false},
		{"trajectory/careersio", "github.com/go-gota/gota/dataframe", false},
		{"mixture", module + "/internal/words", false},
		{"trajectory", module + "/internal/words", true},
	} {
		r := layout[tc.pkg]
		if got := allowed(tc.imp, r.packages, r.modules, r.notStd); got != tc.want {
			t.Errorf("%s importing %s: allowed %v, want %v", tc.pkg, tc.imp, got, tc.want)
		}
	}
}
