package report

import (
	"go/build"
	"strings"
	"testing"
)

// TestImports keeps the package in its place of the layout
// (docs/architecture.md): the report imports the library (figures through the figure package).
func TestImports(t *testing.T) {
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	allowed := []string{"github.com/trajkit/trajkit/trajectory"}
	forbidden := []string{}
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
