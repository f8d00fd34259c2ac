package trajectory

import (
	"go/build"
	"strings"
	"testing"
)

// TestImports keeps the package in its place of the layout
// (docs/architecture.md): the model imports the engine and gonum, and no files, flags, figures or person tables: no gonum/plot, gota, os or encoding/csv.
func TestImports(t *testing.T) {
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	allowed := []string{"github.com/trajkit/trajkit/mixture", "gonum.org/v1/gonum"}
	forbidden := []string{"os", "encoding/csv"}
	for _, path := range pkg.Imports {
		std := !strings.Contains(strings.SplitN(path, "/", 2)[0], ".")
		ok := std
		for _, a := range allowed {
			ok = ok || path == a || strings.HasPrefix(path, a+"/")
		}
		for _, f := range forbidden {
			ok = ok && path != f
		}
		if !ok {
			t.Errorf("%s imports %s", pkg.ImportPath, path)
		}
	}
}
