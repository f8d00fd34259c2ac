package main

import (
	"go/build"
	"strings"
	"testing"
)

// TestImports keeps the package in its place of the layout
// (docs/architecture.md): the command imports the library and its report, and neither gonum/plot nor gota, which the figure and reading packages hide.
func TestImports(t *testing.T) {
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	allowed := []string{"github.com/trajkit/trajkit/mixture", "github.com/trajkit/trajkit/trajectory", "github.com/trajkit/trajkit/data", "github.com/trajkit/trajkit/cmd/trajkit/internal/report"}
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
