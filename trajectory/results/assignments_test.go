package results

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"strconv"
	"testing"
)

// TestWritePosteriorsOneWriter checks that assignments.csv, formatted in
// runs on several goroutines, is byte for byte what one csv.Writer writes
// row by row: over several batches of runs and a partial last one, with
// ids that need quotes or escaping, persons without a group and
// posteriors that are not finite.
func TestWritePosteriorsOneWriter(t *testing.T) {
	n := 2*postBatch*postChunk + 123
	k := 3
	ids := make([]string, n)
	groups := make([]int, n)
	post := make([][]float64, k)
	for j := range post {
		post[j] = make([]float64, n)
	}
	odd := []string{`a,b`, `say "hi"`, " lead", "line\nbreak", "=SUM(A1)", "ü", `\.`, ""}
	for i := range ids {
		ids[i] = "p" + strconv.Itoa(i)
		if i%997 == 0 {
			ids[i] = odd[(i/997)%len(odd)] + strconv.Itoa(i)
		}
		groups[i] = i % (k + 1)
		for j := range post {
			post[j][i] = math.Ldexp(float64(i*(j+1)%1009), -10)
		}
		if i%1231 == 0 {
			post[0][i] = math.NaN()
		}
	}
	for _, o := range []Options{{}, {SafeCSV: true}, {Threads: 1}, {SafeCSV: true, Threads: 3}} {
		var got bytes.Buffer
		if err := writePosteriors(&got, ids, groups, post, o); err != nil {
			t.Fatal(err)
		}
		want := oneWriter(ids, groups, post, o)
		if !bytes.Equal(got.Bytes(), want) {
			i := 0
			for i < min(got.Len(), len(want)) && got.Bytes()[i] == want[i] {
				i++
			}
			t.Fatalf("%+v: the file differs from one csv.Writer's at byte %d of %d (got %d bytes)", o, i, len(want), got.Len())
		}
	}
}

// oneWriter is assignments.csv written row by row with one csv.Writer,
// as writePosteriors did before it formatted runs in parallel.
func oneWriter(ids []string, groups []int, post [][]float64, o Options) []byte {
	var b bytes.Buffer
	cw := csv.NewWriter(&b)
	rec := []string{IDColumn, "group"}
	if o.SafeCSV {
		rec[0] = SafeIDColumn
	}
	for j := range post {
		rec = append(rec, fmt.Sprintf("p%d", j+1))
	}
	cw.Write(rec)
	for i, id := range ids {
		rec[0] = id
		if o.SafeCSV {
			rec[0] = EscapeID(id)
		}
		rec[1] = ""
		if groups[i] > 0 {
			rec[1] = strconv.Itoa(groups[i])
		}
		for j := range post {
			rec[j+2] = FormatFloat(post[j][i])
		}
		cw.Write(rec)
	}
	cw.Flush()
	return b.Bytes()
}
