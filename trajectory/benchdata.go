package trajectory

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// benchCurves are the groups of BenchTruth, by ascending mean count: the
// rate coefficients of log λ (cubic in the window's scaled age a ∈ [−1, 1]),
// the constant logit of the zero inflation and the share before
// renormalising.
var benchCurves = []struct {
	beta  []float64
	gamma float64
	share float64
}{
	{[]float64{-3.5, 0.3, -0.5, 0}, -0.5, 0.40},    // rare offending
	{[]float64{-1.98, -4.2, -3, 0.5}, -1, 0.25},    // adolescence-limited, peak near 17
	{[]float64{-1.3, -0.2, -0.4, 0}, -1, 0.15},     // low chronic
	{[]float64{0, -1.2, -2, 0.3}, -1.5, 0.12},      // late peak, near 25
	{[]float64{0.8, -0.5, -0.8, 0.2}, -2, 0.08},    // high chronic
	{[]float64{-0.5, 1.5, -1.5, -0.5}, -1.5, 0.06}, // adult onset
}

// BenchTruth returns a data-generating model of k (1 to 6) groups on ages
// minAge..maxAge for benchmarks and the bench command: curves of the shapes
// GBTM studies usually find (rare offending, adolescence-limited, low
// chronic, late peak, high chronic, adult onset; Nagin 2005, ch. 1), cubic
// in the window's scaled age, with a constant zero inflation of 12-38% for
// ZIP and none for Poisson. It is a plausible workload, not an estimate.
func BenchTruth(dist Distribution, k, minAge, maxAge int) (Truth, error) {
	if k < 1 || k > len(benchCurves) {
		return Truth{}, fmt.Errorf("bench truth: %d groups, expected 1 to %d", k, len(benchCurves))
	}
	if maxAge < minAge {
		return Truth{}, fmt.Errorf("bench truth: ages %d-%d", minAge, maxAge)
	}
	shares := make([]float64, k)
	beta := make([][]float64, k)
	var gamma [][]float64
	var tot float64
	for j := range shares {
		tot += benchCurves[j].share
	}
	for j := range shares {
		shares[j] = benchCurves[j].share / tot
		beta[j] = benchCurves[j].beta
		if dist == ZIP {
			gamma = append(gamma, []float64{benchCurves[j].gamma})
		}
	}
	return TruthFromCoefficients(WindowScaling(minAge, maxAge), minAge, maxAge, shares, beta, gamma), nil
}

// WriteWide writes careers as a wide career file: a header id, y<age>...
// and, when the careers hold exposures, e<age>..., then one row per person,
// with empty cells at ages outside the person's window or not observed.
// Exposures are written with the fewest digits that read back exactly, so
// ReadCareers with Exposure "e" gives back the same careers.
func WriteWide(w io.Writer, c *Careers) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	line := []byte("id")
	for pass := 0; pass < 2; pass++ {
		if pass == 1 && c.E == nil {
			break
		}
		prefix := "y"
		if pass == 1 {
			prefix = "e"
		}
		for a := c.MinAge; a <= c.MaxAge(); a++ {
			line = append(line, ',')
			line = append(line, prefix...)
			line = strconv.AppendInt(line, int64(a), 10)
		}
	}
	line = append(line, '\n')
	if _, err := bw.Write(line); err != nil {
		return err
	}
	ys := make([]int64, c.NumAges)
	es := make([]float64, c.NumAges) // 0: not observed
	for i := 0; i < c.Len(); i++ {
		clear(es)
		c.Cells(i, func(x Cell) {
			ys[x.Age-c.MinAge] = int64(x.Y)
			es[x.Age-c.MinAge] = x.Exposure
		})
		line = appendField(line[:0], c.IDs[i])
		for t := range ys {
			line = append(line, ',')
			if es[t] != 0 {
				line = strconv.AppendInt(line, ys[t], 10)
			}
		}
		if c.E != nil {
			for t := range es {
				line = append(line, ',')
				if es[t] != 0 {
					line = strconv.AppendFloat(line, es[t], 'g', -1, 64)
				}
			}
		}
		line = append(line, '\n')
		if _, err := bw.Write(line); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// appendField appends s as a CSV field, quoted when it must be.
func appendField(dst []byte, s string) []byte {
	if !strings.ContainsAny(s, ",\"\r\n") {
		return append(dst, s...)
	}
	dst = append(dst, '"')
	dst = append(dst, strings.ReplaceAll(s, `"`, `""`)...)
	return append(dst, '"')
}
