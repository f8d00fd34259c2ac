// Package notebooks holds the GoNB notebooks (docs/notebooks.md); this
// test checks the committed files. CI executes them (.ci/run).
package notebooks

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// notebook is the part of the nbformat 4 JSON that the test reads.
type notebook struct {
	NBFormat int `json:"nbformat"`
	Metadata struct {
		Kernelspec struct {
			Name, DisplayName, Language string
		} `json:"kernelspec"`
	} `json:"metadata"`
	Cells []struct {
		CellType       string          `json:"cell_type"`
		Source         json.RawMessage `json:"source"`
		ExecutionCount *int            `json:"execution_count"`
		Outputs        []struct {
			OutputType string                     `json:"output_type"`
			Text       json.RawMessage            `json:"text"`
			Data       map[string]json.RawMessage `json:"data"`
		} `json:"outputs"`
	} `json:"cells"`
}

// text joins a multiline field, which nbformat stores as a string or a
// list of strings.
func text(t *testing.T, raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var lines []string
	if err := json.Unmarshal(raw, &lines); err != nil {
		t.Fatalf("not a string or a list of strings: %.80s", raw)
	}
	return strings.Join(lines, "")
}

// setup is the first code cell of every notebook: it links GoNB's module
// to this repository with both -require and -replace (docs/notebooks.md).
const setup = `!*go mod edit -require=github.com/trajkit/trajkit@v0.0.0-00010101000000-000000000000 -replace=github.com/trajkit/trajkit="$(dirname "$(cd "$GONB_DIR" && go env GOMOD)")"`

// TestNotebooks checks that every notebook is nbformat 4 JSON with the
// GoNB kernel, starts with the setup cell, and was committed executed:
// its code cells numbered 1, 2, ... in order (one run, top to bottom), at
// least one figure, and no panic or failing command in its outputs.
func TestNotebooks(t *testing.T) {
	paths, err := filepath.Glob("*.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatal("no notebooks")
	}
	for _, path := range paths {
		t.Run(path, func(t *testing.T) {
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var nb notebook
			if err := json.Unmarshal(b, &nb); err != nil {
				t.Fatalf("not valid JSON: %v", err)
			}
			if nb.NBFormat != 4 {
				t.Errorf("nbformat %d, want 4", nb.NBFormat)
			}
			if ks := nb.Metadata.Kernelspec; ks.Name != "gonb" || ks.Language != "go" {
				t.Errorf("kernelspec %+v, want name gonb, language go", ks)
			}
			code, figures := 0, 0
			for j, c := range nb.Cells {
				if c.CellType != "code" {
					continue
				}
				code++
				if code == 1 && text(t, c.Source) != setup {
					t.Errorf("cell %d: the first code cell is not the setup cell %s", j, setup)
				}
				if c.ExecutionCount == nil || *c.ExecutionCount != code {
					t.Errorf("cell %d: execution count %v, want %d: execute the notebook top to bottom (jupyter nbconvert --to notebook --execute --inplace) and commit it with its outputs", j, c.ExecutionCount, code)
				}
				for _, o := range c.Outputs {
					out := text(t, o.Text)
					for _, bad := range []string{"panic: ", "exit status "} {
						if strings.Contains(out, bad) {
							t.Errorf("cell %d: output holds %q: the notebook failed when it was run", j, bad)
						}
					}
					if _, ok := o.Data["image/png"]; ok {
						figures++
					}
				}
			}
			if code < 2 {
				t.Errorf("%d code cells", code)
			}
			if figures == 0 {
				t.Error("no figure in the outputs: commit the notebook executed")
			}
		})
	}
}
