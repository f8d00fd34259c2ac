package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// cliDoc renders docs/cli.md from the help the commands print, so that the
// page says exactly what `trajkit <command> -h` says.
func cliDoc(t *testing.T) string {
	var b strings.Builder
	b.WriteString("# Command-line reference\n\n")
	b.WriteString("Generated from the commands' own help (`trajkit <command> -h`); `TestCLIDoc` keeps it in\n")
	b.WriteString("sync, and `go test ./cmd/trajkit -run CLIDoc -update` rewrites it.\n\n")
	var main bytes.Buffer
	printUsage(&main)
	fmt.Fprintf(&b, "## trajkit\n\n```text\n%s```\n", main.String())
	for _, c := range commands {
		code, stdout, stderr := trajkit(t, c.name, "-h")
		if code != 0 {
			t.Fatalf("%s -h: exit %d: %s", c.name, code, stderr)
		}
		fmt.Fprintf(&b, "\n## trajkit %s\n\n%s.\n\n```text\n%s```\n", c.name, strings.ToUpper(c.summary[:1])+c.summary[1:], stdout)
	}
	return b.String()
}

// TestCLIDoc: docs/cli.md is the commands' help, word for word.
func TestCLIDoc(t *testing.T) {
	path := filepath.Join(srcDir, "..", "..", "docs", "cli.md")
	want := cliDoc(t)
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("docs/cli.md is out of date with the commands' help: go test ./cmd/trajkit -run CLIDoc -update")
	}
}
