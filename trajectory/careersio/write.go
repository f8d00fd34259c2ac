package careersio

import (
	"bufio"
	"io"
	"strconv"
	"strings"

	"github.com/trajkit/trajkit/trajectory"
)

// The writers stream rows through a buffer with strconv.Append*, never
// fmt: a million careers of 39 ages are 39 million long rows. Exposures
// are written with the shortest representation that reads back to the
// same float64, so reading a written file gives back the same careers.

// WriteLong writes the careers as a long career file: the header
// id,age,y (with a fourth column exposure when the careers keep
// exposures, c.E != nil), then one row per person and observed age,
// persons in order and ages ascending. Unobserved ages inside a window
// have no row. ReadCareers with Exposure "exposure" (or none, when there
// is no exposure column) reads the file back into the same careers.
// Real-valued careers (c.Real) are written with their values in y, in
// their shortest round-trip form, and no exposure column; ReadCareers with
// Real reads them back.
func WriteLong(w io.Writer, c *trajectory.Careers) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	hasE := c.E != nil && !c.Real()
	if hasE {
		bw.WriteString("id,age,y,exposure\n")
	} else {
		bw.WriteString("id,age,y\n")
	}
	ages := ageFields(c, ',')
	var id []byte
	for i := 0; i < c.Len(); i++ {
		id = AppendField(id[:0], c.IDs[i])
		id = append(id, ',')
		cell := c.Start[i]
		for t := int(c.Lo[i]); t <= int(c.Hi[i]); t++ {
			y, v, e := uint32(0), 0.0, 1.0
			if cell < c.Start[i+1] && int(c.Age[cell]) == t {
				y, v, e = c.Y[cell], c.Value(cell), c.Exposure(cell)
				cell++
				if e == 0 {
					continue // unobserved
				}
			}
			b := bw.AvailableBuffer()
			b = append(b, id...)
			b = append(b, ages[t]...)
			if c.Real() {
				b = strconv.AppendFloat(b, v, 'g', -1, 64)
			} else {
				b = strconv.AppendUint(b, uint64(y), 10)
			}
			if hasE {
				b = append(b, ',')
				b = appendExposure(b, e)
			}
			b = append(b, '\n')
			if _, err := bw.Write(b); err != nil {
				return err
			}
		}
	}
	return bw.Flush()
}

// WriteWide writes the careers as a wide career file: the header
// id,y<age>,... over the whole age grid (and e<age>,... when the careers
// keep exposures), then one row per person; cells of unobserved ages are
// empty. ReadCareers with Exposure "e" (or none) reads the file back into
// the same careers.
//
// Real-valued careers are written as WriteLong writes them.
func WriteWide(w io.Writer, c *trajectory.Careers) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	hasE := c.E != nil && !c.Real()
	bw.WriteString("id")
	prefixes := []string{"y"}
	if hasE {
		prefixes = append(prefixes, "e")
	}
	for _, p := range prefixes {
		for t := 0; t < c.NumAges; t++ {
			bw.WriteString("," + p + strconv.Itoa(c.MinAge+t))
		}
	}
	bw.WriteByte('\n')
	// One row's counts and exposures, by age; "" is unobserved.
	ys := make([]uint32, c.NumAges)
	vs := make([]float64, c.NumAges) // real values
	es := make([]float64, c.NumAges)
	for i := 0; i < c.Len(); i++ {
		for t := range es {
			es[t] = 0
		}
		cell := c.Start[i]
		for t := int(c.Lo[i]); t <= int(c.Hi[i]); t++ {
			ys[t], vs[t], es[t] = 0, 0, 1
			if cell < c.Start[i+1] && int(c.Age[cell]) == t {
				ys[t], vs[t], es[t] = c.Y[cell], c.Value(cell), c.Exposure(cell)
				cell++
			}
		}
		b := bw.AvailableBuffer()
		b = AppendField(b, c.IDs[i])
		for t, e := range es {
			b = append(b, ',')
			switch {
			case e > 0 && c.Real():
				b = strconv.AppendFloat(b, vs[t], 'g', -1, 64)
			case e > 0:
				b = strconv.AppendUint(b, uint64(ys[t]), 10)
			}
		}
		if hasE {
			for _, e := range es {
				b = append(b, ',')
				if e > 0 {
					b = appendExposure(b, e)
				}
			}
		}
		b = append(b, '\n')
		if _, err := bw.Write(b); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// appendExposure appends e in its shortest round-trip form; most
// exposures are 1.
func appendExposure(b []byte, e float64) []byte {
	if e == 1 {
		return append(b, '1')
	}
	return strconv.AppendFloat(b, e, 'g', -1, 64)
}

// ageFields returns each age of the grid as text followed by sep.
func ageFields(c *trajectory.Careers, sep byte) [][]byte {
	out := make([][]byte, c.NumAges)
	for t := range out {
		out[t] = append(strconv.AppendInt(nil, int64(c.MinAge+t), 10), sep)
	}
	return out
}

// AppendField appends s as one CSV field, quoted as encoding/csv would
// when it holds a comma, a quote, a line end or leading space.
func AppendField(b []byte, s string) []byte {
	if s == "" || !strings.ContainsAny(s, ",\"\r\n") && s[0] != ' ' && s[0] != '\t' {
		return append(b, s...)
	}
	b = append(b, '"')
	b = append(b, strings.ReplaceAll(s, `"`, `""`)...)
	return append(b, '"')
}

// WriteLongOutcomes writes several outcomes of the same persons on one
// age grid (cs[o] named names[o], as SimulateMulti draws them) as one long
// career file: the header id,age,<names...> (with a last column exposure
// when the first outcome keeps exposures), then one row per person and
// age observed in any outcome, an outcome unobserved there left empty.
// The exposure of a row is the first observing outcome's: the outcomes are
// taken to share each person's time at risk. ReadOutcomes with the
// names as count columns (and exposure "exposure") reads the file back.
func WriteLongOutcomes(w io.Writer, names []string, cs []*trajectory.Careers) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	c0 := cs[0]
	hasE := c0.E != nil && !c0.Real()
	bw.WriteString("id,age")
	for _, name := range names {
		bw.Write(AppendField([]byte{','}, name))
	}
	if hasE {
		bw.WriteString(",exposure")
	}
	bw.WriteByte('\n')
	ages := ageFields(c0, ',')
	type cell struct {
		observed bool
		y        int
		v, e     float64
	}
	row := make([][]cell, c0.NumAges) // row[t][o]
	for t := range row {
		row[t] = make([]cell, len(cs))
	}
	var id []byte
	for i := 0; i < c0.Len(); i++ {
		lo, hi := c0.NumAges, -1
		for o, c := range cs {
			c.Cells(i, func(x trajectory.Cell) {
				if x.Exposure == 0 {
					return
				}
				t := x.Age - c0.MinAge
				row[t][o] = cell{true, x.Y, x.Value, x.Exposure}
				lo, hi = min(lo, t), max(hi, t)
			})
		}
		id = AppendField(id[:0], c0.IDs[i])
		id = append(id, ',')
		for t := lo; t <= hi; t++ {
			e, any := 1.0, false
			for _, x := range row[t] {
				if x.observed && !any {
					e, any = x.e, true
				}
			}
			if !any {
				continue
			}
			b := bw.AvailableBuffer()
			b = append(b, id...)
			b = append(b, ages[t][:len(ages[t])-1]...)
			for o, x := range row[t] {
				b = append(b, ',')
				switch {
				case !x.observed:
				case cs[o].Real():
					b = strconv.AppendFloat(b, x.v, 'g', -1, 64)
				default:
					b = strconv.AppendInt(b, int64(x.y), 10)
				}
			}
			if hasE {
				b = append(b, ',')
				b = appendExposure(b, e)
			}
			b = append(b, '\n')
			if _, err := bw.Write(b); err != nil {
				return err
			}
			clear(row[t])
		}
	}
	return bw.Flush()
}
