package careersio

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/trajkit/trajkit/trajectory"
)

// TestWriteReadBack: the long and wide files written from careers read
// back (ReadCareersFile) into exactly the same careers, with and without
// exposures, with holes, censored windows and late starts.
func TestWriteReadBack(t *testing.T) {
	tr := trajectory.TruthFromCoefficients(trajectory.WindowScaling(12, 40), 12, 40, []float64{0.5, 0.3, 0.2},
		[][]float64{{-2, 0.3, -0.5}, {0, -1.5, -1, 0.8}, {0.8, 0, -0.6}},
		[][]float64{{0.4}, {-1, 0.5}, nil})
	for _, tc := range []struct {
		name string
		d    trajectory.Design
	}{
		{"exposures and holes", trajectory.Design{Persons: 700, CensorShare: 0.4, LateStartShare: 0.3, ExposedShare: 0.2, HoleShare: 0.1}},
		{"no exposure column, holes", trajectory.Design{Persons: 500, CensorShare: 0.4, LateStartShare: 0.3, HoleShare: 0.1}},
		{"exposure column of ones", trajectory.Design{Persons: 300, RecordExposure: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _, err := trajectory.Simulate(tr, tc.d, 11)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			for _, f := range []struct {
				file, exposure string
				write          func(io.Writer) error
			}{
				{"long.csv", "exposure", func(w io.Writer) error { return WriteLong(w, c) }},
				{"wide.csv", "e", func(w io.Writer) error { return WriteWide(w, c) }},
			} {
				path := filepath.Join(dir, f.file)
				var b bytes.Buffer
				if err := f.write(&b); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				opt := ReadOptions{}
				if c.E != nil {
					opt.Exposure = f.exposure
				}
				got, info, err := ReadCareersFile(path, opt)
				if err != nil {
					t.Fatal(err)
				}
				if len(info.Warnings) > 0 {
					t.Errorf("%s: warnings %v", f.file, info.Warnings)
				}
				if !reflect.DeepEqual(got, c) {
					t.Errorf("%s: the careers read back differ from the careers written", f.file)
				}
			}
		})
	}
}

// TestWriteFormats pins the exact text of both layouts on a small case,
// including an unobserved age, an exposure and an id that needs quotes.
func TestWriteFormats(t *testing.T) {
	in := "id,age,y,exposure\n" +
		"\"a,b\",12,0,1\n\"a,b\",13,2,0.25\n\"a,b\",15,1,1\n" +
		"c,14,3,1\n"
	c, _, err := ReadCareers(strings.NewReader(in), "in.csv", ReadOptions{Exposure: "exposure"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		write func(io.Writer) error
		want  string
	}{
		{"long", func(w io.Writer) error { return WriteLong(w, c) }, in},
		{"wide", func(w io.Writer) error { return WriteWide(w, c) }, "id,y12,y13,y14,y15,e12,e13,e14,e15\n" +
			"\"a,b\",0,2,,1,1,0.25,,1\n" +
			"c,,,3,,,,1,\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tc.write(&b); err != nil {
				t.Fatal(err)
			}
			if b.String() != tc.want {
				t.Errorf("got\n%s\nwant\n%s", b.String(), tc.want)
			}
		})
	}
}

// BenchmarkWriteLong and BenchmarkWriteWide write 100,000 careers of ages
// 12-50 with exposures.
func BenchmarkWriteLong(b *testing.B) {
	c := benchCareers(b, 100000)
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteLong(io.Discard, c); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteWide(b *testing.B) {
	c := benchCareers(b, 100000)
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteWide(io.Discard, c); err != nil {
			b.Fatal(err)
		}
	}
}

// TestWriteLongOutcomesReadBack: careers of two outcomes drawn by
// SimulateMulti (with holes, late starts, early ends and exposures) are
// read back exactly from WriteLongOutcomes's file, and an outcome
// unobserved at an age another observes is left empty.
func TestWriteLongOutcomesReadBack(t *testing.T) {
	s := trajectory.WindowScaling(12, 20)
	shares := []float64{0.5, 0.5}
	ts := []trajectory.Truth{
		trajectory.TruthFromCoefficients(s, 12, 20, shares, [][]float64{{-1}, {0.5, 0.2}}, nil),
		trajectory.TruthFromCoefficients(s, 12, 20, shares, [][]float64{{0.2}, {-0.5, -0.3}}, [][]float64{{-1}, nil}),
	}
	cs, _, err := trajectory.SimulateMulti(ts, trajectory.Design{Persons: 60, CensorShare: 0.4, LateStartShare: 0.3, ExposedShare: 0.3, HoleShare: 0.2}, 3)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteLongOutcomes(&b, []string{"a", "b"}, cs); err != nil {
		t.Fatal(err)
	}
	back, _, err := ReadOutcomes(bytes.NewReader(b.Bytes()), "long.csv", ReadOptions{}, []OutcomeColumns{{Count: "a", Exposure: "exposure"}, {Count: "b", Exposure: "exposure"}})
	if err != nil {
		t.Fatal(err)
	}
	for o := range cs {
		if !reflect.DeepEqual(back[o], cs[o]) {
			t.Errorf("outcome %d read back differs", o)
		}
	}
	// An outcome unobserved at an age the other observes is left empty.
	var two []*trajectory.Careers
	for _, cells := range [][][2]int{{{12, 2}, {13, 0}}, {{13, 1}}} {
		bb := trajectory.NewCareerBuilder()
		bb.Span(12, 13)
		p := bb.Person("p")
		for _, x := range cells {
			if err := bb.Add(p, x[0], uint32(x[1]), 1); err != nil {
				t.Fatal(err)
			}
		}
		c, err := bb.Build(false)
		if err != nil {
			t.Fatal(err)
		}
		two = append(two, c)
	}
	b.Reset()
	if err := WriteLongOutcomes(&b, []string{"a", "b"}, two); err != nil {
		t.Fatal(err)
	}
	if want := "id,age,a,b\np,12,2,\np,13,0,1\n"; b.String() != want {
		t.Errorf("file %q, want %q", b.String(), want)
	}
}
