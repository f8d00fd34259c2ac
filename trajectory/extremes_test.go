package trajectory

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/mixture"
)

// longCSV builds a long file from rows of counts: person i observed at ages
// 12, 13, ... with counts rows[i].
func longCSV(rows ...[]int) string {
	var b strings.Builder
	b.WriteString("id,age,y\n")
	for i, r := range rows {
		for a, y := range r {
			fmt.Fprintf(&b, "p%d,%d,%d\n", i+1, 12+a, y)
		}
	}
	return b.String()
}

func repeat(n int, row []int) [][]int {
	out := make([][]int, n)
	for i := range out {
		out[i] = row
	}
	return out
}

// TestNumericalExtremes: odd data end with a status and warnings, never a
// panic, an error for valid input, or a NaN or Inf in the model file.
func TestNumericalExtremes(t *testing.T) {
	zeros := make([]int, 10)
	big := []int{10000, 9000, 10000, 8000, 10000, 9500, 10000, 10000}
	var separated [][]int
	for i := 0; i < 40; i++ {
		if i%2 == 0 {
			separated = append(separated, []int{0, 0, 0, 0, 0, 0})
		} else {
			separated = append(separated, []int{30, 32, 31, 29, 30, 33})
		}
	}
	var mixed [][]int
	for i := 0; i < 60; i++ {
		mixed = append(mixed, []int{i % 3, (i / 3) % 2, 1, 0, i % 4, 2})
	}
	for _, tc := range []struct {
		name string
		data string
		m    Model
	}{
		{"all-zero data, poisson", longCSV(repeat(30, zeros)...), Model{Distribution: Poisson, Orders: []int{3, 3}, Inflation: []int{-1, -1}}},
		{"all-zero data, zip", longCSV(repeat(30, zeros)...), Model{Distribution: ZIP, Orders: []int{2, 2}, Inflation: []int{0, 0}}},
		{"a person with only zeros", longCSV(append(mixed, zeros)...), Model{Distribution: Poisson, Orders: []int{2, 2}, Inflation: []int{-1, -1}}},
		{"counts up to 10^4", longCSV(append(repeat(10, big), mixed[:20]...)...), Model{Distribution: ZIP, Orders: []int{2, 2}, Inflation: []int{0, 0}}},
		{"one person", longCSV([]int{0, 1, 3, 2, 0}), Model{Distribution: Poisson, Orders: []int{3}, Inflation: []int{-1}}},
		{"more groups than distinct careers", longCSV(repeat(20, []int{1, 0, 2, 1})...), Model{Distribution: Poisson, Orders: []int{1, 1, 1}, Inflation: []int{-1, -1, -1}}},
		{"perfectly separated groups", longCSV(separated...), Model{Distribution: ZIP, Orders: []int{1, 1}, Inflation: []int{0, 0}}},
		{"order 5 on 6 ages", longCSV(mixed...), Model{Distribution: Poisson, Orders: []int{5, 5}, Inflation: []int{-1, -1}}},
		{"order 5 on 4 ages: ill-conditioned", longCSV(repeat(20, []int{1, 0, 2, 1})...), Model{Distribution: Poisson, Orders: []int{5}, Inflation: []int{-1}}},
		{"a single observed age", longCSV(repeat(25, []int{2})...), Model{Distribution: ZIP, Orders: []int{1}, Inflation: []int{1}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := readCSV(t, strings.NewReader(tc.data), "")
			f, err := Fit(c, tc.m, &Settings{Search: mixture.Settings{Seed: 1, Starts: 4, MaxIterations: 500}})
			if err != nil {
				t.Fatalf("valid input gave an error: %v", err)
			}
			var b bytes.Buffer
			if err := json.NewEncoder(&b).Encode(f); err != nil {
				t.Fatalf("model file: %v", err) // NaN or Inf fail JSON encoding
			}
			var any map[string]any
			if err := json.Unmarshal(b.Bytes(), &any); err != nil {
				t.Fatal(err)
			}
			if math.IsNaN(f.LogLik) || math.IsInf(f.LogLik, 0) {
				t.Errorf("log-likelihood %v", f.LogLik)
			}
			for k := range f.Posterior {
				for _, p := range f.Posterior[k] {
					if math.IsNaN(p) {
						t.Fatal("NaN posterior")
					}
				}
			}
			t.Logf("status %s, warnings %q", f.Status, f.Warnings)
		})
	}
}
