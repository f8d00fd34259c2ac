package trajectory

import (
	"bytes"
	"fmt"
	"io"
	"reflect"
	"sync"
	"testing"
)

// benchDesign is the observation design of the benchmark careers: ages
// 12-50, 40% censored, 30% starting late, exposure below 1 in 5% of the
// observed years.
var benchDesign = Design{CensorShare: 0.4, LateStartShare: 0.3, ExposedShare: 0.05}

var benchData sync.Map // "dist/persons/scale" -> *Careers

// benchCareers returns n careers simulated from BenchTruth (5 groups,
// ages 12-50) with benchDesign, cached across benchmarks.
func benchCareers(tb testing.TB, dist Distribution, n int) *Careers {
	return scaledCareers(tb, dist, n, 1)
}

// scaledCareers is benchCareers with every rate of BenchTruth multiplied
// by scale, cached.
func scaledCareers(tb testing.TB, dist Distribution, n int, scale float64) *Careers {
	tb.Helper()
	key := fmt.Sprintf("%s/%d/%g", dist, n, scale)
	if c, ok := benchData.Load(key); ok {
		return c.(*Careers)
	}
	tr, err := BenchTruth(dist, 5, 12, 50)
	if err != nil {
		tb.Fatal(err)
	}
	for _, r := range tr.Rate {
		for a := range r {
			r[a] *= scale
		}
	}
	d := benchDesign
	d.Persons = n
	c, _, err := Simulate(tr, d, 1)
	if err != nil {
		tb.Fatal(err)
	}
	benchData.Store(key, c)
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
		{"wide", "e", c.WriteWide},
		{"long", "exposure", c.WriteLong},
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
			c := benchCareers(b, ZIP, n)
			var file bytes.Buffer
			write := c.WriteWide
			if format == Long {
				write = c.WriteLong
			}
			if err := write(&file); err != nil {
				b.Fatal(err)
			}
			b.Run(fmt.Sprintf("%s/persons=%d", format, n), func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(file.Len()))
				for b.Loop() {
					if _, _, err := ReadCareers(bytes.NewReader(file.Bytes()), "bench.csv", ReadOptions{Format: format, Exposure: "e"}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
