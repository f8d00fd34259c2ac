package results

import (
	"go/build"
	"strings"
	"testing"
)

// TestImports keeps the package in its place of the layout
// (docs/architecture.md): the result files import the model and the readers, and no figures or gota.
func TestImports(t *testing.T) {
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	allowed := []string{"github.com/trajkit/trajkit/mixture", "github.com/trajkit/trajkit/trajectory", "github.com/trajkit/trajkit/trajectory/careersio"}
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
