package careersio

import (
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// wideRows returns the header and the first n rows of
// data/gbtm_sim/sim630_wide.csv (id, y12..y40), every fifth person
// unobserved after age 30 (empty cells), split into fields.
func wideRows(t *testing.T, n int) [][]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "data", "gbtm_sim", "sim630_wide.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")[:n+1]
	rows := make([][]string, len(lines))
	for i, l := range lines {
		rows[i] = strings.Split(strings.TrimSpace(l), ",")
		if i > 0 && i%5 == 0 {
			for j := 20; j < len(rows[i]); j++ {
				rows[i][j] = ""
			}
		}
	}
	return rows
}

func joinRows(rows [][]string) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(r, ","))
		b.WriteByte('\n')
	}
	return b.String()
}

// trajText writes rows (wide: id, y12, ...) as a traj file: counts
// y1..yT and times t1..tT by wave, the waves of even persons in reverse
// order of age, so that each person has times of their own; times are
// ages divided by scale, written with %g.
func trajText(rows [][]string, scale float64) string {
	T := len(rows[0]) - 1
	head := []string{"id"}
	for k := 1; k <= T; k++ {
		head = append(head, "y"+strconv.Itoa(k))
	}
	for k := 1; k <= T; k++ {
		head = append(head, "t"+strconv.Itoa(k))
	}
	out := [][]string{head}
	for i, r := range rows[1:] {
		rec := make([]string, 1+2*T)
		rec[0] = r[0]
		for k := 0; k < T; k++ {
			j := k
			if i%2 == 1 {
				j = T - 1 - k
			}
			age, _ := strconv.Atoi(strings.TrimPrefix(rows[0][1+j], "y"))
			rec[1+k] = r[1+j]
			if r[1+j] != "" {
				rec[1+T+k] = strconv.FormatFloat(float64(age)/scale, 'g', -1, 64)
			}
		}
		out = append(out, rec)
	}
	return joinRows(out)
}

// TestTrajAndNoID: a traj wave file (times as ages, and times in decades
// with TimeScale 10) and an id-less wide matrix give the careers of the
// wide file of the same data, cell for cell.
func TestTrajAndNoID(t *testing.T) {
	rows := wideRows(t, 80)
	want, _, err := ReadCareers(strings.NewReader(joinRows(rows)), "ref.csv", ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// The wide file renumbered 1..N, and without its id column.
	renum := make([][]string, len(rows))
	bare := make([][]string, len(rows))
	for i, r := range rows {
		renum[i] = append([]string(nil), r...)
		if i > 0 {
			renum[i][0] = strconv.Itoa(i)
		}
		bare[i] = r[1:]
	}
	wantN, _, err := ReadCareers(strings.NewReader(joinRows(renum)), "renum.csv", ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, text string
		opt        ReadOptions
		format     Format
		want       any
	}{
		{"traj detected", trajText(rows, 1), ReadOptions{}, Traj, want},
		{"traj forced", trajText(rows, 1), ReadOptions{Format: Traj}, Traj, want},
		{"traj in decades", trajText(rows, 10), ReadOptions{Format: Traj, TimeScale: 10}, Traj, want},
		{"traj time prefix", strings.Replace(trajText(rows, 1), ",t", ",age", -1), ReadOptions{Time: "age"}, Traj, want},
		{"no id", joinRows(bare), ReadOptions{NoID: true}, Wide, wantN},
		{"no id traj", dropFirst(trajText(rows, 1)), ReadOptions{NoID: true}, Traj, wantN},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, info, err := ReadCareers(strings.NewReader(tc.text), "x.csv", tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if info.Format != tc.format {
				t.Errorf("format %q, want %q", info.Format, tc.format)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Error("careers differ from those of the wide file")
			}
		})
	}
}

// dropFirst returns the CSV text without its first column.
func dropFirst(text string) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if _, rest, ok := strings.Cut(l, ","); ok {
			lines[i] = rest
		}
	}
	return strings.Join(lines, "\n")
}

// TestTrajErrors: non-integer times say to round or bin (or to give the
// scale); a wide file with times gets a warning when read as wide.
func TestTrajErrors(t *testing.T) {
	rows := wideRows(t, 10)
	dec := trajText(rows, 10)
	_, _, err := ReadCareers(strings.NewReader(dec), "x.csv", ReadOptions{})
	if err == nil || !strings.Contains(err.Error(), "x.csv:2:") || !strings.Contains(err.Error(), "round or bin") || !strings.Contains(err.Error(), "--time-scale") {
		t.Errorf("times in decades without a scale: %v", err)
	}
	_, _, err = ReadCareers(strings.NewReader(dec), "x.csv", ReadOptions{TimeScale: 2})
	if err == nil || !strings.Contains(err.Error(), "not a whole number of years: round or bin") {
		t.Errorf("times with a wrong scale: %v", err)
	}
	_, info, err := ReadCareers(strings.NewReader(trajText(rows, 1)), "x.csv", ReadOptions{Format: Wide})
	if err != nil {
		t.Fatal(err)
	}
	if len(info.Warnings) == 0 || info.Warnings[0].Kind != UnusedTimes {
		t.Errorf("traj file read as wide: warnings %v, want unused-times", info.Warnings)
	}
	_, _, err = ReadCareers(strings.NewReader("id,age,y\n1,12,0\n"), "x.csv", ReadOptions{NoID: true})
	if err == nil || !strings.Contains(err.Error(), "needs its id column") {
		t.Errorf("long file without id: %v", err)
	}
}
