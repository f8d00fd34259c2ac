package careersio

import (
	"bytes"
	"fmt"
	"io"
	"reflect"
	"testing"

	"github.com/trajkit/trajkit/trajectory"
)

// benchCareers returns n careers simulated from the bench truth of the
// bench command (5 groups, ages 12-50; 40% censored, 30% starting late,
// exposure below 1 in 5% of the observed years).
func benchCareers(tb testing.TB, n int) *trajectory.Careers {
	tb.Helper()
	tr, err := trajectory.BenchTruth(trajectory.ZIP, 5, 12, 50)
	if err != nil {
		tb.Fatal(err)
	}
	c, _, err := trajectory.Simulate(tr, trajectory.Design{Persons: n, CensorShare: 0.4, LateStartShare: 0.3, ExposedShare: 0.05}, 1)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// TestWriteWideRoundTrip: careers written by WriteWide and WriteLong read
// back identical.
func TestWriteWideRoundTrip(t *testing.T) {
	c := testCareers(t, 3000, 4)
	for _, tc := range []struct {
		name, exposure string
		write          func(io.Writer) error
	}{
		{"wide", "e", func(w io.Writer) error { return WriteWide(w, c) }},
		{"long", "exposure", func(w io.Writer) error { return WriteLong(w, c) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tc.write(&b); err != nil {
				t.Fatal(err)
			}
			got, _, err := ReadCareers(&b, "round.csv", ReadOptions{Exposure: tc.exposure})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c) {
				t.Error("careers read back differ from those written")
			}
		})
	}
}

// BenchmarkRead reads wide and long files of simulated careers (5 groups,
// ages 12-50, benchDesign) from memory; MB/s is of the file.
func BenchmarkRead(b *testing.B) {
	for _, format := range []Format{Wide, Long} {
		for _, n := range []int{10_000, 100_000} {
			c := benchCareers(b, n)
			var file bytes.Buffer
			write, exposure := func(w io.Writer) error { return WriteWide(w, c) }, "e"
			if format == Long {
				write, exposure = func(w io.Writer) error { return WriteLong(w, c) }, "exposure"
			}
			if err := write(&file); err != nil {
				b.Fatal(err)
			}
			b.Run(fmt.Sprintf("%s/persons=%d", format, n), func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(file.Len()))
				for b.Loop() {
					if _, _, err := ReadCareers(bytes.NewReader(file.Bytes()), "bench.csv", ReadOptions{Format: format, Exposure: exposure}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// testCareers draws n careers of three groups with censored windows, late
// starts, exposures below 1 and unobserved ages.
func testCareers(t *testing.T, n int, seed uint64) *trajectory.Careers {
	t.Helper()
	s := trajectory.WindowScaling(12, 40)
	tr := trajectory.TruthFromCoefficients(s, 12, 40, []float64{0.5, 0.3, 0.2},
		[][]float64{{-2, 0.3, -0.5}, {0, -1.5, -1, 0.8}, {0.8, 0, -0.6}},
		[][]float64{{0.4}, {-1, 0.5}, nil})
	c, _, err := trajectory.Simulate(tr, trajectory.Design{Persons: n, CensorShare: 0.4, LateStartShare: 0.3, ExposedShare: 0.2, HoleShare: 0.1}, seed)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
